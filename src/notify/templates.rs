//! The text of each message, in Russian (the default) or English by the receiving
//! agency's setting: a plain-text and an HTML part.
//!
//! A message names only the kind of event, the journal number, the due time in the
//! receiving agency's time zone and a link. Nothing else goes in: the row it is built
//! from holds nothing else (152-FZ: e-mails carry no personal data).

use chrono::{DateTime, Utc};

use super::model::{NotificationKind, NotificationRow};
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
    if row.kind == NotificationKind::AuditCheckpoint {
        return render_checkpoint(row);
    }
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
    let due = row.due_at.map(|t| local_time(t, row.time_zone, lang));
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
        (NotificationLanguage::Ru, K::AuditCheckpoint) => "Контрольная точка журнала аудита",
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
        (NotificationLanguage::En, K::AuditCheckpoint) => "Audit log checkpoint",
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

/// The words of the audit checkpoint mail in one language.
struct CheckpointWords {
    intro: &'static str,
    position: &'static str,
    hash: &'static str,
    sealed_at: &'static str,
    key_id: &'static str,
    signature: &'static str,
    keep: &'static str,
    footer: &'static str,
}

fn checkpoint_words(lang: NotificationLanguage) -> CheckpointWords {
    match lang {
        NotificationLanguage::Ru => CheckpointWords {
            intro: "Журнал аудита CaseLink подписал эту контрольную точку. Она подтверждает, каким \
                    журнал был в момент подписи.",
            position: "Позиция в цепочке",
            hash: "Хеш",
            sealed_at: "Запечатано",
            key_id: "Ключ",
            signature: "Подпись (Ed25519, base64)",
            keep: "Сохраните это письмо отдельно от CaseLink. Команда `caselink audit verify` сверяет \
                   журнал с контрольными точками: если цепочка не доходит до этой позиции или хеш \
                   в ней другой, журнал изменён.",
            footer: "Письмо отправлено CaseLink автоматически. Персональных данных в нём нет.",
        },
        NotificationLanguage::En => CheckpointWords {
            intro: "The CaseLink audit log signed this checkpoint. It attests what the log was \
                    when it was signed.",
            position: "Chain position",
            hash: "Hash",
            sealed_at: "Sealed at",
            key_id: "Key",
            signature: "Signature (Ed25519, base64)",
            keep: "Keep this message apart from CaseLink. `caselink audit verify` checks the log \
                   against its checkpoints: if the chain does not reach this position, or its \
                   hash there differs, the log was altered.",
            footer: "Sent automatically by CaseLink. It holds no personal data.",
        },
    }
}

/// The auditor's checkpoint mail: the checkpoint's fields from `row.details`, no link.
fn render_checkpoint(row: &NotificationRow) -> Rendered {
    let lang = row.language;
    let w = checkpoint_words(lang);
    let headline = words(row.kind, lang).headline;
    let checkpoint = row.details.as_ref().map(|details| &details.0);
    let field = |f: fn(&crate::audit::checkpoints::Checkpoint) -> String| {
        checkpoint.map(f).unwrap_or_else(|| "—".into())
    };
    let sealed_at = checkpoint
        .as_ref()
        .and_then(|c| DateTime::parse_from_rfc3339(&c.sealed_at).ok())
        .map(|t| {
            format!(
                "{} ({})",
                local_time(t.with_timezone(&Utc), row.time_zone, lang),
                checkpoint
                    .as_ref()
                    .map(|c| c.sealed_at.clone())
                    .unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "—".into());
    let facts = [
        (w.position, field(|c| c.position.to_string())),
        (w.hash, field(|c| c.hash.clone())),
        (w.sealed_at, sealed_at),
        (w.key_id, field(|c| c.key_id.clone())),
        (w.signature, field(|c| c.signature.clone())),
    ];
    let lines: Vec<String> = facts.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    let text = format!(
        "{headline}\n\n{}\n\n{}\n\n{}\n\n-- \n{}\n",
        w.intro,
        lines.join("\n"),
        w.keep,
        w.footer
    );
    let rows: String = facts
        .iter()
        .map(|(k, v)| {
            format!(
                "<tr><th align=\"left\">{}</th><td><code>{}</code></td></tr>\n",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n<h1>{}</h1>\n<p>{}</p>\n<table>\n{rows}</table>\n<p>{}</p>\n<hr>\n<p><small>{}</small></p>\n</body></html>\n",
        match lang {
            NotificationLanguage::Ru => "ru",
            NotificationLanguage::En => "en",
        },
        escape(headline),
        escape(headline),
        escape(w.intro),
        escape(w.keep),
        escape(w.footer)
    );
    let position = match lang {
        NotificationLanguage::Ru => "позиция",
        NotificationLanguage::En => "position",
    };
    Rendered {
        subject: format!(
            "CaseLink: {headline}, {position} {}",
            field(|c| c.position.to_string())
        ),
        text,
        html,
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
/// `2026-11-21 14:30 (Europe/Moscow)` in English.
pub fn local_time(time: DateTime<Utc>, zone: TimeZone, lang: NotificationLanguage) -> String {
    let local = time.with_timezone(&zone.tz());
    let pattern = match lang {
        NotificationLanguage::Ru => "%d.%m.%Y %H:%M",
        NotificationLanguage::En => "%Y-%m-%d %H:%M",
    };
    format!("{} ({})", local.format(pattern), zone.name())
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
            agency_id: Some(Uuid::nil()),
            recipient_user_id: None,
            recipient: "office@service.example".into(),
            language: lang,
            time_zone: crate::db::TimeZone(chrono_tz::Europe::Moscow),
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
        let mut row = row(NotificationKind::AuditCheckpoint, NotificationLanguage::Ru);
        row.agency_id = None;
        row.time_zone = crate::db::TimeZone::UTC;
        row.details = Some(crate::db::JsonText(checkpoint));
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
