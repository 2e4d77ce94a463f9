//! The lead's steps on a case's page: start decision work, extend it, start support, and
//! close the case with its reason (and, for a shelter, where the mother went). Each posts
//! to `/cases/{id}/steps/{step}` and runs the same service function as its mutation
//! (`startDecisionWork`, `extendDecisionWork`, `startSupport`, `closeCase`), which checks
//! the role, the stage and the input; the page offers only what the stage allows.

use std::collections::HashMap;

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, TimeZone as _, Utc};
use uuid::Uuid;

use super::i18n::Lang;
use super::page;
use super::session;
use crate::access::{roles, Caller};
use crate::app::AppState;
use crate::cases::model::{CaseRow, CaseStatus, ClosureReason, ExitOutcome};
use crate::cases::{self, rules, Move};
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;

/// The steps the case page offers the caller now.
#[derive(Default)]
pub struct CaseStepForms {
    pub start_decision_work: bool,
    pub extend: bool,
    pub start_support: bool,
    /// The closure reasons the stage allows (API name, words), when the caller may close.
    pub close: Vec<(&'static str, &'static str)>,
    /// A shelter case records where the mother went (API name, words).
    pub exit_outcomes: Vec<(&'static str, &'static str)>,
}

impl CaseStepForms {
    /// Whether any step is offered.
    pub fn any(&self) -> bool {
        self.start_decision_work || self.extend || self.start_support || !self.close.is_empty()
    }
}

/// The steps for `caller` on `case`: for the lead agency's people who work on its cases.
pub fn offered(caller: &Caller, lang: Lang, case: &CaseRow) -> CaseStepForms {
    let Ok(actor) = caller.actor() else {
        return CaseStepForms::default();
    };
    let works = roles::WORK_ON_LED_CASES.iter().any(|r| actor.has(*r));
    if actor.agency_id != Some(case.lead_agency_id) || !works {
        return CaseStepForms::default();
    }
    let status = case.status;
    let close = match status {
        CaseStatus::Closed => Vec::new(),
        _ => rules::closure_reasons(status)
            .iter()
            .map(|r| (r.as_str(), reason_words(lang, *r)))
            .collect(),
    };
    let exit_outcomes = if case.shelter {
        EXIT_OUTCOMES
            .iter()
            .map(|o| (outcome_name(*o), outcome_words(lang, *o)))
            .collect()
    } else {
        Vec::new()
    };
    CaseStepForms {
        start_decision_work: status == CaseStatus::Assessment,
        extend: status == CaseStatus::DecisionWork,
        start_support: status == CaseStatus::DecisionWork,
        close,
        exit_outcomes,
    }
}

/// `POST /cases/{id}/steps/{step}`: `start-decision-work`, `extend`, `start-support`,
/// `close`. Success shows the case again; a refusal shows it with the reason.
pub async fn take(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path((id, step)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let here = format!("/cases/{id}");
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
    let result: AppResult<CaseRow> = async {
        match step.as_str() {
            "start-decision-work" => {
                cases::advance(db, &caller, id, Move::StartDecisionWork, now).await
            }
            "start-support" => cases::advance(db, &caller, id, Move::StartSupport, now).await,
            "extend" => {
                let day = NaiveDate::parse_from_str(field("until"), "%Y-%m-%d")
                    .map_err(|_| AppError::bad_input("until", "is not a date"))?;
                // To the end of that day in the agency's time zone.
                let end = day
                    .and_hms_opt(23, 59, 0)
                    .and_then(|t| page.zone.tz().from_local_datetime(&t).earliest())
                    .map(|t| t.with_timezone(&Utc))
                    .ok_or_else(|| AppError::bad_input("until", "is not a day"))?;
                cases::extend_decision_work(db, &caller, id, end, field("reason"), now).await
            }
            "close" => {
                let reason = rules_reason(field("reason"))
                    .ok_or_else(|| AppError::bad_input("reason", "choose the reason"))?;
                let outcome = match field("exit_outcome") {
                    "" => None,
                    name => Some(
                        EXIT_OUTCOMES
                            .iter()
                            .copied()
                            .find(|o| outcome_name(*o) == name)
                            .ok_or_else(|| AppError::bad_input("exitOutcome", "unknown"))?,
                    ),
                };
                cases::close(db, &caller, id, reason, outcome, now).await
            }
            _ => Err(AppError::NotFound("step")),
        }
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&here).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), &here)
        }
        Err(error) => {
            let (status, message) = refusal(page.lang, &error);
            super::case::render(&state, &caller, &page, id, Some(message), status).await
        }
    }
}

fn rules_reason(name: &str) -> Option<ClosureReason> {
    ALL_REASONS.iter().copied().find(|r| r.as_str() == name)
}

const ALL_REASONS: [ClosureReason; 8] = [
    ClosureReason::DecisionUnchanged,
    ClosureReason::DecisionChangedResolved,
    ClosureReason::SupportCompleted,
    ClosureReason::CommitmentsBroken,
    ClosureReason::ChildEndangered,
    ClosureReason::ClientRefused,
    ClosureReason::GoalsReached,
    ClosureReason::RulesBroken,
];

const EXIT_OUTCOMES: [ExitOutcome; 8] = [
    ExitOutcome::Renting,
    ExitOutcome::ReturnedHomeRegion,
    ExitOutcome::OtherShelter,
    ExitOutcome::ReunitedWithRelatives,
    ExitOutcome::HousingObtained,
    ExitOutcome::LiveInWork,
    ExitOutcome::LeftEarlyUnknown,
    ExitOutcome::OwnHousing,
];

fn outcome_name(o: ExitOutcome) -> &'static str {
    match o {
        ExitOutcome::Renting => "RENTING",
        ExitOutcome::ReturnedHomeRegion => "RETURNED_HOME_REGION",
        ExitOutcome::OtherShelter => "OTHER_SHELTER",
        ExitOutcome::ReunitedWithRelatives => "REUNITED_WITH_RELATIVES",
        ExitOutcome::HousingObtained => "HOUSING_OBTAINED",
        ExitOutcome::LiveInWork => "LIVE_IN_WORK",
        ExitOutcome::LeftEarlyUnknown => "LEFT_EARLY_UNKNOWN",
        ExitOutcome::OwnHousing => "OWN_HOUSING",
    }
}

/// Where the mother went, in the user's words.
fn outcome_words(lang: Lang, o: ExitOutcome) -> &'static str {
    let (ru, en) = match o {
        ExitOutcome::Renting => ("Снимает жильё", "Renting"),
        ExitOutcome::ReturnedHomeRegion => {
            ("Вернулась в свой регион", "Returned to her home region")
        }
        ExitOutcome::OtherShelter => ("Переехала в другой приют", "Moved to another shelter"),
        ExitOutcome::ReunitedWithRelatives => ("Вернулась к родственникам", "Back with relatives"),
        ExitOutcome::HousingObtained => ("Получила или купила жильё", "Obtained housing"),
        ExitOutcome::LiveInWork => ("Работают с проживанием", "Live-in work"),
        ExitOutcome::LeftEarlyUnknown => (
            "Ушла досрочно, куда — неизвестно",
            "Left early, where to unknown",
        ),
        ExitOutcome::OwnHousing => ("Вернулась в своё жильё", "Back to her own housing"),
    };
    if lang == Lang::Ru {
        ru
    } else {
        en
    }
}

/// A closure reason in the user's words.
pub fn reason_words(lang: Lang, r: ClosureReason) -> &'static str {
    let (ru, en) = match r {
        ClosureReason::DecisionUnchanged => (
            "Мать не изменила решение",
            "She did not change her decision",
        ),
        ClosureReason::DecisionChangedResolved => (
            "Решение изменено, проблемы решены",
            "Decision changed, problems resolved",
        ),
        ClosureReason::SupportCompleted => (
            "Сопровождение завершено: ребёнок в семье, риска нет",
            "Support completed: the child stays, no risk",
        ),
        ClosureReason::CommitmentsBroken => (
            "Семья не выполняет обязательства (информация передана)",
            "Commitments broken (information passed on)",
        ),
        ClosureReason::ChildEndangered => (
            "Угроза ребёнку (дело передано в опеку)",
            "The child endangered (passed to guardianship)",
        ),
        ClosureReason::ClientRefused => ("Клиент отказался от помощи", "The client refused help"),
        ClosureReason::GoalsReached => ("Цели достигнуты", "Goals reached"),
        ClosureReason::RulesBroken => ("Нарушены правила проживания", "The shelter's rules broken"),
    };
    if lang == Lang::Ru {
        ru
    } else {
        en
    }
}

/// A refused step in the user's words.
fn refusal(lang: Lang, error: &AppError) -> (StatusCode, &'static str) {
    let ru = lang == Lang::Ru;
    let pick = |r: &'static str, e: &'static str| if ru { r } else { e };
    match error {
        AppError::BadUserInput { field, .. } => {
            let message = match field.as_str() {
                "until" => pick(
                    "Новый срок должен быть позже текущего.",
                    "The new due day must be later than the current one.",
                ),
                "exitOutcome" => pick(
                    "Для случая приюта укажите, куда ушла мама.",
                    "For a shelter case, say where the mother went.",
                ),
                _ => pick("Укажите причину.", "Give the reason."),
            };
            (StatusCode::BAD_REQUEST, message)
        }
        AppError::Forbidden(_) => (
            StatusCode::FORBIDDEN,
            pick("Этот шаг делает куратор случая или руководитель.", "The case's curator or the head takes this step."),
        ),
        AppError::Conflict(message) if message.contains("NOTICE") || message.contains("TRANSFER") => (
            StatusCode::CONFLICT,
            pick(
                "Сначала передайте информацию (информирование принято) или дело (передача принята) в соцзащиту или опеку.",
                "First inform social protection or guardianship (acknowledged) or pass the case on (accepted).",
            ),
        ),
        _ => (
            StatusCode::CONFLICT,
            pick("Случай уже изменился: обновите страницу.", "The case has changed meanwhile: reload the page."),
        ),
    }
}
