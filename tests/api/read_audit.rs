//! Read audits wait in staging (src/audit/staged.rs) until the sealer moves them into the
//! chained log: each is durable before its response leaves, none is lost or doubled when a
//! move is cut short, and on SQLite none of them commits to the main file (whose commits
//! would reset every reader's page cache).

use caselink::audit::{sealer, staged};
use serde_json::json;

use crate::cases::{case_as, open_case_in};
use crate::harness::{on_postgres, spawn_app_with};
use crate::signals::{signal_hub_on, SignalHub};

const READS: &str = "SELECT COUNT(*) FROM audit_events WHERE action = 'PERSONAL_DATA_READ'";

/// A hub with one case whose sealer and reminders never run on their own, so the test
/// decides when events move.
async fn quiet_hub() -> (SignalHub, String) {
    let app = spawn_app_with(|c| {
        c.audit_seal_interval_ms = 3_600_000;
        c.mail.reminder_interval_ms = 3_600_000;
    })
    .await;
    let hub = signal_hub_on(app).await;
    let case = open_case_in(&hub).await;
    sealer::seal_all(&hub.app.db)
        .await
        .expect("seal the set-up");
    (hub, case)
}

/// Counts in the log itself, without moving staged events first (as `TestApp::count`
/// does), so that the test sees where each event is.
async fn in_log(hub: &SignalHub, sql: &str) -> i64 {
    caselink::with_db!(&hub.app.db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await)
    .expect("count audit events")
}

async fn staged_now(hub: &SignalHub) -> i64 {
    staged::pending(&hub.app.db).await.expect("count staged")
}

#[tokio::test]
async fn a_read_is_staged_before_its_response_and_chained_by_the_sealer() {
    let (hub, id) = quiet_hub().await;
    let before = in_log(&hub, READS).await;
    let body = case_as(&hub, &hub.curator, &id).await;
    assert!(body["data"]["case"]["persons"].is_array(), "{body}");
    assert_eq!(staged_now(&hub).await, 1, "staged when the response left");
    assert_eq!(in_log(&hub, READS).await, before, "not in the log yet");

    sealer::seal_all(&hub.app.db).await.expect("seal");
    assert_eq!(staged_now(&hub).await, 0);
    assert_eq!(in_log(&hub, READS).await, before + 1);
    let unsealed = "SELECT COUNT(*) FROM audit_events WHERE hash IS NULL";
    assert_eq!(
        in_log(&hub, unsealed).await,
        0,
        "moved and chained together"
    );
    let verify = hub.app.run_cli(&["audit", "verify"]).await;
    let out = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success() && out.contains("intact"), "{out}");
}

#[tokio::test]
async fn a_move_cut_short_before_its_clean_up_neither_loses_nor_doubles_an_event() {
    let (hub, id) = quiet_hub().await;
    let before = in_log(&hub, READS).await;
    case_as(&hub, &hub.curator, &id).await;
    case_as(&hub, &hub.curator, &id).await;
    assert_eq!(staged_now(&hub).await, 2);

    if on_postgres() {
        // Staging is in the same database: the sealer deletes the staged rows in the
        // transaction that inserts them into the log, so there is no window to cut.
        sealer::seal_all(&hub.app.db).await.expect("seal");
        assert_eq!(staged_now(&hub).await, 0);
        assert_eq!(in_log(&hub, READS).await, before + 2, "each read once");
        return;
    }
    // A sealer that moved the events and died before deleting them from the companion
    // file: keep a copy of the staged rows, seal, and put them back as they were.
    let companion = hub.app.db.staging();
    caselink::with_db!(companion, |pool| sqlx::query(
        "CREATE TABLE kept AS SELECT * FROM audit_reads_pending"
    )
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("keep the staged rows");
    sealer::seal_all(&hub.app.db)
        .await
        .expect("the first round");
    assert_eq!(in_log(&hub, READS).await, before + 2);
    caselink::with_db!(companion, |pool| sqlx::query(
        "INSERT INTO audit_reads_pending SELECT * FROM kept"
    )
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("the clean-up never ran");
    assert_eq!(
        staged_now(&hub).await,
        2,
        "still staged: the clean-up never ran"
    );

    sealer::seal_all(&hub.app.db).await.expect("the next round");
    assert_eq!(staged_now(&hub).await, 0);
    assert_eq!(in_log(&hub, READS).await, before + 2, "each read once");
}

#[tokio::test]
async fn the_audit_log_shows_reads_that_still_wait_in_staging() {
    let (hub, id) = quiet_hub().await;
    case_as(&hub, &hub.curator, &id).await;
    assert_eq!(staged_now(&hub).await, 1);
    let body = hub
        .app
        .gql(
            Some(&hub.admin),
            "{ auditEvents(first: 5, filter: { action: PERSONAL_DATA_READ }) { edges { node { targetId sealed } } } }",
            json!({}),
        )
        .await;
    let edges = body["data"]["auditEvents"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // The first page moved (and so chained) the read that waited in staging.
    assert_eq!(
        edges[0]["node"]["targetId"],
        json!(id),
        "newest first: {body}"
    );
    assert!(
        edges.iter().all(|e| e["node"]["sealed"] == json!(true)),
        "moved reads are chained as they move: {body}"
    );
    assert_eq!(staged_now(&hub).await, 0);
}

#[tokio::test]
async fn on_sqlite_reading_personal_data_commits_nothing_to_the_main_file() {
    if on_postgres() {
        return; // The companion file is SQLite's; PostgreSQL keeps one database.
    }
    let (hub, id) = quiet_hub().await;
    case_as(&hub, &hub.curator, &id).await; // sessions, caches: warm
    let caselink::db::Db::Sqlite(pool, ..) = &hub.app.db else {
        unreachable!("not on PostgreSQL");
    };
    let mut watcher = pool.acquire().await.expect("a connection");
    // `data_version` changes when another connection commits to that file.
    let version = "PRAGMA main.data_version";
    let main_before: i64 = sqlx::query_scalar(version)
        .fetch_one(&mut *watcher)
        .await
        .expect("data_version");
    let staged_before = staged_now(&hub).await;
    for _ in 0..3 {
        let body = case_as(&hub, &hub.curator, &id).await;
        assert!(body["data"]["case"]["persons"].is_array(), "{body}");
    }
    let main_after: i64 = sqlx::query_scalar(version)
        .fetch_one(&mut *watcher)
        .await
        .expect("data_version");
    assert_eq!(main_before, main_after, "a read committed to the main file");
    assert_eq!(
        staged_now(&hub).await,
        staged_before + 3,
        "each read audited"
    );
}

#[tokio::test]
async fn a_hub_with_a_single_database_connection_still_seals_its_reads() {
    let (hub, id) = quiet_hub().await;
    case_as(&hub, &hub.curator, &id).await;
    assert_eq!(staged_now(&hub).await, 1);
    // CASELINK_DB_MAX_CONNECTIONS=1: the sealer must not wait for a second connection
    // while its transaction holds the only one.
    let keys = hub.app.db.audit_keys().cloned().expect("the app's keys");
    let lone = caselink::db::Db::connect(&hub.app.database_url, 1)
        .await
        .expect("connect with one connection")
        .with_audit_keys(keys);
    let sealed = tokio::time::timeout(std::time::Duration::from_secs(5), sealer::seal_all(&lone))
        .await
        .expect("sealing finished within 5 s")
        .expect("seal");
    assert_eq!(sealed, 1);
    assert_eq!(staged_now(&hub).await, 0);
    lone.close().await;
}

#[tokio::test]
async fn a_staging_number_is_never_given_twice_even_after_the_table_empties() {
    // Moved rows are deleted by number: a reused number would let a late clean-up (another
    // process's sealer) delete an event that was never moved.
    let (hub, id) = quiet_hub().await;
    let staged_seq = || async {
        caselink::with_db!(hub.app.db.staging(), |pool| sqlx::query_scalar::<_, i64>(
            "SELECT MAX(seq) FROM audit_reads_pending"
        )
        .fetch_one(pool)
        .await)
        .expect("staged seq")
    };
    case_as(&hub, &hub.curator, &id).await;
    let first = staged_seq().await;
    sealer::seal_all(&hub.app.db).await.expect("seal");
    assert_eq!(staged_now(&hub).await, 0, "the table is empty");
    case_as(&hub, &hub.curator, &id).await;
    assert!(staged_seq().await > first);
}

#[tokio::test]
async fn a_staged_read_altered_before_it_is_moved_is_caught_by_verify() {
    let (hub, id) = quiet_hub().await;
    case_as(&hub, &hub.curator, &id).await;
    assert_eq!(staged_now(&hub).await, 1);
    // Someone who can write the staging table (on SQLite the companion file) hides what
    // was read; staging has no guard.
    caselink::with_db!(hub.app.db.staging(), |pool| sqlx::query(
        "UPDATE audit_reads_pending SET details = '{}'"
    )
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("alter the staged event");
    let verify = hub.app.run_cli(&["audit", "verify"]).await;
    let out = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(verify.status.code(), Some(1), "{out}");
    assert!(
        out.contains("BROKEN at staged read event") && out.contains("does not match its MAC"),
        "{out}"
    );
    // Moved and sealed, it carries its MAC along, and still shows.
    sealer::seal_all(&hub.app.db).await.expect("seal");
    let verify = hub.app.run_cli(&["audit", "verify"]).await;
    let out = String::from_utf8_lossy(&verify.stdout);
    assert_eq!(verify.status.code(), Some(1), "{out}");
    assert!(
        out.contains("BROKEN at position") && out.contains("does not match its MAC"),
        "{out}"
    );
}

#[tokio::test]
async fn an_older_companion_file_gains_the_mac_columns_when_opened() {
    if on_postgres() {
        return; // PostgreSQL's staging table gets them from migration 0010.
    }
    let main = std::env::temp_dir().join(format!(
        "caselink_companion_{}.db",
        uuid::Uuid::new_v4().simple()
    ));
    let companion = staged::sqlite_companion(&main);
    {
        use sqlx::ConnectOptions as _;
        let mut old = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&companion)
            .create_if_missing(true)
            .connect()
            .await
            .expect("create an old companion");
        // The table as the version before the keys created it, with one staged read.
        sqlx::query(
            "CREATE TABLE audit_reads_pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, \
             id BLOB NOT NULL UNIQUE, occurred_at TEXT NOT NULL, actor_user_id BLOB, \
             actor_agency_id BLOB, action TEXT NOT NULL, target_kind TEXT NOT NULL, \
             target_id BLOB, case_id BLOB, request_id TEXT NOT NULL, details TEXT NOT NULL)",
        )
        .execute(&mut old)
        .await
        .expect("the old table");
        sqlx::query(
            "INSERT INTO audit_reads_pending (id, occurred_at, action, target_kind, request_id, \
             details) VALUES (randomblob(16), '2026-01-01T00:00:00Z', 'PERSONAL_DATA_READ', 'case', 'r', '{}')",
        )
        .execute(&mut old)
        .await
        .expect("an old staged read");
    }
    let db = caselink::db::Db::connect(&format!("sqlite://{}", main.display()), 1)
        .await
        .expect("open beside the old companion");
    let rows = staged::all(&db).await.expect("read staged events");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].mac.mac.is_none(), "an old read has no MAC");
    db.close().await;
    for suffix in ["", "-wal", "-shm", "-reads", "-reads-wal", "-reads-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", main.display()));
    }
}
