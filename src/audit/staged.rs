//! Where read-audit events wait for the sealer: `audit_reads_pending`.
//!
//! Every request that returns personal data writes one `PERSONAL_DATA_READ` event, so
//! reads commit hundreds of times a second. On SQLite in WAL mode every commit to a file
//! makes every other connection to that file drop its page cache on its next read, so if
//! those commits went to the main file, each list query would first rebuild its cache;
//! the bench measured that as more than half the cost of a read. Read events therefore
//! commit to a companion file (`<database file>-reads`) with a pool and a write turn of its
//! own, and the sealer moves them into `audit_events` about once a second, where they are
//! chained like every other event. On PostgreSQL the table is an ordinary one in the same
//! database; the SQL is the same text on both ([`Db::staging`] picks the pool).
//!
//! Nothing is lost and nothing doubles: an event keeps its id when it moves, the move
//! skips ids already in `audit_events`, and a staged row is deleted only after its copy
//! is committed, so a crash between the two steps repeats the move harmlessly.
//!
//! Each staged event carries its MAC from the start and keeps it when it moves, so an
//! event altered while it waits here shows in `audit verify` like any other.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use uuid::Uuid;

use super::chain::{event_mac, EventContent, EventMac};
use super::compact::Hex;
use super::{require_keys, Entry, Origin};
use crate::db::{params, AuditKeys, Db, Tx, WriteTurns};
use crate::error::AppResult;
use crate::{with_db, with_tx};

/// The columns an event has before it is chained, in both tables.
const COLUMNS: &str = "id, occurred_at, actor_user_id, actor_agency_id, action, target_kind, \
                       target_id, case_id, request_id, details, mac_key_id, mac";

/// How many columns [`COLUMNS`] names.
const COLUMN_COUNT: usize = 12;

/// The companion file's table; on PostgreSQL migration 0008 creates the same table.
/// `AUTOINCREMENT`, because moved rows are deleted by `seq`: a number is never given
/// again, even after the table empties, so a second process's late clean-up cannot hit
/// a newer event.
const SQLITE_TABLE: &str = "
    CREATE TABLE IF NOT EXISTS audit_reads_pending (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        id              BLOB NOT NULL UNIQUE,
        occurred_at     TEXT NOT NULL,
        actor_user_id   BLOB,
        actor_agency_id BLOB,
        action          TEXT NOT NULL,
        target_kind     TEXT NOT NULL,
        target_id       BLOB,
        case_id         BLOB,
        request_id      TEXT NOT NULL,
        details         TEXT NOT NULL,
        mac_key_id      TEXT,
        mac             TEXT
    )";

/// Columns added to the companion's table since it was first created, with their type:
/// an existing companion file gets them when it is opened (PostgreSQL gets them from its
/// migrations).
const SQLITE_ADDED_COLUMNS: [(&str, &str); 2] = [("mac_key_id", "TEXT"), ("mac", "TEXT")];

/// Rows per multi-row statement. SQLite looks bound parameters up by name in a list, so
/// a statement's parsing and binding cost grows with the square of its parameters: 256
/// rows of 10 took a tenth of the server's time. 32 rows keep that small, and few enough
/// distinct statement texts for sqlx's statement cache.
const ROWS_PER_INSERT: usize = 32;

/// Connections to the companion: the read-audit writer and the sealer.
const SQLITE_CONNECTIONS: u32 = 2;

/// The companion file of the SQLite database at `main`: beside it, named `<main>-reads`
/// like SQLite's own `-wal` and `-shm`, so that they are found and copied together.
pub fn sqlite_companion(main: &Path) -> String {
    format!("{}-reads", main.to_string_lossy())
}

/// Opens (creating when missing) the companion of the SQLite database at `main`, with the
/// main file's durability settings. An in-memory database gets an in-memory companion.
pub async fn open_sqlite_companion(main: &Path, in_memory: bool) -> anyhow::Result<Db> {
    let options = if in_memory {
        SqliteConnectOptions::from_str("sqlite::memory:")?
    } else {
        SqliteConnectOptions::new().filename(sqlite_companion(main))
    };
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(10));
    let pool = SqlitePoolOptions::new()
        .max_connections(SQLITE_CONNECTIONS)
        .connect_with(options)
        .await
        .context("cannot open the read-audit file beside the SQLite database")?;
    sqlx::query(SQLITE_TABLE)
        .execute(&pool)
        .await
        .context("cannot create the read-audit table")?;
    upgrade_sqlite_companion(&pool).await?;
    Ok(Db::Sqlite(
        pool,
        WriteTurns::default(),
        None,
        AuditKeys::default(),
    ))
}

/// Adds the columns an older companion file lacks. Its rows from before have no MAC:
/// they are legacy events, like those recorded in the main file before the keys.
async fn upgrade_sqlite_companion(pool: &sqlx::SqlitePool) -> anyhow::Result<()> {
    let present: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info('audit_reads_pending')")
            .fetch_all(pool)
            .await
            .context("cannot read the read-audit table's columns")?;
    for (column, kind) in SQLITE_ADDED_COLUMNS {
        if !present.iter().any(|p| p == column) {
            sqlx::query(&format!(
                "ALTER TABLE audit_reads_pending ADD COLUMN {column} {kind}"
            ))
            .execute(pool)
            .await
            .with_context(|| format!("cannot add {column} to the read-audit table"))?;
        }
    }
    Ok(())
}

/// Stages events, each with its MAC under the current key of `db`'s keys, in one
/// multi-row `INSERT` and one commit, in order. Once this returns, the events are
/// durable: the sealer will move and chain them.
pub async fn stage(db: &Db, events: &[(&Origin, &Entry, DateTime<Utc>)]) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let key = require_keys(db.audit_keys())?.current();
    let rows: Vec<StagedRow> = events
        .iter()
        .map(|(origin, entry, at)| {
            let content = entry.content(origin, *at);
            let mac = event_mac(key, &content);
            StagedRow::new(content, key.id(), mac)
        })
        .collect();
    let mut tx = db.staging().begin().await?;
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO audit_reads_pending ({COLUMNS}) VALUES {}",
            params::rows(1, chunk.len(), COLUMN_COUNT)
        );
        with_tx!(&mut tx, |conn| bind_rows(sqlx::query(&sql), chunk)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    tx.commit().await
}

/// Binds the [`COLUMNS`] of each row, in order.
fn bind_rows<'q, DB>(
    mut query: sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    rows: &'q [StagedRow],
) -> sqlx::query::Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    Uuid: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<Uuid>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for r in rows {
        let c = &r.content;
        query = query
            .bind(c.id)
            .bind(c.occurred_at)
            .bind(c.actor_user_id)
            .bind(c.actor_agency_id)
            .bind(c.action.as_str())
            .bind(c.target_kind.as_str())
            .bind(c.target_id)
            .bind(c.case_id)
            .bind(c.request_id.as_str())
            .bind(c.details.as_str())
            .bind(r.mac.mac_key_id.as_deref())
            .bind(r.mac.mac.as_deref());
    }
    query
}

/// A staged event: its staging number, content and MAC.
#[derive(sqlx::FromRow)]
pub struct StagedRow {
    /// The staging number (not the event's `seq` in the log).
    pub seq: i64,
    /// The event.
    #[sqlx(flatten)]
    pub content: EventContent,
    /// Its MAC.
    #[sqlx(flatten)]
    pub mac: EventMac,
}

impl StagedRow {
    fn new(content: EventContent, key_id: &str, mac: String) -> StagedRow {
        StagedRow {
            seq: 0,
            content,
            mac: EventMac {
                mac_key_id: Some(Hex::new(key_id)),
                mac: Some(Hex(mac)),
            },
        }
    }
}

/// Staged events taken into the log in a transaction that has yet to commit; hand them
/// to [`forget`] once it has.
#[must_use = "forget the moved events once the transaction commits"]
pub struct Moved {
    /// How many events were taken.
    count: usize,
    /// On SQLite, the companion's rows up to this staging number are in the log.
    through: Option<i64>,
}

impl Moved {
    /// How many events were read from staging.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether none were.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

const SQLITE_WATERMARK: &str = "SELECT seq FROM audit_staging_moved WHERE singleton = 1";
const SQLITE_MARK: &str = "
    INSERT INTO audit_staging_moved (singleton, seq) VALUES (1, $1)
    ON CONFLICT (singleton) DO UPDATE SET seq = excluded.seq";

/// Takes up to `limit` staged events, oldest first, for the sealer to insert into the log
/// in `tx`, and records in `tx` that they are taken, so that they are taken exactly once:
/// on PostgreSQL (staging in the same database) they are deleted in `tx`; on SQLite (the
/// companion file) the last staging number taken is stored in the main file in `tx`
/// (`audit_staging_moved`), later takes start after it, and [`forget`] deletes them from
/// the companion once `tx` has committed. Staging numbers rise in commit order there:
/// every staging commit holds the companion's write lock.
pub async fn take(db: &Db, tx: &mut Tx, limit: i64) -> AppResult<(Vec<StagedRow>, Moved)> {
    if std::ptr::eq(db.staging(), db) {
        // One database (PostgreSQL): read and delete in the sealer's own transaction.
        let select =
            format!("SELECT seq, {COLUMNS} FROM audit_reads_pending ORDER BY seq LIMIT $1");
        let rows: Vec<StagedRow> = with_tx!(&mut *tx, |conn| sqlx::query_as(&select)
            .bind(limit)
            .fetch_all(conn)
            .await)?;
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = format!(
                "DELETE FROM audit_reads_pending WHERE seq IN ({})",
                params::list(1, chunk.len())
            );
            with_tx!(&mut *tx, |conn| {
                let mut query = sqlx::query(&sql);
                for row in chunk {
                    query = query.bind(row.seq);
                }
                query.execute(conn).await.map(|r| r.rows_affected())
            })?;
        }
        let count = rows.len();
        return Ok((
            rows,
            Moved {
                count,
                through: None,
            },
        ));
    }
    let after: Option<i64> = with_tx!(&mut *tx, |conn| sqlx::query_scalar(SQLITE_WATERMARK)
        .fetch_optional(conn)
        .await)?;
    let after = after.unwrap_or(0);
    let select = format!(
        "SELECT seq, {COLUMNS} FROM audit_reads_pending WHERE seq > $1 ORDER BY seq LIMIT $2"
    );
    let rows: Vec<StagedRow> = with_db!(db.staging(), |pool| sqlx::query_as(&select)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    let through = rows.last().map(|r| r.seq);
    if let Some(through) = through {
        with_tx!(&mut *tx, |conn| sqlx::query(SQLITE_MARK)
            .bind(through)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    let count = rows.len();
    Ok((
        rows,
        Moved {
            count,
            // Also clears rows a crash left behind after an earlier commit.
            through: Some(through.unwrap_or(after)),
        },
    ))
}

/// Deletes taken events from the companion file, once the transaction that inserted them
/// into the log committed (nothing to do on PostgreSQL, where the take deleted them).
pub async fn forget(db: &Db, moved: Moved) -> AppResult<()> {
    let Some(through) = moved.through.filter(|t| *t > 0) else {
        return Ok(());
    };
    with_db!(db.staging(), |pool| sqlx::query(
        "DELETE FROM audit_reads_pending WHERE seq <= $1"
    )
    .bind(through)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Moves every staged event into `audit_events` now, chained (and so seals whatever else
/// waits), and appends the signed checkpoint of the new head to `log`, without waiting
/// for the sealer's next round: for readers of the log who must see every read up to
/// this moment. On PostgreSQL it waits for another process's sealing round to end.
pub async fn flush(db: &Db, log: &super::checkpoints::CheckpointLog) -> AppResult<usize> {
    let round = super::sealer::seal_round_waiting(db).await?;
    if let Some((head, at)) = &round.head {
        let keys = require_keys(db.audit_keys())?;
        log.append(super::checkpoints::Checkpoint::sign(
            keys.current(),
            head,
            *at,
        ))
        .await
        .map_err(crate::error::AppError::internal)?;
    }
    Ok(round.sealed)
}

/// Every staged event, oldest first, for `audit verify` to check their MACs.
pub async fn all(db: &Db) -> AppResult<Vec<StagedRow>> {
    let sql = format!("SELECT seq, {COLUMNS} FROM audit_reads_pending ORDER BY seq");
    Ok(with_db!(db.staging(), |pool| sqlx::query_as(&sql)
        .fetch_all(pool)
        .await)?)
}

/// How many read events wait to be moved (for tests and the bench).
pub async fn pending(db: &Db) -> AppResult<i64> {
    Ok(with_db!(db.staging(), |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_reads_pending"
    )
    .fetch_one(pool)
    .await)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_companion_sits_beside_the_main_file() {
        assert_eq!(
            sqlite_companion(Path::new("/var/lib/caselink/caselink.db")),
            "/var/lib/caselink/caselink.db-reads"
        );
    }
}
