//! What every resolver can reach: the hub's state and the request's caller.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use async_graphql::context::ContextBase;

use crate::access::{Actor, Caller};
use crate::app::AppState;
use crate::error::{AppError, AppResult};

/// Per-request data, put into each GraphQL request by the HTTP layer.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// Who calls, in which request, and the log of the personal data it read; the same
    /// caller the HTTP layer audits before the response leaves.
    pub caller: Caller,
    /// The client's address (the TCP peer, or a trusted proxy's last `X-Forwarded-For`
    /// hop), for the per-address sign-in limit.
    pub client_address: Option<IpAddr>,
    /// Set by the request's first password check (`login`, `changePassword`), so that
    /// one request cannot try many passwords, however its fields are aliased or nested
    /// in fragments.
    password_checked: Arc<AtomicBool>,
}

impl RequestContext {
    /// A context for a request by `caller`.
    pub fn new(caller: Caller) -> RequestContext {
        RequestContext {
            caller,
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
}

/// Accessors on the resolver context.
pub trait ContextExt {
    /// The hub's shared state.
    fn state(&self) -> &AppState;
    /// The request's data.
    fn request(&self) -> &RequestContext;
    /// The request's caller.
    fn caller(&self) -> &Caller;
    /// The signed-in actor, or `UNAUTHENTICATED`.
    fn actor(&self) -> AppResult<&Actor>;
}

/// For a field's context and a selection's alike (a lean page reads through the latter).
impl<T> ContextExt for ContextBase<'_, T> {
    fn state(&self) -> &AppState {
        self.data_unchecked::<AppState>()
    }

    fn request(&self) -> &RequestContext {
        self.data_unchecked::<RequestContext>()
    }

    fn caller(&self) -> &Caller {
        &self.request().caller
    }

    fn actor(&self) -> AppResult<&Actor> {
        self.caller().actor()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_gets_one_password_check_shared_by_its_copies() {
        let request = RequestContext::new(Caller::new(None, "r", chrono::Utc::now()));
        let copy = request.clone();
        assert!(request.claim_password_check("login").is_ok());
        assert!(matches!(
            copy.claim_password_check("changePassword"),
            Err(AppError::BadUserInput { field, .. }) if field == "changePassword"
        ));
        let next = RequestContext::new(Caller::new(None, "r2", chrono::Utc::now()));
        assert!(next.claim_password_check("login").is_ok());
    }
}
