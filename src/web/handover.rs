//! A request's page (`/handovers/{id}`, the link in the receiver's e-mail): the case in
//! the scope the viewer holds, the request, and its package when the viewer may read it,
//! with the decision forms for the receiver. Everything is read through the scoped store,
//! as `handover(id:)` reads it; a request out of scope is the not-found page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::{local_time, Words};
use super::page::{self, Page};
use super::records::{self, PersonView, Section};
use super::session;
use crate::access::{policy, Caller};
use crate::app::AppState;

use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::handovers;
use crate::handovers::model::{HandoverKind, HandoverStatus, PackageRecord};
use crate::handovers::reads::{self, Package};
use crate::{agencies, cases, db};

/// A document of the package.
pub struct DocumentView {
    pub id: Uuid,
    pub file_name: String,
    pub size: String,
}

/// What the package shows.
pub struct PackageView {
    pub persons: Vec<PersonView>,
    pub sections: Vec<Section>,
    pub consents: Vec<String>,
    pub documents: Vec<DocumentView>,
}

/// The request as its page shows it.
pub struct HandoverView {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: &'static str,
    pub status: &'static str,
    pub case_number: String,
    pub case_status: &'static str,
    pub case_opened: String,
    /// Whether the viewer reads the case in full (a link to its page).
    pub case_open: bool,
    pub from: String,
    pub to: String,
    pub requested: String,
    pub deadline: String,
    pub overdue: bool,
    pub reason: Option<String>,
    pub records: Vec<&'static str>,
    pub accepted_under: Option<String>,
    /// The receiver's own order, when it issued one besides its registration.
    pub receiver_order: Option<String>,
    /// The sending head's order that formalises a transfer.
    pub sender_order: Option<String>,
    pub declined_because: Option<String>,
    pub package: Option<PackageView>,
    pub can_decide: bool,
    pub order_required: bool,
    /// A notice: the receiver acknowledges its receipt instead of accepting it.
    pub notice: bool,
}

#[derive(Template)]
#[template(path = "web/templates/handover.html")]
struct HandoverPage<'a> {
    page: &'a Page,
    view: &'a HandoverView,
    error: Option<&'a str>,
}

/// `GET /handovers/{id}`.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/handovers/{id}");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    render(&state, &caller, &page, id, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    match view(state, caller, page, id).await {
        Ok(view) => page::html(
            status,
            &HandoverPage {
                page,
                view: &view,
                error,
            },
        ),
        Err(error) => page::error(page, caller, error, &format!("/handovers/{id}")),
    }
}

async fn view(state: &AppState, caller: &Caller, page: &Page, id: Uuid) -> AppResult<HandoverView> {
    let (db, now, words) = (&state.db, db::now(), page.words);
    let actor = caller.actor()?;
    let viewer = actor.viewer();
    let read = handovers::reads::get(db, caller, id, now).await?;
    let h = &read.handover;
    let (case, scope) = cases::store::get_visible(db, viewer, h.case_id, now).await?;
    let agencies = agencies::store::get_many(db, &[h.from_agency_id, h.to_agency_id]).await?;
    let name = |id: Uuid| {
        agencies
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let package = match read.package.open(caller) {
        Some(opened) => Some(package(state, page, opened).await?),
        None => None,
    };
    let receiving = actor.agency_id == Some(h.to_agency_id);
    let transfer = h.kind == HandoverKind::Transfer;
    let notice = h.kind == HandoverKind::Notice;
    Ok(HandoverView {
        id: h.id,
        case_id: h.case_id,
        kind: records::handover_kind(words, h.kind),
        status: records::handover_status(words, h.status),
        case_number: case.journal_no.clone(),
        case_status: records::case_status(page.lang, case.status),
        case_opened: local_time(case.opened_at, page.zone),
        case_open: scope == crate::access::Scope::Full,
        from: name(h.from_agency_id),
        to: name(h.to_agency_id),
        requested: local_time(h.requested_at, page.zone),
        deadline: local_time(h.deadline_at, page.zone),
        overdue: h.status == HandoverStatus::Pending && h.deadline_at < now,
        reason: h.reason.clone(),
        records: h.records.0.iter().map(|r| record_word(words, *r)).collect(),
        accepted_under: numbered(&h.registration_number, h.registration_date)
            .or_else(|| numbered(&h.order_number, h.order_date)),
        receiver_order: h
            .registration_number
            .as_ref()
            .and(numbered(&h.order_number, h.order_date)),
        sender_order: numbered(&h.sender_order_number, h.sender_order_date),
        declined_because: h.decline_reason.clone(),
        package,
        can_decide: receiving
            && h.status == HandoverStatus::Pending
            && policy::ensure_decides_on(actor, transfer).is_ok(),
        order_required: transfer || notice,
        notice,
    })
}

/// The package, opened through the read side (which noted the read of the case for the
/// audit, as `handover { package }` does) and read with what opening it gave.
async fn package(state: &AppState, page: &Page, opened: &Package) -> AppResult<PackageView> {
    let (db, now, words) = (&state.db, db::now(), page.words);
    let mut view = PackageView {
        persons: Vec::new(),
        sections: Vec::new(),
        consents: Vec::new(),
        documents: reads::documents(db, opened, now)
            .await?
            .into_iter()
            .map(|d| DocumentView {
                id: d.id,
                file_name: d.file_name,
                size: records::file_size(d.size_bytes),
            })
            .collect(),
    };
    if opened.has(PackageRecord::Persons) {
        let persons = reads::persons(db, opened, now).await?;
        view.persons = persons
            .into_iter()
            .map(|p| records::person(page.lang, p))
            .collect();
    }
    if opened.has(PackageRecord::SignalSheet) {
        if let Some(sheet) = reads::signal_sheet(db, opened, now).await? {
            view.sections.push(records::signal_sheet(words, sheet));
        }
    }
    if opened.has(PackageRecord::VisitReport) {
        if let Some(report) = reads::visit_report(db, opened, now).await? {
            view.sections.push(records::visit_report(words, report));
        }
    }
    if opened.has(PackageRecord::Consents) {
        view.consents = reads::consents(db, opened, now)
            .await?
            .iter()
            .map(|(c, _)| records::consent(words, page.zone, c))
            .collect();
    }
    Ok(view)
}

/// The package inventory (опись) as it prints: what goes with the request, under the
/// sender's order mark, with lines to sign.
pub struct Inventory {
    pub id: Uuid,
    pub kind: &'static str,
    pub case_number: String,
    pub requested: String,
    pub from: String,
    pub to: String,
    pub sender_order: Option<String>,
    /// Each item and its note (a document's size).
    pub items: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "web/templates/inventory.html")]
struct InventoryPage<'a> {
    page: &'a Page,
    inv: &'a Inventory,
}

/// `GET /handovers/{id}/inventory`: the inventory for printing, for both agencies. The
/// documents' names are part of the package: listed where the package opens (audited).
pub async fn inventory(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/handovers/{id}/inventory");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    match inventory_of(&state, &caller, &page, id).await {
        Ok(inv) => page::html(
            StatusCode::OK,
            &InventoryPage {
                page: &page,
                inv: &inv,
            },
        ),
        Err(error) => page::error(&page, &caller, error, &here),
    }
}

async fn inventory_of(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
) -> AppResult<Inventory> {
    let (db, now, words) = (&state.db, db::now(), page.words);
    let read = handovers::reads::get(db, caller, id, now).await?;
    let h = &read.handover;
    let (case, _) = cases::store::get_visible(db, caller.viewer()?, h.case_id, now).await?;
    let agencies = agencies::store::get_many(db, &[h.from_agency_id, h.to_agency_id]).await?;
    let name = |id: Uuid| {
        agencies
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let mut items: Vec<(String, String)> = h
        .records
        .0
        .iter()
        .map(|r| (record_word(words, *r).to_owned(), String::new()))
        .collect();
    if let Some(opened) = read.package.open(caller) {
        for d in reads::documents(db, opened, now).await? {
            items.push((d.file_name, records::file_size(d.size_bytes)));
        }
    }
    Ok(Inventory {
        id: h.id,
        kind: records::handover_kind(words, h.kind),
        case_number: case.journal_no,
        requested: local_time(h.requested_at, page.zone),
        from: name(h.from_agency_id),
        to: name(h.to_agency_id),
        sender_order: numbered(&h.sender_order_number, h.sender_order_date),
        items,
    })
}

/// The posted acceptance.
#[derive(Deserialize)]
pub struct AcceptForm {
    csrf: String,
    registration_number: Option<String>,
    registration_date: Option<String>,
    order_number: Option<String>,
    order_date: Option<String>,
}

/// A form's text field, or nothing when left blank.
fn given(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// A form's date field (`YYYY-MM-DD`, as the browser's date input sends it).
fn form_date(field: &str, value: Option<String>) -> AppResult<Option<NaiveDate>> {
    match given(value) {
        None => Ok(None),
        Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::bad_input(field, "is not a date")),
    }
}

/// The posted refusal.
#[derive(Deserialize)]
pub struct DeclineForm {
    csrf: String,
    reason: String,
}

/// `POST /handovers/{id}/accept`.
pub async fn accept(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<AcceptForm>,
) -> Response {
    let AcceptForm {
        csrf,
        registration_number,
        registration_date,
        order_number,
        order_date,
    } = form;
    decide(
        &state,
        &caller,
        &headers,
        &id,
        &csrf,
        |state, caller, id| async move {
            let acceptance = handovers::Acceptance {
                registration_number: given(registration_number),
                registration_date: form_date("registrationDate", registration_date)?,
                order_number: given(order_number),
                order_date: form_date("orderDate", order_date)?,
                curator_id: None,
            };
            handovers::accept(&state.db, caller, id, acceptance, db::now()).await?;
            Ok(())
        },
    )
    .await
}

/// The posted acknowledgement of a notice.
#[derive(Deserialize)]
pub struct AcknowledgeForm {
    csrf: String,
    registration_number: String,
    registration_date: Option<String>,
}

/// `POST /handovers/{id}/acknowledge`: the receiver registers a notice's receipt.
pub async fn acknowledge(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<AcknowledgeForm>,
) -> Response {
    let AcknowledgeForm {
        csrf,
        registration_number,
        registration_date,
    } = form;
    decide(
        &state,
        &caller,
        &headers,
        &id,
        &csrf,
        |state, caller, id| async move {
            let date = form_date("registrationDate", registration_date)?;
            handovers::acknowledge_notice(
                &state.db,
                caller,
                id,
                &registration_number,
                date,
                db::now(),
            )
            .await?;
            Ok(())
        },
    )
    .await
}

/// `POST /handovers/{id}/decline`.
pub async fn decline(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<DeclineForm>,
) -> Response {
    let reason = form.reason;
    decide(
        &state,
        &caller,
        &headers,
        &id,
        &form.csrf,
        |state, caller, id| async move {
            handovers::decline(&state.db, caller, id, &reason, db::now()).await?;
            Ok(())
        },
    )
    .await
}

/// Checks the form's token, runs the decision, and shows the request again: after a
/// decision its new state, after a refused one the form with the reason in the user's
/// words (the input is not lost: only the field at fault is named).
async fn decide<'a, F, Fut>(
    state: &'a AppState,
    caller: &'a Caller,
    headers: &HeaderMap,
    id: &str,
    csrf: &str,
    act: F,
) -> Response
where
    F: FnOnce(&'a AppState, &'a Caller, Uuid) -> Fut,
    Fut: std::future::Future<Output = AppResult<()>>,
{
    let here = format!("/handovers/{id}");
    let page = match page::frame(state, caller, headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(id) else {
        return page::not_found(&page);
    };
    if !session::form_ok(headers, csrf) {
        return page::form_expired(&page);
    }
    match act(state, caller, id).await {
        Ok(()) => Redirect::to(&here).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, caller, AppError::NotFound(what), &here)
        }
        Err(error) => {
            let (status, message) = refusal(page.words, &error);
            render(state, caller, &page, id, Some(message), status).await
        }
    }
}

/// A paper's number and date as people write them, `112-о · 23.11.2026`.
fn numbered(number: &Option<String>, date: Option<NaiveDate>) -> Option<String> {
    number.as_ref().map(|n| match date {
        Some(date) => format!("{n} · {}", date.format("%d.%m.%Y")),
        None => n.clone(),
    })
}

/// A refused decision in the user's words.
fn refusal(words: &'static Words, error: &AppError) -> (StatusCode, &'static str) {
    match error {
        AppError::BadUserInput { field, .. } if field == "registrationNumber" => {
            (StatusCode::BAD_REQUEST, words.order_required)
        }
        AppError::BadUserInput { field, message }
            if field == "registrationDate" || field == "orderDate" =>
        {
            if message.contains("future") {
                (StatusCode::BAD_REQUEST, words.date_in_future)
            } else {
                (StatusCode::BAD_REQUEST, words.not_a_date)
            }
        }
        AppError::BadUserInput { .. } => (StatusCode::BAD_REQUEST, words.reason_required),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, words.not_allowed),
        _ => (StatusCode::CONFLICT, words.already_decided),
    }
}

pub(super) fn record_word(words: &Words, record: PackageRecord) -> &'static str {
    match record {
        PackageRecord::Persons => words.record_persons,
        PackageRecord::SignalSheet => words.record_sheet,
        PackageRecord::VisitReport => words.record_visit,
        PackageRecord::Consents => words.record_consents,
    }
}
