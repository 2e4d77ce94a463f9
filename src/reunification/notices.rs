//! What reunification tells agencies by e-mail (the shared notice under each headline):
//! the kind, the case's journal number, the inspection's day where there is one, and a
//! link to `/reunification/{id}`; never the child, the family or the words. None may be
//! turned off.

use crate::notify::kinds::{KindSpec, NotificationKind};
use crate::notify::subjects::SubjectKind;

/// A reunification, as the record a notice is about: linked at `/reunification/{id}`.
pub const REUNIFICATION: SubjectKind = SubjectKind::linked("REUNIFICATION", "/reunification");

/// The kinds of record reunification's notices are about.
pub const SUBJECTS: &[SubjectKind] = &[REUNIFICATION];

/// A joint inspection of living conditions is planned, or its day has come.
pub const HOUSING_INSPECTION_DUE: NotificationKind =
    NotificationKind::new("HOUSING_INSPECTION_DUE");
/// An inspection was recorded: the participating agency confirms its part.
pub const HOUSING_INSPECTION_TO_CONFIRM: NotificationKind =
    NotificationKind::new("HOUSING_INSPECTION_TO_CONFIRM");
/// The child went home.
pub const CHILD_RETURN_RECORDED: NotificationKind = NotificationKind::new("CHILD_RETURN_RECORDED");
/// Information about a returned child was passed to the agency.
pub const REUNIFICATION_INFORMATION_PASSED: NotificationKind =
    NotificationKind::new("REUNIFICATION_INFORMATION_PASSED");
/// The centre has not reported progress for longer than its setting.
pub const REUNIFICATION_REPORT_OVERDUE: NotificationKind =
    NotificationKind::new("REUNIFICATION_REPORT_OVERDUE");

/// Reunification's kinds, for [`crate::domains::DOMAINS`].
pub const KINDS: &[KindSpec] = &[
    KindSpec::notice(
        HOUSING_INSPECTION_DUE,
        "A joint inspection of a family's living conditions is planned or due.",
        "Назначено совместное обследование условий проживания",
        "A joint inspection of living conditions is due",
    ),
    KindSpec::notice(
        HOUSING_INSPECTION_TO_CONFIRM,
        "An inspection your agency took part in was recorded: confirm your part.",
        "Подтвердите участие в обследовании условий проживания",
        "Confirm your part in an inspection of living conditions",
    ),
    KindSpec::notice(
        CHILD_RETURN_RECORDED,
        "A rehabilitation centre recorded a child's return to the family.",
        "Ребёнок возвращён в семью",
        "A child returned to the family",
    ),
    KindSpec::notice(
        REUNIFICATION_INFORMATION_PASSED,
        "Information about a returned child was passed to your agency.",
        "Передана информация о ребёнке, возвращённом в семью",
        "Information about a returned child",
    ),
    KindSpec::notice(
        REUNIFICATION_REPORT_OVERDUE,
        "No reunification progress report for longer than the centre's setting.",
        "Нет отчёта о ходе восстановления в семье",
        "A reunification progress report is overdue",
    ),
];
