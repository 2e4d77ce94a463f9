//! An MRG recommendation's page (`/mrg/recommendations/{id}`, the link in the e-mails):
//! its words, status and dated notes, the responsible agency's progress form, what it
//! became, and for the case's lead the one-step referral; and the lists of open
//! recommendations for the home page and the case page. Read through `mrg::reads`, as
//! `mrgRecommendation(id:)` and `decisions(...)` read them.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::local_time;
use super::mrg::{parse, rec_rows, words, RecRow};
use super::mrg_words::MrgWords;
use super::page::{self, Page};
use super::session;
use crate::access::Caller;
use crate::app::AppState;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::mrg::model::*;
use crate::mrg::reads;
use crate::mrg::store::DecisionFilter;

/// The open recommendations the caller's agency answers for, the soonest due first: for
/// the home page and the meetings list.
pub async fn agency_recommendations(
    state: &AppState,
    caller: &Caller,
    page: &Page,
) -> AppResult<Vec<RecRow>> {
    let actor = caller.actor()?;
    let Some(agency) = actor.agency_id else {
        return Ok(Vec::new());
    };
    // Open ones only, chosen in SQL: read as all of them and filtered here, an agency's
    // first hundred done recommendations hid every open one due later.
    let filter = DecisionFilter {
        agency: Some(agency),
        open: true,
        ..DecisionFilter::default()
    };
    let views = reads::decisions(&state.db, caller, &filter, None, db::now(), 100).await?;
    rec_rows(state, caller, page, views).await
}

/// The recommendations of a case the caller sees, for the case page.
pub async fn case_recommendations(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    case: Uuid,
) -> AppResult<Vec<RecRow>> {
    let filter = DecisionFilter {
        case: Some(case),
        ..DecisionFilter::default()
    };
    let views = reads::decisions(&state.db, caller, &filter, None, db::now(), 100).await?;
    rec_rows(state, caller, page, views).await
}

/// A recommendation as its page shows it.
#[derive(Template)]
#[template(path = "web/templates/mrg_recommendation.html")]
struct RecommendationPage<'a> {
    page: &'a Page,
    w: &'static MrgWords,
    rec: &'a RecRow,
    meeting: Uuid,
    version: i32,
    notes: &'a [(String, &'static str, String)],
    open: bool,
    statuses: Vec<(&'static str, &'static str)>,
    error: Option<&'static str>,
    /// The case's lead may refer or hand the case over on it, in one step.
    refer: bool,
    /// The case's lead may add it to the case's plan as a task, in one step.
    plan_task: bool,
    /// What it became: the words and the page of each.
    became: Vec<(&'static str, String)>,
}

/// `GET /mrg/recommendations/{id}`.
pub async fn recommendation(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let page = match page::frame(
        &state,
        &caller,
        &headers,
        &format!("/mrg/recommendations/{id}"),
    )
    .await
    {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Some(id) = parse(&id) else {
        return page::not_found(&page);
    };
    show_recommendation(&state, &caller, &page, id, None).await
}

async fn show_recommendation(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
    error: Option<&'static str>,
) -> Response {
    let w = words(page);
    let built = async {
        let view = reads::recommendation(&state.db, caller, id, db::now()).await?;
        let (meeting, version, status) = (view.row.meeting_id, view.row.version, view.row.status);
        let readable = view.text.open(caller).is_some();
        let notes = if readable {
            reads::notes(&state.db, &[id]).await?
        } else {
            Vec::new()
        };
        let notes: Vec<(String, &'static str, String)> = notes
            .into_iter()
            .map(|n| {
                (
                    local_time(n.noted_at, page.zone),
                    w.status(n.status),
                    n.note,
                )
            })
            .collect();
        let (refer, plan_task, became) = follow_ups(state, caller, &view).await?;
        let rows = rec_rows(state, caller, page, vec![view]).await?;
        Ok::<_, AppError>((
            rows,
            meeting,
            version,
            notes,
            status,
            (refer, plan_task),
            became,
        ))
    };
    match built.await {
        Ok((rows, meeting, version, notes, status, (refer, plan_task), became)) => {
            let became = became
                .into_iter()
                .map(|(kind, href)| {
                    let word = match kind {
                        ActionKind::Handover => w.became_handover,
                        ActionKind::PlanTask => w.became_plan_task,
                    };
                    (word, href)
                })
                .collect();
            let statuses = RecommendationStatus::ALL
                .iter()
                .filter(|s| **s != RecommendationStatus::Assigned)
                .map(|s| (s.as_str(), w.status(*s)))
                .collect();
            page::html(
                if error.is_some() {
                    StatusCode::CONFLICT
                } else {
                    StatusCode::OK
                },
                &RecommendationPage {
                    page,
                    w,
                    rec: &rows[0],
                    meeting,
                    version,
                    notes: &notes,
                    open: !crate::mrg::rules::is_final(status),
                    statuses,
                    error,
                    refer,
                    plan_task,
                    became,
                },
            )
        }
        Err(error) => page::error(page, caller, error, "/mrg"),
    }
}

/// Whether the caller's agency, leading the case, may refer or hand it over on the
/// recommendation (open, addressed to an agency, not yet acted on so), and what the
/// recommendation became, with the page of each.
async fn follow_ups(
    state: &AppState,
    caller: &Caller,
    view: &reads::RecommendationView,
) -> AppResult<(bool, bool, Vec<(ActionKind, String)>)> {
    let (db, now) = (&state.db, db::now());
    let actor = caller.actor()?;
    let row = &view.row;
    let actions = reads::actions(db, &[row.id]).await?;
    let leads = match crate::cases::store::get_visible(db, actor.viewer(), row.case_id, now).await {
        Ok((case, crate::access::Scope::Full)) => {
            actor.agency_id == Some(case.lead_agency_id)
                && case.status != crate::cases::model::CaseStatus::Closed
        }
        Ok(_) | Err(AppError::NotFound(_)) => false,
        Err(other) => return Err(other),
    };
    let refer = leads
        && !crate::mrg::rules::is_final(row.status)
        && row.addressee == crate::mrg::model::Addressee::Agency
        && !actions.iter().any(|a| a.kind == ActionKind::Handover);
    let plan_task = leads
        && !crate::mrg::rules::is_final(row.status)
        && !actions.iter().any(|a| a.kind == ActionKind::PlanTask);
    let became = actions
        .into_iter()
        .map(|a| {
            let href = match a.kind {
                ActionKind::Handover => format!("/handovers/{}", a.target_id),
                ActionKind::PlanTask => format!("/plan-tasks/{}", a.target_id),
            };
            (a.kind, href)
        })
        .collect();
    Ok((refer, plan_task, became))
}

/// `GET /mrg/recommendations/{id}/plan-task`: the revision form of the case's current
/// plan, with a new task filled in from the recommendation; a case with no plan in force
/// shows the recommendation again with the reason.
pub async fn plan_task(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/mrg/recommendations/{id}");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Some(id) = parse(&id) else {
        return page::not_found(&page);
    };
    let now = db::now();
    let found = async {
        let view = reads::recommendation(&state.db, &caller, id, now).await?;
        crate::plans::recommended::current_plan(&state.db, &caller, view.row.case_id, None, now)
            .await
    };
    match found.await {
        Ok(plan) => {
            Redirect::to(&format!("/plans/{plan}/revise?recommendation={id}")).into_response()
        }
        Err(AppError::BadUserInput { .. }) => {
            show_recommendation(&state, &caller, &page, id, Some(words(&page).no_plan)).await
        }
        Err(error) => page::error(&page, &caller, error, &here),
    }
}

/// The posted progress of a recommendation.
#[derive(Deserialize)]
pub struct ProgressForm {
    csrf: String,
    status: String,
    note: String,
    version: i32,
}

/// `POST /mrg/recommendations/{id}`.
pub async fn progress(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ProgressForm>,
) -> Response {
    let page = match page::frame(
        &state,
        &caller,
        &headers,
        &format!("/mrg/recommendations/{id}"),
    )
    .await
    {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Some(id) = parse(&id) else {
        return page::not_found(&page);
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let w = words(&page);
    let Some(status) = RecommendationStatus::parse(&form.status) else {
        return show_recommendation(&state, &caller, &page, id, Some(w.refused)).await;
    };
    match crate::mrg::followup::update(
        &state.db,
        &caller,
        id,
        status,
        &form.note,
        form.version,
        db::now(),
    )
    .await
    {
        Ok(_) => Redirect::to(&format!("/mrg/recommendations/{id}")).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), "/mrg")
        }
        Err(AppError::Forbidden(_)) => {
            show_recommendation(&state, &caller, &page, id, Some(w.not_allowed)).await
        }
        Err(AppError::BadUserInput { .. }) => {
            show_recommendation(&state, &caller, &page, id, Some(w.refused)).await
        }
        Err(AppError::Conflict(_)) => {
            show_recommendation(&state, &caller, &page, id, Some(w.conflict)).await
        }
        Err(other) => page::error(&page, &caller, other, "/mrg"),
    }
}
