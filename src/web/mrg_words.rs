//! The MRG pages' words, Russian first (kept beside the pages, not in the shared
//! dictionary, so the module stays in its own files).

use crate::mrg::model::{
    Assessment, LongTermGoal, MeetingFormat, MeetingKind, RecommendationStatus, ServiceType,
};
use crate::web::i18n::Lang;

/// Every word of the MRG pages in one language.
pub struct MrgWords {
    pub meetings_title: &'static str,
    pub no_meetings: &'static str,
    /// The link to the page of earlier meetings.
    pub earlier_meetings: &'static str,
    /// The link back to the first page, the latest meetings.
    pub latest_meetings: &'static str,
    pub group: &'static str,
    pub meeting: &'static str,
    pub when: &'static str,
    pub place: &'static str,
    pub kind: &'static str,
    pub family_attends: &'static str,
    pub minutes_status: &'static str,
    pub draft: &'static str,
    pub approved: &'static str,
    pub agenda: &'static str,
    pub review: &'static str,
    pub review_empty: &'static str,
    pub attendance: &'static str,
    pub add_attendee: &'static str,
    pub attendee_member: &'static str,
    pub or_someone_else: &'static str,
    pub full_name: &'static str,
    pub organisation: &'static str,
    pub position: &'static str,
    pub add: &'static str,
    pub lead_presents: &'static str,
    pub stage1: &'static str,
    pub stage2: &'static str,
    pub stage3: &'static str,
    pub child_opinion: &'static str,
    pub child_not_heard: &'static str,
    pub family_participated: &'static str,
    pub family_position: &'static str,
    pub goal: &'static str,
    pub decision: &'static str,
    pub recommendations: &'static str,
    pub to_family: &'static str,
    pub responsible_person: &'static str,
    pub due: &'static str,
    pub status: &'static str,
    pub overdue: &'static str,
    pub save_minutes: &'static str,
    pub new_point: &'static str,
    pub new_service: &'static str,
    pub new_recommendation: &'static str,
    pub approve: &'static str,
    pub print_protocol: &'static str,
    pub print_extract: &'static str,
    pub protocol_title: &'static str,
    pub extract_title: &'static str,
    pub amendments: &'static str,
    pub amend: &'static str,
    pub reason: &'static str,
    pub text: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub none: &'static str,
    pub note: &'static str,
    pub notes: &'static str,
    pub update: &'static str,
    pub recommendation_title: &'static str,
    pub refer_on_recommendation: &'static str,
    /// The lead adds the recommendation to the case's plan as a task.
    pub add_to_plan: &'static str,
    /// The case has no open plan to add the task to.
    pub no_plan: &'static str,
    pub became: &'static str,
    pub became_handover: &'static str,
    pub became_plan_task: &'static str,
    pub my_recommendations: &'static str,
    pub no_extract: &'static str,
    pub conflict: &'static str,
    pub refused: &'static str,
    pub not_allowed: &'static str,
    pub topic: &'static str,
    pub case: &'static str,
}

/// Russian.
pub const RU: MrgWords = MrgWords {
    meetings_title: "Заседания МРГ",
    no_meetings: "Заседаний пока нет.",
    earlier_meetings: "Более ранние заседания →",
    latest_meetings: "← Последние заседания",
    group: "Группа",
    meeting: "Заседание",
    when: "Дата и время",
    place: "Место",
    kind: "Вид",
    family_attends: "Участие семьи",
    minutes_status: "Протокол",
    draft: "черновик",
    approved: "утверждён",
    agenda: "Повестка",
    review: "Контроль исполнения решений",
    review_empty: "Решений со сроком исполнения к этому заседанию нет.",
    attendance: "Присутствовали",
    add_attendee: "Отметить присутствующего",
    attendee_member: "Член группы или приглашённый",
    or_someone_else: "или другой участник",
    full_name: "ФИО",
    organisation: "Организация",
    position: "Должность",
    add: "Добавить",
    lead_presents: "докладывает",
    stage1: "1. Обмен и анализ информации",
    stage2: "2. Определение типа услуг",
    stage3: "3. Решение и рекомендации",
    child_opinion: "Мнение ребёнка",
    child_not_heard: "Почему мнение ребёнка не заслушано",
    family_participated: "Семья участвовала",
    family_position: "Позиция семьи",
    goal: "Долгосрочная цель для ребёнка",
    decision: "Коллегиальное решение",
    recommendations: "Рекомендации",
    to_family: "семье",
    responsible_person: "Ответственный",
    due: "Срок",
    status: "Статус",
    overdue: "просрочено",
    save_minutes: "Сохранить",
    new_point: "Новая информация (от вашего учреждения)",
    new_service: "Новая услуга",
    new_recommendation: "Новая рекомендация",
    approve: "Утвердить протокол",
    print_protocol: "Печать протокола",
    print_extract: "Печать выписки",
    protocol_title: "Протокол заседания межведомственной рабочей группы",
    extract_title: "Выписка из протокола заседания межведомственной рабочей группы",
    amendments: "Исправления",
    amend: "Внести исправление",
    reason: "Причина",
    text: "Текст",
    yes: "да",
    no: "нет",
    none: "—",
    note: "Отметка",
    notes: "Отметки об исполнении",
    update: "Отметить",
    recommendation_title: "Рекомендация МРГ",
    refer_on_recommendation: "Направить или передать дело по этой рекомендации",
    add_to_plan: "Добавить задачу в план",
    no_plan:
        "На деле нет действующего плана: сначала составьте план, затем добавьте в него задачу.",
    became: "Выполняется через",
    became_handover: "запрос на передачу (направление) дела",
    became_plan_task: "задачу плана",
    my_recommendations: "Рекомендации МРГ вашему учреждению",
    no_extract: "Выписок для вашего учреждения нет.",
    conflict: "Протокол изменён другим пользователем или уже утверждён: обновите страницу.",
    refused: "Проверьте заполнение полей: ",
    not_allowed: "Это действие вам недоступно.",
    topic: "Общий вопрос",
    case: "Случай",
};

/// English.
pub const EN: MrgWords = MrgWords {
    meetings_title: "MRG meetings",
    no_meetings: "No meetings yet.",
    earlier_meetings: "Earlier meetings →",
    latest_meetings: "← Latest meetings",
    group: "Group",
    meeting: "Meeting",
    when: "Date and time",
    place: "Place",
    kind: "Kind",
    family_attends: "Family attends",
    minutes_status: "Minutes",
    draft: "draft",
    approved: "approved",
    agenda: "Agenda",
    review: "Review of execution",
    review_empty: "No decisions fell due by this meeting.",
    attendance: "Present",
    add_attendee: "Record an attendee",
    attendee_member: "Member or invited participant",
    or_someone_else: "or someone else",
    full_name: "Full name",
    organisation: "Organisation",
    position: "Position",
    add: "Add",
    lead_presents: "presents",
    stage1: "1. Information exchanged",
    stage2: "2. Services chosen",
    stage3: "3. Decision and recommendations",
    child_opinion: "The child's opinion",
    child_not_heard: "Why the child could not be heard",
    family_participated: "The family took part",
    family_position: "The family's position",
    goal: "The child's long-term goal",
    decision: "Collegial decision",
    recommendations: "Recommendations",
    to_family: "the family",
    responsible_person: "Responsible",
    due: "Due",
    status: "Status",
    overdue: "overdue",
    save_minutes: "Save",
    new_point: "New information (from your agency)",
    new_service: "New service",
    new_recommendation: "New recommendation",
    approve: "Approve the minutes",
    print_protocol: "Print the minutes",
    print_extract: "Print the extract",
    protocol_title: "Minutes of the interagency working group",
    extract_title: "Extract from the minutes of the interagency working group",
    amendments: "Amendments",
    amend: "Amend",
    reason: "Reason",
    text: "Text",
    yes: "yes",
    no: "no",
    none: "—",
    note: "Note",
    notes: "Notes on execution",
    update: "Record",
    recommendation_title: "MRG recommendation",
    refer_on_recommendation: "Refer or hand over the case on this recommendation",
    add_to_plan: "Add a task to the plan",
    no_plan: "The case has no plan in force: draw up a plan first, then add the task to it.",
    became: "Carried out through",
    became_handover: "a handover request",
    became_plan_task: "a plan task",
    my_recommendations: "MRG recommendations to your agency",
    no_extract: "No extracts for your agency.",
    conflict: "Someone else changed the minutes, or they are approved: reload the page.",
    refused: "Check the field: ",
    not_allowed: "You may not do this.",
    topic: "General topic",
    case: "Case",
};

impl MrgWords {
    /// The words in `lang`.
    pub fn of(lang: Lang) -> &'static MrgWords {
        match lang {
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }

    /// A status in these words.
    pub fn status(&self, s: RecommendationStatus) -> &'static str {
        let ru = std::ptr::eq(self, &RU);
        match (s, ru) {
            (RecommendationStatus::Assigned, true) => "назначена",
            (RecommendationStatus::InProgress, true) => "выполняется",
            (RecommendationStatus::Done, true) => "выполнена",
            (RecommendationStatus::NotDone, true) => "не выполнена",
            (RecommendationStatus::Cancelled, true) => "отменена",
            (RecommendationStatus::Assigned, false) => "assigned",
            (RecommendationStatus::InProgress, false) => "in progress",
            (RecommendationStatus::Done, false) => "done",
            (RecommendationStatus::NotDone, false) => "not done",
            (RecommendationStatus::Cancelled, false) => "cancelled",
        }
    }

    /// An assessment in these words.
    pub fn assessment(&self, a: Assessment) -> &'static str {
        let ru = std::ptr::eq(self, &RU);
        match (a, ru) {
            (Assessment::ChildNeeds, true) => "Потребности ребёнка",
            (Assessment::ParentalCapacity, true) => "Возможности родителей",
            (Assessment::FamilyResources, true) => "Ресурсы семьи",
            (Assessment::ChildNeeds, false) => "The child's needs",
            (Assessment::ParentalCapacity, false) => "The parents' capacity",
            (Assessment::FamilyResources, false) => "The family's resources",
        }
    }

    /// A long-term goal in these words.
    pub fn goal(&self, g: LongTermGoal) -> &'static str {
        let ru = std::ptr::eq(self, &RU);
        match (g, ru) {
            (LongTermGoal::StayInBirthFamily, true) => "сохранение в кровной семье",
            (LongTermGoal::ReturnToBirthFamily, true) => "возвращение в кровную семью",
            (LongTermGoal::Relatives, true) => "устройство к родственникам",
            (LongTermGoal::SubstituteFamily, true) => "устройство в замещающую семью",
            (LongTermGoal::StayInBirthFamily, false) => "stay in the birth family",
            (LongTermGoal::ReturnToBirthFamily, false) => "return to the birth family",
            (LongTermGoal::Relatives, false) => "placement with relatives",
            (LongTermGoal::SubstituteFamily, false) => "a substitute family",
        }
    }

    /// A service type in these words.
    pub fn service(&self, s: ServiceType) -> &'static str {
        let ru = std::ptr::eq(self, &RU);
        let (r, e) = match s {
            ServiceType::Psychological => ("психологическая помощь", "psychological"),
            ServiceType::SocioEconomic => ("социально-экономическая помощь", "socio-economic"),
            ServiceType::SocioMedical => ("социально-медицинская помощь", "socio-medical"),
            ServiceType::Legal => ("юридическая помощь", "legal"),
            ServiceType::Shelter => ("приют, социальная гостиница", "shelter"),
            ServiceType::MothersClub => ("клуб взаимоподдержки матерей", "mothers' club"),
            ServiceType::TemporaryStayGroup => {
                ("группа кратковременного пребывания", "temporary-stay group")
            }
            ServiceType::PsychologicalTraining => {
                ("психологические тренинги", "psychological trainings")
            }
            ServiceType::HomeHelper => ("помощник по дому", "home helper"),
            ServiceType::MaterialHelp => ("материальная помощь", "material help"),
            ServiceType::EarlyIntervention => ("ранняя помощь", "early intervention"),
        };
        if ru {
            r
        } else {
            e
        }
    }

    /// A meeting's kind and format in these words.
    pub fn kind(&self, k: MeetingKind, f: MeetingFormat) -> String {
        let ru = std::ptr::eq(self, &RU);
        let k = match (k, ru) {
            (MeetingKind::Planned, true) => "плановое",
            (MeetingKind::Emergency, true) => "экстренное",
            (MeetingKind::Planned, false) => "planned",
            (MeetingKind::Emergency, false) => "emergency",
        };
        let f = match (f, ru) {
            (MeetingFormat::InPerson, true) => "очное",
            (MeetingFormat::Remote, true) => "дистанционное",
            (MeetingFormat::InPerson, false) => "in person",
            (MeetingFormat::Remote, false) => "remote",
        };
        format!("{k}, {f}")
    }
}
