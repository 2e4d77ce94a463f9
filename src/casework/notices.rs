//! What case work tells agencies by e-mail (the shared notice under each headline): the
//! kind, the case's journal number, the due time and a link to `/cases/{id}`; never the
//! family, the log or the review's words. Neither may be turned off.

use crate::notify::kinds::{KindSpec, NotificationKind};

/// A case's monitoring review (weekly in decision work, every 3 months in support) is
/// overdue.
pub const MONITORING_OVERDUE: NotificationKind = NotificationKind::new("MONITORING_OVERDUE");
/// A case went longer than its lead's setting without contact with the family.
pub const NO_CONTACT_ALERT: NotificationKind = NotificationKind::new("NO_CONTACT_ALERT");

/// Case work's kinds, for [`crate::domains::DOMAINS`].
pub const KINDS: &[KindSpec] = &[
    KindSpec::notice(
        MONITORING_OVERDUE,
        "A case's monitoring review is overdue.",
        "Просрочен мониторинг по случаю",
        "A case's monitoring review is overdue",
    ),
    KindSpec::notice(
        NO_CONTACT_ALERT,
        "A case went longer than the agency's setting without contact with the family.",
        "Давно не было контакта с семьёй",
        "No contact with the family for too long",
    ),
];
