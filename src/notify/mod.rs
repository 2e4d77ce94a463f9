//! E-mail notifications through a transactional outbox, and deadline reminders.
//!
//! A service function that changes something people must hear about calls [`enqueue`]
//! inside its own transaction, next to its audit event. The messages are rows in
//! `notifications` that commit or roll back with the change. The [`worker`] inside
//! `serve` sends them through lettre, retries with back-off and gives up after
//! `CASELINK_MAIL_MAX_ATTEMPTS` tries (status `FAILED`; `resendNotification` puts one
//! back). The [`reminders`] scheduler raises "clock about to pass" and "clock passed"
//! once each. A message carries no personal data: the kind of event, the journal
//! number, the due time in the receiving agency's zone, and a link ([`templates`]).
//!
//! # Wiring in a new event (e.g. handovers)
//!
//! Declare the kind and its template in the domain's `notices.rs`, with the kind of record
//! it is about (a [`SubjectKind`]: its stored name and its web path, which make the link),
//! and register both in [`crate::domains`] (see docs/decisions.md); then enqueue it:
//!
//! ```ignore
//! use crate::notify::{self, Notice, Recipient, Subject};
//!
//! // inside handovers::request, after the handover row and its audit event:
//! notify::enqueue(
//!     &mut tx,
//!     &Notice {
//!         kind: notices::HANDOVER_REQUESTED,
//!         subject: Subject::new(notices::HANDOVER, handover.id),
//!         journal_no: case.journal_no.clone(),
//!         clock: None,
//!         due_at: Some(handover.answer_due_at), // shown in the receiver's time zone
//!         recipients: vec![
//!             Recipient::Agency(handover.to_agency_id),
//!             Recipient::Role(handover.to_agency_id, Role::HeadOfService),
//!         ],
//!     },
//!     now,
//! )
//! .await?;
//! tx.commit().await?;
//! ```
//!
//! - One row is written per distinct address, in the language and time zone of the
//!   recipient's agency. An inactive agency or user gets nothing.
//! - Handover kinds cannot be turned off by users; only kinds registered as `optional`
//!   ([`NotificationKind::optional_kinds`]) honour a user's opt-out.
//! - For a deadline reminder ("near its deadline"), call [`reminders::remind_once`] with
//!   an occasion name and the due time instead: it writes the messages only the first
//!   time, across rounds and processes. The scan that finds what is due is a
//!   [`reminders::Reminder`] in the domain's `reminders.rs`, registered with its `DOMAIN`.

pub mod audit_actions;
pub mod audit_checkpoint;
pub mod checkpoint_notice;
pub mod graphql;
pub mod kinds;
pub mod mailer;
pub mod model;
pub mod reminders;
pub mod store;
pub mod subjects;
pub mod templates;
pub mod worker;

pub use model::{NotificationKind, NotificationRow, NotificationStatus, SubjectKind};

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::access::{policy, Actor, Caller, Role};
use crate::audit::{self, Entry, Origin};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};

/// Notification management's kinds, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    notification_kinds: checkpoint_notice::KINDS,
    subject_kinds: checkpoint_notice::SUBJECTS,
    ..crate::domains::Domain::EMPTY
};

/// The record a notice is about: its kind, which a domain registered and which decides
/// the link in the message, and its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subject {
    /// The kind of record.
    pub kind: SubjectKind,
    /// The record's id.
    pub id: Uuid,
}

impl Subject {
    /// The record `id` of kind `kind`.
    pub const fn new(kind: SubjectKind, id: Uuid) -> Subject {
        Subject { kind, id }
    }
}

/// Who a notice goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipient {
    /// The agency's own address (`contactEmail`), always, whatever the kind.
    Agency(Uuid),
    /// One person (if active and, for a kind they may turn off, not opted out).
    User(Uuid),
    /// Every active person with this role in this agency (same rules as `User`).
    Role(Uuid, Role),
}

/// An event people must hear about. Holds no personal data by construction: there is
/// nowhere to put a name.
#[derive(Clone, Debug)]
pub struct Notice {
    /// What happened.
    pub kind: NotificationKind,
    /// The record it happened to.
    pub subject: Subject,
    /// The record's journal number as the receivers know it, e.g. `CASE-2026-0007`.
    pub journal_no: String,
    /// Which clock, for clock reminders (`VISIT`).
    pub clock: Option<&'static str>,
    /// A due time to name, if any.
    pub due_at: Option<DateTime<Utc>>,
    /// Who gets it.
    pub recipients: Vec<Recipient>,
}

/// Writes the notice's messages into the outbox inside `tx`, one per distinct address;
/// they are sent after `tx` commits, and never if it rolls back. Returns how many.
pub async fn enqueue(tx: &mut Tx, notice: &Notice, now: DateTime<Utc>) -> AppResult<usize> {
    let mut seen = HashSet::new();
    let mut written = 0;
    for recipient in &notice.recipients {
        let addresses = match *recipient {
            Recipient::Agency(id) => store::agency_address(tx, id).await?.into_iter().collect(),
            Recipient::User(id) => store::user_addresses(tx, Some(id), None, notice.kind).await?,
            Recipient::Role(agency, role) => {
                store::user_addresses(tx, None, Some((agency, role)), notice.kind).await?
            }
        };
        for address in addresses {
            if seen.insert(address.email.trim().to_lowercase()) {
                store::insert(tx, Uuid::now_v7(), notice, &address, now).await?;
                written += 1;
            }
        }
    }
    Ok(written)
}

/// Puts a `FAILED` message back in the queue for a fresh round of tries (hub
/// administrators; agency administrators for their agency's messages). Anything but
/// `FAILED` is `CONFLICT`: a message is never sent twice on purpose.
pub async fn resend(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<NotificationRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let agency = outbox_agency(actor)?;
    let mut tx = db.begin().await?;
    if !store::requeue_failed(&mut tx, id, agency, now).await? {
        return Err(match store::find(db, id, agency).await? {
            None => AppError::NotFound("notification"),
            Some(_) => AppError::Conflict("only a FAILED notification can be re-sent".into()),
        });
    }
    let entry = Entry::new(audit_actions::NOTIFICATION_RESENT, "notification", Some(id));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    store::find(db, id, agency)
        .await?
        .ok_or(AppError::NotFound("notification"))
}

/// Replaces the reminder kinds the signed-in user turned off.
pub async fn set_opt_outs(
    db: &Db,
    caller: &Caller,
    kinds: &[NotificationKind],
    now: DateTime<Utc>,
) -> AppResult<Vec<NotificationKind>> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    if let Some(kind) = kinds.iter().find(|k| !k.optional()) {
        return Err(AppError::bad_input(
            "optOuts",
            format!("{} cannot be turned off", kind.as_str()),
        ));
    }
    let mut kinds = kinds.to_vec();
    kinds.sort_by_key(|k| k.as_str());
    kinds.dedup();
    let mut tx = db.begin().await?;
    store::set_opt_outs(&mut tx, actor.user_id, &kinds).await?;
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let entry = Entry::new(
        audit_actions::NOTIFICATION_SETTINGS_CHANGED,
        "user",
        Some(actor.user_id),
    )
    .with_details(json!({ "optOuts": names }));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    Ok(kinds)
}

/// Whose messages the actor may read: `None` for all (hub administrators), their own
/// agency's for an agency administrator; anyone else is `FORBIDDEN`.
pub fn outbox_agency(actor: &Actor) -> AppResult<Option<Uuid>> {
    match policy::audit_view(actor) {
        Ok(policy::AuditView::All) => Ok(None),
        Ok(policy::AuditView::Agency(agency)) => Ok(Some(agency)),
        Err(_) => Err(AppError::Forbidden(
            "only administrators read the notification outbox",
        )),
    }
}
