//! «Маленькая мама» (seed 004, seeds-notes B1 and D9): the mother's scored assessment at
//! entry and at exit, and the programme's indicators against their targets (004 l.191–193).
//!
//! Each assessment scores four things 1–5: childcare skills, interaction with the child,
//! coping with problems on her own, parental competence. A mother counts as having
//! learned childcare, interacting positively, or coping on her own when her EXIT score is
//! 4 or 5 ("mostly" or "fully"); her competence rose when the EXIT score is above the
//! ENTRY score. The denominator is the mothers (cases) whose EXIT assessment falls in the
//! period; zero of them is "no data". The block applies to rehabilitation centres and
//! NGOs, the agencies that run the programme's stationary department.

use std::collections::BTreeSet;

use async_graphql::{Enum, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::Ratio;
use super::rules::ratio;
use crate::agencies::AgencyKind;
use crate::error::{AppError, AppResult};

/// The lowest and highest score.
pub const SCORES: std::ops::RangeInclusive<i32> = 1..=5;
/// The exit score from which an item counts as reached.
pub const REACHED: i32 = 4;
/// Seed 004's targets, in percent.
pub const TARGET_CHILDCARE: f64 = 100.0;
pub const TARGET_INTERACTION: f64 = 75.0;
pub const TARGET_COPES: f64 = 25.0;
pub const TARGET_COMPETENCE: f64 = 15.0;

/// When the mother was assessed.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssessmentStage {
    /// On enrolment («при поступлении»).
    Entry,
    /// On discharge («при отчислении»).
    Exit,
}

impl AssessmentStage {
    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentStage::Entry => "ENTRY",
            AssessmentStage::Exit => "EXIT",
        }
    }
}

/// The four scores, 1–5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scores {
    pub childcare_skills: i32,
    pub interaction_with_child: i32,
    pub copes_independently: i32,
    pub parental_competence: i32,
}

/// One assessment as stored: one per case and stage.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AssessmentRow {
    pub case_id: Uuid,
    pub stage: AssessmentStage,
    pub agency_id: Uuid,
    pub assessed_on: NaiveDate,
    pub childcare_skills: i32,
    pub interaction_with_child: i32,
    pub copes_independently: i32,
    pub parental_competence: i32,
    /// At exit: whether the child stays with the mother; NULL at entry.
    pub child_with_mother: Option<bool>,
    pub recorded_by_user_id: Uuid,
    pub recorded_at: DateTime<Utc>,
    /// 1 when first recorded; bumped each time the stage is recorded again.
    pub version: i32,
}

/// The columns of [`AssessmentRow`].
pub const ASSESSMENT_COLUMNS: &str = "case_id, stage, agency_id, assessed_on, childcare_skills,
    interaction_with_child, copes_independently, parental_competence, child_with_mother,
    recorded_by_user_id, recorded_at, version";

/// An assessment as the API shows it.
#[derive(SimpleObject, Clone, Debug)]
pub struct MotherAssessment {
    pub case_id: ID,
    pub stage: AssessmentStage,
    pub assessed_on: NaiveDate,
    pub childcare_skills: i32,
    pub interaction_with_child: i32,
    pub copes_independently: i32,
    pub parental_competence: i32,
    /// At exit: whether the child stays with the mother.
    pub child_with_mother: Option<bool>,
    pub recorded_at: DateTime<Utc>,
    /// 1 when first recorded; each re-recording replaces the stage and bumps it.
    pub version: i32,
}

impl From<AssessmentRow> for MotherAssessment {
    fn from(r: AssessmentRow) -> MotherAssessment {
        MotherAssessment {
            case_id: crate::ids::to_id(r.case_id),
            stage: r.stage,
            assessed_on: r.assessed_on,
            childcare_skills: r.childcare_skills,
            interaction_with_child: r.interaction_with_child,
            copes_independently: r.copes_independently,
            parental_competence: r.parental_competence,
            child_with_mother: r.child_with_mother,
            recorded_at: r.recorded_at,
            version: r.version,
        }
    }
}

/// Whether the programme's block applies to an agency of this kind.
pub fn applies(kind: AgencyKind) -> bool {
    matches!(kind, AgencyKind::RehabilitationCentre | AgencyKind::Ngo)
}

/// Checks an assessment: each score 1–5 (the error names it), the day between the case's
/// opening and today, at exit whether the child stays with the mother, and an exit not
/// before the entry it is compared with.
pub fn check(
    stage: AssessmentStage,
    scores: &Scores,
    assessed_on: NaiveDate,
    child_with_mother: Option<bool>,
    opened_on: NaiveDate,
    today: NaiveDate,
    entry_on: Option<NaiveDate>,
) -> AppResult<()> {
    for (field, value) in [
        ("childcareSkills", scores.childcare_skills),
        ("interactionWithChild", scores.interaction_with_child),
        ("copesIndependently", scores.copes_independently),
        ("parentalCompetence", scores.parental_competence),
    ] {
        if !SCORES.contains(&value) {
            return Err(AppError::bad_input(field, "a score from 1 to 5"));
        }
    }
    if assessed_on < opened_on || assessed_on > today {
        return Err(AppError::bad_input(
            "assessedOn",
            "between the case's opening and today",
        ));
    }
    match stage {
        AssessmentStage::Entry if child_with_mother.is_some() => Err(AppError::bad_input(
            "childWithMother",
            "recorded at exit only",
        )),
        AssessmentStage::Exit if child_with_mother.is_none() => Err(AppError::bad_input(
            "childWithMother",
            "say at exit whether the child stays with the mother",
        )),
        AssessmentStage::Exit => match entry_on {
            None => Err(AppError::Conflict(
                "record the entry assessment before the exit one".into(),
            )),
            Some(entry) if assessed_on < entry => Err(AppError::bad_input(
                "assessedOn",
                "not before the entry assessment",
            )),
            Some(_) => Ok(()),
        },
        AssessmentStage::Entry => Ok(()),
    }
}

/// A mother assessed at exit in the period, with her entry competence.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MotherFact {
    pub journal_no: String,
    pub childcare_skills: i32,
    pub interaction_with_child: i32,
    pub copes_independently: i32,
    pub parental_competence: i32,
    pub entry_competence: Option<i32>,
}

/// What the store read for the programme's block.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub mothers: Vec<MotherFact>,
    pub meetings_held: i64,
    pub social_partners: i64,
    pub families_kept_together: i64,
}

/// One indicator: its ratio and seed 004's target beside it.
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Indicator {
    pub ratio: Ratio,
    /// The target, in percent.
    pub target_percent: f64,
    /// Whether the share reached the target; null without data.
    pub target_met: Option<bool>,
}

/// The «Маленькая мама» indicators over the period.
#[derive(SimpleObject, Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LittleMamaFigures {
    /// Mothers with an exit assessment in the period: helped with child-rearing, and the
    /// denominator of the four shares.
    pub mothers_assessed: i64,
    /// Exit childcare skills 4–5 (target 100%).
    pub learned_childcare: Indicator,
    /// Exit interaction with the child 4–5 (target 75%).
    pub positive_interaction: Indicator,
    /// Exit coping on her own 4–5 (target 25%).
    pub copes_independently: Indicator,
    /// Exit parental competence above the entry score (target 15%).
    pub competence_raised: Indicator,
    /// Interagency meetings held: approved MRG meetings in the period that discussed one
    /// of the agency's cases or that the agency attended.
    pub meetings_held: i64,
    /// Social partners: distinct other agencies the agency worked with in the period
    /// (handovers and information requests either way, MRG recommendations on its cases).
    pub social_partners: i64,
    /// Cases the agency closed in the period where the child stays with the mother.
    pub families_kept_together: i64,
}

impl LittleMamaFigures {
    pub fn ratios_mut(&mut self) -> [&mut Ratio; 4] {
        [
            &mut self.learned_childcare.ratio,
            &mut self.positive_interaction.ratio,
            &mut self.copes_independently.ratio,
            &mut self.competence_raised.ratio,
        ]
    }
}

fn indicator(
    mothers: &[MotherFact],
    counts: impl Fn(&MotherFact) -> bool,
    target: f64,
) -> Indicator {
    let above: BTreeSet<String> = mothers
        .iter()
        .filter(|m| counts(m))
        .map(|m| m.journal_no.clone())
        .collect();
    let below: BTreeSet<String> = mothers.iter().map(|m| m.journal_no.clone()).collect();
    let ratio = Ratio {
        journal_numbers: Some(above.iter().cloned().collect()),
        denominator_journal_numbers: Some(below.iter().cloned().collect()),
        ..ratio(above.len() as i64, below.len() as i64)
    };
    Indicator {
        target_met: ratio.percent.map(|p| p >= target),
        ratio,
        target_percent: target,
    }
}

/// The indicators from what the store read.
pub fn figures(facts: &Facts) -> LittleMamaFigures {
    let m = &facts.mothers;
    LittleMamaFigures {
        mothers_assessed: m
            .iter()
            .map(|m| &m.journal_no)
            .collect::<BTreeSet<_>>()
            .len() as i64,
        learned_childcare: indicator(m, |m| m.childcare_skills >= REACHED, TARGET_CHILDCARE),
        positive_interaction: indicator(
            m,
            |m| m.interaction_with_child >= REACHED,
            TARGET_INTERACTION,
        ),
        copes_independently: indicator(m, |m| m.copes_independently >= REACHED, TARGET_COPES),
        competence_raised: indicator(
            m,
            |m| {
                m.entry_competence
                    .is_some_and(|e| m.parental_competence > e)
            },
            TARGET_COMPETENCE,
        ),
        meetings_held: facts.meetings_held,
        social_partners: facts.social_partners,
        families_kept_together: facts.families_kept_together,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::model::RatioStatus;

    fn mother(n: &str, scores: [i32; 4], entry: Option<i32>) -> MotherFact {
        MotherFact {
            journal_no: n.into(),
            childcare_skills: scores[0],
            interaction_with_child: scores[1],
            copes_independently: scores[2],
            parental_competence: scores[3],
            entry_competence: entry,
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn each_indicator_counts_exit_scores_of_four_or_five_against_its_target() {
        let facts = Facts {
            mothers: vec![
                mother("CASE-1", [5, 4, 2, 4], Some(2)),
                mother("CASE-2", [4, 3, 4, 3], Some(3)),
                mother("CASE-3", [3, 5, 1, 2], Some(3)),
                mother("CASE-4", [4, 4, 3, 5], Some(4)),
            ],
            meetings_held: 2,
            social_partners: 3,
            families_kept_together: 1,
        };
        let f = figures(&facts);
        assert_eq!(f.mothers_assessed, 4);
        assert_eq!(f.learned_childcare.ratio.numerator, 3);
        assert_eq!(f.learned_childcare.target_met, Some(false));
        assert_eq!(f.positive_interaction.ratio.percent, Some(75.0));
        assert_eq!(f.positive_interaction.target_met, Some(true));
        assert_eq!(f.copes_independently.ratio.numerator, 1);
        assert_eq!(f.copes_independently.target_met, Some(true));
        assert_eq!(f.competence_raised.ratio.numerator, 2);
        assert_eq!(
            f.competence_raised.ratio.journal_numbers,
            Some(vec!["CASE-1".into(), "CASE-4".into()])
        );
    }

    #[test]
    fn no_mother_assessed_at_exit_is_no_data() {
        let f = figures(&Facts::default());
        for r in [
            &f.learned_childcare,
            &f.positive_interaction,
            &f.copes_independently,
            &f.competence_raised,
        ] {
            assert_eq!(r.ratio.status, RatioStatus::NoData);
            assert_eq!(r.target_met, None);
        }
    }

    #[test]
    fn an_assessment_is_checked_field_by_field() {
        let ok = Scores {
            childcare_skills: 3,
            interaction_with_child: 3,
            copes_independently: 3,
            parental_competence: 3,
        };
        let (open, today) = (d(2026, 1, 10), d(2026, 6, 1));
        let bad = Scores {
            copes_independently: 6,
            ..ok
        };
        let field = |r: AppResult<()>| match r {
            Err(AppError::BadUserInput { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        use AssessmentStage::{Entry, Exit};
        assert_eq!(
            field(check(Entry, &bad, d(2026, 2, 1), None, open, today, None)),
            "copesIndependently"
        );
        assert_eq!(
            field(check(Entry, &ok, d(2026, 1, 9), None, open, today, None)),
            "assessedOn"
        );
        assert_eq!(
            field(check(
                Exit,
                &ok,
                d(2026, 3, 1),
                None,
                open,
                today,
                Some(open)
            )),
            "childWithMother"
        );
        assert!(matches!(
            check(Exit, &ok, d(2026, 3, 1), Some(true), open, today, None),
            Err(AppError::Conflict(_))
        ));
        assert_eq!(
            field(check(
                Exit,
                &ok,
                d(2026, 3, 1),
                Some(true),
                open,
                today,
                Some(d(2026, 4, 1))
            )),
            "assessedOn"
        );
        assert!(check(
            Exit,
            &ok,
            d(2026, 5, 1),
            Some(false),
            open,
            today,
            Some(open)
        )
        .is_ok());
    }
}
