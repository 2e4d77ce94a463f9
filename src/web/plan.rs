//! A plan's pages: the plan on its case (`/plans/{id}`: header, tasks grouped by service
//! or by the shelter's six domains, each task's status form for its responsible agency
//! and the lead, the versions), the difference between two versions
//! (`/plans/{id}/diff?from=&to=`), the client's copy to print on A4
//! (`/plans/{id}/print?version=`, with its version, two signature lines and the day she
//! received it), the case's plans (`/cases/{id}/plans`) and the link in the e-mails
//! (`/plan-tasks/{id}`). Everything is read through `plans::reads`, as `plan(id:)` reads
//! it; out of scope is the not-found page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::Lang;
use super::page::{self, Page};
use super::records;
use super::session;
use crate::access::Caller;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::plans::model::{PlanHeader, PlanKind, PlanStatus, TaskArea, TaskStatus};
use crate::plans::reads::{self, PlanView};
use crate::plans::rules;
use crate::{agencies, cases, db};

pub use super::plan_words::PlanWords;

/// A task as the page shows it.
pub struct TaskLine {
    pub id: Uuid,
    pub client_action: String,
    pub specialist_action: String,
    pub agency: String,
    pub due: String,
    pub overdue: bool,
    pub status: &'static str,
    pub status_code: &'static str,
    pub note: String,
    pub can_update: bool,
}

/// The tasks of one area.
pub struct TaskGroup {
    pub title: &'static str,
    pub tasks: Vec<TaskLine>,
}

/// A version as the page lists it.
pub struct VersionLine {
    pub version: i32,
    pub written: String,
    pub note: String,
    pub received: String,
}

/// The plan as its page shows it.
pub struct PlanPageView {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_number: String,
    pub title: &'static str,
    pub status: &'static str,
    pub version: i32,
    pub due: String,
    pub next_review: String,
    pub review_overdue: bool,
    pub term_until: String,
    pub header: Option<PlanHeader>,
    pub no_plan_reason: Option<String>,
    pub conclusion: Option<String>,
    pub groups: Vec<TaskGroup>,
    pub versions: Vec<VersionLine>,
    pub leads: bool,
}

#[derive(Template)]
#[template(path = "web/templates/plan.html")]
struct PlanPage<'a> {
    page: &'a Page,
    w: &'a PlanWords,
    view: &'a PlanPageView,
    error: Option<&'a str>,
}

pub(super) fn words(page: &Page) -> &'static PlanWords {
    match page.lang {
        Lang::Ru => &super::plan_words::RU,
        Lang::En => &super::plan_words::EN,
    }
}

pub(super) fn title(page: &Page, kind: PlanKind) -> &'static str {
    match page.lang {
        Lang::Ru => kind.title_ru(),
        Lang::En => kind.title_en(),
    }
}

pub(super) fn area_title(page: &Page, area: TaskArea) -> &'static str {
    match page.lang {
        Lang::Ru => area.title_ru(),
        Lang::En => area.title_en(),
    }
}

pub(super) fn status_word(w: &PlanWords, status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Planned => w.planned,
        TaskStatus::InProgress => w.in_progress,
        TaskStatus::Done => w.done,
        TaskStatus::NotDone => w.not_done,
    }
}

fn plan_status_word(w: &PlanWords, status: PlanStatus) -> &'static str {
    match status {
        PlanStatus::Active => w.active,
        PlanStatus::NotDrawnUp => w.not_drawn_up,
        PlanStatus::Closed => w.closed,
    }
}

pub(super) async fn agency_names(state: &AppState, ids: &[Uuid]) -> AppResult<Vec<(Uuid, String)>> {
    Ok(agencies::store::get_many(&state.db, ids)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

pub(super) fn name_of(names: &[(Uuid, String)], id: Uuid) -> String {
    names
        .iter()
        .find(|(a, _)| *a == id)
        .map(|(_, n)| n.clone())
        .unwrap_or_default()
}

async fn view(state: &AppState, caller: &Caller, page: &Page, id: Uuid) -> AppResult<PlanPageView> {
    let (db, now, w) = (&state.db, db::now(), words(page));
    let actor = caller.actor()?;
    let read: PlanView = reads::get(db, caller, id, now).await?;
    let plan = &read.plan;
    let (case, _) = cases::store::get_visible(db, actor.viewer(), plan.case_id, now).await?;
    let leads = actor.agency_id == Some(case.lead_agency_id) && read.reads_full;
    let tasks = reads::tasks(db, caller, plan.id, now).await?;
    let ids: Vec<Uuid> = tasks.iter().map(|t| t.task.responsible_agency_id).collect();
    let names = agency_names(state, &ids).await?;
    let mut groups = Vec::new();
    for area in rules::areas(plan.kind) {
        let lines: Vec<TaskLine> = tasks
            .iter()
            .filter(|t| t.task.area == *area)
            .map(|t| {
                let text = t.text.open(caller);
                let pick = |f: fn(&reads::TaskText) -> &Option<String>| {
                    text.and_then(|x| f(x).clone()).unwrap_or_default()
                };
                TaskLine {
                    id: t.task.id,
                    client_action: pick(|x| &x.client_action),
                    specialist_action: pick(|x| &x.specialist_action),
                    agency: name_of(&names, t.task.responsible_agency_id),
                    due: records::date(Some(t.task.due_on)),
                    overdue: t.overdue(now),
                    status: status_word(w, t.task.status),
                    status_code: t.task.status.as_str(),
                    note: pick(|x| &x.status_note),
                    can_update: plan.status == PlanStatus::Active
                        && crate::access::plans::updates_task(
                            actor.agency_id,
                            t.task.responsible_agency_id,
                            case.lead_agency_id,
                        ),
                }
            })
            .collect();
        if !lines.is_empty() {
            groups.push(TaskGroup {
                title: area_title(page, *area),
                tasks: lines,
            });
        }
    }
    let (mut header, mut versions, mut no_plan_reason, mut conclusion) = (None, vec![], None, None);
    if let Some(full) = read.full.open(caller) {
        header = reads::header(db, full, now).await?;
        no_plan_reason = full.no_plan_reason.clone();
        conclusion = full.conclusion.clone();
        versions = reads::versions(db, full, now)
            .await?
            .into_iter()
            .map(|v| VersionLine {
                version: v.version_no,
                written: super::i18n::local_time(v.created_at, page.zone),
                note: v.change_note.unwrap_or_default(),
                received: records::date(v.client_received_on),
            })
            .collect();
    }
    let today = now.with_timezone(&page.zone.tz()).date_naive();
    Ok(PlanPageView {
        id: plan.id,
        case_id: case.id,
        case_number: case.journal_no,
        title: title(page, plan.kind),
        status: plan_status_word(w, plan.status),
        version: plan.current_version,
        due: records::date(plan.due_on),
        next_review: records::date(plan.next_review_on),
        review_overdue: plan.status == PlanStatus::Active
            && rules::review_overdue(plan.next_review_on, today),
        term_until: records::date(plan.term_until),
        header,
        no_plan_reason,
        conclusion,
        groups,
        versions,
        leads,
    })
}

pub(super) fn parse(id: &str) -> Option<Uuid> {
    Uuid::parse_str(id).ok()
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
            &PlanPage {
                page,
                w: words(page),
                view: &view,
                error,
            },
        ),
        Err(error) => page::error(page, caller, error, &format!("/plans/{id}")),
    }
}

/// `GET /plans/{id}`.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, &format!("/plans/{id}")).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    match parse(&id) {
        Some(id) => render(&state, &caller, &page, id, None, StatusCode::OK).await,
        None => page::not_found(&page),
    }
}

/// `GET /plan-tasks/{id}`: the link in the e-mails, to the task on its plan.
pub async fn task(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, &format!("/plan-tasks/{id}")).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(task_id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    let found = async {
        let viewer = caller.viewer()?;
        let mut tx = state.db.begin().await?;
        let task =
            crate::plans::store::get_task_for_update(&mut tx, viewer, task_id, db::now()).await?;
        tx.commit().await?;
        Ok::<_, AppError>(task)
    }
    .await;
    match found {
        Ok(task) => {
            Redirect::to(&format!("/plans/{}#task-{}", task.plan_id, task.id)).into_response()
        }
        Err(error) => page::error(&page, &caller, error, &format!("/plan-tasks/{id}")),
    }
}

/// The posted task status.
#[derive(Deserialize)]
pub struct StatusForm {
    csrf: String,
    status: String,
    #[serde(default)]
    note: String,
}

/// `POST /plan-tasks/{id}/status`.
pub async fn update_status(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, &format!("/plan-tasks/{id}")).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(task_id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let status = [
        TaskStatus::Planned,
        TaskStatus::InProgress,
        TaskStatus::Done,
        TaskStatus::NotDone,
    ]
    .into_iter()
    .find(|s| s.as_str() == form.status);
    let result = match status {
        Some(status) => {
            crate::plans::update_task(
                &state.db,
                &caller,
                task_id,
                status,
                Some(&form.note),
                db::now(),
            )
            .await
        }
        None => Err(AppError::bad_input("status", "no such status")),
    };
    match result {
        Ok(task) => {
            Redirect::to(&format!("/plans/{}#task-{}", task.plan_id, task.id)).into_response()
        }
        Err(error @ AppError::NotFound(_)) => {
            page::error(&page, &caller, error, &format!("/plan-tasks/{id}"))
        }
        Err(error) => {
            let (code, message) = match error {
                AppError::Forbidden(_) => (StatusCode::FORBIDDEN, words(&page).not_allowed),
                AppError::BadUserInput { .. } => (StatusCode::BAD_REQUEST, words(&page).bad_input),
                _ => (StatusCode::CONFLICT, words(&page).conflict),
            };
            match plan_of_task(&state, &caller, task_id).await {
                Ok(plan_id) => render(&state, &caller, &page, plan_id, Some(message), code).await,
                Err(error) => page::error(&page, &caller, error, &format!("/plan-tasks/{id}")),
            }
        }
    }
}

async fn plan_of_task(state: &AppState, caller: &Caller, task_id: Uuid) -> AppResult<Uuid> {
    let viewer = caller.viewer()?;
    let mut tx = state.db.begin().await?;
    let task =
        crate::plans::store::get_task_for_update(&mut tx, viewer, task_id, db::now()).await?;
    tx.commit().await?;
    Ok(task.plan_id)
}

/// The posted day the client received her copy.
#[derive(Deserialize)]
pub struct ReceivedForm {
    csrf: String,
    version: i32,
    received_on: String,
}

/// `POST /plans/{id}/received`.
pub async fn received(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ReceivedForm>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, &format!("/plans/{id}")).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Some(plan_id) = parse(&id) else {
        return page::not_found(&page);
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let result = match form.received_on.parse::<NaiveDate>() {
        Ok(day) => crate::plans::record_client_copy(
            &state.db,
            &caller,
            plan_id,
            form.version,
            day,
            db::now(),
        )
        .await
        .map(|_| ()),
        Err(_) => Err(AppError::bad_input("receivedOn", "a date")),
    };
    match result {
        Ok(()) => Redirect::to(&format!("/plans/{plan_id}")).into_response(),
        Err(error @ AppError::NotFound(_)) => {
            page::error(&page, &caller, error, &format!("/plans/{id}"))
        }
        Err(error) => {
            let (code, message) = match error {
                AppError::Forbidden(_) => (StatusCode::FORBIDDEN, words(&page).not_allowed),
                AppError::BadUserInput { .. } => (StatusCode::BAD_REQUEST, words(&page).bad_input),
                _ => (StatusCode::CONFLICT, words(&page).conflict),
            };
            render(&state, &caller, &page, plan_id, Some(message), code).await
        }
    }
}

/// A plan in a case's list.
pub struct PlanLine {
    pub id: Uuid,
    pub title: &'static str,
    pub status: &'static str,
    pub version: i32,
}

#[derive(Template)]
#[template(path = "web/templates/plan_list.html")]
struct ListPage<'a> {
    page: &'a Page,
    w: &'a PlanWords,
    case_id: Uuid,
    plans: &'a [PlanLine],
    /// The caller's agency leads the case (it may draw up plans).
    leads: bool,
}

/// `GET /cases/{id}/plans`: the plans of a case that the caller sees.
pub async fn of_case(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/cases/{id}/plans");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Some(case_id) = parse(&id) else {
        return page::not_found(&page);
    };
    let found = async {
        let (case, scope) =
            cases::store::get_visible(&state.db, caller.viewer()?, case_id, db::now()).await?;
        let leads = scope == crate::access::Scope::Full
            && caller.actor()?.agency_id == Some(case.lead_agency_id);
        let plans = reads::of_case(&state.db, &caller, case_id, db::now()).await?;
        Ok::<_, AppError>((plans, leads))
    }
    .await;
    let w = words(&page);
    match found {
        Ok((plans, leads)) => {
            let lines: Vec<PlanLine> = plans
                .iter()
                .map(|p| PlanLine {
                    id: p.plan.id,
                    title: title(&page, p.plan.kind),
                    status: plan_status_word(w, p.plan.status),
                    version: p.plan.current_version,
                })
                .collect();
            page::html(
                StatusCode::OK,
                &ListPage {
                    page: &page,
                    w,
                    case_id,
                    plans: &lines,
                    leads,
                },
            )
        }
        Err(error) => page::error(&page, &caller, error, &here),
    }
}

/// A task of the caller's agency that falls due, as the home page lists it: the case's
/// number, the plan's kind and the day, nothing personal.
pub struct DueLine {
    pub task_id: Uuid,
    pub case_number: String,
    pub plan: &'static str,
    pub due: String,
    pub overdue: bool,
}

/// The home page's list: the caller's agency's open tasks due within three days, and
/// overdue ones, the soonest first.
pub async fn due_lines(state: &AppState, caller: &Caller, page: &Page) -> AppResult<Vec<DueLine>> {
    let now = db::now();
    let rows = reads::due_tasks(&state.db, caller, None, now, 50).await?;
    Ok(rows
        .into_iter()
        .map(|t| DueLine {
            task_id: t.task_id,
            case_number: t.case_journal_no,
            plan: title(page, t.kind),
            due: records::date(Some(t.due_on)),
            overdue: rules::task_overdue(t.status, t.due_at, now),
        })
        .collect())
}

/// The plan pages' words for `page`'s language (for templates that include a plan part).
pub fn words_for(page: &Page) -> &'static PlanWords {
    words(page)
}
