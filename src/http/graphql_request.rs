//! Reading a GraphQL-over-HTTP request into an [`async_graphql::Request`]: from the query
//! string of a GET, from a JSON body or a GraphQL multipart request of a POST. What is
//! read here is only checked for being a well-formed request (`query` a string,
//! `variables` and `extensions` JSON objects); its bounds come after
//! (`graphql::request_limits`).

use async_graphql::ParseRequestError;
use async_graphql_axum::rejection::GraphQLRejection;
use async_graphql_axum::GraphQLRequest;
use axum::body::Body;
use axum::extract::FromRequest;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use serde_json::{Map, Value};

use super::negotiation::{self, RequestBody};
use crate::error::AppError;

/// A request refused before it is read as GraphQL, with a status that does not depend on
/// the media type of the answer: it is not a well-formed GraphQL-over-HTTP request, or
/// comes by the wrong method or in a media type the hub does not read.
pub struct Refusal {
    /// The HTTP status.
    pub status: StatusCode,
    /// The one error of the answer.
    pub error: AppError,
    /// The `Allow` header, for 405.
    pub allow: Option<HeaderValue>,
}

impl Refusal {
    fn new(status: StatusCode, field: &str, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            error: AppError::bad_input(field, message),
            allow: None,
        }
    }

    /// 400: not a well-formed GraphQL-over-HTTP request.
    pub fn malformed(field: &str, message: impl Into<String>) -> Refusal {
        Refusal::new(StatusCode::BAD_REQUEST, field, message)
    }

    /// 405 with `Allow: POST`: GET runs queries only.
    pub fn mutation_over_get() -> Refusal {
        Refusal {
            allow: Some(HeaderValue::from_static("POST")),
            ..Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "query",
                "a mutation must be sent with POST; GET runs queries only",
            )
        }
    }
}

/// The four parameters of a GraphQL-over-HTTP request, as JSON, before they are checked.
#[derive(Default)]
struct Parameters {
    query: Option<Value>,
    operation_name: Option<Value>,
    variables: Option<Value>,
    extensions: Option<Value>,
}

/// Reads the request of a GET from its query string (`query`, `operationName`, and
/// `variables` and `extensions` as JSON text). Parameters the spec does not name are
/// ignored (a cache-buster, say); one it names given twice is refused, since which one
/// counts would be a guess.
pub fn from_query_string(query_string: Option<&str>) -> Result<async_graphql::Request, Refusal> {
    let mut parameters = Parameters::default();
    for (name, value) in form_urlencoded::parse(query_string.unwrap_or_default().as_bytes()) {
        let slot = match name.as_ref() {
            "query" => &mut parameters.query,
            "operationName" => &mut parameters.operation_name,
            "variables" => &mut parameters.variables,
            "extensions" => &mut parameters.extensions,
            _ => continue,
        };
        if slot.is_some() {
            return Err(Refusal::malformed(&name, "given more than once"));
        }
        let value = match name.as_ref() {
            // JSON text in the URL; an empty one is taken as left out, as the spec says
            // of `operationName`.
            "variables" | "extensions" if value.is_empty() => Value::Null,
            "variables" | "extensions" => serde_json::from_str(&value)
                .map_err(|error| Refusal::malformed(&name, format!("not JSON: {error}")))?,
            _ => Value::String(value.into_owned()),
        };
        *slot = Some(value);
    }
    into_request(parameters)
}

/// Reads the request of a POST from its body: JSON, or a GraphQL multipart request
/// (documents of a handover). Any other `Content-Type`, or none, is refused with 415
/// before the body is read.
pub async fn from_body(parts: Parts, body: Body) -> Result<async_graphql::Request, Refusal> {
    match negotiation::request_body(&parts.headers) {
        Some(RequestBody::Json) => from_json_body(body).await,
        Some(RequestBody::Multipart) => from_multipart(parts, body).await,
        None => Err(Refusal::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content-type",
            "send the request as application/json (UTF-8), or as multipart/form-data with documents",
        )),
    }
}

async fn from_json_body(body: Body) -> Result<async_graphql::Request, Refusal> {
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(|error| match over_length(&error) {
            true => Refusal::new(StatusCode::PAYLOAD_TOO_LARGE, "body", "too large"),
            // A body cut short by its deadline is answered 408 by `http::deadlines`.
            false => Refusal::malformed("body", "could not be read"),
        })?;
    // serde_json stops at 128 levels of nesting, so a hostile body cannot recurse deeper.
    let body: Value = serde_json::from_slice(&bytes)
        .map_err(|error| Refusal::malformed("body", format!("not JSON: {error}")))?;
    let mut body = match body {
        Value::Object(body) => body,
        Value::Array(_) => return Err(batch_refused()),
        _ => return Err(Refusal::malformed("body", "must be a JSON object")),
    };
    into_request(Parameters {
        query: body.remove("query"),
        operation_name: body.remove("operationName"),
        variables: body.remove("variables"),
        extensions: body.remove("extensions"),
    })
}

/// Whether reading the body failed on the body limit (`http::router`'s `Limited`).
fn over_length(error: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = cause {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = error.source();
    }
    false
}

/// The GraphQL multipart request, read by async-graphql's own reader: its `operations`
/// field is the JSON request, its files the uploads.
async fn from_multipart(parts: Parts, body: Body) -> Result<async_graphql::Request, Refusal> {
    let request = axum::extract::Request::from_parts(parts, body);
    match GraphQLRequest::<GraphQLRejection>::from_request(request, &()).await {
        Ok(request) => Ok(request.into_inner()),
        Err(GraphQLRejection(ParseRequestError::PayloadTooLarge)) => Err(Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body",
            "too large",
        )),
        Err(GraphQLRejection(ParseRequestError::UnsupportedBatch)) => Err(batch_refused()),
        Err(GraphQLRejection(error)) => Err(Refusal::malformed(
            "body",
            format!("not a GraphQL request: {error}"),
        )),
    }
}

/// A batch (a JSON array of requests) is refused: each request of a batch would escape
/// the per-request limits (one sign-in, complexity) that the hub counts per HTTP request.
fn batch_refused() -> Refusal {
    Refusal::malformed(
        "body",
        "batch requests are not supported: send one request (a JSON object) per HTTP request",
    )
}

/// Checks the parameters' types, as the spec defines a well-formed request: `query` a
/// string (required), `operationName` a string, `variables` and `extensions` objects;
/// `null` is the same as left out.
fn into_request(parameters: Parameters) -> Result<async_graphql::Request, Refusal> {
    let query = match parameters.query {
        Some(Value::String(query)) => query,
        None | Some(Value::Null) => {
            return Err(Refusal::malformed(
                "query",
                "required: the GraphQL document",
            ))
        }
        Some(_) => return Err(Refusal::malformed("query", "must be a string")),
    };
    let mut request = async_graphql::Request::new(query);
    match parameters.operation_name {
        None | Some(Value::Null) => {}
        // The spec: an empty `operationName` is the same as none.
        Some(Value::String(name)) if name.is_empty() => {}
        Some(Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err(Refusal::malformed("operationName", "must be a string")),
    }
    if let Some(variables) = object(parameters.variables, "variables")? {
        request = request.variables(async_graphql::Variables::from_json(Value::Object(
            variables,
        )));
    }
    for (name, value) in object(parameters.extensions, "extensions")?.unwrap_or_default() {
        let value = async_graphql::Value::from_json(value)
            .map_err(|error| Refusal::malformed("extensions", error.to_string()))?;
        request.extensions.0.insert(name, value);
    }
    Ok(request)
}

/// A parameter that must be a JSON object when given.
fn object(value: Option<Value>, field: &str) -> Result<Option<Map<String, Value>>, Refusal> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(Refusal::malformed(field, "must be a JSON object")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(result: Result<async_graphql::Request, Refusal>) -> Option<(u16, String)> {
        result
            .err()
            .map(|r| (r.status.as_u16(), r.error.public_message()))
    }

    #[test]
    fn a_query_string_gives_every_parameter() {
        let request = from_query_string(Some(
            "query=query%20Q(%24n%3A%20Int)%20%7B%20__typename%20%7D&operationName=Q&variables=%7B%22n%22%3A1%7D&extensions=%7B%22x%22%3Atrue%7D&_=123",
        ));
        let request = request.ok().expect("read");
        assert_eq!(request.query, "query Q($n: Int) { __typename }");
        assert_eq!(request.operation_name.as_deref(), Some("Q"));
        assert_eq!(request.variables.to_string(), r#"{n: 1}"#);
        assert!(request.extensions.0.contains_key("x"));
    }

    #[test]
    fn empty_operation_name_and_variables_are_left_out() {
        let request = from_query_string(Some("query=%7Ba%7D&operationName=&variables="))
            .ok()
            .expect("read");
        assert_eq!(request.operation_name, None);
        assert!(request.variables.is_empty());
    }

    #[test]
    fn a_query_string_that_is_not_a_request_is_refused_by_the_parameter() {
        assert_eq!(
            refused(from_query_string(None)),
            Some((400, "query: required: the GraphQL document".into()))
        );
        assert_eq!(
            refused(from_query_string(Some("query=a&query=b"))).map(|r| r.1),
            Some("query: given more than once".into())
        );
        assert!(
            refused(from_query_string(Some("query=%7Ba%7D&variables=%5B1%5D")))
                .is_some_and(|r| r.1 == "variables: must be a JSON object")
        );
        assert!(
            refused(from_query_string(Some("query=%7Ba%7D&variables=%7B")))
                .is_some_and(|r| r.1.starts_with("variables: not JSON"))
        );
    }

    #[test]
    fn parameters_of_the_wrong_type_are_refused() {
        let with = |body: Value| {
            let Value::Object(mut body) = body else {
                return None;
            };
            refused(into_request(Parameters {
                query: body.remove("query"),
                operation_name: body.remove("operationName"),
                variables: body.remove("variables"),
                extensions: body.remove("extensions"),
            }))
            .map(|r| r.1)
        };
        assert_eq!(
            with(serde_json::json!({ "qeury": "{ a }" })).as_deref(),
            Some("query: required: the GraphQL document")
        );
        assert_eq!(
            with(serde_json::json!({ "query": 1 })).as_deref(),
            Some("query: must be a string")
        );
        assert_eq!(
            with(serde_json::json!({ "query": "{ a }", "operationName": [] })).as_deref(),
            Some("operationName: must be a string")
        );
        assert_eq!(
            with(serde_json::json!({ "query": "{ a }", "extensions": "x" })).as_deref(),
            Some("extensions: must be a JSON object")
        );
        assert_eq!(
            with(serde_json::json!({ "query": "{ a }", "variables": null, "operationName": null })),
            None
        );
    }
}
