//! The few places where SQLite and PostgreSQL need different SQL. Domain code asks here
//! instead of matching on [`Db`].

use super::{Db, Tx};

/// `FOR UPDATE SKIP LOCKED` on PostgreSQL (several servers share the queue); nothing on
/// SQLite, which has one writer at a time anyway.
pub fn skip_locked(db: &Db) -> &'static str {
    match db {
        Db::Sqlite(..) => "",
        Db::Postgres(..) => " FOR UPDATE SKIP LOCKED",
    }
}

/// Takes a transaction-scoped lock named by `key` so that one process at a time does a
/// singleton job (the audit sealer). Returns whether this process got it.
///
/// PostgreSQL: an advisory lock released at commit. SQLite: the transaction already holds
/// the database's write lock (`BEGIN IMMEDIATE`), so it is always ours.
pub async fn try_job_lock(tx: &mut Tx, key: i64) -> sqlx::Result<bool> {
    match tx {
        Tx::Sqlite(..) => Ok(true),
        Tx::Postgres(tx, _) => {
            sqlx::query_scalar::<_, bool>("SELECT pg_try_advisory_xact_lock($1)")
                .bind(key)
                .fetch_one(&mut **tx)
                .await
        }
    }
}

/// Like [`try_job_lock`], but waits for the process that holds the lock to commit.
pub async fn job_lock(tx: &mut Tx, key: i64) -> sqlx::Result<()> {
    match tx {
        Tx::Sqlite(..) => Ok(()),
        Tx::Postgres(tx, _) => sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(key)
            .execute(&mut **tx)
            .await
            .map(|_| ()),
    }
}

/// The next `n` values a table's identity would give to `seq`, taken now, so that a row
/// can be written with its `seq` already known (the audit sealer inserts moved read
/// events already chained, and a link covers `seq`). PostgreSQL: from the sequence.
/// SQLite: after the highest ever given (`AUTOINCREMENT`'s `sqlite_sequence` included);
/// the caller holds the write lock (`BEGIN IMMEDIATE`), so nobody takes them meanwhile.
pub async fn next_seqs(tx: &mut Tx, table: &'static str, n: usize) -> sqlx::Result<Vec<i64>> {
    match tx {
        Tx::Sqlite(tx, ..) => {
            let sql = format!(
                "SELECT MAX(x) FROM (SELECT MAX(seq) AS x FROM {table} UNION ALL \
                 SELECT seq AS x FROM sqlite_sequence WHERE name = '{table}')"
            );
            let last: Option<i64> = sqlx::query_scalar(&sql).fetch_one(&mut **tx).await?;
            let last = last.unwrap_or(0);
            Ok((1..=n as i64).map(|i| last + i).collect())
        }
        Tx::Postgres(tx, _) => {
            let sql = format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'seq')) \
                 FROM generate_series(1, $1::int)"
            );
            sqlx::query_scalar(&sql)
                .bind(n as i32)
                .fetch_all(&mut **tx)
                .await
        }
    }
}

/// `FOR UPDATE` on PostgreSQL, to serialise read-modify-write of one row; nothing on
/// SQLite, whose `BEGIN IMMEDIATE` transactions already run one at a time.
pub fn for_update(tx: &Tx) -> &'static str {
    match tx {
        Tx::Sqlite(..) => "",
        Tx::Postgres(..) => " FOR UPDATE",
    }
}
