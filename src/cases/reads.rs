//! Cases and their personal records as a caller reads them, for every transport. Each
//! function reads through the scoped store (nothing out of the caller's scope is loaded)
//! and notes what it hands out on the caller's read log, which the transport audits
//! before its response leaves (`audit::record_reads`). A case itself comes out as a
//! [`CaseView`]: its summary and workflow facts open, its personal part sealed until a
//! caller opens it. So whether a case's people reach the client through GraphQL, a JSON
//! page or anything later, the read is on the record: no transport has to remember to
//! note it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{CaseHeadline, CaseRow, ConsentRow, PersonRow};
use super::sheet::SignalSheet;
use super::store::{self, CaseFilter};
use crate::access::{Caller, Personal, Scope};
use crate::db::Db;
use crate::error::{AppError, AppResult};

/// A case as the caller may see it.
#[derive(Clone, Debug)]
pub struct CaseView {
    /// The case's summary and workflow facts. Its personal columns are always empty here,
    /// whatever the scope: they are in [`CaseView::personal`].
    pub case: CaseRow,
    /// The caller's scope on the case.
    pub scope: Scope,
    /// Present in FULL scope only. Opening it is also what lets a transport go on to the
    /// case's people, consents and handover history, each read through this module.
    pub personal: Personal<CasePersonal>,
}

/// What a case row holds about the family.
#[derive(Clone, Debug, Default)]
pub struct CasePersonal {
    /// Why decision work was extended.
    pub extension_reason: Option<String>,
    /// The signal sheet.
    pub signal_sheet: Option<SignalSheet>,
}

impl CaseView {
    /// Seals the personal part of a case the scoped store returned with `scope`.
    pub fn of(mut case: CaseRow, scope: Scope) -> CaseView {
        let personal = CasePersonal {
            extension_reason: case.extension_reason.take(),
            signal_sheet: case.signal_sheet.take().map(|sheet| sheet.0),
        };
        let full = (scope == Scope::Full).then_some(personal);
        CaseView {
            personal: Personal::sealed("case", case.id, full),
            case,
            scope,
        }
    }
}

/// The case with `id` as the caller may read it, else `NOT_FOUND`.
pub async fn get(db: &Db, caller: &Caller, id: Uuid, now: DateTime<Utc>) -> AppResult<CaseView> {
    let (case, scope) = store::get_visible(db, caller.viewer()?, id, now).await?;
    Ok(CaseView::of(case, scope))
}

/// One page of the cases the caller's agency reaches, newest first, before the
/// `(opened_at, id)` keyset.
pub async fn page(
    db: &Db,
    caller: &Caller,
    filter: &CaseFilter,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<CaseView>> {
    let rows = store::list_page(db, caller.viewer()?, filter, before, now, limit).await?;
    Ok(rows
        .into_iter()
        .map(|(case, scope)| CaseView::of(case, scope))
        .collect())
}

/// The same page as [`page`], headlines only: for a list that shows nothing a headline
/// does not hold. Nothing personal is read, so nothing is noted.
pub async fn headlines(
    db: &Db,
    caller: &Caller,
    filter: &CaseFilter,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<(CaseHeadline, Scope)>> {
    store::list_headlines(db, caller.viewer()?, filter, before, now, limit).await
}

/// Most cases a search by name shows: enough to pick from, few enough that a vague
/// name does not list the agency's whole caseload.
pub const NAME_SEARCH_LIMIT: i64 = 20;

/// The cases the caller reads in FULL whose mother's name matches `query` (every word the
/// start of a word of her name, any order), newest first, each with its people: a read of
/// each case found, noted on the caller's read log. Bad input is `BAD_USER_INPUT` on
/// `field`.
pub async fn find_by_mother_name(
    db: &Db,
    caller: &Caller,
    field: &str,
    query: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<(CaseView, Vec<PersonRow>)>> {
    let words = super::names::query_words(field, query)?;
    let viewer = caller.viewer()?;
    let rows = store::find_by_mother_name(db, viewer, &words, now, NAME_SEARCH_LIMIT).await?;
    let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
    let mut persons = persons_of_cases(db, caller, &ids, now).await?;
    Ok(rows
        .into_iter()
        .map(|case| {
            let (own, rest): (Vec<_>, Vec<_>) =
                persons.drain(..).partition(|p| p.case_id == case.id);
            persons = rest;
            (CaseView::of(case, Scope::Full), own)
        })
        .collect())
}

/// The people of many cases, each case's in the order they were added, of the cases the
/// caller reads in FULL (others' people are left out in SQL).
pub async fn persons_of_cases(
    db: &Db,
    caller: &Caller,
    case_ids: &[Uuid],
    now: DateTime<Utc>,
) -> AppResult<Vec<PersonRow>> {
    let rows = store::persons_of_cases(db, caller.viewer()?, case_ids, now).await?;
    let cases: BTreeSet<Uuid> = rows.iter().map(|p| p.case_id).collect();
    for case_id in cases {
        caller.note_read("case", case_id);
    }
    Ok(rows)
}

/// The people of one case the caller reads in FULL; `NOT_FOUND` for a case out of its
/// scope or seen as a summary, which has no people to show.
pub async fn persons_of_case(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<PersonRow>> {
    let (_, scope) = store::get_visible(db, caller.viewer()?, case_id, now).await?;
    if scope != Scope::Full {
        return Err(AppError::NotFound("case"));
    }
    persons_of_cases(db, caller, &[case_id], now).await
}

/// The consents of a case with the agencies each covers, when the caller reads the case
/// in FULL (else none: the condition is in the SQL).
pub async fn consents_of(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<(ConsentRow, Vec<Uuid>)>> {
    let rows = store::consents_of(db, caller.viewer()?, case_id, now).await?;
    if !rows.is_empty() {
        caller.note_read("case", case_id);
    }
    Ok(rows)
}
