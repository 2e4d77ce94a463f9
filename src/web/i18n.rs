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
