//! People of the agencies: created and managed by hub administrators (any agency) and
//! agency administrators (their own agency only).

pub mod audit_actions;
pub mod graphql;
mod model;
pub mod store;

pub use model::{roles_for, NewUser, User, UserRow};

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::access::{policy, Actor, Caller, Role};
use crate::agencies;
use crate::audit::{self, Entry, Origin};
use crate::auth::hashing::HashingPool;
use crate::auth::{self, password, TokenCache};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::input;

/// People management's kinds, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    ..crate::domains::Domain::EMPTY
};

/// Raw input for a new user of an agency.
pub struct CreateUser<'a> {
    /// The agency the user works in.
    pub agency_id: Uuid,
    /// Full name.
    pub name: &'a str,
    /// E-mail address (the sign-in name).
    pub email: &'a str,
    /// Initial password.
    pub password: &'a str,
    /// Roles in the agency.
    pub roles: &'a [Role],
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Default)]
pub struct UserChanges {
    /// New name.
    pub name: Option<String>,
    /// New e-mail address.
    pub email: Option<String>,
    /// New roles (replacing the old ones).
    pub roles: Option<Vec<Role>>,
    /// Deactivate (ends sessions at once) or reactivate.
    pub active: Option<bool>,
    /// The version the client read; the change is refused if it moved on.
    pub expected_version: Option<i32>,
}

/// Loads a user with their roles.
pub async fn get(db: &Db, id: Uuid) -> AppResult<User> {
    let row = store::get(db, id).await?;
    let roles = store::roles_of(db, id).await?;
    Ok(User { row, roles })
}

/// Creates a user in an agency; the password is hashed on `hashing`.
pub async fn create(
    db: &Db,
    hashing: &HashingPool,
    caller: &Caller,
    input: CreateUser<'_>,
    now: DateTime<Utc>,
) -> AppResult<User> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    policy::ensure_manages_users_of(actor, input.agency_id)?;
    let agency = match agencies::store::get(db, input.agency_id).await {
        Err(AppError::NotFound(_)) => {
            return Err(AppError::bad_input("agencyId", "no such agency"))
        }
        other => other?,
    };
    let new = NewUser::parse(
        agency.kind,
        input.name,
        input.email,
        input.password,
        input.roles,
    )?;
    let hash = hashing.hash(new.password.clone()).await?;
    let mut tx = db.begin().await?;
    if store::email_taken(&mut tx, &new.email_normalized, Uuid::nil()).await? {
        return Err(AppError::bad_input("email", "already used by another user"));
    }
    let id = store::insert(&mut tx, Some(agency.id), &new, &hash, now).await?;
    let entry = Entry::new(audit_actions::USER_CREATED, "user", Some(id))
        .with_details(json!({ "agencyId": agency.id, "roles": new.roles }));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    get(db, id).await
}

/// Changes a user. Deactivation ends their sessions at once; a role change takes effect
/// on their next request. Nobody deactivates themselves (that is how admins lock out).
pub async fn update(
    db: &Db,
    tokens: &TokenCache,
    caller: &Caller,
    id: Uuid,
    changes: UserChanges,
    now: DateTime<Utc>,
) -> AppResult<User> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let mut user = get(db, id).await?;
    ensure_manages(actor, &user.row)?;
    if changes
        .expected_version
        .is_some_and(|v| v != user.row.version)
    {
        return Err(AppError::Conflict(format!(
            "the user was changed by someone else (now version {}); reload and retry",
            user.row.version
        )));
    }
    if changes.active == Some(false) && id == actor.user_id {
        return Err(AppError::Conflict("you cannot deactivate yourself".into()));
    }
    let mut tx = db.begin().await?;
    let changed = apply_changes(&mut tx, &mut user, changes).await?;
    if changed.is_empty() {
        return Ok(user);
    }
    user.row.version += 1;
    user.row.updated_at = now;
    store::update(&mut tx, &user.row).await?;
    if changed.contains(&"roles") {
        store::set_roles(&mut tx, id, &user.roles).await?;
    }
    let deactivated = changed.contains(&"active") && !user.row.active;
    if deactivated {
        auth::store::end_user_sessions(&mut tx, id, now).await?;
        auth::store::end_user_devices(&mut tx, id).await?;
    }
    record_update(&mut tx, origin, &user.row, &changed, now).await?;
    tx.commit().await?;
    tokens.evict_user(id);
    Ok(user)
}

async fn apply_changes(
    tx: &mut crate::db::Tx,
    user: &mut User,
    changes: UserChanges,
) -> AppResult<Vec<&'static str>> {
    let mut changed = Vec::new();
    if let Some(name) = changes.name {
        let name = input::name("name", &name)?;
        if name != user.row.name {
            user.row.name = name;
            changed.push("name");
        }
    }
    if let Some(email) = changes.email {
        let (email, normalized) = input::email("email", &email)?;
        if store::email_taken(tx, &normalized, user.row.id).await? {
            return Err(AppError::bad_input("email", "already used by another user"));
        }
        if email != user.row.email {
            user.row.email = email;
            changed.push("email");
        }
    }
    if let Some(roles) = changes.roles {
        let agency_id = user.row.agency_id.ok_or_else(|| {
            AppError::bad_input("roles", "hub administrators hold no agency roles")
        })?;
        let kind = agencies::store::get_in(tx, agency_id).await?.kind;
        let roles = roles_for(kind, &roles)?;
        if roles != user.roles {
            user.roles = roles;
            changed.push("roles");
        }
    }
    if let Some(active) = changes.active.filter(|a| *a != user.row.active) {
        user.row.active = active;
        changed.push("active");
    }
    Ok(changed)
}

async fn record_update(
    tx: &mut crate::db::Tx,
    origin: &Origin,
    row: &UserRow,
    changed: &[&str],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let action = match (changed.contains(&"active"), row.active) {
        (true, false) => audit_actions::USER_DEACTIVATED,
        (true, true) => audit_actions::USER_REACTIVATED,
        _ => audit_actions::USER_UPDATED,
    };
    let entry = Entry::new(action, "user", Some(row.id)).with_details(json!({ "fields": changed }));
    audit::record(tx, origin, entry, now).await
}

/// The signed-in user chooses the workspace's language for themselves (`None`: their
/// agency's). Anyone may, for themselves only; it is audited like any change to a user.
pub async fn set_own_language(
    db: &Db,
    caller: &Caller,
    language: Option<crate::agencies::NotificationLanguage>,
    now: DateTime<Utc>,
) -> AppResult<User> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let mut user = get(db, actor.user_id).await?;
    if user.row.language == language {
        return Ok(user);
    }
    let mut tx = db.begin().await?;
    store::set_language(&mut tx, user.row.id, language, now).await?;
    user.row.language = language;
    user.row.version += 1;
    user.row.updated_at = now;
    record_update(&mut tx, origin, &user.row, &["language"], now).await?;
    tx.commit().await?;
    Ok(user)
}

/// An administrator sets a user's password (they forgot it); the user's sessions and
/// device tokens end.
#[allow(clippy::too_many_arguments)]
pub async fn set_password(
    db: &Db,
    hashing: &HashingPool,
    tokens: &TokenCache,
    caller: &Caller,
    id: Uuid,
    new_password: &str,
    now: DateTime<Utc>,
) -> AppResult<User> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let user = get(db, id).await?;
    ensure_manages(actor, &user.row)?;
    password::check_policy("password", new_password)?;
    let hash = hashing.hash(new_password.to_owned()).await?;
    reset_password(db, tokens, origin, id, &hash, now).await?;
    Ok(user)
}

fn ensure_manages(actor: &Actor, user: &UserRow) -> AppResult<()> {
    match user.agency_id {
        Some(agency_id) => policy::ensure_manages_users_of(actor, agency_id),
        None => policy::ensure_hub_admin(actor),
    }
}

/// Stores a new password hash; every session and device token of the user ends.
async fn reset_password(
    db: &Db,
    tokens: &TokenCache,
    origin: &Origin,
    id: Uuid,
    hash: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = db.begin().await?;
    store::set_password_hash(&mut tx, id, hash, now).await?;
    auth::store::end_user_sessions(&mut tx, id, now).await?;
    auth::store::end_user_devices(&mut tx, id).await?;
    audit::record(
        &mut tx,
        origin,
        Entry::new(crate::auth::audit_actions::PASSWORD_RESET, "user", Some(id)),
        now,
    )
    .await?;
    tx.commit().await?;
    tokens.evict_user(id);
    Ok(())
}

/// `caselink admin create`: creates a hub administrator (a user of no agency).
pub async fn create_hub_admin(
    db: &Db,
    name: &str,
    email: &str,
    password: &str,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let name = input::name("name", name)?;
    let (email, email_normalized) = input::email("email", email)?;
    password::check_policy("password", password)?;
    let new = NewUser {
        name,
        email,
        email_normalized,
        password: password.to_owned(),
        roles: Vec::new(),
    };
    let hash = password::hash(new.password.clone()).await?;
    let mut tx = db.begin().await?;
    if store::email_taken(&mut tx, &new.email_normalized, Uuid::nil()).await? {
        return Err(AppError::bad_input("email", "already used by another user"));
    }
    let id = store::insert(&mut tx, None, &new, &hash, now).await?;
    let entry = Entry::new(audit_actions::USER_CREATED, "user", Some(id))
        .with_details(json!({ "hubAdmin": true }));
    audit::record(&mut tx, &Origin::command_line(), entry, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// `caselink admin reset-password`: sets any user's password from the command line.
pub async fn reset_password_by_email(
    db: &Db,
    email: &str,
    new_password: &str,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let (_, normalized) = input::email("email", email)?;
    password::check_policy("password", new_password)?;
    let id = store::find_by_email(db, &normalized)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let hash = password::hash(new_password.to_owned()).await?;
    // No other process's cache can be reached from here; theirs re-check within seconds.
    reset_password(
        db,
        &TokenCache::new(std::time::Duration::ZERO),
        &Origin::command_line(),
        id,
        &hash,
        now,
    )
    .await?;
    Ok(id)
}
