//! The Relay `node(id:)` look-up. It goes through the same scoped store functions as
//! every other query, so a record outside the caller's scope is `NOT_FOUND` here too.

use async_graphql::{Context, Interface, Object, ID};

use crate::agencies::graphql::AgencyNode;
use crate::cases::graphql::CaseNode;
use crate::error::AppError;
use crate::graphql::ContextExt;
use crate::handovers::graphql::HandoverNode;
use crate::ids::parse_id;
use crate::inforequests::graphql::InformationRequestNode;
use crate::signals::graphql::SignalNode;
use crate::users::graphql::UserNode;
use crate::{agencies, cases, db, signals, users};

/// Anything with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
// A node is built once per request and returned: its size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Node {
    Agency(AgencyNode),
    User(UserNode),
    Signal(SignalNode),
    Case(CaseNode),
    Handover(HandoverNode),
    InformationRequest(InformationRequestNode),
}

/// The `node` query.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any record by id, if you may see it.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Node> {
        let actor = ctx.actor()?;
        let id = parse_id("id", &id)?;
        let db = &ctx.state().db;
        let now = db::now();
        let caller = ctx.caller();
        if let Ok(view) = cases::reads::get(db, caller, id, now).await {
            return Ok(Node::Case(CaseNode::new(view)));
        }
        if let Ok(view) = signals::reads::get(db, caller, id, now).await {
            return Ok(Node::Signal(SignalNode::new(view)));
        }
        if let Ok(view) = crate::handovers::reads::get(db, caller, id, now).await {
            return Ok(Node::Handover(HandoverNode::new(view)));
        }
        if let Ok(view) = crate::inforequests::reads::get(db, caller, id, now).await {
            return Ok(Node::InformationRequest(InformationRequestNode::new(view)));
        }
        if let Ok(row) = agencies::store::get(db, id).await {
            return Ok(Node::Agency(AgencyNode(row)));
        }
        if let Ok(user) = users::get(db, id).await {
            let node = UserNode::for_viewer(user, actor);
            if node.visible() {
                return Ok(Node::User(node));
            }
        }
        Err(AppError::NotFound("node").into())
    }
}
