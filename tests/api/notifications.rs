//! E-mail notifications: the outbox, the worker sending to a real SMTP sink, retries and
//! giving up, re-sending, several servers, reminders raised once, opt-outs, and no
//! personal data in any message or log line.

use std::collections::HashSet;
use std::future::Future;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::{json, Value};

use crate::harness::{error_code, error_field, mail_to, spawn_app, spawn_app_with, TestApp};
use crate::signals::{report_input, signal_hub_on, SignalHub};
use crate::smtp::{Received, SmtpSink};

const MOTHER: &str = "Кузнецова Анна Сергеевна";
const OUTBOX: &str = "query($f: NotificationFilterInput) { notifications(filter: $f, first: 100) { edges { node { id kind status recipient recipientUserId journalNumber dueAt attempts lastError sentAt } } } }";

/// Polls `probe` every 25 ms until it gives a value; fails after 15 s.
async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not happen within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The outbox as `token` sees it, filtered.
async fn outbox(app: &TestApp, token: &str, filter: Value) -> Vec<Value> {
    let body = app.gql(Some(token), OUTBOX, json!({ "f": filter })).await;
    body["data"]["notifications"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("notifications failed: {body}"))
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// Waits until the outbox (filtered) has `n` rows and every one satisfies `done`.
async fn outbox_until(
    app: &TestApp,
    token: &str,
    filter: Value,
    n: usize,
    done: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let rows = outbox(app, token, filter.clone()).await;
        if rows.len() == n && rows.iter().all(&done) {
            return rows;
        }
        assert!(
            Instant::now() < deadline,
            "the outbox did not settle within 15 s: {rows:#?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn recipients(rows: &[Value]) -> HashSet<String> {
    rows.iter()
        .filter_map(|r| r["recipient"].as_str().map(str::to_owned))
        .collect()
}

fn message_ids(received: &[Received]) -> HashSet<String> {
    received
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect()
}

/// Reports a signal about [`MOTHER`]; returns its id and the hospital's journal number.
async fn report(hub: &SignalHub) -> (String, String) {
    let now = Utc::now();
    let mut input = report_input(
        &hub.service,
        now - chrono::Duration::minutes(40),
        now - chrono::Duration::minutes(20),
    );
    input["mother"]["fullName"] = json!(MOTHER);
    let body = hub.report(input).await;
    let signal = &body["data"]["reportSignal"];
    match (
        signal["id"].as_str(),
        signal["senderJournalNumber"].as_str(),
    ) {
        (Some(id), Some(no)) => (id.to_owned(), no.to_owned()),
        _ => panic!("report failed: {body}"),
    }
}

async fn receive_and_assign(hub: &SignalHub, id: &str) -> Value {
    hub.step(&hub.head, "receiveSignal(id: $id)", json!({ "id": id }))
        .await;
    let body = hub
        .step(
            &hub.head,
            "assignCurator(signalId: $id, curatorId: $c)",
            json!({ "id": id, "c": hub.curator_id }),
        )
        .await;
    body["data"]["assignCurator"].clone()
}

fn assert_no_personal_data(messages: &[Received]) {
    for message in messages {
        let all = format!("{}\n{}", message.data, message.readable());
        for secret in [MOTHER, "Кузнецова", "Анна Сергеевна", "Иванова"]
        {
            assert!(!all.contains(secret), "{secret} in a message:\n{all}");
        }
    }
}

#[tokio::test]
async fn a_new_signal_is_mailed_in_russian_and_after_the_switch_in_english_naming_no_one() {
    let sink = SmtpSink::start().await;
    let hub = signal_hub_on(spawn_app_with(mail_to(sink.port)).await).await;
    let (id, journal_no) = report(&hub).await;

    let got = sink.wait_for(2).await;
    let to: HashSet<String> = got.iter().flat_map(|m| m.to.clone()).collect();
    let expected: HashSet<String> = ["office@agency.example", "head@service.example"]
        .map(str::to_owned)
        .into();
    assert_eq!(to, expected);
    let rows = outbox_until(&hub.app, &hub.admin, json!({ "subjectId": id }), 2, |r| {
        r["status"] == "SENT"
    })
    .await;
    let row_ids: HashSet<String> = rows
        .iter()
        .filter_map(|r| r["id"].as_str().map(|id| format!("<{id}@hub.example>")))
        .collect();
    assert_eq!(
        message_ids(&got),
        row_ids,
        "Message-ID comes from the row id"
    );
    for message in &got {
        assert_eq!(message.from, "noreply@hub.example");
        assert_eq!(
            message.subject(),
            format!("CaseLink: Новый сигнал {journal_no}")
        );
        let text = message.part("text/plain").unwrap_or_default();
        assert!(
            text.contains(&format!("Номер в журнале: {journal_no}")),
            "{text}"
        );
        assert!(text.contains(&format!("https://hub.example/signals/{id}")));
        let html = message.part("text/html").unwrap_or_default();
        assert!(html.contains("<html lang=\"ru\">"), "{html}");
    }

    let english = "mutation($id: ID!) { updateAgency(id: $id, input: {notificationLanguage: EN}) { notificationLanguage } }";
    let switched = hub
        .app
        .gql(Some(&hub.admin), english, json!({ "id": hub.service }))
        .await;
    assert_eq!(
        switched["data"]["updateAgency"]["notificationLanguage"], "EN",
        "{switched}"
    );
    let signal = receive_and_assign(&hub, &id).await;
    let due = signal["clocks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["kind"] == "VISIT"))
        .and_then(|c| c["dueAt"].as_str())
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .unwrap_or_else(|| panic!("no visit clock: {signal}"));
    let due_local = due
        .with_timezone(&chrono_tz::Europe::Moscow)
        .format("%Y-%m-%d %H:%M (Europe/Moscow)")
        .to_string();
    let got = sink.wait_for(4).await;
    let assigned: Vec<&Received> = got[2..].iter().collect();
    let to: HashSet<String> = assigned.iter().flat_map(|m| m.to.clone()).collect();
    let expected: HashSet<String> = ["office@agency.example", "curator@service.example"]
        .map(str::to_owned)
        .into();
    assert_eq!(to, expected);
    for message in assigned {
        assert!(message
            .subject()
            .starts_with("CaseLink: Curator assigned SIG-"));
        let text = message.part("text/plain").unwrap_or_default();
        assert!(text.contains(&format!("Due: {due_local}")), "{text}");
        assert!(message
            .part("text/html")
            .unwrap_or_default()
            .contains("<html lang=\"en\">"));
    }
    assert_no_personal_data(&sink.received());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sink.received().len(), 4, "nothing goes out twice");
}

#[tokio::test]
async fn mail_waits_while_the_smtp_server_is_down_and_goes_out_once_when_it_is_back() {
    let mut sink = SmtpSink::start().await;
    sink.stop().await;
    let settings = mail_to(sink.port);
    let app = spawn_app_with(|c| {
        settings(c);
        c.mail.mail_max_attempts = 1000;
    })
    .await;
    let hub = signal_hub_on(app).await;
    for _ in 0..3 {
        report(&hub).await;
    }
    let waiting = outbox_until(&hub.app, &hub.admin, json!({}), 6, |r| {
        r["status"] == "PENDING" && r["attempts"].as_i64() >= Some(2) && r["lastError"].is_string()
    })
    .await;
    assert_eq!(waiting.len(), 6);

    sink.restart().await;
    outbox_until(&hub.app, &hub.admin, json!({}), 6, |r| {
        r["status"] == "SENT"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = sink.received();
    assert_eq!(got.len(), 6, "none lost, none twice");
    assert_eq!(message_ids(&got).len(), 6);
}

#[tokio::test]
async fn after_the_last_try_a_message_is_failed_until_an_administrator_resends_it() {
    let mut sink = SmtpSink::start().await;
    sink.stop().await;
    let settings = mail_to(sink.port);
    let app = spawn_app_with(|c| {
        settings(c);
        c.mail.mail_max_attempts = 3;
    })
    .await;
    let ready: Value = app
        .http()
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .expect("readyz")
        .json()
        .await
        .expect("json");
    assert_eq!(ready["mail"], "configured");
    let hub = signal_hub_on(app).await;
    report(&hub).await;
    let failed = outbox_until(&hub.app, &hub.admin, json!({}), 2, |r| {
        r["status"] == "FAILED" && r["attempts"] == 3 && r["lastError"].is_string()
    })
    .await;
    sink.restart().await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        sink.received().is_empty(),
        "a FAILED message waits for a person"
    );

    let resend = "mutation($id: ID!) { resendNotification(id: $id) { id status attempts } }";
    let id = failed[0]["id"].as_str().unwrap_or_default();
    let by_curator = hub
        .app
        .gql(Some(&hub.curator), resend, json!({ "id": id }))
        .await;
    assert_eq!(error_code(&by_curator), Some("FORBIDDEN"));
    let queued = hub
        .app
        .gql(Some(&hub.admin), resend, json!({ "id": id }))
        .await;
    assert_eq!(
        queued["data"]["resendNotification"]["status"], "PENDING",
        "{queued}"
    );
    let got = sink.wait_for(1).await;
    assert_eq!(
        got[0].to,
        vec![failed[0]["recipient"]
            .as_str()
            .unwrap_or_default()
            .to_owned()]
    );
    let sent = outbox_until(&hub.app, &hub.admin, json!({ "status": "SENT" }), 1, |r| {
        r["attempts"] == 4
    })
    .await;
    assert_eq!(sent[0]["id"], failed[0]["id"]);
    let again = hub
        .app
        .gql(Some(&hub.admin), resend, json!({ "id": id }))
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"));
    let unknown = hub
        .app
        .gql(
            Some(&hub.admin),
            resend,
            json!({ "id": uuid::Uuid::now_v7().to_string() }),
        )
        .await;
    assert_eq!(error_code(&unknown), Some("NOT_FOUND"));
    let garbled = hub
        .app
        .gql(Some(&hub.admin), resend, json!({ "id": "not-an-id" }))
        .await;
    assert_eq!(error_code(&garbled), Some("BAD_USER_INPUT"));

    // Agency administrators see their own agency's messages only.
    for (agency, email, expected) in [
        (&hub.service, "admin@service.example", 2),
        (&hub.hospital, "admin@perinatal.example", 0),
    ] {
        hub.app
            .create_user(&hub.admin, agency, email, &["AGENCY_ADMIN"])
            .await;
        let token = hub.app.login(email, crate::harness::PASSWORD).await;
        assert_eq!(outbox(&hub.app, &token, json!({})).await.len(), expected);
        let other = hub.app.gql(Some(&token), resend, json!({ "id": id })).await;
        let code = if expected == 0 {
            "NOT_FOUND"
        } else {
            "CONFLICT"
        };
        assert_eq!(error_code(&other), Some(code), "{other}");
    }
}

#[tokio::test]
async fn two_servers_on_one_database_send_each_message_once() {
    let sink = SmtpSink::start().await;
    let a = spawn_app_with(mail_to(sink.port)).await;
    let b = a.spawn_peer(mail_to(sink.port)).await;
    let hub = signal_hub_on(a).await;
    for _ in 0..8 {
        report(&hub).await;
    }
    outbox_until(&hub.app, &hub.admin, json!({}), 16, |r| {
        r["status"] == "SENT"
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let got = sink.received();
    assert_eq!(got.len(), 16, "each message once");
    assert_eq!(message_ids(&got).len(), 16);
    drop(b);
}

#[tokio::test]
async fn a_reminder_is_raised_once_across_restarts_and_one_missed_while_down_catches_up() {
    let fast = |c: &mut caselink::config::Config| {
        c.mail.reminder_interval_ms = 50;
        c.mail.reminder_lead_minutes = 60;
    };
    let mut hub = signal_hub_on(spawn_app_with(fast).await).await;
    let ready: Value = hub
        .app
        .http()
        .get(format!("{}/readyz", hub.app.address))
        .send()
        .await
        .expect("readyz")
        .json()
        .await
        .expect("json");
    assert_eq!(ready["mail"], "not configured", "{ready}");
    let (id, _) = report(&hub).await;
    receive_and_assign(&hub, &id).await;
    let due = Utc::now() + chrono::Duration::milliseconds(1500);
    let set = hub
        .step(
            &hub.head,
            "setVisitDue(signalId: $id, dueAt: $t)",
            json!({ "id": id, "t": due.to_rfc3339() }),
        )
        .await;
    assert!(set["data"]["setVisitDue"]["id"].is_string(), "{set}");
    let soon = "notifications WHERE kind = 'SIGNAL_CLOCK_DUE_SOON'";
    let passed = "notifications WHERE kind = 'SIGNAL_CLOCK_PASSED'";
    let app = &hub.app;
    eventually("the due-soon reminder", || async move {
        (app.count(soon).await == 3).then_some(())
    })
    .await;

    hub.app.stop_server().await;
    tokio::time::sleep((due - Utc::now()).to_std().unwrap_or_default()).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let restarted = hub.app.spawn_peer(fast).await;
    let second = hub.app.spawn_peer(fast).await;
    let app = &hub.app;
    eventually("the passed reminder, caught up", || async move {
        (app.count(passed).await == 3).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        hub.app.count(soon).await,
        3,
        "office, head and curator, once"
    );
    assert_eq!(hub.app.count(passed).await, 3);
    assert_eq!(hub.app.count("notification_reminders").await, 2);
    let rows = outbox(
        &restarted,
        &hub.admin,
        json!({ "kind": "SIGNAL_CLOCK_PASSED" }),
    )
    .await;
    assert!(rows
        .iter()
        .all(|r| r["status"] == "PENDING" && r["dueAt"].is_string()));
    drop(second);
}

#[tokio::test]
async fn a_user_may_turn_off_reminders_but_not_new_signals() {
    let fast = |c: &mut caselink::config::Config| {
        c.mail.reminder_interval_ms = 50;
        c.mail.reminder_lead_minutes = 60;
    };
    let hub = signal_hub_on(spawn_app_with(fast).await).await;
    let update = "mutation($k: [NotificationKind!]!) { updateNotificationSettings(optOuts: $k) { optOuts optional } }";
    let refused = hub
        .app
        .gql(Some(&hub.head), update, json!({ "k": ["NEW_SIGNAL"] }))
        .await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"));
    assert_eq!(error_field(&refused), Some("optOuts"));
    let ok = hub
        .app
        .gql(
            Some(&hub.head),
            update,
            json!({ "k": ["SIGNAL_CLOCK_PASSED", "SIGNAL_CLOCK_DUE_SOON"] }),
        )
        .await;
    assert_eq!(
        ok["data"]["updateNotificationSettings"]["optOuts"],
        json!(["SIGNAL_CLOCK_DUE_SOON", "SIGNAL_CLOCK_PASSED"]),
        "{ok}"
    );
    let mine = hub
        .app
        .gql(
            Some(&hub.head),
            "{ notificationSettings { optOuts } }",
            json!({}),
        )
        .await;
    assert_eq!(
        mine["data"]["notificationSettings"]["optOuts"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    let (id, _) = report(&hub).await;
    let new = outbox(&hub.app, &hub.admin, json!({ "kind": "NEW_SIGNAL" })).await;
    assert!(recipients(&new).contains("head@service.example"));
    // In the ward the visit is due in 3 hours; the head brings it inside the lead time.
    receive_and_assign(&hub, &id).await;
    let due = Utc::now() + chrono::Duration::minutes(30);
    hub.step(
        &hub.head,
        "setVisitDue(signalId: $id, dueAt: $t)",
        json!({ "id": id, "t": due.to_rfc3339() }),
    )
    .await;
    let filter = json!({ "kind": "SIGNAL_CLOCK_DUE_SOON", "subjectId": id });
    let reminded = outbox_until(&hub.app, &hub.admin, filter, 2, |_| true).await;
    let expected: HashSet<String> = ["office@agency.example", "curator@service.example"]
        .map(str::to_owned)
        .into();
    assert_eq!(recipients(&reminded), expected);
}

#[tokio::test]
async fn withdrawn_consent_notifies_the_lead_and_its_curator() {
    let (hub, case) = crate::cases::hub_with_case().await;
    let record = "mutation($id: ID!, $a: [ID!]!) { recordConsent(caseId: $id, input: {kind: PERSONAL_DATA, signedBy: \"Кузнецова А. С.\", signedAt: \"2026-01-10T10:00:00Z\", agencyIds: $a}) }";
    let body = hub
        .app
        .gql(
            Some(&hub.curator),
            record,
            json!({ "id": case, "a": [hub.service] }),
        )
        .await;
    let consent = body["data"]["recordConsent"]
        .as_str()
        .unwrap_or_else(|| panic!("recordConsent failed: {body}"))
        .to_owned();
    let withdraw = "mutation($id: ID!, $c: ID!) { withdrawConsent(caseId: $id, consentId: $c) }";
    let done = hub
        .app
        .gql(
            Some(&hub.curator),
            withdraw,
            json!({ "id": case, "c": consent }),
        )
        .await;
    assert_eq!(done["data"]["withdrawConsent"], true, "{done}");
    let rows = outbox(
        &hub.app,
        &hub.admin,
        json!({ "kind": "CONSENT_WITHDRAWN", "subjectId": case }),
    )
    .await;
    let expected: HashSet<String> = ["office@agency.example", "curator@service.example"]
        .map(str::to_owned)
        .into();
    assert_eq!(recipients(&rows), expected);
    assert!(rows.iter().all(|r| r["journalNumber"]
        .as_str()
        .is_some_and(|n| n.starts_with("CASE-"))));
}

#[tokio::test]
async fn neither_messages_nor_log_lines_carry_the_mothers_name() {
    let sink = SmtpSink::start().await;
    let app = spawn_app().await;
    let server = crate::logs::LoggedServer::start(
        &app,
        "debug",
        &[
            ("CASELINK_SMTP_HOST", "127.0.0.1".into()),
            ("CASELINK_SMTP_PORT", sink.port.to_string()),
            ("CASELINK_SMTP_SECURITY", "plain".into()),
            (
                "CASELINK_MAIL_FROM",
                "CaseLink <noreply@hub.example>".into(),
            ),
            ("CASELINK_MAIL_POLL_MS", "25".into()),
        ],
    );
    let address = server.address.clone();
    let hub = signal_hub_on(TestApp::client_for(&app, &address)).await;
    let (id, _) = report(&hub).await;
    receive_and_assign(&hub, &id).await;
    let messages = sink.wait_for(4).await;
    let log = server.stop().join("\n");
    assert_no_personal_data(&messages);
    assert!(log.contains("notification sent"), "{log}");
    for secret in [
        MOTHER,
        "Кузнецова",
        "head@service.example",
        "curator@service.example",
    ] {
        assert!(!log.contains(secret), "{secret} appears in the log:\n{log}");
    }
}

#[tokio::test]
async fn the_latest_audit_checkpoint_is_mailed_to_the_auditor_once_a_period() {
    let sink = SmtpSink::start().await;
    let settings = mail_to(sink.port);
    let app = spawn_app_with(move |c| {
        settings(c);
        c.audit_checkpoint_email = Some("auditor@audit.example".into());
        // A period far longer than the test, so that no period boundary falls inside it.
        c.audit_checkpoint_email_hours = 8760;
    })
    .await;
    let messages = sink.wait_for(1).await;
    let mail = &messages[0];
    assert_eq!(mail.to, vec!["auditor@audit.example".to_owned()]);
    let text = mail.part("text/plain").unwrap_or_default();
    // The checkpoint the mail carries is one the sealer wrote and signed.
    let file = std::fs::read_to_string(&app.checkpoint_file).expect("the checkpoint file");
    let first: Value =
        serde_json::from_str(file.lines().next().expect("a checkpoint")).expect("json");
    for (label, field) in [
        ("Позиция в цепочке", "position"),
        ("Хеш", "hash"),
        ("Ключ", "key_id"),
        ("Подпись (Ed25519, base64)", "signature"),
    ] {
        let value = match &first[field] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert!(
            text.contains(&format!("{label}: {value}")),
            "{label} missing: {text}"
        );
    }
    assert!(
        mail.subject()
            .starts_with("CaseLink: Контрольная точка журнала аудита"),
        "{}",
        mail.readable()
    );
    // More rounds seal and sign more in the same period: no second mail.
    let admin = app.admin_token().await;
    app.gql(Some(&admin), "{ me { name } }", json!({})).await;
    app.wait_until_sealed().await;
    let outbox = app
        .gql(
            Some(&admin),
            OUTBOX,
            json!({ "f": { "kind": "AUDIT_CHECKPOINT" } }),
        )
        .await;
    let rows = outbox["data"]["notifications"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(rows.len(), 1, "{outbox}");
    assert!(rows[0]["node"]["recipientUserId"].is_null(), "{outbox}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sink.received().len(), 1, "one mail a period");
}
