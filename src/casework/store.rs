//! SQL for intakes, the work log, the contact clock and monitoring. Reads take the viewer
//! and filter in SQL: rows exist only for agencies holding some scope on the case, and
//! their personal columns come back only where the viewer reads the case in FULL
//! ([`case_full`]); everyone else finds nothing.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{ContactClock, IntakeRow, MonitoringRow, WorkEntryRow, INTAKE_COLUMNS};
use crate::access::sql::{case_full, leading_params, scope_rank, ViewerParams};
use crate::access::Viewer;
use crate::cases::store::bind_viewer;
use crate::db::list_query::{Direction, ListQuery};
use crate::db::{Db, Tx};
use crate::error::AppResult;
use crate::{with_db, with_tx};

/// Scoped reads bind the viewer first: `$1` agency, `$2` now, `$3` ceiling.
const VIEWER: ViewerParams = ViewerParams::from(1);

/// Writes an intake.
pub async fn insert_intake(tx: &mut Tx, row: &IntakeRow) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO case_intakes (case_id, agency_id, intake_no, source, registered_on,
            referred_by, reason, placed_since, placed_where, placement_basis,
            registered_by_user_id, registered_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(row.case_id)
        .bind(row.agency_id)
        .bind(&row.intake_no)
        .bind(row.source)
        .bind(row.registered_on)
        .bind(&row.referred_by)
        .bind(&row.reason)
        .bind(row.placed_since)
        .bind(&row.placed_where)
        .bind(row.placement_basis)
        .bind(row.registered_by_user_id)
        .bind(row.registered_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The intake of a case the viewer reads in FULL (none otherwise, or when the case came
/// from a signal).
pub async fn intake_of(
    db: &Db,
    viewer: Viewer,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Option<IntakeRow>> {
    let sql = format!(
        "SELECT {INTAKE_COLUMNS} FROM case_intakes i WHERE i.case_id = $4 AND {}",
        case_full("i.case_id", VIEWER)
    );
    Ok(with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&sql),
        viewer,
        now
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await)?)
}

/// The day a case's intake was registered, if it came from one.
pub async fn intake_registered_on(tx: &mut Tx, case_id: Uuid) -> AppResult<Option<NaiveDate>> {
    const DAY: &str = "SELECT registered_on FROM case_intakes WHERE case_id = $1";
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(DAY)
        .bind(case_id)
        .fetch_optional(conn)
        .await)?)
}

/// Writes a work-log entry.
pub async fn insert_entry(tx: &mut Tx, row: &WorkEntryRow) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO case_work_log (id, case_id, agency_id, kind, occurred_on,
            specialist_user_id, duration_minutes, content, recorded_by_user_id, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(row.id)
        .bind(row.case_id)
        .bind(row.agency_id)
        .bind(row.kind)
        .bind(row.occurred_on)
        .bind(row.specialist_user_id)
        .bind(row.duration_minutes)
        .bind(&row.content)
        .bind(row.recorded_by_user_id)
        .bind(row.recorded_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A case's work log as the viewer may read it, newest first: nothing out of scope, the
/// specialist and the content only in FULL.
pub async fn entries_of(
    db: &Db,
    viewer: Viewer,
    case_id: Uuid,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<WorkEntryRow>> {
    // The case is `$4` for every row, so the scope is read once per statement, not per row
    // and column.
    let full = case_full("$4", VIEWER);
    let sql = format!(
        "SELECT w.id, w.case_id, w.agency_id, w.kind, w.occurred_on,
            CASE WHEN {full} THEN w.specialist_user_id END AS specialist_user_id,
            w.duration_minutes, CASE WHEN {full} THEN w.content END AS content,
            w.recorded_by_user_id, w.recorded_at
         FROM case_work_log w WHERE w.case_id = $4 AND {} IS NOT NULL
         ORDER BY w.occurred_on DESC, w.recorded_at DESC, w.id DESC LIMIT {}",
        scope_rank("$4", VIEWER),
        limit.clamp(1, 500)
    );
    Ok(with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&sql),
        viewer,
        now
    )
    .bind(case_id)
    .fetch_all(pool)
    .await)?)
}

/// A case's contact clock, if it has one.
pub async fn clock_in(tx: &mut Tx, case_id: Uuid) -> AppResult<Option<ContactClock>> {
    const CLOCK: &str =
        "SELECT case_id, last_contact_on, alert_at FROM case_contact_clock WHERE case_id = $1";
    Ok(with_tx!(tx, |conn| sqlx::query_as(CLOCK)
        .bind(case_id)
        .fetch_optional(conn)
        .await)?)
}

/// The contact clocks of many cases (not personal: days only).
pub async fn clocks_of(db: &Db, case_ids: &[Uuid]) -> AppResult<Vec<ContactClock>> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT case_id, last_contact_on, alert_at FROM case_contact_clock WHERE case_id IN ({})",
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

/// Writes a case's contact clock.
pub async fn set_clock(tx: &mut Tx, clock: &ContactClock) -> AppResult<()> {
    const UPSERT: &str = "
        INSERT INTO case_contact_clock (case_id, last_contact_on, alert_at) VALUES ($1, $2, $3)
        ON CONFLICT (case_id) DO UPDATE SET last_contact_on = $2, alert_at = $3";
    with_tx!(tx, |conn| sqlx::query(UPSERT)
        .bind(clock.case_id)
        .bind(clock.last_contact_on)
        .bind(crate::db::truncate(clock.alert_at))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Writes a monitoring.
pub async fn insert_monitoring(tx: &mut Tx, row: &MonitoringRow) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO case_monitoring (id, case_id, agency_id, occurred_on, stage,
            curator_took_part, head_took_part, supervisor_name, effect, causes, progress,
            decision, next_due_on, recorded_by_user_id, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(row.id)
        .bind(row.case_id)
        .bind(row.agency_id)
        .bind(row.occurred_on)
        .bind(row.stage)
        .bind(row.curator_took_part)
        .bind(row.head_took_part)
        .bind(&row.supervisor_name)
        .bind(row.effect)
        .bind(&row.causes)
        .bind(&row.progress)
        .bind(row.decision)
        .bind(row.next_due_on)
        .bind(row.recorded_by_user_id)
        .bind(row.recorded_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A case's monitoring as the viewer may read it, newest first: the day, stage,
/// decision and next due day for everyone on the case, the rest only in FULL.
pub async fn monitoring_of(
    db: &Db,
    viewer: Viewer,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<MonitoringRow>> {
    // One case (`$4`): its scope is read once per statement.
    let full = case_full("$4", VIEWER);
    let sql = format!(
        "SELECT m.id, m.case_id, m.agency_id, m.occurred_on, m.stage,
            CASE WHEN {full} THEN m.curator_took_part ELSE FALSE END AS curator_took_part,
            CASE WHEN {full} THEN m.head_took_part ELSE FALSE END AS head_took_part,
            CASE WHEN {full} THEN m.supervisor_name END AS supervisor_name,
            CASE WHEN {full} THEN m.effect END AS effect,
            CASE WHEN {full} THEN m.causes END AS causes,
            CASE WHEN {full} THEN m.progress END AS progress,
            m.decision, m.next_due_on, m.recorded_by_user_id, m.recorded_at
         FROM case_monitoring m WHERE m.case_id = $4 AND {} IS NOT NULL
         ORDER BY m.occurred_on DESC, m.recorded_at DESC, m.id DESC LIMIT 200",
        scope_rank("$4", VIEWER)
    );
    Ok(with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&sql),
        viewer,
        now
    )
    .bind(case_id)
    .fetch_all(pool)
    .await)?)
}

/// Which of `ids` are tasks in the current versions of the case's plans.
pub async fn tasks_of_case_among(tx: &mut Tx, case_id: Uuid, ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id FROM plan_tasks WHERE case_id = $1 AND removed_in_version IS NULL \
         AND id IN ({})",
        crate::db::params::list(2, ids.len())
    );
    Ok(with_tx!(tx, |conn| {
        let mut query = sqlx::query_scalar(&sql).bind(case_id);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(conn).await
    })?)
}

/// Moves the next review of the case's active plan of `kind` to `next_on` (a monitoring
/// is that plan's review); returns how many plans moved.
pub async fn advance_plan_review(
    tx: &mut Tx,
    case_id: Uuid,
    kind: &str,
    next_on: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    const UPDATE: &str = "UPDATE plans SET next_review_on = $3, updated_at = $4
        WHERE case_id = $1 AND kind = $2 AND status = 'ACTIVE'";
    Ok(with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(case_id)
        .bind(kind)
        .bind(next_on)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?)
}

/// A case a reminder is about: nothing personal.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct DueCase {
    pub case_id: Uuid,
    pub journal_no: String,
    pub lead_agency_id: Uuid,
    pub curator_user_id: Option<Uuid>,
    pub due_at: DateTime<Utc>,
}

/// Cases in decision work or support whose monitoring fell due between `from` and `now`
/// (oldest first, at most `limit`).
pub async fn monitoring_past_due(
    db: &Db,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<DueCase>> {
    const SQL: &str = "
        SELECT c.id AS case_id, c.journal_no, c.lead_agency_id, c.curator_user_id,
            c.next_monitoring_at AS due_at
        FROM cases c WHERE c.status IN ('DECISION_WORK', 'SUPPORT')
          AND c.next_monitoring_at > $1 AND c.next_monitoring_at <= $2
        ORDER BY c.next_monitoring_at, c.id LIMIT $3";
    Ok(with_db!(db, |pool| sqlx::query_as(SQL)
        .bind(from)
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// Open cases whose no-contact flag rose between `from` and `now` (oldest first, at
/// most `limit`).
pub async fn no_contact_past_due(
    db: &Db,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<DueCase>> {
    const SQL: &str = "
        SELECT c.id AS case_id, c.journal_no, c.lead_agency_id, c.curator_user_id,
            k.alert_at AS due_at
        FROM case_contact_clock k JOIN cases c ON c.id = k.case_id
        WHERE c.status <> 'CLOSED' AND k.alert_at > $1 AND k.alert_at <= $2
        ORDER BY k.alert_at, c.id LIMIT $3";
    Ok(with_db!(db, |pool| sqlx::query_as(SQL)
        .bind(from)
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// One page of the open cases the viewer's agency leads whose monitoring is overdue at
/// `now` (optionally one curator's), the longest overdue first, after the
/// `(next_monitoring_at, id)` keyset: each case's key. Only the filter given appears in
/// the text ([`ListQuery`]); the keyset seeks in `cases_monitoring_by_lead`.
pub async fn overdue_monitoring(
    db: &Db,
    viewer: Viewer,
    curator: Option<Uuid>,
    after: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<(DateTime<Utc>, Uuid)>> {
    overdue_query(viewer, curator, after, now, limit)
        .fetch_all(db)
        .await
}

fn overdue_query(
    viewer: Viewer,
    curator: Option<Uuid>,
    after: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> ListQuery {
    let mut q = ListQuery::with_params(leading_params(viewer, now));
    q.push(&format!(
        "SELECT c.next_monitoring_at, c.id FROM cases c WHERE c.lead_agency_id = $1
           AND c.next_monitoring_at <= $2 AND c.status IN ('DECISION_WORK', 'SUPPORT')
           AND {} = 2",
        scope_rank("c.id", VIEWER),
    ));
    q.and_eq("c.curator_user_id", curator)
        .keyset(
            Direction::Ascending,
            ("c.next_monitoring_at", "c.id"),
            after.copied(),
        )
        .push(" ORDER BY c.next_monitoring_at, c.id")
        .limit(limit);
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Scope;
    use crate::db::query_plans::assert_sqlite_seeks;

    /// The overdue list seeks its keyset in the partial index of open cases by lead, with
    /// a curator or without, instead of sorting the agency's overdue cases for each page.
    #[tokio::test]
    async fn the_overdue_list_seeks_its_keyset_in_the_index_of_open_cases() {
        let viewer = Viewer {
            agency_id: Some(Uuid::now_v7()),
            ceiling: Scope::Full,
        };
        let cursor = (Utc::now(), Uuid::now_v7());
        let statements = [
            overdue_query(viewer, None, None, Utc::now(), 21),
            overdue_query(viewer, Some(Uuid::now_v7()), Some(&cursor), Utc::now(), 21),
        ];
        assert_sqlite_seeks("cases_monitoring_by_lead", &statements).await;
    }
}
