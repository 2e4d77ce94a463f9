//! What plans tell agencies by e-mail: that a task their agency is responsible for falls
//! due, or is overdue. Only the kind, the case's journal number, the due time and a link
//! to `/plan-tasks/{id}` go out; never the person or what the task says.

use crate::notify::kinds::{Headline, KindSpec, NotificationKind, Template};
use crate::notify::subjects::SubjectKind;

/// A plan's task, as the record a notice is about: linked at `/plan-tasks/{id}`.
pub const PLAN_TASK: SubjectKind = SubjectKind::linked("PLAN_TASK", "/plan-tasks");

/// A plan, as the record a review reminder is about: linked at `/plans/{id}`.
pub const PLAN: SubjectKind = SubjectKind::linked("PLAN", "/plans");

/// The kinds of record plans' notices are about.
pub const SUBJECTS: &[SubjectKind] = &[PLAN_TASK, PLAN];

/// A task falls due within three days.
pub const PLAN_TASK_DUE: NotificationKind = NotificationKind::new("PLAN_TASK_DUE");
/// A task is past its due date and not done.
pub const PLAN_TASK_OVERDUE: NotificationKind = NotificationKind::new("PLAN_TASK_OVERDUE");
/// A plan's review day passed and the plan was not revised.
pub const PLAN_REVIEW_OVERDUE: NotificationKind = NotificationKind::new("PLAN_REVIEW_OVERDUE");

/// Plans' kinds, for [`crate::domains::DOMAINS`].
pub const KINDS: &[KindSpec] = &[
    KindSpec {
        kind: PLAN_TASK_DUE,
        description: "A plan's task your agency is responsible for falls due within three days.",
        optional: false,
        template: Template::Notice(Headline {
            ru: "Подходит срок задачи по плану",
            en: "A plan task falls due",
        }),
    },
    KindSpec {
        kind: PLAN_TASK_OVERDUE,
        description: "A plan's task your agency is responsible for is past its due date.",
        optional: false,
        template: Template::Notice(Headline {
            ru: "Срок задачи по плану истёк",
            en: "A plan task is overdue",
        }),
    },
    KindSpec {
        kind: PLAN_REVIEW_OVERDUE,
        description: "A plan of a case your agency leads is past its review day.",
        optional: false,
        template: Template::Notice(Headline {
            ru: "Срок пересмотра плана истёк",
            en: "A plan's review is overdue",
        }),
    },
];
