//! GraphQL for people: `User`, `me`, the users of an agency, and administrators'
//! mutations. Users of another agency show only name, agency and roles.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::store::{self, UserFilter};
use super::{CreateUser, User, UserChanges};
use crate::access::{policy, Actor, Role};
use crate::agencies::graphql::AgencyNode;
use crate::agencies::loader::AgencyLoader;
use crate::db;
use crate::graphql::connection::{connection, Page, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::parse_id;
use crate::input;

/// A person in the hub, as the viewer may see them.
pub struct UserNode {
    user: User,
    private: bool,
}

impl UserNode {
    /// Shows `user` to `viewer`: private fields only to their own agency and hub admins.
    pub fn for_viewer(user: User, viewer: &Actor) -> UserNode {
        let private = policy::sees_private_user_fields(viewer, user.row.agency_id)
            || viewer.user_id == user.row.id;
        UserNode { user, private }
    }
}

impl UserNode {
    /// As in `users`: other agencies see only active people.
    pub fn visible(&self) -> bool {
        self.private || self.user.row.active
    }
}

#[Object(name = "User")]
impl UserNode {
    /// The global id (also for `node(id:)`).
    pub async fn id(&self) -> ID {
        ID(self.user.row.id.to_string())
    }
    /// Full name.
    async fn name(&self) -> &str {
        &self.user.row.name
    }
    /// The agency the user works in; null for hub administrators.
    async fn agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgencyNode>> {
        let Some(id) = self.user.row.agency_id else {
            return Ok(None);
        };
        let loader = ctx.data_unchecked::<DataLoader<AgencyLoader>>();
        Ok(loader.load_one(id).await?.map(AgencyNode))
    }
    /// Roles in their agency.
    async fn roles(&self) -> &[Role] {
        &self.user.roles
    }
    /// Whether the user administers the whole hub.
    async fn hub_admin(&self) -> bool {
        self.user.row.hub_admin
    }
    /// E-mail address; null unless the viewer is of the same agency or a hub admin.
    async fn email(&self) -> Option<&str> {
        self.private.then_some(self.user.row.email.as_str())
    }
    /// The workspace language the user chose; null when they follow their agency's (and
    /// unless the viewer may see it).
    async fn language(&self) -> Option<crate::agencies::NotificationLanguage> {
        self.private.then_some(self.user.row.language).flatten()
    }
    /// Whether the user may sign in; null unless the viewer may see it.
    async fn active(&self) -> Option<bool> {
        self.private.then_some(self.user.row.active)
    }
    /// Bumped on every change; null unless the viewer may see it.
    async fn version(&self) -> Option<i32> {
        self.private.then_some(self.user.row.version)
    }
    /// Null unless the viewer may see it.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        self.private.then_some(self.user.row.created_at)
    }
}

/// Filters for a list of users.
#[derive(InputObject, Default)]
pub struct UserFilterInput {
    /// Only users holding this role.
    pub role: Option<Role>,
    /// Only active (true) or inactive (false) users; other agencies' lists show active
    /// users only.
    pub active: Option<bool>,
    /// Name contains this text, any case.
    pub name_contains: Option<String>,
}

/// A new user of an agency.
#[derive(InputObject)]
pub struct CreateUserInput {
    pub agency_id: ID,
    /// 1–200 characters.
    pub name: String,
    /// The sign-in name; unique without regard to case.
    pub email: String,
    /// At least 12 characters.
    pub password: String,
    /// At least one.
    pub roles: Vec<Role>,
}

/// Changes to a user; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateUserInput {
    pub name: Option<String>,
    pub email: Option<String>,
    /// Replaces the user's roles.
    pub roles: Option<Vec<Role>>,
    /// false ends the user's sessions at once.
    pub active: Option<bool>,
    /// The version you read; refused with CONFLICT if it moved on.
    pub expected_version: Option<i32>,
}

/// Queries about people.
#[derive(Default)]
pub struct UserQuery;

#[Object]
impl UserQuery {
    /// The signed-in user.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<UserNode> {
        let actor = ctx.actor()?;
        Ok(UserNode::for_viewer(
            super::get(&ctx.state().db, actor.user_id).await?,
            actor,
        ))
    }

    /// One user by id.
    async fn user(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<UserNode> {
        let actor = ctx.actor()?;
        let user = super::get(&ctx.state().db, parse_id("id", &id)?).await?;
        let node = UserNode::for_viewer(user, actor);
        if !node.visible() {
            return Err(crate::error::AppError::NotFound("user").into());
        }
        Ok(node)
    }

    /// The users of an agency (your own when `agencyId` is omitted), ordered by name.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        agency_id: Option<ID>,
        filter: Option<UserFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<(String, Uuid), UserNode>> {
        let actor = ctx.actor()?;
        let agency = agency_id
            .map(|id| parse_id("agencyId", &id))
            .transpose()?
            .or(actor.agency_id);
        let page = PageRequest::<(String, Uuid)>::parse(first, after.as_deref())?;
        let f = filter.unwrap_or_default();
        let private = policy::sees_private_user_fields(actor, agency);
        let active = if private { f.active } else { Some(true) };
        let filter = UserFilter {
            role: f.role,
            active,
            name_contains: crate::input::name_search("nameContains", f.name_contains)?,
        };
        let db = &ctx.state().db;
        let rows =
            store::list_page(db, agency, &filter, page.after.as_ref(), page.fetch_limit()).await?;
        let roles = store::roles_for(db, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
        Ok(connection(
            rows,
            &page,
            |r| (input::search_key(&r.name), r.id),
            |row| {
                let user = User {
                    roles: roles.get(&row.id).cloned().unwrap_or_default(),
                    row,
                };
                UserNode::for_viewer(user, actor)
            },
        ))
    }
}

/// Administrators' changes to people.
#[derive(Default)]
pub struct UserMutation;

#[Object]
impl UserMutation {
    /// Chooses the web workspace's language for yourself; null follows your agency's.
    async fn set_my_language(
        &self,
        ctx: &Context<'_>,
        language: Option<crate::agencies::NotificationLanguage>,
    ) -> async_graphql::Result<UserNode> {
        let actor = ctx.actor()?;
        let user =
            super::set_own_language(&ctx.state().db, ctx.caller(), language, crate::db::now())
                .await?;
        Ok(UserNode::for_viewer(user, actor))
    }

    /// Creates a user (hub administrators; agency administrators in their own agency).
    #[graphql(complexity = "crate::graphql::cost::PASSWORD_CHECK + child_complexity")]
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> async_graphql::Result<UserNode> {
        let actor = ctx.actor()?;
        let request = CreateUser {
            agency_id: parse_id("agencyId", &input.agency_id)?,
            name: &input.name,
            email: &input.email,
            password: &input.password,
            roles: &input.roles,
        };
        let state = ctx.state();
        let hashing = &state.sign_in.hashing;
        let user = super::create(&state.db, hashing, ctx.caller(), request, db::now()).await?;
        Ok(UserNode::for_viewer(user, actor))
    }

    /// Changes a user; `active: false` ends their sessions at once.
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateUserInput,
    ) -> async_graphql::Result<UserNode> {
        let (actor, state) = (ctx.actor()?, ctx.state());
        let changes = UserChanges {
            name: input.name,
            email: input.email,
            roles: input.roles,
            active: input.active,
            expected_version: input.expected_version,
        };
        let id = parse_id("id", &id)?;
        let user = super::update(
            &state.db,
            &state.tokens,
            ctx.caller(),
            id,
            changes,
            db::now(),
        )
        .await?;
        Ok(UserNode::for_viewer(user, actor))
    }

    /// Sets a user's password (they forgot theirs); their sessions and device tokens end.
    #[graphql(complexity = "crate::graphql::cost::PASSWORD_CHECK + child_complexity")]
    async fn set_user_password(
        &self,
        ctx: &Context<'_>,
        id: ID,
        password: String,
    ) -> async_graphql::Result<UserNode> {
        let (actor, state) = (ctx.actor()?, ctx.state());
        let id = parse_id("id", &id)?;
        let user = super::set_password(
            &state.db,
            &state.sign_in.hashing,
            &state.tokens,
            ctx.caller(),
            id,
            &password,
            db::now(),
        )
        .await?;
        Ok(UserNode::for_viewer(user, actor))
    }
}
