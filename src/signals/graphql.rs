//! GraphQL for signals: the journal, one signal, and each step of its life. Every signal
//! shown comes through the read side ([`reads`]), whose scoped reads leave personal data
//! (the mother, the child, the situation, the report) out below FULL: the receiving
//! service before a case is opened, the case's FULL participants after. The resolvers
//! open that data with the request's caller, which notes the read for the audit.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::clocks::{ClockKind, ClockState};
use super::intake::{NewSignal, RecordSignalInput, ReportSignalInput};
use super::model::{ChildSex, Screening, SignalRow, SignalSource, SignalStatus};
use super::reads::{self, SignalPersonal, SignalView};
use super::store::JournalFilter;
use super::visit::VisitReport;
use crate::access::{Personal, Scope};
use crate::agencies::graphql::AgencyNode;
use crate::agencies::loader::AgencyLoader;
use crate::db;
use crate::error::AppError;
use crate::graphql::connection::{connection, Page, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::parse_id;

/// A signal as the viewer may see it.
pub struct SignalNode {
    row: SignalRow,
    scope: Scope,
    personal: Personal<SignalPersonal>,
}

impl SignalNode {
    /// Shows a signal as the read side handed it out.
    pub fn new(view: SignalView) -> SignalNode {
        SignalNode {
            row: view.signal,
            scope: view.scope,
            personal: view.personal,
        }
    }

    /// Non-personal fields the summary leaves out (see `docs/decisions.md`).
    fn beyond_summary(&self) -> bool {
        self.scope == Scope::Full
    }

    /// The personal data for this request's caller (FULL scope only), the read noted.
    fn personal(&self, ctx: &Context<'_>) -> Option<&SignalPersonal> {
        self.personal.open(ctx.caller())
    }
}

/// One legal clock of a signal.
#[derive(SimpleObject)]
pub struct SignalClock {
    kind: ClockKind,
    state: ClockState,
    /// When it is due (UTC); null while nobody has set it.
    due_at: Option<DateTime<Utc>>,
    /// The due time in your agency's time zone, e.g. `2026-11-23T14:05:00+05:00`.
    due_at_local: Option<String>,
    /// When its step was done.
    done_at: Option<DateTime<Utc>>,
    /// How late, in whole minutes (rounded up), when late.
    late_by_minutes: Option<i64>,
}

/// The mother, as the signal describes her (receiving service only).
#[derive(SimpleObject)]
pub struct SignalMother {
    full_name: String,
    birth_date: Option<NaiveDate>,
    phone: Option<String>,
    registered_address: Option<String>,
    actual_address: Option<String>,
    ambulance_from_address: Option<String>,
}

/// The newborn (receiving service only).
#[derive(SimpleObject)]
pub struct SignalChild {
    born_at: Option<DateTime<Utc>>,
    sex: Option<ChildSex>,
    health_notes: Option<String>,
}

#[Object(name = "Signal")]
impl SignalNode {
    /// The global id (also for `node(id:)`).
    pub async fn id(&self) -> ID {
        ID(self.row.id.to_string())
    }
    /// What you may see: FULL for the receiving service (for the case's FULL participants
    /// once a case is opened), SUMMARY for the sending hospital.
    async fn scope(&self) -> Scope {
        self.scope
    }
    /// The number in the hospital's journal (hospital signals).
    async fn sender_journal_number(&self) -> Option<&str> {
        self.row.sender_journal_no.as_deref()
    }
    /// The number in the prevention service's journal, once received.
    async fn service_journal_number(&self) -> Option<&str> {
        self.row.service_journal_no.as_deref()
    }
    async fn source(&self) -> SignalSource {
        self.row.source
    }
    async fn status(&self) -> SignalStatus {
        self.row.status
    }
    async fn service_agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgencyNode>> {
        agency(ctx, Some(self.row.service_agency_id)).await
    }
    async fn sender_agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgencyNode>> {
        agency(ctx, self.row.sender_agency_id).await
    }
    /// Whether the mother is in the ward with the child (FULL scope only).
    async fn in_ward_with_child(&self) -> Option<bool> {
        self.beyond_summary().then_some(self.row.in_ward_with_child)
    }
    async fn detected_at(&self) -> Option<DateTime<Utc>> {
        self.row.detected_at
    }
    async fn registered_at(&self) -> Option<DateTime<Utc>> {
        self.row.registered_at
    }
    /// When the hospital passed it to the service.
    async fn passed_at(&self) -> Option<DateTime<Utc>> {
        self.row.passed_at
    }
    async fn received_at(&self) -> Option<DateTime<Utc>> {
        self.row.received_at
    }
    async fn visited_at(&self) -> Option<DateTime<Utc>> {
        self.row.visited_at
    }
    async fn dismissed_at(&self) -> Option<DateTime<Utc>> {
        self.row.dismissed_at
    }
    /// The legal clocks, read now, with due times in your agency's time zone.
    async fn clocks(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SignalClock>> {
        let tz = viewer_time_zone(ctx).await?;
        let now = db::now();
        Ok(self
            .row
            .clocks()
            .into_iter()
            .map(|clock| {
                let reading = clock.read(now);
                SignalClock {
                    kind: clock.kind,
                    state: reading.state,
                    due_at: clock.due_at,
                    due_at_local: clock.due_at.map(|t| t.with_timezone(&tz).to_rfc3339()),
                    done_at: clock.done_at,
                    late_by_minutes: reading.late_by.map(|d| (d.num_seconds() + 59) / 60),
                }
            })
            .collect())
    }
    /// The curator assigned by the head of service (FULL scope only).
    async fn curator_id(&self) -> Option<ID> {
        self.row
            .curator_user_id
            .filter(|_| self.beyond_summary())
            .map(|id| ID(id.to_string()))
    }
    /// The case opened from this signal.
    async fn case_id(&self) -> Option<ID> {
        self.row.case_id.map(|id| ID(id.to_string()))
    }
    /// The screening criteria (receiving service only).
    async fn screening(&self, ctx: &Context<'_>) -> Option<Screening> {
        self.personal(ctx).map(|p| p.screening)
    }
    /// The mother (receiving service only; each read is audited).
    async fn mother(&self, ctx: &Context<'_>) -> Option<SignalMother> {
        self.personal.open_some(ctx.caller(), |p| {
            Some(SignalMother {
                full_name: p.mother_full_name.clone()?,
                birth_date: p.mother_birth_date,
                phone: p.mother_phone.clone(),
                registered_address: p.address_registered.clone(),
                actual_address: p.address_actual.clone(),
                ambulance_from_address: p.address_ambulance_from.clone(),
            })
        })
    }
    /// The newborn (receiving service only).
    async fn child(&self, ctx: &Context<'_>) -> Option<SignalChild> {
        self.personal(ctx).map(|p| SignalChild {
            born_at: p.child_born_at,
            sex: p.child_sex,
            health_notes: p.child_health_notes.clone(),
        })
    }
    /// The situation as reported (receiving service only).
    async fn situation(&self, ctx: &Context<'_>) -> Option<&str> {
        self.personal(ctx)?.situation.as_deref()
    }
    /// Who reported a non-hospital signal and how to reach them (receiving service only).
    async fn source_contact(&self, ctx: &Context<'_>) -> Option<&str> {
        self.personal(ctx)?.source_contact.as_deref()
    }
    /// The initial visit report (receiving service only).
    async fn visit_report(&self, ctx: &Context<'_>) -> Option<VisitReport> {
        self.personal
            .open_some(ctx.caller(), |p| p.visit_report.clone())
    }
    /// Why the signal was closed as not confirmed (receiving service only).
    async fn dismissal_reason(&self, ctx: &Context<'_>) -> Option<&str> {
        self.personal(ctx)?.dismissal_reason.as_deref()
    }
    /// Why the head went beyond the curator's caseload limit (receiving service only).
    async fn curator_override_reason(&self, ctx: &Context<'_>) -> Option<&str> {
        self.personal(ctx)?.curator_override_reason.as_deref()
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    async fn version(&self) -> i32 {
        self.row.version
    }
}

async fn agency(ctx: &Context<'_>, id: Option<Uuid>) -> async_graphql::Result<Option<AgencyNode>> {
    let Some(id) = id else { return Ok(None) };
    Ok(ctx
        .data_unchecked::<DataLoader<AgencyLoader>>()
        .load_one(id)
        .await?
        .map(AgencyNode))
}

/// The viewer's agency's time zone; UTC for a hub administrator, who belongs to none.
async fn viewer_time_zone(ctx: &Context<'_>) -> async_graphql::Result<chrono_tz::Tz> {
    let Some(agency_id) = ctx.actor()?.agency_id else {
        return Ok(chrono_tz::UTC);
    };
    let agency = ctx
        .data_unchecked::<DataLoader<AgencyLoader>>()
        .load_one(agency_id)
        .await?
        // A signed-in user's agency always exists (a foreign key): its absence is a fault.
        .ok_or_else(|| {
            AppError::internal(anyhow::anyhow!(
                "the viewer's agency {agency_id} is missing"
            ))
        })?;
    Ok(agency.time_zone.tz())
}

/// Filters for the signal journal.
#[derive(InputObject, Default)]
pub struct SignalFilterInput {
    pub status: Option<SignalStatus>,
    /// true: only signals with a late clock; false: only signals with none late.
    pub late: Option<bool>,
    /// Registered from this time on (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Registered before this time.
    pub to: Option<DateTime<Utc>>,
}

/// Reading signals.
#[derive(Default)]
pub struct SignalQuery;

#[Object]
impl SignalQuery {
    /// Your agency's signal journal, newest first: signals your service received or
    /// your hospital sent.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn signals(
        &self,
        ctx: &Context<'_>,
        filter: Option<SignalFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<(DateTime<Utc>, Uuid), SignalNode>> {
        ctx.actor()?;
        let page = PageRequest::<(DateTime<Utc>, Uuid)>::parse(first, after.as_deref())?;
        let f = filter.unwrap_or_default();
        let filter = JournalFilter {
            status: f.status,
            late: f.late,
            from: f.from,
            to: f.to,
        };
        let rows = reads::journal_page(
            &ctx.state().db,
            ctx.caller(),
            &filter,
            page.after.as_ref(),
            db::now(),
            page.fetch_limit(),
        )
        .await?;
        let rows: Vec<SignalNode> = rows.into_iter().map(SignalNode::new).collect();
        Ok(connection(
            rows,
            &page,
            |n| (n.row.created_at, n.row.id),
            |n| n,
        ))
    }

    /// One signal, if your agency may see it.
    async fn signal(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<SignalNode> {
        node(ctx, parse_id("id", &id)?).await
    }
}

/// The steps of a signal's life.
#[derive(Default)]
pub struct SignalMutation;

#[Object]
impl SignalMutation {
    /// A hospital's responsible specialist registers a signal and passes it to the
    /// prevention service (now).
    async fn report_signal(
        &self,
        ctx: &Context<'_>,
        input: ReportSignalInput,
    ) -> async_graphql::Result<SignalNode> {
        ctx.actor()?;
        let new = NewSignal::from_report(input, db::now())?;
        let row = super::report(&ctx.state().db, ctx.caller(), new, db::now()).await?;
        node(ctx, row.id).await
    }

    /// The prevention service records a signal from another source.
    async fn record_signal(
        &self,
        ctx: &Context<'_>,
        input: RecordSignalInput,
    ) -> async_graphql::Result<SignalNode> {
        let actor = ctx.actor()?;
        let service = actor.agency_id.ok_or(crate::error::AppError::Forbidden(
            "hub administrators record no signals",
        ))?;
        let new = NewSignal::from_record(input, service, db::now())?;
        let row = super::record(&ctx.state().db, ctx.caller(), new, db::now()).await?;
        node(ctx, row.id).await
    }

    /// The prevention service receives a hospital's signal, at any hour.
    async fn receive_signal(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<SignalNode> {
        ctx.actor()?;
        let row = super::receive(
            &ctx.state().db,
            ctx.caller(),
            parse_id("id", &id)?,
            db::now(),
        )
        .await?;
        node(ctx, row.id).await
    }

    /// The head of service assigns a curator; beyond the caseload limit only with a reason.
    async fn assign_curator(
        &self,
        ctx: &Context<'_>,
        signal_id: ID,
        curator_id: ID,
        override_reason: Option<String>,
    ) -> async_graphql::Result<SignalNode> {
        ctx.actor()?;
        let (id, curator) = (
            parse_id("signalId", &signal_id)?,
            parse_id("curatorId", &curator_id)?,
        );
        let row = super::assign_curator(
            &ctx.state().db,
            ctx.caller(),
            id,
            curator,
            override_reason,
            db::now(),
        )
        .await?;
        node(ctx, row.id).await
    }

    /// The head of service sets when the visit is due.
    async fn set_visit_due(
        &self,
        ctx: &Context<'_>,
        signal_id: ID,
        due_at: DateTime<Utc>,
    ) -> async_graphql::Result<SignalNode> {
        ctx.actor()?;
        let row = super::set_visit_due(
            &ctx.state().db,
            ctx.caller(),
            parse_id("signalId", &signal_id)?,
            due_at,
            db::now(),
        )
        .await?;
        node(ctx, row.id).await
    }

    /// The curator records the visit and the initial report.
    async fn record_visit(
        &self,
        ctx: &Context<'_>,
        signal_id: ID,
        visited_at: DateTime<Utc>,
        report: VisitReport,
    ) -> async_graphql::Result<SignalNode> {
        ctx.actor()?;
        let id = parse_id("signalId", &signal_id)?;
        let row = super::record_visit(
            &ctx.state().db,
            ctx.caller(),
            id,
            visited_at,
            report,
            db::now(),
        )
        .await?;
        node(ctx, row.id).await
    }

    /// Closes a signal as not confirmed.
    async fn dismiss_signal(
        &self,
        ctx: &Context<'_>,
        signal_id: ID,
        reason: String,
    ) -> async_graphql::Result<SignalNode> {
        ctx.actor()?;
        let row = super::dismiss(
            &ctx.state().db,
            ctx.caller(),
            parse_id("signalId", &signal_id)?,
            &reason,
            db::now(),
        )
        .await?;
        node(ctx, row.id).await
    }
}

/// A signal as the request's viewer reads it now: every signal shown, a mutation's result
/// too, goes through the scoped read.
async fn node(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<SignalNode> {
    let view = reads::get(&ctx.state().db, ctx.caller(), id, db::now()).await?;
    Ok(SignalNode::new(view))
}
