//! SQL for agencies.

use uuid::Uuid;

use super::model::{AgencyKind, AgencyRow, NewAgency};
use crate::db::list_query::{Direction, ListQuery};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::input;
use crate::{with_db, with_tx};

const COLUMNS: &str = "id, name, kind, region, time_zone, contact_email, notification_language,
    active, caseload_limit, former_lead_full_days, reunification_report_days, no_contact_alert_days, version, created_at, updated_at";

const INSERT: &str = "
    INSERT INTO agencies (id, name, name_search, kind, region, time_zone, contact_email,
        notification_language, active, version, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, 1, $9, $9)";

const UPDATE: &str = "
    UPDATE agencies SET name = $2, name_search = $3, region = $4, time_zone = $5,
        contact_email = $6, notification_language = $7, active = $8, version = $9,
        updated_at = $10, caseload_limit = $11, former_lead_full_days = $12,
        reunification_report_days = $13, no_contact_alert_days = $14
    WHERE id = $1 AND version = $9 - 1";

/// Filters for the directory.
#[derive(Clone, Debug, Default)]
pub struct AgencyFilter {
    /// Only agencies of this kind.
    pub kind: Option<AgencyKind>,
    /// Only active (or only inactive) agencies.
    pub active: Option<bool>,
    /// Name contains this text, any case.
    pub name_contains: Option<String>,
}

/// Inserts a new agency.
pub async fn insert(
    tx: &mut Tx,
    new: &NewAgency,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<AgencyRow> {
    let id = Uuid::now_v7();
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(id)
        .bind(&new.name)
        .bind(input::search_key(&new.name))
        .bind(new.kind)
        .bind(&new.region)
        .bind(new.time_zone)
        .bind(&new.contact_email)
        .bind(new.notification_language)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    get_in(tx, id).await
}

/// Writes back a changed agency whose `version` was bumped by one; `CONFLICT` when
/// someone else changed it in the meantime (the row is no longer at `version - 1`).
pub async fn update(tx: &mut Tx, row: &AgencyRow) -> AppResult<()> {
    let updated = with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(row.id)
        .bind(&row.name)
        .bind(input::search_key(&row.name))
        .bind(&row.region)
        .bind(row.time_zone)
        .bind(&row.contact_email)
        .bind(row.notification_language)
        .bind(row.active)
        .bind(row.version)
        .bind(row.updated_at)
        .bind(row.caseload_limit)
        .bind(row.former_lead_full_days)
        .bind(row.reunification_report_days)
        .bind(row.no_contact_alert_days)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    crate::db::ensure_updated(updated, "the agency")
}

/// The agency with `id`, inside a transaction, or `NOT_FOUND`.
pub async fn get_in(tx: &mut Tx, id: Uuid) -> AppResult<AgencyRow> {
    let sql = format!("SELECT {COLUMNS} FROM agencies WHERE id = $1");
    with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await)?
    .ok_or(AppError::NotFound("agency"))
}

/// The agency with `id`, or `NOT_FOUND`.
pub async fn get(db: &Db, id: Uuid) -> AppResult<AgencyRow> {
    let sql = format!("SELECT {COLUMNS} FROM agencies WHERE id = $1");
    with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("agency"))
}

/// The agencies with these ids (for the DataLoader).
pub async fn get_many(db: &Db, ids: &[Uuid]) -> AppResult<Vec<AgencyRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM agencies WHERE id IN ({})",
        crate::db::params::list(1, ids.len())
    );
    Ok(with_db!(db, |pool| {
        let mut query = sqlx::query_as(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(pool).await
    })?)
}

/// One page of the directory, ordered by name, after the `(name_search, id)` keyset.
pub async fn list_page(
    db: &Db,
    filter: &AgencyFilter,
    after: Option<&(String, Uuid)>,
    limit: i64,
) -> AppResult<Vec<AgencyRow>> {
    let pattern = filter.name_contains.as_deref().map(input::like_pattern);
    let mut q = ListQuery::new();
    q.push(&format!("SELECT {COLUMNS} FROM agencies WHERE TRUE"))
        .and_eq("kind", filter.kind.map(AgencyKind::as_str))
        .and_eq("active", filter.active)
        .and_if(pattern, |p| format!("name_search LIKE {p} ESCAPE '\\'"))
        .keyset(Direction::Ascending, ("name_search", "id"), after.cloned())
        .push(" ORDER BY name_search, id")
        .limit(limit);
    q.fetch_all(db).await
}
