//! The rest of a case's working rules: monitoring in decision work and support, exit outcomes only for
//! shelters, the case list's filters, curators acting only on their own cases, and the
//! agency's caseload limit as a setting.

use serde_json::json;

use crate::cases::{hub_with_case, open_case_in};
use crate::harness::{error_code, error_field, PASSWORD};

#[tokio::test]
async fn monitoring_belongs_to_decision_work_and_support_and_sets_the_next_one() {
    let (hub, id) = hub_with_case().await;
    let monitor = "mutation($id: ID!, $i: MonitoringInput!) { recordMonitoring(caseId: $id, input: $i) { status nextMonitoringAt } }";
    let input = json!({ "curatorTookPart": true, "headTookPart": false, "effect": "NONE",
                        "causes": "Мать не выходит на связь", "decision": "CONTINUE" });
    let vars = json!({ "id": id, "i": input });
    let early = hub.app.gql(Some(&hub.curator), monitor, vars.clone()).await;
    assert_eq!(error_code(&early), Some("CONFLICT"), "{early}");
    let mut days = Vec::new();
    for step in ["startDecisionWork", "startSupport"] {
        let q = format!("mutation($id: ID!) {{ {step}(caseId: $id) {{ status }} }}");
        hub.app
            .gql(Some(&hub.curator), &q, json!({ "id": id }))
            .await;
        let done = hub.app.gql(Some(&hub.curator), monitor, vars.clone()).await;
        let next: chrono::DateTime<chrono::Utc> = done["data"]["recordMonitoring"]
            ["nextMonitoringAt"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{done}"));
        days.push((next - chrono::Utc::now()).num_days());
    }
    assert!(
        (6..=8).contains(&days[0]),
        "a week on in decision work: {days:?}"
    );
    assert!(
        (88..=93).contains(&days[1]),
        "three months on in support: {days:?}"
    );
}

#[tokio::test]
async fn only_a_shelter_case_records_an_exit_outcome() {
    let (hub, id) = hub_with_case().await;
    let close = "mutation($id: ID!) { closeCase(caseId: $id, reason: DECISION_UNCHANGED, exitOutcome: RENTING) { status } }";
    let body = hub
        .app
        .gql(Some(&hub.head), close, json!({ "id": id }))
        .await;
    assert_eq!(error_field(&body), Some("exitOutcome"), "{body}");
}

#[tokio::test]
async fn a_curator_works_only_on_their_own_cases() {
    let (hub, id) = hub_with_case().await;
    hub.app
        .create_user(
            &hub.admin,
            &hub.service,
            "curator2@service.example",
            &["CURATOR"],
        )
        .await;
    let other = hub.app.login("curator2@service.example", PASSWORD).await;
    let q = "mutation($id: ID!) { startDecisionWork(caseId: $id) { status } }";
    let body = hub.app.gql(Some(&other), q, json!({ "id": id })).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    // The head may act on any case of the service.
    let head = hub.app.gql(Some(&hub.head), q, json!({ "id": id })).await;
    assert_eq!(
        head["data"]["startDecisionWork"]["status"], "DECISION_WORK",
        "{head}"
    );
}

#[tokio::test]
async fn the_case_list_filters_by_status_curator_lead_and_openness() {
    let (hub, first) = hub_with_case().await;
    let second = open_case_in(&hub).await;
    let q = "mutation($id: ID!) { closeCase(caseId: $id, reason: DECISION_UNCHANGED) { status } }";
    let closed = hub
        .app
        .gql(Some(&hub.head), q, json!({ "id": second }))
        .await;
    assert_eq!(closed["data"]["closeCase"]["status"], "CLOSED", "{closed}");
    let list = |token: String, filter: serde_json::Value| {
        let app = &hub.app;
        async move {
            let body = app
                .gql(
                    Some(&token),
                    "query($f: CaseFilterInput) { cases(filter: $f) { edges { node { id } } } }",
                    json!({ "f": filter }),
                )
                .await;
            body["data"]["cases"]["edges"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"))
                .iter()
                .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list(hub.head.clone(), json!({})).await.len(), 2);
    assert_eq!(
        list(hub.head.clone(), json!({ "status": "CLOSED" })).await,
        vec![second.clone()]
    );
    assert_eq!(
        list(hub.head.clone(), json!({ "openOnly": true })).await,
        vec![first.clone()]
    );
    assert_eq!(
        list(hub.head.clone(), json!({ "curatorId": hub.curator_id }))
            .await
            .len(),
        2
    );
    // The sending hospital takes part in both, but leads neither.
    assert_eq!(list(hub.nurse.clone(), json!({})).await.len(), 2);
    assert!(list(hub.nurse.clone(), json!({ "ledOnly": true }))
        .await
        .is_empty());
    assert!(list(hub.ngo.clone(), json!({})).await.is_empty());
}

#[tokio::test]
async fn the_caseload_limit_is_the_agencys_setting() {
    let (hub, _) = hub_with_case().await;
    let set =
        "mutation($id: ID!) { updateAgency(id: $id, input: {caseloadLimit: 1}) { caseloadLimit } }";
    let body = hub
        .app
        .gql(Some(&hub.admin), set, json!({ "id": hub.service }))
        .await;
    assert_eq!(body["data"]["updateAgency"]["caseloadLimit"], 1, "{body}");
    let bad =
        "mutation($id: ID!) { updateAgency(id: $id, input: {caseloadLimit: 0}) { caseloadLimit } }";
    let body = hub
        .app
        .gql(Some(&hub.admin), bad, json!({ "id": hub.service }))
        .await;
    assert_eq!(error_field(&body), Some("caseloadLimit"), "{body}");
    // The curator already holds one open case: the next woman needs the head's reason.
    let signal = hub.reported().await;
    hub.step(&hub.head, "receiveSignal(id: $id)", json!({ "id": signal }))
        .await;
    let refused = hub
        .step(
            &hub.head,
            "assignCurator(signalId: $id, curatorId: $c)",
            json!({ "id": signal, "c": hub.curator_id }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
}

#[tokio::test]
async fn the_visit_report_needs_its_summary_and_the_visitors_opinion() {
    let hub = crate::signals::signal_hub().await;
    let signal = hub.assigned().await;
    let visit = "mutation($id: ID!, $t: DateTime!, $r: VisitReportInput!) { recordVisit(signalId: $id, visitedAt: $t, report: $r) { status } }";
    let now = chrono::Utc::now().to_rfc3339();
    for (report, field) in [
        (
            json!({ "visitorOpinion": "Есть ресурс" }),
            "situationSummary",
        ),
        (
            json!({ "situationSummary": "В палате", "visitorOpinion": "  " }),
            "visitorOpinion",
        ),
    ] {
        let body = hub
            .app
            .gql(
                Some(&hub.curator),
                visit,
                json!({ "id": signal, "t": now, "r": report }),
            )
            .await;
        assert_eq!(error_field(&body), Some(field), "{body}");
    }
}

#[tokio::test]
async fn the_signal_journal_filters_by_registration_time() {
    let hub = crate::signals::signal_hub().await;
    hub.reported().await;
    let q = "query($from: DateTime, $to: DateTime) { signals(filter: {from: $from, to: $to}) { edges { node { id } } } }";
    let count = |from: chrono::DateTime<chrono::Utc>, to: chrono::DateTime<chrono::Utc>| {
        let app = &hub.app;
        let token = hub.head.clone();
        async move {
            let body = app
                .gql(
                    Some(&token),
                    q,
                    json!({ "from": from.to_rfc3339(), "to": to.to_rfc3339() }),
                )
                .await;
            body["data"]["signals"]["edges"]
                .as_array()
                .map(Vec::len)
                .unwrap_or_else(|| panic!("{body}"))
        }
    };
    let now = chrono::Utc::now();
    let hour = chrono::Duration::hours(1);
    // The signal was registered 20 minutes ago.
    assert_eq!(count(now - hour, now + hour).await, 1);
    assert_eq!(count(now - hour * 3, now - hour).await, 0);
    assert_eq!(count(now + hour, now + hour * 2).await, 0);
}
