//! GraphQL for reports: an agency's effectiveness report, the regional view, the
//! hospitals' monthly births and refusals, and the half-year conclusions. Thin over the
//! service functions in [`super`], which decide who reads what.

use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, NaiveDate, Utc};

use super::little_mama::{AssessmentStage, MotherAssessment, Scores};
use super::model::{ConclusionRow, ConclusionStatus, EffectivenessReport, HospitalMonthRow};
use super::rules::{self, Period};
use crate::db;
use crate::graphql::ContextExt;
use crate::ids::{parse_id, to_id as id};

/// A report's period: the agency's local dates, both included, at most a year.
#[derive(InputObject, Clone, Copy)]
pub struct ReportPeriodInput {
    /// The first day.
    pub from: NaiveDate,
    /// The last day, included.
    pub to: NaiveDate,
}

impl ReportPeriodInput {
    fn parse(self) -> async_graphql::Result<Period> {
        Ok(Period::parse(self.from, self.to)?)
    }
}

/// One month of a hospital's births and refusals.
pub struct HospitalMonthNode(pub HospitalMonthRow);

#[Object(name = "HospitalMonth")]
impl HospitalMonthNode {
    /// The hospital.
    async fn agency_id(&self) -> ID {
        id(self.0.agency_id)
    }
    /// The first day of the month.
    async fn month(&self) -> NaiveDate {
        self.0.month
    }
    async fn births(&self) -> i32 {
        self.0.births
    }
    async fn refusals(&self) -> i32 {
        self.0.refusals
    }
    /// Refusals per 100 births; null without births.
    async fn refusals_per_100_births(&self) -> Option<f64> {
        rules::per_100_births(i64::from(self.0.refusals), i64::from(self.0.births))
    }
    async fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }
    /// Bumped on every correction.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// A half-year conclusion: the figures and the head's analysis. Frozen once issued.
pub struct ConclusionNode {
    row: ConclusionRow,
    report: Option<EffectivenessReport>,
}

#[Object(name = "ReportConclusion")]
impl ConclusionNode {
    async fn id(&self) -> ID {
        id(self.row.id)
    }
    async fn period_from(&self) -> NaiveDate {
        self.row.period_from
    }
    async fn period_to(&self) -> NaiveDate {
        self.row.period_to
    }
    /// DRAFT while the head writes it, ISSUED once signed off (frozen).
    async fn status(&self) -> ConclusionStatus {
        self.row.status
    }
    /// The head's written analysis.
    async fn analysis(&self) -> &str {
        &self.row.analysis
    }
    async fn issued_at(&self) -> Option<DateTime<Utc>> {
        self.row.issued_at
    }
    async fn issued_by_id(&self) -> Option<ID> {
        self.row.issued_by_user_id.map(id)
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.row.updated_at
    }
    /// The figures: as issued once frozen, computed afresh while a draft.
    async fn report(&self, ctx: &Context<'_>) -> async_graphql::Result<EffectivenessReport> {
        if let Some(report) = &self.report {
            return Ok(report.clone());
        }
        let view = super::conclusion(&ctx.state().db, ctx.caller(), self.row.id, db::now()).await?;
        Ok(view.report)
    }
}

impl From<super::ConclusionView> for ConclusionNode {
    fn from(view: super::ConclusionView) -> ConclusionNode {
        ConclusionNode {
            row: view.row,
            report: Some(view.report),
        }
    }
}

/// Reading reports.
#[derive(Default)]
pub struct ReportQuery;

#[Object]
impl ReportQuery {
    /// The effectiveness report (domain.md §7) of your agency, or with `agencyId` of an
    /// agency of your region if you are a regional analyst (others: NOT_FOUND), for a
    /// period of the agency's local dates. Each ratio has its numerator, denominator and
    /// value (null: no data, or not applicable); journal numbers only for your own
    /// agency's head.
    async fn effectiveness_report(
        &self,
        ctx: &Context<'_>,
        period: ReportPeriodInput,
        agency_id: Option<ID>,
    ) -> async_graphql::Result<EffectivenessReport> {
        let period = period.parse()?;
        let agency = agency_id.map(|a| parse_id("agencyId", &a)).transpose()?;
        Ok(super::report(&ctx.state().db, ctx.caller(), agency, period, db::now()).await?)
    }

    /// Every active agency of your region side by side (regional analysts only), with
    /// no personal data and no journal numbers.
    async fn territory_report(
        &self,
        ctx: &Context<'_>,
        period: ReportPeriodInput,
    ) -> async_graphql::Result<Vec<EffectivenessReport>> {
        let period = period.parse()?;
        Ok(super::territory_report(&ctx.state().db, ctx.caller(), period, db::now()).await?)
    }

    /// The months your hospital recorded in `year`.
    async fn hospital_months(
        &self,
        ctx: &Context<'_>,
        year: i32,
    ) -> async_graphql::Result<Vec<HospitalMonthNode>> {
        let rows = super::hospital_months(&ctx.state().db, ctx.caller(), year).await?;
        Ok(rows.into_iter().map(HospitalMonthNode).collect())
    }

    /// One of your agency's half-year conclusions.
    async fn report_conclusion(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ConclusionNode> {
        let id = parse_id("id", &id)?;
        let view = super::conclusion(&ctx.state().db, ctx.caller(), id, db::now()).await?;
        Ok(view.into())
    }

    /// A case's «Маленькая мама» assessments (entry, exit), for those who see the case
    /// whole; the read is audited.
    async fn mother_assessments(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
    ) -> async_graphql::Result<Vec<MotherAssessment>> {
        let case = parse_id("caseId", &case_id)?;
        let rows =
            super::mother_assessments(&ctx.state().db, ctx.caller(), case, db::now()).await?;
        Ok(rows.into_iter().map(MotherAssessment::from).collect())
    }

    /// Your agency's half-year conclusions, latest first.
    async fn report_conclusions(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<ConclusionNode>> {
        let rows = super::conclusions(&ctx.state().db, ctx.caller()).await?;
        Ok(rows
            .into_iter()
            .map(|row| ConclusionNode { row, report: None })
            .collect())
    }
}

/// Recording births, settings and conclusions.
#[derive(Default)]
pub struct ReportMutation;

#[Object]
impl ReportMutation {
    /// Records (or corrects) one month of your hospital's births and refusals: its
    /// responsible specialist or head. `month` is the month's first day, not in the
    /// future; refusals not above births.
    async fn record_hospital_month(
        &self,
        ctx: &Context<'_>,
        month: NaiveDate,
        births: i32,
        refusals: i32,
    ) -> async_graphql::Result<HospitalMonthNode> {
        let row = super::record_hospital_month(
            &ctx.state().db,
            ctx.caller(),
            month,
            births,
            refusals,
            db::now(),
        )
        .await?;
        Ok(HospitalMonthNode(row))
    }

    /// Whether the agency gives rehabilitation support itself (seed 001); where it does
    /// not, the successful-rehabilitation ratio shows "n/a". The hub administrator or
    /// the agency's head.
    async fn set_agency_gives_support(
        &self,
        ctx: &Context<'_>,
        agency_id: ID,
        gives_support: bool,
    ) -> async_graphql::Result<bool> {
        let agency = parse_id("agencyId", &agency_id)?;
        Ok(super::set_gives_support(
            &ctx.state().db,
            ctx.caller(),
            agency,
            gives_support,
            db::now(),
        )
        .await?)
    }

    /// Writes (or rewrites) the analysis of your agency's conclusion for a half year
    /// (1 January – 30 June or 1 July – 31 December): the head only, while a draft.
    async fn write_report_conclusion(
        &self,
        ctx: &Context<'_>,
        period: ReportPeriodInput,
        analysis: String,
    ) -> async_graphql::Result<ConclusionNode> {
        let period = period.parse()?;
        let view =
            super::write_conclusion(&ctx.state().db, ctx.caller(), period, &analysis, db::now())
                .await?;
        Ok(view.into())
    }

    /// Records what happened to the child of a closed shelter case, apart from where the
    /// mother went (`exitOutcome`): the lead agency's curator or head.
    async fn set_child_outcome(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        child_outcome: super::model::ChildOutcome,
    ) -> async_graphql::Result<super::model::ChildOutcome> {
        let case = parse_id("caseId", &case_id)?;
        super::set_child_outcome(
            &ctx.state().db,
            ctx.caller(),
            case,
            child_outcome,
            db::now(),
        )
        .await?;
        Ok(child_outcome)
    }

    /// Records a follow-up check after a case closed: the day (between the closure and
    /// today), whether the family is together and the child with the mother. The lead
    /// agency's curator or head. Returns the check's id.
    async fn record_follow_up_check(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        checked_on: NaiveDate,
        family_together: bool,
        child_with_mother: bool,
    ) -> async_graphql::Result<ID> {
        let case = parse_id("caseId", &case_id)?;
        let row = super::record_follow_up(
            &ctx.state().db,
            ctx.caller(),
            case,
            checked_on,
            family_together,
            child_with_mother,
            db::now(),
        )
        .await?;
        Ok(id(row.id))
    }

    /// Records the mother's «Маленькая мама» assessment (seed 004) at `ENTRY` or `EXIT`:
    /// four scores from 1 to 5, and at exit whether the child stays with the mother. The
    /// lead agency's curator or head, in a rehabilitation centre or an NGO; the day
    /// between the case's opening and today, an exit not before the entry. One per stage:
    /// recording a stage again replaces it and bumps its `version`.
    #[allow(clippy::too_many_arguments)]
    async fn record_mother_assessment(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        stage: AssessmentStage,
        assessed_on: NaiveDate,
        childcare_skills: i32,
        interaction_with_child: i32,
        copes_independently: i32,
        parental_competence: i32,
        child_with_mother: Option<bool>,
    ) -> async_graphql::Result<MotherAssessment> {
        let input = super::AssessmentInput {
            case_id: parse_id("caseId", &case_id)?,
            stage,
            assessed_on,
            scores: Scores {
                childcare_skills,
                interaction_with_child,
                copes_independently,
                parental_competence,
            },
            child_with_mother,
        };
        let row = super::record_mother_assessment(&ctx.state().db, ctx.caller(), input, db::now())
            .await?;
        Ok(row.into())
    }

    /// Signs a conclusion off once its half year is over: the figures are frozen with
    /// the analysis and print as issued from then on. The head only.
    async fn issue_report_conclusion(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<ConclusionNode> {
        let id = parse_id("id", &id)?;
        let view = super::issue_conclusion(&ctx.state().db, ctx.caller(), id, db::now()).await?;
        Ok(view.into())
    }
}
