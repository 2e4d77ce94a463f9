//! SQL for cases. Reads join the viewer's visible cases (`access::sql::visible_cases`), so
//! a case outside the viewer's scope is never loaded; personal columns and the rows that
//! hold a case's personal data (people, consents) come only where the viewer reads the
//! case in FULL.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{CaseEventRow, CaseRow, ConsentRow, PersonRow, COLUMNS};
use crate::access::sql::{case_full, scope_rank, visible_cases, ViewerParams, RANK_ONCE};
use crate::access::store::scope_of_rank;
use crate::access::{Scope, Viewer};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::{with_db, with_tx};

mod page;
pub use page::{list_headlines, list_page, CaseFilter};

#[derive(sqlx::FromRow)]
struct VisibleRow {
    #[sqlx(flatten)]
    case: CaseRow,
    scope_rank: Option<i32>,
}

const INSERT: &str = "
    INSERT INTO cases (id, journal_no, lead_agency_id, curator_user_id, signal_id, status, shelter,
        child_birth_date, opened_at, status_changed_at, decision_due_at, extension_reason,
        support_started_at, next_monitoring_at, closed_at, closure_reason, exit_outcome,
        signal_sheet, version, created_at, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
        $19, $20, $21)";

/// Writes a case as given, every column: a newly opened one (version 1), or, for the
/// bench's seed (`bench/src/seed.rs`), one already on its way.
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
        .bind(row.status_changed_at)
        .bind(row.decision_due_at)
        .bind(&row.extension_reason)
        .bind(row.support_started_at)
        .bind(row.next_monitoring_at)
        .bind(row.closed_at)
        .bind(row.closure_reason)
        .bind(row.exit_outcome)
        .bind(&row.signal_sheet)
        .bind(row.version)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Scoped case reads bind the viewer first: `$1` agency, `$2` now, `$3` ceiling.
const VIEWER: ViewerParams = ViewerParams::from(1);

/// [`COLUMNS`] with the case's own personal columns (the extension reason, the signal
/// sheet) NULL unless `rank` (the viewer's capped scope rank on the row) is FULL.
fn scoped_columns(rank: &str) -> String {
    COLUMNS
        .split(',')
        .map(str::trim)
        .map(|column| match column {
            "c.extension_reason" | "c.signal_sheet" => {
                let name = column.trim_start_matches("c.");
                format!("CASE WHEN {rank} = 2 THEN {column} END AS {name}")
            }
            other => other.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Binds the viewer at `$1`–`$3` ([`crate::access::sql::ViewerParams::from`]`(1)`).
pub(crate) fn bind_viewer<'q, DB: sqlx::Database, O>(
    query: sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>,
    viewer: Viewer,
    now: DateTime<Utc>,
) -> sqlx::query::QueryAs<'q, DB, O, <DB as sqlx::Database>::Arguments<'q>>
where
    Option<Uuid>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    i32: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    query
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
}

/// The case with `id` as the viewer may read it, with its scope, or `NOT_FOUND` when out
/// of scope.
pub async fn get_visible(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(CaseRow, Scope)> {
    let sql = format!(
        "SELECT {}, v.scope_rank FROM cases c JOIN {} ON v.case_id = c.id WHERE c.id = $4",
        scoped_columns("v.scope_rank"),
        visible_cases(VIEWER)
    );
    let row: Option<VisibleRow> =
        with_db!(db, |pool| bind_viewer(sqlx::query_as(&sql), viewer, now)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
    visible(row)
}

/// The cases numbered `journal_no` that the viewer may read (journals are per agency, so
/// several agencies may each have one), newest first, at most 20, each with its scope.
/// One scoped statement: a number out of scope costs what a number nobody has costs.
pub async fn find_by_number(
    db: &Db,
    viewer: Viewer,
    journal_no: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<(CaseRow, Scope)>> {
    let sql = format!(
        "SELECT {}, v.scope_rank FROM cases c JOIN {} ON v.case_id = c.id \
         WHERE c.journal_no = $4 ORDER BY c.opened_at DESC, c.id DESC LIMIT 20",
        scoped_columns("v.scope_rank"),
        visible_cases(VIEWER)
    );
    let rows: Vec<VisibleRow> =
        with_db!(db, |pool| bind_viewer(sqlx::query_as(&sql), viewer, now)
            .bind(journal_no)
            .fetch_all(pool)
            .await)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| scope_of_rank(r.scope_rank).map(|s| (r.case, s)))
        .collect())
}

/// The cases whose mother's name has every word of `words` at the start of one of its
/// words (`names::query_words`), among those the viewer reads in FULL: a name is personal
/// data, so a case seen as a summary is never found by it. Newest first, at most `limit`.
pub async fn find_by_mother_name(
    db: &Db,
    viewer: Viewer,
    words: &[String],
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<CaseRow>> {
    // Each word is letters only (the key's alphabet), so it needs no LIKE escaping.
    let matches: Vec<String> = (0..words.len())
        .map(|i| format!("(' ' || cp.name_key) LIKE ${}", 4 + i))
        .collect();
    let sql = format!(
        "SELECT {} FROM cases c JOIN {} ON v.case_id = c.id \
         WHERE v.scope_rank = 2 AND EXISTS (SELECT 1 FROM case_persons cp \
           WHERE cp.case_id = c.id AND cp.role = 'MOTHER' AND {}) \
         ORDER BY c.opened_at DESC, c.id DESC LIMIT {}",
        scoped_columns("v.scope_rank"),
        visible_cases(VIEWER),
        matches.join(" AND "),
        limit.clamp(1, 100)
    );
    let rows: Vec<CaseRow> = with_db!(db, |pool| {
        let mut query = bind_viewer(sqlx::query_as(&sql), viewer, now);
        for word in words {
            query = query.bind(format!("% {word}%"));
        }
        query.fetch_all(pool).await
    })?;
    Ok(rows)
}

/// Gives each person written before name keys existed (migration 0018) its key, a batch
/// at a time; a no-op once every row has one.
pub async fn fill_name_keys(db: &Db) -> AppResult<u64> {
    const BATCH: i64 = 500;
    let mut filled = 0;
    loop {
        let rows: Vec<(Uuid, String)> = with_db!(db, |pool| sqlx::query_as(
            "SELECT id, full_name FROM case_persons WHERE name_key IS NULL LIMIT $1"
        )
        .bind(BATCH)
        .fetch_all(pool)
        .await)?;
        if rows.is_empty() {
            return Ok(filled);
        }
        let mut tx = db.begin().await?;
        for (id, name) in &rows {
            let key = super::names::search_key(name);
            with_tx!(&mut tx, |conn| sqlx::query(
                "UPDATE case_persons SET name_key = $1 WHERE id = $2"
            )
            .bind(key)
            .bind(id)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
        }
        tx.commit().await?;
        filled += rows.len() as u64;
    }
}

/// [`get_visible_many`]'s statement for `n` ids at `$4…`.
fn visible_many_sql(n: usize) -> String {
    format!(
        "SELECT {}, c.scope_rank FROM (SELECT c.*, {} AS scope_rank FROM cases c \
         WHERE c.id IN ({}){RANK_ONCE}) c WHERE c.scope_rank IS NOT NULL",
        scoped_columns("c.scope_rank"),
        scope_rank("c.id", VIEWER),
        crate::db::params::list(4, n)
    )
}

/// Many cases by id as the viewer may read them, each with its scope; cases out of scope
/// are left out. Each case's scope is a correlated look-up of its own few participations,
/// so the cost does not grow with the agency's caseload.
pub async fn get_visible_many(
    db: &Db,
    viewer: Viewer,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> AppResult<Vec<(CaseRow, Scope)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = visible_many_sql(ids.len());
    let rows: Vec<VisibleRow> = with_db!(db, |pool| {
        let mut query = bind_viewer(sqlx::query_as(&sql), viewer, now);
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

/// The whole case inside a transaction, locked for update on PostgreSQL, with the
/// viewer's scope: for workflow steps, which decide from the scope what the viewer may
/// change and return nothing of the row but through the scoped reads.
pub async fn get_visible_for_update(
    tx: &mut Tx,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(CaseRow, Scope)> {
    let lock = if crate::db::dialect::for_update(tx).is_empty() {
        ""
    } else {
        " FOR UPDATE OF c"
    };
    let sql = format!(
        "SELECT {COLUMNS}, v.scope_rank FROM cases c JOIN {} ON v.case_id = c.id WHERE c.id = $4{lock}",
        visible_cases(VIEWER)
    );
    let row: Option<VisibleRow> =
        with_tx!(tx, |conn| bind_viewer(sqlx::query_as(&sql), viewer, now)
            .bind(id)
            .fetch_optional(conn)
            .await)?;
    visible(row)
}

fn visible(row: Option<VisibleRow>) -> AppResult<(CaseRow, Scope)> {
    row.and_then(|r| scope_of_rank(r.scope_rank).map(|scope| (r.case, scope)))
        .ok_or(AppError::NotFound("case"))
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
            address_registered, address_actual, stance, notes, created_at, name_key)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
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
        .bind(super::names::search_key(&p.full_name))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The people of many cases at once, each case's in the order they were added: only of
/// the cases the viewer reads in FULL (the others' people are left out in SQL).
pub async fn persons_of_cases(
    db: &Db,
    viewer: Viewer,
    case_ids: &[Uuid],
    now: DateTime<Utc>,
) -> AppResult<Vec<PersonRow>> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, case_id, role, full_name, birth_date, phone, address_registered,
            address_actual, stance, notes, created_at
         FROM case_persons WHERE case_id IN ({}) AND {}
         ORDER BY case_id, created_at, id",
        crate::db::params::list(4, case_ids.len()),
        case_full("case_persons.case_id", VIEWER)
    );
    Ok(with_db!(db, |pool| {
        let mut query = bind_viewer(sqlx::query_as(&sql), viewer, now);
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

/// The consents of a case with the agencies each covers, if the viewer reads the case in
/// FULL (else none: the condition is in the SQL).
pub async fn consents_of(
    db: &Db,
    viewer: Viewer,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<(ConsentRow, Vec<Uuid>)>> {
    let consents_sql = format!(
        "SELECT id, case_id, kind, signed_by, signed_at, recorded_by, recorded_at, withdrawn_at,
            withdrawal_note
         FROM consents WHERE case_id = $4 AND {} ORDER BY recorded_at, id",
        case_full("consents.case_id", VIEWER)
    );
    let covered_sql = format!(
        "SELECT ca.consent_id, ca.agency_id FROM consent_agencies ca
         JOIN consents c ON c.id = ca.consent_id WHERE c.case_id = $4 AND {}",
        case_full("c.case_id", VIEWER)
    );
    let consents: Vec<ConsentRow> = with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&consents_sql),
        viewer,
        now
    )
    .bind(case_id)
    .fetch_all(pool)
    .await)?;
    let covered: Vec<(Uuid, Uuid)> = with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&covered_sql),
        viewer,
        now
    )
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

/// The valid consent to personal-data processing of a case that covers `agency`, if any:
/// the ground on which a package goes to that agency.
pub async fn consent_covering(tx: &mut Tx, case_id: Uuid, agency: Uuid) -> AppResult<Option<Uuid>> {
    const COVERING: &str = "
        SELECT c.id FROM consents c JOIN consent_agencies ca ON ca.consent_id = c.id
        WHERE c.case_id = $1 AND ca.agency_id = $2 AND c.kind = 'PERSONAL_DATA'
          AND c.withdrawn_at IS NULL
        ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1";
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(COVERING)
        .bind(case_id)
        .bind(agency)
        .fetch_optional(conn)
        .await)?)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Scope;
    use crate::db::query_plans::{close, fresh_databases, per_row_subqueries, plan};

    /// Cases read by id (a page's persons, a case file) read each case's scope once,
    /// although the filter and both personal columns name it.
    #[tokio::test]
    async fn cases_read_by_id_decide_the_scope_once_per_row() {
        for db in fresh_databases().await {
            let viewer = Viewer {
                agency_id: Some(Uuid::now_v7()),
                ceiling: Scope::Full,
            };
            let params = vec![
                viewer.agency_id.into(),
                Utc::now().into(),
                viewer.ceiling_rank().into(),
                Uuid::now_v7().into(),
                Uuid::now_v7().into(),
            ];
            let plan = plan(&db, &visible_many_sql(2), params).await;
            assert_eq!(per_row_subqueries(&db, &plan, "p"), 1, "{plan}");
            close(db).await;
        }
    }
}
