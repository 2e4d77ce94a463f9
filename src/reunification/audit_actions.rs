//! What reunification records in the audit log.

crate::audit_actions! {
    /// A rehabilitation centre started a child's reunification record.
    REUNIFICATION_STARTED,
    /// The centre reported progress on a track's stage.
    REUNIFICATION_PROGRESS_REPORTED,
    /// The centre recorded diagnostics.
    REUNIFICATION_DIAGNOSTICS_RECORDED,
    /// The centre recorded a patronage visit.
    PATRONAGE_VISIT_RECORDED,
    /// The centre planned the joint inspection of living conditions.
    HOUSING_INSPECTION_PLANNED,
    /// The centre recorded the joint inspection's act.
    HOUSING_INSPECTION_RECORDED,
    /// A participating agency confirmed its part in an inspection.
    HOUSING_INSPECTION_CONFIRMED,
    /// The centre recorded the child's return home.
    CHILD_RETURN_RECORDED,
    /// Information about a returned child passed between the centre and social protection.
    REUNIFICATION_INFORMATION_PASSED,
    /// The preventive work after the return ended.
    PREVENTIVE_WORK_ENDED,
}
