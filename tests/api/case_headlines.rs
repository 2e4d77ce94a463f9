//! Case lists whose selection asks for nothing beyond a case's headline read only the
//! headline's columns (issue 13). These tests hold the two reads to one answer: the same
//! cases, cursors and values, however the fields are asked for (fragments, aliases,
//! `nodes`), and a field beyond the headline always gets the whole row.

use serde_json::{json, Value};

use crate::list_pages::{open_case, seeded_hub};
use crate::signals::signal_hub;

/// Every field of `Case` a headline answers (`PLAIN_FIELDS` and `HEADLINE_FIELDS` in
/// `cases::graphql`): its own columns, and the records read by its id behind the personal
/// gate.
const HEADLINE: &str = "__typename id journalNumber scope status openedAt decisionDueAt \
                        nextMonitoringAt nextDeadline monitoringOverdue \
                        persons { id role fullName birthDate phone } consents { id kind } \
                        handoverPending handovers { id status } informationRequests { id } \
                        intake { number } workLog { id kind } monitoring { id decision } \
                        documents { id }";

/// The edges of `call` (a connection field with its arguments) with `node { selection }`.
async fn edges(app: &crate::harness::TestApp, token: &str, call: &str, selection: &str) -> Value {
    let field = call.split('(').next().unwrap_or_default();
    let body = app
        .gql(
            Some(token),
            &format!("{{ {call} {{ edges {{ cursor node {{ {selection} }} }} }} }}"),
            json!({}),
        )
        .await;
    assert!(body["errors"].is_null(), "{call}: {body}");
    body["data"][field]["edges"].clone()
}

#[tokio::test]
async fn a_list_asking_for_the_headline_only_answers_as_the_whole_row_does() {
    let (hub, _, curators) = seeded_hub().await;
    let lists = [
        (&hub.head, "cases(first: 50)"),
        (&hub.head, "cases(first: 50, filter: { openOnly: true })"),
        (&hub.head, "cases(first: 50, filter: { status: SUPPORT })"),
        (&hub.nurse, "cases(first: 50)"),
        (&curators[1].0, "myCases(first: 50)"),
    ];
    for (token, call) in lists {
        let headline = edges(&hub.app, token, call, HEADLINE).await;
        // `version` is beyond the headline: this one reads whole rows.
        let mut whole = edges(&hub.app, token, call, &format!("{HEADLINE} version")).await;
        let rows = whole.as_array_mut().expect("edges");
        assert!(!rows.is_empty(), "{call} lists no case");
        for edge in rows.iter_mut() {
            let version = edge["node"]
                .as_object_mut()
                .and_then(|node| node.remove("version"));
            assert!(version.is_some_and(|v| v.is_i64()), "{call}: {edge}");
        }
        assert_eq!(headline, whole, "{call}");
    }
    // The statuses the deadline depends on are all there, for the SUMMARY reader too.
    let all = edges(&hub.app, &hub.nurse, "cases(first: 50)", HEADLINE).await;
    let scopes: Vec<&str> = all
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["node"]["scope"].as_str())
        .collect();
    assert!(scopes.iter().all(|s| *s == "SUMMARY"), "{scopes:?}");
    let statuses: Vec<&str> = all
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["node"]["status"].as_str())
        .collect();
    for status in ["ASSESSMENT", "SUPPORT", "CLOSED"] {
        assert!(statuses.contains(&status), "{status} in {statuses:?}");
    }
}

#[tokio::test]
async fn a_field_beyond_the_headline_reads_the_whole_row_however_it_is_asked() {
    let hub = signal_hub().await;
    let curator = (hub.curator.clone(), hub.curator_id.clone());
    let case = open_case(&hub, &curator).await;
    let expected = hub
        .app
        .gql(
            Some(&hub.head),
            "query($id: ID!) { case(id: $id) { curatorId version childAgeBand } }",
            json!({ "id": case }),
        )
        .await;
    let expected = &expected["data"]["case"];
    assert_eq!(expected["curatorId"], json!(curator.1), "{expected}");
    let queries = [
        "fragment F on Case { curatorId version childAgeBand } \
         { cases { edges { node { id ...F } } } }",
        "{ cases { edges { node { id ... on Case { curatorId version childAgeBand } } } } }",
        "{ cases { edges { node { id curatorId v: version childAgeBand } } } }",
        "{ cases { nodes { id curatorId version childAgeBand } } }",
        "{ cases { edges { cursor } nodes { id } nodes { curatorId version childAgeBand } } }",
        "{ myCases { edges { node { id curatorId version childAgeBand } } } }",
    ];
    for query in queries {
        let token = match query.contains("myCases") {
            true => &hub.curator,
            false => &hub.head,
        };
        let body = hub.app.gql(Some(token), query, json!({})).await;
        assert!(body["errors"].is_null(), "{query}: {body}");
        let list = &body["data"][if query.contains("myCases") {
            "myCases"
        } else {
            "cases"
        }];
        let node = list["edges"]
            .get(0)
            .filter(|e| e.get("node").is_some())
            .map(|e| &e["node"])
            .unwrap_or(&list["nodes"][0]);
        let version = node.get("version").or_else(|| node.get("v"));
        assert_eq!(version, Some(&expected["version"]), "{query}: {body}");
        assert_eq!(node["curatorId"], expected["curatorId"], "{query}: {body}");
        assert_eq!(
            node["childAgeBand"], expected["childAgeBand"],
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn a_list_of_headlines_with_persons_audits_each_case_as_the_whole_row_does() {
    let (hub, _, _) = seeded_hub().await;
    let with_persons = "id scope persons { fullName }";
    let listed = edges(&hub.app, &hub.head, "cases(first: 50)", with_persons).await;
    let full: Vec<String> = listed
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["node"]["scope"] == "FULL")
        .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
        .collect();
    assert!(full.len() >= 2, "{listed}");
    let shown = listed
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| {
            e["node"]["persons"]
                .as_array()
                .is_some_and(|p| !p.is_empty())
        })
        .count();
    assert!(shown >= 1, "no case shows its people: {listed}");
    let mut counts = Vec::new();
    for id in &full {
        counts.push(hub.app.reads_naming(id).await.0);
    }
    // The headline read, then the whole-row read (`version` is beyond the headline): each
    // notes every FULL case it opened once, as one event per request.
    for selection in [with_persons.to_owned(), format!("{with_persons} version")] {
        let again = edges(&hub.app, &hub.head, "cases(first: 50)", &selection).await;
        assert_eq!(
            again.as_array().map(Vec::len),
            listed.as_array().map(Vec::len)
        );
        for (id, count) in full.iter().zip(counts.iter_mut()) {
            *count += 1;
            assert_eq!(
                hub.app.reads_naming(id).await.0,
                *count,
                "{selection}: {id}"
            );
        }
    }
    // A SUMMARY reader gets no people and notes no read.
    let nurse = edges(&hub.app, &hub.nurse, "cases(first: 50)", with_persons).await;
    let nodes: Vec<&Value> = nurse.as_array().into_iter().flatten().collect();
    assert!(!nodes.is_empty());
    for edge in nodes {
        assert_eq!(edge["node"]["persons"], Value::Null, "{edge}");
        let id = edge["node"]["id"].as_str().unwrap_or_default();
        if !full.iter().any(|f| f == id) {
            assert_eq!(hub.app.reads_naming(id).await.0, 0, "{id}");
        }
    }
}
