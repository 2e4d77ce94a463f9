//! Cases: opened from a confirmed signal, the state machine, scopes, audited reads,
//! consents and the caseload view.

use serde_json::{json, Value};

use crate::harness::error_code;
use crate::signals::{signal_hub, SignalHub};

const CASE_FIELDS: &str = "id journalNumber scope status childAgeBand decisionDueAt nextMonitoringAt nextDeadline closureReason persons { role fullName } version";

/// A hub with one case opened from a hospital's signal; returns the hub and the case id.
async fn hub_with_case() -> (SignalHub, String) {
    let hub = signal_hub().await;
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
    let query = format!("mutation($id: ID!) {{ openCase(signalId: $id) {{ {CASE_FIELDS} }} }}");
    let body = hub
        .app
        .gql(Some(&hub.curator), &query, json!({ "id": signal }))
        .await;
    let case = body["data"]["openCase"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("openCase failed: {body}"));
    (hub, case)
}

async fn case_as(hub: &SignalHub, token: &str, id: &str) -> Value {
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
async fn reading_personal_data_is_audited_once_per_request() {
    let (hub, _) = hub_with_case().await;
    let reads = || {
        hub.app
            .count("audit_events WHERE action = 'PERSONAL_DATA_READ'")
    };
    let before = reads().await;
    hub.app
        .gql(
            Some(&hub.curator),
            "{ cases { edges { node { journalNumber status } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        reads().await,
        before,
        "a summary read is not a personal-data read"
    );
    let page = hub
        .app
        .gql(
            Some(&hub.curator),
            "{ cases { edges { node { persons { fullName } } } } }",
            json!({}),
        )
        .await;
    assert!(
        page["data"]["cases"]["edges"][0]["node"]["persons"].is_array(),
        "{page}"
    );
    assert_eq!(reads().await, before + 1);
    hub.app
        .gql(
            Some(&hub.nurse),
            "{ cases { edges { node { persons { fullName } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        reads().await,
        before + 1,
        "the hospital read no personal data"
    );
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
async fn consent_is_recorded_and_withdrawn_once() {
    let (hub, id) = hub_with_case().await;
    let record = "mutation($id: ID!, $a: [ID!]!) { recordConsent(caseId: $id, input: {kind: PERSONAL_DATA, signedBy: \"Иванова М. П.\", signedAt: \"2026-01-10T10:00:00Z\", agencyIds: $a}) }";
    let none = hub
        .app
        .gql(Some(&hub.curator), record, json!({ "id": id, "a": [] }))
        .await;
    assert_eq!(error_code(&none), Some("BAD_USER_INPUT"));
    let consent = hub
        .app
        .gql(
            Some(&hub.curator),
            record,
            json!({ "id": id, "a": [hub.service] }),
        )
        .await;
    let consent_id = consent["data"]["recordConsent"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!consent_id.is_empty(), "{consent}");
    let withdraw = "mutation($id: ID!, $c: ID!) { withdrawConsent(caseId: $id, consentId: $c, note: \"Отозвала письменно\") }";
    let ok = hub
        .app
        .gql(
            Some(&hub.curator),
            withdraw,
            json!({ "id": id, "c": consent_id }),
        )
        .await;
    assert_eq!(ok["data"]["withdrawConsent"], true, "{ok}");
    let again = hub
        .app
        .gql(
            Some(&hub.curator),
            withdraw,
            json!({ "id": id, "c": consent_id }),
        )
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"));
    assert_eq!(
        case_as(&hub, &hub.curator, &id).await["data"]["case"]["scope"],
        "FULL",
        "the lead keeps its scope"
    );
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
async fn the_signal_sheet_is_kept_for_the_lead_only() {
    let (hub, id) = hub_with_case().await;
    let update = "mutation($id: ID!) { updateSignalSheet(caseId: $id, input: {rehabilitationPotential: \"Высокий\", closePeople: \"Мать женщины готова помогать\"}) { rehabilitationPotential } }";
    let body = hub
        .app
        .gql(Some(&hub.curator), update, json!({ "id": id }))
        .await;
    assert_eq!(
        body["data"]["updateSignalSheet"]["rehabilitationPotential"], "Высокий",
        "{body}"
    );
    assert_eq!(
        error_code(
            &hub.app
                .gql(Some(&hub.nurse), update, json!({ "id": id }))
                .await
        ),
        Some("FORBIDDEN")
    );
    let read = "query($id: ID!) { case(id: $id) { signalSheet { closePeople } } }";
    let lead = hub
        .app
        .gql(Some(&hub.curator), read, json!({ "id": id }))
        .await;
    assert_eq!(
        lead["data"]["case"]["signalSheet"]["closePeople"],
        "Мать женщины готова помогать"
    );
    let sender = hub
        .app
        .gql(Some(&hub.nurse), read, json!({ "id": id }))
        .await;
    assert_eq!(
        sender["data"]["case"]["signalSheet"],
        Value::Null,
        "{sender}"
    );
}

#[tokio::test]
async fn relatives_join_the_case_with_their_stance() {
    let (hub, id) = hub_with_case().await;
    let add = "mutation($id: ID!, $i: CasePersonInput!) { addCasePerson(caseId: $id, input: $i) }";
    let grandmother = json!({ "role": "RELATIVE", "fullName": "Иванова Галина Ивановна", "stance": "Готова помогать с ребёнком" });
    let added = hub
        .app
        .gql(
            Some(&hub.curator),
            add,
            json!({ "id": id, "i": grandmother }),
        )
        .await;
    assert!(added["data"]["addCasePerson"].is_string(), "{added}");
    let nameless = hub
        .app
        .gql(
            Some(&hub.curator),
            add,
            json!({ "id": id, "i": { "role": "RELATIVE", "fullName": "" } }),
        )
        .await;
    assert_eq!(crate::harness::error_field(&nameless), Some("fullName"));
    let body = case_as(&hub, &hub.curator, &id).await;
    let roles: Vec<&str> = body["data"]["case"]["persons"]
        .as_array()
        .map(|p| p.iter().filter_map(|p| p["role"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(roles, vec!["MOTHER", "CHILD", "RELATIVE"]);
    assert_eq!(
        error_code(
            &hub.app
                .gql(Some(&hub.ngo), add, json!({ "id": id, "i": grandmother }))
                .await
        ),
        Some("NOT_FOUND")
    );
}

#[tokio::test]
async fn a_shelter_case_closes_with_where_the_mother_went() {
    let hub = signal_hub().await;
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
    let open = format!(
        "mutation($id: ID!) {{ openCase(signalId: $id, shelter: true) {{ {CASE_FIELDS} }} }}"
    );
    let body = hub
        .app
        .gql(Some(&hub.head), &open, json!({ "id": signal }))
        .await;
    let id = body["data"]["openCase"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
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

#[tokio::test]
async fn personal_data_is_withheld_when_its_reading_cannot_be_audited() {
    let (hub, id) = hub_with_case().await;
    hub.app
        .execute("ALTER TABLE audit_events RENAME TO audit_events_away")
        .await
        .expect("break the audit log");
    let body = case_as(&hub, &hub.curator, &id).await;
    assert_eq!(error_code(&body), Some("INTERNAL"), "{body}");
    assert!(
        !body.to_string().contains("Иванова"),
        "personal data left unaudited: {body}"
    );
    let summary = hub
        .app
        .gql(
            Some(&hub.nurse),
            "query($id: ID!) { case(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        summary["data"]["case"]["status"], "ASSESSMENT",
        "a summary needs no audit: {summary}"
    );
}
