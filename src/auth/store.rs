//! SQL for sessions, device tokens and sign-in throttling.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::throttle::Failures;
use super::token::TokenHash;
use crate::db::{dialect, Db, Tx};
use crate::error::AppResult;
use crate::{with_db, with_tx};

/// What sign-in needs to know about the account behind an address.
#[derive(sqlx::FromRow)]
pub struct LoginAccount {
    /// The user.
    pub id: Uuid,
    /// Their agency.
    pub agency_id: Option<Uuid>,
    /// Their argon2id hash.
    pub password_hash: String,
    /// Whether the user and their agency are both active.
    pub can_sign_in: bool,
}

/// A live session and its user, resolved from a token hash.
#[derive(sqlx::FromRow)]
pub struct SessionActor {
    /// The session.
    pub session_id: Uuid,
    /// Its user.
    pub user_id: Uuid,
    /// The user's agency.
    pub agency_id: Option<Uuid>,
    /// Whether the user is a hub administrator.
    pub hub_admin: bool,
    /// When the session ends by itself.
    pub expires_at: DateTime<Utc>,
}

const ACCOUNT: &str = "
    SELECT u.id, u.agency_id, u.password_hash,
           (u.active AND (u.agency_id IS NULL OR a.active)) AS can_sign_in
    FROM users u LEFT JOIN agencies a ON a.id = u.agency_id
    WHERE u.email_normalized = $1";
const SESSION_ACTOR: &str = "
    SELECT s.id AS session_id, u.id AS user_id, u.agency_id, u.hub_admin, s.expires_at
    FROM sessions s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN agencies a ON a.id = u.agency_id
    WHERE s.token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2
      AND u.active AND (u.agency_id IS NULL OR a.active)";
const INSERT_SESSION: &str = "
    INSERT INTO sessions (id, user_id, token_hash, created_at, expires_at, ended_at)
    VALUES ($1, $2, $3, $4, $5, NULL)";
const END_SESSION: &str = "UPDATE sessions SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL";
const END_USER_SESSIONS: &str = "
    UPDATE sessions SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL";
const END_AGENCY_SESSIONS: &str = "
    UPDATE sessions SET ended_at = $2
    WHERE ended_at IS NULL AND user_id IN (SELECT id FROM users WHERE agency_id = $1)";
const END_OTHER_SESSIONS: &str = "
    UPDATE sessions SET ended_at = $3 WHERE user_id = $1 AND id <> $2 AND ended_at IS NULL";
const FAILURES: &str = "
    SELECT failures, last_failure_at, locked_until FROM login_throttle WHERE email_key = $1";
const SAVE_FAILURES: &str = "
    INSERT INTO login_throttle (email_key, failures, last_failure_at, locked_until)
    VALUES ($1, $2, $3, $4)
    ON CONFLICT (email_key) DO UPDATE SET failures = excluded.failures,
        last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until";
const ENSURE_THROTTLE_ROW: &str = "
    INSERT INTO login_throttle (email_key, failures, last_failure_at, locked_until)
    VALUES ($1, 0, $2, NULL)
    ON CONFLICT (email_key) DO NOTHING";
const FORGET_FAILURES: &str = "DELETE FROM login_throttle WHERE email_key = $1";
const KNOWN_DEVICE: &str = "
    SELECT d.id FROM device_tokens d JOIN users u ON u.id = d.user_id
    WHERE d.token_hash = $1 AND u.email_normalized = $2 AND d.expires_at > $3";
const DEVICE_FAILURES: &str = "
    SELECT failures, last_failure_at, locked_until FROM device_tokens WHERE id = $1";
const SAVE_DEVICE_FAILURES: &str = "
    UPDATE device_tokens SET failures = $2, last_failure_at = $3, locked_until = $4
    WHERE id = $1";
const INSERT_DEVICE: &str = "
    INSERT INTO device_tokens
        (id, user_id, token_hash, created_at, expires_at, failures, last_failure_at, locked_until)
    VALUES ($1, $2, $3, $4, $5, 0, $4, NULL)";
const END_DEVICE: &str = "DELETE FROM device_tokens WHERE id = $1";
const END_USER_DEVICES: &str = "DELETE FROM device_tokens WHERE user_id = $1";
const END_AGENCY_DEVICES: &str = "
    DELETE FROM device_tokens WHERE user_id IN (SELECT id FROM users WHERE agency_id = $1)";
const PRUNE_USER_DEVICES: &str = "
    DELETE FROM device_tokens
    WHERE user_id = $1 AND (expires_at <= $2 OR id NOT IN (
        SELECT id FROM device_tokens WHERE user_id = $1 AND expires_at > $2
        ORDER BY created_at DESC, id DESC LIMIT $3))";

/// The account behind a normalised address, if any.
pub async fn account(db: &Db, email_normalized: &str) -> AppResult<Option<LoginAccount>> {
    Ok(with_db!(db, |pool| sqlx::query_as(ACCOUNT)
        .bind(email_normalized)
        .fetch_optional(pool)
        .await)?)
}

/// The live session behind a token hash, if any.
pub async fn session_actor(
    db: &Db,
    hash: &TokenHash,
    now: DateTime<Utc>,
) -> AppResult<Option<SessionActor>> {
    Ok(with_db!(db, |pool| sqlx::query_as(SESSION_ACTOR)
        .bind(&hash[..])
        .bind(now)
        .fetch_optional(pool)
        .await)?)
}

/// Starts a session.
pub async fn insert_session(
    tx: &mut Tx,
    id: Uuid,
    user_id: Uuid,
    hash: &TokenHash,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(INSERT_SESSION)
        .bind(id)
        .bind(user_id)
        .bind(&hash[..])
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

const EXTEND_SESSION: &str = "
    UPDATE sessions SET expires_at = $2
    WHERE token_hash = $1 AND ended_at IS NULL AND expires_at > $3 AND expires_at < $2
      AND created_at >= $4";

/// Moves a live session's end to `until`, unless it started before `started_after` (the
/// longest a session may last) or has ended. Whether it was moved.
pub async fn extend_session(
    tx: &mut Tx,
    hash: &TokenHash,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
    started_after: DateTime<Utc>,
) -> AppResult<bool> {
    let changed = with_tx!(tx, |conn| sqlx::query(EXTEND_SESSION)
        .bind(&hash[..])
        .bind(until)
        .bind(now)
        .bind(started_after)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(changed == 1)
}

/// Ends one session.
pub async fn end_session(tx: &mut Tx, session_id: Uuid, now: DateTime<Utc>) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(END_SESSION)
        .bind(session_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of a user.
pub async fn end_user_sessions(tx: &mut Tx, user_id: Uuid, now: DateTime<Utc>) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(END_USER_SESSIONS)
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of an agency's users (the agency was deactivated).
pub async fn end_agency_sessions(
    tx: &mut Tx,
    agency_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(END_AGENCY_SESSIONS)
        .bind(agency_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of a user but one (after a password change).
pub async fn end_other_sessions(
    tx: &mut Tx,
    user_id: Uuid,
    keep: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(END_OTHER_SESSIONS)
        .bind(user_id)
        .bind(keep)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Makes sure an address key has a throttle row, so that it can be locked.
pub async fn ensure_throttle_row(
    tx: &mut Tx,
    email_key: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(ENSURE_THROTTLE_ROW)
        .bind(email_key)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Failed sign-ins recorded for an address key, locked for update on PostgreSQL so that
/// parallel attempts count one after another.
pub async fn failures_for_update(tx: &mut Tx, email_key: &str) -> AppResult<Option<Failures>> {
    let sql = format!("{FAILURES}{}", dialect::for_update(tx));
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(email_key)
        .fetch_optional(conn)
        .await)?)
}

/// Records the failures for an address key.
pub async fn save_failures(tx: &mut Tx, email_key: &str, state: &Failures) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(SAVE_FAILURES)
        .bind(email_key)
        .bind(state.failures)
        .bind(state.last_failure_at)
        .bind(state.locked_until)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Forgets the failures of an address key after a successful sign-in.
pub async fn forget_failures(tx: &mut Tx, email_key: &str) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(FORGET_FAILURES)
        .bind(email_key)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The device behind a presented device token, when the token is live and belongs to the
/// account of this normalised address; a token of another account counts as none.
pub async fn known_device(
    db: &Db,
    hash: &TokenHash,
    email_normalized: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<Uuid>> {
    Ok(with_db!(db, |pool| sqlx::query_scalar(KNOWN_DEVICE)
        .bind(&hash[..])
        .bind(email_normalized)
        .bind(now)
        .fetch_optional(pool)
        .await)?)
}

/// A device's own failed sign-ins, locked for update on PostgreSQL; `None` when the
/// device ended meanwhile.
pub async fn device_failures_for_update(
    tx: &mut Tx,
    device_id: Uuid,
) -> AppResult<Option<Failures>> {
    let sql = format!("{DEVICE_FAILURES}{}", dialect::for_update(tx));
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(device_id)
        .fetch_optional(conn)
        .await)?)
}

/// Records a device's own failures.
pub async fn save_device_failures(tx: &mut Tx, device_id: Uuid, state: &Failures) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(SAVE_DEVICE_FAILURES)
        .bind(device_id)
        .bind(state.failures)
        .bind(state.last_failure_at)
        .bind(state.locked_until)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Remembers a new device of a user until `expires_at`.
pub async fn insert_device(
    tx: &mut Tx,
    id: Uuid,
    user_id: Uuid,
    hash: &TokenHash,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(INSERT_DEVICE)
        .bind(id)
        .bind(user_id)
        .bind(&hash[..])
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends one device token (it was used, and a new one replaces it).
pub async fn end_device(tx: &mut Tx, device_id: Uuid) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(END_DEVICE)
        .bind(device_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every device token of a user (deactivated, or a new password).
pub async fn end_user_devices(tx: &mut Tx, user_id: Uuid) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(END_USER_DEVICES)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every device token of an agency's users (the agency was deactivated).
pub async fn end_agency_devices(tx: &mut Tx, agency_id: Uuid) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(END_AGENCY_DEVICES)
        .bind(agency_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Drops a user's expired device tokens and all but the newest `keep` live ones, so a
/// client that never keeps its token does not pile rows up.
pub async fn prune_user_devices(
    tx: &mut Tx,
    user_id: Uuid,
    keep: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(PRUNE_USER_DEVICES)
        .bind(user_id)
        .bind(now)
        .bind(keep)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
