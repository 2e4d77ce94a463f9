//! What the MRG records in the audit log.

crate::audit_actions! {
    /// A working group was created.
    MRG_GROUP_CREATED,
    /// A member or an external participant was added to a working group.
    MRG_MEMBER_ADDED,
    /// The lead agency submitted a case to a working group.
    MRG_CASE_SUBMITTED,
    /// An MRG meeting was scheduled.
    MRG_MEETING_SCHEDULED,
    /// A case was put on an MRG meeting's agenda (member agencies see its summary).
    MRG_CASE_ON_AGENDA,
    /// The attendance of an MRG meeting was recorded.
    MRG_ATTENDANCE_RECORDED,
    /// A draft of an MRG agenda item's minutes was saved.
    MRG_MINUTES_SAVED,
    /// The chair approved an MRG meeting's minutes.
    MRG_MINUTES_APPROVED,
    /// Approved MRG minutes were amended.
    MRG_MINUTES_AMENDED,
    /// A recommendation's status was updated, with a note.
    MRG_RECOMMENDATION_UPDATED,
    /// A submission's attachment (a copy of a document of the case's file) was downloaded.
    MRG_ATTACHMENT_DOWNLOADED,
}
