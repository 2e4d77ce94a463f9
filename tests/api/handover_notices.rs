//! Handovers reach people by e-mail: the receiver hears of a request, a cancellation and
//! a near deadline; the sender of a decision. Numbers and deadlines only, never a name.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::handovers::{handover_hub_on, HandoverHub};
use crate::harness::{mail_to, spawn_app_with, test_config};
use crate::smtp::SmtpSink;

const OUTBOX: &str = "query($f: NotificationFilterInput) { notifications(filter: $f, first: 100) { edges { node { kind status recipient journalNumber dueAt } } } }";

/// The handover's outbox rows of `kind`, once `n` of them are sent.
async fn sent(h: &HandoverHub, id: &str, kind: &str, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let body = h
            .app()
            .gql(
                Some(&h.hub.admin),
                OUTBOX,
                json!({ "f": { "subjectId": id } }),
            )
            .await;
        let rows: Vec<Value> = body["data"]["notifications"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"))
            .iter()
            .map(|e| e["node"].clone())
            .filter(|r| r["kind"] == kind)
            .collect();
        if rows.len() == n && rows.iter().all(|r| r["status"] == "SENT") {
            return rows;
        }
        assert!(Instant::now() < deadline, "{kind}: {rows:#?}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn addresses(rows: &[Value]) -> HashSet<String> {
    rows.iter()
        .filter_map(|r| r["recipient"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_receiver_hears_of_a_request_and_the_sender_of_the_decision_without_names() {
    let sink = SmtpSink::start().await;
    let h = handover_hub_on(spawn_app_with(mail_to(sink.port)).await).await;
    let id = h.transfer().await;
    let requested = sent(&h, &id, "HANDOVER_REQUESTED", 3).await;
    let expected: HashSet<String> = [
        "office@agency.example",
        "officer@opeka.example",
        "officer2@opeka.example",
    ]
    .map(str::to_owned)
    .into();
    assert_eq!(addresses(&requested), expected);
    assert!(
        requested.iter().all(|r| r["dueAt"].is_string()),
        "{requested:#?}"
    );
    let journal = requested[0]["journalNumber"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(journal.starts_with("CASE-"), "{journal}");

    h.act(
        &h.officer,
        "declineHandover(id: $id, reason: $r)",
        json!({ "id": id, "r": "Нет оснований" }),
    )
    .await;
    let declined = sent(&h, &id, "HANDOVER_DECLINED", 2).await;
    let expected: HashSet<String> = ["office@agency.example", "head@service.example"]
        .map(str::to_owned)
        .into();
    assert_eq!(addresses(&declined), expected);

    for message in sink.received() {
        let all = format!("{}\n{}", message.data, message.readable());
        assert!(!all.contains("Иванова"), "a name in a message:\n{all}");
    }
}

#[tokio::test]
async fn a_near_deadline_is_reminded_of_once() {
    let h = handover_hub_on(spawn_app_with(|_| {}).await).await;
    let id = h.transfer().await;
    let node = h.handover_as(&h.officer, &id).await;
    let deadline: chrono::DateTime<chrono::Utc> = node["data"]["handover"]["deadlineAt"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{node}"));
    let config = test_config();
    let early = deadline - chrono::Duration::hours(30);
    let near = deadline - chrono::Duration::hours(2);
    let round = |at| caselink::notify::reminders::round(&h.app().db, &config.mail, at);
    assert_eq!(round(early).await.ok(), Some(0), "not yet");
    assert_eq!(round(near).await.ok(), Some(1));
    assert_eq!(round(near).await.ok(), Some(0), "once");
    let rows = h
        .app()
        .count("notifications WHERE kind = 'HANDOVER_DEADLINE_NEAR'")
        .await;
    // The guardianship authority's address and its two officers.
    assert_eq!(rows, 3);
}
