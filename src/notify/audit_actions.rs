//! What managing notifications records in the audit log.

crate::audit_actions! {
    /// An administrator put a FAILED notification back in the queue.
    NOTIFICATION_RESENT,
    /// A user changed which reminders they receive.
    NOTIFICATION_SETTINGS_CHANGED,
}
