//! `/healthz`: the process is up. `/readyz`: it can reach its database.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::graphql::CaseLinkSchema;

/// Always 200 while the process serves.
pub async fn healthz() -> &'static str {
    "ok"
}

/// 200 when the database answers, 503 otherwise.
pub async fn readyz(
    State((state, _)): State<(AppState, CaseLinkSchema)>,
) -> (StatusCode, Json<Value>) {
    // Probes time out in seconds; the pool would wait for a connection far longer.
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), state.db.ping()).await;
    match ping.unwrap_or(Err(crate::error::AppError::Conflict("timed out".into()))) {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ready", "database": state.db.backend() })),
        ),
        Err(error) => {
            tracing::warn!(?error, "database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "unreachable" })),
            )
        }
    }
}
