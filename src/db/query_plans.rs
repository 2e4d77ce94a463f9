//! For unit tests of a statement's shape: a fresh migrated database of each kind the suite
//! runs on, and the plan each database makes for a statement, as text.
//!
//! Plans are checked for what a statement must never do whatever the data (read a row's
//! scope twice, walk a table instead of seeking), not for speed: speed is the bench's.

use uuid::Uuid;

use super::list_query::{ListQuery, Param};
use super::Db;

/// A migrated empty SQLite database, and a PostgreSQL one when the suite runs there
/// (`CASELINK_TEST_DATABASE_URL`, as `scripts/test-all` sets it).
pub async fn fresh_databases() -> Vec<Db> {
    let name = format!("caselink_plan_{}", Uuid::new_v4().simple());
    let file = std::env::temp_dir().join(format!("{name}.db"));
    let mut urls = vec![format!("sqlite://{}", file.display())];
    if let Some(server) = std::env::var("CASELINK_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        use sqlx::Connection as _;
        let mut admin = sqlx::PgConnection::connect(&server)
            .await
            .expect("connect to the PostgreSQL test server");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create a database for the plans");
        let base = server.rsplit_once('/').map_or(&*server, |(base, _)| base);
        urls.push(format!("{base}/{name}"));
    }
    let mut dbs = Vec::new();
    for url in urls {
        let db = Db::connect(&url, 2).await.expect("open the database");
        super::migrate::run(&db).await.expect("migrate");
        dbs.push(db);
    }
    dbs
}

/// The plan `db` makes for `sql` with `params` bound: SQLite's `EXPLAIN QUERY PLAN`
/// details, PostgreSQL's `EXPLAIN` lines, one per line.
pub async fn plan(db: &Db, sql: &str, params: Vec<Param>) -> String {
    let mut q = ListQuery::with_params(params);
    let lines: Vec<String> = match db {
        Db::Sqlite(pool, ..) => {
            q.push(&format!("EXPLAIN QUERY PLAN {sql}"));
            let rows: Vec<(i64, i64, i64, String)> = q
                .bind(sqlx::query_as(q.sql()))
                .fetch_all(pool)
                .await
                .expect("explain on SQLite");
            rows.into_iter().map(|r| r.3).collect()
        }
        Db::Postgres(pool, ..) => {
            q.push(&format!("EXPLAIN {sql}"));
            let rows: Vec<(String,)> = q
                .bind(sqlx::query_as(q.sql()))
                .fetch_all(pool)
                .await
                .expect("explain on PostgreSQL");
            rows.into_iter().map(|r| r.0).collect()
        }
    };
    lines.join("\n")
}

/// How many times the plan reads `table` (aliased `alias`) through a subquery run per
/// row: SQLite's `SEARCH <alias>` lines under a correlated subquery, PostgreSQL's
/// `SubPlan`s. A scope read once per row is 1.
pub fn per_row_subqueries(db: &Db, plan: &str, alias: &str) -> usize {
    match db {
        Db::Sqlite(..) => plan
            .lines()
            .filter(|l| l.starts_with(&format!("SEARCH {alias} ")))
            .count(),
        Db::Postgres(..) => plan
            .lines()
            .filter(|l| l.trim_start().starts_with("SubPlan"))
            .count(),
    }
}

/// Checks that SQLite plans each of `statements` as a walk of `index` in the statement's
/// own order, without sorting the candidates (`USE TEMP B-TREE`): a keyset list that
/// seeks. SQLite only: its plan on empty tables does not depend on statistics, where
/// PostgreSQL's would.
pub async fn assert_sqlite_seeks(index: &str, statements: &[ListQuery]) {
    for db in fresh_databases().await {
        if matches!(db, Db::Sqlite(..)) {
            for q in statements {
                let plan = plan(&db, q.sql(), q.params().to_vec()).await;
                assert!(
                    plan.contains(index) && !plan.contains("TEMP B-TREE"),
                    "{}\n{plan}",
                    q.sql()
                );
            }
        }
        close(db).await;
    }
}

/// Closes the pool and removes a SQLite file with its companions (a PostgreSQL test
/// database goes with the throwaway cluster).
pub async fn close(db: Db) {
    let file = match &db {
        Db::Sqlite(pool, ..) => Some(pool.connect_options().get_filename().to_owned()),
        Db::Postgres(..) => None,
    };
    db.close().await;
    if let Some(file) = file {
        for suffix in ["", "-wal", "-shm", "-reads", "-reads-wal", "-reads-shm"] {
            let mut path = file.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}
