//! Assembles the schema from the domain modules' queries and mutations, with limits.

use async_graphql::parser::types::{ExecutableDocument, Selection};
use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

use crate::agencies::graphql::{AgencyMutation, AgencyQuery};
use crate::app::AppState;
use crate::audit::graphql::AuditQuery;
use crate::auth::graphql::AuthMutation;
use crate::cases::graphql::{CaseMutation, CaseQuery};
use crate::casework::graphql::{CaseworkMutation, CaseworkQuery};
use crate::config::Config;
use crate::graphql::node::NodeQuery;
use crate::handovers::graphql::{HandoverMutation, HandoverQuery};
use crate::inforequests::graphql::{InformationRequestMutation, InformationRequestQuery};
use crate::mrg::graphql::{MrgMutation, MrgQuery};
use crate::notify::graphql::{NotificationMutation, NotificationQuery};
use crate::plans::graphql::{PlanMutation, PlanQuery};
use crate::reports::graphql::{ReportMutation, ReportQuery};
use crate::reunification::graphql::{ReunificationMutation, ReunificationQuery};
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
    InformationRequestQuery,
    PlanQuery,
    MrgQuery,
    ReunificationQuery,
    ReportQuery,
    CaseworkQuery,
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
    crate::casefiles::graphql::CaseFileMutation,
    HandoverMutation,
    InformationRequestMutation,
    PlanMutation,
    MrgMutation,
    ReunificationMutation,
    ReportMutation,
    CaseworkMutation,
    NotificationMutation,
);

/// The hub's schema type.
pub type CaseLinkSchema = Schema<Query, Mutation, EmptySubscription>;

fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
}

/// How deep an introspection-only query may go. Tools ask for a type's wrappers
/// (`ofType { ofType { … } }`) about ten levels down, deeper than any query of the hub's
/// own data needs, so such queries get a limit of their own.
pub const INTROSPECTION_DEPTH: usize = 32;

/// The schema twice over: with the configured limits for every query, and with room for
/// the depth of a standard introspection query, for queries that select nothing but
/// `__schema`, `__type` and `__typename` (see [`introspection_only`]).
#[derive(Clone)]
pub struct Schemas {
    /// For every request.
    pub api: CaseLinkSchema,
    /// For introspection-only requests; it answers nothing else.
    pub introspection: CaseLinkSchema,
}

/// The schemas served by `run`, with the configured limits.
pub fn build_schemas(state: AppState, config: &Config) -> Schemas {
    let limited = |depth: usize| {
        let builder = builder()
            .data(state.clone())
            .limit_depth(depth)
            .limit_complexity(config.max_query_complexity);
        match config.introspection {
            true => builder,
            false => builder.disable_introspection(),
        }
    };
    let introspection = limited(INTROSPECTION_DEPTH.max(config.max_query_depth));
    // Answers the schema and nothing else; with introspection off, not even that.
    let introspection = match config.introspection {
        true => introspection.introspection_only(),
        false => introspection,
    };
    Schemas {
        api: limited(config.max_query_depth).finish(),
        introspection: introspection.finish(),
    }
}

/// Whether the operation the request runs selects the schema (`__schema` or `__type`, with
/// `__typename` at most beside them) and nothing else at its root,
/// as GraphiQL's and client generators' schema queries do. Fragments at the root make it
/// an ordinary query, held to the ordinary limits.
pub fn introspection_only(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    let Some((_, operation)) = crate::graphql::operation::selected(document, operation_name) else {
        return false;
    };
    let root_fields: Option<Vec<&str>> = operation
        .node
        .selection_set
        .node
        .items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => Some(field.node.name.node.as_str()),
            _ => None,
        })
        .collect();
    root_fields.is_some_and(|names| {
        names.iter().any(|n| matches!(*n, "__schema" | "__type"))
            && names
                .iter()
                .all(|n| matches!(*n, "__schema" | "__type" | "__typename"))
    })
}

/// The schema in SDL, as checked in at `schema.graphql` (`caselink schema`).
pub fn sdl() -> String {
    builder().finish().sdl()
}
