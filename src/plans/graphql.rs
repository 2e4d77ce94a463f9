//! GraphQL for plans: a case's plans, one plan with its tasks, versions and the
//! difference between two, the caller's agency's tasks that fall due, and the lead's and
//! the responsible agencies' steps. What each caller sees is
//! [`crate::access::plans`]'s to say; header, reasons, versions and task words are
//! opened with the request's caller, which notes the read for the audit.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::inputs::{tasks_of, CreatePlanInput, RevisePlanInput};
use super::model::{
    ExtensionRow, PlanHeader, PlanKind, PlanStatus, TaskArea, TaskSnapshot, TaskStatus, VersionRow,
};
use super::reads::{self, FullPlan, PlanView, TaskView};
use super::rules::{self, FieldChange};
use super::store::DueTask;
use super::{NewPlan, Revision};
use crate::access::Personal;
use crate::agencies::graphql::AgencyNode;
use crate::agencies::loader::AgencyLoader;
use crate::db;
use crate::error::AppError;
use crate::graphql::connection::{connection, Page, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::{parse_id, to_id as id};

/// A plan on a case, as an agency that sees it reads it.
pub struct PlanNode(PlanView);

async fn agency(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<AgencyNode>> {
    Ok(ctx
        .data_unchecked::<DataLoader<AgencyLoader>>()
        .load_one(id)
        .await?
        .map(AgencyNode))
}

fn full<'a>(ctx: &Context<'_>, sealed: &'a Personal<FullPlan>) -> Option<&'a FullPlan> {
    sealed.open(ctx.caller())
}

#[Object(name = "Plan")]
impl PlanNode {
    async fn id(&self) -> ID {
        id(self.0.plan.id)
    }
    async fn case_id(&self) -> ID {
        id(self.0.plan.case_id)
    }
    async fn kind(&self) -> PlanKind {
        self.0.plan.kind
    }
    async fn status(&self) -> PlanStatus {
        self.0.plan.status
    }
    /// The version in force (0 while a shelter has no plan); revisions take it as
    /// `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.plan.current_version
    }
    /// The day the plan was due to be drawn up, where its kind sets one.
    async fn due_on(&self) -> Option<NaiveDate> {
        self.0.plan.due_on
    }
    /// Drawn up after the day it was due (in UTC days).
    async fn drawn_up_late(&self) -> bool {
        let drawn = self.0.plan.created_at.date_naive();
        self.0.plan.current_version > 0 && self.0.plan.due_on.is_some_and(|d| drawn > d)
    }
    /// Shelter: the day the family settled in.
    async fn settled_on(&self) -> Option<NaiveDate> {
        self.0.plan.settled_on
    }
    /// ИППСУ: the last day of its term, as extended.
    async fn term_until(&self) -> Option<NaiveDate> {
        self.0.plan.term_until
    }
    /// The next review: weekly for decision change, every three months for support,
    /// as the lead sets for the others.
    async fn next_review_on(&self) -> Option<NaiveDate> {
        self.0.plan.next_review_on
    }
    /// The next review's day has passed (in UTC days) while the plan is in force.
    async fn review_overdue(&self) -> bool {
        self.0.plan.status == PlanStatus::Active
            && rules::review_overdue(self.0.plan.next_review_on, db::now().date_naive())
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.plan.created_at
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.plan.closed_at
    }
    /// Whether your agency reads the whole plan (header, versions); otherwise you see
    /// only your own tasks.
    async fn reads_full(&self) -> bool {
        self.0.reads_full
    }
    /// Goals and the fields the kind asks for: for those reading the case in FULL.
    async fn header(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PlanHeaderNode>> {
        let Some(full) = full(ctx, &self.0.full) else {
            return Ok(None);
        };
        Ok(reads::header(&ctx.state().db, full, db::now())
            .await?
            .map(PlanHeaderNode))
    }
    /// Shelter: why there is no plan (FULL only).
    async fn no_plan_reason(&self, ctx: &Context<'_>) -> Option<String> {
        self.0
            .full
            .open_some(ctx.caller(), |f| f.no_plan_reason.clone())
    }
    /// The closing conclusion (FULL only).
    async fn conclusion(&self, ctx: &Context<'_>) -> Option<String> {
        self.0
            .full
            .open_some(ctx.caller(), |f| f.conclusion.clone())
    }
    /// The tasks in force you see: all of them where you read the case in FULL, your
    /// agency's own otherwise.
    async fn tasks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PlanTaskNode>> {
        let rows = reads::tasks(&ctx.state().db, ctx.caller(), self.0.plan.id, db::now()).await?;
        Ok(rows.into_iter().map(PlanTaskNode).collect())
    }
    /// Every version, oldest first (FULL only).
    async fn versions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PlanVersionNode>> {
        let Some(full) = full(ctx, &self.0.full) else {
            return Ok(vec![]);
        };
        let rows = reads::versions(&ctx.state().db, full, db::now()).await?;
        Ok(rows.into_iter().map(PlanVersionNode).collect())
    }
    /// One version (FULL only; null where there is none).
    async fn version_of(
        &self,
        ctx: &Context<'_>,
        version: i32,
    ) -> async_graphql::Result<Option<PlanVersionNode>> {
        let Some(full) = full(ctx, &self.0.full) else {
            return Ok(None);
        };
        Ok(reads::version(&ctx.state().db, full, version, db::now())
            .await?
            .map(PlanVersionNode))
    }
    /// What changed from version `from` to version `to` (FULL only).
    async fn diff(
        &self,
        ctx: &Context<'_>,
        from: i32,
        to: i32,
    ) -> async_graphql::Result<Option<PlanDiffNode>> {
        let Some(full) = full(ctx, &self.0.full) else {
            return Ok(None);
        };
        let db = &ctx.state().db;
        let now = db::now();
        let (Some(a), Some(b)) = (
            reads::version(db, full, from, now).await?,
            reads::version(db, full, to, now).await?,
        ) else {
            return Err(AppError::bad_input("from", "no such version of the plan").into());
        };
        Ok(Some(PlanDiffNode(rules::diff(&a.content.0, &b.content.0))))
    }
    /// ИППСУ: the term's extensions, oldest first (FULL only).
    async fn term_extensions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<PlanTermExtension>> {
        let Some(full) = full(ctx, &self.0.full) else {
            return Ok(vec![]);
        };
        let rows = reads::extensions(&ctx.state().db, full, db::now()).await?;
        Ok(rows.into_iter().map(PlanTermExtension::from).collect())
    }
}

/// A plan's header.
pub struct PlanHeaderNode(PlanHeader);

#[Object(name = "PlanHeader")]
impl PlanHeaderNode {
    async fn main_goal(&self) -> &str {
        &self.0.main_goal
    }
    async fn intermediate_goals(&self) -> &[String] {
        &self.0.intermediate_goals
    }
    /// Decision change: the causes of refusal.
    async fn refusal_causes(&self) -> Option<&str> {
        self.0.refusal_causes.as_deref()
    }
    /// Decision change: the client's strengths.
    async fn strengths(&self) -> Option<&str> {
        self.0.strengths.as_deref()
    }
    /// Support: the nature of the violation of the child's rights.
    async fn rights_violation(&self) -> Option<&str> {
        self.0.rights_violation.as_deref()
    }
}

/// A task in a plan.
pub struct PlanTaskNode(TaskView);

#[Object(name = "PlanTask")]
impl PlanTaskNode {
    /// Stays the same across versions.
    async fn id(&self) -> ID {
        id(self.0.task.id)
    }
    async fn plan_id(&self) -> ID {
        id(self.0.task.plan_id)
    }
    async fn area(&self) -> TaskArea {
        self.0.task.area
    }
    /// What the client does (for FULL readers and the responsible agency).
    async fn client_action(&self, ctx: &Context<'_>) -> Option<String> {
        self.0
            .text
            .open_some(ctx.caller(), |t| t.client_action.clone())
    }
    /// What the specialist does.
    async fn specialist_action(&self, ctx: &Context<'_>) -> Option<String> {
        self.0
            .text
            .open_some(ctx.caller(), |t| t.specialist_action.clone())
    }
    async fn responsible_agency(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<AgencyNode>> {
        agency(ctx, self.0.task.responsible_agency_id).await
    }
    async fn due_on(&self) -> NaiveDate {
        self.0.task.due_on
    }
    /// The end of the due day in the responsible agency's time zone.
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.task.due_at
    }
    async fn status(&self) -> TaskStatus {
        self.0.task.status
    }
    /// The note with the status.
    async fn status_note(&self, ctx: &Context<'_>) -> Option<String> {
        self.0
            .text
            .open_some(ctx.caller(), |t| t.status_note.clone())
    }
    async fn status_changed_at(&self) -> Option<DateTime<Utc>> {
        self.0.task.status_changed_at
    }
    /// Still open past its due time.
    async fn overdue(&self) -> bool {
        self.0.overdue(db::now())
    }
}

/// A version of a plan.
pub struct PlanVersionNode(VersionRow);

#[Object(name = "PlanVersion")]
impl PlanVersionNode {
    async fn version(&self) -> i32 {
        self.0.version_no
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn created_by_id(&self) -> ID {
        id(self.0.created_by_user_id)
    }
    async fn change_note(&self) -> Option<&str> {
        self.0.change_note.as_deref()
    }
    /// The day the client received her copy of this version.
    async fn client_received_on(&self) -> Option<NaiveDate> {
        self.0.client_received_on
    }
    async fn header(&self) -> PlanHeaderNode {
        PlanHeaderNode(self.0.content.0.header.clone())
    }
    /// The tasks as they stood in this version.
    async fn tasks(&self) -> Vec<PlanTaskSnapshot> {
        self.0
            .content
            .0
            .tasks
            .iter()
            .map(PlanTaskSnapshot::from)
            .collect()
    }
}

/// A task as a version holds it.
#[derive(SimpleObject)]
pub struct PlanTaskSnapshot {
    id: ID,
    area: TaskArea,
    client_action: Option<String>,
    specialist_action: Option<String>,
    responsible_agency_id: ID,
    due_on: NaiveDate,
    status: TaskStatus,
}

impl From<&TaskSnapshot> for PlanTaskSnapshot {
    fn from(t: &TaskSnapshot) -> PlanTaskSnapshot {
        PlanTaskSnapshot {
            id: id(t.id),
            area: t.area,
            client_action: t.client_action.clone(),
            specialist_action: t.specialist_action.clone(),
            responsible_agency_id: id(t.responsible_agency_id),
            due_on: t.due_on,
            status: t.status,
        }
    }
}

/// One field that differs between two versions.
#[derive(SimpleObject)]
pub struct PlanFieldChange {
    field: String,
    before: Option<String>,
    after: Option<String>,
}

impl From<&FieldChange> for PlanFieldChange {
    fn from(c: &FieldChange) -> PlanFieldChange {
        PlanFieldChange {
            field: c.field.to_owned(),
            before: c.before.clone(),
            after: c.after.clone(),
        }
    }
}

/// A task in both versions that differs.
#[derive(SimpleObject)]
pub struct PlanTaskChange {
    task_id: ID,
    fields: Vec<PlanFieldChange>,
}

/// What changed between two versions.
pub struct PlanDiffNode(rules::PlanDiff);

#[Object(name = "PlanDiff")]
impl PlanDiffNode {
    async fn header(&self) -> Vec<PlanFieldChange> {
        self.0.header.iter().map(PlanFieldChange::from).collect()
    }
    async fn added(&self) -> Vec<PlanTaskSnapshot> {
        self.0.added.iter().map(PlanTaskSnapshot::from).collect()
    }
    async fn removed(&self) -> Vec<PlanTaskSnapshot> {
        self.0.removed.iter().map(PlanTaskSnapshot::from).collect()
    }
    async fn changed(&self) -> Vec<PlanTaskChange> {
        self.0
            .changed
            .iter()
            .map(|c| PlanTaskChange {
                task_id: id(c.task_id),
                fields: c.fields.iter().map(PlanFieldChange::from).collect(),
            })
            .collect()
    }
}

/// An ИППСУ's term extension.
#[derive(SimpleObject)]
pub struct PlanTermExtension {
    previous_until: NaiveDate,
    until: NaiveDate,
    reason: String,
    extended_at: DateTime<Utc>,
}

impl From<ExtensionRow> for PlanTermExtension {
    fn from(e: ExtensionRow) -> PlanTermExtension {
        PlanTermExtension {
            previous_until: e.previous_until,
            until: e.extended_until,
            reason: e.reason,
            extended_at: e.extended_at,
        }
    }
}

/// A task of your agency that falls due: where it is, nothing personal.
#[derive(SimpleObject)]
pub struct DuePlanTask {
    task_id: ID,
    plan_id: ID,
    plan_kind: PlanKind,
    case_id: ID,
    case_journal_number: String,
    due_on: NaiveDate,
    status: TaskStatus,
    overdue: bool,
}

impl DuePlanTask {
    fn of(t: DueTask, now: DateTime<Utc>) -> DuePlanTask {
        DuePlanTask {
            task_id: id(t.task_id),
            plan_id: id(t.plan_id),
            plan_kind: t.kind,
            case_id: id(t.case_id),
            case_journal_number: t.case_journal_no,
            due_on: t.due_on,
            status: t.status,
            overdue: rules::task_overdue(t.status, t.due_at, now),
        }
    }
}

async fn node(ctx: &Context<'_>, plan_id: Uuid) -> async_graphql::Result<PlanNode> {
    Ok(PlanNode(
        reads::get(&ctx.state().db, ctx.caller(), plan_id, db::now()).await?,
    ))
}

/// Reading plans.
#[derive(Default)]
pub struct PlanQuery;

#[Object]
impl PlanQuery {
    /// The plans of a case that you see.
    async fn plans(&self, ctx: &Context<'_>, case_id: ID) -> async_graphql::Result<Vec<PlanNode>> {
        let case_id = parse_id("caseId", &case_id)?;
        let rows = reads::of_case(&ctx.state().db, ctx.caller(), case_id, db::now()).await?;
        Ok(rows.into_iter().map(PlanNode).collect())
    }

    /// One plan you see.
    async fn plan(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<PlanNode> {
        node(ctx, parse_id("id", &id)?).await
    }

    /// Your agency's open tasks due within three days, and overdue ones, soonest first,
    /// a page at a time.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn plan_tasks_due(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<(DateTime<Utc>, Uuid), DuePlanTask>> {
        ctx.actor()?;
        let page = PageRequest::<(DateTime<Utc>, Uuid)>::parse(first, after.as_deref())?;
        let now = db::now();
        let rows = reads::due_tasks(
            &ctx.state().db,
            ctx.caller(),
            page.after.as_ref(),
            now,
            page.fetch_limit(),
        )
        .await?;
        Ok(connection(
            rows,
            &page,
            |t| (t.due_at, t.task_id),
            |t| DuePlanTask::of(t, now),
        ))
    }
}

/// Drawing up, revising and working by plans.
#[derive(Default)]
pub struct PlanMutation;

#[Object]
impl PlanMutation {
    /// Draws up a plan on a case your agency leads (its curator or a head): version 1.
    async fn create_plan(
        &self,
        ctx: &Context<'_>,
        input: CreatePlanInput,
    ) -> async_graphql::Result<PlanNode> {
        let new = NewPlan {
            case_id: parse_id("caseId", &input.case_id)?,
            kind: input.kind,
            header: input.header.into(),
            tasks: tasks_of(input.tasks)?,
            due_on: input.due_on,
            settled_on: input.settled_on,
            term_until: input.term_until,
            next_review_on: input.next_review_on,
        };
        let plan = super::create(&ctx.state().db, ctx.caller(), new, db::now()).await?;
        node(ctx, plan.id).await
    }

    /// A shelter records that a family has no plan, with a reason.
    async fn record_no_plan(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        settled_on: NaiveDate,
        reason: String,
    ) -> async_graphql::Result<PlanNode> {
        let case_id = parse_id("caseId", &case_id)?;
        let plan = super::record_no_plan(
            &ctx.state().db,
            ctx.caller(),
            case_id,
            settled_on,
            &reason,
            db::now(),
        )
        .await?;
        node(ctx, plan.id).await
    }

    /// Revises a plan: a new version; earlier ones stay readable.
    async fn revise_plan(
        &self,
        ctx: &Context<'_>,
        input: RevisePlanInput,
    ) -> async_graphql::Result<PlanNode> {
        let rev = Revision {
            plan_id: parse_id("planId", &input.plan_id)?,
            expected_version: input.expected_version,
            header: input.header.into(),
            tasks: tasks_of(input.tasks)?,
            change_note: input.change_note,
            next_review_on: input.next_review_on,
        };
        let plan = super::revise(&ctx.state().db, ctx.caller(), rev, db::now()).await?;
        node(ctx, plan.id).await
    }

    /// Adds an MRG recommendation to the case's plan as a new task in one step: its
    /// words, responsible agency and due date, in `area`; the recommendation moves to
    /// IN_PROGRESS with a note. The plan is `planId`, or else the case's newest plan that
    /// is not closed (none: `BAD_USER_INPUT` on `planId`). Only the case's lead (its
    /// curator or a head) revises a plan.
    async fn add_recommendation_to_plan(
        &self,
        ctx: &Context<'_>,
        recommendation_id: ID,
        area: TaskArea,
        plan_id: Option<ID>,
    ) -> async_graphql::Result<PlanNode> {
        let recommendation_id = parse_id("recommendationId", &recommendation_id)?;
        let plan_id = plan_id.map(|v| parse_id("planId", &v)).transpose()?;
        let plan = super::recommended::add_task(
            &ctx.state().db,
            ctx.caller(),
            recommendation_id,
            area,
            plan_id,
            db::now(),
        )
        .await?;
        node(ctx, plan.id).await
    }

    /// Records a task's status (and a note): its responsible agency, or the lead.
    async fn update_plan_task(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: TaskStatus,
        note: Option<String>,
    ) -> async_graphql::Result<PlanTaskNode> {
        let task_id = parse_id("id", &id)?;
        let db = &ctx.state().db;
        let now = db::now();
        let task =
            super::update_task(db, ctx.caller(), task_id, status, note.as_deref(), now).await?;
        let tasks = reads::tasks_of_case(db, ctx.caller(), task.case_id, now).await?;
        tasks
            .into_iter()
            .find(|t| t.task.id == task_id)
            .map(PlanTaskNode)
            .ok_or_else(|| AppError::NotFound("task").into())
    }

    /// Records the day the client received her copy of a version.
    async fn record_plan_copy_received(
        &self,
        ctx: &Context<'_>,
        plan_id: ID,
        version: i32,
        received_on: NaiveDate,
    ) -> async_graphql::Result<PlanNode> {
        let plan_id = parse_id("planId", &plan_id)?;
        let plan = super::record_client_copy(
            &ctx.state().db,
            ctx.caller(),
            plan_id,
            version,
            received_on,
            db::now(),
        )
        .await?;
        node(ctx, plan.id).await
    }

    /// Extends an ИППСУ's term, with a reason.
    async fn extend_plan_term(
        &self,
        ctx: &Context<'_>,
        plan_id: ID,
        until: NaiveDate,
        reason: String,
    ) -> async_graphql::Result<PlanNode> {
        let plan_id = parse_id("planId", &plan_id)?;
        let plan = super::extend_term(
            &ctx.state().db,
            ctx.caller(),
            plan_id,
            until,
            &reason,
            db::now(),
        )
        .await?;
        node(ctx, plan.id).await
    }

    /// Closes a plan with a conclusion (an ИППСУ's заключение).
    async fn close_plan(
        &self,
        ctx: &Context<'_>,
        plan_id: ID,
        conclusion: String,
    ) -> async_graphql::Result<PlanNode> {
        let plan_id = parse_id("planId", &plan_id)?;
        let plan = super::close(
            &ctx.state().db,
            ctx.caller(),
            plan_id,
            &conclusion,
            db::now(),
        )
        .await?;
        node(ctx, plan.id).await
    }
}
