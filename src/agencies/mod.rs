//! Agencies: the directory every signed-in user reads, and the hub administrator's
//! changes to it.

pub mod audit_actions;
pub mod graphql;
pub mod loader;
mod model;
pub mod store;

pub use model::{AgencyChanges, AgencyKind, AgencyRow, NewAgency, NotificationLanguage};

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::access::{policy, Caller};
use crate::audit::{self, Entry, Origin};
use crate::auth::TokenCache;
use crate::db::Db;
use crate::error::{AppError, AppResult};

/// The agency directory's kinds, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    ..crate::domains::Domain::EMPTY
};

/// Creates an agency (hub administrators only).
pub async fn create(
    db: &Db,
    caller: &Caller,
    new: NewAgency,
    now: DateTime<Utc>,
) -> AppResult<AgencyRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    policy::ensure_hub_admin(actor)?;
    let mut tx = db.begin().await?;
    let row = store::insert(&mut tx, &new, now).await?;
    let entry = Entry::new(audit_actions::AGENCY_CREATED, "agency", Some(row.id))
        .with_details(json!({ "kind": row.kind }));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    Ok(row)
}

/// Changes an agency (hub administrators only). With `changes.expected_version`, refuses with
/// `CONFLICT` when someone else changed it first. Deactivating it ends its users' sessions.
pub async fn update(
    db: &Db,
    tokens: &TokenCache,
    caller: &Caller,
    id: Uuid,
    changes: AgencyChanges,
    now: DateTime<Utc>,
) -> AppResult<AgencyRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    policy::ensure_hub_admin(actor)?;
    let mut tx = db.begin().await?;
    let mut row = store::get_in(&mut tx, id).await?;
    if changes.expected_version.is_some_and(|v| v != row.version) {
        return Err(AppError::Conflict(format!(
            "the agency was changed by someone else (now version {}); reload and retry",
            row.version
        )));
    }
    let changed = changes.apply_to(&mut row);
    if changed.is_empty() {
        return Ok(row);
    }
    row.version += 1;
    row.updated_at = now;
    store::update(&mut tx, &row).await?;
    let deactivated = changed.contains(&"active") && !row.active;
    if deactivated {
        crate::auth::store::end_agency_sessions(&mut tx, id, now).await?;
        crate::auth::store::end_agency_devices(&mut tx, id).await?;
    }
    let entry = Entry::new(audit_actions::AGENCY_UPDATED, "agency", Some(id))
        .with_details(json!({ "fields": changed }));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    if deactivated {
        tokens.evict_agency(id);
    }
    Ok(row)
}
