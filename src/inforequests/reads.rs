//! Information requests as a caller reads them, for every transport. A request's own
//! fields (number, agencies, dates, status, and the questions where the viewer may read
//! them) are open; what identifies the person and the answer are sealed in a
//! [`RequestView`] until a caller opens them, which notes a read of the case on the
//! caller's read log. The identity and the answer's documents are read only with what
//! opening gives, so no transport shows them unaudited. Every read goes through the
//! scoped store, which decides in SQL.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{AnswerDocumentRow, Identity, InformationRequestRow, InformationRequestStatus};
use super::store::{self, ScopedRequest, Side};
use crate::access::{Caller, Personal, Viewer};
use crate::db::Db;
use crate::error::AppResult;

/// A request as the caller may see it.
#[derive(Clone, Debug)]
pub struct RequestView {
    /// The request; its `answer_text` is always empty here (it is in [`RequestView::answer`]).
    pub request: InformationRequestRow,
    /// The way to the person's identity: for the receiver of an open request.
    pub identity: Personal<IdentityKey>,
    /// The answer: for the receiver and for those reading the case in FULL, once given.
    pub answer: Personal<Answer>,
}

/// Opened by one caller: what [`identity`] takes.
#[derive(Clone, Debug)]
pub struct IdentityKey {
    request_id: Uuid,
    viewer: Viewer,
}

/// An answer, opened by one caller: its text, and what [`documents`] takes.
#[derive(Clone, Debug)]
pub struct Answer {
    pub text: String,
    request_id: Uuid,
    viewer: Viewer,
}

impl RequestView {
    fn of(scoped: ScopedRequest, viewer: Viewer) -> RequestView {
        let mut row = scoped.row;
        let identity = scoped.identity_visible.then_some(IdentityKey {
            request_id: row.id,
            viewer,
        });
        let answer = match row.answer_text.take() {
            Some(text) if scoped.text_visible => Some(Answer {
                text,
                request_id: row.id,
                viewer,
            }),
            _ => None,
        };
        RequestView {
            identity: Personal::sealed("case", row.case_id, identity),
            answer: Personal::sealed("case", row.case_id, answer),
            request: row,
        }
    }

    /// Still open past its due time.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        super::rules::is_overdue(self.request.status, self.request.due_at, now)
    }
}

/// A request the caller sees, else `NOT_FOUND`.
pub async fn get(db: &Db, caller: &Caller, id: Uuid, now: DateTime<Utc>) -> AppResult<RequestView> {
    let viewer = caller.viewer()?;
    let scoped = store::get_visible(db, viewer, id, now).await?;
    Ok(RequestView::of(scoped, viewer))
}

/// One page of the caller's agency's received (soonest due first) or sent (oldest first)
/// requests, after the side's keyset.
pub async fn page(
    db: &Db,
    caller: &Caller,
    side: Side,
    statuses: &[InformationRequestStatus],
    after: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<RequestView>> {
    let viewer = caller.viewer()?;
    let rows = store::list_page(db, viewer, side, statuses, after, now, limit).await?;
    Ok(views(rows, viewer))
}

/// Every request of a case, oldest first, if the caller reads the case in FULL.
pub async fn of_case(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<RequestView>> {
    let viewer = caller.viewer()?;
    Ok(views(
        store::of_case(db, viewer, case_id, now).await?,
        viewer,
    ))
}

fn views(rows: Vec<ScopedRequest>, viewer: Viewer) -> Vec<RequestView> {
    rows.into_iter()
        .map(|scoped| RequestView::of(scoped, viewer))
        .collect()
}

/// What identifies the person: the mother's name and birth date, nothing else.
pub async fn identity(
    db: &Db,
    key: &IdentityKey,
    now: DateTime<Utc>,
) -> AppResult<Option<Identity>> {
    store::identity(db, key.viewer, key.request_id, now).await
}

/// The answer's documents, without their bytes (each download is audited on its own).
pub async fn documents(
    db: &Db,
    answer: &Answer,
    now: DateTime<Utc>,
) -> AppResult<Vec<AnswerDocumentRow>> {
    store::documents_of(db, answer.viewer, answer.request_id, now).await
}
