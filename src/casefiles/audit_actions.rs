//! What the personal file records in the audit log.

crate::audit_actions! {
    /// A document was added to a case's personal file.
    CASE_DOCUMENT_ADDED,
    /// A document was removed from a case's personal file (the row stays).
    CASE_DOCUMENT_REMOVED,
    /// A document of a case's personal file was downloaded.
    CASE_DOCUMENT_DOWNLOADED,
}
