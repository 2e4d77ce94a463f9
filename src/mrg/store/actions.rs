//! What recommendations became in one step (a referral or handover of the case, a plan
//! task). The link is read only with a recommendation the viewer already sees; its target
//! is read through the target's own scope.

use uuid::Uuid;

use super::{exec, Binder};
use crate::db::list_query::ListQuery;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::mrg::model::ActionRow;

/// Records that a recommendation became `kind`; a second of the same kind is `CONFLICT`.
pub async fn insert_action(tx: &mut Tx, a: &ActionRow) -> AppResult<()> {
    const SQL: &str = "INSERT INTO mrg_recommendation_actions (recommendation_id, kind, target_id, acted_by_user_id, acted_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (recommendation_id, kind) DO NOTHING";
    let n = exec(tx, SQL, |b: Binder| {
        b.id(a.recommendation_id)
            .text(Some(a.kind.as_str()))
            .id(a.target_id)
            .id(a.acted_by_user_id)
            .time(a.acted_at)
    })
    .await?;
    if n == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "this recommendation has already become a {}",
            a.kind.describe()
        )))
    }
}

/// The actions of recommendations the caller already sees, in the order they were taken.
pub async fn actions_of(db: &Db, recommendations: &[Uuid]) -> AppResult<Vec<ActionRow>> {
    if recommendations.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = ListQuery::new();
    let list: Vec<String> = recommendations.iter().map(|i| q.param(*i)).collect();
    q.push(&format!(
        "SELECT recommendation_id, kind, target_id, acted_by_user_id, acted_at FROM mrg_recommendation_actions WHERE recommendation_id IN ({}) ORDER BY acted_at",
        list.join(", ")
    ));
    q.fetch_all(db).await
}
