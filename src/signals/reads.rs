//! Signals as a caller reads them, for every transport (GraphQL, the CSV export, later
//! pages). Each function reads through the scoped store, whose SQL leaves the personal
//! columns NULL below FULL, and hands the signal out as a [`SignalView`]: the journal
//! facts (numbers, status, times, clocks) open, the personal data sealed until a caller
//! opens it, which notes the read on the caller's read log (`audit::record_reads` writes
//! it before the response leaves). So reading `signals { journalNo }` audits nothing, and
//! no transport can show a mother's name without the read on the record.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{ChildSex, Screening, SignalRow};
use super::store::{self, JournalFilter};
use super::visit::VisitReport;
use crate::access::{Caller, Personal, Scope};
use crate::db::Db;
use crate::error::AppResult;

/// A signal as the caller may see it.
#[derive(Clone, Debug)]
pub struct SignalView {
    /// The signal's journal facts. Its personal columns are always empty here, whatever
    /// the scope: they are in [`SignalView::personal`].
    pub signal: SignalRow,
    /// The caller's scope on the signal.
    pub scope: Scope,
    /// The mother, the child, the situation, the report: present in FULL scope only.
    pub personal: Personal<SignalPersonal>,
}

/// What a signal holds about the family and the service's work with it.
#[derive(Clone, Debug, Default)]
pub struct SignalPersonal {
    pub mother_full_name: Option<String>,
    pub mother_birth_date: Option<NaiveDate>,
    pub mother_phone: Option<String>,
    pub address_registered: Option<String>,
    pub address_actual: Option<String>,
    pub address_ambulance_from: Option<String>,
    pub child_born_at: Option<DateTime<Utc>>,
    pub child_sex: Option<ChildSex>,
    pub child_health_notes: Option<String>,
    pub source_contact: Option<String>,
    pub situation: Option<String>,
    pub screening: Screening,
    pub visit_report: Option<VisitReport>,
    pub dismissal_reason: Option<String>,
    pub curator_override_reason: Option<String>,
}

impl SignalView {
    /// Seals the personal part of a signal the scoped store returned with `scope`.
    pub fn of(mut row: SignalRow, scope: Scope) -> SignalView {
        let personal = SignalPersonal {
            mother_full_name: row.mother_full_name.take(),
            mother_birth_date: row.mother_birth_date.take(),
            mother_phone: row.mother_phone.take(),
            address_registered: row.address_registered.take(),
            address_actual: row.address_actual.take(),
            address_ambulance_from: row.address_ambulance_from.take(),
            child_born_at: row.child_born_at.take(),
            child_sex: row.child_sex.take(),
            child_health_notes: row.child_health_notes.take(),
            source_contact: row.source_contact.take(),
            situation: row.situation.take(),
            // NOT NULL flags, so the SQL cannot withhold them: withheld here below FULL.
            screening: std::mem::take(&mut row.screening),
            visit_report: row.visit_report.take().map(|report| report.0),
            dismissal_reason: row.dismissal_reason.take(),
            curator_override_reason: row.curator_override_reason.take(),
        };
        let full = (scope == Scope::Full).then_some(personal);
        SignalView {
            personal: Personal::sealed("signal", row.id, full),
            signal: row,
            scope,
        }
    }
}

/// The signal with `id` as the caller may read it, else `NOT_FOUND`.
pub async fn get(db: &Db, caller: &Caller, id: Uuid, now: DateTime<Utc>) -> AppResult<SignalView> {
    let (row, scope) = store::get_visible(db, caller.viewer()?, id, now).await?;
    Ok(SignalView::of(row, scope))
}

/// One page of the caller's agency journal, newest first, before the `(created_at, id)`
/// keyset.
pub async fn journal_page(
    db: &Db,
    caller: &Caller,
    filter: &JournalFilter,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<SignalView>> {
    let rows = store::journal_page(db, caller.viewer()?, filter, before, now, limit).await?;
    Ok(rows
        .into_iter()
        .map(|(row, scope)| SignalView::of(row, scope))
        .collect())
}
