//! GraphQL for the minutes of an item (full or an extract) and recommendations.

use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};

use super::{agency, case, Amendment, Res};
use crate::agencies::graphql::AgencyNode;
use crate::cases::graphql::CaseNode;
use crate::db;
use crate::graphql::ContextExt;
use crate::ids::to_id as id;
use crate::mrg::model::*;
use crate::mrg::reads::{self, ItemMinutes, RecommendationView};

pub struct ItemMinutesNode(pub(super) ItemMinutes);

/// A point of stage 1.
#[derive(SimpleObject)]
#[graphql(name = "MrgInformationPoint")]
pub struct Point {
    assessment: Assessment,
    text: String,
    agency_id: Option<ID>,
    organisation: Option<String>,
}

/// A service chosen at stage 2.
#[derive(SimpleObject)]
#[graphql(name = "MrgService")]
pub struct Service {
    service_type: ServiceType,
    agency_id: ID,
    note: Option<String>,
}

#[Object(name = "MrgItemMinutes")]
impl ItemMinutesNode {
    async fn item_id(&self) -> ID {
        id(self.0.item.id)
    }
    async fn position(&self) -> i32 {
        self.0.item.position
    }
    async fn meeting_id(&self) -> ID {
        id(self.0.meeting.id)
    }
    async fn meeting_journal_number(&self) -> &str {
        &self.0.meeting.journal_no
    }
    async fn meeting_starts_at(&self) -> DateTime<Utc> {
        self.0.meeting.starts_at
    }
    async fn case(&self, ctx: &Context<'_>) -> Res<Option<CaseNode>> {
        case(ctx, self.0.item.case_id).await
    }
    async fn topic(&self) -> Option<&str> {
        self.0.item.topic.as_deref()
    }
    /// The draft's version: send it back with `saveMinutes`.
    async fn version(&self) -> i32 {
        self.0.item.version
    }
    /// Stage 1: what each agency told the group, under the three assessments.
    async fn information(&self) -> Vec<Point> {
        self.0
            .item
            .information_points()
            .into_iter()
            .map(|p| Point {
                assessment: p.assessment,
                text: p.text,
                agency_id: p.agency_id.map(id),
                organisation: p.organisation,
            })
            .collect()
    }
    async fn child_opinion(&self) -> Option<&str> {
        self.0.item.child_opinion.as_deref()
    }
    async fn child_not_heard_reason(&self) -> Option<&str> {
        self.0.item.child_not_heard_reason.as_deref()
    }
    async fn family_participated(&self) -> Option<bool> {
        self.0.item.family_participated
    }
    async fn family_position(&self) -> Option<&str> {
        self.0.item.family_position.as_deref()
    }
    /// Stage 2: the services chosen, each to an agency.
    async fn services(&self) -> Vec<Service> {
        self.0
            .item
            .chosen_services()
            .into_iter()
            .map(|s| Service {
                service_type: s.service_type,
                agency_id: id(s.agency_id),
                note: s.note,
            })
            .collect()
    }
    /// Stage 3: the child's long-term goal.
    async fn long_term_goal(&self) -> Option<LongTermGoal> {
        self.0.item.long_term_goal
    }
    /// Stage 3: the collegial decision.
    async fn decision(&self) -> Option<&str> {
        self.0.item.decision.as_deref()
    }
    async fn recommendations(&self) -> Vec<RecommendationNode> {
        self.0
            .recommendations
            .iter()
            .cloned()
            .map(|r| RecommendationNode(RecommendationView::of(r, true)))
            .collect()
    }
    /// Corrections to this item since approval, beside the original.
    async fn amendments(&self) -> Vec<Amendment> {
        self.0
            .amendments
            .iter()
            .cloned()
            .map(Amendment::from)
            .collect()
    }
}

/// A recommendation of a collegial decision.
pub struct RecommendationNode(pub(super) RecommendationView);

/// What a recommendation became in one step: read the target through `handover(id:)` or
/// the case's plans, each in its own scope.
#[derive(SimpleObject)]
#[graphql(name = "MrgRecommendationAction")]
pub struct Action {
    kind: ActionKind,
    target_id: ID,
    acted_at: DateTime<Utc>,
}

/// A dated note by the responsible agency.
#[derive(SimpleObject)]
#[graphql(name = "MrgRecommendationNote")]
pub struct Note {
    status: RecommendationStatus,
    note: String,
    noted_at: DateTime<Utc>,
    agency_id: ID,
    author_id: ID,
}

#[Object(name = "MrgRecommendation")]
impl RecommendationNode {
    async fn id(&self) -> ID {
        id(self.0.row.id)
    }
    async fn meeting_id(&self) -> ID {
        id(self.0.row.meeting_id)
    }
    async fn group_id(&self) -> ID {
        id(self.0.row.group_id)
    }
    async fn case(&self, ctx: &Context<'_>) -> Res<Option<CaseNode>> {
        case(ctx, Some(self.0.row.case_id)).await
    }
    /// What is to be done (read audited).
    async fn text(&self, ctx: &Context<'_>) -> Option<String> {
        self.0.text.open(ctx.caller()).cloned()
    }
    async fn addressee(&self) -> Addressee {
        self.0.row.addressee
    }
    /// The agency that answers for it (for the family: the case's lead).
    async fn agency(&self, ctx: &Context<'_>) -> Res<Option<AgencyNode>> {
        agency(ctx, self.0.row.agency_id).await
    }
    async fn responsible_person(&self) -> Option<&str> {
        self.0.row.responsible_person.as_deref()
    }
    async fn due_date(&self) -> NaiveDate {
        self.0.row.due_date
    }
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.row.due_at
    }
    async fn status(&self) -> RecommendationStatus {
        self.0.row.status
    }
    /// Still open past its due time.
    async fn overdue(&self) -> bool {
        crate::mrg::rules::is_overdue(self.0.row.status, self.0.row.due_at, db::now())
    }
    /// Whether its minutes are approved (a draft's recommendation is not in force).
    async fn approved(&self) -> bool {
        self.0.row.approved
    }
    async fn version(&self) -> i32 {
        self.0.row.version
    }
    /// The dated notes of the responsible agency, oldest first.
    async fn notes(&self, ctx: &Context<'_>) -> Res<Vec<Note>> {
        if self.0.text.open(ctx.caller()).is_none() {
            return Ok(Vec::new());
        }
        let rows = reads::notes(&ctx.state().db, &[self.0.row.id]).await?;
        Ok(rows
            .into_iter()
            .map(|n| Note {
                status: n.status,
                note: n.note,
                noted_at: n.noted_at,
                agency_id: id(n.agency_id),
                author_id: id(n.user_id),
            })
            .collect())
    }
    /// The handover request or plan task it became, if any.
    async fn became(&self, ctx: &Context<'_>) -> Res<Vec<Action>> {
        let rows = reads::actions(&ctx.state().db, &[self.0.row.id]).await?;
        Ok(rows
            .into_iter()
            .map(|a| Action {
                kind: a.kind,
                target_id: id(a.target_id),
                acted_at: a.acted_at,
            })
            .collect())
    }
}
