//! The request's caller, built once per request from its credentials, and the layer that
//! audits what the caller read before the response leaves.
//!
//! Every route that acts for someone takes [`Caller`] as an extractor: GraphQL, the CSV
//! export, document downloads, and every later page. The credential is read here and
//! nowhere else ([`credential`]): a bearer token, or the web workspace's session cookie
//! (`web::session`), which is honoured everywhere but `/graphql`: the API stays
//! token-only, so no other site can drive it with a browser's cookie.
//!
//! The audit cannot be forgotten by a route: [`audit_reads`] wraps every route, gives the
//! extractor the slot its caller goes into, and once the handler has answered writes the
//! `PERSONAL_DATA_READ` event for whatever the read side noted on the caller's read log,
//! before the answer leaves. If that write fails, the answer is dropped for a plain
//! `INTERNAL` one (fail closed). A caller cannot be extracted on a route without the
//! layer: the extractor refuses with `INTERNAL` rather than make a log nobody audits.
//! GraphQL calls [`finish_reads`] itself, to answer a failed audit in its own media type;
//! the layer then finds the log empty.

use std::sync::{Arc, OnceLock};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::router::REQUEST_ID;
use crate::access::Caller;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::{audit, auth, db};

/// How a request says who it is.
#[derive(Debug, PartialEq, Eq)]
pub enum Credential<'a> {
    /// `Authorization: Bearer <token>`, from `login`.
    Bearer(&'a str),
    /// The web workspace's session cookie, from its sign-in page.
    Session(&'a str),
}

impl<'a> Credential<'a> {
    /// The bearer token, for a route that takes a token of its own (`/metrics`); a
    /// session cookie is not one.
    pub fn bearer(self) -> Option<&'a str> {
        match self {
            Credential::Bearer(token) => Some(token),
            Credential::Session(_) => None,
        }
    }
}

/// The request's bearer token, if it sent one that is well-formed.
pub fn credential(headers: &HeaderMap) -> Option<Credential<'_>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim())
        .filter(|t| !t.is_empty())
        .map(Credential::Bearer)
}

/// The credential of a request to `path`: its bearer token; else, anywhere but the API,
/// its session cookie.
pub fn credential_for<'a>(path: &str, headers: &'a HeaderMap) -> Option<Credential<'a>> {
    credential(headers).or_else(|| {
        (path != "/graphql")
            .then(|| crate::web::session::session_token(headers))
            .flatten()
            .map(Credential::Session)
    })
}

/// Where the request's caller is kept for [`audit_reads`] once the extractor built it.
#[derive(Clone, Default)]
struct CallerSlot(Arc<OnceLock<Caller>>);

impl FromRequestParts<(AppState, Schemas)> for Caller {
    type Rejection = AppError;

    /// The caller: the actor its credential names, or anonymous when it sent none or one
    /// that names no live session (a route that needs an actor asks `caller.actor()?`).
    async fn from_request_parts(
        parts: &mut Parts,
        (state, _): &(AppState, Schemas),
    ) -> AppResult<Caller> {
        let slot = parts
            .extensions
            .get::<CallerSlot>()
            .cloned()
            .ok_or_else(|| {
                AppError::internal(anyhow::anyhow!(
                    "a caller was asked for on a route without the read-audit layer"
                ))
            })?;
        // One caller per request, however many extractors ask: one read log to audit.
        if let Some(caller) = slot.0.get() {
            return Ok(caller.clone());
        }
        let at = db::now();
        let actor = match credential_for(parts.uri.path(), &parts.headers) {
            Some(Credential::Bearer(token)) => {
                auth::resolve(&state.db, &state.tokens, token, at).await?
            }
            Some(Credential::Session(token)) => {
                let actor = auth::resolve(&state.db, &state.tokens, token, at).await?;
                if actor.is_some() {
                    let (idle, longest) =
                        (state.config.web_idle_timeout(), state.config.token_ttl());
                    auth::keep_alive(&state.db, &state.tokens, token, idle, longest, at).await?;
                }
                actor
            }
            None => None,
        };
        let request_id = parts
            .headers
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        let caller = slot.0.get_or_init(|| Caller::new(actor, request_id, at));
        Ok(caller.clone())
    }
}

/// Writes the caller's personal-data reads as one audit event and waits until it is
/// committed; `INTERNAL` when it could not be, and then nothing the request read may
/// leave. Idempotent: what it wrote is taken off the log.
pub async fn finish_reads(state: &AppState, caller: &Caller) -> AppResult<()> {
    audit::record_reads(&state.read_audit, caller, db::now()).await
}

/// The layer around every route: gives the request a slot for its caller, and audits the
/// caller's reads after the handler answered and before the answer leaves. A failed
/// audit replaces the answer, body and all, with `INTERNAL`.
pub async fn audit_reads(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let slot = CallerSlot::default();
    request.extensions_mut().insert(slot.clone());
    let response = next.run(request).await;
    let Some(caller) = slot.0.get() else {
        return response;
    };
    match finish_reads(&state, caller).await {
        Ok(()) => response,
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_authorization(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn a_bearer_token_is_the_credential_and_anything_else_is_none() {
        assert_eq!(
            credential(&with_authorization("Bearer abc ")),
            Some(Credential::Bearer("abc"))
        );
        assert_eq!(
            credential(&with_authorization("bearer abc")),
            Some(Credential::Bearer("abc"))
        );
        assert_eq!(credential(&with_authorization("Bearer  ")), None);
        assert_eq!(credential(&with_authorization("Basic abc")), None);
        assert_eq!(credential(&HeaderMap::new()), None);
    }
}
