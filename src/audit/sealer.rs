//! The sealer: moves staged read events into the log ([`super::staged`]) and chains
//! unsealed audit events in batches, each link an HMAC under the current audit key
//! ([`super::chain::keyed_link`]). Each batch goes in insertion order; the chain's order
//! is the order of sealing (`chain_pos`), because on PostgreSQL an event with a lower
//! `seq` may commit after a higher one has been sealed. After each round that sealed
//! something, [`run`] appends a signed checkpoint of the new head to a file outside the
//! database ([`super::checkpoints`]).
//!
//! Only one sealer works at a time (a PostgreSQL advisory lock; SQLite's single writer),
//! so several `caselink serve` processes can run one each safely.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::chain::{
    event_mac_matches, keyed_link, legacy_link, EventContent, EventMac, LinkInput, GENESIS,
};
use super::checkpoints::{Checkpoint, CheckpointLog};
use super::compact::{self, StoredContent};
use super::keys::Keyring;
use super::{require_keys, staged};
use crate::db::{self, dialect, params, Db, Tx};
use crate::error::{AppError, AppResult};
use crate::notify::audit_checkpoint::{send_if_due, CheckpointMail};
use crate::{with_db, with_tx};

/// The advisory-lock key that makes the sealer a singleton across processes.
const SEALER_LOCK_KEY: i64 = 0x6361_7365_6c6e_6b01;

/// How many events one transaction seals.
const BATCH: i64 = 500;

const HEAD: &str = "SELECT chain_pos, hash, key_id FROM audit_chain_head WHERE singleton = 1";
const UNSEALED: &str = "
    SELECT seq, id, occurred_at, actor_user_id, actor_agency_id, action, target_kind,
           target_id, case_id, request_id, request_uuid, details, reads, mac_key_id, mac
    FROM audit_events WHERE hash IS NULL ORDER BY seq LIMIT $1";
const MOVE_HEAD: &str = "
    INSERT INTO audit_chain_head (singleton, chain_pos, hash, key_id) VALUES (1, $1, $2, $3)
    ON CONFLICT (singleton) DO UPDATE
    SET chain_pos = excluded.chain_pos, hash = excluded.hash, key_id = excluded.key_id";

/// The last link of the chain.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Head {
    /// Its position (0 for an empty chain).
    pub chain_pos: i64,
    /// Its hash.
    pub hash: String,
    /// The key that sealed it; `None` for a legacy (unkeyed) link or an empty chain.
    pub key_id: Option<String>,
}

/// What a sealing round did.
#[derive(Clone, Debug, Default)]
pub struct Round {
    /// Events sealed.
    pub sealed: usize,
    /// The head after the last batch that sealed something, and when it was sealed.
    pub head: Option<(Head, DateTime<Utc>)>,
}

/// An unsealed event as the sealer reads it from the log.
#[derive(sqlx::FromRow)]
struct StoredUnsealed {
    seq: i64,
    #[sqlx(flatten)]
    content: StoredContent,
    #[sqlx(flatten)]
    mac: EventMac,
}

/// An event to chain.
struct Unsealed {
    seq: i64,
    content: EventContent,
    mac: EventMac,
}

/// Seals up to one batch of pending events; `None` when another process holds the
/// sealer lock (and `wait` is off) or nothing waits.
///
/// First the events recorded unsealed in `audit_events` (by requests' transactions) are
/// chained by an update; then staged read events ([`staged::take`]) are inserted already
/// chained, with their `seq` taken first, their records stored as subject numbers
/// ([`compact`]): a read event is written once, with no dead row version left behind.
async fn seal_batch(db: &Db, wait: bool) -> AppResult<Option<(usize, Head, DateTime<Utc>)>> {
    let mut tx = db.begin().await?;
    let keys = tx.audit_keys().cloned();
    let keys = require_keys(keys.as_ref())?;
    if wait {
        dialect::job_lock(&mut tx, SEALER_LOCK_KEY).await?;
    } else if !dialect::try_job_lock(&mut tx, SEALER_LOCK_KEY).await? {
        return Ok(None);
    }
    let head = chain_head(&mut tx).await?;
    if let Some(id) = head.key_id.as_deref().filter(|id| keys.rank(id).is_none()) {
        // Another process sealed with a key this one lacks: a newer key this process was
        // not restarted with. Sealing on with an older key would take the chain back to
        // it, which `audit verify` flags as a leaked old key.
        return Err(AppError::internal(anyhow::anyhow!(
            "the audit chain head was sealed with key {id}, which this process's key file \
             lacks: restart it with the current key file (the one `audit rotate-key` changed)"
        )));
    }
    let stored: Vec<StoredUnsealed> = with_tx!(&mut tx, |conn| sqlx::query_as(UNSEALED)
        .bind(BATCH)
        .fetch_all(conn)
        .await)?;
    let subjects =
        compact::subjects_of(db, stored.iter().filter_map(|e| e.content.reads.as_deref())).await?;
    let events: Vec<Unsealed> = stored
        .into_iter()
        .map(|e| {
            let id = e.content.id;
            let content = e.content.resolve(&subjects).unwrap_or_else(|reason| {
                tracing::error!(event = %id, reason, "an unsealed audit event cannot be read");
                EventContent {
                    id,
                    occurred_at: db::now(),
                    actor_user_id: None,
                    actor_agency_id: None,
                    action: String::new(),
                    target_kind: String::new(),
                    target_id: None,
                    case_id: None,
                    request_id: String::new(),
                    details: String::new(),
                }
            });
            Unsealed {
                seq: e.seq,
                content,
                mac: e.mac,
            }
        })
        .collect();
    let now = db::now();
    let links = chain(keys, &head, &events, now);
    for chunk in links.chunks(SEAL_CHUNK) {
        seal_chunk(&mut tx, chunk, now).await?;
    }
    let mut new_head = links.last().map(Link::head).unwrap_or(head);
    let room = BATCH - events.len() as i64;
    let (staged, moved) = staged::take(db, &mut tx, room).await?;
    let seqs = dialect::next_seqs(&mut tx, "audit_events", staged.len()).await?;
    let moving: Vec<Unsealed> = staged
        .into_iter()
        .zip(seqs)
        .map(|(row, seq)| Unsealed {
            seq,
            content: row.content,
            mac: row.mac,
        })
        .collect();
    let moved_links = chain(keys, &new_head, &moving, now);
    insert_sealed(&mut tx, &moving, &moved_links, now).await?;
    if let Some(last) = moved_links.last() {
        new_head = last.head();
    }
    let sealed = events.len() + moving.len();
    if sealed == 0 {
        tx.commit().await?;
        staged::forget(db, moved).await?;
        return Ok(None);
    }
    with_tx!(&mut tx, |conn| sqlx::query(MOVE_HEAD)
        .bind(new_head.chain_pos)
        .bind(&new_head.hash)
        .bind(new_head.key_id.as_deref())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    staged::forget(db, moved).await?;
    Ok(Some((sealed, new_head, now)))
}

/// Columns of a moved read event, inserted already chained.
const SEALED_COLUMNS: &str = "seq, id, occurred_at, actor_user_id, actor_agency_id, action, \
    target_kind, target_id, case_id, request_id, request_uuid, details, reads, chain_pos, hash, \
    sealed_at, mac_key_id, mac, seal_key_id";
const SEALED_COLUMN_COUNT: usize = 19;
/// Rows per insert (18 parameters each; see `staged::ROWS_PER_INSERT`).
const INSERT_CHUNK: usize = 16;

/// Inserts `events` with their `links`; a read event's records go in as subject numbers.
async fn insert_sealed(
    tx: &mut Tx,
    events: &[Unsealed],
    links: &[Link],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let sets: Vec<Option<compact::ReadSet>> = events
        .iter()
        .map(|e| compact::parse_reads(&e.content.details))
        .collect();
    let ids: Vec<uuid::Uuid> = sets
        .iter()
        .flatten()
        .flat_map(|set| set.values().flatten().copied())
        .collect();
    let numbers = if ids.is_empty() {
        Default::default()
    } else {
        compact::intern(tx, &ids).await?
    };
    let reads: Vec<Option<Vec<u8>>> = sets
        .iter()
        .map(|set| {
            set.as_ref()
                .and_then(|s| compact::encode_reads(s, &numbers))
        })
        .collect();
    let rows: Vec<usize> = (0..events.len()).collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        let sql = format!(
            "INSERT INTO audit_events ({SEALED_COLUMNS}) VALUES {}",
            params::rows(1, chunk.len(), SEALED_COLUMN_COUNT)
        );
        with_tx!(&mut *tx, |conn| {
            let mut query = sqlx::query(&sql);
            for &i in chunk {
                let (e, link, read) = (&events[i], &links[i], &reads[i]);
                let c = &e.content;
                let (request_text, request_uuid) = compact::split_request(&c.request_id);
                // A MAC key that is the seal key is not stored twice (NULL: "the seal key").
                let mac_key = e
                    .mac
                    .mac_key_id
                    .as_deref()
                    .filter(|k| e.mac.mac.is_none() || Some(*k) != link.key_id.as_deref());
                query = query
                    .bind(e.seq)
                    .bind(c.id)
                    .bind(c.occurred_at)
                    .bind(c.actor_user_id)
                    .bind(c.actor_agency_id)
                    .bind(c.action.as_str())
                    .bind(c.target_kind.as_str())
                    .bind(c.target_id)
                    .bind(c.case_id)
                    .bind(request_text)
                    .bind(request_uuid)
                    .bind(read.is_none().then_some(c.details.as_str()))
                    .bind(read.clone())
                    .bind(link.pos)
                    .bind(compact::bytes(&link.hash))
                    .bind(now)
                    .bind(compact::opt_bytes(mac_key))
                    .bind(compact::opt_bytes(e.mac.mac.as_deref()))
                    .bind(compact::opt_bytes(link.key_id.as_deref()));
            }
            query.execute(conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// The links of `events` after `head`, sealed at `now`.
///
/// Events recorded before the keys existed (no MAC) are linked the legacy way while the
/// chain has no keyed link yet: they are the events of the last run before the upgrade.
/// After the first keyed link every event is linked with the current key, whatever its
/// MAC; an event whose MAC is missing or wrong is logged here and flagged by `audit
/// verify`, and stays in its place in the chain as evidence.
fn chain(keys: &Keyring, head: &Head, events: &[Unsealed], now: DateTime<Utc>) -> Vec<Link> {
    let key = keys.current();
    let (mut pos, mut prev) = (head.chain_pos, head.hash.clone());
    let mut keyed = head.key_id.is_some();
    let mut links = Vec::with_capacity(events.len());
    for event in events {
        pos += 1;
        let (hash, key_id) = if !keyed && event.mac.mac.is_none() {
            (legacy_link(&prev, pos, event.seq, &event.content), None)
        } else {
            keyed = true;
            check_mac(keys, event);
            let input = LinkInput {
                chain_pos: pos,
                seq: event.seq,
                sealed_at: now,
                content: &event.content,
                mac: &event.mac,
            };
            (keyed_link(key, &prev, &input), Some(key.id().to_owned()))
        };
        prev.clone_from(&hash);
        links.push(Link {
            seq: event.seq,
            pos,
            hash,
            key_id,
        });
    }
    links
}

/// Says at once when an event about to be sealed does not match its MAC: someone
/// altered or forged it in the database. It is sealed all the same, so that it cannot
/// later be removed unseen, and `audit verify` names it.
fn check_mac(keys: &Keyring, event: &Unsealed) {
    let id = event.content.id;
    match (event.mac.mac_key_id.as_deref(), event.mac.mac.as_deref()) {
        (Some(key_id), Some(mac)) => match keys.get(key_id) {
            Some(key) if event_mac_matches(key, &event.content, mac) => {}
            Some(_) => tracing::error!(
                event = %id,
                "an audit event does not match its MAC: it was altered in the database \
                 before sealing; `caselink audit verify` will name it"
            ),
            None => tracing::warn!(
                event = %id,
                key = key_id,
                "an audit event's MAC key is not in this process's key file; cannot check it"
            ),
        },
        _ => tracing::error!(
            event = %id,
            "an audit event has no MAC: it was written to the database by something other \
             than CaseLink; `caselink audit verify` will name it"
        ),
    }
}

/// Seals everything pending, staged read events included, batch after batch.
pub async fn seal_all(db: &Db) -> AppResult<usize> {
    Ok(seal_round(db).await?.sealed)
}

/// [`seal_round`], waiting for another process's round to end instead of leaving the
/// work to it (for readers of the log who must see everything recorded so far).
pub async fn seal_round_waiting(db: &Db) -> AppResult<Round> {
    round_of(db, true).await
}

/// Seals everything pending, batch after batch; says what it sealed and the head.
pub async fn seal_round(db: &Db) -> AppResult<Round> {
    round_of(db, false).await
}

async fn round_of(db: &Db, wait: bool) -> AppResult<Round> {
    let mut round = Round::default();
    while let Some((sealed, head, at)) = seal_batch(db, wait).await? {
        round.sealed += sealed;
        round.head = Some((head, at));
        if sealed < BATCH as usize {
            break;
        }
    }
    Ok(round)
}

/// Seals everything pending and, when something was sealed, appends a signed checkpoint
/// of the new head to `log`; returns how many events it sealed.
pub async fn seal_and_checkpoint(db: &Db, log: &CheckpointLog) -> anyhow::Result<usize> {
    let round = seal_round(db).await?;
    if let Some((head, at)) = &round.head {
        let keys = require_keys(db.audit_keys())?;
        log.append(Checkpoint::sign(keys.current(), head, *at))
            .await?;
    }
    Ok(round.sealed)
}

/// Appends a signed checkpoint of the chain's head as the database has it now (for
/// commands that sealed through [`seal_all`]); nothing for an empty chain.
pub async fn checkpoint_current_head(db: &Db, log: &CheckpointLog) -> anyhow::Result<()> {
    const SQL: &str = "
        SELECT h.chain_pos, h.hash, h.key_id, e.sealed_at
        FROM audit_chain_head h JOIN audit_events e ON e.chain_pos = h.chain_pos
        WHERE h.singleton = 1";
    let row: Option<(i64, String, Option<String>, DateTime<Utc>)> =
        with_db!(db, |pool| sqlx::query_as(SQL).fetch_optional(pool).await)?;
    if let Some((chain_pos, hash, key_id, sealed_at)) = row {
        let keys = require_keys(db.audit_keys())?;
        let head = Head {
            chain_pos,
            hash,
            key_id,
        };
        log.append(Checkpoint::sign(keys.current(), &head, sealed_at))
            .await?;
    }
    Ok(())
}

async fn chain_head(tx: &mut Tx) -> AppResult<Head> {
    let head: Option<Head> = with_tx!(tx, |conn| sqlx::query_as(HEAD).fetch_optional(conn).await)?;
    Ok(head.unwrap_or(Head {
        chain_pos: 0,
        hash: GENESIS.to_owned(),
        key_id: None,
    }))
}

/// One event's place in the chain.
struct Link {
    seq: i64,
    pos: i64,
    hash: String,
    key_id: Option<String>,
}

impl Link {
    fn head(&self) -> Head {
        Head {
            chain_pos: self.pos,
            hash: self.hash.clone(),
            key_id: self.key_id.clone(),
        }
    }
}

/// Events sealed per `UPDATE` (4 parameters each, well inside both databases' limits).
const SEAL_CHUNK: usize = 100;

/// Seals many events with one `UPDATE … FROM (VALUES …)`: both databases name a VALUES
/// list's columns `column1`, `column2`, ….
async fn seal_chunk(tx: &mut Tx, links: &[Link], now: DateTime<Utc>) -> AppResult<()> {
    let sql = format!(
        "UPDATE audit_events SET chain_pos = v.column2, hash = v.column3, \
         seal_key_id = v.column4, sealed_at = $1 FROM (VALUES {}) AS v \
         WHERE audit_events.seq = v.column1",
        params::rows(2, links.len(), 4)
    );
    with_tx!(tx, |conn| {
        let mut query = sqlx::query(&sql).bind(now);
        for link in links {
            query = query
                .bind(link.seq)
                .bind(link.pos)
                .bind(compact::bytes(&link.hash))
                .bind(compact::opt_bytes(link.key_id.as_deref()));
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Runs the sealer every `interval` until `shutdown` turns true, then seals once more.
/// After each round that sealed something it appends a signed checkpoint to `log`, and
/// with `mail` set, mails it to the auditor when this period's mail has not gone yet.
pub async fn run(
    db: Db,
    interval: Duration,
    log: CheckpointLog,
    mail: Option<CheckpointMail>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.changed() => break,
        }
        round(&db, &log, mail.as_ref()).await;
    }
    round(&db, &log, mail.as_ref()).await;
}

/// One round of [`run`]: seal, then checkpoint what was sealed (and mail it when due).
async fn round(db: &Db, log: &CheckpointLog, mail: Option<&CheckpointMail>) {
    let Some(checkpoint) = seal_and_sign(db, log).await else {
        return;
    };
    if let Some(mail) = mail {
        if let Err(error) = send_if_due(db, mail, &checkpoint, db::now()).await {
            tracing::warn!(
                ?error,
                "cannot write the audit checkpoint mail; will try after the next round"
            );
        }
    }
}

/// Seals, then appends the checkpoint of what was sealed; the checkpoint when written.
async fn seal_and_sign(db: &Db, log: &CheckpointLog) -> Option<Checkpoint> {
    let round = match seal_round(db).await {
        Ok(round) => round,
        Err(error) => {
            tracing::warn!(?error, "audit sealing failed; will retry");
            return None;
        }
    };
    let (Some((head, at)), Some(keys)) = (round.head, db.audit_keys()) else {
        return None;
    };
    let checkpoint = Checkpoint::sign(keys.current(), &head, at);
    match log.append(checkpoint.clone()).await {
        Ok(()) => Some(checkpoint),
        Err(error) => {
            tracing::error!(
                error = format!("{error:#}"),
                "cannot append the audit checkpoint; the chain is sealed but not signed \
                 outside the database until a later round succeeds"
            );
            None
        }
    }
}
