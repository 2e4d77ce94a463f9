//! Signals: a report that a mother may leave her newborn, from a hospital or another
//! source, and its way to a visit and a case (domain.md §1).

use async_graphql::{Enum, InputObject, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::clocks::{Clock, ClockKind};
use super::visit::VisitReport;
use crate::db::JsonText;

/// Where a signal came from (seed 002).
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SignalSource {
    /// A maternity hospital or perinatal centre (the legal clocks apply).
    Hospital,
    /// The family itself.
    Family,
    /// A state body.
    StateBody,
    /// Another NGO.
    Ngo,
    /// Acquaintances, neighbours.
    Acquaintances,
}

/// Where a signal stands.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SignalStatus {
    /// Passed by the hospital; the prevention service has not received it yet.
    Sent,
    /// Received and registered by the prevention service.
    Received,
    /// The head of service assigned a curator.
    CuratorAssigned,
    /// The curator visited and wrote the initial report.
    Visited,
    /// Confirmed: a case was opened.
    CaseOpened,
    /// Closed as not confirmed (or a duplicate), with a reason.
    Dismissed,
}

impl SignalStatus {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            SignalStatus::Sent => "SENT",
            SignalStatus::Received => "RECEIVED",
            SignalStatus::CuratorAssigned => "CURATOR_ASSIGNED",
            SignalStatus::Visited => "VISITED",
            SignalStatus::CaseOpened => "CASE_OPENED",
            SignalStatus::Dismissed => "DISMISSED",
        }
    }
}

/// The child's sex.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChildSex {
    /// A girl.
    Female,
    /// A boy.
    Male,
}

/// The eight yes/no screening criteria (seed 002).
#[derive(
    InputObject,
    SimpleObject,
    sqlx::FromRow,
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
)]
#[graphql(input_name = "ScreeningInput")]
pub struct Screening {
    /// Intent or fact of refusal of the child.
    pub intent_or_fact_of_refusal: bool,
    /// Threat of the child being taken by the state.
    pub threat_of_removal: bool,
    /// The child has been removed.
    pub fact_of_removal: bool,
    /// Risk of voluntary placement in an institution.
    pub risk_of_voluntary_placement: bool,
    /// The child has been placed voluntarily.
    pub fact_of_voluntary_placement: bool,
    /// No housing to live in with the child.
    pub no_housing: bool,
    /// No means of living.
    pub no_means_of_living: bool,
    /// Very low parenting competence.
    pub low_parenting_competence: bool,
}

/// A signal as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SignalRow {
    pub id: Uuid,
    pub source: SignalSource,
    pub sender_agency_id: Option<Uuid>,
    pub sender_journal_no: Option<String>,
    pub service_agency_id: Uuid,
    pub service_journal_no: Option<String>,
    pub status: SignalStatus,
    pub mother_full_name: Option<String>,
    pub mother_birth_date: Option<NaiveDate>,
    pub mother_phone: Option<String>,
    pub address_registered: Option<String>,
    pub address_actual: Option<String>,
    pub address_ambulance_from: Option<String>,
    pub child_born_at: Option<DateTime<Utc>>,
    pub child_sex: Option<ChildSex>,
    pub child_health_notes: Option<String>,
    pub in_ward_with_child: bool,
    pub source_contact: Option<String>,
    pub situation: Option<String>,
    #[sqlx(flatten)]
    pub screening: Screening,
    pub detected_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    pub passed_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub specialist_due_at: Option<DateTime<Utc>>,
    pub passing_due_at: Option<DateTime<Utc>>,
    pub visit_due_at: Option<DateTime<Utc>>,
    pub curator_user_id: Option<Uuid>,
    pub curator_assigned_at: Option<DateTime<Utc>>,
    pub curator_override_reason: Option<String>,
    pub visited_at: Option<DateTime<Utc>>,
    /// NULL until the visit, and in a scoped read below FULL.
    pub visit_report: Option<JsonText<VisitReport>>,
    pub case_id: Option<Uuid>,
    pub dismissed_at: Option<DateTime<Utc>>,
    pub dismissal_reason: Option<String>,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// The columns of [`SignalRow`], for `SELECT`s.
pub const COLUMNS: &str =
    "s.id, s.source, s.sender_agency_id, s.sender_journal_no, s.service_agency_id,
    s.service_journal_no, s.status, s.mother_full_name, s.mother_birth_date, s.mother_phone,
    s.address_registered, s.address_actual, s.address_ambulance_from, s.child_born_at,
    s.child_sex, s.child_health_notes, s.in_ward_with_child, s.source_contact, s.situation,
    s.intent_or_fact_of_refusal, s.threat_of_removal, s.fact_of_removal,
    s.risk_of_voluntary_placement, s.fact_of_voluntary_placement, s.no_housing,
    s.no_means_of_living, s.low_parenting_competence, s.detected_at, s.registered_at,
    s.passed_at, s.received_at, s.specialist_due_at, s.passing_due_at, s.visit_due_at,
    s.curator_user_id, s.curator_assigned_at, s.curator_override_reason, s.visited_at,
    s.visit_report, s.case_id, s.dismissed_at, s.dismissal_reason, s.created_by,
    s.created_at, s.updated_at, s.version";

impl SignalRow {
    /// The signal's clocks. A signal from another source has only the visit clock.
    pub fn clocks(&self) -> Vec<Clock> {
        let mut clocks = Vec::new();
        if self.source == SignalSource::Hospital {
            clocks.push(Clock {
                kind: ClockKind::SpecialistNotified,
                due_at: self.specialist_due_at,
                done_at: self.registered_at,
            });
            clocks.push(Clock {
                kind: ClockKind::PassedToService,
                due_at: self.passing_due_at,
                done_at: self.passed_at,
            });
        }
        if self.received_at.is_some() {
            // A dismissed signal's visit clock stops at the dismissal: met or late then.
            clocks.push(Clock {
                kind: ClockKind::Visit,
                due_at: self.visit_due_at,
                done_at: self.visited_at.or(self.dismissed_at),
            });
        }
        clocks
    }
}
