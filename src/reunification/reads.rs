//! Reunifications as a caller reads them, for every transport. The record's stages,
//! dates and verdicts are open to every agency that sees it (any scope on the case);
//! the words of each entry (and the remarks on an inspection) are sealed in a
//! [`Personal`] until a caller opens them, which notes a read of the case for the audit.
//! Every read goes through the scoped store, which decides in SQL.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{Content, EntryRow, PartyRow, ReunificationRow};
use super::store::{self, ScopedReunification};
use crate::access::{Caller, Personal, Scope};
use crate::db::Db;
use crate::error::AppResult;

/// A reunification as the caller may see it, with the caller's scope on the case.
#[derive(Clone, Debug)]
pub struct ReunificationView {
    pub row: ReunificationRow,
    pub scope: Scope,
}

impl From<ScopedReunification> for ReunificationView {
    fn from(s: ScopedReunification) -> ReunificationView {
        let scope = s.scope();
        ReunificationView { row: s.row, scope }
    }
}

impl ReunificationView {
    /// In work past the due time of its next progress report.
    pub fn report_overdue(&self, now: DateTime<Utc>) -> bool {
        super::rules::report_overdue(self.row.status, self.row.report_due_at, now)
    }
}

/// An agency's part in an inspection; its remark is in the entry's [`Words`].
#[derive(Clone, Debug)]
pub struct Party {
    pub agency_id: Uuid,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub confirmed_by_user_id: Option<Uuid>,
}

/// What an entry says, once opened.
#[derive(Clone, Debug)]
pub struct Words {
    pub content: Content,
    /// Each party's remark on an inspection, where it gave one.
    pub remarks: Vec<(Uuid, String)>,
}

/// One entry of the timeline: what every viewer of the record sees, and its words,
/// sealed.
#[derive(Clone, Debug)]
pub struct EntryView {
    /// The entry; its `content` is always empty here (it is in [`EntryView::words`]).
    pub entry: EntryRow,
    /// An inspection's participating agencies and their confirmations.
    pub parties: Vec<Party>,
    /// A report's ИПСР tasks.
    pub task_ids: Vec<Uuid>,
    pub words: Personal<Words>,
}

impl EntryView {
    /// Whether every participating agency confirmed (an inspection).
    pub fn fully_confirmed(&self) -> bool {
        self.parties.iter().all(|p| p.confirmed_at.is_some())
    }
}

/// A reunification the caller sees, else `NOT_FOUND`.
pub async fn get(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ReunificationView> {
    let viewer = caller.viewer()?;
    Ok(store::get_visible(db, viewer, id, now).await?.into())
}

/// The reunification of a case, if it has one the caller sees.
pub async fn of_case(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Option<ReunificationView>> {
    let viewer = caller.viewer()?;
    Ok(store::of_case(db, viewer, case_id, now)
        .await?
        .map(Into::into))
}

/// One page of the reunifications the caller's centre keeps, newest first.
pub async fn in_care(
    db: &Db,
    caller: &Caller,
    include_ended: bool,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<ReunificationView>> {
    let viewer = caller.viewer()?;
    let rows = store::in_care_page(db, viewer, include_ended, before, now, limit).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The timeline of a reunification the caller sees, in the order things happened.
pub async fn timeline(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<EntryView>> {
    let viewer = caller.viewer()?;
    let entries = store::entries_of(db, viewer, id, now).await?;
    let parties = store::parties_of(db, viewer, id, now).await?;
    let links = store::task_links_of(db, viewer, id, now).await?;
    Ok(entries
        .into_iter()
        .map(|scoped| {
            let mut entry = scoped.row;
            let mine: Vec<&PartyRow> = parties.iter().filter(|p| p.entry_id == entry.id).collect();
            let words = match entry.content.take() {
                Some(content) if scoped.text_visible => Some(Words {
                    content: content.into_inner(),
                    remarks: mine
                        .iter()
                        .filter_map(|p| p.remark.clone().map(|r| (p.agency_id, r)))
                        .collect(),
                }),
                _ => None,
            };
            EntryView {
                task_ids: links
                    .iter()
                    .filter(|(e, _)| *e == entry.id)
                    .map(|(_, t)| *t)
                    .collect(),
                parties: mine
                    .iter()
                    .map(|p| Party {
                        agency_id: p.agency_id,
                        confirmed_at: p.confirmed_at,
                        confirmed_by_user_id: p.confirmed_by_user_id,
                    })
                    .collect(),
                words: Personal::sealed("case", entry.case_id, words),
                entry,
            }
        })
        .collect())
}
