//! `GET /documents/{id}`: a document attached to a handover, for a viewer that may read
//! the package (see [`crate::access::package_visible`]), or to an information request's
//! answer, for a viewer that reads the answer (see
//! [`crate::access::information_request_text_visible`]), or to a case's personal file,
//! for a viewer that reads the case in FULL, or to an MRG submission, for the lead that
//! submitted it and the group's chair and secretary. Anyone else gets 404, whether
//! or not the document exists, and as fast: the scope is in the SQL that finds the
//! document, and its bytes are read only after. Each download is on the audit record
//! before a byte leaves.

use axum::extract::{Path, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use uuid::Uuid;

use crate::access::{Actor, Caller, Viewer};
use crate::app::AppState;
use crate::audit::{self, Entry, Origin};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::handovers::{documents::Storage, store};
use crate::inforequests::store as answers;
use chrono::{DateTime, Utc};
use serde_json::json;

/// Sends a document's bytes, or a plain-text error.
pub async fn download(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    Path(id): Path<String>,
) -> Response {
    match fetch(&state, &caller, &id).await {
        Ok(document) => {
            let disposition = format!(
                "attachment; filename=\"{}\"; filename*=UTF-8''{}",
                ascii_name(&document.file_name),
                percent_encode(&document.file_name)
            );
            let mut response = document.bytes.into_response();
            let h = response.headers_mut();
            let mut set = |name: HeaderName, value: String| {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    h.insert(name, value);
                }
            };
            set(header::CONTENT_TYPE, document.content_type);
            set(header::CONTENT_DISPOSITION, disposition);
            // Personal data: no browser or proxy keeps a copy, and no browser guesses.
            set(header::CACHE_CONTROL, "no-store".into());
            set(header::X_CONTENT_TYPE_OPTIONS, "nosniff".into());
            // RFC 9530: the receiver can check it got the file that was sent.
            set(
                HeaderName::from_static("repr-digest"),
                format!("sha-256=:{}:", document.digest),
            );
            response
        }
        Err(error) => error.into_response(),
    }
}

struct Document {
    file_name: String,
    content_type: String,
    /// The stored SHA-256, base64 as `Repr-Digest` wants it.
    digest: String,
    bytes: Vec<u8>,
}

/// The stored checksum as `Repr-Digest` carries it. A stored value that is not SHA-256
/// hex is a damaged row: an error, never an empty digest the client would trust.
fn repr_digest(sha256_hex: &str) -> AppResult<String> {
    match hex::decode(sha256_hex) {
        Ok(bytes) if bytes.len() == 32 => {
            Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        _ => Err(AppError::internal(anyhow::anyhow!(
            "a stored document checksum is not SHA-256 hex"
        ))),
    }
}

/// A stored document found for the viewer: its row's facts and its audit entry.
struct Found {
    id: Uuid,
    file_name: String,
    content_type: String,
    sha256: String,
    /// The bytes, when kept in the database.
    content: Option<Vec<u8>>,
    audit: Entry,
}

/// The document `id` as the actor may download it: a handover's, else an answer's, else
/// the personal file's, else an MRG submission's.
async fn find(state: &AppState, actor: &Actor, id: Uuid, now: DateTime<Utc>) -> AppResult<Found> {
    let db = &state.db;
    let viewer = actor.viewer();
    match store::downloadable_document(db, viewer, id, now).await {
        Ok((row, case_id)) => {
            let details = json!({ "handoverId": row.handover_id, "sha256": row.sha256 });
            let action = crate::handovers::audit_actions::DOCUMENT_DOWNLOADED;
            Ok(Found {
                content: store::document_content(db, row.id).await?,
                audit: downloaded(action, row.id, case_id, details),
                id: row.id,
                file_name: row.file_name,
                content_type: row.content_type,
                sha256: row.sha256,
            })
        }
        Err(AppError::NotFound(_)) => match answer_or_file(state, viewer, id, now).await {
            Err(AppError::NotFound(_)) => attachment(state, actor, id, now).await,
            other => other,
        },
        Err(other) => Err(other),
    }
}

/// The MRG submission's attachment `id`, for the lead that submitted it and the group's
/// chair and secretary.
async fn attachment(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Found> {
    use crate::mrg::store::{self as mrg, Seer};
    let db = &state.db;
    let (row, group_id, case_id) =
        mrg::downloadable_attachment(db, Seer::of(actor, now), id).await?;
    let details = json!({
        "submissionId": row.submission_id,
        "groupId": group_id,
        "sha256": row.sha256,
    });
    let action = crate::mrg::audit_actions::MRG_ATTACHMENT_DOWNLOADED;
    Ok(Found {
        content: mrg::attachment_content(db, row.id).await?,
        audit: downloaded(action, row.id, case_id, details),
        id: row.id,
        file_name: row.file_name,
        content_type: row.content_type,
        sha256: row.sha256,
    })
}

/// The document `id` as the viewer may download it: an answer's, else the personal
/// file's (FULL scope on its case only).
async fn answer_or_file(
    state: &AppState,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Found> {
    let db = &state.db;
    match answers::downloadable_document(db, viewer, id, now).await {
        Ok((row, case_id)) => {
            let details = json!({
                "informationRequestId": row.information_request_id,
                "sha256": row.sha256,
            });
            let action = crate::inforequests::audit_actions::ANSWER_DOCUMENT_DOWNLOADED;
            Ok(Found {
                content: answers::document_content(db, row.id).await?,
                audit: downloaded(action, row.id, case_id, details),
                id: row.id,
                file_name: row.file_name,
                content_type: row.content_type,
                sha256: row.sha256,
            })
        }
        Err(AppError::NotFound(_)) => {
            let row = crate::casefiles::store::downloadable(db, viewer, id, now).await?;
            let details = json!({ "type": row.doc_type, "sha256": row.sha256 });
            let action = crate::casefiles::audit_actions::CASE_DOCUMENT_DOWNLOADED;
            Ok(Found {
                content: crate::casefiles::store::content(db, row.id).await?,
                audit: downloaded(action, row.id, row.case_id, details),
                id: row.id,
                file_name: row.file_name,
                content_type: row.content_type,
                sha256: row.sha256,
            })
        }
        Err(other) => Err(other),
    }
}

fn downloaded(
    action: crate::audit::AuditAction,
    id: Uuid,
    case_id: Uuid,
    details: serde_json::Value,
) -> Entry {
    Entry {
        case_id: Some(case_id),
        ..Entry::new(action, "document", Some(id))
    }
    .with_details(details)
}

async fn fetch(state: &AppState, caller: &Caller, id: &str) -> AppResult<Document> {
    let actor = caller.actor()?;
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound("document"))?;
    let now = db::now();
    let found = find(state, actor, id, now).await?;
    let digest = repr_digest(&found.sha256)?;
    let bytes = match found.content {
        Some(bytes) => bytes,
        None => {
            Storage::from_setting(state.config.documents_dir.as_deref())
                .read_file(found.id, &found.sha256)
                .await?
        }
    };
    let origin = Origin::of(caller)?;
    let mut tx = state.db.begin().await?;
    audit::record(&mut tx, &origin, found.audit, now).await?;
    tx.commit().await?;
    Ok(Document {
        file_name: found.file_name,
        content_type: found.content_type,
        digest,
        bytes,
    })
}

/// The name in ASCII for old clients: other characters become `_`.
fn ascii_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// RFC 8187 encoding for `filename*`.
fn percent_encode(name: &str) -> String {
    let mut out = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_the_stored_sha256_in_base64_or_an_error() {
        let empty_file = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(
            repr_digest(empty_file).ok().as_deref(),
            Some("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        );
        assert!(repr_digest("not hex").is_err());
        assert!(repr_digest("abcd").is_err());
    }

    #[test]
    fn file_names_are_safe_in_the_header() {
        assert_eq!(ascii_name("Акт \"1\".pdf"), "___ _1_.pdf");
        assert_eq!(percent_encode("Акт 1.pdf"), "%D0%90%D0%BA%D1%82%201.pdf");
    }
}
