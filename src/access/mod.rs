//! Who may see and do what: the only place in the hub that decides.
//!
//! - [`Actor`]: the signed-in user a request acts as (user, agency, roles).
//! - [`policy`]: role checks for administrative actions (wrong role → `FORBIDDEN`).
//! - [`participation`]: an agency's scope on a case (`FULL` or `SUMMARY`), granted and
//!   revoked only by workflow events.
//! - [`sql`]: the SQL fragment every case-scoped query filters by, so rows outside the
//!   caller's scope are never loaded (out of scope → `NOT_FOUND`).

pub mod participation;
pub mod policy;
pub mod roles;
pub mod sql;
pub mod store;

use uuid::Uuid;

pub use participation::{ParticipationKind, Scope};
pub use roles::{Role, Roles};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_sees_a_signal_in_full_and_the_hospital_its_summary() {
        let (service, hospital, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        assert_eq!(
            signal_scope(Some(service), service, Some(hospital)),
            Some(Scope::Full)
        );
        assert_eq!(
            signal_scope(Some(hospital), service, Some(hospital)),
            Some(Scope::Summary)
        );
        assert_eq!(signal_scope(Some(other), service, Some(hospital)), None);
        assert_eq!(signal_scope(None, service, Some(hospital)), None);
    }

    #[test]
    fn the_receiver_reads_the_package_only_while_it_decides() {
        let (receiver, lead, hospital) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let summary = Some(Scope::Summary);
        assert!(package_visible(Some(receiver), receiver, true, summary));
        assert!(!package_visible(Some(receiver), receiver, false, None));
        assert!(package_visible(
            Some(lead),
            receiver,
            false,
            Some(Scope::Full)
        ));
        // The sending hospital holds the summary: no package for it.
        assert!(!package_visible(Some(hospital), receiver, true, summary));
        assert!(!package_visible(None, receiver, true, None));
    }
}

/// The user a request acts as, resolved from the bearer token on every request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The signed-in user.
    pub user_id: Uuid,
    /// The user's agency; `None` only for hub administrators, who belong to none and so
    /// reach no case data.
    pub agency_id: Option<Uuid>,
    /// The user's roles in their agency.
    pub roles: Roles,
    /// Manages agencies and every agency's users.
    pub hub_admin: bool,
    /// The session the token belongs to (ended by `logout`).
    pub session_id: Uuid,
}

/// What an agency sees of a signal: the receiving service everything, the sending
/// hospital only the summary once it has passed the signal on (always, here: reporting
/// passes it), anyone else nothing.
pub fn signal_scope(agency: Option<Uuid>, service: Uuid, sender: Option<Uuid>) -> Option<Scope> {
    let agency = agency?;
    if agency == service {
        Some(Scope::Full)
    } else if Some(agency) == sender {
        Some(Scope::Summary)
    } else {
        None
    }
}

/// Whether an agency may read a handover's package (the records and documents that go
/// with it): an agency working on the case with `FULL` scope, or the receiver while the
/// request waits for its decision. After a decline or a cancel the receiver reads nothing.
pub fn package_visible(
    agency: Option<Uuid>,
    receiver: Uuid,
    pending: bool,
    case_scope: Option<Scope>,
) -> bool {
    match agency {
        None => false,
        Some(_) if case_scope == Some(Scope::Full) => true,
        Some(agency) => agency == receiver && pending,
    }
}

impl Actor {
    /// Whether the actor holds `role` in their agency.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(role)
    }
}
