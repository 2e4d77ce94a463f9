//! Parsed GraphQL documents, kept by query text: clients send the same few queries over
//! and over, and parsing one (async-graphql's pest parser) cost about as much CPU as the
//! rest of the request's GraphQL work. Only parsing is skipped: every request is still
//! validated (depth, complexity, fields, variables) against the schema as before.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use async_graphql::parser::types::ExecutableDocument;

/// How many documents are kept; past that the cache starts again empty.
const CAPACITY: usize = 512;
/// Longer query texts are parsed each time and never kept, so the cache's memory stays
/// small (at most `CAPACITY` × this many bytes of text, and their documents).
const MAX_QUERY_BYTES: usize = 8 * 1024;

/// Query text → its parsed document, shared by every request of one process.
#[derive(Clone, Default)]
pub struct DocumentCache {
    documents: Arc<RwLock<HashMap<String, ExecutableDocument>>>,
}

impl DocumentCache {
    /// Gives `request` its parsed document: from the cache, or parsed now and kept when
    /// it parses. A query that does not parse is left to the schema, which reports it.
    pub fn prepare(&self, request: &mut async_graphql::Request) {
        if request.query.len() > MAX_QUERY_BYTES {
            return;
        }
        let cached = self
            .documents
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&request.query)
            .cloned();
        if let Some(document) = cached {
            request.set_parsed_query(document);
            return;
        }
        let Ok(document) = request.parsed_query().cloned() else {
            return;
        };
        let mut documents = self.documents.write().unwrap_or_else(|e| e.into_inner());
        if documents.len() >= CAPACITY {
            documents.clear();
        }
        documents.insert(request.query.clone(), document);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_parsed_once_and_reused() {
        let cache = DocumentCache::default();
        let mut first = async_graphql::Request::new("{ me { id } }");
        cache.prepare(&mut first);
        let mut second = async_graphql::Request::new("{ me { id } }");
        cache.prepare(&mut second);
        assert_eq!(cache.documents.read().map(|d| d.len()).ok(), Some(1));
        assert!(second.parsed_query().is_ok());
    }

    #[test]
    fn a_query_that_does_not_parse_is_not_kept() {
        let cache = DocumentCache::default();
        let mut request = async_graphql::Request::new("{ me { id }");
        cache.prepare(&mut request);
        assert_eq!(cache.documents.read().map(|d| d.len()).ok(), Some(0));
        assert!(request.parsed_query().is_err());
    }
}
