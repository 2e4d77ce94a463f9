//! The audit keys: kept in a file outside the database, so that someone who can write the
//! database cannot recompute a MAC, a chain link or a checkpoint signature.
//!
//! The file holds one key per line; the last is current (it MACs new events, seals the
//! chain and signs checkpoints), the earlier ones stay to verify what they made. Each line
//! is `v1 <key id> <created at> <secret, base64>`. From each 32-byte secret HKDF-SHA256
//! derives an HMAC-SHA256 key (event MACs and chain links) and an Ed25519 signing key
//! (checkpoints). The key id is the first 8 bytes, in hex, of SHA-256 over the Ed25519
//! public key: two files with different keys never share an id, and the id of a line is
//! checked against its secret, so an edited or mixed-up line is refused.

use std::fmt;
use std::io::Write as _;
use std::path::Path;

use anyhow::{bail, Context as _};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use chrono::{SecondsFormat, Utc};
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use hkdf::Hkdf;
use hmac::Hmac;
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

/// The version word that starts every key line.
const VERSION: &str = "v1";

/// HKDF `info` strings: one secret, two unrelated keys.
const MAC_INFO: &[u8] = b"caselink audit mac v1";
const SIGNING_INFO: &[u8] = b"caselink audit checkpoint signing v1";

/// What a new key file starts with: what it is and how to keep it.
const HEADER: &str = "\
# CaseLink audit keys: they make tampering with the audit log evident (docs/decisions.md).
# Keep this file apart from the database and its backups, readable by the caselink user
# only, and give every `caselink serve` on one database the same file. Never edit or
# remove a key line: `caselink audit rotate-key` appends a new one. The last key is
# current; the earlier ones are kept to verify what they made.
# v1 <key id> <created at> <secret, base64>
";

/// HMAC-SHA256, as events and chain links use it.
pub type HmacSha256 = Hmac<Sha256>;

/// One key: its id and the two keys derived from its secret.
pub struct AuditKey {
    id: String,
    created_at: String,
    mac_key: Zeroizing<[u8; 32]>,
    signing: SigningKey,
}

/// Secrets never reach a log or a panic message.
impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditKey")
            .field("id", &self.id)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

impl AuditKey {
    /// Derives the key from its 32-byte secret.
    pub fn from_secret(secret: &[u8; 32], created_at: &str) -> AuditKey {
        let hkdf = Hkdf::<Sha256>::new(None, secret);
        let mut mac_key = Zeroizing::new([0u8; 32]);
        let mut seed = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's limit of 8160, so expand cannot fail.
        hkdf.expand(MAC_INFO, mac_key.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        hkdf.expand(SIGNING_INFO, seed.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        let signing = SigningKey::from_bytes(&seed);
        AuditKey {
            id: key_id(&signing.verifying_key()),
            created_at: created_at.to_owned(),
            mac_key,
            signing,
        }
    }

    /// The key's id: short hex of a hash of its public verification key.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// When the key was made, as written in the file.
    pub fn created_at(&self) -> &str {
        &self.created_at
    }

    /// A fresh HMAC-SHA256 under this key.
    pub fn hmac(&self) -> HmacSha256 {
        <HmacSha256 as hmac::Mac>::new_from_slice(self.mac_key.as_ref())
            .expect("HMAC takes a key of any length")
    }

    /// Signs `message` with the key's Ed25519 key.
    pub fn sign(&self, message: &[u8]) -> Signature {
        self.signing.sign(message)
    }

    /// The public key that checks this key's signatures.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// Whether `signature` is this key's over `message` (strict Ed25519 checking).
    pub fn verifies(&self, message: &[u8], signature: &Signature) -> bool {
        self.verifying_key()
            .verify_strict(message, signature)
            .is_ok()
    }
}

/// The key id of a public key: the first 8 bytes of its SHA-256, in hex.
pub fn key_id(public: &VerifyingKey) -> String {
    hex::encode(&Sha256::digest(public.as_bytes())[..8])
}

/// The keys of one key file, oldest first; never empty.
#[derive(Debug)]
pub struct Keyring {
    keys: Vec<AuditKey>,
}

impl Keyring {
    /// A keyring of one new random key (for tests and first starts).
    pub fn generate() -> Keyring {
        Keyring {
            keys: vec![new_key().1],
        }
    }

    /// Parses the text of a key file. Blank lines and `#` comments are skipped.
    pub fn parse(text: &str) -> anyhow::Result<Keyring> {
        let mut keys: Vec<AuditKey> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let key = parse_line(line).with_context(|| format!("line {}", n + 1))?;
            if keys.iter().any(|k| k.id == key.id) {
                bail!("line {}: key {} appears twice", n + 1, key.id);
            }
            keys.push(key);
        }
        if keys.is_empty() {
            bail!("it holds no key");
        }
        Ok(Keyring { keys })
    }

    /// Reads the key file at `path`; a missing file is an error.
    pub fn load(path: &Path) -> anyhow::Result<Keyring> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the audit key file {}", path.display()))?;
        warn_if_readable_by_others(path);
        Keyring::parse(&text)
            .with_context(|| format!("the audit key file {} is not valid", path.display()))
    }

    /// Reads the key file at `path`, creating it with one new key when it is missing.
    /// Returns the keyring and whether the file was created.
    pub fn load_or_create(path: &Path) -> anyhow::Result<(Keyring, bool)> {
        if path.exists() {
            return Ok((Keyring::load(path)?, false));
        }
        let (line, _) = new_key();
        let created = create_file(path, &format!("{HEADER}{line}\n"))?;
        Ok((Keyring::load(path)?, created))
    }

    /// [`Keyring::load_or_create`] for processes that record events (`serve`, `demo`,
    /// `admin`): a new file is announced at WARN with where it is and how to keep it.
    pub fn open_for_recording(path: &Path) -> anyhow::Result<std::sync::Arc<Keyring>> {
        let (keys, created) = Keyring::load_or_create(path)?;
        if created {
            tracing::warn!(
                file = %path.display(),
                key = keys.current().id(),
                "created a new audit key file. Keep it apart from the database and its \
                 backups (whoever has both can rewrite the audit log unseen), back it up \
                 separately, and give every `caselink serve` on the same PostgreSQL this same \
                 file (CASELINK_AUDIT_KEY_FILE)"
            );
        } else {
            tracing::info!(file = %path.display(), key = keys.current().id(), keys = keys.keys().len(), "audit keys loaded");
        }
        Ok(std::sync::Arc::new(keys))
    }

    /// Appends a new key to the file at `path`, which must exist and be valid; returns
    /// the new key's id. Running processes keep their keys until they restart.
    pub fn rotate(path: &Path) -> anyhow::Result<String> {
        let before = Keyring::load(path)?;
        let (line, key) = new_key();
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open the audit key file {}", path.display()))?;
        file.write_all(format!("{line}\n").as_bytes())
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot append to the audit key file {}", path.display()))?;
        let after = Keyring::load(path)?;
        if after.current().id != key.id || after.keys.len() != before.keys.len() + 1 {
            bail!(
                "the audit key file {} did not read back with the new key last; check it by hand",
                path.display()
            );
        }
        Ok(key.id)
    }

    /// The current key: the last in the file.
    pub fn current(&self) -> &AuditKey {
        self.keys.last().expect("a keyring is never empty")
    }

    /// The key with this id.
    pub fn get(&self, id: &str) -> Option<&AuditKey> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// The key's place in the file (0 is the oldest): a later key is a newer one.
    pub fn rank(&self, id: &str) -> Option<usize> {
        self.keys.iter().position(|k| k.id == id)
    }

    /// Every key, oldest first.
    pub fn keys(&self) -> &[AuditKey] {
        &self.keys
    }
}

fn parse_line(line: &str) -> anyhow::Result<AuditKey> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [version, id, created_at, secret] = fields[..] else {
        bail!(
            "expected `{VERSION} <key id> <created at> <secret>`, found {} fields",
            fields.len()
        );
    };
    if version != VERSION {
        bail!("unknown key format `{version}` (this version reads `{VERSION}`)");
    }
    let bytes = Zeroizing::new(
        BASE64
            .decode(secret)
            .context("the secret is not valid base64")?,
    );
    let secret: &[u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| anyhow::anyhow!("the secret is {} bytes, not 32", bytes.len()))?;
    let key = AuditKey::from_secret(secret, created_at);
    if key.id != id {
        bail!(
            "the key id {id} does not match its secret (which gives {}): the line was edited \
             or comes from another file",
            key.id
        );
    }
    Ok(key)
}

/// A new random key and its line for the file.
fn new_key() -> (String, AuditKey) {
    let mut secret = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(secret.as_mut());
    let created_at = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let key = AuditKey::from_secret(&secret, &created_at);
    let line = format!(
        "{VERSION} {} {created_at} {}",
        key.id,
        BASE64.encode(secret.as_ref())
    );
    (line, key)
}

/// Creates `path` with `text`, readable by its owner only, unless it exists. The text is
/// written to a temporary file first and linked into place, so that a second process
/// starting at the same moment never reads a half-written file: one link wins, the other
/// finds the file. Returns whether this call created it.
fn create_file(path: &Path, text: &str) -> anyhow::Result<bool> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "caselink-audit.key".into());
    let temp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&temp)
        .and_then(|mut file| {
            file.write_all(text.as_bytes())?;
            file.sync_all()
        })
        .with_context(|| format!("cannot write a new audit key file in {}", dir.display()));
    let linked = written.and_then(|()| match std::fs::hard_link(&temp, path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(error)
            .with_context(|| format!("cannot create the audit key file {}", path.display())),
    });
    let _ = std::fs::remove_file(&temp);
    linked
}

/// A key file others may read is a key others may have: say so, once per load.
fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                tracing::warn!(
                    file = %path.display(),
                    mode = format!("{:o}", mode & 0o777),
                    "the audit key file can be read by other users; make it 0600"
                );
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_for(secret: [u8; 32]) -> String {
        let key = AuditKey::from_secret(&secret, "2026-11-23T09:30:00Z");
        format!(
            "v1 {} 2026-11-23T09:30:00Z {}",
            key.id(),
            BASE64.encode(secret)
        )
    }

    #[test]
    fn a_file_of_two_keys_reads_with_the_last_current() {
        let text = format!(
            "# comment\n\n{}\n  {}  \n",
            line_for([1; 32]),
            line_for([2; 32])
        );
        let ring = Keyring::parse(&text).expect("parse");
        assert_eq!(ring.keys().len(), 2);
        let second = AuditKey::from_secret(&[2; 32], "x");
        assert_eq!(ring.current().id(), second.id());
        assert_eq!(ring.rank(second.id()), Some(1));
        assert!(ring.get(second.id()).is_some());
        assert!(ring.get("0000000000000000").is_none());
    }

    #[test]
    fn the_id_is_short_hex_and_differs_between_secrets() {
        let a = AuditKey::from_secret(&[1; 32], "x");
        let b = AuditKey::from_secret(&[2; 32], "x");
        assert_eq!(a.id().len(), 16);
        assert!(a.id().chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.id(), b.id());
        assert_eq!(a.id(), AuditKey::from_secret(&[1; 32], "y").id());
    }

    #[test]
    fn bad_files_are_refused_with_the_line() {
        let good = line_for([1; 32]);
        let other_id = AuditKey::from_secret(&[3; 32], "x").id().to_owned();
        let cases = [
            ("", "no key"),
            ("# only a comment\n", "no key"),
            ("v1 abc\n", "line 1"),
            (&good.replacen("v1", "v9", 1), "unknown key format"),
            (
                &good.replacen(&good[3..19].to_owned(), &other_id, 1),
                "does not match",
            ),
            ("v1 00 2026 not-base64!\n", "base64"),
            (
                &format!("v1 00 2026 {}\n", BASE64.encode([0u8; 16])),
                "16 bytes",
            ),
            (&format!("{good}\n{good}\n"), "twice"),
        ];
        for (text, expected) in cases {
            let error = format!("{:#}", Keyring::parse(text).expect_err(text));
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn signatures_check_with_their_key_only() {
        let a = AuditKey::from_secret(&[1; 32], "x");
        let b = AuditKey::from_secret(&[2; 32], "x");
        let signature = a.sign(b"checkpoint");
        assert!(a.verifies(b"checkpoint", &signature));
        assert!(!a.verifies(b"checkpoint!", &signature));
        assert!(!b.verifies(b"checkpoint", &signature));
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let ring = Keyring::parse(&line_for([7; 32])).expect("parse");
        let shown = format!("{ring:?}");
        assert!(!shown.contains(&BASE64.encode([7u8; 32])), "{shown}");
        assert!(shown.contains(ring.current().id()));
    }

    #[test]
    fn a_created_file_is_private_and_rotation_appends() {
        let dir = std::env::temp_dir().join(format!("caselink_keys_{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("audit.key");
        let (ring, created) = Keyring::load_or_create(&path).expect("create");
        assert!(created);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let (again, created) = Keyring::load_or_create(&path).expect("load");
        assert!(!created);
        assert_eq!(again.current().id(), ring.current().id());
        let new_id = Keyring::rotate(&path).expect("rotate");
        let rotated = Keyring::load(&path).expect("load");
        assert_eq!(rotated.keys().len(), 2);
        assert_eq!(rotated.current().id(), new_id);
        assert_eq!(rotated.rank(ring.current().id()), Some(0));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
