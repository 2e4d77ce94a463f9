//! What signals tell agencies by e-mail, and how each message is headed. The body is the
//! shared notice (`notify/templates/notice.*`); a clock reminder's headline names its
//! clock (`signals/templates/clock_headline.txt`).

use askama::Template as _;

use crate::agencies::NotificationLanguage;
use crate::notify::kinds::{Headline, KindSpec, NotificationKind, Template};
use crate::notify::subjects::SubjectKind;
use crate::notify::NotificationRow;

/// A signal, as the record a notice is about: linked at `/signals/{id}`.
pub const SIGNAL: SubjectKind = SubjectKind::linked("SIGNAL", "/signals");

/// The kinds of record signals' notices are about, for [`crate::domains::DOMAINS`].
pub const SUBJECTS: &[SubjectKind] = &[SIGNAL];

/// A hospital passed a new signal to the prevention service.
pub const NEW_SIGNAL: NotificationKind = NotificationKind::new("NEW_SIGNAL");
/// A signal's clock is about to pass.
pub const SIGNAL_CLOCK_DUE_SOON: NotificationKind = NotificationKind::new("SIGNAL_CLOCK_DUE_SOON");
/// A signal's clock passed with its step not done.
pub const SIGNAL_CLOCK_PASSED: NotificationKind = NotificationKind::new("SIGNAL_CLOCK_PASSED");
/// The head of service assigned a curator to a signal.
pub const CURATOR_ASSIGNED: NotificationKind = NotificationKind::new("CURATOR_ASSIGNED");

/// Signals' kinds, for [`crate::domains::DOMAINS`].
pub const KINDS: &[KindSpec] = &[
    KindSpec {
        kind: NEW_SIGNAL,
        description: "A hospital passed a new signal to the prevention service (sent at any hour).",
        optional: false,
        template: Template::Notice(Headline {
            ru: "Новый сигнал",
            en: "New signal",
        }),
    },
    KindSpec {
        kind: SIGNAL_CLOCK_DUE_SOON,
        description: "A signal's clock is about to pass (a reminder; users may turn it off).",
        optional: true,
        template: Template::NoticeWith(due_soon_headline),
    },
    KindSpec {
        kind: SIGNAL_CLOCK_PASSED,
        description:
            "A signal's clock passed with its step not done (a reminder; users may turn it off).",
        optional: true,
        template: Template::NoticeWith(passed_headline),
    },
    KindSpec {
        kind: CURATOR_ASSIGNED,
        description: "The head of service assigned a curator to a signal.",
        optional: false,
        template: Template::Notice(Headline {
            ru: "Назначен куратор",
            en: "Curator assigned",
        }),
    },
];

/// "The deadline is near", with the clock's name.
#[derive(askama::Template)]
#[template(path = "signals/templates/clock_headline.txt")]
struct ClockHeadline<'a> {
    headline: &'a str,
    clock: Option<&'a str>,
}

fn due_soon_headline(row: &NotificationRow) -> askama::Result<String> {
    let headline = Headline {
        ru: "Срок по сигналу скоро истекает",
        en: "A signal's deadline is near",
    };
    clock_headline(row, headline)
}

fn passed_headline(row: &NotificationRow) -> askama::Result<String> {
    let headline = Headline {
        ru: "Срок по сигналу истёк",
        en: "A signal's deadline has passed",
    };
    clock_headline(row, headline)
}

fn clock_headline(row: &NotificationRow, headline: Headline) -> askama::Result<String> {
    ClockHeadline {
        headline: headline.in_language(row.language),
        clock: row.clock.as_deref().map(|c| clock_name(c, row.language)),
    }
    .render()
}

/// A clock's name as the receivers say it.
fn clock_name(clock: &str, lang: NotificationLanguage) -> &'static str {
    match (lang, clock) {
        (NotificationLanguage::Ru, "VISIT") => "выезд",
        (NotificationLanguage::Ru, "SPECIALIST_NOTIFIED") => "сообщение специалисту",
        (NotificationLanguage::Ru, "PASSED_TO_SERVICE") => "передача в службу",
        (NotificationLanguage::En, "VISIT") => "visit",
        (NotificationLanguage::En, "SPECIALIST_NOTIFIED") => "specialist notified",
        (NotificationLanguage::En, "PASSED_TO_SERVICE") => "passed to the service",
        (NotificationLanguage::Ru, _) => "срок",
        (NotificationLanguage::En, _) => "clock",
    }
}
