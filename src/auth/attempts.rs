//! Counting sign-in attempts against the throttle, safely under parallel requests.
//!
//! An attempt is counted as a failure *before* its password is checked, inside a
//! transaction that locks the address's row; a success then forgets the count. So twenty
//! parallel guesses are twenty counted failures, not twenty free tries.

use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{store, throttle};
use crate::audit::{self, AuditAction, Entry, Origin};
use crate::db::Db;
use crate::error::{AppError, AppResult, LoginRefusal};

/// One attempt to prove a password for an address.
pub struct Attempt<'a> {
    /// The throttle key: a hash of the normalised address, whether or not it is anyone's.
    pub key: String,
    /// The account behind the address, if any (for the audit event).
    pub account_id: Option<Uuid>,
    /// That account's agency, so its administrators see failures against their people.
    pub agency_id: Option<Uuid>,
    /// The request making the attempt.
    pub request_id: &'a str,
}

/// The throttle key of an address: hex SHA-256 of its trimmed, lowercased form.
pub fn email_key(email: &str) -> String {
    hex::encode(Sha256::digest(email.trim().to_lowercase().as_bytes()))
}

/// Reserves the attempt: refuses it (audited) while the address must wait or is locked;
/// otherwise counts it as a failure in advance and returns what to answer if the password
/// turns out wrong.
pub async fn reserve(
    db: &Db,
    attempt: &Attempt<'_>,
    now: DateTime<Utc>,
) -> AppResult<LoginRefusal> {
    let mut tx = db.begin().await?;
    // The row must exist before it can be locked, or two first tries would both miss it.
    store::ensure_throttle_row(&mut tx, &attempt.key, now).await?;
    let earlier = store::failures_for_update(&mut tx, &attempt.key).await?;
    if let Err(refusal) = throttle::gate(earlier.as_ref(), now) {
        record_refusal(&mut tx, attempt, "throttled", now).await?;
        tx.commit().await?;
        return Err(AppError::LoginRefused(refusal));
    }
    let (counted, if_wrong) = throttle::after_failure(earlier.as_ref(), now);
    store::save_failures(&mut tx, &attempt.key, &counted).await?;
    tx.commit().await?;
    Ok(if_wrong)
}

/// Records that the attempt failed (it was already counted by [`reserve`]).
pub async fn refused(
    db: &Db,
    attempt: &Attempt<'_>,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    record_refusal(&mut tx, attempt, reason, now).await?;
    tx.commit().await
}

async fn record_refusal(
    tx: &mut crate::db::Tx,
    attempt: &Attempt<'_>,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let origin = Origin {
        user_id: None,
        agency_id: attempt.agency_id,
        request_id: attempt.request_id.to_owned(),
    };
    let entry = Entry::new(AuditAction::LoginFailed, "user", attempt.account_id)
        .with_details(json!({ "reason": reason }));
    audit::record(tx, &origin, entry, now).await
}
