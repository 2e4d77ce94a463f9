//! The GraphQL endpoint, as the GraphQL Foundation's "GraphQL over HTTP" asks: queries by
//! GET or POST, mutations by POST only; the answer in `application/graphql-response+json`
//! or `application/json` as the client's `Accept` says; a status code that tells a
//! request that ran from one refused as a whole. docs/api.md ("Calling it") has the rules
//! for clients, docs/decisions.md the choices.

use std::net::SocketAddr;

use async_graphql::dataloader::DataLoader;
use async_graphql::futures_util::future::BoxFuture;
use async_graphql::ServerError;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use tracing::Instrument as _;

use super::graphql_request::{self, Refusal};
use super::negotiation::{self, ResponseMedia};
use crate::access::Caller;
use crate::agencies::loader::AgencyLoader;
use crate::app::AppState;
use crate::auth;
use crate::cases::loader::{PersonsLoader, VisibleCasesLoader};
use crate::error::{AppError, AppResult};
use crate::graphql::error::{code, fill_codes};
use crate::graphql::schema::introspection_only;
use crate::graphql::{operation, request_limits, RequestContext, Schemas};

/// The longest operation name written to the log; names are GraphQL names (letters,
/// digits, `_`), but a client may make one as long as the body.
const MAX_LOGGED_OPERATION_NAME: usize = 100;

/// Runs one GraphQL request (GET or POST) as the actor its token names, or anonymously.
/// Before anything parses or recurses over the request, it is held to the bounds of
/// [`request_limits`]; a request that breaks one is refused as a whole, and nothing of it
/// runs. A GET from a browser gets GraphiQL's page instead, when GraphiQL is on.
pub async fn execute(
    State((state, schemas)): State<(AppState, Schemas)>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    caller: Result<Caller, AppError>,
    request: axum::extract::Request,
) -> Response {
    // Every line logged while the request runs, the INTERNAL errors' included, names the
    // operation; the span holds its name once the document is read.
    let span = tracing::info_span!("graphql", operation = tracing::field::Empty);
    let peer = peer.map(|Extension(ConnectInfo(peer))| peer);
    serve(state, schemas, peer, caller, request)
        .instrument(span)
        .await
}

async fn serve(
    state: AppState,
    schemas: Schemas,
    peer: Option<SocketAddr>,
    caller: Result<Caller, AppError>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let by_get = matches!(parts.method, Method::GET | Method::HEAD);
    if by_get && state.config.graphiql && negotiation::prefers_html(&parts.headers) {
        return super::graphiql::page().await;
    }
    // Nothing runs for a client that could not read the answer (a mutation's included):
    // the spec's recommended 406 rather than JSON it did not ask for.
    let Some(media) = negotiation::response_media(&parts.headers) else {
        return not_acceptable();
    };
    let answer = Answer { media };
    let headers = parts.headers.clone();
    let read = match by_get {
        true => graphql_request::from_query_string(parts.uri.query()),
        false => graphql_request::from_body(parts, body).await,
    };
    let mut request = match read {
        Ok(request) => request,
        Err(refusal) => return answer.refused(refusal),
    };
    // The text's nesting is checked before anything parses it.
    if let Err(error) = request_limits::check_document_nesting(&request.query) {
        return answer.request_error(error);
    }
    state.documents.prepare(&mut request);
    let operation_name = request.operation_name.clone();
    // The metrics' name for the request: the operation its text selects, else the name
    // it gave (a document that does not parse, or names no such operation).
    let mut counted_as = operation_name.clone();
    if let Ok(document) = request.parsed_query() {
        if let Some((name, operation)) = operation::selected(document, operation_name.as_deref()) {
            if let Some(name) = name {
                counted_as = Some(name.to_owned());
                let shown: String = name.chars().take(MAX_LOGGED_OPERATION_NAME).collect();
                tracing::Span::current().record("operation", shown.as_str());
            }
            // GET is safe by HTTP's rules: it must never change anything.
            if by_get && operation::is_mutation(operation) {
                return answer.refused(Refusal::mutation_over_get());
            }
        }
    }
    if let Err(error) = within_limits(&mut request) {
        return answer.request_error(error);
    }
    // The caller was built before the request was read; a failure to build it (the
    // token store down) is answered here, where it always was, after the bounds.
    let caller = match caller {
        Ok(caller) => caller,
        Err(error) => return answer.request_error(error),
    };
    let introspection_only = request
        .parsed_query()
        .is_ok_and(|document| introspection_only(document, operation_name.as_deref()));
    if caller.signed_in().is_none() && state.config.introspection_requires_token {
        if introspection_only {
            return answer.request_error(AppError::Unauthenticated);
        }
        request = request.disable_introspection();
    }
    let schema = match introspection_only {
        true => &schemas.introspection,
        false => &schemas.api,
    };
    let spawn = spawn_in_current_span;
    let loader = DataLoader::new(AgencyLoader(state.db.clone()), spawn);
    let viewer_agency = caller.signed_in().and_then(|a| a.agency_id);
    let client = auth::rates::client_address(peer, &headers, state.config.sign_in.trusted_proxy);
    let context = RequestContext::new(caller.clone()).with_client_address(client);
    let persons = DataLoader::new(
        PersonsLoader {
            db: state.db.clone(),
            caller: caller.clone(),
        },
        spawn,
    );
    let cases = DataLoader::new(
        VisibleCasesLoader {
            db: state.db.clone(),
            agency: viewer_agency,
        },
        spawn,
    );
    let request = request
        .data(context.clone())
        .data(loader)
        .data(persons)
        .data(cases);
    let mut response = schema.execute(request).await;
    state
        .metrics
        .count_operation(counted_as.as_deref(), &response);
    // Fail closed: personal data leaves only once its reading is on the audit record.
    // The read-audit layer would do it too; done here, a failure answers in GraphQL's
    // media type, as any request error does.
    if let Err(error) = super::caller::finish_reads(&state, &caller).await {
        return answer.request_error(error);
    }
    fill_codes(&mut response);
    answer.graphql(response)
}

/// Runs a loader's batch in a task of its own that keeps this request's span, so that
/// its errors are logged with the request id and the operation.
fn spawn_in_current_span(batch: BoxFuture<'static, ()>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(batch.in_current_span())
}

/// The request's bounds once its text has been held to its nesting and parsed: the
/// document's strings (from the cache when it was seen before), and the variables' and
/// extensions' nesting and strings, walked without recursion, each variable named by
/// the field it is passed to; then the variables the operation requires.
fn within_limits(request: &mut async_graphql::Request) -> AppResult<()> {
    // Taken out for the checks, which read the document (a borrow of the whole request)
    // and the variables together.
    let variables = std::mem::take(&mut request.variables);
    let checked = check_document_and_variables(request, &variables);
    request.variables = variables;
    checked?;
    request_limits::check_extensions(request)
}

fn check_document_and_variables(
    request: &mut async_graphql::Request,
    variables: &async_graphql::Variables,
) -> AppResult<()> {
    let operation_name = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        // A document that does not parse is left to the schema, which reports where.
        return request_limits::check_variables(variables, &request_limits::VariableUses::new());
    };
    let uses = request_limits::check_document_strings(document)?;
    request_limits::check_variables(variables, &uses)?;
    match operation::selected(document, operation_name.as_deref()) {
        Some((_, operation)) => operation::check_required_variables(operation, variables, &uses),
        // No such operation: the schema says so.
        None => Ok(()),
    }
}

/// Answers in the media type the client accepts, with the status GraphQL over HTTP asks
/// of it.
struct Answer {
    media: ResponseMedia,
}

impl Answer {
    /// A request that ran, or that the schema refused before running it (a document
    /// that does not parse or validate, variables of the wrong type, no such operation).
    fn graphql(&self, response: async_graphql::Response) -> Response {
        if !execution_began(&response) {
            return self.errors_only(response.errors);
        }
        log_errors(&response.errors);
        // Execution began: 200 in either media type, field errors or not.
        let mut answer = self.json(StatusCode::OK, &response);
        answer.headers_mut().extend(response.http_headers);
        answer
    }

    /// A GraphQL request error raised before anything ran: the bounds, the token, the
    /// variables the operation requires, the audit record that could not be written.
    fn request_error(&self, error: AppError) -> Response {
        self.errors_only(vec![without_location(error)])
    }

    /// A request error's answer: no `data` (GraphQL's rule for errors raised before
    /// execution). `application/json` answers 200, as the spec asks for every
    /// well-formed request in the legacy type; `application/graphql-response+json`
    /// answers with the status of the first error's code.
    fn errors_only(&self, errors: Vec<ServerError>) -> Response {
        log_errors(&errors);
        let status = match self.media {
            ResponseMedia::Json => StatusCode::OK,
            ResponseMedia::GraphQLResponse => {
                errors.first().map_or(StatusCode::BAD_REQUEST, status_of)
            }
        };
        let mut answer = self.json(status, &serde_json::json!({ "errors": errors }));
        if status == StatusCode::UNAUTHORIZED {
            // RFC 6750: a 401 names the scheme the client should use.
            let bearer = HeaderValue::from_static("Bearer");
            answer
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, bearer);
        }
        if let Some(seconds) = errors.first().and_then(retry_after_seconds) {
            if status == StatusCode::TOO_MANY_REQUESTS {
                answer
                    .headers_mut()
                    .insert(header::RETRY_AFTER, seconds.into());
            }
        }
        answer
    }

    /// A request that is not a well-formed GraphQL-over-HTTP request, or came by the
    /// wrong method or media type: its own status in either media type.
    fn refused(&self, refusal: Refusal) -> Response {
        let errors = vec![without_location(refusal.error)];
        log_errors(&errors);
        let mut answer = self.json(refusal.status, &serde_json::json!({ "errors": errors }));
        if let Some(allow) = refusal.allow {
            answer.headers_mut().insert(header::ALLOW, allow);
        }
        answer
    }

    fn json(&self, status: StatusCode, body: &impl serde::Serialize) -> Response {
        json_response(status, self.media.content_type(), body)
    }
}

/// Whether the schema began executing the operation: `data` is there, or a field error
/// (which has a path) made it `null`. Errors without a path and no `data` are request
/// errors: parsing, validation, variables, limits, no such operation.
fn execution_began(response: &async_graphql::Response) -> bool {
    !matches!(response.data, async_graphql::Value::Null)
        || response.errors.iter().any(|error| !error.path.is_empty())
}

/// The status for a request error under `application/graphql-response+json`, by its
/// code: the spec's 400 for a request that is malformed or fails validation, 401 and 403
/// for a client not permitted to make it, and ours for the rest.
fn status_of(error: &ServerError) -> StatusCode {
    match code_of(error) {
        Some(code::UNAUTHENTICATED) => StatusCode::UNAUTHORIZED,
        Some(code::FORBIDDEN) => StatusCode::FORBIDDEN,
        Some(code::TOO_MANY_REQUESTS) => StatusCode::TOO_MANY_REQUESTS,
        Some(code::INTERNAL) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

fn code_of(error: &ServerError) -> Option<&str> {
    match error.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(code) => Some(code.as_str()),
        _ => None,
    }
}

fn retry_after_seconds(error: &ServerError) -> Option<u64> {
    match error.extensions.as_ref()?.get("retryAfterSeconds")? {
        async_graphql::Value::Number(seconds) => seconds.as_u64(),
        _ => None,
    }
}

/// Logs a response's errors by their codes, under the request's span (request id,
/// operation name). Never the messages: a framework's message can quote a value the
/// client sent. INTERNAL errors are logged at ERROR, with their cause, where they are
/// raised (`graphql::error`); this line is for the client's faults.
fn log_errors(errors: &[ServerError]) {
    let mut codes: Vec<&str> = errors
        .iter()
        .filter_map(code_of)
        .filter(|code| *code != code::INTERNAL)
        .collect();
    if codes.is_empty() {
        return;
    }
    codes.sort_unstable();
    codes.dedup();
    tracing::info!(
        codes = codes.join(","),
        errors = errors.len(),
        "graphql errors"
    );
}

/// 406: the client accepts neither GraphQL media type. The body, for a person reading
/// it, is in `application/json`, the type every GraphQL client reads.
fn not_acceptable() -> Response {
    let error = AppError::bad_input(
        "accept",
        "this endpoint answers in application/graphql-response+json or application/json",
    );
    let errors = vec![without_location(error)];
    log_errors(&errors);
    let body = serde_json::json!({ "errors": errors });
    json_response(
        StatusCode::NOT_ACCEPTABLE,
        ResponseMedia::Json.content_type(),
        &body,
    )
}

fn json_response(
    status: StatusCode,
    content_type: &'static str,
    body: &impl serde::Serialize,
) -> Response {
    // A page of twenty cases is about 3 KiB: starting there spares the growing copies.
    let mut buffer = Vec::with_capacity(4 * 1024);
    let (status, body) = match serde_json::to_writer(&mut buffer, body) {
        Ok(()) => (status, buffer),
        Err(error) => {
            tracing::error!(%error, code = code::INTERNAL, "a GraphQL answer could not be encoded");
            let body =
                br#"{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}]}"#;
            (StatusCode::INTERNAL_SERVER_ERROR, body.to_vec())
        }
    };
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        // An answer may hold personal data, and a GET's could be kept by a cache.
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
    ];
    (status, headers, body).into_response()
}

/// An error of the request as a whole: it has no place in the query, so no `locations`.
fn without_location(error: AppError) -> async_graphql::ServerError {
    let error = async_graphql::Error::from(error);
    let mut server_error = async_graphql::ServerError::new(error.message, None);
    server_error.extensions = error.extensions;
    server_error
}
