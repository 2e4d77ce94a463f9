//! The personal file's rules, as plain functions: what a complete file holds for the kind
//! of agency that leads the case, what is missing, and who keeps the file.

use super::model::CaseDocumentType as T;
use crate::access::Role;
use crate::agencies::AgencyKind;

/// Who adds documents to the file of a case their agency leads: the people who keep its
/// records of families. Not analysts, administrators or the MRG's roles.
pub const KEEP_FILE: &[Role] = &[
    Role::HeadOfService,
    Role::GuardianshipOfficer,
    Role::Curator,
    Role::Specialist,
    Role::RehabilitationStaff,
];

/// Who removes any document of the file (anyone of [`KEEP_FILE`] removes what they
/// uploaded themselves).
pub const REMOVE_ANY: &[Role] = &[Role::HeadOfService, Role::GuardianshipOfficer];

/// What a complete personal file holds when an agency of `kind` leads the case, from the
/// seeds:
/// - the prevention service (001 l.484–488): the mother's identity, the child's birth
///   certificate, her signed consent, and the signed copy of the plan (two copies, one
///   for the client); the signal sheet and monitoring sheet are records of the hub, not
///   scans;
/// - the NGO shelter (002 l.312–338): copies of the passport, birth certificate, medical
///   policy and medical documents, the application for admission, the consent, the
///   contract for free services, and the plan;
/// - social protection (004 l.162–175): the client's application, identity, consent, the
///   contract for social services and the signed ИППСУ;
/// - the rehabilitation centre (003 l.53–67): the child's birth certificate, medical
///   policy and medical documents, the order or act it was placed on, the parents'
///   consent and the signed ИПСР;
/// - guardianship: the identity and birth documents, the inspection act and its order.
///
/// A maternity hospital never leads a case: nothing.
pub fn checklist(kind: AgencyKind) -> &'static [T] {
    match kind {
        AgencyKind::PreventionService => &[
            T::IdentityDocument,
            T::BirthCertificate,
            T::SignedConsent,
            T::SignedPlanCopy,
        ],
        AgencyKind::Ngo => &[
            T::IdentityDocument,
            T::BirthCertificate,
            T::MedicalInsurancePolicy,
            T::MedicalDocument,
            T::SignedApplication,
            T::SignedConsent,
            T::SignedContract,
            T::SignedPlanCopy,
        ],
        AgencyKind::SocialProtection => &[
            T::IdentityDocument,
            T::SignedApplication,
            T::SignedConsent,
            T::SignedContract,
            T::SignedPlanCopy,
        ],
        AgencyKind::RehabilitationCentre => &[
            T::BirthCertificate,
            T::MedicalInsurancePolicy,
            T::MedicalDocument,
            T::Order,
            T::SignedConsent,
            T::SignedPlanCopy,
        ],
        AgencyKind::Guardianship => &[T::IdentityDocument, T::BirthCertificate, T::Act, T::Order],
        AgencyKind::Maternity => &[],
    }
}

/// The checklist for `kind` with, for each item, whether the file holds a document of
/// that type (`present`: the types of the file's documents, in any order).
pub fn checklist_state(kind: AgencyKind, present: &[T]) -> Vec<(T, bool)> {
    checklist(kind)
        .iter()
        .map(|t| (*t, present.contains(t)))
        .collect()
}

/// What the file lacks for `kind`.
pub fn missing(kind: AgencyKind, present: &[T]) -> Vec<T> {
    checklist_state(kind, present)
        .into_iter()
        .filter(|(_, there)| !there)
        .map(|(t, _)| t)
        .collect()
}

/// Whether `remover` (of the lead agency) may remove a document `uploader` uploaded:
/// their own, or any as its head or guardianship officer.
pub fn may_remove(remover_is_head: bool, remover: uuid::Uuid, uploader: uuid::Uuid) -> bool {
    remover_is_head || remover == uploader
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_leading_kind_has_a_checklist_and_the_hospital_none() {
        for kind in [
            AgencyKind::PreventionService,
            AgencyKind::Ngo,
            AgencyKind::SocialProtection,
            AgencyKind::RehabilitationCentre,
            AgencyKind::Guardianship,
        ] {
            assert!(!checklist(kind).is_empty(), "{kind:?}");
            assert!(!checklist(kind).contains(&T::Other), "{kind:?}");
        }
        assert!(checklist(AgencyKind::Maternity).is_empty());
    }

    #[test]
    fn the_shelter_asks_for_its_contract_and_application_the_service_does_not() {
        let shelter = checklist(AgencyKind::Ngo);
        assert!(shelter.contains(&T::SignedContract));
        assert!(shelter.contains(&T::SignedApplication));
        assert!(shelter.contains(&T::MedicalInsurancePolicy));
        let service = checklist(AgencyKind::PreventionService);
        assert!(!service.contains(&T::SignedContract));
        assert!(service.contains(&T::SignedPlanCopy));
        assert!(checklist(AgencyKind::RehabilitationCentre).contains(&T::Order));
        assert!(checklist(AgencyKind::Guardianship).contains(&T::Act));
    }

    #[test]
    fn missing_is_what_the_checklist_names_and_the_file_lacks() {
        let present = [T::BirthCertificate, T::Other, T::BirthCertificate];
        assert_eq!(
            missing(AgencyKind::PreventionService, &present),
            vec![T::IdentityDocument, T::SignedConsent, T::SignedPlanCopy]
        );
        let all = checklist(AgencyKind::Ngo).to_vec();
        assert!(missing(AgencyKind::Ngo, &all).is_empty());
        let state = checklist_state(AgencyKind::Guardianship, &[T::Act]);
        assert_eq!(
            state,
            vec![
                (T::IdentityDocument, false),
                (T::BirthCertificate, false),
                (T::Act, true),
                (T::Order, false)
            ]
        );
    }

    #[test]
    fn a_document_is_removed_by_its_uploader_or_a_head() {
        let (a, b) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        assert!(may_remove(false, a, a));
        assert!(!may_remove(false, a, b));
        assert!(may_remove(true, a, b));
    }
}
