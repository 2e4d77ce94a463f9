//! Reading cases: one, the agency's list, a curator's caseload, a timeline.

use async_graphql::{Context, Object, ID};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{id, CaseEvent, CaseFilterInput, CaseNode};
use crate::cases::reads;
use crate::cases::store::{self, CaseFilter};
use crate::db;
use crate::graphql::connection::{connection, PageRequest};
use crate::graphql::lean::LeanPage;
use crate::graphql::ContextExt;
use crate::ids::parse_id;

/// Reading cases.
#[derive(Default)]
pub struct CaseQuery;

#[Object]
impl CaseQuery {
    /// One case, if your agency takes part in it.
    async fn case(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<CaseNode> {
        super::scoped_node(ctx, parse_id("id", &id)?).await
    }

    /// The cases your agency takes part in, newest first.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn cases(
        &self,
        ctx: &Context<'_>,
        filter: Option<CaseFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<LeanPage<(DateTime<Utc>, Uuid), CaseNode>> {
        ctx.actor()?;
        let page = PageRequest::<(DateTime<Utc>, Uuid)>::parse(first, after.as_deref())?;
        let f = filter.unwrap_or_default();
        let filter = CaseFilter {
            status: f.status,
            curator: f
                .curator_id
                .map(|c| parse_id("curatorId", &c))
                .transpose()?,
            led_only: f.led_only.unwrap_or(false),
            open_only: f.open_only.unwrap_or(false),
        };
        case_page(ctx, &filter, &page).await
    }

    /// Your caseload as a curator: your open cases, each with its next deadline.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn my_cases(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<LeanPage<(DateTime<Utc>, Uuid), CaseNode>> {
        let actor = ctx.actor()?;
        let page = PageRequest::<(DateTime<Utc>, Uuid)>::parse(first, after.as_deref())?;
        let filter = CaseFilter {
            curator: Some(actor.user_id),
            open_only: true,
            ..CaseFilter::default()
        };
        case_page(ctx, &filter, &page).await
    }

    /// The cases your agency reads in FULL whose mother's name matches `name`: each word
    /// (one to four) the start of a word of her name, in any order, ignoring case and «ё»
    /// (`иванова мар` finds «Иванова Мария Петровна»). Newest first, at most 20. A name is
    /// personal data: cases you see only as a summary are never found, and each case found
    /// is an audited read.
    async fn cases_by_mother_name(
        &self,
        ctx: &Context<'_>,
        name: String,
    ) -> async_graphql::Result<Vec<CaseNode>> {
        ctx.actor()?;
        let found =
            reads::find_by_mother_name(&ctx.state().db, ctx.caller(), "name", &name, db::now())
                .await?;
        Ok(found
            .into_iter()
            .map(|(view, _)| CaseNode::new(view))
            .collect())
    }

    /// What happened to a case, oldest first.
    async fn case_timeline(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
    ) -> async_graphql::Result<Vec<CaseEvent>> {
        let actor = ctx.actor()?;
        let db = &ctx.state().db;
        let (row, _) =
            store::get_visible(db, actor.viewer(), parse_id("caseId", &case_id)?, db::now())
                .await?;
        Ok(store::events_of(db, row.id)
            .await?
            .into_iter()
            .map(|e| CaseEvent {
                occurred_at: e.occurred_at,
                kind: e.kind,
                from_status: e.from_status,
                to_status: e.to_status,
                actor_user_id: e.actor_user_id.map(id),
                actor_agency_id: e.actor_agency_id.map(id),
            })
            .collect())
    }
}

/// A page of the agency's cases as a connection: headlines only when the selection asks
/// for nothing more ([`super::headline_suffices`]), else whole rows.
async fn case_page(
    ctx: &Context<'_>,
    filter: &CaseFilter,
    page: &PageRequest<(DateTime<Utc>, Uuid)>,
) -> async_graphql::Result<LeanPage<(DateTime<Utc>, Uuid), CaseNode>> {
    let (db, caller, now) = (&ctx.state().db, ctx.caller(), db::now());
    let (after, limit) = (page.after.as_ref(), page.fetch_limit());
    if super::headline_suffices(ctx) {
        let rows = reads::headlines(db, caller, filter, after, now, limit).await?;
        return Ok(LeanPage(connection(
            rows,
            page,
            |(headline, _)| (headline.opened_at, headline.id),
            |(headline, scope)| CaseNode::headline(headline, scope),
        )));
    }
    let rows = reads::page(db, caller, filter, after, now, limit).await?;
    Ok(LeanPage(connection(
        rows,
        page,
        |view| (view.case.opened_at, view.case.id),
        CaseNode::new,
    )))
}
