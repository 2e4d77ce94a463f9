//! The journals as files: `GET /export/signals.csv` (the signal journal),
//! `/export/cases.csv` (the case journal), `/export/handovers.csv` (the inbox and outbox
//! of transfers and referrals). The same bearer token as GraphQL, or the workspace's
//! session cookie; errors are short plain text (a spreadsheet user sees them in the
//! browser), never data.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::access::Caller;
use crate::app::AppState;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::signals::{export, store::JournalFilter};
use crate::spreadsheet::AgencyFile;

/// The optional journal range, as RFC 3339 times.
#[derive(Deserialize)]
pub struct ExportParams {
    from: Option<String>,
    to: Option<String>,
}

/// Sends the caller's agency journal as CSV, or a plain-text error.
pub async fn signals_csv(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> Response {
    file_response("signals", export_for(&state, &caller, params).await)
}

/// Sends the caller's agency case journal as CSV, or a plain-text error.
pub async fn cases_csv(State((state, _)): State<(AppState, Schemas)>, caller: Caller) -> Response {
    let file = crate::cases::export::cases_csv(&state.db, &caller, caller.started_at()).await;
    file_response("cases", file)
}

/// Sends the caller's agency handover journal (inbox and outbox) as CSV, or a
/// plain-text error.
pub async fn handovers_csv(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
) -> Response {
    let file =
        crate::handovers::export::handovers_csv(&state.db, &caller, caller.started_at()).await;
    file_response("handovers", file)
}

/// A journal file as a download named `{journal}-{agency}-{local date}.csv`, never kept
/// by a browser or proxy; or the error as plain text.
fn file_response(journal: &str, file: AppResult<AgencyFile>) -> Response {
    match file {
        Ok(file) => {
            let agency = slug(&file.agency_name, file.agency_id);
            let disposition = format!(
                "attachment; filename=\"{journal}-{agency}-{}.csv\"",
                file.local_date
            );
            let headers = [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
                // Personal data (or an agency's workload): no browser or proxy keeps a copy.
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ];
            (headers, file.body).into_response()
        }
        Err(error) => error.into_response(),
    }
}

async fn export_for(
    state: &AppState,
    caller: &Caller,
    params: Result<Query<ExportParams>, QueryRejection>,
) -> AppResult<export::SignalsCsv> {
    // Who asks comes first: without a valid token nothing, not even a parameter
    // complaint, is answered.
    caller.actor()?;
    let Query(params) = params.map_err(|_| AppError::bad_input("query", "malformed"))?;
    let filter = JournalFilter {
        from: time_param("from", params.from.as_deref())?,
        to: time_param("to", params.to.as_deref())?,
        ..JournalFilter::default()
    };
    export::signals_csv(&state.db, caller, &filter, caller.started_at()).await
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
