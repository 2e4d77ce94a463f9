//! What work on cases records in the audit log.

crate::audit_actions! {
    /// A case was opened.
    CASE_OPENED,
    /// A case moved, was extended, monitored or closed.
    CASE_UPDATED,
    /// A person was added to a case.
    CASE_PERSON_ADDED,
    /// A consent was recorded.
    CONSENT_RECORDED,
    /// A consent was withdrawn: sharing with the agencies it covered stops.
    CONSENT_WITHDRAWN,
}
