//! Relay cursor connections over keyset pages: a page costs the same at any depth.

use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::OutputType;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// Page size when the client gives none.
pub const DEFAULT_PAGE: i32 = 20;
/// The largest page a client may ask for.
pub const MAX_PAGE: i32 = 100;

/// The complexity of a connection field: its page size times a node's complexity, so
/// that `first: 100` costs a hundred times `first: 1`.
pub fn complexity(first: Option<i32>, child_complexity: usize) -> usize {
    let size = first.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE) as usize;
    size.saturating_mul(child_complexity).max(1)
}

/// A validated page request: how many rows to show, and the keyset to continue after.
pub struct PageRequest<K> {
    /// Rows to show.
    pub size: i64,
    /// The last row's key on the previous page.
    pub after: Option<K>,
}

impl<K: DeserializeOwned> PageRequest<K> {
    /// Parses `first` and `after` from the client.
    pub fn parse(first: Option<i32>, after: Option<&str>) -> AppResult<Self> {
        let size = first.unwrap_or(DEFAULT_PAGE);
        if !(1..=MAX_PAGE).contains(&size) {
            return Err(AppError::bad_input(
                "first",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
        let after = after.map(decode_cursor).transpose()?;
        Ok(PageRequest {
            size: i64::from(size),
            after,
        })
    }

    /// How many rows to fetch: one more than shown, to learn whether a next page exists.
    pub fn fetch_limit(&self) -> i64 {
        self.size + 1
    }
}

/// A row's keyset as its cursor, encoded only when a client asks for it (an edge's
/// `cursor`, `pageInfo`'s `startCursor` and `endCursor`). A page read without them
/// encodes none, and one that asks only for `endCursor` encodes one: about 4,000
/// instructions saved for each cursor not asked for (docs/performance.md, "where a
/// request's instructions go").
pub struct Keyset<K>(pub K);

impl<K: Serialize + DeserializeOwned> CursorType for Keyset<K> {
    type Error = &'static str;

    /// Not used by the lists ([`PageRequest::parse`] reads `after`, with a field-named
    /// error); here because async-graphql's trait asks for it.
    fn decode_cursor(cursor: &str) -> Result<Self, &'static str> {
        decode_cursor(cursor)
            .map(Keyset)
            .map_err(|_| "not a cursor from this list")
    }

    fn encode_cursor(&self) -> String {
        encode_cursor(&self.0)
    }
}

/// A page of a list keyed by `K`, with nodes `N`: what a list field returns.
pub type Page<K, N> = Connection<Keyset<K>, N>;

/// Encodes a keyset as an opaque cursor.
pub fn encode_cursor<K: Serialize>(key: &K) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(key).unwrap_or_default())
}

fn decode_cursor<K: DeserializeOwned>(cursor: &str) -> AppResult<K> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| AppError::bad_input("after", "not a cursor from this list"))
}

/// Builds a connection from `rows` fetched with [`PageRequest::fetch_limit`].
pub fn connection<R, N, K>(
    mut rows: Vec<R>,
    page: &PageRequest<K>,
    key_of: impl Fn(&R) -> K,
    node_of: impl Fn(R) -> N,
) -> Page<K, N>
where
    N: OutputType,
    K: Serialize + DeserializeOwned + Send + Sync,
{
    let has_next = rows.len() as i64 > page.size;
    rows.truncate(page.size as usize);
    let mut connection = Connection::new(page.after.is_some(), has_next);
    connection.edges = rows
        .into_iter()
        .map(|row| Edge::new(Keyset(key_of(&row)), node_of(row)))
        .collect();
    connection
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips() {
        let cursor = encode_cursor(&("Опека", 42_i64));
        let page = PageRequest::<(String, i64)>::parse(Some(5), Some(&cursor))
            .ok()
            .unwrap();
        assert_eq!(page.after, Some(("Опека".to_owned(), 42)));
        assert_eq!(page.fetch_limit(), 6);
    }

    #[test]
    fn a_forged_cursor_is_bad_input_on_after() {
        let err = PageRequest::<i64>::parse(None, Some("not-base64!")).err();
        assert!(matches!(err, Some(AppError::BadUserInput { field, .. }) if field == "after"));
    }

    #[test]
    fn page_size_is_bounded() {
        assert!(PageRequest::<i64>::parse(Some(0), None).is_err());
        assert!(PageRequest::<i64>::parse(Some(101), None).is_err());
        assert_eq!(
            PageRequest::<i64>::parse(None, None).ok().map(|p| p.size),
            Some(20)
        );
    }
}
