//! Documents attached to a handover: scans in PDF, JPEG or PNG. The type is read from the
//! content (a renamed executable stays an executable), the size is limited, and the
//! SHA-256 is kept so the receiver can tell the file is the one that was sent.
//!
//! The bytes live in the database, or, when the operator sets `CASELINK_DOCUMENTS_DIR`,
//! in that directory under the document's id (written before the transaction commits and
//! removed again if it does not).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// The content types the hub accepts, recognised by their first bytes.
const SIGNATURES: &[(&[u8], &str)] = &[
    (b"%PDF-", "application/pdf"),
    (&[0xFF, 0xD8, 0xFF], "image/jpeg"),
    (
        &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A],
        "image/png",
    ),
];

/// The content type of `bytes`, if it is one the hub accepts.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    SIGNATURES
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map(|(_, content_type)| *content_type)
}

/// A document checked and ready to store.
#[derive(Debug)]
pub struct CheckedDocument {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: &'static str,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// Checks one upload of a handover's package: its size, its real type, a usable file
/// name; a refusal names `package.documents[position]`.
pub fn check(
    position: usize,
    file_name: &str,
    bytes: Vec<u8>,
    max_bytes: usize,
) -> AppResult<CheckedDocument> {
    check_upload(
        &format!("package.documents[{position}]"),
        file_name,
        bytes,
        max_bytes,
    )
}

/// Checks one upload (of any domain that takes scans: handovers, information requests'
/// answers): its size, its real type, a usable file name; a refusal names `field`.
pub fn check_upload(
    field: &str,
    file_name: &str,
    bytes: Vec<u8>,
    max_bytes: usize,
) -> AppResult<CheckedDocument> {
    let field = field.to_owned();
    if bytes.is_empty() {
        return Err(AppError::bad_input(&field, "the file is empty"));
    }
    if bytes.len() > max_bytes {
        return Err(AppError::bad_input(
            &field,
            format!("the file is larger than {max_bytes} bytes"),
        ));
    }
    let content_type = sniff(&bytes).ok_or_else(|| {
        AppError::bad_input(
            &field,
            "only PDF, JPEG and PNG scans are accepted (the content is neither)",
        )
    })?;
    Ok(CheckedDocument {
        id: Uuid::now_v7(),
        file_name: clean_file_name(file_name),
        content_type,
        sha256: hex::encode(Sha256::digest(&bytes)),
        bytes,
    })
}

/// The last path segment, without control characters, at most 200 characters.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    if clean.trim().is_empty() {
        "document".to_owned()
    } else {
        clean.trim().to_owned()
    }
}

/// Where the bytes live.
#[derive(Clone, Debug)]
pub enum Storage {
    /// In `handover_documents.content`.
    Database,
    /// As files named by document id in this directory.
    Directory(PathBuf),
}

impl Storage {
    /// From the operator's setting.
    pub fn from_setting(dir: Option<&Path>) -> Storage {
        match dir {
            Some(dir) => Storage::Directory(dir.to_path_buf()),
            None => Storage::Database,
        }
    }

    /// Writes the files of a directory store (nothing for the database store); returns
    /// the paths written, so they can be removed if the transaction fails.
    pub async fn write_files(&self, documents: &[CheckedDocument]) -> AppResult<Vec<PathBuf>> {
        let Storage::Directory(dir) = self else {
            return Ok(Vec::new());
        };
        tokio::fs::create_dir_all(dir).await.map_err(io_error)?;
        let mut written = Vec::new();
        for document in documents {
            let path = dir.join(document.id.to_string());
            let partial = dir.join(format!(".{}.part", document.id));
            let result = async {
                write_private(&partial, &document.bytes).await?;
                tokio::fs::rename(&partial, &path).await
            }
            .await;
            if let Err(error) = result {
                let _ = tokio::fs::remove_file(&partial).await;
                remove_files(&written).await;
                return Err(io_error(error));
            }
            written.push(path);
        }
        Ok(written)
    }

    /// Reads a document's bytes from a directory store, checking them against `sha256`.
    pub async fn read_file(&self, id: Uuid, sha256: &str) -> AppResult<Vec<u8>> {
        let Storage::Directory(dir) = self else {
            return Err(AppError::NotFound("document"));
        };
        let bytes = tokio::fs::read(dir.join(id.to_string()))
            .await
            .map_err(io_error)?;
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            tracing::error!(document = %id, "a stored document no longer matches its checksum");
            return Err(AppError::internal(anyhow::anyhow!(
                "stored document {id} does not match its checksum"
            )));
        }
        Ok(bytes)
    }

    /// Whether the bytes go into the database row.
    pub fn in_database(&self) -> bool {
        matches!(self, Storage::Database)
    }
}

/// Writes a file only the hub's own user may read: the scans carry personal data.
async fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).await?;
    file.write_all(bytes).await?;
    file.sync_all().await
}

/// Removes files written for a transaction that did not commit.
pub async fn remove_files(paths: &[PathBuf]) {
    for path in paths {
        let _ = tokio::fs::remove_file(path).await;
    }
}

fn io_error(error: std::io::Error) -> AppError {
    tracing::error!(%error, "document storage failed");
    AppError::internal(anyhow::anyhow!("document storage: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_read_from_the_content_not_the_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(
            sniff(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0]),
            Some("image/png")
        );
        // A Windows executable and an ELF binary, whatever they are called.
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00"), None);
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01"), None);
    }

    #[test]
    fn a_renamed_executable_is_bad_input_naming_the_document() {
        let err = check(1, "scan.pdf", b"MZ\x90\x00".to_vec(), 1024).err();
        assert!(
            matches!(err, Some(AppError::BadUserInput { ref field, .. }) if field == "package.documents[1]"),
            "{err:?}"
        );
    }

    #[test]
    fn an_oversize_or_empty_file_is_refused() {
        let mut big = b"%PDF-".to_vec();
        big.resize(2048, b'x');
        assert!(check(0, "a.pdf", big, 1024).is_err());
        assert!(check(0, "a.pdf", Vec::new(), 1024).is_err());
    }

    #[test]
    fn the_checksum_is_sha256_hex() {
        let doc = check(0, "a.pdf", b"%PDF-1".to_vec(), 1024).ok().unwrap();
        assert_eq!(doc.sha256, hex::encode(Sha256::digest(b"%PDF-1")));
        assert_eq!(doc.sha256.len(), 64);
    }

    #[test]
    fn file_names_lose_their_path_and_control_characters() {
        assert_eq!(clean_file_name("C:\\scans\\order.pdf"), "order.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\n.pdf"), "ab.pdf");
        assert_eq!(clean_file_name("  "), "document");
    }
}
