//! The prevention service's form for a signal from another source (`/signals/record`),
//! the workspace's `recordSignal`: the family, a state body, another NGO or acquaintances
//! tell the service directly, by telephone or in person. The signal is registered as
//! received in the service's journal by the same `signals::record` the API calls. The page
//! is the hospital's form without the hospital's part (the service chosen, the times).

use std::collections::HashMap;

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::i18n::Lang;
use super::page::{self, Page};
use super::session;
use super::signal_report::{now_local, refusal, screening_words, About, ReportPage};
use crate::access::{roles, Caller};
use crate::agencies::AgencyKind;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::signals::intake::{NewSignal, RecordSignalInput};
use crate::signals::model::SignalSource;
use crate::{agencies, db, signals};

const PATH: &str = "/signals/record";

/// The sources a service records, as the form offers them (the hospital sends its own).
const SOURCES: [(SignalSource, &str, &str, &str); 4] = [
    (
        SignalSource::Family,
        "FAMILY",
        "Сама семья",
        "The family itself",
    ),
    (
        SignalSource::StateBody,
        "STATE_BODY",
        "Государственный орган",
        "A state body",
    ),
    (SignalSource::Ngo, "NGO", "Другая НКО", "Another NGO"),
    (
        SignalSource::Acquaintances,
        "ACQUAINTANCES",
        "Знакомые, соседи",
        "Acquaintances, neighbours",
    ),
];

/// Whether the caller records signals: a curator, specialist or head of a prevention
/// service, the roles that receive the hospitals' signals.
pub async fn records_signals(state: &AppState, caller: &Caller) -> AppResult<bool> {
    let Ok(actor) = caller.actor() else {
        return Ok(false);
    };
    let Some(agency) = actor.agency_id else {
        return Ok(false);
    };
    if !roles::RECEIVE_SIGNALS.iter().any(|r| actor.has(*r)) {
        return Ok(false);
    }
    Ok(agencies::store::get(&state.db, agency).await?.kind == AgencyKind::PreventionService)
}

/// The page exists only for those who record signals; for anyone else it is `NOT_FOUND`.
async fn allowed(state: &AppState, caller: &Caller) -> AppResult<()> {
    if records_signals(state, caller).await? {
        Ok(())
    } else {
        Err(AppError::NotFound("page"))
    }
}

/// `GET /signals/record`.
pub async fn form(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, PATH).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    if let Err(failure) = allowed(&state, &caller).await {
        return page::error(&page, &caller, failure, PATH);
    }
    render(&page, &HashMap::new(), None, StatusCode::OK)
}

fn render(
    page: &Page,
    entered: &HashMap<String, String>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let ru = page.lang == Lang::Ru;
    let sources: Vec<(&str, &str)> = SOURCES
        .iter()
        .map(|(_, value, r, e)| (*value, if ru { *r } else { *e }))
        .collect();
    page::html(
        status,
        &ReportPage {
            page,
            services: &[],
            sources: &sources,
            screening: screening_words(page.lang),
            entered,
            now_local: now_local(page),
            error,
        },
    )
}

/// `POST /signals/record`: the signal is registered, and its page opens.
pub async fn submit(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, PATH).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let posted = form.get("csrf").map(String::as_str).unwrap_or_default();
    if !session::form_ok(&headers, posted) {
        return page::form_expired(&page);
    }
    if let Err(failure) = allowed(&state, &caller).await {
        return page::error(&page, &caller, failure, PATH);
    }
    let now = db::now();
    let result = async {
        let input = read(&page, &form)?;
        let service = caller
            .actor()?
            .agency_id
            .ok_or(AppError::NotFound("page"))?;
        let new = NewSignal::from_record(input, service, now)?;
        signals::record(&state.db, &caller, new, now).await
    };
    match result.await {
        Ok(row) => Redirect::to(&format!("/signals/{}", row.id)).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), PATH)
        }
        Err(error) => {
            let (status, message) = refusal(page.lang, &error);
            render(&page, &form, Some(message), status)
        }
    }
}

fn read(page: &Page, form: &HashMap<String, String>) -> AppResult<RecordSignalInput> {
    let text = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let source = SOURCES
        .iter()
        .find(|(_, value, _, _)| *value == text("source"))
        .map(|(source, ..)| *source)
        .ok_or_else(|| AppError::bad_input("source", "choose where the signal came from"))?;
    let about = About::read(page, form)?;
    Ok(RecordSignalInput {
        source,
        source_contact: Some(text("source_contact").to_owned()).filter(|c| !c.is_empty()),
        mother: about.mother,
        child: about.child,
        in_ward_with_child: about.in_ward_with_child,
        screening: about.screening,
        situation: about.situation,
    })
}
