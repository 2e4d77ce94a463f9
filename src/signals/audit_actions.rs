//! What work on signals records in the audit log.

crate::audit_actions! {
    /// A hospital reported a signal and passed it on.
    SIGNAL_REPORTED,
    /// A prevention service recorded a signal from another source.
    SIGNAL_RECORDED,
    /// A prevention service received a signal.
    SIGNAL_RECEIVED,
    /// The head of service assigned a curator.
    CURATOR_ASSIGNED,
    /// The head of service set the visit's due time.
    VISIT_DUE_SET,
    /// The curator recorded the visit and the initial report.
    VISIT_RECORDED,
    /// A signal was closed as not confirmed.
    SIGNAL_DISMISSED,
    /// A signal was confirmed and a case opened from it.
    SIGNAL_CONFIRMED,
}
