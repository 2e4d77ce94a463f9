//! Attachments on MRG submissions (issue 15): the lead picks documents of the case's
//! personal file; the group's chair and secretary list and download them (each download
//! audited); a member agency seeing the case in SUMMARY and an outsider get neither the
//! list nor the bytes. Through the API, on both databases.

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::case_files::{add_document, png};
use crate::cases::open_case_in;
use crate::handover_documents::pdf;
use crate::handovers::id_of;
use crate::harness::{error_code, error_field};
use crate::mrg::{mrg_hub, MrgHub};
use crate::workspace::{page_as, sign_in};

const SUBMIT: &str = "mutation($g: ID!, $c: ID!, $d: [ID!]!) { submitCaseToMrg(groupId: $g, caseId: $c, question: \"Вернуть ли ребёнка в семью?\", needs: \"Уход и питание\", capacity: \"Мать без жилья\", resources: \"Бабушка рядом\", fileDocumentIds: $d) }";

const ATTACHMENT_FIELDS: &str =
    "id title kind fileName contentType sizeBytes sha256 uploadedAt downloadPath";

/// The lead's curator submits `case` with these documents of its file.
async fn submit_with(m: &MrgHub, case: &str, documents: &[&str]) -> Value {
    m.gql(
        &m.h.hub.curator,
        SUBMIT,
        json!({ "g": m.group, "c": case, "d": documents }),
    )
    .await
}

/// The curator adds a document to `case`'s personal file; returns its id.
async fn file_document(m: &MrgHub, case: &str, doc_type: &str, bytes: Vec<u8>) -> String {
    let body = add_document(m.app(), &m.h.hub.curator, case, doc_type, "скан.pdf", bytes).await;
    id_of(&body, "addCaseDocument")
}

/// The agenda's first item's attachments as `token` reads them.
async fn agenda_attachments(m: &MrgHub, token: &str, meeting: &str) -> Value {
    let q = format!(
        "query($id: ID!) {{ mrgMeeting(id: $id) {{ agenda {{ attachments {{ {ATTACHMENT_FIELDS} }} }} }} }}"
    );
    let body = m.gql(token, &q, json!({ "id": meeting })).await;
    assert!(body["errors"].is_null(), "{body}");
    body["data"]["mrgMeeting"]["agenda"][0]["attachments"].clone()
}

async fn download(m: &MrgHub, token: &str, path: &str) -> reqwest::Response {
    m.app()
        .http()
        .get(format!("{}{path}", m.app().address))
        .bearer_auth(token)
        .send()
        .await
        .expect("send")
}

async fn downloads(m: &MrgHub) -> i64 {
    m.app()
        .count("audit_events WHERE action = 'MRG_ATTACHMENT_DOWNLOADED'")
        .await
}

#[tokio::test]
async fn the_lead_attaches_file_documents_and_only_the_chair_and_secretary_download_them() {
    let m = mrg_hub().await;
    let act = file_document(&m, &m.h.case, "ACT", pdf()).await;
    let consent = file_document(&m, &m.h.case, "SIGNED_CONSENT", png()).await;
    let body = submit_with(&m, &m.h.case, &[&act]).await;
    let submission = body["data"]["submitCaseToMrg"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let body = m.schedule(7, &[&submission]).await;
    let meeting = body["data"]["scheduleMeeting"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();

    // The chair (another agency, SUMMARY on the case) sees the one document picked.
    let seen = agenda_attachments(&m, &m.chair, &meeting).await;
    assert_eq!(seen.as_array().map(Vec::len), Some(1), "{seen}");
    let a = &seen[0];
    assert_eq!(a["kind"], "ACT");
    assert_eq!(a["title"], "Скан");
    assert_eq!(a["contentType"], "application/pdf");
    assert_eq!(a["sizeBytes"], pdf().len() as i64);
    assert!(a["uploadedAt"].is_string(), "{a}");
    assert_ne!(a["id"], json!(act), "the submission keeps its own copy");
    assert_ne!(a["id"], json!(consent));
    let path = a["downloadPath"].as_str().expect("path").to_owned();

    // The group's submissions show them to the secretary too.
    let q = format!("query($g: ID!) {{ mrgGroup(id: $g) {{ submissions {{ id attachments {{ {ATTACHMENT_FIELDS} }} }} }} }}");
    let body = m.gql(&m.secretary, &q, json!({ "g": m.group })).await;
    let listed = &body["data"]["mrgGroup"]["submissions"][0];
    assert_eq!(listed["id"], json!(submission), "{body}");
    assert_eq!(listed["attachments"][0]["downloadPath"], json!(path));

    // The chair and the secretary download the exact bytes; each download is audited.
    assert_eq!(downloads(&m).await, 0);
    for (token, count) in [(&m.chair, 1), (&m.secretary, 2)] {
        let got = download(&m, token, &path).await;
        assert_eq!(got.status(), 200);
        assert_eq!(got.headers()["content-type"], "application/pdf");
        assert_eq!(got.headers()["cache-control"], "no-store");
        assert_eq!(got.bytes().await.expect("bytes").to_vec(), pdf());
        assert_eq!(downloads(&m).await, count);
    }

    // A member agency (SUMMARY on the case) neither lists nor downloads them; nor does
    // the guardianship's other officer, nor an agency outside the group.
    for token in [&m.member, &m.h.officer] {
        let seen = agenda_attachments(&m, token, &meeting).await;
        assert_eq!(seen, json!([]), "a SUMMARY member sees no attachments");
    }
    for token in [&m.member, &m.h.officer, &m.h.hub.nurse, &m.h.hub.ngo] {
        assert_eq!(download(&m, token, &path).await.status(), 404);
    }
    assert_eq!(downloads(&m).await, 2, "a refused download is not a read");

    // Once removed from the personal file, the document stays attached as submitted.
    let q =
        "mutation($id: ID!) { removeCaseDocument(id: $id, reason: \"загружен по ошибке\") { id } }";
    let body = m.gql(&m.h.hub.curator, q, json!({ "id": act })).await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(download(&m, &m.chair, &path).await.status(), 200);
    assert_eq!(downloads(&m).await, 3);
}

#[tokio::test]
async fn attachments_are_refused_by_field_unless_each_is_once_in_this_cases_file() {
    let m = mrg_hub().await;
    let act = file_document(&m, &m.h.case, "ACT", pdf()).await;
    let other_case = open_case_in(&m.h.hub).await;
    let elsewhere = file_document(&m, &other_case, "ORDER", pdf()).await;

    // A document of another case's file.
    let body = submit_with(&m, &m.h.case, &[&act, &elsewhere]).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("fileDocumentIds[1]"), "{body}");

    // The same document twice.
    let body = submit_with(&m, &m.h.case, &[&act, &act]).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("fileDocumentIds[1]"), "{body}");

    // A document the lead cannot see: as one that does not exist.
    let unseen = uuid::Uuid::now_v7().to_string();
    let body = submit_with(&m, &m.h.case, &[&unseen]).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");

    // Not an id; too many.
    let body = submit_with(&m, &m.h.case, &["not-an-id"]).await;
    assert_eq!(error_field(&body), Some("fileDocumentIds[0]"), "{body}");
    let many: Vec<String> = (0..11).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let body = submit_with(&m, &m.h.case, &many).await;
    assert_eq!(error_field(&body), Some("fileDocumentIds"), "{body}");

    // Nothing was stored by any refusal; the good one goes through.
    assert_eq!(m.app().count("mrg_submissions").await, 0);
    assert_eq!(m.app().count("mrg_submission_documents").await, 0);
    let body = submit_with(&m, &m.h.case, &[&act]).await;
    assert!(body["data"]["submitCaseToMrg"].is_string(), "{body}");
    assert_eq!(m.app().count("mrg_submission_documents").await, 1);
}

#[tokio::test]
async fn the_lead_ticks_a_document_in_the_form_and_the_secretary_downloads_it_in_the_browser() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let m = mrg_hub().await;
    file_document(&m, &m.h.case, "ACT", pdf()).await;
    let address = m.app().address.clone();

    // The curator opens the form from the case, ticks the act and submits.
    sign_in(&browser, &address, "curator@service.example").await;
    browser.open(&format!("{address}/cases/{}", m.h.case)).await;
    browser.click("#case-submit-mrg").await;
    let text = browser.text().await;
    assert!(text.contains("Заявка на рассмотрение случая МРГ"), "{text}");
    assert!(text.contains("Скан (Акт, скан.pdf)"), "{text}");
    browser.assert_accessible().await;
    let js = "document.getElementById(arguments[0]).value = arguments[1];";
    for (id, value) in [
        ("submission-group", m.group.as_str()),
        ("submission-question", "Вернуть ли ребёнка в семью?"),
        ("submission-needs", "Уход и питание"),
        ("submission-capacity", "Мать без жилья"),
        ("submission-resources", "Бабушка рядом"),
    ] {
        browser
            .client
            .execute(js, vec![json!(id), json!(value)])
            .await
            .unwrap_or_else(|e| panic!("set #{id}: {e}"));
    }
    browser
        .client
        .execute(
            "document.getElementById('attach-1').checked = true;",
            vec![],
        )
        .await
        .expect("tick the act");
    browser.click("#submit-to-mrg").await;
    assert_eq!(browser.url().await, format!("{address}/cases/{}", m.h.case));
    browser.click(".signout button").await;

    // The secretary puts it on a meeting's agenda and finds the act on the meeting page.
    let q = "query($g: ID!) { mrgGroup(id: $g) { submissions { id attachments { fileName } } } }";
    let body = m.gql(&m.secretary, q, json!({ "g": m.group })).await;
    let submission = &body["data"]["mrgGroup"]["submissions"][0];
    assert_eq!(
        submission["attachments"][0]["fileName"], "скан.pdf",
        "{body}"
    );
    let id = submission["id"].as_str().expect("a submission").to_owned();
    let body = m.schedule(7, &[&id]).await;
    let meeting = body["data"]["scheduleMeeting"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    sign_in(&browser, &address, "secretary@service.example").await;
    browser
        .open(&format!("{address}/mrg/meetings/{meeting}"))
        .await;
    let text = browser.text().await;
    assert!(text.contains("Скан (скан.pdf)"), "{text}");
    browser.assert_accessible().await;
    let fetched = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const link = document.querySelector('#attachments-1 a.attachment-link');
             fetch(link.href).then(r => r.arrayBuffer().then(b => done([r.status, b.byteLength])))
               .catch(e => done(String(e)));",
            vec![],
        )
        .await
        .expect("download");
    assert_eq!(fetched, json!([200, pdf().len()]), "{fetched}");
    assert_eq!(downloads(&m).await, 1, "the download is audited");
    browser.close().await;

    // A member's meeting page shows no attachment.
    let (status, page) = page_as(m.app(), &m.member, &format!("/mrg/meetings/{meeting}")).await;
    assert_eq!(status, 200);
    assert!(!page.contains("attachment-link"), "{page}");
}

/// Posts the submission form of `case` as the curator's session.
async fn post_form(m: &MrgHub, case: &str, csrf: &str, documents: &[&str]) -> (u16, String) {
    let mut fields = vec![
        ("csrf", csrf),
        ("group_id", m.group.as_str()),
        ("question", "Вопрос, набранный в форме"),
        ("needs", "Уход"),
        ("capacity", "Нет жилья"),
        ("resources", "Бабушка"),
    ];
    fields.extend(documents.iter().map(|d| ("file_documents", *d)));
    let response = m
        .app()
        .http()
        .post(format!("{}/cases/{case}/mrg", m.app().address))
        .header("cookie", format!("caselink_session={}", m.h.hub.curator))
        .form(&fields)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a page"))
}

#[tokio::test]
async fn a_refused_form_keeps_what_was_typed_and_says_so_by_the_documents() {
    let m = mrg_hub().await;
    let other_case = open_case_in(&m.h.hub).await;
    let elsewhere = file_document(&m, &other_case, "ORDER", pdf()).await;
    let csrf = caselink::web::session::form_token(&m.h.hub.curator);

    let (status, page) = post_form(&m, &m.h.case, &csrf, &[&elsewhere]).await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("id=\"documents-error\""), "{page}");
    assert!(page.contains("Вопрос, набранный в форме"), "{page}");

    let (status, _) = post_form(&m, &m.h.case, "forged", &[]).await;
    assert_eq!(status, 403, "no form token, no submission");
    assert_eq!(m.app().count("mrg_submissions").await, 0);

    // The member agency's people do not get the form for a case they do not lead.
    let (status, _) = page_as(m.app(), &m.member, &format!("/cases/{}/mrg/new", m.h.case)).await;
    assert_eq!(status, 404);
}
