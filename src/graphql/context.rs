//! What every resolver can reach: the hub's state and the request's actor.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::Context;
use uuid::Uuid;

use crate::access::Actor;
use crate::app::AppState;
use crate::audit::Origin;
use crate::error::{AppError, AppResult};

/// Per-request data, put into each GraphQL request by the HTTP layer.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// Who the request acts as; `None` when no valid token came with it.
    pub actor: Option<Actor>,
    /// The request id, as in the logs and the `x-request-id` header.
    pub request_id: String,
    /// Records whose personal data this request returned: written as one audit event
    /// before the response leaves (a page of 20 cases is one event, not 20).
    pub personal_reads: Arc<Mutex<BTreeSet<(&'static str, Uuid)>>>,
    /// The client's address (the TCP peer, or a trusted proxy's last `X-Forwarded-For`
    /// hop), for the per-address sign-in limit.
    pub client_address: Option<IpAddr>,
    /// Set by the request's first password check (`login`, `changePassword`), so that
    /// one request cannot try many passwords, however its fields are aliased or nested
    /// in fragments.
    password_checked: Arc<AtomicBool>,
}

impl RequestContext {
    /// A context for a request by `actor`.
    pub fn new(actor: Option<Actor>, request_id: String) -> RequestContext {
        RequestContext {
            actor,
            request_id,
            personal_reads: Arc::default(),
            client_address: None,
            password_checked: Arc::default(),
        }
    }

    /// The same context, from the client at `address`.
    pub fn with_client_address(mut self, address: Option<IpAddr>) -> RequestContext {
        self.client_address = address;
        self
    }

    /// Claims the request's one password check for `field`; a second is refused with
    /// `BAD_USER_INPUT` before its password is looked at.
    pub fn claim_password_check(&self, field: &str) -> AppResult<()> {
        if self.password_checked.swap(true, Ordering::SeqCst) {
            return Err(AppError::bad_input(
                field,
                "one sign-in or password check per request; send the next in a new request",
            ));
        }
        Ok(())
    }

    /// What personal data the request read, by kind of record.
    pub fn personal_reads(&self) -> Vec<(&'static str, Uuid)> {
        self.personal_reads
            .lock()
            .map(|set| set.iter().copied().collect())
            .unwrap_or_default()
    }
}

/// Accessors on the resolver context.
pub trait ContextExt {
    /// The hub's shared state.
    fn state(&self) -> &AppState;
    /// The request's data.
    fn request(&self) -> &RequestContext;
    /// The signed-in actor, or `UNAUTHENTICATED`.
    fn actor(&self) -> AppResult<&Actor>;
    /// The audit origin of this request's actor.
    fn origin(&self) -> AppResult<Origin>;
    /// Notes that this request returns personal data of a record (audited once).
    fn note_personal_read(&self, kind: &'static str, id: Uuid);
}

impl ContextExt for Context<'_> {
    fn state(&self) -> &AppState {
        self.data_unchecked::<AppState>()
    }

    fn request(&self) -> &RequestContext {
        self.data_unchecked::<RequestContext>()
    }

    fn actor(&self) -> AppResult<&Actor> {
        self.request()
            .actor
            .as_ref()
            .ok_or(AppError::Unauthenticated)
    }

    fn origin(&self) -> AppResult<Origin> {
        Ok(Origin::of(self.actor()?, &self.request().request_id))
    }

    fn note_personal_read(&self, kind: &'static str, id: Uuid) {
        if let Ok(mut set) = self.request().personal_reads.lock() {
            set.insert((kind, id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_gets_one_password_check_shared_by_its_copies() {
        let request = RequestContext::new(None, "r".into());
        let copy = request.clone();
        assert!(request.claim_password_check("login").is_ok());
        assert!(matches!(
            copy.claim_password_check("changePassword"),
            Err(AppError::BadUserInput { field, .. }) if field == "changePassword"
        ));
        let next = RequestContext::new(None, "r2".into());
        assert!(next.claim_password_check("login").is_ok());
    }
}
