//! The «Маленькая мама» block of the report pages (seed 004): each indicator with its
//! target beside it, "no data" on a zero denominator, and the programme's counts. Shown
//! only where the report carries the block (rehabilitation centres and NGOs).

use super::i18n::Lang;
use super::report::{line, RatioLine};
use super::report_words as words;
use crate::reports::little_mama::LittleMamaFigures;

/// One indicator as a line: the ratio, the target and whether it was reached.
pub struct IndicatorLine {
    pub ratio: RatioLine,
    pub target: String,
    /// ✓ reached, ✗ not, empty without data.
    pub mark: &'static str,
}

/// The block as the page shows it.
pub struct LittleMamaView {
    pub title: &'static str,
    pub target_word: &'static str,
    pub indicators: Vec<IndicatorLine>,
    /// Label and count: mothers assessed, meetings held, partners, families kept.
    pub counts: Vec<(&'static str, i64)>,
}

impl LittleMamaView {
    pub fn of(lang: Lang, m: &LittleMamaFigures) -> LittleMamaView {
        let w = words::words(lang);
        let l = words::little_mama(lang);
        let indicators = [
            (l[1], &m.learned_childcare),
            (l[2], &m.positive_interaction),
            (l[3], &m.copes_independently),
            (l[4], &m.competence_raised),
        ]
        .into_iter()
        .map(|(label, i)| IndicatorLine {
            ratio: line(w, label, &i.ratio),
            target: format!("{:.0} %", i.target_percent),
            mark: match i.target_met {
                Some(true) => " ✓",
                Some(false) => " ✗",
                None => "",
            },
        })
        .collect();
        LittleMamaView {
            title: l[0],
            target_word: words::target(lang),
            indicators,
            counts: vec![
                (l[5], m.mothers_assessed),
                (l[6], m.meetings_held),
                (l[7], m.social_partners),
                (l[8], m.families_kept_together),
            ],
        }
    }
}
