//! The read side notes what it hands out (`signals::reads`, `cases::reads`,
//! `handovers::reads`): a read of a record's personal data writes one
//! `PERSONAL_DATA_READ` event naming the record, and a read of its journal facts alone
//! (numbers, status, dates) writes none, whichever path reaches the record.

use serde_json::{json, Value};

use crate::cases::open_case_in;
use crate::handovers::handover_hub;
use crate::harness::TestApp;
use crate::signals::{signal_hub, SignalHub};

/// The personal-data reads that name the record `id` alone, as the audit log shows them.
async fn reads_naming(app: &TestApp, admin: &str, id: &str) -> Vec<Value> {
    let body = app
        .gql(
            Some(admin),
            "query($id: ID!) { auditEvents(first: 50, \
             filter: { action: PERSONAL_DATA_READ, targetId: $id }) \
             { edges { node { targetKind targetId } } } }",
            json!({ "id": id }),
        )
        .await;
    body["data"]["auditEvents"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{body}"))
}

async fn ask(hub: &SignalHub, query: &str, id: &str) -> Value {
    let body = hub
        .app
        .gql(Some(&hub.curator), query, json!({ "id": id }))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    body
}

#[tokio::test]
async fn a_signals_mother_read_in_full_is_one_event_naming_the_signal_and_its_journal_facts_none() {
    let hub = signal_hub().await;
    let id = hub.reported().await;
    hub.step(&hub.curator, "receiveSignal(id: $id)", json!({ "id": id }))
        .await;
    let before = reads_naming(&hub.app, &hub.admin, &id).await.len();

    let facts = "query($id: ID!) { signal(id: $id) { scope serviceJournalNumber status \
                 receivedAt clocks { kind state } } }";
    let body = ask(&hub, facts, &id).await;
    assert_eq!(body["data"]["signal"]["scope"], "FULL", "{body}");
    let journal = "{ signals { edges { node { id serviceJournalNumber status } } } }";
    ask(&hub, journal, &id).await;
    assert_eq!(
        reads_naming(&hub.app, &hub.admin, &id).await.len(),
        before,
        "journal facts are no personal-data read"
    );

    let mother = "query($id: ID!) { signal(id: $id) { mother { fullName actualAddress } \
                  child { sex } situation } }";
    let body = ask(&hub, mother, &id).await;
    assert!(
        body["data"]["signal"]["mother"]["fullName"].is_string(),
        "{body}"
    );
    let reads = reads_naming(&hub.app, &hub.admin, &id).await;
    assert_eq!(
        reads.len(),
        before + 1,
        "one event for the request: {reads:?}"
    );
    assert_eq!(reads[0]["node"]["targetKind"], "signal", "{reads:?}");
}

#[tokio::test]
async fn a_cases_facts_are_no_read_and_its_people_one_naming_the_case() {
    let hub = signal_hub().await;
    let case = open_case_in(&hub).await;
    let before = reads_naming(&hub.app, &hub.admin, &case).await.len();

    let facts = "query($id: ID!) { case(id: $id) { scope journalNumber status openedAt \
                 childAgeBand } }";
    let body = ask(&hub, facts, &case).await;
    assert_eq!(body["data"]["case"]["scope"], "FULL", "{body}");
    let node = "query($id: ID!) { node(id: $id) { ... on Case { journalNumber status } } }";
    ask(&hub, node, &case).await;
    assert_eq!(
        reads_naming(&hub.app, &hub.admin, &case).await.len(),
        before
    );

    let people = "query($id: ID!) { case(id: $id) { persons { fullName } \
                  consents { id } extensionReason } }";
    let body = ask(&hub, people, &case).await;
    assert!(body["data"]["case"]["persons"].is_array(), "{body}");
    let reads = reads_naming(&hub.app, &hub.admin, &case).await;
    assert_eq!(reads.len(), before + 1, "{reads:?}");
    assert_eq!(reads[0]["node"]["targetKind"], "case", "{reads:?}");
}

#[tokio::test]
async fn opening_a_package_is_one_read_naming_the_case_and_the_request_alone_none() {
    let h = handover_hub().await;
    let id = h.transfer().await;
    let app = h.app();
    let before = reads_naming(app, &h.hub.admin, &h.case).await.len();
    let ask = |query: &'static str| app.gql(Some(&h.officer), query, json!({ "id": id }));

    let bare = ask("query($id: ID!) { handover(id: $id) { status records requestedAt } }").await;
    assert_eq!(bare["data"]["handover"]["status"], "PENDING", "{bare}");
    let inbox = ask("{ handoverInbox { edges { node { id status } } } }").await;
    assert!(inbox["errors"].is_null(), "{inbox}");
    assert_eq!(reads_naming(app, &h.hub.admin, &h.case).await.len(), before);

    let package =
        ask("query($id: ID!) { handover(id: $id) { package { documents { fileName } } } }").await;
    assert!(
        package["data"]["handover"]["package"]["documents"].is_array(),
        "{package}"
    );
    let reads = reads_naming(app, &h.hub.admin, &h.case).await;
    assert_eq!(reads.len(), before + 1, "{reads:?}");
    assert_eq!(reads[0]["node"]["targetKind"], "case", "{reads:?}");
}
