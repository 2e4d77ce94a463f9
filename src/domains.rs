//! Every domain's registration: the audit actions it records, the notification kinds it
//! sends (with their templates), the kinds of record its notices are about (with their
//! web paths) and the reminders it raises. Each domain declares them in its own folder
//! (`audit_actions.rs`, `notices.rs`, `reminders.rs`) and exports one `DOMAIN`; a new
//! module adds one line below and edits nothing in `audit` or `notify`.
//!
//! The order is the order of the values in the GraphQL enums `AuditAction` and
//! `NotificationKind`.

#[cfg(test)]
mod example_mrg;

use crate::audit::actions::ActionInfo;
use crate::notify::kinds::KindSpec;
use crate::notify::reminders::Reminder;
use crate::notify::subjects::SubjectKind;

/// What one domain registers.
#[derive(Clone, Copy, Debug)]
pub struct Domain {
    /// The actions it records in the audit log.
    pub audit_actions: &'static [ActionInfo],
    /// The notifications it sends, each with its template.
    pub notification_kinds: &'static [KindSpec],
    /// The kinds of record its notices are about, each with its link.
    pub subject_kinds: &'static [SubjectKind],
    /// The reminders the scheduler raises for it, each round.
    pub reminders: &'static [Reminder],
}

impl Domain {
    /// Registers nothing: start from it with `..Domain::EMPTY`.
    pub const EMPTY: Domain = Domain {
        audit_actions: &[],
        notification_kinds: &[],
        subject_kinds: &[],
        reminders: &[],
    };
}

/// The registered domains, one line each.
pub const DOMAINS: &[Domain] = &[
    crate::auth::DOMAIN,
    crate::agencies::DOMAIN,
    crate::users::DOMAIN,
    crate::audit::DOMAIN,
    crate::signals::DOMAIN,
    crate::cases::DOMAIN,
    crate::casefiles::DOMAIN,
    crate::handovers::DOMAIN,
    crate::inforequests::DOMAIN,
    crate::plans::DOMAIN,
    crate::mrg::DOMAIN,
    crate::reunification::DOMAIN,
    crate::reports::DOMAIN,
    crate::casework::DOMAIN,
    crate::notify::DOMAIN,
    // The unit tests' pretend module, registered as a real one would be.
    #[cfg(test)]
    example_mrg::DOMAIN,
];
