//! What information requests record in the audit log.

crate::audit_actions! {
    /// The lead agency asked another agency for information about a case.
    INFORMATION_REQUESTED,
    /// The receiving agency answered an information request.
    INFORMATION_REQUEST_ANSWERED,
    /// The sender withdrew an open information request.
    INFORMATION_REQUEST_WITHDRAWN,
    /// A document of an answer was downloaded.
    ANSWER_DOCUMENT_DOWNLOADED,
}
