//! Roles a user holds in their agency (domain.md, "People").

use async_graphql::Enum;
use serde::{Deserialize, Serialize};

use crate::agencies::AgencyKind;

/// A role in an agency. Stored as its SCREAMING_SNAKE name.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Curator / case manager: leads the work with a family.
    Curator,
    /// Head of service: assigns curators, passes cases on.
    HeadOfService,
    /// The hospital's responsible specialist who registers and passes on signals.
    HospitalSpecialist,
    /// A psychologist, social worker or other specialist working on cases.
    Specialist,
    /// Guardianship officer: accepts transfers of cases where a child's rights are at risk.
    GuardianshipOfficer,
    /// Records MRG meetings, minutes and decisions.
    MrgSecretary,
    /// Chairs the MRG and approves its minutes.
    MrgChair,
    /// Rehabilitation-centre staff: report reunification progress.
    RehabilitationStaff,
    /// Manages the users of their own agency.
    AgencyAdmin,
    /// Reads reports; changes nothing.
    Analyst,
    /// Reads the effectiveness reports of every agency of its own agency's region, side
    /// by side, with no personal data and no journal numbers (issue 18).
    RegionalAnalyst,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 11] = [
        Role::Curator,
        Role::HeadOfService,
        Role::HospitalSpecialist,
        Role::Specialist,
        Role::GuardianshipOfficer,
        Role::MrgSecretary,
        Role::MrgChair,
        Role::RehabilitationStaff,
        Role::AgencyAdmin,
        Role::Analyst,
        Role::RegionalAnalyst,
    ];

    /// The stored name, e.g. `HEAD_OF_SERVICE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Curator => "CURATOR",
            Role::HeadOfService => "HEAD_OF_SERVICE",
            Role::HospitalSpecialist => "HOSPITAL_SPECIALIST",
            Role::Specialist => "SPECIALIST",
            Role::GuardianshipOfficer => "GUARDIANSHIP_OFFICER",
            Role::MrgSecretary => "MRG_SECRETARY",
            Role::MrgChair => "MRG_CHAIR",
            Role::RehabilitationStaff => "REHABILITATION_STAFF",
            Role::AgencyAdmin => "AGENCY_ADMIN",
            Role::Analyst => "ANALYST",
            Role::RegionalAnalyst => "REGIONAL_ANALYST",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The only agency kind where the role makes sense, for roles tied to one kind.
    pub fn required_agency_kind(self) -> Option<AgencyKind> {
        match self {
            Role::HospitalSpecialist => Some(AgencyKind::Maternity),
            Role::GuardianshipOfficer => Some(AgencyKind::Guardianship),
            Role::RehabilitationStaff => Some(AgencyKind::RehabilitationCentre),
            _ => None,
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// Hospital staff who register a signal and pass it to the prevention service.
pub const REPORT_SIGNALS: &[Role] = &[Role::HospitalSpecialist];
/// The service's people who record and receive signals, at any hour.
pub const RECEIVE_SIGNALS: &[Role] = &[Role::Curator, Role::HeadOfService, Role::Specialist];
/// Who assigns a signal's curator and sets when its visit is due.
pub const DIRECT_SIGNAL_WORK: &[Role] = &[Role::HeadOfService];
/// Who opens a case from a visited signal (a curator only from a signal assigned to them).
pub const OPEN_CASES: &[Role] = &[Role::HeadOfService, Role::Curator];
/// Who changes a case their agency leads (a curator, or a rehabilitation centre's staff
/// member, only the cases they curate: a centre leads the cases it opens from intakes).
pub const WORK_ON_LED_CASES: &[Role] = &[
    Role::HeadOfService,
    Role::Curator,
    Role::GuardianshipOfficer,
    Role::RehabilitationStaff,
];
/// Who works on every case their agency leads, not only as its curator.
pub const LEAD_EVERY_CASE: &[Role] = &[Role::HeadOfService, Role::GuardianshipOfficer];
/// Who passes a case on (a transfer), decides on transfers to their agency, cancels a
/// colleague's request, and sends a package without consent giving a reason.
pub const DECIDE_TRANSFERS: &[Role] = &[Role::HeadOfService, Role::GuardianshipOfficer];
/// Who accepts or declines a referral to their agency: its heads, and the rehabilitation
/// centre's staff, who give the service themselves.
pub const DECIDE_REFERRALS: &[Role] = &[
    Role::HeadOfService,
    Role::GuardianshipOfficer,
    Role::RehabilitationStaff,
];
/// Who gives the service of an accepted referral and records it; who may be named the
/// receiving curator.
pub const GIVE_REFERRED_SERVICE: &[Role] = &[
    Role::HeadOfService,
    Role::GuardianshipOfficer,
    Role::Curator,
    Role::Specialist,
    Role::RehabilitationStaff,
];
/// Who asks another agency for information about a case their agency leads (a curator
/// only on the cases they curate): the people who lead the work with the family. A
/// specialist asks through the curator.
pub const ASK_INFORMATION: &[Role] = &[
    Role::HeadOfService,
    Role::Curator,
    Role::GuardianshipOfficer,
];
/// Who answers an information request to their agency: the people who keep its records
/// of families (its heads, officers, curators, specialists, rehabilitation staff, a
/// hospital's responsible specialist). Not analysts, administrators or the MRG's roles.
pub const ANSWER_INFORMATION: &[Role] = &[
    Role::HeadOfService,
    Role::GuardianshipOfficer,
    Role::Curator,
    Role::Specialist,
    Role::RehabilitationStaff,
    Role::HospitalSpecialist,
];
/// Who keeps a rehabilitation centre's reunification record (starts it, reports
/// progress, records diagnostics, visits, the inspection, the return and the end of the
/// preventive work): the centre's staff and its heads.
pub const RECORD_REUNIFICATION: &[Role] = &[Role::RehabilitationStaff, Role::HeadOfService];
/// Who confirms their agency's part in a joint inspection of living conditions, as they
/// would sign the paper act: the people who go to the family.
pub const CONFIRM_INSPECTION: &[Role] = &[
    Role::HeadOfService,
    Role::GuardianshipOfficer,
    Role::Curator,
    Role::Specialist,
    Role::RehabilitationStaff,
];
/// Who passes information about a returned child between the centre and social
/// protection.
pub const PASS_REUNIFICATION_INFORMATION: &[Role] = &[
    Role::HeadOfService,
    Role::Curator,
    Role::Specialist,
    Role::RehabilitationStaff,
];
/// Who reads personal data where their agency's scope allows it: the people who work with
/// families. An analyst (reports) and an agency administrator (users) do not: a user with
/// only those roles sees every record as a summary, whatever their agency's scope.
pub const READ_PERSONAL_DATA: &[Role] = &[
    Role::Curator,
    Role::HeadOfService,
    Role::HospitalSpecialist,
    Role::Specialist,
    Role::GuardianshipOfficer,
    Role::MrgSecretary,
    Role::MrgChair,
    Role::RehabilitationStaff,
];

/// Who reads an agency's effectiveness report (issue 18): its head and analysts, a
/// hospital's responsible specialist, and a regional analyst (its region's agencies).
pub const READ_REPORTS: &[Role] = &[
    Role::HeadOfService,
    Role::Analyst,
    Role::HospitalSpecialist,
    Role::RegionalAnalyst,
];
/// Who drills a report down to the journal numbers behind its figures, and writes and
/// signs off the half-year conclusion: the head, of its own agency only.
pub const HEAD_REPORTS: &[Role] = &[Role::HeadOfService];
/// Who records a hospital's monthly births and refusals.
pub const RECORD_HOSPITAL_MONTHS: &[Role] = &[Role::HospitalSpecialist, Role::HeadOfService];

/// A set of roles, cheap to copy and check.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Roles(u16);

impl Roles {
    /// Whether the set holds `role`.
    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    /// Adds `role`.
    pub fn insert(&mut self, role: Role) {
        self.0 |= role.bit();
    }

    /// The roles in a stable order.
    pub fn to_vec(self) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|r| self.contains(*r))
            .collect()
    }

    /// Whether no role is held.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<Role> for Roles {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        let mut roles = Roles::default();
        for role in iter {
            roles.insert(role);
        }
        roles
    }
}

impl std::fmt::Debug for Roles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.to_vec()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_stored_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("HUB_ADMIN"), None);
    }

    #[test]
    fn a_role_set_holds_exactly_what_was_inserted() {
        let roles: Roles = [Role::Curator, Role::AgencyAdmin].into_iter().collect();
        assert!(roles.contains(Role::Curator));
        assert!(roles.contains(Role::AgencyAdmin));
        assert!(!roles.contains(Role::HeadOfService));
        assert_eq!(roles.to_vec(), vec![Role::Curator, Role::AgencyAdmin]);
    }

    #[test]
    fn analysts_and_agency_administrators_read_no_personal_data() {
        for role in Role::ALL {
            let reads = READ_PERSONAL_DATA.contains(&role);
            assert_eq!(
                reads,
                !matches!(
                    role,
                    Role::Analyst | Role::AgencyAdmin | Role::RegionalAnalyst
                ),
                "{role:?}"
            );
        }
    }

    #[test]
    fn a_guardianship_officer_belongs_to_a_guardianship_authority() {
        assert_eq!(
            Role::GuardianshipOfficer.required_agency_kind(),
            Some(AgencyKind::Guardianship)
        );
        assert_eq!(Role::MrgSecretary.required_agency_kind(), None);
    }
}
