//! A report as a CSV file (Russian-locale Excel, see [`crate::spreadsheet`]): one line
//! per figure with its numerator, denominator and value, "нет данных" on a zero
//! denominator and "н/п" where a ratio does not apply; per-hospital lines and the months
//! after. Journal numbers go in only where the report carries them (the agency's head).

use super::little_mama::{Indicator, LittleMamaFigures};
use super::model::{EffectivenessReport, Ratio, RatioStatus};
use crate::cases::export::closure_label;
use crate::error::AppResult;
use crate::spreadsheet::CsvFile;

/// The columns.
pub const HEADER: [&str; 5] = [
    "Показатель",
    "Числитель",
    "Знаменатель",
    "Значение, %",
    "Номера",
];

/// The value of a ratio as the report prints it.
pub fn value_text(ratio: &Ratio) -> String {
    match (ratio.status, ratio.percent) {
        (RatioStatus::Value, Some(p)) => format!("{p:.1}").replace('.', ","),
        (RatioStatus::NotApplicable, _) => "н/п".into(),
        _ => "нет данных".into(),
    }
}

/// The report's ratios with their Russian labels, in the order the page shows them.
pub fn labelled(report: &EffectivenessReport) -> Vec<(&'static str, &Ratio)> {
    vec![
        (
            "Сигналы / все отказы в роддомах",
            &report.signals_against_refusals,
        ),
        (
            "Сигналы переданы вовремя (3 ч) / все переданные",
            &report.passed_on_time,
        ),
        (
            "Ответственный специалист извещён за 30 мин / все",
            &report.specialist_on_time,
        ),
        (
            "Визит вовремя / все визиты со сроком",
            &report.visit_on_time,
        ),
        (
            "Женщины, изменившие решение / женщины из сигналов",
            &report.changed_decision,
        ),
        (
            "Изменили решение, без дальнейшей поддержки / изменившие",
            &report.changed_no_support,
        ),
        (
            "Изменили решение, нуждались в сопровождении / изменившие",
            &report.changed_needing_support,
        ),
        (
            "Закрыты после успешной реабилитации / сопровождаемые",
            &report.closed_rehabilitated,
        ),
        (
            "Закрыты: обязательства не выполнены / сопровождаемые",
            &report.closed_commitments_broken,
        ),
        (
            "Закрыты: угроза жизни и здоровью ребёнка / сопровождаемые",
            &report.closed_child_endangered,
        ),
        (
            "Рекомендации МРГ выполнены в срок / все",
            &report.interagency.recommendations_done_on_time,
        ),
    ]
}

/// The «Маленькая мама» indicators with their Russian labels and targets.
pub fn little_mama_labelled(m: &LittleMamaFigures) -> Vec<(&'static str, &Indicator)> {
    vec![
        ("Освоили навыки ухода за ребёнком", &m.learned_childcare),
        (
            "Позитивное взаимодействие с ребёнком",
            &m.positive_interaction,
        ),
        (
            "Способны самостоятельно преодолевать трудности",
            &m.copes_independently,
        ),
        (
            "Родительская компетентность повысилась",
            &m.competence_raised,
        ),
    ]
}

fn numbers(ratio: &Ratio) -> String {
    ratio
        .journal_numbers
        .as_ref()
        .map(|n| n.join(" "))
        .unwrap_or_default()
}

/// The report as CSV text.
pub fn report_csv(report: &EffectivenessReport) -> AppResult<String> {
    let mut file = CsvFile::new();
    file.record([
        format!("{} ({})", report.agency_name, report.time_zone),
        format!("{} – {}", report.period_from, report.period_to),
    ])?;
    file.record(HEADER)?;
    for (label, ratio) in labelled(report) {
        file.record([
            label.to_owned(),
            ratio.numerator.to_string(),
            ratio.denominator.to_string(),
            value_text(ratio),
            numbers(ratio),
        ])?;
    }
    for line in &report.hospitals {
        let r = &line.signals_against_refusals;
        file.record([
            format!("Сигналы / отказы: {}", line.hospital_name),
            r.numerator.to_string(),
            r.denominator.to_string(),
            value_text(r),
            numbers(r),
        ])?;
        let b = &line.births;
        let per = |v: Option<f64>| {
            v.map(|v| format!("{v:.2}").replace('.', ","))
                .unwrap_or_else(|| "нет данных".into())
        };
        file.record([
            format!("Отказы на 100 родов: {}", line.hospital_name),
            b.refusals.to_string(),
            b.births.to_string(),
            per(b.refusals_per_100_births),
            format!(
                "год назад: {}; изменение: {}",
                per(b.previous_year_per_100_births),
                per(b.change_points)
            ),
        ])?;
    }
    file.record(["Месяц", "Сигналы", "Отказы", "Роды"])?;
    for m in &report.months {
        file.record([
            m.month.format("%m.%Y").to_string(),
            m.signals.to_string(),
            m.refusals.to_string(),
            m.births.to_string(),
        ])?;
    }
    file.record(["Причина закрытия", "Случаев"])?;
    for o in &report.outcomes {
        file.record([closure_label(o.reason).to_owned(), o.cases.to_string()])?;
    }
    let c = &report.caseload;
    file.record([
        "Нагрузка кураторов (норма, кураторов, открытых случаев, максимум, выше нормы)".to_owned(),
        c.norm.to_string(),
        c.curators.to_string(),
        c.open_cases.to_string(),
        c.largest.to_string(),
        c.curators_over_norm.to_string(),
    ])?;
    let s = &report.shelter;
    let text = |r: &Option<Ratio>| {
        r.as_ref()
            .map(value_text)
            .unwrap_or_else(|| "нет данных".into())
    };
    file.record([
        "Выпускники приюта; семья вместе, %; ребёнок с мамой, %".to_owned(),
        s.graduates.to_string(),
        text(&s.families_together),
        text(&s.children_with_mother),
    ])?;
    if let Some(m) = &report.little_mama {
        file.record([
            "«Маленькая мама»: матерей с диагностикой на выходе".to_owned(),
            m.mothers_assessed.to_string(),
        ])?;
        for (label, i) in little_mama_labelled(m) {
            let r = &i.ratio;
            file.record([
                format!("«Маленькая мама»: {label} (цель {:.0}%)", i.target_percent),
                r.numerator.to_string(),
                r.denominator.to_string(),
                value_text(r),
                numbers(r),
            ])?;
        }
        for (label, n) in [
            ("проведено межведомственных встреч", m.meetings_held),
            ("социальных партнёров", m.social_partners),
            ("сохранено кровных семей", m.families_kept_together),
        ] {
            file.record([format!("«Маленькая мама»: {label}"), n.to_string()])?;
        }
    }
    file.record([
        "Заседаний МРГ проведено".to_owned(),
        report.interagency.mrg_meetings_held.to_string(),
    ])?;
    file.record([
        "Воссоединений завершено (ребёнок дома)".to_owned(),
        report.interagency.reunifications_completed.to_string(),
    ])?;
    file.finish()
}
