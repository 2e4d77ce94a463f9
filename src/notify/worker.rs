//! The mail worker inside `serve`: takes due messages from the outbox under a lease,
//! sends each, and records the try. Several processes may run one each: a message is
//! taken by one worker at a time (`FOR UPDATE SKIP LOCKED` and a lease on PostgreSQL,
//! the single writer on SQLite).
//!
//! Logs name a message by id and count only: never an address, never the SMTP answer
//! (which may quote the address). Those are kept on the row for administrators.

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use uuid::Uuid;

use super::mailer::{Mailer, Outcome};
use super::model::NotificationRow;
use super::store;
use crate::config::MailConfig;
use crate::db::{self, Db};
use crate::error::AppResult;

/// Messages one worker takes at a time.
const BATCH: i64 = 10;

/// Longest error text kept on a row.
const MAX_ERROR: usize = 1000;

/// Runs the worker every poll interval until `shutdown` turns true. Without a mailer
/// (no SMTP settings) it does nothing: messages wait in the outbox.
pub async fn run(
    db: Db,
    mailer: Option<Mailer>,
    config: MailConfig,
    mut shutdown: watch::Receiver<bool>,
) {
    let Some(mailer) = mailer else {
        tracing::info!("mail is not configured; notifications wait in the outbox");
        return;
    };
    let mut ticker = tokio::time::interval(config.poll_interval());
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.changed() => break,
        }
        if let Err(error) = drain(&db, &mailer, &config, &shutdown).await {
            tracing::warn!(?error, "mail worker round failed; will retry");
        }
    }
}

/// Sends batches until nothing is due or the server is stopping; returns how many
/// messages it tried.
pub async fn drain(
    db: &Db,
    mailer: &Mailer,
    config: &MailConfig,
    shutdown: &watch::Receiver<bool>,
) -> AppResult<usize> {
    let owner = Uuid::now_v7();
    let mut tried = 0;
    loop {
        let now = db::now();
        let batch = store::claim(db, owner, now, now + config.lease(), BATCH).await?;
        if batch.is_empty() {
            return Ok(tried);
        }
        let full = batch.len() as i64 == BATCH;
        for (i, row) in batch.iter().enumerate() {
            if *shutdown.borrow() {
                let rest: Vec<Uuid> = batch[i..].iter().map(|r| r.id).collect();
                store::release(db, &rest, owner).await?;
                return Ok(tried);
            }
            let outcome = mailer.send(row).await;
            record(db, config, owner, row, outcome, db::now()).await?;
            tried += 1;
        }
        if !full {
            return Ok(tried);
        }
    }
}

async fn record(
    db: &Db,
    config: &MailConfig,
    owner: Uuid,
    row: &NotificationRow,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let attempt = row.round_attempts + 1;
    match outcome {
        Outcome::Sent => {
            if !store::mark_sent(db, row.id, owner, now).await? {
                tracing::warn!(notification = %row.id, "sent after its lease ran out");
            }
            tracing::info!(notification = %row.id, kind = row.kind.as_str(), "notification sent");
        }
        Outcome::Retry(error) if attempt < config.mail_max_attempts => {
            let next = db::truncate(now + config.retry_after(attempt));
            store::mark_failed_try(db, row.id, owner, &clip(error), Some(next), now).await?;
            tracing::warn!(notification = %row.id, attempt, "notification not sent; will retry");
        }
        Outcome::Retry(error) | Outcome::Permanent(error) => {
            store::mark_failed_try(db, row.id, owner, &clip(error), None, now).await?;
            tracing::warn!(notification = %row.id, attempt, "notification FAILED; an administrator may re-send it");
        }
    }
    Ok(())
}

fn clip(mut error: String) -> String {
    if error.len() > MAX_ERROR {
        let mut end = MAX_ERROR;
        while !error.is_char_boundary(end) {
            end -= 1;
        }
        error.truncate(end);
    }
    error
}
