//! GraphQL for the outbox (administrators) and for each user's reminder settings.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};

use super::model::{NotificationKind, NotificationRow, NotificationStatus};
use super::store::{self, OutboxFilter};
use crate::db;
use crate::graphql::connection::{connection, Page, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::parse_id;

/// One message in the outbox: what it tells, where it went, how its sending went.
pub struct NotificationNode(NotificationRow);

#[Object(name = "Notification")]
impl NotificationNode {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    async fn kind(&self) -> NotificationKind {
        self.0.kind
    }
    async fn status(&self) -> NotificationStatus {
        self.0.status
    }
    /// The receiving agency; null for mail to no agency (the audit checkpoint sent to
    /// the auditor).
    async fn agency_id(&self) -> Option<ID> {
        self.0.agency_id.map(|id| ID(id.to_string()))
    }
    /// The person it went to; null when it went to the agency's own address.
    async fn recipient_user_id(&self) -> Option<ID> {
        self.0.recipient_user_id.map(|id| ID(id.to_string()))
    }
    /// The address it goes to.
    async fn recipient(&self) -> &str {
        &self.0.recipient
    }
    /// The record it is about (a signal, case or handover).
    async fn subject_id(&self) -> ID {
        ID(self.0.subject_id.to_string())
    }
    /// The record's journal number.
    async fn journal_number(&self) -> &str {
        &self.0.journal_no
    }
    /// The due time the message names, if any.
    async fn due_at(&self) -> Option<DateTime<Utc>> {
        self.0.due_at
    }
    /// Tries so far, all told.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    async fn last_attempt_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_attempt_at
    }
    /// Why the last try failed (the SMTP server's answer or the connection error).
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// When it is tried next, while PENDING.
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        (self.0.status == NotificationStatus::Pending).then_some(self.0.next_attempt_at)
    }
    async fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.0.sent_at
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Filters on the outbox.
#[derive(InputObject, Default)]
pub struct NotificationFilterInput {
    pub status: Option<NotificationStatus>,
    pub kind: Option<NotificationKind>,
    /// Only this agency's messages (hub administrators; an agency administrator always
    /// sees their own agency's only).
    pub agency_id: Option<ID>,
    /// Only messages about this signal, case or handover.
    pub subject_id: Option<ID>,
}

/// What the signed-in user receives.
#[derive(SimpleObject)]
pub struct NotificationSettings {
    /// The reminder kinds they turned off.
    pub opt_outs: Vec<NotificationKind>,
    /// The kinds anyone may turn off; every other kind always goes out.
    pub optional: Vec<NotificationKind>,
}

fn settings(opt_outs: Vec<NotificationKind>) -> NotificationSettings {
    NotificationSettings {
        opt_outs,
        optional: NotificationKind::optional_kinds(),
    }
}

/// Reading the outbox and one's own settings.
#[derive(Default)]
pub struct NotificationQuery;

#[Object]
impl NotificationQuery {
    /// The outbox, newest first: every message for hub administrators, their agency's
    /// for agency administrators.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        filter: Option<NotificationFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<uuid::Uuid, NotificationNode>> {
        let own = super::outbox_agency(ctx.actor()?)?;
        let page = PageRequest::<uuid::Uuid>::parse(first, after.as_deref())?;
        let f = filter.unwrap_or_default();
        let id = |field: &str, v: Option<ID>| v.map(|v| parse_id(field, &v)).transpose();
        let filter = OutboxFilter {
            agency_id: own.or(id("agencyId", f.agency_id)?),
            status: f.status,
            kind: f.kind,
            subject_id: id("subjectId", f.subject_id)?,
        };
        let rows =
            store::list_page(&ctx.state().db, &filter, page.after, page.fetch_limit()).await?;
        Ok(connection(rows, &page, |r| r.id, NotificationNode))
    }

    /// The signed-in user's notification settings.
    async fn notification_settings(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<NotificationSettings> {
        let actor = ctx.actor()?;
        Ok(settings(
            store::opt_outs(&ctx.state().db, actor.user_id).await?,
        ))
    }
}

/// Re-sending and settings.
#[derive(Default)]
pub struct NotificationMutation;

#[Object]
impl NotificationMutation {
    /// Puts a FAILED message back in the queue for a fresh round of tries.
    async fn resend_notification(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<NotificationNode> {
        let id = parse_id("id", &id)?;
        let row = super::resend(&ctx.state().db, ctx.caller(), id, db::now()).await?;
        Ok(NotificationNode(row))
    }

    /// Sets which reminders the signed-in user does not want (replaces the list). Only
    /// the `optional` kinds may be turned off.
    async fn update_notification_settings(
        &self,
        ctx: &Context<'_>,
        opt_outs: Vec<NotificationKind>,
    ) -> async_graphql::Result<NotificationSettings> {
        let kinds =
            super::set_opt_outs(&ctx.state().db, ctx.caller(), &opt_outs, db::now()).await?;
        Ok(settings(kinds))
    }
}
