//! GraphQL enums whose values come from the domain registry ([`crate::domains`]) instead
//! of a Rust `enum`: `AuditAction` and `NotificationKind`.
//!
//! Why not `#[derive(Enum)]`: a derived enum lists every value in one file, so each new
//! module would edit it. Here each domain lists its own values and the schema assembles
//! them in the order of [`crate::domains::DOMAINS`]; clients see the same enum as before.

use async_graphql::registry::{Deprecation, MetaEnumValue, MetaType, MetaTypeId, Registry};
use async_graphql::{InputValueError, InputValueResult, Name, Value};

/// One value of a registered enum, in the schema.
#[derive(Clone, Debug)]
pub struct EnumValue {
    /// The SCREAMING_SNAKE name, also the stored name.
    pub name: &'static str,
    /// What it means, shown in the schema.
    pub description: String,
}

/// Adds the enum `name` with `values` to the schema registry; returns its type name.
pub fn create_type_info<T: async_graphql::InputType>(
    registry: &mut Registry,
    name: &'static str,
    description: &'static str,
    values: impl Iterator<Item = EnumValue>,
) -> String {
    let values: Vec<EnumValue> = values.collect();
    registry.create_input_type::<T, _>(MetaTypeId::Enum, |_| MetaType::Enum {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        enum_values: values
            .iter()
            .map(|v| {
                let meta = MetaEnumValue {
                    name: v.name.to_owned(),
                    description: Some(v.description.clone()),
                    deprecation: Deprecation::NoDeprecated,
                    visible: None,
                    inaccessible: false,
                    tags: vec![],
                    directive_invocations: vec![],
                };
                (v.name.to_owned(), meta)
            })
            .collect(),
        visible: None,
        inaccessible: false,
        tags: vec![],
        rust_typename: Some(std::any::type_name::<T>()),
        directive_invocations: vec![],
        requires_scopes: vec![],
    })
}

/// A doc comment's text as the schema shows it (as `#[derive(Enum)]` does): each line
/// trimmed, joined by newlines.
pub fn doc_text(doc: &str) -> String {
    doc.lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// Reads an enum value from a request, through `lookup` (the registry).
pub fn parse<T: async_graphql::InputType>(
    value: Option<Value>,
    lookup: impl Fn(&str) -> Option<T>,
) -> InputValueResult<T> {
    let value = value.unwrap_or_default();
    let name = match &value {
        Value::Enum(name) => name.as_str(),
        Value::String(name) => name.as_str(),
        _ => return Err(InputValueError::expected_type(value)),
    };
    lookup(name).ok_or_else(|| {
        InputValueError::custom(format!(
            r#"Enumeration type does not contain value "{name}"."#
        ))
    })
}

/// The GraphQL value of `name`.
pub fn value(name: &str) -> Value {
    Value::Enum(Name::new(name))
}

/// Implements `InputType` and `OutputType` for a `Copy` newtype over a registered name.
/// `$lookup` finds a value by name; `$values` lists every registered value.
#[macro_export]
macro_rules! registered_graphql_enum {
    ($ty:ty, $name:literal, $description:literal, $lookup:path, $values:expr) => {
        impl async_graphql::InputType for $ty {
            type RawValueType = Self;

            fn type_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }

            fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
                $crate::graphql::registered_enum::create_type_info::<Self>(
                    registry,
                    $name,
                    $description,
                    $values,
                )
            }

            fn parse(value: Option<async_graphql::Value>) -> async_graphql::InputValueResult<Self> {
                $crate::graphql::registered_enum::parse(value, $lookup)
            }

            fn to_value(&self) -> async_graphql::Value {
                $crate::graphql::registered_enum::value(self.as_str())
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }
        }

        impl async_graphql::OutputType for $ty {
            fn type_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }

            fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
                <Self as async_graphql::InputType>::create_type_info(registry)
            }

            async fn resolve(
                &self,
                _: &async_graphql::ContextSelectionSet<'_>,
                _: &async_graphql::Positioned<async_graphql::parser::types::Field>,
            ) -> async_graphql::ServerResult<async_graphql::Value> {
                Ok($crate::graphql::registered_enum::value(self.as_str()))
            }
        }
    };
}
