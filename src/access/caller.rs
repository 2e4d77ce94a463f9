//! The caller of one request, as every transport hands it to the hub: who acts (or
//! nobody), in which request, since when, and what personal data the request has read.
//! Nothing here knows HTTP or GraphQL: `http::caller` builds a caller from a request, and
//! GraphQL, the CSV export, document downloads and later pages all pass the same one on.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Actor, Viewer};
use crate::error::{AppError, AppResult};

/// One request's caller. Cloning shares its [`ReadLog`]: a clone given to a loader or a
/// resolver notes its reads on the same log the transport audits.
#[derive(Clone, Debug)]
pub struct Caller {
    actor: Option<Actor>,
    request_id: String,
    started_at: DateTime<Utc>,
    reads: ReadLog,
}

impl Caller {
    /// The caller of request `request_id`, acting as `actor` (`None`: anonymous).
    pub fn new(actor: Option<Actor>, request_id: impl Into<String>, at: DateTime<Utc>) -> Caller {
        Caller {
            actor,
            request_id: request_id.into(),
            started_at: at,
            reads: ReadLog::default(),
        }
    }

    /// The signed-in actor, or `UNAUTHENTICATED`.
    pub fn actor(&self) -> AppResult<&Actor> {
        self.actor.as_ref().ok_or(AppError::Unauthenticated)
    }

    /// The actor when one signed in; `None` for an anonymous request.
    pub fn signed_in(&self) -> Option<&Actor> {
        self.actor.as_ref()
    }

    /// The viewer the actor reads as, or `UNAUTHENTICATED`.
    pub fn viewer(&self) -> AppResult<Viewer> {
        self.actor().map(Actor::viewer)
    }

    /// The request id, as in the logs, the `x-request-id` header and the audit log.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// When the request was received.
    pub fn started_at(&self) -> DateTime<Utc> {
        self.started_at
    }

    /// The personal data this request has read so far.
    pub fn reads(&self) -> &ReadLog {
        &self.reads
    }

    /// Notes that the request returns personal data of the record `id` of `kind`
    /// (`case`, `signal`): the read side calls it as it hands the data out.
    pub fn note_read(&self, kind: &'static str, id: Uuid) {
        self.reads.note(kind, id);
    }
}

/// The records whose personal data a request returned, each once however many fields or
/// paths reached it: written as one `PERSONAL_DATA_READ` event before the response leaves
/// (`audit::record_reads`), so a page of 20 cases is one event, not 20.
#[derive(Clone, Debug, Default)]
pub struct ReadLog(Arc<Mutex<BTreeSet<(&'static str, Uuid)>>>);

impl ReadLog {
    /// Notes one record.
    pub fn note(&self, kind: &'static str, id: Uuid) {
        // A poisoned lock means a resolver panicked while noting; the set itself is
        // still sound (an insert either happened or not), so keep noting into it.
        let mut set = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        set.insert((kind, id));
    }

    /// Takes every record noted so far, leaving the log empty: what is taken is audited
    /// once, and a second audit of the same request finds nothing left to write.
    pub fn take(&self) -> Vec<(&'static str, Uuid)> {
        let mut set = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        std::mem::take(&mut *set).into_iter().collect()
    }

    /// Whether nothing is waiting to be audited.
    pub fn is_empty(&self) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_read_twice_is_noted_once_and_taken_once() {
        let caller = Caller::new(None, "r", Utc::now());
        let copy = caller.clone();
        let id = Uuid::now_v7();
        caller.note_read("case", id);
        copy.note_read("case", id);
        assert_eq!(caller.reads().take(), vec![("case", id)]);
        assert!(copy.reads().is_empty());
        assert!(matches!(caller.actor(), Err(AppError::Unauthenticated)));
    }
}
