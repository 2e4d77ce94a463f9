//! The database: one enum over a SQLite or PostgreSQL pool, so domain code is written once.
//!
//! Domain code never matches on [`Db`]; it writes one SQL text (`$1` placeholders work on
//! both) and runs it through [`with_db!`] or [`with_tx!`], which type-check the body once
//! per backend. Dialect differences live in [`dialect`].

pub mod dialect;
pub mod list_query;
pub mod migrate;
pub mod params;
#[cfg(test)]
pub mod query_plans;
pub mod sqlite_memory;
pub mod stored_content;
pub mod types;

pub use types::{JsonText, TimeZone};

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::audit::keys::Keyring;
use crate::error::AppResult;

/// How much of a SQLite file each connection reads through a memory map.
///
/// In WAL mode every commit (a read-audit batch, a sealing round) makes every other
/// connection drop its whole page cache when it next reads, so without a map each list
/// query re-read its pages from the file with `pread` into freshly allocated cache pages.
/// Through the map those pages come straight from the OS page cache, shared by all
/// connections. It is address space, not memory: only touched pages are resident, and
/// they are the OS's file cache, which it can reclaim.
///
/// Large enough for the whole file of any hub this serves (a million cases is 4 GB): a
/// page beyond the map is read with a system call into the connection's small cache,
/// which made a deep list page at that size cost twice its first page. SQLite caps the
/// map at a compile-time ceiling (2 GiB by default), raised for the bundled SQLite in
/// `.cargo/config.toml`; `the_memory_map_is_as_large_as_asked` checks it holds.
const SQLITE_MMAP_BYTES: u64 = 64 << 30;

/// Each SQLite connection's own page cache, in KiB (as `PRAGMA cache_size`, negative).
/// Reads come through the memory map above, so the cache holds little that the OS's file
/// cache does not; SQLite's default of 2 MiB per connection, on each of the pool's
/// connections, kept the server above 100 MiB with 32 clients on a hub of 100,000 cases
/// (110 MiB; 94 MiB with 128 KiB, at the same request rates within this machine's noise;
/// docs/performance.md, "Memory").
const SQLITE_CACHE_KIB: i64 = 128;

/// A connection pool to whichever database the hub runs on.
#[derive(Clone, Debug)]
pub enum Db {
    /// The embedded default: a local file, this pool's turn at its write lock, the
    /// companion file where read audits wait ([`crate::audit::staged`]; `None` for the
    /// companion itself), and the audit keys.
    Sqlite(SqlitePool, WriteTurns, Option<Arc<Db>>, AuditKeys),
    /// Production: several `caselink serve` processes may share one.
    Postgres(PgPool, AuditKeys),
}

/// The audit keys a handle carries, so that [`crate::audit::record`] can MAC an event
/// inside any transaction without a process-wide global (tests run several hubs with
/// different key files in one process). `None` until [`Db::with_audit_keys`]: recording
/// an event then fails, so a code path that forgot to load the keys shows at once.
#[derive(Clone, Debug, Default)]
pub struct AuditKeys(Option<Arc<Keyring>>);

/// An open transaction on either database.
pub enum Tx {
    /// A SQLite transaction (begun `IMMEDIATE`, see [`Db::begin`]), holding this process's
    /// turn at the write lock until it ends.
    Sqlite(Transaction<'static, Sqlite>, OwnedMutexGuard<()>, AuditKeys),
    /// A PostgreSQL transaction.
    Postgres(Transaction<'static, Postgres>, AuditKeys),
}

/// Runs the same body against whichever pool we hold. The body is type-checked
/// once per backend, so both must compile.
#[macro_export]
macro_rules! with_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool, ..) => $body,
            $crate::db::Db::Postgres($pool, ..) => $body,
        }
    };
}

/// Runs the same body against whichever transaction we hold; `$conn` is `&mut *tx`.
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(tx, ..) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::Tx::Postgres(tx, ..) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// The current time as both databases keep it: UTC, truncated to microseconds.
pub fn now() -> DateTime<Utc> {
    truncate(Utc::now())
}

/// A time as both databases keep it: truncated to microseconds (PostgreSQL's precision),
/// so that what we wrote and what we read back compare equal.
pub fn truncate(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(6)
}

/// Turns the row count of a version-guarded `UPDATE` into `CONFLICT` when it hit nothing:
/// someone else changed the record between our read and our write.
pub fn ensure_updated(rows_affected: u64, what: &str) -> crate::error::AppResult<()> {
    if rows_affected == 0 {
        return Err(crate::error::AppError::Conflict(format!(
            "{what} was changed by someone else at the same time; reload and retry"
        )));
    }
    Ok(())
}

/// The order in which one process's SQLite writers take the database's single write lock.
///
/// Without it, writers that find the lock taken wait in SQLite's busy handler, which
/// sleeps and retries with growing pauses (up to 100 ms each): a read-audit batch that
/// arrives while the sealer commits could sleep far longer than the sealer needs, with
/// every request of the batch waiting behind it. Here they wait on a fair (FIFO) async
/// mutex and start the moment the previous writer commits, so the sealer and the
/// read-audit writer take turns batch by batch.
#[derive(Clone, Debug, Default)]
pub struct WriteTurns(Arc<Mutex<()>>);

/// As long as a writer waits for its turn before it gives up, like SQLite's busy timeout.
const WRITE_TURN_TIMEOUT: Duration = Duration::from_secs(10);

impl WriteTurns {
    async fn wait(&self) -> AppResult<OwnedMutexGuard<()>> {
        tokio::time::timeout(WRITE_TURN_TIMEOUT, self.0.clone().lock_owned())
            .await
            .map_err(|_| {
                crate::error::AppError::internal(anyhow::anyhow!(
                    "timed out waiting for the SQLite write lock"
                ))
            })
    }
}

/// Whether a SQLite URL names an in-memory database (`sqlite::memory:`, `mode=memory`).
fn in_memory(url: &str) -> bool {
    url.contains(":memory:") || url.contains("mode=memory")
}

impl Db {
    /// Connects to `url` (`sqlite://…` or `postgres://…`), creating a SQLite file if missing.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
        Db::connect_with(url, max_connections, true).await
    }

    /// Connects to an existing database only: a mistyped SQLite path is an error, not a
    /// new empty file (for `audit verify`).
    pub async fn connect_existing(url: &str, max_connections: u32) -> anyhow::Result<Db> {
        Db::connect_with(url, max_connections, false).await
    }

    async fn connect_with(url: &str, max_connections: u32, create: bool) -> anyhow::Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).context("invalid DATABASE_URL")?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .context("cannot connect to PostgreSQL")?;
            Ok(Db::Postgres(pool, AuditKeys::default()))
        } else if url.starts_with("sqlite:") {
            sqlite_memory::install();
            let options = SqliteConnectOptions::from_str(url)
                .context("invalid DATABASE_URL")?
                .create_if_missing(create)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("mmap_size", SQLITE_MMAP_BYTES.to_string())
                .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"));
            let main_file = options.get_filename().to_owned();
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .connect_with(options)
                .await
                .context("cannot open the SQLite database")?;
            // Only beside a main file that opened: a mistyped path leaves no stray companion.
            let companion =
                crate::audit::staged::open_sqlite_companion(&main_file, in_memory(url)).await?;
            Ok(Db::Sqlite(
                pool,
                WriteTurns::default(),
                Some(Arc::new(companion)),
                AuditKeys::default(),
            ))
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite:// or postgres://")
        }
    }

    /// Begins a transaction. SQLite's begins `IMMEDIATE`: it takes the write lock up front,
    /// so two writers queue instead of failing on lock upgrade. Writers of this process
    /// first queue in order for their turn ([`WriteTurns`]); only writers of other
    /// processes meet on SQLite's busy timeout.
    pub async fn begin(&self) -> AppResult<Tx> {
        Ok(match self {
            Db::Sqlite(pool, turns, _, keys) => {
                let turn = turns.wait().await?;
                Tx::Sqlite(
                    pool.begin_with("BEGIN IMMEDIATE").await?,
                    turn,
                    keys.clone(),
                )
            }
            Db::Postgres(pool, keys) => Tx::Postgres(pool.begin().await?, keys.clone()),
        })
    }

    /// This handle (and every transaction it begins) with the audit keys, which
    /// [`crate::audit::record`], the read-audit staging and the sealer need.
    pub fn with_audit_keys(self, keys: Arc<Keyring>) -> Db {
        match self {
            Db::Sqlite(pool, turns, companion, _) => {
                Db::Sqlite(pool, turns, companion, AuditKeys(Some(keys)))
            }
            Db::Postgres(pool, _) => Db::Postgres(pool, AuditKeys(Some(keys))),
        }
    }

    /// The audit keys, when loaded.
    pub fn audit_keys(&self) -> Option<&Arc<Keyring>> {
        match self {
            Db::Sqlite(.., keys) | Db::Postgres(_, keys) => keys.0.as_ref(),
        }
    }

    /// Where read audits wait for the sealer: on SQLite the companion file's pool, so
    /// that their commits never touch the main file; on PostgreSQL this same database.
    pub fn staging(&self) -> &Db {
        match self {
            Db::Sqlite(_, _, Some(companion), _) => companion,
            _ => self,
        }
    }

    /// Checks the database answers (for `/readyz`).
    pub async fn ping(&self) -> AppResult<()> {
        with_db!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Which backend this is, for logs and `/readyz`.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(..) => "sqlite",
            Db::Postgres(..) => "postgres",
        }
    }

    /// Closes the pool, waiting for connections to return.
    pub async fn close(&self) {
        if let Db::Sqlite(_, _, Some(companion), _) = self {
            Box::pin(companion.close()).await;
        }
        with_db!(self, |pool| pool.close().await)
    }
}

impl Tx {
    /// Commits the transaction.
    pub async fn commit(self) -> AppResult<()> {
        match self {
            Tx::Sqlite(tx, _turn, _) => tx.commit().await?,
            Tx::Postgres(tx, _) => tx.commit().await?,
        }
        Ok(())
    }

    /// The audit keys of the handle that began this transaction, when loaded.
    pub fn audit_keys(&self) -> Option<&Arc<Keyring>> {
        match self {
            Tx::Sqlite(.., keys) | Tx::Postgres(_, keys) => keys.0.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled SQLite grants the whole map asked for: `.cargo/config.toml` raises its
    /// compile-time ceiling, without which it would quietly map 2 GiB of the file.
    #[tokio::test]
    async fn the_memory_map_is_as_large_as_asked() {
        let name = format!("caselink_mmap_{}.db", uuid::Uuid::new_v4().simple());
        let file = std::env::temp_dir().join(name);
        let db = Db::connect(&format!("sqlite://{}", file.display()), 1)
            .await
            .expect("open a SQLite file");
        let Db::Sqlite(pool, ..) = &db else {
            panic!("a sqlite:// URL opened something else");
        };
        let granted: i64 = sqlx::query_scalar("PRAGMA mmap_size")
            .fetch_one(pool)
            .await
            .expect("read the map's size");
        pool.close().await;
        for suffix in ["", "-wal", "-shm", "-reads", "-reads-wal", "-reads-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        assert_eq!(u64::try_from(granted).ok(), Some(SQLITE_MMAP_BYTES));
    }
}
