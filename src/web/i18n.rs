//! The workspace's words in Russian (the default) and English. Each language is one
//! [`Words`] value, so a label missing in either language does not compile: no page can
//! show a key or an empty string instead of a word.

use chrono::{DateTime, Utc};

use crate::agencies::NotificationLanguage;
use crate::db::TimeZone;

/// A language the workspace speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Русский: the default.
    Ru,
    /// English, where the user's agency chose it.
    En,
}

impl Lang {
    /// The language of a user of an agency that writes in `language`. Until users have
    /// a language of their own (`docs/decisions.md`), the agency's setting decides.
    pub fn of_agency(language: NotificationLanguage) -> Lang {
        match language {
            NotificationLanguage::En => Lang::En,
            NotificationLanguage::Ru => Lang::Ru,
        }
    }

    /// The `lang` attribute of a page.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// Every word of the workspace in this language.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }
}

/// A time as people in the agency write it, `01.12.2026 14:05`, in its time zone.
pub fn local_time(at: DateTime<Utc>, zone: TimeZone) -> String {
    at.with_timezone(&zone.tz())
        .format("%d.%m.%Y %H:%M")
        .to_string()
}

/// The labels, messages and errors of the workspace in one language.
pub struct Words {
    pub product: &'static str,
    pub skip_to_content: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_lead: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub signed_in_as: &'static str,
    pub bad_credentials: &'static str,
    pub sign_in_locked: &'static str,
    pub sign_in_busy: &'static str,
    pub seconds: &'static str,
    pub form_expired: &'static str,
    pub home_title: &'static str,
    pub home_lead: &'static str,
    pub inbox_heading: &'static str,
    pub inbox_empty: &'static str,
    pub column_case: &'static str,
    pub column_kind: &'static str,
    pub column_from: &'static str,
    pub column_requested: &'static str,
    pub column_waiting: &'static str,
    pub column_deadline: &'static str,
    pub days: &'static str,
    pub overdue: &'static str,
    pub kind_transfer: &'static str,
    pub kind_referral: &'static str,
    pub times_in_zone: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub go_home: &'static str,
    pub error_title: &'static str,
    pub error_text: &'static str,
    pub handover_title: &'static str,
    pub case_summary: &'static str,
    pub case_status: &'static str,
    pub opened: &'static str,
    pub request_status: &'static str,
    pub to: &'static str,
    pub reason: &'static str,
    pub records_sent: &'static str,
    pub package: &'static str,
    pub package_closed: &'static str,
    pub persons: &'static str,
    pub birth_date: &'static str,
    pub phone: &'static str,
    pub address_registered: &'static str,
    pub address_actual: &'static str,
    pub stance: &'static str,
    pub signal_sheet: &'static str,
    pub visit_report: &'static str,
    pub consents: &'static str,
    pub signed_by: &'static str,
    pub withdrawn: &'static str,
    pub documents: &'static str,
    pub download: &'static str,
    pub none: &'static str,
    pub accept_heading: &'static str,
    pub registration_number: &'static str,
    pub registration_date: &'static str,
    pub accept: &'static str,
    pub decline_heading: &'static str,
    pub decline_reason: &'static str,
    pub decline: &'static str,
    pub order_required: &'static str,
    pub date_in_future: &'static str,
    pub reason_required: &'static str,
    pub already_decided: &'static str,
    pub not_allowed: &'static str,
    pub accepted_under: &'static str,
    pub declined_because: &'static str,
    pub open_case: &'static str,
    pub status_pending: &'static str,
    pub status_accepted: &'static str,
    pub status_declined: &'static str,
    pub status_cancelled: &'static str,
    pub status_completed: &'static str,
    pub record_persons: &'static str,
    pub record_sheet: &'static str,
    pub record_visit: &'static str,
    pub record_consents: &'static str,
    pub sheet_labels: [&'static str; 6],
    pub visit_labels: [&'static str; 17],
}

/// Русский.
pub const RU: Words = Words {
    product: "CaseLink — межведомственное взаимодействие",
    skip_to_content: "Перейти к содержанию",
    sign_in_title: "Вход",
    sign_in_lead: "Войдите под учётной записью, выданной администратором вашего учреждения.",
    email: "Электронная почта",
    password: "Пароль",
    sign_in: "Войти",
    sign_out: "Выйти",
    signed_in_as: "Вы вошли как",
    bad_credentials: "Неверный адрес электронной почты или пароль.",
    sign_in_locked: "Слишком много неудачных попыток. Повторите вход через",
    sign_in_busy: "Сервер сейчас занят. Повторите вход через минуту.",
    seconds: "с.",
    form_expired: "Форма устарела. Обновите страницу и повторите.",
    home_title: "Что требует внимания сегодня",
    home_lead: "Просроченные — первыми.",
    inbox_heading: "Входящие запросы на передачу и направления",
    inbox_empty: "Входящих запросов нет.",
    column_case: "Случай",
    column_kind: "Вид",
    column_from: "От кого",
    column_requested: "Поступил",
    column_waiting: "Ожидает",
    column_deadline: "Срок решения",
    days: "дн.",
    overdue: "просрочен",
    kind_transfer: "Передача случая",
    kind_referral: "Направление",
    times_in_zone: "Время указано по часовому поясу",
    not_found_title: "Страница не найдена",
    not_found_text: "Такой страницы нет, или она вам недоступна.",
    go_home: "На главную",
    error_title: "Ошибка",
    error_text: "Не удалось выполнить запрос. Повторите позже; если ошибка повторится, сообщите администратору номер запроса:",
    handover_title: "Запрос",
    case_summary: "Случай (краткие сведения)",
    case_status: "Статус случая",
    opened: "Открыт",
    request_status: "Статус запроса",
    to: "Кому",
    reason: "Основание",
    records_sent: "Передаваемые сведения",
    package: "Пакет документов",
    package_closed: "Пакет вам недоступен.",
    persons: "Участники случая",
    birth_date: "Дата рождения",
    phone: "Телефон",
    address_registered: "Адрес регистрации",
    address_actual: "Фактический адрес",
    stance: "Позиция",
    signal_sheet: "Лист сигнала",
    visit_report: "Отчёт о первичном посещении",
    consents: "Согласия",
    signed_by: "Подписал(а)",
    withdrawn: "отозвано",
    documents: "Документы",
    download: "Скачать",
    none: "нет",
    accept_heading: "Принять",
    registration_number: "Входящий регистрационный номер",
    registration_date: "Дата регистрации",
    accept: "Принять",
    decline_heading: "Отклонить",
    decline_reason: "Причина отказа",
    decline: "Отклонить",
    order_required: "Для передачи случая укажите входящий номер и дату.",
    date_in_future: "Дата не может быть в будущем.",
    reason_required: "Укажите причину.",
    already_decided: "Запрос уже решён или изменился; обновите страницу.",
    not_allowed: "Ваша роль не позволяет это решение.",
    accepted_under: "Принят под номером",
    declined_because: "Отклонён. Причина:",
    open_case: "Открыть случай",
    status_pending: "ожидает решения",
    status_accepted: "принят",
    status_declined: "отклонён",
    status_cancelled: "отозван отправителем",
    status_completed: "выполнен",
    record_persons: "Участники",
    record_sheet: "Лист сигнала",
    record_visit: "Отчёт о посещении",
    record_consents: "Согласия",
    sheet_labels: ["Реабилитационный потенциал", "История родительства", "Жильё, регистрация, доход", "Близкие и их позиция", "Встреча с женщиной", "Встреча с окружением"],
    visit_labels: ["Члены семьи", "Адреса", "Ситуация кратко", "Материально-бытовые условия", "Впечатление о взрослых", "Отношение к ребёнку", "Ресурсы", "Документы и гражданство", "Ключевые проблемы", "Медицинские особенности", "Риск помещения в учреждение", "Готовность решать ситуацию", "Риски для безопасности ребёнка", "Информация от сторонних организаций", "Основания для помощи", "Запрошенная помощь", "Мнение специалиста"],
};

/// English.
pub const EN: Words = Words {
    product: "CaseLink — interagency coordination",
    skip_to_content: "Skip to content",
    sign_in_title: "Sign in",
    sign_in_lead: "Sign in with the account your agency's administrator gave you.",
    email: "E-mail",
    password: "Password",
    sign_in: "Sign in",
    sign_out: "Sign out",
    signed_in_as: "Signed in as",
    bad_credentials: "Wrong e-mail address or password.",
    sign_in_locked: "Too many failed attempts. Try again in",
    sign_in_busy: "The server is busy. Try again in a minute.",
    seconds: "s",
    form_expired: "This form has expired. Reload the page and try again.",
    home_title: "What needs you today",
    home_lead: "Overdue first.",
    inbox_heading: "Incoming transfers and referrals",
    inbox_empty: "No incoming requests.",
    column_case: "Case",
    column_kind: "Kind",
    column_from: "From",
    column_requested: "Received",
    column_waiting: "Waiting",
    column_deadline: "Decide by",
    days: "days",
    overdue: "overdue",
    kind_transfer: "Transfer",
    kind_referral: "Referral",
    times_in_zone: "Times are in the time zone",
    not_found_title: "Page not found",
    not_found_text: "There is no such page, or it is not open to you.",
    go_home: "Home",
    error_title: "Error",
    error_text: "The request failed. Try again later; if it fails again, give your administrator the request number:",
    handover_title: "Request",
    case_summary: "The case (summary)",
    case_status: "Case status",
    opened: "Opened",
    request_status: "Request status",
    to: "To",
    reason: "Reason",
    records_sent: "Records sent",
    package: "The package",
    package_closed: "The package is not open to you.",
    persons: "People",
    birth_date: "Birth date",
    phone: "Phone",
    address_registered: "Registered address",
    address_actual: "Actual address",
    stance: "Stance",
    signal_sheet: "Signal sheet",
    visit_report: "Initial visit report",
    consents: "Consents",
    signed_by: "Signed by",
    withdrawn: "withdrawn",
    documents: "Documents",
    download: "Download",
    none: "none",
    accept_heading: "Accept",
    registration_number: "Incoming registration number",
    registration_date: "Registration date",
    accept: "Accept",
    decline_heading: "Decline",
    decline_reason: "Reason for declining",
    decline: "Decline",
    order_required: "A transfer needs the incoming number and date.",
    date_in_future: "The date cannot be in the future.",
    reason_required: "Give a reason.",
    already_decided: "The request was already decided or changed; reload the page.",
    not_allowed: "Your role does not allow this decision.",
    accepted_under: "Accepted under number",
    declined_because: "Declined. Reason:",
    open_case: "Open the case",
    status_pending: "waiting for a decision",
    status_accepted: "accepted",
    status_declined: "declined",
    status_cancelled: "withdrawn by the sender",
    status_completed: "completed",
    record_persons: "People",
    record_sheet: "Signal sheet",
    record_visit: "Visit report",
    record_consents: "Consents",
    sheet_labels: ["Rehabilitation potential", "Parenting history", "Housing, registration, income", "Close people and their position", "Meeting with the woman", "Meeting with her circle"],
    visit_labels: ["Family members", "Addresses", "Situation in short", "Material and housing conditions", "Impression of the adults", "Attitude to the child", "Resources", "Documents and citizenship", "Key problems", "Medical particulars", "Risk of placement", "Readiness to solve the situation", "Risks to the child's safety", "Information from other organisations", "Grounds for help", "Help requested", "The visitor's opinion"],
};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn times_are_written_as_people_write_them_in_the_agency_zone() {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 9, 5, 0).unwrap();
        let yekaterinburg = TimeZone(chrono_tz::Asia::Yekaterinburg);
        assert_eq!(local_time(at, yekaterinburg), "01.12.2026 14:05");
    }
}
