//! What every resolver can reach: the hub's state and the request's actor.

use async_graphql::Context;

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
}
