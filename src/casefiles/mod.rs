//! The personal file (личное дело, domain.md §2, seeds-notes A1, issue 16): a case's own
//! documents, each typed (identity document, birth certificate, signed consent, order,
//! act…). They are checked, hashed and stored exactly as a handover's documents are
//! ([`crate::handovers::documents`]: the type read from the content, SHA-256, the same
//! size limit and the same store) and downloaded through the same `GET /documents/{id}`.
//! Only a viewer reading the case in FULL lists or downloads them; anyone else gets
//! `NOT_FOUND`. The lead agency keeps the file: its staff add documents; a document is
//! removed softly, with a reason, by whoever added it or the head. What a complete file
//! holds depends on the kind of agency that leads ([`rules::checklist`]). A handover's
//! package may pick documents from the file ([`for_package`]): they are copied into the
//! package, so the receiver reads what was sent even if the file changes later.

pub mod audit_actions;
pub mod graphql;
pub mod model;
pub mod reads;
pub mod rules;
pub mod store;

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use self::model::{CaseDocumentRow, CaseDocumentType};
use crate::access::{policy, Actor, Caller, Scope};
use crate::audit::{self, AuditAction, Entry, Origin};
use crate::cases::model::CaseRow;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::handovers::documents::{self, CheckedDocument};
use crate::handovers::Settings;
use crate::{cases, input};

/// The personal file's kinds, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    ..crate::domains::Domain::EMPTY
};

/// Longest title of a document.
const MAX_TITLE: usize = 200;
/// Longest reason to remove a document.
const MAX_REASON: usize = 1_000;

/// A document to add, as the uploader gives it.
pub struct NewDocument {
    pub case_id: Uuid,
    pub doc_type: CaseDocumentType,
    pub title: Option<String>,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Adds a document to the file of a case the actor's agency leads: checked whole (its
/// size, its real type) before anything is written, then stored with a timeline entry
/// and an audit event. Out of scope or seen as a summary: `NOT_FOUND`; another agency's
/// case or a role that keeps no files: `FORBIDDEN`; a closed case: `CONFLICT`.
pub async fn add(
    db: &Db,
    settings: &Settings,
    caller: &Caller,
    new: NewDocument,
    now: DateTime<Utc>,
) -> AppResult<CaseDocumentRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let title = input::optional_text("title", new.title.as_deref(), MAX_TITLE)?;
    let document = documents::check_upload(
        "file",
        &new.file_name,
        new.bytes,
        settings.max_document_bytes,
    )?;
    let (mut tx, case) = kept_case(db, actor, new.case_id, now).await?;
    let agency_id = case.lead_agency_id;
    store::insert(
        &mut tx,
        &store::NewRow {
            case_id: case.id,
            doc_type: new.doc_type,
            title: title.as_deref(),
            document: &document,
            user_id: actor.user_id,
            agency_id,
        },
        settings.storage.in_database(),
        now,
    )
    .await?;
    let details = json!({
        "documentId": document.id,
        "type": new.doc_type,
        "contentType": document.content_type,
        "sizeBytes": document.bytes.len(),
        "sha256": document.sha256,
    });
    cases::note(
        &mut tx,
        actor,
        case.id,
        "CASE_DOCUMENT_ADDED",
        json!({ "documentId": document.id, "type": new.doc_type }),
        now,
    )
    .await?;
    record(
        &mut tx,
        origin,
        case.id,
        document.id,
        audit_actions::CASE_DOCUMENT_ADDED,
        details,
        now,
    )
    .await?;
    // Files first, commit second: a failed commit removes the file again.
    let files = settings
        .storage
        .write_files(std::slice::from_ref(&document))
        .await?;
    if let Err(error) = tx.commit().await {
        documents::remove_files(&files).await;
        return Err(error);
    }
    Ok(CaseDocumentRow {
        id: document.id,
        case_id: case.id,
        doc_type: new.doc_type,
        title,
        file_name: document.file_name,
        content_type: document.content_type.to_owned(),
        size_bytes: document.bytes.len() as i64,
        sha256: document.sha256,
        uploaded_at: now,
        uploaded_by_user_id: actor.user_id,
        uploaded_by_agency_id: agency_id,
    })
}

/// Removes a document from the file, with a reason: whoever added it, or the lead's
/// head. The row and its bytes stay (the audit record and any package that copied it
/// still point at them); it is no longer listed, counted or downloadable. Returns the
/// document's case.
pub async fn remove(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let reason = input::required_text("reason", reason, MAX_REASON)?;
    let found = store::downloadable(db, actor.viewer(), id, now).await?;
    let (mut tx, case) = kept_case(db, actor, found.case_id, now).await?;
    let document = store::of_case_for_update(&mut tx, case.id, id).await?.row;
    let head = rules::REMOVE_ANY.iter().any(|r| actor.has(*r));
    if !rules::may_remove(head, actor.user_id, document.uploaded_by_user_id) {
        return Err(AppError::Forbidden(
            "only whoever added the document or the head removes it",
        ));
    }
    store::remove(&mut tx, id, actor.user_id, &reason, now).await?;
    let details = json!({ "documentId": id, "type": document.doc_type });
    cases::note(
        &mut tx,
        actor,
        case.id,
        "CASE_DOCUMENT_REMOVED",
        details.clone(),
        now,
    )
    .await?;
    record(
        &mut tx,
        origin,
        case.id,
        id,
        audit_actions::CASE_DOCUMENT_REMOVED,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(case.id)
}

/// The case `id` for a change to its file: read in FULL (else `NOT_FOUND`), led by the
/// actor's agency, by someone who keeps files (else `FORBIDDEN`), and open (else
/// `CONFLICT`).
async fn kept_case(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(Tx, CaseRow)> {
    let mut tx = db.begin().await?;
    let (case, scope) =
        cases::store::get_visible_for_update(&mut tx, actor.viewer(), id, now).await?;
    if scope != Scope::Full {
        return Err(AppError::NotFound("case"));
    }
    if Some(case.lead_agency_id) != actor.agency_id {
        return Err(AppError::Forbidden(
            "only the lead agency keeps the case's file",
        ));
    }
    policy::ensure_any_role(actor, rules::KEEP_FILE, "keeping a case's file")?;
    cases::ensure_open(&case)?;
    Ok((tx, case))
}

/// The file's documents `ids` of case `case_id` as a handover's package takes them: each
/// read back (from the row or the directory), checked again as an upload is, and given a
/// new id as the package's own copy; with the file document each copies. A document not
/// in the case's file (or removed) is `BAD_USER_INPUT` on `package.fileDocumentIds[i]`.
/// The caller holds the case in `tx` as its lead.
pub async fn for_package(
    tx: &mut Tx,
    settings: &Settings,
    case_id: Uuid,
    ids: &[Uuid],
) -> AppResult<Vec<(CheckedDocument, Uuid)>> {
    let copied = copies(tx, settings, case_id, ids, "package.fileDocumentIds").await?;
    Ok(copied.into_iter().map(|(d, row)| (d, row.id)).collect())
}

/// The file's documents `ids` of case `case_id`, each once, read back and checked again
/// as an upload is, each given a new id as the copy's own; with the file's row each
/// copies. A document not in the case's file (or removed) is `BAD_USER_INPUT` on
/// `{field}[i]`. The caller holds the case in `tx` (a handover's package, an MRG
/// submission's attachments).
pub async fn copies(
    tx: &mut Tx,
    settings: &Settings,
    case_id: Uuid,
    ids: &[Uuid],
    field: &str,
) -> AppResult<Vec<(CheckedDocument, CaseDocumentRow)>> {
    let mut picked: Vec<(CheckedDocument, CaseDocumentRow)> = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let field = format!("{field}[{i}]");
        if picked.iter().any(|(_, from)| from.id == *id) {
            continue;
        }
        let stored = match store::of_case_for_update(tx, case_id, *id).await {
            Ok(stored) => stored,
            Err(AppError::NotFound(_)) => {
                return Err(AppError::bad_input(
                    &field,
                    "no such document in the case's file",
                ))
            }
            Err(other) => return Err(other),
        };
        let bytes = match stored.content {
            Some(bytes) => bytes,
            None => settings.storage.read_file(*id, &stored.row.sha256).await?,
        };
        let copy = documents::check_upload(
            &field,
            &stored.row.file_name,
            bytes,
            settings.max_document_bytes,
        )?;
        picked.push((copy, stored.row));
    }
    Ok(picked)
}

async fn record(
    tx: &mut Tx,
    origin: &Origin,
    case_id: Uuid,
    document_id: Uuid,
    action: AuditAction,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let entry = Entry {
        case_id: Some(case_id),
        ..Entry::new(action, "document", Some(document_id))
    }
    .with_details(details);
    audit::record(tx, origin, entry, now).await
}
