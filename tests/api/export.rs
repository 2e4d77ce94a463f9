//! `GET /export/signals.csv`: the journal as a Russian-locale Excel opens it (`;`, BOM), each agency its own rows,
//! personal data only for the receiving service, and its export audited.

use chrono::{Duration, Utc};
use serde_json::json;

use crate::harness::Plain;
use crate::signals::{report_input, signal_hub, SignalHub};

const NAME: &str = "Иванова, Мария \"Маша\"";
const BOM: &str = "\u{feff}";
const SUMMARY_HEADER: &str = "№ в журнале;Источник;Статус;Выявлен;Зарегистрирован;Передан в службу;Получен службой;Визит;Срок 30 мин;Срок 3 ч;Срок визита";

async fn download(hub: &SignalHub, token: Option<&str>, query: &str) -> Plain {
    hub.app
        .get_plain(&format!("/export/signals.csv{query}"), token)
        .await
}

/// A hospital signal for the mother with a comma and quotes in her name, received by the
/// service; returns when it was registered.
async fn received_signal(hub: &SignalHub) -> chrono::DateTime<Utc> {
    let registered = Utc::now() - Duration::minutes(20);
    let mut input = report_input(&hub.service, registered - Duration::minutes(20), registered);
    input["mother"]["fullName"] = json!(NAME);
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
    registered
}

async fn export_events(hub: &SignalHub) -> i64 {
    let events =
        "audit_events WHERE action = 'PERSONAL_DATA_READ' AND details LIKE '%signals.csv%'";
    hub.app.count(events).await
}

#[tokio::test]
async fn the_services_export_is_an_excel_ready_journal_with_the_mothers_name() {
    let hub = signal_hub().await;
    let registered = received_signal(&hub).await;
    let file = download(&hub, Some(&hub.head), "").await;
    assert_eq!(file.status, 200, "{}", file.body);
    assert_eq!(file.header("content-type"), "text/csv; charset=utf-8");
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .format("%Y-%m-%d");
    let name = format!("attachment; filename=\"signals-sluzhba-profilaktiki-{today}.csv\"");
    assert_eq!(file.header("content-disposition"), name);
    assert!(file.body.starts_with(BOM), "no BOM");
    let lines: Vec<&str> = file.body[BOM.len()..].split_terminator("\r\n").collect();
    assert!(file.body.ends_with("\r\n") && !lines.iter().any(|l| l.contains('\n')));
    let personal = "ФИО матери;Адрес регистрации;Фактический адрес;Откуда доставлена;Телефон";
    assert_eq!(lines[0], format!("{SUMMARY_HEADER};{personal}"));
    assert_eq!(lines.len(), 2, "{}", file.body);
    let year = Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .format("%Y");
    assert!(lines[1].starts_with(&format!("SIG-{year}-0001;медицинская организация;получен;")));
    let moscow = registered.with_timezone(&chrono_tz::Europe::Moscow);
    assert!(
        lines[1].contains(&moscow.format(";%Y-%m-%d %H:%M;").to_string()),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(";в срок;в срок;ожидает;"), "{}", lines[1]);
    assert!(lines[1].contains(";\"Иванова, Мария \"\"Маша\"\"\";Сургут, ул. Ленина, 1;"));
    assert!(
        lines[1].ends_with(";'+7 900 000-00-00"),
        "the phone is defused: {}",
        lines[1]
    );
    assert_eq!(export_events(&hub).await, 1);
}

#[tokio::test]
async fn the_hospitals_export_has_its_times_and_numbers_but_no_personal_data() {
    let hub = signal_hub().await;
    let registered = received_signal(&hub).await;
    let file = download(&hub, Some(&hub.nurse), "").await;
    assert_eq!(file.status, 200, "{}", file.body);
    let lines: Vec<&str> = file.body[BOM.len()..].split_terminator("\r\n").collect();
    assert_eq!(lines[0], SUMMARY_HEADER);
    assert_eq!(lines.len(), 2, "{}", file.body);
    let yekaterinburg = registered.with_timezone(&chrono_tz::Asia::Yekaterinburg);
    assert!(lines[1].contains(&yekaterinburg.format(";%Y-%m-%d %H:%M;").to_string()));
    for personal in ["Иванова", "Ленина", "900 000"] {
        assert!(!file.body.contains(personal), "{personal} in {}", file.body);
    }
    assert_eq!(
        export_events(&hub).await,
        0,
        "the summary is no personal data read"
    );
}

#[tokio::test]
async fn another_hospitals_export_has_only_the_header_row() {
    let hub = signal_hub().await;
    received_signal(&hub).await;
    let file = download(&hub, Some(&hub.other_nurse), "").await;
    assert_eq!(file.status, 200, "{}", file.body);
    assert_eq!(file.body, format!("{BOM}{SUMMARY_HEADER}\r\n"));
}

#[tokio::test]
async fn without_a_valid_token_the_export_is_401_and_holds_no_data() {
    let hub = signal_hub().await;
    received_signal(&hub).await;
    for token in [None, Some("not-a-token")] {
        let file = download(&hub, token, "?from=nonsense").await;
        assert_eq!(file.status, 401, "{token:?}");
        assert!(
            file.header("content-type").starts_with("text/plain"),
            "{}",
            file.header("content-type")
        );
        assert!(
            file.body.len() < 100 && !file.body.contains("Иванова"),
            "{}",
            file.body
        );
    }
    assert_eq!(export_events(&hub).await, 0);
}

#[tokio::test]
async fn the_range_filters_the_journal_and_a_bad_time_names_its_parameter() {
    let hub = signal_hub().await;
    received_signal(&hub).await;
    let bad = download(&hub, Some(&hub.head), "?to=yesterday").await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.starts_with("to:"), "{}", bad.body);
    let past = (Utc::now() - Duration::days(1))
        .to_rfc3339()
        .replace('+', "%2B");
    let before = download(&hub, Some(&hub.head), &format!("?to={past}")).await;
    assert_eq!(before.body.matches("\r\n").count(), 1, "{}", before.body);
    let since = download(&hub, Some(&hub.head), &format!("?from={past}")).await;
    assert_eq!(since.body.matches("\r\n").count(), 2, "{}", since.body);
    assert_eq!(
        export_events(&hub).await,
        1,
        "only the export with rows read data"
    );
}

#[tokio::test]
async fn when_the_audit_write_fails_the_service_gets_500_and_no_data() {
    let hub = signal_hub().await;
    received_signal(&hub).await;
    // Works on both databases; tokens are already issued, so nothing else needs the table.
    hub.app
        .execute("ALTER TABLE audit_events RENAME TO audit_events_away")
        .await
        .expect("rename the audit table");
    let file = download(&hub, Some(&hub.head), "").await;
    assert_eq!(file.status, 500, "{}", file.body);
    assert_eq!(file.body, "internal error");
    let summary = download(&hub, Some(&hub.nurse), "").await;
    assert_eq!(
        summary.status, 200,
        "the summary needs no audit: {}",
        summary.body
    );
}
