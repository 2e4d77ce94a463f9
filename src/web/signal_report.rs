//! The hospital's form to send a signal (`/signals/new`), the workspace's `reportSignal`:
//! the mother, the child, the eight screening questions of seed 002, the situation, and the
//! times the risk was noticed and registered (in the hospital's time zone). It is checked
//! and stored by the same `signals::report`; the service is told by e-mail as from the API.
//! The service's own form for a signal from another source (`signal_record.rs`) shares
//! this page and the reading of the mother, the child and the screening.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use super::i18n::Lang;
use super::page::{self, Page};
use super::session;
use crate::access::{roles, Caller};
use crate::agencies::AgencyKind;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::signals::intake::{ChildInput, MotherInput, NewSignal, ReportSignalInput};
use crate::signals::model::{ChildSex, Screening};
use crate::{agencies, db, signals};

/// The screening questions: the form's field name, Russian and English.
pub const SCREENING: [(&str, &str, &str); 8] = [
    (
        "intent_or_fact_of_refusal",
        "Намерение или факт отказа от ребёнка",
        "Intent or fact of refusal of the child",
    ),
    (
        "threat_of_removal",
        "Угроза изъятия ребёнка",
        "Threat of the child's removal",
    ),
    (
        "fact_of_removal",
        "Ребёнок изъят",
        "The child has been removed",
    ),
    (
        "risk_of_voluntary_placement",
        "Риск добровольного помещения в учреждение",
        "Risk of voluntary placement in an institution",
    ),
    (
        "fact_of_voluntary_placement",
        "Ребёнок помещён в учреждение добровольно",
        "The child has been placed voluntarily",
    ),
    (
        "no_housing",
        "Нет жилья, чтобы жить с ребёнком",
        "No housing to live in with the child",
    ),
    (
        "no_means_of_living",
        "Нет средств к существованию",
        "No means of living",
    ),
    (
        "low_parenting_competence",
        "Очень низкая родительская компетентность",
        "Very low parenting competence",
    ),
];

#[derive(Template)]
#[template(path = "web/templates/signal_report.html")]
pub(super) struct ReportPage<'a> {
    pub page: &'a Page,
    /// The hospital's choice of service; empty on the service's own form.
    pub services: &'a [(String, String)],
    /// The sources a service may record (value, words); empty on the hospital's form.
    pub sources: &'a [(&'static str, &'static str)],
    pub screening: Vec<(&'static str, &'static str)>,
    /// What was posted, kept when the form is refused.
    pub entered: &'a HashMap<String, String>,
    pub now_local: String,
    pub error: Option<&'a str>,
}

impl ReportPage<'_> {
    fn value(&self, name: &str) -> &str {
        self.entered
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }

    fn ticked(&self, name: &str) -> bool {
        self.entered.get(name).is_some_and(|v| v == "on")
    }
}

/// `GET /signals/new`: for a hospital's responsible specialists.
pub async fn form(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, "/signals/new").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    render(
        &state,
        &caller,
        &page,
        &HashMap::new(),
        None,
        StatusCode::OK,
    )
    .await
}

async fn render(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    entered: &HashMap<String, String>,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    match services(state, caller).await {
        Ok(services) => page::html(
            status,
            &ReportPage {
                page,
                services: &services,
                sources: &[],
                screening: screening_words(page.lang),
                entered,
                now_local: now_local(page),
                error,
            },
        ),
        Err(failure) => page::error(page, caller, failure, "/signals/new"),
    }
}

/// The screening questions in the page's language.
pub(super) fn screening_words(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let ru = lang == Lang::Ru;
    SCREENING
        .iter()
        .map(|(name, r, e)| (*name, if ru { *r } else { *e }))
        .collect()
}

pub(super) fn now_local(page: &Page) -> String {
    db::now()
        .with_timezone(&page.zone.tz())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The prevention services to send to; `NOT_FOUND` for anyone who does not report
/// signals, so the form does not exist for them.
async fn services(state: &AppState, caller: &Caller) -> AppResult<Vec<(String, String)>> {
    let actor = caller.actor()?;
    if !roles::REPORT_SIGNALS.iter().any(|r| actor.has(*r)) {
        return Err(AppError::NotFound("page"));
    }
    let filter = agencies::store::AgencyFilter {
        active: Some(true),
        kind: Some(AgencyKind::PreventionService),
        ..Default::default()
    };
    Ok(agencies::store::list_page(&state.db, &filter, None, 200)
        .await?
        .into_iter()
        .map(|a| (a.id.to_string(), a.name))
        .collect())
}

/// `POST /signals/new`: the signal is sent, and its page opens.
pub async fn submit(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, "/signals/new").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let posted = form.get("csrf").map(String::as_str).unwrap_or_default();
    if !session::form_ok(&headers, posted) {
        return page::form_expired(&page);
    }
    if let Err(failure) = services(&state, &caller).await {
        return page::error(&page, &caller, failure, "/signals/new");
    }
    let now = db::now();
    let result = match read(&page, &form) {
        Ok(input) => match NewSignal::from_report(input, now) {
            Ok(new) => signals::report(&state.db, &caller, new, now).await,
            Err(refused) => Err(refused),
        },
        Err(refused) => Err(refused),
    };
    match result {
        Ok(row) => Redirect::to(&format!("/signals/{}", row.id)).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), "/signals/new")
        }
        Err(error) => {
            let (status, message) = refusal(page.lang, &error);
            render(&state, &caller, &page, &form, Some(message), status).await
        }
    }
}

/// The API's input from the posted form; a field that cannot be read is refused by name.
fn read(page: &Page, form: &HashMap<String, String>) -> AppResult<ReportSignalInput> {
    let text = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let moment =
        |name: &str, field: &str| super::signal_steps::local_moment(page, field, text(name));
    let service = text("service_agency_id");
    if service.is_empty() {
        return Err(AppError::bad_input("serviceAgencyId", "choose a service"));
    }
    let about = About::read(page, form)?;
    Ok(ReportSignalInput {
        service_agency_id: async_graphql::ID(service.to_owned()),
        mother: about.mother,
        child: about.child,
        in_ward_with_child: about.in_ward_with_child,
        detected_at: moment("detected_at", "detectedAt")?,
        registered_at: moment("registered_at", "registeredAt")?,
        screening: about.screening,
        situation: about.situation,
    })
}

/// What both signal forms ask: the mother, the child, the screening and the situation.
pub(super) struct About {
    pub mother: MotherInput,
    pub child: Option<ChildInput>,
    pub in_ward_with_child: bool,
    pub screening: Screening,
    pub situation: String,
}

impl About {
    pub(super) fn read(page: &Page, form: &HashMap<String, String>) -> AppResult<About> {
        let text = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
        let optional = |name: &str| Some(text(name).to_owned()).filter(|v| !v.is_empty());
        let birth_date = match text("birth_date") {
            "" => None,
            day => Some(
                NaiveDate::parse_from_str(day, "%Y-%m-%d")
                    .map_err(|_| AppError::bad_input("birthDate", "is not a date"))?,
            ),
        };
        let born_at = match text("born_at") {
            "" => None,
            moment => Some(super::signal_steps::local_moment(page, "bornAt", moment)?),
        };
        let sex = match text("sex") {
            "FEMALE" => Some(ChildSex::Female),
            "MALE" => Some(ChildSex::Male),
            _ => None,
        };
        let health_notes = optional("health_notes");
        let child =
            (born_at.is_some() || sex.is_some() || health_notes.is_some()).then_some(ChildInput {
                born_at,
                sex,
                health_notes,
            });
        let tick = |name: &str| text(name) == "on";
        Ok(About {
            mother: MotherInput {
                full_name: text("full_name").to_owned(),
                birth_date,
                phone: optional("phone"),
                registered_address: optional("registered_address"),
                actual_address: optional("actual_address"),
                ambulance_from_address: optional("ambulance_from_address"),
            },
            child,
            in_ward_with_child: tick("in_ward_with_child"),
            screening: Screening {
                intent_or_fact_of_refusal: tick("intent_or_fact_of_refusal"),
                threat_of_removal: tick("threat_of_removal"),
                fact_of_removal: tick("fact_of_removal"),
                risk_of_voluntary_placement: tick("risk_of_voluntary_placement"),
                fact_of_voluntary_placement: tick("fact_of_voluntary_placement"),
                no_housing: tick("no_housing"),
                no_means_of_living: tick("no_means_of_living"),
                low_parenting_competence: tick("low_parenting_competence"),
            },
            situation: text("situation").to_owned(),
        })
    }
}

/// A refused form in the user's words, naming the field at fault.
pub(super) fn refusal(lang: Lang, error: &AppError) -> (StatusCode, &'static str) {
    let ru = lang == Lang::Ru;
    let pick = |r: &'static str, e: &'static str| if ru { r } else { e };
    let message = match error {
        AppError::BadUserInput { field, .. } => match field.as_str() {
            "serviceAgencyId" => pick("Выберите службу профилактики.", "Choose the prevention service."),
            "fullName" => pick("Укажите фамилию, имя и отчество матери.", "Give the mother's full name."),
            "birthDate" => pick("Дата рождения матери — не позже сегодняшней.", "The mother's birth date cannot be in the future."),
            "bornAt" => pick("Время рождения ребёнка — не позже, чем сейчас.", "The child's birth time cannot be in the future."),
            "detectedAt" | "registeredAt" => pick(
                "Время выявления и регистрации — не позже, чем сейчас, и регистрация не раньше выявления.",
                "The times noticed and registered cannot be in the future, and registration cannot come before noticing.",
            ),
            "situation" => pick("Опишите ситуацию.", "Describe the situation."),
            "source" => pick("Выберите, откуда поступил сигнал.", "Choose where the signal came from."),
            "sourceContact" => pick("Контакты сообщившего — не длиннее 5000 знаков.", "The reporter's contacts: at most 5,000 characters."),
            _ => pick("Проверьте заполнение полей.", "Check the fields."),
        },
        AppError::Forbidden(_) => {
            return (
                StatusCode::FORBIDDEN,
                pick("Сигналы отправляет ответственный специалист роддома.", "The hospital's responsible specialist sends signals."),
            )
        }
        _ => {
            return (
                StatusCode::CONFLICT,
                pick("Сигнал не отправлен: попробуйте ещё раз.", "The signal was not sent: try again."),
            )
        }
    };
    (StatusCode::BAD_REQUEST, message)
}
