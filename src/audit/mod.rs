//! The append-only, keyed and chained audit log (152-FZ: every access is auditable).
//!
//! Requests [`record`] events unchained, each with its MAC, in the same transaction as
//! the change they describe, so nothing is lost and no writer waits for another. One
//! [`sealer`] chains them in batches with keyed links and appends a signed checkpoint to
//! a file outside the database ([`checkpoints`]); [`verify`] checks MACs, links and
//! checkpoints. The keys live in a file outside the database ([`keys`]), so someone who
//! can write the database cannot rewrite the log unseen. Events never hold a password, a
//! token or personal data: only ids, the action and field names.

pub mod actions;
pub mod archive;
pub mod audit_actions;
pub mod chain;
pub mod checkpoints;
pub mod compact;
pub mod footprint;
pub mod graphql;
pub mod keys;
pub mod reads;
pub mod sealer;
pub mod staged;
pub mod store;
pub mod verify;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::access::Caller;
use crate::db::Tx;
use crate::error::{AppError, AppResult};
use crate::with_tx;

/// The audit log's own kinds, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    ..crate::domains::Domain::EMPTY
};

pub use self::actions::AuditAction;
use self::chain::{event_mac, EventContent};
use self::keys::Keyring;

/// Who caused an event and in which request.
#[derive(Clone, Debug)]
pub struct Origin {
    /// The user, when known (a failed sign-in may have none).
    pub user_id: Option<Uuid>,
    /// The user's agency, when they have one.
    pub agency_id: Option<Uuid>,
    /// The request id, also in the logs, so an event can be traced to its request.
    pub request_id: String,
}

impl Origin {
    /// The origin of a request by `caller`; `UNAUTHENTICATED` for an anonymous one.
    pub fn of(caller: &Caller) -> AppResult<Origin> {
        let actor = caller.actor()?;
        Ok(Origin {
            user_id: Some(actor.user_id),
            agency_id: actor.agency_id,
            request_id: caller.request_id().to_owned(),
        })
    }

    /// An origin for work started from the command line.
    pub fn command_line() -> Origin {
        Origin {
            user_id: None,
            agency_id: None,
            request_id: "cli".into(),
        }
    }
}

/// One event to record.
#[derive(Clone, Debug)]
pub struct Entry {
    /// What happened.
    pub action: AuditAction,
    /// The kind of record acted on: `agency`, `user`, `session`, `case`, ….
    pub target_kind: &'static str,
    /// The record acted on.
    pub target_id: Option<Uuid>,
    /// The case concerned, for case-scoped events.
    pub case_id: Option<Uuid>,
    /// Extra facts: ids, field names, reasons. Never personal data or secrets.
    pub details: serde_json::Value,
}

impl Entry {
    /// An event about `target_kind` `target_id` with no details.
    pub fn new(action: AuditAction, target_kind: &'static str, target_id: Option<Uuid>) -> Entry {
        Entry {
            action,
            target_kind,
            target_id,
            case_id: None,
            details: serde_json::json!({}),
        }
    }

    /// Adds details.
    pub fn with_details(mut self, details: serde_json::Value) -> Entry {
        self.details = details;
        self
    }

    /// The event as stored, with a new id, by `origin` at `at`.
    pub fn content(&self, origin: &Origin, at: DateTime<Utc>) -> EventContent {
        EventContent {
            id: Uuid::now_v7(),
            occurred_at: crate::db::truncate(at),
            actor_user_id: origin.user_id,
            actor_agency_id: origin.agency_id,
            action: self.action.as_str().to_owned(),
            target_kind: self.target_kind.to_owned(),
            target_id: self.target_id,
            case_id: self.case_id,
            request_id: origin.request_id.clone(),
            details: self.details.to_string(),
        }
    }
}

/// The keys, or an internal error: an event is never recorded without its MAC, so a
/// code path that forgot to load the keys fails at once instead of writing events that
/// `audit verify` would flag.
pub fn require_keys(keys: Option<&std::sync::Arc<Keyring>>) -> AppResult<&Keyring> {
    keys.map(|k| &**k).ok_or_else(|| {
        AppError::internal(anyhow::anyhow!(
            "no audit key is loaded: load the key file (Db::with_audit_keys) before recording \
             audit events"
        ))
    })
}

const INSERT: &str = "
    INSERT INTO audit_events
        (id, occurred_at, actor_user_id, actor_agency_id, action, target_kind, target_id,
         case_id, request_id, request_uuid, details, mac_key_id, mac)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

/// Records an event with its MAC in the caller's transaction: it commits or rolls back
/// with the change.
pub async fn record(
    tx: &mut Tx,
    origin: &Origin,
    entry: Entry,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let keys = tx.audit_keys().cloned();
    let key = require_keys(keys.as_ref())?.current();
    let event = entry.content(origin, now);
    let mac = event_mac(key, &event);
    let (request_text, request_uuid) = compact::split_request(&event.request_id);
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(event.id)
        .bind(event.occurred_at)
        .bind(event.actor_user_id)
        .bind(event.actor_agency_id)
        .bind(&event.action)
        .bind(&event.target_kind)
        .bind(event.target_id)
        .bind(event.case_id)
        .bind(request_text)
        .bind(request_uuid)
        .bind(&event.details)
        .bind(compact::bytes(key.id()))
        .bind(compact::bytes(&mac))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records the personal data a caller's request returned as one `PERSONAL_DATA_READ`
/// event (nothing when it returned none), through the group-committing
/// [`reads::ReadAudit`], and waits until it is committed. It takes what the caller's read
/// log holds, so calling it again for the same request writes nothing twice; every
/// transport calls it before its response leaves (see `http::caller`).
pub async fn record_reads(
    auditor: &reads::ReadAudit,
    caller: &Caller,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let reads = caller.reads().take();
    if reads.is_empty() || caller.signed_in().is_none() {
        return Ok(());
    }
    auditor
        .record(Origin::of(caller)?, read_entry(&reads), now)
        .await
}

/// The `PERSONAL_DATA_READ` event of a request that read `reads` (kind, record), in the
/// order read: its details list the records by kind, e.g. `{"case": [...]}`; `targetId`
/// is set when one record was read, and `caseId` when that record is a case.
pub fn read_entry(reads: &[(&'static str, Uuid)]) -> Entry {
    let mut by_kind: std::collections::BTreeMap<&str, Vec<Uuid>> =
        std::collections::BTreeMap::new();
    for (kind, id) in reads {
        by_kind.entry(kind).or_default().push(*id);
    }
    let case_id = match reads {
        [("case", id)] => Some(*id),
        _ => None,
    };
    let target = (reads.len() == 1).then(|| reads[0].1);
    let kind = reads.first().map_or("case", |r| r.0);
    let mut entry = Entry::new(audit_actions::PERSONAL_DATA_READ, kind, target)
        .with_details(serde_json::json!(by_kind));
    entry.case_id = case_id;
    entry
}
