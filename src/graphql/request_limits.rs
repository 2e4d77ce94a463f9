//! The bounds every GraphQL request meets where it enters, before anything recurses
//! over it or any value reaches a resolver or the database.
//!
//! - **Nesting.** async-graphql's parser (pest) and every walk over a document recurse
//!   once per level of `{`, `[` or `(`; a 3 KB document nested 1,500 deep overflowed a
//!   worker's stack and ended the process. The query text is therefore scanned first,
//!   without recursion, and refused past [`MAX_DOCUMENT_NESTING`] levels of any kind:
//!   selection sets, list and object literals, arguments, default values alike. Variables
//!   and extensions (JSON, already capped at 128 levels by serde_json while the body is
//!   read) are held to [`MAX_JSON_NESTING`] by an iterative walk.
//! - **Strings.** Every string the request carries (variables, literals in the document,
//!   default values, extensions, the operation name) is checked once here: no NUL or other
//!   control character but tab and line breaks (PostgreSQL refuses NUL in text; no field
//!   of the hub wants control characters), and at most [`MAX_STRING_CHARS`] characters,
//!   the longest free text any field accepts. Each field's parser then applies its own,
//!   tighter bound. The answer names the field or variable at fault.

use async_graphql::parser::types::{
    Directive, DocumentOperations, ExecutableDocument, Selection, SelectionSet,
};
use std::collections::HashMap;

use async_graphql::{Name, Positioned};
use async_graphql_value::{ConstValue, Value};

use crate::error::{AppError, AppResult};

/// The deepest nesting of `{`, `[` and `(` a query text may have. The deepest query the
/// hub's own clients send (the standard introspection query) has about 15; the stack
/// holds thousands, so this leaves room both ways.
pub const MAX_DOCUMENT_NESTING: usize = 64;
/// The deepest list or object in the variables or extensions. No input type of the hub
/// nests more than four levels.
pub const MAX_JSON_NESTING: usize = 32;
/// The longest string accepted anywhere, in characters: the longest free-text field
/// (a signal's situation) takes 10,000.
pub const MAX_STRING_CHARS: usize = 10_000;

/// Refuses a query text nested deeper than [`MAX_DOCUMENT_NESTING`], without parsing it.
pub fn check_document_nesting(query: &str) -> AppResult<()> {
    match document_nesting_exceeds(query.as_bytes(), MAX_DOCUMENT_NESTING) {
        false => Ok(()),
        true => Err(AppError::bad_input(
            "query",
            format!("nested more than {MAX_DOCUMENT_NESTING} levels deep"),
        )),
    }
}

/// Whether the GraphQL text nests `{`, `[` or `(` deeper than `max`. A lexical scan:
/// brackets inside strings, block strings and comments do not count. Unbalanced text is
/// left to the parser, which reports it.
fn document_nesting_exceeds(text: &[u8], max: usize) -> bool {
    let mut depth = 0_usize;
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'#' => {
                while i < text.len() && text[i] != b'\n' && text[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if text[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < text.len() && !text[i..].starts_with(b"\"\"\"") {
                    // An escaped triple quote does not end the block string.
                    i += if text[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while i < text.len() && text[i] != b'"' && text[i] != b'\n' {
                    i += if text[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

/// Where a value sits, for the error: `field` is what `extensions.field` names (the input
/// field or argument nearest the fault, as every parser of the hub names it), `path` the
/// whole way to it from the variable or argument, told in the message.
#[derive(Clone, Debug)]
struct At {
    field: String,
    path: String,
}

impl At {
    fn root(field: &str, path: &str) -> At {
        At {
            field: field.to_owned(),
            path: path.to_owned(),
        }
    }

    fn key(&self, key: &str) -> At {
        At {
            field: key.to_owned(),
            path: format!("{}.{}", self.path, key),
        }
    }

    fn index(&self, index: usize) -> At {
        At {
            field: self.field.clone(),
            path: format!("{}[{}]", self.path, index),
        }
    }

    fn refuse(&self, message: impl std::fmt::Display) -> AppError {
        match self.path == self.field {
            true => AppError::bad_input(&self.field, message.to_string()),
            false => AppError::bad_input(&self.field, format!("{message} (at {})", self.path)),
        }
    }
}

/// Which argument or input field each variable is passed to, so that a fault in a
/// variable is named by the field that takes it.
pub type VariableUses = HashMap<String, String>;

/// Checks the variables: nesting and every string in them. A variable is named by the
/// field it is passed to when the document says, else by its own name.
pub fn check_variables(variables: &async_graphql::Variables, uses: &VariableUses) -> AppResult<()> {
    for (name, value) in variables.iter() {
        let path = format!("${name}");
        let field = uses.get(name.as_str()).unwrap_or(&path);
        check_json(At::root(field, &path), value)?;
    }
    Ok(())
}

/// Checks the request's extensions like variables, and its operation name.
pub fn check_extensions(request: &async_graphql::Request) -> AppResult<()> {
    for (name, value) in &request.extensions.0 {
        let field = format!("extensions.{name}");
        check_json(At::root(&field, &field), value)?;
    }
    if let Some(name) = &request.operation_name {
        check_string("operationName", name)?;
    }
    Ok(())
}

/// Walks one JSON value without recursion: depth first, so the first fault found is
/// named by its path.
fn check_json(root: At, value: &ConstValue) -> AppResult<()> {
    let mut stack: Vec<(At, &ConstValue, usize)> = vec![(root.clone(), value, 1)];
    while let Some((at, value, depth)) = stack.pop() {
        if depth > MAX_JSON_NESTING {
            return Err(root.refuse(format!("nested more than {MAX_JSON_NESTING} levels deep")));
        }
        match value {
            ConstValue::String(text) => check_text(&at, text)?,
            ConstValue::List(items) => {
                for (index, item) in items.iter().enumerate().rev() {
                    stack.push((at.index(index), item, depth + 1));
                }
            }
            ConstValue::Object(fields) => {
                for (key, item) in fields.iter().rev() {
                    check_text(&at, key)?;
                    stack.push((at.key(key), item, depth + 1));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks every string literal in a parsed document (arguments of fields and
/// directives, variables' default values) and returns where each variable is used.
/// Recursion here is bounded: the text was held to [`MAX_DOCUMENT_NESTING`] before it
/// was parsed.
pub fn check_document_strings(document: &ExecutableDocument) -> AppResult<VariableUses> {
    let mut uses = VariableUses::new();
    let operations: Vec<_> = match &document.operations {
        DocumentOperations::Single(operation) => vec![operation],
        DocumentOperations::Multiple(operations) => operations.values().collect(),
    };
    for operation in operations {
        for variable in &operation.node.variable_definitions {
            let path = format!("${}", variable.node.name.node);
            if let Some(default) = &variable.node.default_value {
                check_json(At::root(&path, &path), &default.node)?;
            }
            check_directives(&variable.node.directives, &mut uses)?;
        }
        check_directives(&operation.node.directives, &mut uses)?;
        check_selection_set(&operation.node.selection_set.node, &mut uses)?;
    }
    for fragment in document.fragments.values() {
        check_directives(&fragment.node.directives, &mut uses)?;
        check_selection_set(&fragment.node.selection_set.node, &mut uses)?;
    }
    Ok(uses)
}

fn check_selection_set(set: &SelectionSet, uses: &mut VariableUses) -> AppResult<()> {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                check_arguments(&field.node.arguments, uses)?;
                check_directives(&field.node.directives, uses)?;
                check_selection_set(&field.node.selection_set.node, uses)?;
            }
            Selection::FragmentSpread(spread) => check_directives(&spread.node.directives, uses)?,
            Selection::InlineFragment(fragment) => {
                check_directives(&fragment.node.directives, uses)?;
                check_selection_set(&fragment.node.selection_set.node, uses)?;
            }
        }
    }
    Ok(())
}

fn check_directives(
    directives: &[Positioned<Directive>],
    uses: &mut VariableUses,
) -> AppResult<()> {
    directives
        .iter()
        .try_for_each(|directive| check_arguments(&directive.node.arguments, uses))
}

fn check_arguments(
    arguments: &[(Positioned<Name>, Positioned<Value>)],
    uses: &mut VariableUses,
) -> AppResult<()> {
    arguments.iter().try_for_each(|(name, value)| {
        check_literal(&At::root(&name.node, &name.node), &value.node, uses)
    })
}

fn check_literal(at: &At, value: &Value, uses: &mut VariableUses) -> AppResult<()> {
    match value {
        Value::String(text) => check_text(at, text),
        Value::Variable(name) => {
            uses.entry(name.to_string())
                .or_insert_with(|| at.field.clone());
            Ok(())
        }
        Value::List(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, item)| check_literal(&at.index(index), item, uses)),
        Value::Object(fields) => fields
            .iter()
            .try_for_each(|(key, item)| check_literal(&at.key(key), item, uses)),
        _ => Ok(()),
    }
}

/// One string: no control characters but tab and line breaks, and not over-long.
pub fn check_string(field: &str, text: &str) -> AppResult<()> {
    check_text(&At::root(field, field), text)
}

fn check_text(at: &At, text: &str) -> AppResult<()> {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(at.refuse("must not contain NUL or other control characters"));
    }
    // Cheap first: a string of at most MAX bytes has at most MAX characters.
    if text.len() > MAX_STRING_CHARS && text.chars().count() > MAX_STRING_CHARS {
        return Err(at.refuse(format!("must be at most {MAX_STRING_CHARS} characters")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_scan_finds_exactly_the_depth_it_is_given(
            kinds in proptest::collection::vec(0_usize..3, 0..200),
            max in 0_usize..120,
        ) {
            let (open, close) = (["[", "{a: ", "(x: "], ["]", "}", ")"]);
            let mut text: String = kinds.iter().map(|k| open[*k]).collect();
            text.push('1');
            text.extend(kinds.iter().rev().map(|k| close[*k]));
            prop_assert_eq!(document_nesting_exceeds(text.as_bytes(), max), kinds.len() > max);
        }

        #[test]
        fn the_scan_takes_any_text_without_panicking(text in any::<String>()) {
            let _ = document_nesting_exceeds(text.as_bytes(), MAX_DOCUMENT_NESTING);
        }
    }

    fn nested(open: &str, close: &str, depth: usize) -> String {
        format!("{}1{}", open.repeat(depth), close.repeat(depth))
    }

    #[test]
    fn brackets_of_every_kind_count_towards_the_nesting() {
        assert!(!document_nesting_exceeds(b"{ a { b(x: [1, {y: 2}]) } }", 5));
        assert!(document_nesting_exceeds(b"{ a { b(x: [1, {y: 2}]) } }", 4));
        let deep = format!("{{ a @include(if: {}) }}", nested("[", "]", 1500));
        assert!(document_nesting_exceeds(deep.as_bytes(), 64));
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = format!(
            "{{ a(x: \"{}\", y: \"\"\"{}\\\"\"\"]]\"\"\") # {}\n }}",
            "[".repeat(100),
            "{".repeat(100),
            "(".repeat(100)
        );
        assert!(!document_nesting_exceeds(text.as_bytes(), 2));
    }

    #[test]
    fn an_escaped_quote_does_not_end_a_string() {
        let text = format!("{{ a(x: \"\\\"{}\") }}", "[".repeat(100));
        assert!(!document_nesting_exceeds(text.as_bytes(), 2));
    }

    #[test]
    fn nul_and_control_characters_are_refused_but_line_breaks_are_not() {
        assert!(check_string("email", "a\0b@x.ru").is_err());
        assert!(check_string("note", "a\u{1b}[31m").is_err());
        assert!(check_string("note", "строка\nвторая\tс табуляцией\r\n").is_ok());
    }

    #[test]
    fn the_longest_string_is_bounded_in_characters_not_bytes() {
        assert!(check_string("situation", &"я".repeat(MAX_STRING_CHARS)).is_ok());
        assert!(check_string("situation", &"я".repeat(MAX_STRING_CHARS + 1)).is_err());
    }

    #[test]
    fn deep_variables_are_refused_by_their_name() {
        let mut value = ConstValue::Null;
        for _ in 0..40 {
            value = ConstValue::List(vec![value]);
        }
        let error = check_json(At::root("filter", "$f"), &value)
            .err()
            .map(|e| e.public_message());
        assert_eq!(
            error.as_deref(),
            Some("filter: nested more than 32 levels deep (at $f)")
        );
    }

    #[test]
    fn a_bad_string_deep_in_the_variables_is_named_by_its_path() {
        let value: ConstValue = serde_json::from_str(r#"{"mother": {"fullName": "a\u0000"}}"#)
            .unwrap_or(ConstValue::Null);
        let error = check_json(At::root("$input", "$input"), &value)
            .err()
            .map(|e| e.public_message());
        assert_eq!(
            error.as_deref(),
            Some("fullName: must not contain NUL or other control characters (at $input.mother.fullName)")
        );
    }
}
