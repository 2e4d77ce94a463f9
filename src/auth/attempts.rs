//! Counting sign-in attempts against the throttle, safely under parallel requests.
//!
//! An attempt is counted as a failure *before* its password is checked, inside a
//! transaction that locks the counter's row; a success then forgets the count. So twenty
//! parallel guesses are twenty counted failures, not twenty free tries.
//!
//! The counter is the e-mail address's, or, when the attempt presents a known device
//! token of the account, that device's own (see [`Counter`]).

use chrono::{DateTime, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{store, throttle};
use crate::audit::{self, Entry, Origin};
use crate::db::Db;
use crate::error::{AppError, AppResult, LoginRefusal};

/// Whose failures an attempt is judged and counted by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Counter {
    /// The address's: a hash of the normalised address, whether or not it is anyone's.
    Address(String),
    /// A known device of the account: its own count and lock, untouched by failures
    /// from anywhere else, so a stranger's wrong guesses cannot lock its owner out.
    Device(Uuid),
}

impl Counter {
    /// The counter of an attempt: the device's when a known device of the account was
    /// presented, else the address's.
    pub fn of(email: &str, known_device: Option<Uuid>) -> Counter {
        match known_device {
            Some(device_id) => Counter::Device(device_id),
            None => Counter::Address(email_key(email)),
        }
    }

    /// How a refusal by this counter's wait or lock is recorded in the audit log.
    pub fn throttled_reason(&self) -> &'static str {
        match self {
            Counter::Address(_) => "throttled",
            Counter::Device(_) => "device_throttled",
        }
    }
}

/// One attempt to prove a password for an address.
pub struct Attempt<'a> {
    /// Whose failures it is judged and counted by.
    pub counter: Counter,
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

/// Reserves the attempt: refuses it (audited) while its counter must wait or is locked;
/// otherwise counts it as a failure in advance and returns what to answer if the password
/// turns out wrong.
pub async fn reserve(
    db: &Db,
    attempt: &Attempt<'_>,
    now: DateTime<Utc>,
) -> AppResult<LoginRefusal> {
    let mut tx = db.begin().await?;
    let earlier = match &attempt.counter {
        Counter::Address(key) => {
            // The row must exist before it can be locked, or two first tries would both
            // miss it.
            store::ensure_throttle_row(&mut tx, key, now).await?;
            store::failures_for_update(&mut tx, key).await?
        }
        Counter::Device(device_id) => {
            store::device_failures_for_update(&mut tx, *device_id).await?
        }
    };
    if let Err(refusal) = throttle::gate(earlier.as_ref(), now) {
        record_refusal(&mut tx, attempt, attempt.counter.throttled_reason(), now).await?;
        tx.commit().await?;
        return Err(AppError::LoginRefused(refusal));
    }
    let (counted, if_wrong) = throttle::after_failure(earlier.as_ref(), now);
    match &attempt.counter {
        Counter::Address(key) => store::save_failures(&mut tx, key, &counted).await?,
        Counter::Device(device_id) => {
            store::save_device_failures(&mut tx, *device_id, &counted).await?
        }
    }
    tx.commit().await?;
    Ok(if_wrong)
}

/// Records that the attempt failed: after [`reserve`] counted it, or before, when a rate
/// limit or a full password queue refused it (those are not counted against anyone).
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
    let details = match attempt.counter {
        Counter::Device(_) => json!({ "reason": reason, "knownDevice": true }),
        Counter::Address(_) => json!({ "reason": reason }),
    };
    let entry = Entry::new(
        super::audit_actions::LOGIN_FAILED,
        "user",
        attempt.account_id,
    )
    .with_details(details);
    audit::record(tx, &origin, entry, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_device_is_counted_by_itself_and_anything_else_by_the_address() {
        let device = Uuid::now_v7();
        assert_eq!(
            Counter::of(" Curator@Service.example", Some(device)),
            Counter::Device(device)
        );
        assert_eq!(
            Counter::of(" Curator@Service.example", None),
            Counter::Address(email_key("curator@service.example"))
        );
        assert_ne!(
            Counter::Device(device).throttled_reason(),
            Counter::of("a@b.example", None).throttled_reason()
        );
    }
}
