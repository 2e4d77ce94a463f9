//! Notification kinds: each domain declares its own in its folder (`signals/notices.rs`,
//! …) with the template that renders it, and registers them in
//! [`crate::domains::DOMAINS`]. The outbox, the opt-outs and the GraphQL
//! `NotificationKind` enum all read this registry, so a new module edits nothing here.
//!
//! A kind is stored as its SCREAMING_SNAKE name, as before.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

use super::model::NotificationRow;
use super::templates::Rendered;
use crate::agencies::NotificationLanguage;
use crate::graphql::registered_enum::{doc_text, EnumValue};

/// The kind of event a notification tells about: a name one domain registered.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct NotificationKind(&'static str);

impl NotificationKind {
    /// A kind named `name`, for a domain's `notices.rs`; it exists once registered.
    pub const fn new(name: &'static str) -> NotificationKind {
        NotificationKind(name)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// A stored name's kind, if a domain registered it.
    pub fn parse(name: &str) -> Option<NotificationKind> {
        spec_named(name).map(|spec| spec.kind)
    }

    /// Its registration: description, whether users may turn it off, its template.
    pub fn spec(self) -> Option<&'static KindSpec> {
        spec_named(self.0)
    }

    /// Whether a user may turn this kind off (reminders). Notices of new signals and of
    /// handovers to their agency always go out.
    pub fn optional(self) -> bool {
        self.spec().is_some_and(|spec| spec.optional)
    }

    /// The kinds a user may turn off, in registry order.
    pub fn optional_kinds() -> Vec<NotificationKind> {
        registered()
            .filter(|spec| spec.optional)
            .map(|spec| spec.kind)
            .collect()
    }
}

/// A registered kind.
#[derive(Clone, Copy, Debug)]
pub struct KindSpec {
    /// The kind.
    pub kind: NotificationKind,
    /// What it tells, shown in the schema.
    pub description: &'static str,
    /// Whether a user may turn it off: reminders only.
    pub optional: bool,
    /// How it is written.
    pub template: Template,
}

impl KindSpec {
    /// A notice no user may turn off, written as the shared notice under `ru` / `en`:
    /// what most domains' `notices.rs` register.
    pub const fn notice(
        kind: NotificationKind,
        description: &'static str,
        ru: &'static str,
        en: &'static str,
    ) -> KindSpec {
        KindSpec {
            kind,
            description,
            optional: false,
            template: Template::Notice(Headline { ru, en }),
        }
    }
}

/// How a kind's message is written. Whatever the template, it sees only the outbox row:
/// the kind, the journal number, the due time, the link (152-FZ: no personal data).
#[derive(Clone, Copy, Debug)]
pub enum Template {
    /// The shared notice (`notify/templates/notice.*`) under this headline.
    Notice(Headline),
    /// The shared notice under a headline worked out from the row (a clock reminder
    /// names its clock).
    NoticeWith(fn(&NotificationRow) -> askama::Result<String>),
    /// A message of the kind's own (the audit checkpoint); the second argument is the
    /// public URL.
    Own(fn(&NotificationRow, &str) -> askama::Result<Rendered>),
}

/// A headline in each language.
#[derive(Clone, Copy, Debug)]
pub struct Headline {
    /// In Russian, the default.
    pub ru: &'static str,
    /// In English.
    pub en: &'static str,
}

impl Headline {
    /// The headline in `language`.
    pub fn in_language(&self, language: NotificationLanguage) -> &'static str {
        match language {
            NotificationLanguage::Ru => self.ru,
            NotificationLanguage::En => self.en,
        }
    }
}

/// Every registered kind, in the order of [`crate::domains::DOMAINS`].
pub fn registered() -> impl Iterator<Item = &'static KindSpec> {
    crate::domains::DOMAINS
        .iter()
        .flat_map(|domain| domain.notification_kinds.iter())
}

fn spec_named(name: &str) -> Option<&'static KindSpec> {
    registered().find(|spec| spec.kind.0 == name)
}

fn schema_values() -> impl Iterator<Item = EnumValue> {
    registered().map(|spec| EnumValue {
        name: spec.kind.as_str(),
        description: doc_text(spec.description),
    })
}

crate::registered_graphql_enum!(
    NotificationKind,
    "NotificationKind",
    "The kind of event a notification tells about. Stored as its SCREAMING_SNAKE name.",
    NotificationKind::parse,
    schema_values()
);

// Stored as text on both databases, like the derived enums around it.
impl<DB: Database> Type<DB> for NotificationKind
where
    str: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <str as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <str as Type<DB>>::compatible(ty)
    }
}

impl<'q, DB: Database> Encode<'q, DB> for NotificationKind
where
    &'q str: Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        <&'q str as Encode<'q, DB>>::encode_by_ref(&self.0, buf)
    }
}

// A stored name no domain registers (written by a newer version) is an error, never a
// guess: the row cannot be sent or shown as some other kind.
impl<'r, DB: Database> Decode<'r, DB> for NotificationKind
where
    &'r str: Decode<'r, DB>,
{
    fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let name = <&'r str as Decode<'r, DB>>::decode(value)?;
        NotificationKind::parse(name)
            .ok_or_else(|| format!("no domain registers the notification kind {name:?}").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_domains_register_the_same_kind() {
        let mut names: Vec<&str> = registered().map(|s| s.kind.as_str()).collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all);
    }

    #[test]
    fn only_reminders_may_be_turned_off() {
        use crate::handovers::notices as handovers;
        use crate::signals::notices as signals;
        assert_eq!(
            NotificationKind::optional_kinds(),
            vec![signals::SIGNAL_CLOCK_DUE_SOON, signals::SIGNAL_CLOCK_PASSED]
        );
        assert!(!signals::NEW_SIGNAL.optional());
        assert!(!handovers::HANDOVER_REQUESTED.optional());
        assert!(!handovers::HANDOVER_DEADLINE_NEAR.optional());
    }

    #[test]
    fn an_unregistered_name_is_no_kind() {
        assert_eq!(NotificationKind::parse("PLAN_TASK_WRITTEN_LATER"), None);
        assert_eq!(
            NotificationKind::parse("HANDOVER_DEADLINE_NEAR"),
            Some(crate::handovers::notices::HANDOVER_DEADLINE_NEAR)
        );
    }
}
