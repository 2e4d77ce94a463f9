//! The plan-review reminder: a plan past its review day (in the lead's calendar) and not
//! revised brings the lead agency, its head and the case's curator one e-mail, through
//! the outbox, with the case's number and a link only; never before the day is over.

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;

use crate::handovers::handover_hub_on;
use crate::harness::{mail_to, spawn_app_with, test_config};
use crate::information_requests::wait_for_subject;
use crate::plans::{create, day_in, task};
use crate::smtp::SmtpSink;

#[tokio::test]
async fn an_overdue_review_is_mailed_once_with_the_number_and_link_only() {
    let sink = SmtpSink::start().await;
    let h = handover_hub_on(spawn_app_with(mail_to(sink.port)).await).await;
    let input = json!({
        "caseId": h.case, "kind": "IPSR_FAMILY",
        "header": { "mainGoal": "Ребёнок возвращается в семью" },
        "tasks": [ task("PSYCHOLOGICAL", &h.hub.service, &day_in(10), "Посещает психолога") ],
        "nextReviewOn": day_in(30),
    });
    let body = create(&h, &h.hub.curator, input).await;
    let id = body["data"]["createPlan"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    // The review was due yesterday in Moscow, the service's zone.
    let yesterday = day_in(-1);
    h.app()
        .execute(&format!(
            "UPDATE plans SET next_review_on = '{yesterday}' WHERE id IS NOT NULL"
        ))
        .await
        .expect("move the review back");
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive();
    let midnight = chrono_tz::Europe::Moscow
        .from_local_datetime(&today.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("one midnight")
        .with_timezone(&Utc);
    let config = test_config();
    let round = |at| caselink::notify::reminders::round(&h.app().db, &config.mail, at);
    let reminded = "notifications WHERE kind = 'PLAN_REVIEW_OVERDUE'";

    // Still the review day in Moscow: nothing.
    round(midnight - Duration::minutes(1))
        .await
        .expect("a round");
    assert_eq!(h.app().count(reminded).await, 0);
    // The day over: reminded, once.
    round(Utc::now()).await.expect("a round");
    let raised = h.app().count(reminded).await;
    assert!(raised >= 1, "the lead hears of the review");
    round(Utc::now() + Duration::minutes(1))
        .await
        .expect("a round");
    assert_eq!(h.app().count(reminded).await, raised, "once");

    let mail = wait_for_subject(&sink, "Срок пересмотра плана истёк", 3).await;
    let mut to: Vec<String> = mail.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    to.dedup();
    assert!(to.contains(&"curator@service.example".to_owned()), "{to:?}");
    assert!(to.contains(&"head@service.example".to_owned()), "{to:?}");
    let link = format!("https://hub.example/plans/{id}");
    for message in &mail {
        let readable = message.readable();
        assert!(readable.contains(&link), "{readable}");
        assert!(readable.contains("CASE-"), "{readable}");
    }
    for message in sink.received() {
        let all = format!("{}\n{}", message.data, message.readable());
        for personal in ["Иванова", "Ребёнок возвращается", "психолога"]
        {
            assert!(!all.contains(personal), "{personal} in a message:\n{all}");
        }
    }
}
