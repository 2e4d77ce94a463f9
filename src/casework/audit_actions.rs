//! What case work records in the audit log.

crate::audit_actions! {
    /// An agency registered an intake in its own journal and opened a case with itself
    /// as lead.
    INTAKE_REGISTERED,
    /// A specialist's work with a family was entered in the case's work log.
    WORK_LOGGED,
}
