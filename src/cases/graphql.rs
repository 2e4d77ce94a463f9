//! GraphQL for cases. Summary fields show to every participant; the people, consents and
//! the signal sheet only with FULL scope, and each read of them is audited.

use async_graphql::connection::Connection;
use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::consents::{self, NewPerson};
use super::loader::PersonsLoader;
use super::model::{
    AgeBand, CaseRow, CaseStatus, ClosureReason, ConsentKind, ExitOutcome, PersonRole,
};
use super::sheet::{self, SignalSheet};
use super::store::{self, CaseFilter};
use super::{rules, Move};
use crate::access::Scope;
use crate::agencies::graphql::AgencyNode;
use crate::agencies::loader::AgencyLoader;
use crate::db;
use crate::graphql::connection::{connection, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::parse_id;

/// A case as the viewing agency may see it.
pub struct CaseNode {
    row: CaseRow,
    scope: Scope,
}

impl CaseNode {
    /// Shows a case with the scope the viewer holds on it.
    pub fn new(row: CaseRow, scope: Scope) -> CaseNode {
        CaseNode { row, scope }
    }
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

fn id(u: Uuid) -> ID {
    ID(u.to_string())
}

impl CaseNode {
    fn full(&self, ctx: &Context<'_>) -> bool {
        let full = self.scope == Scope::Full;
        if full {
            ctx.note_personal_read("case", self.row.id);
        }
        full
    }
}

#[Object(name = "Case")]
impl CaseNode {
    /// The global id (also for `node(id:)`).
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }
    /// The lead agency's case number, e.g. CASE-2026-0007.
    async fn journal_number(&self) -> &str {
        &self.row.journal_no
    }
    /// FULL for the lead and those working on it; SUMMARY for the sending hospital.
    async fn scope(&self) -> Scope {
        self.scope
    }
    async fn status(&self) -> CaseStatus {
        self.row.status
    }
    async fn lead_agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgencyNode>> {
        Ok(ctx
            .data_unchecked::<DataLoader<AgencyLoader>>()
            .load_one(self.row.lead_agency_id)
            .await?
            .map(AgencyNode))
    }
    async fn curator_id(&self) -> Option<ID> {
        self.row.curator_user_id.map(id)
    }
    /// A crisis-shelter case (closes with an exit outcome).
    async fn shelter(&self) -> bool {
        self.row.shelter
    }
    async fn opened_at(&self) -> DateTime<Utc> {
        self.row.opened_at
    }
    async fn status_changed_at(&self) -> DateTime<Utc> {
        self.row.status_changed_at
    }
    /// When decision work is due (one month, or as extended).
    async fn decision_due_at(&self) -> Option<DateTime<Utc>> {
        self.row.decision_due_at
    }
    async fn support_started_at(&self) -> Option<DateTime<Utc>> {
        self.row.support_started_at
    }
    /// When the next support monitoring is due (every three months).
    async fn next_monitoring_at(&self) -> Option<DateTime<Utc>> {
        self.row.next_monitoring_at
    }
    /// The next deadline of the case's current stage.
    async fn next_deadline(&self) -> Option<DateTime<Utc>> {
        match self.row.status {
            CaseStatus::DecisionWork => self.row.decision_due_at,
            CaseStatus::Support => self.row.next_monitoring_at,
            _ => None,
        }
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.row.closed_at
    }
    async fn closure_reason(&self) -> Option<ClosureReason> {
        self.row.closure_reason
    }
    async fn exit_outcome(&self) -> Option<ExitOutcome> {
        self.row.exit_outcome
    }
    /// All a summary shows of the child.
    async fn child_age_band(&self) -> AgeBand {
        rules::age_band(self.row.child_birth_date, Utc::now().date_naive())
    }
    /// Why decision work was extended (FULL scope only).
    async fn extension_reason(&self, ctx: &Context<'_>) -> Option<&str> {
        self.full(ctx)
            .then_some(self.row.extension_reason.as_deref())
            .flatten()
    }
    /// The people of the case (FULL scope only; each read is audited).
    async fn persons(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<CasePerson>>> {
        if !self.full(ctx) {
            return Ok(None);
        }
        let loader = ctx.data_unchecked::<DataLoader<PersonsLoader>>();
        let rows = loader.load_one(self.row.id).await?.unwrap_or_default();
        Ok(Some(
            rows.into_iter()
                .map(|p| CasePerson {
                    id: id(p.id),
                    role: p.role,
                    full_name: p.full_name,
                    birth_date: p.birth_date,
                    phone: p.phone,
                    registered_address: p.address_registered,
                    actual_address: p.address_actual,
                    stance: p.stance,
                    notes: p.notes,
                })
                .collect(),
        ))
    }
    /// The signal sheet (FULL scope only).
    async fn signal_sheet(&self, ctx: &Context<'_>) -> Option<SignalSheet> {
        self.full(ctx)
            .then(|| serde_json::from_str(&self.row.signal_sheet).unwrap_or_default())
    }
    /// Consents (FULL scope only).
    async fn consents(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Consent>>> {
        if !self.full(ctx) {
            return Ok(None);
        }
        let rows = store::consents_of(&ctx.state().db, self.row.id).await?;
        Ok(Some(
            rows.into_iter()
                .map(|(c, agencies)| Consent {
                    id: id(c.id),
                    kind: c.kind,
                    signed_by: c.signed_by,
                    signed_at: c.signed_at,
                    agency_ids: agencies.into_iter().map(id).collect(),
                    withdrawn_at: c.withdrawn_at,
                })
                .collect(),
        ))
    }
    async fn version(&self) -> i32 {
        self.row.version
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

/// Reading cases.
#[derive(Default)]
pub struct CaseQuery;

#[Object]
impl CaseQuery {
    /// One case, if your agency takes part in it.
    async fn case(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<CaseNode> {
        let actor = ctx.actor()?;
        let (row, scope) = store::get_visible(
            &ctx.state().db,
            actor.agency_id,
            parse_id("id", &id)?,
            db::now(),
        )
        .await?;
        Ok(CaseNode { row, scope })
    }

    /// The cases your agency takes part in, newest first.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn cases(
        &self,
        ctx: &Context<'_>,
        filter: Option<CaseFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, CaseNode>> {
        let actor = ctx.actor()?;
        let page = PageRequest::<(DateTime<Utc>, Uuid)>::parse(first, after.as_deref())?;
        let f = filter.unwrap_or_default();
        let filter = CaseFilter {
            status: f.status,
            curator: f
                .curator_id
                .map(|c| parse_id("curatorId", &c))
                .transpose()?,
            led_only: f.led_only.unwrap_or(false),
            open_only: f.open_only.unwrap_or(false),
        };
        let rows = store::list_page(
            &ctx.state().db,
            actor.agency_id,
            &filter,
            page.after.as_ref(),
            db::now(),
            page.fetch_limit(),
        )
        .await?;
        Ok(connection(
            rows,
            &page,
            |(r, _)| (r.opened_at, r.id),
            |(row, scope)| CaseNode { row, scope },
        ))
    }

    /// Your caseload as a curator: your open cases, each with its next deadline.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn my_cases(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, CaseNode>> {
        let actor = ctx.actor()?;
        let page = PageRequest::<(DateTime<Utc>, Uuid)>::parse(first, after.as_deref())?;
        let filter = CaseFilter {
            curator: Some(actor.user_id),
            open_only: true,
            ..CaseFilter::default()
        };
        let rows = store::list_page(
            &ctx.state().db,
            actor.agency_id,
            &filter,
            page.after.as_ref(),
            db::now(),
            page.fetch_limit(),
        )
        .await?;
        Ok(connection(
            rows,
            &page,
            |(r, _)| (r.opened_at, r.id),
            |(row, scope)| CaseNode { row, scope },
        ))
    }

    /// What happened to a case, oldest first.
    async fn case_timeline(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
    ) -> async_graphql::Result<Vec<CaseEvent>> {
        let actor = ctx.actor()?;
        let db = &ctx.state().db;
        let (row, _) = store::get_visible(
            db,
            actor.agency_id,
            parse_id("caseId", &case_id)?,
            db::now(),
        )
        .await?;
        Ok(store::events_of(db, row.id)
            .await?
            .into_iter()
            .map(|e| CaseEvent {
                occurred_at: e.occurred_at,
                kind: e.kind,
                from_status: e.from_status,
                to_status: e.to_status,
                actor_user_id: e.actor_user_id.map(id),
                actor_agency_id: e.actor_agency_id.map(id),
            })
            .collect())
    }
}

/// Working on cases.
#[derive(Default)]
pub struct CaseMutation;

#[Object]
impl CaseMutation {
    /// Confirms a visited signal and opens a case from it.
    async fn open_case(
        &self,
        ctx: &Context<'_>,
        signal_id: ID,
        shelter: Option<bool>,
    ) -> async_graphql::Result<CaseNode> {
        let actor = ctx.actor()?;
        let row = super::open_from_signal(
            &ctx.state().db,
            actor,
            &ctx.origin()?,
            parse_id("signalId", &signal_id)?,
            shelter.unwrap_or(false),
            db::now(),
        )
        .await?;
        Ok(CaseNode {
            row,
            scope: Scope::Full,
        })
    }

    /// ASSESSMENT → DECISION_WORK: one month of decision work starts.
    async fn start_decision_work(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
    ) -> async_graphql::Result<CaseNode> {
        advance(ctx, case_id, Move::StartDecisionWork).await
    }

    /// DECISION_WORK → SUPPORT: she changed her decision but problems remain.
    async fn start_support(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
    ) -> async_graphql::Result<CaseNode> {
        advance(ctx, case_id, Move::StartSupport).await
    }

    /// Extends decision work beyond its month, with a reason.
    async fn extend_decision_work(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        until: DateTime<Utc>,
        reason: String,
    ) -> async_graphql::Result<CaseNode> {
        let actor = ctx.actor()?;
        let row = super::extend_decision_work(
            &ctx.state().db,
            actor,
            &ctx.origin()?,
            parse_id("caseId", &case_id)?,
            until,
            &reason,
            db::now(),
        )
        .await?;
        Ok(CaseNode {
            row,
            scope: Scope::Full,
        })
    }

    /// Records a support monitoring; the next is due in three months.
    async fn record_monitoring(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
    ) -> async_graphql::Result<CaseNode> {
        let actor = ctx.actor()?;
        let row = super::record_monitoring(
            &ctx.state().db,
            actor,
            &ctx.origin()?,
            parse_id("caseId", &case_id)?,
            db::now(),
        )
        .await?;
        Ok(CaseNode {
            row,
            scope: Scope::Full,
        })
    }

    /// Closes a case with a reason that fits its stage (and, for a shelter, the exit outcome).
    async fn close_case(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        reason: ClosureReason,
        exit_outcome: Option<ExitOutcome>,
    ) -> async_graphql::Result<CaseNode> {
        let actor = ctx.actor()?;
        let row = super::close(
            &ctx.state().db,
            actor,
            &ctx.origin()?,
            parse_id("caseId", &case_id)?,
            reason,
            exit_outcome,
            db::now(),
        )
        .await?;
        Ok(CaseNode {
            row,
            scope: Scope::Full,
        })
    }

    /// Replaces the case's signal sheet.
    async fn update_signal_sheet(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        input: SignalSheet,
    ) -> async_graphql::Result<SignalSheet> {
        let actor = ctx.actor()?;
        Ok(sheet::update(
            &ctx.state().db,
            actor,
            &ctx.origin()?,
            parse_id("caseId", &case_id)?,
            input,
            db::now(),
        )
        .await?)
    }

    /// Adds a relative, close person or child to a case.
    async fn add_case_person(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        input: CasePersonInput,
    ) -> async_graphql::Result<ID> {
        let actor = ctx.actor()?;
        let person = NewPerson {
            role: input.role,
            full_name: input.full_name,
            birth_date: input.birth_date,
            phone: input.phone,
            address_actual: input.actual_address,
            stance: input.stance,
            notes: input.notes,
        };
        let row = consents::add_person(
            &ctx.state().db,
            actor,
            &ctx.origin()?,
            parse_id("caseId", &case_id)?,
            person,
            db::now(),
        )
        .await?;
        Ok(id(row.id))
    }

    /// Records a signed consent and the agencies it covers.
    async fn record_consent(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        input: ConsentInput,
    ) -> async_graphql::Result<ID> {
        let actor = ctx.actor()?;
        let agencies = input
            .agency_ids
            .iter()
            .map(|a| parse_id("agencyIds", a))
            .collect::<Result<Vec<_>, _>>()?;
        let case_id = parse_id("caseId", &case_id)?;
        let row = consents::record(
            &ctx.state().db,
            actor,
            &ctx.origin()?,
            case_id,
            input.kind,
            &input.signed_by,
            input.signed_at,
            &agencies,
            db::now(),
        )
        .await?;
        Ok(id(row.id))
    }

    /// Withdraws a consent: the agencies it covered stop seeing personal data.
    async fn withdraw_consent(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        consent_id: ID,
        note: Option<String>,
    ) -> async_graphql::Result<bool> {
        let actor = ctx.actor()?;
        let (case_id, consent_id) = (
            parse_id("caseId", &case_id)?,
            parse_id("consentId", &consent_id)?,
        );
        consents::withdraw(
            &ctx.state().db,
            actor,
            &ctx.origin()?,
            case_id,
            consent_id,
            note.as_deref(),
            db::now(),
        )
        .await?;
        Ok(true)
    }
}

async fn advance(ctx: &Context<'_>, case_id: ID, to: Move) -> async_graphql::Result<CaseNode> {
    let actor = ctx.actor()?;
    let row = super::advance(
        &ctx.state().db,
        actor,
        &ctx.origin()?,
        parse_id("caseId", &case_id)?,
        to,
        db::now(),
    )
    .await?;
    Ok(CaseNode {
        row,
        scope: Scope::Full,
    })
}
