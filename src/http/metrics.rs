//! `GET /metrics` (Prometheus text) and the layer that counts and times every request by
//! its route. See [`crate::metrics`] for what is reported.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::caller::{credential, Credential};
use crate::app::AppState;
use crate::graphql::Schemas;
use crate::metrics::Metrics;

/// The route label of a request that matched no route: one label for every unknown
/// path, so that probing for paths adds no series.
const UNMATCHED: &str = "unmatched";

/// Counts and times each request by its route template (`/documents/{id}`, never the
/// path itself, which could carry an id).
pub async fn track(State(metrics): State<Metrics>, request: Request<Body>, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| UNMATCHED.to_owned(), |path| route_label(path.as_str()));
    let response = next.run(request).await;
    metrics.count_http(&route, response.status().as_u16(), started.elapsed());
    response
}

/// A route template with its parameters written `:id` and `*file` rather than `{id}` and
/// `{*file}`: some simple parsers of the text format end a label set at the first `}`,
/// even inside a quoted value.
fn route_label(template: &str) -> String {
    template
        .split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(wildcard) if wildcard.starts_with('*') => wildcard.to_owned(),
                Some(parameter) => format!(":{parameter}"),
                None => segment.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// The metrics, to a caller with the token when `CASELINK_METRICS_TOKEN` is set.
pub async fn metrics(
    State((state, _)): State<(AppState, Schemas)>,
    headers: HeaderMap,
) -> Response {
    if let Some(expected) = state.config.metrics.token.as_deref() {
        let given = credential(&headers).and_then(Credential::bearer);
        if !given.is_some_and(|given| same_token(given, expected)) {
            let mut response =
                (StatusCode::UNAUTHORIZED, "a metrics token is required\n").into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"metrics\""),
            );
            return response;
        }
    }
    let text = state.metrics.render(&state.db).await;
    (
        [
            (header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response()
}

/// Compares digests in time independent of where they differ, so that timing tells
/// nothing about how much of a guess was right.
fn same_token(given: &str, expected: &str) -> bool {
    let given = Sha256::digest(given.as_bytes());
    let expected = Sha256::digest(expected.as_bytes());
    given
        .iter()
        .zip(expected.iter())
        .fold(0u8, |differ, (a, b)| differ | (a ^ b))
        == 0
}

#[cfg(test)]
mod tests {
    use super::{route_label, same_token};

    #[test]
    fn route_labels_name_parameters_without_braces() {
        assert_eq!(route_label("/documents/{id}"), "/documents/:id");
        assert_eq!(
            route_label("/assets/graphiql/{*file}"),
            "/assets/graphiql/*file"
        );
        assert_eq!(route_label("/graphql"), "/graphql");
    }

    #[test]
    fn tokens_match_only_exactly() {
        assert!(same_token("a-long-scrape-token", "a-long-scrape-token"));
        assert!(!same_token("a-long-scrape-token", "a-long-scrape-tokeN"));
        assert!(!same_token("", "a-long-scrape-token"));
    }
}
