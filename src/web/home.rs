//! Home: what needs the signed-in user today. For now the requests waiting for the
//! agency's decision (transfers and referrals), each with its age and deadline, overdue
//! first; the next issues add notices, information requests, MRG decisions and plan
//! tasks here.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};

use super::i18n::local_time;
use super::page::{self, Page};
use crate::access::Caller;
use crate::app::AppState;
use crate::error::AppResult;
use crate::graphql::Schemas;
use crate::handovers::model::HandoverStatus;
use crate::handovers::store::Side;
use crate::{agencies, cases, db, handovers};

/// Most requests the home page lists; the rest are in the inbox's pages.
const INBOX_ROWS: i64 = 100;

/// One waiting request, as the home page lists it.
pub struct InboxItem {
    pub id: String,
    pub case_number: String,
    pub kind: &'static str,
    pub from: String,
    pub requested: String,
    pub waiting_days: i64,
    pub deadline: String,
    pub overdue: bool,
    deadline_at: DateTime<Utc>,
}

#[derive(Template)]
#[template(path = "web/templates/home.html")]
struct Home<'a> {
    page: &'a Page,
    inbox: &'a [InboxItem],
}

/// `GET /`.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, "/").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    match inbox(&state, &caller, &page).await {
        Ok(inbox) => page::html(
            StatusCode::OK,
            &Home {
                page: &page,
                inbox: &inbox,
            },
        ),
        Err(error) => page::error(&page, &caller, error, "/"),
    }
}

/// The requests waiting for the caller's agency, overdue first, then by deadline. Read
/// through the scoped store, like `handoverInbox`: only the agency's own requests, and
/// only their case's summary (number), never personal data.
async fn inbox(state: &AppState, caller: &Caller, page: &Page) -> AppResult<Vec<InboxItem>> {
    let now = db::now();
    let viewer = caller.viewer()?;
    let pending = [HandoverStatus::Pending];
    let rows = handovers::reads::page(
        &state.db,
        caller,
        Side::Received,
        &pending,
        None,
        now,
        INBOX_ROWS,
    )
    .await?;
    let case_ids: Vec<_> = rows.iter().map(|h| h.handover.case_id).collect();
    let cases = cases::store::get_visible_many(&state.db, viewer, &case_ids, now).await?;
    let senders: Vec<_> = rows.iter().map(|h| h.handover.from_agency_id).collect();
    let senders = agencies::store::get_many(&state.db, &senders).await?;
    let words = page.words;
    let mut items: Vec<InboxItem> = rows
        .into_iter()
        .map(|scoped| {
            let h = scoped.handover;
            let case_number = cases
                .iter()
                .find(|(c, _)| c.id == h.case_id)
                .map(|(c, _)| c.journal_no.clone())
                .unwrap_or_default();
            let from = senders
                .iter()
                .find(|a| a.id == h.from_agency_id)
                .map(|a| a.name.clone())
                .unwrap_or_default();
            InboxItem {
                id: h.id.to_string(),
                case_number,
                kind: super::records::handover_kind(words, h.kind),
                from,
                requested: local_time(h.requested_at, page.zone),
                waiting_days: (now - h.requested_at).num_days(),
                deadline: local_time(h.deadline_at, page.zone),
                overdue: h.deadline_at < now,
                deadline_at: h.deadline_at,
            }
        })
        .collect();
    items.sort_by_key(|item| (!item.overdue, item.deadline_at));
    Ok(items)
}
