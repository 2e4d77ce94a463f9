//! Cases: opened from a confirmed signal, the state machine, scopes, audited reads,
//! consents and the caseload view.

use serde_json::{json, Value};

use crate::harness::error_code;
use crate::signals::{signal_hub, SignalHub};

pub const CASE_FIELDS: &str = "id journalNumber scope status childAgeBand decisionDueAt nextMonitoringAt nextDeadline closureReason persons { role fullName } version";

/// A hub with one case opened from a hospital's signal; returns the hub and the case id.
pub async fn hub_with_case() -> (SignalHub, String) {
    let hub = signal_hub().await;
    let case = open_case_in(&hub).await;
    (hub, case)
}

/// Opens a case from a new hospital signal in `hub`; returns its id.
pub async fn open_case_in(hub: &SignalHub) -> String {
    open_case_with(hub, false).await
}

/// The same, as a crisis-shelter case when `shelter`.
pub async fn open_case_with(hub: &SignalHub, shelter: bool) -> String {
    let signal = hub.assigned().await;
    hub.visit_report(&hub.curator, &signal).await;
    let query = format!(
        "mutation($id: ID!, $s: Boolean) {{ openCase(signalId: $id, shelter: $s) {{ {CASE_FIELDS} }} }}"
    );
    let body = hub
        .app
        .gql(
            Some(&hub.curator),
            &query,
            json!({ "id": signal, "s": shelter }),
        )
        .await;
    body["data"]["openCase"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("openCase failed: {body}"))
}

pub async fn case_as(hub: &SignalHub, token: &str, id: &str) -> Value {
    let query = format!("query($id: ID!) {{ case(id: $id) {{ {CASE_FIELDS} }} }}");
    hub.app.gql(Some(token), &query, json!({ "id": id })).await
}

async fn act(hub: &SignalHub, token: &str, mutation: &str, vars: Value) -> Value {
    let types = [
        ("id", "ID!"),
        ("reason", "ClosureReason"),
        ("outcome", "ExitOutcome"),
    ];
    let declared: Vec<String> = types
        .iter()
        .filter(|(k, _)| mutation.contains(&format!("${k}")))
        .map(|(k, t)| format!("${k}: {t}"))
        .collect();
    let query = format!(
        "mutation({}) {{ {mutation} {{ {CASE_FIELDS} }} }}",
        declared.join(", ")
    );
    hub.app.gql(Some(token), &query, vars).await
}

#[tokio::test]
async fn a_visited_signal_becomes_a_case_led_by_the_service() {
    let (hub, id) = hub_with_case().await;
    let body = case_as(&hub, &hub.curator, &id).await;
    let case = &body["data"]["case"];
    assert_eq!(case["status"], "ASSESSMENT", "{body}");
    assert_eq!(case["scope"], "FULL");
    assert!(case["journalNumber"]
        .as_str()
        .is_some_and(|n| n.starts_with("CASE-") && n.ends_with("-0001")));
    assert_eq!(case["persons"][0]["fullName"], "Иванова Мария Петровна");
    assert_eq!(case["childAgeBand"], "NEWBORN");
    let timeline = hub
        .app
        .gql(
            Some(&hub.curator),
            "query($id: ID!) { caseTimeline(caseId: $id) { kind } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        timeline["data"]["caseTimeline"][0]["kind"], "OPENED",
        "{timeline}"
    );
}

#[tokio::test]
async fn the_case_moves_through_its_stages_and_illegal_moves_name_the_allowed_ones() {
    let (hub, id) = hub_with_case().await;
    let early = act(
        &hub,
        &hub.curator,
        "startSupport(caseId: $id)",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(error_code(&early), Some("CONFLICT"));
    assert!(
        early["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("DECISION_WORK")),
        "{early}"
    );
    let work = act(
        &hub,
        &hub.curator,
        "startDecisionWork(caseId: $id)",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        work["data"]["startDecisionWork"]["status"], "DECISION_WORK",
        "{work}"
    );
    assert!(work["data"]["startDecisionWork"]["nextDeadline"].is_string());
    let support = act(
        &hub,
        &hub.curator,
        "startSupport(caseId: $id)",
        json!({ "id": id }),
    )
    .await;
    assert!(
        support["data"]["startSupport"]["nextMonitoringAt"].is_string(),
        "{support}"
    );
    let wrong = act(
        &hub,
        &hub.curator,
        "closeCase(caseId: $id, reason: $reason)",
        json!({ "id": id, "reason": "DECISION_UNCHANGED" }),
    )
    .await;
    assert_eq!(error_code(&wrong), Some("BAD_USER_INPUT"), "{wrong}");
    let closed = act(
        &hub,
        &hub.curator,
        "closeCase(caseId: $id, reason: $reason)",
        json!({ "id": id, "reason": "SUPPORT_COMPLETED" }),
    )
    .await;
    assert_eq!(closed["data"]["closeCase"]["status"], "CLOSED", "{closed}");
    let after = act(
        &hub,
        &hub.curator,
        "startDecisionWork(caseId: $id)",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(error_code(&after), Some("CONFLICT"));
    let timeline = hub.app.gql(Some(&hub.curator), "query($id: ID!) { caseTimeline(caseId: $id) { kind fromStatus toStatus actorUserId } }", json!({ "id": id })).await;
    let kinds: Vec<&str> = timeline["data"]["caseTimeline"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        kinds,
        vec!["OPENED", "STATUS_CHANGED", "STATUS_CHANGED", "CLOSED"]
    );
    assert_eq!(timeline["data"]["caseTimeline"][3]["fromStatus"], "SUPPORT");
}

#[tokio::test]
async fn extending_decision_work_needs_a_reason() {
    let (hub, id) = hub_with_case().await;
    act(
        &hub,
        &hub.curator,
        "startDecisionWork(caseId: $id)",
        json!({ "id": id }),
    )
    .await;
    let extend = "mutation($id: ID!, $until: DateTime!, $r: String!) { extendDecisionWork(caseId: $id, until: $until, reason: $r) { decisionDueAt } }";
    let until = (chrono::Utc::now() + chrono::Duration::days(60)).to_rfc3339();
    let blank = hub
        .app
        .gql(
            Some(&hub.head),
            extend,
            json!({ "id": id, "until": until, "r": " " }),
        )
        .await;
    assert_eq!(error_code(&blank), Some("BAD_USER_INPUT"));
    let ok = hub
        .app
        .gql(
            Some(&hub.head),
            extend,
            json!({ "id": id, "until": until, "r": "Оформление жилья" }),
        )
        .await;
    assert!(
        ok["data"]["extendDecisionWork"]["decisionDueAt"].is_string(),
        "{ok}"
    );
}

#[tokio::test]
async fn the_sending_hospital_sees_the_summary_and_others_see_nothing() {
    let (hub, id) = hub_with_case().await;
    let sender = case_as(&hub, &hub.nurse, &id).await;
    assert_eq!(sender["data"]["case"]["scope"], "SUMMARY", "{sender}");
    assert_eq!(sender["data"]["case"]["persons"], Value::Null);
    assert_eq!(sender["data"]["case"]["childAgeBand"], "NEWBORN");
    assert_eq!(
        error_code(
            &act(
                &hub,
                &hub.nurse,
                "startDecisionWork(caseId: $id)",
                json!({ "id": id })
            )
            .await
        ),
        Some("FORBIDDEN")
    );
    for outsider in [&hub.other_nurse, &hub.ngo] {
        assert_eq!(
            error_code(&case_as(&hub, outsider, &id).await),
            Some("NOT_FOUND")
        );
        let timeline = hub
            .app
            .gql(
                Some(outsider),
                "query($id: ID!) { caseTimeline(caseId: $id) { kind } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(error_code(&timeline), Some("NOT_FOUND"));
        let list = hub
            .app
            .gql(
                Some(outsider),
                "{ cases { edges { node { id } } } }",
                json!({}),
            )
            .await;
        assert_eq!(list["data"]["cases"]["edges"], json!([]), "{list}");
        assert_eq!(
            error_code(
                &act(
                    &hub,
                    outsider,
                    "startDecisionWork(caseId: $id)",
                    json!({ "id": id })
                )
                .await
            ),
            Some("NOT_FOUND")
        );
    }
}

#[tokio::test]
async fn the_curator_sees_their_caseload_with_deadlines() {
    let (hub, id) = hub_with_case().await;
    act(
        &hub,
        &hub.curator,
        "startDecisionWork(caseId: $id)",
        json!({ "id": id }),
    )
    .await;
    let mine = hub
        .app
        .gql(
            Some(&hub.curator),
            "{ myCases { edges { node { id nextDeadline } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["data"]["myCases"]["edges"][0]["node"]["id"],
        id.as_str(),
        "{mine}"
    );
    assert!(mine["data"]["myCases"]["edges"][0]["node"]["nextDeadline"].is_string());
    let heads = hub
        .app
        .gql(
            Some(&hub.head),
            "{ myCases { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(heads["data"]["myCases"]["edges"], json!([]));
}

#[tokio::test]
async fn node_finds_a_case_only_for_those_in_scope() {
    let (hub, id) = hub_with_case().await;
    let query = "query($id: ID!) { node(id: $id) { __typename id ... on Case { scope persons { fullName } } } }";
    let lead = hub
        .app
        .gql(Some(&hub.curator), query, json!({ "id": id }))
        .await;
    assert_eq!(lead["data"]["node"]["__typename"], "Case", "{lead}");
    let sender = hub
        .app
        .gql(Some(&hub.nurse), query, json!({ "id": id }))
        .await;
    assert_eq!(sender["data"]["node"]["scope"], "SUMMARY", "{sender}");
    assert_eq!(sender["data"]["node"]["persons"], Value::Null);
    for outsider in [&hub.other_nurse, &hub.ngo] {
        assert_eq!(
            error_code(
                &hub.app
                    .gql(Some(outsider), query, json!({ "id": id }))
                    .await
            ),
            Some("NOT_FOUND")
        );
    }
}

#[tokio::test]
async fn a_shelter_case_closes_with_where_the_mother_went() {
    let hub = signal_hub().await;
    let id = open_case_with(&hub, true).await;
    let bare = act(
        &hub,
        &hub.head,
        "closeCase(caseId: $id, reason: $reason)",
        json!({ "id": id, "reason": "CLIENT_REFUSED" }),
    )
    .await;
    assert_eq!(
        crate::harness::error_field(&bare),
        Some("exitOutcome"),
        "{bare}"
    );
    let closed = act(
        &hub,
        &hub.head,
        "closeCase(caseId: $id, reason: $reason, exitOutcome: $outcome)",
        json!({ "id": id, "reason": "CLIENT_REFUSED", "outcome": "RETURNED_HOME_REGION" }),
    )
    .await;
    assert_eq!(closed["data"]["closeCase"]["status"], "CLOSED", "{closed}");
}

#[tokio::test]
async fn the_case_list_pages_newest_first() {
    let hub = signal_hub().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let signal = hub.reported().await;
        hub.step(&hub.head, "receiveSignal(id: $id)", json!({ "id": signal }))
            .await;
        hub.step(
            &hub.head,
            "assignCurator(signalId: $id, curatorId: $c)",
            json!({ "id": signal, "c": hub.curator_id }),
        )
        .await;
        hub.visit_report(&hub.curator, &signal).await;
        let body = hub
            .app
            .gql(
                Some(&hub.head),
                "mutation($id: ID!) { openCase(signalId: $id) { id } }",
                json!({ "id": signal }),
            )
            .await;
        ids.push(
            body["data"]["openCase"]["id"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    ids.reverse();
    let page = "query($after: String) { cases(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }";
    let first = hub
        .app
        .gql(Some(&hub.head), page, json!({ "after": null }))
        .await;
    let second = hub
        .app
        .gql(
            Some(&hub.head),
            page,
            json!({ "after": first["data"]["cases"]["pageInfo"]["endCursor"] }),
        )
        .await;
    let seen: Vec<String> = [&first, &second]
        .iter()
        .flat_map(|b| {
            b["data"]["cases"]["edges"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(seen, ids);
    assert_eq!(second["data"]["cases"]["pageInfo"]["hasNextPage"], false);
}
