//! Lean pages: a list page whose selection asks its nodes only for plain fields (scalars
//! and enums the node already holds) is written straight into the answer; any other
//! selection is resolved by async-graphql, field by field, as before.
//!
//! Why: async-graphql resolves every field of every object through a boxed future, a
//! task in a `FuturesUnordered` and an insert into an ordered map, about 10,000
//! instructions for a node of four fields; on a page of twenty cases that was 45% of the
//! server's work on PostgreSQL (docs/performance.md, "a lean path for list pages"). The
//! page written here holds the same values in the same order: the values come from the
//! node's own [`PlainFields::plain_field`], which its `#[Object]` resolvers share, and a
//! test compares the two paths for every plain field.
//!
//! The lean path takes only what it can answer exactly: fields named once each (aliases
//! allowed), without directives or arguments, no fragments (`@skip` and `@include` are
//! applied, and removed, by async-graphql before anything resolves). Anything else (a
//! fragment, a field named twice, a field that reads the database) falls back to the
//! whole machinery, so a client can never tell which path answered.

use std::borrow::Cow;

use async_graphql::connection::CursorType;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{Field, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{ContextSelectionSet, Name, OutputType, Positioned, ServerResult, Value};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::connection::{Keyset, Page};

/// A node type whose plain fields a lean page writes itself.
pub trait PlainFields: OutputType {
    /// The schema names of the fields [`PlainFields::plain_field`] answers: scalars and
    /// enums held by the node, without arguments, that read nothing and note nothing.
    const PLAIN_FIELDS: &'static [&'static str];

    /// The value of one of [`PlainFields::PLAIN_FIELDS`], exactly as the type's resolver
    /// gives it. Never called with another name.
    fn plain_field(&self, name: &str) -> Value;
}

/// A page of a list that writes itself when its selection allows ([module docs](self)).
/// In the schema it is the [`Page`] it wraps, field for field.
pub struct LeanPage<K, N>(pub Page<K, N>)
where
    K: Serialize + DeserializeOwned + Send + Sync,
    N: PlainFields;

impl<K, N> OutputType for LeanPage<K, N>
where
    K: Serialize + DeserializeOwned + Send + Sync,
    N: PlainFields,
{
    fn type_name() -> Cow<'static, str> {
        Page::<K, N>::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Page::<K, N>::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        match write_page(&self.0, &ctx.item.node) {
            Some(value) => Ok(value),
            None => self.0.resolve(ctx, field).await,
        }
    }
}

/// The most fields one level of a lean page's selection may name.
const MAX_PLAIN_FIELDS: usize = 32;

/// One field of a selection the lean path can answer: its response key, its schema name
/// and what it selects in turn.
struct Plain<'a> {
    key: &'a Name,
    name: &'a str,
    children: Vec<Plain<'a>>,
}

/// The selection as plain fields, or `None` when anything in it (at any depth) is more
/// than a field named once without directives or arguments.
fn plain_selection(set: &SelectionSet) -> Option<Vec<Plain<'_>>> {
    // The check for a repeated key compares each field with those before it; past a
    // selection a page really asks for, the long way takes over (validation's complexity
    // limit bounds it there).
    if set.items.len() > MAX_PLAIN_FIELDS {
        return None;
    }
    let mut fields: Vec<Plain<'_>> = Vec::with_capacity(set.items.len());
    for item in &set.items {
        let Selection::Field(field) = &item.node else {
            return None;
        };
        let field = &field.node;
        if !field.directives.is_empty() || !field.arguments.is_empty() {
            return None;
        }
        let key = &field.response_key().node;
        // The same key twice is merged by GraphQL's rules; left to async-graphql.
        if fields.iter().any(|f| f.key == key) {
            return None;
        }
        fields.push(Plain {
            key,
            name: field.name.node.as_str(),
            children: plain_selection(&field.selection_set.node)?,
        });
    }
    Some(fields)
}

fn write_page<K, N>(page: &Page<K, N>, set: &SelectionSet) -> Option<Value>
where
    K: Serialize + DeserializeOwned + Send + Sync,
    N: PlainFields,
{
    let selection = plain_selection(set)?;
    if !fits_page::<N>(&selection) {
        return None;
    }
    let mut answer = IndexMap::with_capacity(selection.len());
    for field in &selection {
        let value = match field.name {
            "__typename" => Value::String(Page::<K, N>::type_name().into_owned()),
            "edges" => {
                let edge_keys = keys(&field.children);
                let node_keys = field.children.iter().find(|part| part.name == "node");
                let node_keys = node_keys.map(|node| (keys(&node.children), node));
                Value::List(
                    page.edges
                        .iter()
                        .map(|edge| {
                            let mut object = edge_keys.clone();
                            for (slot, part) in object.values_mut().zip(&field.children) {
                                *slot = match (part.name, &node_keys) {
                                    ("cursor", _) => Value::String(edge.cursor.encode_cursor()),
                                    ("node", Some((keys, node))) => {
                                        write_node(&edge.node, keys, &node.children)
                                    }
                                    // "__typename", the only other name `fits_page` lets by.
                                    _ => Value::String(edge_type_name::<K, N>()),
                                };
                            }
                            Value::Object(object)
                        })
                        .collect(),
                )
            }
            "nodes" => {
                let node_keys = keys(&field.children);
                Value::List(
                    page.edges
                        .iter()
                        .map(|edge| write_node(&edge.node, &node_keys, &field.children))
                        .collect(),
                )
            }
            // "pageInfo", the only other name `fits_page` lets by.
            _ => write_page_info(page, &field.children),
        };
        answer.insert(field.key.clone(), value);
    }
    Some(Value::Object(answer))
}

/// Whether every field selected is one the lean path writes: the connection's, the
/// edges', the page info's and the nodes' plain fields.
fn fits_page<N: PlainFields>(selection: &[Plain<'_>]) -> bool {
    selection.iter().all(|field| match field.name {
        "__typename" => true,
        "edges" => field.children.iter().all(|part| match part.name {
            "__typename" | "cursor" => true,
            "node" => fits_node::<N>(&part.children),
            _ => false,
        }),
        "nodes" => fits_node::<N>(&field.children),
        "pageInfo" => field.children.iter().all(|part| {
            matches!(
                part.name,
                "__typename" | "hasNextPage" | "hasPreviousPage" | "startCursor" | "endCursor"
            )
        }),
        _ => false,
    })
}

fn fits_node<N: PlainFields>(selection: &[Plain<'_>]) -> bool {
    !selection.is_empty()
        && selection
            .iter()
            .all(|f| f.name == "__typename" || N::PLAIN_FIELDS.contains(&f.name))
}

/// An object with the selection's response keys in order, every value null: cloned for
/// each row and filled in place, so that a key is hashed once a page rather than once a
/// row (SipHash, the ordered map's hasher, was a tenth of a lean page's work).
fn keys(selection: &[Plain<'_>]) -> IndexMap<Name, Value> {
    selection
        .iter()
        .map(|field| (field.key.clone(), Value::Null))
        .collect()
}

fn write_node<N: PlainFields>(
    node: &N,
    keys: &IndexMap<Name, Value>,
    selection: &[Plain<'_>],
) -> Value {
    let mut object = keys.clone();
    for (slot, field) in object.values_mut().zip(selection) {
        *slot = match field.name {
            "__typename" => Value::String(node.introspection_type_name().into_owned()),
            name => node.plain_field(name),
        };
    }
    Value::Object(object)
}

fn write_page_info<K, N>(page: &Page<K, N>, selection: &[Plain<'_>]) -> Value
where
    K: Serialize + DeserializeOwned + Send + Sync,
    N: PlainFields,
{
    let cursor = |edge: Option<&async_graphql::connection::Edge<Keyset<K>, N, _>>| {
        edge.map_or(Value::Null, |edge| {
            Value::String(edge.cursor.encode_cursor())
        })
    };
    let mut object = IndexMap::with_capacity(selection.len());
    for field in selection {
        let value = match field.name {
            "hasNextPage" => Value::Boolean(page.has_next_page),
            "hasPreviousPage" => Value::Boolean(page.has_previous_page),
            "startCursor" => cursor(page.edges.first()),
            "endCursor" => cursor(page.edges.last()),
            // "__typename", the only other name `fits_page` lets by.
            _ => Value::String(
                <async_graphql::connection::PageInfo as OutputType>::type_name().into_owned(),
            ),
        };
        object.insert(field.key.clone(), value);
    }
    Value::Object(object)
}

fn edge_type_name<K, N>() -> String
where
    K: Serialize + DeserializeOwned + Send + Sync,
    N: PlainFields,
{
    <async_graphql::connection::Edge<Keyset<K>, N, async_graphql::connection::EmptyFields> as OutputType>::type_name()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    use super::*;
    use crate::graphql::connection::{connection, PageRequest};

    /// Times the `#[Object]` resolvers ran: zero when the lean path wrote the page.
    static RESOLVED: AtomicUsize = AtomicUsize::new(0);

    struct Probe {
        number: i32,
        label: Option<String>,
    }

    #[Object]
    impl Probe {
        async fn number(&self) -> i32 {
            RESOLVED.fetch_add(1, Ordering::SeqCst);
            self.number
        }
        async fn label(&self) -> Option<&str> {
            RESOLVED.fetch_add(1, Ordering::SeqCst);
            self.label.as_deref()
        }
        /// Not plain: the lean path never writes it.
        async fn twice(&self) -> i32 {
            RESOLVED.fetch_add(1, Ordering::SeqCst);
            self.number * 2
        }
    }

    impl PlainFields for Probe {
        const PLAIN_FIELDS: &'static [&'static str] = &["number", "label"];
        fn plain_field(&self, name: &str) -> Value {
            match name {
                "number" => self.number.to_value(),
                "label" => self.label.to_value(),
                _ => Value::Null,
            }
        }
    }

    use async_graphql::InputType as _;

    struct Query;

    #[Object]
    impl Query {
        async fn probes(&self, first: Option<i32>) -> LeanPage<i64, Probe> {
            let page = PageRequest::<i64>::parse(first, None).ok().unwrap();
            let rows = (1..=4).map(|n| (n, (n % 2 == 0).then(|| format!("«{n}»"))));
            LeanPage(connection(
                rows.collect(),
                &page,
                |(n, _)| i64::from(*n),
                |(number, label)| Probe { number, label },
            ))
        }
    }

    /// The answer's text, and whether the `#[Object]` resolvers ran for it.
    async fn answer(query: &str) -> (String, bool) {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let before = RESOLVED.load(Ordering::SeqCst);
        let response = schema.execute(query).await;
        assert!(response.errors.is_empty(), "{query}: {:?}", response.errors);
        let text = serde_json::to_string(&response.data).unwrap_or_default();
        (text, RESOLVED.load(Ordering::SeqCst) != before)
    }

    // One test, so that the counter is not shared with a test running alongside.
    #[tokio::test]
    async fn a_plain_selection_is_written_as_async_graphql_would_resolve_it() {
        let plain = "__typename \
            edges { __typename cursor node { __typename number label } } \
            n: nodes { label number } \
            pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }";
        let (lean, resolved) = answer(&format!("{{ probes(first: 3) {{ {plain} }} }}")).await;
        assert!(!resolved, "the plain page went through the resolvers");
        // An inline fragment changes nothing in the answer, and sends it the long way.
        let forced = format!("{{ probes(first: 3) {{ ... on ProbeConnection {{ {plain} }} }} }}");
        let (full, resolved) = answer(&forced).await;
        assert!(resolved, "{full}");
        assert_eq!(lean, full);
        assert!(lean.contains(r#""label":"«2»","number":2"#), "{lean}");

        // `@skip` and `@include` are applied before any resolver runs: still lean.
        let (skipped, resolved) =
            answer("{ probes { edges { node { number label @skip(if: true) } } } }").await;
        assert!(!resolved && !skipped.contains("label"), "{skipped}");
        // Anything beyond plain fields takes the long way, and answers as it did.
        for selection in [
            "edges { node { number twice } }",
            "edges { node { ... on Probe { number } } }",
            "edges { node { number } } edges { node { label } }",
            &format!(
                "edges {{ node {{ number {} }} }}",
                (0..MAX_PLAIN_FIELDS)
                    .map(|i| format!("a{i}: label"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ] {
            let (text, resolved) = answer(&format!("{{ probes {{ {selection} }} }}")).await;
            assert!(resolved, "{selection}: {text}");
            assert!(text.contains(r#""number":4"#), "{selection}: {text}");
        }
    }
}
