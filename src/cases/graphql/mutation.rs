//! Working on cases: opening, moving, closing, people, consents, the signal sheet.

use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};

use super::{id, CaseNode, CasePersonInput, ConsentInput};
use crate::cases::consents::{self, NewPerson};
use crate::cases::model::{ClosureReason, ExitOutcome};
use crate::cases::sheet::{self, SignalSheet};
use crate::cases::Move;
use crate::db;
use crate::graphql::ContextExt;
use crate::ids::parse_id;

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
        ctx.actor()?;
        let row = crate::cases::open_from_signal(
            &ctx.state().db,
            ctx.caller(),
            parse_id("signalId", &signal_id)?,
            shelter.unwrap_or(false),
            db::now(),
        )
        .await?;
        super::scoped_node(ctx, row.id).await
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
        ctx.actor()?;
        let row = crate::cases::extend_decision_work(
            &ctx.state().db,
            ctx.caller(),
            parse_id("caseId", &case_id)?,
            until,
            &reason,
            db::now(),
        )
        .await?;
        super::scoped_node(ctx, row.id).await
    }

    /// Closes a case with a reason that fits its stage (and, for a shelter, the exit outcome).
    async fn close_case(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        reason: ClosureReason,
        exit_outcome: Option<ExitOutcome>,
    ) -> async_graphql::Result<CaseNode> {
        ctx.actor()?;
        let row = crate::cases::close(
            &ctx.state().db,
            ctx.caller(),
            parse_id("caseId", &case_id)?,
            reason,
            exit_outcome,
            db::now(),
        )
        .await?;
        super::scoped_node(ctx, row.id).await
    }

    /// Replaces the case's signal sheet.
    async fn update_signal_sheet(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        input: SignalSheet,
    ) -> async_graphql::Result<SignalSheet> {
        ctx.actor()?;
        Ok(sheet::update(
            &ctx.state().db,
            ctx.caller(),
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
        ctx.actor()?;
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
            ctx.caller(),
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
        ctx.actor()?;
        let agencies = input
            .agency_ids
            .iter()
            .map(|a| parse_id("agencyIds", a))
            .collect::<Result<Vec<_>, _>>()?;
        let case_id = parse_id("caseId", &case_id)?;
        let row = consents::record(
            &ctx.state().db,
            ctx.caller(),
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
        ctx.actor()?;
        let (case_id, consent_id) = (
            parse_id("caseId", &case_id)?,
            parse_id("consentId", &consent_id)?,
        );
        consents::withdraw(
            &ctx.state().db,
            ctx.caller(),
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
    ctx.actor()?;
    let row = crate::cases::advance(
        &ctx.state().db,
        ctx.caller(),
        parse_id("caseId", &case_id)?,
        to,
        db::now(),
    )
    .await?;
    super::scoped_node(ctx, row.id).await
}
