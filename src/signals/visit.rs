//! The initial visit report (seed 002): what the curator saw and thinks.

use async_graphql::{InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clocks::FUTURE_TOLERANCE;
use super::intake::MAX_NOTES;
use crate::error::{AppError, AppResult};
use crate::input::optional_text;

/// The initial visit report's fields, each free text.
#[derive(
    InputObject, SimpleObject, Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq,
)]
#[graphql(input_name = "VisitReportInput")]
#[serde(rename_all = "camelCase")]
pub struct VisitReport {
    /// Parents' and children's names and birth dates.
    pub family_members: Option<String>,
    /// Registered and actual address.
    pub addresses: Option<String>,
    /// The situation in short.
    pub situation_summary: Option<String>,
    /// Material and housing conditions.
    pub material_and_housing: Option<String>,
    /// Impression of the adults.
    pub impression_of_adults: Option<String>,
    /// Attitude to the child.
    pub attitude_to_child: Option<String>,
    /// Resources and resource people.
    pub resources: Option<String>,
    /// Documents and citizenship.
    pub documents_and_citizenship: Option<String>,
    /// Key problems.
    pub key_problems: Option<String>,
    /// Medical particulars.
    pub medical_particulars: Option<String>,
    /// Risk of institutional placement.
    pub placement_risk: Option<String>,
    /// Readiness to solve the situation.
    pub readiness: Option<String>,
    /// Risks to the child's safety.
    pub child_safety_risks: Option<String>,
    /// Information from other organisations.
    pub information_from_others: Option<String>,
    /// Grounds for help.
    pub grounds_for_help: Option<String>,
    /// Help requested.
    pub help_requested: Option<String>,
    /// The visitor's opinion.
    pub visitor_opinion: Option<String>,
}

impl VisitReport {
    /// Trims every field, checks lengths, and requires the summary and the opinion.
    pub fn checked(self) -> AppResult<VisitReport> {
        let t = |field: &str, v: Option<String>| optional_text(field, v.as_deref(), MAX_NOTES);
        let report = VisitReport {
            family_members: t("familyMembers", self.family_members)?,
            addresses: t("addresses", self.addresses)?,
            situation_summary: t("situationSummary", self.situation_summary)?,
            material_and_housing: t("materialAndHousing", self.material_and_housing)?,
            impression_of_adults: t("impressionOfAdults", self.impression_of_adults)?,
            attitude_to_child: t("attitudeToChild", self.attitude_to_child)?,
            resources: t("resources", self.resources)?,
            documents_and_citizenship: t(
                "documentsAndCitizenship",
                self.documents_and_citizenship,
            )?,
            key_problems: t("keyProblems", self.key_problems)?,
            medical_particulars: t("medicalParticulars", self.medical_particulars)?,
            placement_risk: t("placementRisk", self.placement_risk)?,
            readiness: t("readiness", self.readiness)?,
            child_safety_risks: t("childSafetyRisks", self.child_safety_risks)?,
            information_from_others: t("informationFromOthers", self.information_from_others)?,
            grounds_for_help: t("groundsForHelp", self.grounds_for_help)?,
            help_requested: t("helpRequested", self.help_requested)?,
            visitor_opinion: t("visitorOpinion", self.visitor_opinion)?,
        };
        if report.situation_summary.is_none() {
            return Err(AppError::bad_input("situationSummary", "must not be empty"));
        }
        if report.visitor_opinion.is_none() {
            return Err(AppError::bad_input("visitorOpinion", "must not be empty"));
        }
        Ok(report)
    }
}

/// A visit time must be after receipt and not in the future.
pub fn check_visited_at(
    visited_at: DateTime<Utc>,
    received_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if visited_at > now + FUTURE_TOLERANCE {
        return Err(AppError::bad_input("visitedAt", "is in the future"));
    }
    if received_at.is_some_and(|r| visited_at < r) {
        return Err(AppError::bad_input(
            "visitedAt",
            "is before the signal was received",
        ));
    }
    Ok(())
}
