//! SQL for plans, their versions, tasks and term extensions. Reads take the viewer and
//! filter in SQL ([`crate::access::plans`]): a plan exists for those reading its case in
//! FULL and for a responsible agency holding any scope; its header, reasons and versions
//! only in FULL; a task for FULL readers and its responsible agency. Everyone else finds
//! nothing: `NOT_FOUND`. Writes run inside the service's transaction, after it checked
//! who may make them.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{
    ExtensionRow, PlanRow, TaskRow, VersionRow, COLUMNS, TASK_COLUMNS, VERSION_COLUMNS,
};
use crate::access::plans::{
    plan_full_sql, plan_visible_sql, task_text_visible_sql, task_visible_sql,
};
use crate::access::sql::{leading_params, participation_active, ViewerParams};
use crate::access::Viewer;
use crate::cases::store::bind_viewer;
use crate::db::list_query::{Direction, ListQuery};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::{with_db, with_tx};

/// Scoped reads bind the viewer first: `$1` agency, `$2` now, `$3` ceiling.
const VIEWER: ViewerParams = ViewerParams::from(1);

/// Writes a new plan.
pub async fn insert_plan(tx: &mut Tx, row: &PlanRow) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO plans (id, case_id, kind, status, current_version, due_on, settled_on,
            term_until, next_review_on, no_plan_reason, conclusion, closed_at,
            closed_by_user_id, created_by_user_id, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, NULL, $11, $12, $12)";
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(row.id)
        .bind(row.case_id)
        .bind(row.kind)
        .bind(row.status)
        .bind(row.current_version)
        .bind(row.due_on)
        .bind(row.settled_on)
        .bind(row.term_until)
        .bind(row.next_review_on)
        .bind(&row.no_plan_reason)
        .bind(row.created_by_user_id)
        .bind(row.created_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Saves a plan's changing fields, if its current version is still `expected_version`
/// (two racing revisions: the second finds it moved on and gets `CONFLICT`).
pub async fn update_plan(tx: &mut Tx, row: &PlanRow, expected_version: i32) -> AppResult<()> {
    const UPDATE: &str = "
        UPDATE plans SET status = $2, current_version = $3, term_until = $4,
            next_review_on = $5, no_plan_reason = $6, conclusion = $7, closed_at = $8,
            closed_by_user_id = $9, updated_at = $10
        WHERE id = $1 AND current_version = $11";
    let updated = with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(row.id)
        .bind(row.status)
        .bind(row.current_version)
        .bind(row.term_until)
        .bind(row.next_review_on)
        .bind(&row.no_plan_reason)
        .bind(&row.conclusion)
        .bind(row.closed_at)
        .bind(row.closed_by_user_id)
        .bind(row.updated_at)
        .bind(expected_version)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if updated == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the plan was revised a moment ago; reload it and revise again".into(),
        ))
    }
}

/// Writes a version.
pub async fn insert_version(tx: &mut Tx, row: &VersionRow) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO plan_versions (plan_id, version_no, content, change_note,
            created_by_user_id, created_at)
        VALUES ($1, $2, $3, $4, $5, $6)";
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(row.plan_id)
        .bind(row.version_no)
        .bind(&row.content)
        .bind(&row.change_note)
        .bind(row.created_by_user_id)
        .bind(row.created_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records the day the client received her copy of a version.
pub async fn record_received(
    tx: &mut Tx,
    plan_id: Uuid,
    version_no: i32,
    received_on: NaiveDate,
    by: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    const UPDATE: &str = "
        UPDATE plan_versions SET client_received_on = $3, client_received_recorded_at = $4,
            client_received_recorded_by = $5
        WHERE plan_id = $1 AND version_no = $2";
    with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(plan_id)
        .bind(version_no)
        .bind(received_on)
        .bind(now)
        .bind(by)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Writes a new task, or rewrites one's content and place (never its status).
pub async fn upsert_task(tx: &mut Tx, row: &TaskRow) -> AppResult<()> {
    const UPSERT: &str = "
        INSERT INTO plan_tasks (id, plan_id, case_id, position, area, client_action,
            specialist_action, responsible_agency_id, due_on, due_at, status, status_note,
            status_changed_at, status_changed_by_user_id, removed_in_version, created_at,
            updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, NULL, NULL, NULL, $12, $12)
        ON CONFLICT (id) DO UPDATE SET position = $4, area = $5, client_action = $6,
            specialist_action = $7, responsible_agency_id = $8, due_on = $9, due_at = $10,
            updated_at = $12";
    with_tx!(tx, |conn| sqlx::query(UPSERT)
        .bind(row.id)
        .bind(row.plan_id)
        .bind(row.case_id)
        .bind(row.position)
        .bind(row.area)
        .bind(&row.client_action)
        .bind(&row.specialist_action)
        .bind(row.responsible_agency_id)
        .bind(row.due_on)
        .bind(row.due_at)
        .bind(row.status)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks a task dropped by version `version_no`.
pub async fn remove_task(
    tx: &mut Tx,
    id: Uuid,
    version_no: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    const UPDATE: &str =
        "UPDATE plan_tasks SET removed_in_version = $2, updated_at = $3 WHERE id = $1";
    with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(id)
        .bind(version_no)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records a task's status and note.
pub async fn update_task_status(tx: &mut Tx, row: &TaskRow) -> AppResult<()> {
    const UPDATE: &str = "
        UPDATE plan_tasks SET status = $2, status_note = $3, status_changed_at = $4,
            status_changed_by_user_id = $5, updated_at = $4
        WHERE id = $1 AND removed_in_version IS NULL";
    let updated = with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(row.id)
        .bind(row.status)
        .bind(&row.status_note)
        .bind(row.status_changed_at)
        .bind(row.status_changed_by_user_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if updated == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the task was dropped from the plan a moment ago".into(),
        ))
    }
}

/// Writes a term extension.
pub async fn insert_extension(tx: &mut Tx, row: &ExtensionRow) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO plan_term_extensions (id, plan_id, previous_until, extended_until, reason,
            extended_by_user_id, extended_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7)";
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(row.id)
        .bind(row.plan_id)
        .bind(row.previous_until)
        .bind(row.extended_until)
        .bind(&row.reason)
        .bind(row.extended_by_user_id)
        .bind(row.extended_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A plan whole, inside a transaction and locked for update on PostgreSQL: for a change
/// the service has already allowed (the caller leads its case).
pub async fn get_for_update(tx: &mut Tx, id: Uuid) -> AppResult<PlanRow> {
    let lock = crate::db::dialect::for_update(tx);
    let sql = format!("SELECT {COLUMNS} FROM plans pl WHERE pl.id = $1{lock}");
    with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await)?
    .ok_or(AppError::NotFound("plan"))
}

/// The plan of `kind` on a case, if there is one (for a change the service has allowed).
pub async fn find_of_kind(
    tx: &mut Tx,
    case_id: Uuid,
    kind: super::model::PlanKind,
) -> AppResult<Option<PlanRow>> {
    let sql = format!("SELECT {COLUMNS} FROM plans pl WHERE pl.case_id = $1 AND pl.kind = $2");
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(case_id)
        .bind(kind)
        .fetch_optional(conn)
        .await)?)
}

/// A plan's tasks in the plan now, whole, in order (for a change the service allowed).
pub async fn current_tasks(tx: &mut Tx, plan_id: Uuid) -> AppResult<Vec<TaskRow>> {
    let sql = format!(
        "SELECT {TASK_COLUMNS} FROM plan_tasks t \
         WHERE t.plan_id = $1 AND t.removed_in_version IS NULL ORDER BY t.position, t.id"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(plan_id)
        .fetch_all(conn)
        .await)?)
}

/// The agencies taking part in a case at `now` (any scope).
pub async fn agencies_on_case(
    tx: &mut Tx,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    let sql = format!(
        "SELECT DISTINCT p.agency_id FROM participations p WHERE p.case_id = $1 AND {}",
        participation_active("p", 2)
    );
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(&sql)
        .bind(case_id)
        .bind(now)
        .fetch_all(conn)
        .await)?)
}

/// A plan as a viewer may read it: its reasons NULL below FULL, and whether it reads
/// the plan in FULL (its header and versions too).
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ScopedPlan {
    #[sqlx(flatten)]
    pub row: PlanRow,
    /// [`crate::access::plans::plan_full_sql`], computed in SQL.
    pub reads_full: bool,
}

fn scoped_plan_columns() -> String {
    let full = plan_full_sql(VIEWER);
    let columns: Vec<String> = COLUMNS
        .split(',')
        .map(str::trim)
        .map(|column| match column.trim_start_matches("pl.") {
            name @ ("no_plan_reason" | "conclusion") => {
                format!("CASE WHEN {full} THEN {column} END AS {name}")
            }
            _ => column.to_owned(),
        })
        .collect();
    format!("{}, {full} AS reads_full", columns.join(", "))
}

/// A plan the viewer sees, as it may read it, or `NOT_FOUND`.
pub async fn get_visible(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ScopedPlan> {
    let sql = format!(
        "SELECT {} FROM plans pl WHERE {} AND pl.id = $4",
        scoped_plan_columns(),
        plan_visible_sql(VIEWER)
    );
    with_db!(db, |pool| bind_viewer(sqlx::query_as(&sql), viewer, now)
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("plan"))
}

/// The plans of a case the viewer sees, in the order of their kinds' creation.
pub async fn of_case(
    db: &Db,
    viewer: Viewer,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<ScopedPlan>> {
    let sql = format!(
        "SELECT {} FROM plans pl WHERE pl.case_id = $4 AND {} ORDER BY pl.created_at, pl.id",
        scoped_plan_columns(),
        plan_visible_sql(VIEWER)
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

/// A task as a viewer may read it: its words NULL where it may not read them.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ScopedTask {
    #[sqlx(flatten)]
    pub row: TaskRow,
    /// [`crate::access::plans::task_text_visible_sql`], computed in SQL.
    pub text_visible: bool,
}

fn scoped_task_columns() -> String {
    let text = task_text_visible_sql(VIEWER);
    let columns: Vec<String> = TASK_COLUMNS
        .split(',')
        .map(str::trim)
        .map(|column| match column.trim_start_matches("t.") {
            name @ ("client_action" | "specialist_action" | "status_note") => {
                format!("CASE WHEN {text} THEN {column} END AS {name}")
            }
            _ => column.to_owned(),
        })
        .collect();
    format!("{}, {text} AS text_visible", columns.join(", "))
}

/// The tasks in plan `plan_id` now that the viewer sees, in order.
pub async fn tasks_of_plan(
    db: &Db,
    viewer: Viewer,
    plan_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<ScopedTask>> {
    let sql = format!(
        "SELECT {} FROM plan_tasks t WHERE t.plan_id = $4 AND t.removed_in_version IS NULL \
         AND {} ORDER BY t.position, t.id",
        scoped_task_columns(),
        task_visible_sql(VIEWER)
    );
    Ok(with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&sql),
        viewer,
        now
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await)?)
}

/// The tasks in a case's plans now that the viewer sees, plan by plan, in order.
pub async fn tasks_of_case(
    db: &Db,
    viewer: Viewer,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<ScopedTask>> {
    let sql = format!(
        "SELECT {} FROM plan_tasks t WHERE t.case_id = $4 AND t.removed_in_version IS NULL \
         AND {} ORDER BY t.plan_id, t.position, t.id",
        scoped_task_columns(),
        task_visible_sql(VIEWER)
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

/// A task the viewer sees, whole, inside a transaction and locked for update on
/// PostgreSQL; `NOT_FOUND` for one it does not see or that was dropped.
pub async fn get_task_for_update(
    tx: &mut Tx,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<TaskRow> {
    let lock = crate::db::dialect::for_update(tx);
    let sql = format!(
        "SELECT {TASK_COLUMNS} FROM plan_tasks t WHERE t.id = $4 \
         AND t.removed_in_version IS NULL AND {}{lock}",
        task_visible_sql(VIEWER)
    );
    with_tx!(tx, |conn| bind_viewer(sqlx::query_as(&sql), viewer, now)
        .bind(id)
        .fetch_optional(conn)
        .await)?
    .ok_or(AppError::NotFound("task"))
}

/// The versions of plan `plan_id`, oldest first, if the viewer reads it in FULL.
pub async fn versions_of(
    db: &Db,
    viewer: Viewer,
    plan_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<VersionRow>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM plan_versions v JOIN plans pl ON pl.id = v.plan_id \
         WHERE v.plan_id = $4 AND {} ORDER BY v.version_no",
        plan_full_sql(VIEWER)
    );
    Ok(with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&sql),
        viewer,
        now
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await)?)
}

/// One version, if the viewer reads the plan in FULL.
pub async fn version(
    db: &Db,
    viewer: Viewer,
    plan_id: Uuid,
    version_no: i32,
    now: DateTime<Utc>,
) -> AppResult<Option<VersionRow>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM plan_versions v JOIN plans pl ON pl.id = v.plan_id \
         WHERE v.plan_id = $4 AND v.version_no = $5 AND {}",
        plan_full_sql(VIEWER)
    );
    Ok(with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&sql),
        viewer,
        now
    )
    .bind(plan_id)
    .bind(version_no)
    .fetch_optional(pool)
    .await)?)
}

/// A version's row inside a transaction (for recording the client's copy).
pub async fn version_in(
    tx: &mut Tx,
    plan_id: Uuid,
    version_no: i32,
) -> AppResult<Option<VersionRow>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM plan_versions v WHERE v.plan_id = $1 AND v.version_no = $2"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(plan_id)
        .bind(version_no)
        .fetch_optional(conn)
        .await)?)
}

/// An ИППСУ's term extensions, oldest first, if the viewer reads the plan in FULL.
pub async fn extensions_of(
    db: &Db,
    viewer: Viewer,
    plan_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<ExtensionRow>> {
    let sql = format!(
        "SELECT e.id, e.plan_id, e.previous_until, e.extended_until, e.reason, \
         e.extended_by_user_id, e.extended_at FROM plan_term_extensions e \
         JOIN plans pl ON pl.id = e.plan_id WHERE e.plan_id = $4 AND {} \
         ORDER BY e.extended_at, e.id",
        plan_full_sql(VIEWER)
    );
    Ok(with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&sql),
        viewer,
        now
    )
    .bind(plan_id)
    .fetch_all(pool)
    .await)?)
}

/// One open task of an agency that falls due, with what locates it and nothing personal.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct DueTask {
    pub task_id: Uuid,
    pub plan_id: Uuid,
    pub kind: super::model::PlanKind,
    pub case_id: Uuid,
    pub case_journal_no: String,
    pub due_on: NaiveDate,
    pub due_at: DateTime<Utc>,
    pub status: super::model::TaskStatus,
}

/// One page of the viewer's agency's open tasks in active plans due by `until` (overdue
/// ones too), on cases it still takes part in, the soonest first, after the
/// `(due_at, task id)` keyset. The open-task conditions are written as the partial index
/// `plan_tasks_due_by_agency` states them, so both databases seek in it: years of done
/// tasks, due before every open one, are never walked.
pub async fn due_for_agency(
    db: &Db,
    viewer: Viewer,
    until: DateTime<Utc>,
    after: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<DueTask>> {
    due_query(viewer, until, after, now, limit)
        .fetch_all(db)
        .await
}

fn due_query(
    viewer: Viewer,
    until: DateTime<Utc>,
    after: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> ListQuery {
    let mut q = ListQuery::with_params(leading_params(viewer, now));
    let until = q.param(until);
    q.push(&format!(
        "SELECT t.id AS task_id, t.plan_id, pl.kind, t.case_id, c.journal_no AS case_journal_no, \
         t.due_on, t.due_at, t.status \
         FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id JOIN cases c ON c.id = t.case_id \
         WHERE t.responsible_agency_id = $1 AND t.status IN ('PLANNED', 'IN_PROGRESS') \
           AND t.removed_in_version IS NULL AND pl.status = 'ACTIVE' AND t.due_at <= {until} \
           AND {}",
        task_visible_sql(VIEWER)
    ));
    q.keyset(Direction::Ascending, ("t.due_at", "t.id"), after.copied())
        .push(" ORDER BY t.due_at, t.id")
        .limit(limit);
    q
}

/// An open task for a reminder: where it is and whose it is.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct RemindedTask {
    pub task_id: Uuid,
    pub responsible_agency_id: Uuid,
    pub case_journal_no: String,
    pub due_at: DateTime<Utc>,
}

/// Open tasks in active plans of open cases due in `(from, to]` that have no `occasion`
/// reminder for that due time yet, the soonest first.
pub async fn tasks_to_remind(
    db: &Db,
    occasion: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<RemindedTask>> {
    let sql = "SELECT t.id AS task_id, t.responsible_agency_id, c.journal_no AS case_journal_no, \
         t.due_at FROM plan_tasks t JOIN plans pl ON pl.id = t.plan_id \
         JOIN cases c ON c.id = t.case_id \
         WHERE t.status IN ('PLANNED', 'IN_PROGRESS') AND t.removed_in_version IS NULL \
           AND pl.status = 'ACTIVE' AND c.status <> 'CLOSED' AND t.due_at > $1 AND t.due_at <= $2 \
           AND NOT EXISTS (SELECT 1 FROM notification_reminders n \
               WHERE n.subject_kind = $3 AND n.subject_id = t.id AND n.occasion = $4 \
                 AND n.due_at = t.due_at) \
         ORDER BY t.due_at, t.id LIMIT $5";
    Ok(with_db!(db, |pool| sqlx::query_as(sql)
        .bind(from)
        .bind(to)
        .bind(super::notices::PLAN_TASK.as_str())
        .bind(occasion)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Scope;
    use crate::db::query_plans::assert_sqlite_seeks;

    /// The due-tasks list seeks its keyset in the partial index of open tasks by agency,
    /// instead of walking every task the agency ever had.
    #[tokio::test]
    async fn the_due_list_seeks_its_keyset_in_the_index_of_open_tasks() {
        let viewer = Viewer {
            agency_id: Some(Uuid::now_v7()),
            ceiling: Scope::Full,
        };
        let cursor = (Utc::now(), Uuid::now_v7());
        let statements = [
            due_query(viewer, Utc::now(), None, Utc::now(), 21),
            due_query(viewer, Utc::now(), Some(&cursor), Utc::now(), 21),
        ];
        assert_sqlite_seeks("plan_tasks_due_by_agency", &statements).await;
    }
}
