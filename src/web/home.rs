//! Home: what needs the signed-in user today. The requests waiting for the agency's
//! decision (transfers and referrals) and the information requests waiting for its
//! answer, each with its age and deadline in the agency's zone, overdue first; the next
//! issues add notices, MRG decisions and plan tasks here.

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
use crate::inforequests::model::InformationRequestStatus;
use crate::inforequests::store::Side as InformationSide;
use crate::{agencies, cases, db, handovers, inforequests};

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

/// One information request waiting for the agency's answer, as the home page lists it.
pub struct InformationItem {
    pub id: String,
    pub number: String,
    pub from: String,
    pub requested: String,
    pub waiting_days: i64,
    pub due: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "web/templates/home.html")]
struct Home<'a> {
    page: &'a Page,
    inbox: &'a [InboxItem],
    information: &'a [InformationItem],
    w: &'static super::mrg_words::MrgWords,
    recs: &'a [super::mrg::RecRow],
    /// A centre's children in reunification: how many, and how many owe a report.
    reunion: Option<(usize, usize)>,
    rw: &'static super::reunification_words::ReunionWords,
    plan_tasks: &'a [super::plan::DueLine],
    casework: Option<super::casework::HomeBlock>,
    /// The service's signals still in work.
    signals: &'a [super::signal_steps::WorkLine],
    /// The caller sends hospital signals: the form is linked.
    report_signal: bool,
    /// The caller registers signals from other sources: that form is linked.
    record_signal: bool,
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
    let lists = async {
        Ok::<_, crate::error::AppError>((
            inbox(&state, &caller, &page).await?,
            information(&state, &caller, &page).await?,
            super::mrg_recommendation::agency_recommendations(&state, &caller, &page).await?,
            reunion(&state, &caller).await?,
            super::plan::due_lines(&state, &caller, &page).await?,
            super::casework::home_block(&state, &caller, &page).await?,
            super::signal_steps::in_work(&state, &caller, &page).await?,
            super::signal_record::records_signals(&state, &caller).await?,
        ))
    };
    match lists.await {
        Ok((inbox, information, recs, reunion, plan_tasks, casework, signals, record_signal)) => {
            page::html(
                StatusCode::OK,
                &Home {
                    page: &page,
                    inbox: &inbox,
                    information: &information,
                    w: super::mrg_words::MrgWords::of(page.lang),
                    recs: &recs,
                    reunion,
                    rw: super::reunification_words::words(page.lang),
                    plan_tasks: &plan_tasks,
                    casework,
                    signals: &signals,
                    report_signal: super::signal_steps::reports_signals(&caller),
                    record_signal,
                },
            )
        }
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

/// The information requests waiting for the caller's agency's answer, the soonest due
/// first (so the overdue lead), read through the scoped store like
/// `informationRequestsReceived`: numbers, agencies and dates only, never the person.
async fn information(
    state: &AppState,
    caller: &Caller,
    page: &Page,
) -> AppResult<Vec<InformationItem>> {
    let now = db::now();
    let open = [InformationRequestStatus::Open];
    let rows = inforequests::reads::page(
        &state.db,
        caller,
        InformationSide::Received,
        &open,
        None,
        now,
        INBOX_ROWS,
    )
    .await?;
    let senders: Vec<_> = rows.iter().map(|r| r.request.from_agency_id).collect();
    let senders = agencies::store::get_many(&state.db, &senders).await?;
    let mut items: Vec<(bool, DateTime<Utc>, InformationItem)> = rows
        .iter()
        .map(|read| {
            let r = &read.request;
            let overdue = read.overdue(now);
            let item = InformationItem {
                id: r.id.to_string(),
                number: r.journal_no.clone(),
                from: senders
                    .iter()
                    .find(|a| a.id == r.from_agency_id)
                    .map(|a| a.name.clone())
                    .unwrap_or_default(),
                requested: local_time(r.requested_at, page.zone),
                waiting_days: (now - r.requested_at).num_days(),
                due: super::records::date(Some(r.due_date)),
                overdue,
            };
            (overdue, r.due_at, item)
        })
        .collect();
    items.sort_by_key(|(overdue, due_at, _)| (!*overdue, *due_at));
    Ok(items.into_iter().map(|(_, _, item)| item).collect())
}

/// For a rehabilitation centre's staff: the children in reunification it keeps, and how
/// many owe a progress report (read like `reunificationsInCare`: no personal data).
async fn reunion(state: &AppState, caller: &Caller) -> AppResult<Option<(usize, usize)>> {
    if !super::reunification::may_start(state, caller).await {
        return Ok(None);
    }
    let now = db::now();
    let rows =
        crate::reunification::reads::in_care(&state.db, caller, false, None, now, INBOX_ROWS)
            .await?;
    let overdue = rows.iter().filter(|r| r.report_overdue(now)).count();
    Ok(Some((rows.len(), overdue)))
}
