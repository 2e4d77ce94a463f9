//! Reunification's reminders: a centre that has not reported progress for longer than
//! its setting hears of it once per due time; on the planned day of a joint inspection
//! the centre is reminded to record it. Both within the catch-up window, so reminders
//! missed while no server ran go out at the next start.

use chrono::{DateTime, Duration, Utc};

use super::notices::{HOUSING_INSPECTION_DUE, REUNIFICATION_REPORT_OVERDUE};
use crate::config::MailConfig;
use crate::db::Db;
use crate::error::AppResult;
use crate::notify::reminders::{remind_once, Reminder, BATCH};

/// Reunification's reminders, for [`crate::domains::DOMAINS`].
pub const REMINDERS: &[Reminder] = &[
    Reminder {
        occasion: REPORT_OVERDUE,
        scan: |db, config, now| Box::pin(report_overdue(db, config, now)),
    },
    Reminder {
        occasion: INSPECTION_DAY,
        scan: |db, config, now| Box::pin(inspection_day(db, config, now)),
    },
];

const REPORT_OVERDUE: &str = "REUNIFICATION_REPORT_OVERDUE";
const INSPECTION_DAY: &str = "HOUSING_INSPECTION_DAY";

async fn report_overdue(db: &Db, config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let catch_up = Duration::hours(config.reminder_catch_up_hours.max(0));
    let late = super::store::reports_past_due(db, now - catch_up, now, BATCH).await?;
    let mut raised = 0;
    for row in late {
        let mut tx = db.begin().await?;
        let number = super::store::case_number(&mut tx, row.case_id).await?;
        let kind = REUNIFICATION_REPORT_OVERDUE;
        let notice = super::notice_of(&row, kind, number, &[row.centre_agency_id], false);
        if remind_once(&mut tx, REPORT_OVERDUE, row.report_due_at, &notice, now).await? {
            raised += 1;
        }
        tx.commit().await?;
    }
    Ok(raised)
}

async fn inspection_day(db: &Db, config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let catch_up = Duration::hours(config.reminder_catch_up_hours.max(0));
    let (from, day) = ((now - catch_up).date_naive(), now.date_naive());
    let due = super::store::inspections_due(db, from, day, BATCH).await?;
    let mut raised = 0;
    for row in due {
        let Some(planned) = row
            .inspection_planned_on
            .and_then(|d| d.and_hms_opt(0, 0, 0))
        else {
            continue;
        };
        let mut tx = db.begin().await?;
        let number = super::store::case_number(&mut tx, row.case_id).await?;
        let kind = HOUSING_INSPECTION_DUE;
        let notice = super::notice_of(&row, kind, number, &[row.centre_agency_id], true);
        if remind_once(&mut tx, INSPECTION_DAY, planned.and_utc(), &notice, now).await? {
            raised += 1;
        }
        tx.commit().await?;
    }
    Ok(raised)
}
