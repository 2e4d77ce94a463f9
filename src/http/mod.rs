//! HTTP: the router, the GraphQL endpoint, health and readiness.

mod documents;
mod export;
mod graphql;
mod health;
mod router;

pub use router::router;
