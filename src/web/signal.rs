//! A signal's page (`/signals/{id}`, the link in the new-signal e-mail): its journal
//! facts for both agencies (the hospital and the service) and, in FULL scope, the mother,
//! the situation and the visit report, opened through `signals::reads` (audited). A
//! signal with a case follows the case's scope; out of scope is the not-found page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::i18n::local_time;
use super::page::{self, Page};
use super::records::{self, PersonView, Section};
use crate::access::Caller;
use crate::app::AppState;
use crate::error::AppResult;
use crate::graphql::Schemas;
use crate::{cases, db, signals};

/// The signal as its page shows it.
pub struct SignalView {
    pub id: Uuid,
    pub number: String,
    pub status: &'static str,
    /// Label and local time of each journal step that happened.
    pub steps: Vec<(&'static str, String)>,
    /// The case opened from it, when the viewer reads that case.
    pub case_id: Option<Uuid>,
    /// The family's part: FULL scope only.
    pub family: Option<Section>,
    pub visit_report: Option<Section>,
}

#[derive(Template)]
#[template(path = "web/templates/signal.html")]
struct SignalPage<'a> {
    page: &'a Page,
    view: &'a SignalView,
    /// The prevention service's steps the caller may take now.
    forms: &'a super::signal_steps::StepForms,
    /// Now in the agency's time zone, for the visit's time field.
    now_local: String,
    error: Option<&'a str>,
    /// For the shared records partial: a signal lists no people of its own.
    persons: &'a [PersonView],
    sections: Vec<&'a Section>,
}

/// `GET /signals/{id}`.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/signals/{id}");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    render(&state, &caller, &page, id, None, StatusCode::OK).await
}

/// The signal's page, with a refused step's reason when there is one.
pub async fn render(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    match view(state, caller, page, id).await {
        Ok((view, forms)) => {
            let sections = view.family.iter().chain(view.visit_report.iter()).collect();
            let signal = SignalPage {
                page,
                view: &view,
                forms: &forms,
                now_local: db::now()
                    .with_timezone(&page.zone.tz())
                    .format("%Y-%m-%dT%H:%M:%S")
                    .to_string(),
                error,
                persons: &[],
                sections,
            };
            page::html(status, &signal)
        }
        Err(error) => page::error(page, caller, error, &format!("/signals/{id}")),
    }
}

async fn view(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
) -> AppResult<(SignalView, super::signal_steps::StepForms)> {
    let (db, now, words) = (&state.db, db::now(), page.words);
    let read = signals::reads::get(db, caller, id, now).await?;
    let s = &read.signal;
    let agency = caller.actor()?.agency_id;
    // Each agency reads the signal under its own journal number.
    let number = if agency == s.sender_agency_id {
        s.sender_journal_no.clone()
    } else {
        s.service_journal_no.clone()
    }
    .unwrap_or_default();
    let at = |label: &'static str, time: Option<DateTime<Utc>>| {
        time.map(|t| (label, local_time(t, page.zone)))
    };
    let steps = [
        at(words.step_detected, s.detected_at),
        at(words.step_registered, s.registered_at),
        at(words.step_passed, s.passed_at),
        at(words.step_received, s.received_at),
        at(words.step_visited, s.visited_at),
        at(words.step_dismissed, s.dismissed_at),
    ]
    .into_iter()
    .flatten()
    .collect();
    let case_id = match s.case_id {
        Some(case) => cases::reads::get(db, caller, case, now)
            .await
            .ok()
            .map(|_| case),
        None => None,
    };
    let family = read.personal.open(caller).map(|p| Section {
        heading: words.family,
        rows: [
            (words.mother, p.mother_full_name.clone()),
            (
                words.birth_date,
                p.mother_birth_date.map(|d| records::date(Some(d))),
            ),
            (words.phone, p.mother_phone.clone()),
            (words.address_registered, p.address_registered.clone()),
            (words.address_actual, p.address_actual.clone()),
            (words.situation, p.situation.clone()),
        ]
        .into_iter()
        .filter_map(|(label, value)| value.map(|v| (label, v)))
        .collect(),
    });
    let visit_report = read
        .personal
        .open_some(caller, |p| p.visit_report.clone())
        .map(|report| records::visit_report(words, report));
    let forms = super::signal_steps::offered(state, caller, page, s).await?;
    let view = SignalView {
        id: s.id,
        number,
        status: records::signal_status(page.lang, s.status),
        steps,
        case_id,
        family,
        visit_report,
    };
    Ok((view, forms))
}
