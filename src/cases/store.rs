//! SQL for cases. Reads join the caller's visible cases (`access::sql::visible_cases`), so
//! a case outside the caller's scope is never loaded.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{CaseEventRow, CaseRow, CaseStatus, ConsentRow, PersonRow, COLUMNS};
use crate::access::sql::{scope_rank, visible_cases};
use crate::access::store::scope_of_rank;
use crate::access::Scope;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::{with_db, with_tx};

#[derive(sqlx::FromRow)]
struct VisibleRow {
    #[sqlx(flatten)]
    case: CaseRow,
    scope_rank: Option<i32>,
}

const INSERT: &str = "
    INSERT INTO cases (id, journal_no, lead_agency_id, curator_user_id, signal_id, status, shelter,
        child_birth_date, opened_at, status_changed_at, signal_sheet, version, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, 1, $9, $9)";

/// Writes a new case.
pub async fn insert(tx: &mut Tx, row: &CaseRow) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(row.id)
        .bind(&row.journal_no)
        .bind(row.lead_agency_id)
        .bind(row.curator_user_id)
        .bind(row.signal_id)
        .bind(row.status)
        .bind(row.shelter)
        .bind(row.child_birth_date)
        .bind(row.opened_at)
        .bind(&row.signal_sheet)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The case with `id` and the agency's scope on it, or `NOT_FOUND` when out of scope.
pub async fn get_visible(
    db: &Db,
    agency: Option<Uuid>,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(CaseRow, Scope)> {
    let sql = format!(
        "SELECT {COLUMNS}, v.scope_rank FROM cases c JOIN {} ON v.case_id = c.id WHERE c.id = $3",
        visible_cases(1, 2)
    );
    let row: Option<VisibleRow> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(agency)
        .bind(now)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    visible(row)
}

/// Many cases by id with the agency's scope on each; cases out of scope are left out.
/// Each case's scope is a correlated look-up of its own few participations, so the cost
/// does not grow with the agency's caseload.
pub async fn get_visible_many(
    db: &Db,
    agency: Option<Uuid>,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> AppResult<Vec<(CaseRow, Scope)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS}, {} AS scope_rank FROM cases c WHERE c.id IN ({})",
        scope_rank("c.id", 1, 2),
        crate::db::params::list(3, ids.len())
    );
    let rows: Vec<VisibleRow> = with_db!(db, |pool| {
        let mut query = sqlx::query_as(&sql).bind(agency).bind(now);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(pool).await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|r| scope_of_rank(r.scope_rank).map(|s| (r.case, s)))
        .collect())
}

/// The same inside a transaction, locked for update on PostgreSQL.
pub async fn get_visible_for_update(
    tx: &mut Tx,
    agency: Option<Uuid>,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(CaseRow, Scope)> {
    let lock = if crate::db::dialect::for_update(tx).is_empty() {
        ""
    } else {
        " FOR UPDATE OF c"
    };
    let sql = format!("SELECT {COLUMNS}, v.scope_rank FROM cases c JOIN {} ON v.case_id = c.id WHERE c.id = $3{lock}", visible_cases(1, 2));
    let row: Option<VisibleRow> = with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(agency)
        .bind(now)
        .bind(id)
        .fetch_optional(conn)
        .await)?;
    visible(row)
}

fn visible(row: Option<VisibleRow>) -> AppResult<(CaseRow, Scope)> {
    row.and_then(|r| scope_of_rank(r.scope_rank).map(|scope| (r.case, scope)))
        .ok_or(AppError::NotFound("case"))
}

/// Filters for the agency's case list.
#[derive(Clone, Debug, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub curator: Option<Uuid>,
    /// Only cases the agency leads.
    pub led_only: bool,
    /// Only cases not closed.
    pub open_only: bool,
}

/// One page of the cases an agency reaches, newest first, before the `(opened_at, id)`
/// keyset. It walks the agency's `agency_cases` index in page order and checks each
/// candidate's live scope, so a page costs the same at any caseload or hub size.
pub async fn list_page(
    db: &Db,
    agency: Option<Uuid>,
    filter: &CaseFilter,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<(CaseRow, Scope)>> {
    let sql = format!(
        "SELECT {COLUMNS}, v.scope_rank FROM (
             SELECT ac.case_id, {} AS scope_rank, ac.opened_at
             FROM agency_cases ac
             WHERE ac.agency_id = $1
               AND ($7 IS NULL OR ac.opened_at < $7 OR (ac.opened_at = $7 AND ac.case_id < $8))
         ) v JOIN cases c ON c.id = v.case_id
         WHERE v.scope_rank IS NOT NULL
           AND ($3 IS NULL OR c.status = $3)
           AND ($4 IS NULL OR c.curator_user_id = $4)
           AND ($5 = FALSE OR c.lead_agency_id = $1)
           AND ($6 = FALSE OR c.status <> 'CLOSED')
         ORDER BY v.opened_at DESC, v.case_id DESC
         LIMIT $9",
        scope_rank("ac.case_id", 1, 2)
    );
    let (before_at, before_id) = before.copied().unzip();
    let rows: Vec<VisibleRow> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(agency)
        .bind(now)
        .bind(filter.status)
        .bind(filter.curator)
        .bind(filter.led_only)
        .bind(filter.open_only)
        .bind(before_at)
        .bind(before_id)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| scope_of_rank(r.scope_rank).map(|s| (r.case, s)))
        .collect())
}

/// Writes back the workflow columns of a case whose `version` was bumped by one.
pub async fn update_workflow(tx: &mut Tx, row: &CaseRow) -> AppResult<()> {
    const UPDATE: &str = "
        UPDATE cases SET status = $2, curator_user_id = $3, status_changed_at = $4,
            decision_due_at = $5, extension_reason = $6, support_started_at = $7,
            next_monitoring_at = $8, closed_at = $9, closure_reason = $10, exit_outcome = $11,
            child_birth_date = $12, signal_sheet = $13, updated_at = $14, version = $15,
            lead_agency_id = $16
        WHERE id = $1 AND version = $15 - 1";
    let updated = with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(row.id)
        .bind(row.status)
        .bind(row.curator_user_id)
        .bind(row.status_changed_at)
        .bind(row.decision_due_at)
        .bind(&row.extension_reason)
        .bind(row.support_started_at)
        .bind(row.next_monitoring_at)
        .bind(row.closed_at)
        .bind(row.closure_reason)
        .bind(row.exit_outcome)
        .bind(row.child_birth_date)
        .bind(&row.signal_sheet)
        .bind(row.updated_at)
        .bind(row.version)
        .bind(row.lead_agency_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    crate::db::ensure_updated(updated, "the case")
}

/// Links a person to a case.
pub async fn insert_person(tx: &mut Tx, p: &PersonRow) -> AppResult<()> {
    const INSERT_PERSON: &str = "
        INSERT INTO case_persons (id, case_id, role, full_name, birth_date, phone,
            address_registered, address_actual, stance, notes, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    with_tx!(tx, |conn| sqlx::query(INSERT_PERSON)
        .bind(p.id)
        .bind(p.case_id)
        .bind(p.role)
        .bind(&p.full_name)
        .bind(p.birth_date)
        .bind(&p.phone)
        .bind(&p.address_registered)
        .bind(&p.address_actual)
        .bind(&p.stance)
        .bind(&p.notes)
        .bind(p.created_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The people of many cases at once, each case's in the order they were added.
pub async fn persons_of_cases(db: &Db, case_ids: &[Uuid]) -> AppResult<Vec<PersonRow>> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, case_id, role, full_name, birth_date, phone, address_registered,
            address_actual, stance, notes, created_at
         FROM case_persons WHERE case_id IN ({}) ORDER BY case_id, created_at, id",
        crate::db::params::list(1, case_ids.len())
    );
    Ok(with_db!(db, |pool| {
        let mut query = sqlx::query_as(&sql);
        for id in case_ids {
            query = query.bind(*id);
        }
        query.fetch_all(pool).await
    })?)
}

/// Records a consent and the agencies it covers.
pub async fn insert_consent(tx: &mut Tx, c: &ConsentRow, agencies: &[Uuid]) -> AppResult<()> {
    const INSERT_CONSENT: &str = "
        INSERT INTO consents (id, case_id, kind, signed_by, signed_at, recorded_by, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    const COVERS: &str = "INSERT INTO consent_agencies (consent_id, agency_id) VALUES ($1, $2)";
    with_tx!(tx, |conn| sqlx::query(INSERT_CONSENT)
        .bind(c.id)
        .bind(c.case_id)
        .bind(c.kind)
        .bind(&c.signed_by)
        .bind(c.signed_at)
        .bind(c.recorded_by)
        .bind(c.recorded_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    for agency in agencies {
        with_tx!(tx, |conn| sqlx::query(COVERS)
            .bind(c.id)
            .bind(*agency)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The consents of a case with the agencies each covers.
pub async fn consents_of(db: &Db, case_id: Uuid) -> AppResult<Vec<(ConsentRow, Vec<Uuid>)>> {
    const CONSENTS: &str = "
        SELECT id, case_id, kind, signed_by, signed_at, recorded_by, recorded_at, withdrawn_at,
            withdrawal_note
        FROM consents WHERE case_id = $1 ORDER BY recorded_at, id";
    const COVERED: &str = "
        SELECT ca.consent_id, ca.agency_id FROM consent_agencies ca
        JOIN consents c ON c.id = ca.consent_id WHERE c.case_id = $1";
    let consents: Vec<ConsentRow> = with_db!(db, |pool| sqlx::query_as(CONSENTS)
        .bind(case_id)
        .fetch_all(pool)
        .await)?;
    let covered: Vec<(Uuid, Uuid)> = with_db!(db, |pool| sqlx::query_as(COVERED)
        .bind(case_id)
        .fetch_all(pool)
        .await)?;
    Ok(consents
        .into_iter()
        .map(|c| {
            let agencies = covered
                .iter()
                .filter(|(id, _)| *id == c.id)
                .map(|(_, a)| *a)
                .collect();
            (c, agencies)
        })
        .collect())
}

/// Marks a consent withdrawn; returns the agencies it covered that no other valid consent
/// of the same kind still covers (`NOT_FOUND` if it is not this case's, `CONFLICT` if
/// already withdrawn).
pub async fn withdraw_consent(
    tx: &mut Tx,
    case_id: Uuid,
    consent_id: Uuid,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    const WITHDRAW: &str = "
        UPDATE consents SET withdrawn_at = $3, withdrawal_note = $4
        WHERE id = $1 AND case_id = $2 AND withdrawn_at IS NULL";
    const EXISTS: &str = "SELECT COUNT(*) FROM consents WHERE id = $1 AND case_id = $2";
    const COVERED: &str = "
        SELECT ca.agency_id FROM consent_agencies ca WHERE ca.consent_id = $1
          AND NOT EXISTS (
              SELECT 1 FROM consent_agencies other JOIN consents c ON c.id = other.consent_id
              WHERE other.agency_id = ca.agency_id AND c.case_id = $2 AND c.id <> $1
                AND c.withdrawn_at IS NULL
                AND c.kind = (SELECT w.kind FROM consents w WHERE w.id = $1))";
    let updated = with_tx!(tx, |conn| sqlx::query(WITHDRAW)
        .bind(consent_id)
        .bind(case_id)
        .bind(now)
        .bind(note)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if updated == 0 {
        let exists: i64 = with_tx!(tx, |conn| sqlx::query_scalar(EXISTS)
            .bind(consent_id)
            .bind(case_id)
            .fetch_one(conn)
            .await)?;
        return Err(if exists == 0 {
            AppError::NotFound("consent")
        } else {
            AppError::Conflict("the consent is already withdrawn".into())
        });
    }
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(COVERED)
        .bind(consent_id)
        .bind(case_id)
        .fetch_all(conn)
        .await)?)
}

/// Adds an entry to a case's timeline.
pub async fn insert_event(tx: &mut Tx, e: &CaseEventRow) -> AppResult<()> {
    const INSERT_EVENT: &str = "
        INSERT INTO case_events (id, case_id, occurred_at, actor_user_id, actor_agency_id, kind,
            from_status, to_status, details)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    with_tx!(tx, |conn| sqlx::query(INSERT_EVENT)
        .bind(e.id)
        .bind(e.case_id)
        .bind(e.occurred_at)
        .bind(e.actor_user_id)
        .bind(e.actor_agency_id)
        .bind(&e.kind)
        .bind(e.from_status)
        .bind(e.to_status)
        .bind(&e.details)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A case's timeline, oldest first.
pub async fn events_of(db: &Db, case_id: Uuid) -> AppResult<Vec<CaseEventRow>> {
    const EVENTS: &str = "
        SELECT id, case_id, occurred_at, actor_user_id, actor_agency_id, kind, from_status,
            to_status, details
        FROM case_events WHERE case_id = $1 ORDER BY occurred_at, id";
    Ok(with_db!(db, |pool| sqlx::query_as(EVENTS)
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
}
