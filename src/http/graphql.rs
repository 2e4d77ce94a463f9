//! The GraphQL endpoint: resolves the bearer token to an actor, then runs the request.

use async_graphql::dataloader::DataLoader;
use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse};

use super::router::REQUEST_ID;
use crate::agencies::loader::AgencyLoader;
use crate::app::AppState;
use crate::cases::loader::{PersonsLoader, VisibleCasesLoader};
use crate::graphql::error::fill_codes;
use crate::graphql::{CaseLinkSchema, RequestContext};
use crate::{audit, auth, db};

/// Runs one GraphQL request as the actor its token names (or anonymously).
pub async fn execute(
    State((state, schema)): State<(AppState, CaseLinkSchema)>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let request_id = headers
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let actor = match bearer(&headers) {
        Some(token) => match auth::resolve(&state.db, &state.tokens, token, db::now()).await {
            Ok(actor) => actor,
            Err(error) => {
                let mut response =
                    async_graphql::Response::from_errors(vec![without_location(error)]);
                fill_codes(&mut response);
                return response.into();
            }
        },
        None => None,
    };
    let loader = DataLoader::new(AgencyLoader(state.db.clone()), tokio::spawn);
    let viewer_agency = actor.as_ref().and_then(|a| a.agency_id);
    let context = RequestContext::new(actor, request_id);
    let persons = DataLoader::new(PersonsLoader(state.db.clone()), tokio::spawn);
    let cases = DataLoader::new(
        VisibleCasesLoader {
            db: state.db.clone(),
            agency: viewer_agency,
        },
        tokio::spawn,
    );
    let mut request = request.into_inner();
    state.documents.prepare(&mut request);
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
    response.into()
}

pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim()).filter(|t| !t.is_empty())
}

/// The GraphiQL page (when enabled).
pub async fn graphiql() -> impl IntoResponse {
    Html(GraphiQLSource::build().endpoint("/graphql").finish())
}

/// An error of the request as a whole: it has no place in the query, so no `locations`.
fn without_location(error: crate::error::AppError) -> async_graphql::ServerError {
    let error = async_graphql::Error::from(error);
    let mut server_error = async_graphql::ServerError::new(error.message, None);
    server_error.extensions = error.extensions;
    server_error
}
