//! The web workspace: pages rendered on the server for the hub's practitioners, served by
//! the same binary at `/` (GraphQL stays at `/graphql`). Pages act through the same
//! [`Caller`] as GraphQL, so every scope rule and every read audit holds as it does
//! through the API; forms work without JavaScript; every asset comes from the binary.
//!
//! - [`session`]: the session cookie and the forms' CSRF tokens;
//! - [`security`]: the headers every page carries;
//! - [`i18n`]: the words, in Russian and English;
//! - [`sign_in`], [`home`]: the pages; [`page`]: what every page shows around its content;
//! - [`journal`], [`sheet`]: pages to print (the signal journal for a period, a case's
//!   signal sheet).

pub mod case;
pub mod case_file;
pub mod case_steps;
pub mod casework;
pub mod handover;
pub mod handover_request;
pub mod home;
pub mod i18n;
pub mod inforequest;
pub mod journal;
pub mod mrg;
pub mod mrg_minutes;
pub mod mrg_minutes_rows;
pub mod mrg_minutes_words;
pub mod mrg_recommendation;
pub mod mrg_submission;
pub mod mrg_words;
pub mod page;
pub mod plan;
pub mod plan_form;
pub mod plan_print;
pub mod plan_words;
pub mod records;
pub mod report;
pub mod report_assessment;
pub mod report_hospital;
pub mod report_mama;
pub mod report_words;
pub mod reunification;
pub mod reunification_words;
pub mod search;
pub mod security;
pub mod session;
pub mod sheet;
pub mod sign_in;
pub mod signal;
pub mod signal_record;
pub mod signal_report;
pub mod signal_steps;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;
use crate::graphql::Schemas;

/// The stylesheet and the icon, compiled into the binary.
const STYLESHEET: &str = include_str!("../../assets/web/caselink.css");
const FAVICON: &str = include_str!("../../assets/web/favicon.svg");

/// The workspace's routes, with the page headers on each.
pub fn routes() -> Router<(AppState, Schemas)> {
    Router::new()
        .route("/", get(home::show))
        .route("/login", get(sign_in::form).post(sign_in::submit))
        .route("/logout", post(sign_in::sign_out))
        .route("/language", post(sign_in::set_language))
        .route("/cases/{id}", get(case::show))
        .route("/cases/{id}/signal-sheet", get(sheet::show))
        .route("/cases/{id}/documents", post(case_file::add))
        .route("/case-documents/{id}/remove", post(case_file::remove))
        .route("/cases/{id}/steps/{step}", post(case_steps::take))
        .route("/cases/{id}/handovers/new", get(handover_request::form))
        .route("/cases/{id}/handovers", post(handover_request::submit))
        .route("/journals/signals", get(journal::show))
        .route("/search", get(search::show))
        .route("/search/mother", post(search::by_mother))
        .route(
            "/signals/new",
            get(signal_report::form).post(signal_report::submit),
        )
        .route(
            "/signals/record",
            get(signal_record::form).post(signal_record::submit),
        )
        .route("/signals/{id}", get(signal::show))
        .route("/signals/{id}/{step}", post(signal_steps::take))
        .route("/handovers/{id}", get(handover::show))
        .route("/handovers/{id}/accept", post(handover::accept))
        .route("/handovers/{id}/acknowledge", post(handover::acknowledge))
        .route("/handovers/{id}/inventory", get(handover::inventory))
        .route("/handovers/{id}/decline", post(handover::decline))
        .route("/plans/{id}", get(plan::show))
        .route("/plans/{id}/print", get(plan_print::print))
        .route("/plans/{id}/diff", get(plan_print::diff))
        .route("/plans/{id}/received", post(plan::received))
        .route("/plan-tasks/{id}", get(plan::task))
        .route("/plan-tasks/{id}/status", post(plan::update_status))
        .route(
            "/cases/{id}/plans",
            get(plan::of_case).post(plan_form::create),
        )
        .route("/cases/{id}/plans/new", get(plan_form::new))
        .route(
            "/plans/{id}/revise",
            get(plan_form::revise_form).post(plan_form::revise),
        )
        .route("/requests/{id}", get(inforequest::show))
        .route("/requests/{id}/answer", post(inforequest::answer))
        .route("/requests/{id}/withdraw", post(inforequest::withdraw))
        .route("/cases/{id}/information-requests", post(inforequest::ask))
        .route("/mrg", get(mrg::list))
        .route("/cases/{id}/mrg/new", get(mrg_submission::form))
        .route("/cases/{id}/mrg", post(mrg_submission::submit))
        .route("/mrg/meetings/{id}", get(mrg::show))
        .route("/mrg/meetings/{id}/attendance", post(mrg::attend))
        .route("/mrg/meetings/{id}/approve", post(mrg::approve))
        .route(
            "/mrg/meetings/{id}/items/{item}/minutes",
            post(mrg_minutes::save),
        )
        .route("/mrg/meetings/{id}/{print}", get(mrg::print))
        .route(
            "/mrg/recommendations/{id}",
            get(mrg_recommendation::recommendation).post(mrg_recommendation::progress),
        )
        .route(
            "/mrg/recommendations/{id}/plan-task",
            get(mrg_recommendation::plan_task),
        )
        .route("/cases/{id}/reunification", post(reunification::start))
        .route(
            "/intake/new",
            get(casework::intake_form).post(casework::intake_submit),
        )
        .route("/cases/{id}/work-log", post(casework::log_submit))
        .route("/cases/{id}/monitoring", post(casework::monitoring_submit))
        .route("/reunification", get(reunification::list))
        .route("/reunification/{id}", get(reunification::show))
        .route("/reunification/{id}/summary", get(reunification::summary))
        .route("/reunification/{id}/{step}", post(reunification::step))
        .merge(report::routes())
        .route("/assets/web/caselink.css", get(stylesheet))
        .route("/assets/web/favicon.svg", get(favicon))
        .layer(axum::middleware::from_fn(security::page_headers))
}

/// Any other path: the not-found page, in the caller's language when signed in.
pub async fn not_found(
    axum::extract::State((state, _)): axum::extract::State<(AppState, Schemas)>,
    caller: crate::access::Caller,
    headers: axum::http::HeaderMap,
) -> Response {
    let page = page::Page::signed_in(&state, &caller, &headers)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(page::Page::anonymous);
    security::with_page_headers(page::not_found(&page))
}

async fn stylesheet() -> Response {
    asset("text/css; charset=utf-8", STYLESHEET)
}

async fn favicon() -> Response {
    asset("image/svg+xml", FAVICON)
}

/// An asset of the binary; it holds nothing personal, so it may be cached.
fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
