//! How audit events are stored compactly (issue 13: a read event under 400 bytes on disk,
//! indexes included).
//!
//! - MACs, links and key ids are bytes in the table ([`Hex`] reads them back as the
//!   lowercase hex the algorithms in [`super::chain`] take, so nothing they cover changed).
//! - A read event's details, `{"case":["<uuid>",…],…}` (one list per kind, as
//!   [`super::record_reads`] writes them), are stored as a short byte string, `reads`: the
//!   records become small numbers in `audit_subjects`, given once per record, and each list
//!   is written as zig-zag varint differences, so the 20 cases of a page cost about 25
//!   bytes instead of 790. [`encode_reads`] only accepts details that [`decode_reads`]
//!   rebuilds byte for byte, so the MAC (which covers the JSON text) still checks; any
//!   other details stay text.
//!
//! A changed subject number, a changed `reads` or a changed `audit_subjects` row changes
//! the rebuilt text, and so breaks the event's MAC and link: tamper evidence is the same.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sqlx::{Decode, Type};
use uuid::Uuid;

use crate::db::{params, Db, Tx};
use crate::error::{AppError, AppResult};
use crate::{with_db, with_tx};

/// A MAC, link or key id as lowercase hex, read from a byte column (or from a text
/// column holding hex, as the read-audit staging table does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hex(pub String);

impl Hex {
    /// Wraps hex text.
    pub fn new(hex: impl Into<String>) -> Hex {
        Hex(hex.into())
    }
}

impl From<String> for Hex {
    fn from(hex: String) -> Hex {
        Hex(hex)
    }
}

impl std::ops::Deref for Hex {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// The bytes to store for hex text (text that is not hex is stored as its own bytes, so
/// that it never matches what the algorithms compute).
pub fn bytes(hex: &str) -> Vec<u8> {
    hex::decode(hex).unwrap_or_else(|_| hex.as_bytes().to_vec())
}

/// [`bytes`] of an optional value.
pub fn opt_bytes(hex: Option<&str>) -> Option<Vec<u8>> {
    hex.map(bytes)
}

impl Type<sqlx::Sqlite> for Hex {
    fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
        <Vec<u8> as Type<sqlx::Sqlite>>::type_info()
    }
    fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
        <Vec<u8> as Type<sqlx::Sqlite>>::compatible(ty)
            || <String as Type<sqlx::Sqlite>>::compatible(ty)
    }
}

impl<'r> Decode<'r, sqlx::Sqlite> for Hex {
    fn decode(value: sqlx::sqlite::SqliteValueRef<'r>) -> Result<Hex, sqlx::error::BoxDynError> {
        use sqlx::{TypeInfo as _, ValueRef as _};
        if value.type_info().name() == "TEXT" {
            return Ok(Hex(<String as Decode<sqlx::Sqlite>>::decode(value)?));
        }
        Ok(Hex(hex::encode(<Vec<u8> as Decode<sqlx::Sqlite>>::decode(
            value,
        )?)))
    }
}

impl Type<sqlx::Postgres> for Hex {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <Vec<u8> as Type<sqlx::Postgres>>::type_info()
    }
    fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <Vec<u8> as Type<sqlx::Postgres>>::compatible(ty)
            || <String as Type<sqlx::Postgres>>::compatible(ty)
    }
}

impl<'r> Decode<'r, sqlx::Postgres> for Hex {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Hex, sqlx::error::BoxDynError> {
        use sqlx::ValueRef as _;
        let is_bytes = <Vec<u8> as Type<sqlx::Postgres>>::compatible(&value.type_info());
        if !is_bytes {
            return Ok(Hex(<String as Decode<sqlx::Postgres>>::decode(value)?));
        }
        Ok(Hex(hex::encode(
            <Vec<u8> as Decode<sqlx::Postgres>>::decode(value)?,
        )))
    }
}

/// The format byte that starts a stored read set.
const READS_V1: u8 = 1;

/// Details parsed as a read set: the records by kind, in the order they were written.
pub type ReadSet = BTreeMap<String, Vec<Uuid>>;

/// The read set of `details`, when storing it as numbers rebuilds `details` byte for
/// byte; `None` for any other details (they are stored as text).
pub fn parse_reads(details: &str) -> Option<ReadSet> {
    let set: ReadSet = serde_json::from_str(details).ok()?;
    if set.is_empty() || set.keys().any(|k| k.is_empty() || k.len() > 255) {
        return None;
    }
    (details_text(&set) == details).then_some(set)
}

/// The details text of a read set, as [`super::record_reads`] writes it.
pub fn details_text(set: &ReadSet) -> String {
    serde_json::json!(set).to_string()
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn take_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Stores a read set as bytes, each record by its subject number (`numbers` must hold
/// every record of `set`): per kind, its name, the count, and each number as the zig-zag
/// varint difference from the one before.
pub fn encode_reads(set: &ReadSet, numbers: &HashMap<Uuid, i64>) -> Option<Vec<u8>> {
    let mut out = vec![READS_V1];
    for (kind, ids) in set {
        out.push(u8::try_from(kind.len()).ok()?);
        out.extend_from_slice(kind.as_bytes());
        put_varint(&mut out, ids.len() as u64);
        let mut prev = 0i64;
        for id in ids {
            let n = *numbers.get(id)?;
            let d = n - prev;
            put_varint(&mut out, ((d << 1) ^ (d >> 63)) as u64);
            prev = n;
        }
    }
    Some(out)
}

/// The kinds and subject numbers of stored read bytes; `None` when they are malformed.
pub fn decode_numbers(bytes: &[u8]) -> Option<Vec<(String, Vec<i64>)>> {
    let (&version, mut rest) = bytes.split_first()?;
    if version != READS_V1 {
        return None;
    }
    let mut groups = Vec::new();
    while let Some((&len, tail)) = rest.split_first() {
        let kind = std::str::from_utf8(tail.get(..usize::from(len))?).ok()?;
        let mut at = usize::from(len);
        let count = take_varint(tail, &mut at)?;
        let mut numbers = Vec::with_capacity(count.min(4096) as usize);
        let mut prev = 0i64;
        for _ in 0..count {
            let z = take_varint(tail, &mut at)?;
            let d = ((z >> 1) as i64) ^ -((z & 1) as i64);
            prev += d;
            numbers.push(prev);
        }
        groups.push((kind.to_owned(), numbers));
        rest = &tail[at..];
    }
    Some(groups)
}

/// Rebuilds the details text of stored read bytes with `subjects` (number → record).
pub fn decode_reads(bytes: &[u8], subjects: &HashMap<i64, Uuid>) -> Result<String, String> {
    let groups = decode_numbers(bytes).ok_or("its stored read set is malformed")?;
    let mut set = ReadSet::new();
    for (kind, numbers) in groups {
        let ids = numbers
            .iter()
            .map(|n| {
                subjects
                    .get(n)
                    .copied()
                    .ok_or_else(|| format!("its read set names subject {n}, which is missing"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        set.insert(kind, ids);
    }
    Ok(details_text(&set))
}

/// Rows per statement that looks subjects up (see `staged::ROWS_PER_INSERT`).
const CHUNK: usize = 64;

/// The subject numbers of `ids`, giving numbers to those that have none yet, in `tx`
/// (the sealer's: only one sealer runs at a time, so no two give the same record a number).
pub async fn intern(tx: &mut Tx, ids: &[Uuid]) -> AppResult<HashMap<Uuid, i64>> {
    let mut unique: Vec<Uuid> = Vec::with_capacity(ids.len());
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    for id in ids {
        if seen.insert(*id) {
            unique.push(*id);
        }
    }
    let mut numbers = lookup(tx, &unique).await?;
    let missing: Vec<Uuid> = unique
        .into_iter()
        .filter(|id| !numbers.contains_key(id))
        .collect();
    for chunk in missing.chunks(CHUNK) {
        // One row at a time would cost a statement each; the numbers come back in any
        // order, so they are read back by id.
        let sql = format!(
            "INSERT INTO audit_subjects (id) VALUES {}",
            params::rows(1, chunk.len(), 1)
        );
        with_tx!(&mut *tx, |conn| {
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.execute(conn).await.map(|r| r.rows_affected())
        })?;
    }
    if !missing.is_empty() {
        numbers.extend(lookup(tx, &missing).await?);
    }
    Ok(numbers)
}

async fn lookup(tx: &mut Tx, ids: &[Uuid]) -> AppResult<HashMap<Uuid, i64>> {
    let mut numbers = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT n, id FROM audit_subjects WHERE id IN ({})",
            params::list(1, chunk.len())
        );
        let rows: Vec<(i64, Uuid)> = with_tx!(&mut *tx, |conn| {
            let mut q = sqlx::query_as(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(conn).await
        })?;
        numbers.extend(rows.into_iter().map(|(n, id)| (id, n)));
    }
    Ok(numbers)
}

/// The records behind the subject numbers that `reads` (stored read sets) name.
pub async fn subjects_of<'a>(
    db: &Db,
    reads: impl Iterator<Item = &'a [u8]>,
) -> AppResult<HashMap<i64, Uuid>> {
    let mut wanted: Vec<i64> = reads
        .filter_map(decode_numbers)
        .flat_map(|groups| groups.into_iter().flat_map(|(_, numbers)| numbers))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut subjects = HashMap::with_capacity(wanted.len());
    for chunk in wanted.chunks(CHUNK) {
        let sql = format!(
            "SELECT n, id FROM audit_subjects WHERE n IN ({})",
            params::list(1, chunk.len())
        );
        let rows: Vec<(i64, Uuid)> = with_db!(db, |pool| {
            let mut q = sqlx::query_as(&sql);
            for n in chunk {
                q = q.bind(*n);
            }
            q.fetch_all(pool).await
        })?;
        subjects.extend(rows);
    }
    Ok(subjects)
}

/// The details text of a stored event: its `details`, or its read set rebuilt.
pub fn details_of(
    details: Option<&str>,
    reads: Option<&[u8]>,
    subjects: &HashMap<i64, Uuid>,
) -> Result<String, String> {
    match (details, reads) {
        (Some(text), None) => Ok(text.to_owned()),
        (None, Some(bytes)) => decode_reads(bytes, subjects),
        (Some(_), Some(_)) => Err("it has both details and a read set".into()),
        (None, None) => Err("it has neither details nor a read set".into()),
    }
}

/// An event's content as stored in `audit_events`: details as text, or as a read set.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredContent {
    /// The event's id.
    pub id: Uuid,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
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
    /// The request it came from, unless `request_uuid` holds it.
    pub request_id: Option<String>,
    /// The request it came from, when its id is a UUID ([`split_request`]).
    pub request_uuid: Option<Uuid>,
    /// Extra facts as JSON text, unless `reads` holds them.
    pub details: Option<String>,
    /// A read event's records, as subject numbers ([`encode_reads`]).
    pub reads: Option<Vec<u8>>,
}

impl StoredContent {
    /// The content the MAC covers, with the details rebuilt from `subjects`.
    pub fn resolve(
        self,
        subjects: &HashMap<i64, Uuid>,
    ) -> Result<super::chain::EventContent, String> {
        let details = details_of(self.details.as_deref(), self.reads.as_deref(), subjects)?;
        let request_id = match (self.request_id, self.request_uuid) {
            (Some(text), None) => text,
            (None, Some(id)) => id.to_string(),
            _ => return Err("its request id is stored twice or not at all".into()),
        };
        Ok(super::chain::EventContent {
            id: self.id,
            occurred_at: self.occurred_at,
            actor_user_id: self.actor_user_id,
            actor_agency_id: self.actor_agency_id,
            action: self.action,
            target_kind: self.target_kind,
            target_id: self.target_id,
            case_id: self.case_id,
            request_id,
            details,
        })
    }
}

/// The stored columns of [`StoredContent`], for SELECT lists.
pub const CONTENT_COLUMNS: &str = "id, occurred_at, actor_user_id, actor_agency_id, action, \
                                   target_kind, target_id, case_id, request_id, request_uuid, details, \
                                   reads";

/// How a request id is stored: a UUID in its canonical text (as the server makes them)
/// as 16 bytes in `request_uuid`, anything else as text in `request_id`; reading gives
/// back the same text.
pub fn split_request(request_id: &str) -> (Option<&str>, Option<Uuid>) {
    match Uuid::parse_str(request_id) {
        Ok(id) if id.to_string() == request_id => (None, Some(id)),
        _ => (Some(request_id), None),
    }
}

/// An internal error for an event whose details cannot be rebuilt.
pub fn unreadable(id: Uuid, reason: &str) -> AppError {
    AppError::internal(anyhow::anyhow!("audit event {id}: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: u128) -> Vec<Uuid> {
        (0..n).map(|i| Uuid::from_u128(0xabc0 + i * 7919)).collect()
    }

    #[test]
    fn a_read_set_round_trips_byte_for_byte_and_is_small() {
        let cases = ids(20);
        let mut set = ReadSet::new();
        set.insert("case".into(), cases.clone());
        set.insert("signal".into(), vec![cases[3]]);
        let details = details_text(&set);
        assert_eq!(parse_reads(&details), Some(set.clone()));
        let numbers: HashMap<Uuid, i64> = cases
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, 90_000 + i as i64))
            .collect();
        let bytes = encode_reads(&set, &numbers).expect("encode");
        // 1 (format) + 28 (case: name, count, a 3-byte first number, 19 one-byte steps) + 11 (signal).
        assert!(bytes.len() <= 40, "{} bytes", bytes.len());
        let subjects: HashMap<i64, Uuid> = numbers.iter().map(|(id, n)| (*n, *id)).collect();
        assert_eq!(
            decode_reads(&bytes, &subjects).as_deref(),
            Ok(details.as_str())
        );
        let mut missing = subjects.clone();
        missing.remove(&90_005);
        assert!(decode_reads(&bytes, &missing).is_err_and(|e| e.contains("missing")));
        assert!(decode_reads(&bytes[..bytes.len() - 1], &subjects).is_err());
    }

    #[test]
    fn other_details_stay_text() {
        for details in [
            "{}",
            "{\"reason\":\"throttled\"}",
            "{\"case\":[\"not a uuid\"]}",
            "{\"case\": [\"00000000-0000-0000-0000-00000000abc0\"]}",
            "{\"export\":\"signals.csv\",\"case\":[]}",
        ] {
            assert_eq!(parse_reads(details), None, "{details}");
        }
    }
}
