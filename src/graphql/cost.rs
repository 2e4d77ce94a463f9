//! What the fields that do real work cost against the complexity limit
//! (`CASELINK_MAX_QUERY_COMPLEXITY`, 5000 by default), on top of one point per field.
//!
//! The limit is checked before anything runs, so a document asking for many expensive
//! fields (a thousand aliased `login`s) is refused whole, with nothing done. The costs
//! are set against the limit, not measured: a password hash takes tens of milliseconds
//! of a core where an ordinary field takes microseconds, so it costs as much as a full
//! page of 100 rows with ten fields each. docs/api.md lists them.

/// One argon2id computation: `login`, `createUser`, `setUserPassword` cost one,
/// `changePassword` two (the current password is checked, the new one hashed). Five fit
/// no document under the default limit.
pub const PASSWORD_CHECK: usize = 1000;

/// One document uploaded with `requestHandover`: read, typed by its content and stored,
/// up to `CASELINK_DOCUMENT_MAX_BYTES`. The default ten documents cost 2000, within the
/// limit; one upload mapped into many requests is counted each time.
pub const DOCUMENT: usize = 200;

/// The cost of `requestHandover`: one point, what it selects, and each document.
pub fn documents(count: usize, child_complexity: usize) -> usize {
    count
        .saturating_mul(DOCUMENT)
        .saturating_add(child_complexity)
        .saturating_add(1)
}
