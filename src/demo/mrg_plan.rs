//! The demo's recommendation that became a plan task (issue 15): after the MRG's
//! approved decision on the case in decision work, its curator draws up the
//! decision-change plan, and the recommendation to the prevention service («Провести
//! курс психологических консультаций», in progress) is added to it in one step, through
//! the path of `addRecommendationToPlan`. The recommendation's page shows «стала: задача
//! плана», the plan shows the task with the recommendation's words.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::records::Cast;
use crate::db::Db;
use crate::error::AppResult;
use crate::mrg::model::Addressee;
use crate::mrg::store::DecisionFilter;
use crate::plans::model::{PlanHeader, PlanKind, TaskArea};
use crate::plans::rules::NewTask;
use crate::plans::{self, NewPlan};

/// The words of the recommendation that becomes a task (from `super::mrg`).
pub const PLANNED: &str = "Провести курс психологических консультаций";

/// Draws up the decision-change plan on `deciding` 6 days ago and adds the MRG's
/// recommendation to it 5 days ago.
pub(super) async fn seed(
    db: &Db,
    cast: &Cast,
    deciding: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(service) = cast.head.actor()?.agency_id else {
        return Ok(());
    };
    let days = Duration::days;
    let drawn = now - days(6);
    let new = NewPlan {
        case_id: deciding,
        kind: PlanKind::DecisionChange,
        header: PlanHeader {
            main_goal: "Мать забирает ребёнка домой из роддома".into(),
            intermediate_goals: vec!["Жильё на время после выписки".into()],
            refusal_causes: Some("Нет жилья и дохода, нет поддержки отца ребёнка".into()),
            strengths: Some("Привязана к ребёнку; бабушка готова помогать".into()),
            rights_violation: None,
        },
        tasks: vec![NewTask {
            id: None,
            area: TaskArea::SocioEconomic,
            client_action: Some("Собирает документы на единовременную помощь".into()),
            specialist_action: Some("Помогает оформить заявление".into()),
            responsible_agency_id: service,
            due_on: (now + days(4)).date_naive(),
            recommendation_id: None,
        }],
        due_on: None,
        settled_on: None,
        term_until: None,
        next_review_on: None,
    };
    let plan = plans::create(db, &cast.curator, new, drawn).await?;
    let at = now - days(5);
    let curator = &cast.curator;
    let filter = DecisionFilter {
        case: Some(deciding),
        ..DecisionFilter::default()
    };
    let decisions = crate::mrg::reads::decisions(db, curator, &filter, None, at, 50).await?;
    let Some(rec) = decisions.into_iter().find(|r| {
        r.row.addressee == Addressee::Agency
            && r.row.agency_id == service
            && r.text.open(curator).is_some_and(|t| t == PLANNED)
    }) else {
        return Ok(());
    };
    plans::recommended::add_task(
        db,
        curator,
        rec.row.id,
        TaskArea::Psychological,
        Some(plan.id),
        at,
    )
    .await?;
    Ok(())
}
