//! SQL for the personal file. Every read binds the viewer and keeps to cases it reads in
//! FULL ([`case_full`]): a document of a case seen as a summary, or of a case out of
//! scope, is never loaded, and answers as one that does not exist.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{CaseDocumentRow, CaseDocumentType, COLUMNS};
use crate::access::sql::{case_full, ViewerParams};
use crate::access::Viewer;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::handovers::documents::CheckedDocument;
use crate::{with_db, with_tx};

/// Scoped reads bind the viewer first: `$1` agency, `$2` now, `$3` ceiling.
const VIEWER: ViewerParams = ViewerParams::from(1);

/// A new document of the file, checked.
pub struct NewRow<'a> {
    pub case_id: Uuid,
    pub doc_type: CaseDocumentType,
    pub title: Option<&'a str>,
    pub document: &'a CheckedDocument,
    pub user_id: Uuid,
    pub agency_id: Uuid,
}

/// Writes a document (its bytes too, for the database store).
pub async fn insert(
    tx: &mut Tx,
    new: &NewRow<'_>,
    bytes_in_database: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO case_documents (id, case_id, doc_type, title, file_name, content_type,
            size_bytes, sha256, content, uploaded_at, uploaded_by_user_id, uploaded_by_agency_id)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    let d = new.document;
    let content = bytes_in_database.then_some(d.bytes.as_slice());
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(d.id)
        .bind(new.case_id)
        .bind(new.doc_type)
        .bind(new.title)
        .bind(&d.file_name)
        .bind(d.content_type)
        .bind(d.bytes.len() as i64)
        .bind(&d.sha256)
        .bind(content)
        .bind(now)
        .bind(new.user_id)
        .bind(new.agency_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The documents of a case the viewer reads in FULL, not removed, by type then upload;
/// none otherwise (the condition is in the SQL).
pub async fn of_case(
    db: &Db,
    viewer: Viewer,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<CaseDocumentRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM case_documents d \
         WHERE d.case_id = $4 AND d.removed_at IS NULL AND {} \
         ORDER BY d.uploaded_at, d.id",
        case_full("d.case_id", VIEWER)
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
}

/// A document the viewer may download (it reads the case in FULL; the document is not
/// removed), without its bytes; `NOT_FOUND` alike for one out of scope and one that does
/// not exist. The scope is in the SQL that finds the row, so an out-of-scope document is
/// answered before any byte of it is read.
pub async fn downloadable(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<CaseDocumentRow> {
    let sql = format!(
        "SELECT {COLUMNS} FROM case_documents d \
         WHERE d.id = $4 AND d.removed_at IS NULL AND {}",
        case_full("d.case_id", VIEWER)
    );
    let found: Option<CaseDocumentRow> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    found.ok_or(AppError::NotFound("document"))
}

/// A document's bytes when they are kept in the database (`None`: kept in a directory).
/// Only for a document [`downloadable`] or [`of_case_for_update`] found.
pub async fn content(db: &Db, id: Uuid) -> AppResult<Option<Vec<u8>>> {
    use crate::db::stored_content::{content, DocumentTable};
    content(db, DocumentTable::CaseFile, id).await
}

/// A document of the file (not removed) with its bytes when they are in the database,
/// inside a transaction whose caller already holds the case (the lead, checked).
#[derive(sqlx::FromRow)]
pub struct Stored {
    #[sqlx(flatten)]
    pub row: CaseDocumentRow,
    pub content: Option<Vec<u8>>,
}

/// The document `id` of case `case_id`, not removed, with its bytes if in the database.
pub async fn of_case_for_update(tx: &mut Tx, case_id: Uuid, id: Uuid) -> AppResult<Stored> {
    let sql = format!(
        "SELECT {COLUMNS}, d.content FROM case_documents d \
         WHERE d.id = $1 AND d.case_id = $2 AND d.removed_at IS NULL"
    );
    let found: Option<Stored> = with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .bind(case_id)
        .fetch_optional(conn)
        .await)?;
    found.ok_or(AppError::NotFound("document"))
}

/// Removes a document softly: the row stays, with who removed it, when and why.
pub async fn remove(
    tx: &mut Tx,
    id: Uuid,
    user_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    const SQL: &str = "UPDATE case_documents SET removed_at = $1, removed_by_user_id = $2, \
         removal_reason = $3 WHERE id = $4 AND removed_at IS NULL";
    let n = with_tx!(tx, |conn| sqlx::query(SQL)
        .bind(now)
        .bind(user_id)
        .bind(reason)
        .bind(id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 {
        return Err(AppError::NotFound("document"));
    }
    Ok(())
}

/// Notes on a handover's documents which were copied from the file.
pub async fn link_copies(tx: &mut Tx, copies: &[(Uuid, Uuid)]) -> AppResult<()> {
    const SQL: &str = "UPDATE handover_documents SET case_document_id = $1 WHERE id = $2";
    for (handover_document, case_document) in copies {
        with_tx!(tx, |conn| sqlx::query(SQL)
            .bind(case_document)
            .bind(handover_document)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}
