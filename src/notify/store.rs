//! SQL for the outbox, the reminders raised and the users' opt-outs.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{NotificationKind, NotificationRow, NotificationStatus, COLUMNS};
use crate::access::Role;
use crate::agencies::NotificationLanguage;
use crate::db::list_query::ListQuery;
use crate::db::{dialect, Db, TimeZone, Tx};
use crate::error::AppResult;
use crate::{with_db, with_tx};

const INSERT: &str = "
    INSERT INTO notifications (id, kind, agency_id, recipient_user_id, recipient, language,
        time_zone, subject_kind, subject_id, journal_no, clock, due_at, status, attempts,
        round_attempts, next_attempt_at, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'PENDING', 0, 0, $13, $13)";

/// Where a message goes: an address with the language and time zone of its agency.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Address {
    /// The receiving agency.
    pub agency_id: Uuid,
    /// The person, when not the agency's own address.
    pub user_id: Option<Uuid>,
    /// The e-mail address.
    pub email: String,
    /// The agency's language.
    pub language: NotificationLanguage,
    /// The agency's time zone.
    pub time_zone: TimeZone,
}

/// Writes one message; it waits as `PENDING`, due at once.
pub async fn insert(
    tx: &mut Tx,
    id: Uuid,
    notice: &super::Notice,
    to: &Address,
    now: DateTime<Utc>,
) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(id)
        .bind(notice.kind)
        .bind(to.agency_id)
        .bind(to.user_id)
        .bind(&to.email)
        .bind(to.language)
        .bind(to.time_zone)
        .bind(notice.subject.kind)
        .bind(notice.subject.id)
        .bind(&notice.journal_no)
        .bind(notice.clock)
        .bind(notice.due_at.map(crate::db::truncate))
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Writes one message to an address of no agency (the auditor's audit checkpoint): no
/// recipient user, `details` for what the template shows; it waits as `PENDING`.
pub async fn insert_unaffiliated(
    tx: &mut Tx,
    id: Uuid,
    message: &Unaffiliated<'_>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    const SQL: &str = "
        INSERT INTO notifications (id, kind, agency_id, recipient_user_id, recipient, language,
            time_zone, subject_kind, subject_id, journal_no, clock, due_at, status, attempts,
            round_attempts, next_attempt_at, created_at, details)
        VALUES ($1, $2, NULL, NULL, $3, $4, 'UTC', $5, $6, $7, NULL, NULL, 'PENDING', 0, 0,
            $8, $8, $9)";
    with_tx!(tx, |conn| sqlx::query(SQL)
        .bind(id)
        .bind(message.kind)
        .bind(message.to)
        .bind(message.language)
        .bind(message.subject_kind)
        .bind(message.subject_id)
        .bind(message.journal_no)
        .bind(now)
        .bind(message.details)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A message to an address of no agency.
pub struct Unaffiliated<'a> {
    /// What it tells.
    pub kind: NotificationKind,
    /// The address.
    pub to: &'a str,
    /// Its language.
    pub language: NotificationLanguage,
    /// What it is about.
    pub subject_kind: super::SubjectKind,
    /// Which record.
    pub subject_id: Uuid,
    /// The record's number as shown in the outbox.
    pub journal_no: &'a str,
    /// What the template shows besides (JSON).
    pub details: &'a str,
}

/// An active agency's own address.
pub async fn agency_address(tx: &mut Tx, agency: Uuid) -> AppResult<Option<Address>> {
    const SQL: &str = "
        SELECT id AS agency_id, NULL AS user_id, contact_email AS email,
               notification_language AS language, time_zone
        FROM agencies WHERE id = $1 AND active = TRUE";
    Ok(with_tx!(tx, |conn| sqlx::query_as(SQL)
        .bind(agency)
        .fetch_optional(conn)
        .await)?)
}

/// The people among `user` (one id) or `role` holders of `agency` who get `kind`:
/// active, in an active agency, and (for a kind they may turn off) not opted out.
pub async fn user_addresses(
    tx: &mut Tx,
    user: Option<Uuid>,
    role: Option<(Uuid, Role)>,
    kind: NotificationKind,
) -> AppResult<Vec<Address>> {
    const SQL: &str = "
        SELECT u.agency_id AS agency_id, u.id AS user_id, u.email AS email,
               a.notification_language AS language, a.time_zone AS time_zone
        FROM users u JOIN agencies a ON a.id = u.agency_id
        WHERE u.active = TRUE AND a.active = TRUE
          AND ($1 IS NULL OR u.id = $1)
          AND ($2 IS NULL OR (u.agency_id = $2 AND EXISTS (
                SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $3)))
          AND NOT ($4 AND EXISTS (
                SELECT 1 FROM notification_opt_outs o WHERE o.user_id = u.id AND o.kind = $5))
        ORDER BY u.id";
    let (agency, role) = role.unzip();
    let rows: Vec<Address> = with_tx!(tx, |conn| sqlx::query_as(SQL)
        .bind(user)
        .bind(agency)
        .bind(role.map(Role::as_str))
        .bind(kind.optional())
        .bind(kind)
        .fetch_all(conn)
        .await)?;
    // A hub administrator has no agency and never matches the join.
    Ok(rows)
}

/// Takes up to `limit` messages that are due and not held by another worker, and holds
/// them until `lease_until` under `owner`. On PostgreSQL, rows another worker is taking
/// at the same moment are skipped (`FOR UPDATE SKIP LOCKED`); SQLite has one writer.
pub async fn claim(
    db: &Db,
    owner: Uuid,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<NotificationRow>> {
    let sql = format!(
        "UPDATE notifications SET lease_owner = $1, lease_until = $2
         WHERE id IN (
             SELECT id FROM notifications
             WHERE status = 'PENDING' AND next_attempt_at <= $3
               AND (lease_until IS NULL OR lease_until <= $3)
             ORDER BY next_attempt_at, id
             LIMIT $4{})
         RETURNING {COLUMNS}",
        dialect::skip_locked(db)
    );
    let mut rows: Vec<NotificationRow> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(owner)
        .bind(lease_until)
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    rows.sort_by_key(|r| (r.next_attempt_at, r.id));
    Ok(rows)
}

/// Records a try that the server accepted. Only the holder of the lease writes.
pub async fn mark_sent(db: &Db, id: Uuid, owner: Uuid, now: DateTime<Utc>) -> AppResult<bool> {
    const SQL: &str = "
        UPDATE notifications SET status = 'SENT', sent_at = $3, last_attempt_at = $3,
            attempts = attempts + 1, round_attempts = round_attempts + 1,
            lease_owner = NULL, lease_until = NULL
        WHERE id = $1 AND lease_owner = $2";
    let n = with_db!(db, |pool| sqlx::query(SQL)
        .bind(id)
        .bind(owner)
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records a failed try: `PENDING` again from `next_attempt_at`, or `FAILED` when
/// `next_attempt_at` is `None` (given up).
pub async fn mark_failed_try(
    db: &Db,
    id: Uuid,
    owner: Uuid,
    error: &str,
    next_attempt_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    const SQL: &str = "
        UPDATE notifications SET status = $4, next_attempt_at = COALESCE($5, next_attempt_at),
            last_attempt_at = $3, last_error = $6,
            attempts = attempts + 1, round_attempts = round_attempts + 1,
            lease_owner = NULL, lease_until = NULL
        WHERE id = $1 AND lease_owner = $2";
    let status = if next_attempt_at.is_some() {
        NotificationStatus::Pending
    } else {
        NotificationStatus::Failed
    };
    with_db!(db, |pool| sqlx::query(SQL)
        .bind(id)
        .bind(owner)
        .bind(now)
        .bind(status)
        .bind(next_attempt_at)
        .bind(error)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Lets go of messages taken but not tried (the worker is stopping).
pub async fn release(db: &Db, ids: &[Uuid], owner: Uuid) -> AppResult<()> {
    const SQL: &str = "
        UPDATE notifications SET lease_owner = NULL, lease_until = NULL
        WHERE id = $1 AND lease_owner = $2";
    for id in ids {
        with_db!(db, |pool| sqlx::query(SQL)
            .bind(id)
            .bind(owner)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Puts a `FAILED` message back in the queue, due now, with a fresh round of tries.
/// `agency` limits it to one agency's messages. Returns whether a row changed.
pub async fn requeue_failed(
    tx: &mut Tx,
    id: Uuid,
    agency: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    const SQL: &str = "
        UPDATE notifications SET status = 'PENDING', round_attempts = 0, next_attempt_at = $3
        WHERE id = $1 AND status = 'FAILED' AND ($2 IS NULL OR agency_id = $2)";
    let n = with_tx!(tx, |conn| sqlx::query(SQL)
        .bind(id)
        .bind(agency)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// One message, if `agency` (when given) may see it.
pub async fn find(db: &Db, id: Uuid, agency: Option<Uuid>) -> AppResult<Option<NotificationRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM notifications WHERE id = $1 AND ($2 IS NULL OR agency_id = $2)"
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .bind(agency)
        .fetch_optional(pool)
        .await)?)
}

/// Filters on the outbox.
#[derive(Clone, Debug, Default)]
pub struct OutboxFilter {
    /// Only this agency's messages (forced for agency administrators).
    pub agency_id: Option<Uuid>,
    /// Only messages in this state.
    pub status: Option<NotificationStatus>,
    /// Only this kind.
    pub kind: Option<NotificationKind>,
    /// Only messages about this record.
    pub subject_id: Option<Uuid>,
}

/// One page of the outbox, newest first, before the `before` id (ids are time-ordered).
pub async fn list_page(
    db: &Db,
    filter: &OutboxFilter,
    before: Option<Uuid>,
    limit: i64,
) -> AppResult<Vec<NotificationRow>> {
    let mut q = ListQuery::new();
    q.push(&format!("SELECT {COLUMNS} FROM notifications WHERE TRUE"))
        .and_eq("agency_id", filter.agency_id)
        .and_eq("status", filter.status.map(NotificationStatus::as_str))
        .and_eq("kind", filter.kind.map(NotificationKind::as_str))
        .and_eq("subject_id", filter.subject_id)
        .and_if(before, |p| format!("id < {p}"))
        .push(" ORDER BY id DESC")
        .limit(limit);
    q.fetch_all(db).await
}

/// Records a reminder unless it was raised already; returns whether this call raised it.
pub async fn raise_reminder(
    tx: &mut Tx,
    subject_kind: &str,
    subject_id: Uuid,
    occasion: &str,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    const SQL: &str = "
        INSERT INTO notification_reminders (subject_kind, subject_id, occasion, due_at, raised_at)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (subject_kind, subject_id, occasion, due_at) DO NOTHING";
    let n = with_tx!(tx, |conn| sqlx::query(SQL)
        .bind(subject_kind)
        .bind(subject_id)
        .bind(occasion)
        .bind(due_at)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The kinds a user turned off.
pub async fn opt_outs(db: &Db, user: Uuid) -> AppResult<Vec<NotificationKind>> {
    const SQL: &str = "SELECT kind FROM notification_opt_outs WHERE user_id = $1 ORDER BY kind";
    Ok(with_db!(db, |pool| sqlx::query_scalar(SQL)
        .bind(user)
        .fetch_all(pool)
        .await)?)
}

/// Replaces the kinds a user turned off.
pub async fn set_opt_outs(tx: &mut Tx, user: Uuid, kinds: &[NotificationKind]) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM notification_opt_outs WHERE user_id = $1"
    )
    .bind(user)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    for kind in kinds {
        with_tx!(tx, |conn| sqlx::query(
            "INSERT INTO notification_opt_outs (user_id, kind) VALUES ($1, $2)"
        )
        .bind(user)
        .bind(kind)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}
