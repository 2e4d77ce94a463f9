//! Plans' reminders: a task's responsible agency hears once when the task falls due
//! (within three days of the end of its due day) and once when it is overdue, each within the
//! catch-up window, so reminders missed while no server ran go out at the next start.

use chrono::{DateTime, Duration, Utc};

use super::notices::{PLAN_TASK, PLAN_TASK_DUE, PLAN_TASK_OVERDUE};
use super::rules::DUE_SOON_DAYS;
use super::store::RemindedTask;
use crate::access::Role;
use crate::config::MailConfig;
use crate::db::Db;
use crate::error::AppResult;
use crate::notify::reminders::{remind_once, Reminder, BATCH};
use crate::notify::{Notice, NotificationKind, Recipient, Subject};

/// Plans' reminders, for [`crate::domains::DOMAINS`].
pub const REMINDERS: &[Reminder] = &[
    Reminder {
        occasion: DUE,
        scan: |db, config, now| Box::pin(scan(db, config, now, DUE, PLAN_TASK_DUE)),
    },
    Reminder {
        occasion: OVERDUE,
        scan: |db, config, now| Box::pin(scan(db, config, now, OVERDUE, PLAN_TASK_OVERDUE)),
    },
    Reminder {
        occasion: super::review_reminders::REVIEW_OVERDUE,
        scan: |db, config, now| Box::pin(super::review_reminders::scan(db, config, now)),
    },
];

const DUE: &str = "PLAN_TASK_DUE";
const OVERDUE: &str = "PLAN_TASK_OVERDUE";

/// Who hears of a task: its responsible agency (its address, its heads and curators).
pub fn notice_of(task: &RemindedTask, kind: NotificationKind) -> Notice {
    let agency = task.responsible_agency_id;
    Notice {
        kind,
        subject: Subject::new(PLAN_TASK, task.task_id),
        journal_no: task.case_journal_no.clone(),
        clock: None,
        due_at: Some(task.due_at),
        recipients: vec![
            Recipient::Agency(agency),
            Recipient::Role(agency, Role::HeadOfService),
            Recipient::Role(agency, Role::Curator),
        ],
    }
}

async fn scan(
    db: &Db,
    config: &MailConfig,
    now: DateTime<Utc>,
    occasion: &'static str,
    kind: NotificationKind,
) -> AppResult<usize> {
    // Due: not overdue yet and due within three days (a task written due tomorrow is
    // reminded at once). Overdue: its due time passed within the catch-up window.
    let (from, to) = if occasion == DUE {
        (now, now + Duration::days(DUE_SOON_DAYS))
    } else {
        (
            now - Duration::hours(config.reminder_catch_up_hours.max(0)),
            now,
        )
    };
    let tasks = super::store::tasks_to_remind(db, occasion, from, to, BATCH).await?;
    let mut raised = 0;
    for task in tasks {
        let mut tx = db.begin().await?;
        if remind_once(&mut tx, occasion, task.due_at, &notice_of(&task, kind), now).await? {
            raised += 1;
        }
        tx.commit().await?;
    }
    Ok(raised)
}
