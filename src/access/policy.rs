//! Role checks for administrative actions. A wrong role is `FORBIDDEN`; case data is
//! filtered by scope in SQL instead (see [`super::sql`]).

use uuid::Uuid;

use super::{Actor, Role};
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
