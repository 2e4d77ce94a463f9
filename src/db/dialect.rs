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

/// `FOR UPDATE` on PostgreSQL, to serialise read-modify-write of one row; nothing on
/// SQLite, whose `BEGIN IMMEDIATE` transactions already run one at a time.
pub fn for_update(tx: &Tx) -> &'static str {
    match tx {
        Tx::Sqlite(..) => "",
        Tx::Postgres(..) => " FOR UPDATE",
    }
}
