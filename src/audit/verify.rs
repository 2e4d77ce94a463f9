//! `caselink audit verify`: walks the sealed chain, checks every event's MAC (sealed,
//! unsealed and staged), every keyed link, that the chain never goes back to an older
//! key, and every signed checkpoint; says where and what it found.
//!
//! It needs the key file (the keys are what someone who can write the database lacks)
//! and reads the checkpoint files the sealers wrote. It only reads.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::chain::{
    event_mac_matches, keyed_link, legacy_link, link_matches, EventContent, EventMac, LinkInput,
    GENESIS,
};
use super::checkpoints::{self, Checkpoint};
use super::compact::{self, Hex, StoredContent};
use super::keys::Keyring;
use super::{archive, staged};
use crate::db::Db;
use crate::error::AppResult;
use crate::with_db;

/// How long after a newer key first sealed the chain an event MAC'd with an older key is
/// still taken as honest: processes not yet restarted after `audit rotate-key` record
/// with the old key until they are. Past it, such an event is flagged: that is what an
/// old key that leaked looks like.
pub const ROTATION_GRACE: chrono::Duration = chrono::Duration::hours(1);

/// The most problems listed; the count says how many more there were.
const MAX_PROBLEMS: usize = 50;

/// The outcome of a verification.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Events checked in the sealed chain, from position 1 (legacy ones included).
    pub sealed: i64,
    /// Of those, the hash-only (legacy) links at the start of the chain: sealed before the
    /// keys existed, so someone who can write the database could have rewritten them; the
    /// first keyed link covers their last hash.
    pub legacy: i64,
    /// The highest position that a valid signed checkpoint covers ("sealed and signed").
    pub signed: i64,
    /// Events recorded but not sealed yet, whose MACs were checked.
    pub unsealed: i64,
    /// Read events waiting in staging, whose MACs were checked.
    pub staged: i64,
    /// Unsealed or staged events without a MAC, recorded before the keys existed.
    pub unkeyed_pending: i64,
    /// Valid checkpoints read.
    pub checkpoints: usize,
    /// Of the sealed events, those read from archive files (positions 1 to the last
    /// archived one).
    pub archived: i64,
    /// Archive files read.
    pub archive_files: usize,
    /// Archived events still in the live table too (a run that did not finish), checked
    /// against their archived copies.
    pub overlap: i64,
    /// Things the operator should know that are not breaks (a missing checkpoint file).
    pub warnings: Vec<String>,
    /// Everything found wrong, first found first (at most [`MAX_PROBLEMS`]).
    pub problems: Vec<Problem>,
    /// Problems found beyond those listed.
    pub more_problems: usize,
}

impl Report {
    /// Whether nothing is wrong.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }

    /// Sealed events after the last checkpoint.
    pub fn unsigned(&self) -> i64 {
        self.sealed - self.signed
    }

    fn problem(&mut self, place: Place, reason: String) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(Problem { place, reason });
        } else {
            self.more_problems += 1;
        }
    }
}

/// Something found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub place: Place,
    /// What, in words for the operator.
    pub reason: String,
}

/// Where a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// At this position of the sealed chain.
    Chain(i64),
    /// An unsealed event in `audit_events`, by its `seq`.
    Unsealed(i64),
    /// A read event waiting in staging, by its staging number.
    Staged(i64),
    /// A line of a checkpoint file.
    Checkpoint(PathBuf, usize),
    /// An archive file.
    Archive(PathBuf),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Chain(pos) => write!(f, "position {pos}"),
            Place::Unsealed(seq) => write!(f, "unsealed event seq {seq}"),
            Place::Staged(seq) => write!(f, "staged read event {seq}"),
            Place::Checkpoint(file, line) => write!(f, "{} line {line}", file.display()),
            Place::Archive(file) => write!(f, "archive {}", file.display()),
        }
    }
}

#[derive(sqlx::FromRow)]
struct StoredSealedRow {
    chain_pos: i64,
    hash: Hex,
    seq: i64,
    seal_key_id: Option<Hex>,
    sealed_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    content: StoredContent,
    #[sqlx(flatten)]
    mac: EventMac,
}

/// A sealed event as verify reads it: details rebuilt (or why they cannot be), and a MAC
/// key stored as NULL beside a MAC taken to be the seal key, as the sealer stores it.
#[derive(Clone, Debug)]
pub struct SealedRow {
    /// Its position.
    pub chain_pos: i64,
    /// Its link, hex.
    pub hash: String,
    /// Its insertion number.
    pub seq: i64,
    /// The key that sealed it; `None` for a legacy link.
    pub seal_key_id: Option<String>,
    /// When it was sealed.
    pub sealed_at: Option<DateTime<Utc>>,
    /// The event.
    pub content: EventContent,
    /// Its MAC.
    pub mac: EventMac,
    /// Why the stored details could not be rebuilt, if they could not.
    pub unreadable: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    seq: i64,
    #[sqlx(flatten)]
    content: StoredContent,
    #[sqlx(flatten)]
    mac: EventMac,
}

const EVENT_COLUMNS: &str = "seq, id, occurred_at, actor_user_id, actor_agency_id, action, \
                             target_kind, target_id, case_id, request_id, request_uuid, \
                             details, reads, mac_key_id, mac";

/// The content of a stored event with its details rebuilt; on failure, the content with
/// empty details (which no MAC or link matches) and the reason.
fn resolve(
    content: StoredContent,
    subjects: &HashMap<i64, Uuid>,
) -> (EventContent, Option<String>) {
    let fallback = EventContent {
        id: content.id,
        occurred_at: content.occurred_at,
        actor_user_id: content.actor_user_id,
        actor_agency_id: content.actor_agency_id,
        action: content.action.clone(),
        target_kind: content.target_kind.clone(),
        target_id: content.target_id,
        case_id: content.case_id,
        request_id: content
            .request_id
            .clone()
            .or(content.request_uuid.map(|u| u.to_string()))
            .unwrap_or_default(),
        details: String::new(),
    };
    match content.resolve(subjects) {
        Ok(content) => (content, None),
        Err(reason) => (fallback, Some(reason)),
    }
}

/// Reads one page of the sealed chain after position `after`, details rebuilt.
pub async fn sealed_page(db: &Db, after: i64, limit: i64) -> AppResult<Vec<SealedRow>> {
    let sql = format!(
        "SELECT chain_pos, hash, seal_key_id, sealed_at, {EVENT_COLUMNS}
         FROM audit_events WHERE chain_pos > $1 ORDER BY chain_pos LIMIT {limit}"
    );
    let rows: Vec<StoredSealedRow> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(after)
        .fetch_all(pool)
        .await)?;
    let subjects =
        compact::subjects_of(db, rows.iter().filter_map(|r| r.content.reads.as_deref())).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (content, unreadable) = resolve(r.content, &subjects);
            let mut mac = r.mac;
            if mac.mac.is_some() && mac.mac_key_id.is_none() {
                mac.mac_key_id = r.seal_key_id.clone();
            }
            SealedRow {
                chain_pos: r.chain_pos,
                hash: r.hash.0,
                seq: r.seq,
                seal_key_id: r.seal_key_id.map(|k| k.0),
                sealed_at: r.sealed_at,
                content,
                mac,
                unreadable,
            }
        })
        .collect())
}
const HEAD: &str = "SELECT chain_pos, hash FROM audit_chain_head WHERE singleton = 1";
const PAGE: i64 = 1000;

/// A checkpoint to hold against the chain, and where it was read.
struct Signed {
    checkpoint: Checkpoint,
    file: PathBuf,
    line: usize,
}

/// Checks the log in `db` with `keys` against the checkpoint files `checkpoint_files`,
/// with the archived start of the chain in `archive_dir`.
pub async fn verify(
    db: &Db,
    keys: &Keyring,
    checkpoint_files: &[PathBuf],
    archive_dir: &Path,
) -> anyhow::Result<Report> {
    let mut report = Report::default();
    // The head first: the chain may grow while we walk it, never shrink.
    let head: Option<(i64, String)> =
        with_db!(db, |pool| sqlx::query_as(HEAD).fetch_optional(pool).await)?;
    let (head_pos, head_hash) = head.unwrap_or((0, GENESIS.to_owned()));
    let cut = archive::cut(db).await?;
    let mut signed = read_checkpoints(keys, checkpoint_files, &mut report);
    let mut walker = Walker {
        keys,
        head_pos,
        head_hash: &head_hash,
        signed: &mut signed,
        at: Cursor::start(),
    };
    let walk = walker.walk(db, &mut report, archive_dir, cut).await?;
    if !report.intact() && archive::cut(db).await? != cut {
        anyhow::bail!(
            "an archive run (`caselink audit archive`) moved events out of the log while they \
             were checked; run `audit verify` again"
        );
    }
    if walk.intact && walk.end < head_pos {
        report.problem(
            Place::Chain(walk.end + 1),
            format!(
                "the chain ends at position {} but its recorded head is at position \
                 {head_pos}: the newest sealed events were deleted",
                walk.end
            ),
        );
    }
    let beyond: Vec<(i64, Signed)> = signed
        .into_iter()
        .flat_map(|(position, list)| list.into_iter().map(move |s| (position, s)))
        .collect();
    if !walk.intact && !beyond.is_empty() {
        report.warnings.push(format!(
            "{} checkpoints of positions after the break were not checked",
            beyond.len()
        ));
    } else {
        for (position, s) in beyond {
            report.problem(
                Place::Chain(walk.end + 1),
                format!(
                    "sealed events from position {} on were deleted: the checkpoint at {} \
                     (signed at {}) says the chain reached position {position}, but it ends at \
                     position {}",
                    walk.end + 1,
                    Place::Checkpoint(s.file, s.line),
                    s.checkpoint.sealed_at,
                    walk.end
                ),
            );
        }
    }
    check_pending(db, keys, &mut report, walk.keyed).await?;
    Ok(report)
}

/// Walks the chain: the archive files first, then the live table.
struct Walker<'a> {
    keys: &'a Keyring,
    head_pos: i64,
    head_hash: &'a str,
    signed: &'a mut BTreeMap<i64, Vec<Signed>>,
    at: Cursor,
}

impl Walker<'_> {
    fn broken(&self) -> Walk {
        Walk {
            end: self.at.pos,
            intact: false,
            keyed: self.at.keyed,
        }
    }

    async fn walk(
        &mut self,
        db: &Db,
        report: &mut Report,
        archive_dir: &Path,
        cut: i64,
    ) -> anyhow::Result<Walk> {
        // Archived links at positions from the cut on: live events there (a run that
        // did not finish) must be the same events.
        let mut archived_links: HashMap<i64, String> = HashMap::new();
        if cut == 0 {
            archived_links.insert(0, GENESIS.to_owned());
        }
        let files = archive::list(archive_dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot read the audit archive directory {}: {e}",
                archive_dir.display()
            )
        })?;
        for (path, header) in files {
            // Read in place: `audit verify` is a command of its own, nothing else waits.
            if !self.walk_archive(report, &path, header, cut, &mut archived_links) {
                return Ok(self.broken());
            }
        }
        let archived_end = self.at.pos;
        if cut > archived_end {
            report.problem(
                Place::Chain(archived_end + 1),
                format!(
                    "events {}..{cut} were archived (the archive cut is at position {cut}) but no \
                     archive file in {} holds them: archive files were removed, or this is not \
                     the directory they were written to (CASELINK_AUDIT_ARCHIVE_DIR)",
                    archived_end + 1,
                    archive_dir.display()
                ),
            );
            return Ok(self.broken());
        }
        let mut after = cut;
        loop {
            let rows = sealed_page(db, after, PAGE).await?;
            let Some(last) = rows.last() else { break };
            after = last.chain_pos;
            for row in rows {
                if row.chain_pos <= archived_end {
                    report.overlap += 1;
                    check_overlap(self.keys, report, &row, &archived_links);
                    continue;
                }
                if !self.step(report, row, None) {
                    return Ok(self.broken());
                }
            }
        }
        Ok(Walk {
            end: self.at.pos,
            intact: true,
            keyed: self.at.keyed,
        })
    }

    /// Walks one archive file; false when the chain breaks in it.
    fn walk_archive(
        &mut self,
        report: &mut Report,
        path: &Path,
        header: Result<archive::Header, String>,
        cut: i64,
        archived_links: &mut HashMap<i64, String>,
    ) -> bool {
        let place = || Place::Archive(path.to_owned());
        let header = match header {
            Ok(header) => header,
            Err(reason) => {
                report.problem(place(), reason);
                return false;
            }
        };
        let expected = self.at.pos + 1;
        if header.first_pos != expected {
            let reason = if header.first_pos > expected {
                format!(
                    "events {expected}..{} are in no archive file: an archive file was removed \
                     (this one starts at position {})",
                    header.first_pos - 1,
                    header.first_pos
                )
            } else {
                format!(
                    "this archive starts at position {} but the archives before it already reach \
                     position {}: archive files overlap",
                    header.first_pos, self.at.pos
                )
            };
            report.problem(Place::Chain(expected), format!("{reason} ({})", place()));
            return false;
        }
        if header.prev_hash != self.at.prev {
            report.problem(
                place(),
                format!(
                    "the link before its first event (position {}) is not the last link of the \
                     chain before it: archive files were swapped or replaced",
                    header.first_pos
                ),
            );
            return false;
        }
        let mut reader = match archive::Reader::open(path).and_then(|mut r| r.header().map(|_| r)) {
            Ok(reader) => reader,
            Err(reason) => {
                report.problem(place(), reason);
                return false;
            }
        };
        report.archive_files += 1;
        let mut events = 0_i64;
        loop {
            let line = match reader.next_line() {
                Ok(Some(line)) => line,
                Ok(None) => {
                    report.problem(
                        place(),
                        "it ends without its signed trailer: it was cut off or altered".into(),
                    );
                    return false;
                }
                Err(reason) => {
                    report.problem(place(), format!("the file is damaged or altered: {reason}"));
                    return false;
                }
            };
            match line {
                archive::Line::Event(event) => {
                    let row = match event.into_row() {
                        Ok(row) => row,
                        Err(reason) => {
                            report.problem(place(), format!("an event cannot be read: {reason}"));
                            return false;
                        }
                    };
                    if !self.step(report, row, Some(path)) {
                        return false;
                    }
                    events += 1;
                    report.archived += 1;
                    // Overlap is one unfinished run's file at most: bounded memory.
                    if self.at.pos >= cut
                        && archived_links.len() <= 2 * archive::MAX_EVENTS_PER_FILE as usize
                    {
                        archived_links.insert(self.at.pos, self.at.prev.clone());
                    }
                }
                archive::Line::Trailer(trailer, sha) => {
                    if let Err(reason) = archive::check_trailer(self.keys, &header, &trailer, &sha)
                    {
                        report.problem(place(), reason);
                    }
                    break;
                }
            }
        }
        if events != header.events
            || self.at.pos != header.last_pos
            || self.at.prev != header.last_hash
        {
            report.problem(
                place(),
                format!(
                    "its header says positions {}..{} ({} events), but it holds {events} events \
                     up to position {}: the file was altered",
                    header.first_pos, header.last_pos, header.events, self.at.pos
                ),
            );
            return false;
        }
        true
    }

    /// Checks one sealed event in chain order (from an archive file when `file` is
    /// given); false when the chain breaks here.
    fn step(&mut self, report: &mut Report, row: SealedRow, file: Option<&Path>) -> bool {
        let expected = self.at.pos + 1;
        let whence = |reason: String| match file {
            Some(file) => format!("{reason} (archived in {})", file.display()),
            None => reason,
        };
        if file.is_some() && row.chain_pos != expected {
            report.problem(
                Place::Chain(expected),
                whence(format!(
                    "the archived event after position {} is at position {}: events in the file \
                     were reordered or removed",
                    self.at.pos, row.chain_pos
                )),
            );
            return false;
        }
        if let Err(reason) = check_link(self.keys, &row, &mut self.at) {
            report.problem(Place::Chain(expected), whence(reason));
            return false;
        }
        if let Some(reason) = check_sealed_mac(self.keys, &row, &self.at) {
            report.problem(Place::Chain(expected), whence(reason));
        }
        self.at.pos = row.chain_pos;
        self.at.prev = row.hash;
        report.sealed = self.at.pos;
        if row.seal_key_id.is_none() {
            report.legacy += 1;
        }
        let at = &self.at;
        if at.pos == self.head_pos && at.prev != self.head_hash {
            report.problem(
                Place::Chain(at.pos),
                format!(
                    "the recorded head at position {} does not match the chain there: the head \
                     or the newest events were altered",
                    self.head_pos
                ),
            );
        }
        for s in self.signed.remove(&at.pos).unwrap_or_default() {
            if s.checkpoint.hash == at.prev {
                report.signed = at.pos;
            } else {
                report.problem(
                    Place::Chain(at.pos),
                    format!(
                        "the chain's hash here differs from the one signed in the checkpoint at \
                         {} (sealed at {}): the chain up to this position was rewritten",
                        Place::Checkpoint(s.file, s.line),
                        s.checkpoint.sealed_at
                    ),
                );
            }
        }
        true
    }
}

/// Checks a live event that is also archived (a run that did not finish): the same link
/// as its archived copy, and its content matching that link.
fn check_overlap(
    keys: &Keyring,
    report: &mut Report,
    row: &SealedRow,
    archived_links: &HashMap<i64, String>,
) {
    let pos = row.chain_pos;
    let (Some(archived), Some(prev)) = (archived_links.get(&pos), archived_links.get(&(pos - 1)))
    else {
        report.problem(
            Place::Chain(pos),
            "a live event overlaps the archives but no archived copy was read".into(),
        );
        return;
    };
    if &row.hash != archived {
        report.problem(
            Place::Chain(pos),
            format!(
                "event {} is archived and still in the log, and the two differ: one of them was \
                 altered",
                row.content.id
            ),
        );
        return;
    }
    let mut at = Cursor::start();
    at.pos = pos - 1;
    at.prev.clone_from(prev);
    if let Err(reason) = check_link(keys, row, &mut at) {
        report.problem(Place::Chain(pos), format!("{reason} (its live copy)"));
    }
}

/// Reads and checks the signatures of every checkpoint; the valid ones by position.
fn read_checkpoints(
    keys: &Keyring,
    files: &[PathBuf],
    report: &mut Report,
) -> BTreeMap<i64, Vec<Signed>> {
    let mut signed: BTreeMap<i64, Vec<Signed>> = BTreeMap::new();
    if files.is_empty() {
        report.warnings.push(
            "no checkpoint file was given: no sealed event is covered by a signed checkpoint"
                .into(),
        );
    }
    for file in files {
        let lines = match checkpoints::read(file) {
            Ok(lines) => lines,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                report.warnings.push(format!(
                    "the checkpoint file {} does not exist: what it would cover is reported as \
                     sealed after the last checkpoint, and deleting the newest events would \
                     not show",
                    file.display()
                ));
                continue;
            }
            Err(error) => {
                report.warnings.push(format!(
                    "the checkpoint file {} cannot be read: {error}",
                    file.display()
                ));
                continue;
            }
        };
        if lines.is_empty() {
            report
                .warnings
                .push(format!("the checkpoint file {} is empty", file.display()));
        }
        for line in lines {
            let place = Place::Checkpoint(file.clone(), line.number);
            let checkpoint = match line.checkpoint {
                Ok(checkpoint) => checkpoint,
                Err(reason) => {
                    report.problem(place, reason);
                    continue;
                }
            };
            if let Err(reason) = checkpoint.check_signature(keys) {
                report.problem(
                    place,
                    format!("checkpoint of position {}: {reason}", checkpoint.position),
                );
                continue;
            }
            report.checkpoints += 1;
            signed.entry(checkpoint.position).or_default().push(Signed {
                checkpoint,
                file: file.clone(),
                line: line.number,
            });
        }
    }
    signed
}

/// Where the walk of the sealed chain ended.
struct Walk {
    /// The last position verified.
    end: i64,
    /// Whether the chain verified to its end (MAC problems of single events aside).
    intact: bool,
    /// Whether the chain has a keyed link.
    keyed: bool,
}

/// The walk's state between events.
#[derive(Clone)]
struct Cursor {
    pos: i64,
    prev: String,
    keyed: bool,
    /// The newest seal key so far (its rank in the key file).
    seal_rank: Option<usize>,
    /// When each seal key first sealed, in chain order (ranks rise).
    first_sealed: Vec<(usize, DateTime<Utc>)>,
}

impl Cursor {
    fn start() -> Cursor {
        Cursor {
            pos: 0,
            prev: GENESIS.to_owned(),
            keyed: false,
            seal_rank: None,
            first_sealed: Vec::new(),
        }
    }
}

/// Checks one sealed event's place and link; advances the key state. An error breaks
/// the chain here: nothing after it can be trusted.
fn check_link(keys: &Keyring, row: &SealedRow, at: &mut Cursor) -> Result<(), String> {
    let expected = at.pos + 1;
    let id = row.content.id;
    if row.chain_pos != expected {
        return Err(format!(
            "events at positions {expected}..{} are missing (deleted)",
            row.chain_pos - 1
        ));
    }
    if let Some(reason) = &row.unreadable {
        return Err(format!(
            "event {id} was altered: {reason} (its records were changed or removed)"
        ));
    }
    let Some(key_id) = row.seal_key_id.as_deref() else {
        if at.keyed {
            return Err(format!(
                "event {id} has a plain SHA-256 link after keyed links: it was sealed or \
                 rewritten without the audit key (a forged or re-hashed event)"
            ));
        }
        if row.mac.mac.is_some() || row.mac.mac_key_id.is_some() {
            // The sealer links an event the legacy way only when it has no MAC (recorded
            // before the keys existed).
            return Err(format!(
                "event {id} carries a MAC but has a plain SHA-256 link: it was re-hashed \
                 without the audit key"
            ));
        }
        if legacy_link(&at.prev, expected, row.seq, &row.content) != row.hash {
            return Err(format!("event {id} was altered (a legacy, hash-only link)"));
        }
        return Ok(());
    };
    let (Some(key), Some(rank)) = (keys.get(key_id), keys.rank(key_id)) else {
        return Err(format!(
            "event {id} is sealed with key {key_id}, which is not in the key file: forged, \
             or verified with the wrong key file"
        ));
    };
    if let Some(newest) = at.seal_rank.filter(|newest| rank < *newest) {
        return Err(format!(
            "event {id} is sealed with key {key_id} although the newer key {} already sealed \
             earlier events: the chain went back to an older key (a leaked old key?)",
            keys.keys()[newest].id()
        ));
    }
    let Some(sealed_at) = row.sealed_at else {
        return Err(format!("event {id} has a keyed link but no seal time"));
    };
    let input = LinkInput {
        chain_pos: expected,
        seq: row.seq,
        sealed_at,
        content: &row.content,
        mac: &row.mac,
    };
    if !link_matches(&keyed_link(key, &at.prev, &input), &row.hash) {
        return Err(format!(
            "event {id}'s link does not match under key {key_id}: the event or its place was \
             altered, or its hash recomputed without the key"
        ));
    }
    at.keyed = true;
    if at.seal_rank != Some(rank) {
        at.first_sealed.push((rank, sealed_at));
        at.seal_rank = Some(rank);
    }
    Ok(())
}

/// Checks a keyed sealed event's MAC: `None` when it is fine. Legacy events have none.
fn check_sealed_mac(keys: &Keyring, row: &SealedRow, at: &Cursor) -> Option<String> {
    row.seal_key_id.as_ref()?;
    let id = row.content.id;
    if let Err(reason) = check_mac(keys, &row.content, &row.mac) {
        return Some(format!(
            "event {id}: {reason} (the link is intact, so it was altered or forged before \
             it was sealed)"
        ));
    }
    // An event MAC'd with an older key long after a newer one took over the chain.
    let rank = row.mac.mac_key_id.as_deref().and_then(|k| keys.rank(k))?;
    let sealed_at = row.sealed_at?;
    let (newer_rank, since) = at.first_sealed.iter().find(|(r, _)| *r > rank)?;
    (sealed_at - *since > ROTATION_GRACE).then(|| {
        format!(
            "event {id} was recorded with the old key {} though key {} had sealed the chain \
             since {since}, more than {} hours before: recorded with an old key after a \
             rotation (a leaked old key, or a process never restarted)",
            keys.keys()[rank].id(),
            keys.keys()[*newer_rank].id(),
            ROTATION_GRACE.num_hours()
        )
    })
}

/// Checks an event's MAC against the key it names.
fn check_mac(keys: &Keyring, content: &EventContent, mac: &EventMac) -> Result<(), String> {
    let (Some(key_id), Some(stored)) = (mac.mac_key_id.as_deref(), mac.mac.as_deref()) else {
        return Err("it has no MAC".into());
    };
    let Some(key) = keys.get(key_id) else {
        return Err(format!("its MAC key {key_id} is not in the key file"));
    };
    if !event_mac_matches(key, content, stored) {
        return Err(format!("its content does not match its MAC (key {key_id})"));
    }
    Ok(())
}

/// Checks the MACs of unsealed and staged events. Events without a MAC are from before
/// the keys only while the chain has no keyed link yet.
async fn check_pending(db: &Db, keys: &Keyring, report: &mut Report, keyed: bool) -> AppResult<()> {
    let sql = format!(
        "SELECT {EVENT_COLUMNS} FROM audit_events WHERE hash IS NULL AND seq > $1 ORDER BY seq \
         LIMIT {PAGE}"
    );
    let mut after = 0_i64;
    loop {
        let rows: Vec<PendingRow> = with_db!(db, |pool| sqlx::query_as(&sql)
            .bind(after)
            .fetch_all(pool)
            .await)?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        let subjects =
            compact::subjects_of(db, rows.iter().filter_map(|r| r.content.reads.as_deref()))
                .await?;
        for row in rows {
            report.unsealed += 1;
            let (content, unreadable) = resolve(row.content, &subjects);
            if let Some(reason) = unreadable {
                report.problem(
                    Place::Unsealed(row.seq),
                    format!("event {}: {reason}", content.id),
                );
                continue;
            }
            check_pending_mac(
                keys,
                report,
                keyed,
                Place::Unsealed(row.seq),
                &content,
                &row.mac,
            );
        }
    }
    for row in staged::all(db).await? {
        report.staged += 1;
        check_pending_mac(
            keys,
            report,
            keyed,
            Place::Staged(row.seq),
            &row.content,
            &row.mac,
        );
    }
    Ok(())
}

fn check_pending_mac(
    keys: &Keyring,
    report: &mut Report,
    keyed: bool,
    place: Place,
    content: &EventContent,
    mac: &EventMac,
) {
    if mac.mac.is_none() && mac.mac_key_id.is_none() && !keyed {
        report.unkeyed_pending += 1;
        return;
    }
    if let Err(reason) = check_mac(keys, content, mac) {
        report.problem(
            place,
            format!(
                "event {}: {reason}: it was altered or forged before sealing",
                content.id
            ),
        );
    }
}

/// The report in words, as `audit verify` prints it.
pub fn describe(report: &Report, key_file: &Path) -> String {
    let mut out = String::new();
    if report.intact() {
        out.push_str("audit log intact\n");
    } else {
        out.push_str("audit log BROKEN\n");
        for p in &report.problems {
            out.push_str(&format!("  BROKEN at {}: {}\n", p.place, p.reason));
        }
        if report.more_problems > 0 {
            out.push_str(&format!("  … and {} more problems\n", report.more_problems));
        }
    }
    out.push_str(&format!(
        "  {} events sealed and signed (covered by a checkpoint)\n",
        report.signed
    ));
    out.push_str(&format!(
        "  {} events sealed after the last checkpoint\n",
        report.unsigned()
    ));
    if report.archive_files > 0 {
        out.push_str(&format!(
            "  {} of the sealed events are in {} archive files (signatures, MACs and links checked)\n",
            report.archived, report.archive_files
        ));
    }
    if report.overlap > 0 {
        out.push_str(&format!(
            "  {} archived events are still in the log too (an archive run that did not finish; \
             the next run completes it), checked against their archived copies\n",
            report.overlap
        ));
    }
    out.push_str(&format!(
        "  {} events not yet sealed ({} in the log, {} read events in staging), MACs checked\n",
        report.unsealed + report.staged,
        report.unsealed,
        report.staged
    ));
    if report.legacy > 0 {
        out.push_str(&format!(
            "  {} events at the start of the chain are hash-only (sealed before the audit keys \
             existed): their links are plain SHA-256, which anyone who can write the database \
             can recompute; the first keyed link covers their last hash\n",
            report.legacy
        ));
    }
    if report.unkeyed_pending > 0 {
        out.push_str(&format!(
            "  {} pending events have no MAC (recorded before the audit keys existed)\n",
            report.unkeyed_pending
        ));
    }
    out.push_str(&format!(
        "  {} checkpoints read; keys from {}\n",
        report.checkpoints,
        key_file.display()
    ));
    for warning in &report.warnings {
        out.push_str(&format!("  warning: {warning}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use chrono::TimeZone;

    fn keys() -> Keyring {
        let line = |secret: u8| {
            let key = super::super::keys::AuditKey::from_secret(&[secret; 32], "x");
            format!(
                "v1 {} x {}\n",
                key.id(),
                base64::engine::general_purpose::STANDARD.encode([secret; 32])
            )
        };
        Keyring::parse(&format!("{}{}", line(1), line(2))).expect("two keys")
    }

    fn row(keys: &Keyring, mac_key: usize, sealed_at: DateTime<Utc>) -> SealedRow {
        let content = EventContent {
            id: uuid::Uuid::from_u128(9),
            occurred_at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap(),
            actor_user_id: None,
            actor_agency_id: None,
            action: "LOGIN".into(),
            target_kind: "session".into(),
            target_id: None,
            case_id: None,
            request_id: "r".into(),
            details: "{}".into(),
        };
        let key = &keys.keys()[mac_key];
        SealedRow {
            chain_pos: 5,
            unreadable: None,
            hash: String::new(),
            seq: 5,
            seal_key_id: Some(keys.current().id().to_owned()),
            sealed_at: Some(sealed_at),
            mac: EventMac {
                mac_key_id: Some(Hex::new(key.id())),
                mac: Some(Hex(super::super::chain::event_mac(key, &content))),
            },
            content,
        }
    }

    #[test]
    fn an_old_key_is_taken_while_processes_restart_and_flagged_after() {
        let keys = keys();
        let rotated = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let at = Cursor {
            pos: 4,
            prev: GENESIS.into(),
            keyed: true,
            seal_rank: Some(1),
            first_sealed: vec![(0, rotated - chrono::Duration::days(30)), (1, rotated)],
        };
        let soon = rotated + chrono::Duration::minutes(5);
        assert_eq!(check_sealed_mac(&keys, &row(&keys, 0, soon), &at), None);
        assert_eq!(check_sealed_mac(&keys, &row(&keys, 1, soon), &at), None);
        let late = rotated + ROTATION_GRACE + chrono::Duration::seconds(1);
        let flagged = check_sealed_mac(&keys, &row(&keys, 0, late), &at);
        assert!(
            flagged.as_deref().is_some_and(|f| f.contains("old key")),
            "{flagged:?}"
        );
        assert_eq!(check_sealed_mac(&keys, &row(&keys, 1, late), &at), None);
    }

    #[test]
    fn a_sealed_event_with_an_altered_or_missing_mac_is_named() {
        let keys = keys();
        let at = Cursor {
            pos: 4,
            prev: GENESIS.into(),
            keyed: true,
            seal_rank: Some(1),
            first_sealed: Vec::new(),
        };
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap();
        let mut altered = row(&keys, 1, now);
        altered.content.details = "{\"x\":1}".into();
        assert!(check_sealed_mac(&keys, &altered, &at)
            .is_some_and(|f| f.contains("does not match its MAC")));
        let mut bare = row(&keys, 1, now);
        bare.mac = EventMac {
            mac_key_id: None,
            mac: None,
        };
        assert!(check_sealed_mac(&keys, &bare, &at).is_some_and(|f| f.contains("no MAC")));
    }
}
