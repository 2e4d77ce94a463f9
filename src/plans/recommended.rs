//! An MRG recommendation becomes a task of the case's plan in one step (issue 15): the
//! task carries the recommendation's words, agency and due date, and is added by a
//! revision of the plan in the transaction that links it to the recommendation and
//! moves the recommendation to in progress ([`super::revise_in`]).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{PlanRow, PlanStatus, TaskArea};
use super::rules::{self, NewTask};
use super::{led_plan, revise_in, store, Revision};
use crate::access::Caller;
use crate::audit::Origin;
use crate::db::Db;
use crate::error::{AppError, AppResult};

/// The plan of a case that a recommendation's task goes into: the one asked for, or
/// else the case's newest plan that is not closed. None is `BAD_USER_INPUT` on `planId`.
pub async fn current_plan(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    asked: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    if let Some(id) = asked {
        return Ok(id);
    }
    let plans = store::of_case(db, caller.viewer()?, case_id, now).await?;
    plans
        .into_iter()
        .filter(|p| p.row.status != PlanStatus::Closed)
        .max_by_key(|p| p.row.created_at)
        .map(|p| p.row.id)
        .ok_or_else(|| {
            AppError::bad_input(
                "planId",
                "the case has no open plan to add the task to; draw up a plan first",
            )
        })
}

/// Adds the recommendation as a new task (in `area`) to the case's current plan (or
/// `plan_id`), as a revision by the lead; see [`current_plan`] and [`revise_in`].
pub async fn add_task(
    db: &Db,
    caller: &Caller,
    recommendation_id: Uuid,
    area: TaskArea,
    plan_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<PlanRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let rec = crate::mrg::reads::recommendation(db, caller, recommendation_id, now).await?;
    let text = rec
        .text
        .open(caller)
        .cloned()
        .ok_or(AppError::Forbidden("only those who read the case in full"))?;
    if crate::mrg::rules::is_final(rec.row.status) {
        return Err(AppError::Conflict(format!(
            "the recommendation is {} already",
            rec.row.status.as_str()
        )));
    }
    let plan_id = current_plan(db, caller, rec.row.case_id, plan_id, now).await?;
    let (mut tx, case, plan) = led_plan(db, actor, plan_id, now).await?;
    if plan.case_id != rec.row.case_id {
        return Err(AppError::bad_input(
            "recommendationId",
            "the recommendation is about another case",
        ));
    }
    if !rules::areas(plan.kind).contains(&area) {
        return Err(AppError::bad_input(
            "area",
            format!("not an area of a {} plan", plan.kind.as_str()),
        ));
    }
    let version = store::version_in(&mut tx, plan.id, plan.current_version).await?;
    let header = version
        .map(|v| v.content.0.header)
        .ok_or_else(|| AppError::bad_input("planId", "the plan is not drawn up yet"))?;
    let mut tasks: Vec<NewTask> = store::current_tasks(&mut tx, plan.id)
        .await?
        .into_iter()
        .map(|t| NewTask {
            id: Some(t.id),
            area: t.area,
            client_action: t.client_action,
            specialist_action: t.specialist_action,
            responsible_agency_id: t.responsible_agency_id,
            due_on: t.due_on,
            recommendation_id: None,
        })
        .collect();
    tasks.push(NewTask {
        id: None,
        area,
        client_action: None,
        specialist_action: Some(text),
        responsible_agency_id: rec.row.agency_id,
        due_on: rec.row.due_date,
        recommendation_id: Some(rec.row.id),
    });
    let rev = Revision {
        plan_id: plan.id,
        expected_version: plan.current_version,
        header,
        tasks,
        change_note: Some("Добавлена задача по рекомендации МРГ".to_owned()),
        // Kept unless it has passed (a past day is refused; the lead sets a new one).
        next_review_on: plan.next_review_on.filter(|d| *d > now.date_naive()),
    };
    let plan = revise_in(&mut tx, actor, origin, &case, plan, rev, now).await?;
    tx.commit().await?;
    Ok(plan)
}
