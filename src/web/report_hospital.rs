//! The hospital's monthly births and refusals (issue 18; the denominator of "refusals per
//! 100 births"): the months of a year and the form for one, at `/reports/hospital`. A
//! refused month re-shows the form with what was typed and the reason beside its field.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::i18n::{local_time, Lang};
use super::page::{self, Page};
use super::report::{refusal, Posted};
use super::report_words::{self as words, ReportWords};
use super::session;
use crate::access::Caller;
use crate::app::AppState;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::reports;

/// The year in the page's address.
#[derive(Deserialize, Default)]
pub struct YearParams {
    year: Option<String>,
}

/// The form's fields as typed, kept through a refusal.
#[derive(Default)]
struct Typed {
    month: String,
    births: String,
    refusals: String,
}

/// A refusal: the field it names (`month`, `births`, `refusals`, or `form`) and why.
struct Refused {
    status: StatusCode,
    field: String,
    message: String,
}

#[derive(Template)]
#[template(path = "web/templates/report_hospital.html")]
struct HospitalPage<'a> {
    page: &'a Page,
    w: &'static ReportWords,
    year: i32,
    months: Vec<(String, String, String, String, String)>,
    typed: Typed,
    refused: Option<Refused>,
}

impl HospitalPage<'_> {
    fn error_at(&self, field: &str) -> Option<&str> {
        self.refused
            .as_ref()
            .filter(|r| r.field == field)
            .map(|r| r.message.as_str())
    }
}

/// `GET /reports/hospital`: the hospital's months of a year, and the form for one.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    params: Result<Query<YearParams>, QueryRejection>,
) -> Response {
    let params = params.map(|Query(p)| p).unwrap_or_default();
    render(
        &state,
        &caller,
        &headers,
        params.year.as_deref(),
        None,
        None,
    )
    .await
}

async fn render(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    year: Option<&str>,
    typed: Option<Typed>,
    refused: Option<Refused>,
) -> Response {
    let page = match page::frame(state, caller, headers, "/reports/hospital").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let w = words::words(page.lang);
    let today = db::now().with_timezone(&page.zone.tz()).date_naive();
    let year = year
        .and_then(|y| y.trim().parse().ok())
        .unwrap_or(today.year());
    let rows = match reports::hospital_months(&state.db, caller, year).await {
        Ok(rows) => rows,
        Err(e) => return page::error(&page, caller, e, "/reports/hospital"),
    };
    let months = rows
        .iter()
        .map(|m| {
            let per =
                crate::reports::rules::per_100_births(i64::from(m.refusals), i64::from(m.births));
            (
                m.month.format("%m.%Y").to_string(),
                m.births.to_string(),
                m.refusals.to_string(),
                per.map(|v| format!("{v:.2}"))
                    .unwrap_or_else(|| w.no_data.to_owned()),
                local_time(m.recorded_at, page.zone),
            )
        })
        .collect();
    let typed = typed.unwrap_or_else(|| Typed {
        month: today.format("%Y-%m").to_string(),
        ..Typed::default()
    });
    let status = refused.as_ref().map_or(StatusCode::OK, |r| r.status);
    page::html(
        status,
        &HospitalPage {
            page: &page,
            w,
            year,
            months,
            typed,
            refused,
        },
    )
}

/// `POST /reports/hospital`: records one month (`month` as YYYY-MM).
pub async fn record(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Posted::parse(&body);
    let page = match page::frame(&state, &caller, &headers, "/reports/hospital").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    if !session::form_ok(&headers, &form.text("csrf")) {
        return page::form_expired(&page);
    }
    let typed = Typed {
        month: form.text("month").trim().to_owned(),
        births: form.text("births").trim().to_owned(),
        refusals: form.text("refusals").trim().to_owned(),
    };
    let result = async {
        let month = NaiveDate::parse_from_str(&format!("{}-01", typed.month), "%Y-%m-%d")
            .map_err(|_| AppError::bad_input("month", "is not a month"))?;
        let births = whole_number(&typed.births, "births")?;
        let refusals = whole_number(&typed.refusals, "refusals")?;
        reports::record_hospital_month(&state.db, &caller, month, births, refusals, db::now()).await
    }
    .await;
    match result {
        Ok(row) => {
            Redirect::to(&format!("/reports/hospital?year={}", row.month.year())).into_response()
        }
        Err(e) => match refused(page.lang, &e) {
            Some(refused) => {
                let year = typed.month.get(..4).map(str::to_owned);
                render(
                    &state,
                    &caller,
                    &headers,
                    year.as_deref(),
                    Some(typed),
                    Some(refused),
                )
                .await
            }
            None => page::error(&page, &caller, e, "/reports/hospital"),
        },
    }
}

fn whole_number(text: &str, field: &str) -> AppResult<i32> {
    text.parse()
        .map_err(|_| AppError::bad_input(field, "is not a whole number"))
}

/// A refusal in the user's words, beside the field it names.
fn refused(lang: Lang, error: &AppError) -> Option<Refused> {
    let (status, general) = refusal(words::words(lang), error)?;
    let AppError::BadUserInput { field, .. } = error else {
        return Some(Refused {
            status,
            field: "form".into(),
            message: general,
        });
    };
    let ru = lang == Lang::Ru;
    let message = match field.as_str() {
        "month" if ru => "Укажите прошедший или текущий месяц, не раньше 2000 года.",
        "month" => "Give this month or an earlier one, from 2000 on.",
        "births" if ru => "Число родов — целое, от 0 до 100 000.",
        "births" => "Births are a whole number from 0 to 100,000.",
        "refusals" if ru => "Число отказов — целое, не меньше 0 и не больше числа родов.",
        "refusals" => "Refusals are a whole number, from 0 up to the births.",
        _ => {
            return Some(Refused {
                status,
                field: "form".into(),
                message: general,
            })
        }
    };
    Some(Refused {
        status,
        field: field.clone(),
        message: message.to_owned(),
    })
}
