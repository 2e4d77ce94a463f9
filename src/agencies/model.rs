//! Agencies: the organisations that work together in the hub (domain.md, "Who works together").

use async_graphql::Enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::TimeZone;
use crate::error::AppResult;
use crate::input;

/// The kind of an agency; decides which workflows it takes part in.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AgencyKind {
    /// Роддом, перинатальный центр, женская консультация: sends signals.
    Maternity,
    /// Служба профилактики отказов: receives signals, leads cases.
    PreventionService,
    /// УСЗН, КЦСОН: social support, home visits, housing inspections.
    SocialProtection,
    /// Орган опеки и попечительства: accepts transfers where a child's rights are at risk.
    Guardianship,
    /// СРЦН: cares for a child outside the family, reports reunification progress.
    RehabilitationCentre,
    /// НКО, кризисный центр, приют: shelter, material help, case management.
    Ngo,
}

impl AgencyKind {
    /// The API name, e.g. `PREVENTION_SERVICE`.
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::Maternity => "MATERNITY",
            AgencyKind::PreventionService => "PREVENTION_SERVICE",
            AgencyKind::SocialProtection => "SOCIAL_PROTECTION",
            AgencyKind::Guardianship => "GUARDIANSHIP",
            AgencyKind::RehabilitationCentre => "REHABILITATION_CENTRE",
            AgencyKind::Ngo => "NGO",
        }
    }
}

/// The language of an agency's notifications.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationLanguage {
    /// Russian, the default.
    #[default]
    Ru,
    /// English.
    En,
}

/// An agency as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AgencyRow {
    /// Its id.
    pub id: Uuid,
    /// Its full name, e.g. «Перинатальный центр г. Сургута».
    pub name: String,
    /// What it is.
    pub kind: AgencyKind,
    /// The region it serves.
    pub region: String,
    /// IANA time zone for display, local deadlines and reports.
    pub time_zone: TimeZone,
    /// The agency's own address for notifications (an institutional address).
    pub contact_email: String,
    /// Language of its notifications.
    pub notification_language: NotificationLanguage,
    /// Inactive agencies keep their history, but their users cannot sign in.
    pub active: bool,
    /// How many women a curator may hold at once (9 by default, seed 001).
    pub caseload_limit: i32,
    /// Days the agency keeps read-only FULL scope on a case it transferred (0: summary).
    pub former_lead_full_days: i32,
    /// Days a rehabilitation centre may go without a reunification progress report
    /// before the hub reminds it (30 by default).
    pub reunification_report_days: i32,
    /// Days a case the agency leads may go without contact with the family before it is
    /// flagged and the hub reminds once (14 by default).
    pub no_contact_alert_days: i32,
    /// Bumped on every change, for optimistic concurrency.
    pub version: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A valid new agency.
#[derive(Clone, Debug)]
pub struct NewAgency {
    /// Trimmed, 1–200 characters.
    pub name: String,
    /// Its kind.
    pub kind: AgencyKind,
    /// Trimmed, 1–200 characters.
    pub region: String,
    /// Its time zone.
    pub time_zone: TimeZone,
    /// A valid address.
    pub contact_email: String,
    /// Language of its notifications.
    pub notification_language: NotificationLanguage,
}

impl NewAgency {
    /// Checks raw input field by field.
    pub fn parse(
        name: &str,
        kind: AgencyKind,
        region: &str,
        time_zone: &str,
        contact_email: &str,
        notification_language: Option<NotificationLanguage>,
    ) -> AppResult<NewAgency> {
        Ok(NewAgency {
            name: input::name("name", name)?,
            kind,
            region: input::name("region", region)?,
            time_zone: input::time_zone("timeZone", time_zone)?,
            contact_email: input::email("contactEmail", contact_email)?.0,
            notification_language: notification_language.unwrap_or_default(),
        })
    }
}

/// Changes to an agency; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct AgencyChanges {
    /// New name.
    pub name: Option<String>,
    /// New region.
    pub region: Option<String>,
    /// New time zone, parsed where the request came in ([`input::time_zone`]).
    pub time_zone: Option<TimeZone>,
    /// New contact address.
    pub contact_email: Option<String>,
    /// New notification language.
    pub notification_language: Option<NotificationLanguage>,
    /// Activate or deactivate.
    pub active: Option<bool>,
    /// A new caseload limit per curator.
    pub caseload_limit: Option<i32>,
    /// Days of read-only FULL scope after a transfer.
    pub former_lead_full_days: Option<i32>,
    /// Days between reunification progress reports before a reminder.
    pub reunification_report_days: Option<i32>,
    /// Days without contact before a case is flagged.
    pub no_contact_alert_days: Option<i32>,
    /// The version the client read; the change is refused if it moved on.
    pub expected_version: Option<i32>,
}

impl AgencyChanges {
    /// Checks each given field; returns the changes with names trimmed.
    pub fn checked(self) -> AppResult<AgencyChanges> {
        if self.caseload_limit.is_some_and(|l| !(1..=100).contains(&l)) {
            return Err(crate::error::AppError::bad_input(
                "caseloadLimit",
                "must be between 1 and 100",
            ));
        }
        if self
            .former_lead_full_days
            .is_some_and(|d| !(0..=365).contains(&d))
        {
            return Err(crate::error::AppError::bad_input(
                "formerLeadFullDays",
                "must be between 0 and 365",
            ));
        }
        if self
            .reunification_report_days
            .is_some_and(|d| !(7..=180).contains(&d))
        {
            return Err(crate::error::AppError::bad_input(
                "reunificationReportDays",
                "must be between 7 and 180",
            ));
        }
        if self
            .no_contact_alert_days
            .is_some_and(|d| !(1..=365).contains(&d))
        {
            return Err(crate::error::AppError::bad_input(
                "noContactAlertDays",
                "must be between 1 and 365",
            ));
        }
        Ok(AgencyChanges {
            name: self.name.map(|n| input::name("name", &n)).transpose()?,
            region: self.region.map(|r| input::name("region", &r)).transpose()?,
            contact_email: self
                .contact_email
                .map(|e| input::email("contactEmail", &e).map(|(given, _)| given))
                .transpose()?,
            ..self
        })
    }

    /// Applies the changes to `row`; returns the names of the fields that changed.
    pub fn apply_to(&self, row: &mut AgencyRow) -> Vec<&'static str> {
        let mut changed = Vec::new();
        macro_rules! set {
            ($field:ident, $name:literal) => {
                if let Some(value) = &self.$field {
                    if *value != row.$field {
                        row.$field = value.clone();
                        changed.push($name);
                    }
                }
            };
        }
        set!(name, "name");
        set!(region, "region");
        set!(time_zone, "timeZone");
        set!(contact_email, "contactEmail");
        set!(notification_language, "notificationLanguage");
        set!(active, "active");
        set!(caseload_limit, "caseloadLimit");
        set!(former_lead_full_days, "formerLeadFullDays");
        set!(reunification_report_days, "reunificationReportDays");
        set!(no_contact_alert_days, "noContactAlertDays");
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> AppResult<NewAgency> {
        NewAgency::parse(
            " Орган опеки г. Сургута ",
            AgencyKind::Guardianship,
            "ХМАО – Югра",
            "Asia/Yekaterinburg",
            "opeka@surgut.example",
            None,
        )
    }

    #[test]
    fn a_valid_agency_speaks_russian_by_default() {
        let agency = valid().ok().unwrap();
        assert_eq!(agency.name, "Орган опеки г. Сургута");
        assert_eq!(agency.notification_language, NotificationLanguage::Ru);
    }

    #[test]
    fn each_bad_field_is_named() {
        let field = |r: AppResult<NewAgency>| match r {
            Err(crate::error::AppError::BadUserInput { field, .. }) => field,
            _ => String::new(),
        };
        let k = AgencyKind::Ngo;
        assert_eq!(
            field(NewAgency::parse("", k, "r", "UTC", "a@b.ru", None)),
            "name"
        );
        assert_eq!(
            field(NewAgency::parse("n", k, "", "UTC", "a@b.ru", None)),
            "region"
        );
        assert_eq!(
            field(NewAgency::parse(
                "n",
                k,
                "r",
                "Nowhere/City",
                "a@b.ru",
                None
            )),
            "timeZone"
        );
        assert_eq!(
            field(NewAgency::parse("n", k, "r", "UTC", "nope", None)),
            "contactEmail"
        );
    }
}
