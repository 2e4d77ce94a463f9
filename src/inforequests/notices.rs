//! What information requests tell agencies by e-mail (the shared notice under each
//! headline): the kind, the request's journal number, its due time and a link to
//! `/requests/{id}`; never the person or the questions. None may be turned off.

use crate::notify::kinds::{KindSpec, NotificationKind};
use crate::notify::subjects::SubjectKind;

/// An information request, as the record a notice is about: linked at `/requests/{id}`.
pub const INFORMATION_REQUEST: SubjectKind =
    SubjectKind::linked("INFORMATION_REQUEST", "/requests");

/// The kinds of record information requests' notices are about.
pub const SUBJECTS: &[SubjectKind] = &[INFORMATION_REQUEST];

/// Another agency asks the receiver for information.
pub const INFORMATION_REQUESTED: NotificationKind = NotificationKind::new("INFORMATION_REQUESTED");
/// The receiver answered; the answer is in the case.
pub const INFORMATION_REQUEST_ANSWERED: NotificationKind =
    NotificationKind::new("INFORMATION_REQUEST_ANSWERED");
/// The sender withdrew a request.
pub const INFORMATION_REQUEST_WITHDRAWN: NotificationKind =
    NotificationKind::new("INFORMATION_REQUEST_WITHDRAWN");
/// A request is past its due date without an answer.
pub const INFORMATION_REQUEST_OVERDUE: NotificationKind =
    NotificationKind::new("INFORMATION_REQUEST_OVERDUE");

/// Information requests' kinds, for [`crate::domains::DOMAINS`].
pub const KINDS: &[KindSpec] = &[
    KindSpec::notice(
        INFORMATION_REQUESTED,
        "Another agency asks yours for information about a case.",
        "Поступил запрос информации",
        "Information requested",
    ),
    KindSpec::notice(
        INFORMATION_REQUEST_ANSWERED,
        "The receiving agency answered an information request.",
        "Получен ответ на запрос информации",
        "Information request answered",
    ),
    KindSpec::notice(
        INFORMATION_REQUEST_WITHDRAWN,
        "The sender withdrew an information request.",
        "Запрос информации отозван",
        "Information request withdrawn",
    ),
    KindSpec::notice(
        INFORMATION_REQUEST_OVERDUE,
        "An information request is past its due date without an answer.",
        "Срок ответа на запрос информации истёк",
        "An information request is overdue",
    ),
];
