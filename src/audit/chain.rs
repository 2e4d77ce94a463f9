//! The hash chain: each sealed event's hash covers its content, its position and the
//! previous event's hash, so an edited, deleted or reordered event shows.

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The `prev_hash` of the first event in the chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The stored content of an event: everything its hash covers.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventContent {
    /// Insertion order.
    pub seq: i64,
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

/// The hash of the event at `chain_pos`, linked to `prev_hash`, as lowercase hex.
///
/// Every field is length-prefixed so that no two different events serialise alike.
pub fn link_hash(prev_hash: &str, chain_pos: i64, event: &EventContent) -> String {
    let mut hasher = Sha256::new();
    let mut field = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_be_bytes());
        hasher.update(bytes);
    };
    let uuid = |id: Option<Uuid>| id.map(|u| u.to_string()).unwrap_or_default();
    field(prev_hash.as_bytes());
    field(&chain_pos.to_be_bytes());
    field(&event.seq.to_be_bytes());
    field(event.id.as_bytes());
    field(
        event
            .occurred_at
            .to_rfc3339_opts(SecondsFormat::Micros, true)
            .as_bytes(),
    );
    field(uuid(event.actor_user_id).as_bytes());
    field(uuid(event.actor_agency_id).as_bytes());
    field(event.action.as_bytes());
    field(event.target_kind.as_bytes());
    field(uuid(event.target_id).as_bytes());
    field(uuid(event.case_id).as_bytes());
    field(event.request_id.as_bytes());
    field(event.details.as_bytes());
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event() -> EventContent {
        EventContent {
            seq: 7,
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

    #[test]
    fn the_same_event_at_the_same_place_hashes_the_same() {
        assert_eq!(
            link_hash(GENESIS, 1, &event()),
            link_hash(GENESIS, 1, &event())
        );
    }

    #[test]
    fn an_edited_detail_changes_the_hash() {
        let mut edited = event();
        edited.details = "{\"x\":1}".into();
        assert_ne!(
            link_hash(GENESIS, 1, &event()),
            link_hash(GENESIS, 1, &edited)
        );
    }

    #[test]
    fn the_hash_depends_on_position_and_predecessor() {
        let base = link_hash(GENESIS, 1, &event());
        assert_ne!(base, link_hash(GENESIS, 2, &event()));
        assert_ne!(base, link_hash(&base, 1, &event()));
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        let mut a = event();
        a.action = "LOG".into();
        a.target_kind = "INsession".into();
        assert_ne!(link_hash(GENESIS, 1, &event()), link_hash(GENESIS, 1, &a));
    }
}
