//! The chain and the MACs: what each event's MAC and each chain link cover.
//!
//! - Every event carries a MAC (HMAC-SHA256 under an audit key, [`event_mac`]) made when
//!   it is recorded, so an event edited before it is sealed shows.
//! - Sealing links it into the chain: the link ([`keyed_link`]) is an HMAC under the
//!   sealer's current key over the previous link, the position, `seq`, the seal time, the
//!   content and the event's MAC, so an edited, deleted, reordered or forged event shows,
//!   even to someone who can rewrite the whole table: without the key (kept outside the
//!   database, [`super::keys`]) no later link can be recomputed.
//! - Events sealed before the keys existed have plain SHA-256 links ([`legacy_link`]).
//!   They may only form the start of the chain.
//!
//! Every field is length-prefixed, so no two different events serialise alike, and each
//! message starts with its own tag, so an event MAC is never a valid link or the reverse.

use chrono::{DateTime, SecondsFormat, Utc};
use hmac::Mac as _;
use sha2::digest::Update;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::compact::Hex;
use super::keys::AuditKey;

/// The `prev_hash` of the first event in the chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Tags that start the keyed messages.
const EVENT_TAG: &[u8] = b"caselink audit event v1";
const LINK_TAG: &[u8] = b"caselink audit link v1";

/// The stored content of an event: what its MAC covers (its links cover more).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct EventContent {
    /// The event's id.
    pub id: Uuid,
    /// When it happened (UTC, microseconds).
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
    /// The request it came from.
    pub request_id: String,
    /// Extra facts, as JSON text.
    pub details: String,
}

/// An event's MAC and the key that made it, as stored beside the event.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct EventMac {
    /// The id of the key that made the MAC; NULL on events recorded before the keys.
    pub mac_key_id: Option<Hex>,
    /// The MAC, lowercase hex (stored as bytes).
    pub mac: Option<Hex>,
}

/// Everything a keyed link covers beyond the previous link.
pub struct LinkInput<'a> {
    /// The event's position in the chain.
    pub chain_pos: i64,
    /// Its insertion number.
    pub seq: i64,
    /// When the sealer sealed it.
    pub sealed_at: DateTime<Utc>,
    /// The event.
    pub content: &'a EventContent,
    /// Its MAC key id and MAC (empty when it has none).
    pub mac: &'a EventMac,
}

fn time_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn uuid_text(id: Option<Uuid>) -> String {
    id.map(|u| u.to_string()).unwrap_or_default()
}

/// Length-prefixed fields fed to a hash or MAC.
struct Fields<'a, U: Update>(&'a mut U);

impl<U: Update> Fields<'_, U> {
    fn field(&mut self, bytes: &[u8]) {
        Update::update(self.0, &(bytes.len() as u64).to_be_bytes());
        Update::update(self.0, bytes);
    }

    /// The content's fields, in a fixed order.
    fn content(&mut self, event: &EventContent) {
        self.field(event.id.as_bytes());
        self.field(time_text(event.occurred_at).as_bytes());
        self.field(uuid_text(event.actor_user_id).as_bytes());
        self.field(uuid_text(event.actor_agency_id).as_bytes());
        self.field(event.action.as_bytes());
        self.field(event.target_kind.as_bytes());
        self.field(uuid_text(event.target_id).as_bytes());
        self.field(uuid_text(event.case_id).as_bytes());
        self.field(event.request_id.as_bytes());
        self.field(event.details.as_bytes());
    }
}

/// The hash of a legacy (unkeyed) link, lowercase hex: SHA-256 over the previous hash,
/// the position, `seq` and the content. Kept to verify events sealed before the keys.
pub fn legacy_link(prev_hash: &str, chain_pos: i64, seq: i64, event: &EventContent) -> String {
    let mut hasher = Sha256::new();
    let mut f = Fields(&mut hasher);
    f.field(prev_hash.as_bytes());
    f.field(&chain_pos.to_be_bytes());
    f.field(&seq.to_be_bytes());
    f.content(event);
    hex::encode(hasher.finalize())
}

/// The MAC of an event under `key`, lowercase hex; made when the event is recorded.
pub fn event_mac(key: &AuditKey, event: &EventContent) -> String {
    let mut mac = key.hmac();
    let mut f = Fields(&mut mac);
    f.field(EVENT_TAG);
    f.field(key.id().as_bytes());
    f.content(event);
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `stored` (hex) is the MAC of `event` under `key`, compared in constant time.
pub fn event_mac_matches(key: &AuditKey, event: &EventContent, stored: &str) -> bool {
    hex::decode(stored).is_ok_and(|bytes| {
        let expected = hex::decode(event_mac(key, event)).unwrap_or_default();
        bytes.len() == expected.len() && constant_time_eq(&bytes, &expected)
    })
}

/// The keyed link of an event: HMAC under the sealing `key` over the previous link, the
/// position, `seq`, the seal time, the sealing key's id, the content and the event's MAC.
pub fn keyed_link(key: &AuditKey, prev_hash: &str, link: &LinkInput<'_>) -> String {
    let mut mac = key.hmac();
    let mut f = Fields(&mut mac);
    f.field(LINK_TAG);
    f.field(prev_hash.as_bytes());
    f.field(&link.chain_pos.to_be_bytes());
    f.field(&link.seq.to_be_bytes());
    f.field(time_text(link.sealed_at).as_bytes());
    f.field(key.id().as_bytes());
    f.content(link.content);
    f.field(
        link.mac
            .mac_key_id
            .as_deref()
            .unwrap_or_default()
            .as_bytes(),
    );
    f.field(link.mac.mac.as_deref().unwrap_or_default().as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether `stored` is the keyed link `expected`, compared in constant time.
pub fn link_matches(expected: &str, stored: &str) -> bool {
    expected.len() == stored.len() && constant_time_eq(expected.as_bytes(), stored.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event() -> EventContent {
        EventContent {
            id: Uuid::from_u128(42),
            occurred_at: Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 0).unwrap(),
            actor_user_id: Some(Uuid::from_u128(1)),
            actor_agency_id: None,
            action: "LOGIN".into(),
            target_kind: "session".into(),
            target_id: Some(Uuid::from_u128(2)),
            case_id: None,
            request_id: "req-1".into(),
            details: "{}".into(),
        }
    }

    fn key(byte: u8) -> AuditKey {
        AuditKey::from_secret(&[byte; 32], "2026-11-23T00:00:00Z")
    }

    fn mac_of(key: &AuditKey, event: &EventContent) -> EventMac {
        EventMac {
            mac_key_id: Some(Hex::new(key.id())),
            mac: Some(Hex(event_mac(key, event))),
        }
    }

    fn link(key: &AuditKey, prev: &str, pos: i64, event: &EventContent, mac: &EventMac) -> String {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 9, 30, 1).unwrap();
        keyed_link(
            key,
            prev,
            &LinkInput {
                chain_pos: pos,
                seq: 7,
                sealed_at: at,
                content: event,
                mac,
            },
        )
    }

    #[test]
    fn the_legacy_hash_is_unchanged() {
        // Computed by the code that sealed events before the keys: legacy chains must
        // still verify.
        assert_eq!(
            legacy_link(GENESIS, 1, 7, &event()),
            "6716aca2506e76df2a6b97330d9bbb74b8b732ee3cfa1f48ada3337a1a7fe37f"
        );
    }

    #[test]
    fn a_legacy_hash_depends_on_position_predecessor_and_fields() {
        let base = legacy_link(GENESIS, 1, 7, &event());
        assert_ne!(base, legacy_link(GENESIS, 2, 7, &event()));
        assert_ne!(base, legacy_link(&base, 1, 7, &event()));
        let mut moved = event();
        moved.action = "LOG".into();
        moved.target_kind = "INsession".into();
        assert_ne!(base, legacy_link(GENESIS, 1, 7, &moved));
    }

    #[test]
    fn an_event_mac_checks_with_its_key_and_content_only() {
        let (a, b) = (key(1), key(2));
        let mac = event_mac(&a, &event());
        assert_eq!(mac.len(), 64);
        assert!(event_mac_matches(&a, &event(), &mac));
        assert!(!event_mac_matches(&b, &event(), &mac));
        let mut edited = event();
        edited.details = "{\"x\":1}".into();
        assert!(!event_mac_matches(&a, &edited, &mac));
        assert!(!event_mac_matches(&a, &event(), "not hex"));
        assert!(!event_mac_matches(&a, &event(), &mac[..62]));
    }

    #[test]
    fn a_keyed_link_depends_on_key_place_content_and_mac() {
        let (a, b) = (key(1), key(2));
        let mac = mac_of(&a, &event());
        let base = link(&a, GENESIS, 1, &event(), &mac);
        assert!(link_matches(&base, &link(&a, GENESIS, 1, &event(), &mac)));
        assert_ne!(base, link(&b, GENESIS, 1, &event(), &mac), "the key");
        assert_ne!(base, link(&a, GENESIS, 2, &event(), &mac), "the position");
        assert_ne!(base, link(&a, &base, 1, &event(), &mac), "the predecessor");
        let mut edited = event();
        edited.request_id = "req-2".into();
        assert_ne!(base, link(&a, GENESIS, 1, &edited, &mac), "the content");
        let other = mac_of(&b, &event());
        assert_ne!(base, link(&a, GENESIS, 1, &event(), &other), "the MAC");
        assert_ne!(
            base,
            legacy_link(GENESIS, 1, 7, &event()),
            "a plain SHA-256 link is not a keyed one"
        );
    }

    #[test]
    fn an_event_mac_is_never_a_link() {
        let a = key(1);
        let mac = mac_of(&a, &event());
        assert_ne!(
            mac.mac.clone().map(|m| m.0).unwrap_or_default(),
            link(&a, "", 0, &event(), &mac)
        );
    }
}
