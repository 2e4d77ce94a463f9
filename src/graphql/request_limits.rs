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
use async_graphql::Positioned;
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

/// Checks the variables: nesting, then every string in them.
pub fn check_variables(variables: &async_graphql::Variables) -> AppResult<()> {
    for (name, value) in variables.iter() {
        let field = format!("${name}");
        check_json(&field, value)?;
    }
    Ok(())
}

/// Checks the request's extensions like variables.
pub fn check_extensions(extensions: &async_graphql::Request) -> AppResult<()> {
    for (name, value) in &extensions.extensions.0 {
        check_json(&format!("extensions.{name}"), value)?;
    }
    if let Some(name) = &extensions.operation_name {
        check_string("operationName", name)?;
    }
    Ok(())
}

/// Walks one JSON value without recursion: depth first, so the first fault found is
/// named by its path.
fn check_json(field: &str, value: &ConstValue) -> AppResult<()> {
    let mut stack: Vec<(String, &ConstValue, usize)> = vec![(field.to_owned(), value, 1)];
    while let Some((path, value, depth)) = stack.pop() {
        if depth > MAX_JSON_NESTING {
            return Err(AppError::bad_input(
                field,
                format!("nested more than {MAX_JSON_NESTING} levels deep"),
            ));
        }
        match value {
            ConstValue::String(text) => check_string(&path, text)?,
            ConstValue::List(items) => {
                for (index, item) in items.iter().enumerate().rev() {
                    stack.push((format!("{}[{}]", path, index), item, depth + 1));
                }
            }
            ConstValue::Object(fields) => {
                for (key, item) in fields.iter().rev() {
                    check_string(&path, key)?;
                    stack.push((format!("{}.{}", path, key), item, depth + 1));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks every string literal in a parsed document: arguments of fields and
/// directives, and variables' default values. Recursion here is bounded, because the
/// text was held to [`MAX_DOCUMENT_NESTING`] before it was parsed.
pub fn check_document_strings(document: &ExecutableDocument) -> AppResult<()> {
    let operations: Vec<_> = match &document.operations {
        DocumentOperations::Single(operation) => vec![operation],
        DocumentOperations::Multiple(operations) => operations.values().collect(),
    };
    for operation in operations {
        for variable in &operation.node.variable_definitions {
            let field = format!("${}", variable.node.name.node);
            if let Some(default) = &variable.node.default_value {
                check_json(&field, &default.node)?;
            }
            check_directives(&variable.node.directives)?;
        }
        check_directives(&operation.node.directives)?;
        check_selection_set(&operation.node.selection_set.node)?;
    }
    for fragment in document.fragments.values() {
        check_directives(&fragment.node.directives)?;
        check_selection_set(&fragment.node.selection_set.node)?;
    }
    Ok(())
}

fn check_selection_set(set: &SelectionSet) -> AppResult<()> {
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                for (name, value) in &field.node.arguments {
                    check_literal(&name.node, &value.node)?;
                }
                check_directives(&field.node.directives)?;
                check_selection_set(&field.node.selection_set.node)?;
            }
            Selection::FragmentSpread(spread) => check_directives(&spread.node.directives)?,
            Selection::InlineFragment(fragment) => {
                check_directives(&fragment.node.directives)?;
                check_selection_set(&fragment.node.selection_set.node)?;
            }
        }
    }
    Ok(())
}

fn check_directives(directives: &[Positioned<Directive>]) -> AppResult<()> {
    for directive in directives {
        for (name, value) in &directive.node.arguments {
            check_literal(&name.node, &value.node)?;
        }
    }
    Ok(())
}

fn check_literal(path: &str, value: &Value) -> AppResult<()> {
    match value {
        Value::String(text) => check_string(path, text),
        Value::List(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, item)| check_literal(&format!("{path}[{index}]"), item)),
        Value::Object(fields) => fields
            .iter()
            .try_for_each(|(key, item)| check_literal(&format!("{path}.{key}"), item)),
        _ => Ok(()),
    }
}

/// One string: no control characters but tab and line breaks, and not over-long.
pub fn check_string(field: &str, text: &str) -> AppResult<()> {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err(AppError::bad_input(
            field,
            "must not contain NUL or other control characters",
        ));
    }
    // Cheap first: a string of at most MAX bytes has at most MAX characters.
    if text.len() > MAX_STRING_CHARS && text.chars().count() > MAX_STRING_CHARS {
        return Err(AppError::bad_input(
            field,
            format!("must be at most {MAX_STRING_CHARS} characters"),
        ));
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
        let error = check_json("$filter", &value)
            .err()
            .map(|e| e.public_message());
        assert_eq!(
            error.as_deref(),
            Some("$filter: nested more than 32 levels deep")
        );
    }

    #[test]
    fn a_bad_string_deep_in_the_variables_is_named_by_its_path() {
        let value: ConstValue = serde_json::from_str(r#"{"mother": {"fullName": "a\u0000"}}"#)
            .unwrap_or(ConstValue::Null);
        let error = check_json("$input", &value)
            .err()
            .map(|e| e.public_message());
        assert_eq!(
            error.as_deref(),
            Some("$input.mother.fullName: must not contain NUL or other control characters")
        );
    }
}
