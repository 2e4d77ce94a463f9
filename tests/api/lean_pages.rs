//! A list page whose selection asks only for plain fields is written straight into the
//! answer (`graphql::lean`, issue 13); any other selection is resolved field by field.
//! These tests hold the two paths to the same bytes, for every plain field of `Case`,
//! over the lists that use it, for a FULL and a SUMMARY reader, on a page after a cursor.

use serde_json::{json, Value};

use crate::list_pages::seeded_hub;

/// Every plain field of `Case` (`PLAIN_FIELDS` in `cases::graphql::plain`), aliased once,
/// with the connection's own fields around them.
const PLAIN: &str = "__typename \
    edges { __typename cursor node { __typename id journalNumber scope status openedAt \
    decisionDueAt nextMonitoringAt nextDeadline monitoringOverdue } } \
    n: nodes { number: journalNumber id status } \
    pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }";

/// The answer's text as the server wrote it (key order included).
async fn text(app: &crate::harness::TestApp, token: &str, query: &str, variables: Value) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("send the request");
    assert!(response.status().is_success(), "{query}");
    response.text().await.expect("the body")
}

#[tokio::test]
async fn a_page_of_plain_fields_answers_in_the_same_bytes_as_the_resolvers_do() {
    let (hub, _, curators) = seeded_hub().await;
    let lists = [
        (&hub.head, "cases(first: 5)", "CaseConnection"),
        (
            &hub.head,
            "cases(first: 50, filter: { openOnly: true })",
            "CaseConnection",
        ),
        (&hub.nurse, "cases(first: 50)", "CaseConnection"),
        (&curators[1].0, "myCases(first: 50)", "CaseConnection"),
    ];
    for (token, call, connection) in lists {
        let field = call.split('(').next().unwrap_or_default();
        let lean = text(
            &hub.app,
            token,
            &format!("{{ {call} {{ {PLAIN} }} }}"),
            json!({}),
        )
        .await;
        // A fragment changes nothing in the answer and is never written lean.
        let resolved = format!("{{ {call} {{ ... on {connection} {{ {PLAIN} }} }} }}");
        let resolved = text(&hub.app, token, &resolved, json!({})).await;
        assert_eq!(lean, resolved, "{call}");
        let body: Value = serde_json::from_str(&lean).expect("JSON");
        let edges = body["data"][field]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!edges.is_empty(), "{call}: {lean}");
        assert!(body["errors"].is_null(), "{call}: {lean}");

        // The next page, after the first page's last cursor, the same either way.
        let Some(after) = body["data"][field]["pageInfo"]["endCursor"].as_str() else {
            panic!("{call}: no end cursor in {lean}");
        };
        let next = call.replacen('(', "(after: $after, ", 1);
        let lean_next = format!("query($after: String) {{ {next} {{ {PLAIN} }} }}");
        let resolved_next =
            format!("query($after: String) {{ {next} {{ ... on {connection} {{ {PLAIN} }} }} }}");
        let variables = json!({ "after": after });
        assert_eq!(
            text(&hub.app, token, &lean_next, variables.clone()).await,
            text(&hub.app, token, &resolved_next, variables).await,
            "{call} after {after}"
        );
    }
    // The SUMMARY reader's page says so on every node, the lean way too.
    let summary = text(
        &hub.app,
        &hub.nurse,
        &format!("{{ cases {{ {PLAIN} }} }}"),
        json!({}),
    )
    .await;
    assert!(summary.contains(r#""scope":"SUMMARY""#), "{summary}");
    assert!(!summary.contains(r#""scope":"FULL""#), "{summary}");
}
