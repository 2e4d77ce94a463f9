//! `GET /documents/{id}`: a document attached to a handover, for a viewer that may read
//! the package (see [`crate::access::package_visible`]). Anyone else gets 404, whether
//! or not the document exists, and as fast: the scope is in the SQL that finds the
//! document, and its bytes are read only after. Each download is on the audit record
//! before a byte leaves.

use axum::extract::{Path, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use uuid::Uuid;

use crate::access::Caller;
use crate::app::AppState;
use crate::audit::{self, Entry, Origin};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::handovers::{documents::Storage, store};

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
            let digest = base64::engine::general_purpose::STANDARD
                .encode(hex::decode(&document.sha256).unwrap_or_default());
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
                format!("sha-256=:{digest}:"),
            );
            response
        }
        Err(error) => error.into_response(),
    }
}

struct Document {
    file_name: String,
    content_type: String,
    sha256: String,
    bytes: Vec<u8>,
}

async fn fetch(state: &AppState, caller: &Caller, id: &str) -> AppResult<Document> {
    let actor = caller.actor()?;
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound("document"))?;
    let now = db::now();
    let (row, case_id) = store::downloadable_document(&state.db, actor.viewer(), id, now).await?;
    let bytes = match store::document_content(&state.db, row.id).await? {
        Some(bytes) => bytes,
        None => {
            Storage::from_setting(state.config.documents_dir.as_deref())
                .read_file(row.id, &row.sha256)
                .await?
        }
    };
    let origin = Origin::of(caller)?;
    let entry = Entry {
        case_id: Some(case_id),
        ..Entry::new(
            crate::handovers::audit_actions::DOCUMENT_DOWNLOADED,
            "document",
            Some(row.id),
        )
    }
    .with_details(serde_json::json!({ "handoverId": row.handover_id, "sha256": row.sha256 }));
    let mut tx = state.db.begin().await?;
    audit::record(&mut tx, &origin, entry, now).await?;
    tx.commit().await?;
    Ok(Document {
        file_name: row.file_name,
        content_type: row.content_type,
        sha256: row.sha256,
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
    fn file_names_are_safe_in_the_header() {
        assert_eq!(ascii_name("Акт \"1\".pdf"), "___ _1_.pdf");
        assert_eq!(percent_encode("Акт 1.pdf"), "%D0%90%D0%BA%D1%82%201.pdf");
    }
}
