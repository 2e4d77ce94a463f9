//! Case work for every agency that leads (issue 16): intakes in each agency's own
//! journal, the work log and its scope, days since the last contact and the no-contact
//! flag at its boundary, monitoring with content at its cadence in two time zones,
//! overdue reviews listed and reminded once, and mail with no personal data. Through the
//! API, on both databases.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::harness::{
    error_code, error_field, mail_to, spawn_app, spawn_app_with, test_config, TestApp, PASSWORD,
};
use crate::information_requests::wait_for_subject;
use crate::smtp::SmtpSink;

pub const CASE: &str = "id journalNumber scope status shelter nextMonitoringAt monitoringOverdue persons { role fullName } intake { number source registeredOn referredBy reason placement { since place basis } } contact { lastContactOn daysSinceContact noContact alertDays } workLog { id kind occurredOn durationMinutes specialistId content contact } monitoring { id occurredOn stage decision nextDueOn effect causes participants { curator head supervisorName } progress { taskId note } }";

/// A hub with one agency of each kind that leads cases (the centre in Kamchatka, social
/// protection in Moscow, the others in Yekaterinburg) and a maternity hospital.
pub struct IntakeHub {
    pub app: TestApp,
    pub admin: String,
    pub rehab: String,
    pub staff: String,
    pub psychologist: String,
    pub psychologist_id: String,
    pub social: String,
    pub social_curator: String,
    pub ngo_curator: String,
    pub officer: String,
    pub maternity_head: String,
}

pub async fn intake_hub() -> IntakeHub {
    intake_hub_on(spawn_app().await).await
}

pub async fn intake_hub_on(app: TestApp) -> IntakeHub {
    let admin = app.admin_token().await;
    let rehab = app
        .create_agency(&admin, "СРЦН «Надежда»", "REHABILITATION_CENTRE")
        .await;
    let social = app
        .create_agency(&admin, "КЦСОН «Забота»", "SOCIAL_PROTECTION")
        .await;
    let ngo = app.create_agency(&admin, "Тёплый дом", "NGO").await;
    let guardianship = app
        .create_agency(&admin, "Орган опеки", "GUARDIANSHIP")
        .await;
    let maternity = app
        .create_agency(&admin, "Перинатальный центр", "MATERNITY")
        .await;
    let zone =
        "mutation($id: ID!, $z: String!) { updateAgency(id: $id, input: {timeZone: $z}) { id } }";
    for (id, z) in [(&rehab, "Asia/Kamchatka"), (&social, "Europe/Moscow")] {
        app.gql(Some(&admin), zone, json!({ "id": id, "z": z }))
            .await;
    }
    let users = [
        (&rehab, "staff@srcn.example", "REHABILITATION_STAFF"),
        (&rehab, "psy@srcn.example", "SPECIALIST"),
        (&social, "curator@kcson.example", "CURATOR"),
        (&ngo, "curator@ngo.example", "CURATOR"),
        (
            &guardianship,
            "officer@opeka.example",
            "GUARDIANSHIP_OFFICER",
        ),
        (&maternity, "head@perinatal.example", "HEAD_OF_SERVICE"),
    ];
    let mut ids = Vec::new();
    let mut tokens = Vec::new();
    for (agency, email, role) in users {
        ids.push(app.create_user(&admin, agency, email, &[role]).await);
        tokens.push(app.login(email, PASSWORD).await);
    }
    let mut t = tokens.into_iter();
    let mut next = move || t.next().unwrap_or_default();
    IntakeHub {
        staff: next(),
        psychologist: next(),
        psychologist_id: ids[1].clone(),
        social_curator: next(),
        ngo_curator: next(),
        officer: next(),
        maternity_head: next(),
        app,
        admin,
        rehab,
        social,
    }
}

/// Today in `zone`, shifted by `days`.
pub fn today_in(zone: chrono_tz::Tz, days: i64) -> NaiveDate {
    Utc::now().with_timezone(&zone).date_naive() + Duration::days(days)
}

const KAMCHATKA: chrono_tz::Tz = chrono_tz::Asia::Kamchatka;
const MOSCOW: chrono_tz::Tz = chrono_tz::Europe::Moscow;

/// The end of `day` in `zone`, as the API writes instants.
fn end_of(day: NaiveDate, zone: chrono_tz::Tz) -> DateTime<Utc> {
    use chrono::TimeZone;
    let next = (day + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    zone.from_local_datetime(&next)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("not an instant: {v}"))
}

/// A child placed in the centre by removal, `since_days` ago (Kamchatka days).
pub fn placed_child(registered_days: i64) -> Value {
    json!({
        "source": "CHILD_PLACED",
        "registeredOn": today_in(KAMCHATKA, registered_days).to_string(),
        "reason": "Ребёнок изъят из семьи, мать злоупотребляет алкоголем",
        "placement": { "since": today_in(KAMCHATKA, registered_days - 2).to_string(),
                       "place": "СРЦН «Надежда», группа «Солнышко»", "basis": "REMOVAL" },
        "persons": [
            { "role": "CHILD", "fullName": "Петров Михаил Сергеевич", "birthDate": "2021-03-04" },
            { "role": "MOTHER", "fullName": "Петрова Анна Ивановна" }
        ],
        "stage": "SUPPORT"
    })
}

impl IntakeHub {
    pub async fn open(&self, token: &str, input: Value) -> Value {
        let q = format!("mutation($i: IntakeInput!) {{ openIntake(input: $i) {{ {CASE} }} }}");
        self.app.gql(Some(token), &q, json!({ "i": input })).await
    }

    pub async fn opened(&self, token: &str, input: Value) -> Value {
        let body = self.open(token, input).await;
        let case = body["data"]["openIntake"].clone();
        assert!(case["id"].is_string(), "openIntake failed: {body}");
        case
    }

    pub async fn case_as(&self, token: &str, id: &str) -> Value {
        let q = format!("query($id: ID!) {{ case(id: $id) {{ {CASE} }} }}");
        self.app.gql(Some(token), &q, json!({ "id": id })).await
    }

    pub async fn log(&self, token: &str, case: &str, input: Value) -> Value {
        let q = "mutation($c: ID!, $i: WorkLogEntryInput!) { addWorkLogEntry(caseId: $c, input: $i) { id kind occurredOn durationMinutes specialistId content contact } }";
        self.app
            .gql(Some(token), q, json!({ "c": case, "i": input }))
            .await
    }

    pub async fn monitor(&self, token: &str, case: &str, input: Value) -> Value {
        let q = format!("mutation($c: ID!, $i: MonitoringInput!) {{ recordMonitoring(caseId: $c, input: $i) {{ {CASE} }} }}");
        self.app
            .gql(Some(token), &q, json!({ "c": case, "i": input }))
            .await
    }

    async fn outbox(&self, kind: &str) -> i64 {
        self.app
            .count(&format!("notifications WHERE kind = '{kind}'"))
            .await
    }
}

pub fn entry(kind: &str, day: NaiveDate) -> Value {
    json!({ "kind": kind, "occurredOn": day.to_string(), "durationMinutes": 45,
            "content": "Беседа с матерью о посещениях ребёнка" })
}

pub fn review(decision: &str) -> Value {
    json!({ "curatorTookPart": true, "headTookPart": false,
            "supervisorName": "Соколова Вера Андреевна", "effect": "POSITIVE",
            "causes": "Мать посещает ребёнка еженедельно", "decision": decision })
}

#[tokio::test]
async fn every_agency_that_leads_opens_intakes_in_its_own_journal_and_maternity_cannot() {
    let hub = intake_hub().await;
    let centre = hub.opened(&hub.staff, placed_child(0)).await;
    assert_eq!(centre["scope"], "FULL");
    assert_eq!(centre["status"], "SUPPORT");
    let year = today_in(KAMCHATKA, 0).format("%Y").to_string();
    assert_eq!(centre["journalNumber"], format!("CASE-{year}-0001"));
    assert_eq!(centre["intake"]["number"], format!("INT-{year}-0001"));
    assert_eq!(centre["intake"]["source"], "CHILD_PLACED");
    assert_eq!(centre["intake"]["placement"]["basis"], "REMOVAL");
    assert_eq!(
        centre["intake"]["placement"]["place"],
        "СРЦН «Надежда», группа «Солнышко»"
    );
    assert_eq!(centre["persons"][0]["fullName"], "Петров Михаил Сергеевич");
    assert!(
        centre["nextMonitoringAt"].is_string(),
        "support is monitored"
    );

    let application = json!({
        "source": "APPLICATION", "reason": "Нет средств к существованию",
        "persons": [{ "role": "MOTHER", "fullName": "Сидорова Ольга Павловна" }]
    });
    let social = hub.opened(&hub.social_curator, application.clone()).await;
    assert_eq!(social["status"], "ASSESSMENT");
    assert_eq!(
        social["intake"]["number"],
        format!("INT-{year}-0001"),
        "its own journal"
    );
    let mut referral = application.clone();
    referral["source"] = json!("REFERRAL");
    referral["referredBy"] = json!("Детская поликлиника №3");
    let referred = hub.opened(&hub.social_curator, referral.clone()).await;
    assert_eq!(referred["intake"]["number"], format!("INT-{year}-0002"));
    assert_eq!(referred["intake"]["referredBy"], "Детская поликлиника №3");

    let mut shelter = application.clone();
    shelter["shelter"] = json!(true);
    let ngo = hub.opened(&hub.ngo_curator, shelter.clone()).await;
    assert_eq!(ngo["shelter"], true);
    let guardianship = hub.opened(&hub.officer, referral).await;
    assert_eq!(guardianship["scope"], "FULL");

    // A maternity hospital sends signals; it opens no cases.
    let refused = hub.open(&hub.maternity_head, application.clone()).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    // Only an NGO's shelter opens shelter cases.
    let refused = hub.open(&hub.social_curator, shelter).await;
    assert_eq!(error_field(&refused), Some("shelter"), "{refused}");
    // Another agency finds nothing of the centre's case.
    let other = hub
        .case_as(
            &hub.social_curator,
            centre["id"].as_str().unwrap_or_default(),
        )
        .await;
    assert_eq!(error_code(&other), Some("NOT_FOUND"), "{other}");
}

#[tokio::test]
async fn bad_intake_input_names_the_field() {
    let hub = intake_hub().await;
    let field = |body: &Value| error_field(body).map(str::to_owned);
    let mut input = placed_child(0);
    input["registeredOn"] = json!(today_in(KAMCHATKA, 1).to_string());
    assert_eq!(
        field(&hub.open(&hub.staff, input).await).as_deref(),
        Some("registeredOn")
    );
    let mut input = placed_child(0);
    input["placement"]["since"] = json!(today_in(KAMCHATKA, 1).to_string());
    assert_eq!(
        field(&hub.open(&hub.staff, input).await).as_deref(),
        Some("placement.since")
    );
    let mut input = placed_child(0);
    input["placement"]["place"] = json!("  ");
    assert_eq!(
        field(&hub.open(&hub.staff, input).await).as_deref(),
        Some("placement.place")
    );
    let mut input = placed_child(0);
    input["placement"] = Value::Null;
    assert_eq!(
        field(&hub.open(&hub.staff, input).await).as_deref(),
        Some("placement")
    );
    let mut input = placed_child(0);
    input["reason"] = json!("");
    assert_eq!(
        field(&hub.open(&hub.staff, input).await).as_deref(),
        Some("reason")
    );
    let mut input = placed_child(0);
    input["source"] = json!("REFERRAL");
    assert_eq!(
        field(&hub.open(&hub.staff, input).await).as_deref(),
        Some("referredBy")
    );
    let mut input = placed_child(0);
    input["persons"] = json!([]);
    assert_eq!(
        field(&hub.open(&hub.staff, input).await).as_deref(),
        Some("persons")
    );
    let mut input = placed_child(0);
    input["persons"][0]["fullName"] = json!(" ");
    assert_eq!(
        field(&hub.open(&hub.staff, input).await).as_deref(),
        Some("persons.fullName")
    );
    let mut input = placed_child(0);
    input["stage"] = json!("CLOSED");
    assert_eq!(
        field(&hub.open(&hub.staff, input).await).as_deref(),
        Some("stage")
    );
    assert_eq!(
        hub.app.count("case_intakes").await,
        0,
        "nothing half-written"
    );
}

#[tokio::test]
async fn the_work_log_content_is_read_in_full_only_and_other_agencies_find_nothing() {
    let hub = intake_hub().await;
    let case = hub.opened(&hub.staff, placed_child(-3)).await;
    let id = case["id"].as_str().unwrap_or_default();
    let mut session = entry("PSYCHOLOGICAL_SESSION", today_in(KAMCHATKA, -1));
    let logged = hub.log(&hub.psychologist, id, session.clone()).await;
    let logged = &logged["data"]["addWorkLogEntry"];
    assert_eq!(
        logged["specialistId"],
        hub.psychologist_id.as_str(),
        "{logged}"
    );
    assert_eq!(logged["content"], "Беседа с матерью о посещениях ребёнка");
    assert_eq!(logged["contact"], true);
    // Read in FULL: the words, and the read is audited.
    let (before, _) = hub.app.reads_naming(id).await;
    let read = hub.case_as(&hub.staff, id).await;
    assert_eq!(
        read["data"]["case"]["workLog"][0]["content"],
        "Беседа с матерью о посещениях ребёнка"
    );
    let (after, with_case) = hub.app.reads_naming(id).await;
    assert!(after > before && with_case > 0, "the read is audited");
    // Another agency: nothing to read, nothing to write.
    let other = hub.case_as(&hub.social_curator, id).await;
    assert_eq!(error_code(&other), Some("NOT_FOUND"), "{other}");
    let other = hub.log(&hub.social_curator, id, session.clone()).await;
    assert_eq!(error_code(&other), Some("NOT_FOUND"), "{other}");
    // Bad input names its field.
    session["durationMinutes"] = json!(0);
    let bad = hub.log(&hub.psychologist, id, session.clone()).await;
    assert_eq!(error_field(&bad), Some("durationMinutes"), "{bad}");
    session["durationMinutes"] = json!(30);
    session["occurredOn"] = json!(today_in(KAMCHATKA, 1).to_string());
    let bad = hub.log(&hub.psychologist, id, session.clone()).await;
    assert_eq!(error_field(&bad), Some("occurredOn"), "{bad}");
    session["occurredOn"] = json!(today_in(KAMCHATKA, -30).to_string());
    let bad = hub.log(&hub.psychologist, id, session.clone()).await;
    assert_eq!(
        error_field(&bad),
        Some("occurredOn"),
        "before the intake: {bad}"
    );
    session["occurredOn"] = Value::Null;
    session["content"] = json!(" ");
    let bad = hub.log(&hub.psychologist, id, session.clone()).await;
    assert_eq!(error_field(&bad), Some("content"), "{bad}");
    session["content"] = json!("Занятие");
    session["specialistId"] = json!(
        hub.app
            .create_user(&hub.admin, &hub.social, "x@kcson.example", &["CURATOR"])
            .await
    );
    let bad = hub.log(&hub.psychologist, id, session).await;
    assert_eq!(error_field(&bad), Some("specialistId"), "{bad}");
}

#[tokio::test]
async fn a_summary_agency_sees_the_log_s_days_and_kinds_but_no_words() {
    let hub = crate::signals::signal_hub().await;
    let case = crate::cases::open_case_in(&hub).await;
    let nurse_view = "query($id: ID!) { case(id: $id) { scope contact { noContact } workLog { kind durationMinutes specialistId content } } }";
    let q = "mutation($c: ID!, $i: WorkLogEntryInput!) { addWorkLogEntry(caseId: $c, input: $i) { id } }";
    let input = json!({ "kind": "HOME_VISIT", "durationMinutes": 90, "content": "Патронаж: условия для ребёнка есть" });
    let body = hub
        .app
        .gql(Some(&hub.curator), q, json!({ "c": case, "i": input }))
        .await;
    assert!(body["data"]["addWorkLogEntry"]["id"].is_string(), "{body}");
    let seen = hub
        .app
        .gql(Some(&hub.nurse), nurse_view, json!({ "id": case }))
        .await;
    let seen = &seen["data"]["case"];
    assert_eq!(seen["scope"], "SUMMARY", "{seen}");
    assert_eq!(seen["workLog"][0]["kind"], "HOME_VISIT");
    assert_eq!(seen["workLog"][0]["durationMinutes"], 90);
    assert!(seen["workLog"][0]["content"].is_null(), "{seen}");
    assert!(seen["workLog"][0]["specialistId"].is_null());
    assert!(seen["contact"].is_null());
    let ngo = hub.app.login("curator@ngo.example", PASSWORD).await;
    let none = hub
        .app
        .gql(Some(&ngo), nurse_view, json!({ "id": case }))
        .await;
    assert_eq!(error_code(&none), Some("NOT_FOUND"), "{none}");
    // The hospital cannot write in the service's log.
    let refused = hub
        .app
        .gql(Some(&hub.nurse), q, json!({ "c": case, "i": input }))
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
}

#[tokio::test]
async fn days_since_contact_and_the_no_contact_flag_at_its_boundary() {
    let hub = intake_hub().await;
    // The centre's setting is 14 days (Kamchatka days): 14 quiet days are not flagged…
    let quiet = hub.opened(&hub.staff, placed_child(-14)).await;
    assert_eq!(quiet["contact"]["daysSinceContact"], 14, "{quiet}");
    assert_eq!(quiet["contact"]["alertDays"], 14);
    assert_eq!(quiet["contact"]["noContact"], false);
    // …the fifteenth is.
    let late = hub.opened(&hub.staff, placed_child(-15)).await;
    let id = late["id"].as_str().unwrap_or_default();
    assert_eq!(late["contact"]["daysSinceContact"], 15);
    assert_eq!(late["contact"]["noContact"], true);
    // A contact attempt that did not reach the family is no contact.
    let tried = hub
        .log(
            &hub.staff,
            id,
            entry("CONTACT_ATTEMPT", today_in(KAMCHATKA, 0)),
        )
        .await;
    assert_eq!(
        tried["data"]["addWorkLogEntry"]["contact"], false,
        "{tried}"
    );
    let still = hub.case_as(&hub.staff, id).await;
    assert_eq!(still["data"]["case"]["contact"]["noContact"], true);
    // A home visit three days ago is.
    hub.log(&hub.staff, id, entry("HOME_VISIT", today_in(KAMCHATKA, -3)))
        .await;
    let seen = hub.case_as(&hub.staff, id).await;
    let contact = &seen["data"]["case"]["contact"];
    assert_eq!(contact["daysSinceContact"], 3, "{seen}");
    assert_eq!(
        contact["lastContactOn"],
        today_in(KAMCHATKA, -3).to_string()
    );
    assert_eq!(contact["noContact"], false);
    // The setting is the agency's; out of range it names the field.
    let set = "mutation($id: ID!, $d: Int!) { updateAgency(id: $id, input: {noContactAlertDays: $d}) { noContactAlertDays } }";
    let two = hub
        .app
        .gql(Some(&hub.admin), set, json!({ "id": hub.rehab, "d": 2 }))
        .await;
    assert_eq!(
        two["data"]["updateAgency"]["noContactAlertDays"], 2,
        "{two}"
    );
    let seen = hub.case_as(&hub.staff, id).await;
    assert_eq!(seen["data"]["case"]["contact"]["noContact"], true, "3 > 2");
    let bad = hub
        .app
        .gql(Some(&hub.admin), set, json!({ "id": hub.rehab, "d": 0 }))
        .await;
    assert_eq!(error_field(&bad), Some("noContactAlertDays"), "{bad}");
}

#[tokio::test]
async fn monitoring_is_weekly_in_decision_work_and_three_monthly_in_support_in_each_zone() {
    let hub = intake_hub().await;
    // Social protection, Moscow: an application, then decision work (monitored weekly).
    let application = json!({
        "source": "APPLICATION", "reason": "Мать сомневается, забирать ли ребёнка",
        "persons": [{ "role": "MOTHER", "fullName": "Сидорова Ольга Павловна" }]
    });
    let case = hub.opened(&hub.social_curator, application).await;
    let id = case["id"].as_str().unwrap_or_default();
    let early = hub
        .monitor(&hub.social_curator, id, review("CONTINUE"))
        .await;
    assert_eq!(
        error_code(&early),
        Some("CONFLICT"),
        "not in assessment: {early}"
    );
    let started = hub
        .app
        .gql(
            Some(&hub.social_curator),
            "mutation($id: ID!) { startDecisionWork(caseId: $id) { nextMonitoringAt } }",
            json!({ "id": id }),
        )
        .await;
    let first = instant(&started["data"]["startDecisionWork"]["nextMonitoringAt"]);
    assert_eq!(first, end_of(today_in(MOSCOW, 7), MOSCOW), "{started}");
    // Monitoring during decision work is allowed now, with its content.
    let body = hub
        .monitor(&hub.social_curator, id, review("MOVE_TO_SUPPORT"))
        .await;
    let case = &body["data"]["recordMonitoring"];
    let sheet = &case["monitoring"][0];
    assert_eq!(sheet["stage"], "DECISION_WORK", "{body}");
    assert_eq!(sheet["decision"], "MOVE_TO_SUPPORT");
    assert_eq!(sheet["effect"], "POSITIVE");
    assert_eq!(
        sheet["participants"]["supervisorName"],
        "Соколова Вера Андреевна"
    );
    assert_eq!(sheet["nextDueOn"], today_in(MOSCOW, 7).to_string());
    let moscow_due = instant(&case["nextMonitoringAt"]);
    assert_eq!(moscow_due, end_of(today_in(MOSCOW, 7), MOSCOW));
    assert_eq!(case["monitoringOverdue"], false);

    // The centre, Kamchatka: a case in support, reviewed every three months.
    let placed = hub.opened(&hub.staff, placed_child(-200)).await;
    let pid = placed["id"].as_str().unwrap_or_default();
    let moved = hub
        .monitor(&hub.staff, pid, review("MOVE_TO_SUPPORT"))
        .await;
    assert_eq!(error_field(&moved), Some("decision"), "{moved}");
    let mut late = review("CONTINUE");
    late["occurredOn"] = json!(today_in(KAMCHATKA, -100).to_string());
    let body = hub.monitor(&hub.staff, pid, late).await;
    let case = &body["data"]["recordMonitoring"];
    let due_on = today_in(KAMCHATKA, -100) + Months::new(3);
    assert_eq!(
        case["monitoring"][0]["nextDueOn"],
        due_on.to_string(),
        "{body}"
    );
    let kamchatka_due = instant(&case["nextMonitoringAt"]);
    assert_eq!(kamchatka_due, end_of(due_on, KAMCHATKA));
    assert_eq!(case["monitoringOverdue"], true, "due {due_on}: overdue now");
    let listed = hub
        .app
        .gql(
            Some(&hub.staff),
            "{ overdueMonitoring(mine: true) { nodes { id journalNumber } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"]["overdueMonitoring"]["nodes"][0]["id"], pid,
        "{listed}"
    );
    let others = hub
        .app
        .gql(
            Some(&hub.social_curator),
            "{ overdueMonitoring { nodes { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        others["data"]["overdueMonitoring"]["nodes"],
        json!([]),
        "{others}"
    );

    // Reminded once, from the end of the due day in each agency's own zone.
    let config = test_config();
    let round = |at| caselink::notify::reminders::round(&hub.app.db, &config.mail, at);
    round(moscow_due - Duration::seconds(1))
        .await
        .expect("a round");
    assert_eq!(hub.outbox("MONITORING_OVERDUE").await, 0, "not yet");
    round(moscow_due).await.expect("a round");
    let reminded = hub.outbox("MONITORING_OVERDUE").await;
    assert!(reminded > 0, "due at the end of the Moscow day");
    round(moscow_due + Duration::hours(1))
        .await
        .expect("a round");
    assert_eq!(hub.outbox("MONITORING_OVERDUE").await, reminded, "once");
    round(kamchatka_due - Duration::seconds(1))
        .await
        .expect("a round");
    assert_eq!(hub.outbox("MONITORING_OVERDUE").await, reminded, "not yet");
    round(kamchatka_due).await.expect("a round");
    assert!(
        hub.outbox("MONITORING_OVERDUE").await > reminded,
        "the centre's turn"
    );
}

#[tokio::test]
async fn a_review_names_who_took_part_and_only_the_case_s_plan_tasks() {
    let h = crate::plans::plan_hub().await;
    let app = h.app();
    app.gql(
        Some(&h.hub.curator),
        "mutation($id: ID!) { startDecisionWork(caseId: $id) { id } }",
        json!({ "id": h.case }),
    )
    .await;
    let mut input = crate::plans::ipsr(&h);
    input["kind"] = json!("DECISION_CHANGE");
    input["header"]["refusalCauses"] = json!("Нет жилья");
    input["header"]["strengths"] = json!("Поддержка бабушки");
    input["nextReviewOn"] = Value::Null;
    let body = crate::plans::create(&h, &h.hub.curator, input).await;
    let plan = body["data"]["createPlan"].clone();
    let task = plan["tasks"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let q = format!("mutation($c: ID!, $i: MonitoringInput!) {{ recordMonitoring(caseId: $c, input: $i) {{ {CASE} }} }}");
    let (curator, case_id) = (h.hub.curator.clone(), h.case.clone());
    let send = |input: Value| {
        let (q, curator, case_id) = (q.clone(), curator.clone(), case_id.clone());
        async move {
            app.gql(Some(&curator), &q, json!({ "c": case_id, "i": input }))
                .await
        }
    };
    let mut nobody = review("CONTINUE");
    nobody["curatorTookPart"] = json!(false);
    nobody["supervisorName"] = Value::Null;
    assert_eq!(error_field(&send(nobody).await), Some("participants"));
    let mut stranger = review("REVISE_PLAN");
    stranger["progress"] = json!([{ "taskId": h.case, "note": "Сделано" }]);
    assert_eq!(error_field(&send(stranger).await), Some("progress.taskId"));
    let mut future = review("CONTINUE");
    future["occurredOn"] = json!(crate::plans::day_in(1));
    assert_eq!(error_field(&send(future).await), Some("occurredOn"));
    let mut good = review("REVISE_PLAN");
    good["progress"] = json!([{ "taskId": task, "note": "Записалась к психологу" }]);
    let body = send(good).await;
    let sheet = &body["data"]["recordMonitoring"]["monitoring"][0];
    assert_eq!(sheet["progress"][0]["taskId"], task.as_str(), "{body}");
    assert_eq!(sheet["progress"][0]["note"], "Записалась к психологу");
    // The review is the decision-change plan's weekly review: its next one moves along.
    let plan =
        crate::plans::plan_as(&h, &h.hub.curator, plan["id"].as_str().unwrap_or_default()).await;
    assert_eq!(
        plan["data"]["plan"]["nextReviewOn"], sheet["nextDueOn"],
        "{plan}"
    );
    // The hospital (SUMMARY) sees the day and decision, not who or why.
    let nurse = "query($id: ID!) { case(id: $id) { monitoring { decision nextDueOn effect causes participants { curator } progress { note } } } }";
    let seen = app
        .gql(Some(&h.hub.nurse), nurse, json!({ "id": h.case }))
        .await;
    let seen = &seen["data"]["case"]["monitoring"][0];
    assert_eq!(seen["decision"], "REVISE_PLAN", "{seen}");
    assert!(seen["effect"].is_null() && seen["causes"].is_null() && seen["participants"].is_null());
    assert!(seen["progress"].is_null());
}

#[tokio::test]
async fn the_no_contact_reminder_comes_once_by_mail_with_no_personal_data() {
    let sink = SmtpSink::start().await;
    let hub = intake_hub_on(spawn_app_with(mail_to(sink.port)).await).await;
    // A child placed 16 days ago with no contact since: the flag rose at the start of
    // yesterday (Kamchatka); a round now raises it, and the mail goes out.
    let case = hub.opened(&hub.staff, placed_child(-16)).await;
    let id = case["id"].as_str().unwrap_or_default();
    let config = test_config();
    let round = |at| caselink::notify::reminders::round(&hub.app.db, &config.mail, at);
    round(Utc::now()).await.expect("a round");
    let sent = hub.outbox("NO_CONTACT_ALERT").await;
    assert!(sent > 0);
    // Another case, visited yesterday: reminded once, from the end of its 14th quiet day.
    let visited = hub.opened(&hub.staff, placed_child(-2)).await;
    let visited = visited["id"].as_str().unwrap_or_default();
    hub.log(
        &hub.staff,
        visited,
        entry("HOME_VISIT", today_in(KAMCHATKA, -1)),
    )
    .await;
    let alert_at = end_of(today_in(KAMCHATKA, -1 + 14), KAMCHATKA);
    round(alert_at - Duration::seconds(1))
        .await
        .expect("a round");
    assert_eq!(hub.outbox("NO_CONTACT_ALERT").await, sent, "not yet");
    round(alert_at).await.expect("a round");
    let reminded = hub.outbox("NO_CONTACT_ALERT").await;
    assert!(reminded > sent);
    round(alert_at + Duration::hours(2)).await.expect("a round");
    assert_eq!(hub.outbox("NO_CONTACT_ALERT").await, reminded, "once");
    let mail = wait_for_subject(&sink, "Давно не было контакта с семьёй", 1).await;
    let number = case["journalNumber"].as_str().unwrap_or_default();
    assert!(mail.iter().any(|m| m.readable().contains(number)));
    assert!(mail.iter().any(|m| m
        .readable()
        .contains(&format!("https://hub.example/cases/{id}"))));
    for message in sink.received() {
        let all = format!("{}\n{}", message.data, message.readable());
        for personal in [
            "Петров",
            "Петрова",
            "Беседа с матерью",
            "Солнышко",
            "алкоголем",
        ] {
            assert!(!all.contains(personal), "{personal} in a message:\n{all}");
        }
    }
}
