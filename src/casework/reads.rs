//! Case work as a caller reads it, for every transport: through the scoped store, the
//! personal part of each record sealed in [`Personal`] until a transport opens it with
//! the caller (which notes the read for the audit).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{IntakeRow, MonitoringRow, TaskProgress, WorkEntryRow};
use super::{rules, store};
use crate::access::{Caller, Personal};
use crate::agencies::AgencyRow;
use crate::cases::model::CaseRow;
use crate::db::Db;
use crate::error::AppResult;

/// The intake of a case, sealed: all of it is personal (it says why and where).
pub async fn intake(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Personal<IntakeRow>> {
    let row = store::intake_of(db, caller.viewer()?, case_id, now).await?;
    Ok(Personal::sealed("case", case_id, row))
}

/// A work-log entry: its day, kind and duration open; who and what sealed.
#[derive(Clone, Debug)]
pub struct EntryView {
    /// The entry, its specialist and content always empty here.
    pub entry: WorkEntryRow,
    /// The specialist and the content, in FULL only.
    pub text: Personal<(Uuid, String)>,
}

/// A case's work log as the caller may read it, newest first.
pub async fn work_log(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<EntryView>> {
    let rows = store::entries_of(db, caller.viewer()?, case_id, now, 500).await?;
    Ok(rows
        .into_iter()
        .map(|mut entry| {
            let text = entry.specialist_user_id.take().zip(entry.content.take());
            EntryView {
                text: Personal::sealed("case", entry.case_id, text),
                entry,
            }
        })
        .collect())
}

/// What a review holds beyond its day, stage and decision.
#[derive(Clone, Debug)]
pub struct MonitoringDetail {
    pub curator_took_part: bool,
    pub head_took_part: bool,
    pub supervisor_name: Option<String>,
    pub effect: super::model::MonitoringEffect,
    pub causes: Option<String>,
    pub progress: Vec<TaskProgress>,
}

/// A monitoring review: the day, stage, decision and next due day open; the rest sealed.
#[derive(Clone, Debug)]
pub struct MonitoringView {
    pub row: MonitoringRow,
    pub detail: Personal<MonitoringDetail>,
}

/// A case's monitoring reviews as the caller may read them, newest first.
pub async fn monitoring(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<MonitoringView>> {
    let rows = store::monitoring_of(db, caller.viewer()?, case_id, now).await?;
    Ok(rows
        .into_iter()
        .map(|mut row| {
            let detail = row.effect.take().map(|effect| MonitoringDetail {
                curator_took_part: row.curator_took_part,
                head_took_part: row.head_took_part,
                supervisor_name: row.supervisor_name.take(),
                effect,
                causes: row.causes.take(),
                progress: row.progress.take().map(|p| p.0).unwrap_or_default(),
            });
            MonitoringView {
                detail: Personal::sealed("case", row.case_id, detail),
                row,
            }
        })
        .collect())
}

/// Where a case stands on contact: days, not words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContactState {
    /// The last day of contact (or the intake, or the opening, before any).
    pub last_contact_on: NaiveDate,
    /// Whole days since, in the lead's days.
    pub days_since: i64,
    /// Longer without contact than the lead's setting.
    pub no_contact: bool,
    /// The lead's setting.
    pub alert_days: i32,
}

/// The contact state of cases, with their leads (for lists): cases without a clock (no
/// intake and no entry yet) are left out.
pub async fn contact_states(
    db: &Db,
    cases: &[(&CaseRow, &AgencyRow)],
    now: DateTime<Utc>,
) -> AppResult<Vec<(Uuid, ContactState)>> {
    let ids: Vec<Uuid> = cases.iter().map(|(c, _)| c.id).collect();
    let clocks = store::clocks_of(db, &ids).await?;
    Ok(clocks
        .into_iter()
        .filter_map(|clock| {
            let (case, lead) = cases.iter().find(|(c, _)| c.id == clock.case_id)?;
            Some((case.id, state_of(clock.last_contact_on, case, lead, now)))
        })
        .collect())
}

/// The contact state of one case led by `lead`, if its clock runs.
pub async fn contact_state(
    db: &Db,
    case: &CaseRow,
    lead: &AgencyRow,
    now: DateTime<Utc>,
) -> AppResult<Option<ContactState>> {
    let found = contact_states(db, &[(case, lead)], now).await?;
    Ok(found.into_iter().next().map(|(_, s)| s))
}

fn state_of(last: NaiveDate, case: &CaseRow, lead: &AgencyRow, now: DateTime<Utc>) -> ContactState {
    let days_since = rules::days_since(last, super::today(lead, now));
    let open = case.status != crate::cases::model::CaseStatus::Closed;
    ContactState {
        last_contact_on: last,
        days_since,
        no_contact: open && rules::no_contact(days_since, lead.no_contact_alert_days),
        alert_days: lead.no_contact_alert_days,
    }
}
