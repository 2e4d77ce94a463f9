//! The MRG's reminders: an open recommendation three days before its due date, and once
//! it is past it (once per due time, within the catch-up window, so reminders missed
//! while no server ran go out at the next start).

use chrono::{DateTime, Duration, Utc};

use super::notices::{MRG_RECOMMENDATION_DUE_SOON, MRG_RECOMMENDATION_OVERDUE};
use super::rules::DUE_SOON_DAYS;
use crate::config::MailConfig;
use crate::db::Db;
use crate::error::AppResult;
use crate::notify::reminders::{remind_once, Reminder, BATCH};
use crate::notify::NotificationKind;

/// The MRG's reminders, for [`crate::domains::DOMAINS`].
pub const REMINDERS: &[Reminder] = &[
    Reminder {
        occasion: DUE_SOON,
        scan: |db, config, now| Box::pin(due_soon(db, config, now)),
    },
    Reminder {
        occasion: OVERDUE,
        scan: |db, config, now| Box::pin(overdue(db, config, now)),
    },
];

const DUE_SOON: &str = "MRG_RECOMMENDATION_DUE_SOON";
const OVERDUE: &str = "MRG_RECOMMENDATION_OVERDUE";

async fn due_soon(db: &Db, _config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let ahead = now + Duration::days(DUE_SOON_DAYS);
    remind(db, DUE_SOON, MRG_RECOMMENDATION_DUE_SOON, now, ahead, now).await
}

async fn overdue(db: &Db, config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let catch_up = Duration::hours(config.reminder_catch_up_hours.max(0));
    remind(
        db,
        OVERDUE,
        MRG_RECOMMENDATION_OVERDUE,
        now - catch_up,
        now,
        now,
    )
    .await
}

async fn remind(
    db: &Db,
    occasion: &str,
    kind: NotificationKind,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let due = super::store::open_due(db, occasion, from, to, BATCH).await?;
    let mut raised = 0;
    for (row, journal_no) in due {
        let mut tx = db.begin().await?;
        let notice = super::followup::notice_of(&row, &journal_no, kind);
        if remind_once(&mut tx, occasion, row.due_at, &notice, now).await? {
            raised += 1;
        }
        tx.commit().await?;
    }
    Ok(raised)
}
