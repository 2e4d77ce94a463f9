//! GraphQL for reunification: the centre's list of children in reunification, one
//! record with its timeline, and the steps. A record exists only for agencies with some
//! scope on its case; an entry's words only where
//! [`crate::access::reunification_text_visible`] allows, opened with the request's
//! caller, which notes the read for the audit. Every record shown, a step's result too,
//! comes through [`reads`].

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{
    Content, EntryKind, PlacementBasis, ReunificationRow, ReunificationStatus, Stage, Track,
    Verdict,
};
use super::reads::{self, EntryView, ReunificationView};
use crate::access::Scope;
use crate::agencies::graphql::AgencyNode;
use crate::agencies::loader::AgencyLoader;
use crate::cases::graphql::CaseNode;
use crate::cases::loader::{ViewedCase, VisibleCasesLoader};
use crate::cases::reads::CaseView;
use crate::db;
use crate::graphql::connection::{connection, Page, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::{parse_id, to_id as id};

/// A child's reunification with the birth family, as an agency on the case sees it.
pub struct ReunificationNode(ReunificationView);

async fn agency(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<AgencyNode>> {
    Ok(ctx
        .data_unchecked::<DataLoader<AgencyLoader>>()
        .load_one(id)
        .await?
        .map(AgencyNode))
}

#[Object(name = "Reunification")]
impl ReunificationNode {
    /// The global id (also for `node(id:)`).
    pub async fn id(&self) -> ID {
        id(self.0.row.id)
    }
    /// The case as your agency sees it.
    async fn case(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CaseNode>> {
        let key = ViewedCase {
            viewer: ctx.actor()?.viewer(),
            case_id: self.0.row.case_id,
        };
        let seen = ctx
            .data_unchecked::<DataLoader<VisibleCasesLoader>>()
            .load_one(key)
            .await?;
        Ok(seen.map(|(row, scope)| CaseNode::new(CaseView::of(row, scope))))
    }
    /// The rehabilitation centre that holds the child and keeps the record.
    async fn centre(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgencyNode>> {
        agency(ctx, self.0.row.centre_agency_id).await
    }
    /// Your agency's scope on the case: SUMMARY reads stages, dates and verdicts only.
    async fn scope(&self) -> Scope {
        self.0.scope
    }
    async fn placed_on(&self) -> NaiveDate {
        self.0.row.placed_on
    }
    async fn placement_basis(&self) -> PlacementBasis {
        self.0.row.placement_basis
    }
    async fn status(&self) -> ReunificationStatus {
        self.0.row.status
    }
    /// The latest stage of the child's track.
    async fn child_stage(&self) -> Stage {
        self.0.row.child_stage
    }
    /// The latest stage of the family's track, once reported.
    async fn family_stage(&self) -> Option<Stage> {
        self.0.row.family_stage
    }
    /// The latest stage after the return, once the child is home.
    async fn after_return_stage(&self) -> Option<Stage> {
        self.0.row.after_stage
    }
    /// The day the joint inspection is planned for, until it is recorded.
    async fn inspection_planned_on(&self) -> Option<NaiveDate> {
        self.0.row.inspection_planned_on
    }
    /// The latest inspection's verdict.
    async fn inspection_verdict(&self) -> Option<Verdict> {
        self.0.row.inspection_verdict
    }
    async fn returned_on(&self) -> Option<NaiveDate> {
        self.0.row.returned_on
    }
    /// The return was recorded without a positive inspection confirmed by every agency.
    async fn returned_without_inspection(&self) -> bool {
        self.0.row.returned_without_inspection
    }
    async fn ended_on(&self) -> Option<NaiveDate> {
        self.0.row.ended_on
    }
    async fn last_report_at(&self) -> Option<DateTime<Utc>> {
        self.0.row.last_report_at
    }
    /// When the centre owes its next progress report.
    async fn report_due_at(&self) -> DateTime<Utc> {
        self.0.row.report_due_at
    }
    /// No progress report for longer than the centre's setting.
    async fn report_overdue(&self) -> bool {
        self.0.report_overdue(db::now())
    }
    /// The timeline, in the order things happened.
    async fn timeline(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ReunificationEntryNode>> {
        let entries =
            reads::timeline(&ctx.state().db, ctx.caller(), self.0.row.id, db::now()).await?;
        Ok(entries.into_iter().map(ReunificationEntryNode).collect())
    }
    async fn started_at(&self) -> DateTime<Utc> {
        self.0.row.started_at
    }
    async fn version(&self) -> i32 {
        self.0.row.version
    }
}

/// One entry of a reunification's timeline.
pub struct ReunificationEntryNode(EntryView);

#[Object(name = "ReunificationEntry")]
impl ReunificationEntryNode {
    async fn id(&self) -> ID {
        id(self.0.entry.id)
    }
    async fn kind(&self) -> EntryKind {
        self.0.entry.kind
    }
    async fn track(&self) -> Option<Track> {
        self.0.entry.track
    }
    async fn stage(&self) -> Option<Stage> {
        self.0.entry.stage
    }
    async fn occurred_on(&self) -> NaiveDate {
        self.0.entry.occurred_on
    }
    /// An inspection's verdict, a visit's kind, or the phase of diagnostics.
    async fn verdict(&self) -> Option<Verdict> {
        self.0.entry.verdict
    }
    /// The agency that recorded it.
    async fn agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgencyNode>> {
        agency(ctx, self.0.entry.agency_id).await
    }
    /// Information after the return: the agency it was passed to.
    async fn to_agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgencyNode>> {
        match self.0.entry.addressee_agency_id {
            Some(a) => agency(ctx, a).await,
            None => Ok(None),
        }
    }
    async fn author_id(&self) -> ID {
        id(self.0.entry.author_user_id)
    }
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.entry.recorded_at
    }
    /// The words: for those reading the case in FULL, the agency that wrote it or was
    /// sent it, and an inspection's parties (each read audited); null otherwise.
    async fn content(&self, ctx: &Context<'_>) -> Option<EntryContent> {
        let words = self.0.words.open(ctx.caller())?;
        Some(EntryContent::from(words.content.clone()))
    }
    /// An inspection's participating agencies, each with its confirmation.
    async fn parties(&self, ctx: &Context<'_>) -> Vec<InspectionParty> {
        let remarks = self
            .0
            .words
            .open_some(ctx.caller(), |w| {
                (!w.remarks.is_empty()).then(|| w.remarks.clone())
            })
            .unwrap_or_default();
        self.0
            .parties
            .iter()
            .map(|p| InspectionParty {
                agency_id: p.agency_id,
                confirmed_at: p.confirmed_at,
                confirmed_by_id: p.confirmed_by_user_id.map(id),
                remark: remarks
                    .iter()
                    .find(|(a, _)| *a == p.agency_id)
                    .map(|(_, r)| r.clone()),
            })
            .collect()
    }
    /// A report's ИПСР tasks (`PlanTask` ids; read them through the plan).
    async fn task_ids(&self) -> Vec<ID> {
        self.0.task_ids.iter().copied().map(id).collect()
    }
    /// Whether every participating agency confirmed (an inspection).
    async fn fully_confirmed(&self) -> bool {
        self.0.fully_confirmed()
    }
}

/// The words of an entry; each kind fills its own fields.
#[derive(SimpleObject)]
pub struct EntryContent {
    /// A report's summary, or the information passed.
    summary: Option<String>,
    wellbeing: Option<String>,
    /// The child's attitude to the parents and motivation to return.
    attitude: Option<String>,
    parents_readiness: Option<String>,
    recommendation: Option<String>,
    methods: Option<String>,
    conclusion: Option<String>,
    findings: Option<String>,
    handed_over_by: Option<String>,
    received_by: Option<String>,
    documents: Option<String>,
    without_inspection_reason: Option<String>,
    reason: Option<String>,
}

impl From<Content> for EntryContent {
    fn from(c: Content) -> EntryContent {
        EntryContent {
            summary: c.summary,
            wellbeing: c.wellbeing,
            attitude: c.attitude,
            parents_readiness: c.parents_readiness,
            recommendation: c.recommendation,
            methods: c.methods,
            conclusion: c.conclusion,
            findings: c.findings,
            handed_over_by: c.handed_over_by,
            received_by: c.received_by,
            documents: c.documents,
            without_inspection_reason: c.without_inspection_reason,
            reason: c.reason,
        }
    }
}

/// An agency taking part in a joint inspection.
pub struct InspectionParty {
    agency_id: Uuid,
    confirmed_at: Option<DateTime<Utc>>,
    confirmed_by_id: Option<ID>,
    remark: Option<String>,
}

#[Object]
impl InspectionParty {
    async fn agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgencyNode>> {
        agency(ctx, self.agency_id).await
    }
    /// When it confirmed its part; null while it has not.
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.confirmed_at
    }
    async fn confirmed_by_id(&self) -> Option<&ID> {
        self.confirmed_by_id.as_ref()
    }
    /// Its remark, read as the act's words are.
    async fn remark(&self) -> Option<&str> {
        self.remark.as_deref()
    }
}

/// Reading reunifications.
#[derive(Default)]
pub struct ReunificationQuery;

#[Object]
impl ReunificationQuery {
    /// The children your centre brings home (and monitors after the return), newest
    /// first; ended records only if you ask.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn reunifications_in_care(
        &self,
        ctx: &Context<'_>,
        include_ended: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<(DateTime<Utc>, Uuid), ReunificationNode>> {
        ctx.actor()?;
        let page = PageRequest::<(DateTime<Utc>, Uuid)>::parse(first, after.as_deref())?;
        let rows = reads::in_care(
            &ctx.state().db,
            ctx.caller(),
            include_ended.unwrap_or(false),
            page.after.as_ref(),
            db::now(),
            page.fetch_limit(),
        )
        .await?;
        let key = |v: &ReunificationView| (v.row.started_at, v.row.id);
        Ok(connection(rows, &page, key, ReunificationNode))
    }

    /// One reunification whose case your agency takes part in.
    async fn reunification(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ReunificationNode> {
        node(ctx, parse_id("id", &id)?).await
    }

    /// The reunification of a case, if it has one your agency sees.
    async fn reunification_of_case(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
    ) -> async_graphql::Result<Option<ReunificationNode>> {
        let case_id = parse_id("caseId", &case_id)?;
        let found = reads::of_case(&ctx.state().db, ctx.caller(), case_id, db::now()).await?;
        Ok(found.map(ReunificationNode))
    }
}

async fn node(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<ReunificationNode> {
    let view = reads::get(&ctx.state().db, ctx.caller(), id, db::now()).await?;
    Ok(ReunificationNode(view))
}

async fn shown(
    ctx: &Context<'_>,
    row: ReunificationRow,
) -> async_graphql::Result<ReunificationNode> {
    node(ctx, row.id).await
}

/// A progress report.
#[derive(InputObject)]
pub struct ReunificationReportInput {
    pub reunification_id: ID,
    pub track: Track,
    /// A stage of that track.
    pub stage: Stage,
    pub occurred_on: NaiveDate,
    /// What happened in the period (required).
    pub summary: String,
    /// The child's wellbeing.
    pub wellbeing: Option<String>,
    /// The child's attitude to the parents and motivation to return.
    pub attitude: Option<String>,
    /// The parents' readiness.
    pub parents_readiness: Option<String>,
    pub recommendation: Option<String>,
    /// The ИПСР tasks of the case it reports on (at most 20).
    pub task_ids: Option<Vec<ID>>,
}

/// The child's return home.
#[derive(InputObject)]
pub struct ChildReturnInput {
    pub reunification_id: ID,
    pub returned_on: NaiveDate,
    /// Who handed the child over.
    pub handed_over_by: String,
    /// The adults who received the child.
    pub received_by: String,
    /// The documents that went with the child.
    pub documents: Option<String>,
    /// Required unless the latest inspection is positive and confirmed by every agency.
    pub without_inspection_reason: Option<String>,
}

/// Keeping a reunification record.
#[derive(Default)]
pub struct ReunificationMutation;

#[Object]
impl ReunificationMutation {
    /// Starts the reunification record of a case whose child your rehabilitation centre
    /// holds (it leads the case or accepted a referral for it).
    async fn start_reunification(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        placed_on: NaiveDate,
        placement_basis: PlacementBasis,
    ) -> async_graphql::Result<ReunificationNode> {
        let new = super::Start {
            case_id: parse_id("caseId", &case_id)?,
            placed_on,
            placement_basis,
        };
        let row = super::start(&ctx.state().db, ctx.caller(), new, db::now()).await?;
        shown(ctx, row).await
    }

    /// Reports progress on a track's stage; the next report falls due the centre's
    /// setting later.
    async fn report_reunification_progress(
        &self,
        ctx: &Context<'_>,
        input: ReunificationReportInput,
    ) -> async_graphql::Result<ReunificationNode> {
        let id = parse_id("reunificationId", &input.reunification_id)?;
        let report = super::Report {
            track: input.track,
            stage: input.stage,
            occurred_on: input.occurred_on,
            summary: input.summary,
            wellbeing: input.wellbeing,
            attitude: input.attitude,
            parents_readiness: input.parents_readiness,
            recommendation: input.recommendation,
            task_ids: ids(
                "taskIds",
                &input.task_ids.unwrap_or_default(),
                super::rules::MAX_TASKS,
            )?,
        };
        let row = super::report(&ctx.state().db, ctx.caller(), id, report, db::now()).await?;
        shown(ctx, row).await
    }

    /// Records diagnostics (methods and conclusion), at intake or a follow-up.
    #[allow(clippy::too_many_arguments)]
    async fn record_reunification_diagnostics(
        &self,
        ctx: &Context<'_>,
        reunification_id: ID,
        occurred_on: NaiveDate,
        #[graphql(desc = "AT_INTAKE or FOLLOW_UP")] phase: Verdict,
        methods: String,
        conclusion: String,
    ) -> async_graphql::Result<ReunificationNode> {
        let id = parse_id("reunificationId", &reunification_id)?;
        let row = super::diagnostics(
            &ctx.state().db,
            ctx.caller(),
            id,
            occurred_on,
            phase,
            &methods,
            &conclusion,
            db::now(),
        )
        .await?;
        shown(ctx, row).await
    }

    /// Records a patronage visit to the family, current or control.
    async fn record_patronage_visit(
        &self,
        ctx: &Context<'_>,
        reunification_id: ID,
        occurred_on: NaiveDate,
        #[graphql(desc = "CURRENT or CONTROL")] visit_kind: Verdict,
        findings: String,
    ) -> async_graphql::Result<ReunificationNode> {
        let id = parse_id("reunificationId", &reunification_id)?;
        let (db, caller) = (&ctx.state().db, ctx.caller());
        let row = super::visit(
            db,
            caller,
            id,
            occurred_on,
            visit_kind,
            &findings,
            db::now(),
        )
        .await?;
        shown(ctx, row).await
    }

    /// Plans the joint inspection of living conditions; the agencies named (each taking
    /// part in the case) hear that it is due.
    async fn plan_housing_inspection(
        &self,
        ctx: &Context<'_>,
        reunification_id: ID,
        planned_on: NaiveDate,
        party_agency_ids: Vec<ID>,
    ) -> async_graphql::Result<ReunificationNode> {
        let id = parse_id("reunificationId", &reunification_id)?;
        let parties = ids(
            "partyAgencyIds",
            &party_agency_ids,
            super::rules::MAX_PARTIES,
        )?;
        let (db, caller) = (&ctx.state().db, ctx.caller());
        let row = super::plan_inspection(db, caller, id, planned_on, &parties, db::now()).await?;
        shown(ctx, row).await
    }

    /// Records the joint inspection's act: its date, the agencies that took part (each
    /// confirms its own part; the centre's is confirmed now), findings and verdict.
    async fn record_housing_inspection(
        &self,
        ctx: &Context<'_>,
        reunification_id: ID,
        occurred_on: NaiveDate,
        party_agency_ids: Vec<ID>,
        findings: String,
        #[graphql(desc = "POSITIVE or NEGATIVE")] verdict: Verdict,
    ) -> async_graphql::Result<ReunificationNode> {
        let id = parse_id("reunificationId", &reunification_id)?;
        let parties = ids(
            "partyAgencyIds",
            &party_agency_ids,
            super::rules::MAX_PARTIES,
        )?;
        let row = super::record_inspection(
            &ctx.state().db,
            ctx.caller(),
            id,
            occurred_on,
            &parties,
            &findings,
            verdict,
            db::now(),
        )
        .await?;
        shown(ctx, row).await
    }

    /// Confirms your agency's part in an inspection (a timeline entry of kind
    /// INSPECTION), with a remark if any.
    async fn confirm_housing_inspection(
        &self,
        ctx: &Context<'_>,
        entry_id: ID,
        remark: Option<String>,
    ) -> async_graphql::Result<ReunificationNode> {
        let entry_id = parse_id("entryId", &entry_id)?;
        let (db, caller) = (&ctx.state().db, ctx.caller());
        let row = super::confirm_inspection(db, caller, entry_id, remark, db::now()).await?;
        shown(ctx, row).await
    }

    /// Records the child's return home. Without a positive inspection confirmed by every
    /// agency it needs `withoutInspectionReason`, and the record keeps the warning.
    async fn record_child_return(
        &self,
        ctx: &Context<'_>,
        input: ChildReturnInput,
    ) -> async_graphql::Result<ReunificationNode> {
        let id = parse_id("reunificationId", &input.reunification_id)?;
        let r = super::Return {
            returned_on: input.returned_on,
            handed_over_by: input.handed_over_by,
            received_by: input.received_by,
            documents: input.documents,
            without_inspection_reason: input.without_inspection_reason,
        };
        let row = super::record_return(&ctx.state().db, ctx.caller(), id, r, db::now()).await?;
        shown(ctx, row).await
    }

    /// Passes information about a returned child between the centre and social
    /// protection: the centre names the social-protection agency, social protection
    /// writes to the centre.
    async fn pass_reunification_information(
        &self,
        ctx: &Context<'_>,
        reunification_id: ID,
        occurred_on: NaiveDate,
        to_agency_id: Option<ID>,
        text: String,
    ) -> async_graphql::Result<ReunificationNode> {
        let id = parse_id("reunificationId", &reunification_id)?;
        let to = to_agency_id
            .map(|a| parse_id("toAgencyId", &a))
            .transpose()?;
        let (db, caller) = (&ctx.state().db, ctx.caller());
        let row =
            super::pass_information(db, caller, id, occurred_on, to, &text, db::now()).await?;
        shown(ctx, row).await
    }

    /// Records the formal end of the preventive work after the return.
    async fn end_preventive_work(
        &self,
        ctx: &Context<'_>,
        reunification_id: ID,
        ended_on: NaiveDate,
        reason: String,
        conclusion: String,
    ) -> async_graphql::Result<ReunificationNode> {
        let id = parse_id("reunificationId", &reunification_id)?;
        let (db, caller) = (&ctx.state().db, ctx.caller());
        let row =
            super::end_work(db, caller, id, ended_on, &reason, &conclusion, db::now()).await?;
        shown(ctx, row).await
    }
}

fn ids(field: &str, given: &[ID], most: usize) -> async_graphql::Result<Vec<Uuid>> {
    if given.len() > most {
        return Err(crate::error::AppError::bad_input(field, format!("at most {most}")).into());
    }
    given
        .iter()
        .enumerate()
        .map(|(i, a)| parse_id(&format!("{field}[{i}]"), a).map_err(Into::into))
        .collect()
}
