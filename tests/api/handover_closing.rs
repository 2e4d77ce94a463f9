//! A family is never just dropped (domain.md §2, seeds-notes A3): a NOTICE informs social
//! protection or guardianship, which acknowledges it under its incoming registration, and
//! only then may the service close for broken commitments (b); a case closes for danger to
//! the child (c) only once guardianship has accepted its transfer.

use serde_json::{json, Value};

use crate::handovers::{handover_hub, id_of, sender_order, HandoverHub};
use crate::harness::{error_code, error_field};
use crate::workspace::page_as;

/// The curator moves the case on to support, where (b) and (c) close it.
async fn into_support(h: &HandoverHub) {
    for step in ["startDecisionWork", "startSupport"] {
        let query = format!("mutation($id: ID!) {{ {step}(caseId: $id) {{ status }} }}");
        let body = h
            .app()
            .gql(Some(&h.hub.curator), &query, json!({ "id": h.case }))
            .await;
        assert!(body["errors"].is_null(), "{step}: {body}");
    }
}

async fn close(h: &HandoverHub, token: &str, reason: &str) -> Value {
    h.app()
        .gql(
            Some(token),
            "mutation($id: ID!, $r: ClosureReason!) { closeCase(caseId: $id, reason: $r) { status closureReason } }",
            json!({ "id": h.case, "r": reason }),
        )
        .await
}

/// The head informs `to` about the family, with the people in the package.
async fn notify_agency(h: &HandoverHub, token: &str, to: &str) -> Value {
    h.act(
        token,
        "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r, package: $p)",
        json!({ "id": h.case, "to": to, "kind": "NOTICE",
                "r": "Семья не выполняет обязательства по плану сопровождения",
                "p": { "records": ["PERSONS"] } }),
    )
    .await
}

async fn acknowledge(h: &HandoverHub, token: &str, id: &str, number: &str, date: &str) -> Value {
    h.act(
        token,
        "acknowledgeNotice(id: $id, registrationNumber: $r, registrationDate: $d)",
        json!({ "id": id, "r": number, "d": date }),
    )
    .await
}

/// How many e-mails of `kind` the outbox holds (one per recipient).
async fn notifications_of_kind(h: &HandoverHub, kind: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM notifications WHERE kind = '{kind}'");
    caselink::with_db!(&h.app().db, |pool| sqlx::query_scalar(&sql)
        .fetch_one(pool)
        .await)
    .expect("count notifications")
}

#[tokio::test]
async fn a_notice_is_acknowledged_under_a_registration_and_then_the_service_closes_for_broken_commitments(
) {
    let h = handover_hub().await;
    into_support(&h).await;

    // Only the head informs another body, and only social protection or guardianship.
    let curators = notify_agency(&h, &h.hub.curator, &h.social).await;
    assert_eq!(error_code(&curators), Some("FORBIDDEN"), "{curators}");
    let to_hospital = notify_agency(&h, &h.hub.head, &h.hub.hospital).await;
    assert_eq!(
        error_code(&to_hospital),
        Some("BAD_USER_INPUT"),
        "{to_hospital}"
    );
    assert_eq!(error_field(&to_hospital), Some("toAgencyId"));

    // Before anyone was informed, (b) is refused and says what is missing.
    let too_early = close(&h, &h.hub.curator, "COMMITMENTS_BROKEN").await;
    assert_eq!(error_code(&too_early), Some("CONFLICT"), "{too_early}");
    assert!(
        too_early["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("NOTICE")),
        "{too_early}"
    );

    let sent = notify_agency(&h, &h.hub.head, &h.social).await;
    let notice = id_of(&sent, "requestHandover");
    let sent = &sent["data"]["requestHandover"];
    assert_eq!(sent["kind"], "NOTICE");
    assert_eq!(sent["status"], "PENDING");
    // 120-FZ art. 9 obliges the prevention system to inform: no consent is needed.
    assert_eq!(sent["sharingBasis"], "LEGAL_DUTY");
    assert!(notifications_of_kind(&h, "NOTICE_RECEIVED").await > 0);

    // A pending notice is not yet enough.
    let pending = close(&h, &h.hub.curator, "COMMITMENTS_BROKEN").await;
    assert_eq!(error_code(&pending), Some("CONFLICT"), "{pending}");

    // The receiver reads what it was sent, and acknowledges; it does not accept.
    let seen = h.handover_as(&h.social_head, &notice).await;
    assert_eq!(
        seen["data"]["handover"]["package"]["persons"][0]["fullName"], "Иванова Мария Петровна",
        "{seen}"
    );
    let accepted = h.accept(&h.social_head, &notice, "вх-1").await;
    assert_eq!(error_code(&accepted), Some("CONFLICT"), "{accepted}");
    let by_specialist = acknowledge(&h, &h.social_worker, &notice, "вх-1", "2026-11-23").await;
    assert_eq!(
        error_code(&by_specialist),
        Some("FORBIDDEN"),
        "{by_specialist}"
    );
    let blank = acknowledge(&h, &h.social_head, &notice, "  ", "2026-11-23").await;
    assert_eq!(error_field(&blank), Some("registrationNumber"), "{blank}");
    let future = acknowledge(&h, &h.social_head, &notice, "вх-1", "2099-01-01").await;
    assert_eq!(error_field(&future), Some("registrationDate"), "{future}");
    let by_sender = acknowledge(&h, &h.hub.head, &notice, "вх-1", "2026-11-23").await;
    assert_eq!(error_code(&by_sender), Some("CONFLICT"), "{by_sender}");
    // An agency that is neither side of the notice finds nothing, by API or page.
    let outsider = acknowledge(&h, &h.hub.other_nurse, &notice, "вх-1", "2026-11-23").await;
    assert_eq!(error_code(&outsider), Some("NOT_FOUND"), "{outsider}");
    let seen_by_outsider = h.handover_as(&h.hub.other_nurse, &notice).await;
    assert_eq!(error_code(&seen_by_outsider), Some("NOT_FOUND"));
    let (status, page) =
        page_as(h.app(), &h.hub.other_nurse, &format!("/handovers/{notice}")).await;
    assert_eq!(status, 404);
    assert!(!page.contains("ул. Ленина"), "{page}");

    let done = acknowledge(&h, &h.social_head, &notice, "вх-117", "2026-11-23").await;
    let done = &done["data"]["acknowledgeNotice"];
    assert_eq!(done["status"], "ACKNOWLEDGED", "{done}");
    assert_eq!(done["registrationNumber"], "вх-117");
    // The receiver keeps the summary and the package, to open its own case.
    assert_eq!(done["case"]["scope"], "SUMMARY");
    assert_eq!(
        done["package"]["persons"][0]["fullName"],
        "Иванова Мария Петровна"
    );
    // The same acknowledgement again changes nothing; another number is a conflict.
    let again = acknowledge(&h, &h.social_head, &notice, "вх-117", "2026-11-23").await;
    assert_eq!(again["data"]["acknowledgeNotice"]["status"], "ACKNOWLEDGED");
    let other = acknowledge(&h, &h.social_head, &notice, "вх-118", "2026-11-23").await;
    assert_eq!(error_code(&other), Some("CONFLICT"), "{other}");
    assert!(notifications_of_kind(&h, "NOTICE_ACKNOWLEDGED").await > 0);

    // The lead stayed with the service, which now closes under (b); (c) still needs
    // guardianship to have taken the case.
    let endangered = close(&h, &h.hub.curator, "CHILD_ENDANGERED").await;
    assert_eq!(error_code(&endangered), Some("CONFLICT"), "{endangered}");
    let closed = close(&h, &h.hub.curator, "COMMITMENTS_BROKEN").await;
    assert_eq!(closed["data"]["closeCase"]["status"], "CLOSED", "{closed}");
    assert_eq!(
        closed["data"]["closeCase"]["closureReason"],
        "COMMITMENTS_BROKEN"
    );
    let timeline = h
        .app()
        .gql(
            Some(&h.hub.curator),
            "query($id: ID!) { caseTimeline(caseId: $id) { kind } }",
            json!({ "id": h.case }),
        )
        .await;
    let kinds: Vec<&str> = timeline["data"]["caseTimeline"]
        .as_array()
        .map(|events| events.iter().filter_map(|e| e["kind"].as_str()).collect())
        .unwrap_or_default();
    assert!(kinds.contains(&"NOTICE_ACKNOWLEDGED"), "{kinds:?}");
}

#[tokio::test]
async fn a_case_closes_for_danger_to_the_child_only_after_guardianship_accepted_its_transfer() {
    let h = handover_hub().await;
    into_support(&h).await;
    let refused = close(&h, &h.hub.curator, "CHILD_ENDANGERED").await;
    assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("guardianship")),
        "{refused}"
    );

    // A notice acknowledged by guardianship informs it; it does not pass the case on.
    let noticed = notify_agency(&h, &h.hub.head, &h.guardianship).await;
    let notice = id_of(&noticed, "requestHandover");
    let acknowledged = acknowledge(&h, &h.officer, &notice, "вх-9", "2026-11-23").await;
    assert_eq!(
        acknowledged["data"]["acknowledgeNotice"]["status"],
        "ACKNOWLEDGED"
    );
    let still = close(&h, &h.hub.curator, "CHILD_ENDANGERED").await;
    assert_eq!(error_code(&still), Some("CONFLICT"), "{still}");

    // The case passes to guardianship, which leads it from then on and closes it.
    let transfer = h
        .act(
            &h.hub.head,
            "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r, senderOrder: $o)",
            json!({ "id": h.case, "to": h.guardianship, "kind": "TRANSFER",
                    "r": "Действия семьи угрожают ребёнку", "o": sender_order() }),
        )
        .await;
    let transfer = id_of(&transfer, "requestHandover");
    let accepted = h.accept(&h.officer, &transfer, "вх-10").await;
    assert_eq!(
        accepted["data"]["acceptHandover"]["status"], "ACCEPTED",
        "{accepted}"
    );
    let closed = close(&h, &h.officer2, "CHILD_ENDANGERED").await;
    assert_eq!(closed["data"]["closeCase"]["status"], "CLOSED", "{closed}");
}

#[tokio::test]
async fn the_receiver_acknowledges_a_notice_from_its_home_page() {
    let h = handover_hub().await;
    into_support(&h).await;
    let sent = notify_agency(&h, &h.hub.head, &h.social).await;
    let notice = id_of(&sent, "requestHandover");
    let app = h.app();

    let (_, home) = page_as(app, &h.social_head, "/").await;
    assert!(
        home.contains("Информирование") && home.contains(&format!("/handovers/{notice}")),
        "the notice waits on the receiver's home page: {home}"
    );
    let path = format!("/handovers/{notice}");
    let (status, page) = page_as(app, &h.social_head, &path).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("/acknowledge") && !page.contains("/accept\""),
        "{page}"
    );

    let post = |csrf: String, number: &'static str| {
        app.http()
            .post(format!("{}{path}/acknowledge", app.address))
            .header("cookie", format!("caselink_session={}", h.social_head))
            .form(&[
                ("csrf", csrf),
                ("registration_number", number.to_owned()),
                ("registration_date", "2026-11-24".to_owned()),
            ])
            .send()
    };
    let forged = post("00".into(), "вх-5").await.expect("post");
    assert_eq!(forged.status(), 403, "no form token, no acknowledgement");
    let csrf = caselink::web::session::form_token(&h.social_head);
    let done = post(csrf, "вх-5").await.expect("post");
    assert_eq!(done.url().path(), path, "back to the notice");
    let page = done.text().await.expect("the page");
    assert!(
        page.contains("получение подтверждено") && page.contains("вх-5 · 24.11.2026"),
        "{page}"
    );
    let closed = close(&h, &h.hub.curator, "COMMITMENTS_BROKEN").await;
    assert_eq!(closed["data"]["closeCase"]["status"], "CLOSED", "{closed}");
}
