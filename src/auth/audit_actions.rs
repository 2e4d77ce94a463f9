//! What sign-in and passwords record in the audit log.

crate::audit_actions! {
    /// A user signed in.
    LOGIN,
    /// A sign-in was refused.
    LOGIN_FAILED,
    /// A user signed out.
    LOGOUT,
    /// A user changed their own password.
    PASSWORD_CHANGED,
    /// An administrator set a user's password.
    PASSWORD_RESET,
}
