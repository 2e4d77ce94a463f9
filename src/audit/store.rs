//! Reading the audit log, newest first, in keyset pages.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::compact::{self, StoredContent};
use crate::access::policy::AuditView;
use crate::db::list_query::ListQuery;
use crate::db::{Db, JsonText};
use crate::error::AppResult;

/// An audit event as administrators read it.
#[derive(Clone, Debug)]
pub struct AuditRow {
    /// Insertion order; the cursor.
    pub seq: i64,
    /// The event's id.
    pub id: Uuid,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Who did it.
    pub actor_user_id: Option<Uuid>,
    /// Their agency.
    pub actor_agency_id: Option<Uuid>,
    /// What happened.
    pub action: String,
    /// The kind of record acted on.
    pub target_kind: String,
    /// The record acted on.
    pub target_id: Option<Uuid>,
    /// The case concerned.
    pub case_id: Option<Uuid>,
    /// The request it came from.
    pub request_id: String,
    /// Extra facts: ids, field names, reasons. (The sealer and the verifier read the
    /// stored text instead, byte for byte, as the MACs cover it.)
    pub details: JsonText<serde_json::Value>,
    /// Whether the sealer has chained it yet.
    pub sealed: bool,
}

/// Filters on the audit log.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Only this action (stored name).
    pub action: Option<String>,
    /// Only events by this user.
    pub actor_user_id: Option<Uuid>,
    /// Only events on this record.
    pub target_id: Option<Uuid>,
    /// Only events about this case.
    pub case_id: Option<Uuid>,
    /// From this time on (inclusive).
    pub from: Option<DateTime<Utc>>,
    /// Before this time (exclusive).
    pub to: Option<DateTime<Utc>>,
}

/// A row as stored: details as text or as a read set ([`compact`]).
#[derive(sqlx::FromRow)]
struct StoredRow {
    seq: i64,
    #[sqlx(flatten)]
    content: StoredContent,
    sealed: bool,
}

const LIST_PAGE: &str = "
    SELECT seq, id, occurred_at, actor_user_id, actor_agency_id, action, target_kind,
           target_id, case_id, request_id, request_uuid, details, reads,
           (hash IS NOT NULL) AS sealed
    FROM audit_events
    WHERE TRUE";

/// One page of events the view may read, newest first, before the `before_seq` keyset.
pub async fn list_page(
    db: &Db,
    view: AuditView,
    filter: &AuditFilter,
    before_seq: Option<i64>,
    limit: i64,
) -> AppResult<Vec<AuditRow>> {
    let agency = match view {
        AuditView::All => None,
        AuditView::Agency(id) => Some(id),
    };
    // Each given filter is one more condition; the agency and the case have an index
    // each on `(…, seq)`, the others filter while the walk goes down `seq`.
    let mut q = ListQuery::new();
    q.push(LIST_PAGE)
        .and_eq("actor_agency_id", agency)
        .and_eq("action", filter.action.as_deref())
        .and_eq("actor_user_id", filter.actor_user_id)
        .and_eq("target_id", filter.target_id)
        .and_eq("case_id", filter.case_id)
        .and_if(filter.from, |p| format!("occurred_at >= {p}"))
        .and_if(filter.to, |p| format!("occurred_at < {p}"))
        .and_if(before_seq, |p| format!("seq < {p}"))
        .push(" ORDER BY seq DESC")
        .limit(limit);
    let rows: Vec<StoredRow> = q.fetch_all(db).await?;
    let subjects =
        compact::subjects_of(db, rows.iter().filter_map(|r| r.content.reads.as_deref())).await?;
    rows.into_iter()
        .map(|row| {
            let id = row.content.id;
            let content = row
                .content
                .resolve(&subjects)
                .map_err(|reason| compact::unreadable(id, &reason))?;
            let details = serde_json::from_str(&content.details)
                .map_err(|e| compact::unreadable(id, &format!("its details are not JSON: {e}")))?;
            Ok(AuditRow {
                seq: row.seq,
                id,
                occurred_at: content.occurred_at,
                actor_user_id: content.actor_user_id,
                actor_agency_id: content.actor_agency_id,
                action: content.action,
                target_kind: content.target_kind,
                target_id: content.target_id,
                case_id: content.case_id,
                request_id: content.request_id,
                details: JsonText(details),
                sealed: row.sealed,
            })
        })
        .collect()
}
