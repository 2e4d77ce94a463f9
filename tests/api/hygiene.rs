//! API hygiene: error codes, limits, switches, health, request ids, the schema file, and
//! the two migration dialects.

use serde_json::json;

use crate::harness::{error_code, on_postgres, spawn_app, spawn_app_with};

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let health = app
        .http()
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    let ready = app
        .http()
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 200);
    assert!(ready.headers().contains_key("x-request-id"));
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn a_client_cannot_choose_its_request_id() {
    let app = spawn_app().await;
    let response = app
        .http()
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "Ivanova Maria 1990-01-01")
        .send()
        .await
        .expect("healthz");
    let id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "request id was {id}");
}

#[tokio::test]
async fn page_size_counts_towards_query_complexity() {
    let app = spawn_app_with(|c| c.max_query_complexity = 60).await;
    // A sign-in alone costs more than 60 (src/graphql/cost.rs): sign in on a peer.
    let admin = app.spawn_peer(|_| {}).await.admin_token().await;
    let small = app
        .gql(
            Some(&admin),
            "{ agencies(first: 5) { edges { node { id name } } } }",
            json!({}),
        )
        .await;
    assert!(small["errors"].is_null(), "{small}");
    let large = app
        .gql(
            Some(&admin),
            "{ agencies(first: 100) { edges { node { id name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&large), Some("BAD_USER_INPUT"), "{large}");
}

#[tokio::test]
async fn audit_verify_on_a_missing_database_says_it_could_not_check() {
    let app = spawn_app().await;
    let missing = std::env::temp_dir().join(format!(
        "caselink_missing_{}.db",
        uuid::Uuid::new_v4().simple()
    ));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_caselink"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", format!("sqlite://{}", missing.display()))
        .envs(app.audit_env())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists(), "verify must not create a database");
    let companion = format!("{}-reads", missing.display());
    assert!(
        !std::path::Path::new(&companion).exists(),
        "verify must not leave a read-audit file beside a missing database"
    );
    let demo = app.run_cli(&["demo"]).await;
    assert!(
        !demo.status.success(),
        "demo must refuse a non-demo database"
    );
    assert!(String::from_utf8_lossy(&demo.stderr).contains("not a demo database"));
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.db.close().await;
    let ready = app
        .http()
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 503);
}

#[tokio::test]
async fn an_internal_error_leaks_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    app.execute("DROP TABLE user_roles")
        .await
        .expect("break the database");
    let body = app
        .gql(
            Some(&admin),
            "{ users { edges { node { name roles } } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("INTERNAL"), "{body}");
    let text = body.to_string().to_lowercase();
    for leak in [
        "user_roles",
        "select",
        "sqlx",
        "/tmp",
        "no such table",
        "relation",
    ] {
        assert!(!text.contains(leak), "{leak} leaked: {body}");
    }
}

#[tokio::test]
async fn a_syntax_error_is_bad_input() {
    let app = spawn_app().await;
    let body = app.gql(None, "{ me { ", json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

#[tokio::test]
async fn too_deep_and_too_complex_queries_are_refused() {
    let app = spawn_app_with(|c| {
        c.max_query_depth = 3;
        c.max_query_complexity = 10;
    })
    .await;
    // A sign-in alone costs more than 10 (src/graphql/cost.rs): sign in on a peer.
    let admin = app.spawn_peer(|_| {}).await.admin_token().await;
    let deep = "{ users { edges { node { agency { name } } } } }";
    assert_eq!(
        error_code(&app.gql(Some(&admin), deep, json!({})).await),
        Some("BAD_USER_INPUT")
    );
    let wide = "{ me { id name email roles active version createdAt hubAdmin } a: me { id name email roles } }";
    assert_eq!(
        error_code(&app.gql(Some(&admin), wide, json!({})).await),
        Some("BAD_USER_INPUT")
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let app = spawn_app_with(|c| c.max_body_bytes = 1024).await;
    let padding = "x".repeat(4096);
    let response = app
        .http()
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": "{ me { id } }", "variables": { "padding": padding } }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn introspection_and_graphiql_can_be_switched_off() {
    let on = spawn_app().await;
    let introspect = "{ __schema { queryType { name } } }";
    assert_eq!(
        on.gql(None, introspect, json!({})).await["data"]["__schema"]["queryType"]["name"],
        "Query"
    );
    // A browser (it asks for HTML) gets GraphiQL's page; GET without HTML runs queries
    // (tests/api/http_spec.rs).
    let page = on
        .http()
        .get(format!("{}/graphql", on.address))
        .header("accept", "text/html")
        .send()
        .await
        .expect("get");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap_or_default().contains("graphiql"));
    let off = spawn_app_with(|c| {
        c.introspection = false;
        c.graphiql = false;
    })
    .await;
    let refused = off.gql(None, introspect, json!({})).await;
    assert!(
        refused["data"]["__schema"]["queryType"]["name"].is_null(),
        "{refused}"
    );
    let no_page = off
        .http()
        .get(format!("{}/graphql", off.address))
        .header("accept", "text/html")
        .send()
        .await
        .expect("get");
    assert_ne!(no_page.status(), 200);
    assert!(!no_page
        .text()
        .await
        .unwrap_or_default()
        .contains("graphiql"));
}

#[test]
fn schema_graphql_is_the_exported_schema() {
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql"))
            .unwrap_or_default();
    assert!(
        checked_in == caselink::graphql::sdl(),
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql`"
    );
}

/// Both dialects must give the same tables and columns. Runs when PostgreSQL is there.
#[tokio::test]
async fn both_migration_dialects_give_the_same_tables_and_columns() {
    if !on_postgres() {
        return;
    }
    let postgres = spawn_app().await;
    let sqlite_file = std::env::temp_dir().join(format!(
        "caselink_dialects_{}.db",
        uuid::Uuid::new_v4().simple()
    ));
    let sqlite = caselink::db::Db::connect(&format!("sqlite://{}", sqlite_file.display()), 1)
        .await
        .expect("sqlite");
    caselink::db::migrate::run(&sqlite)
        .await
        .expect("migrate sqlite");
    let pg_sql = "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '\\_sqlx%' ORDER BY 1";
    let sqlite_sql = "SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND m.name <> 'sqlite_sequence' ORDER BY 1";
    let mut pg: Vec<String> = caselink::with_db!(&postgres.db, |pool| sqlx::query_scalar(pg_sql)
        .fetch_all(pool)
        .await)
    .expect("pg columns");
    let mut lite: Vec<String> = caselink::with_db!(&sqlite, |pool| sqlx::query_scalar(sqlite_sql)
        .fetch_all(pool)
        .await)
    .expect("sqlite columns");
    // On SQLite the read-audit staging table lives in the companion file.
    let companion: Vec<String> =
        caselink::with_db!(sqlite.staging(), |pool| sqlx::query_scalar(sqlite_sql)
            .fetch_all(pool)
            .await)
        .expect("companion columns");
    lite.extend(companion);
    pg.sort();
    lite.sort();
    for suffix in ["", "-wal", "-shm", "-reads", "-reads-wal", "-reads-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", sqlite_file.display()));
    }
    assert!(!pg.is_empty());
    assert_eq!(pg, lite);
}
