//! Writing a message with askama templates: a subject, a plain-text and an HTML part, in
//! Russian (the default) or English by the receiving agency's setting.
//!
//! Each kind's template comes from its registration ([`super::kinds::Template`]): most
//! kinds use the shared notice here (`notify/templates/notice.txt`, `notice.html`) under
//! their own headline; a kind may bring its own (the audit checkpoint's, in
//! `audit/templates/`). A message names only the kind of event, the journal number, the
//! due time in the receiving agency's time zone and a link. Nothing else goes in: the
//! row it is built from holds nothing else (152-FZ: e-mails carry no personal data).
//! askama escapes every value in the HTML part.

use askama::Template as _;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::kinds::Template;
use super::model::NotificationRow;
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

/// The labels of the shared notice in one language.
pub struct Words {
    event: &'static str,
    journal: &'static str,
    due: &'static str,
    open: &'static str,
    footer: &'static str,
}

/// The shared notice's plain-text part.
#[derive(askama::Template)]
#[template(path = "notify/templates/notice.txt")]
struct NoticeText<'a> {
    headline: &'a str,
    words: &'a Words,
    journal_no: &'a str,
    due: Option<&'a str>,
    link: &'a str,
}

/// The shared notice's HTML part.
#[derive(askama::Template)]
#[template(path = "notify/templates/notice.html")]
struct NoticeHtml<'a> {
    lang: &'a str,
    headline: &'a str,
    words: &'a Words,
    journal_no: &'a str,
    due: Option<&'a str>,
    link: &'a str,
}

/// The subject line of a notice.
#[derive(askama::Template)]
#[template(source = "CaseLink: {{ headline }} {{ journal_no }}", ext = "txt")]
struct NoticeSubject<'a> {
    headline: &'a str,
    journal_no: &'a str,
}

/// Renders the message for `row`; links start with `public_url`. An error means a kind
/// no domain registers (a row from a newer version) or a template that failed.
pub fn render(row: &NotificationRow, public_url: &str) -> anyhow::Result<Rendered> {
    let spec = row.kind.spec().ok_or_else(|| {
        anyhow::anyhow!("no domain registers the kind {}", row.kind.as_str())
    })?;
    let rendered = match spec.template {
        Template::Notice(headline) => {
            notice(row, public_url, headline.in_language(row.language))?
        }
        Template::NoticeWith(headline) => notice(row, public_url, &headline(row)?)?,
        Template::Own(render) => render(row, public_url)?,
    };
    Ok(rendered)
}

/// The shared notice for `row` under `headline`: the event, the journal number, the due
/// time if any, and a link to the record.
pub fn notice(row: &NotificationRow, public_url: &str, headline: &str) -> askama::Result<Rendered> {
    let words = words(row.language);
    let link = format!(
        "{}{}",
        public_url.trim_end_matches('/'),
        row.subject_kind.path(row.subject_id)
    );
    let due = row.due_at.map(|t| local_time(t, &row.time_zone, row.language));
    let text = NoticeText {
        headline,
        words: &words,
        journal_no: &row.journal_no,
        due: due.as_deref(),
        link: &link,
    };
    let html = NoticeHtml {
        lang: lang_tag(row.language),
        headline,
        words: &words,
        journal_no: &row.journal_no,
        due: due.as_deref(),
        link: &link,
    };
    let subject = NoticeSubject {
        headline,
        journal_no: &row.journal_no,
    };
    Ok(Rendered {
        subject: subject.render()?,
        text: with_final_newline(text.render()?),
        html: with_final_newline(html.render()?),
    })
}

/// askama drops a template file's final newline; mail parts end with one.
pub fn with_final_newline(mut part: String) -> String {
    part.push('\n');
    part
}

/// The `lang` attribute of an HTML part.
pub fn lang_tag(language: NotificationLanguage) -> &'static str {
    match language {
        NotificationLanguage::Ru => "ru",
        NotificationLanguage::En => "en",
    }
}

fn words(language: NotificationLanguage) -> Words {
    match language {
        NotificationLanguage::Ru => Words {
            event: "Событие",
            journal: "Номер в журнале",
            due: "Срок",
            open: "Открыть в CaseLink",
            footer: "Письмо отправлено CaseLink автоматически. Подробности — только в CaseLink, после входа.",
        },
        NotificationLanguage::En => Words {
            event: "Event",
            journal: "Journal number",
            due: "Due",
            open: "Open in CaseLink",
            footer: "Sent automatically by CaseLink. The details are in CaseLink only, after signing in.",
        },
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
            agency_id: Some(Uuid::nil()),
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
            details: None,
        }
    }

    #[test]
    fn a_reminder_in_russian_names_the_clock_number_local_due_time_and_link() {
        let r = render(
            &row(
                crate::signals::notices::SIGNAL_CLOCK_DUE_SOON,
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
                crate::signals::notices::SIGNAL_CLOCK_PASSED,
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
            K::AuditCheckpoint,
        ] {
            let ru = render(&row(kind, NotificationLanguage::Ru), "http://x");
            let en = render(&row(kind, NotificationLanguage::En), "http://x");
            assert_ne!(ru.subject, en.subject, "{kind:?}");
        }
    }

    #[test]
    fn the_checkpoint_mail_names_position_hash_key_and_signature_and_no_link() {
        use crate::audit::checkpoints::Checkpoint;
        let checkpoint = Checkpoint {
            v: 1,
            position: 1234,
            hash: "ab".repeat(32),
            sealed_at: "2026-11-21T11:30:00.000001Z".into(),
            key_id: "0123456789abcdef".into(),
            signature: "c2lnbmF0dXJl".into(),
        };
        let mut row = row(crate::audit::notices::AUDIT_CHECKPOINT, NotificationLanguage::Ru);
        row.agency_id = None;
        row.time_zone = "UTC".into();
        row.details = Some(checkpoint.to_line());
        let ru = render(&row, "https://hub.example");
        assert_eq!(
            ru.subject,
            "CaseLink: Контрольная точка журнала аудита, позиция 1234"
        );
        for fact in [
            "Позиция в цепочке: 1234",
            &format!("Хеш: {}", "ab".repeat(32)),
            "Ключ: 0123456789abcdef",
            "Подпись (Ed25519, base64): c2lnbmF0dXJl",
            "Запечатано: 21.11.2026 11:30 (UTC) (2026-11-21T11:30:00.000001Z)",
        ] {
            assert!(ru.text.contains(fact), "{fact} missing: {}", ru.text);
        }
        assert!(!ru.text.contains("https://"), "no link: {}", ru.text);
        row.language = NotificationLanguage::En;
        let en = render(&row, "https://hub.example");
        assert_eq!(en.subject, "CaseLink: Audit log checkpoint, position 1234");
        assert!(en.text.contains("Key: 0123456789abcdef"), "{}", en.text);
        assert!(en.html.contains("<html lang=\"en\">"));
    }
}
#[cfg(test)]
mod golden_dump {
    use super::*;
    use crate::notify::model::{NotificationStatus, SubjectKind};
    use chrono::TimeZone;
    use uuid::Uuid;
    #[test]
    fn dump_golden() {
        use NotificationKind as K;
        let at = Utc.with_ymd_and_hms(2026, 11, 21, 11, 30, 0).unwrap();
        let mut out = serde_json::Map::new();
        for kind in [K::NewSignal, K::SignalClockDueSoon, K::SignalClockPassed, K::CuratorAssigned, K::ConsentWithdrawn, K::HandoverRequested, K::HandoverAccepted, K::HandoverDeclined, K::HandoverCancelled, K::HandoverDeadlineNear, K::AuditCheckpoint] {
            for lang in [NotificationLanguage::Ru, NotificationLanguage::En] {
                for (variant, clock, due, details) in [
                    ("full", Some("VISIT".to_string()), Some(at), Some(r#"{"v":1,"position":1234,"hash":"abab","sealed_at":"2026-11-21T11:30:00.000001Z","key_id":"k1","signature":"c2ln"}"#.to_string())),
                    ("bare", None, None, None),
                    ("otherclock", Some("X<&>".to_string()), Some(at), Some("garbage".to_string())),
                ] {
                    let row = NotificationRow { id: Uuid::nil(), kind, agency_id: Some(Uuid::nil()), recipient_user_id: None, recipient: "o@x".into(), language: lang, time_zone: "Europe/Moscow".into(), subject_kind: SubjectKind::Handover, subject_id: Uuid::nil(), journal_no: "CASE-2026-0007<&>".into(), clock: clock.clone(), due_at: due, status: NotificationStatus::Pending, attempts: 0, round_attempts: 0, next_attempt_at: at, last_attempt_at: None, last_error: None, sent_at: None, created_at: at, details: details.clone() };
                    let r = render(&row, "https://hub.example/\"x'/");
                    out.insert(format!("{}-{:?}-{variant}", kind.as_str(), lang), serde_json::json!([r.subject, r.text, r.html]));
                }
            }
        }
        std::fs::write("/tmp/kinds-golden.json", serde_json::to_string_pretty(&out).unwrap()).unwrap();
    }
}
