//! Effectiveness reports (domain.md §7, seeds-notes D): the figures, as computed and as
//! frozen in an issued conclusion. Every figure is serialisable, because an issued
//! conclusion keeps them as a JSON snapshot and prints them as they were.

use async_graphql::{Enum, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cases::model::{ClosureReason, ExitOutcome};

/// Whether a ratio has a value.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RatioStatus {
    /// Numerator over a denominator above zero.
    Value,
    /// The denominator is zero: "no data", never 0 and never an error.
    NoData,
    /// The ratio does not apply to this agency (seed 001: the successful-rehabilitation
    /// ratio only where the agency itself gives the support).
    NotApplicable,
}

/// One ratio of the report: its numerator, its denominator and, for the agency itself
/// (its head), the journal numbers behind them. A regional view carries no numbers.
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ratio {
    /// What is counted above the line.
    pub numerator: i64,
    /// What it is counted against.
    pub denominator: i64,
    /// numerator / denominator, rounded to four places; null when there is no data or
    /// the ratio does not apply.
    pub value: Option<f64>,
    /// The same as a percentage, rounded to one place.
    pub percent: Option<f64>,
    /// Value, no data or not applicable.
    pub status: RatioStatus,
    /// The journal numbers counted above the line (signals `SIG-…`, cases `CASE-…`);
    /// null for those who may not see them.
    pub journal_numbers: Option<Vec<String>>,
    /// The journal numbers counted below the line, where the denominator is records
    /// rather than a figure someone reported (refusals); null otherwise.
    pub denominator_journal_numbers: Option<Vec<String>>,
}

/// One sending hospital's line: its signals against its refusals, and its births.
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HospitalLine {
    /// The hospital's id.
    pub hospital_id: ID,
    /// The hospital's name.
    pub hospital_name: String,
    /// Signals received from it against the refusals it recorded in the period.
    pub signals_against_refusals: Ratio,
    /// Its births and refusals in the period, and refusals per 100 births now and a
    /// year earlier.
    pub births: HospitalFigures,
}

/// A hospital's births and refusals over a period, as it recorded them month by month.
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HospitalFigures {
    /// Months of the period the hospital recorded.
    pub months_recorded: i64,
    /// Months in the period.
    pub months_in_period: i64,
    /// Births in the recorded months.
    pub births: i64,
    /// Refusals in the recorded months.
    pub refusals: i64,
    /// Refusals per 100 births; null without births.
    pub refusals_per_100_births: Option<f64>,
    /// The same for the same period a year earlier; null without births then.
    pub previous_year_per_100_births: Option<f64>,
    /// Now minus a year earlier, in points; null unless both are known.
    pub change_points: Option<f64>,
}

/// One local month of the period, for the chart.
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MonthLine {
    /// The first day of the month.
    pub month: NaiveDate,
    /// Signals received (or, for a hospital, sent) that month.
    pub signals: i64,
    /// Refusals recorded that month by the hospitals in the report.
    pub refusals: i64,
    /// Births recorded that month by the hospitals in the report.
    pub births: i64,
}

/// How many cases closed for one reason in the period.
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeLine {
    /// The reason.
    pub reason: ClosureReason,
    /// Cases closed for it.
    pub cases: i64,
}

/// Curators' open caseloads against the norm (seed 001: 9 women per curator).
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Caseload {
    /// The agency's norm per curator.
    pub norm: i64,
    /// Curators with at least one open case.
    pub curators: i64,
    /// Open cases with a curator.
    pub open_cases: i64,
    /// The largest caseload.
    pub largest: i64,
    /// Curators above the norm.
    pub curators_over_norm: i64,
}

/// The interagency work: MRG meetings and recommendations, reunifications.
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InteragencyFigures {
    /// MRG meetings held in the period by groups the agency convenes.
    pub mrg_meetings_held: i64,
    /// MRG recommendations addressed to the agency, due in the period, reported done by
    /// their due time, against all of them.
    pub recommendations_done_on_time: Ratio,
    /// Children returned home in the period by the agency's reunifications.
    pub reunifications_completed: i64,
}

/// The effectiveness report of one agency for one period.
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EffectivenessReport {
    /// The agency's id.
    pub agency_id: ID,
    /// The agency's name.
    pub agency_name: String,
    /// Its kind, as the API names it (`PREVENTION_SERVICE`, `MATERNITY`…).
    pub agency_kind: String,
    /// The first day of the period (the agency's local date).
    pub period_from: NaiveDate,
    /// The last day of the period, included.
    pub period_to: NaiveDate,
    /// The time zone whose dates the period counts in.
    pub time_zone: String,
    /// Whether the agency itself gives rehabilitation support.
    pub gives_support: bool,
    /// Signals received in the period against all refusals in the sending hospitals.
    pub signals_against_refusals: Ratio,
    /// The same, per sending hospital.
    pub hospitals: Vec<HospitalLine>,
    /// The agency's own births and refusals, when it is a hospital that records them.
    pub own_hospital: Option<HospitalFigures>,
    /// Hospital signals passed to the service within 3 hours of registration
    /// (`PASSED_TO_SERVICE`), against all passed.
    pub passed_on_time: Ratio,
    /// Beside it: the responsible specialist told within 30 minutes of detection
    /// (`SPECIALIST_NOTIFIED`), against the signals with a detection time.
    pub specialist_on_time: Ratio,
    /// Beside it: visits made by their due time (`VISIT`), against visits due.
    pub visit_on_time: Ratio,
    /// Distinct women who changed their decision in the period against the distinct
    /// women of the signals received.
    pub changed_decision: Ratio,
    /// Of those who changed, women whose case closed with the decision changed and the
    /// problems resolved (took the child home, no further support).
    pub changed_no_support: Ratio,
    /// Of those who changed, women taken into rehabilitation support.
    pub changed_needing_support: Ratio,
    /// Women whose support closed successfully (a) against the women supported; not
    /// applicable where the agency does not give the support itself.
    pub closed_rehabilitated: Ratio,
    /// Closed for broken commitments (b) against the women supported.
    pub closed_commitments_broken: Ratio,
    /// Closed for a threat to the child's life or health (c) against the women supported.
    pub closed_child_endangered: Ratio,
    /// Closures in the period by reason.
    pub outcomes: Vec<OutcomeLine>,
    /// Month by month.
    pub months: Vec<MonthLine>,
    /// Curators' caseloads now against the norm.
    pub caseload: Caseload,
    /// MRG and reunification figures.
    pub interagency: InteragencyFigures,
    /// The shelter's results (seed 002); empty counts for an agency without shelter
    /// cases.
    #[serde(default)]
    pub shelter: ShelterFigures,
    /// The «Маленькая мама» indicators against their targets (seed 004); null for an
    /// agency that does not run the programme (other than a rehabilitation centre or an
    /// NGO).
    #[serde(default)]
    pub little_mama: Option<super::little_mama::LittleMamaFigures>,
    /// When the figures were computed.
    pub computed_at: DateTime<Utc>,
}

/// What happened to the child when a shelter case closed, apart from where the mother
/// went (seed 002: «Отказ, отобрание детей», «Оставление ребенка» overlap the
/// destinations).
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChildOutcome {
    /// The child left with the mother.
    WithMother,
    /// The child went to relatives.
    WithRelatives,
    /// Refusal or removal of the child.
    RefusedOrRemoved,
    /// The child was left at the shelter.
    LeftAtShelter,
}

/// How many mothers went to one destination.
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationLine {
    pub destination: ExitOutcome,
    pub cases: i64,
}

/// How many children had one outcome.
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChildOutcomeLine {
    pub outcome: ChildOutcome,
    pub cases: i64,
}

/// The shelter's results over the period (seed 002).
#[derive(SimpleObject, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShelterFigures {
    /// Shelter cases closed in the period: the graduates.
    pub graduates: i64,
    /// Where the mothers went (the destinations of `exitOutcome`).
    pub destinations: Vec<DestinationLine>,
    /// What happened to the children.
    pub children: Vec<ChildOutcomeLine>,
    /// Graduates whose latest follow-up check found the family together, against the
    /// graduates checked at least once.
    pub families_together: Option<Ratio>,
    /// Graduates whose latest check found the child with the mother, against the same.
    pub children_with_mother: Option<Ratio>,
}

/// A closed shelter case as the shelter's figures count it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ShelterFact {
    pub journal_no: String,
    pub exit_outcome: Option<ExitOutcome>,
    pub child_outcome: Option<ChildOutcome>,
    /// The latest follow-up check's findings, if any.
    pub family_together: Option<bool>,
    pub child_with_mother: Option<bool>,
}

/// A follow-up check after a case closed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FollowUpRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub agency_id: Uuid,
    pub checked_on: NaiveDate,
    pub family_together: bool,
    pub child_with_mother: bool,
    pub recorded_by_user_id: Uuid,
    pub recorded_at: DateTime<Utc>,
}

impl EffectivenessReport {
    /// Drops every journal number: for a regional view, and for readers of the agency's
    /// own figures who do not drill down.
    pub fn without_journal_numbers(mut self) -> EffectivenessReport {
        for ratio in self.ratios_mut() {
            ratio.journal_numbers = None;
            ratio.denominator_journal_numbers = None;
        }
        self
    }

    fn ratios_mut(&mut self) -> Vec<&mut Ratio> {
        let mut all = vec![
            &mut self.signals_against_refusals,
            &mut self.passed_on_time,
            &mut self.specialist_on_time,
            &mut self.visit_on_time,
            &mut self.changed_decision,
            &mut self.changed_no_support,
            &mut self.changed_needing_support,
            &mut self.closed_rehabilitated,
            &mut self.closed_commitments_broken,
            &mut self.closed_child_endangered,
            &mut self.interagency.recommendations_done_on_time,
        ];
        for line in &mut self.hospitals {
            all.push(&mut line.signals_against_refusals);
        }
        if let Some(r) = self.shelter.families_together.as_mut() {
            all.push(r);
        }
        if let Some(r) = self.shelter.children_with_mother.as_mut() {
            all.push(r);
        }
        if let Some(m) = self.little_mama.as_mut() {
            all.extend(m.ratios_mut());
        }
        all
    }
}

/// A signal as the report counts it: dates, clocks, numbers and whose it is.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SignalFact {
    pub id: Uuid,
    pub service_agency_id: Uuid,
    pub sender_agency_id: Option<Uuid>,
    pub service_journal_no: Option<String>,
    pub sender_journal_no: Option<String>,
    pub mother_full_name: String,
    pub mother_birth_date: Option<NaiveDate>,
    pub detected_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    pub passed_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub specialist_due_at: Option<DateTime<Utc>>,
    pub passing_due_at: Option<DateTime<Utc>>,
    pub visit_due_at: Option<DateTime<Utc>>,
    pub visited_at: Option<DateTime<Utc>>,
}

/// A case as the report counts it: its decision, support and closure, and its mother.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseFact {
    pub id: Uuid,
    pub journal_no: String,
    pub support_started_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closure_reason: Option<ClosureReason>,
    pub mother_full_name: Option<String>,
    pub mother_birth_date: Option<NaiveDate>,
}

/// One month a hospital recorded.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct HospitalMonthRow {
    pub agency_id: Uuid,
    /// The first day of the month.
    pub month: NaiveDate,
    pub births: i32,
    pub refusals: i32,
    pub recorded_by_user_id: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub version: i32,
}

/// A conclusion's state.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConclusionStatus {
    /// Being written; its figures are computed afresh.
    Draft,
    /// Signed off by the head: frozen, figures and words as issued.
    Issued,
}

/// A half-year conclusion as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ConclusionRow {
    pub id: Uuid,
    pub agency_id: Uuid,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub analysis: String,
    pub status: ConclusionStatus,
    /// The report as issued (JSON); NULL while a draft.
    pub snapshot: Option<String>,
    pub written_by_user_id: Uuid,
    pub issued_by_user_id: Option<Uuid>,
    pub issued_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of [`ConclusionRow`].
pub const CONCLUSION_COLUMNS: &str = "id, agency_id, period_from, period_to, analysis, status,
    snapshot, written_by_user_id, issued_by_user_id, issued_at, version, created_at, updated_at";
