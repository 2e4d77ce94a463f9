//! The records of a case: its people, consents and signal sheet, and the audit of reading
//! them.

use serde_json::{json, Value};

use crate::cases::{case_as, hub_with_case};
use crate::harness::error_code;

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
async fn personal_data_is_withheld_when_its_reading_cannot_be_audited() {
    let (hub, id) = hub_with_case().await;
    // Reads are audited in the staging table (src/audit/staged.rs): take it away.
    caselink::with_db!(hub.app.db.staging(), |pool| sqlx::query(
        "ALTER TABLE audit_reads_pending RENAME TO audit_reads_pending_away"
    )
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
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

#[tokio::test]
async fn a_closed_case_keeps_its_records_but_consent_can_still_be_withdrawn() {
    let (hub, id) = hub_with_case().await;
    let record = "mutation($id: ID!, $a: [ID!]!) { recordConsent(caseId: $id, input: {kind: SERVICE_WORK, signedBy: \"Иванова М. П.\", signedAt: \"2026-01-10T10:00:00Z\", agencyIds: $a}) }";
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
    let close = "mutation($id: ID!) { closeCase(caseId: $id, reason: CLIENT_REFUSED) { status } }";
    assert_eq!(
        hub.app
            .gql(Some(&hub.curator), close, json!({ "id": id }))
            .await["data"]["closeCase"]["status"],
        "CLOSED"
    );
    let add = "mutation($id: ID!) { addCasePerson(caseId: $id, input: {role: RELATIVE, fullName: \"Петров П. П.\"}) }";
    assert_eq!(
        error_code(
            &hub.app
                .gql(Some(&hub.curator), add, json!({ "id": id }))
                .await
        ),
        Some("CONFLICT")
    );
    let sheet = "mutation($id: ID!) { updateSignalSheet(caseId: $id, input: {closePeople: \"нет\"}) { closePeople } }";
    assert_eq!(
        error_code(
            &hub.app
                .gql(Some(&hub.curator), sheet, json!({ "id": id }))
                .await
        ),
        Some("CONFLICT")
    );
    let withdraw = "mutation($id: ID!, $c: ID!) { withdrawConsent(caseId: $id, consentId: $c) }";
    let out = hub
        .app
        .gql(
            Some(&hub.curator),
            withdraw,
            json!({ "id": id, "c": consent_id }),
        )
        .await;
    assert_eq!(out["data"]["withdrawConsent"], true, "{out}");
    let _: Option<Value> = None;
}
