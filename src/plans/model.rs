//! Plans (domain.md §5, seeds-notes A6): their kinds, states, tasks and versions.

use async_graphql::Enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::JsonText;

/// The kind of a plan, each from its seed.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlanKind {
    /// План по изменению решения (seed 001): written at the start of decision work,
    /// reviewed weekly.
    DecisionChange,
    /// Реабилитационный план сопровождения (seed 001): within one month of the start of
    /// support, reviewed every three months.
    Support,
    /// ИПСР for the family (seed 003): revised until the child returns, and after.
    IpsrFamily,
    /// ИПСР for the child (seed 003), kept by the rehabilitation centre.
    IpsrChild,
    /// ИППСУ (seed 004): for a term, which may be extended, closed with a conclusion.
    Ippsu,
    /// The shelter's individual plan (seed 002): 14 days after settling in; "no plan,
    /// with a reason" is allowed.
    Shelter,
}

impl PlanKind {
    /// Every kind, in a stable order.
    pub const ALL: [PlanKind; 6] = [
        PlanKind::DecisionChange,
        PlanKind::Support,
        PlanKind::IpsrFamily,
        PlanKind::IpsrChild,
        PlanKind::Ippsu,
        PlanKind::Shelter,
    ];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanKind::DecisionChange => "DECISION_CHANGE",
            PlanKind::Support => "SUPPORT",
            PlanKind::IpsrFamily => "IPSR_FAMILY",
            PlanKind::IpsrChild => "IPSR_CHILD",
            PlanKind::Ippsu => "IPPSU",
            PlanKind::Shelter => "SHELTER",
        }
    }

    /// Parses an API name.
    pub fn parse(name: &str) -> Option<PlanKind> {
        PlanKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The Russian name, as the paper form is titled.
    pub fn title_ru(self) -> &'static str {
        match self {
            PlanKind::DecisionChange => "План работы по изменению решения об отказе",
            PlanKind::Support => "Реабилитационный план сопровождения",
            PlanKind::IpsrFamily => "Индивидуальная программа социальной реабилитации семьи",
            PlanKind::IpsrChild => {
                "Индивидуальная программа социальной реабилитации несовершеннолетнего"
            }
            PlanKind::Ippsu => "Индивидуальная программа предоставления социальных услуг",
            PlanKind::Shelter => "Индивидуальный план выхода из трудной жизненной ситуации",
        }
    }

    /// The English name.
    pub fn title_en(self) -> &'static str {
        match self {
            PlanKind::DecisionChange => "Decision-change plan",
            PlanKind::Support => "Rehabilitation support plan",
            PlanKind::IpsrFamily => "Family's individual social rehabilitation programme",
            PlanKind::IpsrChild => "Child's individual social rehabilitation programme",
            PlanKind::Ippsu => "Individual programme of social services",
            PlanKind::Shelter => "Shelter's individual plan",
        }
    }
}

/// Where a plan stands.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlanStatus {
    /// In force: its current version is worked by.
    Active,
    /// A shelter recorded that there is no plan, with a reason (seed 002); a later
    /// revision draws one up.
    NotDrawnUp,
    /// Closed with a conclusion (for an ИППСУ, its заключение).
    Closed,
}

impl PlanStatus {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Active => "ACTIVE",
            PlanStatus::NotDrawnUp => "NOT_DRAWN_UP",
            PlanStatus::Closed => "CLOSED",
        }
    }
}

/// What a task is about: the kind of service for most plans, one of the six domains of
/// seed 002 for the shelter's plan.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "PlanTaskArea")]
pub enum TaskArea {
    /// Psychological services.
    Psychological,
    /// Socio-economic services.
    SocioEconomic,
    /// Socio-medical services.
    SocioMedical,
    /// Legal services.
    Legal,
    /// Shelter: the material situation.
    Material,
    /// Shelter: housing.
    Housing,
    /// Shelter: legal issues (documents, benefits, registration).
    LegalIssues,
    /// Shelter: the parent's physical and mental state.
    ParentHealth,
    /// Shelter: the child's state.
    ChildState,
    /// Shelter: safe relationships and social circle.
    SafeRelationships,
}

impl TaskArea {
    /// The four kinds of service that group every plan but the shelter's.
    pub const SERVICES: [TaskArea; 4] = [
        TaskArea::Psychological,
        TaskArea::SocioEconomic,
        TaskArea::SocioMedical,
        TaskArea::Legal,
    ];
    /// The six domains of the shelter's plan (seed 002).
    pub const SHELTER_DOMAINS: [TaskArea; 6] = [
        TaskArea::Material,
        TaskArea::Housing,
        TaskArea::LegalIssues,
        TaskArea::ParentHealth,
        TaskArea::ChildState,
        TaskArea::SafeRelationships,
    ];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskArea::Psychological => "PSYCHOLOGICAL",
            TaskArea::SocioEconomic => "SOCIO_ECONOMIC",
            TaskArea::SocioMedical => "SOCIO_MEDICAL",
            TaskArea::Legal => "LEGAL",
            TaskArea::Material => "MATERIAL",
            TaskArea::Housing => "HOUSING",
            TaskArea::LegalIssues => "LEGAL_ISSUES",
            TaskArea::ParentHealth => "PARENT_HEALTH",
            TaskArea::ChildState => "CHILD_STATE",
            TaskArea::SafeRelationships => "SAFE_RELATIONSHIPS",
        }
    }

    /// Parses an API name.
    pub fn parse(name: &str) -> Option<TaskArea> {
        TaskArea::SERVICES
            .into_iter()
            .chain(TaskArea::SHELTER_DOMAINS)
            .find(|a| a.as_str() == name)
    }

    /// The Russian heading of the group.
    pub fn title_ru(self) -> &'static str {
        match self {
            TaskArea::Psychological => "Социально-психологические услуги",
            TaskArea::SocioEconomic => "Социально-экономические услуги",
            TaskArea::SocioMedical => "Социально-медицинские услуги",
            TaskArea::Legal => "Социально-правовые услуги",
            TaskArea::Material => "Материальное положение",
            TaskArea::Housing => "Жильё",
            TaskArea::LegalIssues => "Правовые вопросы",
            TaskArea::ParentHealth => "Физическое и психическое состояние родителя",
            TaskArea::ChildState => "Состояние ребёнка",
            TaskArea::SafeRelationships => "Безопасные отношения и социальное окружение",
        }
    }

    /// The English heading of the group.
    pub fn title_en(self) -> &'static str {
        match self {
            TaskArea::Psychological => "Psychological services",
            TaskArea::SocioEconomic => "Socio-economic services",
            TaskArea::SocioMedical => "Socio-medical services",
            TaskArea::Legal => "Legal services",
            TaskArea::Material => "Material situation",
            TaskArea::Housing => "Housing",
            TaskArea::LegalIssues => "Legal issues",
            TaskArea::ParentHealth => "The parent's physical and mental state",
            TaskArea::ChildState => "The child's state",
            TaskArea::SafeRelationships => "Safe relationships and social circle",
        }
    }
}

/// Where a task stands, as its responsible agency (or the lead) records it.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(name = "PlanTaskStatus")]
pub enum TaskStatus {
    /// Not started.
    Planned,
    /// Under way.
    InProgress,
    /// Done.
    Done,
    /// Not done, and will not be as planned (the note says why).
    NotDone,
}

impl TaskStatus {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Planned => "PLANNED",
            TaskStatus::InProgress => "IN_PROGRESS",
            TaskStatus::Done => "DONE",
            TaskStatus::NotDone => "NOT_DONE",
        }
    }

    /// Whether work on it is still expected (so it can fall due).
    pub fn is_open(self) -> bool {
        matches!(self, TaskStatus::Planned | TaskStatus::InProgress)
    }

    /// The Russian label.
    pub fn label_ru(self) -> &'static str {
        match self {
            TaskStatus::Planned => "запланировано",
            TaskStatus::InProgress => "выполняется",
            TaskStatus::Done => "выполнено",
            TaskStatus::NotDone => "не выполнено",
        }
    }
}

/// A plan's header: its goals, and the fields its kind asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanHeader {
    /// The main goal.
    pub main_goal: String,
    /// The intermediate goals, in order.
    #[serde(default)]
    pub intermediate_goals: Vec<String>,
    /// Decision change: the causes of refusal (seed 001).
    #[serde(default)]
    pub refusal_causes: Option<String>,
    /// Decision change: the client's strengths, her rehabilitation resources (seed 001).
    #[serde(default)]
    pub strengths: Option<String>,
    /// Support: the nature of the violation of the child's rights (seed 001).
    #[serde(default)]
    pub rights_violation: Option<String>,
}

/// A task as a version holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskSnapshot {
    pub id: Uuid,
    pub area: TaskArea,
    pub client_action: Option<String>,
    pub specialist_action: Option<String>,
    pub responsible_agency_id: Uuid,
    pub due_on: NaiveDate,
    pub status: TaskStatus,
}

/// What a version holds: the header and the tasks as they stood.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionContent {
    pub header: PlanHeader,
    pub tasks: Vec<TaskSnapshot>,
}

/// A stored plan.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct PlanRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: PlanKind,
    pub status: PlanStatus,
    pub current_version: i32,
    /// The day the plan was due to be drawn up, where its kind sets one.
    pub due_on: Option<NaiveDate>,
    /// Shelter: the day the family settled in.
    pub settled_on: Option<NaiveDate>,
    /// ИППСУ: the last day of its term (as extended).
    pub term_until: Option<NaiveDate>,
    pub next_review_on: Option<NaiveDate>,
    /// Shelter: why there is no plan (personal; NULL in a scoped read below FULL).
    pub no_plan_reason: Option<String>,
    /// The closing conclusion (personal; NULL in a scoped read below FULL).
    pub conclusion: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by_user_id: Option<Uuid>,
    pub created_by_user_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of `plans`, in [`PlanRow`] order.
pub const COLUMNS: &str = "pl.id, pl.case_id, pl.kind, pl.status, pl.current_version,
    pl.due_on, pl.settled_on, pl.term_until, pl.next_review_on, pl.no_plan_reason,
    pl.conclusion, pl.closed_at, pl.closed_by_user_id, pl.created_by_user_id, pl.created_at,
    pl.updated_at";

/// A stored task, as it stands now.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct TaskRow {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub case_id: Uuid,
    pub position: i32,
    pub area: TaskArea,
    /// What the client does (NULL in a scoped read for a viewer that may not read it).
    pub client_action: Option<String>,
    /// What the specialist does (as `client_action`).
    pub specialist_action: Option<String>,
    pub responsible_agency_id: Uuid,
    pub due_on: NaiveDate,
    /// The end of the due day in the responsible agency's time zone.
    pub due_at: DateTime<Utc>,
    pub status: TaskStatus,
    /// The responsible agency's note on its status (as `client_action`).
    pub status_note: Option<String>,
    pub status_changed_at: Option<DateTime<Utc>>,
    pub status_changed_by_user_id: Option<Uuid>,
    pub removed_in_version: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The columns of `plan_tasks`, in [`TaskRow`] order.
pub const TASK_COLUMNS: &str = "t.id, t.plan_id, t.case_id, t.position, t.area,
    t.client_action, t.specialist_action, t.responsible_agency_id, t.due_on, t.due_at,
    t.status, t.status_note, t.status_changed_at, t.status_changed_by_user_id,
    t.removed_in_version, t.created_at, t.updated_at";

impl TaskRow {
    /// The task as a version records it.
    pub fn snapshot(&self) -> TaskSnapshot {
        TaskSnapshot {
            id: self.id,
            area: self.area,
            client_action: self.client_action.clone(),
            specialist_action: self.specialist_action.clone(),
            responsible_agency_id: self.responsible_agency_id,
            due_on: self.due_on,
            status: self.status,
        }
    }
}

/// A stored version (its content is personal: read only in FULL).
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct VersionRow {
    pub plan_id: Uuid,
    pub version_no: i32,
    pub content: JsonText<VersionContent>,
    pub change_note: Option<String>,
    pub created_by_user_id: Uuid,
    pub created_at: DateTime<Utc>,
    /// The day the client received her copy of this version.
    pub client_received_on: Option<NaiveDate>,
    pub client_received_recorded_at: Option<DateTime<Utc>>,
    pub client_received_recorded_by: Option<Uuid>,
}

/// The columns of `plan_versions`, in [`VersionRow`] order.
pub const VERSION_COLUMNS: &str = "v.plan_id, v.version_no, v.content, v.change_note,
    v.created_by_user_id, v.created_at, v.client_received_on, v.client_received_recorded_at,
    v.client_received_recorded_by";

/// An ИППСУ's term extension.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ExtensionRow {
    pub id: Uuid,
    pub plan_id: Uuid,
    pub previous_until: NaiveDate,
    pub extended_until: NaiveDate,
    pub reason: String,
    pub extended_by_user_id: Uuid,
    pub extended_at: DateTime<Utc>,
}
