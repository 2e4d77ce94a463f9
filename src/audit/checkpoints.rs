//! Signed checkpoints outside the database: after each sealing round the sealer appends
//! one line to a file the operator names, saying "the chain had this hash at this
//! position", signed with the current audit key's Ed25519 key.
//!
//! Why: keyed links stop someone who can write the database from rewriting the chain, but
//! not from cutting its newest events off and moving the recorded head back, since every
//! shorter chain is still a valid one. A checkpoint kept elsewhere (and optionally mailed
//! to an auditor, [`crate::notify::audit_checkpoint`]) remembers how far the chain had
//! got. `audit verify` checks each checkpoint's signature, that the chain reaches its
//! position, and that the chain's hash there is the one signed.
//!
//! One JSON object per line: `{"v":1,"position":…,"hash":"…","sealed_at":"…","key_id":"…",
//! "signature":"…"}`. The signature (base64) covers [`Checkpoint::signed_text`].

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::Signature;
use serde::{Deserialize, Serialize};

use super::keys::{AuditKey, Keyring};
use super::sealer::Head;

/// The format version this code writes and reads.
const VERSION: u32 = 1;

/// One checkpoint: the chain's head at a moment, signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The format version (1).
    pub v: u32,
    /// The chain position of the head.
    pub position: i64,
    /// The hash of the link at that position.
    pub hash: String,
    /// When that link was sealed (RFC 3339, UTC, microseconds).
    pub sealed_at: String,
    /// The id of the key that signed.
    pub key_id: String,
    /// The Ed25519 signature over [`Checkpoint::signed_text`], base64.
    pub signature: String,
}

impl Checkpoint {
    /// Signs the head `head`, sealed at `sealed_at`, with `key`.
    pub fn sign(key: &AuditKey, head: &Head, sealed_at: DateTime<Utc>) -> Checkpoint {
        let mut checkpoint = Checkpoint {
            v: VERSION,
            position: head.chain_pos,
            hash: head.hash.clone(),
            sealed_at: sealed_at.to_rfc3339_opts(SecondsFormat::Micros, true),
            key_id: key.id().to_owned(),
            signature: String::new(),
        };
        checkpoint.signature =
            BASE64.encode(key.sign(checkpoint.signed_text().as_bytes()).to_bytes());
        checkpoint
    }

    /// The text the signature covers: every field but the signature, one per line, so
    /// that no JSON formatting question can change what was signed.
    pub fn signed_text(&self) -> String {
        format!(
            "caselink audit checkpoint v{}\nposition {}\nhash {}\nsealed_at {}\nkey_id {}\n",
            self.v, self.position, self.hash, self.sealed_at, self.key_id
        )
    }

    /// Checks the signature with the key it names; says what is wrong otherwise.
    pub fn check_signature(&self, keys: &Keyring) -> Result<(), String> {
        if self.v != VERSION {
            return Err(format!("unknown checkpoint version {}", self.v));
        }
        let Some(key) = keys.get(&self.key_id) else {
            return Err(format!(
                "it is signed with key {}, which is not in the key file",
                self.key_id
            ));
        };
        let signature = BASE64
            .decode(&self.signature)
            .ok()
            .and_then(|bytes| Signature::from_slice(&bytes).ok())
            .ok_or_else(|| "its signature is not a valid Ed25519 signature".to_owned())?;
        if !key.verifies(self.signed_text().as_bytes(), &signature) {
            return Err(format!(
                "its signature does not match its content under key {}: the line was \
                 altered or forged",
                self.key_id
            ));
        }
        Ok(())
    }

    /// The checkpoint as one line of JSON (no newline).
    pub fn to_line(&self) -> String {
        serde_json::to_string(self).expect("a checkpoint serialises")
    }
}

/// The append-only file the sealer writes checkpoints to.
#[derive(Clone, Debug)]
pub struct CheckpointLog {
    path: PathBuf,
}

impl CheckpointLog {
    /// The log at `path` (created on the first append).
    pub fn new(path: impl Into<PathBuf>) -> CheckpointLog {
        CheckpointLog { path: path.into() }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and syncs it to disk. The file is opened `O_APPEND` (created
    /// 0600 when missing), so lines from concurrent writers never overwrite each other.
    pub async fn append(&self, checkpoint: Checkpoint) -> anyhow::Result<()> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || append_line(&path, &checkpoint.to_line()))
            .await
            .context("the checkpoint writer stopped")?
    }
}

fn append_line(path: &Path, line: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot open the audit checkpoint file {}", path.display()))?;
    // One write call for the whole line, so an appended line is never interleaved.
    file.write_all(format!("{line}\n").as_bytes())
        .and_then(|()| file.sync_data())
        .with_context(|| {
            format!(
                "cannot append to the audit checkpoint file {}",
                path.display()
            )
        })
}

/// One line of a checkpoint file: its number (from 1) and the checkpoint, or why it
/// could not be read.
#[derive(Clone, Debug)]
pub struct Line {
    /// The line number.
    pub number: usize,
    /// The checkpoint, or what is wrong with the line.
    pub checkpoint: Result<Checkpoint, String>,
}

/// Reads every line of a checkpoint file (blank lines skipped). A missing file is an
/// `io::ErrorKind::NotFound` error, for the caller to report.
pub fn read(path: &Path) -> std::io::Result<Vec<Line>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Line {
            number: i + 1,
            checkpoint: serde_json::from_str(l).map_err(|e| format!("it is not a checkpoint: {e}")),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn head() -> Head {
        Head {
            chain_pos: 12,
            hash: "ab".repeat(32),
            key_id: None,
        }
    }

    fn ring(secret: u8) -> Keyring {
        let key = AuditKey::from_secret(&[secret; 32], "x");
        let line = format!("v1 {} x {}", key.id(), BASE64.encode([secret; 32]));
        Keyring::parse(&line).expect("keyring")
    }

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap()
    }

    #[test]
    fn a_checkpoint_round_trips_through_its_line_and_verifies() {
        let keys = ring(1);
        let checkpoint = Checkpoint::sign(keys.current(), &head(), at());
        let line = checkpoint.to_line();
        assert!(line.starts_with("{\"v\":1,\"position\":12,"), "{line}");
        let read: Checkpoint = serde_json::from_str(&line).expect("parse");
        assert_eq!(read, checkpoint);
        assert_eq!(read.check_signature(&keys), Ok(()));
    }

    #[test]
    fn an_altered_or_foreign_checkpoint_fails() {
        let keys = ring(1);
        let checkpoint = Checkpoint::sign(keys.current(), &head(), at());
        let mut moved = checkpoint.clone();
        moved.position = 11;
        assert!(moved
            .check_signature(&keys)
            .is_err_and(|e| e.contains("altered")));
        let foreign = Checkpoint::sign(ring(2).current(), &head(), at());
        assert!(foreign
            .check_signature(&keys)
            .is_err_and(|e| e.contains("not in the key file")));
        let mut garbage = checkpoint;
        garbage.signature = "AAAA".into();
        assert!(garbage
            .check_signature(&keys)
            .is_err_and(|e| e.contains("not a valid")));
    }

    #[test]
    fn the_file_is_appended_private_and_read_line_by_line() {
        let path = std::env::temp_dir().join(format!("caselink_cp_{}.jsonl", uuid::Uuid::new_v4()));
        let keys = ring(1);
        let checkpoint = Checkpoint::sign(keys.current(), &head(), at());
        append_line(&path, &checkpoint.to_line()).expect("append");
        append_line(&path, "not json").expect("append");
        let lines = read(&path).expect("read");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].checkpoint.as_ref().ok(), Some(&checkpoint));
        assert_eq!(lines[1].number, 2);
        assert!(lines[1].checkpoint.is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_file(&path);
        assert_eq!(
            read(&path).map(|_| ()).map_err(|e| e.kind()),
            Err(std::io::ErrorKind::NotFound)
        );
    }
}
