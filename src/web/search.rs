//! Finding a case, a signal or an information request by its journal number (`CASE-…`,
//! `SIG-…`, `REQ-…`), for anyone in its scope. A number is not personal data, so it travels in the address (`GET
//! /search?number=…`); one case found opens its page at once. Out of scope is the same
//! as nowhere: both read one scoped statement and find nothing.
//!
//! Finding a case by the mother's name: only among the cases the agency reads in FULL,
//! each case found an audited read. A name is personal data, so it is posted (`POST
//! /search/mother`, with the form's token), never put in an address or a log line.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::local_time;
use super::page::{self, Page};
use super::records;
use super::session;
use crate::access::Caller;
use crate::app::AppState;
use crate::cases::model::PersonRole;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::{cases, db, signals};

/// Longest journal number looked for; longer input finds nothing without a query.
const MAX_NUMBER: usize = 64;

/// A case found.
pub struct CaseHit {
    pub id: Uuid,
    pub number: String,
    pub status: &'static str,
    pub opened: String,
}

/// A signal found.
pub struct SignalHit {
    pub number: String,
    pub status: &'static str,
    pub received: String,
    /// The case opened from it, when the viewer reads that case.
    pub case_id: Option<Uuid>,
}

/// An information request found by its number.
pub struct RequestHit {
    pub id: Uuid,
    pub number: String,
    pub status: &'static str,
    pub requested: String,
}

/// A case found by the mother's name.
pub struct MotherHit {
    pub id: Uuid,
    pub number: String,
    pub mother: String,
    pub status: &'static str,
    pub opened: String,
}

/// The search by name as the page shows it: what was asked, and what it found or why it
/// was refused.
#[derive(Default)]
struct NameSearch {
    name: String,
    searched: bool,
    found: Vec<MotherHit>,
    error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "web/templates/search.html")]
struct SearchPage<'a> {
    page: &'a Page,
    number: &'a str,
    searched: bool,
    cases: &'a [CaseHit],
    signals: &'a [SignalHit],
    requests: &'a [RequestHit],
    by_name: &'a NameSearch,
}

/// `GET /search?number=`.
#[derive(Deserialize)]
pub struct SearchQuery {
    number: Option<String>,
}

/// `GET /search`: the form, and what the number finds.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Query(query): Query<SearchQuery>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, "/search").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let number = query.number.unwrap_or_default().trim().to_uppercase();
    if number.is_empty() {
        return render(&page, "", false, (&[], &[], &[]));
    }
    let requests = match find_requests(&state, &caller, &page, &number).await {
        Ok(requests) => requests,
        Err(error) => return page::error(&page, &caller, error, "/search"),
    };
    match find(&state, &caller, &page, &number).await {
        Ok((cases, signals)) => match (cases.as_slice(), signals.is_empty(), requests.as_slice()) {
            ([only], true, []) => Redirect::to(&format!("/cases/{}", only.id)).into_response(),
            ([], true, [only]) => Redirect::to(&format!("/requests/{}", only.id)).into_response(),
            _ => render(&page, &number, true, (&cases, &signals, &requests)),
        },
        Err(error) => page::error(&page, &caller, error, "/search"),
    }
}

fn render(
    page: &Page,
    number: &str,
    searched: bool,
    (cases, signals, requests): (&[CaseHit], &[SignalHit], &[RequestHit]),
) -> Response {
    page::html(
        StatusCode::OK,
        &SearchPage {
            page,
            number,
            searched,
            cases,
            signals,
            requests,
            by_name: &NameSearch::default(),
        },
    )
}

/// The information requests numbered `number` that the caller's agency sees.
async fn find_requests(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    number: &str,
) -> AppResult<Vec<RequestHit>> {
    if !number.starts_with("REQ-") || number.chars().count() > MAX_NUMBER {
        return Ok(Vec::new());
    }
    let found =
        crate::inforequests::store::find_by_number(&state.db, caller.viewer()?, number, db::now())
            .await?;
    Ok(found
        .into_iter()
        .map(|scoped| RequestHit {
            id: scoped.row.id,
            number: scoped.row.journal_no,
            status: super::inforequest::status_word(page.words, scoped.row.status),
            requested: local_time(scoped.row.requested_at, page.zone),
        })
        .collect())
}

/// The posted search by name.
#[derive(Deserialize)]
pub struct MotherForm {
    csrf: String,
    name: String,
}

/// `POST /search/mother`: the cases whose mother's name matches, among those the agency
/// reads in FULL.
pub async fn by_mother(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Form(form): Form<MotherForm>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, "/search").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let mut by_name = NameSearch {
        name: form
            .name
            .chars()
            .take(crate::cases::names::MAX_QUERY_CHARS)
            .collect(),
        searched: true,
        ..NameSearch::default()
    };
    let now = db::now();
    let status =
        match crate::cases::reads::find_by_mother_name(&state.db, &caller, "name", &form.name, now)
            .await
        {
            Ok(found) => {
                by_name.found = found
                    .into_iter()
                    .map(|(view, persons)| MotherHit {
                        id: view.case.id,
                        number: view.case.journal_no.clone(),
                        mother: persons
                            .into_iter()
                            .find(|p| p.role == PersonRole::Mother)
                            .map(|p| p.full_name)
                            .unwrap_or_default(),
                        status: records::case_status(page.lang, view.case.status),
                        opened: local_time(view.case.opened_at, page.zone),
                    })
                    .collect();
                StatusCode::OK
            }
            Err(AppError::BadUserInput { .. }) => {
                by_name.error = Some(page.words.name_search_refused);
                StatusCode::BAD_REQUEST
            }
            Err(error) => return page::error(&page, &caller, error, "/search"),
        };
    page::html(
        status,
        &SearchPage {
            page: &page,
            number: "",
            searched: false,
            cases: &[],
            signals: &[],
            requests: &[],
            by_name: &by_name,
        },
    )
}

async fn find(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    number: &str,
) -> AppResult<(Vec<CaseHit>, Vec<SignalHit>)> {
    if number.chars().count() > MAX_NUMBER || number.chars().any(char::is_control) {
        return Ok((Vec::new(), Vec::new()));
    }
    let (db, now, viewer) = (&state.db, db::now(), caller.viewer()?);
    let cases = cases::store::find_by_number(db, viewer, number, now)
        .await?
        .into_iter()
        .map(|(c, _)| CaseHit {
            id: c.id,
            number: c.journal_no,
            status: records::case_status(page.lang, c.status),
            opened: local_time(c.opened_at, page.zone),
        })
        .collect();
    let found = signals::store::find_by_number(db, viewer, number, now).await?;
    let case_ids: Vec<Uuid> = found.iter().filter_map(|(s, _)| s.case_id).collect();
    let readable = cases::store::get_visible_many(db, viewer, &case_ids, now).await?;
    let signals = found
        .into_iter()
        .map(|(s, _)| SignalHit {
            number: s
                .service_journal_no
                .clone()
                .filter(|n| n == number)
                .or(s.sender_journal_no.clone())
                .unwrap_or_default(),
            status: records::signal_status(page.lang, s.status),
            received: local_time(
                s.received_at.or(s.passed_at).unwrap_or(s.created_at),
                page.zone,
            ),
            case_id: s
                .case_id
                .filter(|id| readable.iter().any(|(c, _)| c.id == *id)),
        })
        .collect();
    Ok((cases, signals))
}
