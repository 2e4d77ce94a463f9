//! Reunification (domain.md §6, seeds-notes A8): a rehabilitation centre holding a child
//! through an accepted referral keeps the record in seed 003's three tracks; social
//! protection and guardianship confirm their parts of the joint inspection; the return
//! without a positive, confirmed inspection needs a reason; information passes both
//! ways after the return; everyone on the case sees the stages, and the words only in
//! FULL (or as a party to the act). Every rule through the API, on both databases.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::handovers::{handover_hub_on, id_of, HandoverHub};
use crate::harness::{
    error_code, error_field, mail_to, spawn_app, spawn_app_with, test_config, TestApp, PASSWORD,
};
use crate::information_requests::wait_for_subject;
use crate::smtp::SmtpSink;

pub const FIELDS: &str = "id status scope placedOn childStage familyStage afterReturnStage inspectionPlannedOn inspectionVerdict returnedOn returnedWithoutInspection endedOn reportOverdue version centre { id } timeline { id kind track stage occurredOn verdict fullyConfirmed taskIds content { summary findings conclusion handedOverBy withoutInspectionReason } parties { agency { id } confirmedAt remark } }";

/// A hub where the prevention service referred the case to a rehabilitation centre
/// (accepted by its staff) and to social protection, and informed guardianship.
pub struct ReunionHub {
    pub h: HandoverHub,
    pub rehab: String,
    pub staff: String,
}

/// A day `days` from today (UTC), as the API writes dates.
pub fn day(days: i64) -> String {
    (Utc::now() + Duration::days(days)).date_naive().to_string()
}

pub async fn reunion_hub() -> ReunionHub {
    reunion_hub_on(spawn_app().await).await
}

/// The same hub on a server of the caller's choosing (e.g. one that sends mail).
pub async fn reunion_hub_on(app: TestApp) -> ReunionHub {
    let h = handover_hub_on(app).await;
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
    h.consent_for(&[&rehab, &h.social]).await;
    let refer = "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r)";
    let to_rehab = h
        .act(
            &h.hub.head,
            refer,
            json!({ "id": h.case, "to": rehab, "kind": "REFERRAL", "r": "Реабилитация ребёнка" }),
        )
        .await;
    let accepted = h
        .act(
            &staff,
            "acceptHandover(id: $id)",
            json!({ "id": id_of(&to_rehab, "requestHandover") }),
        )
        .await;
    assert_eq!(
        accepted["data"]["acceptHandover"]["status"], "ACCEPTED",
        "{accepted}"
    );
    let to_social = h
        .act(
            &h.hub.head,
            refer,
            json!({ "id": h.case, "to": h.social, "kind": "REFERRAL", "r": "Патронаж семьи" }),
        )
        .await;
    let accepted = h
        .act(
            &h.social_head,
            "acceptHandover(id: $id)",
            json!({ "id": id_of(&to_social, "requestHandover") }),
        )
        .await;
    assert_eq!(
        accepted["data"]["acceptHandover"]["status"], "ACCEPTED",
        "{accepted}"
    );
    let notice = h
        .act(
            &h.hub.head,
            "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r)",
            json!({ "id": h.case, "to": h.guardianship, "kind": "NOTICE", "r": "Ребёнок помещён в СРЦН" }),
        )
        .await;
    let acknowledged = h
        .act(
            &h.officer,
            "acknowledgeNotice(id: $id, registrationNumber: $r, registrationDate: $d)",
            json!({ "id": id_of(&notice, "requestHandover"), "r": "вх-17", "d": day(0) }),
        )
        .await;
    assert_eq!(
        acknowledged["data"]["acknowledgeNotice"]["status"], "ACKNOWLEDGED",
        "{acknowledged}"
    );
    ReunionHub { h, rehab, staff }
}

impl ReunionHub {
    /// Runs a reunification mutation (its result selected with [`FIELDS`]).
    pub async fn step(&self, token: &str, call: &str, vars: Value) -> Value {
        let types = [
            ("id", "ID!"),
            ("c", "ID!"),
            ("e", "ID!"),
            ("on", "NaiveDate!"),
            ("parties", "[ID!]!"),
            ("input", "ReunificationReportInput!"),
            ("ret", "ChildReturnInput!"),
            ("to", "ID"),
            ("t", "String!"),
            ("t2", "String!"),
            ("remark", "String"),
        ];
        let declared: Vec<String> = types
            .iter()
            .filter(|(k, _)| call.contains(&format!("${k},")) || call.contains(&format!("${k})")))
            .map(|(k, t)| format!("${k}: {t}"))
            .collect();
        let query = format!(
            "mutation({}) {{ {call} {{ {FIELDS} }} }}",
            declared.join(", ")
        );
        self.h.app().gql(Some(token), &query, vars).await
    }

    pub async fn start(&self, token: &str, placed_on: &str) -> Value {
        self.step(
            token,
            "startReunification(caseId: $c, placedOn: $on, placementBasis: PARENTS_APPLICATION)",
            json!({ "c": self.h.case, "on": placed_on }),
        )
        .await
    }

    pub async fn started(&self) -> String {
        let body = self.start(&self.staff, &day(-30)).await;
        id_of(&body, "startReunification")
    }

    pub async fn report(&self, token: &str, id: &str, track: &str, stage: &str, on: &str) -> Value {
        self.step(
            token,
            "reportReunificationProgress(input: $input)",
            json!({ "input": { "reunificationId": id, "track": track, "stage": stage, "occurredOn": on,
                "summary": "Ребёнок адаптировался, ул. Ленина", "wellbeing": "Спокоен",
                "attitude": "Скучает по матери", "parentsReadiness": "Мать готова",
                "recommendation": "Продолжить встречи" } }),
        )
        .await
    }

    pub async fn inspect(&self, id: &str, verdict: &str, parties: &[&str]) -> Value {
        self.step(
            &self.staff,
            &format!("recordHousingInspection(reunificationId: $id, occurredOn: $on, partyAgencyIds: $parties, findings: $t, verdict: {verdict})"),
            json!({ "id": id, "on": day(-2), "parties": parties, "t": "Квартира ул. Ленина, 5: условия удовлетворительные" }),
        )
        .await
    }

    pub async fn give_back(&self, id: &str, on: &str, reason: Option<&str>) -> Value {
        self.step(
            &self.staff,
            "recordChildReturn(input: $ret)",
            json!({ "ret": { "reunificationId": id, "returnedOn": on, "handedOverBy": "Специалист СРЦН Петрова",
                "receivedBy": "Мать, Иванова М. П.", "documents": "Свидетельство о рождении, полис",
                "withoutInspectionReason": reason } }),
        )
        .await
    }

    pub async fn read(&self, token: &str, id: &str) -> Value {
        let query = format!("query($id: ID!) {{ reunification(id: $id) {{ {FIELDS} }} }}");
        self.h
            .app()
            .gql(Some(token), &query, json!({ "id": id }))
            .await
    }

    pub async fn outbox(&self, kind: &str) -> i64 {
        self.h
            .app()
            .count(&format!("notifications WHERE kind = '{kind}'"))
            .await
    }
}

fn node<'a>(body: &'a Value, field: &str) -> &'a Value {
    let node = &body["data"][field];
    assert!(node.is_object(), "{field} failed: {body}");
    node
}

#[tokio::test]
async fn a_child_goes_from_placement_through_a_confirmed_inspection_home_and_the_work_ends() {
    let r = reunion_hub().await;
    let h = &r.h;
    let id = r.started().await;
    let diagnostics = r
        .step(
            &r.staff,
            "recordReunificationDiagnostics(reunificationId: $id, occurredOn: $on, phase: AT_INTAKE, methods: $t, conclusion: $t2)",
            json!({ "id": id, "on": day(-28), "t": "Наблюдение, беседа", "t2": "Тревожность высокая" }),
        )
        .await;
    assert_eq!(
        node(&diagnostics, "recordReunificationDiagnostics")["childStage"],
        "CHILD_DIAGNOSTICS"
    );
    let reported = r
        .report(&r.staff, &id, "CHILD", "REHABILITATION", &day(-20))
        .await;
    let u = node(&reported, "reportReunificationProgress");
    assert_eq!(u["childStage"], "REHABILITATION");
    assert_eq!(u["centre"]["id"], r.rehab.as_str());
    assert_eq!(u["reportOverdue"], false);
    let family = r
        .report(&r.staff, &id, "FAMILY", "FAMILY_PLAN", &day(-15))
        .await;
    assert_eq!(
        node(&family, "reportReunificationProgress")["familyStage"],
        "FAMILY_PLAN"
    );
    let visit = r
        .step(
            &r.staff,
            "recordPatronageVisit(reunificationId: $id, occurredOn: $on, visitKind: CONTROL, findings: $t)",
            json!({ "id": id, "on": day(-10), "t": "Мать сделала ремонт" }),
        )
        .await;
    assert_eq!(
        node(&visit, "recordPatronageVisit")["familyStage"],
        "PATRONAGE"
    );

    let planned = r
        .step(
            &r.staff,
            "planHousingInspection(reunificationId: $id, plannedOn: $on, partyAgencyIds: $parties)",
            json!({ "id": id, "on": day(3), "parties": [h.social, h.guardianship] }),
        )
        .await;
    assert_eq!(
        node(&planned, "planHousingInspection")["inspectionPlannedOn"],
        day(3)
    );
    assert!(r.outbox("HOUSING_INSPECTION_DUE").await > 0);

    let inspected = r
        .inspect(&id, "POSITIVE", &[&h.social, &h.guardianship])
        .await;
    let u = node(&inspected, "recordHousingInspection");
    assert_eq!(u["inspectionVerdict"], "POSITIVE");
    assert_eq!(u["inspectionPlannedOn"], Value::Null);
    let act = u["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(act["kind"], "INSPECTION");
    assert_eq!(
        act["parties"].as_array().map(Vec::len),
        Some(3),
        "the centre and two: {act}"
    );
    assert_eq!(act["fullyConfirmed"], false);
    assert!(r.outbox("HOUSING_INSPECTION_TO_CONFIRM").await > 0);
    let entry = act["id"].as_str().unwrap_or_default().to_owned();

    // Not every party confirmed yet: the return needs a reason.
    let early = r.give_back(&id, &day(-1), None).await;
    assert_eq!(
        error_field(&early),
        Some("withoutInspectionReason"),
        "{early}"
    );
    let confirm = "confirmHousingInspection(entryId: $e, remark: $remark)";
    for token in [&h.social_worker, &h.officer] {
        let done = r
            .step(
                token,
                confirm,
                json!({ "e": entry, "remark": "Подтверждаем" }),
            )
            .await;
        node(&done, "confirmHousingInspection");
    }
    // A repeat is harmless; a party's colleague sees it confirmed.
    let again = r
        .step(&h.officer2, confirm, json!({ "e": entry, "remark": null }))
        .await;
    node(&again, "confirmHousingInspection");

    let home = r.give_back(&id, &day(-1), None).await;
    let u = node(&home, "recordChildReturn");
    assert_eq!(u["status"], "RETURNED");
    assert_eq!(u["returnedWithoutInspection"], false);
    assert_eq!(u["afterReturnStage"], "SAFETY_AND_WELLBEING");
    assert!(r.outbox("CHILD_RETURN_RECORDED").await > 0);

    // Information both ways after the return.
    let pass = "passReunificationInformation(reunificationId: $id, occurredOn: $on, toAgencyId: $to, text: $t)";
    let from_centre = r
        .step(
            &r.staff,
            pass,
            json!({ "id": id, "on": day(0), "to": h.social, "t": "Ребёнок посещает детский сад" }),
        )
        .await;
    node(&from_centre, "passReunificationInformation");
    let from_social = r
        .step(
            &h.social_worker,
            pass,
            json!({ "id": id, "on": day(0), "t": "Семья получила пособие" }),
        )
        .await;
    let timeline = &node(&from_social, "passReunificationInformation")["timeline"];
    let infos = timeline
        .as_array()
        .map(|t| t.iter().filter(|e| e["kind"] == "INFORMATION").count());
    assert_eq!(infos, Some(2), "{timeline}");
    assert!(r.outbox("REUNIFICATION_INFORMATION_PASSED").await >= 2);

    let after = r
        .report(&r.staff, &id, "AFTER_RETURN", "FAMILY_RELATIONS", &day(0))
        .await;
    assert_eq!(
        node(&after, "reportReunificationProgress")["afterReturnStage"],
        "FAMILY_RELATIONS"
    );
    let end = "endPreventiveWork(reunificationId: $id, endedOn: $on, reason: $t, conclusion: $t2)";
    let ended = r
        .step(&r.staff, end, json!({ "id": id, "on": day(0), "t": "Цели ИПСР достигнуты", "t2": "Семья справляется сама" }))
        .await;
    let u = node(&ended, "endPreventiveWork");
    assert_eq!(u["status"], "ENDED");
    assert_eq!(u["afterReturnStage"], "END_OF_PREVENTIVE_WORK");
    let late = r
        .report(&r.staff, &id, "AFTER_RETURN", "FAMILY_RELATIONS", &day(0))
        .await;
    assert_eq!(error_code(&late), Some("CONFLICT"), "{late}");

    // The centre's list shows ended records only when asked.
    let list = "query($all: Boolean) { reunificationsInCare(includeEnded: $all, first: 10) { edges { node { id status } } } }";
    let open = h.app().gql(Some(&r.staff), list, json!({})).await;
    assert_eq!(
        open["data"]["reunificationsInCare"]["edges"],
        json!([]),
        "{open}"
    );
    let all = h
        .app()
        .gql(Some(&r.staff), list, json!({ "all": true }))
        .await;
    assert_eq!(
        all["data"]["reunificationsInCare"]["edges"][0]["node"]["id"],
        id.as_str(),
        "{all}"
    );
}

#[tokio::test]
async fn each_agency_sees_what_its_scope_allows_and_an_inspection_party_reads_the_act() {
    let r = reunion_hub().await;
    let h = &r.h;
    let id = r.started().await;
    r.report(&r.staff, &id, "CHILD", "CONTACT", &day(-25)).await;
    let inspected = r.inspect(&id, "NEGATIVE", &[&h.guardianship]).await;
    node(&inspected, "recordHousingInspection");

    // The lead and social protection read the case in FULL: the words too.
    for token in [&h.hub.head, &h.social_worker] {
        let seen = r.read(token, &id).await;
        let u = node(&seen, "reunification");
        assert_eq!(u["scope"], "FULL");
        assert_eq!(
            u["timeline"][0]["content"]["summary"], "Ребёнок адаптировался, ул. Ленина",
            "{seen}"
        );
    }
    // Guardianship reads the case as a summary: the report's words are hidden, but as a
    // party it reads the inspection act.
    let seen = r.read(&h.officer, &id).await;
    let u = node(&seen, "reunification");
    assert_eq!(u["scope"], "SUMMARY");
    assert_eq!(u["childStage"], "CONTACT");
    assert_eq!(u["timeline"][0]["content"], Value::Null, "{seen}");
    assert_eq!(u["timeline"][1]["verdict"], "NEGATIVE");
    assert!(
        u["timeline"][1]["content"]["findings"]
            .as_str()
            .is_some_and(|f| f.contains("Ленина")),
        "{seen}"
    );
    // The hospital sent the signal: it sees stages, never words.
    let seen = r.read(&h.hub.nurse, &id).await;
    let text = seen.to_string();
    assert!(!text.contains("Ленина"), "{seen}");
    // An agency not on the case finds nothing, and cannot act.
    let app = h.app();
    let other = app
        .create_agency(&h.hub.admin, "СРЦН «Другой»", "REHABILITATION_CENTRE")
        .await;
    app.create_user(
        &h.hub.admin,
        &other,
        "staff@other.example",
        &["REHABILITATION_STAFF"],
    )
    .await;
    let stranger = app.login("staff@other.example", PASSWORD).await;
    let seen = r.read(&stranger, &id).await;
    assert_eq!(error_code(&seen), Some("NOT_FOUND"), "{seen}");
    let report = r
        .report(&stranger, &id, "CHILD", "REHABILITATION", &day(0))
        .await;
    assert_eq!(error_code(&report), Some("NOT_FOUND"), "{report}");
    let of_case = "query($c: ID!) { reunificationOfCase(caseId: $c) { id } }";
    let none = app
        .gql(Some(&stranger), of_case, json!({ "c": h.case }))
        .await;
    assert_eq!(none["data"]["reunificationOfCase"], Value::Null, "{none}");
    // On the case but not the centre: forbidden to write.
    let report = r
        .report(&h.officer, &id, "CHILD", "REHABILITATION", &day(0))
        .await;
    assert_eq!(error_code(&report), Some("FORBIDDEN"), "{report}");
    let report = r
        .report(&h.hub.head, &id, "CHILD", "REHABILITATION", &day(0))
        .await;
    assert_eq!(error_code(&report), Some("FORBIDDEN"), "{report}");
    // Social protection was no party to this inspection: it cannot confirm it.
    let entry = u["timeline"][1]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let confirm = r
        .step(
            &h.social_worker,
            "confirmHousingInspection(entryId: $e)",
            json!({ "e": entry }),
        )
        .await;
    assert_eq!(error_code(&confirm), Some("FORBIDDEN"), "{confirm}");
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_a_return_after_a_failed_inspection_is_warned() {
    let r = reunion_hub().await;
    let h = &r.h;
    // Only a centre holding the child starts a record.
    let service = r.start(&h.hub.head, &day(-30)).await;
    assert_eq!(error_code(&service), Some("FORBIDDEN"), "{service}");
    let future = r.start(&r.staff, &day(5)).await;
    assert_eq!(error_field(&future), Some("placedOn"), "{future}");
    let id = r.started().await;
    let twice = r.start(&r.staff, &day(-30)).await;
    assert_eq!(error_code(&twice), Some("CONFLICT"), "{twice}");

    let wrong_track = r
        .report(&r.staff, &id, "CHILD", "PATRONAGE", &day(-1))
        .await;
    assert_eq!(error_field(&wrong_track), Some("stage"), "{wrong_track}");
    let too_soon = r
        .report(&r.staff, &id, "AFTER_RETURN", "FAMILY_RELATIONS", &day(-1))
        .await;
    assert_eq!(error_field(&too_soon), Some("track"), "{too_soon}");
    let before = r.report(&r.staff, &id, "CHILD", "CONTACT", &day(-31)).await;
    assert_eq!(error_field(&before), Some("occurredOn"), "{before}");
    let empty = r
        .step(
            &r.staff,
            "reportReunificationProgress(input: $input)",
            json!({ "input": { "reunificationId": id, "track": "CHILD", "stage": "CONTACT", "occurredOn": day(0), "summary": "  " } }),
        )
        .await;
    assert_eq!(error_field(&empty), Some("summary"), "{empty}");
    let stranger = h.app().create_agency(&h.hub.admin, "НКО", "NGO").await;
    let party = r.inspect(&id, "POSITIVE", &[&stranger]).await;
    assert_eq!(error_field(&party), Some("partyAgencyIds[0]"), "{party}");
    let visit = r
        .step(
            &r.staff,
            "recordPatronageVisit(reunificationId: $id, occurredOn: $on, visitKind: POSITIVE, findings: $t)",
            json!({ "id": id, "on": day(0), "t": "x" }),
        )
        .await;
    assert_eq!(error_field(&visit), Some("visitKind"), "{visit}");
    let end = r
        .step(
            &r.staff,
            "endPreventiveWork(reunificationId: $id, endedOn: $on, reason: $t, conclusion: $t2)",
            json!({ "id": id, "on": day(0), "t": "x", "t2": "y" }),
        )
        .await;
    assert_eq!(error_code(&end), Some("CONFLICT"), "{end}");

    // A failed inspection: the return is refused without a reason, dated before the
    // placement it is refused, and with a reason it is kept with the warning.
    node(
        &r.inspect(&id, "NEGATIVE", &[&h.social]).await,
        "recordHousingInspection",
    );
    let silent = r.give_back(&id, &day(0), None).await;
    assert_eq!(
        error_field(&silent),
        Some("withoutInspectionReason"),
        "{silent}"
    );
    let early = r.give_back(&id, &day(-40), Some("Решение суда")).await;
    assert_eq!(error_field(&early), Some("returnedOn"), "{early}");
    let warned = r
        .give_back(&id, &day(0), Some("Решение суда о возврате"))
        .await;
    let u = node(&warned, "recordChildReturn");
    assert_eq!(u["returnedWithoutInspection"], true);
    let ret = u["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        ret["content"]["withoutInspectionReason"], "Решение суда о возврате",
        "{ret}"
    );
}

#[tokio::test]
async fn mail_says_the_case_number_and_the_link_only_and_reminders_come_once() {
    let sink = SmtpSink::start().await;
    let r = reunion_hub_on(spawn_app_with(mail_to(sink.port)).await).await;
    let h = &r.h;
    let id = r.started().await;
    r.report(&r.staff, &id, "CHILD", "CONTACT", &day(-1)).await;
    let home = r
        .give_back(&id, &day(0), Some("Решение суда о возврате"))
        .await;
    node(&home, "recordChildReturn");
    // Every agency on the case hears of the return: the lead, social protection,
    // guardianship and the centre itself.
    let mail = wait_for_subject(&sink, "Ребёнок возвращён в семью", 4).await;
    let link = format!("https://hub.example/reunification/{id}");
    for message in &mail {
        let readable = message.readable();
        assert!(
            readable.contains(&link) && readable.contains("CASE-"),
            "{readable}"
        );
    }
    for message in sink.received() {
        let all = format!("{}\n{}", message.data, message.readable());
        for personal in ["Ленина", "Решение суда", "Специалист СРЦН", "Мать"]
        {
            assert!(!all.contains(personal), "{personal} in a message:\n{all}");
        }
    }

    // No report for longer than the centre's setting: reminded once per due time.
    let seen = r.read(&r.staff, &id).await;
    let due: chrono::DateTime<Utc> =
        r.h.app()
            .gql(
                Some(&r.staff),
                "query($id: ID!) { reunification(id: $id) { reportDueAt } }",
                json!({ "id": id }),
            )
            .await["data"]["reunification"]["reportDueAt"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("{seen}"));
    let config = test_config();
    let round = |at| caselink::notify::reminders::round(&h.app().db, &config.mail, at);
    round(due - Duration::hours(1)).await.expect("a round");
    assert_eq!(r.outbox("REUNIFICATION_REPORT_OVERDUE").await, 0, "not yet");
    round(due + Duration::hours(1)).await.expect("a round");
    let reminded = r.outbox("REUNIFICATION_REPORT_OVERDUE").await;
    assert!(reminded > 0);
    round(due + Duration::hours(2)).await.expect("a round");
    assert_eq!(
        r.outbox("REUNIFICATION_REPORT_OVERDUE").await,
        reminded,
        "once"
    );
}

#[tokio::test]
async fn the_centre_is_reminded_on_the_day_of_a_planned_inspection() {
    let r = reunion_hub().await;
    let h = &r.h;
    let id = r.started().await;
    let planned = r
        .step(
            &r.staff,
            "planHousingInspection(reunificationId: $id, plannedOn: $on, partyAgencyIds: $parties)",
            json!({ "id": id, "on": day(3), "parties": [h.guardianship] }),
        )
        .await;
    node(&planned, "planHousingInspection");
    let sent = r.outbox("HOUSING_INSPECTION_DUE").await;
    assert!(sent > 0, "guardianship hears it is planned");
    let config = test_config();
    let round = |at| caselink::notify::reminders::round(&h.app().db, &config.mail, at);
    let day_of = Utc::now() + Duration::days(3);
    round(day_of - Duration::days(2)).await.expect("a round");
    assert_eq!(r.outbox("HOUSING_INSPECTION_DUE").await, sent, "not yet");
    round(day_of).await.expect("a round");
    let reminded = r.outbox("HOUSING_INSPECTION_DUE").await;
    assert!(reminded > sent, "the centre is reminded on the day");
    round(day_of + Duration::hours(1)).await.expect("a round");
    assert_eq!(r.outbox("HOUSING_INSPECTION_DUE").await, reminded, "once");
    // Planning in the past is refused, naming the field.
    let past = r
        .step(
            &r.staff,
            "planHousingInspection(reunificationId: $id, plannedOn: $on, partyAgencyIds: $parties)",
            json!({ "id": id, "on": day(-1), "parties": [] }),
        )
        .await;
    assert_eq!(error_field(&past), Some("plannedOn"), "{past}");
}

#[tokio::test]
async fn a_report_names_the_ipsr_tasks_it_reports_on_and_nothing_else() {
    let r = reunion_hub().await;
    let h = &r.h;
    let plan = crate::plans::created(h).await;
    let task = plan["tasks"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!task.is_empty(), "{plan}");
    let id = r.started().await;
    let report = "reportReunificationProgress(input: $input)";
    let input = |tasks: Value| {
        json!({ "input": { "reunificationId": id, "track": "FAMILY", "stage": "FAMILY_PLAN",
            "occurredOn": day(0), "summary": "Мать выполняет задачи ИПСР", "taskIds": tasks } })
    };
    let linked = r.step(&r.staff, report, input(json!([task, task]))).await;
    let u = node(&linked, "reportReunificationProgress");
    let last = u["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["taskIds"], json!([task]), "{last}");
    // Guardianship, reading the summary, sees which tasks were reported on.
    let seen = r.read(&h.officer, &id).await;
    assert_eq!(
        node(&seen, "reunification")["timeline"][0]["taskIds"],
        json!([task]),
        "{seen}"
    );
    let bogus = r.step(&r.staff, report, input(json!([h.case]))).await;
    assert_eq!(error_field(&bogus), Some("taskIds[0]"), "{bogus}");
}

#[tokio::test]
async fn an_mrg_member_follows_the_stages_once_the_case_is_on_the_agenda_but_not_the_words() {
    let m = crate::mrg::mrg_hub().await;
    let h = &m.h;
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
    let refer = "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r)";
    let sent = h
        .act(
            &h.hub.head,
            refer,
            json!({ "id": h.case, "to": rehab, "kind": "REFERRAL", "r": "Реабилитация" }),
        )
        .await;
    h.act(
        &staff,
        "acceptHandover(id: $id)",
        json!({ "id": id_of(&sent, "requestHandover") }),
    )
    .await;
    let start = "mutation($c: ID!, $on: NaiveDate!) { startReunification(caseId: $c, placedOn: $on, placementBasis: REMOVAL) { id } }";
    let started = app
        .gql(Some(&staff), start, json!({ "c": h.case, "on": day(-10) }))
        .await;
    let id = started["data"]["startReunification"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!id.is_empty(), "{started}");
    let report =
        "mutation($i: ReunificationReportInput!) { reportReunificationProgress(input: $i) { id } }";
    let input = json!({ "i": { "reunificationId": id, "track": "CHILD", "stage": "CONTACT",
        "occurredOn": day(0), "summary": "Живёт на ул. Ленина у бабушки" } });
    node(
        &app.gql(Some(&staff), report, input).await,
        "reportReunificationProgress",
    );

    let read = format!("query($id: ID!) {{ reunification(id: $id) {{ {FIELDS} }} }}");
    let before = app.gql(Some(&m.member), &read, json!({ "id": id })).await;
    assert_eq!(error_code(&before), Some("NOT_FOUND"), "{before}");
    let submission = m.submit(&h.case).await;
    let meeting = m.schedule(3, &[&submission]).await;
    assert!(
        meeting["data"]["scheduleMeeting"]["id"].is_string(),
        "{meeting}"
    );
    let after = app.gql(Some(&m.member), &read, json!({ "id": id })).await;
    let u = node(&after, "reunification");
    assert_eq!(u["scope"], "SUMMARY");
    assert_eq!(u["childStage"], "CONTACT");
    assert_eq!(u["timeline"][0]["content"], Value::Null, "{after}");
    assert!(!after.to_string().contains("Ленина"), "{after}");
}
