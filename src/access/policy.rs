//! Role checks for administrative actions. A wrong role is `FORBIDDEN`; case data is
//! filtered by scope in SQL instead (see [`super::sql`]).

use uuid::Uuid;

use super::{roles, Actor, Role};
use crate::error::{AppError, AppResult};

/// Only hub administrators manage agencies.
pub fn ensure_hub_admin(actor: &Actor) -> AppResult<()> {
    if actor.hub_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden("only a hub administrator may do this"))
    }
}

/// The actor must hold one of `roles` in their agency.
pub fn ensure_any_role(actor: &Actor, roles: &[Role], what: &'static str) -> AppResult<()> {
    if roles.iter().any(|r| actor.has(*r)) {
        Ok(())
    } else {
        Err(AppError::Forbidden(what))
    }
}

/// Who decides on a request to their agency: its heads for a transfer (the lead moves
/// under their order); its heads and the rehabilitation centre's staff, who give the
/// service themselves, for a referral.
pub fn ensure_decides_on(actor: &Actor, transfer: bool) -> AppResult<()> {
    if transfer {
        ensure_any_role(
            actor,
            roles::DECIDE_TRANSFERS,
            "only the head decides on a transfer",
        )
    } else {
        ensure_any_role(
            actor,
            roles::DECIDE_REFERRALS,
            "deciding on referrals to your agency",
        )
    }
}

/// Who asks another agency for information about a case: [`roles::ASK_INFORMATION`]
/// (that the case is their agency's, and theirs to curate, `cases::led_case` checks).
pub fn ensure_asks_information(actor: &Actor) -> AppResult<()> {
    ensure_any_role(
        actor,
        roles::ASK_INFORMATION,
        "only the case's curator or a head asks another agency",
    )
}

/// Who answers an information request to their agency: [`roles::ANSWER_INFORMATION`].
pub fn ensure_answers_information(actor: &Actor) -> AppResult<()> {
    ensure_any_role(
        actor,
        roles::ANSWER_INFORMATION,
        "answering information requests to your agency",
    )
}

/// Who withdraws an open information request their agency sent: whoever sent it, or a
/// head ([`roles::DECIDE_TRANSFERS`]).
pub fn ensure_withdraws_information(actor: &Actor, requested_by: Uuid) -> AppResult<()> {
    if actor.user_id == requested_by {
        return Ok(());
    }
    ensure_any_role(
        actor,
        roles::DECIDE_TRANSFERS,
        "only the head or whoever sent it withdraws a request",
    )
}

/// The ground on which a case's personal data goes to another agency (152-FZ; seeds 001,
/// 002: consent is recorded before data is shared).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SharingGround {
    /// The law requires the handover: a transfer to guardianship.
    LegalDuty,
    /// This consent to personal-data processing covers the receiving agency.
    Consent(Uuid),
    /// No consent covers the receiver; a head sends anyway, for this reason.
    Override(String),
}

/// Decides the ground for sending a case's package to a receiver: the law when
/// `legal_duty`; else a consent covering the receiver (`covering_consent`); else a
/// head's override with its reason. Without any, the request is refused naming
/// `consentOverrideReason`; an override by anyone but a head is `FORBIDDEN`.
pub fn sharing_ground(
    actor: &Actor,
    legal_duty: bool,
    covering_consent: Option<Uuid>,
    override_reason: Option<String>,
) -> AppResult<SharingGround> {
    if legal_duty {
        return Ok(SharingGround::LegalDuty);
    }
    if let Some(consent) = covering_consent {
        return Ok(SharingGround::Consent(consent));
    }
    match override_reason {
        Some(reason) => {
            ensure_any_role(
                actor,
                roles::DECIDE_TRANSFERS,
                "only a head sends a package without consent",
            )?;
            Ok(SharingGround::Override(reason))
        }
        None => Err(AppError::bad_input(
            "consentOverrideReason",
            "no consent to personal-data processing covers the receiving agency: record \
             one, or give the head's reason to send without it",
        )),
    }
}

/// Hub administrators manage every agency's users; an agency administrator only their own.
pub fn ensure_manages_users_of(actor: &Actor, agency_id: Uuid) -> AppResult<()> {
    if actor.hub_admin {
        return Ok(());
    }
    if !actor.has(Role::AgencyAdmin) {
        return Err(AppError::Forbidden(
            "only an agency administrator may manage users",
        ));
    }
    if actor.agency_id == Some(agency_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "an agency administrator manages their own agency's users only",
        ))
    }
}

/// Whether the actor may see a user's private fields (e-mail, active flag): their own
/// agency's people, or anyone for a hub administrator. Others see name, agency and roles.
pub fn sees_private_user_fields(actor: &Actor, user_agency: Option<Uuid>) -> bool {
    actor.hub_admin || (actor.agency_id.is_some() && actor.agency_id == user_agency)
}

/// Which audit events an actor may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditView {
    /// Every event (hub administrators).
    All,
    /// Events by this agency's people (agency administrators).
    Agency(Uuid),
}

/// Hub administrators read the whole audit log; agency administrators their agency's part.
pub fn audit_view(actor: &Actor) -> AppResult<AuditView> {
    if actor.hub_admin {
        return Ok(AuditView::All);
    }
    match actor.agency_id {
        Some(agency) if actor.has(Role::AgencyAdmin) => Ok(AuditView::Agency(agency)),
        _ => Err(AppError::Forbidden(
            "only administrators read the audit log",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Roles;

    fn actor(agency: Option<Uuid>, roles: &[Role], hub_admin: bool) -> Actor {
        Actor {
            user_id: Uuid::now_v7(),
            agency_id: agency,
            roles: roles.iter().copied().collect::<Roles>(),
            hub_admin,
            session_id: Uuid::now_v7(),
        }
    }

    #[test]
    fn a_package_goes_by_law_by_consent_or_by_a_heads_reason() {
        let agency = Some(Uuid::now_v7());
        let head = actor(agency, &[Role::HeadOfService], false);
        let curator = actor(agency, &[Role::Curator], false);
        let consent = Uuid::now_v7();
        let reason = || Some("Мать дала согласие устно".to_owned());
        assert_eq!(
            sharing_ground(&curator, true, None, None).ok(),
            Some(SharingGround::LegalDuty)
        );
        assert_eq!(
            sharing_ground(&curator, false, Some(consent), reason()).ok(),
            Some(SharingGround::Consent(consent))
        );
        assert!(matches!(
            sharing_ground(&head, false, None, reason()),
            Ok(SharingGround::Override(_))
        ));
        assert!(matches!(
            sharing_ground(&curator, false, None, reason()),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            sharing_ground(&head, false, None, None),
            Err(AppError::BadUserInput { field, .. }) if field == "consentOverrideReason"
        ));
    }

    #[test]
    fn a_rehabilitation_centre_decides_on_referrals_but_not_transfers() {
        let rehab = actor(Some(Uuid::now_v7()), &[Role::RehabilitationStaff], false);
        assert!(ensure_decides_on(&rehab, false).is_ok());
        assert!(matches!(
            ensure_decides_on(&rehab, true),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn curators_and_heads_ask_and_the_receivers_record_keepers_answer() {
        let agency = Some(Uuid::now_v7());
        let curator = actor(agency, &[Role::Curator], false);
        let specialist = actor(agency, &[Role::Specialist], false);
        let analyst = actor(agency, &[Role::Analyst], false);
        assert!(ensure_asks_information(&curator).is_ok());
        assert!(ensure_asks_information(&specialist).is_err());
        assert!(ensure_answers_information(&specialist).is_ok());
        assert!(ensure_answers_information(&analyst).is_err());
        assert!(ensure_withdraws_information(&specialist, specialist.user_id).is_ok());
        assert!(ensure_withdraws_information(&specialist, curator.user_id).is_err());
    }

    #[test]
    fn a_hub_admin_manages_any_agencys_users() {
        let admin = actor(None, &[], true);
        assert!(ensure_manages_users_of(&admin, Uuid::now_v7()).is_ok());
        assert!(ensure_hub_admin(&admin).is_ok());
    }

    #[test]
    fn an_agency_admin_manages_only_their_own_agency() {
        let own = Uuid::now_v7();
        let admin = actor(Some(own), &[Role::AgencyAdmin], false);
        assert!(ensure_manages_users_of(&admin, own).is_ok());
        assert!(matches!(
            ensure_manages_users_of(&admin, Uuid::now_v7()),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            ensure_hub_admin(&admin),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn a_curator_manages_no_users() {
        let own = Uuid::now_v7();
        let curator = actor(Some(own), &[Role::Curator], false);
        assert!(matches!(
            ensure_manages_users_of(&curator, own),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn other_agencies_people_show_no_private_fields() {
        let own = Uuid::now_v7();
        let curator = actor(Some(own), &[Role::Curator], false);
        assert!(sees_private_user_fields(&curator, Some(own)));
        assert!(!sees_private_user_fields(&curator, Some(Uuid::now_v7())));
        assert!(!sees_private_user_fields(&curator, None));
    }

    #[test]
    fn only_administrators_read_the_audit_log() {
        let own = Uuid::now_v7();
        assert_eq!(
            audit_view(&actor(None, &[], true)).ok(),
            Some(AuditView::All)
        );
        assert_eq!(
            audit_view(&actor(Some(own), &[Role::AgencyAdmin], false)).ok(),
            Some(AuditView::Agency(own))
        );
        assert!(audit_view(&actor(Some(own), &[Role::Analyst], false)).is_err());
    }
}
