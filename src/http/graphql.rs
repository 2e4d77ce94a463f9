//! The GraphQL endpoint: resolves the bearer token to an actor, then runs the request.

use std::net::SocketAddr;

use async_graphql::dataloader::DataLoader;
use async_graphql::ParseRequestError;
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};

use super::router::REQUEST_ID;
use crate::agencies::loader::AgencyLoader;
use crate::app::AppState;
use crate::cases::loader::{PersonsLoader, VisibleCasesLoader};
use crate::error::{AppError, AppResult};
use crate::graphql::error::fill_codes;
use crate::graphql::request_limits;
use crate::graphql::schema::introspection_only;
use crate::graphql::{RequestContext, Schemas};
use crate::{audit, auth, db};

/// Runs one GraphQL request as the actor its token names (or anonymously). Before
/// anything parses or recurses over the request, it is held to the bounds of
/// [`request_limits`]; a request that breaks one is refused as a whole (400,
/// `BAD_USER_INPUT` naming the field), and nothing of it runs.
pub async fn execute(
    State((state, schemas)): State<(AppState, Schemas)>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let request_id = headers
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let mut request = match request {
        Ok(request) => request.into_inner(),
        Err(GraphQLRejection(ParseRequestError::PayloadTooLarge)) => {
            let error = AppError::bad_input("body", "too large");
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, error);
        }
        Err(GraphQLRejection(error)) => {
            let error = AppError::bad_input("body", format!("not a GraphQL request: {error}"));
            return refuse(StatusCode::BAD_REQUEST, error);
        }
    };
    if let Err(error) = within_limits(&state, &mut request) {
        return refuse(StatusCode::BAD_REQUEST, error);
    }
    let actor = match bearer(&headers) {
        Some(token) => match auth::resolve(&state.db, &state.tokens, token, db::now()).await {
            Ok(actor) => actor,
            Err(error) => return refuse(StatusCode::OK, error),
        },
        None => None,
    };
    let operation_name = request.operation_name.clone();
    let introspection_only = request
        .parsed_query()
        .is_ok_and(|document| introspection_only(document, operation_name.as_deref()));
    if actor.is_none() && state.config.introspection_requires_token {
        if introspection_only {
            return refuse(StatusCode::OK, AppError::Unauthenticated);
        }
        request = request.disable_introspection();
    }
    let schema = match introspection_only {
        true => &schemas.introspection,
        false => &schemas.api,
    };
    let loader = DataLoader::new(AgencyLoader(state.db.clone()), tokio::spawn);
    let viewer_agency = actor.as_ref().and_then(|a| a.agency_id);
    let client = auth::rates::client_address(
        peer.map(|Extension(ConnectInfo(peer))| peer),
        &headers,
        state.config.sign_in.trusted_proxy,
    );
    let context = RequestContext::new(actor, request_id).with_client_address(client);
    let persons = DataLoader::new(PersonsLoader(state.db.clone()), tokio::spawn);
    let cases = DataLoader::new(
        VisibleCasesLoader {
            db: state.db.clone(),
            agency: viewer_agency,
        },
        tokio::spawn,
    );
    let request = request
        .data(context.clone())
        .data(loader)
        .data(persons)
        .data(cases);
    let mut response = schema.execute(request).await;
    // Fail closed: personal data leaves only once its reading is on the audit record.
    if let Err(error) = audit::record_reads(&state.read_audit, &context, db::now()).await {
        response = async_graphql::Response::from_errors(vec![without_location(error)]);
    }
    fill_codes(&mut response);
    GraphQLResponse::from(response).into_response()
}

/// The request's bounds, in the order that keeps each check safe: the text's nesting
/// before it is parsed; then the document's strings (from the cache when it was seen
/// before), and the variables' and extensions' nesting and strings, walked without
/// recursion, each variable named by the field it is passed to.
fn within_limits(state: &AppState, request: &mut async_graphql::Request) -> AppResult<()> {
    request_limits::check_document_nesting(&request.query)?;
    state.documents.prepare(request);
    // A document that does not parse is left to the schema, which reports where.
    let uses = match request.parsed_query() {
        Ok(document) => request_limits::check_document_strings(document)?,
        Err(_) => request_limits::VariableUses::new(),
    };
    request_limits::check_variables(&request.variables, &uses)?;
    request_limits::check_extensions(request)
}

/// Answers a request refused as a whole: one error with its code, no `data`.
fn refuse(status: StatusCode, error: AppError) -> Response {
    let mut response = async_graphql::Response::from_errors(vec![without_location(error)]);
    fill_codes(&mut response);
    (status, Json(response)).into_response()
}

pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim()).filter(|t| !t.is_empty())
}

/// An error of the request as a whole: it has no place in the query, so no `locations`.
fn without_location(error: AppError) -> async_graphql::ServerError {
    let error = async_graphql::Error::from(error);
    let mut server_error = async_graphql::ServerError::new(error.message, None);
    server_error.extensions = error.extensions;
    server_error
}
