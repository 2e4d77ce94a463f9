//! What cases tell agencies by e-mail (the shared notice under each headline).

use crate::notify::kinds::{Headline, KindSpec, NotificationKind, Template};
use crate::notify::subjects::SubjectKind;

/// A case, as the record a notice is about: linked at `/cases/{id}`.
pub const CASE: SubjectKind = SubjectKind::linked("CASE", "/cases");

/// The kinds of record cases' notices are about, for [`crate::domains::DOMAINS`].
pub const SUBJECTS: &[SubjectKind] = &[CASE];

/// A consent was withdrawn: agencies it covered fall back to the summary.
pub const CONSENT_WITHDRAWN: NotificationKind = NotificationKind::new("CONSENT_WITHDRAWN");

/// Cases' kinds, for [`crate::domains::DOMAINS`].
pub const KINDS: &[KindSpec] = &[KindSpec {
    kind: CONSENT_WITHDRAWN,
    description: "A consent was withdrawn: agencies it covered fall back to the summary.",
    optional: false,
    template: Template::Notice(Headline {
        ru: "Согласие отозвано",
        en: "Consent withdrawn",
    }),
}];
