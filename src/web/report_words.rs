//! The words of the report pages, Russian first.

use super::i18n::Lang;
use crate::cases::model::ClosureReason;

/// One language's words for the report pages.
pub struct ReportWords {
    pub title: &'static str,
    pub territory_title: &'static str,
    pub hospital_title: &'static str,
    pub print_title: &'static str,
    pub period: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub show: &'static str,
    pub figure: &'static str,
    pub numerator: &'static str,
    pub denominator: &'static str,
    pub value: &'static str,
    pub numbers: &'static str,
    pub no_data: &'static str,
    pub not_applicable: &'static str,
    pub hospitals: &'static str,
    pub hospital: &'static str,
    pub births: &'static str,
    pub refusals: &'static str,
    pub per_100: &'static str,
    pub year_earlier: &'static str,
    pub change: &'static str,
    pub months_recorded: &'static str,
    pub by_month: &'static str,
    pub month: &'static str,
    pub signals: &'static str,
    pub outcomes: &'static str,
    pub cases: &'static str,
    pub caseload: &'static str,
    pub norm: &'static str,
    pub curators: &'static str,
    pub open_cases: &'static str,
    pub largest: &'static str,
    pub over_norm: &'static str,
    pub interagency: &'static str,
    pub mrg_meetings: &'static str,
    pub reunifications: &'static str,
    pub print: &'static str,
    pub csv: &'static str,
    pub conclusion: &'static str,
    pub analysis: &'static str,
    pub save: &'static str,
    pub issue: &'static str,
    pub issue_hint: &'static str,
    pub draft: &'static str,
    pub issued: &'static str,
    pub issued_frozen: &'static str,
    pub conclusion_half_year_only: &'static str,
    pub conclusions: &'static str,
    pub agency: &'static str,
    pub record_month: &'static str,
    pub recorded: &'static str,
    pub refused: &'static str,
    pub not_allowed: &'static str,
    pub settled: &'static str,
    pub head_signature: &'static str,
    pub time_zone: &'static str,
    pub not_hospital: &'static str,
    pub territory_link: &'static str,
    pub year: &'static str,
    /// The ratios' labels, in the order of [`crate::reports::export::labelled`].
    pub ratios: [&'static str; 11],
}

static RU: ReportWords = ReportWords {
    title: "Показатели эффективности",
    territory_title: "Показатели эффективности по территории",
    hospital_title: "Роды и отказы по месяцам",
    print_title: "Заключение по итогам полугодия",
    period: "Период",
    from: "с",
    to: "по",
    show: "Показать",
    figure: "Показатель",
    numerator: "Числитель",
    denominator: "Знаменатель",
    value: "Значение",
    numbers: "Номера в журналах",
    no_data: "нет данных",
    not_applicable: "н/п",
    hospitals: "По роддомам, направившим сигналы",
    hospital: "Роддом",
    births: "Роды",
    refusals: "Отказы",
    per_100: "Отказов на 100 родов",
    year_earlier: "Год назад",
    change: "Изменение, п.",
    months_recorded: "Месяцев внесено",
    by_month: "Сигналы и отказы по месяцам",
    month: "Месяц",
    signals: "Сигналы",
    outcomes: "Итоги закрытых случаев",
    cases: "Случаев",
    caseload: "Нагрузка кураторов",
    norm: "Норма",
    curators: "Кураторов",
    open_cases: "Открытых случаев",
    largest: "Наибольшая",
    over_norm: "Выше нормы",
    interagency: "Межведомственная работа",
    mrg_meetings: "Заседаний МРГ проведено",
    reunifications: "Детей вернулись в семью (воссоединение)",
    print: "Версия для печати",
    csv: "CSV",
    conclusion: "Заключение",
    analysis: "Анализ руководителя",
    save: "Сохранить",
    issue: "Утвердить и подписать",
    issue_hint: "После утверждения заключение и показатели не меняются.",
    draft: "черновик",
    issued: "утверждено",
    issued_frozen: "Заключение утверждено: показатели и текст зафиксированы на дату утверждения.",
    conclusion_half_year_only:
        "Заключение пишется за полугодие: 1 января – 30 июня или 1 июля – 31 декабря.",
    conclusions: "Заключения",
    agency: "Организация",
    record_month: "Внести месяц",
    recorded: "Внесено",
    refused: "Не принято, проверьте поле",
    not_allowed: "Нет прав на это действие.",
    settled: "Заключение уже утверждено.",
    head_signature: "Руководитель",
    time_zone: "Даты по местному времени",
    not_hospital: "Роды и отказы вносит роддом.",
    territory_link: "Показатели по территории",
    year: "Год",
    ratios: [
        "Сигналы / все отказы в роддомах",
        "Сигналы переданы вовремя (3 ч) / все переданные",
        "Ответственный специалист извещён за 30 мин / все",
        "Визит вовремя / все визиты со сроком",
        "Женщины, изменившие решение / женщины из сигналов",
        "Изменили решение и не нуждаются в поддержке / изменившие",
        "Изменили решение и нуждаются в сопровождении / изменившие",
        "Закрыты после успешной реабилитации / сопровождаемые",
        "Закрыты: обязательства не выполнены / сопровождаемые",
        "Закрыты: угроза жизни и здоровью ребёнка / сопровождаемые",
        "Рекомендации МРГ выполнены в срок / все",
    ],
};

static EN: ReportWords = ReportWords {
    title: "Effectiveness report",
    territory_title: "Effectiveness by territory",
    hospital_title: "Births and refusals by month",
    print_title: "Half-year conclusion",
    period: "Period",
    from: "from",
    to: "to",
    show: "Show",
    figure: "Figure",
    numerator: "Numerator",
    denominator: "Denominator",
    value: "Value",
    numbers: "Journal numbers",
    no_data: "no data",
    not_applicable: "n/a",
    hospitals: "By sending hospital",
    hospital: "Hospital",
    births: "Births",
    refusals: "Refusals",
    per_100: "Refusals per 100 births",
    year_earlier: "A year earlier",
    change: "Change, points",
    months_recorded: "Months recorded",
    by_month: "Signals and refusals by month",
    month: "Month",
    signals: "Signals",
    outcomes: "Closed cases by outcome",
    cases: "Cases",
    caseload: "Curators' caseloads",
    norm: "Norm",
    curators: "Curators",
    open_cases: "Open cases",
    largest: "Largest",
    over_norm: "Above the norm",
    interagency: "Interagency work",
    mrg_meetings: "MRG meetings held",
    reunifications: "Children returned home (reunification)",
    print: "Printable version",
    csv: "CSV",
    conclusion: "Conclusion",
    analysis: "The head's analysis",
    save: "Save",
    issue: "Sign off",
    issue_hint: "Once signed off, the conclusion and its figures no longer change.",
    draft: "draft",
    issued: "issued",
    issued_frozen: "Issued: figures and text are frozen as of the sign-off.",
    conclusion_half_year_only:
        "A conclusion covers a half year: 1 January – 30 June or 1 July – 31 December.",
    conclusions: "Conclusions",
    agency: "Agency",
    record_month: "Record the month",
    recorded: "Recorded",
    refused: "Refused; check the field",
    not_allowed: "You may not do this.",
    settled: "The conclusion is already issued.",
    head_signature: "Head",
    time_zone: "Dates in local time",
    not_hospital: "Births and refusals are recorded by a hospital.",
    territory_link: "Territory view",
    year: "Year",
    ratios: [
        "Signals / all refusals in the hospitals",
        "Signals passed on time (3 h) / all passed",
        "Responsible specialist told within 30 min / all",
        "Visits on time / visits due",
        "Women who changed their decision / women of the signals",
        "Changed, needing no further support / changed",
        "Changed, needing support / changed",
        "Closed after successful rehabilitation / supported",
        "Closed for broken commitments / supported",
        "Closed for a threat to the child / supported",
        "MRG recommendations done on time / all",
    ],
};

/// The words in `lang`.
pub fn words(lang: Lang) -> &'static ReportWords {
    if lang.code() == "en" {
        &EN
    } else {
        &RU
    }
}

/// A closure reason, as the page names it.
pub fn outcome(lang: Lang, reason: ClosureReason) -> &'static str {
    if lang.code() == "en" {
        match reason {
            ClosureReason::DecisionUnchanged => "decision unchanged",
            ClosureReason::DecisionChangedResolved => "decision changed, resolved",
            ClosureReason::SupportCompleted => "support completed",
            ClosureReason::CommitmentsBroken => "commitments broken",
            ClosureReason::ChildEndangered => "child endangered",
            ClosureReason::ClientRefused => "client refused",
            ClosureReason::GoalsReached => "shelter goals reached",
            ClosureReason::RulesBroken => "shelter rules broken",
        }
    } else {
        crate::cases::export::closure_label(reason)
    }
}

/// The «Маленькая мама» block's words in `lang`: its title, the four indicators, the
/// mothers assessed, meetings, partners, families kept, and "target".
pub fn little_mama(lang: Lang) -> [&'static str; 9] {
    if lang.code() == "en" {
        [
            "«Little mum» programme",
            "Learned childcare",
            "Positive interaction with the child",
            "Overcome problems on their own",
            "Parental competence raised",
            "Mothers assessed at exit",
            "Interagency meetings held",
            "Social partners",
            "Birth families kept together",
        ]
    } else {
        [
            "Программа «Маленькая мама»",
            "Освоили навыки ухода за ребёнком",
            "Позитивное взаимодействие с ребёнком",
            "Способны самостоятельно преодолевать трудности",
            "Родительская компетентность повысилась",
            "Матерей с диагностикой на выходе",
            "Проведено межведомственных встреч",
            "Социальных партнёров",
            "Сохранено кровных семей",
        ]
    }
}

/// "target" in `lang`.
pub fn target(lang: Lang) -> &'static str {
    if lang.code() == "en" {
        "target"
    } else {
        "цель"
    }
}
