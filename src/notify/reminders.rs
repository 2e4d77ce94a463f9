//! The reminder scheduler inside `serve`: each round looks for clocks about to pass or
//! passed, and raises each reminder once.
//!
//! "Once" is kept by the database, not by the process: a reminder is a row in
//! `notification_reminders` keyed by (record, occasion, due time), inserted if absent
//! in the same transaction as its messages ([`remind_once`]). However often a round
//! runs and however many servers run one, the second insert finds the row and writes
//! nothing. A round looks back `CASELINK_REMINDER_CATCH_UP_HOURS`, so reminders missed
//! while no server ran go out at the next start. A changed due time is a new reminder.

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;
use uuid::Uuid;

use super::model::{NotificationKind, SubjectKind};
use super::{enqueue, store, Notice, Recipient, Subject};
use crate::access::Role;
use crate::config::MailConfig;
use crate::db::{self, Db, Tx};
use crate::error::AppResult;
use crate::with_db;

/// Candidates looked at per occasion and round.
const BATCH: i64 = 200;

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
        notice.subject.kind().as_str(),
        notice.subject.id(),
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

/// One round at `now`; returns how many reminders it raised.
pub async fn round(db: &Db, config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let lead = Duration::minutes(config.reminder_lead_minutes.max(0));
    let catch_up = Duration::hours(config.reminder_catch_up_hours.max(0));
    let mut raised = 0;
    // About to pass: due within the lead time. Passed: due, within the catch-up window.
    for (kind, occasion, from, to) in [
        (
            NotificationKind::SignalClockDueSoon,
            "VISIT_DUE_SOON",
            now,
            now + lead,
        ),
        (
            NotificationKind::SignalClockPassed,
            "VISIT_PASSED",
            now - catch_up,
            now,
        ),
    ] {
        for clock in running_visit_clocks(db, occasion, from, to).await? {
            let mut tx = db.begin().await?;
            let notice = clock.notice(kind);
            if remind_once(&mut tx, occasion, clock.due_at, &notice, now).await? {
                raised += 1;
            }
            tx.commit().await?;
        }
    }
    // A handover's receiver hears a day ahead that its deadline is near.
    let occasion = "HANDOVER_DEADLINE_NEAR";
    let near = crate::handovers::store::pending_near_deadline(
        db,
        occasion,
        now,
        now + HANDOVER_LEAD,
        BATCH,
    )
    .await?;
    for (row, journal_no) in near {
        let mut tx = db.begin().await?;
        let kind = NotificationKind::HandoverDeadlineNear;
        let notice = crate::handovers::notice_of(&row, kind, &journal_no);
        if remind_once(&mut tx, occasion, row.deadline_at, &notice, now).await? {
            raised += 1;
        }
        tx.commit().await?;
    }
    Ok(raised)
}

/// How long before a handover's deadline its receiver is reminded.
const HANDOVER_LEAD: Duration = Duration::hours(24);

/// A signal's visit clock still running.
#[derive(sqlx::FromRow)]
struct RunningClock {
    id: Uuid,
    service_agency_id: Uuid,
    service_journal_no: String,
    curator_user_id: Option<Uuid>,
    due_at: DateTime<Utc>,
}

impl RunningClock {
    /// The agency, its heads of service and the curator, if one is assigned.
    fn notice(&self, kind: NotificationKind) -> Notice {
        let mut recipients = vec![
            Recipient::Agency(self.service_agency_id),
            Recipient::Role(self.service_agency_id, Role::HeadOfService),
        ];
        recipients.extend(self.curator_user_id.map(Recipient::User));
        Notice {
            kind,
            subject: Subject::Signal(self.id),
            journal_no: self.service_journal_no.clone(),
            clock: Some("VISIT"),
            due_at: Some(self.due_at),
            recipients,
        }
    }
}

/// Visit clocks running with a due time in `(from, to]` (`[from, to]` for passed ones)
/// that have no `occasion` reminder for that due time yet. The hospital's two clocks
/// are done before a signal reaches the hub (`reportSignal` passes it), so only the
/// visit clock can be reminded of.
async fn running_visit_clocks(
    db: &Db,
    occasion: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> AppResult<Vec<RunningClock>> {
    const SQL: &str = "
        SELECT s.id, s.service_agency_id, s.service_journal_no, s.curator_user_id,
               s.visit_due_at AS due_at
        FROM signals s
        WHERE s.visit_due_at > $1 AND s.visit_due_at <= $2
          AND s.visited_at IS NULL AND s.dismissed_at IS NULL
          AND s.status IN ('RECEIVED', 'CURATOR_ASSIGNED')
          AND s.service_journal_no IS NOT NULL
          AND NOT EXISTS (
              SELECT 1 FROM notification_reminders r
              WHERE r.subject_kind = $3 AND r.subject_id = s.id AND r.occasion = $4
                AND r.due_at = s.visit_due_at)
        ORDER BY s.visit_due_at, s.id
        LIMIT $5";
    Ok(with_db!(db, |pool| sqlx::query_as(SQL)
        .bind(from)
        .bind(to)
        .bind(SubjectKind::Signal.as_str())
        .bind(occasion)
        .bind(BATCH)
        .fetch_all(pool)
        .await)?)
}
