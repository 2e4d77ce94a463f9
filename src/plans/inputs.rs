//! GraphQL inputs for plans: the header and tasks as the lead writes them.

use async_graphql::{InputObject, ID};
use chrono::NaiveDate;

use super::model::{PlanHeader, PlanKind, TaskArea};
use super::rules::{self, NewTask};
use crate::error::AppError;
use crate::ids::parse_id;

/// A plan's header as the lead writes it.
#[derive(InputObject)]
pub struct PlanHeaderInput {
    pub main_goal: String,
    pub intermediate_goals: Option<Vec<String>>,
    /// Decision change only, and required there.
    pub refusal_causes: Option<String>,
    /// Decision change only, and required there.
    pub strengths: Option<String>,
    /// Support only, and required there.
    pub rights_violation: Option<String>,
}

impl From<PlanHeaderInput> for PlanHeader {
    fn from(h: PlanHeaderInput) -> PlanHeader {
        PlanHeader {
            main_goal: h.main_goal,
            intermediate_goals: h.intermediate_goals.unwrap_or_default(),
            refusal_causes: h.refusal_causes,
            strengths: h.strengths,
            rights_violation: h.rights_violation,
        }
    }
}

/// A task as the lead writes it.
#[derive(InputObject)]
pub struct PlanTaskInput {
    /// The task this revises; omit for a new one.
    pub id: Option<ID>,
    pub area: TaskArea,
    pub client_action: Option<String>,
    pub specialist_action: Option<String>,
    /// Any agency taking part in the case.
    pub responsible_agency_id: ID,
    pub due_on: NaiveDate,
    /// A new task only: the MRG recommendation it carries out (`MrgRecommendation.id`,
    /// open, about this case, addressed to the responsible agency). It is linked in the
    /// same step and moves to IN_PROGRESS.
    pub recommendation_id: Option<ID>,
}

pub fn tasks_of(input: Vec<PlanTaskInput>) -> Result<Vec<NewTask>, AppError> {
    if input.len() > rules::MAX_TASKS {
        return Err(AppError::bad_input(
            "tasks",
            format!("at most {} tasks", rules::MAX_TASKS),
        ));
    }
    input
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            Ok(NewTask {
                id: t
                    .id
                    .map(|v| parse_id(&format!("tasks[{i}].id"), &v))
                    .transpose()?,
                area: t.area,
                client_action: t.client_action,
                specialist_action: t.specialist_action,
                responsible_agency_id: parse_id(
                    &format!("tasks[{i}].responsibleAgencyId"),
                    &t.responsible_agency_id,
                )?,
                due_on: t.due_on,
                recommendation_id: t
                    .recommendation_id
                    .map(|v| parse_id(&format!("tasks[{i}].recommendationId"), &v))
                    .transpose()?,
            })
        })
        .collect()
}

/// A new plan.
#[derive(InputObject)]
pub struct CreatePlanInput {
    pub case_id: ID,
    pub kind: PlanKind,
    pub header: PlanHeaderInput,
    pub tasks: Vec<PlanTaskInput>,
    /// ИПСР, ИППСУ: the day the plan was due, as you set it.
    pub due_on: Option<NaiveDate>,
    /// Shelter: the day the family settled in (the plan is due 14 days later).
    pub settled_on: Option<NaiveDate>,
    /// ИППСУ: the last day of its term.
    pub term_until: Option<NaiveDate>,
    /// ИПСР, ИППСУ, shelter: the next review.
    pub next_review_on: Option<NaiveDate>,
}

/// A revision: the whole new version.
#[derive(InputObject)]
pub struct RevisePlanInput {
    pub plan_id: ID,
    /// The version you revised (`Plan.version`).
    pub expected_version: i32,
    pub header: PlanHeaderInput,
    pub tasks: Vec<PlanTaskInput>,
    pub change_note: Option<String>,
    pub next_review_on: Option<NaiveDate>,
}
