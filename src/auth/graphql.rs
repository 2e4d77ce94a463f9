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
    /// Keep it on this device (the web workspace keeps it in a cookie) and send it with
    /// the next `login` from here: while wrong guesses by someone else have locked your
    /// address, sign-in from this device still works. A new one each time; the one sent
    /// has ended. Shown once; keep it secret.
    device_token: String,
    /// Who signed in.
    user: UserNode,
}

/// Signing in and out; `login` is the one operation open without a token.
#[derive(Default)]
pub struct AuthMutation;

#[Object]
impl AuthMutation {
    /// Signs in. Wrong e-mail and wrong password get the same answer; repeated failures
    /// slow down, then lock sign-in for a while (`extensions.retryAfterSeconds`). Send
    /// the `deviceToken` of your last sign-in on this device: it is counted on its own,
    /// so others' wrong guesses at your address do not lock you out here. One sign-in
    /// per request.
    #[graphql(complexity = "crate::graphql::cost::PASSWORD_CHECK + child_complexity")]
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
        device_token: Option<String>,
    ) -> async_graphql::Result<LoginPayload> {
        let (state, request) = (ctx.state(), ctx.request());
        request.claim_password_check("login")?;
        let ttl = state.config.token_ttl();
        let attempt = super::LoginRequest {
            email: &email,
            password: &password,
            device_token: device_token.as_deref(),
            client: request.client_address,
            request_id: request.caller.request_id(),
        };
        let signed = super::login(&state.db, &state.sign_in, attempt, ttl, db::now()).await?;
        let actor = super::resolve(&state.db, &state.tokens, &signed.token, db::now())
            .await?
            .ok_or(crate::error::AppError::Unauthenticated)?;
        let user = crate::users::get(&state.db, signed.user_id).await?;
        Ok(LoginPayload {
            token: signed.token,
            expires_at: signed.expires_at,
            device_token: signed.device_token,
            user: UserNode::for_viewer(user, &actor),
        })
    }

    /// Ends this session at once.
    async fn logout(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let state = ctx.state();
        super::logout(&state.db, &state.tokens, ctx.caller(), db::now()).await?;
        Ok(true)
    }

    /// Changes your own password (at least 12 characters); your other sessions and your
    /// device tokens end. One password check per request, as for `login`.
    #[graphql(complexity = "2 * crate::graphql::cost::PASSWORD_CHECK + child_complexity")]
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> async_graphql::Result<bool> {
        let state = ctx.state();
        // Signed in first: an anonymous request does not use up the password check.
        ctx.actor()?;
        ctx.request().claim_password_check("changePassword")?;
        super::change_password(
            &state.db,
            &state.sign_in.hashing,
            &state.tokens,
            ctx.caller(),
            &current_password,
            &new_password,
            db::now(),
        )
        .await?;
        Ok(true)
    }
}
