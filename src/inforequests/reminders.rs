//! Information requests' reminder: once a request passes its due date unanswered, its
//! receiver and its sender hear of it (once per due time, within the catch-up window, so
//! reminders missed while no server ran go out at the next start).

use chrono::{DateTime, Duration, Utc};

use super::notices::INFORMATION_REQUEST_OVERDUE;
use crate::config::MailConfig;
use crate::db::Db;
use crate::error::AppResult;
use crate::notify::reminders::{remind_once, Reminder, BATCH};

/// Information requests' reminders, for [`crate::domains::DOMAINS`].
pub const REMINDERS: &[Reminder] = &[Reminder {
    occasion: OVERDUE,
    scan: |db, config, now| Box::pin(overdue(db, config, now)),
}];

const OVERDUE: &str = "INFORMATION_REQUEST_OVERDUE";

async fn overdue(db: &Db, config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let catch_up = Duration::hours(config.reminder_catch_up_hours.max(0));
    let late = super::store::open_past_due(db, OVERDUE, now - catch_up, now, BATCH).await?;
    let mut raised = 0;
    for row in late {
        let mut tx = db.begin().await?;
        let notice = super::notice_of(&row, INFORMATION_REQUEST_OVERDUE);
        if remind_once(&mut tx, OVERDUE, row.due_at, &notice, now).await? {
            raised += 1;
        }
        tx.commit().await?;
    }
    Ok(raised)
}
