//! SQL for information requests and their answers' documents. Reads take the viewer and
//! filter in SQL: a request exists only for its receiving agency, for the sending agency
//! while it holds the case in any scope, and for agencies reading the case in FULL
//! ([`information_request_visible`]); its words and documents only where
//! [`information_request_text_visible`] allows; the person's identity only for the
//! receiver of an open request ([`information_identity_visible`]). Everyone else finds
//! nothing: `NOT_FOUND`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{
    AnswerDocumentRow, Identity, InformationRequestRow, InformationRequestStatus, COLUMNS,
};
use crate::access::sql::{
    information_identity_visible, information_request_text_visible, information_request_visible,
    leading_params, ViewerParams,
};
use crate::access::Viewer;
use crate::db::list_query::{Direction, ListQuery};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::handovers::documents::CheckedDocument;
use crate::{with_db, with_tx};

/// Scoped reads bind the viewer first: `$1` agency, `$2` now, `$3` ceiling.
const VIEWER: ViewerParams = ViewerParams::from(1);

/// Writes a new request.
pub async fn insert(tx: &mut Tx, row: &InformationRequestRow) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO information_requests (id, journal_no, case_id, from_agency_id,
            to_agency_id, requested_by_user_id, questions, due_date, due_at, status,
            requested_at, version, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $11)";
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(row.id)
        .bind(&row.journal_no)
        .bind(row.case_id)
        .bind(row.from_agency_id)
        .bind(row.to_agency_id)
        .bind(row.requested_by_user_id)
        .bind(&row.questions)
        .bind(row.due_date)
        .bind(row.due_at)
        .bind(row.status)
        .bind(row.requested_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records the answer or the withdrawal of a request that is still OPEN (the guard makes
/// two racing steps safe: only one UPDATE finds it open); `CONFLICT` for the loser.
pub async fn update_step(tx: &mut Tx, row: &InformationRequestRow) -> AppResult<()> {
    const UPDATE: &str = "
        UPDATE information_requests SET status = $2, answer_text = $3, answered_at = $4,
            answered_by_user_id = $5, withdraw_reason = $6, withdrawn_at = $7,
            withdrawn_by_user_id = $8, version = $9, updated_at = $10
        WHERE id = $1 AND status = 'OPEN'";
    let updated = with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(row.id)
        .bind(row.status)
        .bind(&row.answer_text)
        .bind(row.answered_at)
        .bind(row.answered_by_user_id)
        .bind(&row.withdraw_reason)
        .bind(row.withdrawn_at)
        .bind(row.withdrawn_by_user_id)
        .bind(row.version)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if updated == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the request was answered or withdrawn a moment ago".into(),
        ))
    }
}

/// Attaches an answer's checked documents (their bytes too, for the database store).
pub async fn insert_documents(
    tx: &mut Tx,
    request_id: Uuid,
    documents: &[CheckedDocument],
    bytes_in_database: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO information_request_documents (id, information_request_id, file_name,
            content_type, size_bytes, sha256, content, uploaded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    for d in documents {
        let content = bytes_in_database.then_some(d.bytes.as_slice());
        with_tx!(tx, |conn| sqlx::query(INSERT)
            .bind(d.id)
            .bind(request_id)
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

/// A request as a viewer may read it: its words NULL where the viewer may not read
/// them, and whether it reads them and the person's identity.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ScopedRequest {
    #[sqlx(flatten)]
    pub row: InformationRequestRow,
    /// [`crate::access::information_request_text_visible`], computed in SQL.
    pub text_visible: bool,
    /// [`crate::access::information_identity_visible`], computed in SQL.
    pub identity_visible: bool,
}

/// [`COLUMNS`] as the viewer bound at [`VIEWER`] may read them, and the two flags.
fn scoped_columns() -> String {
    let text = information_request_text_visible(VIEWER);
    let columns: Vec<String> = COLUMNS
        .split(',')
        .map(str::trim)
        .map(|column| {
            let name = column.trim_start_matches("r.");
            match name {
                "questions" | "answer_text" | "withdraw_reason" => {
                    format!("CASE WHEN {text} THEN {column} END AS {name}")
                }
                _ => column.to_owned(),
            }
        })
        .collect();
    format!(
        "{}, {text} AS text_visible, {} AS identity_visible",
        columns.join(", "),
        information_identity_visible(VIEWER)
    )
}

/// A request the viewer sees, as it may read it, or `NOT_FOUND`.
pub async fn get_visible(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ScopedRequest> {
    let sql = format!(
        "SELECT {} FROM information_requests r WHERE {} AND r.id = $4",
        scoped_columns(),
        information_request_visible(VIEWER)
    );
    with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("information request"))
}

/// The requests numbered `journal_no` (in their sender's journal) that the viewer sees,
/// newest first: a number is not personal data, so anyone who sees a request finds it by
/// its number, and nobody else does.
pub async fn find_by_number(
    db: &Db,
    viewer: Viewer,
    journal_no: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<ScopedRequest>> {
    let sql = format!(
        "SELECT {} FROM information_requests r WHERE {} AND r.journal_no = $4 \
         ORDER BY r.requested_at DESC, r.id DESC LIMIT 20",
        scoped_columns(),
        information_request_visible(VIEWER)
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(journal_no)
        .fetch_all(pool)
        .await)?)
}

/// A request the viewer sees, whole, inside a transaction and locked for update on
/// PostgreSQL: for the steps, which return it only through [`get_visible`].
pub async fn get_visible_for_update(
    tx: &mut Tx,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<InformationRequestRow> {
    let lock = crate::db::dialect::for_update(tx);
    let sql = format!(
        "SELECT {COLUMNS} FROM information_requests r WHERE {} AND r.id = $4{lock}",
        information_request_visible(VIEWER)
    );
    with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(id)
        .fetch_optional(conn)
        .await)?
    .ok_or(AppError::NotFound("information request"))
}

/// Which side of the requests to list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Requests to the agency (its inbox), the soonest due first: `(due_at, id)`.
    Received,
    /// Requests from the agency, oldest first: `(requested_at, id)`.
    Sent,
}

/// One page of an agency's received or sent requests, after the side's keyset.
pub async fn list_page(
    db: &Db,
    viewer: Viewer,
    side: Side,
    statuses: &[InformationRequestStatus],
    after: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<ScopedRequest>> {
    let (column, keyset) = match side {
        Side::Received => ("r.to_agency_id", ("r.due_at", "r.id")),
        Side::Sent => ("r.from_agency_id", ("r.requested_at", "r.id")),
    };
    // The statuses are our enum's names, written in: each set is one text.
    let wanted = if statuses.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        format!(" AND r.status IN ({})", names.join(", "))
    };
    let mut q = ListQuery::with_params(leading_params(viewer, now));
    q.push(&format!(
        "SELECT {} FROM information_requests r WHERE {column} = $1 AND {}{wanted}",
        scoped_columns(),
        information_request_visible(VIEWER)
    ))
    .keyset(Direction::Ascending, keyset, after.copied())
    .push(&format!(" ORDER BY {}, {}", keyset.0, keyset.1))
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
) -> AppResult<Vec<ScopedRequest>> {
    let sql = format!(
        "SELECT {} FROM information_requests r WHERE r.case_id = $4 AND {} \
         ORDER BY r.requested_at, r.id",
        scoped_columns(),
        crate::access::sql::case_full("r.case_id", VIEWER)
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
}

/// What identifies the person request `id` is about (the mother's name and birth date),
/// if the viewer is the receiver of the open request; else nothing.
pub async fn identity(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Option<Identity>> {
    let sql = format!(
        "SELECT cp.full_name, cp.birth_date FROM case_persons cp \
         JOIN information_requests r ON r.case_id = cp.case_id \
         WHERE r.id = $4 AND cp.role = 'MOTHER' AND {} \
         ORDER BY cp.created_at, cp.id LIMIT 1",
        information_identity_visible(VIEWER)
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(id)
        .fetch_optional(pool)
        .await)?)
}

const DOCUMENT_COLUMNS: &str = "d.id, d.information_request_id, d.file_name, d.content_type,
    d.size_bytes, d.sha256, d.uploaded_at";

/// The answer's documents of request `id`, without their bytes, if the viewer reads its
/// words.
pub async fn documents_of(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<AnswerDocumentRow>> {
    let sql = format!(
        "SELECT {DOCUMENT_COLUMNS} FROM information_request_documents d \
         JOIN information_requests r ON r.id = d.information_request_id \
         WHERE r.id = $4 AND {} ORDER BY d.id",
        information_request_text_visible(VIEWER)
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(id)
        .fetch_all(pool)
        .await)?)
}

/// An answer's document the viewer may download, without its bytes, with the request's
/// case; `NOT_FOUND` alike for one out of scope and one that does not exist.
pub async fn downloadable_document(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(AnswerDocumentRow, Uuid)> {
    #[derive(sqlx::FromRow)]
    struct WithCase {
        #[sqlx(flatten)]
        row: AnswerDocumentRow,
        case_id: Uuid,
    }
    let sql = format!(
        "SELECT {DOCUMENT_COLUMNS}, r.case_id FROM information_request_documents d \
         JOIN information_requests r ON r.id = d.information_request_id \
         WHERE d.id = $4 AND {}",
        information_request_text_visible(VIEWER)
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

/// A document's bytes when kept in the database (`None`: kept in a directory). Only for
/// a document [`downloadable_document`] found for the viewer.
pub async fn document_content(db: &Db, id: Uuid) -> AppResult<Option<Vec<u8>>> {
    use crate::db::stored_content::{content, DocumentTable};
    content(db, DocumentTable::InformationAnswer, id).await
}

/// Open requests whose due time fell in `(from, to]` and that have no `occasion`
/// reminder for it yet, the earliest first.
pub async fn open_past_due(
    db: &Db,
    occasion: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<InformationRequestRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM information_requests r
         WHERE r.status = 'OPEN' AND r.due_at > $1 AND r.due_at <= $2
           AND NOT EXISTS (
               SELECT 1 FROM notification_reminders n
               WHERE n.subject_kind = $3 AND n.subject_id = r.id AND n.occasion = $4
                 AND n.due_at = r.due_at)
         ORDER BY r.due_at, r.id LIMIT $5"
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(from)
        .bind(to)
        .bind(super::notices::INFORMATION_REQUEST.as_str())
        .bind(occasion)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}
