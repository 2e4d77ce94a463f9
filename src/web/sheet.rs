//! A case's signal sheet to print (`GET /cases/{id}/signal-sheet`): every field of the
//! sheet, headed with the case's number and the agency that keeps it, laid out for A4
//! portrait. The sheet is the case's personal data: FULL scope only, read through
//! `cases::reads` (which notes the read for the audit); anyone else gets the not-found
//! page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use uuid::Uuid;

use super::i18n::local_time;
use super::page::{self, Page};
use super::records;
use crate::access::Caller;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::{agencies, cases, db};

/// The sheet as its page shows it: every field, filled or blank.
pub struct SheetView {
    pub case_id: Uuid,
    pub number: String,
    pub agency: String,
    pub status: &'static str,
    pub opened: String,
    pub rows: Vec<(&'static str, String)>,
    pub printed: String,
}

#[derive(Template)]
#[template(path = "web/templates/sheet.html")]
struct SheetPage<'a> {
    page: &'a Page,
    view: &'a SheetView,
}

/// `GET /cases/{id}/signal-sheet`.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/cases/{id}/signal-sheet");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    match view(&state, &caller, &page, id).await {
        Ok(view) => page::html(
            StatusCode::OK,
            &SheetPage {
                page: &page,
                view: &view,
            },
        ),
        Err(error) => page::error(&page, &caller, error, &here),
    }
}

async fn view(state: &AppState, caller: &Caller, page: &Page, id: Uuid) -> AppResult<SheetView> {
    let (db, now) = (&state.db, db::now());
    let read = cases::reads::get(db, caller, id, now).await?;
    // A summary has no sheet to show: the same page as a case out of scope.
    let personal = read
        .personal
        .open(caller)
        .ok_or(AppError::NotFound("case"))?;
    let case = &read.case;
    let sheet = personal.signal_sheet.clone().unwrap_or_default();
    let values = [
        sheet.rehabilitation_potential,
        sheet.parenting_history,
        sheet.housing_and_income,
        sheet.close_people,
        sheet.meeting_with_woman,
        sheet.meeting_with_circle,
    ];
    let rows = page
        .words
        .sheet_labels
        .iter()
        .zip(values)
        .map(|(label, value)| (*label, value.unwrap_or_default()))
        .collect();
    Ok(SheetView {
        case_id: case.id,
        number: case.journal_no.clone(),
        agency: agencies::store::get(db, case.lead_agency_id).await?.name,
        status: records::case_status(page.lang, case.status),
        opened: local_time(case.opened_at, page.zone),
        rows,
        printed: local_time(now, page.zone),
    })
}
