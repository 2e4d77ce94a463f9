//! Case work: intakes, the work log, the contact clock and the monitoring sheet.

use async_graphql::Enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::cases::model::CaseStatus;
use crate::db::JsonText;
pub use crate::reunification::model::PlacementBasis;

/// How a case came to an agency that opens cases of its own (seeds-notes A2).
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IntakeSource {
    /// The client's own application (заявление, обращение).
    Application,
    /// A referral from another institution (направление).
    Referral,
    /// The child is already placed in the agency's care (a rehabilitation centre, a
    /// shelter).
    ChildPlaced,
}

impl IntakeSource {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            IntakeSource::Application => "APPLICATION",
            IntakeSource::Referral => "REFERRAL",
            IntakeSource::ChildPlaced => "CHILD_PLACED",
        }
    }
}

/// What a work-log entry records (seeds-notes A9).
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkKind {
    /// A consultation.
    Consultation,
    /// An individual psychological session.
    PsychologicalSession,
    /// Legal help.
    LegalHelp,
    /// Escort to a doctor or a hospital.
    MedicalEscort,
    /// A home visit or patronage.
    HomeVisit,
    /// A group session (training, a mother–child group).
    GroupSession,
    /// Material help (food, clothes, goods for the baby).
    MaterialHelp,
    /// An attempt to make contact that did not reach the family: not a contact.
    ContactAttempt,
}

impl WorkKind {
    /// Every kind, in the order the pages list them.
    pub const ALL: [WorkKind; 8] = [
        WorkKind::Consultation,
        WorkKind::PsychologicalSession,
        WorkKind::LegalHelp,
        WorkKind::MedicalEscort,
        WorkKind::HomeVisit,
        WorkKind::GroupSession,
        WorkKind::MaterialHelp,
        WorkKind::ContactAttempt,
    ];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkKind::Consultation => "CONSULTATION",
            WorkKind::PsychologicalSession => "PSYCHOLOGICAL_SESSION",
            WorkKind::LegalHelp => "LEGAL_HELP",
            WorkKind::MedicalEscort => "MEDICAL_ESCORT",
            WorkKind::HomeVisit => "HOME_VISIT",
            WorkKind::GroupSession => "GROUP_SESSION",
            WorkKind::MaterialHelp => "MATERIAL_HELP",
            WorkKind::ContactAttempt => "CONTACT_ATTEMPT",
        }
    }

    /// Parses an API name.
    pub fn parse(name: &str) -> Option<WorkKind> {
        WorkKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The Russian label, as in the paper journals.
    pub fn label_ru(self) -> &'static str {
        match self {
            WorkKind::Consultation => "Консультация",
            WorkKind::PsychologicalSession => "Психологическое занятие",
            WorkKind::LegalHelp => "Юридическая помощь",
            WorkKind::MedicalEscort => "Сопровождение к врачу",
            WorkKind::HomeVisit => "Посещение на дому, патронаж",
            WorkKind::GroupSession => "Групповое занятие",
            WorkKind::MaterialHelp => "Материальная помощь",
            WorkKind::ContactAttempt => "Попытка связаться",
        }
    }

    /// The English label.
    pub fn label_en(self) -> &'static str {
        match self {
            WorkKind::Consultation => "Consultation",
            WorkKind::PsychologicalSession => "Psychological session",
            WorkKind::LegalHelp => "Legal help",
            WorkKind::MedicalEscort => "Medical escort",
            WorkKind::HomeVisit => "Home visit, patronage",
            WorkKind::GroupSession => "Group session",
            WorkKind::MaterialHelp => "Material help",
            WorkKind::ContactAttempt => "Attempt to make contact",
        }
    }
}

/// The effect of the work since the last review.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MonitoringEffect {
    /// Positive.
    Positive,
    /// None.
    None,
}

/// What the review decided (seed 001).
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MonitoringDecision {
    /// Go on by the plan.
    Continue,
    /// Revise the plan.
    RevisePlan,
    /// Close the case (closed with `closeCase`, with its reason).
    Close,
    /// Move to rehabilitation support (with `startSupport`); decision work only.
    MoveToSupport,
}

impl MonitoringDecision {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            MonitoringDecision::Continue => "CONTINUE",
            MonitoringDecision::RevisePlan => "REVISE_PLAN",
            MonitoringDecision::Close => "CLOSE",
            MonitoringDecision::MoveToSupport => "MOVE_TO_SUPPORT",
        }
    }
}

/// A stored intake.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct IntakeRow {
    pub case_id: Uuid,
    pub agency_id: Uuid,
    /// The number in the agency's intake journal, e.g. `INT-2026-0003`.
    pub intake_no: String,
    pub source: IntakeSource,
    pub registered_on: NaiveDate,
    /// The referring institution (personal: it says where the family was seen).
    pub referred_by: Option<String>,
    /// Why the case was taken (personal).
    pub reason: String,
    pub placed_since: Option<NaiveDate>,
    /// Where the child is placed (personal).
    pub placed_where: Option<String>,
    pub placement_basis: Option<PlacementBasis>,
    pub registered_by_user_id: Uuid,
    pub registered_at: DateTime<Utc>,
}

/// The columns of `case_intakes`, in [`IntakeRow`] order.
pub const INTAKE_COLUMNS: &str = "i.case_id, i.agency_id, i.intake_no, i.source,
    i.registered_on, i.referred_by, i.reason, i.placed_since, i.placed_where,
    i.placement_basis, i.registered_by_user_id, i.registered_at";

/// A stored work-log entry; `content` and the specialist are NULL in a scoped read below
/// FULL.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct WorkEntryRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub agency_id: Uuid,
    pub kind: WorkKind,
    pub occurred_on: NaiveDate,
    pub specialist_user_id: Option<Uuid>,
    pub duration_minutes: i32,
    pub content: Option<String>,
    pub recorded_by_user_id: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// Progress on one plan task, as a monitoring records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskProgress {
    /// The task (of one of the case's plans).
    pub task_id: Uuid,
    /// What was done and what is left.
    pub note: String,
}

/// A stored monitoring; the personal columns are NULL in a scoped read below FULL.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct MonitoringRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub agency_id: Uuid,
    pub occurred_on: NaiveDate,
    pub stage: CaseStatus,
    pub curator_took_part: bool,
    pub head_took_part: bool,
    pub supervisor_name: Option<String>,
    pub effect: Option<MonitoringEffect>,
    pub causes: Option<String>,
    pub progress: Option<JsonText<Vec<TaskProgress>>>,
    pub decision: MonitoringDecision,
    pub next_due_on: NaiveDate,
    pub recorded_by_user_id: Uuid,
    pub recorded_at: DateTime<Utc>,
}

/// A case's contact clock: the last day of real contact and when the flag rises.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ContactClock {
    pub case_id: Uuid,
    pub last_contact_on: NaiveDate,
    pub alert_at: DateTime<Utc>,
}
