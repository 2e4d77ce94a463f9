//! GraphQL for cases. Summary fields (domain.md: the case number, status, dates, the
//! child's age band) show to every participant; everything else only with FULL scope. The
//! people, consents, the signal sheet and the handover history come from SQL that returns
//! them only for a viewer reading the case in FULL, through the read side ([`reads`]):
//! each is opened with the request's caller, which notes the read for the audit.
//! Queries are in [`query`], mutations in [`mutation`].

mod mutation;
mod plain;
mod query;

pub use mutation::CaseMutation;
pub use query::CaseQuery;

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::loader::{PersonsLoader, ViewedCase};
use super::model::{
    AgeBand, CaseHeadline, CaseRow, CaseStatus, ClosureReason, ConsentKind, ConsentRow,
    ExitOutcome, PersonRole, PersonRow,
};
use super::reads::{self, CasePersonal, CaseView};
use super::rules;
use super::sheet::SignalSheet;
use crate::access::{Personal, Scope};
use crate::agencies::graphql::AgencyNode;
use crate::agencies::loader::AgencyLoader;
use crate::error::AppError;
use crate::graphql::lean::PlainFields;
use crate::graphql::ContextExt;
use crate::handovers::graphql::HandoverNode;
use crate::ids::to_id as id;
use crate::inforequests::graphql::InformationRequestNode;

/// A case as the viewing agency may see it.
pub struct CaseNode {
    headline: CaseHeadline,
    scope: Scope,
    /// The rest of the case. A list whose selection asks for nothing beyond the headline
    /// reads headlines only ([`headline_suffices`]), and its nodes have none.
    details: Option<CaseDetails>,
    /// Opens (and notes on the caller's read log) in FULL scope only: what the case's
    /// people, consents, handovers and files, each read by the case's id, are shown
    /// behind, on a whole case and on a headline alike.
    personal_gate: Personal<()>,
}

struct CaseDetails {
    row: CaseRow,
    personal: Personal<CasePersonal>,
}

/// The fields of `Case` a [`CaseHeadline`] answers besides its own columns (the plain
/// fields, [`plain`]): the records read by the case's id through their own scoped
/// statements behind the personal gate (the people a list of cases shows beside each
/// number, say). Every other field needs the whole row.
pub(crate) const HEADLINE_FIELDS: &[&str] = &[
    "__typename",
    "persons",
    "consents",
    "handoverPending",
    "handovers",
    "informationRequests",
    "intake",
    "workLog",
    "monitoring",
    "documents",
];

/// Whether a headline answers `field`: one of its plain fields or [`HEADLINE_FIELDS`].
fn answered_by_headline(field: &str) -> bool {
    <CaseNode as PlainFields>::PLAIN_FIELDS.contains(&field) || HEADLINE_FIELDS.contains(&field)
}

/// Whether the nodes of the connection being resolved ask for nothing but
/// [`answered_by_headline`], through `edges { node }` or `nodes`, fragments included. A field
/// under `@skip(if: true)` is not seen: async-graphql removes skipped fields from the
/// document before anything resolves (the test in [`crate::graphql::lean`] shows it).
pub(crate) fn headline_suffices(ctx: &Context<'_>) -> bool {
    let look = ctx.look_ahead();
    [look.field("edges").field("node"), look.field("nodes")]
        .iter()
        .flat_map(|nodes| nodes.selection_fields())
        .all(|node| {
            node.selection_set()
                .all(|field| answered_by_headline(field.name()))
        })
}

impl CaseNode {
    /// Shows a case as the read side handed it out.
    pub fn new(view: CaseView) -> CaseNode {
        CaseNode {
            headline: CaseHeadline::of(&view.case),
            scope: view.scope,
            personal_gate: personal_gate(view.case.id, view.scope),
            details: Some(CaseDetails {
                row: view.case,
                personal: view.personal,
            }),
        }
    }

    /// Shows a case of a list that asked for [`answered_by_headline`] fields only.
    pub fn headline(headline: CaseHeadline, scope: Scope) -> CaseNode {
        CaseNode {
            personal_gate: personal_gate(headline.id, scope),
            headline,
            scope,
            details: None,
        }
    }

    /// The whole row. Never missing for a field the selection asked for: the list reads
    /// headlines only when every field asked for is [`answered_by_headline`]; should the
    /// two ever disagree, the field fails rather than answer from a row it does not have.
    fn row(&self) -> async_graphql::Result<&CaseRow> {
        Ok(&self.details()?.row)
    }

    /// The case's personal part, still sealed; see [`CaseNode::row`].
    fn sealed(&self) -> async_graphql::Result<&Personal<CasePersonal>> {
        Ok(&self.details()?.personal)
    }

    fn details(&self) -> async_graphql::Result<&CaseDetails> {
        self.details.as_ref().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "a field beyond the headline was resolved on a headline-only case"
            ))
            .into()
        })
    }

    /// Fields beyond the summary that hold no personal data (the curator, the lead, the
    /// closure reason…): shown with FULL scope, not audited.
    fn beyond_summary(&self) -> bool {
        self.scope == Scope::Full
    }

    fn viewed(&self, ctx: &Context<'_>) -> async_graphql::Result<ViewedCase> {
        Ok(ViewedCase {
            viewer: ctx.actor()?.viewer(),
            case_id: self.headline.id,
        })
    }
}

/// A case as the request's viewer reads it now: every case shown, a mutation's result
/// too, goes through the scoped read.
pub(crate) async fn scoped_node(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<CaseNode> {
    let view = reads::get(&ctx.state().db, ctx.caller(), id, crate::db::now()).await?;
    Ok(CaseNode::new(view))
}

/// A person of a case (FULL scope only).
#[derive(SimpleObject)]
pub struct CasePerson {
    id: ID,
    role: PersonRole,
    full_name: String,
    birth_date: Option<NaiveDate>,
    phone: Option<String>,
    registered_address: Option<String>,
    actual_address: Option<String>,
    /// Their position on the newborn staying in the family.
    stance: Option<String>,
    notes: Option<String>,
}

/// A consent (FULL scope only).
#[derive(SimpleObject)]
pub struct Consent {
    id: ID,
    kind: ConsentKind,
    signed_by: String,
    signed_at: DateTime<Utc>,
    /// The agencies it covers.
    agency_ids: Vec<ID>,
    withdrawn_at: Option<DateTime<Utc>>,
}

impl From<PersonRow> for CasePerson {
    fn from(p: PersonRow) -> CasePerson {
        CasePerson {
            id: id(p.id),
            role: p.role,
            full_name: p.full_name,
            birth_date: p.birth_date,
            phone: p.phone,
            registered_address: p.address_registered,
            actual_address: p.address_actual,
            stance: p.stance,
            notes: p.notes,
        }
    }
}

impl From<(ConsentRow, Vec<Uuid>)> for Consent {
    fn from((c, agencies): (ConsentRow, Vec<Uuid>)) -> Consent {
        Consent {
            id: id(c.id),
            kind: c.kind,
            signed_by: c.signed_by,
            signed_at: c.signed_at,
            agency_ids: agencies.into_iter().map(id).collect(),
            withdrawn_at: c.withdrawn_at,
        }
    }
}

/// One entry of a case's timeline.
#[derive(SimpleObject)]
pub struct CaseEvent {
    occurred_at: DateTime<Utc>,
    /// OPENED, STATUS_CHANGED, DECISION_WORK_EXTENDED, MONITORING_RECORDED, CLOSED, …
    kind: String,
    from_status: Option<CaseStatus>,
    to_status: Option<CaseStatus>,
    actor_user_id: Option<ID>,
    actor_agency_id: Option<ID>,
}

/// The gate of a case read with `scope`: it opens in FULL scope only, as the case's
/// personal part does ([`CaseView::of`]), and notes the same read.
fn personal_gate(case_id: Uuid, scope: Scope) -> Personal<()> {
    Personal::sealed("case", case_id, (scope == Scope::Full).then_some(()))
}

impl CaseNode {
    /// The case's personal part for this request's caller (FULL scope only), the read
    /// noted: the fields of the row itself (the extension reason, the signal sheet). Needs
    /// the whole row; what is shown behind it is asked of [`CaseNode::opens_personal`].
    fn personal(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&CasePersonal>> {
        Ok(self.sealed()?.open(ctx.caller()))
    }

    /// Whether the case's people, consents, handovers and files may be shown to this
    /// request's caller (FULL scope only), the read noted as [`CaseNode::personal`] notes
    /// it. A headline answers it.
    fn opens_personal(&self, ctx: &Context<'_>) -> bool {
        self.personal_gate.open(ctx.caller()).is_some()
    }
}

#[Object(name = "Case")]
impl CaseNode {
    /// The global id (also for `node(id:)`).
    pub async fn id(&self) -> ID {
        id(self.headline.id)
    }
    /// The lead agency's case number, e.g. CASE-2026-0007.
    async fn journal_number(&self) -> &str {
        &self.headline.journal_no
    }
    /// FULL for the lead and those working on it; SUMMARY for the sending hospital.
    async fn scope(&self) -> Scope {
        self.scope
    }
    async fn status(&self) -> CaseStatus {
        self.headline.status
    }
    /// The agency that leads the case (FULL scope only).
    async fn lead_agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgencyNode>> {
        if !self.beyond_summary() {
            return Ok(None);
        }
        Ok(ctx
            .data_unchecked::<DataLoader<AgencyLoader>>()
            .load_one(self.row()?.lead_agency_id)
            .await?
            .map(AgencyNode))
    }
    /// The case's curator (FULL scope only).
    async fn curator_id(&self) -> async_graphql::Result<Option<ID>> {
        Ok(self
            .row()?
            .curator_user_id
            .filter(|_| self.beyond_summary())
            .map(id))
    }
    /// A crisis-shelter case, which closes with an exit outcome (FULL scope only).
    async fn shelter(&self) -> async_graphql::Result<Option<bool>> {
        Ok(self.beyond_summary().then_some(self.row()?.shelter))
    }
    async fn opened_at(&self) -> DateTime<Utc> {
        self.headline.opened_at
    }
    async fn status_changed_at(&self) -> async_graphql::Result<DateTime<Utc>> {
        Ok(self.row()?.status_changed_at)
    }
    /// When decision work is due (one month, or as extended).
    async fn decision_due_at(&self) -> Option<DateTime<Utc>> {
        self.headline.decision_due_at
    }
    async fn support_started_at(&self) -> async_graphql::Result<Option<DateTime<Utc>>> {
        Ok(self.row()?.support_started_at)
    }
    /// When the next monitoring review is due: weekly in decision work, every three
    /// months in support (the end of the due day in the lead's time zone).
    async fn next_monitoring_at(&self) -> Option<DateTime<Utc>> {
        self.headline.next_monitoring_at
    }
    /// The next deadline of the case's current stage.
    async fn next_deadline(&self) -> Option<DateTime<Utc>> {
        self.headline.next_deadline()
    }
    async fn closed_at(&self) -> async_graphql::Result<Option<DateTime<Utc>>> {
        Ok(self.row()?.closed_at)
    }
    /// Why the case closed (FULL scope only).
    async fn closure_reason(&self) -> async_graphql::Result<Option<ClosureReason>> {
        Ok(self.row()?.closure_reason.filter(|_| self.beyond_summary()))
    }
    /// Where the mother went on leaving a shelter (FULL scope only).
    async fn exit_outcome(&self) -> async_graphql::Result<Option<ExitOutcome>> {
        Ok(self.row()?.exit_outcome.filter(|_| self.beyond_summary()))
    }
    /// All a summary shows of the child.
    async fn child_age_band(&self) -> async_graphql::Result<AgeBand> {
        let birth = self.row()?.child_birth_date;
        Ok(rules::age_band(birth, Utc::now().date_naive()))
    }
    /// Why decision work was extended (FULL scope only).
    async fn extension_reason(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<&str>> {
        Ok(self
            .personal(ctx)?
            .and_then(|p| p.extension_reason.as_deref()))
    }
    /// The people of the case (FULL scope only; each read is audited).
    async fn persons(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<CasePerson>>> {
        if !self.opens_personal(ctx) {
            return Ok(None);
        }
        let loader = ctx.data_unchecked::<DataLoader<PersonsLoader>>();
        let rows = loader
            .load_one(self.viewed(ctx)?)
            .await?
            .unwrap_or_default();
        Ok(Some(rows.into_iter().map(CasePerson::from).collect()))
    }
    /// The signal sheet (FULL scope only).
    async fn signal_sheet(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SignalSheet>> {
        Ok(self
            .sealed()?
            .open_some(ctx.caller(), |p| p.signal_sheet.clone()))
    }
    /// Consents (FULL scope only).
    async fn consents(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Consent>>> {
        if !self.opens_personal(ctx) {
            return Ok(None);
        }
        let now = crate::db::now();
        let rows = reads::consents_of(&ctx.state().db, ctx.caller(), self.headline.id, now).await?;
        Ok(Some(rows.into_iter().map(Consent::from).collect()))
    }
    /// A transfer of the case waits for the receiver; until it accepts, the lead agency
    /// stays responsible (FULL scope only).
    async fn handover_pending(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<bool>> {
        if !self.beyond_summary() {
            return Ok(None);
        }
        let db = &ctx.state().db;
        Ok(Some(
            crate::handovers::store::transfer_pending_of(db, self.headline.id).await?,
        ))
    }
    /// The case's transfers and referrals: who sent what to whom, when, the decision and
    /// why (FULL scope only).
    async fn handovers(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<HandoverNode>>> {
        if !self.opens_personal(ctx) {
            return Ok(None);
        }
        let now = crate::db::now();
        let rows =
            crate::handovers::reads::of_case(&ctx.state().db, ctx.caller(), self.headline.id, now)
                .await?;
        Ok(Some(rows.into_iter().map(HandoverNode::new).collect()))
    }
    /// The information requests asked about the case, with their answers and the
    /// answers' documents: the answers are filed here (FULL scope only).
    async fn information_requests(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<InformationRequestNode>>> {
        if !self.opens_personal(ctx) {
            return Ok(None);
        }
        let now = crate::db::now();
        let rows = crate::inforequests::reads::of_case(
            &ctx.state().db,
            ctx.caller(),
            self.headline.id,
            now,
        )
        .await?;
        Ok(Some(
            rows.into_iter().map(InformationRequestNode::new).collect(),
        ))
    }
    /// The intake in the lead agency's journal, for a case opened from one (FULL scope
    /// only; the read is audited).
    async fn intake(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::casework::graphql::CaseIntake>> {
        if !self.opens_personal(ctx) {
            return Ok(None);
        }
        crate::casework::graphql::intake(ctx, self.headline.id).await
    }
    /// The work log, newest first: the day, kind and duration for everyone on the case;
    /// the specialist and the content in FULL scope only (audited).
    async fn work_log(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::casework::graphql::WorkLogEntry>> {
        crate::casework::graphql::work_log(ctx, self.headline.id).await
    }
    /// Days since the last contact with the family and the no-contact flag (FULL scope
    /// only; none before the clock starts: an intake or the first work-log entry).
    async fn contact(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<crate::casework::graphql::CaseContact>> {
        if !self.beyond_summary() {
            return Ok(None);
        }
        crate::casework::graphql::contact(ctx, self.row()?).await
    }
    /// The monitoring reviews, newest first: the day, stage, decision and next due day
    /// for everyone on the case; the rest in FULL scope only (audited).
    async fn monitoring(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::casework::graphql::MonitoringEntry>> {
        crate::casework::graphql::monitoring(ctx, self.headline.id).await
    }
    /// The monitoring review (`nextMonitoringAt`) is overdue.
    async fn monitoring_overdue(&self) -> bool {
        self.headline.monitoring_overdue(crate::db::now())
    }
    /// The personal file (личное дело): the case's own documents (FULL scope only; each
    /// read is audited).
    async fn documents(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<crate::casefiles::graphql::CaseDocument>>> {
        if !self.opens_personal(ctx) {
            return Ok(None);
        }
        Ok(Some(
            crate::casefiles::graphql::documents(ctx, self.headline.id).await?,
        ))
    }
    /// What a complete personal file holds for the lead agency's kind, and whether this
    /// one does (FULL scope only).
    async fn file_checklist(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Vec<crate::casefiles::graphql::FileChecklistItem>>> {
        if !self.opens_personal(ctx) {
            return Ok(None);
        }
        let (case, lead) = (self.headline.id, self.row()?.lead_agency_id);
        Ok(Some(
            crate::casefiles::graphql::checklist(ctx, case, lead).await?,
        ))
    }
    async fn version(&self) -> async_graphql::Result<i32> {
        Ok(self.row()?.version)
    }
}

/// Filters for the agency's cases.
#[derive(InputObject, Default)]
pub struct CaseFilterInput {
    pub status: Option<CaseStatus>,
    pub curator_id: Option<ID>,
    /// Only cases your agency leads.
    pub led_only: Option<bool>,
    /// Only cases not closed.
    pub open_only: Option<bool>,
}

/// A person to add to a case.
#[derive(InputObject)]
pub struct CasePersonInput {
    pub role: PersonRole,
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub actual_address: Option<String>,
    /// Their position on the newborn staying in the family.
    pub stance: Option<String>,
    pub notes: Option<String>,
}

/// A signed consent.
#[derive(InputObject)]
pub struct ConsentInput {
    pub kind: ConsentKind,
    /// Who signed (the mother, usually).
    pub signed_by: String,
    pub signed_at: DateTime<Utc>,
    /// The agencies it covers.
    pub agency_ids: Vec<ID>,
}
