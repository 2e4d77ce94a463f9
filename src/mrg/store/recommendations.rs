//! SQL for recommendations and their notes: drafts rewritten with their item, the
//! `decisions(...)` page, the review of execution, extracts and the reminders' scan.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{exec, Seer};
use crate::access::mrg::{extract_visible, recommendation_visible};
use crate::db::list_query::{Direction, ListQuery};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::mrg::model::*;
use crate::{with_db, with_tx};

/// Replaces a draft item's recommendations.
pub async fn replace_recommendations(
    tx: &mut Tx,
    item: Uuid,
    rows: &[RecommendationRow],
) -> AppResult<()> {
    exec(
        tx,
        "DELETE FROM mrg_recommendations WHERE item_id = $1 AND approved = FALSE",
        |b| b.id(item),
    )
    .await?;
    const SQL: &str = "INSERT INTO mrg_recommendations (id, item_id, meeting_id, group_id, case_id, position, text, addressee, agency_id, responsible_person, due_date, due_at, status, approved, created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, FALSE, $14, $14, 1)";
    for r in rows {
        exec(tx, SQL, |b| {
            b.id(r.id)
                .id(item)
                .id(r.meeting_id)
                .id(r.group_id)
                .id(r.case_id)
                .int(r.position)
                .text(Some(&r.text))
                .text(Some(r.addressee.as_str()))
                .id(r.agency_id)
                .text(r.responsible_person.as_deref())
                .date(r.due_date)
                .time(r.due_at)
                .text(Some(r.status.as_str()))
                .time(r.created_at)
        })
        .await?;
    }
    Ok(())
}

/// The recommendations of items, in order (drafts too). Only for items the caller reads.
pub async fn recommendations_of_items(
    db: &Db,
    items: &[Uuid],
) -> AppResult<Vec<RecommendationRow>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = ListQuery::new();
    let list: Vec<String> = items.iter().map(|i| q.param(*i)).collect();
    q.push(&format!(
        "SELECT {RECOMMENDATION_COLUMNS} FROM mrg_recommendations r WHERE r.item_id IN ({}) ORDER BY r.position, r.id",
        list.join(", ")
    ));
    q.fetch_all(db).await
}

/// The filters of `decisions(...)`.
#[derive(Clone, Debug, Default)]
pub struct DecisionFilter {
    pub group: Option<Uuid>,
    pub case: Option<Uuid>,
    pub agency: Option<Uuid>,
    pub status: Option<RecommendationStatus>,
    /// Only open ones past their due time.
    pub overdue: bool,
    /// Only open ones (assigned or in progress), due or not.
    pub open: bool,
}

/// Recommendation `r` is open: assigned or in progress, the statuses
/// [`crate::mrg::rules::is_final`] does not name.
const OPEN: &str = "r.status IN ('ASSIGNED', 'IN_PROGRESS')";

/// One page of the approved recommendations the viewer sees, the soonest due first.
pub async fn decisions(
    db: &Db,
    s: Seer,
    filter: &DecisionFilter,
    after: Option<&(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> AppResult<Vec<RecommendationRow>> {
    let mut q = ListQuery::with_params(s.params());
    q.push(&format!(
        "SELECT {RECOMMENDATION_COLUMNS} FROM mrg_recommendations r WHERE {}",
        recommendation_visible()
    ));
    q.and_eq("r.group_id", filter.group)
        .and_eq("r.case_id", filter.case)
        .and_eq("r.agency_id", filter.agency)
        .and_eq("r.status", filter.status.map(RecommendationStatus::as_str));
    if filter.open || filter.overdue {
        q.push(" AND ").push(OPEN);
    }
    if filter.overdue {
        q.push(" AND r.due_at <= $2");
    }
    q.keyset(Direction::Ascending, ("r.due_at", "r.id"), after.copied())
        .push(" ORDER BY r.due_at, r.id")
        .limit(limit);
    q.fetch_all(db).await
}

/// An approved recommendation the viewer sees, or `NOT_FOUND`.
pub async fn get_recommendation(db: &Db, s: Seer, id: Uuid) -> AppResult<RecommendationRow> {
    let sql = format!(
        "SELECT {RECOMMENDATION_COLUMNS} FROM mrg_recommendations r WHERE r.id = $5 AND {}",
        recommendation_visible()
    );
    with_db!(db, |pool| seen!(sqlx::query_as(&sql), s)
        .bind(id)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("recommendation"))
}

/// The same inside a transaction, locked for update on PostgreSQL.
pub async fn get_recommendation_for_update(
    tx: &mut Tx,
    s: Seer,
    id: Uuid,
) -> AppResult<RecommendationRow> {
    let lock = crate::db::dialect::for_update(tx);
    let sql = format!(
        "SELECT {RECOMMENDATION_COLUMNS} FROM mrg_recommendations r WHERE r.id = $5 AND {}{lock}",
        recommendation_visible()
    );
    with_tx!(tx, |conn| seen!(sqlx::query_as(&sql), s)
        .bind(id)
        .fetch_optional(conn)
        .await)?
    .ok_or(AppError::NotFound("recommendation"))
}

/// Sets a recommendation's status if its version is still `expected`.
pub async fn set_status(tx: &mut Tx, r: &RecommendationRow, expected: i32) -> AppResult<()> {
    const SQL: &str = "UPDATE mrg_recommendations SET status = $3, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2";
    let n = exec(tx, SQL, |b| {
        b.id(r.id)
            .int(expected)
            .text(Some(r.status.as_str()))
            .time(r.updated_at)
    })
    .await?;
    if n == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the recommendation changed a moment ago".into(),
        ))
    }
}

/// Adds a dated note.
pub async fn insert_note(tx: &mut Tx, n: &NoteRow) -> AppResult<()> {
    const SQL: &str = "INSERT INTO mrg_recommendation_notes (id, recommendation_id, agency_id, user_id, status, note, noted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    exec(tx, SQL, |b| {
        b.id(n.id)
            .id(n.recommendation_id)
            .id(n.agency_id)
            .id(n.user_id)
            .text(Some(n.status.as_str()))
            .text(Some(&n.note))
            .time(n.noted_at)
    })
    .await?;
    Ok(())
}

/// The notes of recommendations, oldest first. Only for recommendations the caller sees.
pub async fn notes_of(db: &Db, recommendations: &[Uuid]) -> AppResult<Vec<NoteRow>> {
    if recommendations.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = ListQuery::new();
    let list: Vec<String> = recommendations.iter().map(|i| q.param(*i)).collect();
    q.push(&format!(
        "SELECT id, recommendation_id, agency_id, user_id, status, note, noted_at FROM mrg_recommendation_notes WHERE recommendation_id IN ({}) ORDER BY noted_at, id",
        list.join(", ")
    ));
    q.fetch_all(db).await
}

/// The group's approved recommendations a meeting at `at` reviews (see
/// [`super::rules::in_review`]): due by then, and due since `previous` or still open;
/// those the viewer sees.
pub async fn review(
    db: &Db,
    s: Seer,
    group: Uuid,
    previous: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> AppResult<Vec<RecommendationRow>> {
    let sql = format!(
        "SELECT {RECOMMENDATION_COLUMNS} FROM mrg_recommendations r \
         WHERE r.group_id = $5 AND {} AND r.due_at <= $6 \
           AND ($7 IS NULL OR r.due_at > $7 OR {OPEN}) \
         ORDER BY r.due_at, r.id LIMIT 200",
        recommendation_visible()
    );
    Ok(with_db!(db, |pool| seen!(sqlx::query_as(&sql), s)
        .bind(group)
        .bind(at)
        .bind(previous)
        .fetch_all(pool)
        .await)?)
}

/// Approved open recommendations due in `(from, to]` with no `occasion` reminder for
/// that due time yet, the earliest first, each with its meeting's journal number.
pub async fn open_due(
    db: &Db,
    occasion: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<(RecommendationRow, String)>> {
    #[derive(sqlx::FromRow)]
    struct Due {
        #[sqlx(flatten)]
        row: RecommendationRow,
        journal_no: String,
    }
    let sql = format!(
        "SELECT {RECOMMENDATION_COLUMNS}, m.journal_no FROM mrg_recommendations r
         JOIN mrg_meetings m ON m.id = r.meeting_id
         WHERE r.approved AND {OPEN}
           AND r.due_at > $1 AND r.due_at <= $2
           AND NOT EXISTS (
               SELECT 1 FROM notification_reminders n
               WHERE n.subject_kind = $3 AND n.subject_id = r.id AND n.occasion = $4
                 AND n.due_at = r.due_at)
         ORDER BY r.due_at, r.id LIMIT $5"
    );
    let rows: Vec<Due> = with_db!(db, |pool| sqlx::query_as(&sql)
        .bind(from)
        .bind(to)
        .bind(crate::mrg::notices::MRG_RECOMMENDATION.as_str())
        .bind(occasion)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
    Ok(rows.into_iter().map(|d| (d.row, d.journal_no)).collect())
}

/// The recommendations of extract items the viewer reads: all of an item whose case its
/// agency leads, else only those its agency answers for.
pub async fn extract_recommendations(
    db: &Db,
    s: Seer,
    items: &[Uuid],
) -> AppResult<Vec<RecommendationRow>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = ListQuery::with_params(s.params());
    let list: Vec<String> = items.iter().map(|i| q.param(*i)).collect();
    q.push(&format!(
        "SELECT {RECOMMENDATION_COLUMNS} FROM mrg_recommendations r \
         JOIN mrg_agenda_items i ON i.id = r.item_id JOIN mrg_meetings m ON m.id = i.meeting_id \
         WHERE r.item_id IN ({}) AND {} AND (i.lead_agency_id = $1 OR r.agency_id = $1) \
         ORDER BY r.position, r.id",
        list.join(", "),
        extract_visible()
    ));
    q.fetch_all(db).await
}
