//! GraphQL for agencies: the `Agency` type, the directory and the hub administrator's
//! mutations.

use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::store::{self, AgencyFilter};
use super::{AgencyChanges, AgencyKind, AgencyRow, NewAgency, NotificationLanguage};
use crate::db;
use crate::graphql::connection::{connection, Page, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::parse_id;

/// An agency in the hub's directory.
pub struct AgencyNode(pub AgencyRow);

#[Object(name = "Agency")]
impl AgencyNode {
    /// The global id (also for `node(id:)`).
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Full name, e.g. «Перинатальный центр г. Сургута».
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> AgencyKind {
        self.0.kind
    }
    /// The region the agency serves.
    async fn region(&self) -> &str {
        &self.0.region
    }
    /// IANA time zone for display, local deadlines and reports.
    async fn time_zone(&self) -> &str {
        self.0.time_zone.name()
    }
    /// The agency's institutional address for notifications.
    async fn contact_email(&self) -> &str {
        &self.0.contact_email
    }
    async fn notification_language(&self) -> NotificationLanguage {
        self.0.notification_language
    }
    /// Inactive agencies keep their history; their users cannot sign in.
    async fn active(&self) -> bool {
        self.0.active
    }
    /// How many women (open cases and signals in work) a curator may hold at once.
    async fn caseload_limit(&self) -> i32 {
        self.0.caseload_limit
    }
    /// Days this agency keeps read-only FULL scope on a case it transferred (0: the
    /// summary only, at once).
    async fn former_lead_full_days(&self) -> i32 {
        self.0.former_lead_full_days
    }
    /// Days a rehabilitation centre may go without a reunification progress report
    /// before the hub reminds it.
    async fn reunification_report_days(&self) -> i32 {
        self.0.reunification_report_days
    }
    /// Days a case the agency leads may go without contact with the family (work-log
    /// entries other than contact attempts) before it is flagged and reminded once.
    async fn no_contact_alert_days(&self) -> i32 {
        self.0.no_contact_alert_days
    }
    /// Bumped on every change; pass it back as `expectedVersion` to avoid lost updates.
    async fn version(&self) -> i32 {
        self.0.version
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Filters for the agency directory.
#[derive(InputObject, Default)]
pub struct AgencyFilterInput {
    /// Only agencies of this kind.
    pub kind: Option<AgencyKind>,
    /// Only active (true) or inactive (false) agencies.
    pub active: Option<bool>,
    /// Name contains this text, any case.
    pub name_contains: Option<String>,
}

/// A new agency.
#[derive(InputObject)]
pub struct CreateAgencyInput {
    /// 1–200 characters.
    pub name: String,
    pub kind: AgencyKind,
    /// 1–200 characters.
    pub region: String,
    /// IANA time zone, e.g. `Asia/Yekaterinburg`.
    pub time_zone: String,
    pub contact_email: String,
    /// Russian unless given.
    pub notification_language: Option<NotificationLanguage>,
}

/// Changes to an agency; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateAgencyInput {
    pub name: Option<String>,
    pub region: Option<String>,
    pub time_zone: Option<String>,
    pub contact_email: Option<String>,
    pub notification_language: Option<NotificationLanguage>,
    /// Deactivating an agency ends its users' sessions.
    pub active: Option<bool>,
    /// Women a curator may hold at once, 1–100 (9 by default).
    pub caseload_limit: Option<i32>,
    /// Days of read-only FULL scope kept on a transferred case, 0–365 (0 by default).
    pub former_lead_full_days: Option<i32>,
    /// Days a rehabilitation centre may go without a reunification progress report
    /// before a reminder, 7–180 (30 by default).
    pub reunification_report_days: Option<i32>,
    /// Days a case may go without contact with the family before it is flagged and
    /// reminded once, 1–365 (14 by default).
    pub no_contact_alert_days: Option<i32>,
    /// The version you read; the change is refused with CONFLICT if it moved on.
    pub expected_version: Option<i32>,
}

/// Directory queries.
#[derive(Default)]
pub struct AgencyQuery;

#[Object]
impl AgencyQuery {
    /// The agency directory, readable by every signed-in user (to choose whom to hand a
    /// case to), ordered by name.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn agencies(
        &self,
        ctx: &Context<'_>,
        filter: Option<AgencyFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<(String, Uuid), AgencyNode>> {
        ctx.actor()?;
        let page = PageRequest::<(String, Uuid)>::parse(first, after.as_deref())?;
        let f = filter.unwrap_or_default();
        let filter = AgencyFilter {
            kind: f.kind,
            active: f.active,
            name_contains: crate::input::name_search("nameContains", f.name_contains)?,
        };
        let rows = store::list_page(
            &ctx.state().db,
            &filter,
            page.after.as_ref(),
            page.fetch_limit(),
        )
        .await?;
        Ok(connection(
            rows,
            &page,
            |r| (crate::input::search_key(&r.name), r.id),
            AgencyNode,
        ))
    }

    /// One agency by id.
    async fn agency(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<AgencyNode> {
        ctx.actor()?;
        let id = parse_id("id", &id)?;
        Ok(AgencyNode(store::get(&ctx.state().db, id).await?))
    }
}

/// Hub administrators' changes to the directory.
#[derive(Default)]
pub struct AgencyMutation;

#[Object]
impl AgencyMutation {
    /// Creates an agency (hub administrators only).
    async fn create_agency(
        &self,
        ctx: &Context<'_>,
        input: CreateAgencyInput,
    ) -> async_graphql::Result<AgencyNode> {
        // Who may ask comes before what they asked.
        crate::access::policy::ensure_hub_admin(ctx.actor()?)?;
        let new = NewAgency::parse(
            &input.name,
            input.kind,
            &input.region,
            &input.time_zone,
            &input.contact_email,
            input.notification_language,
        )?;
        let row = super::create(&ctx.state().db, ctx.caller(), new, db::now()).await?;
        Ok(AgencyNode(row))
    }

    /// Changes an agency (hub administrators only).
    async fn update_agency(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateAgencyInput,
    ) -> async_graphql::Result<AgencyNode> {
        crate::access::policy::ensure_hub_admin(ctx.actor()?)?;
        let id = parse_id("id", &id)?;
        let changes = AgencyChanges {
            name: input.name,
            region: input.region,
            time_zone: input
                .time_zone
                .map(|zone| crate::input::time_zone("timeZone", &zone))
                .transpose()?,
            contact_email: input.contact_email,
            notification_language: input.notification_language,
            active: input.active,
            caseload_limit: input.caseload_limit,
            former_lead_full_days: input.former_lead_full_days,
            reunification_report_days: input.reunification_report_days,
            no_contact_alert_days: input.no_contact_alert_days,
            expected_version: input.expected_version,
        }
        .checked()?;
        let state = ctx.state();
        let row = super::update(
            &state.db,
            &state.tokens,
            ctx.caller(),
            id,
            changes,
            db::now(),
        )
        .await?;
        Ok(AgencyNode(row))
    }
}
