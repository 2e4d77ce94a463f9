//! A stored document's bytes, for the four tables that keep them beside the document's
//! row (`content`, NULL when the bytes are kept in a directory instead). One statement
//! per table, never a table name taken from outside.

use uuid::Uuid;

use super::Db;
use crate::error::AppResult;
use crate::with_db;

/// A table whose rows are documents with a `content` column.
#[derive(Clone, Copy, Debug)]
pub enum DocumentTable {
    /// The case's personal file (`case_documents`).
    CaseFile,
    /// A handover package's copies (`handover_documents`).
    Handover,
    /// An information request's answer (`information_request_documents`).
    InformationAnswer,
    /// An MRG submission's attachments (`mrg_submission_documents`).
    MrgSubmission,
}

impl DocumentTable {
    fn content_sql(self) -> &'static str {
        match self {
            DocumentTable::CaseFile => "SELECT content FROM case_documents WHERE id = $1",
            DocumentTable::Handover => "SELECT content FROM handover_documents WHERE id = $1",
            DocumentTable::InformationAnswer => {
                "SELECT content FROM information_request_documents WHERE id = $1"
            }
            DocumentTable::MrgSubmission => {
                "SELECT content FROM mrg_submission_documents WHERE id = $1"
            }
        }
    }
}

/// The bytes of document `id` in `table` when they are kept in the database (`None`:
/// kept in a directory). It does not check access: call it only for a document that the
/// module's scoped look-up has found for the caller.
pub async fn content(db: &Db, table: DocumentTable, id: Uuid) -> AppResult<Option<Vec<u8>>> {
    let sql = table.content_sql();
    let found: Option<Option<Vec<u8>>> = with_db!(db, |pool| sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    Ok(found.flatten())
}
