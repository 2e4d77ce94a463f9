//! `caselink audit verify`: walks the sealed chain and says where it breaks.

use super::chain::{link_hash, EventContent, GENESIS};
use crate::db::Db;
use crate::error::AppResult;
use crate::with_db;

/// The outcome of a verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Events checked in the sealed chain.
    pub sealed: i64,
    /// Events recorded but not sealed yet (the sealer will chain them).
    pub unsealed: i64,
    /// The first break found, if any.
    pub broken: Option<Break>,
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The chain position at which the break shows.
    pub chain_pos: i64,
    /// What is wrong, in words for the operator.
    pub reason: String,
}

#[derive(sqlx::FromRow)]
struct SealedRow {
    chain_pos: i64,
    prev_hash: String,
    hash: String,
    #[sqlx(flatten)]
    content: EventContent,
}

const PAGE: &str = "
    SELECT chain_pos, prev_hash, hash, seq, id, occurred_at, actor_user_id, actor_agency_id,
           action, target_kind, target_id, case_id, request_id, details
    FROM audit_events WHERE chain_pos > $1 ORDER BY chain_pos LIMIT 1000";
const UNSEALED: &str = "SELECT COUNT(*) FROM audit_events WHERE hash IS NULL";
const HEAD: &str = "SELECT chain_pos, hash FROM audit_chain_head WHERE singleton = 1";

/// Checks every sealed event in order, then the recorded head of the chain.
pub async fn verify(db: &Db) -> AppResult<Report> {
    let unsealed: i64 = with_db!(db, |pool| sqlx::query_scalar(UNSEALED)
        .fetch_one(pool)
        .await)?;
    let (mut pos, mut prev) = (0_i64, GENESIS.to_owned());
    let report = |pos, broken| {
        Ok(Report {
            sealed: pos,
            unsealed,
            broken,
        })
    };
    loop {
        let rows: Vec<SealedRow> = with_db!(db, |pool| sqlx::query_as(PAGE)
            .bind(pos)
            .fetch_all(pool)
            .await)?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            if let Some(broken) = check_link(&row, pos + 1, &prev) {
                return report(pos, Some(broken));
            }
            pos = row.chain_pos;
            prev = row.hash;
        }
    }
    let head: Option<(i64, String)> =
        with_db!(db, |pool| sqlx::query_as(HEAD).fetch_optional(pool).await)?;
    let (head_pos, head_hash) = head.unwrap_or((0, GENESIS.to_owned()));
    if head_pos != pos || head_hash != prev {
        let reason = format!(
            "the chain ends at position {pos} but its recorded head is at position {head_pos}: \
             the newest sealed events were deleted or altered"
        );
        return report(
            pos,
            Some(Break {
                chain_pos: pos + 1,
                reason,
            }),
        );
    }
    report(pos, None)
}

fn check_link(row: &SealedRow, expected_pos: i64, prev: &str) -> Option<Break> {
    let at = |reason: String| {
        Some(Break {
            chain_pos: expected_pos,
            reason,
        })
    };
    if row.chain_pos != expected_pos {
        return at(format!(
            "events at positions {expected_pos}..{} are missing (deleted)",
            row.chain_pos - 1
        ));
    }
    if row.prev_hash != prev {
        return at(format!(
            "event {} (position {expected_pos}) does not link to its predecessor: \
             an earlier event was altered or removed",
            row.content.id
        ));
    }
    if link_hash(prev, expected_pos, &row.content) != row.hash {
        return at(format!(
            "event {} (position {expected_pos}) was altered",
            row.content.id
        ));
    }
    None
}
