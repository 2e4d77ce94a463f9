//! SQL for handovers and their documents. Reads filter by [`HANDOVER_VISIBLE`]: a request
//! exists only for the agency that sent it and the agency it went to.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::documents::CheckedDocument;
use super::model::{DocumentRow, HandoverRow, HandoverStatus, COLUMNS};
use crate::access::sql::HANDOVER_VISIBLE;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::{with_db, with_tx};

/// Writes a new request.
pub async fn insert(tx: &mut Tx, row: &HandoverRow) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO handovers (id, case_id, kind, from_agency_id, to_agency_id,
            requested_by_user_id, reason, records, status, requested_at, deadline_at,
            version, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $10)";
    let inserted = with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(row.id)
        .bind(row.case_id)
        .bind(row.kind)
        .bind(row.from_agency_id)
        .bind(row.to_agency_id)
        .bind(row.requested_by_user_id)
        .bind(&row.reason)
        .bind(&row.records)
        .bind(row.status)
        .bind(row.requested_at)
        .bind(row.deadline_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()));
    match inserted.map_err(AppError::from) {
        Ok(_) => Ok(()),
        // The partial unique index: another transfer of this case is pending.
        Err(AppError::Conflict(_)) => Err(AppError::Conflict(
            "a transfer of this case is already pending".into(),
        )),
        Err(other) => Err(other),
    }
}

/// Attaches checked documents (their bytes too, for the database store).
pub async fn insert_documents(
    tx: &mut Tx,
    handover_id: Uuid,
    documents: &[CheckedDocument],
    bytes_in_database: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO handover_documents (id, handover_id, file_name, content_type, size_bytes,
            sha256, content, uploaded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    for d in documents {
        let content = bytes_in_database.then_some(d.bytes.as_slice());
        with_tx!(tx, |conn| sqlx::query(INSERT)
            .bind(d.id)
            .bind(handover_id)
            .bind(&d.file_name)
            .bind(d.content_type)
            .bind(d.bytes.len() as i64)
            .bind(&d.sha256)
            .bind(content)
            .bind(now)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// A request the agency sent or received, or `NOT_FOUND`.
pub async fn get_visible(db: &Db, agency: Option<Uuid>, id: Uuid) -> AppResult<HandoverRow> {
    let sql = format!("SELECT {COLUMNS} FROM handovers h WHERE {HANDOVER_VISIBLE} AND h.id = $2");
    with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(agency)
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("handover"))
}

/// A request by id for a caller that applies [`crate::access::package_visible`] itself
/// (a document download: every agency working on the case in FULL may read it).
pub async fn get_for_package(db: &Db, id: Uuid) -> AppResult<HandoverRow> {
    let sql = format!("SELECT {COLUMNS} FROM handovers h WHERE h.id = $1");
    with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("handover"))
}

/// The same inside a transaction, locked for update on PostgreSQL (SQLite's writer
/// transaction already holds the database).
pub async fn get_visible_for_update(
    tx: &mut Tx,
    agency: Option<Uuid>,
    id: Uuid,
) -> AppResult<HandoverRow> {
    let lock = crate::db::dialect::for_update(tx);
    let sql =
        format!("SELECT {COLUMNS} FROM handovers h WHERE {HANDOVER_VISIBLE} AND h.id = $2{lock}");
    with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(agency)
        .bind(id)
        .fetch_optional(conn)
        .await)?
    .ok_or(AppError::NotFound("handover"))
}

/// Whether the case has a request to `to` still pending (of any kind).
pub async fn pending_to(tx: &mut Tx, case_id: Uuid, to: Uuid) -> AppResult<bool> {
    const SQL: &str = "SELECT COUNT(*) FROM handovers
        WHERE case_id = $1 AND to_agency_id = $2 AND status = 'PENDING'";
    let n: i64 = with_tx!(tx, |conn| sqlx::query_scalar(SQL)
        .bind(case_id)
        .bind(to)
        .fetch_one(conn)
        .await)?;
    Ok(n > 0)
}

const TRANSFER_PENDING: &str = "SELECT COUNT(*) FROM handovers
    WHERE case_id = $1 AND kind = 'TRANSFER' AND status = 'PENDING'";

/// Whether a transfer of the case is pending (the case shows "handover pending").
pub async fn transfer_pending(tx: &mut Tx, case_id: Uuid) -> AppResult<bool> {
    let n: i64 = with_tx!(tx, |conn| sqlx::query_scalar(TRANSFER_PENDING)
        .bind(case_id)
        .fetch_one(conn)
        .await)?;
    Ok(n > 0)
}

/// Records a decision on a request that is still `from` (the guard makes two racing
/// deciders safe: only one UPDATE finds it there); `CONFLICT` for the loser.
pub async fn update_decision(
    tx: &mut Tx,
    row: &HandoverRow,
    from: HandoverStatus,
) -> AppResult<()> {
    const UPDATE: &str = "
        UPDATE handovers SET status = $2, decided_at = $3, decided_by_user_id = $4,
            decline_reason = $5, order_number = $6, order_date = $7, receiver_curator_id = $8,
            service_result = $9, closed_at = $10, version = $11, updated_at = $12
        WHERE id = $1 AND status = $13";
    let updated = with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(row.id)
        .bind(row.status)
        .bind(row.decided_at)
        .bind(row.decided_by_user_id)
        .bind(&row.decline_reason)
        .bind(&row.order_number)
        .bind(row.order_date)
        .bind(row.receiver_curator_id)
        .bind(&row.service_result)
        .bind(row.closed_at)
        .bind(row.version)
        .bind(row.updated_at)
        .bind(from)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if updated == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the request was decided by someone else a moment ago".into(),
        ))
    }
}

/// Which side of the requests to list.
#[derive(Clone, Copy, Debug)]
pub enum Side {
    /// Requests to the agency (its inbox).
    Received,
    /// Requests from the agency (its outbox).
    Sent,
}

/// One page of an agency's inbox or outbox, oldest first (the longest-waiting request
/// is the first to decide), after the `(requested_at, id)` keyset.
pub async fn list_page(
    db: &Db,
    agency: Option<Uuid>,
    side: Side,
    statuses: &[HandoverStatus],
    after: Option<&(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> AppResult<Vec<HandoverRow>> {
    let column = match side {
        Side::Received => "h.to_agency_id",
        Side::Sent => "h.from_agency_id",
    };
    let wanted = if statuses.is_empty() {
        "TRUE".to_owned()
    } else {
        let names: Vec<String> = statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        format!("h.status IN ({})", names.join(", "))
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM handovers h
         WHERE {column} = $1 AND {wanted}
           AND ($2 IS NULL OR h.requested_at > $2 OR (h.requested_at = $2 AND h.id > $3))
         ORDER BY h.requested_at, h.id LIMIT $4"
    );
    let (at, id) = after.map(|(t, i)| (Some(*t), Some(*i))).unwrap_or_default();
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(agency)
        .bind(at)
        .bind(id)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// Every request of a case, oldest first (the caller has checked the case's scope).
pub async fn of_case(db: &Db, case_id: Uuid) -> AppResult<Vec<HandoverRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM handovers h WHERE h.case_id = $1 ORDER BY h.requested_at, h.id"
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
}

/// Whether a transfer of the case is pending, outside a transaction.
pub async fn transfer_pending_of(db: &Db, case_id: Uuid) -> AppResult<bool> {
    let n: i64 = with_db!(db, |pool| sqlx::query_scalar(TRANSFER_PENDING)
        .bind(case_id)
        .fetch_one(pool)
        .await)?;
    Ok(n > 0)
}

const DOCUMENT_COLUMNS: &str =
    "d.id, d.handover_id, d.file_name, d.content_type, d.size_bytes, d.sha256, d.uploaded_at";

/// The documents of a request, without their bytes.
pub async fn documents_of(db: &Db, handover_id: Uuid) -> AppResult<Vec<DocumentRow>> {
    let sql = format!(
        "SELECT {DOCUMENT_COLUMNS} FROM handover_documents d WHERE d.handover_id = $1 ORDER BY d.id"
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(handover_id)
        .fetch_all(pool)
        .await)?)
}

/// A document by id with its request (visibility is the caller's to check).
pub async fn document(db: &Db, id: Uuid) -> AppResult<(DocumentRow, Option<Vec<u8>>)> {
    #[derive(sqlx::FromRow)]
    struct WithContent {
        #[sqlx(flatten)]
        row: DocumentRow,
        content: Option<Vec<u8>>,
    }
    let sql =
        format!("SELECT {DOCUMENT_COLUMNS}, d.content FROM handover_documents d WHERE d.id = $1");
    let found: Option<WithContent> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    found
        .map(|f| (f.row, f.content))
        .ok_or(AppError::NotFound("document"))
}

/// The visit report of the signal a case was opened from, as stored (JSON), if any.
pub async fn visit_report_of_case(db: &Db, case_id: Uuid) -> AppResult<Option<String>> {
    const SQL: &str = "SELECT s.visit_report FROM signals s JOIN cases c ON c.signal_id = s.id
        WHERE c.id = $1";
    let found: Option<Option<String>> = with_db!(db, |pool| sqlx::query_scalar(SQL)
        .bind(case_id)
        .fetch_optional(pool)
        .await)?;
    Ok(found.flatten())
}

/// The signal sheet of a case, as stored (JSON).
pub async fn signal_sheet_of_case(db: &Db, case_id: Uuid) -> AppResult<Option<String>> {
    const SQL: &str = "SELECT signal_sheet FROM cases WHERE id = $1";
    Ok(with_db!(db, |pool| sqlx::query_scalar(SQL)
        .bind(case_id)
        .fetch_optional(pool)
        .await)?)
}

/// The case's journal number, for a notice (no personal data).
pub async fn journal_no_of_case(tx: &mut Tx, case_id: Uuid) -> AppResult<String> {
    const SQL: &str = "SELECT journal_no FROM cases WHERE id = $1";
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(SQL)
        .bind(case_id)
        .fetch_one(conn)
        .await)?)
}

/// Pending requests whose deadline falls in `(from, to]` and that have no `occasion`
/// reminder for that deadline yet, oldest deadline first.
pub async fn pending_near_deadline(
    db: &Db,
    occasion: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<(HandoverRow, String)>> {
    #[derive(sqlx::FromRow)]
    struct Near {
        #[sqlx(flatten)]
        row: HandoverRow,
        journal_no: String,
    }
    let sql = format!(
        "SELECT {COLUMNS}, c.journal_no FROM handovers h JOIN cases c ON c.id = h.case_id
         WHERE h.status = 'PENDING' AND h.deadline_at > $1 AND h.deadline_at <= $2
           AND NOT EXISTS (
               SELECT 1 FROM notification_reminders r
               WHERE r.subject_kind = 'HANDOVER' AND r.subject_id = h.id AND r.occasion = $3
                 AND r.due_at = h.deadline_at)
         ORDER BY h.deadline_at, h.id LIMIT $4"
    );
    let found: Vec<Near> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(from)
        .bind(to)
        .bind(occasion)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    Ok(found.into_iter().map(|n| (n.row, n.journal_no)).collect())
}
