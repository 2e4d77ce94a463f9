//! What the MRG tells agencies by e-mail (the shared notice under each headline): the
//! kind, the meeting's journal number, a time and a link; never a case, a person or a
//! recommendation's words. None may be turned off.

use crate::notify::kinds::{Headline, KindSpec, NotificationKind, Template};
use crate::notify::subjects::SubjectKind;

/// An MRG meeting, as the record a notice is about: linked at `/mrg/meetings/{id}`.
pub const MRG_MEETING: SubjectKind = SubjectKind::linked("MRG_MEETING", "/mrg/meetings");
/// A recommendation of an MRG decision: linked at `/mrg/recommendations/{id}`.
pub const MRG_RECOMMENDATION: SubjectKind =
    SubjectKind::linked("MRG_RECOMMENDATION", "/mrg/recommendations");

/// The kinds of record the MRG's notices are about.
pub const SUBJECTS: &[SubjectKind] = &[MRG_MEETING, MRG_RECOMMENDATION];

/// A meeting of a group the agency is a member of was scheduled.
pub const MRG_MEETING_SCHEDULED: NotificationKind = NotificationKind::new("MRG_MEETING_SCHEDULED");
/// Approved minutes gave the agency a recommendation to carry out.
pub const MRG_RECOMMENDATION_ASSIGNED: NotificationKind =
    NotificationKind::new("MRG_RECOMMENDATION_ASSIGNED");
/// A recommendation falls due in three days.
pub const MRG_RECOMMENDATION_DUE_SOON: NotificationKind =
    NotificationKind::new("MRG_RECOMMENDATION_DUE_SOON");
/// A recommendation is past its due date and still open.
pub const MRG_RECOMMENDATION_OVERDUE: NotificationKind =
    NotificationKind::new("MRG_RECOMMENDATION_OVERDUE");

const fn notice(
    kind: NotificationKind,
    description: &'static str,
    ru: &'static str,
    en: &'static str,
) -> KindSpec {
    KindSpec {
        kind,
        description,
        optional: false,
        template: Template::Notice(Headline { ru, en }),
    }
}

/// The MRG's kinds, for [`crate::domains::DOMAINS`].
pub const KINDS: &[KindSpec] = &[
    notice(
        MRG_MEETING_SCHEDULED,
        "A meeting of an MRG your agency is a member of was scheduled.",
        "Назначено заседание МРГ",
        "MRG meeting scheduled",
    ),
    notice(
        MRG_RECOMMENDATION_ASSIGNED,
        "Approved MRG minutes gave your agency a recommendation.",
        "МРГ дала рекомендацию вашему учреждению",
        "MRG recommendation assigned",
    ),
    notice(
        MRG_RECOMMENDATION_DUE_SOON,
        "An MRG recommendation to your agency falls due in three days.",
        "Через 3 дня истекает срок рекомендации МРГ",
        "An MRG recommendation is due in three days",
    ),
    notice(
        MRG_RECOMMENDATION_OVERDUE,
        "An MRG recommendation to your agency is past its due date and still open.",
        "Срок рекомендации МРГ истёк",
        "An MRG recommendation is overdue",
    ),
];
