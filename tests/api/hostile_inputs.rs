//! Requests an attacker would send without an account: each is refused with a code (or
//! 408) and the server goes on answering. Every test ends with a normal request.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{error_code, error_field, spawn_app, spawn_app_with, TestApp};

/// Posts a raw JSON body, asking for `application/graphql-response+json` (whose status
/// tells a request refused as a whole: 400); returns the status and the JSON answer.
/// In `application/json` the same refusals are answered 200 (tests/api/http_spec.rs).
async fn post(app: &TestApp, body: &Value) -> (u16, Value) {
    let response = app
        .http()
        .post(format!("{}/graphql", app.address))
        .header("accept", "application/graphql-response+json")
        .json(body)
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The server still answers a normal request.
async fn still_serving(app: &TestApp) {
    let body = app.gql(None, "{ __typename }", json!({})).await;
    assert_eq!(body["data"]["__typename"], "Query", "{body}");
}

/// A plain TCP connection to the server, for clients that break HTTP's timing.
async fn raw_connection(app: &TestApp) -> tokio::net::TcpStream {
    let address = app.address.trim_start_matches("http://");
    tokio::net::TcpStream::connect(address)
        .await
        .expect("connect")
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

#[tokio::test]
async fn value_literals_nested_1500_deep_are_refused_and_the_server_stays_up() {
    let app = spawn_app().await;
    let deep_list = nested("[", "true", "]", 1500);
    let deep_object = nested("{a: ", "1", "}", 1500);
    let documents = [
        format!("{{ __typename @include(if: {deep_list}) }}"),
        format!("{{ unknownField(x: {deep_list}) }}"),
        format!("query Q($v: [Boolean] = {deep_list}) {{ __typename }}"),
        format!("{{ agencies(filter: {deep_object}) {{ edges {{ cursor }} }} }}"),
        nested("{ a ", "", "}", 1500),
        format!("{{ a{} }}", nested("(x: ", "1", ")", 1500)),
    ];
    for query in documents {
        let (status, body) = post(&app, &json!({ "query": query })).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(error_field(&body), Some("query"), "{body}");
    }
    still_serving(&app).await;
}

#[tokio::test]
async fn nested_variables_and_extensions_are_refused_by_name() {
    let app = spawn_app().await;
    let mut deep = json!(true);
    for _ in 0..40 {
        deep = json!([deep]);
    }
    let query = "query Q($v: [Boolean]) { __typename }";
    let (status, body) = post(&app, &json!({ "query": query, "variables": { "v": deep } })).await;
    assert_eq!((status, error_code(&body)), (400, Some("BAD_USER_INPUT")));
    assert_eq!(error_field(&body), Some("$v"), "{body}");

    let (status, body) = post(
        &app,
        &json!({ "query": "{ __typename }", "extensions": { "x": deep } }),
    )
    .await;
    assert_eq!((status, error_code(&body)), (400, Some("BAD_USER_INPUT")));
    assert_eq!(error_field(&body), Some("extensions.x"), "{body}");

    // Deeper than serde_json reads at all: refused while the body is read.
    let raw = format!(
        r#"{{"query": "{{ __typename }}", "variables": {{"v": {}}}}}"#,
        nested("[", "1", "]", 5000)
    );
    let response = app
        .http()
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("json");
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("body"), "{body}");
    still_serving(&app).await;
}

#[tokio::test]
async fn a_nul_in_any_string_is_bad_input_naming_the_field() {
    let app = spawn_app().await;
    // No token: login is open to anyone, so it is where an attacker starts.
    let literal =
        r#"mutation { login(email: "a\u0000@x.ru", password: "correct horse battery") { token } }"#;
    let (status, body) = post(&app, &json!({ "query": literal })).await;
    assert_eq!((status, error_code(&body)), (400, Some("BAD_USER_INPUT")));
    assert_eq!(error_field(&body), Some("email"), "{body}");

    let by_variable = "mutation L($e: String!) { login(email: $e, password: \"x\") { token } }";
    let body = app
        .gql(None, by_variable, json!({ "e": "a\u{0}@x.ru" }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("email"), "{body}");

    let admin = app.admin_token().await;
    let filter =
        "query A($f: AgencyFilterInput) { agencies(filter: $f) { edges { node { id } } } }";
    let body = app
        .gql(
            Some(&admin),
            filter,
            json!({ "f": { "nameContains": "опе\u{0}ка" } }),
        )
        .await;
    assert_eq!(error_field(&body), Some("nameContains"), "{body}");
    still_serving(&app).await;
}

#[tokio::test]
async fn over_long_strings_are_bad_input_at_entry_and_by_field() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let query = "query A($f: AgencyFilterInput) { agencies(filter: $f) { edges { node { id } } } }";
    // Past the longest free text any field takes: refused where the request enters.
    let huge = "а".repeat(100_000);
    let body = app
        .gql(
            Some(&admin),
            query,
            json!({ "f": { "nameContains": huge } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("nameContains"), "{body}");
    // Within that, a search is still held to the length of a name.
    let long = "а".repeat(5_000);
    let body = app
        .gql(
            Some(&admin),
            query,
            json!({ "f": { "nameContains": long } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("nameContains"), "{body}");
    let users = "query U($f: UserFilterInput) { users(filter: $f) { edges { node { id } } } }";
    let body = app
        .gql(
            Some(&admin),
            users,
            json!({ "f": { "nameContains": "а".repeat(201) } }),
        )
        .await;
    assert_eq!(error_field(&body), Some("nameContains"), "{body}");
    // LIKE's wildcards are searched for as text.
    let body = app
        .gql(
            Some(&admin),
            query,
            json!({ "f": { "nameContains": "%_\\" } }),
        )
        .await;
    assert_eq!(body["data"]["agencies"]["edges"], json!([]), "{body}");
    still_serving(&app).await;
}

#[tokio::test]
async fn a_body_that_never_finishes_is_answered_408() {
    let app = spawn_app_with(|c| {
        c.request_body_timeout_seconds = 1;
        c.request_timeout_seconds = 30;
    })
    .await;
    let mut stream = raw_connection(&app).await;
    let head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                Content-Length: 1000\r\n\r\n{\"query\": \"{ __typ";
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut answer = vec![0_u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("answered within 10 s, not left open")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    still_serving(&app).await;
}

#[tokio::test]
async fn headers_that_never_finish_are_cut_off() {
    let app = spawn_app_with(|c| c.request_header_timeout_seconds = 1).await;
    let mut stream = raw_connection(&app).await;
    stream
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Ty")
        .await
        .expect("write");
    let mut answer = vec![0_u8; 1024];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("cut off within 10 s, not left open");
    // hyper answers 408 or simply closes; either way the connection is gone.
    let answer = String::from_utf8_lossy(&answer[..read.unwrap_or(0)]).into_owned();
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    still_serving(&app).await;
}

#[tokio::test]
async fn a_body_that_trickles_in_is_held_to_the_whole_deadline() {
    let app = spawn_app_with(|c| {
        c.request_body_timeout_seconds = 2;
        c.request_timeout_seconds = 30;
    })
    .await;
    let mut stream = raw_connection(&app).await;
    let head = "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                Content-Length: 1000\r\n\r\n";
    stream.write_all(head.as_bytes()).await.expect("write");
    let started = std::time::Instant::now();
    let mut answer = vec![0_u8; 1024];
    // One byte every 300 ms: each read is quick, the body as a whole is not.
    let read = loop {
        if stream.write_all(b" ").await.is_err() {
            break stream.read(&mut answer).await.unwrap_or(0);
        }
        tokio::select! {
            read = stream.read(&mut answer) => break read.unwrap_or(0),
            _ = tokio::time::sleep(Duration::from_millis(300)) => {}
        }
        assert!(started.elapsed() < Duration::from_secs(15), "still open");
    };
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    still_serving(&app).await;
}

#[tokio::test]
async fn the_standard_introspection_query_passes_the_depth_limit() {
    let app = spawn_app().await;
    let query = include_str!("fixtures/introspection.graphql");
    let body = app.gql(None, query, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
    let types = body["data"]["__schema"]["types"].as_array().map(Vec::len);
    assert!(types.unwrap_or(0) > 50, "{types:?}");
    // The room is for introspection only: data queries keep the configured depth.
    let deep = "{ users { edges { node { agency { id } } } } }";
    let shallow = spawn_app_with(|c| c.max_query_depth = 4).await;
    let token = shallow.admin_token().await;
    let body = shallow.gql(Some(&token), deep, json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let mixed = "{ __schema { queryType { name } } users { edges { node { agency { id } } } } }";
    let body = shallow.gql(Some(&token), mixed, json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let body = shallow.gql(None, query, json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
}

#[tokio::test]
async fn introspection_can_require_a_token() {
    let app = spawn_app_with(|c| c.introspection_requires_token = true).await;
    let query = include_str!("fixtures/introspection.graphql");
    let anonymous = app.gql(None, query, json!({})).await;
    assert!(anonymous["data"]["__schema"].is_null(), "{anonymous}");
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous}"
    );
    // Inside an ordinary query the schema's fields are simply not there.
    let mixed = "{ __typename __schema { queryType { name } } }";
    let body = app.gql(None, mixed, json!({})).await;
    assert!(body["data"]["__schema"].is_null(), "{body}");
    let token = app.admin_token().await;
    let signed_in = app.gql(Some(&token), query, json!({})).await;
    assert_eq!(
        signed_in["data"]["__schema"]["queryType"]["name"], "Query",
        "{signed_in}"
    );
    // `__typename` is not introspection of the schema: still answered.
    still_serving(&app).await;
}
