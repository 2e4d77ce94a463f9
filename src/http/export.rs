//! `GET /export/signals.csv`: the signal journal as a file. The same bearer token as
//! GraphQL; errors are short plain text (a spreadsheet user sees them in the browser),
//! never data.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::graphql::bearer;
use super::router::REQUEST_ID;
use crate::app::AppState;
use crate::audit::Origin;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::signals::{export, store::JournalFilter};
use crate::{auth, db};

/// The optional journal range, as RFC 3339 times.
#[derive(Deserialize)]
pub struct ExportParams {
    from: Option<String>,
    to: Option<String>,
}

/// Sends the caller's agency journal as CSV, or a plain-text error.
pub async fn signals_csv(
    State((state, _)): State<(AppState, Schemas)>,
    headers: HeaderMap,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> Response {
    match export_for(&state, &headers, params).await {
        Ok(csv) => {
            let agency = slug(&csv.agency_name, csv.agency_id);
            let disposition = format!(
                "attachment; filename=\"signals-{agency}-{}.csv\"",
                csv.local_date
            );
            let headers = [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
                // Personal data: no browser or proxy keeps a copy.
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ];
            (headers, csv.body).into_response()
        }
        Err(error) => plain_error(error),
    }
}

async fn export_for(
    state: &AppState,
    headers: &HeaderMap,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> AppResult<export::SignalsCsv> {
    // Who asks comes first: without a valid token nothing, not even a parameter
    // complaint, is answered.
    let token = bearer(headers).ok_or(AppError::Unauthenticated)?;
    let actor = auth::resolve(&state.db, &state.tokens, token, db::now())
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let Query(params) = params.map_err(|_| AppError::bad_input("query", "malformed"))?;
    let filter = JournalFilter {
        from: time_param("from", params.from.as_deref())?,
        to: time_param("to", params.to.as_deref())?,
        ..JournalFilter::default()
    };
    let request_id = headers.get(&REQUEST_ID).and_then(|v| v.to_str().ok());
    let origin = Origin::of(&actor, request_id.unwrap_or("-"));
    export::signals_csv(&state.db, &actor, &origin, &filter, db::now()).await
}

/// Parses an RFC 3339 query parameter. An unescaped `+` in a query string arrives as a
/// space, so `…T10:00:00 03:00` is read as `…T10:00:00+03:00` when nothing else fits.
fn time_param(name: &str, value: Option<&str>) -> AppResult<Option<DateTime<Utc>>> {
    let Some(value) = value else { return Ok(None) };
    DateTime::parse_from_rfc3339(value)
        .or_else(|e| match value.rsplit_once(' ') {
            Some((time, offset)) => DateTime::parse_from_rfc3339(&format!("{time}+{offset}")),
            None => Err(e),
        })
        .map(|t| Some(db::truncate(t.to_utc())))
        .map_err(|_| {
            AppError::bad_input(
                name,
                "must be an RFC 3339 time, e.g. 2026-11-21T10:00:00+03:00",
            )
        })
}

pub(super) fn plain_error(error: AppError) -> Response {
    let status = match &error {
        AppError::Unauthenticated | AppError::LoginRefused(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::BadUserInput { .. } => StatusCode::BAD_REQUEST,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(e) => {
            // The chain goes to the log (with the request id from the span), never out.
            tracing::error!(error = format!("{e:#}"), "internal error");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let mut response = (status, error.public_message()).into_response();
    if status == StatusCode::UNAUTHORIZED {
        // RFC 9110 §11.6.1: a 401 names the scheme to use.
        let bearer = HeaderValue::from_static("Bearer");
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, bearer);
    }
    response
}

/// The agency's name in Latin letters for the file name: a quoted `filename` must be
/// ASCII, and the names here are Cyrillic. Falls back to the id's first block.
fn slug(name: &str, id: Uuid) -> String {
    const CYRILLIC: &str = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя";
    const LATIN: [&str; 33] = [
        "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
        "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
    ];
    let mut out = String::new();
    for c in name.to_lowercase().chars() {
        match CYRILLIC.chars().position(|r| r == c) {
            Some(i) => out.push_str(LATIN[i]),
            None if c.is_ascii_alphanumeric() => out.push(c),
            None if !out.is_empty() && !out.ends_with('-') => out.push('-'),
            None => {}
        }
    }
    // ASCII by now, so cutting at any byte is safe.
    let out = out[..out.len().min(60)].trim_end_matches('-');
    if out.is_empty() {
        id.simple().to_string()[..8].to_owned()
    } else {
        out.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cyrillic_agency_name_becomes_a_latin_file_name_part() {
        assert_eq!(
            slug("Служба профилактики №1", Uuid::nil()),
            "sluzhba-profilaktiki-1"
        );
        assert_eq!(slug("«Тёплый дом»", Uuid::nil()), "teplyy-dom");
        assert_eq!(slug("№ ☺", Uuid::from_u128(0xabcdef12 << 96)), "abcdef12");
    }
}
