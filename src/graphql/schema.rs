//! Assembles the schema from the domain modules' queries and mutations, with limits.

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

use crate::agencies::graphql::{AgencyMutation, AgencyQuery};
use crate::app::AppState;
use crate::audit::graphql::AuditQuery;
use crate::auth::graphql::AuthMutation;
use crate::cases::graphql::{CaseMutation, CaseQuery};
use crate::config::Config;
use crate::graphql::node::NodeQuery;
use crate::handovers::graphql::{HandoverMutation, HandoverQuery};
use crate::notify::graphql::{NotificationMutation, NotificationQuery};
use crate::signals::graphql::{SignalMutation, SignalQuery};
use crate::users::graphql::{UserMutation, UserQuery};

/// Every query of the hub.
#[derive(MergedObject, Default)]
pub struct Query(
    NodeQuery,
    UserQuery,
    AgencyQuery,
    SignalQuery,
    CaseQuery,
    HandoverQuery,
    AuditQuery,
    NotificationQuery,
);

/// Every mutation of the hub.
#[derive(MergedObject, Default)]
pub struct Mutation(
    AuthMutation,
    AgencyMutation,
    UserMutation,
    SignalMutation,
    CaseMutation,
    HandoverMutation,
    NotificationMutation,
);

/// The hub's schema type.
pub type CaseLinkSchema = Schema<Query, Mutation, EmptySubscription>;

fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
}

/// The schema served by `run`, with the configured limits.
pub fn build_schema(state: AppState, config: &Config) -> CaseLinkSchema {
    let mut builder = builder()
        .data(state)
        .limit_depth(config.max_query_depth)
        .limit_complexity(config.max_query_complexity);
    if !config.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The schema in SDL, as checked in at `schema.graphql` (`caselink schema`).
pub fn sdl() -> String {
    builder().finish().sdl()
}
