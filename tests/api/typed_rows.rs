//! Rows are parsed where they are read: a stored time zone or JSON value that does not
//! parse is an `INTERNAL` error and a log line, never a silent default. (A time zone that
//! quietly became UTC moved legal deadlines by hours; docs/decisions.md, "Typed rows".)

use serde_json::{json, Value};
use uuid::Uuid;

use crate::harness::{TestApp, ADMIN_EMAIL, PASSWORD};
use crate::logs::LoggedServer;
use crate::signals::{signal_hub, SignalHub};

/// A zone no IANA database has; as it is no personal data, the log may name it.
const BAD_ZONE: &str = "Mars/Olympus";

/// Plays a DBA (or a botched migration) writing a column by hand. Binds the id, as
/// SQLite keeps ids as blobs and PostgreSQL as `uuid`.
async fn set_column(app: &TestApp, table: &str, column: &str, id: &str, value: &str) {
    let id = Uuid::parse_str(id).expect("an id");
    let sql = format!("UPDATE {table} SET {column} = $1 WHERE id = $2");
    let changed = caselink::with_db!(&app.db, |pool| sqlx::query(&sql)
        .bind(value)
        .bind(id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .expect("update the row");
    assert_eq!(changed, 1, "{table} {id}");
}

fn code(body: &Value) -> &Value {
    &body["errors"][0]["extensions"]["code"]
}

async fn signal_status(hub: &SignalHub, id: &str) -> Value {
    let body = hub
        .app
        .gql(
            Some(&hub.head),
            "query($id: ID!) { signal(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    body["data"]["signal"]["status"].clone()
}

#[tokio::test]
async fn a_corrupted_time_zone_is_internal_for_every_read_and_write_that_needs_it() {
    let hub = signal_hub().await;
    let signal = hub.reported().await;
    set_column(&hub.app, "agencies", "time_zone", &hub.service, BAD_ZONE).await;

    // The directory entry itself.
    let agency = hub
        .app
        .gql(
            Some(&hub.admin),
            "query($id: ID!) { agency(id: $id) { name timeZone } }",
            json!({ "id": hub.service }),
        )
        .await;
    assert_eq!(code(&agency), "INTERNAL", "{agency}");
    assert_eq!(agency["errors"][0]["message"], "internal error", "{agency}");
    assert!(!agency.to_string().contains(BAD_ZONE), "{agency}");

    // Receiving numbers the signal in the service's local year: refused, nothing written,
    // rather than numbered in UTC's year.
    let received = hub
        .step(&hub.head, "receiveSignal(id: $id)", json!({ "id": signal }))
        .await;
    assert_eq!(code(&received), "INTERNAL", "{received}");
    assert_eq!(signal_status(&hub, &signal).await, "SENT");

    // The service's legal clocks, shown in its zone.
    let clocks = hub
        .app
        .gql(
            Some(&hub.head),
            "query($id: ID!) { signal(id: $id) { clocks { kind dueAtLocal } } }",
            json!({ "id": signal }),
        )
        .await;
    assert_eq!(code(&clocks), "INTERNAL", "{clocks}");

    // The journal's times are local times: no file rather than one in UTC.
    let export = hub
        .app
        .http()
        .get(format!("{}/export/signals.csv", hub.app.address))
        .bearer_auth(&hub.head)
        .send()
        .await
        .expect("send the export request");
    assert_eq!(export.status().as_u16(), 500);
    assert_eq!(export.text().await.expect("a body"), "internal error");

    // Put right, every path works again: the value was refused, not replaced.
    set_column(
        &hub.app,
        "agencies",
        "time_zone",
        &hub.service,
        "Asia/Yekaterinburg",
    )
    .await;
    let received = hub
        .step(&hub.head, "receiveSignal(id: $id)", json!({ "id": signal }))
        .await;
    assert_eq!(
        received["data"]["receiveSignal"]["status"], "RECEIVED",
        "{received}"
    );
}

#[tokio::test]
async fn corrupted_json_is_internal_and_never_an_empty_record() {
    let hub = signal_hub().await;
    let signal = hub.assigned().await;
    let visited = hub.visit_report(&hub.curator, &signal).await;
    assert!(visited["errors"].is_null(), "{visited}");
    let query = "query($id: ID!) { signal(id: $id) { visitReport { situationSummary } } }";
    let read = hub
        .app
        .gql(Some(&hub.curator), query, json!({ "id": signal }))
        .await;
    assert_eq!(
        read["data"]["signal"]["visitReport"]["situationSummary"], "Мать в палате с ребёнком",
        "{read}"
    );

    // JSON of another shape: the summary a number. Before, the report read as empty.
    let other_shape = r#"{"situationSummary": 5, "visitorOpinion": "Мать уклоняется"}"#;
    set_column(&hub.app, "signals", "visit_report", &signal, other_shape).await;
    let read = hub
        .app
        .gql(Some(&hub.curator), query, json!({ "id": signal }))
        .await;
    assert_eq!(code(&read), "INTERNAL", "{read}");
    assert!(!read.to_string().contains("уклоняется"), "{read}");

    set_column(&hub.app, "signals", "visit_report", &signal, "{\"situation").await;
    let read = hub
        .app
        .gql(Some(&hub.curator), query, json!({ "id": signal }))
        .await;
    assert_eq!(code(&read), "INTERNAL", "{read}");
}

#[tokio::test]
async fn a_notification_about_a_subject_kind_no_domain_registers_is_internal() {
    let hub = signal_hub().await;
    let signal = hub.reported().await;
    let query = "query($f: NotificationFilterInput) {
        notifications(filter: $f, first: 10) { nodes { id kind } } }";
    let filter = json!({ "f": { "subjectId": signal } });
    let read = hub.app.gql(Some(&hub.admin), query, filter.clone()).await;
    let nodes = read["data"]["notifications"]["nodes"].clone();
    let id = nodes[0]["id"].as_str().unwrap_or_else(|| panic!("{read}"));

    // A kind of record no domain registers (a row a newer version wrote): no guessed link.
    set_column(
        &hub.app,
        "notifications",
        "subject_kind",
        id,
        "MRG_DECISION",
    )
    .await;
    let read = hub.app.gql(Some(&hub.admin), query, filter.clone()).await;
    assert_eq!(code(&read), "INTERNAL", "{read}");

    // Put right, it reads as before.
    set_column(&hub.app, "notifications", "subject_kind", id, "SIGNAL").await;
    let read = hub.app.gql(Some(&hub.admin), query, filter).await;
    assert_eq!(read["data"]["notifications"]["nodes"], nodes, "{read}");
}

#[tokio::test]
async fn the_server_logs_the_unreadable_column_with_the_internal_code() {
    let hub = signal_hub().await;
    set_column(&hub.app, "agencies", "time_zone", &hub.service, BAD_ZONE).await;
    let server = LoggedServer::start(&hub.app, "info", &[]);
    let address = server.address.clone();
    let peer = TestApp::client_for(&hub.app, &address);
    let admin = peer.login(ADMIN_EMAIL, PASSWORD).await;
    let agency = peer
        .gql(
            Some(&admin),
            "query($id: ID!) { agency(id: $id) { timeZone } }",
            json!({ "id": hub.service }),
        )
        .await;
    assert_eq!(code(&agency), "INTERNAL", "{agency}");
    let log: Vec<Value> = server
        .stop()
        .iter()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let logged = log.iter().any(|line| {
        let fields = &line["fields"];
        let error = fields["error"].as_str().unwrap_or_default();
        fields["code"] == "INTERNAL" && error.contains("time_zone") && error.contains(BAD_ZONE)
    });
    assert!(
        logged,
        "no INTERNAL line naming the column and its value:\n{}",
        log.iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
