//! Record ids: UUID v7 (time-ordered), shown to clients as GraphQL `ID` strings.

use async_graphql::ID;
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// An id as clients see it.
pub fn to_id(id: Uuid) -> ID {
    ID(id.to_string())
}

/// Parses a client-supplied id; a malformed one is bad input on `field`.
pub fn parse_id(field: &str, id: &str) -> AppResult<Uuid> {
    Uuid::parse_str(id.trim()).map_err(|_| AppError::bad_input(field, "not an id"))
}
