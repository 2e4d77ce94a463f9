//! Effectiveness reports (issue 18): every ratio of seed 001 on a hand-built record whose
//! answer is known, with its edges (an empty period, a signal at local midnight in
//! another time zone, a zero denominator, a woman with two signals); who sees which
//! figures; the hospital's months; the frozen half-year conclusion. Both databases.

use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::cases::open_case_in;
use crate::harness::{error_code, error_field, PASSWORD};
use crate::signals::{report_input, signal_hub, SignalHub};

pub const RATIO: &str =
    "numerator denominator value percent status journalNumbers denominatorJournalNumbers";

pub fn report_fields() -> String {
    format!(
        "agencyId agencyName periodFrom periodTo timeZone givesSupport
         signalsAgainstRefusals {{ {RATIO} }}
         hospitals {{ hospitalId hospitalName signalsAgainstRefusals {{ {RATIO} }} births {{ monthsRecorded births refusals refusalsPer100Births previousYearPer100Births changePoints }} }}
         passedOnTime {{ {RATIO} }} specialistOnTime {{ {RATIO} }} visitOnTime {{ {RATIO} }}
         changedDecision {{ {RATIO} }} changedNoSupport {{ {RATIO} }} changedNeedingSupport {{ {RATIO} }}
         closedRehabilitated {{ {RATIO} }} closedCommitmentsBroken {{ {RATIO} }} closedChildEndangered {{ {RATIO} }}
         outcomes {{ reason cases }} months {{ month signals refusals births }}
         caseload {{ norm curators openCases largest curatorsOverNorm }}
         interagency {{ mrgMeetingsHeld reunificationsCompleted recommendationsDoneOnTime {{ {RATIO} }} }}"
    )
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("a time")
}

fn uuid(id: &str) -> Uuid {
    Uuid::parse_str(id).expect("an id")
}

/// Puts a signal's times where the test wants them: registered 10 minutes after
/// detection (specialist clock met), passed `passed_after` after registration (3 h clock),
/// received at `received`, and when `visited_after` is given, visit due 3 h after receipt
/// and made that long after it.
async fn set_signal_times(
    hub: &SignalHub,
    signal: &str,
    received: DateTime<Utc>,
    passed_after: Duration,
    visited_after: Option<Duration>,
) {
    let registered = received - passed_after;
    let detected = registered - Duration::minutes(10);
    let (visit_due, visited) = match visited_after {
        Some(after) => (Some(received + Duration::hours(3)), Some(received + after)),
        None => (None, None),
    };
    const SQL: &str = "UPDATE signals SET detected_at = $2, specialist_due_at = $3,
        registered_at = $4, passing_due_at = $5, passed_at = $6, received_at = $6,
        visit_due_at = $7, visited_at = $8 WHERE id = $1";
    caselink::with_db!(&hub.app.db, |pool| sqlx::query(SQL)
        .bind(uuid(signal))
        .bind(detected)
        .bind(detected + Duration::minutes(30))
        .bind(registered)
        .bind(registered + Duration::hours(3))
        .bind(received)
        .bind(visit_due)
        .bind(visited)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .expect("set the signal's times");
}

/// Sets a case's decision, support and closure.
async fn set_case(
    hub: &SignalHub,
    case: &str,
    support_started: Option<&str>,
    closed: Option<(&str, &str)>,
) {
    let status = if closed.is_some() {
        "CLOSED"
    } else if support_started.is_some() {
        "SUPPORT"
    } else {
        "DECISION_WORK"
    };
    const SQL: &str = "UPDATE cases SET status = $2, support_started_at = $3, closed_at = $4,
        closure_reason = $5 WHERE id = $1";
    caselink::with_db!(&hub.app.db, |pool| sqlx::query(SQL)
        .bind(uuid(case))
        .bind(status)
        .bind(support_started.map(t))
        .bind(closed.map(|(at, _)| t(at)))
        .bind(closed.map(|(_, reason)| reason))
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .expect("set the case");
}

async fn case_signal(hub: &SignalHub, case: &str) -> String {
    let sql = "SELECT signal_id FROM cases WHERE id = $1";
    let id: Option<Uuid> = caselink::with_db!(&hub.app.db, |pool| sqlx::query_scalar(sql)
        .bind(uuid(case))
        .fetch_one(pool)
        .await)
    .expect("the case's signal");
    id.expect("opened from a signal").to_string()
}

/// A signal from the hospital about another mother, received by the service.
async fn other_mother_signal(hub: &SignalHub) -> String {
    let now = Utc::now();
    let mut input = report_input(
        &hub.service,
        now - Duration::minutes(40),
        now - Duration::minutes(20),
    );
    input["mother"]["fullName"] = json!("Петрова Ольга Ивановна");
    input["mother"]["birthDate"] = json!("2001-09-09");
    let body = hub.report(input).await;
    let id = body["data"]["reportSignal"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("report failed: {body}"));
    hub.step(&hub.head, "receiveSignal(id: $id)", json!({ "id": id }))
        .await;
    id
}

/// The hub's record, hand-built, with its known answers for the first half of 2026 in
/// the service's time (Moscow):
/// - case 1 (Иванова): signal received 10 Feb, passed 1 h after registration, visited
///   1 h after receipt; support from 20 Feb; closed 1 May, support completed (a);
/// - case 2 (Иванова again, a second signal): received 1 Mar, passed 4 h after
///   registration (late), visited 5 h after receipt (late); decision changed and
///   resolved 5 Mar;
/// - a signal about Петрова received 1 Apr, passed after 2 h, no visit due;
/// - a signal about Петрова received 30 June 21:00 UTC: 1 July 00:00 in Moscow, the
///   second half year (02:00 in the hospital's Yekaterinburg);
/// - the hospital recorded January (500 births, 4 refusals) and February (500, 2) of
///   2026 and January 2025 (1000, 18).
pub struct ReportHub {
    pub hub: SignalHub,
    pub case1: String,
    pub case2: String,
}

pub async fn report_hub() -> ReportHub {
    let hub = signal_hub().await;
    let case1 = open_case_in(&hub).await;
    let case2 = open_case_in(&hub).await;
    let s1 = case_signal(&hub, &case1).await;
    let s2 = case_signal(&hub, &case2).await;
    let s3 = other_mother_signal(&hub).await;
    let s4 = other_mother_signal(&hub).await;
    set_signal_times(
        &hub,
        &s1,
        t("2026-02-10T10:00:00Z"),
        Duration::hours(1),
        Some(Duration::hours(1)),
    )
    .await;
    set_signal_times(
        &hub,
        &s2,
        t("2026-03-01T10:00:00Z"),
        Duration::hours(4),
        Some(Duration::hours(5)),
    )
    .await;
    set_signal_times(
        &hub,
        &s3,
        t("2026-04-01T10:00:00Z"),
        Duration::hours(2),
        None,
    )
    .await;
    set_signal_times(
        &hub,
        &s4,
        t("2026-06-30T21:00:00Z"),
        Duration::hours(2),
        None,
    )
    .await;
    set_case(
        &hub,
        &case1,
        Some("2026-02-20T10:00:00Z"),
        Some(("2026-05-01T10:00:00Z", "SUPPORT_COMPLETED")),
    )
    .await;
    set_case(
        &hub,
        &case2,
        None,
        Some(("2026-03-05T10:00:00Z", "DECISION_CHANGED_RESOLVED")),
    )
    .await;
    for (month, births, refusals) in [
        ("2026-01-01", 500, 4),
        ("2026-02-01", 500, 2),
        ("2025-01-01", 1000, 18),
    ] {
        let body = record_month(&hub, &hub.nurse, month, births, refusals).await;
        assert!(body["errors"].is_null(), "{body}");
    }
    ReportHub { hub, case1, case2 }
}

pub async fn record_month(
    hub: &SignalHub,
    token: &str,
    month: &str,
    births: i32,
    refusals: i32,
) -> Value {
    let query = "mutation($m: NaiveDate!, $b: Int!, $r: Int!) { recordHospitalMonth(month: $m, births: $b, refusals: $r) { month births refusals refusalsPer100Births version } }";
    hub.app
        .gql(
            Some(token),
            query,
            json!({ "m": month, "b": births, "r": refusals }),
        )
        .await
}

pub async fn report_as(
    hub: &SignalHub,
    token: &str,
    from: &str,
    to: &str,
    agency: Option<&str>,
) -> Value {
    let query = format!(
        "query($p: ReportPeriodInput!, $a: ID) {{ effectivenessReport(period: $p, agencyId: $a) {{ {} }} }}",
        report_fields()
    );
    hub.app
        .gql(
            Some(token),
            &query,
            json!({ "p": { "from": from, "to": to }, "a": agency }),
        )
        .await
}

fn counts(ratio: &Value) -> (i64, i64) {
    (
        ratio["numerator"].as_i64().unwrap_or(-1),
        ratio["denominator"].as_i64().unwrap_or(-1),
    )
}

#[tokio::test]
async fn every_ratio_of_the_half_year_comes_out_as_counted_by_hand() {
    let h = report_hub().await;
    let hub = &h.hub;
    let body = report_as(hub, &hub.head, "2026-01-01", "2026-06-30", None).await;
    let r = &body["data"]["effectivenessReport"];
    assert_eq!(r["timeZone"], "Europe/Moscow", "{body}");
    // Three signals in the half year (the fourth is in July, Moscow time) against the
    // hospital's six refusals.
    assert_eq!(counts(&r["signalsAgainstRefusals"]), (3, 6), "{body}");
    assert_eq!(r["signalsAgainstRefusals"]["value"], 0.5);
    let line = &r["hospitals"][0];
    assert_eq!(line["hospitalName"], "Перинатальный центр");
    assert_eq!(counts(&line["signalsAgainstRefusals"]), (3, 6));
    assert_eq!(line["births"]["births"], 1000);
    assert_eq!(line["births"]["refusalsPer100Births"], 0.6);
    assert_eq!(line["births"]["previousYearPer100Births"], 1.8);
    assert_eq!(line["births"]["changePoints"], -1.2);
    // The clocks: passed within 3 h (2 of 3), the 30-minute clock (3 of 3), visits (1 of 2).
    assert_eq!(counts(&r["passedOnTime"]), (2, 3));
    assert_eq!(counts(&r["specialistOnTime"]), (3, 3));
    assert_eq!(counts(&r["visitOnTime"]), (1, 2));
    // Women, not cases or signals: Иванова (two signals, two cases) counts once.
    assert_eq!(counts(&r["changedDecision"]), (1, 2));
    assert_eq!(r["changedDecision"]["value"], 0.5);
    assert_eq!(counts(&r["changedNoSupport"]), (1, 1));
    assert_eq!(counts(&r["changedNeedingSupport"]), (1, 1));
    assert_eq!(counts(&r["closedRehabilitated"]), (1, 1));
    assert_eq!(r["closedRehabilitated"]["status"], "VALUE");
    assert_eq!(counts(&r["closedCommitmentsBroken"]), (0, 1));
    assert_eq!(r["closedCommitmentsBroken"]["value"], 0.0);
    assert_eq!(counts(&r["closedChildEndangered"]), (0, 1));
    // The head drills down to the journal numbers.
    let numbers = r["changedDecision"]["journalNumbers"].to_string();
    assert!(
        numbers.contains("CASE-") && numbers.matches("CASE-").count() == 2,
        "{numbers}"
    );
    assert_eq!(
        r["signalsAgainstRefusals"]["journalNumbers"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    // Months: signals in February, March, April; refusals in January and February.
    let months = r["months"].as_array().cloned().unwrap_or_default();
    assert_eq!(months.len(), 6);
    let signals: Vec<i64> = months
        .iter()
        .map(|m| m["signals"].as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(signals, vec![0, 1, 1, 1, 0, 0]);
    assert_eq!(months[0]["refusals"], 4);

    // The second half year holds the signal received at Moscow midnight, and no case
    // moved: the women who changed have no data to be counted against... but one signal.
    let body = report_as(hub, &hub.head, "2026-07-01", "2026-12-31", None).await;
    let r = &body["data"]["effectivenessReport"];
    assert_eq!(counts(&r["changedDecision"]), (0, 1), "{body}");
    assert_eq!(counts(&r["changedNoSupport"]), (0, 0));
    assert_eq!(r["changedNoSupport"]["status"], "NO_DATA");
    assert_eq!(r["changedNoSupport"]["value"], Value::Null);
    // No refusals recorded for the second half: no data, never 0 and never an error.
    assert_eq!(r["signalsAgainstRefusals"]["status"], "NO_DATA");

    // An empty period: every ratio "no data".
    let body = report_as(hub, &hub.head, "2024-01-01", "2024-06-30", None).await;
    let r = &body["data"]["effectivenessReport"];
    for key in [
        "signalsAgainstRefusals",
        "passedOnTime",
        "changedDecision",
        "closedRehabilitated",
    ] {
        assert_eq!(r[key]["status"], "NO_DATA", "{key}: {body}");
        assert_eq!(r[key]["value"], Value::Null);
    }

    // Where the service does not give the support itself, the first closure ratio is n/a.
    let set = "mutation($a: ID!) { setAgencyGivesSupport(agencyId: $a, givesSupport: false) }";
    let body = hub
        .app
        .gql(Some(&hub.head), set, json!({ "a": hub.service }))
        .await;
    assert_eq!(body["data"]["setAgencyGivesSupport"], false, "{body}");
    let body = report_as(hub, &hub.head, "2026-01-01", "2026-06-30", None).await;
    let r = &body["data"]["effectivenessReport"];
    assert_eq!(
        r["closedRehabilitated"]["status"], "NOT_APPLICABLE",
        "{body}"
    );
    assert_eq!(r["closedRehabilitated"]["value"], Value::Null);
    assert_eq!(r["closedCommitmentsBroken"]["status"], "VALUE");
    // A curator may not change the setting.
    let body = hub
        .app
        .gql(Some(&hub.curator), set, json!({ "a": hub.service }))
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
}

#[tokio::test]
async fn an_agency_sees_its_own_figures_and_a_regional_analyst_its_territorys_without_names_or_numbers(
) {
    let h = report_hub().await;
    let hub = &h.hub;
    let app = &hub.app;
    // Another service of the same region, with its head.
    let other = app
        .create_agency(&hub.admin, "Служба №2", "PREVENTION_SERVICE")
        .await;
    app.create_user(
        &hub.admin,
        &other,
        "head@other.example",
        &["HEAD_OF_SERVICE"],
    )
    .await;
    let other_head = app.login("head@other.example", PASSWORD).await;
    let body = report_as(
        hub,
        &other_head,
        "2026-01-01",
        "2026-06-30",
        Some(&hub.service),
    )
    .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    // A curator reads no report.
    let body = report_as(hub, &hub.curator, "2026-01-01", "2026-06-30", None).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    // A bad period names its field.
    let body = report_as(hub, &hub.head, "2026-06-30", "2026-01-01", None).await;
    assert_eq!(error_field(&body), Some("period.to"), "{body}");

    // A regional analyst in the region's ministry.
    let ministry = app
        .create_agency(&hub.admin, "Депсоцразвития Югры", "SOCIAL_PROTECTION")
        .await;
    app.create_user(
        &hub.admin,
        &ministry,
        "analyst@region.example",
        &["REGIONAL_ANALYST"],
    )
    .await;
    let analyst = app.login("analyst@region.example", PASSWORD).await;
    let query = format!(
        "query($p: ReportPeriodInput!) {{ territoryReport(period: $p) {{ {} }} }}",
        report_fields()
    );
    let body = app
        .gql(
            Some(&analyst),
            &query,
            json!({ "p": { "from": "2026-01-01", "to": "2026-06-30" } }),
        )
        .await;
    let all = body["data"]["territoryReport"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(all.len() >= 4, "{body}");
    let service = all
        .iter()
        .find(|r| r["agencyId"] == hub.service.as_str())
        .unwrap_or_else(|| panic!("the service is in the territory: {body}"));
    assert_eq!(counts(&service["changedDecision"]), (1, 2));
    assert_eq!(service["changedDecision"]["journalNumbers"], Value::Null);
    let text = body.to_string();
    for private in ["Иванова", "Петрова", "SIG-", "CASE-"] {
        assert!(!text.contains(private), "{private} in {text}");
    }
    // One agency of the territory, by id: the same, without numbers.
    let body = report_as(
        hub,
        &analyst,
        "2026-01-01",
        "2026-06-30",
        Some(&hub.service),
    )
    .await;
    assert_eq!(
        counts(&body["data"]["effectivenessReport"]["passedOnTime"]),
        (2, 3),
        "{body}"
    );
    assert!(!body.to_string().contains("SIG-"));
    // An agency of another region does not exist for the analyst.
    let create = "mutation($i: CreateAgencyInput!) { createAgency(input: $i) { id } }";
    let input = json!({ "name": "Служба Тамбова", "kind": "PREVENTION_SERVICE", "region": "Тамбовская область", "timeZone": "Europe/Moscow", "contactEmail": "office@tambov.example" });
    let far = app
        .gql(Some(&hub.admin), create, json!({ "i": input }))
        .await;
    let far = far["data"]["createAgency"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let body = report_as(hub, &analyst, "2026-01-01", "2026-06-30", Some(&far)).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    // The regional view is the regional analyst's only.
    let body = app
        .gql(
            Some(&hub.head),
            &query,
            json!({ "p": { "from": "2026-01-01", "to": "2026-06-30" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
}

#[tokio::test]
async fn a_hospital_records_its_months_and_only_a_hospital_does() {
    let hub = signal_hub().await;
    let body = record_month(&hub, &hub.nurse, "2026-03-01", 200, 3).await;
    let m = &body["data"]["recordHospitalMonth"];
    assert_eq!(m["refusalsPer100Births"], 1.5, "{body}");
    assert_eq!(m["version"], 1);
    let body = record_month(&hub, &hub.nurse, "2026-03-01", 200, 2).await;
    assert_eq!(
        body["data"]["recordHospitalMonth"]["version"], 2,
        "a correction: {body}"
    );
    let body = record_month(&hub, &hub.nurse, "2026-03-01", 2, 3).await;
    assert_eq!(error_field(&body), Some("refusals"), "{body}");
    let body = record_month(&hub, &hub.nurse, "2026-03-15", 2, 1).await;
    assert_eq!(error_field(&body), Some("month"), "{body}");
    let body = record_month(&hub, &hub.nurse, "2099-01-01", 2, 1).await;
    assert_eq!(error_field(&body), Some("month"), "{body}");
    let body = record_month(&hub, &hub.head, "2026-03-01", 200, 3).await;
    assert_eq!(
        error_code(&body),
        Some("FORBIDDEN"),
        "a service is no hospital: {body}"
    );
    let query = "query { hospitalMonths(year: 2026) { month births refusals } }";
    let body = hub.app.gql(Some(&hub.nurse), query, json!({})).await;
    assert_eq!(body["data"]["hospitalMonths"][0]["refusals"], 2, "{body}");
    // The hospital's own report carries its births and the signals it passed.
    let body = report_as(&hub, &hub.nurse, "2026-01-01", "2026-06-30", None).await;
    let r = &body["data"]["effectivenessReport"];
    assert_eq!(r["agencyName"], "Перинатальный центр", "{body}");
    assert_eq!(r["months"][2]["births"], 200);
}

const CONCLUSION: &str = "id status analysis periodFrom periodTo issuedAt";

async fn write(hub: &SignalHub, token: &str, from: &str, to: &str, text: &str) -> Value {
    let query = format!(
        "mutation($p: ReportPeriodInput!, $t: String!) {{ writeReportConclusion(period: $p, analysis: $t) {{ {CONCLUSION} report {{ closedRehabilitated {{ {RATIO} }} }} }} }}"
    );
    hub.app
        .gql(
            Some(token),
            &query,
            json!({ "p": { "from": from, "to": to }, "t": text }),
        )
        .await
}

#[tokio::test]
async fn an_issued_conclusion_is_frozen_whatever_happens_to_the_cases_later() {
    let h = report_hub().await;
    let hub = &h.hub;
    let body = write(hub, &hub.curator, "2026-01-01", "2026-06-30", "Анализ").await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = write(hub, &hub.head, "2026-02-01", "2026-06-30", "Анализ").await;
    assert_eq!(error_field(&body), Some("period"), "{body}");
    let body = write(hub, &hub.head, "2026-01-01", "2026-06-30", "Черновик").await;
    let id = body["data"]["writeReportConclusion"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        body["data"]["writeReportConclusion"]["status"], "DRAFT",
        "{body}"
    );
    let body = write(
        hub,
        &hub.head,
        "2026-01-01",
        "2026-06-30",
        "Показатели стабильны; отказов меньше, чем год назад.",
    )
    .await;
    assert_eq!(
        body["data"]["writeReportConclusion"]["id"],
        id.as_str(),
        "the same draft: {body}"
    );
    let issue = format!("mutation($id: ID!) {{ issueReportConclusion(id: $id) {{ {CONCLUSION} report {{ closedRehabilitated {{ {RATIO} }} }} }} }}");
    let body = hub
        .app
        .gql(Some(&hub.head), &issue, json!({ "id": id }))
        .await;
    let issued = &body["data"]["issueReportConclusion"];
    assert_eq!(issued["status"], "ISSUED", "{body}");
    assert_eq!(counts(&issued["report"]["closedRehabilitated"]), (1, 1));
    // The case is edited afterwards: its support closed for broken commitments instead.
    set_case(
        hub,
        &h.case1,
        Some("2026-02-20T10:00:00Z"),
        Some(("2026-05-01T10:00:00Z", "COMMITMENTS_BROKEN")),
    )
    .await;
    let live = report_as(hub, &hub.head, "2026-01-01", "2026-06-30", None).await;
    assert_eq!(
        counts(&live["data"]["effectivenessReport"]["closedRehabilitated"]),
        (0, 1)
    );
    let read = format!("query($id: ID!) {{ reportConclusion(id: $id) {{ {CONCLUSION} report {{ closedRehabilitated {{ {RATIO} }} closedCommitmentsBroken {{ {RATIO} }} }} }} }}");
    let body = hub
        .app
        .gql(Some(&hub.head), &read, json!({ "id": id }))
        .await;
    let frozen = &body["data"]["reportConclusion"];
    assert_eq!(
        counts(&frozen["report"]["closedRehabilitated"]),
        (1, 1),
        "{body}"
    );
    assert_eq!(counts(&frozen["report"]["closedCommitmentsBroken"]), (0, 1));
    assert_eq!(
        frozen["analysis"],
        "Показатели стабильны; отказов меньше, чем год назад."
    );
    // Frozen: no rewriting, no second sign-off.
    let body = write(hub, &hub.head, "2026-01-01", "2026-06-30", "Иначе").await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    let body = hub
        .app
        .gql(Some(&hub.head), &issue, json!({ "id": id }))
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    // The half year still running cannot be signed off.
    let today = Utc::now().date_naive();
    let (from, to) = if today.month() <= 6 {
        (
            format!("{}-01-01", today.year()),
            format!("{}-06-30", today.year()),
        )
    } else {
        (
            format!("{}-07-01", today.year()),
            format!("{}-12-31", today.year()),
        )
    };
    let body = write(hub, &hub.head, &from, &to, "Рано").await;
    let draft = body["data"]["writeReportConclusion"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let body = hub
        .app
        .gql(Some(&hub.head), &issue, json!({ "id": draft }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    // Another agency finds no such conclusion.
    let body = hub
        .app
        .gql(Some(&hub.nurse), &read, json!({ "id": id }))
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let _ = &h.case2;
}

#[tokio::test]
async fn the_shelters_results_split_the_mother_and_the_child_and_count_the_follow_ups() {
    let hub = signal_hub().await;
    let one = crate::cases::open_case_with(&hub, true).await;
    let two = crate::cases::open_case_with(&hub, true).await;
    for (case, exit) in [(&one, "RENTING"), (&two, "LIVE_IN_WORK")] {
        const SQL: &str = "UPDATE cases SET status = 'CLOSED', closed_at = $2,
            closure_reason = 'GOALS_REACHED', exit_outcome = $3 WHERE id = $1";
        caselink::with_db!(&hub.app.db, |pool| sqlx::query(SQL)
            .bind(uuid(case))
            .bind(t("2026-05-01T10:00:00Z"))
            .bind(exit)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
        .expect("close the shelter case");
    }
    let set = "mutation($c: ID!) { setChildOutcome(caseId: $c, childOutcome: WITH_MOTHER) }";
    let body = hub.app.gql(Some(&hub.head), set, json!({ "c": one })).await;
    assert_eq!(body["data"]["setChildOutcome"], "WITH_MOTHER", "{body}");
    let check = "mutation($c: ID!, $d: NaiveDate!, $f: Boolean!) { recordFollowUpCheck(caseId: $c, checkedOn: $d, familyTogether: $f, childWithMother: true) }";
    let body = hub
        .app
        .gql(
            Some(&hub.head),
            check,
            json!({ "c": one, "d": "2026-06-01", "f": true }),
        )
        .await;
    assert!(body["data"]["recordFollowUpCheck"].is_string(), "{body}");
    let body = hub
        .app
        .gql(
            Some(&hub.head),
            check,
            json!({ "c": two, "d": "2026-04-01", "f": false }),
        )
        .await;
    assert_eq!(
        error_field(&body),
        Some("checkedOn"),
        "before the closure: {body}"
    );
    let body = hub
        .app
        .gql(
            Some(&hub.head),
            check,
            json!({ "c": two, "d": "2026-06-02", "f": false }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let body = hub
        .app
        .gql(
            Some(&hub.nurse),
            check,
            json!({ "c": two, "d": "2026-06-02", "f": false }),
        )
        .await;
    assert!(
        matches!(error_code(&body), Some("NOT_FOUND" | "FORBIDDEN")),
        "{body}"
    );
    let query = format!(
        "query($p: ReportPeriodInput!) {{ effectivenessReport(period: $p) {{ shelter {{ graduates destinations {{ destination cases }} children {{ outcome cases }} familiesTogether {{ {RATIO} }} childrenWithMother {{ {RATIO} }} }} }} }}"
    );
    let body = hub
        .app
        .gql(
            Some(&hub.head),
            &query,
            json!({ "p": { "from": "2026-01-01", "to": "2026-06-30" } }),
        )
        .await;
    let s = &body["data"]["effectivenessReport"]["shelter"];
    assert_eq!(s["graduates"], 2, "{body}");
    assert_eq!(s["destinations"].as_array().map(Vec::len), Some(2));
    assert!(
        s["destinations"]
            .as_array()
            .is_some_and(|d| d.contains(&json!({ "destination": "LIVE_IN_WORK", "cases": 1 }))),
        "«работают с проживанием» is live-in work: {body}"
    );
    assert_eq!(
        s["children"],
        json!([{ "outcome": "WITH_MOTHER", "cases": 1 }])
    );
    assert_eq!(counts(&s["familiesTogether"]), (1, 2));
    assert_eq!(counts(&s["childrenWithMother"]), (2, 2));
}
