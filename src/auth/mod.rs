//! Signing in and out, and turning a bearer token into an [`Actor`] on every request.

pub mod attempts;
pub mod audit_actions;
pub mod cache;
pub mod graphql;
pub mod hashing;
pub mod limits;
pub mod password;
pub mod rates;
pub mod store;
pub mod throttle;
pub mod token;

use std::net::IpAddr;

use attempts::{Attempt, Counter};
pub use cache::TokenCache;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::access::{Actor, Caller};
use crate::audit::{self, Entry, Origin};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::{input, users};

/// Sign-in's kinds, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    ..crate::domains::Domain::EMPTY
};

/// Live device tokens kept per user; a sign-in that makes one more ends the oldest.
const DEVICES_PER_USER: i64 = 20;

/// What bounds sign-in in one process: the rate limiters, the password-hashing pool and
/// how long a device token lasts.
pub struct SignInGuards {
    /// Sign-ins per client address and in total.
    pub rates: rates::SignInRates,
    /// Where every password of a request is hashed or checked.
    pub hashing: hashing::HashingPool,
    /// How long a device token lasts.
    pub device_ttl: Duration,
}

impl SignInGuards {
    /// Guards with the configured limits.
    pub fn new(limits: &limits::SignInLimits) -> SignInGuards {
        SignInGuards {
            rates: rates::SignInRates::new(limits),
            hashing: hashing::HashingPool::new(
                limits.hash_workers(),
                limits.password_hash_queue as usize,
            ),
            device_ttl: limits.device_token_ttl(),
        }
    }
}

/// One sign-in as the client sent it.
pub struct LoginRequest<'a> {
    /// The e-mail address, as typed.
    pub email: &'a str,
    /// The password, as typed.
    pub password: &'a str,
    /// The device token an earlier sign-in on this device returned, if the client kept it.
    pub device_token: Option<&'a str>,
    /// The client's address, for the per-address limit.
    pub client: Option<IpAddr>,
    /// The request making the attempt.
    pub request_id: &'a str,
}

/// A successful sign-in.
pub struct SignedIn {
    /// The bearer token; shown this once, stored only as a hash.
    pub token: String,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
    /// A new device token for this device (any one presented has ended); shown once.
    pub device_token: String,
    /// Who signed in.
    pub user_id: Uuid,
}

/// Checks an e-mail and password and starts a session valid for `ttl`.
///
/// Known and unknown addresses get the same answers in the same time; repeated failures
/// for an address slow down and then lock its sign-in (see [`throttle`]), except from a
/// device that presents its device token, which has its own count ([`Counter`]).
/// Sign-ins per client address and in total are limited ([`rates`]), and the password
/// is checked on the bounded [`hashing`] pool.
pub async fn login(
    db: &Db,
    guards: &SignInGuards,
    request: LoginRequest<'_>,
    ttl: Duration,
    now: DateTime<Utc>,
) -> AppResult<SignedIn> {
    // Bounds first, before anything is looked up or hashed. Every account's address
    // passed this same check, so a refusal says nothing about any of them.
    let (_, email) = input::email("email", request.email)?;
    password::check_max_length("password", request.password)?;
    let account = store::account(db, &email).await?;
    let known_device = match request.device_token {
        Some(presented) if token::looks_like_device_token(presented) => {
            store::known_device(db, &token::hash(presented), &email, now).await?
        }
        _ => None,
    };
    let attempt = Attempt {
        counter: Counter::of(&email, known_device),
        account_id: account.as_ref().map(|a| a.id),
        agency_id: account.as_ref().and_then(|a| a.agency_id),
        request_id: request.request_id,
    };
    // A known device is the account's owner or someone holding its token, which only
    // opens this one account under the device's own lock; so it is not held back by the
    // limits meant for floods from an address or from everywhere.
    if known_device.is_none() {
        if let Err(busy) = guards.rates.check(request.client) {
            attempts::refused(db, &attempt, busy.reason.audit_reason(), now).await?;
            return Err(AppError::TooManyRequests(busy));
        }
    }
    // A place in the hashing queue before the attempt is counted: a refusal for load is
    // not a failed sign-in.
    let place = match guards.hashing.enter() {
        Ok(place) => place,
        Err(error) => {
            if let AppError::TooManyRequests(busy) = &error {
                attempts::refused(db, &attempt, busy.reason.audit_reason(), now).await?;
            }
            return Err(error);
        }
    };
    let if_wrong = attempts::reserve(db, &attempt, now).await?;
    // The password check is slow on purpose: no transaction (no lock) is held during it.
    let hash = account.as_ref().map(|a| a.password_hash.clone());
    let password_ok = place.verify(request.password.to_owned(), hash).await?;
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
    let device_token = token::generate_device();
    let (session_id, expires_at) = (Uuid::now_v7(), now + ttl);
    let mut tx = db.begin().await?;
    match &attempt.counter {
        // A success from an unknown device clears the address's count.
        Counter::Address(key) => store::forget_failures(&mut tx, key).await?,
        // A known device's token is used up; its count goes with it. The address's count
        // stays: the owner's success must not reopen the address to whoever locked it.
        Counter::Device(device_id) => store::end_device(&mut tx, *device_id).await?,
    }
    store::prune_user_devices(&mut tx, account.id, DEVICES_PER_USER - 1, now).await?;
    store::insert_device(
        &mut tx,
        Uuid::now_v7(),
        account.id,
        &token::hash(&device_token),
        now,
        now + guards.device_ttl,
    )
    .await?;
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
        request_id: request.request_id.to_owned(),
    };
    let entry = Entry::new(audit_actions::LOGIN, "session", Some(session_id));
    audit::record(&mut tx, &origin, entry, now).await?;
    tx.commit().await?;
    Ok(SignedIn {
        token,
        expires_at,
        device_token,
        user_id: account.id,
    })
}

/// Ends the actor's session at once, in this process and (within seconds) in others.
pub async fn logout(
    db: &Db,
    tokens: &TokenCache,
    caller: &Caller,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let mut tx = db.begin().await?;
    store::end_session(&mut tx, actor.session_id, now).await?;
    audit::record(
        &mut tx,
        origin,
        Entry::new(audit_actions::LOGOUT, "session", Some(actor.session_id)),
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
    let evictions = tokens.evictions();
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
    tokens.insert(hash, actor.clone(), session.expires_at, evictions);
    Ok(Some(actor))
}

/// Keeps a web session alive while its user works: its end moves to `idle` from now, at
/// most once a minute (so a busy user costs one small write a minute, not one a page),
/// and never beyond `longest` after it started. A session left alone for `idle` ends.
/// Called for cookie sessions only; an API token keeps its fixed lifetime.
pub async fn keep_alive(
    db: &Db,
    tokens: &TokenCache,
    session_token: &str,
    idle: Duration,
    longest: Duration,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let hash = token::hash(session_token);
    let Some(ends_at) = tokens.expiry(&hash) else {
        return Ok(());
    };
    let until = now + idle;
    if until - ends_at < Duration::minutes(1) {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    let extended = store::extend_session(&mut tx, &hash, until, now, until - longest).await?;
    tx.commit().await?;
    if extended {
        tokens.extend(&hash, until);
    }
    Ok(())
}

/// Changes the actor's own password; their other sessions and every device token end.
#[allow(clippy::too_many_arguments)]
pub async fn change_password(
    db: &Db,
    hashing: &hashing::HashingPool,
    tokens: &TokenCache,
    caller: &Caller,
    current: &str,
    new: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    password::check_max_length("currentPassword", current)?;
    password::check_policy("newPassword", new)?;
    let user = users::store::get(db, actor.user_id).await?;
    // A stolen token must not become a way to guess the password: same throttle as sign-in.
    let attempt = Attempt {
        counter: Counter::Address(attempts::email_key(&user.email)),
        account_id: Some(user.id),
        agency_id: user.agency_id,
        request_id: &origin.request_id,
    };
    let place = hashing.enter()?;
    attempts::reserve(db, &attempt, now).await?;
    let stored = users::store::password_hash(db, actor.user_id).await?;
    let (current, new) = (current.to_owned(), new.to_owned());
    // One place for both computations: the check, and the new hash only if it passed.
    let new_hash = place
        .run(move || {
            if !password::verify_blocking(&current, Some(&stored))? {
                return Ok(None);
            }
            password::hash_blocking(&new).map(Some)
        })
        .await?;
    let Some(hash) = new_hash else {
        attempts::refused(db, &attempt, "wrong_current_password", now).await?;
        return Err(AppError::bad_input("currentPassword", "does not match"));
    };
    let mut tx = db.begin().await?;
    if let Counter::Address(key) = &attempt.counter {
        store::forget_failures(&mut tx, key).await?;
    }
    users::store::set_password_hash(&mut tx, actor.user_id, &hash, now).await?;
    store::end_other_sessions(&mut tx, actor.user_id, actor.session_id, now).await?;
    store::end_user_devices(&mut tx, actor.user_id).await?;
    let entry = Entry::new(audit_actions::PASSWORD_CHANGED, "user", Some(actor.user_id));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    tokens.evict_user(actor.user_id);
    Ok(())
}
