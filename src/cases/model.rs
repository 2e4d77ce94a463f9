//! Cases (domain.md §2): the work with one family, led by one agency.

use async_graphql::Enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::sheet::SignalSheet;
use crate::db::JsonText;

/// Where a case stands.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CaseStatus {
    /// Assessing the situation after the visit.
    Assessment,
    /// Working on the mother's decision: up to one month (seed 001).
    DecisionWork,
    /// Rehabilitation support: about six months, monitoring every three (seed 001).
    Support,
    /// Closed, with a reason.
    Closed,
}

impl CaseStatus {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Assessment => "ASSESSMENT",
            CaseStatus::DecisionWork => "DECISION_WORK",
            CaseStatus::Support => "SUPPORT",
            CaseStatus::Closed => "CLOSED",
        }
    }
}

/// Why a case closed (seeds 001, 002).
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ClosureReason {
    /// The woman did not change her decision.
    DecisionUnchanged,
    /// She changed it and the problems are resolved.
    DecisionChangedResolved,
    /// Support done: the plan is fulfilled, the child stays in the family, no risk (a).
    SupportCompleted,
    /// The family did not keep its commitments; information passed on (b).
    CommitmentsBroken,
    /// The family's actions endanger the child; the case passes to guardianship (c).
    ChildEndangered,
    /// The client does not cooperate or refuses.
    ClientRefused,
    /// The shelter's goals were reached.
    GoalsReached,
    /// The shelter's rules were broken.
    RulesBroken,
}

impl ClosureReason {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClosureReason::DecisionUnchanged => "DECISION_UNCHANGED",
            ClosureReason::DecisionChangedResolved => "DECISION_CHANGED_RESOLVED",
            ClosureReason::SupportCompleted => "SUPPORT_COMPLETED",
            ClosureReason::CommitmentsBroken => "COMMITMENTS_BROKEN",
            ClosureReason::ChildEndangered => "CHILD_ENDANGERED",
            ClosureReason::ClientRefused => "CLIENT_REFUSED",
            ClosureReason::GoalsReached => "GOALS_REACHED",
            ClosureReason::RulesBroken => "RULES_BROKEN",
        }
    }
}

/// Where a mother went on leaving a shelter (seed 002, counts 2011–2020). What happened
/// to the child is a field of its own (`childOutcome`, seeds-notes C2).
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExitOutcome {
    /// Renting.
    Renting,
    /// Returned to her home region.
    ReturnedHomeRegion,
    /// Moved to another shelter.
    OtherShelter,
    /// Reunited with relatives.
    ReunitedWithRelatives,
    /// Bought or received housing.
    HousingObtained,
    /// Employed with accommodation («работают с проживанием», seed 002 l.672: live-in
    /// work). Issued conclusions frozen before the rename read the old name.
    #[serde(alias = "HOUSING_IN_PROGRESS")]
    LiveInWork,
    /// Left early; where to is unknown.
    LeftEarlyUnknown,
    /// Back to her own housing.
    OwnHousing,
}

/// The child's age band, all a summary shows of the child.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AgeBand {
    /// Not born yet or no birth date known.
    Unknown,
    /// Under 28 days.
    Newborn,
    /// Under one year.
    Infant,
    /// One to three years.
    Toddler,
    /// Three to seven years.
    Preschool,
    /// Seven and older.
    SchoolAge,
}

/// A case as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseRow {
    pub id: Uuid,
    pub journal_no: String,
    pub lead_agency_id: Uuid,
    pub curator_user_id: Option<Uuid>,
    pub signal_id: Option<Uuid>,
    pub status: CaseStatus,
    pub shelter: bool,
    pub child_birth_date: Option<NaiveDate>,
    pub opened_at: DateTime<Utc>,
    pub status_changed_at: DateTime<Utc>,
    pub decision_due_at: Option<DateTime<Utc>>,
    pub extension_reason: Option<String>,
    pub support_started_at: Option<DateTime<Utc>>,
    pub next_monitoring_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closure_reason: Option<ClosureReason>,
    pub exit_outcome: Option<ExitOutcome>,
    /// The signal sheet; NULL in a scoped read below FULL.
    pub signal_sheet: Option<JsonText<SignalSheet>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of [`CaseRow`], for `SELECT`s on `cases c`.
pub const COLUMNS: &str = "c.id, c.journal_no, c.lead_agency_id, c.curator_user_id, c.signal_id,
    c.status, c.shelter, c.child_birth_date, c.opened_at, c.status_changed_at,
    c.decision_due_at, c.extension_reason, c.support_started_at, c.next_monitoring_at,
    c.closed_at, c.closure_reason, c.exit_outcome, c.signal_sheet, c.version, c.created_at,
    c.updated_at";

/// What a list shows of a case without its details: the number, the status and the
/// dates its deadline comes from. None of it is personal (domain.md: a summary shows it).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseHeadline {
    pub id: Uuid,
    pub journal_no: String,
    pub status: CaseStatus,
    pub opened_at: DateTime<Utc>,
    pub decision_due_at: Option<DateTime<Utc>>,
    pub next_monitoring_at: Option<DateTime<Utc>>,
}

/// The columns of [`CaseHeadline`], for `SELECT`s on `cases c`.
pub const HEADLINE_COLUMNS: &str =
    "c.id, c.journal_no, c.status, c.opened_at, c.decision_due_at, c.next_monitoring_at";

impl CaseHeadline {
    /// The headline of a whole row.
    pub fn of(row: &CaseRow) -> CaseHeadline {
        CaseHeadline {
            id: row.id,
            journal_no: row.journal_no.clone(),
            status: row.status,
            opened_at: row.opened_at,
            decision_due_at: row.decision_due_at,
            next_monitoring_at: row.next_monitoring_at,
        }
    }

    /// The next deadline of the case's current stage: the decision due in decision
    /// work, the next monitoring review in support, none otherwise.
    pub fn next_deadline(&self) -> Option<DateTime<Utc>> {
        match self.status {
            CaseStatus::DecisionWork => self.decision_due_at,
            CaseStatus::Support => self.next_monitoring_at,
            _ => None,
        }
    }

    /// Whether the monitoring review is overdue at `now`.
    pub fn monitoring_overdue(&self, now: DateTime<Utc>) -> bool {
        crate::casework::rules::monitoring_overdue(self.status, self.next_monitoring_at, now)
    }
}

/// A person in a case.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PersonRole {
    /// The mother.
    Mother,
    /// A child.
    Child,
    /// The father.
    Father,
    /// A relative.
    Relative,
    /// A close person (partner, friend, neighbour).
    ClosePerson,
}

/// A person linked to a case, as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub role: PersonRole,
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub address_registered: Option<String>,
    pub address_actual: Option<String>,
    /// Their position on the newborn staying in the family.
    pub stance: Option<String>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What a consent covers (152-FZ; seeds 001, 002).
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConsentKind {
    /// Consent to the processing of personal data.
    PersonalData,
    /// Consent to work with the service.
    ServiceWork,
}

/// A consent as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ConsentRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: ConsentKind,
    pub signed_by: String,
    pub signed_at: DateTime<Utc>,
    pub recorded_by: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawal_note: Option<String>,
}

/// One entry of a case's timeline, as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseEventRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<Uuid>,
    pub actor_agency_id: Option<Uuid>,
    pub kind: String,
    pub from_status: Option<CaseStatus>,
    pub to_status: Option<CaseStatus>,
    /// What the entry carries besides its kind: ids, reasons.
    pub details: JsonText<serde_json::Value>,
}
