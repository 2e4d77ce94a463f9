//! The text of each message, in Russian (the default) or English by the receiving
//! agency's setting: a plain-text and an HTML part.
//!
//! A message names only the kind of event, the journal number, the due time in the
//! receiving agency's time zone and a link. Nothing else goes in: the row it is built
//! from holds nothing else (152-FZ: e-mails carry no personal data).

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::model::{NotificationKind, NotificationRow};
use crate::agencies::NotificationLanguage;

/// A rendered message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    /// The subject line.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part.
    pub html: String,
}

/// The words of one message in one language.
struct Words {
    headline: &'static str,
    event: &'static str,
    journal: &'static str,
    due: &'static str,
    open: &'static str,
    footer: &'static str,
}

/// Renders the message for `row`; links start with `public_url`.
pub fn render(row: &NotificationRow, public_url: &str) -> Rendered {
    let lang = row.language;
    let w = words(row.kind, lang);
    let headline = match (&row.clock, row.kind) {
        (
            Some(clock),
            NotificationKind::SignalClockDueSoon | NotificationKind::SignalClockPassed,
        ) => {
            format!("{} ({})", w.headline, clock_name(clock, lang))
        }
        _ => w.headline.to_owned(),
    };
    let link = format!(
        "{}{}",
        public_url.trim_end_matches('/'),
        row.subject_kind.path(row.subject_id)
    );
    let due = row.due_at.map(|t| local_time(t, &row.time_zone, lang));
    let mut lines = vec![
        format!("{}: {headline}", w.event),
        format!("{}: {}", w.journal, row.journal_no),
    ];
    if let Some(due) = &due {
        lines.push(format!("{}: {due}", w.due));
    }
    lines.push(format!("{}: {link}", w.open));
    let text = format!("{headline}\n\n{}\n\n-- \n{}\n", lines.join("\n"), w.footer);
    let mut rows = format!(
        "<tr><th align=\"left\">{}</th><td>{}</td></tr>\n<tr><th align=\"left\">{}</th><td>{}</td></tr>\n",
        escape(w.event),
        escape(&headline),
        escape(w.journal),
        escape(&row.journal_no)
    );
    if let Some(due) = &due {
        rows.push_str(&format!(
            "<tr><th align=\"left\">{}</th><td>{}</td></tr>\n",
            escape(w.due),
            escape(due)
        ));
    }
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n<h1>{}</h1>\n<table>\n{rows}</table>\n<p><a href=\"{}\">{}</a></p>\n<hr>\n<p><small>{}</small></p>\n</body></html>\n",
        match lang {
            NotificationLanguage::Ru => "ru",
            NotificationLanguage::En => "en",
        },
        escape(&headline),
        escape(&headline),
        escape(&link),
        escape(w.open),
        escape(w.footer)
    );
    Rendered {
        subject: format!("CaseLink: {headline} {}", row.journal_no),
        text,
        html,
    }
}

fn words(kind: NotificationKind, lang: NotificationLanguage) -> Words {
    use NotificationKind as K;
    let headline = match (lang, kind) {
        (NotificationLanguage::Ru, K::NewSignal) => "Новый сигнал",
        (NotificationLanguage::Ru, K::SignalClockDueSoon) => "Срок по сигналу скоро истекает",
        (NotificationLanguage::Ru, K::SignalClockPassed) => "Срок по сигналу истёк",
        (NotificationLanguage::Ru, K::CuratorAssigned) => "Назначен куратор",
        (NotificationLanguage::Ru, K::ConsentWithdrawn) => "Согласие отозвано",
        (NotificationLanguage::Ru, K::HandoverRequested) => "Запрошена передача случая",
        (NotificationLanguage::Ru, K::HandoverAccepted) => "Передача случая принята",
        (NotificationLanguage::Ru, K::HandoverDeclined) => "Передача случая отклонена",
        (NotificationLanguage::Ru, K::HandoverCancelled) => "Передача случая отменена",
        (NotificationLanguage::Ru, K::HandoverDeadlineNear) => {
            "Срок ответа на передачу случая скоро истекает"
        }
        (NotificationLanguage::En, K::NewSignal) => "New signal",
        (NotificationLanguage::En, K::SignalClockDueSoon) => "A signal's deadline is near",
        (NotificationLanguage::En, K::SignalClockPassed) => "A signal's deadline has passed",
        (NotificationLanguage::En, K::CuratorAssigned) => "Curator assigned",
        (NotificationLanguage::En, K::ConsentWithdrawn) => "Consent withdrawn",
        (NotificationLanguage::En, K::HandoverRequested) => "Case handover requested",
        (NotificationLanguage::En, K::HandoverAccepted) => "Case handover accepted",
        (NotificationLanguage::En, K::HandoverDeclined) => "Case handover declined",
        (NotificationLanguage::En, K::HandoverCancelled) => "Case handover cancelled",
        (NotificationLanguage::En, K::HandoverDeadlineNear) => {
            "The deadline to answer a case handover is near"
        }
    };
    match lang {
        NotificationLanguage::Ru => Words {
            headline,
            event: "Событие",
            journal: "Номер в журнале",
            due: "Срок",
            open: "Открыть в CaseLink",
            footer: "Письмо отправлено CaseLink автоматически. Подробности — только в CaseLink, после входа.",
        },
        NotificationLanguage::En => Words {
            headline,
            event: "Event",
            journal: "Journal number",
            due: "Due",
            open: "Open in CaseLink",
            footer: "Sent automatically by CaseLink. The details are in CaseLink only, after signing in.",
        },
    }
}

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

/// `time` in the agency's zone: `21.11.2026 14:30 (Europe/Moscow)` in Russian,
/// `2026-11-21 14:30 (Europe/Moscow)` in English. An unknown zone falls back to UTC.
pub fn local_time(time: DateTime<Utc>, zone: &str, lang: NotificationLanguage) -> String {
    let tz: Tz = zone.parse().unwrap_or(Tz::UTC);
    let local = time.with_timezone(&tz);
    let pattern = match lang {
        NotificationLanguage::Ru => "%d.%m.%Y %H:%M",
        NotificationLanguage::En => "%Y-%m-%d %H:%M",
    };
    format!("{} ({})", local.format(pattern), tz.name())
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::model::{NotificationStatus, SubjectKind};
    use chrono::TimeZone;
    use uuid::Uuid;

    fn row(kind: NotificationKind, lang: NotificationLanguage) -> NotificationRow {
        let at = Utc.with_ymd_and_hms(2026, 11, 21, 11, 30, 0).unwrap();
        NotificationRow {
            id: Uuid::nil(),
            kind,
            agency_id: Uuid::nil(),
            recipient_user_id: None,
            recipient: "office@service.example".into(),
            language: lang,
            time_zone: "Europe/Moscow".into(),
            subject_kind: SubjectKind::Signal,
            subject_id: Uuid::nil(),
            journal_no: "SIG-2026-0042".into(),
            clock: Some("VISIT".into()),
            due_at: Some(at),
            status: NotificationStatus::Pending,
            attempts: 0,
            round_attempts: 0,
            next_attempt_at: at,
            last_attempt_at: None,
            last_error: None,
            sent_at: None,
            created_at: at,
        }
    }

    #[test]
    fn a_reminder_in_russian_names_the_clock_number_local_due_time_and_link() {
        let r = render(
            &row(
                NotificationKind::SignalClockDueSoon,
                NotificationLanguage::Ru,
            ),
            "https://hub.example/",
        );
        assert_eq!(
            r.subject,
            "CaseLink: Срок по сигналу скоро истекает (выезд) SIG-2026-0042"
        );
        assert!(r.text.contains("Срок: 21.11.2026 14:30 (Europe/Moscow)"));
        assert!(r
            .text
            .contains(&format!("https://hub.example/signals/{}", Uuid::nil())));
        assert!(r.html.contains("<html lang=\"ru\">"));
    }

    #[test]
    fn english_agencies_get_english() {
        let r = render(
            &row(
                NotificationKind::SignalClockPassed,
                NotificationLanguage::En,
            ),
            "https://hub.example",
        );
        assert!(r.subject.contains("A signal's deadline has passed (visit)"));
        assert!(r.text.contains("Due: 2026-11-21 14:30 (Europe/Moscow)"));
        assert!(r.html.contains("A signal&#39;s deadline has passed"));
    }

    #[test]
    fn every_kind_has_words_in_both_languages() {
        use NotificationKind as K;
        for kind in [
            K::NewSignal,
            K::SignalClockDueSoon,
            K::SignalClockPassed,
            K::CuratorAssigned,
            K::ConsentWithdrawn,
            K::HandoverRequested,
            K::HandoverAccepted,
            K::HandoverDeclined,
            K::HandoverCancelled,
            K::HandoverDeadlineNear,
        ] {
            let ru = render(&row(kind, NotificationLanguage::Ru), "http://x");
            let en = render(&row(kind, NotificationLanguage::En), "http://x");
            assert_ne!(ru.subject, en.subject, "{kind:?}");
        }
    }
}
