//! Information requests between agencies (seeds-notes A4): the lead's curator asks
//! another agency questions with a due date; the receiver sees the questions and only
//! who the person is (read audited), answers once with text and documents, and the
//! answer lands in the case. Every rule through the API, on both databases.

use chrono::{Duration, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::handover_documents::pdf;
use crate::handovers::{handover_hub, handover_hub_on, HandoverHub};
use crate::harness::{error_code, error_field, mail_to, spawn_app_with, test_config, PASSWORD};
use crate::smtp::SmtpSink;
use crate::workspace::page_as;

pub const REQUEST_FIELDS: &str = "id journalNumber status questions dueDate dueAt overdue person { fullName birthDate } answer { text documents { id fileName contentType sha256 downloadPath } } withdrawReason fromAgency { id } toAgency { id } case { id }";

const READS: &str = "audit_events WHERE action = 'PERSONAL_DATA_READ'";

/// A due date `days` ahead of today in the receiver's calendar (Yekaterinburg).
pub fn due_in(days: i64) -> String {
    let today = Utc::now()
        .with_timezone(&chrono_tz::Asia::Yekaterinburg)
        .date_naive();
    (today + Duration::days(days)).to_string()
}

/// `requestInformation` as the holder of `token`, about the hub's case, to `to`.
pub async fn ask(h: &HandoverHub, token: &str, to: &str, due: &str) -> Value {
    let query = format!(
        "mutation($c: ID!, $to: ID!, $q: String!, $d: NaiveDate!) {{ requestInformation(caseId: $c, receiverAgencyId: $to, questions: $q, dueDate: $d) {{ {REQUEST_FIELDS} }} }}"
    );
    let vars = json!({ "c": h.case, "to": to, "d": due,
        "q": "Состоит ли семья на учёте? Были ли обращения матери?" });
    h.app().gql(Some(token), &query, vars).await
}

/// The curator asks guardianship; returns the request's id.
pub async fn asked(h: &HandoverHub) -> String {
    let body = ask(h, &h.hub.curator, &h.guardianship, &due_in(7)).await;
    body["data"]["requestInformation"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("requestInformation failed: {body}"))
}

pub async fn request_as(h: &HandoverHub, token: &str, id: &str) -> Value {
    let query = format!("query($id: ID!) {{ informationRequest(id: $id) {{ {REQUEST_FIELDS} }} }}");
    h.app().gql(Some(token), &query, json!({ "id": id })).await
}

/// `answerInformationRequest` as a GraphQL multipart request with `files` attached.
pub async fn answer_with(
    h: &HandoverHub,
    token: &str,
    id: &str,
    text: &str,
    files: Vec<(&str, Vec<u8>)>,
) -> Value {
    let query = format!(
        "mutation($id: ID!, $t: String!, $f: [Upload!]) {{ answerInformationRequest(id: $id, text: $t, documents: $f) {{ {REQUEST_FIELDS} }} }}"
    );
    let nulls: Vec<Value> = files.iter().map(|_| Value::Null).collect();
    let operations = json!({ "query": query, "variables": { "id": id, "t": text, "f": nulls } });
    let map: serde_json::Map<String, Value> = (0..files.len())
        .map(|i| (i.to_string(), json!([format!("variables.f.{i}")])))
        .collect();
    let mut form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", Value::Object(map).to_string());
    for (i, (name, bytes)) in files.into_iter().enumerate() {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str("application/pdf")
            .expect("mime");
        form = form.part(i.to_string(), part);
    }
    h.app()
        .http()
        .post(format!("{}/graphql", h.app().address))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("a JSON body")
}

async fn withdraw(h: &HandoverHub, token: &str, id: &str, reason: &str) -> Value {
    let query = format!(
        "mutation($id: ID!, $r: String!) {{ withdrawInformationRequest(id: $id, reason: $r) {{ {REQUEST_FIELDS} }} }}"
    );
    h.app()
        .gql(Some(token), &query, json!({ "id": id, "r": reason }))
        .await
}

async fn download(h: &HandoverHub, token: &str, path: &str) -> reqwest::Response {
    h.app()
        .http()
        .get(format!("{}{path}", h.app().address))
        .bearer_auth(token)
        .send()
        .await
        .expect("send")
}

#[tokio::test]
async fn the_receiver_sees_the_questions_and_only_who_the_person_is_and_the_read_is_audited() {
    let h = handover_hub().await;
    let body = ask(&h, &h.hub.curator, &h.guardianship, &due_in(7)).await;
    let sent = &body["data"]["requestInformation"];
    let number = sent["journalNumber"].as_str().unwrap_or_default();
    assert!(
        number.starts_with("REQ-20") && number.ends_with("-0001"),
        "{body}"
    );
    assert_eq!(sent["status"], "OPEN");
    assert_eq!(
        sent["person"],
        Value::Null,
        "the sender reads the case, not this"
    );
    let id = sent["id"].as_str().unwrap_or_default().to_owned();

    let on_case = format!(
        "{READS} AND case_id = (SELECT case_id FROM information_requests WHERE journal_no = '{number}')"
    );
    let reads_before = h.app().count(READS).await;
    let case_reads_before = h.app().count(&on_case).await;
    let seen = request_as(&h, &h.officer, &id).await;
    let node = &seen["data"]["informationRequest"];
    assert_eq!(
        node["person"]["fullName"], "Иванова Мария Петровна",
        "{seen}"
    );
    assert_eq!(node["person"]["birthDate"], "1999-04-02");
    assert!(node["questions"]
        .as_str()
        .is_some_and(|q| q.contains("на учёте")));
    assert_eq!(
        node["case"],
        Value::Null,
        "the receiver has no part in the case"
    );
    // Nothing else of the case: no address, phone, sheet or timeline anywhere.
    let all = seen.to_string();
    for leak in ["Ленина", "+7 900", "негде жить"] {
        assert!(!all.contains(leak), "{leak} shown to the receiver: {all}");
    }
    let case = h
        .app()
        .gql(
            Some(&h.officer),
            "query($id: ID!) { case(id: $id) { id } }",
            json!({ "id": h.case }),
        )
        .await;
    assert_eq!(error_code(&case), Some("NOT_FOUND"), "{case}");
    assert_eq!(
        h.app().count(READS).await,
        reads_before + 1,
        "the read is audited"
    );
    assert_eq!(
        h.app().count(&on_case).await,
        case_reads_before + 1,
        "audited against the case"
    );

    // The inbox lists it, soonest due first; the sender's list has it too.
    let inbox = h
        .app()
        .gql(
            Some(&h.officer),
            "{ informationRequestsReceived(first: 10) { edges { node { id journalNumber overdue } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        inbox["data"]["informationRequestsReceived"]["edges"][0]["node"]["id"],
        id.as_str(),
        "{inbox}"
    );
    let outbox = h
        .app()
        .gql(
            Some(&h.hub.head),
            "{ informationRequestsSent(first: 10) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        outbox["data"]["informationRequestsSent"]["edges"][0]["node"]["id"],
        id.as_str(),
        "{outbox}"
    );
}

#[tokio::test]
async fn only_the_cases_curator_or_a_head_of_the_lead_asks() {
    let h = handover_hub().await;
    let app = h.app();
    app.create_user(
        &h.hub.admin,
        &h.hub.service,
        "psy@service.example",
        &["SPECIALIST"],
    )
    .await;
    let specialist = app.login("psy@service.example", PASSWORD).await;
    let due = due_in(5);
    let forbidden = ask(&h, &specialist, &h.guardianship, &due).await;
    assert_eq!(error_code(&forbidden), Some("FORBIDDEN"), "{forbidden}");
    let nurse = ask(&h, &h.hub.nurse, &h.guardianship, &due).await;
    assert_eq!(error_code(&nurse), Some("FORBIDDEN"), "{nurse}");
    // A curator of an agency with no part in the case finds no case.
    let outsider = ask(&h, &h.hub.ngo, &h.guardianship, &due).await;
    assert_eq!(error_code(&outsider), Some("NOT_FOUND"), "{outsider}");
    let own = ask(&h, &h.hub.curator, &h.hub.service, &due).await;
    assert_eq!(error_field(&own), Some("receiverAgencyId"), "{own}");
    assert_eq!(app.count("information_requests").await, 0);

    let head = ask(&h, &h.hub.head, &h.social, &due).await;
    assert_eq!(
        head["data"]["requestInformation"]["status"], "OPEN",
        "{head}"
    );
    let curator = ask(&h, &h.hub.curator, &h.guardianship, &due).await;
    let number = curator["data"]["requestInformation"]["journalNumber"]
        .as_str()
        .unwrap_or_default();
    assert!(
        number.ends_with("-0002"),
        "numbered per agency and year: {curator}"
    );
}

#[tokio::test]
async fn a_due_date_must_be_ahead_and_within_ninety_days_naming_the_field() {
    let h = handover_hub().await;
    for due in [due_in(0), due_in(-3), due_in(91)] {
        let body = ask(&h, &h.hub.curator, &h.guardianship, &due).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{due}: {body}");
        assert_eq!(error_field(&body), Some("dueDate"), "{body}");
    }
    let empty = h
        .app()
        .gql(
            Some(&h.hub.curator),
            "mutation($c: ID!, $to: ID!, $d: NaiveDate!) { requestInformation(caseId: $c, receiverAgencyId: $to, questions: \"  \", dueDate: $d) { id } }",
            json!({ "c": h.case, "to": h.guardianship, "d": due_in(3) }),
        )
        .await;
    assert_eq!(error_field(&empty), Some("questions"), "{empty}");
    assert_eq!(h.app().count("information_requests").await, 0);
    let latest = ask(&h, &h.hub.curator, &h.guardianship, &due_in(90)).await;
    let due: NaiveDate = latest["data"]["requestInformation"]["dueDate"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("{latest}"));
    assert_eq!(due.to_string(), due_in(90));
}

#[tokio::test]
async fn an_agency_with_no_part_finds_nothing_and_the_sender_does_not_answer() {
    let h = handover_hub().await;
    let id = asked(&h).await;
    for token in [&h.hub.ngo, &h.social_head, &h.hub.nurse] {
        let body = request_as(&h, token, &id).await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
        let answer = answer_with(&h, token, &id, "Сведения", vec![]).await;
        assert_eq!(error_code(&answer), Some("NOT_FOUND"), "{answer}");
    }
    let own = answer_with(&h, &h.hub.curator, &id, "Сведения", vec![]).await;
    assert_eq!(error_code(&own), Some("FORBIDDEN"), "{own}");
    let by_receiver = withdraw(&h, &h.officer, &id, "не нам").await;
    assert_eq!(error_code(&by_receiver), Some("FORBIDDEN"), "{by_receiver}");
    let node =
        "query($id: ID!) { node(id: $id) { id ... on InformationRequest { journalNumber } } }";
    let through_node = h
        .app()
        .gql(Some(&h.officer), node, json!({ "id": id }))
        .await;
    assert!(
        through_node["data"]["node"]["journalNumber"]
            .as_str()
            .is_some_and(|n| n.starts_with("REQ-")),
        "{through_node}"
    );
    let outsider = h
        .app()
        .gql(Some(&h.hub.ngo), node, json!({ "id": id }))
        .await;
    assert_eq!(error_code(&outsider), Some("NOT_FOUND"), "{outsider}");
    let anonymous = h
        .app()
        .gql(
            None,
            "query($id: ID!) { informationRequest(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        error_code(&anonymous),
        Some("UNAUTHENTICATED"),
        "{anonymous}"
    );
}

#[tokio::test]
async fn the_answer_and_its_documents_land_in_the_case_for_the_lead() {
    let h = handover_hub().await;
    let id = asked(&h).await;
    let exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    let refused = answer_with(
        &h,
        &h.officer,
        &id,
        "Ответ",
        vec![("a.pdf", pdf()), ("b.pdf", exe)],
    )
    .await;
    assert_eq!(error_field(&refused), Some("documents[1]"), "{refused}");
    assert_eq!(h.app().count("information_request_documents").await, 0);
    assert_eq!(
        h.app()
            .count("information_requests WHERE status = 'OPEN'")
            .await,
        1,
        "a refused answer leaves the request open"
    );

    let body = answer_with(
        &h,
        &h.officer,
        &id,
        "Семья на учёте не состоит; обращений не было.",
        vec![("справка.pdf", pdf())],
    )
    .await;
    let node = &body["data"]["answerInformationRequest"];
    assert_eq!(node["status"], "ANSWERED", "{body}");
    assert_eq!(
        node["person"],
        Value::Null,
        "answered: the receiver's need ended"
    );
    assert_eq!(node["answer"]["documents"][0]["fileName"], "справка.pdf");

    let case = h
        .app()
        .gql(
            Some(&h.hub.curator),
            "query($id: ID!) { case(id: $id) { informationRequests { journalNumber status answer { text documents { fileName downloadPath } } } } }",
            json!({ "id": h.case }),
        )
        .await;
    let filed = &case["data"]["case"]["informationRequests"][0];
    assert_eq!(filed["status"], "ANSWERED", "{case}");
    assert!(filed["answer"]["text"]
        .as_str()
        .is_some_and(|t| t.contains("не состоит")));
    let path = filed["answer"]["documents"][0]["downloadPath"]
        .as_str()
        .unwrap_or_else(|| panic!("{case}"))
        .to_owned();
    let got = download(&h, &h.hub.curator, &path).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.expect("bytes").to_vec(), pdf());
    assert_eq!(
        download(&h, &h.officer, &path).await.status(),
        200,
        "its own answer"
    );
    for outsider in [&h.social_head, &h.hub.ngo, &h.hub.nurse] {
        assert_eq!(download(&h, outsider, &path).await.status(), 404);
    }
    assert_eq!(
        h.app()
            .count("audit_events WHERE action = 'ANSWER_DOCUMENT_DOWNLOADED'")
            .await,
        2
    );
    let timeline = h
        .app()
        .count("case_events WHERE kind = 'INFORMATION_REQUEST_ANSWERED'")
        .await;
    assert_eq!(timeline, 1, "the case's timeline notes the answer");

    // Answered once: a second answer is refused, the first stays.
    let again = answer_with(&h, &h.officer2, &id, "Другой ответ", vec![]).await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
    let late_withdraw = withdraw(&h, &h.hub.curator, &id, "уже не нужно").await;
    assert_eq!(
        error_code(&late_withdraw),
        Some("CONFLICT"),
        "{late_withdraw}"
    );
}

#[tokio::test]
async fn a_withdrawn_request_cannot_be_answered_and_the_receiver_no_longer_sees_the_person() {
    let h = handover_hub().await;
    let id = asked(&h).await;
    let body = withdraw(&h, &h.hub.curator, &id, "Сведения получены иначе").await;
    assert_eq!(
        body["data"]["withdrawInformationRequest"]["status"], "WITHDRAWN",
        "{body}"
    );
    let again = withdraw(&h, &h.hub.curator, &id, "Сведения получены иначе").await;
    assert_eq!(
        again["data"]["withdrawInformationRequest"]["status"], "WITHDRAWN",
        "the same withdrawal again is harmless: {again}"
    );
    let answer = answer_with(&h, &h.officer, &id, "Ответ", vec![]).await;
    assert_eq!(error_code(&answer), Some("CONFLICT"), "{answer}");
    let seen = request_as(&h, &h.officer, &id).await;
    let node = &seen["data"]["informationRequest"];
    assert_eq!(node["status"], "WITHDRAWN", "{seen}");
    assert_eq!(node["person"], Value::Null);
    assert_eq!(node["withdrawReason"], "Сведения получены иначе");
}

#[tokio::test]
async fn mail_goes_out_when_asked_and_answered_with_number_and_link_only() {
    let sink = SmtpSink::start().await;
    let h = handover_hub_on(spawn_app_with(mail_to(sink.port)).await).await;
    let id = asked(&h).await;
    let link = format!("https://hub.example/requests/{id}");
    let asked_mail = wait_for_subject(&sink, "Поступил запрос информации", 3).await;
    let mut recipients: Vec<String> = asked_mail.iter().flat_map(|m| m.to.clone()).collect();
    recipients.sort();
    assert_eq!(
        recipients,
        [
            "office@agency.example",
            "officer2@opeka.example",
            "officer@opeka.example"
        ],
        "the receiver's address and its officers"
    );
    for message in &asked_mail {
        let readable = message.readable();
        assert!(
            readable.contains("Поступил запрос информации"),
            "{readable}"
        );
        assert!(readable.contains("REQ-20"), "{readable}");
        assert!(readable.contains(&link), "{readable}");
    }
    answer_with(
        &h,
        &h.officer,
        &id,
        "На учёте не состоит.",
        vec![("a.pdf", pdf())],
    )
    .await;
    let answered = wait_for_subject(&sink, "Получен ответ на запрос информации", 3).await;
    let mut to: Vec<String> = answered.iter().flat_map(|m| m.to.clone()).collect();
    to.sort();
    to.dedup();
    assert!(to.contains(&"curator@service.example".to_owned()), "{to:?}");
    for message in sink.received() {
        let all = format!("{}\n{}", message.data, message.readable());
        for personal in ["Иванова", "1999", "на учёте", "Состоит ли", "a.pdf"]
        {
            assert!(!all.contains(personal), "{personal} in a message:\n{all}");
        }
    }
}

/// The messages whose subject has `headline`, once there are `n` of them.
pub async fn wait_for_subject(
    sink: &SmtpSink,
    headline: &str,
    n: usize,
) -> Vec<crate::smtp::Received> {
    for _ in 0..600 {
        let got: Vec<_> = sink
            .received()
            .into_iter()
            .filter(|m| m.subject().contains(headline))
            .collect();
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("fewer than {n} messages «{headline}» within 15 s");
}

#[tokio::test]
async fn an_overdue_request_is_flagged_and_reminded_of_once() {
    let h = handover_hub_on(spawn_app_with(|_| {}).await).await;
    let id = asked(&h).await;
    let node = request_as(&h, &h.officer, &id).await;
    let due_at: chrono::DateTime<Utc> = node["data"]["informationRequest"]["dueAt"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{node}"));
    assert_eq!(node["data"]["informationRequest"]["overdue"], false);
    let config = test_config();
    let round = |at| caselink::notify::reminders::round(&h.app().db, &config.mail, at);
    let overdue = "notifications WHERE kind = 'INFORMATION_REQUEST_OVERDUE'";
    round(due_at - Duration::hours(1)).await.expect("a round");
    assert_eq!(h.app().count(overdue).await, 0, "not yet");
    round(due_at + Duration::hours(1)).await.expect("a round");
    let rows = h.app().count(overdue).await;
    // The receiver's address and officers, the sender's address, curator and head.
    assert_eq!(rows, 5);
    round(due_at + Duration::hours(2)).await.expect("a round");
    assert_eq!(h.app().count(overdue).await, rows, "once");

    // Past its due time (moved back here), it is flagged for both agencies.
    h.app()
        .execute("UPDATE information_requests SET due_at = requested_at")
        .await
        .expect("move the due time back");
    let node = request_as(&h, &h.officer, &id).await;
    assert_eq!(
        node["data"]["informationRequest"]["overdue"], true,
        "{node}"
    );
    let (status, page) = crate::workspace::page_as(h.app(), &h.officer, "/").await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"information-requests\""), "{page}");
    assert!(
        page.contains("просрочен"),
        "flagged on the home page: {page}"
    );
}

#[tokio::test]
async fn the_search_finds_a_request_by_its_number_only_for_the_two_agencies() {
    let h = handover_hub().await;
    let id = asked(&h).await;
    let number = request_as(&h, &h.officer, &id).await["data"]["informationRequest"]
        ["journalNumber"]
        .as_str()
        .map(str::to_owned)
        .expect("a REQ number");
    let path = format!("/search?number={}", number.to_lowercase());
    // One request found opens at once, for the receiver and for the sender.
    for token in [&h.officer, &h.hub.curator] {
        let answer = h
            .app()
            .http()
            .get(format!("{}{path}", h.app().address))
            .header("cookie", format!("caselink_session={token}"))
            .send()
            .await
            .expect("search");
        assert_eq!(answer.url().path(), format!("/requests/{id}"));
    }
    // Another agency finds nothing, as for a number that does not exist.
    let (status, page) = page_as(h.app(), &h.social_head, &path).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("nothing-found") && !page.contains(&id),
        "{page}"
    );
}
