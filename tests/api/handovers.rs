//! Handovers and referrals: the receiver accepts or declines, the sender may cancel, the
//! lead moves in one transaction, and every other path is refused.

use serde_json::{json, Value};

use crate::cases::{case_as, open_case_in};
use crate::harness::{error_code, error_field, spawn_app, TestApp, PASSWORD};
use crate::signals::{signal_hub_on, SignalHub};

/// A case led by the prevention service, plus a guardianship authority with two
/// officers and a social-protection agency with a head and a specialist.
/// The sending head's order that goes with a transfer (paper practice, seed 001).
pub fn sender_order() -> Value {
    json!({ "number": "41-о", "date": "2026-11-20" })
}

pub struct HandoverHub {
    pub hub: SignalHub,
    pub case: String,
    pub guardianship: String,
    pub officer: String,
    pub officer2: String,
    pub officer2_id: String,
    pub social: String,
    pub social_head: String,
    pub social_worker: String,
}

pub async fn handover_hub() -> HandoverHub {
    handover_hub_on(spawn_app().await).await
}

pub async fn handover_hub_on(app: TestApp) -> HandoverHub {
    let hub = signal_hub_on(app).await;
    let case = open_case_in(&hub).await;
    let app = &hub.app;
    let guardianship = app
        .create_agency(&hub.admin, "Орган опеки г. Сургута", "GUARDIANSHIP")
        .await;
    let social = app
        .create_agency(&hub.admin, "КЦСОН «Апрель»", "SOCIAL_PROTECTION")
        .await;
    let yekaterinburg = "mutation($id: ID!) { updateAgency(id: $id, input: {timeZone: \"Asia/Yekaterinburg\"}) { id } }";
    app.gql(
        Some(&hub.admin),
        yekaterinburg,
        json!({ "id": guardianship }),
    )
    .await;
    app.create_user(
        &hub.admin,
        &guardianship,
        "officer@opeka.example",
        &["GUARDIANSHIP_OFFICER"],
    )
    .await;
    let officer2_id = app
        .create_user(
            &hub.admin,
            &guardianship,
            "officer2@opeka.example",
            &["GUARDIANSHIP_OFFICER"],
        )
        .await;
    app.create_user(
        &hub.admin,
        &social,
        "head@kcson.example",
        &["HEAD_OF_SERVICE"],
    )
    .await;
    app.create_user(&hub.admin, &social, "worker@kcson.example", &["SPECIALIST"])
        .await;
    HandoverHub {
        officer: app.login("officer@opeka.example", PASSWORD).await,
        officer2: app.login("officer2@opeka.example", PASSWORD).await,
        social_head: app.login("head@kcson.example", PASSWORD).await,
        social_worker: app.login("worker@kcson.example", PASSWORD).await,
        officer2_id,
        guardianship,
        social,
        case,
        hub,
    }
}

pub const HANDOVER_FIELDS: &str = "id kind status reason sharingBasis records requestedAt deadlineAt deadlineAtLocal overdue ageMinutes declineReason senderOrderNumber senderOrderDate registrationNumber registrationDate orderNumber orderDate receiverCuratorId serviceResult fromAgency { id } toAgency { id } case { id scope } package { persons { fullName } signalSheet { housingAndIncome } documents { id fileName contentType sizeBytes sha256 downloadPath } } version";

impl HandoverHub {
    pub fn app(&self) -> &TestApp {
        &self.hub.app
    }

    /// Runs a handover mutation; `$id` (ID!), `$to` (ID!), `$kind` (HandoverKind!),
    /// `$r` (String!), `$n`/`$c` (String/ID), `$d` (Date), `$p` (HandoverPackageInput),
    /// `$o` (OrderInput: the sending head's order).
    pub async fn act(&self, token: &str, mutation: &str, vars: Value) -> Value {
        let types = [
            ("id", "ID!"),
            ("to", "ID!"),
            ("kind", "HandoverKind!"),
            ("r", "String!"),
            ("n", "String"),
            ("d", "NaiveDate"),
            ("c", "ID"),
            ("p", "HandoverPackageInput"),
            ("o", "OrderInput"),
        ];
        let declared: Vec<String> = types
            .iter()
            .filter(|(k, _)| mutation.contains(&format!("${k}")) && vars.get(k).is_some())
            .map(|(k, t)| format!("${k}: {t}"))
            .collect();
        let query = format!(
            "mutation({}) {{ {mutation} {{ {HANDOVER_FIELDS} }} }}",
            declared.join(", ")
        );
        self.app().gql(Some(token), &query, vars).await
    }

    /// The head of service asks guardianship to take the case over.
    pub async fn transfer(&self) -> String {
        let body = self
            .act(
                &self.hub.head,
                "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r, package: $p, senderOrder: $o)",
                json!({ "id": self.case, "to": self.guardianship, "kind": "TRANSFER",
                        "r": "Семья не выполняет обязательства; права ребёнка под угрозой",
                        "p": { "records": ["PERSONS", "SIGNAL_SHEET"] }, "o": sender_order() }),
            )
            .await;
        id_of(&body, "requestHandover")
    }

    pub async fn accept(&self, token: &str, id: &str, order: &str) -> Value {
        self.act(
            token,
            "acceptHandover(id: $id, registrationNumber: $n, registrationDate: $d, curatorId: $c)",
            json!({ "id": id, "n": order, "d": "2026-11-23", "c": self.officer2_id }),
        )
        .await
    }

    /// The case's curator records the mother's consent to personal-data processing
    /// covering `agencies`; returns the consent's id.
    pub async fn consent_for(&self, agencies: &[&str]) -> String {
        let record = "mutation($id: ID!, $a: [ID!]!) { recordConsent(caseId: $id, input: {kind: PERSONAL_DATA, signedBy: \"Иванова М. П.\", signedAt: \"2026-01-10T10:00:00Z\", agencyIds: $a}) }";
        let body = self
            .app()
            .gql(
                Some(&self.hub.curator),
                record,
                json!({ "id": self.case, "a": agencies }),
            )
            .await;
        body["data"]["recordConsent"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("recordConsent failed: {body}"))
    }

    pub async fn handover_as(&self, token: &str, id: &str) -> Value {
        let query = format!("query($id: ID!) {{ handover(id: $id) {{ {HANDOVER_FIELDS} }} }}");
        self.app()
            .gql(Some(token), &query, json!({ "id": id }))
            .await
    }
}

pub fn id_of(body: &Value, field: &str) -> String {
    body["data"][field]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{field} failed: {body}"))
}

async fn timeline_kinds(h: &HandoverHub, token: &str) -> Vec<String> {
    let body = h
        .app()
        .gql(
            Some(token),
            "query($id: ID!) { caseTimeline(caseId: $id) { kind } }",
            json!({ "id": h.case }),
        )
        .await;
    body["data"]["caseTimeline"]
        .as_array()
        .map(|events| {
            events
                .iter()
                .filter_map(|e| e["kind"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_transfer_moves_the_lead_when_the_officer_accepts_under_an_order() {
    let h = handover_hub().await;
    let id = h.transfer().await;

    // Until the receiver decides, the service leads and the case shows the handover.
    let pending = h
        .app()
        .gql(
            Some(&h.hub.head),
            "query($id: ID!) { case(id: $id) { scope handoverPending leadAgency { id } } }",
            json!({ "id": h.case }),
        )
        .await;
    assert_eq!(
        pending["data"]["case"]["handoverPending"], true,
        "{pending}"
    );
    assert_eq!(pending["data"]["case"]["leadAgency"]["id"], h.hub.service);

    // The officer's inbox: the request with its deadline and package; the case in summary.
    let inbox = h
        .app()
        .gql(
            Some(&h.officer),
            &format!("{{ handoverInbox {{ edges {{ node {{ {HANDOVER_FIELDS} }} }} }} }}"),
            json!({}),
        )
        .await;
    let request = &inbox["data"]["handoverInbox"]["edges"][0]["node"];
    assert_eq!(request["id"], id.as_str(), "{inbox}");
    assert_eq!(request["status"], "PENDING");
    assert_eq!(request["overdue"], false);
    assert!(
        request["deadlineAtLocal"]
            .as_str()
            .is_some_and(|t| t.ends_with("+05:00")),
        "{request}"
    );
    assert_eq!(request["case"]["scope"], "SUMMARY");
    assert_eq!(
        request["package"]["persons"][0]["fullName"], "Иванова Мария Петровна",
        "the receiver reads the package to decide: {request}"
    );
    let summary = case_as(&h.hub, &h.officer, &h.case).await;
    assert_eq!(summary["data"]["case"]["scope"], "SUMMARY", "{summary}");
    assert!(summary["data"]["case"]["persons"].is_null());

    // A transfer goes with the sending head's order, and is accepted under the receiving
    // body's incoming registration number and date (its own order is optional).
    assert_eq!(request["senderOrderNumber"], "41-о", "{request}");
    assert_eq!(request["senderOrderDate"], "2026-11-20");
    let no_registration = h
        .act(&h.officer, "acceptHandover(id: $id)", json!({ "id": id }))
        .await;
    assert_eq!(
        error_code(&no_registration),
        Some("BAD_USER_INPUT"),
        "{no_registration}"
    );
    assert_eq!(error_field(&no_registration), Some("registrationNumber"));

    let accepted = h.accept(&h.officer, &id, "вх. 15").await;
    let node = &accepted["data"]["acceptHandover"];
    assert_eq!(node["status"], "ACCEPTED", "{accepted}");
    assert_eq!(node["registrationNumber"], "вх. 15");
    assert_eq!(node["registrationDate"], "2026-11-23");
    assert!(
        node["orderNumber"].is_null(),
        "no order of its own: {accepted}"
    );
    assert_eq!(node["receiverCuratorId"], h.officer2_id.as_str());

    // The receiver leads with FULL scope and its curator; the service keeps the summary.
    let led = h
        .app()
        .gql(
            Some(&h.officer2),
            "query($id: ID!) { case(id: $id) { scope curatorId handoverPending leadAgency { id } persons { fullName } handovers { status registrationNumber kind } } }",
            json!({ "id": h.case }),
        )
        .await;
    let case = &led["data"]["case"];
    assert_eq!(case["scope"], "FULL", "{led}");
    assert_eq!(case["leadAgency"]["id"], h.guardianship.as_str());
    assert_eq!(case["curatorId"], h.officer2_id.as_str());
    assert_eq!(case["handoverPending"], false);
    assert_eq!(case["handovers"][0]["registrationNumber"], "вх. 15");
    let former = case_as(&h.hub, &h.hub.head, &h.case).await;
    assert_eq!(former["data"]["case"]["scope"], "SUMMARY", "{former}");

    // Repeating the same accept is harmless; another number is a conflict.
    let again = h.accept(&h.officer, &id, "вх. 15").await;
    assert_eq!(
        again["data"]["acceptHandover"]["status"], "ACCEPTED",
        "{again}"
    );
    assert_eq!(
        h.app()
            .count("audit_events WHERE action = 'HANDOVER_ACCEPTED'")
            .await,
        1
    );
    let other = h.accept(&h.officer, &id, "16-о").await;
    assert_eq!(error_code(&other), Some("CONFLICT"), "{other}");

    // The new lead works the case; the former lead no longer changes it.
    let moved = h
        .app()
        .gql(
            Some(&h.officer2),
            "mutation($id: ID!) { startDecisionWork(caseId: $id) { status } }",
            json!({ "id": h.case }),
        )
        .await;
    assert_eq!(
        moved["data"]["startDecisionWork"]["status"], "DECISION_WORK",
        "{moved}"
    );
    let kinds = timeline_kinds(&h, &h.officer2).await;
    assert!(
        kinds.contains(&"HANDOVER_REQUESTED".to_owned()),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"TRANSFER_ACCEPTED".to_owned()), "{kinds:?}");
    let leads = h
        .app()
        .count("participations WHERE kind = 'LEAD' AND revoked_at IS NULL")
        .await;
    assert_eq!(leads, 1);
}

#[tokio::test]
async fn a_referral_gives_full_scope_until_the_service_is_recorded() {
    let h = handover_hub().await;
    h.consent_for(&[&h.social]).await;
    // The case's curator may refer (only heads transfer).
    let body = h
        .act(
            &h.hub.curator,
            "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r)",
            json!({ "id": h.case, "to": h.social, "kind": "REFERRAL", "r": "Обследование жилищных условий" }),
        )
        .await;
    let id = id_of(&body, "requestHandover");
    assert_eq!(
        body["data"]["requestHandover"]["package"]["persons"],
        Value::Null
    );

    let accepted = h
        .act(
            &h.social_head,
            "acceptHandover(id: $id)",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        accepted["data"]["acceptHandover"]["status"], "ACCEPTED",
        "{accepted}"
    );
    let working = case_as(&h.hub, &h.social_worker, &h.case).await;
    assert_eq!(working["data"]["case"]["scope"], "FULL", "{working}");
    // The lead stays.
    let lead = case_as(&h.hub, &h.hub.head, &h.case).await;
    assert_eq!(lead["data"]["case"]["scope"], "FULL");

    let empty = h
        .act(
            &h.social_worker,
            "completeReferral(id: $id, serviceResult: $r)",
            json!({ "id": id, "r": " " }),
        )
        .await;
    assert_eq!(error_code(&empty), Some("BAD_USER_INPUT"), "{empty}");
    let done = h
        .act(
            &h.social_worker,
            "completeReferral(id: $id, serviceResult: $r)",
            json!({ "id": id, "r": "Жильё обследовано: условия удовлетворительные" }),
        )
        .await;
    assert_eq!(
        done["data"]["completeReferral"]["status"], "COMPLETED",
        "{done}"
    );
    let other = h
        .act(
            &h.social_worker,
            "completeReferral(id: $id, serviceResult: $r)",
            json!({ "id": id, "r": "Другой результат" }),
        )
        .await;
    assert_eq!(error_code(&other), Some("CONFLICT"), "{other}");
    let after = case_as(&h.hub, &h.social_worker, &h.case).await;
    assert_eq!(error_code(&after), Some("NOT_FOUND"), "{after}");

    // The lead reads the result in the case's history.
    let history = h
        .app()
        .gql(
            Some(&h.hub.head),
            "query($id: ID!) { case(id: $id) { handovers { kind status serviceResult toAgency { id } } } }",
            json!({ "id": h.case }),
        )
        .await;
    let entry = &history["data"]["case"]["handovers"][0];
    assert_eq!(entry["status"], "COMPLETED", "{history}");
    assert_eq!(
        entry["serviceResult"],
        "Жильё обследовано: условия удовлетворительные"
    );
    assert_eq!(entry["toAgency"]["id"], h.social.as_str());
}

#[tokio::test]
async fn a_declined_or_cancelled_request_ends_the_receivers_view_and_cannot_be_accepted() {
    let h = handover_hub().await;
    let id = h.transfer().await;
    let second = h
        .act(
            &h.hub.head,
            "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r, senderOrder: $o)",
            json!({ "id": h.case, "to": h.social, "kind": "TRANSFER", "r": "ещё одна", "o": sender_order() }),
        )
        .await;
    assert_eq!(
        error_code(&second),
        Some("CONFLICT"),
        "one pending transfer per case: {second}"
    );

    let no_reason = h
        .act(
            &h.officer,
            "declineHandover(id: $id, reason: $r)",
            json!({ "id": id, "r": "" }),
        )
        .await;
    assert_eq!(
        error_code(&no_reason),
        Some("BAD_USER_INPUT"),
        "{no_reason}"
    );
    let declined = h
        .act(
            &h.officer,
            "declineHandover(id: $id, reason: $r)",
            json!({ "id": id, "r": "Нет оснований: риск не подтверждён" }),
        )
        .await;
    assert_eq!(
        declined["data"]["declineHandover"]["status"], "DECLINED",
        "{declined}"
    );
    let gone = case_as(&h.hub, &h.officer, &h.case).await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"), "{gone}");
    let seen = h.handover_as(&h.officer, &id).await;
    assert_eq!(seen["data"]["handover"]["status"], "DECLINED", "{seen}");
    assert!(
        seen["data"]["handover"]["reason"].is_null(),
        "a receiver that declined stops reading the sender's reason: {seen}"
    );
    assert!(seen["data"]["handover"]["package"].is_null(), "{seen}");
    assert!(seen["data"]["handover"]["case"].is_null(), "{seen}");
    let late = h.accept(&h.officer, &id, "15-о").await;
    assert_eq!(error_code(&late), Some("CONFLICT"), "{late}");

    // The sender's outbox shows the decision and why.
    let outbox = h
        .app()
        .gql(
            Some(&h.hub.head),
            "{ handoverOutbox { edges { node { status declineReason } } } }",
            json!({}),
        )
        .await;
    let sent = &outbox["data"]["handoverOutbox"]["edges"][0]["node"];
    assert!(sent["status"].is_string(), "{outbox}");
    assert_eq!(sent["status"], "DECLINED", "{outbox}");
    assert_eq!(sent["declineReason"], "Нет оснований: риск не подтверждён");

    // A new request, cancelled by the sender, cannot be accepted either.
    let again = h.transfer().await;
    let by_receiver = h
        .act(
            &h.officer,
            "cancelHandover(id: $id)",
            json!({ "id": again }),
        )
        .await;
    assert_eq!(error_code(&by_receiver), Some("CONFLICT"), "{by_receiver}");
    let cancelled = h
        .act(
            &h.hub.head,
            "cancelHandover(id: $id)",
            json!({ "id": again }),
        )
        .await;
    assert_eq!(
        cancelled["data"]["cancelHandover"]["status"], "CANCELLED",
        "{cancelled}"
    );
    let accept_cancelled = h.accept(&h.officer, &again, "15-о").await;
    assert_eq!(
        error_code(&accept_cancelled),
        Some("CONFLICT"),
        "{accept_cancelled}"
    );
    let lead = case_as(&h.hub, &h.hub.head, &h.case).await;
    assert_eq!(
        lead["data"]["case"]["scope"], "FULL",
        "the sender still leads: {lead}"
    );
}

async fn ask(h: &HandoverHub, token: &str, to: &str, kind: &str, reason: &str) -> Value {
    let request =
        "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r, senderOrder: $o)";
    let vars = json!({ "id": h.case, "to": to, "kind": kind, "r": reason, "o": sender_order() });
    h.act(token, request, vars).await
}

#[tokio::test]
async fn illegal_requests_and_decisions_are_refused_with_nothing_written() {
    let h = handover_hub().await;
    let curator = ask(&h, &h.hub.curator, &h.guardianship, "TRANSFER", "передаю").await;
    assert_eq!(
        error_code(&curator),
        Some("FORBIDDEN"),
        "only heads transfer: {curator}"
    );
    let hospital = ask(&h, &h.hub.head, &h.hub.hospital, "TRANSFER", "передаю").await;
    assert_eq!(error_field(&hospital), Some("toAgencyId"), "{hospital}");
    let itself = ask(&h, &h.hub.head, &h.hub.service, "REFERRAL", "себе").await;
    assert_eq!(error_field(&itself), Some("toAgencyId"), "{itself}");
    let unknown = ask(
        &h,
        &h.hub.head,
        "00000000-0000-7000-8000-000000000000",
        "REFERRAL",
        "x",
    )
    .await;
    assert_eq!(error_field(&unknown), Some("toAgencyId"), "{unknown}");
    let blank = ask(&h, &h.hub.head, &h.guardianship, "TRANSFER", "   ").await;
    assert_eq!(error_field(&blank), Some("reason"), "{blank}");
    let long = ask(
        &h,
        &h.hub.head,
        &h.guardianship,
        "TRANSFER",
        &"я".repeat(5_001),
    )
    .await;
    assert_eq!(error_field(&long), Some("reason"), "{long}");
    // Out of scope is NOT_FOUND; in scope but not the lead is FORBIDDEN.
    let ngo = ask(&h, &h.hub.ngo, &h.guardianship, "REFERRAL", "x").await;
    assert_eq!(error_code(&ngo), Some("NOT_FOUND"), "{ngo}");
    let summary = ask(&h, &h.officer, &h.social, "REFERRAL", "x").await;
    assert_eq!(error_code(&summary), Some("NOT_FOUND"), "{summary}");
    assert_eq!(h.app().count("handovers").await, 0);

    let id = h.transfer().await;
    // Acting for another agency: the sender cannot accept, a third agency sees nothing.
    let sender = h.accept(&h.hub.head, &id, "1").await;
    assert_eq!(error_code(&sender), Some("CONFLICT"), "{sender}");
    let social = h.accept(&h.social_head, &id, "1").await;
    assert_eq!(error_code(&social), Some("NOT_FOUND"), "{social}");
    let ngo_view = h.handover_as(&h.hub.ngo, &id).await;
    assert_eq!(error_code(&ngo_view), Some("NOT_FOUND"), "{ngo_view}");
    let node = h
        .app()
        .gql(
            Some(&h.hub.ngo),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&node), Some("NOT_FOUND"), "{node}");
    // The sender stays responsible: it cannot close the case under a pending transfer.
    let close = h
        .app()
        .gql(
            Some(&h.hub.head),
            "mutation($id: ID!) { closeCase(caseId: $id, reason: DECISION_UNCHANGED) { status } }",
            json!({ "id": h.case }),
        )
        .await;
    assert_eq!(error_code(&close), Some("CONFLICT"), "{close}");
    let curator_of_other_agency = h
        .act(
            &h.officer,
            "acceptHandover(id: $id, registrationNumber: $n, registrationDate: $d, curatorId: $c)",
            json!({ "id": id, "n": "1", "d": "2026-11-23", "c": h.hub.curator_id }),
        )
        .await;
    assert_eq!(error_field(&curator_of_other_agency), Some("curatorId"));
    let future = h
        .act(
            &h.officer,
            "acceptHandover(id: $id, registrationNumber: $n, registrationDate: $d)",
            json!({ "id": id, "n": "1", "d": "2099-01-01" }),
        )
        .await;
    assert_eq!(error_field(&future), Some("registrationDate"), "{future}");
    assert_eq!(h.app().count("handovers WHERE status = 'PENDING'").await, 1);
}

#[tokio::test]
async fn two_officers_accepting_at_once_leave_one_winner_and_one_lead() {
    let h = handover_hub().await;
    let id = h.transfer().await;
    let (a, b) = tokio::join!(
        h.accept(&h.officer, &id, "15-о"),
        h.accept(&h.officer2, &id, "16-о")
    );
    let wins = [&a, &b]
        .iter()
        .filter(|r| r["data"]["acceptHandover"]["status"] == "ACCEPTED")
        .count();
    let conflicts = [&a, &b]
        .iter()
        .filter(|r| error_code(r) == Some("CONFLICT"))
        .count();
    assert_eq!((wins, conflicts), (1, 1), "{a}\n{b}");
    assert_eq!(
        h.app()
            .count("participations WHERE kind = 'LEAD' AND revoked_at IS NULL")
            .await,
        1
    );
    assert_eq!(
        h.app()
            .count("case_events WHERE kind = 'TRANSFER_ACCEPTED'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_former_lead_keeps_read_only_full_scope_for_the_period_its_agency_sets() {
    let h = handover_hub().await;
    let keep = "mutation($id: ID!) { updateAgency(id: $id, input: {formerLeadFullDays: 30}) { formerLeadFullDays } }";
    let set = h
        .app()
        .gql(Some(&h.hub.admin), keep, json!({ "id": h.hub.service }))
        .await;
    assert_eq!(
        set["data"]["updateAgency"]["formerLeadFullDays"], 30,
        "{set}"
    );
    let id = h.transfer().await;
    h.accept(&h.officer, &id, "15-о").await;
    let former = case_as(&h.hub, &h.hub.head, &h.case).await;
    assert_eq!(former["data"]["case"]["scope"], "FULL", "{former}");
    let change = h
        .app()
        .gql(
            Some(&h.hub.head),
            "mutation($id: ID!) { startDecisionWork(caseId: $id) { status } }",
            json!({ "id": h.case }),
        )
        .await;
    assert_eq!(
        error_code(&change),
        Some("FORBIDDEN"),
        "read-only: {change}"
    );
}

#[tokio::test]
async fn a_request_past_its_deadline_is_flagged_and_left_to_people() {
    let h = handover_hub().await;
    let id = h.transfer().await;
    let fresh = h.handover_as(&h.officer, &id).await;
    let node = &fresh["data"]["handover"];
    let requested: chrono::DateTime<chrono::Utc> = node["requestedAt"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("requestedAt");
    let deadline: chrono::DateTime<chrono::Utc> = node["deadlineAt"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .expect("deadlineAt");
    // Three working days after today, in Yekaterinburg: at least three days, at most five.
    let days = (deadline - requested).num_hours();
    assert!((72..=24 * 6).contains(&days), "{node}");
    assert_eq!(node["overdue"], false);

    h.app()
        .execute("UPDATE handovers SET deadline_at = requested_at")
        .await
        .expect("move the deadline");
    let late = h.handover_as(&h.officer, &id).await;
    assert_eq!(late["data"]["handover"]["overdue"], true, "{late}");
    assert_eq!(
        late["data"]["handover"]["status"], "PENDING",
        "the hub never decides"
    );
    let inbox = h
        .app()
        .gql(
            Some(&h.officer),
            "{ handoverInbox { edges { node { id overdue } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        inbox["data"]["handoverInbox"]["edges"][0]["node"]["overdue"], true,
        "{inbox}"
    );
}

#[tokio::test]
async fn withdrawn_consent_stops_a_referral_receiver_seeing_personal_data_unless_another_covers_it()
{
    let h = handover_hub().await;
    let consents = [
        h.consent_for(&[&h.social]).await,
        h.consent_for(&[&h.social]).await,
    ];
    let body = h
        .act(
            &h.hub.head,
            "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r)",
            json!({ "id": h.case, "to": h.social, "kind": "REFERRAL", "r": "Патронаж семьи" }),
        )
        .await;
    let id = id_of(&body, "requestHandover");
    h.act(
        &h.social_head,
        "acceptHandover(id: $id)",
        json!({ "id": id }),
    )
    .await;
    let withdraw = "mutation($id: ID!, $c: ID!) { withdrawConsent(caseId: $id, consentId: $c) }";
    h.app()
        .gql(
            Some(&h.hub.curator),
            withdraw,
            json!({ "id": h.case, "c": consents[0] }),
        )
        .await;
    let still = case_as(&h.hub, &h.social_worker, &h.case).await;
    assert_eq!(
        still["data"]["case"]["scope"], "FULL",
        "another consent still covers it: {still}"
    );
    h.app()
        .gql(
            Some(&h.hub.curator),
            withdraw,
            json!({ "id": h.case, "c": consents[1] }),
        )
        .await;
    let summary = case_as(&h.hub, &h.social_worker, &h.case).await;
    assert_eq!(summary["data"]["case"]["scope"], "SUMMARY", "{summary}");
    assert!(summary["data"]["case"]["persons"].is_null());
    assert_eq!(
        h.app()
            .count("participations WHERE kind = 'CONSENT_WITHDRAWN' AND revoked_at IS NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn reading_a_package_is_an_audited_personal_data_read() {
    let h = handover_hub().await;
    let id = h.transfer().await;
    let reads = "audit_events WHERE action = 'PERSONAL_DATA_READ'";
    let before = h.app().count(reads).await;
    let bare = h
        .app()
        .gql(
            Some(&h.officer),
            "query($id: ID!) { handover(id: $id) { status records } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(bare["data"]["handover"]["status"], "PENDING", "{bare}");
    assert_eq!(h.app().count(reads).await, before, "no package, no read");
    let with_package = h
        .app()
        .gql(
            Some(&h.officer),
            "query($id: ID!) { handover(id: $id) { package { persons { fullName } } } }",
            json!({ "id": id }),
        )
        .await;
    assert!(
        with_package["data"]["handover"]["package"]["persons"].is_array(),
        "{with_package}"
    );
    assert_eq!(h.app().count(reads).await, before + 1);
}

/// The details of the latest audit event of `action`.
async fn audit_details(h: &HandoverHub, action: &str) -> Value {
    let sql = format!(
        "SELECT details FROM audit_events WHERE action = '{action}' ORDER BY occurred_at DESC LIMIT 1"
    );
    let text: String = caselink::with_db!(&h.app().db, |pool| sqlx::query_scalar(&sql)
        .fetch_one(pool)
        .await)
    .expect("the audit event");
    serde_json::from_str(&text).expect("JSON details")
}

#[tokio::test]
async fn a_referral_goes_under_a_consent_covering_the_receiver_or_a_heads_reason() {
    let h = handover_hub().await;
    // No consent covers social protection: refused, naming what would let it go.
    let refused = ask(&h, &h.hub.curator, &h.social, "REFERRAL", "Патронаж").await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    assert_eq!(error_field(&refused), Some("consentOverrideReason"));
    // Only a head overrides.
    let request = "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r, consentOverrideReason: $n)";
    let by_curator = h
        .act(
            &h.hub.curator,
            request,
            json!({ "id": h.case, "to": h.social, "kind": "REFERRAL", "r": "Патронаж", "n": "Мать согласна устно" }),
        )
        .await;
    assert_eq!(error_code(&by_curator), Some("FORBIDDEN"), "{by_curator}");
    assert_eq!(h.app().count("handovers").await, 0);
    let overridden = h
        .act(
            &h.hub.head,
            request,
            json!({ "id": h.case, "to": h.social, "kind": "REFERRAL", "r": "Патронаж", "n": "Мать согласна устно" }),
        )
        .await;
    let node = &overridden["data"]["requestHandover"];
    assert_eq!(node["sharingBasis"], "OVERRIDE", "{overridden}");
    let details = audit_details(&h, "HANDOVER_REQUESTED").await;
    assert_eq!(details["sharingBasis"], "OVERRIDE", "{details}");
    assert_eq!(details["consentOverrideReason"], "Мать согласна устно");

    // Under a consent covering the receiver: the consent's id is on the record.
    let rehab = h
        .app()
        .create_agency(&h.hub.admin, "СРЦН", "REHABILITATION_CENTRE")
        .await;
    let consent = h.consent_for(&[&rehab]).await;
    let consented = ask(&h, &h.hub.curator, &rehab, "REFERRAL", "Реабилитация").await;
    assert_eq!(
        consented["data"]["requestHandover"]["sharingBasis"], "CONSENT",
        "{consented}"
    );
    let details = audit_details(&h, "HANDOVER_REQUESTED").await;
    assert_eq!(details["consentId"], consent.as_str(), "{details}");

    // A transfer to guardianship goes by law, and the record says so.
    let id = h.transfer().await;
    let details = audit_details(&h, "HANDOVER_REQUESTED").await;
    assert_eq!(details["sharingBasis"], "LEGAL_DUTY", "{details}");
    assert!(details["legalDuty"].is_string(), "{details}");
    let seen = h.handover_as(&h.officer, &id).await;
    assert!(
        seen["data"]["handover"]["package"]["persons"].is_array(),
        "{seen}"
    );
}

#[tokio::test]
async fn a_withdrawn_consent_closes_a_pending_package_and_its_acceptance() {
    let h = handover_hub().await;
    let consent = h.consent_for(&[&h.social]).await;
    let body = h
        .act(
            &h.hub.head,
            "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r, package: $p)",
            json!({ "id": h.case, "to": h.social, "kind": "REFERRAL", "r": "Обследование", "p": { "records": ["PERSONS"] } }),
        )
        .await;
    let id = id_of(&body, "requestHandover");
    let open = h.handover_as(&h.social_head, &id).await;
    assert!(open["data"]["handover"]["package"].is_object(), "{open}");
    let withdraw = "mutation($id: ID!, $c: ID!) { withdrawConsent(caseId: $id, consentId: $c) }";
    h.app()
        .gql(
            Some(&h.hub.curator),
            withdraw,
            json!({ "id": h.case, "c": consent }),
        )
        .await;
    let closed = h.handover_as(&h.social_head, &id).await;
    assert!(closed["data"]["handover"]["package"].is_null(), "{closed}");
    let accept = h
        .act(
            &h.social_head,
            "acceptHandover(id: $id)",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(error_code(&accept), Some("CONFLICT"), "{accept}");
}

#[tokio::test]
async fn rehabilitation_staff_accept_decline_and_complete_referrals_to_their_centre() {
    let h = handover_hub().await;
    let app = h.app();
    let rehab = app
        .create_agency(&h.hub.admin, "СРЦН «Надежда»", "REHABILITATION_CENTRE")
        .await;
    app.create_user(
        &h.hub.admin,
        &rehab,
        "staff@srcn.example",
        &["REHABILITATION_STAFF"],
    )
    .await;
    let staff = app.login("staff@srcn.example", PASSWORD).await;
    h.consent_for(&[&rehab]).await;
    let first = id_of(
        &ask(&h, &h.hub.head, &rehab, "REFERRAL", "Реабилитация ребёнка").await,
        "requestHandover",
    );
    let declined = h
        .act(
            &staff,
            "declineHandover(id: $id, reason: $r)",
            json!({ "id": first, "r": "Нет мест" }),
        )
        .await;
    assert_eq!(
        declined["data"]["declineHandover"]["status"], "DECLINED",
        "{declined}"
    );
    let second = id_of(
        &ask(&h, &h.hub.head, &rehab, "REFERRAL", "Реабилитация ребёнка").await,
        "requestHandover",
    );
    let accepted = h
        .act(&staff, "acceptHandover(id: $id)", json!({ "id": second }))
        .await;
    assert_eq!(
        accepted["data"]["acceptHandover"]["status"], "ACCEPTED",
        "{accepted}"
    );
    let working = case_as(&h.hub, &staff, &h.case).await;
    assert_eq!(working["data"]["case"]["scope"], "FULL", "{working}");
    let done = h
        .act(
            &staff,
            "completeReferral(id: $id, serviceResult: $r)",
            json!({ "id": second, "r": "Курс реабилитации пройден" }),
        )
        .await;
    assert_eq!(
        done["data"]["completeReferral"]["status"], "COMPLETED",
        "{done}"
    );
    // A transfer stays the heads' to decide: staff may not accept one.
    let transfer = h
        .act(
            &h.hub.head,
            "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r, senderOrder: $o)",
            json!({ "id": h.case, "to": rehab, "kind": "TRANSFER", "r": "Передаём", "o": sender_order() }),
        )
        .await;
    let transfer = id_of(&transfer, "requestHandover");
    let refused = h
        .act(
            &staff,
            "acceptHandover(id: $id, registrationNumber: $n, registrationDate: $d)",
            json!({ "id": transfer, "n": "1", "d": "2026-11-23" }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
}

#[tokio::test]
async fn after_a_transfer_the_signal_is_read_as_the_case_is() {
    let h = handover_hub().await;
    let journal = h
        .app()
        .gql(
            Some(&h.hub.head),
            "{ signals { edges { node { id caseId } } } }",
            json!({}),
        )
        .await;
    let signal = journal["data"]["signals"]["edges"][0]["node"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{journal}"));
    let read = "query($id: ID!) { signal(id: $id) { scope mother { fullName registeredAddress } visitReport { situationSummary } } }";
    let ask = |token| {
        h.app()
            .gql(Some(token), read, json!({ "id": signal.clone() }))
    };
    let before = ask(&h.officer2).await;
    assert_eq!(error_code(&before), Some("NOT_FOUND"), "{before}");
    let id = h.transfer().await;
    let pending = ask(&h.officer2).await;
    assert_eq!(
        pending["data"]["signal"]["scope"], "SUMMARY",
        "the pending receiver sees the case, and so the signal, in summary: {pending}"
    );
    h.accept(&h.officer, &id, "15-о").await;
    let former = h
        .app()
        .gql(Some(&h.hub.head), read, json!({ "id": signal }))
        .await;
    let node = &former["data"]["signal"];
    assert_eq!(node["scope"], "SUMMARY", "{former}");
    assert!(
        node["mother"].is_null() && node["visitReport"].is_null(),
        "{former}"
    );
    let lead = h
        .app()
        .gql(Some(&h.officer2), read, json!({ "id": signal }))
        .await;
    let node = &lead["data"]["signal"];
    assert_eq!(node["scope"], "FULL", "{lead}");
    assert_eq!(node["mother"]["fullName"], "Иванова Мария Петровна");
    assert!(
        node["visitReport"]["situationSummary"].is_string(),
        "{lead}"
    );
}
