//! The prevention service's steps on a signal's page, the same steps as the API's
//! `receiveSignal`, `assignCurator`, `setVisitDue`, `recordVisit`, `dismissSignal` and
//! `openCase`, each posted to `/signals/{id}/{step}` and run by the same service function,
//! which checks the role, the status and the input. The page offers a step only where the
//! signal's status allows it and the caller's role could take it.

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDateTime, TimeZone as _, Utc};
use uuid::Uuid;

use super::i18n::Lang;
use super::page::{self, Page};
use super::session;
use crate::access::{Caller, Role};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::signals::model::{SignalRow, SignalStatus};
use crate::signals::visit::VisitReport;
use crate::users::store::UserFilter;
use crate::{cases, db, signals, users};

/// The visit report's fields as the API names them, in the order of the report's labels.
pub const VISIT_FIELDS: [&str; 17] = [
    "familyMembers",
    "addresses",
    "situationSummary",
    "materialAndHousing",
    "impressionOfAdults",
    "attitudeToChild",
    "resources",
    "documentsAndCitizenship",
    "keyProblems",
    "medicalParticulars",
    "placementRisk",
    "readiness",
    "childSafetyRisks",
    "informationFromOthers",
    "groundsForHelp",
    "helpRequested",
    "visitorOpinion",
];

/// The steps the page offers the caller now.
#[derive(Default)]
pub struct StepForms {
    pub receive: bool,
    /// The service's curators to choose from, when the head may assign one.
    pub assign: Option<Vec<(Uuid, String)>>,
    pub visit_due: bool,
    pub visit: bool,
    pub dismiss: bool,
    pub open_case: bool,
    /// The visit report's fields: API name and label.
    pub visit_fields: Vec<(&'static str, &'static str)>,
}

impl StepForms {
    /// Whether any step is offered.
    pub fn any(&self) -> bool {
        self.receive
            || self.assign.is_some()
            || self.visit_due
            || self.visit
            || self.dismiss
            || self.open_case
    }
}

/// The steps for `caller` on signal `s`: only for the receiving service's people.
pub async fn offered(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    s: &SignalRow,
) -> AppResult<StepForms> {
    let actor = caller.actor()?;
    if actor.agency_id != Some(s.service_agency_id) {
        return Ok(StepForms::default());
    }
    let head = actor.has(Role::HeadOfService);
    let curator = s.curator_user_id == Some(actor.user_id);
    let receiver = [Role::Curator, Role::HeadOfService, Role::Specialist]
        .iter()
        .any(|r| actor.has(*r));
    use SignalStatus as S;
    let assign = if head && matches!(s.status, S::Received | S::CuratorAssigned) {
        let filter = UserFilter {
            role: Some(Role::Curator),
            active: Some(true),
            ..UserFilter::default()
        };
        let curators =
            users::store::list_page(&state.db, Some(s.service_agency_id), &filter, None, 200)
                .await?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect();
        Some(curators)
    } else {
        None
    };
    let visit = s.status == S::CuratorAssigned && (head || curator);
    Ok(StepForms {
        receive: s.status == S::Sent && receiver,
        assign,
        visit_due: head && matches!(s.status, S::Received | S::CuratorAssigned),
        visit,
        dismiss: (head || curator)
            && matches!(s.status, S::Received | S::CuratorAssigned | S::Visited),
        open_case: s.status == S::Visited
            && (actor.has(Role::HeadOfService) || actor.has(Role::Curator)),
        visit_fields: if visit {
            VISIT_FIELDS
                .iter()
                .copied()
                .zip(page.words.visit_labels.iter().copied())
                .collect()
        } else {
            Vec::new()
        },
    })
}

/// `POST /signals/{id}/{step}`: `receive`, `assign`, `visit-due`, `visit`, `dismiss`,
/// `open-case`. Success goes back to the signal (or on to the case opened); a refusal
/// shows the signal's page with the reason in the user's words.
pub async fn take(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path((id, step)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let here = format!("/signals/{id}");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    let posted = form.get("csrf").map(String::as_str).unwrap_or_default();
    if !session::form_ok(&headers, posted) {
        return page::form_expired(&page);
    }
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let (db, now) = (&state.db, db::now());
    let result: AppResult<String> = async {
        match step.as_str() {
            "receive" => signals::receive(db, &caller, id, now)
                .await
                .map(|_| here.clone()),
            "assign" => {
                let curator = Uuid::parse_str(field("curator_id"))
                    .map_err(|_| AppError::bad_input("curatorId", "choose a curator"))?;
                let reason = Some(field("override_reason").to_owned()).filter(|r| !r.is_empty());
                signals::assign_curator(db, &caller, id, curator, reason, now)
                    .await
                    .map(|_| here.clone())
            }
            "visit-due" => {
                let due = local_moment(&page, "dueAt", field("due_at"))?;
                signals::set_visit_due(db, &caller, id, due, now)
                    .await
                    .map(|_| here.clone())
            }
            "visit" => {
                let visited = local_moment(&page, "visitedAt", field("visited_at"))?;
                let report: serde_json::Map<String, serde_json::Value> = VISIT_FIELDS
                    .iter()
                    .filter(|name| !field(name).is_empty())
                    .map(|name| ((*name).to_owned(), serde_json::Value::from(field(name))))
                    .collect();
                let report: VisitReport = serde_json::from_value(report.into())
                    .map_err(|_| AppError::bad_input("report", "cannot be read"))?;
                signals::record_visit(db, &caller, id, visited, report, now)
                    .await
                    .map(|_| here.clone())
            }
            "dismiss" => signals::dismiss(db, &caller, id, field("reason"), now)
                .await
                .map(|_| here.clone()),
            "open-case" => {
                let shelter = field("shelter") == "on";
                cases::open_from_signal(db, &caller, id, shelter, now)
                    .await
                    .map(|case| format!("/cases/{}", case.id))
            }
            _ => Err(AppError::NotFound("step")),
        }
    }
    .await;
    match result {
        Ok(next) => Redirect::to(&next).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), &here)
        }
        Err(error) => {
            let (status, message) = refusal(page.lang, &error);
            super::signal::render(&state, &caller, &page, id, Some(message), status).await
        }
    }
}

/// A `datetime-local` value (to the minute, or to the second as the visit's default is)
/// read in the agency's time zone.
pub fn local_moment(page: &Page, field: &str, text: &str) -> AppResult<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .map_err(|_| AppError::bad_input(field, "is not a date and time"))?;
    page.zone
        .tz()
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| AppError::bad_input(field, "does not exist in the agency's time zone"))
}

/// A refused step in the user's words.
fn refusal(lang: Lang, error: &AppError) -> (StatusCode, &'static str) {
    let ru = lang == Lang::Ru;
    let pick = |r: &'static str, e: &'static str| if ru { r } else { e };
    match error {
        AppError::BadUserInput { field, .. } => {
            let message = match field.as_str() {
                "curatorId" => pick("Выберите куратора.", "Choose a curator."),
                "dueAt" => pick(
                    "Срок посещения — не раньше получения сигнала, а если мама в палате с ребёнком — в пределах 3 часов после него.",
                    "The visit is due after the signal was received, and within 3 hours of it while the mother is in the ward with the child.",
                ),
                "visitedAt" => pick(
                    "Укажите время посещения: после получения сигнала и не позже, чем сейчас.",
                    "Give the visit's time: after the signal was received and not later than now.",
                ),
                "reason" => pick("Укажите причину.", "Give the reason."),
                _ => pick(
                    "Заполните краткое описание ситуации и мнение специалиста; каждое поле — не длиннее допустимого.",
                    "Fill in the situation summary and the specialist's opinion, each within its length.",
                ),
            };
            (StatusCode::BAD_REQUEST, message)
        }
        AppError::Forbidden(_) => (
            StatusCode::FORBIDDEN,
            pick(
                "Этот шаг делает другой сотрудник.",
                "Another member of staff takes this step.",
            ),
        ),
        AppError::Conflict(message) if message.contains("overrideReason") => (
            StatusCode::CONFLICT,
            pick(
                "У куратора уже полная нагрузка: укажите причину, чтобы назначить его сверх нормы.",
                "The curator's caseload is full: give a reason to assign beyond it.",
            ),
        ),
        _ => (
            StatusCode::CONFLICT,
            pick(
                "Сигнал уже изменился: обновите страницу.",
                "The signal has changed meanwhile: reload the page.",
            ),
        ),
    }
}

/// A signal the service still works on, as its home page lists it (no personal data).
pub struct WorkLine {
    pub id: Uuid,
    pub number: String,
    pub status: &'static str,
    /// The visit's due time, local, when set.
    pub visit_due: String,
    /// The visit is late.
    pub late: bool,
}

/// The service's signals still in work, the oldest step first: sent (to receive), then
/// received, with a curator, and visited (to confirm or close). Empty for other agencies.
pub async fn in_work(state: &AppState, caller: &Caller, page: &Page) -> AppResult<Vec<WorkLine>> {
    let actor = caller.actor()?;
    let Some(agency) = actor.agency_id else {
        return Ok(Vec::new());
    };
    let now = db::now();
    let mut lines = Vec::new();
    for status in [
        SignalStatus::Sent,
        SignalStatus::Received,
        SignalStatus::CuratorAssigned,
        SignalStatus::Visited,
    ] {
        let filter = signals::store::JournalFilter {
            status: Some(status),
            ..Default::default()
        };
        let rows = signals::reads::journal_page(&state.db, caller, &filter, None, now, 50).await?;
        for view in rows {
            let s = &view.signal;
            if s.service_agency_id != agency {
                continue;
            }
            lines.push(WorkLine {
                id: s.id,
                number: s
                    .service_journal_no
                    .clone()
                    .or_else(|| s.sender_journal_no.clone())
                    .unwrap_or_default(),
                status: super::records::signal_status(page.lang, s.status),
                visit_due: s
                    .visit_due_at
                    .map(|t| super::i18n::local_time(t, page.zone))
                    .unwrap_or_default(),
                late: s.visit_due_at.is_some_and(|due| now > due),
            });
        }
    }
    Ok(lines)
}

/// Whether the caller sends hospital signals (the home page links the form).
pub fn reports_signals(caller: &Caller) -> bool {
    caller.actor().is_ok_and(|a| {
        crate::access::roles::REPORT_SIGNALS
            .iter()
            .any(|r| a.has(*r))
    })
}
