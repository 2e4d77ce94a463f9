//! The agency's case list, a page at a time: whole rows for the pages that show a case's
//! details, headlines ([`CaseHeadline`]) for the lists that show only the number, status
//! and dates. Both are one statement over the same keyset walk; only the columns differ.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{scoped_columns, VisibleRow, VIEWER};
use crate::access::sql::{leading_params, scope_rank, RANK_ONCE};
use crate::access::store::scope_of_rank;
use crate::access::{Scope, Viewer};
use crate::cases::model::{CaseHeadline, CaseRow, CaseStatus, HEADLINE_COLUMNS};
use crate::db::list_query::{Direction, ListQuery};
use crate::db::Db;
use crate::error::AppResult;

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

/// Every column of the case, the personal ones NULL below FULL: written once, not per
/// page.
static WHOLE_COLUMNS: LazyLock<String> =
    LazyLock::new(|| format!("{}, v.scope_rank", scoped_columns("v.scope_rank")));

/// The headline's columns: none of them personal, so no scope decides them.
static HEADLINE_SELECT: LazyLock<String> =
    LazyLock::new(|| format!("{HEADLINE_COLUMNS}, v.scope_rank"));

/// One page of the cases an agency reaches, newest first, before the `(opened_at, id)`
/// keyset, every column read. The inner query walks the agency's `agency_cases_page` index
/// from the cursor (a row-value seek) and looks up each candidate's live participations
/// for the agency by `(case_id, agency_id)`, once ([`RANK_ONCE`]); the middle one skips a
/// case whose participations all lapsed and stops at a page; the outer one reads those
/// few cases' columns by id, personal ones NULL below FULL. A join of the agency's
/// participations, grouped per case, decided the scope once per row instead, but
/// PostgreSQL's planner misjudged that join and hashed the agency's whole caseload for
/// every page (3.4 ms against 0.8 ms at 667 cases; docs/performance.md). So a page costs
/// the same at any depth, caseload or hub size. Only the filters given appear in the text ([`crate::db::list_query`]).
pub async fn list_page(
    db: &Db,
    viewer: Viewer,
    filter: &CaseFilter,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<(CaseRow, Scope)>> {
    let q = page_query(&WHOLE_COLUMNS, viewer, filter, before, now, limit);
    let rows: Vec<VisibleRow> = q.fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| scope_of_rank(r.scope_rank).map(|s| (r.case, s)))
        .collect())
}

/// The same page as [`list_page`], the same cases in the same order, with only the
/// headline's columns read: what a list that shows no more costs (issue 13: decoding the
/// whole row was about a tenth of a `cases(first: 20)` request on SQLite).
pub async fn list_headlines(
    db: &Db,
    viewer: Viewer,
    filter: &CaseFilter,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<(CaseHeadline, Scope)>> {
    let q = page_query(&HEADLINE_SELECT, viewer, filter, before, now, limit);
    let rows: Vec<VisibleHeadline> = q.fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| scope_of_rank(r.scope_rank).map(|s| (r.headline, s)))
        .collect())
}

#[derive(sqlx::FromRow)]
struct VisibleHeadline {
    #[sqlx(flatten)]
    headline: CaseHeadline,
    scope_rank: Option<i32>,
}

fn page_query(
    columns: &str,
    viewer: Viewer,
    filter: &CaseFilter,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> ListQuery {
    let mut q = ListQuery::with_params(leading_params(viewer, now));
    // The cases table is joined only for the filters that read it, so an unfiltered page
    // is one walk of the agency's ordered list.
    let needs_case =
        filter.status.is_some() || filter.curator.is_some() || filter.led_only || filter.open_only;
    let rank = &*CASE_RANK;
    q.push(&format!(
        "SELECT {columns} FROM (
             SELECT w.case_id, w.opened_at, w.scope_rank FROM (
                 SELECT ac.case_id, ac.opened_at, {rank} AS scope_rank
                 FROM agency_cases ac{}
                 WHERE ac.agency_id = $1",
        if needs_case {
            " JOIN cases c ON c.id = ac.case_id"
        } else {
            ""
        },
    ))
    .and_eq("c.status", filter.status.map(CaseStatus::as_str))
    .and_eq("c.curator_user_id", filter.curator);
    if filter.led_only {
        q.push(" AND c.lead_agency_id = $1");
    }
    if filter.open_only {
        q.push(" AND c.status <> 'CLOSED'");
    }
    q.keyset(
        Direction::Descending,
        ("ac.opened_at", "ac.case_id"),
        before.copied(),
    )
    .push(" ORDER BY ac.opened_at DESC, ac.case_id DESC")
    .push(RANK_ONCE)
    .push(") w WHERE w.scope_rank IS NOT NULL")
    .limit_inline(limit)
    .push(
        ") v JOIN cases c ON c.id = v.case_id
         ORDER BY v.opened_at DESC, v.case_id DESC",
    );
    q
}

/// The viewer's scope rank on the walked case, the same text for every page.
static CASE_RANK: LazyLock<String> = LazyLock::new(|| scope_rank("ac.case_id", VIEWER));

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::query_plans::{close, fresh_databases, per_row_subqueries, plan};

    /// Every filter combination, with and without a cursor, on each database: the walk
    /// seeks in the agency's list and reads each case's participations once, whatever
    /// the filters (issue 13: the scope decided once per row).
    #[tokio::test]
    async fn every_case_list_statement_reads_a_cases_scope_once_per_row() {
        let viewer = Viewer {
            agency_id: Some(Uuid::now_v7()),
            ceiling: Scope::Full,
        };
        let cursor = (Utc::now(), Uuid::now_v7());
        for db in fresh_databases().await {
            for bits in 0..32u8 {
                let filter = CaseFilter {
                    status: (bits & 1 != 0).then_some(CaseStatus::Support),
                    curator: (bits & 2 != 0).then(Uuid::now_v7),
                    led_only: bits & 4 != 0,
                    open_only: bits & 8 != 0,
                };
                let before = (bits & 16 != 0).then_some(&cursor);
                for columns in [&*WHOLE_COLUMNS, &*HEADLINE_SELECT] {
                    let q = page_query(columns, viewer, &filter, before, Utc::now(), 21);
                    let plan = plan(&db, q.sql(), q.params().to_vec()).await;
                    assert_eq!(
                        per_row_subqueries(&db, &plan, "p"),
                        1,
                        "{} reads the scope more than once per row for {filter:?}, \
                         cursor {}:\n{plan}",
                        db.backend(),
                        before.is_some()
                    );
                    if db.backend() == "sqlite" {
                        assert!(
                            plan.contains("USING COVERING INDEX agency_cases_page"),
                            "the walk does not seek in agency_cases_page:\n{plan}"
                        );
                    }
                }
            }
            close(db).await;
        }
    }
}
