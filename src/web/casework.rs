//! Case work in the workspace (issue 16): the intake form (`/intake/new`) for agencies
//! that open cases of their own, the case page's intake, placement, work log and
//! monitoring sheet with their forms, and the curator's cases with what is due next on
//! the home page. Everything is read through `casework::reads` and `cases::reads`, which
//! note the personal reads for the audit.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::i18n::{local_time, Lang};
use super::page::{self, Page};
use super::{records, session};
use crate::access::{policy, Caller};
use crate::app::AppState;
use crate::cases::consents::NewPerson;
use crate::cases::model::{CaseRow, CaseStatus, PersonRole};
use crate::casework::model::{IntakeSource, MonitoringDecision, MonitoringEffect, WorkKind};
use crate::casework::{self as work, reads as work_reads};
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::{agencies, cases, db};

/// The words of the case-work parts, Russian first.
pub struct CaseworkWords {
    pub intake: &'static str,
    pub intake_new: &'static str,
    pub intake_lead: &'static str,
    pub source: &'static str,
    pub sources: [&'static str; 3],
    pub registered_on: &'static str,
    pub referred_by: &'static str,
    pub reason: &'static str,
    pub placement: &'static str,
    pub placed_since: &'static str,
    pub placed_where: &'static str,
    pub basis: &'static str,
    pub child: &'static str,
    pub mother: &'static str,
    pub full_name: &'static str,
    pub birth_date: &'static str,
    pub shelter: &'static str,
    pub start_support: &'static str,
    pub open: &'static str,
    pub work_log: &'static str,
    pub log_empty: &'static str,
    pub date: &'static str,
    pub kind: &'static str,
    pub minutes: &'static str,
    pub content: &'static str,
    pub add_entry: &'static str,
    pub contact_days: &'static str,
    pub no_contact: &'static str,
    pub monitoring: &'static str,
    pub monitoring_empty: &'static str,
    pub next_due: &'static str,
    pub overdue: &'static str,
    pub participants: &'static str,
    pub curator: &'static str,
    pub head: &'static str,
    pub supervisor: &'static str,
    pub effect: &'static str,
    pub effects: [&'static str; 2],
    pub causes: &'static str,
    pub decision: &'static str,
    pub decisions: [&'static str; 4],
    pub record: &'static str,
    pub progress: &'static str,
    pub my_cases: &'static str,
    pub case: &'static str,
    pub status: &'static str,
    pub tasks_due: &'static str,
    pub refused: &'static str,
    pub not_allowed: &'static str,
    pub settled: &'static str,
}

const RU: CaseworkWords = CaseworkWords {
    intake: "Приём",
    intake_new: "Зарегистрировать приём",
    intake_lead: "Приём записывается в журнал вашей организации и открывает случай, который ведёт ваша организация.",
    source: "Основание приёма",
    sources: ["Заявление клиента", "Направление другой организации", "Ребёнок помещён в учреждение"],
    registered_on: "Дата приёма",
    referred_by: "Кто направил",
    reason: "Причина",
    placement: "Где находится ребёнок",
    placed_since: "С какого числа",
    placed_where: "Где",
    basis: "На каком основании",
    child: "Ребёнок",
    mother: "Мать",
    full_name: "ФИО",
    birth_date: "Дата рождения",
    shelter: "Случай приюта",
    start_support: "Сразу начать сопровождение",
    open: "Открыть случай",
    work_log: "Журнал работы",
    log_empty: "Записей пока нет.",
    date: "Дата",
    kind: "Вид работы",
    minutes: "Минут",
    content: "Содержание",
    add_entry: "Добавить запись",
    contact_days: "Дней с последнего контакта",
    no_contact: "Давно нет контакта",
    monitoring: "Мониторинг",
    monitoring_empty: "Мониторинг ещё не проводился.",
    next_due: "Следующий мониторинг",
    overdue: "просрочен",
    participants: "Участники",
    curator: "Куратор",
    head: "Руководитель",
    supervisor: "Супервизор (ФИО)",
    effect: "Эффект",
    effects: ["Положительный", "Нет эффекта"],
    causes: "Причины",
    decision: "Решение",
    decisions: ["Продолжить работу", "Пересмотреть план", "Закрыть случай", "Перевести на сопровождение"],
    record: "Записать мониторинг",
    progress: "Продвижение по задачам плана",
    my_cases: "Мои случаи",
    case: "Случай",
    status: "Этап",
    tasks_due: "Задач плана к сроку",
    refused: "Проверьте поле",
    not_allowed: "Это действие вам недоступно.",
    settled: "Это уже нельзя изменить.",
};

const EN: CaseworkWords = CaseworkWords {
    intake: "Intake",
    intake_new: "Register an intake",
    intake_lead: "The intake goes into your agency's journal and opens a case your agency leads.",
    source: "How the case came",
    sources: [
        "The client's application",
        "Another institution's referral",
        "The child is placed in care",
    ],
    registered_on: "Intake date",
    referred_by: "Referred by",
    reason: "Reason",
    placement: "Where the child is",
    placed_since: "Since",
    placed_where: "Where",
    basis: "On what basis",
    child: "Child",
    mother: "Mother",
    full_name: "Full name",
    birth_date: "Birth date",
    shelter: "Shelter case",
    start_support: "Start support at once",
    open: "Open the case",
    work_log: "Work log",
    log_empty: "No entries yet.",
    date: "Date",
    kind: "Kind of work",
    minutes: "Minutes",
    content: "Content",
    add_entry: "Add the entry",
    contact_days: "Days since the last contact",
    no_contact: "No contact for too long",
    monitoring: "Monitoring",
    monitoring_empty: "No monitoring yet.",
    next_due: "Next monitoring",
    overdue: "overdue",
    participants: "Took part",
    curator: "Curator",
    head: "Head",
    supervisor: "Supervisor (full name)",
    effect: "Effect",
    effects: ["Positive", "None"],
    causes: "Causes",
    decision: "Decision",
    decisions: [
        "Continue",
        "Revise the plan",
        "Close the case",
        "Move to support",
    ],
    record: "Record the monitoring",
    progress: "Progress on the plan's tasks",
    my_cases: "My cases",
    case: "Case",
    status: "Stage",
    tasks_due: "Plan tasks due",
    refused: "Check the field",
    not_allowed: "You may not do this.",
    settled: "This can no longer change.",
};

/// The words for `lang`.
pub fn words(lang: Lang) -> &'static CaseworkWords {
    match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

fn kind_label(lang: Lang, kind: WorkKind) -> &'static str {
    match lang {
        Lang::Ru => kind.label_ru(),
        Lang::En => kind.label_en(),
    }
}

/// A work-log line.
pub struct LogLine {
    pub date: String,
    pub kind: &'static str,
    pub minutes: i32,
    pub contact: bool,
    pub content: String,
}

/// A monitoring line.
pub struct MonitoringLine {
    pub date: String,
    pub decision: &'static str,
    pub effect: String,
    pub participants: String,
    pub causes: String,
    pub next_due: String,
}

/// The case page's case-work part (FULL scope only).
pub struct CaseBlock {
    pub w: &'static CaseworkWords,
    pub intake: Option<(String, String, String)>,
    pub placement: Option<(String, String, String)>,
    pub contact: Option<(i64, bool)>,
    pub log: Vec<LogLine>,
    pub monitoring: Vec<MonitoringLine>,
    pub next_due: Option<String>,
    pub overdue: bool,
    pub may_log: bool,
    pub may_monitor: bool,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub decision_work: bool,
    /// The case's live plan tasks, for progress in the monitoring form.
    pub tasks: Vec<(Uuid, String)>,
}

/// The case-work part of `case`'s page, for a caller reading it in FULL.
pub async fn case_block(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    case: &CaseRow,
) -> AppResult<CaseBlock> {
    let (db, now, lang) = (&state.db, db::now(), page.lang);
    let w = words(lang);
    let actor = caller.actor()?;
    let intake_row = work_reads::intake(db, caller, case.id, now).await?;
    let intake_row = intake_row.open(caller).cloned();
    let source = |s: IntakeSource| w.sources[s as usize];
    let intake = intake_row.as_ref().map(|i| {
        (
            format!("{} · {}", i.intake_no, records::date(Some(i.registered_on))),
            match &i.referred_by {
                Some(by) => format!("{}: {by}", source(i.source)),
                None => source(i.source).to_owned(),
            },
            i.reason.clone(),
        )
    });
    let placement = intake_row.as_ref().and_then(|i| {
        Some((
            records::date(Some(i.placed_since?)),
            i.placed_where.clone()?,
            super::reunification_words::basis(lang, i.placement_basis?).to_owned(),
        ))
    });
    let lead = agencies::store::get(db, case.lead_agency_id).await?;
    let contact = work_reads::contact_state(db, case, &lead, now)
        .await?
        .map(|s| (s.days_since, s.no_contact));
    let log = work_reads::work_log(db, caller, case.id, now)
        .await?
        .into_iter()
        .map(|v| LogLine {
            date: records::date(Some(v.entry.occurred_on)),
            kind: kind_label(lang, v.entry.kind),
            minutes: v.entry.duration_minutes,
            contact: crate::casework::rules::counts_as_contact(v.entry.kind),
            content: v
                .text
                .open(caller)
                .map(|(_, c)| c.clone())
                .unwrap_or_default(),
        })
        .collect();
    let monitoring = work_reads::monitoring(db, caller, case.id, now)
        .await?
        .into_iter()
        .map(|v| {
            let d = v.detail.open(caller);
            let mut who = Vec::new();
            if d.is_some_and(|d| d.curator_took_part) {
                who.push(w.curator.to_owned());
            }
            if d.is_some_and(|d| d.head_took_part) {
                who.push(w.head.to_owned());
            }
            if let Some(name) = d.and_then(|d| d.supervisor_name.clone()) {
                who.push(name);
            }
            MonitoringLine {
                date: records::date(Some(v.row.occurred_on)),
                decision: w.decisions[v.row.decision as usize],
                effect: d
                    .map(|d| w.effects[d.effect as usize].to_owned())
                    .unwrap_or_default(),
                participants: who.join(", "),
                causes: d.and_then(|d| d.causes.clone()).unwrap_or_default(),
                next_due: records::date(Some(v.row.next_due_on)),
            }
        })
        .collect();
    let open = case.status != CaseStatus::Closed;
    let leads = actor.agency_id == Some(case.lead_agency_id);
    let monitored = matches!(case.status, CaseStatus::DecisionWork | CaseStatus::Support);
    let may_monitor = open
        && leads
        && monitored
        && policy::ensure_any_role(actor, crate::access::roles::WORK_ON_LED_CASES, "").is_ok();
    let tasks = if may_monitor {
        crate::plans::reads::tasks_of_case(db, caller, case.id, now)
            .await?
            .into_iter()
            .filter(|t| t.task.removed_in_version.is_none())
            .map(|t| {
                let area = match lang {
                    Lang::Ru => t.task.area.title_ru(),
                    Lang::En => t.task.area.title_en(),
                };
                let what = t
                    .text
                    .open(caller)
                    .and_then(|x| x.client_action.clone().or(x.specialist_action.clone()))
                    .unwrap_or_default();
                let due = records::date(Some(t.task.due_on));
                (t.task.id, format!("{area}: {what} ({due})"))
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(CaseBlock {
        w,
        intake,
        placement,
        contact,
        log,
        monitoring,
        next_due: case
            .next_monitoring_at
            .filter(|_| monitored)
            .map(|t| local_time(t, page.zone)),
        overdue: crate::casework::rules::monitoring_overdue(
            case.status,
            case.next_monitoring_at,
            now,
        ),
        may_log: open && leads && policy::ensure_any_role(actor, work::LOG_WORK, "").is_ok(),
        may_monitor,
        kinds: WorkKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_label(lang, *k)))
            .collect(),
        decision_work: case.status == CaseStatus::DecisionWork,
        tasks,
    })
}

/// One of the curator's cases on the home page.
pub struct MyCase {
    pub id: Uuid,
    pub number: String,
    pub status: &'static str,
    pub next_due: String,
    pub overdue: bool,
    pub days_since: Option<i64>,
    pub no_contact: bool,
    pub tasks_due: usize,
}

/// The home page's case-work part.
pub struct HomeBlock {
    pub w: &'static CaseworkWords,
    pub may_open: bool,
    pub cases: Vec<MyCase>,
}

/// The caller's open cases as curator with what is due next, and whether the caller may
/// register intakes; `None` when there is neither.
pub async fn home_block(
    state: &AppState,
    caller: &Caller,
    page: &Page,
) -> AppResult<Option<HomeBlock>> {
    let (db, now) = (&state.db, db::now());
    let actor = caller.actor()?;
    let Some(agency_id) = actor.agency_id else {
        return Ok(None);
    };
    let agency = agencies::store::get(db, agency_id).await?;
    let may_open = crate::casework::rules::check_opens_intakes(agency.kind).is_ok()
        && policy::ensure_any_role(actor, work::OPEN_INTAKES, "").is_ok();
    let filter = cases::store::CaseFilter {
        curator: Some(actor.user_id),
        led_only: true,
        open_only: true,
        ..Default::default()
    };
    let mine = cases::reads::page(db, caller, &filter, None, now, 50).await?;
    if !may_open && mine.is_empty() {
        return Ok(None);
    }
    let pairs: Vec<(&CaseRow, &agencies::AgencyRow)> =
        mine.iter().map(|v| (&v.case, &agency)).collect();
    let contacts = work_reads::contact_states(db, &pairs, now).await?;
    let due = crate::plans::reads::due_tasks(db, caller, None, now, 200).await?;
    let mut cases: Vec<MyCase> = mine
        .iter()
        .map(|v| {
            let c = &v.case;
            let contact = contacts.iter().find(|(id, _)| *id == c.id).map(|(_, s)| s);
            let monitored = matches!(c.status, CaseStatus::DecisionWork | CaseStatus::Support);
            MyCase {
                id: c.id,
                number: c.journal_no.clone(),
                status: records::case_status(page.lang, c.status),
                next_due: c
                    .next_monitoring_at
                    .filter(|_| monitored)
                    .map(|t| local_time(t, page.zone))
                    .unwrap_or_default(),
                overdue: crate::casework::rules::monitoring_overdue(
                    c.status,
                    c.next_monitoring_at,
                    now,
                ),
                days_since: contact.map(|s| s.days_since),
                no_contact: contact.is_some_and(|s| s.no_contact),
                tasks_due: due.iter().filter(|t| t.case_id == c.id).count(),
            }
        })
        .collect();
    cases.sort_by_key(|c| (!c.overdue, !c.no_contact, c.next_due.is_empty()));
    Ok(Some(HomeBlock {
        w: words(page.lang),
        may_open,
        cases,
    }))
}

#[derive(Template)]
#[template(path = "web/templates/casework_intake.html")]
struct IntakePage<'a> {
    page: &'a Page,
    w: &'static CaseworkWords,
    error: Option<&'a str>,
    ngo: bool,
}

async fn intake_page(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let ngo = match caller.actor().ok().and_then(|a| a.agency_id) {
        Some(id) => agencies::store::get(&state.db, id)
            .await
            .is_ok_and(|a| a.kind == agencies::AgencyKind::Ngo),
        None => false,
    };
    page::html(
        status,
        &IntakePage {
            page,
            w: words(page.lang),
            error,
            ngo,
        },
    )
}

/// `GET /intake/new`.
pub async fn intake_form(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, "/intake/new").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    intake_page(&state, &caller, &page, None, StatusCode::OK).await
}

/// `POST /intake/new`: opens the case and goes to it; a refusal shows the form again.
pub async fn intake_submit(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, "/intake/new").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let form = Posted::parse(&body);
    if !session::form_ok(&headers, &form.text("csrf")) {
        return page::form_expired(&page);
    }
    let result = async {
        let mut persons = Vec::new();
        for (role, prefix) in [(PersonRole::Child, "child"), (PersonRole::Mother, "mother")] {
            if let Some(name) = form.optional(&format!("{prefix}_name")) {
                persons.push(NewPerson {
                    role,
                    full_name: name,
                    birth_date: form
                        .optional_date(&format!("{prefix}_birth"), "persons.birthDate")?,
                    phone: None,
                    address_actual: None,
                    stance: None,
                    notes: None,
                });
            }
        }
        let placement = match form.optional("placed_where") {
            Some(place) => Some((
                form.optional_date("placed_since", "placement.since")?,
                place,
                Some(form.choice("placement_basis", "placement.basis")?),
            )),
            None => None,
        };
        let new = work::NewIntake {
            source: form.choice("source", "source")?,
            registered_on: form.optional_date("registered_on", "registeredOn")?,
            referred_by: form.optional("referred_by"),
            reason: form.text("reason"),
            placement,
            persons,
            shelter: form.get("shelter").is_some(),
            stage: form.get("support").map(|_| CaseStatus::Support),
        };
        work::open_intake(&state.db, &caller, new, db::now()).await
    }
    .await;
    match result {
        Ok(case) => Redirect::to(&format!("/cases/{}", case.id)).into_response(),
        Err(error) => {
            let (status, message) = refusal(words(page.lang), &error);
            intake_page(&state, &caller, &page, Some(&message), status).await
        }
    }
}

/// `POST /cases/{id}/work-log`: adds an entry, then the case page again.
pub async fn log_submit(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    case_form(
        state,
        caller,
        headers,
        id,
        body,
        |state, caller, case_id, form| {
            Box::pin(async move {
                let new =
                    work::NewEntry {
                        kind: form.choice("kind", "kind")?,
                        occurred_on: form.optional_date("occurred_on", "occurredOn")?,
                        specialist_id: None,
                        duration_minutes: form.text("minutes").trim().parse().map_err(|_| {
                            AppError::bad_input("durationMinutes", "is not a number")
                        })?,
                        content: form.text("content"),
                    };
                work::add_entry(&state.db, caller, case_id, new, db::now())
                    .await
                    .map(|_| ())
            })
        },
    )
    .await
}

/// `POST /cases/{id}/monitoring`: records a review, then the case page again.
pub async fn monitoring_submit(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    case_form(
        state,
        caller,
        headers,
        id,
        body,
        |state, caller, case_id, form| {
            Box::pin(async move {
                let effect: MonitoringEffect = form.choice("effect", "effect")?;
                let decision: MonitoringDecision = form.choice("decision", "decision")?;
                let new = work::NewMonitoring {
                    occurred_on: form.optional_date("occurred_on", "occurredOn")?,
                    curator_took_part: form.get("curator").is_some(),
                    head_took_part: form.get("head").is_some(),
                    supervisor_name: form.optional("supervisor"),
                    effect,
                    causes: form.optional("causes"),
                    progress: form.progress()?,
                    decision,
                };
                work::record_monitoring(&state.db, caller, case_id, new, db::now())
                    .await
                    .map(|_| ())
            })
        },
    )
    .await
}

type Action = for<'a> fn(
    &'a AppState,
    &'a Caller,
    Uuid,
    &'a Posted,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = AppResult<()>> + Send + 'a>,
>;

async fn case_form(
    state: AppState,
    caller: Caller,
    headers: HeaderMap,
    id: String,
    body: Bytes,
    action: Action,
) -> Response {
    let here = format!("/cases/{id}");
    let (page, case_id) = match page::case_frame(&state, &caller, &headers, &id, &here).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let form = Posted::parse(&body);
    if !session::form_ok(&headers, &form.text("csrf")) {
        return page::form_expired(&page);
    }
    match action(&state, &caller, case_id, &form).await {
        Ok(()) => Redirect::to(&here).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), &here)
        }
        Err(error) => {
            let (status, message) = refusal(words(page.lang), &error);
            super::case::render(&state, &caller, &page, case_id, Some(&message), status).await
        }
    }
}

fn refusal(w: &CaseworkWords, error: &AppError) -> (StatusCode, String) {
    match error {
        AppError::BadUserInput { field, .. } => {
            (StatusCode::BAD_REQUEST, format!("{}: {field}", w.refused))
        }
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, w.not_allowed.to_owned()),
        _ => (StatusCode::CONFLICT, w.settled.to_owned()),
    }
}

/// The posted form, as pairs.
pub struct Posted(Vec<(String, String)>);

impl Posted {
    fn parse(body: &Bytes) -> Posted {
        Posted(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .take(100)
                .collect(),
        )
    }
    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
    fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default()
    }
    fn optional(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }
    fn optional_date(&self, name: &str, field: &str) -> AppResult<Option<NaiveDate>> {
        self.optional(name)
            .map(|v| {
                NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                    .map_err(|_| AppError::bad_input(field, "is not a date"))
            })
            .transpose()
    }
    /// The notes posted as `progress_{task id}`, the blank ones left out.
    fn progress(&self) -> AppResult<Vec<(Uuid, String)>> {
        self.0
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("progress_")?, v)))
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(id, v)| {
                Uuid::parse_str(id)
                    .map(|id| (id, v.clone()))
                    .map_err(|_| AppError::bad_input("progress.taskId", "not an id"))
            })
            .collect()
    }
    fn choice<T: DeserializeOwned>(&self, name: &str, field: &str) -> AppResult<T> {
        serde_json::from_value(serde_json::Value::String(self.text(name)))
            .map_err(|_| AppError::bad_input(field, "choose one of the listed values"))
    }
}
