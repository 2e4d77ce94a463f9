//! The audit log's own action: reads of personal data.

crate::audit_actions! {
    /// Personal data was read (one event per request, listing what was read).
    PERSONAL_DATA_READ,
}
