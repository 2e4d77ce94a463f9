//! The GraphQL API: schema assembly and limits, error codes, request context and
//! Relay connections. Domain modules contribute their own `graphql.rs`.

pub mod connection;
pub mod context;
pub mod cost;
pub mod documents;
pub mod error;
pub mod lean;
pub mod node;
pub mod operation;
pub mod registered_enum;
pub mod request_limits;
pub mod schema;

pub use context::{ContextExt, RequestContext};
pub use schema::{build_schemas, sdl, CaseLinkSchema, Schemas};
