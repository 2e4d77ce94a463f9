//! `/healthz`: the process is up. `/readyz`: it can reach its database (and says whether
//! mail is configured; without it the hub is still ready, and messages wait).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::graphql::Schemas;

/// Always 200 while the process serves.
pub async fn healthz() -> &'static str {
    "ok"
}

/// 200 when the database answers, 503 otherwise. `mail` is `configured` or `not configured`.
pub async fn readyz(State((state, _)): State<(AppState, Schemas)>) -> (StatusCode, Json<Value>) {
    // Probes time out in seconds; the pool would wait for a connection far longer.
    let ping = tokio::time::timeout(std::time::Duration::from_secs(2), state.db.ping()).await;
    match ping.unwrap_or(Err(crate::error::AppError::Conflict("timed out".into()))) {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({
                "status": "ready",
                "database": state.db.backend(),
                "mail": if state.config.mail.configured() { "configured" } else { "not configured" },
            })),
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
