//! GraphQL for reading the audit log (administrators only).

use async_graphql::{Context, InputObject, Json, Object, ID};
use chrono::{DateTime, Utc};

use super::store::{self, AuditFilter, AuditRow};
use super::AuditAction;
use crate::access::policy;
use crate::graphql::connection::{connection, Page, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::parse_id;

/// One audited event. Holds ids and field names, never personal data or secrets.
pub struct AuditEventNode(AuditRow);

fn id_of(id: Option<uuid::Uuid>) -> Option<ID> {
    id.map(|id| ID(id.to_string()))
}

#[Object(name = "AuditEvent")]
impl AuditEventNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }
    /// What happened; null only for an action this server version does not know.
    async fn action(&self) -> Option<AuditAction> {
        AuditAction::parse(&self.0.action)
    }
    /// Who did it; null for failed sign-ins and the command line.
    async fn actor_user_id(&self) -> Option<ID> {
        id_of(self.0.actor_user_id)
    }
    async fn actor_agency_id(&self) -> Option<ID> {
        id_of(self.0.actor_agency_id)
    }
    /// The kind of record acted on: `agency`, `user`, `session`, `case`, …
    async fn target_kind(&self) -> &str {
        &self.0.target_kind
    }
    async fn target_id(&self) -> Option<ID> {
        id_of(self.0.target_id)
    }
    async fn case_id(&self) -> Option<ID> {
        id_of(self.0.case_id)
    }
    /// The request id, as in the server log.
    async fn request_id(&self) -> &str {
        &self.0.request_id
    }
    /// Extra facts: ids, field names, reasons.
    async fn details(&self) -> Json<&serde_json::Value> {
        Json(&self.0.details.0)
    }
    /// Whether the event is chained into the tamper-evident log yet (within seconds).
    async fn sealed(&self) -> bool {
        self.0.sealed
    }
}

/// Filters on the audit log.
#[derive(InputObject, Default)]
pub struct AuditFilterInput {
    pub action: Option<AuditAction>,
    pub actor_user_id: Option<ID>,
    pub target_id: Option<ID>,
    pub case_id: Option<ID>,
    /// From this time on (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this time (exclusive).
    pub to: Option<DateTime<Utc>>,
}

/// Reading the audit log.
#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit log, newest first: all of it for hub administrators, their agency's
    /// people's events for agency administrators.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        filter: Option<AuditFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<i64, AuditEventNode>> {
        let view = policy::audit_view(ctx.actor()?)?;
        let page = PageRequest::<i64>::parse(first, after.as_deref())?;
        let f = filter.unwrap_or_default();
        let id = |field: &str, v: Option<ID>| v.map(|v| parse_id(field, &v)).transpose();
        let filter = AuditFilter {
            action: f.action.map(|a| a.as_str().to_owned()),
            actor_user_id: id("actorUserId", f.actor_user_id)?,
            target_id: id("targetId", f.target_id)?,
            case_id: id("caseId", f.case_id)?,
            from: f.from,
            to: f.to,
        };
        if page.after.is_none() {
            // The first page shows every read up to now, not only those already moved.
            let state = ctx.state();
            let log = super::checkpoints::CheckpointLog::new(&state.config.audit_checkpoint_file);
            super::staged::flush(&state.db, &log).await?;
        }
        let rows = store::list_page(
            &ctx.state().db,
            view,
            &filter,
            page.after,
            page.fetch_limit(),
        )
        .await?;
        Ok(connection(rows, &page, |r| r.seq, AuditEventNode))
    }
}
