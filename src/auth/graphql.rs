//! GraphQL for signing in and out.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};

use crate::db;
use crate::graphql::ContextExt;
use crate::users::graphql::UserNode;

/// A successful sign-in.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Send it as `Authorization: Bearer <token>`. Shown once; keep it secret.
    token: String,
    /// When the token stops working.
    expires_at: DateTime<Utc>,
    /// Who signed in.
    user: UserNode,
}

/// Signing in and out; `login` is the one operation open without a token.
#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Signs in. Wrong e-mail and wrong password get the same answer; repeated failures
    /// slow down, then lock sign-in for a while (`extensions.retryAfterSeconds`).
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> async_graphql::Result<LoginPayload> {
        let state = ctx.state();
        let ttl = state.config.token_ttl();
        let signed = super::login(
            &state.db,
            &ctx.request().request_id,
            &email,
            &password,
            ttl,
            db::now(),
        )
        .await?;
        let actor = super::resolve(&state.db, &state.tokens, &signed.token, db::now())
            .await?
            .ok_or(crate::error::AppError::Unauthenticated)?;
        let user = crate::users::get(&state.db, signed.user_id).await?;
        Ok(LoginPayload {
            token: signed.token,
            expires_at: signed.expires_at,
            user: UserNode::for_viewer(user, &actor),
        })
    }

    /// Ends this session at once.
    async fn logout(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let state = ctx.state();
        super::logout(
            &state.db,
            &state.tokens,
            ctx.actor()?,
            &ctx.origin()?,
            db::now(),
        )
        .await?;
        Ok(true)
    }

    /// Changes your own password (at least 12 characters); your other sessions end.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> async_graphql::Result<bool> {
        let state = ctx.state();
        let (actor, origin) = (ctx.actor()?, ctx.origin()?);
        super::change_password(
            &state.db,
            &state.tokens,
            actor,
            &origin,
            &current_password,
            &new_password,
            db::now(),
        )
        .await?;
        Ok(true)
    }
}
