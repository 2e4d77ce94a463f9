//! GraphQL for the personal file: `Case.documents` and `Case.fileChecklist` (FULL scope
//! only, through [`super::reads`]), and the mutations that add (a GraphQL multipart
//! upload, as a handover's documents) and remove a document.

use async_graphql::{Context, Object, SimpleObject, Upload, ID};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{CaseDocumentRow, CaseDocumentType};
use super::{reads, NewDocument};
use crate::cases::graphql::CaseNode;
use crate::db;
use crate::graphql::ContextExt;
use crate::handovers::graphql::read_upload;
use crate::handovers::Settings;
use crate::ids::{parse_id, to_id as id};

/// A document of a case's personal file (личное дело).
#[derive(SimpleObject)]
pub struct CaseDocument {
    id: ID,
    /// What the document is.
    #[graphql(name = "type")]
    doc_type: CaseDocumentType,
    /// A short title the uploader gave.
    title: Option<String>,
    file_name: String,
    /// Read from the content: application/pdf, image/jpeg or image/png.
    content_type: String,
    size_bytes: i64,
    /// SHA-256 of the content, hex.
    sha256: String,
    uploaded_at: DateTime<Utc>,
    uploaded_by_id: ID,
    /// GET it with your bearer token (or workspace session); each download is audited.
    download_path: String,
}

impl From<CaseDocumentRow> for CaseDocument {
    fn from(d: CaseDocumentRow) -> CaseDocument {
        CaseDocument {
            id: id(d.id),
            download_path: format!("/documents/{}", d.id),
            doc_type: d.doc_type,
            title: d.title,
            file_name: d.file_name,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
            uploaded_at: d.uploaded_at,
            uploaded_by_id: id(d.uploaded_by_user_id),
        }
    }
}

/// One item of what a complete personal file holds for the lead agency's kind.
#[derive(SimpleObject)]
pub struct FileChecklistItem {
    #[graphql(name = "type")]
    doc_type: CaseDocumentType,
    /// The file holds at least one document of this type.
    present: bool,
}

/// `Case.documents`, for a caller that opened the case's personal part.
pub async fn documents(
    ctx: &Context<'_>,
    case_id: Uuid,
) -> async_graphql::Result<Vec<CaseDocument>> {
    let rows = reads::documents(&ctx.state().db, ctx.caller(), case_id, db::now()).await?;
    Ok(rows.into_iter().map(CaseDocument::from).collect())
}

/// `Case.fileChecklist`, for a caller that opened the case's personal part.
pub async fn checklist(
    ctx: &Context<'_>,
    case_id: Uuid,
    lead_agency_id: Uuid,
) -> async_graphql::Result<Vec<FileChecklistItem>> {
    let state = reads::checklist(
        &ctx.state().db,
        ctx.caller(),
        case_id,
        lead_agency_id,
        db::now(),
    )
    .await?;
    Ok(state
        .into_iter()
        .map(|(doc_type, present)| FileChecklistItem { doc_type, present })
        .collect())
}

/// Keeping the personal file.
#[derive(Default)]
pub struct CaseFileMutation;

#[Object]
impl CaseFileMutation {
    /// Adds a scan (PDF, JPEG, PNG; the type is read from the content) to the personal
    /// file of a case your agency leads, as a multipart upload. Returns the document.
    #[graphql(complexity = "crate::graphql::cost::documents(1, child_complexity)")]
    async fn add_case_document(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        #[graphql(name = "type")] doc_type: CaseDocumentType,
        title: Option<String>,
        file: Upload,
    ) -> async_graphql::Result<CaseDocument> {
        ctx.actor()?;
        let state = ctx.state();
        let settings = Settings::from_config(&state.config);
        let case_id = parse_id("caseId", &case_id)?;
        let (file_name, bytes) =
            read_upload(ctx, "file", &file, settings.max_document_bytes).await?;
        let new = NewDocument {
            case_id,
            doc_type,
            title,
            file_name,
            bytes,
        };
        let row = super::add(&state.db, &settings, ctx.caller(), new, db::now()).await?;
        // What comes back is the case's file: on the record as any read of it.
        ctx.caller().note_read("case", row.case_id);
        Ok(CaseDocument::from(row))
    }

    /// Removes a document from the file, with a reason (whoever added it, or the head).
    /// The document stays on the record but is no longer listed or downloadable; a
    /// package that took it keeps its copy. Returns the case.
    async fn remove_case_document(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
    ) -> async_graphql::Result<CaseNode> {
        let state = ctx.state();
        let case_id = super::remove(
            &state.db,
            ctx.caller(),
            parse_id("id", &id)?,
            &reason,
            db::now(),
        )
        .await?;
        crate::cases::graphql::scoped_node(ctx, case_id).await
    }
}
