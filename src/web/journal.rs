//! The printable signal journal (`GET /journals/signals?from=&to=`): the agency's journal
//! for a period of days in its time zone, laid out like the paper journal and headed with
//! the agency's name and the period, for the browser's print to A4 landscape or PDF. Its
//! rows are the CSV export's ([`signals::export::journal`]): the same columns, the same
//! personal columns for the receiving service only, the same read audit.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveTime, SecondsFormat, TimeZone as _, Utc};
use chrono_tz::Tz;
use serde::Deserialize;

use super::i18n::{local_time, Words};
use super::page::{self, Page};
use crate::access::Caller;
use crate::app::AppState;
use crate::graphql::Schemas;
use crate::signals::{self, store::JournalFilter};
use crate::{db, error::AppResult};

/// What the audit calls a read by this page.
const AUDIT_NAME: &str = "signals journal page";

/// The journal's time columns (detected, registered, passed, received, visit): on paper
/// a time may wrap between its date and its hour, never inside the date.
const TIMES: std::ops::Range<usize> = 3..8;
const NON_BREAKING_HYPHEN: &str = "\u{2011}";

/// `GET /journals/signals?from=YYYY-MM-DD&to=YYYY-MM-DD`; an empty value is no value.
#[derive(Deserialize)]
pub struct PeriodQuery {
    from: Option<String>,
    to: Option<String>,
}

/// Days of the agency's calendar, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The journal as the page shows it.
pub struct JournalView {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// The rows stopped at the export's limit.
    pub cut: bool,
    /// The same period as CSV.
    pub csv: String,
}

#[derive(Template)]
#[template(path = "web/templates/journal.html")]
struct JournalPage<'a> {
    page: &'a Page,
    heading: String,
    from: String,
    to: String,
    error: Option<String>,
    printed: String,
    journal: Option<JournalView>,
}

/// `GET /journals/signals`.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Response {
    let here = "/journals/signals";
    let page = match page::frame(&state, &caller, &headers, here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let now = db::now();
    let tz = page.zone.tz();
    let today = now.with_timezone(&tz).date_naive();
    let agency = page
        .user
        .as_ref()
        .map(|u| u.agency.clone())
        .unwrap_or_default();
    let (raw_from, raw_to) = match &query {
        Ok(Query(q)) => (q.from.clone(), q.to.clone()),
        Err(_) => (Some(String::new()), None),
    };
    let period = match query {
        Ok(Query(q)) => period(page.words, q.from.as_deref(), q.to.as_deref(), today),
        Err(_) => Err(field_error(page.words, page.words.period_from)),
    };
    let period = match period {
        Ok(period) => period,
        Err(error) => {
            let journal = JournalPage {
                page: &page,
                heading: format!("{} — {agency}", page.words.signal_journal),
                from: raw_from.unwrap_or_default(),
                to: raw_to.unwrap_or_default(),
                error: Some(error),
                printed: local_time(now, page.zone),
                journal: None,
            };
            return page::html(StatusCode::BAD_REQUEST, &journal);
        }
    };
    match journal(&state, &caller, period, tz, now).await {
        Ok((agency, journal)) => {
            let w = page.words;
            let heading = format!(
                "{} — {agency} — {} {} {} {}",
                w.signal_journal,
                w.period_since,
                period.from.format("%d.%m.%Y"),
                w.period_until,
                period.to.format("%d.%m.%Y"),
            );
            page::html(
                StatusCode::OK,
                &JournalPage {
                    page: &page,
                    heading,
                    from: period.from.to_string(),
                    to: period.to.to_string(),
                    error: None,
                    printed: local_time(now, page.zone),
                    journal: Some(journal),
                },
            )
        }
        Err(error) => page::error(&page, &caller, error, here),
    }
}

async fn journal(
    state: &AppState,
    caller: &Caller,
    period: Period,
    tz: Tz,
    now: DateTime<Utc>,
) -> AppResult<(String, JournalView)> {
    let (from, to) = period.bounds(tz);
    let filter = JournalFilter {
        from: Some(from),
        to: Some(to),
        ..JournalFilter::default()
    };
    let journal = signals::export::journal(&state.db, caller, &filter, now, AUDIT_NAME).await?;
    let mut rows = journal.rows;
    for row in &mut rows {
        for cell in row.iter_mut().take(TIMES.end).skip(TIMES.start) {
            *cell = cell.replace('-', NON_BREAKING_HYPHEN);
        }
    }
    let view = JournalView {
        cut: rows.len() >= signals::export::MAX_ROWS,
        header: journal.header,
        rows,
        csv: csv_link(from, to, tz),
    };
    Ok((journal.agency_name, view))
}

/// The period asked for; a missing end is taken from the other end's month, and with
/// neither given, the current month. An error names the field in the user's words.
pub fn period(
    words: &Words,
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<Period, String> {
    let from = day(from).map_err(|()| field_error(words, words.period_from))?;
    let to = day(to).map_err(|()| field_error(words, words.period_to))?;
    let (from, to) = match (from, to) {
        (Some(from), Some(to)) => (from, to),
        (Some(from), None) => (from, month_end(from)),
        (None, Some(to)) => (month_start(to), to),
        (None, None) => (month_start(today), month_end(today)),
    };
    if to < from {
        return Err(format!("«{}»: {}", words.period_to, words.period_reversed));
    }
    Ok(Period { from, to })
}

impl Period {
    /// The period as times: from the first day's midnight in `tz` to the midnight after
    /// the last day (exclusive), as the journal filter takes them.
    pub fn bounds(self, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        let after = self.to.succ_opt().unwrap_or(self.to);
        (midnight(self.from, tz), midnight(after, tz))
    }
}

fn field_error(words: &Words, field: &str) -> String {
    format!("«{field}»: {}", words.bad_date)
}

/// A day written `YYYY-MM-DD`, of a year a journal can have; empty is none.
fn day(value: Option<&str>) -> Result<Option<NaiveDate>, ()> {
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Ok(None);
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(day) if (1900..=2999).contains(&day.year()) => Ok(Some(day)),
        _ => Err(()),
    }
}

fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn month_end(day: NaiveDate) -> NaiveDate {
    month_start(day)
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(day)
}

/// The start of `day` in `tz` (the first instant of it, should a clock change skip its
/// midnight).
fn midnight(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let local = day.and_time(NaiveTime::MIN);
    let start = tz.from_local_datetime(&local);
    start
        .earliest()
        .or(start.latest())
        .map(|t| t.to_utc())
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// `/export/signals.csv` for the same times, written in the agency's offset.
fn csv_link(from: DateTime<Utc>, to: DateTime<Utc>, tz: Tz) -> String {
    let time = |t: DateTime<Utc>| {
        t.with_timezone(&tz)
            .to_rfc3339_opts(SecondsFormat::Secs, false)
    };
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("from", &time(from))
        .append_pair("to", &time(to))
        .finish();
    format!("/export/signals.csv?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::i18n::RU;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_period_defaults_to_the_month_and_a_bad_date_names_its_field() {
        let today = d(2026, 11, 17);
        let month = Period {
            from: d(2026, 11, 1),
            to: d(2026, 11, 30),
        };
        assert_eq!(period(&RU, None, None, today), Ok(month));
        assert_eq!(period(&RU, Some(""), Some(" "), today), Ok(month));
        assert_eq!(
            period(&RU, Some("2026-02-10"), None, today),
            Ok(Period {
                from: d(2026, 2, 10),
                to: d(2026, 2, 28)
            })
        );
        assert_eq!(
            period(&RU, None, Some("2026-12-05"), today),
            Ok(Period {
                from: d(2026, 12, 1),
                to: d(2026, 12, 5)
            })
        );
        let bad = period(&RU, Some("01.11.2026"), None, today).unwrap_err();
        assert!(bad.starts_with("«С»: дата должна быть"), "{bad}");
        let bad = period(&RU, None, Some("+262143-01-01"), today).unwrap_err();
        assert!(bad.starts_with("«По»:"), "{bad}");
        let reversed = period(&RU, Some("2026-11-02"), Some("2026-11-01"), today).unwrap_err();
        assert!(reversed.contains("раньше"), "{reversed}");
    }

    #[test]
    fn the_period_covers_whole_days_in_the_agency_zone_and_links_the_same_csv() {
        let moscow = chrono_tz::Europe::Moscow;
        let period = Period {
            from: d(2026, 11, 1),
            to: d(2026, 11, 30),
        };
        let (from, to) = period.bounds(moscow);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 10, 31, 21, 0, 0).unwrap());
        assert_eq!(to, Utc.with_ymd_and_hms(2026, 11, 30, 21, 0, 0).unwrap());
        assert_eq!(
            csv_link(from, to, moscow),
            "/export/signals.csv?from=2026-11-01T00%3A00%3A00%2B03%3A00\
             &to=2026-12-01T00%3A00%3A00%2B03%3A00"
        );
    }
}
