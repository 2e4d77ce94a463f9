//! The MRG's records: groups and their members, submissions, meetings with their agenda
//! and attendance, minutes per item, recommendations and their notes, amendments.
//! Chair, secretary, approval and meeting kinds are our design, not the seeds'
//! (domain.md, corrections): each is one enum or one column here, simple to change.

use async_graphql::Enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            /// Every value, in the API's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The API and stored name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text,)+ }
            }

            /// Parses the API name (as a form posts it).
            pub fn parse(name: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == name)
            }
        }
    };
}

text_enum! {
    /// A member's part in a group.
    MrgRole {
        /// Chairs the meetings and approves the minutes (holds the `MRG_CHAIR` role).
        Chair => "CHAIR",
        /// Builds the agenda and drafts the minutes (holds the `MRG_SECRETARY` role).
        Secretary => "SECRETARY",
        /// Takes part for their agency.
        Member => "MEMBER",
    }
}

text_enum! {
    /// Why a meeting is held.
    MeetingKind {
        /// On the group's schedule.
        Planned => "PLANNED",
        /// Called at short notice for one case.
        Emergency => "EMERGENCY",
    }
}

text_enum! {
    /// How a meeting is held.
    MeetingFormat {
        /// In a room: a place is given.
        InPerson => "IN_PERSON",
        /// By video: a link is given.
        Remote => "REMOTE",
    }
}

text_enum! {
    /// Where a meeting's minutes stand.
    MinutesStatus {
        /// The secretary drafts them.
        Draft => "DRAFT",
        /// The chair approved them: read-only, corrected only by amendments.
        Approved => "APPROVED",
    }
}

text_enum! {
    /// Where a lead agency's submission stands.
    SubmissionStatus {
        /// Waiting for the secretary to put it on an agenda.
        Submitted => "SUBMITTED",
        /// On a meeting's agenda.
        OnAgenda => "ON_AGENDA",
    }
}

text_enum! {
    /// The three assessments a decision rests on (seed 003).
    Assessment {
        /// The child's needs.
        ChildNeeds => "CHILD_NEEDS",
        /// The parents' capacity to meet them.
        ParentalCapacity => "PARENTAL_CAPACITY",
        /// The resources available to the family.
        FamilyResources => "FAMILY_RESOURCES",
    }
}

text_enum! {
    /// The fixed list of services the MRG chooses from (seed 001's kinds and local network).
    ServiceType {
        /// Психологическая помощь.
        Psychological => "PSYCHOLOGICAL",
        /// Социально-экономическая помощь.
        SocioEconomic => "SOCIO_ECONOMIC",
        /// Социально-медицинская помощь.
        SocioMedical => "SOCIO_MEDICAL",
        /// Юридическая помощь.
        Legal => "LEGAL",
        /// Приют или социальная гостиница.
        Shelter => "SHELTER",
        /// Клуб взаимоподдержки матерей.
        MothersClub => "MOTHERS_CLUB",
        /// Группа кратковременного пребывания для дошкольников.
        TemporaryStayGroup => "TEMPORARY_STAY_GROUP",
        /// Психологические тренинги.
        PsychologicalTraining => "PSYCHOLOGICAL_TRAINING",
        /// Помощник по дому.
        HomeHelper => "HOME_HELPER",
        /// Материальная помощь.
        MaterialHelp => "MATERIAL_HELP",
        /// Ранняя помощь.
        EarlyIntervention => "EARLY_INTERVENTION",
    }
}

text_enum! {
    /// The child's long-term goal a decision states (seed 003: the long term first).
    LongTermGoal {
        /// The child stays in the birth family.
        StayInBirthFamily => "STAY_IN_BIRTH_FAMILY",
        /// The child returns to the birth family.
        ReturnToBirthFamily => "RETURN_TO_BIRTH_FAMILY",
        /// The child is placed with relatives.
        Relatives => "RELATIVES",
        /// The child is placed in a substitute family.
        SubstituteFamily => "SUBSTITUTE_FAMILY",
    }
}

text_enum! {
    /// Whom a recommendation is addressed to.
    Addressee {
        /// An agency of the group.
        Agency => "AGENCY",
        /// The family (the case's lead agency follows it up).
        Family => "FAMILY",
    }
}

text_enum! {
    /// Where a recommendation stands.
    RecommendationStatus {
        /// Given, not started.
        Assigned => "ASSIGNED",
        /// Being carried out.
        InProgress => "IN_PROGRESS",
        /// Carried out.
        Done => "DONE",
        /// Not carried out (a note says why).
        NotDone => "NOT_DONE",
        /// Withdrawn by the group.
        Cancelled => "CANCELLED",
    }
}

/// A working group.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct GroupRow {
    pub id: Uuid,
    pub name: String,
    pub territory: String,
    /// The convening agency: its journal numbers the meetings.
    pub agency_id: Uuid,
    pub created_by_user_id: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A member of a group: a user of a hub agency, with a role.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct MemberRow {
    pub id: Uuid,
    pub group_id: Uuid,
    pub user_id: Uuid,
    pub agency_id: Uuid,
    pub role: MrgRole,
    pub added_at: DateTime<Utc>,
    /// The user's name (joined).
    pub name: String,
}

/// Someone from an organisation not on the hub (a school, the police, the КДН), with no
/// account.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ExternalRow {
    pub id: Uuid,
    pub group_id: Uuid,
    pub full_name: String,
    pub organisation: String,
    pub position: String,
    pub added_at: DateTime<Utc>,
}

/// A meeting of a group.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct MeetingRow {
    pub id: Uuid,
    pub group_id: Uuid,
    /// The convening agency's journal number, e.g. `MRG-2026-0003`.
    pub journal_no: String,
    pub starts_at: DateTime<Utc>,
    pub place: Option<String>,
    pub remote_link: Option<String>,
    pub kind: MeetingKind,
    pub format: MeetingFormat,
    pub family_attends: bool,
    pub minutes_status: MinutesStatus,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by_user_id: Option<Uuid>,
    pub created_by_user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// The columns of `mrg_meetings`, in [`MeetingRow`] order.
pub const MEETING_COLUMNS: &str = "m.id, m.group_id, m.journal_no, m.starts_at, m.place,
    m.remote_link, m.kind, m.format, m.family_attends, m.minutes_status, m.approved_at,
    m.approved_by_user_id, m.created_by_user_id, m.created_at, m.version, m.updated_at";

/// A lead agency's request to put a case before the group (заявка на рассмотрение).
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct SubmissionRow {
    pub id: Uuid,
    pub group_id: Uuid,
    pub case_id: Uuid,
    pub lead_agency_id: Uuid,
    pub submitted_by_user_id: Uuid,
    /// The question put to the group; NULL for a viewer that reads it only in summary.
    pub question: Option<String>,
    pub needs: Option<String>,
    pub capacity: Option<String>,
    pub resources: Option<String>,
    pub status: SubmissionStatus,
    pub meeting_id: Option<Uuid>,
    pub submitted_at: DateTime<Utc>,
}

/// One point of stage 1: what an agency (or an organisation off the hub) told the group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InformationPoint {
    pub assessment: Assessment,
    pub text: String,
    /// The hub agency that gave it.
    pub agency_id: Option<Uuid>,
    /// Or the organisation off the hub that gave it.
    pub organisation: Option<String>,
}

/// One service chosen at stage 2, to an agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChosenService {
    pub service_type: ServiceType,
    pub agency_id: Uuid,
    pub note: Option<String>,
}

/// An agenda item: a case (from a submission) or a general topic, with its minutes.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ItemRow {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub position: i32,
    pub case_id: Option<Uuid>,
    pub submission_id: Option<Uuid>,
    pub lead_agency_id: Option<Uuid>,
    pub topic: Option<String>,
    /// Stage 1's points, as JSON.
    pub information: String,
    pub child_opinion: Option<String>,
    pub child_not_heard_reason: Option<String>,
    pub family_participated: Option<bool>,
    pub family_position: Option<String>,
    /// Stage 2's services, as JSON.
    pub services: String,
    pub long_term_goal: Option<LongTermGoal>,
    pub decision: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub updated_by_user_id: Option<Uuid>,
}

/// The columns of `mrg_agenda_items`, in [`ItemRow`] order.
pub const ITEM_COLUMNS: &str = "i.id, i.meeting_id, i.position, i.case_id, i.submission_id,
    i.lead_agency_id, i.topic, i.information, i.child_opinion, i.child_not_heard_reason,
    i.family_participated, i.family_position, i.services, i.long_term_goal, i.decision,
    i.version, i.updated_at, i.updated_by_user_id";

impl ItemRow {
    /// Stage 1's points (an unreadable column reads as none).
    pub fn information_points(&self) -> Vec<InformationPoint> {
        serde_json::from_str(&self.information).unwrap_or_default()
    }

    /// Stage 2's services.
    pub fn chosen_services(&self) -> Vec<ChosenService> {
        serde_json::from_str(&self.services).unwrap_or_default()
    }
}

/// Who attended a meeting: a member (user and agency) or someone off the hub.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct AttendanceRow {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub position: i32,
    pub user_id: Option<Uuid>,
    pub agency_id: Option<Uuid>,
    pub external_participant_id: Option<Uuid>,
    pub full_name: String,
    /// The agency's or organisation's name.
    pub organisation: String,
    pub position_title: Option<String>,
}

/// A recommendation of a collegial decision.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct RecommendationRow {
    pub id: Uuid,
    pub item_id: Uuid,
    pub meeting_id: Uuid,
    pub group_id: Uuid,
    pub case_id: Uuid,
    pub position: i32,
    pub text: String,
    pub addressee: Addressee,
    /// The agency that answers for it (for the family: the case's lead agency).
    pub agency_id: Uuid,
    pub responsible_person: Option<String>,
    pub due_date: NaiveDate,
    /// The end of the due date in the responsible agency's time zone.
    pub due_at: DateTime<Utc>,
    pub status: RecommendationStatus,
    /// Whether its meeting's minutes are approved (before that it is a draft).
    pub approved: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

/// The columns of `mrg_recommendations`, in [`RecommendationRow`] order.
pub const RECOMMENDATION_COLUMNS: &str = "r.id, r.item_id, r.meeting_id, r.group_id,
    r.case_id, r.position, r.text, r.addressee, r.agency_id, r.responsible_person,
    r.due_date, r.due_at, r.status, r.approved, r.created_at, r.updated_at, r.version";

/// A dated note the responsible agency adds to a recommendation.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct NoteRow {
    pub id: Uuid,
    pub recommendation_id: Uuid,
    pub agency_id: Uuid,
    pub user_id: Uuid,
    pub status: RecommendationStatus,
    pub note: String,
    pub noted_at: DateTime<Utc>,
}

/// A correction to approved minutes, kept beside the original.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct AmendmentRow {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub item_id: Option<Uuid>,
    pub author_user_id: Uuid,
    pub reason: String,
    pub text: String,
    pub amended_at: DateTime<Utc>,
}

text_enum! {
    /// What a recommendation became in one step.
    ActionKind {
        /// A referral, transfer or notice of the case to the recommendation's agency.
        Handover => "HANDOVER",
        /// A task of one of the case's plans.
        PlanTask => "PLAN_TASK",
    }
}

impl ActionKind {
    /// The words of a refusal ("has already become a …").
    pub fn describe(self) -> &'static str {
        match self {
            ActionKind::Handover => "handover request",
            ActionKind::PlanTask => "plan task",
        }
    }
}

/// A recommendation acted on: the handover request or plan task it became.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ActionRow {
    pub recommendation_id: Uuid,
    pub kind: ActionKind,
    pub target_id: Uuid,
    pub acted_by_user_id: Uuid,
    pub acted_at: DateTime<Utc>,
}

/// A document of the case's personal file attached to a submission: the submission's own
/// copy (without its bytes), naming the file's document it copies.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub submission_id: Uuid,
    pub case_document_id: Uuid,
    pub doc_type: crate::casefiles::model::CaseDocumentType,
    pub title: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// When the file's document was uploaded.
    pub uploaded_at: DateTime<Utc>,
    pub attached_at: DateTime<Utc>,
}

/// The columns of `mrg_submission_documents`, in [`AttachmentRow`] order.
pub const ATTACHMENT_COLUMNS: &str = "a.id, a.submission_id, a.case_document_id, a.doc_type,
    a.title, a.file_name, a.content_type, a.size_bytes, a.sha256, a.uploaded_at, a.attached_at";
