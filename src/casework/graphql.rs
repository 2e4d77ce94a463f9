//! GraphQL for case work: thin over the service functions and the read side. The case's
//! own fields (`intake`, `workLog`, `contact`, `monitoring`, `monitoringOverdue`) are on
//! `Case` and call the helpers below.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{
    IntakeRow, IntakeSource, MonitoringDecision, MonitoringEffect, PlacementBasis, WorkKind,
};
use super::reads::{self, ContactState};
use crate::cases::consents::NewPerson;
use crate::cases::graphql::{CaseNode, CasePersonInput};
use crate::cases::model::{CaseRow, CaseStatus};
use crate::cases::reads::CaseView;
use crate::db;
use crate::graphql::connection::{connection, Page, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::{parse_id, to_id};

/// Where the child is placed.
#[derive(SimpleObject, Clone, Debug)]
pub struct ChildPlacement {
    /// Since when.
    pub since: NaiveDate,
    /// Where: the institution, the group, the relative's home.
    pub place: String,
    /// On what basis.
    pub basis: PlacementBasis,
}

/// A case's intake in its lead agency's journal (FULL scope only).
#[derive(SimpleObject, Clone, Debug)]
pub struct CaseIntake {
    /// The number in the agency's intake journal, e.g. INT-2026-0003.
    pub number: String,
    pub source: IntakeSource,
    pub registered_on: NaiveDate,
    /// The referring institution.
    pub referred_by: Option<String>,
    /// Why the case was taken.
    pub reason: String,
    /// The child's placement, where recorded.
    pub placement: Option<ChildPlacement>,
    pub agency_id: ID,
}

impl From<IntakeRow> for CaseIntake {
    fn from(i: IntakeRow) -> CaseIntake {
        let placement = match (i.placed_since, i.placed_where, i.placement_basis) {
            (Some(since), Some(place), Some(basis)) => Some(ChildPlacement {
                since,
                place,
                basis,
            }),
            _ => None,
        };
        CaseIntake {
            number: i.intake_no,
            source: i.source,
            registered_on: i.registered_on,
            referred_by: i.referred_by,
            reason: i.reason,
            placement,
            agency_id: to_id(i.agency_id),
        }
    }
}

/// An entry of a case's work log. Everyone on the case sees the day, kind and duration;
/// the specialist and the content only in FULL scope (each read audited).
#[derive(SimpleObject, Clone, Debug)]
pub struct WorkLogEntry {
    pub id: ID,
    pub kind: WorkKind,
    pub occurred_on: NaiveDate,
    pub duration_minutes: i32,
    /// The agency whose specialist did the work.
    pub agency_id: ID,
    /// The specialist (FULL scope only).
    pub specialist_id: Option<ID>,
    /// What was done, in short (FULL scope only).
    pub content: Option<String>,
    /// Whether it counts as a contact with the family (every kind but CONTACT_ATTEMPT).
    pub contact: bool,
    pub recorded_at: DateTime<Utc>,
}

/// Who took part in a review.
#[derive(SimpleObject, Clone, Debug)]
pub struct MonitoringParticipants {
    pub curator: bool,
    pub head: bool,
    /// An outside supervisor, by name.
    pub supervisor_name: Option<String>,
}

/// Progress on one plan task.
#[derive(SimpleObject, Clone, Debug)]
pub struct MonitoringTaskProgress {
    pub task_id: ID,
    pub note: String,
}

/// A monitoring review (the monitoring sheet). Everyone on the case sees the day, stage,
/// decision and next due day; the rest only in FULL scope (each read audited).
#[derive(SimpleObject, Clone, Debug)]
pub struct MonitoringEntry {
    pub id: ID,
    pub occurred_on: NaiveDate,
    /// The stage the case was in: DECISION_WORK (weekly) or SUPPORT (every 3 months).
    pub stage: CaseStatus,
    pub decision: MonitoringDecision,
    /// When the next review falls due (the lead's day).
    pub next_due_on: NaiveDate,
    pub participants: Option<MonitoringParticipants>,
    pub effect: Option<MonitoringEffect>,
    pub causes: Option<String>,
    pub progress: Option<Vec<MonitoringTaskProgress>>,
    pub recorded_at: DateTime<Utc>,
}

/// Where a case stands on contact with the family: days, not words.
#[derive(SimpleObject, Clone, Copy, Debug)]
pub struct CaseContact {
    /// The last day of contact (the intake, or the opening, before any entry).
    pub last_contact_on: NaiveDate,
    /// Whole days since, in the lead's days.
    pub days_since_contact: i64,
    /// Longer without contact than the lead's `noContactAlertDays`.
    pub no_contact: bool,
    /// The lead's setting.
    pub alert_days: i32,
}

impl From<ContactState> for CaseContact {
    fn from(s: ContactState) -> CaseContact {
        CaseContact {
            last_contact_on: s.last_contact_on,
            days_since_contact: s.days_since,
            no_contact: s.no_contact,
            alert_days: s.alert_days,
        }
    }
}

/// The intake of case `case_id`, if any, for `Case.intake`.
pub async fn intake(ctx: &Context<'_>, case_id: Uuid) -> async_graphql::Result<Option<CaseIntake>> {
    let sealed = reads::intake(&ctx.state().db, ctx.caller(), case_id, db::now()).await?;
    Ok(sealed.open(ctx.caller()).cloned().map(CaseIntake::from))
}

/// The work log of case `case_id`, for `Case.workLog`.
pub async fn work_log(
    ctx: &Context<'_>,
    case_id: Uuid,
) -> async_graphql::Result<Vec<WorkLogEntry>> {
    let views = reads::work_log(&ctx.state().db, ctx.caller(), case_id, db::now()).await?;
    Ok(views
        .into_iter()
        .map(|v| {
            let text = v.text.open(ctx.caller()).cloned();
            let e = v.entry;
            WorkLogEntry {
                id: to_id(e.id),
                kind: e.kind,
                occurred_on: e.occurred_on,
                duration_minutes: e.duration_minutes,
                agency_id: to_id(e.agency_id),
                specialist_id: text.as_ref().map(|(s, _)| to_id(*s)),
                content: text.map(|(_, c)| c),
                contact: super::rules::counts_as_contact(e.kind),
                recorded_at: e.recorded_at,
            }
        })
        .collect())
}

/// The monitoring reviews of case `case_id`, for `Case.monitoring`.
pub async fn monitoring(
    ctx: &Context<'_>,
    case_id: Uuid,
) -> async_graphql::Result<Vec<MonitoringEntry>> {
    let views = reads::monitoring(&ctx.state().db, ctx.caller(), case_id, db::now()).await?;
    Ok(views
        .into_iter()
        .map(|v| {
            let detail = v.detail.open(ctx.caller()).cloned();
            let r = v.row;
            MonitoringEntry {
                id: to_id(r.id),
                occurred_on: r.occurred_on,
                stage: r.stage,
                decision: r.decision,
                next_due_on: r.next_due_on,
                participants: detail.as_ref().map(|d| MonitoringParticipants {
                    curator: d.curator_took_part,
                    head: d.head_took_part,
                    supervisor_name: d.supervisor_name.clone(),
                }),
                effect: detail.as_ref().map(|d| d.effect),
                causes: detail.as_ref().and_then(|d| d.causes.clone()),
                progress: detail.map(|d| {
                    d.progress
                        .into_iter()
                        .map(|p| MonitoringTaskProgress {
                            task_id: to_id(p.task_id),
                            note: p.note,
                        })
                        .collect()
                }),
                recorded_at: r.recorded_at,
            }
        })
        .collect())
}

/// The contact state of `case`, for `Case.contact`.
pub async fn contact(
    ctx: &Context<'_>,
    case: &CaseRow,
) -> async_graphql::Result<Option<CaseContact>> {
    let db = &ctx.state().db;
    let lead = crate::agencies::store::get(db, case.lead_agency_id).await?;
    let state = reads::contact_state(db, case, &lead, db::now()).await?;
    Ok(state.map(CaseContact::from))
}

/// Whether `case`'s monitoring review is overdue now.
pub fn monitoring_overdue(case: &CaseRow) -> bool {
    super::rules::monitoring_overdue(case.status, case.next_monitoring_at, db::now())
}

/// The child's placement, as given.
#[derive(InputObject)]
pub struct PlacementInput {
    pub since: NaiveDate,
    /// Where: the institution, the group, the relative's home (1–500 characters).
    pub place: String,
    pub basis: PlacementBasis,
}

/// An intake: how the case came, why, the child's placement and the people.
#[derive(InputObject)]
pub struct IntakeInput {
    pub source: IntakeSource,
    /// Today (the agency's) unless given; not in the future.
    pub registered_on: Option<NaiveDate>,
    /// The referring institution; required for a REFERRAL.
    pub referred_by: Option<String>,
    /// Why the case is taken (1–5000 characters).
    pub reason: String,
    /// The child's placement; required for CHILD_PLACED.
    pub placement: Option<PlacementInput>,
    /// The child, the mother, … (1–10).
    pub persons: Vec<CasePersonInput>,
    /// A crisis-shelter case (an NGO only).
    pub shelter: Option<bool>,
    /// ASSESSMENT (default) or SUPPORT.
    pub stage: Option<CaseStatus>,
}

/// A work-log entry.
#[derive(InputObject)]
pub struct WorkLogEntryInput {
    pub kind: WorkKind,
    /// Today (the agency's) unless given; not in the future, not before the case opened.
    pub occurred_on: Option<NaiveDate>,
    /// A user of your agency; you unless given.
    pub specialist_id: Option<ID>,
    /// 1–720.
    pub duration_minutes: i32,
    /// What was done, in short (1–2000 characters).
    pub content: String,
}

/// Progress on one task of the case's plans.
#[derive(InputObject)]
pub struct TaskProgressInput {
    pub task_id: ID,
    /// 1–2000 characters.
    pub note: String,
}

/// A monitoring review.
#[derive(InputObject)]
pub struct MonitoringInput {
    /// Today (the agency's) unless given; not in the future.
    pub occurred_on: Option<NaiveDate>,
    pub curator_took_part: bool,
    pub head_took_part: bool,
    /// An outside supervisor who took part, by name.
    pub supervisor_name: Option<String>,
    pub effect: MonitoringEffect,
    /// Its causes (up to 5000 characters).
    pub causes: Option<String>,
    /// Progress per plan task (at most 100).
    #[graphql(default)]
    pub progress: Vec<TaskProgressInput>,
    /// MOVE_TO_SUPPORT during decision work only. The decision is recorded; the case
    /// moves by `startSupport` or `closeCase`.
    pub decision: MonitoringDecision,
}

/// Case-work queries.
#[derive(Default)]
pub struct CaseworkQuery;

#[Object]
impl CaseworkQuery {
    /// The open cases your agency leads whose monitoring review is overdue, the longest
    /// overdue first, a page at a time (`mine`: only the cases you curate).
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn overdue_monitoring(
        &self,
        ctx: &Context<'_>,
        mine: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<(DateTime<Utc>, Uuid), CaseNode>> {
        let actor = ctx.actor()?;
        let page = PageRequest::<(DateTime<Utc>, Uuid)>::parse(first, after.as_deref())?;
        let now = db::now();
        let curator = mine.unwrap_or(false).then_some(actor.user_id);
        let db = &ctx.state().db;
        let keys = super::store::overdue_monitoring(
            db,
            actor.viewer(),
            curator,
            page.after.as_ref(),
            now,
            page.fetch_limit(),
        )
        .await?;
        // The page's cases in one statement, then in the list's order.
        let ids: Vec<Uuid> = keys.iter().map(|(_, id)| *id).collect();
        let mut cases =
            crate::cases::store::get_visible_many(db, actor.viewer(), &ids, now).await?;
        let rows: Vec<_> = keys
            .into_iter()
            .filter_map(|key| {
                let at = cases.iter().position(|(case, _)| case.id == key.1)?;
                let (case, scope) = cases.swap_remove(at);
                Some((key, CaseNode::new(CaseView::of(case, scope))))
            })
            .collect();
        Ok(connection(rows, &page, |(key, _)| *key, |(_, node)| node))
    }
}

/// Case-work mutations.
#[derive(Default)]
pub struct CaseworkMutation;

#[Object]
impl CaseworkMutation {
    /// Registers an intake in your agency's own journal and opens a case your agency
    /// leads (a rehabilitation centre, social protection, an NGO or guardianship), with
    /// you as its curator.
    async fn open_intake(
        &self,
        ctx: &Context<'_>,
        input: IntakeInput,
    ) -> async_graphql::Result<CaseNode> {
        ctx.actor()?;
        let new = super::NewIntake {
            source: input.source,
            registered_on: input.registered_on,
            referred_by: input.referred_by,
            reason: input.reason,
            placement: input
                .placement
                .map(|p| (Some(p.since), p.place, Some(p.basis))),
            persons: input
                .persons
                .into_iter()
                .map(|p| NewPerson {
                    role: p.role,
                    full_name: p.full_name,
                    birth_date: p.birth_date,
                    phone: p.phone,
                    address_actual: p.actual_address,
                    stance: p.stance,
                    notes: p.notes,
                })
                .collect(),
            shelter: input.shelter.unwrap_or(false),
            stage: input.stage,
        };
        let row = super::open_intake(&ctx.state().db, ctx.caller(), new, db::now()).await?;
        crate::cases::graphql::scoped_node(ctx, row.id).await
    }

    /// Adds an entry to the work log of a case your agency leads.
    async fn add_work_log_entry(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        input: WorkLogEntryInput,
    ) -> async_graphql::Result<WorkLogEntry> {
        ctx.actor()?;
        let case_id = parse_id("caseId", &case_id)?;
        let new = super::NewEntry {
            kind: input.kind,
            occurred_on: input.occurred_on,
            specialist_id: input
                .specialist_id
                .map(|s| parse_id("specialistId", &s))
                .transpose()?,
            duration_minutes: input.duration_minutes,
            content: input.content,
        };
        let row = super::add_entry(&ctx.state().db, ctx.caller(), case_id, new, db::now()).await?;
        let entries = work_log(ctx, case_id).await?;
        entries
            .into_iter()
            .find(|e| e.id == to_id(row.id))
            .ok_or_else(|| crate::error::AppError::NotFound("work log entry").into())
    }

    /// Records a monitoring review (weekly in decision work, every 3 months in support):
    /// who took part, the effect and its causes, progress per plan task and the decision.
    /// The next review falls due a week or three months after its day.
    async fn record_monitoring(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        input: MonitoringInput,
    ) -> async_graphql::Result<CaseNode> {
        ctx.actor()?;
        let case_id = parse_id("caseId", &case_id)?;
        let progress = input
            .progress
            .into_iter()
            .map(|p| Ok((parse_id("progress.taskId", &p.task_id)?, p.note)))
            .collect::<Result<Vec<_>, crate::error::AppError>>()?;
        let new = super::NewMonitoring {
            occurred_on: input.occurred_on,
            curator_took_part: input.curator_took_part,
            head_took_part: input.head_took_part,
            supervisor_name: input.supervisor_name,
            effect: input.effect,
            causes: input.causes,
            progress,
            decision: input.decision,
        };
        let row = super::record_monitoring(&ctx.state().db, ctx.caller(), case_id, new, db::now())
            .await?;
        crate::cases::graphql::scoped_node(ctx, row.id).await
    }
}
