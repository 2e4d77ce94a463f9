//! `GET /cases/{id}/persons.json`: the people of a case as JSON, for a caller that reads
//! the case in `FULL`; anyone else gets 404. The first page-shaped read of the web
//! workspace, and the proof that the read audit does not depend on GraphQL: this handler
//! only reads through `cases::reads`, which notes the read on the caller, and returns;
//! the read-audit layer (`http::caller::audit_reads`) writes the `PERSONAL_DATA_READ`
//! event before the body leaves, or answers 500 without it.

use async_graphql::InputType as _;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::access::Caller;
use crate::app::AppState;
use crate::cases::model::PersonRow;
use crate::cases::reads;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;

/// Sends the case's people, or a plain-text error.
pub async fn persons(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    Path(id): Path<String>,
) -> Response {
    match persons_of(&state, &caller, &id).await {
        Ok(persons) => {
            let mut response = Json(json!({ "persons": persons })).into_response();
            // Personal data: no browser or proxy keeps a copy.
            let no_store = HeaderValue::from_static("no-store");
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, no_store);
            response
        }
        Err(error) => error.into_response(),
    }
}

async fn persons_of(state: &AppState, caller: &Caller, id: &str) -> AppResult<Vec<Value>> {
    caller.actor()?;
    // A malformed id names no case: the same answer as a case out of scope.
    let case_id = Uuid::parse_str(id).map_err(|_| AppError::NotFound("case"))?;
    let rows = reads::persons_of_case(&state.db, caller, case_id, caller.started_at()).await?;
    Ok(rows.into_iter().map(person).collect())
}

/// A person with the names the GraphQL `CasePerson` type uses.
fn person(p: PersonRow) -> Value {
    json!({
        "id": p.id.to_string(),
        "role": p.role.to_value().into_json().unwrap_or(Value::Null),
        "fullName": p.full_name,
        "birthDate": p.birth_date,
        "phone": p.phone,
        "registeredAddress": p.address_registered,
        "actualAddress": p.address_actual,
        "stance": p.stance,
        "notes": p.notes,
    })
}
