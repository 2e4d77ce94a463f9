//! The sealer: moves staged read events into the log ([`super::staged`]) and chains
//! unsealed audit events in batches. Each batch goes in insertion
//! order; the chain's order is the order of sealing (`chain_pos`), because on PostgreSQL
//! an event with a lower `seq` may commit after a higher one has been sealed.
//!
//! Only one sealer works at a time (a PostgreSQL advisory lock; SQLite's single writer),
//! so several `caselink serve` processes can run one each safely.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::chain::{link_hash, EventContent, GENESIS};
use super::staged;
use crate::db::{self, dialect, params, Db, Tx};
use crate::error::AppResult;
use crate::with_tx;

/// The advisory-lock key that makes the sealer a singleton across processes.
const SEALER_LOCK_KEY: i64 = 0x6361_7365_6c6e_6b01;

/// How many events one transaction seals.
const BATCH: i64 = 500;

const HEAD: &str = "SELECT chain_pos, hash FROM audit_chain_head WHERE singleton = 1";
const UNSEALED: &str = "
    SELECT seq, id, occurred_at, actor_user_id, actor_agency_id, action, target_kind,
           target_id, case_id, request_id, details
    FROM audit_events WHERE hash IS NULL ORDER BY seq LIMIT $1";
const MOVE_HEAD: &str = "
    INSERT INTO audit_chain_head (singleton, chain_pos, hash) VALUES (1, $1, $2)
    ON CONFLICT (singleton) DO UPDATE SET chain_pos = excluded.chain_pos, hash = excluded.hash";

/// Seals up to one batch of pending events; returns how many it sealed (0 when another
/// process holds the sealer lock or nothing waits).
pub async fn seal_batch(db: &Db) -> AppResult<usize> {
    let mut tx = db.begin().await?;
    if !dialect::try_job_lock(&mut tx, SEALER_LOCK_KEY).await? {
        return Ok(0);
    }
    let moved = staged::move_into_log(db, &mut tx, BATCH).await?;
    let (mut pos, mut prev) = chain_head(&mut tx).await?;
    let events: Vec<EventContent> = with_tx!(&mut tx, |conn| sqlx::query_as(UNSEALED)
        .bind(BATCH)
        .fetch_all(conn)
        .await)?;
    if events.is_empty() {
        // Anything moved was in the log already (a round cut short before its clean-up).
        tx.commit().await?;
        staged::forget(db, moved).await?;
        return Ok(0);
    }
    let now = db::now();
    let mut links = Vec::with_capacity(events.len());
    for event in &events {
        pos += 1;
        let hash = link_hash(&prev, pos, event);
        links.push(Link {
            seq: event.seq,
            pos,
            prev: std::mem::replace(&mut prev, hash.clone()),
            hash,
        });
    }
    for chunk in links.chunks(SEAL_CHUNK) {
        seal_chunk(&mut tx, chunk, now).await?;
    }
    with_tx!(&mut tx, |conn| sqlx::query(MOVE_HEAD)
        .bind(pos)
        .bind(&prev)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    staged::forget(db, moved).await?;
    Ok(events.len())
}

/// Seals everything pending, staged read events included, batch after batch.
pub async fn seal_all(db: &Db) -> AppResult<usize> {
    let mut total = 0;
    loop {
        let sealed = seal_batch(db).await?;
        total += sealed;
        if sealed < BATCH as usize {
            return Ok(total);
        }
    }
}

async fn chain_head(tx: &mut Tx) -> AppResult<(i64, String)> {
    let head: Option<(i64, String)> =
        with_tx!(tx, |conn| sqlx::query_as(HEAD).fetch_optional(conn).await)?;
    Ok(head.unwrap_or((0, GENESIS.to_owned())))
}

/// One event's place in the chain.
struct Link {
    seq: i64,
    pos: i64,
    prev: String,
    hash: String,
}

/// Events sealed per `UPDATE` (4 parameters each, well inside both databases' limits).
const SEAL_CHUNK: usize = 100;

/// Seals many events with one `UPDATE … FROM (VALUES …)`: both databases name a VALUES
/// list's columns `column1`, `column2`, ….
async fn seal_chunk(tx: &mut Tx, links: &[Link], now: DateTime<Utc>) -> AppResult<()> {
    let sql = format!(
        "UPDATE audit_events SET chain_pos = v.column2, prev_hash = v.column3, hash = v.column4, \
         sealed_at = $1 FROM (VALUES {}) AS v WHERE audit_events.seq = v.column1",
        params::rows(2, links.len(), 4)
    );
    with_tx!(tx, |conn| {
        let mut query = sqlx::query(&sql).bind(now);
        for link in links {
            query = query
                .bind(link.seq)
                .bind(link.pos)
                .bind(&link.prev)
                .bind(&link.hash);
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Runs the sealer every `interval` until `shutdown` turns true, then seals once more.
pub async fn run(db: Db, interval: Duration, mut shutdown: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.changed() => break,
        }
        if let Err(error) = seal_all(&db).await {
            tracing::warn!(?error, "audit sealing failed; will retry");
        }
    }
    if let Err(error) = seal_all(&db).await {
        tracing::warn!(?error, "final audit sealing failed");
    }
}
