//! HTTP: the router, the GraphQL endpoint, health and readiness.

pub mod deadlines;
mod documents;
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
