//! Signals' reminders: the visit clock about to pass (within the lead time) and passed
//! (within the catch-up window), each raised once per due time.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::notices::{SIGNAL, SIGNAL_CLOCK_DUE_SOON, SIGNAL_CLOCK_PASSED};
use crate::access::Role;
use crate::config::MailConfig;
use crate::db::Db;
use crate::error::AppResult;
use crate::notify::reminders::{remind_once, Reminder, BATCH};
use crate::notify::{Notice, NotificationKind, Recipient, Subject};
use crate::with_db;

/// Signals' reminders, for [`crate::domains::DOMAINS`].
pub const REMINDERS: &[Reminder] = &[
    Reminder {
        occasion: VISIT_DUE_SOON,
        scan: |db, config, now| Box::pin(visit_due_soon(db, config, now)),
    },
    Reminder {
        occasion: VISIT_PASSED,
        scan: |db, config, now| Box::pin(visit_passed(db, config, now)),
    },
];

const VISIT_DUE_SOON: &str = "VISIT_DUE_SOON";
const VISIT_PASSED: &str = "VISIT_PASSED";

/// About to pass: due within the lead time.
async fn visit_due_soon(db: &Db, config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let lead = Duration::minutes(config.reminder_lead_minutes.max(0));
    remind(
        db,
        SIGNAL_CLOCK_DUE_SOON,
        VISIT_DUE_SOON,
        now,
        now + lead,
        now,
    )
    .await
}

/// Passed: due, within the catch-up window, so reminders missed while no server ran go
/// out at the next start.
async fn visit_passed(db: &Db, config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let catch_up = Duration::hours(config.reminder_catch_up_hours.max(0));
    remind(
        db,
        SIGNAL_CLOCK_PASSED,
        VISIT_PASSED,
        now - catch_up,
        now,
        now,
    )
    .await
}

async fn remind(
    db: &Db,
    kind: NotificationKind,
    occasion: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let mut raised = 0;
    for clock in running_visit_clocks(db, occasion, from, to).await? {
        let mut tx = db.begin().await?;
        let notice = clock.notice(kind);
        if remind_once(&mut tx, occasion, clock.due_at, &notice, now).await? {
            raised += 1;
        }
        tx.commit().await?;
    }
    Ok(raised)
}
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
            subject: Subject::new(SIGNAL, self.id),
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
        .bind(SIGNAL.as_str())
        .bind(occasion)
        .bind(BATCH)
        .fetch_all(pool)
        .await)?)
}
