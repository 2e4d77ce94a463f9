//! The operation a request runs, read from its document before the schema runs it: to
//! refuse a mutation sent by GET, to name the operation in the log, and to coerce the
//! variables the operation requires.

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, OperationType,
};
use async_graphql::{Positioned, Variables};
use async_graphql_value::ConstValue;

use crate::error::{AppError, AppResult};
use crate::graphql::request_limits::VariableUses;

/// The operation that `operation_name` selects, as GraphQL's `GetOperation` does: the
/// named one; with no name, the only one. `None` when there is no such operation (the
/// schema then reports it).
pub fn selected<'a>(
    document: &'a ExecutableDocument,
    operation_name: Option<&str>,
) -> Option<(Option<&'a str>, &'a Positioned<OperationDefinition>)> {
    match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), None) => Some((None, operation)),
        (DocumentOperations::Single(_), Some(_)) => None,
        (DocumentOperations::Multiple(operations), Some(name)) => operations
            .get_key_value(name)
            .map(|(name, operation)| (Some(name.as_str()), operation)),
        // One named operation and no name given: that one runs.
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations
            .iter()
            .next()
            .map(|(name, operation)| (Some(name.as_str()), operation)),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// Whether the selected operation is a mutation.
pub fn is_mutation(operation: &Positioned<OperationDefinition>) -> bool {
    operation.node.ty == OperationType::Mutation
}

/// GraphQL's `CoerceVariableValues` for what async-graphql leaves to the resolvers: a
/// variable of a non-null type must be given (or have a default) and must not be `null`.
/// async-graphql checks variables' values against the arguments they are passed to while
/// it validates, but a required variable left out only fails in the resolver, as a field
/// error after execution has begun; the spec makes it a request error, refused before
/// anything runs. The error names the field the variable is passed to, like the other
/// variable checks.
pub fn check_required_variables(
    operation: &Positioned<OperationDefinition>,
    variables: &Variables,
    uses: &VariableUses,
) -> AppResult<()> {
    for definition in &operation.node.variable_definitions {
        let definition = &definition.node;
        if definition.var_type.node.nullable {
            continue;
        }
        let name = definition.name.node.as_str();
        let problem = match variables.get(name) {
            None if definition.default_value.is_none() => "was not provided",
            Some(ConstValue::Null) => "must not be null",
            _ => continue,
        };
        let path = format!("${name}");
        let field = uses.get(name).unwrap_or(&path);
        let message = format!(
            "variable ${name} of the required type {} {problem}",
            definition.var_type.node
        );
        return Err(AppError::bad_input(field, message));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(query: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(query).unwrap_or_else(|e| panic!("{e}"))
    }

    fn variables(json: serde_json::Value) -> Variables {
        Variables::from_json(json)
    }

    #[test]
    fn the_operation_is_selected_as_graphql_does() {
        let single = document("{ a }");
        assert!(selected(&single, None).is_some());
        assert!(selected(&single, Some("A")).is_none());
        let named = document("mutation M { a }");
        let (name, operation) = selected(&named, None).unwrap_or_else(|| panic!("one op"));
        assert_eq!(name, Some("M"));
        assert!(is_mutation(operation));
        let two = document("query Q { a } mutation M { a }");
        assert!(selected(&two, None).is_none());
        assert!(selected(&two, Some("Q")).is_some_and(|(_, op)| !is_mutation(op)));
        assert!(selected(&two, Some("M")).is_some_and(|(_, op)| is_mutation(op)));
        assert!(selected(&two, Some("X")).is_none());
    }

    #[test]
    fn a_required_variable_must_be_given_and_not_null() {
        let query = document("query Q($id: ID!, $n: Int! = 5, $f: String) { a(id: $id) }");
        let (_, operation) = selected(&query, None).unwrap_or_else(|| panic!("one op"));
        let uses = VariableUses::from([("id".to_owned(), "id".to_owned())]);
        let check = |json| {
            check_required_variables(operation, &variables(json), &uses)
                .err()
                .map(|e| e.public_message())
        };
        assert_eq!(check(serde_json::json!({ "id": "x" })), None);
        assert_eq!(
            check(serde_json::json!({})).as_deref(),
            Some("id: variable $id of the required type ID! was not provided")
        );
        assert_eq!(
            check(serde_json::json!({ "id": null })).as_deref(),
            Some("id: variable $id of the required type ID! must not be null")
        );
        assert_eq!(
            check(serde_json::json!({ "id": "x", "n": null })).as_deref(),
            Some("$n: variable $n of the required type Int! must not be null")
        );
    }
}
