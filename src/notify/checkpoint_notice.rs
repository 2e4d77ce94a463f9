//! The audit checkpoint mail's kind and its own template (`notify/templates/checkpoint.*`):
//! it lists the checkpoint's fields and has no link. [`super::audit_checkpoint`] decides
//! when it goes.

use askama::Template as _;
use chrono::{DateTime, Utc};

use crate::agencies::NotificationLanguage;
use crate::audit::checkpoints::Checkpoint;
use crate::notify::kinds::{Headline, KindSpec, NotificationKind, Template};
use crate::notify::subjects::SubjectKind;
use crate::notify::templates::{lang_tag, local_time, with_final_newline, Rendered};
use crate::notify::NotificationRow;

/// The audit log, as what the checkpoint mail is about: no page of its own, so no link
/// (its id is nil).
pub const AUDIT_LOG: SubjectKind = SubjectKind::unlinked("AUDIT_LOG");

/// The checkpoint mail's subject kind, for [`crate::domains::DOMAINS`] (through
/// `notify::DOMAIN`).
pub const SUBJECTS: &[SubjectKind] = &[AUDIT_LOG];

/// The latest signed audit checkpoint, for the auditor.
pub const AUDIT_CHECKPOINT: NotificationKind = NotificationKind::new("AUDIT_CHECKPOINT");

/// The checkpoint mail's kind, for [`crate::domains::DOMAINS`] (through `notify::DOMAIN`).
pub const KINDS: &[KindSpec] = &[KindSpec {
    kind: AUDIT_CHECKPOINT,
    description: "The latest signed audit checkpoint, for the auditor named in
        `CASELINK_AUDIT_CHECKPOINT_EMAIL` (position, hash, key id, signature).",
    optional: false,
    template: Template::Own(render),
}];

const HEADLINE: Headline = Headline {
    ru: "Контрольная точка журнала аудита",
    en: "Audit log checkpoint",
};

/// The words of the checkpoint mail in one language.
struct Words {
    intro: &'static str,
    position: &'static str,
    hash: &'static str,
    sealed_at: &'static str,
    key_id: &'static str,
    signature: &'static str,
    keep: &'static str,
    footer: &'static str,
    /// "position" in the subject line.
    subject_position: &'static str,
}

#[derive(askama::Template)]
#[template(path = "notify/templates/checkpoint.txt")]
struct CheckpointText<'a> {
    headline: &'a str,
    words: &'a Words,
    facts: &'a [(&'a str, String)],
}

#[derive(askama::Template)]
#[template(path = "notify/templates/checkpoint.html")]
struct CheckpointHtml<'a> {
    lang: &'a str,
    headline: &'a str,
    words: &'a Words,
    facts: &'a [(&'a str, String)],
}

#[derive(askama::Template)]
#[template(
    source = "CaseLink: {{ headline }}, {{ position_word }} {{ position }}",
    ext = "txt"
)]
struct CheckpointSubject<'a> {
    headline: &'a str,
    position_word: &'a str,
    position: &'a str,
}

/// The auditor's checkpoint mail: the checkpoint's fields from `row.details`, no link.
/// A row without details shows dashes: the mail still goes, and says it. (Details that
/// do not parse fail the row's decoding, as every typed row does.)
fn render(row: &NotificationRow, _public_url: &str) -> askama::Result<Rendered> {
    let lang = row.language;
    let w = words(lang);
    let headline = HEADLINE.in_language(lang);
    let checkpoint: Option<&Checkpoint> = row.details.as_ref().map(|details| &details.0);
    let field = |f: fn(&Checkpoint) -> String| checkpoint.map(f).unwrap_or_else(|| "—".into());
    let sealed_at = checkpoint
        .and_then(|c| {
            let at = DateTime::parse_from_rfc3339(&c.sealed_at).ok()?;
            let local = local_time(at.with_timezone(&Utc), row.time_zone, lang);
            Some(format!("{local} ({})", c.sealed_at))
        })
        .unwrap_or_else(|| "—".into());
    let position = field(|c| c.position.to_string());
    let facts = [
        (w.position, position.clone()),
        (w.hash, field(|c| c.hash.clone())),
        (w.sealed_at, sealed_at),
        (w.key_id, field(|c| c.key_id.clone())),
        (w.signature, field(|c| c.signature.clone())),
    ];
    let text = CheckpointText {
        headline,
        words: &w,
        facts: &facts,
    };
    let html = CheckpointHtml {
        lang: lang_tag(lang),
        headline,
        words: &w,
        facts: &facts,
    };
    let subject = CheckpointSubject {
        headline,
        position_word: w.subject_position,
        position: &position,
    };
    Ok(Rendered {
        subject: subject.render()?,
        text: with_final_newline(text.render()?),
        html: with_final_newline(html.render()?),
    })
}

fn words(lang: NotificationLanguage) -> Words {
    match lang {
        NotificationLanguage::Ru => Words {
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
            subject_position: "позиция",
        },
        NotificationLanguage::En => Words {
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
            subject_position: "position",
        },
    }
}
