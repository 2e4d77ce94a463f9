//! Audit retention: the sealed prefix of the chain older than the retention period goes
//! into signed, gzip-compressed files outside the database, and leaves the live table
//! (`caselink audit archive`; docs/decisions.md "Audit retention: signed archive files").
//!
//! One run takes the events after the archive cut (`audit_archive_cut`, migration 0017)
//! up to the last one that is older than the retention period, covered by a signed
//! checkpoint and not the chain's head, at most [`MAX_EVENTS_PER_FILE`]; writes them to
//! one file, syncs it, and then in one transaction moves the cut and deletes those rows
//! (the triggers let only sealed events up to the cut go). One archiver at a time: a
//! PostgreSQL advisory lock, SQLite's write lock, both held by the run's transaction.
//!
//! A file is gzip of JSON lines: a [`Header`] (first and last position and `seq`, the link
//! before the first event and the last event's link, the signing key), one
//! [`ArchivedEvent`] per event with everything its MAC and its link cover (the details as
//! the exact text the MAC covers, so no subject table is needed to check it), and a
//! [`Trailer`]: the SHA-256 of every byte before it, signed with the audit key's Ed25519
//! key. `audit verify` checks the signature, that the files chain to each other and to
//! the first live event, and every event's MAC and link ([`super::verify`]).
//!
//! A crash between the file and the transaction leaves a file whose events are still
//! live: `audit verify` accepts that overlap (it checks both copies), and the next run,
//! under the lock, removes every file beyond the cut before it writes its own.

use std::io::{BufRead as _, BufReader, Read, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::Signature;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use super::chain::{EventContent, EventMac, GENESIS};
use super::checkpoints;
use super::compact::Hex;
use super::keys::Keyring;
use super::verify::{sealed_page, SealedRow};
use crate::db::{dialect, Db, Tx};
use crate::error::AppResult;
use crate::{with_db, with_tx};

/// The format name every header carries.
pub const FORMAT: &str = "caselink audit archive";
/// The format version this code writes and reads.
pub const VERSION: u32 = 1;
/// Archive file names: `caselink-audit-<first position>-<last position>.jsonl.gz`.
const PREFIX: &str = "caselink-audit-";
const SUFFIX: &str = ".jsonl.gz";

/// The advisory-lock key that makes the archiver a singleton across processes.
const ARCHIVER_LOCK_KEY: i64 = 0x6361_7365_6c6e_6b02;

/// The most events one file (and one transaction) takes; a longer backlog takes more
/// runs. Bounds the transaction's length: on SQLite it holds the write lock.
pub const MAX_EVENTS_PER_FILE: i64 = 50_000;

/// Rows read per query while writing.
const PAGE: i64 = 1000;

/// The first line of an archive file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format version ([`VERSION`]).
    pub v: u32,
    /// The chain position of the first event.
    pub first_pos: i64,
    /// The chain position of the last event.
    pub last_pos: i64,
    /// The insertion number (`seq`) of the first event.
    pub first_seq: i64,
    /// The insertion number of the last event.
    pub last_seq: i64,
    /// The link before the first event (the previous file's `last_hash`, or the genesis).
    pub prev_hash: String,
    /// The last event's link.
    pub last_hash: String,
    /// How many events the file holds.
    pub events: i64,
    /// When the file was written (RFC 3339, UTC).
    pub created_at: String,
    /// The key whose Ed25519 key signs the trailer.
    pub key_id: String,
}

/// One archived event: what its MAC and its link cover, as `audit verify` needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedEvent {
    /// Its chain position.
    pub pos: i64,
    /// Its insertion number.
    pub seq: i64,
    /// Its link, hex.
    pub hash: String,
    /// When it was sealed (RFC 3339, microseconds).
    pub sealed_at: Option<String>,
    /// The key that sealed it; `None` for a legacy (hash-only) link.
    pub seal_key_id: Option<String>,
    /// The key that made its MAC.
    pub mac_key_id: Option<String>,
    /// Its MAC, hex.
    pub mac: Option<String>,
    /// The event's id.
    pub id: Uuid,
    /// When it happened (RFC 3339, microseconds, as its MAC covers it).
    pub occurred_at: String,
    /// Who did it.
    pub actor_user_id: Option<Uuid>,
    /// Their agency.
    pub actor_agency_id: Option<Uuid>,
    /// What happened.
    pub action: String,
    /// The kind of record acted on.
    pub target_kind: String,
    /// The record acted on.
    pub target_id: Option<Uuid>,
    /// The case concerned.
    pub case_id: Option<Uuid>,
    /// The request it came from.
    pub request_id: String,
    /// Its details: the JSON text its MAC covers, byte for byte.
    pub details: String,
}

/// The last line of an archive file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trailer {
    /// SHA-256 (hex) of every byte of the uncompressed text before this line.
    pub sha256: String,
    /// The Ed25519 signature over [`signed_text`] under the header's key, base64.
    pub signature: String,
}

/// The text a trailer's signature covers.
pub fn signed_text(sha256: &str) -> String {
    format!("{FORMAT} v{VERSION}\nsha256 {sha256}\n")
}

fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{text:?} is not a time: {e}"))
}

impl ArchivedEvent {
    /// The event as archived from a sealed row (its details already rebuilt).
    pub fn of(row: &SealedRow) -> ArchivedEvent {
        let c = &row.content;
        ArchivedEvent {
            pos: row.chain_pos,
            seq: row.seq,
            hash: row.hash.clone(),
            sealed_at: row.sealed_at.map(time_text),
            seal_key_id: row.seal_key_id.clone(),
            mac_key_id: row.mac.mac_key_id.as_ref().map(|k| k.0.clone()),
            mac: row.mac.mac.as_ref().map(|m| m.0.clone()),
            id: c.id,
            occurred_at: time_text(c.occurred_at),
            actor_user_id: c.actor_user_id,
            actor_agency_id: c.actor_agency_id,
            action: c.action.clone(),
            target_kind: c.target_kind.clone(),
            target_id: c.target_id,
            case_id: c.case_id,
            request_id: c.request_id.clone(),
            details: c.details.clone(),
        }
    }

    /// The event as `audit verify` checks a sealed row.
    pub fn into_row(self) -> Result<SealedRow, String> {
        let occurred_at = parse_time(&self.occurred_at)?;
        let sealed_at = self.sealed_at.as_deref().map(parse_time).transpose()?;
        Ok(SealedRow {
            chain_pos: self.pos,
            hash: self.hash,
            seq: self.seq,
            seal_key_id: self.seal_key_id,
            sealed_at,
            content: EventContent {
                id: self.id,
                occurred_at,
                actor_user_id: self.actor_user_id,
                actor_agency_id: self.actor_agency_id,
                action: self.action,
                target_kind: self.target_kind,
                target_id: self.target_id,
                case_id: self.case_id,
                request_id: self.request_id,
                details: self.details,
            },
            mac: EventMac {
                mac_key_id: self.mac_key_id.map(Hex),
                mac: self.mac.map(Hex),
            },
            unreadable: None,
        })
    }
}

/// The file name of the archive of positions `first..=last`.
pub fn file_name(first: i64, last: i64) -> String {
    format!("{PREFIX}{first:012}-{last:012}{SUFFIX}")
}

/// Whether `name` looks like an archive file's.
fn is_archive_name(name: &str) -> bool {
    name.starts_with(PREFIX) && name.ends_with(SUFFIX)
}

/// The archive files in `dir` with their headers (or why a header cannot be read),
/// ordered by their first position (unreadable ones last). A missing directory holds none.
pub fn list(dir: &Path) -> std::io::Result<Vec<(PathBuf, Result<Header, String>)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_str().is_some_and(is_archive_name) {
            let path = entry.path();
            let header = read_header(&path);
            files.push((path, header));
        }
    }
    files.sort_by_key(|(path, header)| {
        (
            header.as_ref().map_or(i64::MAX, |h| h.first_pos),
            path.clone(),
        )
    });
    Ok(files)
}

/// Reads the header of the archive at `path`.
pub fn read_header(path: &Path) -> Result<Header, String> {
    let mut reader = Reader::open(path)?;
    reader.header().map(|(header, _)| header)
}

/// A line-by-line reader of an archive file that hashes what it reads.
pub struct Reader {
    lines: BufReader<flate2::read::MultiGzDecoder<std::fs::File>>,
    hasher: Sha256,
    line: Vec<u8>,
}

/// What a line of an archive file is.
pub enum Line {
    /// An event.
    Event(Box<ArchivedEvent>),
    /// The trailer, with the SHA-256 of everything before it.
    Trailer(Trailer, String),
}

impl Reader {
    /// Opens the archive at `path`.
    pub fn open(path: &Path) -> Result<Reader, String> {
        let file = std::fs::File::open(path).map_err(|e| format!("it cannot be opened: {e}"))?;
        Ok(Reader {
            lines: BufReader::new(flate2::read::MultiGzDecoder::new(file)),
            hasher: Sha256::new(),
            line: Vec::new(),
        })
    }

    /// The next raw line (without its newline), or `None` at the end; hashed unless it is
    /// the trailer, whose hash is what came before.
    fn next_raw(&mut self) -> Result<bool, String> {
        self.line.clear();
        let n = self
            .lines
            .read_until(b'\n', &mut self.line)
            .map_err(|e| format!("it cannot be decompressed: {e}"))?;
        if n == 0 {
            return Ok(false);
        }
        if self.line.last() != Some(&b'\n') {
            return Err("its last line is cut off".into());
        }
        self.line.pop();
        Ok(true)
    }

    fn hash_line(&mut self) {
        self.hasher.update(&self.line);
        self.hasher.update(b"\n");
    }

    /// The header (the first line) and its line's text.
    pub fn header(&mut self) -> Result<(Header, String), String> {
        if !self.next_raw()? {
            return Err("it is empty".into());
        }
        let line = self.line.clone();
        self.hash_line();
        let header: Header = serde_json::from_slice(&line)
            .map_err(|e| format!("its header is not an archive header: {e}"))?;
        if header.format != FORMAT || header.v != VERSION {
            return Err(format!(
                "it is not a version {VERSION} CaseLink audit archive ({} v{})",
                header.format, header.v
            ));
        }
        Ok((header, String::from_utf8_lossy(&line).into_owned()))
    }

    /// The next event or the trailer; `None` after the trailer's end.
    pub fn next_line(&mut self) -> Result<Option<Line>, String> {
        if !self.next_raw()? {
            return Ok(None);
        }
        let raw = &self.line;
        if raw.starts_with(b"{\"sha256\"") {
            let trailer: Trailer = serde_json::from_slice(raw)
                .map_err(|e| format!("its trailer cannot be read: {e}"))?;
            let sha = hex::encode(self.hasher.clone().finalize());
            return Ok(Some(Line::Trailer(trailer, sha)));
        }
        let event: ArchivedEvent = serde_json::from_slice(raw).map_err(|e| {
            format!("a line after the header is neither an event nor the trailer: {e}")
        })?;
        self.hash_line();
        Ok(Some(Line::Event(Box::new(event))))
    }
}

/// Checks a trailer: the hash of what came before, and its signature under the header's key.
pub fn check_trailer(
    keys: &Keyring,
    header: &Header,
    trailer: &Trailer,
    sha: &str,
) -> Result<(), String> {
    if trailer.sha256 != sha {
        return Err(
            "its content does not match the SHA-256 in its trailer: the file was altered".into(),
        );
    }
    let Some(key) = keys.get(&header.key_id) else {
        return Err(format!(
            "it is signed with key {}, which is not in the key file",
            header.key_id
        ));
    };
    let signature = BASE64
        .decode(&trailer.signature)
        .ok()
        .and_then(|bytes| Signature::from_slice(&bytes).ok())
        .ok_or("its signature is not a valid Ed25519 signature")?;
    if !key.verifies(signed_text(&trailer.sha256).as_bytes(), &signature) {
        return Err(format!(
            "its signature does not match its content under key {}: the file was altered or \
             forged",
            header.key_id
        ));
    }
    Ok(())
}

/// What to archive: events before `older_than`, in `dir`, never past `signed_up_to`.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Where the files go.
    pub dir: PathBuf,
    /// Only events that occurred before this time.
    pub older_than: DateTime<Utc>,
    /// The highest position covered by a signed checkpoint written out.
    pub signed_up_to: i64,
}

/// Why a run archived nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Idle {
    /// Another process is archiving (PostgreSQL).
    Busy,
    /// Nothing is old enough, signed, and not the head.
    NothingDue,
}

/// A file written whose events are still live: [`Prepared::commit`] moves the cut and
/// deletes them; dropping it (a crash) leaves the file beside the live events.
pub struct Prepared {
    tx: Tx,
    cut: i64,
    /// The file written.
    pub file: PathBuf,
    /// Its first position.
    pub first: i64,
    /// Its last position.
    pub last: i64,
}

/// What one run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archived {
    /// The file written.
    pub file: PathBuf,
    /// Its first position.
    pub first: i64,
    /// Its last position.
    pub last: i64,
}

const CUT: &str = "SELECT chain_pos FROM audit_archive_cut WHERE singleton = 1";
const HEAD_POS: &str = "SELECT chain_pos FROM audit_chain_head WHERE singleton = 1";
const FIRST_YOUNG: &str =
    "SELECT MIN(chain_pos) FROM audit_events WHERE chain_pos > $1 AND occurred_at >= $2";
const MOVE_CUT: &str = "
    INSERT INTO audit_archive_cut (singleton, chain_pos) VALUES (1, $1)
    ON CONFLICT (singleton) DO UPDATE SET chain_pos = excluded.chain_pos";
const DELETE: &str = "DELETE FROM audit_events WHERE chain_pos > $1 AND chain_pos <= $2";

/// The archive cut as the database has it (0: nothing archived).
pub async fn cut(db: &Db) -> AppResult<i64> {
    let cut: Option<i64> = with_db!(db, |pool| sqlx::query_scalar(CUT)
        .fetch_optional(pool)
        .await)?;
    Ok(cut.unwrap_or(0))
}

/// One run: archives what is due into one file and removes it from the live table.
pub async fn run_once(
    db: &Db,
    keys: &Keyring,
    plan: &Plan,
) -> anyhow::Result<Result<Archived, Idle>> {
    Ok(match prepare(db, keys, plan).await? {
        Ok(prepared) => Ok(prepared.commit().await?),
        Err(idle) => Err(idle),
    })
}

/// Runs until nothing more is due (a backlog takes one file per [`MAX_EVENTS_PER_FILE`]).
pub async fn run(db: &Db, keys: &Keyring, plan: &Plan) -> anyhow::Result<(Vec<Archived>, Idle)> {
    let mut done = Vec::new();
    loop {
        match run_once(db, keys, plan).await? {
            Ok(archived) => done.push(archived),
            Err(idle) => return Ok((done, idle)),
        }
    }
}

/// Takes the archiver's lock, decides what is due, and writes and syncs its file; the
/// events stay live until [`Prepared::commit`].
pub async fn prepare(
    db: &Db,
    keys: &Keyring,
    plan: &Plan,
) -> anyhow::Result<Result<Prepared, Idle>> {
    // SQLite: `begin` takes the write lock (BEGIN IMMEDIATE); PostgreSQL: the advisory lock.
    let mut tx = db.begin().await?;
    if !dialect::try_job_lock(&mut tx, ARCHIVER_LOCK_KEY).await? {
        return Ok(Err(Idle::Busy));
    }
    let cut: Option<i64> = with_tx!(&mut tx, |conn| sqlx::query_scalar(CUT)
        .fetch_optional(conn)
        .await)?;
    let cut = cut.unwrap_or(0);
    let head: Option<i64> = with_tx!(&mut tx, |conn| sqlx::query_scalar(HEAD_POS)
        .fetch_optional(conn)
        .await)?;
    let head = head.unwrap_or(0);
    let young: Option<i64> = with_tx!(&mut tx, |conn| sqlx::query_scalar(FIRST_YOUNG)
        .bind(cut)
        .bind(plan.older_than)
        .fetch_one(conn)
        .await)?;
    // The chain's head stays live (its row is what `checkpoint_current_head` signs).
    let last = [
        young.map_or(i64::MAX, |p| p - 1),
        head - 1,
        plan.signed_up_to,
        cut + MAX_EVENTS_PER_FILE,
    ]
    .into_iter()
    .min()
    .unwrap_or(cut);
    clean_leftovers(&plan.dir, cut)?;
    if last <= cut {
        return Ok(Err(Idle::NothingDue));
    }
    let prev_hash = if cut == 0 {
        GENESIS.to_owned()
    } else {
        previous_link(&plan.dir, cut)?
    };
    let file = write_file(db, keys, &plan.dir, cut, last, &prev_hash).await?;
    Ok(Ok(Prepared {
        tx,
        cut,
        file,
        first: cut + 1,
        last,
    }))
}

impl Prepared {
    /// Moves the cut to the file's last position and deletes its events, in the run's
    /// transaction.
    pub async fn commit(mut self) -> anyhow::Result<Archived> {
        let (cut, last) = (self.cut, self.last);
        with_tx!(&mut self.tx, |conn| sqlx::query(MOVE_CUT)
            .bind(last)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
        let deleted = with_tx!(&mut self.tx, |conn| sqlx::query(DELETE)
            .bind(cut)
            .bind(last)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
        if i64::try_from(deleted).ok() != Some(last - cut) {
            // Rolled back with the transaction: the file stays beside the live events.
            bail!(
                "archiving positions {}..{last} deleted {deleted} events instead of {}: the log \
                 changed under the archiver; run `caselink audit verify`",
                cut + 1,
                last - cut
            );
        }
        self.tx.commit().await?;
        Ok(Archived {
            file: self.file,
            first: cut + 1,
            last,
        })
    }
}

/// Removes what a run that did not commit left behind (under the archiver's lock): files
/// that begin after the cut (their events are all still live) and unfinished temporaries.
fn clean_leftovers(dir: &Path, cut: i64) -> anyhow::Result<()> {
    for (path, header) in list(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        match header {
            Ok(header) if header.first_pos > cut => {
                tracing::warn!(
                    file = %path.display(),
                    "removing an audit archive of a run that did not finish (its events are \
                     still in the log); this run archives them again"
                );
                std::fs::remove_file(&path)
                    .with_context(|| format!("cannot remove {}", path.display()))?;
            }
            Ok(_) => {}
            Err(reason) => bail!(
                "the audit archive {} cannot be read ({reason}); run `caselink audit verify`",
                path.display()
            ),
        }
    }
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') && name.ends_with(".part") && name.contains(PREFIX) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(())
}

/// The last link of the file that ends at the cut.
fn previous_link(dir: &Path, cut: i64) -> anyhow::Result<String> {
    list(dir)?
        .into_iter()
        .find_map(|(_, header)| header.ok().filter(|h| h.last_pos == cut))
        .map(|h| h.last_hash)
        .ok_or_else(|| {
            anyhow!(
                "the audit archive directory {} holds no file that ends at position {cut}, where \
                 the archive cut is: is it the directory earlier archives went to? Run \
                 `caselink audit verify`",
                dir.display()
            )
        })
}

/// Writes positions `cut+1..=last` to their file in `dir`: under a temporary name,
/// synced, renamed, and the directory synced. Returns the file's path.
async fn write_file(
    db: &Db,
    keys: &Keyring,
    dir: &Path,
    cut: i64,
    last: i64,
    prev_hash: &str,
) -> anyhow::Result<PathBuf> {
    let edges = sealed_page(db, cut, 1).await?;
    let last_rows = sealed_page(db, last - 1, 1).await?;
    let (Some(first_row), Some(last_row)) = (edges.first(), last_rows.first()) else {
        bail!(
            "the events to archive ({}..{last}) are not in the log",
            cut + 1
        );
    };
    if first_row.chain_pos != cut + 1 || last_row.chain_pos != last {
        bail!(
            "the log lacks events between positions {} and {last}: run `caselink audit verify`",
            cut + 1
        );
    }
    let key = keys.current();
    let header = Header {
        format: FORMAT.into(),
        v: VERSION,
        first_pos: cut + 1,
        last_pos: last,
        first_seq: first_row.seq,
        last_seq: last_row.seq,
        prev_hash: prev_hash.to_owned(),
        last_hash: last_row.hash.clone(),
        events: last - cut,
        created_at: time_text(crate::db::now()),
        key_id: key.id().to_owned(),
    };
    create_dir(dir)?;
    let name = file_name(cut + 1, last);
    let path = dir.join(&name);
    let temp = dir.join(format!(".{name}.part"));
    let mut writer = Writer::create(&temp, &header)?;
    let mut after = cut;
    while after < last {
        let rows = sealed_page(db, after, PAGE.min(last - after)).await?;
        let Some(end) = rows.last().map(|r| r.chain_pos) else {
            bail!("the log ends at position {after}, before {last}");
        };
        let mut buf = Vec::with_capacity(rows.len() * 700);
        for row in &rows {
            after += 1;
            if row.chain_pos != after {
                bail!("position {after} is missing from the log: run `caselink audit verify`");
            }
            if let Some(reason) = &row.unreadable {
                bail!(
                    "the event at position {after} cannot be read ({reason}): run `caselink \
                     audit verify`"
                );
            }
            serde_json::to_writer(&mut buf, &ArchivedEvent::of(row))?;
            buf.push(b'\n');
        }
        writer = tokio::task::spawn_blocking(move || writer.write(&buf).map(|()| writer))
            .await
            .context("the archive writer stopped")??;
        debug_assert_eq!(after, end);
    }
    let signing = key.id().to_owned();
    let signer = keys
        .get(&signing)
        .ok_or_else(|| anyhow!("the current key is missing"))?;
    let (temp, sha) = tokio::task::spawn_blocking(move || writer.finish_body())
        .await
        .context("the archive writer stopped")??;
    let trailer = Trailer {
        signature: BASE64.encode(signer.sign(signed_text(&sha).as_bytes()).to_bytes()),
        sha256: sha,
    };
    let (dir, path2) = (dir.to_owned(), path.clone());
    tokio::task::spawn_blocking(move || temp.finish(&trailer, &path2, &dir))
        .await
        .context("the archive writer stopped")??;
    Ok(path)
}

/// Creates the archive directory (0700) when missing.
fn create_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).with_context(|| {
        format!(
            "cannot create the audit archive directory {}",
            dir.display()
        )
    })
}

/// An archive being written: gzip over a temporary file, hashing the text.
struct Writer {
    gz: flate2::write::GzEncoder<std::fs::File>,
    hasher: Sha256,
    temp: PathBuf,
}

/// The body written; only the trailer is missing.
struct Body {
    gz: flate2::write::GzEncoder<std::fs::File>,
    temp: PathBuf,
}

impl Writer {
    fn create(temp: &Path, header: &Header) -> anyhow::Result<Writer> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(temp)
            .with_context(|| format!("cannot create {}", temp.display()))?;
        let mut writer = Writer {
            gz: flate2::write::GzEncoder::new(file, flate2::Compression::default()),
            hasher: Sha256::new(),
            temp: temp.to_owned(),
        };
        let mut line = serde_json::to_vec(header)?;
        line.push(b'\n');
        writer.write(&line)?;
        Ok(writer)
    }

    fn write(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.hasher.update(bytes);
        self.gz
            .write_all(bytes)
            .with_context(|| format!("cannot write {}", self.temp.display()))
    }

    fn finish_body(self) -> anyhow::Result<(Body, String)> {
        let sha = hex::encode(self.hasher.finalize());
        Ok((
            Body {
                gz: self.gz,
                temp: self.temp,
            },
            sha,
        ))
    }
}

impl Body {
    /// Appends the trailer, syncs the file, renames it to `path` and syncs `dir`.
    fn finish(mut self, trailer: &Trailer, path: &Path, dir: &Path) -> anyhow::Result<()> {
        let mut line = serde_json::to_vec(trailer)?;
        line.push(b'\n');
        self.gz.write_all(&line)?;
        let file = self
            .gz
            .finish()
            .with_context(|| format!("cannot write {}", self.temp.display()))?;
        file.sync_all()
            .with_context(|| format!("cannot sync {}", self.temp.display()))?;
        drop(file);
        std::fs::rename(&self.temp, path).with_context(|| {
            format!(
                "cannot rename {} to {}",
                self.temp.display(),
                path.display()
            )
        })?;
        #[cfg(unix)]
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .with_context(|| format!("cannot sync the directory {}", dir.display()))?;
        Ok(())
    }
}

/// `serve`'s archive rounds: set when a retention period is.
#[derive(Clone, Debug)]
pub struct Periodic {
    /// Where the files go.
    pub dir: PathBuf,
    /// How long events stay live; `None`: no rounds at all.
    pub retention: Option<chrono::Duration>,
    /// This process's checkpoint file: a round archives only what it covers.
    pub checkpoint_file: PathBuf,
    /// Time between rounds.
    pub interval: std::time::Duration,
}

impl Periodic {
    /// The rounds `config` asks for.
    pub fn from_config(config: &crate::config::Config) -> Periodic {
        Periodic {
            dir: config.audit_archive_dir.clone(),
            retention: config.audit_retention(),
            checkpoint_file: config.audit_checkpoint_file.clone(),
            interval: std::time::Duration::from_secs(config.audit_archive_interval_seconds.max(1)),
        }
    }
}

/// Runs an archive round at start and every `interval` until `shutdown` turns true,
/// while a retention period is set. A round that fails is logged and tried again at
/// the next; another process's round makes this one skip (PostgreSQL).
pub async fn run_every(
    db: Db,
    periodic: Periodic,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let Some(retention) = periodic.retention else {
        return;
    };
    let mut ticker = tokio::time::interval(periodic.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.changed() => return,
        }
        let Some(keys) = db.audit_keys().cloned() else {
            return;
        };
        let plan = Plan {
            dir: periodic.dir.clone(),
            older_than: crate::db::now() - retention,
            signed_up_to: signed_up_to(&keys, std::slice::from_ref(&periodic.checkpoint_file)),
        };
        match run(&db, &keys, &plan).await {
            Ok((done, _)) => {
                for archived in done {
                    tracing::info!(
                        first = archived.first,
                        last = archived.last,
                        file = %archived.file.display(),
                        "archived old audit events"
                    );
                }
            }
            Err(error) => tracing::error!(
                error = format!("{error:#}"),
                "audit archiving failed; will try at the next round"
            ),
        }
    }
}

/// The highest position a valid signed checkpoint in `files` covers (0: none), read from
/// each file's last 64 KiB, where its newest lines are.
pub fn signed_up_to(keys: &Keyring, files: &[PathBuf]) -> i64 {
    let mut best = 0_i64;
    for file in files {
        let Ok(tail) = read_tail(file, 64 * 1024) else {
            continue;
        };
        for line in tail.lines() {
            if let Ok(cp) = serde_json::from_str::<checkpoints::Checkpoint>(line) {
                if cp.check_signature(keys).is_ok() {
                    best = best.max(cp.position);
                }
            }
        }
    }
    best
}

fn read_tail(path: &Path, bytes: u64) -> std::io::Result<String> {
    use std::io::Seek as _;
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    file.seek(std::io::SeekFrom::Start(len.saturating_sub(bytes)))?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_position_and_are_recognised() {
        let a = file_name(1, 41);
        assert_eq!(a, "caselink-audit-000000000001-000000000041.jsonl.gz");
        assert!(is_archive_name(&a));
        assert!(!is_archive_name(&format!(".{a}.part")));
        assert!(file_name(42, 100) > a);
    }

    #[test]
    fn the_signed_text_names_the_format_and_the_hash() {
        assert_eq!(signed_text("ab"), "caselink audit archive v1\nsha256 ab\n");
    }
}
