//! A case's personal records as a caller reads them, for every transport. Each function
//! reads through the scoped store (nothing out of the caller's scope is loaded) and notes
//! what it hands out on the caller's read log, which the transport audits before its
//! response leaves (`audit::record_reads`). So whether a case's people reach the client
//! through GraphQL, a JSON page or anything later, the read is on the record: no transport
//! has to remember to note it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{ConsentRow, PersonRow};
use super::store;
use crate::access::{Caller, Scope};
use crate::db::Db;
use crate::error::{AppError, AppResult};

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
