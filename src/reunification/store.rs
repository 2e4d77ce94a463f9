//! SQL for reunifications, their timeline and the inspections' parties. Reads take the
//! viewer and filter in SQL: a reunification exists only for agencies holding some scope
//! on its case ([`reunification_visible`]); an entry's words come back only where
//! [`reunification_text_visible`] allows, NULL otherwise. Everyone else finds nothing:
//! `NOT_FOUND`.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{
    Content, EntryRow, PartyRow, ReunificationRow, Verdict, COLUMNS, ENTRY_COLUMNS,
};
use crate::access::sql::{
    leading_params, participation_active, reunification_text_visible, reunification_visible,
    scope_rank, ViewerParams,
};
use crate::access::{Scope, Viewer};
use crate::cases::store::bind_viewer;
use crate::db::list_query::{Direction, ListQuery};
use crate::db::{Db, JsonText, Tx};
use crate::error::{AppError, AppResult};
use crate::{with_db, with_tx};

/// Scoped reads bind the viewer first: `$1` agency, `$2` now, `$3` ceiling.
const VIEWER: ViewerParams = ViewerParams::from(1);

/// A reunification as a viewer sees it, with the viewer's scope on the case.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ScopedReunification {
    #[sqlx(flatten)]
    pub row: ReunificationRow,
    /// 2 = FULL, 1 = SUMMARY (capped by the viewer's roles).
    pub scope_rank: i32,
}

impl ScopedReunification {
    /// The viewer's scope on the case.
    pub fn scope(&self) -> Scope {
        if self.scope_rank >= 2 {
            Scope::Full
        } else {
            Scope::Summary
        }
    }
}

fn scoped_select() -> String {
    format!(
        "SELECT {COLUMNS}, {} AS scope_rank FROM reunifications u WHERE {}",
        scope_rank("u.case_id", VIEWER),
        reunification_visible(VIEWER)
    )
}

/// Writes a new reunification.
pub async fn insert(tx: &mut Tx, row: &ReunificationRow) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO reunifications (id, case_id, centre_agency_id, placed_on, placement_basis,
            status, child_stage, report_due_at, started_by_user_id, started_at, version,
            updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $10)";
    let inserted = with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(row.id)
        .bind(row.case_id)
        .bind(row.centre_agency_id)
        .bind(row.placed_on)
        .bind(row.placement_basis)
        .bind(row.status)
        .bind(row.child_stage)
        .bind(row.report_due_at)
        .bind(row.started_by_user_id)
        .bind(row.started_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()));
    match inserted.map_err(AppError::from) {
        Ok(_) => Ok(()),
        Err(AppError::Conflict(_)) => Err(AppError::Conflict(
            "the case already has a reunification record".into(),
        )),
        Err(other) => Err(other),
    }
}

/// Writes back a reunification whose `version` was bumped by one; `CONFLICT` when another
/// step changed it meanwhile.
pub async fn update(tx: &mut Tx, row: &ReunificationRow) -> AppResult<()> {
    const UPDATE: &str = "
        UPDATE reunifications SET status = $2, child_stage = $3, family_stage = $4,
            after_stage = $5, inspection_planned_on = $6, inspection_verdict = $7,
            returned_on = $8, returned_without_inspection = $9, ended_on = $10,
            last_report_at = $11, report_due_at = $12, version = $13, updated_at = $14
        WHERE id = $1 AND version = $13 - 1";
    let updated = with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(row.id)
        .bind(row.status)
        .bind(row.child_stage)
        .bind(row.family_stage)
        .bind(row.after_stage)
        .bind(row.inspection_planned_on)
        .bind(row.inspection_verdict)
        .bind(row.returned_on)
        .bind(row.returned_without_inspection)
        .bind(row.ended_on)
        .bind(row.last_report_at)
        .bind(row.report_due_at)
        .bind(row.version)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    crate::db::ensure_updated(updated, "the reunification")
}

/// Writes an entry of the timeline with its words.
pub async fn insert_entry(tx: &mut Tx, e: &EntryRow, content: &Content) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO reunification_entries (id, reunification_id, case_id, kind, track, stage,
            occurred_on, verdict, agency_id, addressee_agency_id, author_user_id, content,
            recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(e.id)
        .bind(e.reunification_id)
        .bind(e.case_id)
        .bind(e.kind)
        .bind(e.track)
        .bind(e.stage)
        .bind(e.occurred_on)
        .bind(e.verdict)
        .bind(e.agency_id)
        .bind(e.addressee_agency_id)
        .bind(e.author_user_id)
        .bind(JsonText(content.clone()))
        .bind(e.recorded_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Lists an inspection's participating agencies; the recording centre's part is
/// confirmed as it records the act.
pub async fn insert_parties(
    tx: &mut Tx,
    entry_id: Uuid,
    agencies: &[Uuid],
    centre: Uuid,
    user: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    const INSERT: &str = "
        INSERT INTO reunification_inspection_parties (entry_id, agency_id, confirmed_at,
            confirmed_by_user_id)
        VALUES ($1, $2, $3, $4)";
    for agency in agencies {
        let confirmed = (*agency == centre).then_some((now, user));
        with_tx!(tx, |conn| sqlx::query(INSERT)
            .bind(entry_id)
            .bind(agency)
            .bind(confirmed.map(|c| c.0))
            .bind(confirmed.map(|c| c.1))
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Confirms one agency's part in inspection `entry_id`, once: `None` when the agency
/// is no party, `Some(false)` when it had confirmed already.
pub async fn confirm_party(
    tx: &mut Tx,
    entry_id: Uuid,
    agency: Uuid,
    user: Uuid,
    remark: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Option<bool>> {
    const CONFIRM: &str = "
        UPDATE reunification_inspection_parties
        SET confirmed_at = $3, confirmed_by_user_id = $4, remark = $5
        WHERE entry_id = $1 AND agency_id = $2 AND confirmed_at IS NULL";
    const PARTY: &str = "
        SELECT COUNT(*) FROM reunification_inspection_parties
        WHERE entry_id = $1 AND agency_id = $2";
    let updated = with_tx!(tx, |conn| sqlx::query(CONFIRM)
        .bind(entry_id)
        .bind(agency)
        .bind(now)
        .bind(user)
        .bind(remark)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if updated == 1 {
        return Ok(Some(true));
    }
    let party: i64 = with_tx!(tx, |conn| sqlx::query_scalar(PARTY)
        .bind(entry_id)
        .bind(agency)
        .fetch_one(conn)
        .await)?;
    Ok((party > 0).then_some(false))
}

/// A reunification the viewer sees, with its scope, or `NOT_FOUND`.
pub async fn get_visible(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ScopedReunification> {
    let sql = format!("{} AND u.id = $4", scoped_select());
    with_db!(db, |pool| bind_viewer(sqlx::query_as(&sql), viewer, now)
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("reunification"))
}

/// The reunification of case `case_id`, if there is one and the viewer sees it.
pub async fn of_case(
    db: &Db,
    viewer: Viewer,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Option<ScopedReunification>> {
    let sql = format!("{} AND u.case_id = $4", scoped_select());
    Ok(with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&sql),
        viewer,
        now
    )
    .bind(case_id)
    .fetch_optional(pool)
    .await)?)
}

/// A reunification the viewer sees, whole, in a transaction, locked for update on
/// PostgreSQL: for the steps.
pub async fn get_for_update(
    tx: &mut Tx,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ScopedReunification> {
    let lock = crate::db::dialect::for_update(tx);
    let sql = format!("{} AND u.id = $4{lock}", scoped_select());
    with_tx!(tx, |conn| bind_viewer(sqlx::query_as(&sql), viewer, now)
        .bind(id)
        .fetch_optional(conn)
        .await)?
    .ok_or(AppError::NotFound("reunification"))
}

/// One page of the reunifications the viewer's agency keeps (the children in its care
/// and those it monitors after the return), newest first, before the keyset.
pub async fn in_care_page(
    db: &Db,
    viewer: Viewer,
    include_ended: bool,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<ScopedReunification>> {
    let ended = if include_ended {
        ""
    } else {
        " AND u.status <> 'ENDED'"
    };
    let mut q = ListQuery::with_params(leading_params(viewer, now));
    q.push(&format!(
        "{} AND u.centre_agency_id = $1{ended}",
        scoped_select()
    ))
    .keyset(
        Direction::Descending,
        ("u.started_at", "u.id"),
        before.copied(),
    )
    .push(" ORDER BY u.started_at DESC, u.id DESC")
    .limit(limit);
    q.fetch_all(db).await
}

/// An entry as the viewer may read it: its words NULL where it may not.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct ScopedEntry {
    #[sqlx(flatten)]
    pub row: EntryRow,
    /// [`crate::access::reunification_text_visible`], computed in SQL.
    pub text_visible: bool,
}

fn entry_select() -> String {
    let text = reunification_text_visible(VIEWER);
    format!(
        "SELECT {ENTRY_COLUMNS}, CASE WHEN {text} THEN e.content END AS content, \
         {text} AS text_visible FROM reunification_entries e \
         JOIN reunifications u ON u.id = e.reunification_id WHERE {}",
        reunification_visible(VIEWER)
    )
}

/// The timeline of reunification `id`, in the order things happened.
pub async fn entries_of(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<ScopedEntry>> {
    let sql = format!(
        "{} AND e.reunification_id = $4 ORDER BY e.occurred_on, e.recorded_at, e.id",
        entry_select()
    );
    Ok(with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&sql),
        viewer,
        now
    )
    .bind(id)
    .fetch_all(pool)
    .await)?)
}

/// One entry the viewer sees, or `NOT_FOUND`.
pub async fn entry(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ScopedEntry> {
    let sql = format!("{} AND e.id = $4", entry_select());
    with_db!(db, |pool| bind_viewer(sqlx::query_as(&sql), viewer, now)
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("reunification entry"))
}

/// The parties of the inspections of reunification `id` the viewer sees; a remark only
/// where the viewer reads the act's words.
pub async fn parties_of(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<PartyRow>> {
    let sql = format!(
        "SELECT ip.entry_id, ip.agency_id, ip.confirmed_at, ip.confirmed_by_user_id, \
         CASE WHEN {} THEN ip.remark END AS remark \
         FROM reunification_inspection_parties ip \
         JOIN reunification_entries e ON e.id = ip.entry_id \
         JOIN reunifications u ON u.id = e.reunification_id \
         WHERE {} AND u.id = $4 ORDER BY ip.entry_id, ip.agency_id",
        reunification_text_visible(VIEWER),
        reunification_visible(VIEWER)
    );
    Ok(with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&sql),
        viewer,
        now
    )
    .bind(id)
    .fetch_all(pool)
    .await)?)
}

/// The latest inspection of reunification `id` (by date, then by when it was
/// recorded): its verdict, and whether every party confirmed it.
pub async fn latest_inspection(tx: &mut Tx, id: Uuid) -> AppResult<Option<(Verdict, bool)>> {
    const LATEST: &str = "
        SELECT e.verdict, (SELECT COUNT(*) FROM reunification_inspection_parties ip
                           WHERE ip.entry_id = e.id AND ip.confirmed_at IS NULL) AS unconfirmed
        FROM reunification_entries e
        WHERE e.reunification_id = $1 AND e.kind = 'INSPECTION'
        ORDER BY e.occurred_on DESC, e.recorded_at DESC, e.id DESC LIMIT 1";
    let found: Option<(Verdict, i64)> = with_tx!(tx, |conn| sqlx::query_as(LATEST)
        .bind(id)
        .fetch_optional(conn)
        .await)?;
    Ok(found.map(|(verdict, unconfirmed)| (verdict, unconfirmed == 0)))
}

/// Whether `agency` takes part in case `case_id` now (any live participation).
pub async fn on_case(
    tx: &mut Tx,
    case_id: Uuid,
    agency: Uuid,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let sql = format!(
        "SELECT COUNT(*) FROM participations p WHERE p.case_id = $1 AND p.agency_id = $2 AND {}",
        participation_active("p", 3)
    );
    let n: i64 = with_tx!(tx, |conn| sqlx::query_scalar(&sql)
        .bind(case_id)
        .bind(agency)
        .bind(now)
        .fetch_one(conn)
        .await)?;
    Ok(n > 0)
}

/// The agency's days between progress reports.
pub async fn report_days(tx: &mut Tx, agency: Uuid) -> AppResult<i32> {
    const DAYS: &str = "SELECT reunification_report_days FROM agencies WHERE id = $1";
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(DAYS)
        .bind(agency)
        .fetch_one(conn)
        .await)?)
}

/// Reunifications in work whose progress report fell due between `from` and `now`, for
/// the reminder (oldest first, at most `limit`).
pub async fn reports_past_due(
    db: &Db,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<ReunificationRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reunifications u WHERE u.status <> 'ENDED' \
         AND u.report_due_at > $1 AND u.report_due_at <= $2 \
         ORDER BY u.report_due_at, u.id LIMIT $3"
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(from)
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// Reunifications whose planned inspection falls on or before `day` and after `from`,
/// still in care, for the reminder.
pub async fn inspections_due(
    db: &Db,
    from: NaiveDate,
    day: NaiveDate,
    limit: i64,
) -> AppResult<Vec<ReunificationRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM reunifications u WHERE u.status = 'IN_CARE' \
         AND u.inspection_planned_on > $1 AND u.inspection_planned_on <= $2 \
         ORDER BY u.inspection_planned_on, u.id LIMIT $3"
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(from)
        .bind(day)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// Whether `task` is a live task of an ИПСР (IPSR_FAMILY or IPSR_CHILD) of case
/// `case_id`: what a progress report may name.
pub async fn is_ipsr_task(tx: &mut Tx, case_id: Uuid, task: Uuid) -> AppResult<bool> {
    const TASK: &str = "
        SELECT COUNT(*) FROM plan_tasks t JOIN plans p ON p.id = t.plan_id
        WHERE t.id = $1 AND t.case_id = $2 AND t.removed_in_version IS NULL
          AND p.kind IN ('IPSR_FAMILY', 'IPSR_CHILD')";
    let n: i64 = with_tx!(tx, |conn| sqlx::query_scalar(TASK)
        .bind(task)
        .bind(case_id)
        .fetch_one(conn)
        .await)?;
    Ok(n > 0)
}

/// The live ИПСР tasks of case `case_id` (id and due day: no words), for the centre's
/// report form; the caller has checked that the viewer keeps the record.
pub async fn ipsr_tasks(db: &Db, case_id: Uuid) -> AppResult<Vec<(Uuid, NaiveDate)>> {
    const TASKS: &str = "
        SELECT t.id, t.due_on FROM plan_tasks t JOIN plans p ON p.id = t.plan_id
        WHERE t.case_id = $1 AND t.removed_in_version IS NULL
          AND p.kind IN ('IPSR_FAMILY', 'IPSR_CHILD')
        ORDER BY t.due_on, t.id LIMIT 100";
    Ok(with_db!(db, |pool| sqlx::query_as(TASKS)
        .bind(case_id)
        .fetch_all(pool)
        .await)?)
}

/// Links a report to the ИПСР tasks it reports on.
pub async fn link_tasks(tx: &mut Tx, entry_id: Uuid, tasks: &[Uuid]) -> AppResult<()> {
    const LINK: &str = "INSERT INTO reunification_entry_tasks (entry_id, task_id) VALUES ($1, $2)";
    for task in tasks {
        with_tx!(tx, |conn| sqlx::query(LINK)
            .bind(entry_id)
            .bind(task)
            .execute(conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// The ИПСР tasks each report of reunification `id` names, for those who see it (task
/// ids are not personal data).
pub async fn task_links_of(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<(Uuid, Uuid)>> {
    let sql = format!(
        "SELECT l.entry_id, l.task_id FROM reunification_entry_tasks l \
         JOIN reunification_entries e ON e.id = l.entry_id \
         JOIN reunifications u ON u.id = e.reunification_id \
         WHERE {} AND u.id = $4 ORDER BY l.entry_id, l.task_id",
        reunification_visible(VIEWER)
    );
    Ok(with_db!(db, |pool| bind_viewer(
        sqlx::query_as(&sql),
        viewer,
        now
    )
    .bind(id)
    .fetch_all(pool)
    .await)?)
}

/// The case's journal number (not personal data), for notices.
pub async fn case_number(tx: &mut Tx, case_id: Uuid) -> AppResult<String> {
    const NUMBER: &str = "SELECT journal_no FROM cases WHERE id = $1";
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(NUMBER)
        .bind(case_id)
        .fetch_one(conn)
        .await)?)
}

/// The agencies taking part in case `case_id` now, for notices.
pub async fn agencies_on_case(
    tx: &mut Tx,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    let sql = format!(
        "SELECT DISTINCT p.agency_id FROM participations p WHERE p.case_id = $1 AND {} \
         ORDER BY p.agency_id",
        participation_active("p", 2)
    );
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(&sql)
        .bind(case_id)
        .bind(now)
        .fetch_all(conn)
        .await)?)
}

/// The agencies taking part in case `case_id` now, with their names and kinds, for the
/// keeper's forms (inspection parties, the addressee of information).
pub async fn case_agencies(
    db: &Db,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<(Uuid, String, crate::agencies::AgencyKind)>> {
    let sql = format!(
        "SELECT DISTINCT a.id, a.name, a.kind FROM participations p \
         JOIN agencies a ON a.id = p.agency_id WHERE p.case_id = $1 AND {} ORDER BY a.name",
        participation_active("p", 2)
    );
    Ok(with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(case_id)
        .bind(now)
        .fetch_all(pool)
        .await)?)
}
