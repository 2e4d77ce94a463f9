//! The case journal as a CSV file (`GET /export/cases.csv`): the cases the caller's
//! agency reaches, newest first, each with its number, status, dates, closure reason and
//! lead agency. Read through [`reads::page`] (the scoped store): nothing out of the
//! agency's scope, and nothing personal, so nothing to audit; the cases' personal parts
//! stay sealed.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::model::ClosureReason;
use super::reads;
use super::store::CaseFilter;
use crate::access::Caller;
use crate::agencies;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::signals::export::local_time;
use crate::spreadsheet::{AgencyFile, CsvFile};
use crate::web::i18n::Lang;
use crate::web::records::case_status;

/// The most rows one file holds.
pub const MAX_ROWS: usize = 10_000;
/// Rows per keyset page while building the file.
const PAGE: usize = 500;

/// The columns: number, status, opened, status changed, decision due, closed, closure
/// reason, lead agency.
pub const HEADER: [&str; 8] = [
    "№ случая",
    "Статус",
    "Открыт",
    "Статус изменён",
    "Срок решения",
    "Закрыт",
    "Причина закрытия",
    "Ведёт случай",
];

/// The case journal of the actor's agency (newest first, at most [`MAX_ROWS`]).
pub async fn cases_csv(db: &Db, caller: &Caller, now: DateTime<Utc>) -> AppResult<AgencyFile> {
    let agency_id = caller.actor()?.agency_id.ok_or(AppError::Forbidden(
        "hub administrators keep no case journal",
    ))?;
    let agency = agencies::store::get(db, agency_id).await?;
    let tz: Tz = agency.time_zone.tz();
    let mut cases = Vec::new();
    let (filter, mut before) = (CaseFilter::default(), None);
    while cases.len() < MAX_ROWS {
        let limit = PAGE.min(MAX_ROWS - cases.len());
        let page = reads::page(db, caller, &filter, before.as_ref(), now, limit as i64).await?;
        let full = page.len() == limit;
        if let Some(last) = page.last() {
            before = Some((last.case.opened_at, last.case.id));
        }
        cases.extend(page.into_iter().map(|view| view.case));
        if !full {
            break;
        }
    }
    let mut leads: Vec<Uuid> = cases.iter().map(|c| c.lead_agency_id).collect();
    leads.sort();
    leads.dedup();
    let leads = agencies::store::get_many(db, &leads).await?;
    let mut file = CsvFile::new();
    file.record(HEADER)?;
    for case in &cases {
        let lead = leads
            .iter()
            .find(|a| a.id == case.lead_agency_id)
            .map(|a| a.name.as_str())
            .unwrap_or_default();
        file.record([
            case.journal_no.as_str(),
            case_status(Lang::Ru, case.status),
            &local_time(Some(case.opened_at), tz),
            &local_time(Some(case.status_changed_at), tz),
            &local_time(case.decision_due_at, tz),
            &local_time(case.closed_at, tz),
            case.closure_reason.map(closure_label).unwrap_or_default(),
            lead,
        ])?;
    }
    Ok(AgencyFile {
        agency_name: agency.name,
        agency_id: agency.id,
        local_date: now.with_timezone(&tz).date_naive(),
        body: file.finish()?,
    })
}

/// Why a case closed, as the journal writes it.
pub fn closure_label(reason: ClosureReason) -> &'static str {
    match reason {
        ClosureReason::DecisionUnchanged => "мать не изменила решение",
        ClosureReason::DecisionChangedResolved => "решение изменено, проблемы решены",
        ClosureReason::SupportCompleted => "сопровождение завершено, план выполнен",
        ClosureReason::CommitmentsBroken => "семья не выполнила обязательства",
        ClosureReason::ChildEndangered => "угроза ребёнку, случай передан в опеку",
        ClosureReason::ClientRefused => "отказ от сотрудничества",
        ClosureReason::GoalsReached => "цели пребывания достигнуты",
        ClosureReason::RulesBroken => "нарушены правила пребывания",
    }
}
