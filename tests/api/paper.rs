//! Paper (issue 14): the signal journal for a period to print, a case's signal sheet to
//! print, and the case and handover journals as CSV for a Russian-locale Excel, each
//! through the workspace's session cookie.

use chrono::{Datelike, Duration, Utc};
use serde_json::json;

use crate::cases::open_case_in;
use crate::handovers::handover_hub;
use crate::harness::TestApp;
use crate::signals::{report_input, signal_hub, SignalHub};
use crate::workspace::page_as;

const JOURNAL_READS: &str =
    "audit_events WHERE action = 'PERSONAL_DATA_READ' AND details LIKE '%signals journal page%'";
const READS: &str = "audit_events WHERE action = 'PERSONAL_DATA_READ'";

/// A hospital signal the service has received.
async fn received_signal(hub: &SignalHub) {
    let registered = Utc::now() - Duration::minutes(20);
    let input = report_input(&hub.service, registered - Duration::minutes(20), registered);
    let body = hub.report(input).await;
    let id = body["data"]["reportSignal"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"));
    let received = hub
        .step(&hub.curator, "receiveSignal(id: $id)", json!({ "id": id }))
        .await;
    assert_eq!(
        received["data"]["receiveSignal"]["status"], "RECEIVED",
        "{received}"
    );
}

fn moscow_today() -> chrono::NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive()
}

#[tokio::test]
async fn the_services_journal_page_is_headed_with_the_agency_and_month_and_shows_the_mother() {
    let hub = signal_hub().await;
    received_signal(&hub).await;
    let today = moscow_today();
    let first = today.with_day(1).expect("the first of the month");
    let reads = hub.app.count(JOURNAL_READS).await;
    let (status, page) = page_as(&hub.app, &hub.head, "/journals/signals").await;
    assert_eq!(status, 200, "{page}");
    let heading = format!(
        "Журнал регистрации сигналов — Служба профилактики — с {}",
        first.format("%d.%m.%Y")
    );
    assert!(page.contains(&heading), "{heading} in {page}");
    assert!(page.contains("<th scope=\"col\">ФИО матери</th>"), "{page}");
    assert!(
        page.contains(&format!("SIG-{}-0001", today.year())),
        "{page}"
    );
    assert!(page.contains("Сургут, ул. Ленина, 1"), "{page}");
    assert!(page.contains("медицинская организация"), "{page}");
    assert!(
        page.contains("href=\"/export/signals.csv?from="),
        "the same period as CSV: {page}"
    );
    assert!(page.contains("class=\"print-landscape\""), "{page}");
    assert_eq!(
        hub.app.count(JOURNAL_READS).await,
        reads + 1,
        "the personal columns are audited"
    );
}

#[tokio::test]
async fn the_hospitals_journal_page_has_its_numbers_and_no_personal_data() {
    let hub = signal_hub().await;
    received_signal(&hub).await;
    let reads = hub.app.count(READS).await;
    let (status, page) = page_as(&hub.app, &hub.nurse, "/journals/signals").await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Журнал регистрации сигналов — Перинатальный центр — с "),
        "{page}"
    );
    assert!(page.contains(&format!("SIG-{}-0001", moscow_today().year())));
    // Not the mother's name: the test users share it.
    for personal in ["ФИО матери", "Ленина", "900 000"] {
        assert!(!page.contains(personal), "{personal} in {page}");
    }
    assert_eq!(
        hub.app.count(READS).await,
        reads,
        "nothing personal was read"
    );
    let (status, other) = page_as(&hub.app, &hub.other_nurse, "/journals/signals").await;
    assert_eq!(status, 200, "{other}");
    assert!(other.contains("id=\"journal-empty\""), "{other}");
}

#[tokio::test]
async fn the_period_filters_the_journal_and_a_bad_date_names_its_field() {
    let hub = signal_hub().await;
    received_signal(&hub).await;
    let today = moscow_today();
    let (status, page) = page_as(
        &hub.app,
        &hub.head,
        &format!("/journals/signals?from={today}&to={today}"),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let day = today.format("%d.%m.%Y");
    assert!(page.contains(&format!("с {day} по {day}")), "{page}");
    assert!(page.contains("Сургут, ул. Ленина, 1"), "{page}");

    let earlier = today - Duration::days(40);
    let (status, page) = page_as(
        &hub.app,
        &hub.head,
        &format!("/journals/signals?from={earlier}"),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("За этот период сигналов нет."), "{page}");
    assert!(!page.contains("Ленина"), "{page}");

    let (status, page) = page_as(&hub.app, &hub.head, "/journals/signals?from=01.11.2026").await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("«С»: дата должна быть в виде ГГГГ-ММ-ДД"),
        "{page}"
    );
    assert!(!page.contains("Ленина"));
    let (status, page) = page_as(
        &hub.app,
        &hub.head,
        "/journals/signals?from=2026-11-02&to=2026-11-01",
    )
    .await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("«По»: конец периода раньше его начала."),
        "{page}"
    );
}

#[tokio::test]
async fn the_signal_sheet_prints_for_full_scope_only() {
    let hub = signal_hub().await;
    let case = open_case_in(&hub).await;
    let update = "mutation($id: ID!) { updateSignalSheet(caseId: $id, input: {rehabilitationPotential: \"Высокий\", closePeople: \"Мать женщины готова помогать\"}) { rehabilitationPotential } }";
    let body = hub
        .app
        .gql(Some(&hub.curator), update, json!({ "id": case }))
        .await;
    assert_eq!(
        body["data"]["updateSignalSheet"]["rehabilitationPotential"], "Высокий",
        "{body}"
    );
    let number = case_number(&hub.app, &hub.curator, &case).await;
    let path = format!("/cases/{case}/signal-sheet");
    let (status, page) = page_as(&hub.app, &hub.curator, &format!("/cases/{case}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(&format!("href=\"{path}\"")), "{page}");

    let reads = hub.app.count(READS).await;
    let (status, page) = page_as(&hub.app, &hub.curator, &path).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains(&format!("Лист сигнала — Случай {number}")),
        "{page}"
    );
    assert!(page.contains("Служба профилактики"), "{page}");
    assert!(page.contains("Мать женщины готова помогать"), "{page}");
    assert!(
        page.contains("История родительства"),
        "blank fields print too"
    );
    assert!(hub.app.count(READS).await > reads, "the read is audited");

    for token in [&hub.nurse, &hub.other_nurse, &hub.ngo] {
        let (status, page) = page_as(&hub.app, token, &path).await;
        assert_eq!(status, 404, "{page}");
        assert!(!page.contains("готова помогать"), "{page}");
    }
}

async fn case_number(app: &TestApp, token: &str, case: &str) -> String {
    let body = app
        .gql(
            Some(token),
            "query($id: ID!) { case(id: $id) { journalNumber } }",
            json!({ "id": case }),
        )
        .await;
    body["data"]["case"]["journalNumber"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned()
}

/// A file downloaded with the session cookie: its status, content type, disposition,
/// cache control and records (`;`, the BOM stripped).
struct File {
    status: u16,
    content_type: String,
    disposition: String,
    cache: String,
    records: Vec<Vec<String>>,
}

async fn file_as(app: &TestApp, token: &str, path: &str) -> File {
    let response = app
        .http()
        .get(format!("{}{path}", app.address))
        .header("cookie", format!("caselink_session={token}"))
        .send()
        .await
        .expect("download");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (status, content_type) = (response.status().as_u16(), header("content-type"));
    let (disposition, cache) = (header("content-disposition"), header("cache-control"));
    let body = response.text().await.expect("a text body");
    let text = body
        .strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("no BOM: {body}"));
    let records = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect();
    File {
        status,
        content_type,
        disposition,
        cache,
        records,
    }
}

const CASES_HEADER: [&str; 8] = [
    "№ случая",
    "Статус",
    "Открыт",
    "Статус изменён",
    "Срок решения",
    "Закрыт",
    "Причина закрытия",
    "Ведёт случай",
];

#[tokio::test]
async fn the_case_journal_downloads_as_csv_for_its_agencies_only() {
    let hub = signal_hub().await;
    let case = open_case_in(&hub).await;
    let number = case_number(&hub.app, &hub.curator, &case).await;
    let reads = hub.app.count(READS).await;
    let file = file_as(&hub.app, &hub.head, "/export/cases.csv").await;
    assert_eq!(file.status, 200);
    assert_eq!(file.content_type, "text/csv; charset=utf-8");
    assert_eq!(file.cache, "no-store");
    let today = moscow_today();
    assert_eq!(
        file.disposition,
        format!("attachment; filename=\"cases-sluzhba-profilaktiki-{today}.csv\"")
    );
    assert_eq!(file.records[0], CASES_HEADER);
    assert_eq!(file.records.len(), 2, "{:?}", file.records);
    let row = &file.records[1];
    assert_eq!(row[0], number);
    assert!(
        !row[1].is_empty() && row[2].starts_with(&today.to_string()),
        "{row:?}"
    );
    assert_eq!((row[5].as_str(), row[6].as_str()), ("", ""), "still open");
    assert_eq!(row[7], "Служба профилактики");
    assert_eq!(hub.app.count(READS).await, reads, "no personal data read");

    let other = file_as(&hub.app, &hub.other_nurse, "/export/cases.csv").await;
    assert_eq!(other.status, 200);
    assert_eq!(
        other.records,
        vec![CASES_HEADER.map(str::to_owned).to_vec()]
    );

    let anonymous = hub
        .app
        .http()
        .get(format!("{}/export/cases.csv", hub.app.address))
        .send()
        .await
        .expect("download");
    assert_eq!(anonymous.status(), 401);
}

const HANDOVERS_HEADER: [&str; 11] = [
    "№ случая",
    "Вид",
    "Направление",
    "Другое учреждение",
    "Статус",
    "Запрошено",
    "Срок решения",
    "Решение принято",
    "Приказ отправителя",
    "Вх. номер",
    "Дата регистрации",
];

#[tokio::test]
async fn the_handover_journal_downloads_as_csv_with_both_directions() {
    let hub = handover_hub().await;
    let id = hub.transfer().await;
    let number = case_number(hub.app(), &hub.hub.head, &hub.case).await;
    let accepted = hub.accept(&hub.officer, &id, "ПР-17").await;
    assert!(accepted["errors"].is_null(), "{accepted}");

    let inbox = file_as(hub.app(), &hub.officer, "/export/handovers.csv").await;
    assert_eq!(inbox.status, 200);
    assert_eq!(inbox.cache, "no-store");
    assert!(
        inbox
            .disposition
            .starts_with("attachment; filename=\"handovers-organ-opeki-g-surguta-"),
        "{}",
        inbox.disposition
    );
    assert_eq!(inbox.records[0], HANDOVERS_HEADER);
    assert_eq!(inbox.records.len(), 2, "{:?}", inbox.records);
    let row = &inbox.records[1];
    assert_eq!(row[0], number);
    assert_eq!(
        row[1..5],
        [
            "Передача случая",
            "входящий",
            "Служба профилактики",
            "принят"
        ]
    );
    assert!(!row[5].is_empty() && !row[6].is_empty() && !row[7].is_empty());
    assert_eq!(row[8..], ["41-о от 20.11.2026", "ПР-17", "2026-11-23"]);

    let outbox = file_as(hub.app(), &hub.hub.head, "/export/handovers.csv").await;
    assert_eq!(outbox.records.len(), 2, "{:?}", outbox.records);
    assert_eq!(
        outbox.records[1][1..5],
        [
            "Передача случая",
            "исходящий",
            "Орган опеки г. Сургута",
            "принят"
        ]
    );

    let other = file_as(hub.app(), &hub.social_head, "/export/handovers.csv").await;
    assert_eq!(other.status, 200);
    assert_eq!(
        other.records,
        vec![HANDOVERS_HEADER.map(str::to_owned).to_vec()]
    );
}

#[tokio::test]
async fn the_head_opens_the_signal_journal_to_print() {
    let Some(browser) = crate::browser::Browser::start().await else {
        return;
    };
    let hub = signal_hub().await;
    received_signal(&hub).await;
    received_signal(&hub).await;
    let address = hub.app.address.clone();
    crate::workspace::sign_in(&browser, &address, "head@service.example").await;
    browser.open(&format!("{address}/journals/signals")).await;
    let text = browser.text().await;
    assert!(
        text.contains("Журнал регистрации сигналов — Служба профилактики — с "),
        "{text}"
    );
    assert!(text.contains("Сургут, ул. Ленина, 1"), "{text}");
    assert!(text.contains("Ctrl+P"), "the print hint: {text}");
    browser.screenshot("signal-journal").await;
    browser.assert_accessible().await;
    browser.close().await;
}
