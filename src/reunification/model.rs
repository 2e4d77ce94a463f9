//! Reunification (domain.md §6, seeds-notes A8): the records a rehabilitation centre keeps
//! while it brings a child home, in seed 003's three tracks.

use crate::db::JsonText;
use async_graphql::Enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One of seed 003's three blocks of work.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Track {
    /// The child's: from the first contact to the return.
    Child,
    /// The family's: from the first information to the handover of the child.
    Family,
    /// After the return, until the preventive work ends.
    AfterReturn,
}

/// A stage of a track, in seed 003's order. Each belongs to one track ([`Stage::track`]).
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Stage {
    /// The child's track: contact, or the «safe place».
    Contact,
    /// The child's track: comprehensive diagnostics.
    ChildDiagnostics,
    /// The child's track: corrective and rehabilitation work.
    Rehabilitation,
    /// The child's track: the return to the family.
    ReturnHome,
    /// The family's track: information about the family.
    FamilyInformation,
    /// The family's track: social diagnostics.
    SocialDiagnostics,
    /// The family's track: the family's individual plan (ИПСР).
    FamilyPlan,
    /// The family's track: patronage visits.
    Patronage,
    /// The family's track: the joint control inspection of living conditions.
    HousingInspection,
    /// The family's track: the handover of the child.
    Handover,
    /// After the return: the child's safety and emotional wellbeing.
    SafetyAndWellbeing,
    /// After the return: relationships in the family.
    FamilyRelations,
    /// After the return: the formal end of the preventive work.
    EndOfPreventiveWork,
}

impl Stage {
    /// Every stage, track by track, in order.
    pub const ALL: [Stage; 13] = [
        Stage::Contact,
        Stage::ChildDiagnostics,
        Stage::Rehabilitation,
        Stage::ReturnHome,
        Stage::FamilyInformation,
        Stage::SocialDiagnostics,
        Stage::FamilyPlan,
        Stage::Patronage,
        Stage::HousingInspection,
        Stage::Handover,
        Stage::SafetyAndWellbeing,
        Stage::FamilyRelations,
        Stage::EndOfPreventiveWork,
    ];

    /// The track the stage belongs to.
    pub fn track(self) -> Track {
        use Stage::*;
        match self {
            Contact | ChildDiagnostics | Rehabilitation | ReturnHome => Track::Child,
            FamilyInformation | SocialDiagnostics | FamilyPlan | Patronage | HousingInspection
            | Handover => Track::Family,
            SafetyAndWellbeing | FamilyRelations | EndOfPreventiveWork => Track::AfterReturn,
        }
    }

    /// Its place in its track, from 0.
    pub fn position(self) -> usize {
        Stage::ALL
            .iter()
            .filter(|s| s.track() == self.track())
            .position(|s| *s == self)
            .unwrap_or(0)
    }

    /// The stages of `track`, in order.
    pub fn of(track: Track) -> impl Iterator<Item = Stage> {
        Stage::ALL.into_iter().filter(move |s| s.track() == track)
    }
}

/// Where a reunification stands.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ReunificationStatus {
    /// The child is in the centre's care; the work goes on.
    InCare,
    /// The child is home; monitoring goes on until the preventive work ends.
    Returned,
    /// The preventive work ended; the record is closed.
    Ended,
}

/// On what basis the child came into the centre's care.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlacementBasis {
    /// The parents' (the legal representative's) application.
    ParentsApplication,
    /// A guardianship authority's removal of the child.
    Removal,
    /// Brought by the police.
    Police,
    /// Another basis (the centre's act says which).
    Other,
}

/// What an entry of the timeline records.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EntryKind {
    /// A progress report on a track's stage.
    Report,
    /// Diagnostics: methods and conclusion, at intake or later.
    Diagnostics,
    /// A patronage visit to the family, current or control.
    Visit,
    /// The joint control inspection of living conditions.
    Inspection,
    /// The child went home.
    Return,
    /// Information passed between the centre and social protection after the return.
    Information,
    /// The preventive work ended.
    End,
}

/// A summary-level outcome of an entry: what a `SUMMARY` reader may know of it.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verdict {
    /// An inspection found the living conditions fit for the child's return.
    Positive,
    /// An inspection found them unfit.
    Negative,
    /// Diagnostics at intake.
    AtIntake,
    /// Diagnostics later, to compare with the intake.
    FollowUp,
    /// A current patronage visit.
    Current,
    /// A control visit.
    Control,
}

/// The words of an entry, by kind; personal data, read in FULL only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    /// Report: what happened in the period. Information: the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Report: the child's wellbeing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wellbeing: Option<String>,
    /// Report: the child's attitude to the parents and motivation to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attitude: Option<String>,
    /// Report: the parents' readiness.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parents_readiness: Option<String>,
    /// Report: the recommendation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<String>,
    /// Diagnostics: the methods used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub methods: Option<String>,
    /// Diagnostics and the end of the work: the conclusion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conclusion: Option<String>,
    /// A visit's or an inspection's findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<String>,
    /// The return: who handed the child over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed_over_by: Option<String>,
    /// The return: the adults who received the child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_by: Option<String>,
    /// The return: the documents that went with the child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<String>,
    /// The return without a positive, confirmed inspection: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_inspection_reason: Option<String>,
    /// The end of the preventive work: the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A stored reunification.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ReunificationRow {
    pub id: Uuid,
    pub case_id: Uuid,
    /// The rehabilitation centre that holds the child and keeps the record.
    pub centre_agency_id: Uuid,
    /// Since when the child is in the centre's care.
    pub placed_on: NaiveDate,
    pub placement_basis: PlacementBasis,
    pub status: ReunificationStatus,
    /// The latest stage reported on each track.
    pub child_stage: Stage,
    pub family_stage: Option<Stage>,
    pub after_stage: Option<Stage>,
    /// The day the joint inspection is planned for, until it is recorded.
    pub inspection_planned_on: Option<NaiveDate>,
    /// The latest inspection's verdict.
    pub inspection_verdict: Option<Verdict>,
    pub returned_on: Option<NaiveDate>,
    /// The return was recorded without a positive, fully confirmed inspection.
    pub returned_without_inspection: bool,
    pub ended_on: Option<NaiveDate>,
    pub last_report_at: Option<DateTime<Utc>>,
    /// When the centre owes its next progress report (its setting after the last one).
    pub report_due_at: DateTime<Utc>,
    pub started_by_user_id: Uuid,
    pub started_at: DateTime<Utc>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// The columns of [`ReunificationRow`], for `SELECT`s on `reunifications u`.
pub const COLUMNS: &str = "u.id, u.case_id, u.centre_agency_id, u.placed_on, u.placement_basis,
    u.status, u.child_stage, u.family_stage, u.after_stage, u.inspection_planned_on,
    u.inspection_verdict, u.returned_on, u.returned_without_inspection, u.ended_on,
    u.last_report_at, u.report_due_at, u.started_by_user_id, u.started_at, u.version,
    u.updated_at";

/// A stored entry of the timeline.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct EntryRow {
    pub id: Uuid,
    pub reunification_id: Uuid,
    pub case_id: Uuid,
    pub kind: EntryKind,
    pub track: Option<Track>,
    pub stage: Option<Stage>,
    pub occurred_on: NaiveDate,
    pub verdict: Option<Verdict>,
    /// The agency that recorded it.
    pub agency_id: Uuid,
    /// Information: the agency it is passed to.
    pub addressee_agency_id: Option<Uuid>,
    pub author_user_id: Uuid,
    /// The words; NULL in a scoped read for a viewer that may not read them.
    pub content: Option<JsonText<Content>>,
    pub recorded_at: DateTime<Utc>,
}

/// The columns of [`EntryRow`] but `content`, for `SELECT`s on `reunification_entries e`.
pub const ENTRY_COLUMNS: &str = "e.id, e.reunification_id, e.case_id, e.kind, e.track, e.stage,
    e.occurred_on, e.verdict, e.agency_id, e.addressee_agency_id, e.author_user_id,
    e.recorded_at";

/// An agency taking part in an inspection, and its confirmation.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct PartyRow {
    pub entry_id: Uuid,
    pub agency_id: Uuid,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub confirmed_by_user_id: Option<Uuid>,
    /// The agency's remark; read as the act's words are.
    pub remark: Option<String>,
}
