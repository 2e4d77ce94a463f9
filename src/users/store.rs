//! SQL for users and their roles.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{NewUser, UserRow};
use crate::access::Role;
use crate::db::list_query::{Direction, ListQuery};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::input;
use crate::{with_db, with_tx};

const COLUMNS: &str =
    "id, agency_id, hub_admin, name, email, active, version, created_at, updated_at, language";

const SET_LANGUAGE: &str = "
    UPDATE users SET language = $2, version = version + 1, updated_at = $3 WHERE id = $1";

/// Sets a user's own language (`None`: follow the agency's).
pub async fn set_language(
    tx: &mut Tx,
    id: Uuid,
    language: Option<crate::agencies::NotificationLanguage>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(SET_LANGUAGE)
        .bind(id)
        .bind(language)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

const INSERT: &str = "
    INSERT INTO users (id, agency_id, hub_admin, name, name_search, email, email_normalized,
        password_hash, active, version, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, 1, $9, $9)";
const UPDATE: &str = "
    UPDATE users SET name = $2, name_search = $3, email = $4, email_normalized = $5,
        active = $6, version = $7, updated_at = $8
    WHERE id = $1 AND version = $7 - 1";
const EMAIL_TAKEN: &str = "SELECT COUNT(*) FROM users WHERE email_normalized = $1 AND id <> $2";
const ROLES_OF: &str = "SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role";
const CLEAR_ROLES: &str = "DELETE FROM user_roles WHERE user_id = $1";
const ADD_ROLE: &str = "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)";
const PASSWORD_HASH: &str = "SELECT password_hash FROM users WHERE id = $1";
const SET_PASSWORD_HASH: &str = "
    UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1";
const BY_EMAIL: &str = "SELECT id FROM users WHERE email_normalized = $1";

/// Filters for a list of users.
#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// Only users holding this role.
    pub role: Option<Role>,
    /// Only active (or only inactive) users.
    pub active: Option<bool>,
    /// Name contains this text, any case.
    pub name_contains: Option<String>,
}

/// Inserts a user (`agency_id` `None` for a hub administrator) and their roles.
pub async fn insert(
    tx: &mut Tx,
    agency_id: Option<Uuid>,
    new: &NewUser,
    password_hash: &str,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    let inserted = with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(id)
        .bind(agency_id)
        .bind(agency_id.is_none())
        .bind(&new.name)
        .bind(input::search_key(&new.name))
        .bind(&new.email)
        .bind(&new.email_normalized)
        .bind(password_hash)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()));
    inserted.map_err(email_clash)?;
    set_roles(tx, id, &new.roles).await?;
    Ok(id)
}

/// Writes back a changed user whose `version` was bumped by one; `CONFLICT` when someone
/// else changed it in the meantime.
pub async fn update(tx: &mut Tx, row: &UserRow) -> AppResult<()> {
    let normalized = row.email.to_lowercase();
    let updated = with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(row.id)
        .bind(&row.name)
        .bind(input::search_key(&row.name))
        .bind(&row.email)
        .bind(&normalized)
        .bind(row.active)
        .bind(row.version)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()));
    crate::db::ensure_updated(updated.map_err(email_clash)?, "the user")
}

/// A unique violation here can only be the e-mail (two admins racing for one address).
fn email_clash(error: sqlx::Error) -> AppError {
    match AppError::from(error) {
        AppError::Conflict(_) => AppError::bad_input("email", "already used by another user"),
        other => other,
    }
}

/// Whether another user already has this address.
pub async fn email_taken(tx: &mut Tx, email_normalized: &str, except: Uuid) -> AppResult<bool> {
    let count: i64 = with_tx!(tx, |conn| sqlx::query_scalar(EMAIL_TAKEN)
        .bind(email_normalized)
        .bind(except)
        .fetch_one(conn)
        .await)?;
    Ok(count > 0)
}

/// Replaces a user's roles.
pub async fn set_roles(tx: &mut Tx, user_id: Uuid, roles: &[Role]) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(CLEAR_ROLES)
        .bind(user_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    for role in roles {
        with_tx!(tx, |conn| sqlx::query(ADD_ROLE)
            .bind(user_id)
            .bind(role.as_str())
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The user with `id`, or `NOT_FOUND`.
pub async fn get(db: &Db, id: Uuid) -> AppResult<UserRow> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("user"))
}

/// The user with `id` inside a transaction, or `NOT_FOUND`.
pub async fn get_in(tx: &mut Tx, id: Uuid) -> AppResult<UserRow> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await)?
    .ok_or(AppError::NotFound("user"))
}

/// The id of the user with this normalised address, if any.
pub async fn find_by_email(db: &Db, email_normalized: &str) -> AppResult<Option<Uuid>> {
    Ok(with_db!(db, |pool| sqlx::query_scalar(BY_EMAIL)
        .bind(email_normalized)
        .fetch_optional(pool)
        .await)?)
}

/// A user's roles.
pub async fn roles_of(db: &Db, user_id: Uuid) -> AppResult<Vec<Role>> {
    let names: Vec<String> = with_db!(db, |pool| sqlx::query_scalar(ROLES_OF)
        .bind(user_id)
        .fetch_all(pool)
        .await)?;
    let mut roles: Vec<Role> = names.iter().filter_map(|n| Role::parse(n)).collect();
    roles.sort();
    Ok(roles)
}

/// The roles of many users at once.
pub async fn roles_for(db: &Db, user_ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<Role>>> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT user_id, role FROM user_roles WHERE user_id IN ({}) ORDER BY user_id, role",
        crate::db::params::list(1, user_ids.len())
    );
    let rows: Vec<(Uuid, String)> = with_db!(db, |pool| {
        let mut query = sqlx::query_as(&sql);
        for id in user_ids {
            query = query.bind(*id);
        }
        query.fetch_all(pool).await
    })?;
    let mut roles: HashMap<Uuid, Vec<Role>> = HashMap::new();
    for (user_id, name) in rows {
        if let Some(role) = Role::parse(&name) {
            roles.entry(user_id).or_default().push(role);
        }
    }
    roles.values_mut().for_each(|r| r.sort());
    Ok(roles)
}

/// One page of an agency's users (or of the hub administrators, for `None`), by name.
pub async fn list_page(
    db: &Db,
    agency_id: Option<Uuid>,
    filter: &UserFilter,
    after: Option<&(String, Uuid)>,
    limit: i64,
) -> AppResult<Vec<UserRow>> {
    let pattern = filter.name_contains.as_deref().map(input::like_pattern);
    let mut q = ListQuery::new();
    q.push(&format!("SELECT {COLUMNS} FROM users u WHERE "));
    match agency_id {
        Some(agency) => {
            let p = q.param(agency);
            q.push(&format!("u.agency_id = {p}"));
        }
        None => {
            q.push("u.agency_id IS NULL");
        }
    }
    q.and_if(filter.role.map(Role::as_str), |p| {
        format!("EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = {p})")
    })
    .and_eq("u.active", filter.active)
    .and_if(pattern, |p| format!("u.name_search LIKE {p} ESCAPE '\\'"))
    .keyset(
        Direction::Ascending,
        ("u.name_search", "u.id"),
        after.cloned(),
    )
    .push(" ORDER BY u.name_search, u.id")
    .limit(limit);
    q.fetch_all(db).await
}

/// A user's stored password hash.
pub async fn password_hash(db: &Db, user_id: Uuid) -> AppResult<String> {
    with_db!(db, |pool| sqlx::query_scalar(PASSWORD_HASH)
        .bind(user_id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("user"))
}

/// Stores a new password hash.
pub async fn set_password_hash(
    tx: &mut Tx,
    user_id: Uuid,
    hash: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(SET_PASSWORD_HASH)
        .bind(user_id)
        .bind(hash)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
