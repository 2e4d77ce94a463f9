//! Schema migrations: one numbered file per change in `migrations/sqlite` and
//! `migrations/postgres`, embedded in the binary.

use sqlx::migrate::Migrator;

use super::Db;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// Applies every pending migration. Safe to run from several processes at once:
/// sqlx takes a lock on PostgreSQL, and SQLite has one writer.
pub async fn run(db: &Db) -> anyhow::Result<()> {
    match db {
        Db::Sqlite(pool, ..) => SQLITE.run(pool).await?,
        Db::Postgres(pool, ..) => POSTGRES.run(pool).await?,
    }
    // Data the SQL of a migration cannot compute on both databases alike.
    crate::cases::store::fill_name_keys(db).await?;
    Ok(())
}
