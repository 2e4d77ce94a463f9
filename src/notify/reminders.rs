//! The reminder scheduler inside `serve`: each round runs every domain's registered
//! scans ([`Reminder`]: the visit clock in `signals`, deadlines in `handovers`), which
//! look for what is about to pass or passed and raise each reminder once.
//!
//! "Once" is kept by the database, not by the process: a reminder is a row in
//! `notification_reminders` keyed by (record, occasion, due time), inserted if absent
//! in the same transaction as its messages ([`remind_once`]). However often a round
//! runs and however many servers run one, the second insert finds the row and writes
//! nothing. A round looks back `CASELINK_REMINDER_CATCH_UP_HOURS`, so reminders missed
//! while no server ran go out at the next start. A changed due time is a new reminder.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::{enqueue, store, Notice};
use crate::config::MailConfig;
use crate::db::{self, Db, Tx};
use crate::error::AppResult;

/// Candidates a scan looks at per occasion and round.
pub const BATCH: i64 = 200;

/// Raises a reminder unless it was raised already, and if this call raised it, writes
/// its messages; all in `tx`. Returns whether it raised it.
///
/// `occasion` names what is reminded of (`VISIT_DUE_SOON`, `HANDOVER_DEADLINE_NEAR`…);
/// with the record and the due time it is the reminder's key.
pub async fn remind_once(
    tx: &mut Tx,
    occasion: &str,
    due_at: DateTime<Utc>,
    notice: &Notice,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let raised = store::raise_reminder(
        tx,
        notice.subject.kind.as_str(),
        notice.subject.id,
        occasion,
        db::truncate(due_at),
        now,
    )
    .await?;
    if raised {
        enqueue(tx, notice, now).await?;
    }
    Ok(raised)
}

/// Runs a round every reminder interval until `shutdown` turns true. The first round
/// runs at once: that is the catch-up after downtime.
pub async fn run(db: Db, config: MailConfig, mut shutdown: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(config.reminder_interval());
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.changed() => break,
        }
        if let Err(error) = round(&db, &config, db::now()).await {
            tracing::warn!(?error, "reminder round failed; will retry");
        }
    }
}

/// A domain's reminder: an occasion it raises, and the scan that finds what is due at
/// `now` and raises each with [`remind_once`]. A domain lists its own in its folder
/// (`signals/reminders.rs`, …) and registers them in [`crate::domains::DOMAINS`].
#[derive(Clone, Copy)]
pub struct Reminder {
    /// What it reminds of (`VISIT_DUE_SOON`, …), for logs.
    pub occasion: &'static str,
    /// Raises what is due at `now`; returns how many reminders it raised.
    pub scan: ReminderScan,
}

impl std::fmt::Debug for Reminder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reminder")
            .field("occasion", &self.occasion)
            .finish()
    }
}

/// A reminder's scan: `(db, mail settings, now)`, boxed so that a list can hold it.
pub type ReminderScan = for<'a> fn(
    &'a Db,
    &'a MailConfig,
    DateTime<Utc>,
) -> Pin<Box<dyn Future<Output = AppResult<usize>> + Send + 'a>>;

/// One round at `now`: every registered reminder's scan; returns how many reminders it
/// raised.
pub async fn round(db: &Db, config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let mut raised = 0;
    for domain in crate::domains::DOMAINS {
        for reminder in domain.reminders {
            raised += (reminder.scan)(db, config, now).await?;
        }
    }
    Ok(raised)
}
