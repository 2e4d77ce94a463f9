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

async fn fetch(state: &AppState, caller: &Caller, id: &str) -> AppResult<Document> {
    let actor = caller.actor()?;
    let id = Uuid::parse_str(id).map_err(|_| AppError::NotFound("document"))?;
    let now = db::now();
    let (row, case_id) = store::downloadable_document(&state.db, actor.viewer(), id, now).await?;
    let digest = repr_digest(&row.sha256)?;
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
