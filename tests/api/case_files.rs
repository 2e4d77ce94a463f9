//! The personal file (личное дело): a case's own typed documents, checked by content,
//! size-limited, checksummed, listed and downloaded (audited) only in FULL scope; the
//! checklist of what a complete file holds for the lead agency's kind; and a handover's
//! package that picks its documents from the file.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::handover_documents::pdf;
use crate::handovers::{handover_hub, handover_hub_on, id_of, sender_order, HandoverHub};
use crate::harness::{error_code, error_field, spawn_app_with, TestApp};

const DOCUMENT_FIELDS: &str =
    "id type title fileName contentType sizeBytes sha256 uploadedAt uploadedById downloadPath";

pub fn png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(b"\0\0\0\rIHDR a small scan");
    bytes
}

/// Sends `addCaseDocument` as a GraphQL multipart request.
pub async fn add_document(
    app: &TestApp,
    token: &str,
    case: &str,
    doc_type: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Value {
    let query = format!(
        "mutation($c: ID!, $t: CaseDocumentType!, $f: Upload!) {{ addCaseDocument(caseId: $c, type: $t, title: \"Скан\", file: $f) {{ {DOCUMENT_FIELDS} }} }}"
    );
    let operations = json!({
        "query": query,
        "variables": { "c": case, "t": doc_type, "f": Value::Null }
    });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str("application/octet-stream")
                .expect("mime"),
        );
    app.http()
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("a JSON body")
}

fn added_id(body: &Value) -> String {
    id_of(body, "addCaseDocument")
}

async fn file_of(app: &TestApp, token: &str, case: &str) -> Value {
    let query = format!(
        "query($id: ID!) {{ case(id: $id) {{ scope documents {{ {DOCUMENT_FIELDS} }} fileChecklist {{ type present }} }} }}"
    );
    app.gql(Some(token), &query, json!({ "id": case })).await
}

async fn download(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.http()
        .get(format!("{}{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("send")
}

fn missing(body: &Value) -> Vec<String> {
    body["data"]["case"]["fileChecklist"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .filter(|i| i["present"] == false)
        .filter_map(|i| i["type"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn the_file_holds_typed_documents_read_and_downloaded_in_full_scope_only() {
    let h = handover_hub().await;
    let app = h.app();
    let body = add_document(
        app,
        &h.hub.curator,
        &h.case,
        "BIRTH_CERTIFICATE",
        "св-во.jpg",
        png(),
    )
    .await;
    let doc = &body["data"]["addCaseDocument"];
    assert_eq!(doc["type"], "BIRTH_CERTIFICATE", "{body}");
    // Named .jpg, but the content is a PNG: the content decides.
    assert_eq!(doc["contentType"], "image/png");
    assert_eq!(doc["sha256"], hex::encode(Sha256::digest(png())));
    assert_eq!(doc["sizeBytes"], png().len());
    assert_eq!(doc["fileName"], "св-во.jpg");
    let path = doc["downloadPath"].as_str().expect("path").to_owned();
    assert_eq!(
        app.count("audit_events WHERE action = 'CASE_DOCUMENT_ADDED'")
            .await,
        1
    );

    // The lead lists it; the checklist of a prevention service shows what is missing.
    let file = file_of(app, &h.hub.head, &h.case).await;
    assert_eq!(
        file["data"]["case"]["documents"][0]["fileName"], "св-во.jpg",
        "{file}"
    );
    assert_eq!(
        missing(&file),
        vec!["IDENTITY_DOCUMENT", "SIGNED_CONSENT", "SIGNED_PLAN_COPY"]
    );
    let (reads, _) = app.reads_naming(&h.case).await;
    assert!(reads > 0, "listing the file is an audited read");

    // The hospital sees the case as a summary: no file, no checklist, no download.
    let summary = file_of(app, &h.hub.nurse, &h.case).await;
    assert_eq!(summary["data"]["case"]["scope"], "SUMMARY", "{summary}");
    assert_eq!(summary["data"]["case"]["documents"], Value::Null);
    assert_eq!(summary["data"]["case"]["fileChecklist"], Value::Null);
    // A stranger does not find the case at all.
    let stranger = file_of(app, &h.hub.ngo, &h.case).await;
    assert_eq!(error_code(&stranger), Some("NOT_FOUND"), "{stranger}");

    // Downloads: the exact bytes for FULL scope, audited; 404 for the others.
    let got = download(app, &h.hub.curator, &path).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.headers()["cache-control"], "no-store");
    assert_eq!(got.bytes().await.expect("bytes").to_vec(), png());
    assert_eq!(
        app.count("audit_events WHERE action = 'CASE_DOCUMENT_DOWNLOADED'")
            .await,
        1
    );
    for token in [&h.hub.nurse, &h.hub.ngo, &h.officer, &h.social_head] {
        assert_eq!(download(app, token, &path).await.status(), 404);
    }
    assert_eq!(
        app.count("audit_events WHERE action = 'CASE_DOCUMENT_DOWNLOADED'")
            .await,
        1,
        "a refused download is not a read"
    );

    // Only the lead adds: the summary holder and a stranger find no case.
    for token in [&h.hub.nurse, &h.hub.ngo] {
        let refused = add_document(app, token, &h.case, "OTHER", "a.pdf", pdf()).await;
        assert_eq!(error_code(&refused), Some("NOT_FOUND"), "{refused}");
    }
    assert_eq!(app.count("case_documents").await, 1);
}

#[tokio::test]
async fn a_renamed_executable_or_an_oversize_file_is_refused_and_nothing_is_stored() {
    let app = spawn_app_with(|c| c.document_max_bytes = 1024).await;
    let h = handover_hub_on(app).await;
    let app = h.app();
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    let body = add_document(
        app,
        &h.hub.curator,
        &h.case,
        "IDENTITY_DOCUMENT",
        "паспорт.pdf",
        exe,
    )
    .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("file"));
    let mut big = pdf();
    big.resize(4096, b' ');
    let body = add_document(
        app,
        &h.hub.curator,
        &h.case,
        "IDENTITY_DOCUMENT",
        "big.pdf",
        big,
    )
    .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("file"));
    let body = add_document(
        app,
        &h.hub.curator,
        &h.case,
        "IDENTITY_DOCUMENT",
        "empty.pdf",
        Vec::new(),
    )
    .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(app.count("case_documents").await, 0);
    assert_eq!(
        app.count("audit_events WHERE action = 'CASE_DOCUMENT_ADDED'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_document_is_removed_softly_with_a_reason_by_its_uploader_or_the_head() {
    let h = handover_hub().await;
    let app = h.app();
    let body = add_document(
        app,
        &h.hub.head,
        &h.case,
        "SIGNED_CONSENT",
        "согласие.pdf",
        pdf(),
    )
    .await;
    let id = added_id(&body);
    let path = format!("/documents/{id}");
    let remove = "mutation($id: ID!, $r: String!) { removeCaseDocument(id: $id, reason: $r) { id documents { id } } }";
    // The curator did not add it and is not the head.
    let refused = app
        .gql(
            Some(&h.hub.curator),
            remove,
            json!({ "id": id, "r": "ошибочно" }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let blank = app
        .gql(Some(&h.hub.head), remove, json!({ "id": id, "r": " " }))
        .await;
    assert_eq!(error_field(&blank), Some("reason"), "{blank}");
    let stranger = app
        .gql(Some(&h.hub.ngo), remove, json!({ "id": id, "r": "x" }))
        .await;
    assert_eq!(error_code(&stranger), Some("NOT_FOUND"), "{stranger}");
    let removed = app
        .gql(
            Some(&h.hub.head),
            remove,
            json!({ "id": id, "r": "загружен не тот файл" }),
        )
        .await;
    assert_eq!(
        removed["data"]["removeCaseDocument"]["documents"],
        json!([]),
        "{removed}"
    );
    // The row stays, with the reason; it is no longer listed, counted or downloadable.
    assert_eq!(
        app.count("case_documents WHERE removed_at IS NOT NULL AND removal_reason = 'загружен не тот файл'")
            .await,
        1
    );
    assert_eq!(download(app, &h.hub.head, &path).await.status(), 404);
    let file = file_of(app, &h.hub.head, &h.case).await;
    assert!(
        missing(&file).contains(&"SIGNED_CONSENT".to_owned()),
        "{file}"
    );
    assert_eq!(
        app.count("audit_events WHERE action = 'CASE_DOCUMENT_REMOVED'")
            .await,
        1
    );
    let again = app
        .gql(
            Some(&h.hub.head),
            remove,
            json!({ "id": id, "r": "ещё раз" }),
        )
        .await;
    assert_eq!(error_code(&again), Some("NOT_FOUND"), "{again}");
}

/// The head sends the case to guardianship with `files` from the file and one upload.
async fn transfer_with_file(h: &HandoverHub, files: &[&str]) -> Value {
    h.act(
        &h.hub.head,
        "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r, package: $p, senderOrder: $o)",
        json!({ "id": h.case, "to": h.guardianship, "kind": "TRANSFER",
                "r": "Права ребёнка под угрозой",
                "p": { "records": ["PERSONS"], "fileDocumentIds": files }, "o": sender_order() }),
    )
    .await
}

#[tokio::test]
async fn a_package_picks_its_documents_from_the_file_and_the_receiver_reads_them() {
    let h = handover_hub().await;
    let app = h.app();
    let act = add_document(app, &h.hub.curator, &h.case, "ACT", "акт.pdf", pdf()).await;
    let act = added_id(&act);
    let birth = add_document(
        app,
        &h.hub.curator,
        &h.case,
        "BIRTH_CERTIFICATE",
        "св-во.png",
        png(),
    )
    .await;
    let birth = added_id(&birth);

    // A document that is not in this case's file names its place in the list.
    let wrong = transfer_with_file(&h, &[&act, &uuid::Uuid::now_v7().to_string()]).await;
    assert_eq!(error_code(&wrong), Some("BAD_USER_INPUT"), "{wrong}");
    assert_eq!(error_field(&wrong), Some("package.fileDocumentIds[1]"));
    assert_eq!(app.count("handovers").await, 0);

    let body = transfer_with_file(&h, &[&act, &birth]).await;
    let handover = id_of(&body, "requestHandover");
    // The receiver, deciding, sees them in the package as it sees an upload.
    let seen = h.handover_as(&h.officer, &handover).await;
    let docs = seen["data"]["handover"]["package"]["documents"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{seen}"));
    assert_eq!(docs.len(), 2, "{seen}");
    let names: Vec<&str> = docs.iter().filter_map(|d| d["fileName"].as_str()).collect();
    assert!(
        names.contains(&"акт.pdf") && names.contains(&"св-во.png"),
        "{seen}"
    );
    let act_copy = docs
        .iter()
        .find(|d| d["fileName"] == "акт.pdf")
        .expect("the act");
    assert_eq!(act_copy["sha256"], hex::encode(Sha256::digest(pdf())));
    assert_ne!(act_copy["id"], json!(act), "the package holds its own copy");
    let path = act_copy["downloadPath"].as_str().expect("path");
    let got = download(app, &h.officer, path).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.expect("bytes").to_vec(), pdf());
    assert_eq!(
        app.count("handover_documents WHERE case_document_id IS NOT NULL")
            .await,
        2
    );
    // The file's own document stays out of the receiver's reach until it leads.
    assert_eq!(
        download(app, &h.officer, &format!("/documents/{act}"))
            .await
            .status(),
        404
    );

    // Accepted, guardianship leads: the file follows the case, with guardianship's
    // checklist.
    let accepted = h.accept(&h.officer, &handover, "вх-118").await;
    assert_eq!(
        accepted["data"]["acceptHandover"]["status"], "ACCEPTED",
        "{accepted}"
    );
    let file = file_of(app, &h.officer, &h.case).await;
    assert_eq!(
        file["data"]["case"]["documents"].as_array().map(Vec::len),
        Some(2),
        "{file}"
    );
    assert_eq!(missing(&file), vec!["IDENTITY_DOCUMENT", "ORDER"]);
    assert_eq!(
        download(app, &h.officer, &format!("/documents/{act}"))
            .await
            .status(),
        200
    );
}
