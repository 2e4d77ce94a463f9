//! HTTP: the router, the request's caller and its read audit, the GraphQL endpoint, the
//! CSV export, document downloads, a case's people as JSON, health and readiness.

mod caller;
mod case_persons;
pub mod deadlines;
mod documents;
pub mod error;
mod export;
mod graphiql;
mod graphql;
mod graphql_request;
mod health;
mod metrics;
mod negotiation;
mod router;
mod serve;

pub use router::router;
pub use serve::serve;
