//! Case work's reminders: an overdue monitoring review and a case with no contact for
//! longer than its lead's setting are each reminded once per due time, to the lead
//! agency's address, its heads and the case's curator; within the catch-up window, so
//! reminders missed while no server ran go out at the next start.

use chrono::{DateTime, Duration, Utc};

use super::notices::{MONITORING_OVERDUE, NO_CONTACT_ALERT};
use super::store::{self, DueCase};
use crate::access::Role;
use crate::config::MailConfig;
use crate::db::Db;
use crate::error::AppResult;
use crate::notify::reminders::{remind_once, Reminder, BATCH};
use crate::notify::{Notice, NotificationKind, Recipient, Subject};

/// Case work's reminders, for [`crate::domains::DOMAINS`].
pub const REMINDERS: &[Reminder] = &[
    Reminder {
        occasion: MONITORING,
        scan: |db, config, now| Box::pin(monitoring_overdue(db, config, now)),
    },
    Reminder {
        occasion: NO_CONTACT,
        scan: |db, config, now| Box::pin(no_contact(db, config, now)),
    },
];

const MONITORING: &str = "MONITORING_OVERDUE";
const NO_CONTACT: &str = "NO_CONTACT_ALERT";

/// The notice about `case`: its number, due time and link; nothing else.
pub fn notice_of(case: &DueCase, kind: NotificationKind) -> Notice {
    let lead = case.lead_agency_id;
    let mut recipients = vec![
        Recipient::Agency(lead),
        Recipient::Role(lead, Role::HeadOfService),
    ];
    recipients.extend(case.curator_user_id.map(Recipient::User));
    Notice {
        kind,
        subject: Subject::new(crate::cases::notices::CASE, case.case_id),
        journal_no: case.journal_no.clone(),
        clock: None,
        due_at: Some(case.due_at),
        recipients,
    }
}

async fn monitoring_overdue(db: &Db, config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let catch_up = Duration::hours(config.reminder_catch_up_hours.max(0));
    let due = store::monitoring_past_due(db, now - catch_up, now, BATCH).await?;
    raise(db, due, MONITORING, MONITORING_OVERDUE, now).await
}

async fn no_contact(db: &Db, config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let catch_up = Duration::hours(config.reminder_catch_up_hours.max(0));
    let due = store::no_contact_past_due(db, now - catch_up, now, BATCH).await?;
    raise(db, due, NO_CONTACT, NO_CONTACT_ALERT, now).await
}

async fn raise(
    db: &Db,
    due: Vec<DueCase>,
    occasion: &str,
    kind: NotificationKind,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let mut raised = 0;
    for case in due {
        let mut tx = db.begin().await?;
        if remind_once(&mut tx, occasion, case.due_at, &notice_of(&case, kind), now).await? {
            raised += 1;
        }
        tx.commit().await?;
    }
    Ok(raised)
}
