//! The reunification pages' words, in Russian and English (the rest of the workspace's
//! words are in [`super::i18n`]).

use std::borrow::Borrow;

use super::i18n::Lang;
use crate::reunification::model::{
    EntryKind, PlacementBasis, ReunificationStatus, Stage, Track, Verdict,
};

/// The words of the reunification pages.
pub struct ReunionWords {
    pub title: &'static str,
    pub list_title: &'static str,
    pub list_empty: &'static str,
    pub summary_title: &'static str,
    pub case: &'static str,
    pub centre: &'static str,
    pub placed_on: &'static str,
    pub basis: &'static str,
    pub status: &'static str,
    pub tracks: &'static str,
    pub next_report: &'static str,
    pub report_overdue: &'static str,
    pub inspection_planned: &'static str,
    pub returned_on: &'static str,
    pub returned_warned: &'static str,
    pub ended_on: &'static str,
    pub timeline: &'static str,
    pub date: &'static str,
    pub entry: &'static str,
    pub by_agency: &'static str,
    pub words_hidden: &'static str,
    pub parties: &'static str,
    pub confirmed: &'static str,
    pub not_confirmed: &'static str,
    pub print_summary: &'static str,
    pub open_record: &'static str,
    pub start_heading: &'static str,
    pub start: &'static str,
    pub report_heading: &'static str,
    pub stage: &'static str,
    pub summary: &'static str,
    pub wellbeing: &'static str,
    pub attitude: &'static str,
    pub parents_readiness: &'static str,
    pub recommendation: &'static str,
    pub send_report: &'static str,
    pub diagnostics_heading: &'static str,
    pub phase: &'static str,
    pub methods: &'static str,
    pub conclusion: &'static str,
    pub visit_heading: &'static str,
    pub visit_kind: &'static str,
    pub findings: &'static str,
    pub plan_heading: &'static str,
    pub planned_on: &'static str,
    pub inspection_heading: &'static str,
    pub verdict: &'static str,
    pub confirm_heading: &'static str,
    pub remark: &'static str,
    pub confirm: &'static str,
    pub return_heading: &'static str,
    pub handed_over_by: &'static str,
    pub received_by: &'static str,
    pub documents: &'static str,
    pub without_inspection_reason: &'static str,
    pub without_inspection_hint: &'static str,
    pub information_heading: &'static str,
    pub to_agency: &'static str,
    pub text: &'static str,
    pub end_heading: &'static str,
    pub reason: &'static str,
    pub save: &'static str,
    pub refused: &'static str,
    pub not_allowed: &'static str,
    pub settled: &'static str,
    pub home_line: &'static str,
    pub signatures: &'static str,
    pub diagnostics_compared: &'static str,
    pub ipsr_tasks: &'static str,
    pub task_due: &'static str,
}

pub const RU: ReunionWords = ReunionWords {
    title: "Восстановление в семье",
    list_title: "Дети на восстановлении в семье",
    list_empty: "Сейчас нет детей на восстановлении в семье.",
    summary_title: "Справка о ходе восстановления ребёнка в семье",
    case: "Случай",
    centre: "Учреждение",
    placed_on: "Помещён в учреждение",
    basis: "Основание помещения",
    status: "Состояние",
    tracks: "Этапы работы",
    next_report: "Следующий отчёт до",
    report_overdue: "отчёт просрочен",
    inspection_planned: "Обследование назначено на",
    returned_on: "Возвращён в семью",
    returned_warned: "Возвращён без положительного подтверждённого обследования",
    ended_on: "Профилактическая работа завершена",
    timeline: "Ход работы",
    date: "Дата",
    entry: "Запись",
    by_agency: "Кто внёс",
    words_hidden: "Содержание видно только при полном доступе",
    parties: "Участники обследования",
    confirmed: "подтвердил",
    not_confirmed: "не подтвердил",
    print_summary: "Справка для печати",
    open_record: "Восстановление в семье",
    start_heading: "Начать работу по восстановлению в семье",
    start: "Начать",
    report_heading: "Отчёт о ходе работы",
    stage: "Этап",
    summary: "Что сделано за период",
    wellbeing: "Самочувствие ребёнка",
    attitude: "Отношение ребёнка к родителям, мотивация к возвращению",
    parents_readiness: "Готовность родителей",
    recommendation: "Рекомендация",
    send_report: "Сохранить отчёт",
    diagnostics_heading: "Диагностика",
    phase: "Когда",
    methods: "Методики",
    conclusion: "Заключение",
    visit_heading: "Патронаж семьи",
    visit_kind: "Вид посещения",
    findings: "Что установлено",
    plan_heading: "Назначить совместное обследование",
    planned_on: "Дата обследования",
    inspection_heading: "Акт совместного обследования условий проживания",
    verdict: "Вывод",
    confirm_heading: "Подтвердить участие в обследовании",
    remark: "Замечание (необязательно)",
    confirm: "Подтвердить",
    return_heading: "Возвращение ребёнка в семью",
    handed_over_by: "Кто передал ребёнка",
    received_by: "Кто принял ребёнка",
    documents: "Переданные документы",
    without_inspection_reason: "Почему без положительного обследования",
    without_inspection_hint:
        "Нужно, если нет положительного обследования, подтверждённого всеми участниками.",
    information_heading: "Информация после возвращения",
    to_agency: "Кому",
    text: "Текст",
    end_heading: "Завершить профилактическую работу",
    reason: "Основание",
    save: "Сохранить",
    refused: "Проверьте поля формы",
    not_allowed: "Это действие вам недоступно",
    settled: "Запись уже изменилась; обновите страницу",
    home_line: "Детей на восстановлении в семье",
    signatures: "Подпись, расшифровка, дата",
    diagnostics_compared: "Диагностика: при поступлении и повторная",
    ipsr_tasks: "Задачи ИПСР, о которых отчёт",
    task_due: "задача со сроком",
};

pub const EN: ReunionWords = ReunionWords {
    title: "Reunification",
    list_title: "Children in reunification",
    list_empty: "No children are in reunification now.",
    summary_title: "Reunification progress summary",
    case: "Case",
    centre: "Centre",
    placed_on: "Placed in care",
    basis: "Basis of placement",
    status: "Status",
    tracks: "Stages",
    next_report: "Next report due",
    report_overdue: "report overdue",
    inspection_planned: "Inspection planned for",
    returned_on: "Returned home",
    returned_warned: "Returned without a positive, confirmed inspection",
    ended_on: "Preventive work ended",
    timeline: "Progress",
    date: "Date",
    entry: "Entry",
    by_agency: "Recorded by",
    words_hidden: "The text is shown with full access only",
    parties: "Inspection parties",
    confirmed: "confirmed",
    not_confirmed: "not confirmed",
    print_summary: "Printable summary",
    open_record: "Reunification",
    start_heading: "Start reunification work",
    start: "Start",
    report_heading: "Progress report",
    stage: "Stage",
    summary: "What was done",
    wellbeing: "The child's wellbeing",
    attitude: "The child's attitude to the parents, motivation to return",
    parents_readiness: "The parents' readiness",
    recommendation: "Recommendation",
    send_report: "Save the report",
    diagnostics_heading: "Diagnostics",
    phase: "When",
    methods: "Methods",
    conclusion: "Conclusion",
    visit_heading: "Patronage visit",
    visit_kind: "Kind of visit",
    findings: "Findings",
    plan_heading: "Plan the joint inspection",
    planned_on: "Inspection date",
    inspection_heading: "Joint inspection of living conditions",
    verdict: "Verdict",
    confirm_heading: "Confirm your part in the inspection",
    remark: "Remark (optional)",
    confirm: "Confirm",
    return_heading: "The child's return home",
    handed_over_by: "Handed over by",
    received_by: "Received by",
    documents: "Documents handed over",
    without_inspection_reason: "Why without a positive inspection",
    without_inspection_hint: "Needed unless a positive inspection is confirmed by every party.",
    information_heading: "Information after the return",
    to_agency: "To",
    text: "Text",
    end_heading: "End the preventive work",
    reason: "Reason",
    save: "Save",
    refused: "Check the form's fields",
    not_allowed: "You may not do this",
    settled: "The record changed meanwhile; reload the page",
    home_line: "Children in reunification",
    signatures: "Signature, name, date",
    diagnostics_compared: "Diagnostics: at intake and follow-up",
    ipsr_tasks: "The IPSR tasks it reports on",
    task_due: "task due",
};

/// The words for `lang`.
pub fn words(lang: Lang) -> &'static ReunionWords {
    match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

fn pick(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}

/// A track's name.
pub fn track(lang: Lang, t: Track) -> &'static str {
    match t {
        Track::Child => pick(lang, "Работа с ребёнком", "The child"),
        Track::Family => pick(lang, "Работа с семьёй", "The family"),
        Track::AfterReturn => pick(lang, "После возвращения", "After the return"),
    }
}

/// A stage's name, as seed 003 calls it.
pub fn stage(lang: Lang, s: Stage) -> &'static str {
    match s {
        Stage::Contact => pick(lang, "Контакт, «безопасное место»", "Contact, «safe place»"),
        Stage::ChildDiagnostics => {
            pick(lang, "Комплексная диагностика", "Comprehensive diagnostics")
        }
        Stage::Rehabilitation => pick(
            lang,
            "Коррекционно-реабилитационная работа",
            "Corrective and rehabilitation work",
        ),
        Stage::ReturnHome => pick(lang, "Возвращение в семью", "Return to the family"),
        Stage::FamilyInformation => {
            pick(lang, "Информация о семье", "Information about the family")
        }
        Stage::SocialDiagnostics => pick(lang, "Социальная диагностика", "Social diagnostics"),
        Stage::FamilyPlan => pick(lang, "ИПСР семьи", "The family's plan (IPSR)"),
        Stage::Patronage => pick(lang, "Патронаж", "Patronage visits"),
        Stage::HousingInspection => pick(
            lang,
            "Совместное контрольное обследование",
            "Joint control inspection",
        ),
        Stage::Handover => pick(lang, "Передача ребёнка в семью", "Handover of the child"),
        Stage::SafetyAndWellbeing => pick(
            lang,
            "Безопасность и благополучие ребёнка",
            "Safety and wellbeing",
        ),
        Stage::FamilyRelations => pick(lang, "Отношения в семье", "Relationships in the family"),
        Stage::EndOfPreventiveWork => pick(
            lang,
            "Завершение профилактической работы",
            "End of preventive work",
        ),
    }
}

/// A record's status.
pub fn status(lang: Lang, s: ReunificationStatus) -> &'static str {
    match s {
        ReunificationStatus::InCare => pick(lang, "ребёнок в учреждении", "in care"),
        ReunificationStatus::Returned => {
            pick(lang, "ребёнок дома, сопровождение", "home, monitored")
        }
        ReunificationStatus::Ended => pick(lang, "работа завершена", "ended"),
    }
}

/// A placement's basis.
pub fn basis(lang: impl Borrow<Lang>, b: impl Borrow<PlacementBasis>) -> &'static str {
    let lang = *lang.borrow();
    match *b.borrow() {
        PlacementBasis::ParentsApplication => {
            pick(lang, "заявление родителей", "the parents' application")
        }
        PlacementBasis::Removal => pick(lang, "отобрание органом опеки", "removal by guardianship"),
        PlacementBasis::Police => pick(lang, "доставлен полицией", "brought by the police"),
        PlacementBasis::Other => pick(lang, "иное", "other"),
    }
}

/// An entry's kind.
pub fn kind(lang: Lang, k: EntryKind) -> &'static str {
    match k {
        EntryKind::Report => pick(lang, "Отчёт о ходе работы", "Progress report"),
        EntryKind::Diagnostics => pick(lang, "Диагностика", "Diagnostics"),
        EntryKind::Visit => pick(lang, "Патронаж", "Patronage visit"),
        EntryKind::Inspection => pick(lang, "Акт обследования", "Inspection"),
        EntryKind::Return => pick(lang, "Возвращение в семью", "Return home"),
        EntryKind::Information => pick(lang, "Информация", "Information"),
        EntryKind::End => pick(lang, "Завершение работы", "End of work"),
    }
}

/// A verdict, a visit's kind or a phase of diagnostics.
pub fn verdict(lang: impl Borrow<Lang>, v: impl Borrow<Verdict>) -> &'static str {
    let lang = *lang.borrow();
    match *v.borrow() {
        Verdict::Positive => pick(lang, "условия пригодны", "fit"),
        Verdict::Negative => pick(lang, "условия непригодны", "unfit"),
        Verdict::AtIntake => pick(lang, "при поступлении", "at intake"),
        Verdict::FollowUp => pick(lang, "повторная", "follow-up"),
        Verdict::Current => pick(lang, "текущий", "current"),
        Verdict::Control => pick(lang, "контрольный", "control"),
    }
}
