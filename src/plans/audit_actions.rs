//! What plans record in the audit log.

crate::audit_actions! {
    /// The lead agency drew up a plan (its first version).
    PLAN_CREATED,
    /// A shelter recorded that a family has no plan, with a reason.
    PLAN_NOT_DRAWN_UP,
    /// The lead agency revised a plan: a new version.
    PLAN_REVISED,
    /// A responsible agency (or the lead) recorded a task's status.
    PLAN_TASK_UPDATED,
    /// The day the client received her copy of a plan's version was recorded.
    PLAN_COPY_RECEIVED,
    /// An ИППСУ's term was extended.
    PLAN_TERM_EXTENDED,
    /// The lead agency closed a plan with a conclusion.
    PLAN_CLOSED,
}
