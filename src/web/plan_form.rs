//! The plan forms of the workspace: draw up a plan on a case the caller's agency leads
//! (`/cases/{id}/plans/new`: the kinds that fit the case, then `?kind=` the form with the
//! header fields of that kind, the dates it asks for and rows of tasks with their area,
//! what the client and the specialist do, the responsible agency and the due date), and
//! revise one (`/plans/{id}/revise`: the same form filled with the current version; the
//! post makes the next version). Plain forms, no JavaScript: the task rows are repeated
//! fields read in order (`form_urlencoded`), a row left blank is no task. A refusal shows
//! the form again, as posted, with the reason next to it in the user's words.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::Lang;
use super::page::{self, Page};
use super::session;
use crate::access::Caller;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::plans::model::{PlanHeader, PlanKind, PlanStatus, TaskArea};
use crate::plans::rules::{self, CaseFacts, NewTask};
use crate::plans::{reads, NewPlan, Revision};
use crate::{agencies, cases, db};

/// Blank task rows the form offers beyond the plan's tasks.
const BLANK_ROWS: usize = 3;
/// Most task rows a posted form is read for.
const MAX_ROWS: usize = 60;

/// The forms' words in one language.
pub struct FormWords {
    pub new_plan: &'static str,
    pub choose_kind: &'static str,
    pub no_kind_fits: &'static str,
    pub revise: &'static str,
    pub draw_up: &'static str,
    pub goals_hint: &'static str,
    pub task: &'static str,
    pub blank_rows_hint: &'static str,
    pub settled_on: &'static str,
    pub save_version: &'static str,
    pub cancel: &'static str,
    pub wrong_kind: &'static str,
    pub main_goal: &'static str,
    pub goals: &'static str,
    pub decision_header: &'static str,
    pub support_header: &'static str,
    pub too_many: &'static str,
    pub task_text: &'static str,
    pub task_agency: &'static str,
    pub task_due: &'static str,
    pub task_area: &'static str,
    pub task_id: &'static str,
    /// A task row filled in from an MRG recommendation.
    pub from_recommendation: &'static str,
    /// The recommendation cannot become this task.
    pub task_recommendation: &'static str,
    /// The recommendation is closed or has become a plan task already.
    pub recommendation_taken: &'static str,
    pub term: &'static str,
    pub settled: &'static str,
    pub next_review: &'static str,
    pub due_on: &'static str,
    pub change_note: &'static str,
    pub exists: &'static str,
    pub changed: &'static str,
    pub closed: &'static str,
    pub not_allowed: &'static str,
}

/// Русский.
pub const RU: FormWords = FormWords {
    new_plan: "Составить план",
    choose_kind: "Выберите вид плана.",
    no_kind_fits: "Все подходящие этому случаю планы уже составлены; их можно пересмотреть.",
    revise: "Пересмотреть план",
    draw_up: "Составить",
    goals_hint: "По одной цели в строке.",
    task: "Задача",
    blank_rows_hint: "Пустая строка задач не сохраняется. Исключить задачу — очистить её строку.",
    settled_on: "Дата заселения",
    save_version: "Сохранить новую редакцию",
    cancel: "Отмена",
    wrong_kind: "Этот вид плана не подходит случаю на его этапе.",
    main_goal: "Укажите главную цель.",
    goals: "Промежуточные цели: не больше 20, каждая не длиннее 5000 знаков.",
    decision_header: "Для плана по изменению решения укажите причины отказа и сильные стороны клиентки (и только для него).",
    support_header: "Природу нарушения прав ребёнка указывают в плане сопровождения, и там она обязательна.",
    too_many: "Слишком много задач.",
    task_text: "укажите, что делает клиент или специалист (не длиннее 2000 знаков)",
    task_agency: "ответственной может быть только организация, участвующая в случае",
    task_due: "срок не может быть в прошлом или дальше трёх лет",
    task_area: "выберите направление из списка",
    task_id: "задача не из этого плана",
    from_recommendation: "Задача по рекомендации МРГ: после сохранения рекомендация перейдёт в работу.",
    task_recommendation: "рекомендация МРГ относится к другому случаю или адресована другому ведомству",
    recommendation_taken: "Рекомендация МРГ уже закрыта или уже включена в план.",
    term: "Для ИППСУ укажите срок действия: не в прошлом и не дальше трёх лет (у других планов его нет).",
    settled: "Для плана приюта укажите дату заселения, не в будущем (у других планов её нет).",
    next_review: "Дата следующего пересмотра не может быть в прошлом.",
    due_on: "Проверьте срок составления.",
    change_note: "Описание изменений слишком длинное.",
    exists: "План этого вида у случая уже есть: пересмотрите его.",
    changed: "План изменился, пока вы его правили: откройте его заново.",
    closed: "Случай или план закрыт: изменить его нельзя.",
    not_allowed: "Составляет и пересматривает план куратор случая или руководитель ведущей организации.",
};

/// English.
pub const EN: FormWords = FormWords {
    new_plan: "Draw up a plan",
    choose_kind: "Choose the kind of plan.",
    no_kind_fits: "Every plan that fits this case is drawn up; you may revise them.",
    revise: "Revise the plan",
    draw_up: "Draw up",
    goals_hint: "One goal a line.",
    task: "Task",
    blank_rows_hint: "A blank task row is not saved. To drop a task, clear its row.",
    settled_on: "Settled in on",
    save_version: "Save a new version",
    cancel: "Cancel",
    wrong_kind: "This kind of plan does not fit the case at its stage.",
    main_goal: "Give the main goal.",
    goals: "Intermediate goals: at most 20, each at most 5000 characters.",
    decision_header: "A decision-change plan (only) gives the causes of refusal and the client's strengths.",
    support_header: "The nature of the violation of the child's rights belongs to (and is required in) a support plan.",
    too_many: "Too many tasks.",
    task_text: "say what the client or the specialist does (at most 2000 characters)",
    task_agency: "the responsible agency must take part in the case",
    task_due: "the due date cannot be in the past or more than three years ahead",
    task_area: "choose an area from the list",
    task_id: "not a task of this plan",
    from_recommendation: "A task on an MRG recommendation: once saved, the recommendation moves to in progress.",
    task_recommendation: "the MRG recommendation is about another case or addressed to another agency",
    recommendation_taken: "The MRG recommendation is closed or is in a plan already.",
    term: "An ИППСУ has a term: not in the past, at most three years ahead (other plans have none).",
    settled: "A shelter plan needs the day the family settled in, not in the future (other plans have none).",
    next_review: "The next review cannot be in the past.",
    due_on: "Check the due date.",
    change_note: "The note on what changed is too long.",
    exists: "The case has a plan of this kind already: revise it.",
    changed: "The plan changed while you edited it: open it again.",
    closed: "The case or the plan is closed: it no longer changes.",
    not_allowed: "The case's curator or the lead's head draws up and revises a plan.",
};

/// The forms' words for `page`'s language (for the plan pages' links).
pub fn words_of(page: &Page) -> &'static FormWords {
    words(page)
}

fn words(page: &Page) -> &'static FormWords {
    match page.lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

/// One task row of the form.
pub struct Row {
    pub n: usize,
    pub id: String,
    pub area: String,
    pub client: String,
    pub specialist: String,
    pub agency: String,
    pub due: String,
    /// The MRG recommendation a new task comes from (empty: none).
    pub recommendation: String,
}

impl Row {
    fn blank(n: usize) -> Row {
        Row {
            n,
            id: String::new(),
            area: String::new(),
            client: String::new(),
            specialist: String::new(),
            agency: String::new(),
            due: String::new(),
            recommendation: String::new(),
        }
    }

    fn is_blank(&self) -> bool {
        self.client.trim().is_empty() && self.specialist.trim().is_empty() && self.id.is_empty()
    }
}

/// The form as the page shows it.
pub struct FormView {
    pub heading: String,
    pub action: String,
    pub back: String,
    pub kind: &'static str,
    pub revising: bool,
    pub expected_version: i32,
    pub main_goal: String,
    pub goals: String,
    pub refusal_causes: String,
    pub strengths: String,
    pub rights_violation: String,
    pub due_on: String,
    pub settled_on: String,
    pub term_until: String,
    pub next_review_on: String,
    pub change_note: String,
    pub rows: Vec<Row>,
    pub areas: Vec<(&'static str, &'static str)>,
    pub agencies: Vec<(Uuid, String)>,
    /// Which fields the kind asks for.
    pub asks_decision: bool,
    pub asks_support: bool,
    pub asks_due: bool,
    pub asks_settled: bool,
    pub asks_term: bool,
    pub asks_review: bool,
}

#[derive(Template)]
#[template(path = "web/templates/plan_form.html")]
struct FormPage<'a> {
    page: &'a Page,
    w: &'a super::plan::PlanWords,
    fw: &'a FormWords,
    view: &'a FormView,
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "web/templates/plan_kinds.html")]
struct KindsPage<'a> {
    page: &'a Page,
    fw: &'a FormWords,
    case_id: Uuid,
    case_number: &'a str,
    kinds: &'a [(&'static str, &'static str)],
}

fn kind_title(page: &Page, kind: PlanKind) -> &'static str {
    match page.lang {
        Lang::Ru => kind.title_ru(),
        Lang::En => kind.title_en(),
    }
}

/// The case for a plan form: one the caller's agency leads in FULL (else the not-found
/// page, or not allowed), with the facts the rules read.
async fn led(
    state: &AppState,
    caller: &Caller,
    case_id: Uuid,
) -> AppResult<(crate::cases::model::CaseRow, CaseFacts)> {
    let actor = caller.actor()?;
    let (case, scope) =
        cases::store::get_visible(&state.db, actor.viewer(), case_id, db::now()).await?;
    if scope != crate::access::Scope::Full {
        return Err(AppError::NotFound("case"));
    }
    if Some(case.lead_agency_id) != actor.agency_id {
        return Err(AppError::Forbidden("only the lead agency draws up plans"));
    }
    let lead = agencies::store::get(&state.db, case.lead_agency_id).await?;
    let facts = CaseFacts {
        status: case.status,
        shelter: case.shelter,
        lead_kind: lead.kind,
        decision_started_on: None,
        support_started_on: None,
    };
    Ok((case, facts))
}

/// The agencies on the case, by name, for the responsible-agency choice.
async fn agencies_on(state: &AppState, case_id: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    let mut tx = state.db.begin().await?;
    let ids = crate::plans::store::agencies_on_case(&mut tx, case_id, db::now()).await?;
    tx.commit().await?;
    let mut named = super::plan::agency_names(state, &ids).await?;
    named.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(named)
}

fn empty_view(page: &Page, kind: PlanKind) -> FormView {
    FormView {
        heading: String::new(),
        action: String::new(),
        back: String::new(),
        kind: kind.as_str(),
        revising: false,
        expected_version: 0,
        main_goal: String::new(),
        goals: String::new(),
        refusal_causes: String::new(),
        strengths: String::new(),
        rights_violation: String::new(),
        due_on: String::new(),
        settled_on: String::new(),
        term_until: String::new(),
        next_review_on: String::new(),
        change_note: String::new(),
        rows: Vec::new(),
        areas: rules::areas(kind)
            .iter()
            .map(|a| (a.as_str(), area_title(page, *a)))
            .collect(),
        agencies: Vec::new(),
        asks_decision: kind == PlanKind::DecisionChange,
        asks_support: kind == PlanKind::Support,
        asks_due: matches!(
            kind,
            PlanKind::IpsrFamily | PlanKind::IpsrChild | PlanKind::Ippsu
        ),
        asks_settled: kind == PlanKind::Shelter,
        asks_term: kind == PlanKind::Ippsu,
        asks_review: !matches!(kind, PlanKind::DecisionChange | PlanKind::Support),
    }
}

fn area_title(page: &Page, area: TaskArea) -> &'static str {
    match page.lang {
        Lang::Ru => area.title_ru(),
        Lang::En => area.title_en(),
    }
}

fn render(page: &Page, view: &FormView, error: Option<&str>, status: StatusCode) -> Response {
    page::html(
        status,
        &FormPage {
            page,
            w: super::plan::words_for(page),
            fw: words(page),
            view,
            error,
        },
    )
}

/// The kind asked for in `?kind=`.
#[derive(Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

/// `GET /cases/{id}/plans/new[?kind=]`: the kinds that fit the case and it has no plan
/// of yet; with a kind, that kind's form.
pub async fn new(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<KindQuery>,
) -> Response {
    let here = format!("/cases/{id}/plans/new");
    let (page, case_id) = match page::case_frame(&state, &caller, &headers, &id, &here).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let built = async {
        let (case, facts) = led(&state, &caller, case_id).await?;
        let existing: Vec<PlanKind> = reads::of_case(&state.db, &caller, case_id, db::now())
            .await?
            .iter()
            .map(|p| p.plan.kind)
            .collect();
        let fits: Vec<PlanKind> = PlanKind::ALL
            .into_iter()
            .filter(|k| !existing.contains(k) && rules::check_fits_case(*k, &facts).is_ok())
            .collect();
        Ok::<_, AppError>((case, fits))
    }
    .await;
    let (case, fits) = match built {
        Ok(found) => found,
        Err(error) => return refused_page(&page, &caller, error, &here),
    };
    let chosen = query.kind.as_deref().and_then(PlanKind::parse);
    match chosen {
        Some(kind) => {
            let mut view = empty_view(&page, kind);
            view.heading = format!("{}: {}", words(&page).new_plan, kind_title(&page, kind));
            view.action = format!("/cases/{case_id}/plans");
            view.back = format!("/cases/{case_id}/plans");
            view.agencies = match agencies_on(&state, case_id).await {
                Ok(a) => a,
                Err(error) => return page::error(&page, &caller, error, &here),
            };
            view.rows = (1..=BLANK_ROWS).map(Row::blank).collect();
            render(&page, &view, None, StatusCode::OK)
        }
        None => {
            let kinds: Vec<(&'static str, &'static str)> = fits
                .into_iter()
                .map(|k| (k.as_str(), kind_title(&page, k)))
                .collect();
            page::html(
                StatusCode::OK,
                &KindsPage {
                    page: &page,
                    fw: words(&page),
                    case_id,
                    case_number: &case.journal_no,
                    kinds: &kinds,
                },
            )
        }
    }
}

/// A refusal before any form shows: the not-found page, or a message page.
fn refused_page(page: &Page, caller: &Caller, error: AppError, here: &str) -> Response {
    page::error(page, caller, error, here)
}

/// `GET /plans/{id}/revise`: the form, filled with the current version.
pub async fn revise_form(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<RecommendationQuery>,
) -> Response {
    let here = format!("/plans/{id}/revise");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(plan_id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    let filled = async {
        let mut view = current(&state, &caller, &page, plan_id).await?;
        if let Some(rec) = query.recommendation.as_deref() {
            let rec =
                Uuid::parse_str(rec.trim()).map_err(|_| AppError::NotFound("recommendation"))?;
            recommended_row(&state, &caller, &mut view, rec).await?;
        }
        Ok::<_, AppError>(view)
    };
    match filled.await {
        Ok(view) => render(&page, &view, None, StatusCode::OK),
        Err(error) => page::error(&page, &caller, error, &here),
    }
}

/// `?recommendation=`: the MRG recommendation the form adds a task for.
#[derive(Deserialize)]
pub struct RecommendationQuery {
    recommendation: Option<String>,
}

/// Fills the first blank row with the MRG recommendation's words, agency and due date
/// (the recommendation must be one the caller sees and reads).
async fn recommended_row(
    state: &AppState,
    caller: &Caller,
    view: &mut FormView,
    id: Uuid,
) -> AppResult<()> {
    let rec = crate::mrg::reads::recommendation(&state.db, caller, id, db::now()).await?;
    let text = rec.text.open(caller).cloned().unwrap_or_default();
    if let Some(row) = view.rows.iter_mut().find(|r| r.is_blank()) {
        row.specialist = text;
        row.agency = rec.row.agency_id.to_string();
        row.due = rec.row.due_date.to_string();
        row.recommendation = rec.row.id.to_string();
    }
    Ok(())
}

/// The revision form filled with the plan's current version (read through the plan's
/// read side, as its page reads it).
async fn current(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    plan_id: Uuid,
) -> AppResult<FormView> {
    let (db, now) = (&state.db, db::now());
    let read = reads::get(db, caller, plan_id, now).await?;
    let plan = &read.plan;
    led(state, caller, plan.case_id).await?;
    if plan.status == PlanStatus::Closed {
        return Err(AppError::Conflict("the plan is closed".into()));
    }
    let mut view = empty_view(page, plan.kind);
    view.heading = format!("{}: {}", words(page).revise, kind_title(page, plan.kind));
    view.action = format!("/plans/{plan_id}/revise");
    view.back = format!("/plans/{plan_id}");
    view.revising = true;
    view.expected_version = plan.current_version;
    view.next_review_on = plan
        .next_review_on
        .map(|d| d.to_string())
        .unwrap_or_default();
    if let Some(full) = read.full.open(caller) {
        if let Some(h) = reads::header(db, full, now).await? {
            view.main_goal = h.main_goal;
            view.goals = h.intermediate_goals.join("\n");
            view.refusal_causes = h.refusal_causes.unwrap_or_default();
            view.strengths = h.strengths.unwrap_or_default();
            view.rights_violation = h.rights_violation.unwrap_or_default();
        }
    }
    let tasks = reads::tasks(db, caller, plan_id, now).await?;
    let mut rows = Vec::with_capacity(tasks.len() + BLANK_ROWS);
    for (i, t) in tasks.iter().enumerate() {
        let text = t.text.open(caller);
        rows.push(Row {
            n: i + 1,
            id: t.task.id.to_string(),
            area: t.task.area.as_str().to_owned(),
            client: text
                .and_then(|x| x.client_action.clone())
                .unwrap_or_default(),
            specialist: text
                .and_then(|x| x.specialist_action.clone())
                .unwrap_or_default(),
            agency: t.task.responsible_agency_id.to_string(),
            due: t.task.due_on.to_string(),
            recommendation: String::new(),
        });
    }
    let start = rows.len();
    rows.extend((1..=BLANK_ROWS).map(|i| Row::blank(start + i)));
    view.rows = rows;
    view.agencies = agencies_on(state, plan.case_id).await?;
    Ok(view)
}

/// The posted form, as pairs in order (task rows repeat their names).
struct Posted(Vec<(String, String)>);

impl Posted {
    fn parse(body: &Bytes) -> Posted {
        Posted(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .take(40 + 6 * MAX_ROWS)
                .collect(),
        )
    }
    fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    fn optional(&self, name: &str) -> Option<String> {
        Some(self.text(name)).filter(|v| !v.trim().is_empty())
    }
    fn date(&self, name: &str, field: &str) -> AppResult<Option<NaiveDate>> {
        match self.optional(name) {
            None => Ok(None),
            Some(v) => NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map(Some)
                .map_err(|_| AppError::bad_input(field, "is not a date")),
        }
    }

    /// The task rows in order, numbered from 1 as the form shows them.
    fn rows(&self) -> Vec<Row> {
        let (ids, areas, clients, specialists, agencies, dues) = (
            self.all("task_id"),
            self.all("task_area"),
            self.all("task_client"),
            self.all("task_specialist"),
            self.all("task_agency"),
            self.all("task_due"),
        );
        let recommendations = self.all("task_recommendation");
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        (0..areas.len().min(MAX_ROWS))
            .map(|i| Row {
                n: i + 1,
                id: at(&ids, i),
                area: at(&areas, i),
                client: at(&clients, i),
                specialist: at(&specialists, i),
                agency: at(&agencies, i),
                due: at(&dues, i),
                recommendation: at(&recommendations, i),
            })
            .collect()
    }
}

/// The filled rows as tasks, with the row number each came from (a refusal naming
/// `tasks[i]` names the row the user sees).
fn tasks_of(rows: &[Row]) -> AppResult<(Vec<NewTask>, Vec<usize>)> {
    let mut tasks = Vec::new();
    let mut numbers = Vec::new();
    for row in rows.iter().filter(|r| !r.is_blank()) {
        let i = tasks.len();
        let field = |name: &str| format!("tasks[{i}].{name}");
        let area = TaskArea::parse(row.area.trim())
            .ok_or_else(|| AppError::bad_input(field("area"), "choose an area"))?;
        let id = match row.id.trim() {
            "" => None,
            v => Some(
                Uuid::parse_str(v).map_err(|_| AppError::bad_input(field("id"), "not an id"))?,
            ),
        };
        let agency = Uuid::parse_str(row.agency.trim())
            .map_err(|_| AppError::bad_input(field("responsibleAgencyId"), "choose an agency"))?;
        let due_on = NaiveDate::parse_from_str(row.due.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::bad_input(field("dueOn"), "is not a date"))?;
        let recommendation_id = match row.recommendation.trim() {
            "" => None,
            v => Some(
                Uuid::parse_str(v)
                    .map_err(|_| AppError::bad_input(field("recommendationId"), "not an id"))?,
            ),
        };
        tasks.push(NewTask {
            id,
            area,
            client_action: Some(row.client.clone()).filter(|v| !v.trim().is_empty()),
            specialist_action: Some(row.specialist.clone()).filter(|v| !v.trim().is_empty()),
            responsible_agency_id: agency,
            due_on,
            recommendation_id,
        });
        numbers.push(row.n);
    }
    Ok((tasks, numbers))
}

fn header_of(f: &Posted) -> PlanHeader {
    PlanHeader {
        main_goal: f.text("main_goal"),
        intermediate_goals: f
            .text("goals")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        refusal_causes: f.optional("refusal_causes"),
        strengths: f.optional("strengths"),
        rights_violation: f.optional("rights_violation"),
    }
}

/// The form again as posted.
fn posted_view(view: &mut FormView, f: &Posted) {
    view.main_goal = f.text("main_goal");
    view.goals = f.text("goals");
    view.refusal_causes = f.text("refusal_causes");
    view.strengths = f.text("strengths");
    view.rights_violation = f.text("rights_violation");
    view.due_on = f.text("due_on");
    view.settled_on = f.text("settled_on");
    view.term_until = f.text("term_until");
    view.next_review_on = f.text("next_review_on");
    view.change_note = f.text("change_note");
    view.rows = f.rows();
}

/// `POST /cases/{id}/plans`: draws up the plan, then its page; a refusal shows the form
/// again as posted, with the reason.
pub async fn create(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let here = format!("/cases/{id}/plans/new");
    let (page, case_id) = match page::case_frame(&state, &caller, &headers, &id, &here).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let form = Posted::parse(&body);
    if !session::form_ok(&headers, &form.text("csrf")) {
        return page::form_expired(&page);
    }
    let Some(kind) = PlanKind::parse(form.text("kind").trim()) else {
        return Redirect::to(&here).into_response();
    };
    let rows = form.rows();
    let mut numbers = Vec::new();
    let result = async {
        let (tasks, n) = tasks_of(&rows)?;
        numbers = n;
        let new = NewPlan {
            case_id,
            kind,
            header: header_of(&form),
            tasks,
            due_on: form.date("due_on", "dueOn")?,
            settled_on: form.date("settled_on", "settledOn")?,
            term_until: form.date("term_until", "termUntil")?,
            next_review_on: form.date("next_review_on", "nextReviewOn")?,
        };
        crate::plans::create(&state.db, &caller, new, db::now()).await
    }
    .await;
    match result {
        Ok(plan) => Redirect::to(&format!("/plans/{}", plan.id)).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), &here)
        }
        Err(error) => {
            let mut view = empty_view(&page, kind);
            view.heading = format!("{}: {}", words(&page).new_plan, kind_title(&page, kind));
            view.action = format!("/cases/{case_id}/plans");
            view.back = format!("/cases/{case_id}/plans");
            view.agencies = agencies_on(&state, case_id).await.unwrap_or_default();
            posted_view(&mut view, &form);
            let (status, message) = refusal(words(&page), &error, &numbers);
            render(&page, &view, Some(&message), status)
        }
    }
}

/// `POST /plans/{id}/revise`: the next version, then the plan's page; a refusal shows
/// the form again as posted, with the reason.
pub async fn revise(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let here = format!("/plans/{id}/revise");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(plan_id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    let form = Posted::parse(&body);
    if !session::form_ok(&headers, &form.text("csrf")) {
        return page::form_expired(&page);
    }
    let rows = form.rows();
    let mut numbers = Vec::new();
    let result = async {
        let (tasks, n) = tasks_of(&rows)?;
        numbers = n;
        let expected_version = form
            .text("expected_version")
            .trim()
            .parse()
            .map_err(|_| AppError::bad_input("expectedVersion", "not a number"))?;
        let rev = Revision {
            plan_id,
            expected_version,
            header: header_of(&form),
            tasks,
            change_note: form.optional("change_note"),
            next_review_on: form.date("next_review_on", "nextReviewOn")?,
        };
        crate::plans::revise(&state.db, &caller, rev, db::now()).await
    }
    .await;
    match result {
        Ok(plan) => Redirect::to(&format!("/plans/{}", plan.id)).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), &here)
        }
        Err(error) => match current(&state, &caller, &page, plan_id).await {
            Ok(mut view) => {
                let version = view.expected_version;
                posted_view(&mut view, &form);
                // A conflict: the form keeps what was typed against the version now.
                view.expected_version = version;
                let (status, message) = refusal(words(&page), &error, &numbers);
                render(&page, &view, Some(&message), status)
            }
            Err(other) => page::error(&page, &caller, other, &here),
        },
    }
}

/// A refusal in the user's words, naming the task row the user sees.
fn refusal(w: &FormWords, error: &AppError, numbers: &[usize]) -> (StatusCode, String) {
    let bad = |m: &str| (StatusCode::BAD_REQUEST, m.to_owned());
    match error {
        AppError::BadUserInput { field, .. } => {
            if let Some(rest) = field.strip_prefix("tasks[") {
                let (index, what) = rest.split_once("].").unwrap_or((rest, ""));
                let row = index
                    .trim_end_matches(']')
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| numbers.get(i).copied());
                let reason = match what {
                    "responsibleAgencyId" => w.task_agency,
                    "dueOn" => w.task_due,
                    "area" => w.task_area,
                    "id" => w.task_id,
                    "recommendationId" => w.task_recommendation,
                    _ => w.task_text,
                };
                return match row {
                    Some(n) => (
                        StatusCode::BAD_REQUEST,
                        format!("{} {n}: {reason}.", w.task),
                    ),
                    None => bad(w.too_many),
                };
            }
            match field.as_str() {
                "kind" => bad(w.wrong_kind),
                "header.mainGoal" => bad(w.main_goal),
                "header.refusalCauses" | "header.strengths" => bad(w.decision_header),
                "header.rightsViolation" => bad(w.support_header),
                "termUntil" => bad(w.term),
                "settledOn" => bad(w.settled),
                "nextReviewOn" => bad(w.next_review),
                "changeNote" => bad(w.change_note),
                "tasks" => bad(w.too_many),
                f if f.starts_with("header.intermediateGoals") => bad(w.goals),
                _ => bad(w.due_on),
            }
        }
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, w.not_allowed.to_owned()),
        AppError::Conflict(message) if message.contains("recommendation") => {
            (StatusCode::CONFLICT, w.recommendation_taken.to_owned())
        }
        AppError::Conflict(message) if message.contains("already") => {
            (StatusCode::CONFLICT, w.exists.to_owned())
        }
        AppError::Conflict(message) if message.contains("version") => {
            (StatusCode::CONFLICT, w.changed.to_owned())
        }
        _ => (StatusCode::CONFLICT, w.closed.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_in_order_and_blank_rows_are_no_tasks() {
        let agency = Uuid::now_v7();
        let body = format!(
            "task_id=&task_area=LEGAL&task_client=&task_specialist=&task_agency={agency}&task_due=\
             &task_id=&task_area=PSYCHOLOGICAL&task_client=%D0%A5%D0%BE%D0%B4%D0%B8%D1%82&task_specialist=&task_agency={agency}&task_due=2030-01-02"
        );
        let posted = Posted::parse(&Bytes::from(body));
        let rows = posted.rows();
        assert_eq!(rows.len(), 2);
        let (tasks, numbers) = tasks_of(&rows).expect("tasks");
        assert_eq!(numbers, vec![2], "the blank first row is skipped");
        assert_eq!(tasks[0].area, TaskArea::Psychological);
        assert_eq!(tasks[0].client_action.as_deref(), Some("Ходит"));
    }

    #[test]
    fn a_refused_task_names_the_row_the_user_sees() {
        let error = AppError::bad_input("tasks[1].responsibleAgencyId", "x");
        let (status, message) = refusal(&RU, &error, &[2, 5]);
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(message.starts_with("Задача 5:"), "{message}");
        let (_, message) = refusal(&RU, &AppError::bad_input("header.mainGoal", "x"), &[]);
        assert_eq!(message, RU.main_goal);
    }
}
