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
//! A node type may also name one field that lists objects of plain fields (a case's
//! people, [`PlainFields::ITEM_LIST`]): the lean page reads it for all its nodes at once,
//! through the same scoped read and behind the same gate as the field's resolver, noting
//! the same reads ([`PlainFields::item_lists`]), and writes the items' plain fields.
//!
//! The lean path takes only what it can answer exactly: fields named once each (aliases
//! allowed), without directives or arguments, no fragments (`@skip` and `@include` are
//! applied, and removed, by async-graphql before anything resolves). Anything else (a
//! fragment, a field named twice, any other field that reads the database) falls back to
//! the whole machinery, so a client can never tell which path answered; so does a page
//! whose item list could not be read, to report the error where the resolver reports it.

use std::borrow::Cow;
use std::future::Future;

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

    /// The one field of the type that lists objects of plain fields
    /// ([`PlainFields::Item`], a case's people), which a lean page reads for all its
    /// nodes at once ([`PlainFields::item_lists`]); `None` when the type has none.
    const ITEM_LIST: Option<&'static str> = None;

    /// What [`PlainFields::ITEM_LIST`] lists (`()` when the type lists nothing).
    type Item: PlainItem;

    /// The [`PlainFields::ITEM_LIST`] of every node of a page, in the nodes' order, `None`
    /// where the field is null for this caller: read, and noted on the caller's read log,
    /// exactly as the field's own resolver reads and notes it node by node. `None` for the
    /// whole page (a read that failed) sends the page the long way, where the error is
    /// reported on the field as the resolver reports it.
    fn item_lists<'a>(
        ctx: &'a ContextSelectionSet<'a>,
        nodes: Vec<&'a Self>,
    ) -> impl Future<Output = Option<Vec<Option<Vec<Self::Item>>>>> + Send + 'a {
        let _ = (ctx, nodes);
        async { None }
    }
}

/// An object whose fields are all plain, listed under a node's
/// [`PlainFields::ITEM_LIST`].
pub trait PlainItem: Send + Sync {
    /// The schema's name of its type, for `__typename`.
    const TYPE_NAME: &'static str;
    /// The names of its fields, every one answered by [`PlainItem::plain_field`].
    const PLAIN_FIELDS: &'static [&'static str];
    /// The value of one of [`PlainItem::PLAIN_FIELDS`], exactly as the type's resolver
    /// gives it.
    fn plain_field(&self, name: &str) -> Value;
}

/// The item of a node type that lists nothing a lean page writes.
impl PlainItem for () {
    const TYPE_NAME: &'static str = "";
    const PLAIN_FIELDS: &'static [&'static str] = &[];
    fn plain_field(&self, _: &str) -> Value {
        Value::Null
    }
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
        let selection = plain_selection(&ctx.item.node).filter(|s| fits_page::<N>(s));
        let Some(selection) = selection else {
            return self.0.resolve(ctx, field).await;
        };
        let items = if lists_items::<N>(&selection) {
            let nodes = self.0.edges.iter().map(|edge| &edge.node).collect();
            match N::item_lists(ctx, nodes).await {
                Some(items) if items.len() == self.0.edges.len() => items,
                _ => return self.0.resolve(ctx, field).await,
            }
        } else {
            Vec::new()
        };
        Ok(write_page(&self.0, &selection, &items))
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

/// The page written from its selection (already checked by [`fits_page`]); `items` holds
/// each node's [`PlainFields::ITEM_LIST`] when the selection asks for it.
fn write_page<K, N>(
    page: &Page<K, N>,
    selection: &[Plain<'_>],
    items: &[Option<Vec<N::Item>>],
) -> Value
where
    K: Serialize + DeserializeOwned + Send + Sync,
    N: PlainFields,
{
    let items_of = |row: usize| items.get(row);
    let mut answer = IndexMap::with_capacity(selection.len());
    for field in selection {
        let value = match field.name {
            "__typename" => Value::String(Page::<K, N>::type_name().into_owned()),
            "edges" => {
                let edge_keys = keys(&field.children);
                let node = field.children.iter().find(|part| part.name == "node");
                let node = node.map(|node| NodeShape::<N>::of(&node.children));
                Value::List(
                    page.edges
                        .iter()
                        .enumerate()
                        .map(|(row, edge)| {
                            let mut object = edge_keys.clone();
                            for (slot, part) in object.values_mut().zip(&field.children) {
                                *slot = match (part.name, &node) {
                                    ("cursor", _) => Value::String(edge.cursor.encode_cursor()),
                                    ("node", Some(shape)) => shape.write(&edge.node, items_of(row)),
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
                let shape = NodeShape::<N>::of(&field.children);
                Value::List(
                    page.edges
                        .iter()
                        .enumerate()
                        .map(|(row, edge)| shape.write(&edge.node, items_of(row)))
                        .collect(),
                )
            }
            // "pageInfo", the only other name `fits_page` lets by.
            _ => write_page_info(page, &field.children),
        };
        answer.insert(field.key.clone(), value);
    }
    Value::Object(answer)
}

/// Whether every field selected is one the lean path writes: the connection's, the
/// edges', the page info's and the nodes' plain fields and item list.
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
        && selection.iter().all(|f| {
            f.name == "__typename"
                || N::PLAIN_FIELDS.contains(&f.name)
                || (N::ITEM_LIST == Some(f.name) && fits_item::<N::Item>(&f.children))
        })
}

fn fits_item<I: PlainItem>(selection: &[Plain<'_>]) -> bool {
    !selection.is_empty()
        && selection
            .iter()
            .all(|f| f.name == "__typename" || I::PLAIN_FIELDS.contains(&f.name))
}

/// Whether a selection that fits the page asks its nodes for their item list.
fn lists_items<N: PlainFields>(selection: &[Plain<'_>]) -> bool {
    let asks = |node: &[Plain<'_>]| node.iter().any(|f| N::ITEM_LIST == Some(f.name));
    selection.iter().any(|field| match field.name {
        "edges" => field
            .children
            .iter()
            .any(|part| part.name == "node" && asks(&part.children)),
        "nodes" => asks(&field.children),
        _ => false,
    })
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

/// How each node of a page is written: its selection, with the keys of its objects and
/// of its items' objects made once a page.
struct NodeShape<'s, 'q, N> {
    selection: &'s [Plain<'q>],
    keys: IndexMap<Name, Value>,
    item_keys: IndexMap<Name, Value>,
    node: std::marker::PhantomData<fn(&N)>,
}

impl<'s, 'q, N: PlainFields> NodeShape<'s, 'q, N> {
    fn of(selection: &'s [Plain<'q>]) -> Self {
        let item_list = selection.iter().find(|f| N::ITEM_LIST == Some(f.name));
        NodeShape {
            selection,
            keys: keys(selection),
            item_keys: item_list.map(|f| keys(&f.children)).unwrap_or_default(),
            node: std::marker::PhantomData,
        }
    }

    /// One node, with its item list as read for its row (`None` only when the selection
    /// does not ask for it).
    fn write(&self, node: &N, items: Option<&Option<Vec<N::Item>>>) -> Value {
        let mut object = self.keys.clone();
        for (slot, field) in object.values_mut().zip(self.selection) {
            *slot = match field.name {
                "__typename" => Value::String(node.introspection_type_name().into_owned()),
                name if N::ITEM_LIST == Some(name) => match items {
                    Some(Some(items)) => Value::List(
                        items
                            .iter()
                            .map(|item| self.write_item(item, &field.children))
                            .collect(),
                    ),
                    _ => Value::Null,
                },
                name => node.plain_field(name),
            };
        }
        Value::Object(object)
    }

    fn write_item(&self, item: &N::Item, selection: &[Plain<'_>]) -> Value {
        let mut object = self.item_keys.clone();
        for (slot, field) in object.values_mut().zip(selection) {
            *slot = match field.name {
                "__typename" => Value::String(<N::Item as PlainItem>::TYPE_NAME.to_owned()),
                name => item.plain_field(name),
            };
        }
        Value::Object(object)
    }
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
        /// The item list: null for odd numbers, else one tag per half of the number.
        async fn tags(&self) -> Option<Vec<Tag>> {
            RESOLVED.fetch_add(1, Ordering::SeqCst);
            tags_of(self.number)
        }
    }

    #[derive(async_graphql::SimpleObject)]
    struct Tag {
        text: String,
        weight: Option<i32>,
    }

    fn tags_of(number: i32) -> Option<Vec<Tag>> {
        (number % 2 == 0).then(|| {
            (0..number / 2)
                .map(|i| Tag {
                    text: format!("{number}.{i}"),
                    weight: (i > 0).then_some(i),
                })
                .collect()
        })
    }

    impl PlainItem for Tag {
        const TYPE_NAME: &'static str = "Tag";
        const PLAIN_FIELDS: &'static [&'static str] = &["text", "weight"];
        fn plain_field(&self, name: &str) -> Value {
            match name {
                "text" => self.text.to_value(),
                "weight" => self.weight.to_value(),
                _ => Value::Null,
            }
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

        const ITEM_LIST: Option<&'static str> = Some("tags");
        type Item = Tag;

        async fn item_lists<'a>(
            _: &'a ContextSelectionSet<'a>,
            nodes: Vec<&'a Self>,
        ) -> Option<Vec<Option<Vec<Tag>>>> {
            Some(nodes.iter().map(|node| tags_of(node.number)).collect())
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
            edges { __typename cursor node { __typename number label \
              tags { __typename w: weight text } } } \
            n: nodes { label number tags { text } } \
            pageInfo { __typename hasNextPage hasPreviousPage startCursor endCursor }";
        let (lean, resolved) = answer(&format!("{{ probes(first: 3) {{ {plain} }} }}")).await;
        assert!(!resolved, "the plain page went through the resolvers");
        // An inline fragment changes nothing in the answer, and sends it the long way.
        let forced = format!("{{ probes(first: 3) {{ ... on ProbeConnection {{ {plain} }} }} }}");
        let (full, resolved) = answer(&forced).await;
        assert!(resolved, "{full}");
        assert_eq!(lean, full);
        assert!(lean.contains(r#""label":"«2»","number":2"#), "{lean}");
        assert!(
            lean.contains(r#""number":1,"label":null,"tags":null"#),
            "{lean}"
        );
        assert!(
            lean.contains(r#""tags":[{"__typename":"Tag","w":null,"text":"2.0"}]"#),
            "{lean}"
        );

        // `@skip` and `@include` are applied before any resolver runs: still lean.
        let (skipped, resolved) =
            answer("{ probes { edges { node { number label @skip(if: true) } } } }").await;
        assert!(!resolved && !skipped.contains("label"), "{skipped}");
        // Anything beyond plain fields takes the long way, and answers as it did.
        for selection in [
            "edges { node { number twice } }",
            "edges { node { number tags { text ... on Tag { weight } } } }",
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
