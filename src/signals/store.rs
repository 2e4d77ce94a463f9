//! SQL for signals. Every read takes the viewer and filters in SQL: before a case is
//! opened from it, the receiving service and the sending hospital see a signal, nobody
//! else; after, the case's participants, as they see the case. Personal columns come
//! back NULL below FULL.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::intake::NewSignal;
use super::model::{SignalRow, SignalStatus, COLUMNS};
use crate::access::sql::{
    in_own_signal_journal, leading_params, signal_scope_rank, ViewerParams, RANK_ONCE,
};
use crate::access::store::scope_of_rank;
use crate::access::{Scope, Viewer};
use crate::db::list_query::{Direction, ListQuery};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::{with_db, with_tx};

const INSERT: &str = "
    INSERT INTO signals (id, source, sender_agency_id, sender_journal_no, service_agency_id,
        service_journal_no, status, mother_full_name, mother_birth_date, mother_phone,
        address_registered, address_actual, address_ambulance_from, child_born_at, child_sex,
        child_health_notes, in_ward_with_child, source_contact, situation,
        intent_or_fact_of_refusal, threat_of_removal, fact_of_removal,
        risk_of_voluntary_placement, fact_of_voluntary_placement, no_housing,
        no_means_of_living, low_parenting_competence, detected_at, registered_at, passed_at,
        received_at, specialist_due_at, passing_due_at, visit_due_at, created_by, created_at,
        updated_at, version)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
        $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35,
        $36, $36, 1)";

/// Where a new signal stands when it is written.
pub struct Placement {
    pub id: Uuid,
    pub status: SignalStatus,
    pub sender_agency_id: Option<Uuid>,
    pub sender_journal_no: Option<String>,
    pub service_journal_no: Option<String>,
    pub passed_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    pub specialist_due_at: Option<DateTime<Utc>>,
    pub passing_due_at: Option<DateTime<Utc>>,
    pub visit_due_at: Option<DateTime<Utc>>,
    pub created_by: Uuid,
}

/// Writes a new signal.
pub async fn insert(
    tx: &mut Tx,
    new: &NewSignal,
    at: &Placement,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let (m, c, s) = (&new.mother, &new.child, &new.screening);
    with_tx!(tx, |conn| sqlx::query(INSERT)
        .bind(at.id)
        .bind(new.source)
        .bind(at.sender_agency_id)
        .bind(&at.sender_journal_no)
        .bind(new.service_agency_id)
        .bind(&at.service_journal_no)
        .bind(at.status)
        .bind(&m.full_name)
        .bind(m.birth_date)
        .bind(&m.phone)
        .bind(&m.registered_address)
        .bind(&m.actual_address)
        .bind(&m.ambulance_from_address)
        .bind(c.born_at)
        .bind(c.sex)
        .bind(&c.health_notes)
        .bind(new.in_ward_with_child)
        .bind(&new.source_contact)
        .bind(&new.situation)
        .bind(s.intent_or_fact_of_refusal)
        .bind(s.threat_of_removal)
        .bind(s.fact_of_removal)
        .bind(s.risk_of_voluntary_placement)
        .bind(s.fact_of_voluntary_placement)
        .bind(s.no_housing)
        .bind(s.no_means_of_living)
        .bind(s.low_parenting_competence)
        .bind(new.detected_at)
        .bind(new.registered_at)
        .bind(at.passed_at)
        .bind(at.received_at)
        .bind(at.specialist_due_at)
        .bind(at.passing_due_at)
        .bind(at.visit_due_at)
        .bind(at.created_by)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The columns that hold personal data: NULL in what a scoped read returns unless the
/// viewer reads the signal in FULL. (The screening answers and `in_ward_with_child` are
/// NOT NULL flags; the resolvers withhold them below FULL.)
const PERSONAL_COLUMNS: [&str; 14] = [
    "mother_full_name",
    "mother_birth_date",
    "mother_phone",
    "address_registered",
    "address_actual",
    "address_ambulance_from",
    "child_born_at",
    "child_sex",
    "child_health_notes",
    "source_contact",
    "situation",
    "visit_report",
    "dismissal_reason",
    "curator_override_reason",
];

/// A signal as a viewer may read it, with the viewer's scope rank on it.
#[derive(sqlx::FromRow)]
struct ScopedRow {
    #[sqlx(flatten)]
    row: SignalRow,
    scope_rank: Option<i32>,
}

/// `SELECT`s the signals matching `condition` (over `signals s`, with the viewer bound as
/// [`VIEWER`]) that the viewer sees, each with its scope rank and its personal columns
/// NULL below FULL; `tail` orders and limits.
fn scoped_select(condition: &str, tail: &str) -> String {
    format!(
        "SELECT {} FROM (SELECT s.*, {} AS scope_rank FROM signals s \
         WHERE {condition}{RANK_ONCE}) s WHERE s.scope_rank IS NOT NULL {tail}",
        scoped_columns(),
        signal_scope_rank(VIEWER)
    )
}

/// [`COLUMNS`] over a derived table `s` that has a `scope_rank`, with the personal
/// columns NULL below FULL, and the rank itself.
fn scoped_columns() -> String {
    let columns: Vec<String> = COLUMNS
        .split(',')
        .map(str::trim)
        .map(|column| {
            let name = column.trim_start_matches("s.");
            if PERSONAL_COLUMNS.contains(&name) {
                format!("CASE WHEN s.scope_rank = 2 THEN s.{name} END AS {name}")
            } else {
                column.to_owned()
            }
        })
        .collect();
    format!("{}, s.scope_rank", columns.join(", "))
}

/// Scoped signal reads bind the viewer first: `$1` agency, `$2` now, `$3` ceiling.
const VIEWER: ViewerParams = ViewerParams::from(1);

fn scoped(rows: Vec<ScopedRow>) -> Vec<(SignalRow, Scope)> {
    rows.into_iter()
        .filter_map(|r| scope_of_rank(r.scope_rank).map(|scope| (r.row, scope)))
        .collect()
}

/// The signal with `id` as the viewer may read it, with its scope, else `NOT_FOUND`: its
/// service and sender before a case is opened from it, the case's participants after.
pub async fn get_visible(
    db: &Db,
    viewer: Viewer,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(SignalRow, Scope)> {
    let sql = scoped_select("s.id = $4", "");
    let rows: Vec<ScopedRow> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(id)
        .fetch_all(pool)
        .await)?;
    scoped(rows)
        .into_iter()
        .next()
        .ok_or(AppError::NotFound("signal"))
}

/// The signals numbered `journal_no` in the hospital's or the service's journal that the
/// viewer sees (journals are per agency, so several agencies may each have one), newest
/// first, at most 20. One scoped statement, so a number out of scope costs what a number
/// that exists nowhere costs.
pub async fn find_by_number(
    db: &Db,
    viewer: Viewer,
    journal_no: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<(SignalRow, Scope)>> {
    let sql = scoped_select(
        "(s.sender_journal_no = $4 OR s.service_journal_no = $4)",
        "ORDER BY s.created_at DESC, s.id DESC LIMIT 20",
    );
    let rows: Vec<ScopedRow> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(viewer.agency_id)
        .bind(now)
        .bind(viewer.ceiling_rank())
        .bind(journal_no)
        .fetch_all(pool)
        .await)?;
    Ok(scoped(rows))
}

/// A signal in the agency's own journal (it received or sent it), whole and locked for
/// update on PostgreSQL: for the service's workflow steps, which check that the agency
/// is the service and return nothing of it to anyone else.
pub async fn get_own_for_update(
    tx: &mut Tx,
    agency_id: Option<Uuid>,
    id: Uuid,
) -> AppResult<SignalRow> {
    let sql = format!(
        "SELECT {COLUMNS} FROM signals s WHERE s.id = $2 AND {}{}",
        in_own_signal_journal(1),
        crate::db::dialect::for_update(tx)
    );
    with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(agency_id)
        .bind(id)
        .fetch_optional(conn)
        .await)?
    .ok_or(AppError::NotFound("signal"))
}

/// Filters for the registration journal.
#[derive(Clone, Debug, Default)]
pub struct JournalFilter {
    pub status: Option<SignalStatus>,
    /// Only signals with at least one clock late (true) or none late (false).
    pub late: Option<bool>,
    /// Registered in the agency's journal from this time on.
    pub from: Option<DateTime<Utc>>,
    /// … and before this time.
    pub to: Option<DateTime<Utc>>,
}

/// A clock is late when done after its due time, or still running past it at `$2` (now).
const ANY_LATE: &str = "(
    (s.specialist_due_at IS NOT NULL AND COALESCE(s.registered_at, $2) > s.specialist_due_at)
    OR (s.passing_due_at IS NOT NULL AND COALESCE(s.passed_at, $2) > s.passing_due_at)
    OR (s.visit_due_at IS NOT NULL AND COALESCE(s.visited_at, s.dismissed_at, $2) > s.visit_due_at))";

/// One page of the viewer's agency journal (the signals it received or sent), newest
/// first, before the `(created_at, id)` keyset, each with the viewer's scope on it.
///
/// The two sides are two branches, each a row-value seek in its own index
/// (`signals_by_service`, `signals_by_sender`) limited to a page, merged and cut to a
/// page: an `OR` of the two agency columns would read and sort every signal of the
/// agency before the cursor. A signal the agency both sent and serves is in the first
/// branch only. Only the filters given appear in the text ([`crate::db::list_query`]).
pub async fn journal_page(
    db: &Db,
    viewer: Viewer,
    filter: &JournalFilter,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<(SignalRow, Scope)>> {
    let q = journal_query(viewer, filter, before, now, limit);
    Ok(scoped(q.fetch_all(db).await?))
}

/// [`journal_page`]'s statement and its parameters.
fn journal_query(
    viewer: Viewer,
    filter: &JournalFilter,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> ListQuery {
    let mut q = ListQuery::with_params(leading_params(viewer, now));
    let conditions = q.fragment(|q| {
        q.and_eq("s.status", filter.status.map(SignalStatus::as_str))
            .and_if(filter.late, |p| format!("{ANY_LATE} = {p}"))
            .and_if(filter.from, |p| format!("s.created_at >= {p}"))
            .and_if(filter.to, |p| format!("s.created_at < {p}"))
            .keyset(
                Direction::Descending,
                ("s.created_at", "s.id"),
                before.copied(),
            );
    });
    let limit = q.param(limit);
    let rank = signal_scope_rank(VIEWER);
    let branch = |side: &str, alias: &str| {
        format!(
            "SELECT * FROM (SELECT * FROM (SELECT s.*, {rank} AS scope_rank FROM signals s \
             WHERE {side}{conditions} \
             ORDER BY s.created_at DESC, s.id DESC{RANK_ONCE}) w \
             WHERE w.scope_rank IS NOT NULL LIMIT {limit}) {alias}"
        )
    };
    q.push(&format!(
        "SELECT {} FROM ({} UNION ALL {}) s ORDER BY s.created_at DESC, s.id DESC LIMIT {limit}",
        scoped_columns(),
        branch("s.service_agency_id = $1", "served"),
        branch(
            "s.sender_agency_id = $1 AND s.service_agency_id <> $1",
            "sent"
        ),
    ));
    q
}

/// Writes back the workflow columns of a signal whose `version` was bumped by one.
pub async fn update_workflow(tx: &mut Tx, row: &SignalRow) -> AppResult<()> {
    const UPDATE: &str = "
        UPDATE signals SET status = $2, service_journal_no = $3, received_at = $4,
            visit_due_at = $5, curator_user_id = $6, curator_assigned_at = $7,
            curator_override_reason = $8, visited_at = $9, visit_report = $10, case_id = $11,
            dismissed_at = $12, dismissal_reason = $13, updated_at = $14, version = $15
        WHERE id = $1 AND version = $15 - 1";
    let updated = with_tx!(tx, |conn| sqlx::query(UPDATE)
        .bind(row.id)
        .bind(row.status)
        .bind(&row.service_journal_no)
        .bind(row.received_at)
        .bind(row.visit_due_at)
        .bind(row.curator_user_id)
        .bind(row.curator_assigned_at)
        .bind(&row.curator_override_reason)
        .bind(row.visited_at)
        .bind(&row.visit_report)
        .bind(row.case_id)
        .bind(row.dismissed_at)
        .bind(&row.dismissal_reason)
        .bind(row.updated_at)
        .bind(row.version)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    crate::db::ensure_updated(updated, "the signal")
}

/// How many women a curator holds: open cases plus signals assigned and not yet decided.
///
/// Locks the curator's user row first (PostgreSQL), so that two heads assigning
/// different signals to one curator at once count one after the other.
pub async fn caseload(tx: &mut Tx, curator: Uuid) -> AppResult<i64> {
    let lock = format!(
        "SELECT id FROM users WHERE id = $1{}",
        crate::db::dialect::for_update(tx)
    );
    with_tx!(tx, |conn| sqlx::query_scalar::<_, Uuid>(&lock)
        .bind(curator)
        .fetch_optional(conn)
        .await)?;
    const HELD: &str = "
        SELECT (SELECT COUNT(*) FROM cases WHERE curator_user_id = $1 AND status <> 'CLOSED')
             + (SELECT COUNT(*) FROM signals WHERE curator_user_id = $1
                AND status IN ('CURATOR_ASSIGNED', 'VISITED'))";
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(HELD)
        .bind(curator)
        .fetch_one(conn)
        .await)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::query_plans::{close, fresh_databases, per_row_subqueries, plan};

    fn viewer() -> Viewer {
        Viewer {
            agency_id: Some(Uuid::now_v7()),
            ceiling: Scope::Full,
        }
    }

    /// The journal's two branches (received, sent) each read a signal's scope once per
    /// row, for every filter combination and with a cursor or without; a read by id too,
    /// although its personal columns each name the rank (issue 13).
    #[tokio::test]
    async fn signal_reads_decide_a_signals_scope_once_per_row() {
        let cursor = (Utc::now(), Uuid::now_v7());
        for db in fresh_databases().await {
            for bits in 0..32u8 {
                let filter = JournalFilter {
                    status: (bits & 1 != 0).then_some(SignalStatus::Received),
                    late: (bits & 2 != 0).then_some(true),
                    from: (bits & 4 != 0).then(Utc::now),
                    to: (bits & 8 != 0).then(Utc::now),
                };
                let before = (bits & 16 != 0).then_some(&cursor);
                let q = journal_query(viewer(), &filter, before, Utc::now(), 21);
                let plan = plan(&db, q.sql(), q.params().to_vec()).await;
                assert_eq!(
                    per_row_subqueries(&db, &plan, "p"),
                    2,
                    "{}: {filter:?}, cursor {}:\n{plan}",
                    db.backend(),
                    before.is_some()
                );
            }
            let by_id = scoped_select("s.id = $4", "");
            let v = viewer();
            let params = vec![
                v.agency_id.into(),
                Utc::now().into(),
                v.ceiling_rank().into(),
                Uuid::now_v7().into(),
            ];
            let plan = plan(&db, &by_id, params).await;
            assert_eq!(per_row_subqueries(&db, &plan, "p"), 1, "{plan}");
            close(db).await;
        }
    }
}
