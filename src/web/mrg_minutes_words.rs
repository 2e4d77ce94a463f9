//! The words of the secretary's minutes form (correcting and removing entries of a
//! draft), Russian first; beside `mrg_words.rs` so the minutes form keeps to its files.

use crate::web::i18n::Lang;

/// The minutes form's words in one language.
pub struct MinutesWords {
    pub point: &'static str,
    pub service: &'static str,
    pub recommendation: &'static str,
    pub remove: &'static str,
    pub from: &'static str,
    /// A colleague saved the item meanwhile: the form keeps what was typed.
    pub stale: &'static str,
    pub both_service_fields: &'static str,
    pub choose_assessment: &'static str,
    pub choose_service: &'static str,
    pub choose_agency: &'static str,
    pub a_date: &'static str,
}

/// Russian.
pub const RU: MinutesWords = MinutesWords {
    point: "Информация",
    service: "Услуга",
    recommendation: "Рекомендация",
    remove: "Удалить",
    from: "от",
    stale: "Пока вы редактировали, этот пункт сохранил другой пользователь: его версия показана выше. Ваш текст остался в форме — сверьте и сохраните ещё раз, чтобы заменить ею сохранённую.",
    both_service_fields: "выберите и услугу, и учреждение",
    choose_assessment: "выберите раздел оценки",
    choose_service: "выберите услугу из списка",
    choose_agency: "выберите учреждение группы",
    a_date: "укажите дату",
};

/// English.
pub const EN: MinutesWords = MinutesWords {
    point: "Information",
    service: "Service",
    recommendation: "Recommendation",
    remove: "Remove",
    from: "from",
    stale: "While you were editing, someone else saved this item: their version is shown above. What you typed is kept in the form: check it and save again to replace theirs.",
    both_service_fields: "choose both the service and the agency",
    choose_assessment: "choose the assessment",
    choose_service: "choose a service from the list",
    choose_agency: "choose an agency of the group",
    a_date: "give a date",
};

impl MinutesWords {
    /// The words in `lang`.
    pub fn of(lang: Lang) -> &'static MinutesWords {
        match lang {
            Lang::Ru => &RU,
            Lang::En => &EN,
        }
    }
}
