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

/// Every field of `CasePerson` (`PlainItem for CasePerson` in `cases::graphql::plain`).
const PEOPLE: &str = "persons { __typename id role fullName birthDate phone \
    registeredAddress actualAddress stance notes }";

/// The page's cases as the answer lists them.
fn case_ids(body: &Value, field: &str) -> Vec<String> {
    body["data"][field]["edges"]
        .as_array()
        .map(|edges| {
            edges
                .iter()
                .filter_map(|edge| edge["node"]["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// How many personal-data read events name each of `ids`.
async fn reads_of(app: &crate::harness::TestApp, ids: &[String]) -> Vec<usize> {
    let mut counts = Vec::new();
    for id in ids {
        counts.push(app.reads_naming(id).await.0);
    }
    counts
}

/// The people of a page's cases are read for the whole page at once on the lean path:
/// the same bytes as the `persons` resolver writes, null where the reader sees a summary,
/// and the same read noted, for the page's cases read in FULL and no other.
#[tokio::test]
async fn a_page_with_its_people_answers_and_notes_its_reads_as_the_resolvers_do() {
    let (hub, cases, _) = seeded_hub().await;
    // Some cases with more people (in the order they were added), one with its mother only.
    let add = "mutation($id: ID!, $i: CasePersonInput!) { addCasePerson(caseId: $id, input: $i) }";
    for (case, people) in [(&cases[11], 2), (&cases[9], 1)] {
        for n in 0..people {
            let input = json!({ "role": "RELATIVE", "fullName": format!("Родственник {n}"),
                                "phone": "+7 900 000-00-00", "notes": "«примечание»" });
            let body = hub
                .app
                .gql(Some(&hub.head), add, json!({ "id": case, "i": input }))
                .await;
            assert!(body["errors"].is_null(), "{body}");
        }
    }
    let selection = format!(
        "edges {{ cursor node {{ id journalNumber {PEOPLE} }} }} \
         nodes {{ status people: persons {{ fullName role }} }} pageInfo {{ endCursor }}"
    );
    let mut before = reads_of(&hub.app, &cases).await;
    for (token, full) in [(&hub.head, true), (&hub.nurse, false)] {
        let lean = text(
            &hub.app,
            token,
            &format!("{{ cases(first: 5) {{ {selection} }} }}"),
            json!({}),
        )
        .await;
        let body: Value = serde_json::from_str(&lean).expect("JSON");
        assert!(body["errors"].is_null(), "{lean}");
        // Written in the selection's order, page info last: the lean path wrote it.
        assert!(
            lean.find(r#""nodes""#) < lean.find(r#""pageInfo""#),
            "{lean}"
        );
        let page = case_ids(&body, "cases");
        assert_eq!(page.len(), 5, "{lean}");
        let after_lean = reads_of(&hub.app, &cases).await;

        let resolved =
            format!("{{ cases(first: 5) {{ ... on CaseConnection {{ {selection} }} }} }}");
        let resolved = text(&hub.app, token, &resolved, json!({})).await;
        // Compared as values: async-graphql puts a field that waited for the database
        // (here `edges`, for the people) after those that did not; the lean page keeps
        // the selection's order, as GraphQL asks.
        let resolved: Value = serde_json::from_str(&resolved).expect("JSON");
        assert_eq!(body, resolved, "the people written lean and resolved");
        let after_resolved = reads_of(&hub.app, &cases).await;

        // Each path notes one read of each case of the page it shows in FULL, no other.
        for (i, case) in cases.iter().enumerate() {
            let on_page = full && page.contains(case);
            let expected = usize::from(on_page);
            assert_eq!(after_lean[i] - before[i], expected, "lean, case {i}");
            assert_eq!(
                after_resolved[i] - after_lean[i],
                expected,
                "resolved, case {i}"
            );
        }
        let nodes = body["data"]["cases"]["nodes"].as_array().cloned();
        let nodes = nodes.unwrap_or_default();
        if full {
            assert!(lean.contains("Родственник 1"), "{lean}");
            assert!(nodes.iter().all(|n| n["people"].is_array()), "{lean}");
        } else {
            assert!(nodes.iter().all(|n| n["people"].is_null()), "{lean}");
        }
        before = after_resolved;
    }
}
