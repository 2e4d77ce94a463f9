//! The personal file as a caller reads it: the documents' list (file names, types,
//! checksums) is the case's personal data, noted on the caller's read log; the checklist
//! shows only which types the file holds, for the same viewers.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{CaseDocumentRow, CaseDocumentType};
use super::rules;
use super::store;
use crate::access::Caller;
use crate::db::Db;
use crate::error::AppResult;

/// The documents of a case the caller reads in FULL (none otherwise: the condition is in
/// the SQL), oldest first; the read noted when there is something to show.
pub async fn documents(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<CaseDocumentRow>> {
    let rows = store::of_case(db, caller.viewer()?, case_id, now).await?;
    if !rows.is_empty() {
        caller.note_read("case", case_id);
    }
    Ok(rows)
}

/// The checklist of the case's file for the kind of its lead agency: each type a
/// complete file holds, and whether this one does.
pub async fn checklist(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    lead_agency_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<(CaseDocumentType, bool)>> {
    let rows = documents(db, caller, case_id, now).await?;
    let kind = crate::agencies::store::get(db, lead_agency_id).await?.kind;
    let present: Vec<CaseDocumentType> = rows.iter().map(|d| d.doc_type).collect();
    Ok(rules::checklist_state(kind, &present))
}
