//! A submission's attachments: copies of documents of the case's personal file. Their
//! list and their bytes are read only by whoever reads the submission itself in full:
//! the lead agency that submitted it and the group's chair and secretary
//! ([`attachment_visible`]). A member agency that sees the agenda's case in SUMMARY finds
//! none (and downloads none: `NOT_FOUND`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Seer;
use crate::access::mrg::group_officer;
use crate::casefiles::model::CaseDocumentRow;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::handovers::documents::CheckedDocument;
use crate::mrg::model::{AttachmentRow, ATTACHMENT_COLUMNS};
use crate::{with_db, with_tx};

/// True when the viewer (bound at `$1..$4`) reads submission `s`'s attachments: its
/// roles read personal data, and its agency submitted it or its user is the group's
/// chair or secretary.
fn attachment_visible() -> String {
    format!(
        "($3 = 2 AND (s.lead_agency_id = $1 OR {}))",
        group_officer("s.group_id")
    )
}

/// Writes a submission's copies (their bytes too, for the database store), each with the
/// file's document it copies.
pub async fn insert_attachments(
    tx: &mut Tx,
    submission_id: Uuid,
    copies: &[(CheckedDocument, CaseDocumentRow)],
    bytes_in_database: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO mrg_submission_documents (id, submission_id, case_document_id, doc_type,
            title, file_name, content_type, size_bytes, sha256, content, uploaded_at, attached_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    for (d, from) in copies {
        let content = bytes_in_database.then_some(d.bytes.as_slice());
        with_tx!(tx, |conn| sqlx::query(INSERT)
            .bind(d.id)
            .bind(submission_id)
            .bind(from.id)
            .bind(from.doc_type)
            .bind(from.title.as_deref())
            .bind(&d.file_name)
            .bind(d.content_type)
            .bind(d.bytes.len() as i64)
            .bind(&d.sha256)
            .bind(content)
            .bind(from.uploaded_at)
            .bind(now)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The attachments of submission `submission` the viewer reads, in the order attached;
/// none for anyone else (the condition is in the SQL).
pub async fn attachments(db: &Db, s: Seer, submission: Uuid) -> AppResult<Vec<AttachmentRow>> {
    let sql = format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM mrg_submission_documents a \
         JOIN mrg_submissions s ON s.id = a.submission_id \
         WHERE a.submission_id = $5 AND {} ORDER BY a.attached_at, a.id",
        attachment_visible()
    );
    Ok(with_db!(db, |pool| seen!(sqlx::query_as(&sql), s)
        .bind(submission)
        .fetch_all(pool)
        .await)?)
}

/// An attachment the viewer may download, without its bytes, with its submission's
/// group and case; `NOT_FOUND` alike for one it may not read and one that does not
/// exist. The scope is in the SQL that finds the row, so no byte of an attachment out of
/// scope is read.
pub async fn downloadable_attachment(
    db: &Db,
    s: Seer,
    id: Uuid,
) -> AppResult<(AttachmentRow, Uuid, Uuid)> {
    #[derive(sqlx::FromRow)]
    struct WithCase {
        #[sqlx(flatten)]
        row: AttachmentRow,
        group_id: Uuid,
        case_id: Uuid,
    }
    let sql = format!(
        "SELECT {ATTACHMENT_COLUMNS}, s.group_id, s.case_id FROM mrg_submission_documents a \
         JOIN mrg_submissions s ON s.id = a.submission_id WHERE a.id = $5 AND {}",
        attachment_visible()
    );
    let found: Option<WithCase> = with_db!(db, |pool| seen!(sqlx::query_as(&sql), s)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    found
        .map(|f| (f.row, f.group_id, f.case_id))
        .ok_or(AppError::NotFound("document"))
}

/// An attachment's bytes when they are kept in the database (`None`: in a directory).
/// Only for an attachment [`downloadable_attachment`] found for the viewer.
pub async fn attachment_content(db: &Db, id: Uuid) -> AppResult<Option<Vec<u8>>> {
    use crate::db::stored_content::{content, DocumentTable};
    content(db, DocumentTable::MrgSubmission, id).await
}
