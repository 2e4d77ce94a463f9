//! The «Маленькая мама» assessment of a case in the workspace (seed 004):
//! `/cases/{id}/mother-assessment` shows the entry and exit assessments recorded and the
//! form for one, linked from the case page. The service decides who may record (the lead
//! agency's curator or head, in a rehabilitation centre or an NGO); a refusal re-shows
//! the form with what was typed and the message next to its field.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use uuid::Uuid;

use super::i18n::Lang;
use super::page::{self, Page};
use super::session;
use crate::access::Caller;
use crate::app::AppState;
use crate::db;
use crate::error::AppError;
use crate::graphql::Schemas;
use crate::reports::little_mama::{AssessmentRow, AssessmentStage, Scores};
use crate::reports::{self, AssessmentInput};

/// The page's words, Russian first.
pub struct AssessmentWords {
    pub title: &'static str,
    pub stage: &'static str,
    pub entry: &'static str,
    pub exit: &'static str,
    pub assessed_on: &'static str,
    pub scores: [&'static str; 4],
    pub child_with_mother: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub not_at_entry: &'static str,
    pub record: &'static str,
    pub none: &'static str,
    pub version: &'static str,
    pub scale: &'static str,
    pub back: &'static str,
}

const RU: AssessmentWords = AssessmentWords {
    title: "Диагностика «Маленькая мама»",
    stage: "Этап",
    entry: "При поступлении",
    exit: "При отчислении",
    assessed_on: "Дата диагностики",
    scores: [
        "Навыки ухода за ребёнком",
        "Взаимодействие с ребёнком",
        "Самостоятельно преодолевает трудности",
        "Родительская компетентность",
    ],
    child_with_mother: "Ребёнок остаётся с мамой",
    yes: "да",
    no: "нет",
    not_at_entry: "— (только при отчислении)",
    record: "Записать",
    none: "Диагностика ещё не записана.",
    version: "редакция",
    scale: "Оценки от 1 (не сформировано) до 5 (сформировано полностью); повторная запись этапа заменяет прежнюю.",
    back: "К случаю",
};

const EN: AssessmentWords = AssessmentWords {
    title: "«Little mum» assessment",
    stage: "Stage",
    entry: "On entry",
    exit: "On exit",
    assessed_on: "Assessed on",
    scores: [
        "Childcare skills",
        "Interaction with the child",
        "Overcomes problems on her own",
        "Parental competence",
    ],
    child_with_mother: "The child stays with the mother",
    yes: "yes",
    no: "no",
    not_at_entry: "— (at exit only)",
    record: "Record",
    none: "No assessment recorded yet.",
    version: "version",
    scale: "Scores from 1 (not there) to 5 (fully there); recording a stage again replaces it.",
    back: "Back to the case",
};

fn words(lang: Lang) -> &'static AssessmentWords {
    if lang.code() == "en" {
        &EN
    } else {
        &RU
    }
}

/// The form's fields as typed.
#[derive(Default)]
pub struct Typed {
    pub stage: String,
    pub assessed_on: String,
    pub scores: [String; 4],
    pub child_with_mother: String,
}

/// The field names the form posts, in the order of [`Scores`].
pub const SCORE_FIELDS: [(&str, &str); 4] = [
    ("childcare_skills", "childcareSkills"),
    ("interaction_with_child", "interactionWithChild"),
    ("copes_independently", "copesIndependently"),
    ("parental_competence", "parentalCompetence"),
];

#[derive(Template)]
#[template(path = "web/templates/report_assessment.html")]
struct AssessmentPage<'a> {
    page: &'a Page,
    w: &'static AssessmentWords,
    case_id: String,
    rows: Vec<(String, String, [i32; 4], String, i32)>,
    typed: Typed,
    /// The refused field (the API's name) and the message.
    error: Option<(String, String)>,
}

impl AssessmentPage<'_> {
    /// The scores the selects offer.
    fn score_values(&self) -> [&'static str; 5] {
        ["1", "2", "3", "4", "5"]
    }

    /// Whether `value` is the one typed.
    fn selected(&self, typed: &str, value: &str) -> bool {
        typed == value
    }

    /// Each score's form name, API field, label and typed value.
    fn score_rows(&self) -> Vec<(&'static str, &'static str, &'static str, &str)> {
        SCORE_FIELDS
            .iter()
            .zip(self.w.scores)
            .zip(&self.typed.scores)
            .map(|(((name, field), label), typed)| (*name, *field, label, typed.as_str()))
            .collect()
    }

    /// The message next to `field`, if the refusal was about it.
    fn error_at(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

fn stage_words(w: &AssessmentWords, s: AssessmentStage) -> &'static str {
    match s {
        AssessmentStage::Entry => w.entry,
        AssessmentStage::Exit => w.exit,
    }
}

/// `GET /cases/{id}/mother-assessment`.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    render(&state, &caller, &headers, &id, Typed::default(), None).await
}

async fn render(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    id: &str,
    typed: Typed,
    error: Option<(StatusCode, String, String)>,
) -> Response {
    let here = format!("/cases/{id}/mother-assessment");
    let page = match page::frame(state, caller, headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(case_id) = Uuid::parse_str(id) else {
        return page::not_found(&page);
    };
    let rows: Vec<AssessmentRow> =
        match reports::mother_assessments(&state.db, caller, case_id, db::now()).await {
            Ok(rows) => rows,
            Err(e) => return page::error(&page, caller, e, &here),
        };
    let w = words(page.lang);
    let rows = rows
        .into_iter()
        .map(|r| {
            (
                stage_words(w, r.stage).to_owned(),
                r.assessed_on.to_string(),
                [
                    r.childcare_skills,
                    r.interaction_with_child,
                    r.copes_independently,
                    r.parental_competence,
                ],
                match r.child_with_mother {
                    Some(true) => w.yes.to_owned(),
                    Some(false) => w.no.to_owned(),
                    None => "—".to_owned(),
                },
                r.version,
            )
        })
        .collect();
    let (status, error) = match error {
        Some((s, f, m)) => (s, Some((f, m))),
        None => (StatusCode::OK, None),
    };
    page::html(
        status,
        &AssessmentPage {
            page: &page,
            w,
            case_id: case_id.to_string(),
            rows,
            typed,
            error,
        },
    )
}

fn parse(body: &Bytes) -> Typed {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .take(50)
        .collect();
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().chars().take(20).collect::<String>())
            .unwrap_or_default()
    };
    Typed {
        stage: get("stage"),
        assessed_on: get("assessed_on"),
        scores: SCORE_FIELDS.map(|(name, _)| get(name)),
        child_with_mother: get("child_with_mother"),
    }
}

fn input(case_id: Uuid, t: &Typed) -> Result<AssessmentInput, AppError> {
    let stage = match t.stage.as_str() {
        "ENTRY" => AssessmentStage::Entry,
        "EXIT" => AssessmentStage::Exit,
        _ => return Err(AppError::bad_input("stage", "choose entry or exit")),
    };
    let assessed_on = NaiveDate::parse_from_str(&t.assessed_on, "%Y-%m-%d")
        .map_err(|_| AppError::bad_input("assessedOn", "is not a date"))?;
    let mut scores = [0i32; 4];
    for (i, (_, field)) in SCORE_FIELDS.iter().enumerate() {
        scores[i] = t.scores[i]
            .parse()
            .map_err(|_| AppError::bad_input(*field, "a score from 1 to 5"))?;
    }
    let child_with_mother = match t.child_with_mother.as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    };
    Ok(AssessmentInput {
        case_id,
        stage,
        assessed_on,
        scores: Scores {
            childcare_skills: scores[0],
            interaction_with_child: scores[1],
            copes_independently: scores[2],
            parental_competence: scores[3],
        },
        child_with_mother,
    })
}

/// `POST /cases/{id}/mother-assessment`: records one stage, then the page again.
pub async fn submit(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let here = format!("/cases/{id}/mother-assessment");
    let typed = parse(&body);
    let token: String = form_urlencoded::parse(&body)
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if !session::form_ok(&headers, &token) {
        return match page::frame(&state, &caller, &headers, &here).await {
            Ok(page) => page::form_expired(&page),
            Err(answer) => answer,
        };
    }
    let Ok(case_id) = Uuid::parse_str(&id) else {
        return render(&state, &caller, &headers, &id, typed, None).await;
    };
    let result = async {
        let input = input(case_id, &typed)?;
        reports::record_mother_assessment(&state.db, &caller, input, db::now()).await
    }
    .await;
    let refused = match result {
        Ok(_) => return Redirect::to(&here).into_response(),
        Err(AppError::BadUserInput { field, message }) => (StatusCode::BAD_REQUEST, field, message),
        Err(AppError::Forbidden(m)) => (StatusCode::FORBIDDEN, "form".to_owned(), m.to_owned()),
        Err(AppError::Conflict(m)) => (StatusCode::CONFLICT, "form".to_owned(), m),
        Err(e) => {
            return match page::frame(&state, &caller, &headers, &here).await {
                Ok(page) => page::error(&page, &caller, e, &here),
                Err(answer) => answer,
            }
        }
    };
    render(&state, &caller, &headers, &id, typed, Some(refused)).await
}
