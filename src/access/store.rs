//! SQL for participations: applying the changes a workflow event causes, and reading an
//! agency's scope on a case. The decisions themselves are in [`super::participation`].

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::participation::{changes_for, Change, WorkflowEvent};
use super::Scope;
use crate::db::Tx;
use crate::error::AppResult;
use crate::with_tx;

const GRANT: &str = "
    INSERT INTO participations (id, case_id, agency_id, kind, scope, granted_at, expires_at, revoked_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)";
const REVOKE: &str = "
    UPDATE participations SET revoked_at = $4
    WHERE case_id = $1 AND agency_id = $2 AND kind = $3 AND revoked_at IS NULL";
const LIST: &str = "
    INSERT INTO agency_cases (agency_id, case_id, opened_at)
    SELECT $1, c.id, c.opened_at FROM cases c WHERE c.id = $2
    ON CONFLICT (agency_id, case_id) DO NOTHING";
const UNLIST: &str = "
    DELETE FROM agency_cases WHERE agency_id = $1 AND case_id = $2
      AND NOT EXISTS (SELECT 1 FROM participations p
                      WHERE p.agency_id = $1 AND p.case_id = $2 AND p.revoked_at IS NULL)";

/// Applies the participation changes of `event` to a case; returns them for the audit.
pub async fn apply(
    tx: &mut Tx,
    case_id: Uuid,
    event: &WorkflowEvent,
    now: DateTime<Utc>,
) -> AppResult<Vec<Change>> {
    let changes = changes_for(event);
    for change in &changes {
        match change {
            Change::Grant {
                agency_id,
                kind,
                scope,
                expires_at,
            } => {
                with_tx!(tx, |conn| sqlx::query(GRANT)
                    .bind(Uuid::now_v7())
                    .bind(case_id)
                    .bind(*agency_id)
                    .bind(kind.as_str())
                    .bind(scope.as_str())
                    .bind(now)
                    .bind(*expires_at)
                    .execute(conn)
                    .await
                    .map(|r| r.rows_affected()))?;
                list(tx, LIST, *agency_id, case_id).await?;
            }
            Change::Revoke { agency_id, kind } => {
                with_tx!(tx, |conn| sqlx::query(REVOKE)
                    .bind(case_id)
                    .bind(*agency_id)
                    .bind(kind.as_str())
                    .bind(now)
                    .execute(conn)
                    .await
                    .map(|r| r.rows_affected()))?;
                list(tx, UNLIST, *agency_id, case_id).await?;
            }
        }
    }
    Ok(changes)
}

/// Keeps `agency_cases`, the ordered list a case page walks, in step with participations.
async fn list(tx: &mut Tx, sql: &str, agency_id: Uuid, case_id: Uuid) -> AppResult<()> {
    with_tx!(tx, |conn| sqlx::query(sql)
        .bind(agency_id)
        .bind(case_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The agencies other than the lead that see a case's personal data now.
pub async fn full_participants(
    tx: &mut Tx,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    let full = format!(
        "SELECT DISTINCT p.agency_id FROM participations p \
         WHERE p.case_id = $1 AND p.scope = 'FULL' AND p.kind <> 'LEAD' AND {}",
        super::sql::participation_active("p", 2)
    );
    Ok(with_tx!(tx, |conn| sqlx::query_scalar(&full)
        .bind(case_id)
        .bind(now)
        .fetch_all(conn)
        .await)?)
}

/// Reads the rank the visibility SQL computes (2 = FULL, 1 = SUMMARY).
pub fn scope_of_rank(rank: Option<i32>) -> Option<Scope> {
    match rank {
        Some(2) => Some(Scope::Full),
        Some(1) => Some(Scope::Summary),
        _ => None,
    }
}
