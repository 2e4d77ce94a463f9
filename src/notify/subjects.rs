//! Subject kinds: the kinds of record a notification is about, which decide its link.
//! Each domain declares its own in its folder (`signals/notices.rs`, …) with the web
//! path its records live under, and registers them in [`crate::domains::DOMAINS`]. The
//! outbox and the templates read this registry, so a new module whose notices are about a
//! record of a new kind edits nothing here.
//!
//! A subject kind is stored as its SCREAMING_SNAKE name in `notifications.subject_kind`
//! and `notification_reminders.subject_kind`, as before. It is not in the GraphQL schema.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};
use uuid::Uuid;

/// The kind of record a notification is about: a name one domain registered, with the
/// path its records have in the web client.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct SubjectKind {
    name: &'static str,
    /// The web path below which a record of this kind is `{prefix}/{id}`; none for a
    /// subject with no page of its own (the audit log).
    prefix: Option<&'static str>,
}

impl SubjectKind {
    /// A kind named `name` whose records are at `{prefix}/{id}` in the web client (e.g.
    /// `"/handovers"`), for a domain's `notices.rs`; it exists once registered.
    pub const fn linked(name: &'static str, prefix: &'static str) -> SubjectKind {
        SubjectKind {
            name,
            prefix: Some(prefix),
        }
    }

    /// A kind named `name` with no page of its own: its messages link to the start page.
    pub const fn unlinked(name: &'static str) -> SubjectKind {
        SubjectKind { name, prefix: None }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.name
    }

    /// A stored name's kind, if a domain registered it.
    pub fn parse(name: &str) -> Option<SubjectKind> {
        registered().find(|kind| kind.name == name).copied()
    }

    /// The path of the record in the web client, below the public URL: `{prefix}/{id}`,
    /// or `/` for a kind with no page.
    pub fn path(self, id: Uuid) -> String {
        match self.prefix {
            Some(prefix) => format!("{prefix}/{id}"),
            None => "/".to_owned(),
        }
    }
}

/// Every registered subject kind, in the order of [`crate::domains::DOMAINS`].
pub fn registered() -> impl Iterator<Item = &'static SubjectKind> {
    crate::domains::DOMAINS
        .iter()
        .flat_map(|domain| domain.subject_kinds.iter())
}

// Stored as text on both databases, like the derived enums around it.
impl<DB: Database> Type<DB> for SubjectKind
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

impl<'q, DB: Database> Encode<'q, DB> for SubjectKind
where
    &'q str: Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as Database>::ArgumentBuffer<'q>,
    ) -> Result<IsNull, BoxDynError> {
        <&'q str as Encode<'q, DB>>::encode_by_ref(&self.name, buf)
    }
}

// A stored name no domain registers (written by a newer version, or by hand) is an error,
// never a guess: the row's link would point at some other kind of record. Read through
// the service, it is INTERNAL with a log line naming the column and the value.
impl<'r, DB: Database> Decode<'r, DB> for SubjectKind
where
    &'r str: Decode<'r, DB>,
{
    fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
        let name = <&'r str as Decode<'r, DB>>::decode(value)?;
        SubjectKind::parse(name)
            .ok_or_else(|| format!("no domain registers the subject kind {name:?}").into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_domains_register_the_same_subject_kind() {
        let mut names: Vec<&str> = registered().map(|k| k.as_str()).collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all);
    }

    #[test]
    fn stored_names_and_links_stay_as_they_were() {
        let id = Uuid::nil();
        let expected = [
            ("SIGNAL", format!("/signals/{id}")),
            ("CASE", format!("/cases/{id}")),
            ("HANDOVER", format!("/handovers/{id}")),
            ("AUDIT_LOG", "/".to_owned()),
        ];
        for (name, path) in expected {
            let kind = SubjectKind::parse(name).expect(name);
            assert_eq!((kind.as_str(), kind.path(id)), (name, path));
        }
        assert_eq!(
            SubjectKind::parse("HANDOVER"),
            Some(crate::handovers::notices::HANDOVER)
        );
    }

    #[test]
    fn an_unregistered_name_is_no_kind() {
        assert_eq!(SubjectKind::parse("WRITTEN_BY_A_NEWER_VERSION"), None);
        for kind in registered() {
            assert_eq!(SubjectKind::parse(kind.as_str()), Some(*kind));
            if let Some(prefix) = kind.prefix {
                assert!(
                    prefix.starts_with('/') && !prefix.ends_with('/'),
                    "{kind:?}: a prefix is `/name`"
                );
            }
        }
    }

    async fn read(db: &crate::db::Db, name: &str) -> Result<SubjectKind, sqlx::Error> {
        crate::with_db!(db, |pool| sqlx::query_scalar("SELECT $1")
            .bind(name)
            .fetch_one(pool)
            .await)
    }

    #[tokio::test]
    async fn a_stored_name_no_domain_registers_is_an_internal_error_not_a_default() {
        let db = crate::db::Db::connect("sqlite::memory:", 1)
            .await
            .expect("db");
        let handover = read(&db, "HANDOVER").await.expect("registered");
        assert_eq!(handover, crate::handovers::notices::HANDOVER);
        let error = read(&db, "MRG_WRITTEN_LATER")
            .await
            .expect_err("unregistered");
        assert!(error.to_string().contains("MRG_WRITTEN_LATER"), "{error}");
        let error = crate::error::AppError::from(error);
        assert!(
            matches!(error, crate::error::AppError::Internal(_)),
            "{error:?}"
        );
    }
}
