//! Documents sent with a handover: checked by content, size-limited, checksummed, stored
//! in the database or a directory, and downloaded (audited) only by those who may.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::handovers::{handover_hub, handover_hub_on, id_of, HandoverHub, HANDOVER_FIELDS};
use crate::harness::{error_code, error_field, spawn_app_with};

pub fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".to_vec()
}

fn png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(b"\0\0\0\rIHDR rest of a small image");
    bytes
}

/// Sends `requestHandover` as a GraphQL multipart request with `files` as the package's
/// documents.
pub async fn request_with(h: &HandoverHub, files: Vec<(&str, Vec<u8>)>) -> Value {
    let query = format!(
        "mutation($id: ID!, $to: ID!, $p: HandoverPackageInput) {{ requestHandover(caseId: $id, toAgencyId: $to, kind: TRANSFER, reason: \"Права ребёнка под угрозой\", package: $p, senderOrder: {{number: \"41-о\", date: \"2026-11-20\"}}) {{ {HANDOVER_FIELDS} }} }}"
    );
    let nulls: Vec<Value> = files.iter().map(|_| Value::Null).collect();
    let operations = json!({
        "query": query,
        "variables": { "id": h.case, "to": h.guardianship, "p": { "records": ["SIGNAL_SHEET"], "documents": nulls } }
    });
    let map: serde_json::Map<String, Value> = (0..files.len())
        .map(|i| (i.to_string(), json!([format!("variables.p.documents.{i}")])))
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
    let response = h
        .app()
        .http()
        .post(format!("{}/graphql", h.app().address))
        .bearer_auth(&h.hub.head)
        .multipart(form)
        .send()
        .await
        .expect("send");
    response.json().await.expect("a JSON body")
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
async fn documents_are_typed_by_content_checksummed_and_downloaded_only_by_those_who_may() {
    let h = handover_hub().await;
    let body = request_with(&h, vec![("приказ.pdf", pdf()), ("акт.jpg", png())]).await;
    let id = id_of(&body, "requestHandover");
    let docs = &body["data"]["requestHandover"]["package"]["documents"];
    assert_eq!(docs[0]["fileName"], "приказ.pdf", "{body}");
    assert_eq!(docs[0]["contentType"], "application/pdf");
    // Named .jpg, but the content is a PNG: the content decides.
    assert_eq!(docs[1]["contentType"], "image/png");
    assert_eq!(docs[0]["sha256"], hex::encode(Sha256::digest(pdf())));
    assert_eq!(docs[0]["sizeBytes"], pdf().len());
    let path = docs[0]["downloadPath"].as_str().expect("path").to_owned();

    // The receiver, while it decides, downloads the exact bytes; the download is audited.
    let got = download(&h, &h.officer, &path).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.headers()["content-type"], "application/pdf");
    assert_eq!(got.headers()["cache-control"], "no-store");
    assert!(got.headers()["repr-digest"]
        .to_str()
        .is_ok_and(|d| d.starts_with("sha-256=:")));
    assert_eq!(got.bytes().await.expect("bytes").to_vec(), pdf());
    assert_eq!(
        h.app()
            .count("audit_events WHERE action = 'DOCUMENT_DOWNLOADED'")
            .await,
        1
    );

    // A third agency and the sending hospital (summary only) get 404, like a missing file.
    for token in [&h.hub.ngo, &h.hub.nurse, &h.social_head] {
        assert_eq!(download(&h, token, &path).await.status(), 404);
    }
    assert_eq!(
        download(&h, &h.officer, "/documents/not-an-id")
            .await
            .status(),
        404
    );
    let anonymous = h
        .app()
        .http()
        .get(format!("{}{path}", h.app().address))
        .send()
        .await
        .expect("send");
    assert_eq!(anonymous.status(), 401);

    // Once declined, the receiver reads nothing; the lead still does.
    h.act(
        &h.officer,
        "declineHandover(id: $id, reason: $r)",
        json!({ "id": id, "r": "нет оснований" }),
    )
    .await;
    assert_eq!(download(&h, &h.officer, &path).await.status(), 404);
    assert_eq!(download(&h, &h.hub.head, &path).await.status(), 200);
    assert_eq!(
        h.app()
            .count("audit_events WHERE action = 'DOCUMENT_DOWNLOADED'")
            .await,
        2
    );
}

#[tokio::test]
async fn a_renamed_executable_is_refused_and_nothing_is_stored() {
    let h = handover_hub().await;
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    let body = request_with(&h, vec![("scan.pdf", pdf()), ("scan2.pdf", exe)]).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("package.documents[1]"));
    assert_eq!(h.app().count("handovers").await, 0);
    assert_eq!(h.app().count("handover_documents").await, 0);
}

#[tokio::test]
async fn an_oversize_document_is_refused_with_nothing_stored_in_the_directory_either() {
    let dir = std::env::temp_dir().join(format!("caselink-docs-{}", uuid::Uuid::now_v7()));
    let dir_setting = dir.clone();
    let app = spawn_app_with(move |c| {
        c.document_max_bytes = 1024;
        c.documents_dir = Some(dir_setting);
    })
    .await;
    let h = handover_hub_on(app).await;
    let mut big = pdf();
    big.resize(4096, b' ');
    let body = request_with(&h, vec![("big.pdf", big)]).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(h.app().count("handover_documents").await, 0);
    let files = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
    assert_eq!(files, 0, "nothing written for a refused request");

    // Within the limit it is stored as a file (not in the row) and read back checked.
    let body = request_with(&h, vec![("small.pdf", pdf())]).await;
    let path = body["data"]["requestHandover"]["package"]["documents"][0]["downloadPath"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0), 1);
    assert_eq!(
        h.app()
            .count("handover_documents WHERE content IS NULL")
            .await,
        1
    );
    let got = download(&h, &h.officer, &path).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.expect("bytes").to_vec(), pdf());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_document_out_of_scope_is_not_found_before_a_byte_of_it_is_read() {
    let dir = std::env::temp_dir().join(format!("caselink-docs-{}", uuid::Uuid::now_v7()));
    let dir_setting = dir.clone();
    let app = spawn_app_with(move |c| c.documents_dir = Some(dir_setting)).await;
    let h = handover_hub_on(app).await;
    let body = request_with(&h, vec![("order.pdf", pdf())]).await;
    let path = body["data"]["requestHandover"]["package"]["documents"][0]["downloadPath"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{body}"));
    // Take the file away: whoever gets past the scope check now reads a missing file.
    for entry in std::fs::read_dir(&dir)
        .expect("the documents directory")
        .flatten()
    {
        std::fs::remove_file(entry.path()).expect("remove the stored file");
    }
    let in_scope = download(&h, &h.officer, &path).await;
    assert_eq!(
        in_scope.status(),
        500,
        "the receiver's download reads the file"
    );
    // Out of scope answers from the SQL that finds the document: the same 404 as for a
    // document that never existed, without touching the file.
    for token in [&h.hub.ngo, &h.hub.nurse, &h.social_head] {
        let out = download(&h, token, &path).await;
        assert_eq!(out.status(), 404);
    }
    let never = download(
        &h,
        &h.hub.ngo,
        &format!("/documents/{}", uuid::Uuid::now_v7()),
    )
    .await;
    assert_eq!(never.status(), 404);
    let _ = std::fs::remove_dir_all(&dir);
}
