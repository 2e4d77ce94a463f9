//! What the agency directory records in the audit log.

crate::audit_actions! {
    /// A hub administrator created an agency.
    AGENCY_CREATED,
    /// A hub administrator changed an agency.
    AGENCY_UPDATED,
}
