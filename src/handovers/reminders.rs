//! Handovers' reminder: a receiver hears a day ahead that its deadline to answer is near.

use chrono::{DateTime, Duration, Utc};

use super::notices::HANDOVER_DEADLINE_NEAR;
use crate::config::MailConfig;
use crate::db::Db;
use crate::error::AppResult;
use crate::notify::reminders::{remind_once, Reminder, BATCH};

/// Handovers' reminders, for [`crate::domains::DOMAINS`].
pub const REMINDERS: &[Reminder] = &[Reminder {
    occasion: DEADLINE_NEAR,
    scan: |db, config, now| Box::pin(deadline_near(db, config, now)),
}];

const DEADLINE_NEAR: &str = "HANDOVER_DEADLINE_NEAR";

/// How long before a handover's deadline its receiver is reminded.
const LEAD: Duration = Duration::hours(24);

async fn deadline_near(db: &Db, _config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let near =
        super::store::pending_near_deadline(db, DEADLINE_NEAR, now, now + LEAD, BATCH).await?;
    let mut raised = 0;
    for (row, journal_no) in near {
        let mut tx = db.begin().await?;
        let notice = super::notice_of(&row, HANDOVER_DEADLINE_NEAR, &journal_no);
        if remind_once(&mut tx, DEADLINE_NEAR, row.deadline_at, &notice, now).await? {
            raised += 1;
        }
        tx.commit().await?;
    }
    Ok(raised)
}
