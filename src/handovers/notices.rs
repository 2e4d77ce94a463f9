//! What handovers tell agencies by e-mail (the shared notice under each headline). None
//! may be turned off: a receiver must hear of a request and a sender of its answer.

use crate::notify::kinds::{KindSpec, NotificationKind};
use crate::notify::subjects::SubjectKind;

/// A handover, as the record a notice is about: linked at `/handovers/{id}`.
pub const HANDOVER: SubjectKind = SubjectKind::linked("HANDOVER", "/handovers");

/// The kinds of record handovers' notices are about, for [`crate::domains::DOMAINS`].
pub const SUBJECTS: &[SubjectKind] = &[HANDOVER];

/// A case was offered to another agency.
pub const HANDOVER_REQUESTED: NotificationKind = NotificationKind::new("HANDOVER_REQUESTED");
/// The receiving agency accepted a handover.
pub const HANDOVER_ACCEPTED: NotificationKind = NotificationKind::new("HANDOVER_ACCEPTED");
/// The receiving agency declined a handover.
pub const HANDOVER_DECLINED: NotificationKind = NotificationKind::new("HANDOVER_DECLINED");
/// The sender withdrew a handover.
pub const HANDOVER_CANCELLED: NotificationKind = NotificationKind::new("HANDOVER_CANCELLED");
/// A notice (информирование) was sent to an agency.
pub const NOTICE_RECEIVED: NotificationKind = NotificationKind::new("NOTICE_RECEIVED");
/// The receiver of a notice registered its receipt.
pub const NOTICE_ACKNOWLEDGED: NotificationKind = NotificationKind::new("NOTICE_ACKNOWLEDGED");
/// A handover waits for an answer and its deadline is near.
pub const HANDOVER_DEADLINE_NEAR: NotificationKind =
    NotificationKind::new("HANDOVER_DEADLINE_NEAR");

/// Handovers' kinds, for [`crate::domains::DOMAINS`].
pub const KINDS: &[KindSpec] = &[
    KindSpec::notice(
        HANDOVER_REQUESTED,
        "A case was offered to another agency.",
        "Запрошена передача случая",
        "Case handover requested",
    ),
    KindSpec::notice(
        HANDOVER_ACCEPTED,
        "The receiving agency accepted a handover.",
        "Передача случая принята",
        "Case handover accepted",
    ),
    KindSpec::notice(
        NOTICE_RECEIVED,
        "A notice about a family was sent to an agency.",
        "Поступило информирование по случаю",
        "A notice about a case was sent to you",
    ),
    KindSpec::notice(
        NOTICE_ACKNOWLEDGED,
        "The receiver of a notice registered its receipt.",
        "Получение информирования подтверждено",
        "Notice receipt acknowledged",
    ),
    KindSpec::notice(
        HANDOVER_DECLINED,
        "The receiving agency declined a handover.",
        "Передача случая отклонена",
        "Case handover declined",
    ),
    KindSpec::notice(
        HANDOVER_CANCELLED,
        "The sender withdrew a handover.",
        "Передача случая отменена",
        "Case handover cancelled",
    ),
    KindSpec::notice(
        HANDOVER_DEADLINE_NEAR,
        "A handover waits for an answer and its deadline is near.",
        "Срок ответа на передачу случая скоро истекает",
        "The deadline to answer a case handover is near",
    ),
];
