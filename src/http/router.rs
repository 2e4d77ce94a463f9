//! Routes and the layers every request passes: a request id, a log span, deadlines, a
//! body limit, the read audit.

use axum::body::Body;
use axum::http::{HeaderName, Request};
use axum::routing::get;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::{
    caller, case_persons, deadlines, documents, export, graphiql, graphql, health, metrics,
};
use crate::app::AppState;
use crate::graphql::Schemas;

/// The header carrying the request id, in and out.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids are ours alone: a client's header could smuggle personal data into the
/// logs and the sealed audit log, so it is dropped and a fresh UUID set.
async fn forget_client_request_id(mut request: Request<Body>) -> Request<Body> {
    request.headers_mut().remove(&REQUEST_ID);
    request
}

/// The body limits: a plain request gets `plain` bytes; a multipart request (a handover
/// carrying documents) gets room for its documents too. Each document's own size is
/// checked where it is stored.
#[derive(Clone, Copy)]
struct BodyLimits {
    plain: usize,
    upload: usize,
}

async fn limit_body(
    axum::extract::State(limits): axum::extract::State<BodyLimits>,
    request: Request<Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    // Room for documents only for a client that sends a token or a workspace session
    // (checked next, before anything is stored); anyone else gets the plain limit.
    let signed_in = request
        .headers()
        .contains_key(axum::http::header::AUTHORIZATION)
        || crate::web::session::session_token(request.headers()).is_some();
    let limit = if multipart && signed_in {
        limits.upload
    } else {
        limits.plain
    };
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        let status = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
        return (status, "length limit exceeded").into_response();
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// The hub's routes.
pub fn router(state: AppState, schemas: Schemas) -> Router {
    let limits = BodyLimits {
        plain: state.config.max_body_bytes,
        upload: state.config.max_upload_bytes(),
    };
    let deadlines = state.config.request_deadlines();
    let graphiql = state.config.graphiql;
    // GET runs queries, or serves GraphiQL to a browser when it is on (`graphql::execute`).
    let graphql_route = get(graphql::execute).post(graphql::execute);
    let layers = ServiceBuilder::new()
        .layer(axum::middleware::map_request(forget_client_request_id))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(
            // The path only: a query string could carry personal data.
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request<_>| {
                    let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(axum::middleware::from_fn_with_state(deadlines, deadlines::enforce))
        .layer(axum::middleware::from_fn_with_state(limits, limit_body))
        // Innermost: what a route read is audited before its answer passes any layer out.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            caller::audit_reads,
        ));
    let mut router = Router::new()
        .route("/graphql", graphql_route)
        .route("/export/signals.csv", get(export::signals_csv))
        .route("/export/cases.csv", get(export::cases_csv))
        .route("/export/handovers.csv", get(export::handovers_csv))
        .route("/documents/{id}", get(documents::download))
        .route("/cases/{id}/persons.json", get(case_persons::persons))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(crate::web::routes())
        .fallback(crate::web::not_found);
    if graphiql {
        let assets = format!("{}/{{*file}}", graphiql::ASSET_ROOT);
        router = router.route(&assets, get(graphiql::asset));
    }
    if state.config.metrics.enabled {
        router = router.route("/metrics", get(metrics::metrics));
    }
    // Outermost, so that refusals by the layers inside (too large, too slow) are counted.
    let counted = axum::middleware::from_fn_with_state(state.metrics.clone(), metrics::track);
    router
        .layer(layers)
        .layer(counted)
        .with_state((state, schemas))
}
