//! SQL for handovers and their documents. Reads take the viewer and filter in SQL: a
//! request exists only for the agency that sent it and the agency it went to
//! ([`handover_visible`]); its free text, its package and its documents only for those the
//! access rules allow ([`package_visible`], [`handover_reason_visible`]).

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::documents::CheckedDocument;
use super::model::{DocumentRow, HandoverRow, HandoverStatus, COLUMNS};
use crate::access::sql::{
    case_full, handover_reason_visible, handover_visible, leading_params, package_visible,
    ViewerParams,
};
use crate::access::Viewer;
use crate::cases::model::{ConsentRow, PersonRow};
use crate::cases::rules::HandedOn;
use crate::cases::sheet::SignalSheet;
use crate::db::list_query::{Direction, ListQuery};
use crate::db::{Db, JsonText, Tx};
use crate::error::{AppError, AppResult};
use crate::signals::visit::VisitReport;
use crate::{with_db, with_tx};

/// Writes a new request.
pub async fn insert(tx: &mut Tx, row: &HandoverRow) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO handovers (id, case_id, kind, from_agency_id, to_agency_id,
                        requested_by_user_id, reason, records, status, requested_at, deadline_at,
            sharing_basis, consent_override_reason, version, updated_at, sender_order_number,
            sender_order_date)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $10, $14, $15)";
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
        .bind(row.sharing_basis)
        .bind(&row.consent_override_reason)
        .bind(&row.sender_order_number)
        .bind(row.sender_order_date)
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

/// Scoped handover reads bind the viewer first: `$1` agency, `$2` now, `$3` ceiling.
const VIEWER: ViewerParams = ViewerParams::from(1);

/// A request as a viewer may read it: the free-text columns NULL where the viewer may not
/// read them, and whether it reads the package.
#[derive(sqlx::FromRow)]
pub struct ScopedHandover {
    #[sqlx(flatten)]
    pub row: HandoverRow,
    /// [`crate::access::package_visible`], computed in SQL.
    pub package_visible: bool,
}

/// [`COLUMNS`] as the viewer bound at [`VIEWER`] may read them, and `package_visible`.
fn scoped_columns() -> String {
    let reason_visible = handover_reason_visible(VIEWER);
    let reads_personal_data = format!("${} = 2", VIEWER.ceiling);
    let columns: Vec<String> = COLUMNS
        .split(',')
        .map(str::trim)
        .map(|column| {
            let name = column.trim_start_matches("h.");
            match name {
                // The sender's words about the family, and a head's reason to send.
                "reason" | "consent_override_reason" => {
                    format!("CASE WHEN {reason_visible} THEN {column} END AS {name}")
                }
                // The receiver's words: for both agencies, not for analysts.
                "decline_reason" | "service_result" => {
                    format!("CASE WHEN {reads_personal_data} THEN {column} END AS {name}")
                }
                _ => column.to_owned(),
            }
        })
        .collect();
    format!(
        "{}, {} AS package_visible",
        columns.join(", "),
        package_visible(VIEWER)
    )
}

/// A request the viewer's agency sent or received, as the viewer may read it, or
/// `NOT_FOUND`.
pub async fn get_visible(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ScopedHandover> {
    let sql = format!(
        "SELECT {} FROM handovers h WHERE {} AND h.id = $4",
        scoped_columns(),
        handover_visible(1)
    );
    with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("handover"))
}

/// A request the agency sent or received, whole, inside a transaction and locked for
/// update on PostgreSQL (SQLite's writer transaction already holds the database): for the
/// decisions, which return it only through [`get_visible`].
pub async fn get_visible_for_update(
    tx: &mut Tx,
    agency: Option<Uuid>,
    id: Uuid,
) -> AppResult<HandoverRow> {
    let lock = crate::db::dialect::for_update(tx);
    let sql = format!(
        "SELECT {COLUMNS} FROM handovers h WHERE {} AND h.id = $2{lock}",
        handover_visible(1)
    );
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

/// The requests of the case that reached another body (accepted, acknowledged or
/// completed), with the receiver's kind: what the closing rules read.
pub async fn handed_on(tx: &mut Tx, case_id: Uuid) -> AppResult<Vec<HandedOn>> {
    const SQL: &str = "SELECT h.kind, h.status, a.kind AS receiver_kind
        FROM handovers h JOIN agencies a ON a.id = h.to_agency_id
        WHERE h.case_id = $1 AND h.status IN ('ACCEPTED', 'ACKNOWLEDGED', 'COMPLETED')";
    Ok(with_tx!(tx, |conn| sqlx::query_as(SQL)
        .bind(case_id)
        .fetch_all(conn)
        .await)?)
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
                        service_result = $9, closed_at = $10, version = $11, updated_at = $12,
            registration_number = $14, registration_date = $15
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
        .bind(&row.registration_number)
        .bind(row.registration_date)
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
    viewer: Viewer,
    side: Side,
    statuses: &[HandoverStatus],
    after: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<ScopedHandover>> {
    let column = match side {
        Side::Received => "h.to_agency_id",
        Side::Sent => "h.from_agency_id",
    };
    // The statuses are our enum's names, written in: each set is one text.
    let wanted = if statuses.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        format!(" AND h.status IN ({})", names.join(", "))
    };
    let mut q = ListQuery::with_params(leading_params(viewer, now));
    q.push(&format!(
        "SELECT {} FROM handovers h WHERE {column} = $1{wanted}",
        scoped_columns()
    ))
    .keyset(
        Direction::Ascending,
        ("h.requested_at", "h.id"),
        after.copied(),
    )
    .push(" ORDER BY h.requested_at, h.id")
    .limit(limit);
    q.fetch_all(db).await
}

/// Every request of a case, oldest first, if the viewer reads the case in FULL (else
/// none: the condition is in the SQL).
pub async fn of_case(
    db: &Db,
    viewer: Viewer,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<ScopedHandover>> {
    let sql = format!(
        "SELECT {} FROM handovers h WHERE h.case_id = $4 AND {} ORDER BY h.requested_at, h.id",
        scoped_columns(),
        case_full("h.case_id", VIEWER)
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
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

/// The documents of a request, without their bytes, if the viewer reads its package.
pub async fn documents_of(
    db: &Db,
    viewer: Viewer,
    handover_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<DocumentRow>> {
    let sql = format!(
        "{} ORDER BY d.id",
        package_sql(&format!(
            "SELECT {DOCUMENT_COLUMNS} FROM handover_documents d \
             JOIN handovers h ON h.id = d.handover_id WHERE TRUE"
        ))
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(handover_id)
        .fetch_all(pool)
        .await)?)
}

/// A document the viewer may download (it reads the package of the request the document
/// belongs to), without its bytes, with the request's case; `NOT_FOUND` alike for a
/// document out of scope and one that does not exist. The scope is in the SQL that finds
/// the row, so an out-of-scope document is answered before any byte of it is read.
pub async fn downloadable_document(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(DocumentRow, Uuid)> {
    #[derive(sqlx::FromRow)]
    struct WithCase {
        #[sqlx(flatten)]
        row: DocumentRow,
        case_id: Uuid,
    }
    let sql = format!(
        "SELECT {DOCUMENT_COLUMNS}, h.case_id FROM handover_documents d \
         JOIN handovers h ON h.id = d.handover_id WHERE d.id = $4 AND {}",
        package_visible(VIEWER)
    );
    let found: Option<WithCase> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    found
        .map(|f| (f.row, f.case_id))
        .ok_or(AppError::NotFound("document"))
}

/// A document's bytes when they are kept in the database (`None`: kept in a directory).
/// Only for a document [`downloadable_document`] found for the viewer.
pub async fn document_content(db: &Db, id: Uuid) -> AppResult<Option<Vec<u8>>> {
    use crate::db::stored_content::{content, DocumentTable};
    content(db, DocumentTable::Handover, id).await
}

/// A package read: `select` (over `handovers h`, joined to what it reads, ending in a
/// `WHERE` clause) kept to the request bound at `$4` and to viewers, bound at [`VIEWER`],
/// who read its package.
fn package_sql(select: &str) -> String {
    format!("{select} AND h.id = $4 AND {}", package_visible(VIEWER))
}

/// The people of the request's case, if the viewer reads its package.
pub async fn package_persons(
    db: &Db,
    viewer: Viewer,
    handover_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<PersonRow>> {
    let sql = format!(
        "{} ORDER BY cp.created_at, cp.id",
        package_sql(
            "SELECT cp.id, cp.case_id, cp.role, cp.full_name, cp.birth_date, cp.phone,
                cp.address_registered, cp.address_actual, cp.stance, cp.notes, cp.created_at
             FROM case_persons cp JOIN handovers h ON h.case_id = cp.case_id WHERE TRUE"
        )
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(handover_id)
        .fetch_all(pool)
        .await)?)
}

/// The consents of the request's case with the agencies each covers, if the viewer reads
/// its package.
pub async fn package_consents(
    db: &Db,
    viewer: Viewer,
    handover_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<(ConsentRow, Vec<Uuid>)>> {
    let consents_sql = format!(
        "{} ORDER BY c.recorded_at, c.id",
        package_sql(
            "SELECT c.id, c.case_id, c.kind, c.signed_by, c.signed_at, c.recorded_by,
                c.recorded_at, c.withdrawn_at, c.withdrawal_note
             FROM consents c JOIN handovers h ON h.case_id = c.case_id WHERE TRUE"
        )
    );
    let covered_sql = package_sql(
        "SELECT ca.consent_id, ca.agency_id FROM consent_agencies ca
         JOIN consents c ON c.id = ca.consent_id JOIN handovers h ON h.case_id = c.case_id
         WHERE TRUE",
    );
    let consents: Vec<ConsentRow> = with_db!(db, |pool| sqlx::query_as(&consents_sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(handover_id)
        .fetch_all(pool)
        .await)?;
    let covered: Vec<(Uuid, Uuid)> = with_db!(db, |pool| sqlx::query_as(&covered_sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(handover_id)
        .fetch_all(pool)
        .await)?;
    Ok(consents
        .into_iter()
        .map(|c| {
            let agencies = covered
                .iter()
                .filter(|(id, _)| *id == c.id)
                .map(|(_, a)| *a)
                .collect();
            (c, agencies)
        })
        .collect())
}

/// One JSON column of the request's case (`select` reads it over `handovers h`), if the
/// viewer reads its package.
async fn package_json<T>(
    db: &Db,
    viewer: Viewer,
    handover_id: Uuid,
    now: DateTime<Utc>,
    select: &str,
) -> AppResult<Option<T>>
where
    T: DeserializeOwned + Send + Unpin,
{
    let sql = package_sql(select);
    let found: Option<Option<JsonText<T>>> = with_db!(db, |pool| sqlx::query_scalar(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(handover_id)
        .fetch_optional(pool)
        .await)?;
    Ok(found.flatten().map(JsonText::into_inner))
}

/// The visit report of the signal the request's case was opened from, if any and if the
/// viewer reads the package.
pub async fn package_visit_report(
    db: &Db,
    viewer: Viewer,
    handover_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Option<VisitReport>> {
    let select = "SELECT s.visit_report FROM signals s JOIN cases c ON c.signal_id = s.id
        JOIN handovers h ON h.case_id = c.id WHERE TRUE";
    package_json(db, viewer, handover_id, now, select).await
}

/// The signal sheet of the request's case, if the viewer reads the package.
pub async fn package_signal_sheet(
    db: &Db,
    viewer: Viewer,
    handover_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Option<SignalSheet>> {
    let select = "SELECT c.signal_sheet FROM cases c JOIN handovers h ON h.case_id = c.id
        WHERE TRUE";
    package_json(db, viewer, handover_id, now, select).await
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
               WHERE r.subject_kind = $3 AND r.subject_id = h.id AND r.occasion = $4
                 AND r.due_at = h.deadline_at)
         ORDER BY h.deadline_at, h.id LIMIT $5"
    );
    let found: Vec<Near> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(from)
        .bind(to)
        .bind(super::notices::HANDOVER.as_str())
        .bind(occasion)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    Ok(found.into_iter().map(|n| (n.row, n.journal_no)).collect())
}
