//! What reports record in the audit log.

crate::audit_actions! {
    /// A hospital recorded (or corrected) one month's births and refusals.
    HOSPITAL_MONTH_RECORDED,
    /// Whether an agency gives rehabilitation support itself was set.
    REPORT_SETTINGS_CHANGED,
    /// The head wrote or rewrote a half-year conclusion's analysis.
    REPORT_CONCLUSION_WRITTEN,
    /// The head signed off a half-year conclusion: frozen from then on.
    REPORT_CONCLUSION_ISSUED,
    /// What happened to the child of a closed shelter case was recorded.
    CHILD_OUTCOME_RECORDED,
    /// A follow-up check after a case closed was recorded.
    FOLLOW_UP_RECORDED,
    /// The mother's «Маленькая мама» assessment at entry or exit was recorded (or
    /// replaced).
    MOTHER_ASSESSMENT_RECORDED,
}
