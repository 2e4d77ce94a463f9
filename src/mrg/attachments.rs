//! A submission's attachments (issue 15): documents the lead picks from the case's
//! personal file ([`crate::casefiles`]). Each is copied, as a handover's package copies
//! it, so the group reads what was submitted even if the file changes later. The lead
//! that submitted and the group's chair and secretary list and download them (each
//! download audited, through `GET /documents/{id}`); a member agency seeing the case in
//! SUMMARY gets neither their list nor their count (docs/decisions.md).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::AttachmentRow;
use super::rules;
use super::store::{self, Seer};
use crate::access::{Actor, Caller};
use crate::casefiles::model::CaseDocumentRow;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::handovers::documents::CheckedDocument;
use crate::handovers::Settings;

/// Checks the documents `ids` the actor attaches to a submission of case `case_id`,
/// before its transaction: at most [`rules::MAX_ATTACHMENTS`], each once
/// (`BAD_USER_INPUT` on `fileDocumentIds[i]`); a document the actor cannot read is
/// `NOT_FOUND`; one it reads of another case is `BAD_USER_INPUT` on `fileDocumentIds[i]`.
pub async fn check(
    db: &Db,
    actor: &Actor,
    case_id: Uuid,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> AppResult<()> {
    rules::check_attachments(ids)?;
    for (i, id) in ids.iter().enumerate() {
        let seen = crate::casefiles::store::downloadable(db, actor.viewer(), *id, now).await?;
        if seen.case_id != case_id {
            return Err(AppError::bad_input(
                format!("fileDocumentIds[{i}]"),
                "not a document of this case's file",
            ));
        }
    }
    Ok(())
}

/// The checked documents `ids` of case `case_id`'s file, each copied for the submission
/// (read back and checked again as an upload is). The caller holds the case in `tx`.
pub async fn copy(
    tx: &mut Tx,
    settings: &Settings,
    case_id: Uuid,
    ids: &[Uuid],
) -> AppResult<Vec<(CheckedDocument, CaseDocumentRow)>> {
    crate::casefiles::copies(tx, settings, case_id, ids, "fileDocumentIds").await
}

/// The attachments of a submission the caller reads (none for anyone else: the condition
/// is in the SQL); their list is the case's personal data, noted on the read log when
/// there is something to show.
pub async fn of_submission(
    db: &Db,
    caller: &Caller,
    submission: Uuid,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<AttachmentRow>> {
    let Ok(actor) = caller.actor() else {
        return Ok(Vec::new());
    };
    let rows = store::attachments(db, Seer::of(actor, now), submission).await?;
    if !rows.is_empty() {
        caller.note_read("case", case_id);
    }
    Ok(rows)
}
