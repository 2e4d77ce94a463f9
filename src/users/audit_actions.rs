//! What managing people records in the audit log.

crate::audit_actions! {
    /// A user was created.
    USER_CREATED,
    /// A user's name, e-mail or roles changed.
    USER_UPDATED,
    /// A user was deactivated: their sessions ended at once.
    USER_DEACTIVATED,
    /// A user was reactivated.
    USER_REACTIVATED,
}
