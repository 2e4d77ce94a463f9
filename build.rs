//! `sqlx::migrate!` embeds the migrations when `db::migrate` compiles, but a new file in
//! `migrations/` changes no Rust source, so nothing would rebuild it and a build would
//! silently lack the migration (sqlx's own advice is this build script).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
