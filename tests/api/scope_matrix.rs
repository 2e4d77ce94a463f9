//! The scope matrix: every agency kind (and an analyst beside the service's head) against
//! every kind of record (a signal before its case, the signal a case was opened from, the
//! case, a pending transfer, its document) by every read path (the fields at several
//! depths, `node`, the lists, the CSV, the download), each checked against the rule:
//! out of scope is NOT_FOUND or absent, and personal data shows only where the viewer
//! reads in FULL.

use serde_json::{json, Value};

use crate::handovers::{handover_hub, id_of, HandoverHub};
use crate::harness::{error_code, PASSWORD};

/// What a viewer may see of a record: nothing (`None`), or the record with or without its
/// personal data.
type Sight = Option<bool>;

struct Viewer {
    name: &'static str,
    token: String,
    /// The signal still before a case.
    signal: Sight,
    /// The case and the signal it was opened from.
    case: Sight,
    /// The pending transfer (and its document).
    handover: Sight,
    /// Whether the agency keeps the signals in its journal (the service, the sender).
    journal: bool,
}

/// A transfer of the case to guardianship with the people and one PDF, sent as multipart.
async fn transfer_with_document(h: &HandoverHub) -> Value {
    let query = "mutation($id: ID!, $to: ID!, $p: HandoverPackageInput) { requestHandover(caseId: $id, toAgencyId: $to, kind: TRANSFER, reason: \"Мать уклоняется от встреч\", package: $p, senderOrder: {number: \"41-о\", date: \"2026-11-20\"}) { id } }";
    let operations = json!({
        "query": query,
        "variables": { "id": h.case, "to": h.guardianship, "p": { "records": ["PERSONS"], "documents": [null] } }
    });
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec();
    let part = reqwest::multipart::Part::bytes(pdf)
        .file_name("Приказ.pdf")
        .mime_str("application/pdf")
        .expect("mime");
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text(
            "map",
            json!({ "0": ["variables.p.documents.0"] }).to_string(),
        )
        .part("0", part);
    h.app()
        .http()
        .post(format!("{}/graphql", h.app().address))
        .bearer_auth(&h.hub.head)
        .multipart(form)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("a JSON body")
}

/// Counts checks and names the failing one.
#[derive(Default)]
struct Checks(usize);

impl Checks {
    fn see(&mut self, ok: bool, what: &str, body: &Value) {
        self.0 += 1;
        assert!(ok, "{what}: {body}");
    }

    /// A direct read (`field` of `body`): absent → NOT_FOUND; present → personal data at
    /// `personal` (a JSON pointer below the field) shown exactly when the rule says.
    fn direct(&mut self, body: &Value, field: &str, personal: &str, sight: Sight, what: &str) {
        match sight {
            None => self.see(error_code(body) == Some("NOT_FOUND"), what, body),
            Some(full) => {
                let node = &body["data"][field];
                self.see(node.is_object(), what, body);
                let shown = node.pointer(personal).is_some_and(|v| !v.is_null());
                self.see(shown == full, what, body);
            }
        }
    }
}

#[tokio::test]
async fn every_agency_kind_reads_every_record_by_every_path_within_its_scope() {
    let h = handover_hub().await;
    let app = h.app();
    let admin = &h.hub.admin;
    // The signal before a case, and the one the case was opened from.
    let early = h.hub.reported().await;
    h.hub
        .step(
            &h.hub.head,
            "receiveSignal(id: $id)",
            json!({ "id": early }),
        )
        .await;
    let journal = app
        .gql(
            Some(&h.hub.head),
            "{ signals { edges { node { id caseId } } } }",
            json!({}),
        )
        .await;
    let of_case = journal["data"]["signals"]["edges"]
        .as_array()
        .and_then(|edges| {
            edges
                .iter()
                .find(|e| e["node"]["caseId"] == h.case.as_str())
                .and_then(|e| e["node"]["id"].as_str())
        })
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("the case's signal: {journal}"));
    let transfer = id_of(&transfer_with_document(&h).await, "requestHandover");
    let package = app
        .gql(
            Some(&h.hub.head),
            "query($id: ID!) { handover(id: $id) { package { documents { downloadPath } } } }",
            json!({ "id": transfer }),
        )
        .await;
    let download = package["data"]["handover"]["package"]["documents"][0]["downloadPath"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("the document: {package}"));

    // The other agency kinds, and an analyst beside the service's head.
    app.create_user(
        admin,
        &h.hub.service,
        "analyst@service.example",
        &["ANALYST"],
    )
    .await;
    let rehab = app
        .create_agency(admin, "СРЦН «Надежда»", "REHABILITATION_CENTRE")
        .await;
    app.create_user(
        admin,
        &rehab,
        "staff@srcn.example",
        &["REHABILITATION_STAFF"],
    )
    .await;
    let login = |email: &'static str| app.login(email, PASSWORD);
    let viewers = vec![
        Viewer {
            name: "MATERNITY (the sender)",
            token: h.hub.nurse.clone(),
            signal: Some(false),
            case: Some(false),
            handover: None,
            journal: true,
        },
        Viewer {
            name: "MATERNITY (another)",
            token: h.hub.other_nurse.clone(),
            signal: None,
            case: None,
            handover: None,
            journal: false,
        },
        Viewer {
            name: "PREVENTION_SERVICE (the lead's head)",
            token: h.hub.head.clone(),
            signal: Some(true),
            case: Some(true),
            handover: Some(true),
            journal: true,
        },
        Viewer {
            name: "PREVENTION_SERVICE (an analyst)",
            token: login("analyst@service.example").await,
            signal: Some(false),
            case: Some(false),
            handover: Some(false),
            journal: true,
        },
        Viewer {
            name: "GUARDIANSHIP (the receiver)",
            token: h.officer.clone(),
            signal: None,
            case: Some(false),
            handover: Some(true),
            journal: false,
        },
        Viewer {
            name: "SOCIAL_PROTECTION",
            token: h.social_head.clone(),
            signal: None,
            case: None,
            handover: None,
            journal: false,
        },
        Viewer {
            name: "REHABILITATION_CENTRE",
            token: login("staff@srcn.example").await,
            signal: None,
            case: None,
            handover: None,
            journal: false,
        },
        Viewer {
            name: "NGO",
            token: h.hub.ngo.clone(),
            signal: None,
            case: None,
            handover: None,
            journal: false,
        },
    ];

    let reads = "audit_events WHERE action = 'PERSONAL_DATA_READ'";
    let mut checks = Checks::default();
    for v in &viewers {
        let before = app.count(reads).await;
        let token = Some(v.token.as_str());
        let ask = |query: &'static str, id: &str| app.gql(token, query, json!({ "id": id }));
        // Signals: `signal`, `node`, the journal; before a case and after.
        for (id, sight, which) in [
            (&early, v.signal, "signal"),
            (&of_case, v.case, "case's signal"),
        ] {
            let what = format!("{} / {which} / signal(id)", v.name);
            let body = ask(
                "query($id: ID!) { signal(id: $id) { id mother { fullName } situation } }",
                id,
            )
            .await;
            checks.direct(&body, "signal", "/mother/fullName", sight, &what);
            let what = format!("{} / {which} / node(id)", v.name);
            let body = ask(
                "query($id: ID!) { node(id: $id) { id ... on Signal { mother { fullName } } } }",
                id,
            )
            .await;
            checks.direct(&body, "node", "/mother/fullName", sight, &what);
            let what = format!("{} / {which} / signals", v.name);
            let body = app
                .gql(
                    token,
                    "{ signals { edges { node { id mother { fullName } } } } }",
                    json!({}),
                )
                .await;
            let listed = body["data"]["signals"]["edges"]
                .as_array()
                .and_then(|edges| edges.iter().find(|e| e["node"]["id"] == id.as_str()));
            checks.see(
                listed.is_some() == (v.journal && sight.is_some()),
                &what,
                &body,
            );
            if let (Some(edge), Some(full)) = (listed, sight) {
                checks.see(edge["node"]["mother"].is_object() == full, &what, &body);
            }
        }
        // The case: `case`, `node`, `cases`, and under a handover (depth 3).
        let what = format!("{} / case / case(id)", v.name);
        let body = ask("query($id: ID!) { case(id: $id) { id journalNumber status openedAt childAgeBand persons { fullName } curatorId leadAgency { id } closureReason shelter handoverPending } }", &h.case).await;
        checks.direct(&body, "case", "/persons/0/fullName", v.case, &what);
        if v.case == Some(false) {
            // The summary: no curator, no lead (domain.md: number, status, dates, age band).
            let node = &body["data"]["case"];
            checks.see(
                node["curatorId"].is_null() && node["leadAgency"].is_null(),
                &what,
                &body,
            );
        }
        let what = format!("{} / case / node(id)", v.name);
        let body = ask(
            "query($id: ID!) { node(id: $id) { id ... on Case { persons { fullName } } } }",
            &h.case,
        )
        .await;
        checks.direct(&body, "node", "/persons/0/fullName", v.case, &what);
        let what = format!("{} / case / cases", v.name);
        let body = app
            .gql(
                token,
                "{ cases { edges { node { id persons { fullName } } } } }",
                json!({}),
            )
            .await;
        let listed = body["data"]["cases"]["edges"]
            .as_array()
            .and_then(|edges| edges.iter().find(|e| e["node"]["id"] == h.case.as_str()));
        checks.see(listed.is_some() == v.case.is_some(), &what, &body);
        if let (Some(edge), Some(full)) = (listed, v.case) {
            checks.see(edge["node"]["persons"].is_array() == full, &what, &body);
        }
        // The handover: `handover`, `node`, the inbox or outbox with its case (depth 3),
        // and the case's history with the package (depth 3).
        let what = format!("{} / handover / handover(id)", v.name);
        let body = ask(
            "query($id: ID!) { handover(id: $id) { id reason package { persons { fullName } } } }",
            &transfer,
        )
        .await;
        checks.direct(
            &body,
            "handover",
            "/package/persons/0/fullName",
            v.handover,
            &what,
        );
        if let Some(full) = v.handover {
            checks.see(
                body["data"]["handover"]["reason"].is_string() == full,
                &what,
                &body,
            );
        }
        let what = format!("{} / handover / node(id)", v.name);
        let body = ask("query($id: ID!) { node(id: $id) { id ... on Handover { package { persons { fullName } } } } }", &transfer).await;
        checks.direct(
            &body,
            "node",
            "/package/persons/0/fullName",
            v.handover,
            &what,
        );
        for list in ["handoverInbox", "handoverOutbox"] {
            let what = format!("{} / handover / {list} / case", v.name);
            let query = format!("{{ {list} {{ edges {{ node {{ id case {{ persons {{ fullName }} }} package {{ persons {{ fullName }} }} }} }} }} }}");
            let body = app.gql(token, &query, json!({})).await;
            let listed = body["data"][list]["edges"]
                .as_array()
                .and_then(|edges| edges.iter().find(|e| e["node"]["id"] == transfer.as_str()));
            if let Some(edge) = listed {
                checks.see(v.handover.is_some(), &what, &body);
                let case_full = edge["node"]["case"]["persons"].is_array();
                checks.see(case_full == (v.case == Some(true)), &what, &body);
                let package = edge["node"]["package"]["persons"].is_array();
                checks.see(package == (v.handover == Some(true)), &what, &body);
            } else {
                checks.see(body["errors"].is_null(), &what, &body);
            }
        }
        let what = format!("{} / handover / case.handovers.package", v.name);
        let body = ask("query($id: ID!) { case(id: $id) { handovers { id reason package { persons { fullName } } } } }", &h.case).await;
        match v.case {
            None => checks.see(error_code(&body) == Some("NOT_FOUND"), &what, &body),
            Some(full) => {
                let history = &body["data"]["case"]["handovers"];
                checks.see(history.is_array() == full, &what, &body);
                if full {
                    checks.see(history[0]["package"]["persons"].is_array(), &what, &body);
                }
            }
        }
        // The document, and the CSV journal.
        let what = format!("{} / document / GET {download}", v.name);
        let response = app
            .http()
            .get(format!("{}{download}", app.address))
            .bearer_auth(&v.token)
            .send()
            .await
            .expect("download");
        let status = response.status().as_u16();
        let expected = if v.handover == Some(true) { 200 } else { 404 };
        checks.see(status == expected, &what, &json!({ "status": status }));
        let what = format!("{} / signals.csv", v.name);
        let csv = app
            .http()
            .get(format!("{}/export/signals.csv", app.address))
            .bearer_auth(&v.token)
            .send()
            .await
            .expect("export")
            .text()
            .await
            .expect("csv");
        let personal = v.signal == Some(true);
        let note = json!({ "csv": csv });
        checks.see(csv.contains("ФИО матери") == personal, &what, &note);
        checks.see(csv.contains("Иванова") == personal, &what, &note);
        // Nothing personal read, nothing audited as read.
        let after = app.count(reads).await;
        let read_any = [v.signal, v.case, v.handover].contains(&Some(true));
        let what = format!("{} / PERSONAL_DATA_READ", v.name);
        checks.see(
            (after > before) == read_any,
            &what,
            &json!({ "before": before, "after": after }),
        );
    }
    println!(
        "scope matrix: {} checks over {} viewers",
        checks.0,
        viewers.len()
    );
}
