//! What transfers, referrals and their documents record in the audit log.

crate::audit_actions! {
    /// A transfer or referral was requested.
    HANDOVER_REQUESTED,
    /// The receiver accepted a transfer or referral.
    HANDOVER_ACCEPTED,
    /// The receiver declined a transfer or referral.
    HANDOVER_DECLINED,
    /// The sender cancelled a pending request.
    HANDOVER_CANCELLED,
    /// The receiver of a notice registered its receipt.
    NOTICE_ACKNOWLEDGED,
    /// A referral's receiver recorded the service given and closed it.
    REFERRAL_COMPLETED,
    /// An attached document was downloaded.
    DOCUMENT_DOWNLOADED,
}
