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

use super::kinds::Template;
use super::model::NotificationRow;
use crate::agencies::NotificationLanguage;
use crate::db::TimeZone;

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
struct Words {
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
    let spec = row
        .kind
        .spec()
        .ok_or_else(|| anyhow::anyhow!("no domain registers the kind {}", row.kind.as_str()))?;
    let rendered = match spec.template {
        Template::Notice(headline) => notice(row, public_url, headline.in_language(row.language))?,
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
    let due = row
        .due_at
        .map(|t| local_time(t, row.time_zone, row.language));
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
/// `2026-11-21 14:30 (Europe/Moscow)` in English.
pub fn local_time(time: DateTime<Utc>, zone: TimeZone, lang: NotificationLanguage) -> String {
    let local = time.with_timezone(&zone.tz());
    let pattern = match lang {
        NotificationLanguage::Ru => "%d.%m.%Y %H:%M",
        NotificationLanguage::En => "%Y-%m-%d %H:%M",
    };
    format!("{} ({})", local.format(pattern), zone.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::model::{NotificationKind, NotificationStatus};
    use crate::signals::notices::{SIGNAL_CLOCK_DUE_SOON, SIGNAL_CLOCK_PASSED};
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
            time_zone: crate::db::TimeZone(chrono_tz::Europe::Moscow),
            subject_kind: crate::signals::notices::SIGNAL,
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
            &row(SIGNAL_CLOCK_DUE_SOON, NotificationLanguage::Ru),
            "https://hub.example/",
        )
        .expect("renders");
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
            &row(SIGNAL_CLOCK_PASSED, NotificationLanguage::En),
            "https://hub.example",
        )
        .expect("renders");
        assert!(r.subject.contains("A signal's deadline has passed (visit)"));
        assert!(r.text.contains("Due: 2026-11-21 14:30 (Europe/Moscow)"));
        assert!(r.html.contains("A signal&#39;s deadline has passed"));
    }

    #[test]
    fn every_registered_kind_renders_in_both_languages_without_personal_data() {
        for spec in crate::notify::kinds::registered() {
            let kind = spec.kind;
            let mut rendered = Vec::new();
            for lang in [NotificationLanguage::Ru, NotificationLanguage::En] {
                let mut row = row(kind, lang);
                // A person's address and id are personal data: they address the mail,
                // never appear in it.
                row.recipient = "anna.ivanova@family.example".into();
                row.recipient_user_id = Some(Uuid::from_u128(0x5eed));
                let r = render(&row, "https://hub.example").expect("renders");
                for part in [&r.subject, &r.text, &r.html] {
                    assert!(!part.trim().is_empty(), "{kind:?} {lang:?}");
                    for leak in [
                        "anna.ivanova",
                        "family.example",
                        &Uuid::from_u128(0x5eed).to_string(),
                    ] {
                        assert!(
                            !part.contains(leak),
                            "{kind:?} {lang:?} shows {leak}: {part}"
                        );
                    }
                    for placeholder in ["{{", "}}", "{%", "%}"] {
                        assert!(!part.contains(placeholder), "{kind:?} {lang:?}: {part}");
                    }
                }
                assert!(r
                    .html
                    .contains(&format!("<html lang=\"{}\">", lang_tag(lang))));
                assert!(r.text.ends_with('\n') && r.html.ends_with("</html>\n"));
                rendered.push(r);
            }
            assert_ne!(rendered[0].subject, rendered[1].subject, "{kind:?}");
            assert_ne!(rendered[0].text, rendered[1].text, "{kind:?}");
        }
    }

    #[test]
    fn values_are_escaped_in_html_and_left_alone_in_text() {
        let mut row = row(
            crate::signals::notices::NEW_SIGNAL,
            NotificationLanguage::Ru,
        );
        row.journal_no = "SIG-<b>&\"'".into();
        let r = render(&row, "https://hub.example").expect("renders");
        assert!(
            r.text.contains("Номер в журнале: SIG-<b>&\"'"),
            "{}",
            r.text
        );
        assert!(
            r.html.contains("SIG-&#60;b&#62;&#38;&#34;&#39;"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<b>"));
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
        let mut row = row(
            crate::notify::checkpoint_notice::AUDIT_CHECKPOINT,
            NotificationLanguage::Ru,
        );
        row.agency_id = None;
        row.time_zone = crate::db::TimeZone::UTC;
        row.details = Some(crate::db::JsonText(checkpoint));
        let ru = render(&row, "https://hub.example").expect("renders");
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
        let en = render(&row, "https://hub.example").expect("renders");
        assert_eq!(en.subject, "CaseLink: Audit log checkpoint, position 1234");
        assert!(en.text.contains("Key: 0123456789abcdef"), "{}", en.text);
        assert!(en.html.contains("<html lang=\"en\">"));
    }
}
