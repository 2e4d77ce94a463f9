//! Signing in and out, and turning a bearer token into an [`Actor`] on every request.

pub mod attempts;
pub mod cache;
pub mod graphql;
pub mod password;
pub mod store;
pub mod throttle;
pub mod token;

use attempts::Attempt;
pub use cache::TokenCache;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::access::Actor;
use crate::audit::{self, AuditAction, Entry, Origin};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::users;

/// A successful sign-in.
pub struct SignedIn {
    /// The bearer token; shown this once, stored only as a hash.
    pub token: String,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
    /// Who signed in.
    pub user_id: Uuid,
}

/// Checks an e-mail and password and starts a session valid for `ttl`.
///
/// Known and unknown addresses get the same answers in the same time; repeated failures
/// for an address slow down and then lock its sign-in (see [`throttle`]).
pub async fn login(
    db: &Db,
    request_id: &str,
    email: &str,
    password: &str,
    ttl: Duration,
    now: DateTime<Utc>,
) -> AppResult<SignedIn> {
    let account = store::account(db, &email.trim().to_lowercase()).await?;
    let attempt = Attempt {
        key: attempts::email_key(email),
        account_id: account.as_ref().map(|a| a.id),
        agency_id: account.as_ref().and_then(|a| a.agency_id),
        request_id,
    };
    let if_wrong = attempts::reserve(db, &attempt, now).await?;
    // The password check is slow on purpose: no transaction (no lock) is held during it.
    let hash = account.as_ref().map(|a| a.password_hash.clone());
    let password_ok = password::verify(password.to_owned(), hash).await?;
    let account = match account {
        Some(account) if password_ok && account.can_sign_in => account,
        _ => {
            let reason = if password_ok {
                "inactive"
            } else {
                "bad_credentials"
            };
            attempts::refused(db, &attempt, reason, now).await?;
            return Err(AppError::LoginRefused(if_wrong));
        }
    };
    let token = token::generate();
    let (session_id, expires_at) = (Uuid::now_v7(), now + ttl);
    let mut tx = db.begin().await?;
    store::forget_failures(&mut tx, &attempt.key).await?;
    store::insert_session(
        &mut tx,
        session_id,
        account.id,
        &token::hash(&token),
        now,
        expires_at,
    )
    .await?;
    let origin = Origin {
        user_id: Some(account.id),
        agency_id: account.agency_id,
        request_id: request_id.to_owned(),
    };
    let entry = Entry::new(AuditAction::Login, "session", Some(session_id));
    audit::record(&mut tx, &origin, entry, now).await?;
    tx.commit().await?;
    Ok(SignedIn {
        token,
        expires_at,
        user_id: account.id,
    })
}

/// Ends the actor's session at once, in this process and (within seconds) in others.
pub async fn logout(
    db: &Db,
    tokens: &TokenCache,
    actor: &Actor,
    origin: &Origin,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    store::end_session(&mut tx, actor.session_id, now).await?;
    audit::record(
        &mut tx,
        origin,
        Entry::new(AuditAction::Logout, "session", Some(actor.session_id)),
        now,
    )
    .await?;
    tx.commit().await?;
    tokens.evict_session(actor.session_id);
    Ok(())
}

/// The actor behind a bearer token, or `None` for an unknown, ended or expired token.
/// Served from the cache when fresh; otherwise one session query and one roles query.
pub async fn resolve(
    db: &Db,
    tokens: &TokenCache,
    bearer: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<Actor>> {
    let hash = token::hash(bearer);
    if let Some(actor) = tokens.get(&hash, now) {
        return Ok(Some(actor));
    }
    let Some(session) = store::session_actor(db, &hash, now).await? else {
        return Ok(None);
    };
    let roles = users::store::roles_of(db, session.user_id).await?;
    let actor = Actor {
        user_id: session.user_id,
        agency_id: session.agency_id,
        roles: roles.into_iter().collect(),
        hub_admin: session.hub_admin,
        session_id: session.session_id,
    };
    tokens.insert(hash, actor.clone(), session.expires_at);
    Ok(Some(actor))
}

/// Changes the actor's own password; their other sessions end.
pub async fn change_password(
    db: &Db,
    tokens: &TokenCache,
    actor: &Actor,
    origin: &Origin,
    current: &str,
    new: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    password::check_policy("newPassword", new)?;
    let user = users::store::get(db, actor.user_id).await?;
    // A stolen token must not become a way to guess the password: same throttle as sign-in.
    let attempt = Attempt {
        key: attempts::email_key(&user.email),
        account_id: Some(user.id),
        agency_id: user.agency_id,
        request_id: &origin.request_id,
    };
    attempts::reserve(db, &attempt, now).await?;
    let stored = users::store::password_hash(db, actor.user_id).await?;
    if !password::verify(current.to_owned(), Some(stored)).await? {
        attempts::refused(db, &attempt, "wrong_current_password", now).await?;
        return Err(AppError::bad_input("currentPassword", "does not match"));
    }
    let hash = password::hash(new.to_owned()).await?;
    let mut tx = db.begin().await?;
    store::forget_failures(&mut tx, &attempt.key).await?;
    users::store::set_password_hash(&mut tx, actor.user_id, &hash, now).await?;
    store::end_other_sessions(&mut tx, actor.user_id, actor.session_id, now).await?;
    let entry = Entry::new(AuditAction::PasswordChanged, "user", Some(actor.user_id));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    tokens.evict_user(actor.user_id);
    Ok(())
}
