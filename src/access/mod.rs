//! Who may see and do what: the only place in the hub that decides.
//!
//! - [`Caller`]: one request's caller (its actor, request id, time and read log), which
//!   every transport builds and every service takes.
//! - [`Actor`]: the signed-in user a request acts as (user, agency, roles), and the
//!   [`Viewer`] it reads as (its agency, and the widest scope its roles allow).
//! - [`roles`]: the roles, and the role lists named for what their holders may do.
//! - [`policy`]: role checks for actions (wrong role → `FORBIDDEN`), and the ground on
//!   which a case's data goes to another agency.
//! - [`participation`]: an agency's scope on a case (`FULL` or `SUMMARY`), granted and
//!   revoked only by workflow events.
//! - [`sql`]: the same rules as SQL fragments, which every scoped query filters by, so rows
//!   outside the viewer's scope are never loaded and personal columns come back NULL
//!   below `FULL` (out of scope → `NOT_FOUND`).
//! - [`personal`]: personal data as the read side hands it out, sealed until a caller
//!   opens it, which notes the read for the audit.

pub mod caller;
pub mod mrg;
pub mod participation;
pub mod personal;
pub mod plans;
pub mod policy;
pub mod roles;
pub mod sql;
pub mod store;

use uuid::Uuid;

pub use caller::{Caller, ReadLog};
pub use participation::{ParticipationKind, Scope};
pub use personal::Personal;
pub use roles::{Role, Roles};

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

/// What a viewer may read, as far as the viewer itself goes: its agency (whose scopes
/// decide what exists for it) and the widest scope its roles allow. A user whose roles do
/// not read personal data ([`roles::READ_PERSONAL_DATA`]) has a `SUMMARY` ceiling: every
/// record it reaches reads as a summary. Every scoped query takes one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Viewer {
    /// The viewer's agency; `None` (a hub administrator) reaches no case data.
    pub agency_id: Option<Uuid>,
    /// The widest scope the viewer's roles allow.
    pub ceiling: Scope,
}

impl Viewer {
    /// The viewer a request's actor is.
    pub fn of(actor: &Actor) -> Viewer {
        let reads_personal_data = roles::READ_PERSONAL_DATA.iter().any(|r| actor.has(*r));
        Viewer {
            agency_id: actor.agency_id,
            ceiling: if reads_personal_data {
                Scope::Full
            } else {
                Scope::Summary
            },
        }
    }

    /// The agency's scope cut down to what the viewer's roles allow.
    pub fn cap(self, scope: Option<Scope>) -> Option<Scope> {
        scope.map(|s| s.min(self.ceiling))
    }

    /// The ceiling as the scope SQL binds it (2 = FULL, 1 = SUMMARY; see [`sql`]).
    pub fn ceiling_rank(self) -> i32 {
        match self.ceiling {
            Scope::Full => 2,
            Scope::Summary => 1,
        }
    }
}

/// What an agency sees of a signal. Until a case is opened from it: the receiving
/// service everything, the sending hospital the summary, anyone else nothing. Once a case
/// is opened (`case_scope` is `Some`, holding the agency's scope on that case), the signal
/// is part of the case and is seen as the case is: after a transfer the new lead reads it
/// in full and the former lead as its participation on the case allows.
/// [`sql::signal_scope_rank`] says the same in SQL.
pub fn signal_scope(
    agency: Option<Uuid>,
    service: Uuid,
    sender: Option<Uuid>,
    case_scope: Option<Option<Scope>>,
) -> Option<Scope> {
    let agency = agency?;
    match case_scope {
        Some(on_case) => on_case,
        None if agency == service => Some(Scope::Full),
        None if Some(agency) == sender => Some(Scope::Summary),
        None => None,
    }
}

/// Whether a viewer may read a handover's package (the records and documents that go
/// with it): a viewer whose roles read personal data, of an agency working on the case
/// with `FULL` scope, or of the receiver while the request waits for its decision and the
/// ground for sharing it still holds (the law, a head's override, or a consent that
/// covers the receiver and is not withdrawn). `pending` also holds for a notice whose
/// receipt the receiver acknowledged: passing that information on is the notice's
/// purpose. After a decline or a cancel the receiver reads nothing. `case_scope` is the
/// viewer's scope on the case, already capped.
/// [`sql::package_visible`] says the same in SQL.
pub fn package_visible(
    viewer: Viewer,
    receiver: Uuid,
    pending: bool,
    case_scope: Option<Scope>,
    sharing_ground_holds: bool,
) -> bool {
    if viewer.ceiling != Scope::Full {
        return false;
    }
    match viewer.agency_id {
        None => false,
        Some(_) if case_scope == Some(Scope::Full) => true,
        Some(agency) => agency == receiver && pending && sharing_ground_holds,
    }
}

/// Whether a viewer reads the sender's free-text reason for a request: the sender
/// always (it wrote it), the receiver while it decides or works on the request
/// (`PENDING`, `ACCEPTED`, `ACKNOWLEDGED`), never after it declined or the sender
/// cancelled, and never a viewer whose roles read no personal data. `active_for_receiver`:
/// the request is pending, accepted or an acknowledged notice. [`sql::handover_reason_visible`] says the same in SQL.
pub fn handover_reason_visible(
    viewer: Viewer,
    sender: Uuid,
    receiver: Uuid,
    active_for_receiver: bool,
) -> bool {
    viewer.ceiling == Scope::Full
        && viewer
            .agency_id
            .is_some_and(|a| a == sender || (a == receiver && active_for_receiver))
}

/// Whether a viewer sees an information request: its agency received it, or sent it
/// and holds any scope on the case, or reads the case in FULL (the answer is filed in
/// the case). `case_scope` is the viewer's scope on the case, already capped.
/// [`sql::information_request_visible`] says the same in SQL.
pub fn information_request_visible(
    viewer: Viewer,
    sender: Uuid,
    receiver: Uuid,
    case_scope: Option<Scope>,
) -> bool {
    let Some(agency) = viewer.agency_id else {
        return false;
    };
    agency == receiver
        || case_scope == Some(Scope::Full)
        || (agency == sender && case_scope.is_some())
}

/// Whether a viewer reads an information request's words and the answer's documents:
/// roles that read personal data, of the receiving agency or reading the case in FULL.
/// [`sql::information_request_text_visible`] says the same in SQL.
pub fn information_request_text_visible(
    viewer: Viewer,
    receiver: Uuid,
    case_scope: Option<Scope>,
) -> bool {
    viewer.ceiling == Scope::Full
        && viewer
            .agency_id
            .is_some_and(|a| a == receiver || case_scope == Some(Scope::Full))
}

/// Whether a viewer reads what identifies the person an information request is about
/// (the mother's name and birth date): the receiver, while the request is open, with
/// roles that read personal data. Once answered or withdrawn, the receiver's need ends.
/// [`sql::information_identity_visible`] says the same in SQL.
pub fn information_identity_visible(viewer: Viewer, receiver: Uuid, open: bool) -> bool {
    viewer.ceiling == Scope::Full && open && viewer.agency_id == Some(receiver)
}

/// Whether a viewer reads the words of a reunification entry (a report's text, a
/// visit's findings, the inspection act…): roles that read personal data, and the
/// agency reads the case in FULL, or wrote the entry, or is the one it was passed to
/// (information after the return), or took part in the inspection it records (as each
/// body signing the paper act reads it). Everyone else who sees the reunification (any
/// scope on the case) reads its stages, dates and verdicts only.
/// [`sql::reunification_text_visible`] says the same in SQL.
pub fn reunification_text_visible(
    viewer: Viewer,
    case_scope: Option<Scope>,
    author: Uuid,
    addressee: Option<Uuid>,
    inspection_party: bool,
) -> bool {
    viewer.ceiling == Scope::Full
        && viewer.agency_id.is_some_and(|a| {
            case_scope == Some(Scope::Full)
                || a == author
                || addressee == Some(a)
                || inspection_party
        })
}

impl Actor {
    /// Whether the actor holds `role` in their agency.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(role)
    }

    /// The viewer this actor reads as.
    pub fn viewer(&self) -> Viewer {
        Viewer::of(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(agency: Option<Uuid>, ceiling: Scope) -> Viewer {
        Viewer {
            agency_id: agency,
            ceiling,
        }
    }

    #[test]
    fn the_service_sees_a_signal_in_full_and_the_hospital_its_summary() {
        let (service, hospital, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let before_case = |agency| signal_scope(agency, service, Some(hospital), None);
        assert_eq!(before_case(Some(service)), Some(Scope::Full));
        assert_eq!(before_case(Some(hospital)), Some(Scope::Summary));
        assert_eq!(before_case(Some(other)), None);
        assert_eq!(before_case(None), None);
    }

    #[test]
    fn a_signal_with_a_case_is_seen_as_the_case_is() {
        let (service, hospital, guardianship) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let after = |agency, on_case| signal_scope(Some(agency), service, Some(hospital), on_case);
        // After a transfer: the former lead holds the summary, the new lead everything.
        assert_eq!(
            after(service, Some(Some(Scope::Summary))),
            Some(Scope::Summary)
        );
        assert_eq!(
            after(guardianship, Some(Some(Scope::Full))),
            Some(Scope::Full)
        );
        assert_eq!(after(service, Some(None)), None);
    }

    #[test]
    fn an_analyst_reads_everything_as_a_summary() {
        let agency = Some(Uuid::now_v7());
        let analyst = viewer(agency, Scope::Summary);
        assert_eq!(analyst.cap(Some(Scope::Full)), Some(Scope::Summary));
        assert_eq!(analyst.cap(None), None);
        assert_eq!(
            viewer(agency, Scope::Full).cap(Some(Scope::Full)),
            Some(Scope::Full)
        );
        let admin = Actor {
            user_id: Uuid::now_v7(),
            agency_id: agency,
            roles: [Role::Analyst, Role::AgencyAdmin].into_iter().collect(),
            hub_admin: false,
            session_id: Uuid::now_v7(),
        };
        assert_eq!(admin.viewer().ceiling, Scope::Summary);
    }

    #[test]
    fn the_receiver_reads_the_package_only_while_it_decides_on_a_ground_that_holds() {
        let (receiver, lead, hospital) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let summary = Some(Scope::Summary);
        let full = |a| viewer(Some(a), Scope::Full);
        assert!(package_visible(
            full(receiver),
            receiver,
            true,
            summary,
            true
        ));
        assert!(!package_visible(
            full(receiver),
            receiver,
            true,
            summary,
            false
        ));
        assert!(!package_visible(
            full(receiver),
            receiver,
            false,
            None,
            true
        ));
        assert!(package_visible(
            full(lead),
            receiver,
            false,
            Some(Scope::Full),
            true
        ));
        // The sending hospital holds the summary: no package for it.
        assert!(!package_visible(
            full(hospital),
            receiver,
            true,
            summary,
            true
        ));
        assert!(!package_visible(
            viewer(None, Scope::Full),
            receiver,
            true,
            None,
            true
        ));
        // An analyst of the receiver or of the lead: none.
        let analyst = viewer(Some(receiver), Scope::Summary);
        assert!(!package_visible(analyst, receiver, true, summary, true));
    }

    #[test]
    fn an_information_request_shows_its_receiver_the_identity_only_while_open() {
        let (sender, receiver, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let full = |a| viewer(Some(a), Scope::Full);
        assert!(information_request_visible(
            full(receiver),
            sender,
            receiver,
            None
        ));
        assert!(information_request_visible(
            full(sender),
            sender,
            receiver,
            Some(Scope::Summary)
        ));
        assert!(!information_request_visible(
            full(sender),
            sender,
            receiver,
            None
        ));
        assert!(!information_request_visible(
            full(other),
            sender,
            receiver,
            Some(Scope::Summary)
        ));
        assert!(information_request_visible(
            full(other),
            sender,
            receiver,
            Some(Scope::Full)
        ));
        assert!(information_request_text_visible(
            full(receiver),
            receiver,
            None
        ));
        assert!(!information_request_text_visible(
            full(sender),
            receiver,
            Some(Scope::Summary)
        ));
        let analyst = viewer(Some(receiver), Scope::Summary);
        assert!(!information_request_text_visible(analyst, receiver, None));
        assert!(information_identity_visible(full(receiver), receiver, true));
        assert!(!information_identity_visible(
            full(receiver),
            receiver,
            false
        ));
        assert!(!information_identity_visible(full(sender), receiver, true));
        assert!(!information_identity_visible(analyst, receiver, true));
    }

    #[test]
    fn a_receiver_that_declined_stops_reading_the_senders_reason() {
        let (sender, receiver, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let full = |a| viewer(Some(a), Scope::Full);
        assert!(handover_reason_visible(
            full(sender),
            sender,
            receiver,
            false
        ));
        assert!(handover_reason_visible(
            full(receiver),
            sender,
            receiver,
            true
        ));
        assert!(!handover_reason_visible(
            full(receiver),
            sender,
            receiver,
            false
        ));
        assert!(!handover_reason_visible(
            full(other),
            sender,
            receiver,
            true
        ));
        let analyst = viewer(Some(sender), Scope::Summary);
        assert!(!handover_reason_visible(analyst, sender, receiver, true));
    }
}
