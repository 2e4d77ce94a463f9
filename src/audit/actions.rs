//! Audit actions: each domain declares its own with [`audit_actions!`](crate::audit_actions)
//! in its folder (`signals/audit_actions.rs`, …) and registers them with the rest of its
//! kinds in [`crate::domains::DOMAINS`]. No central list to edit for a new module.
//!
//! An action is stored as its SCREAMING_SNAKE name, as before, so existing rows and the
//! GraphQL `AuditAction` enum (assembled here from the registry) stay as they were.

use crate::graphql::registered_enum::EnumValue;

/// What happened: a SCREAMING_SNAKE name one domain registered.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct AuditAction(&'static str);

impl AuditAction {
    /// An action named `name`; used by [`audit_actions!`](crate::audit_actions).
    pub const fn new(name: &'static str) -> AuditAction {
        AuditAction(name)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// A stored name's action, if a domain registered it: a row written by a newer
    /// server version stays readable, with no action.
    pub fn parse(name: &str) -> Option<AuditAction> {
        registered().map(|a| a.action).find(|a| a.0 == name)
    }
}

/// A registered action with its meaning, for the schema.
#[derive(Clone, Copy, Debug)]
pub struct ActionInfo {
    /// The action.
    pub action: AuditAction,
    /// Its doc comment, as written.
    pub doc: &'static str,
}

/// Every registered action, in the order of [`crate::domains::DOMAINS`].
pub fn registered() -> impl Iterator<Item = &'static ActionInfo> {
    crate::domains::DOMAINS
        .iter()
        .flat_map(|domain| domain.audit_actions.iter())
}

fn schema_values() -> impl Iterator<Item = EnumValue> {
    registered().map(|info| EnumValue {
        name: info.action.as_str(),
        description: crate::graphql::registered_enum::doc_text(info.doc),
    })
}

crate::registered_graphql_enum!(
    AuditAction,
    "AuditAction",
    "What happened. Stored as its SCREAMING_SNAKE name.",
    AuditAction::parse,
    schema_values()
);

/// Declares a domain's audit actions: a `pub const` per action, named as stored, and
/// `ACTIONS`, the list the domain registers. A doc comment is required: it is the
/// action's description in the schema.
///
/// ```ignore
/// caselink::audit_actions! {
///     /// A meeting of the MRG was scheduled.
///     MRG_MEETING_SCHEDULED,
/// }
/// ```
#[macro_export]
macro_rules! audit_actions {
    ($( $(#[doc = $doc:literal])+ $name:ident ),+ $(,)?) => {
        $(
            $(#[doc = $doc])+
            pub const $name: $crate::audit::AuditAction =
                $crate::audit::AuditAction::new(stringify!($name));
        )+

        /// This domain's audit actions, for [`crate::domains::DOMAINS`].
        pub const ACTIONS: &[$crate::audit::actions::ActionInfo] = &[
            $($crate::audit::actions::ActionInfo {
                action: $name,
                doc: concat!($($doc, "\n"),+),
            }),+
        ];
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_domains_register_the_same_action() {
        let mut names: Vec<&str> = registered().map(|a| a.action.as_str()).collect();
        let all = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all);
    }

    #[test]
    fn stored_names_parse_back_and_unknown_ones_do_not() {
        for info in registered() {
            assert_eq!(AuditAction::parse(info.action.as_str()), Some(info.action));
            assert!(!info.doc.trim().is_empty(), "{:?} has no doc", info.action);
        }
        assert_eq!(AuditAction::parse("WRITTEN_BY_A_NEWER_VERSION"), None);
    }
}
