//! The report pages (issue 18): the head's report (`/reports`: the period, the figures
//! with their numerators and denominators, the journal numbers behind them to drill
//! down to, the half-year conclusion to write and sign off), the regional analyst's
//! territory side by side (`/reports/territory`), the printable report or conclusion with
//! its charts drawn here as SVG (`/reports/print`), the CSV (`/reports/report.csv`), and
//! the hospital's monthly births and refusals (`/reports/hospital`). Everything goes
//! through [`crate::reports`], which decides who reads what, as the API does.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::{local_time, Lang};
use super::page::{self, Page};
use super::report_words::{self as words, ReportWords};
use super::session;
use crate::access::Caller;
use crate::app::AppState;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::reports::export::{labelled, report_csv};
use crate::reports::model::{
    ConclusionStatus, EffectivenessReport, HospitalFigures, Ratio, RatioStatus,
};
use crate::reports::rules::Period;
use crate::reports::{self, ConclusionView};

/// The report pages' routes, merged into the workspace's.
pub fn routes() -> Router<(AppState, Schemas)> {
    Router::new()
        .route("/reports", get(show))
        .route("/reports/territory", get(territory))
        .route("/reports/print", get(print))
        .route("/reports/report.csv", get(csv))
        .route("/reports/conclusion", post(save_conclusion))
        .route("/reports/conclusions/{id}/issue", post(issue_conclusion))
        .route(
            "/reports/hospital",
            get(super::report_hospital::show).post(super::report_hospital::record),
        )
        .route(
            "/cases/{id}/mother-assessment",
            get(super::report_assessment::show).post(super::report_assessment::submit),
        )
}

/// The period (and agency) in a page's address.
#[derive(Deserialize, Default)]
pub struct ReportParams {
    from: Option<String>,
    to: Option<String>,
    agency: Option<String>,
    conclusion: Option<String>,
}

/// The last half year that is over, in the caller's time zone.
fn last_half_year(today: NaiveDate) -> Period {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or(today);
    if today.month() <= 6 {
        let y = today.year() - 1;
        Period {
            from: d(y, 7, 1),
            to: d(y, 12, 31),
        }
    } else {
        let y = today.year();
        Period {
            from: d(y, 1, 1),
            to: d(y, 6, 30),
        }
    }
}

impl ReportParams {
    fn period(&self, page: &Page) -> AppResult<Period> {
        let date = |v: &Option<String>, field: &str| -> AppResult<Option<NaiveDate>> {
            match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| AppError::bad_input(field, "is not a date")),
            }
        };
        let today = db::now().with_timezone(&page.zone.tz()).date_naive();
        let default = last_half_year(today);
        let from = date(&self.from, "period.from")?.unwrap_or(default.from);
        let to = date(&self.to, "period.to")?.unwrap_or(default.to);
        Period::parse(from, to)
    }

    fn agency(&self) -> AppResult<Option<Uuid>> {
        self.agency
            .as_deref()
            .filter(|a| !a.trim().is_empty())
            .map(|a| crate::ids::parse_id("agencyId", a))
            .transpose()
    }
}

/// One ratio as a line of the page.
pub struct RatioLine {
    pub label: &'static str,
    pub numerator: i64,
    pub denominator: i64,
    pub value: String,
    pub no_value: bool,
    pub numbers: Option<Vec<String>>,
}

fn value_text(w: &ReportWords, r: &Ratio) -> String {
    match (r.status, r.percent) {
        (RatioStatus::Value, Some(p)) => format!("{p:.1} %"),
        (RatioStatus::NotApplicable, _) => w.not_applicable.to_owned(),
        _ => w.no_data.to_owned(),
    }
}

pub fn line(w: &ReportWords, label: &'static str, r: &Ratio) -> RatioLine {
    RatioLine {
        label,
        numerator: r.numerator,
        denominator: r.denominator,
        value: value_text(w, r),
        no_value: r.status != RatioStatus::Value,
        numbers: r.journal_numbers.clone().filter(|n| !n.is_empty()),
    }
}

/// A hospital's births and refusals as a line.
pub struct BirthsLine {
    pub name: String,
    pub signals: Option<RatioLine>,
    pub births: i64,
    pub refusals: i64,
    pub per_100: String,
    pub earlier: String,
    pub change: String,
    pub months: String,
}

fn births_line(
    w: &ReportWords,
    name: String,
    signals: Option<RatioLine>,
    f: &HospitalFigures,
) -> BirthsLine {
    let num = |v: Option<f64>| {
        v.map(|v| format!("{v:.2}"))
            .unwrap_or_else(|| w.no_data.to_owned())
    };
    BirthsLine {
        name,
        signals,
        births: f.births,
        refusals: f.refusals,
        per_100: num(f.refusals_per_100_births),
        earlier: num(f.previous_year_per_100_births),
        change: f
            .change_points
            .map(|v| format!("{v:+.2}"))
            .unwrap_or_else(|| w.no_data.to_owned()),
        months: format!("{} / {}", f.months_recorded, f.months_in_period),
    }
}

/// A rectangle, a line of text: what the charts are drawn with.
pub struct Mark {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub fill: &'static str,
    pub title: String,
}

/// A chart drawn on the server: an SVG of `width` × `height` with bars and texts.
pub struct Chart {
    pub width: i64,
    pub height: i64,
    pub label: String,
    pub bars: Vec<Mark>,
    pub texts: Vec<(i64, i64, String)>,
}

const SIGNAL_FILL: &str = "#2b6cb0";
const REFUSAL_FILL: &str = "#c05621";

/// Signals and refusals by month: two bars a month, scaled to the largest.
pub fn months_chart(w: &ReportWords, report: &EffectivenessReport) -> Chart {
    let (top, plot, group) = (20i64, 160i64, 56i64);
    let max = report
        .months
        .iter()
        .map(|m| m.signals.max(m.refusals))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut bars = Vec::new();
    let mut texts = vec![
        (10, 14, format!("■ {}", w.signals)),
        (140, 14, format!("■ {}", w.refusals)),
    ];
    for (i, m) in report.months.iter().enumerate() {
        let x = 30 + i as i64 * group;
        for (j, (v, fill, what)) in [
            (m.signals, SIGNAL_FILL, w.signals),
            (m.refusals, REFUSAL_FILL, w.refusals),
        ]
        .into_iter()
        .enumerate()
        {
            let h = v * plot / max;
            bars.push(Mark {
                x: x + j as i64 * 20,
                y: top + plot - h,
                w: 18,
                h,
                fill,
                title: format!("{}: {what} {v}", m.month.format("%m.%Y")),
            });
            texts.push((x + j as i64 * 20 + 4, top + plot - h - 3, v.to_string()));
        }
        texts.push((x, top + plot + 16, m.month.format("%m.%y").to_string()));
    }
    Chart {
        width: 40 + report.months.len() as i64 * group,
        height: top + plot + 26,
        label: w.by_month.to_owned(),
        bars,
        texts,
    }
}

/// Closed cases by outcome: one horizontal bar each.
pub fn outcomes_chart(lang: Lang, w: &ReportWords, report: &EffectivenessReport) -> Chart {
    let max = report
        .outcomes
        .iter()
        .map(|o| o.cases)
        .max()
        .unwrap_or(0)
        .max(1);
    let (left, span, row) = (300i64, 260i64, 24i64);
    let mut bars = Vec::new();
    let mut texts = Vec::new();
    for (i, o) in report.outcomes.iter().enumerate() {
        let y = 6 + i as i64 * row;
        let label = words::outcome(lang, o.reason);
        let width = o.cases * span / max;
        bars.push(Mark {
            x: left,
            y,
            w: width.max(1),
            h: row - 8,
            fill: SIGNAL_FILL,
            title: format!("{label}: {}", o.cases),
        });
        texts.push((4, y + 12, label.to_owned()));
        texts.push((left + width + 6, y + 12, o.cases.to_string()));
    }
    Chart {
        width: left + span + 40,
        height: 12 + report.outcomes.len() as i64 * row,
        label: w.outcomes.to_owned(),
        bars,
        texts,
    }
}

/// A report as the pages show it.
pub struct ReportView {
    pub agency_name: String,
    pub agency_id: String,
    pub from: String,
    pub to: String,
    pub time_zone: String,
    pub ratios: Vec<RatioLine>,
    pub hospitals: Vec<BirthsLine>,
    pub own: Option<BirthsLine>,
    pub months: Vec<(String, i64, i64, i64)>,
    pub outcomes: Vec<(&'static str, i64)>,
    pub caseload: (i64, i64, i64, i64, i64),
    pub mrg_meetings: i64,
    pub reunifications: i64,
    /// The shelter's graduates, families together and children with the mother at the
    /// latest follow-up check.
    pub shelter: (i64, String, String),
    /// The «Маленькая мама» block, where it applies.
    pub little_mama: Option<super::report_mama::LittleMamaView>,
    pub months_chart: Chart,
    pub outcomes_chart: Chart,
}

impl ReportView {
    pub fn of(lang: Lang, r: &EffectivenessReport) -> ReportView {
        let w = words::words(lang);
        let ratios = labelled(r)
            .into_iter()
            .zip(w.ratios)
            .map(|((_, ratio), label)| line(w, label, ratio))
            .collect();
        let hospitals = r
            .hospitals
            .iter()
            .map(|h| {
                let signals = line(w, w.signals, &h.signals_against_refusals);
                births_line(w, h.hospital_name.clone(), Some(signals), &h.births)
            })
            .collect();
        let c = &r.caseload;
        ReportView {
            agency_name: r.agency_name.clone(),
            agency_id: r.agency_id.to_string(),
            from: r.period_from.to_string(),
            to: r.period_to.to_string(),
            time_zone: r.time_zone.clone(),
            ratios,
            hospitals,
            own: r
                .own_hospital
                .as_ref()
                .map(|f| births_line(w, r.agency_name.clone(), None, f)),
            months: r
                .months
                .iter()
                .map(|m| {
                    (
                        m.month.format("%m.%Y").to_string(),
                        m.signals,
                        m.refusals,
                        m.births,
                    )
                })
                .collect(),
            outcomes: r
                .outcomes
                .iter()
                .map(|o| (words::outcome(lang, o.reason), o.cases))
                .collect(),
            caseload: (
                c.norm,
                c.curators,
                c.open_cases,
                c.largest,
                c.curators_over_norm,
            ),
            mrg_meetings: r.interagency.mrg_meetings_held,
            reunifications: r.interagency.reunifications_completed,
            shelter: (
                r.shelter.graduates,
                r.shelter
                    .families_together
                    .as_ref()
                    .map(|x| value_text(w, x))
                    .unwrap_or_else(|| w.no_data.to_owned()),
                r.shelter
                    .children_with_mother
                    .as_ref()
                    .map(|x| value_text(w, x))
                    .unwrap_or_else(|| w.no_data.to_owned()),
            ),
            little_mama: r
                .little_mama
                .as_ref()
                .map(|m| super::report_mama::LittleMamaView::of(lang, m)),
            months_chart: months_chart(w, r),
            outcomes_chart: outcomes_chart(lang, w, r),
        }
    }
}

/// The conclusion for the shown period, as the head's page shows it.
pub struct ConclusionLine {
    pub id: Uuid,
    pub from: String,
    pub to: String,
    pub issued: bool,
    pub analysis: String,
    pub issued_at: Option<String>,
}

fn conclusion_line(page: &Page, row: &crate::reports::model::ConclusionRow) -> ConclusionLine {
    ConclusionLine {
        id: row.id,
        from: row.period_from.to_string(),
        to: row.period_to.to_string(),
        issued: row.status == ConclusionStatus::Issued,
        analysis: row.analysis.clone(),
        issued_at: row.issued_at.map(|t| local_time(t, page.zone)),
    }
}

#[derive(Template)]
#[template(path = "web/templates/report.html")]
struct ReportPage<'a> {
    page: &'a Page,
    w: &'static ReportWords,
    view: Option<ReportView>,
    from: String,
    to: String,
    agency_query: String,
    error: Option<String>,
    /// The caller writes and signs off conclusions (its agency's head).
    head: bool,
    regional: bool,
    half_year: bool,
    current: Option<ConclusionLine>,
    conclusions: Vec<ConclusionLine>,
}

#[derive(Template)]
#[template(path = "web/templates/report_print.html")]
struct PrintPage<'a> {
    page: &'a Page,
    w: &'static ReportWords,
    view: ReportView,
    conclusion: Option<ConclusionLine>,
}

/// One agency's value of one ratio: the value, numerator, denominator, and no value.
type Cell = (String, i64, i64, bool);

#[derive(Template)]
#[template(path = "web/templates/report_territory.html")]
struct TerritoryPage<'a> {
    page: &'a Page,
    w: &'static ReportWords,
    from: String,
    to: String,
    agencies: Vec<ReportView>,
    /// Each ratio's label and, per agency, its value, numerator, denominator and
    /// whether it has no value.
    rows: Vec<(&'static str, Vec<Cell>)>,
    error: Option<String>,
}

pub(super) fn refusal(w: &ReportWords, error: &AppError) -> Option<(StatusCode, String)> {
    match error {
        AppError::BadUserInput { field, message } => Some((
            StatusCode::BAD_REQUEST,
            format!("{}: {field} ({message})", w.refused),
        )),
        AppError::Forbidden(_) => Some((StatusCode::FORBIDDEN, w.not_allowed.to_owned())),
        AppError::Conflict(_) => Some((StatusCode::CONFLICT, w.settled.to_owned())),
        _ => None,
    }
}

/// `GET /reports`: the caller's agency's report (or, for a regional analyst, an agency
/// of its territory), with the conclusion for a half year.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    params: Result<Query<ReportParams>, QueryRejection>,
) -> Response {
    let params = params.map(|Query(p)| p).unwrap_or_default();
    render(&state, &caller, &headers, &params, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    params: &ReportParams,
    error: Option<(StatusCode, String)>,
    status: StatusCode,
) -> Response {
    let page = match page::frame(state, caller, headers, "/reports").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let w = words::words(page.lang);
    let Some(actor) = caller.signed_in() else {
        return page::to_sign_in("/reports");
    };
    let head = actor.has(crate::access::Role::HeadOfService);
    let regional = actor.has(crate::access::Role::RegionalAnalyst);
    let now = db::now();
    let computed = async {
        let period = params.period(&page)?;
        let agency = params.agency()?;
        let report = reports::report(&state.db, caller, agency, period, now).await?;
        Ok::<_, AppError>((period, agency, report))
    }
    .await;
    let (period, agency, report) = match computed {
        Ok(found) => found,
        Err(e) => match refusal(w, &e) {
            Some((status, message)) => {
                let template = ReportPage {
                    page: &page,
                    w,
                    view: None,
                    from: params.from.clone().unwrap_or_default(),
                    to: params.to.clone().unwrap_or_default(),
                    agency_query: String::new(),
                    error: Some(message),
                    head,
                    regional,
                    half_year: false,
                    current: None,
                    conclusions: Vec::new(),
                };
                return page::html(status, &template);
            }
            None => return page::error(&page, caller, e, "/reports"),
        },
    };
    let own = agency.is_none() || agency == actor.agency_id;
    let half_year = Period::parse_half_year(period.from, period.to).is_ok();
    let (mut current, mut conclusions) = (None, Vec::new());
    if own {
        match reports::conclusions(&state.db, caller).await {
            Ok(rows) => {
                for row in &rows {
                    if row.period_from == period.from && row.period_to == period.to {
                        current = Some(conclusion_line(&page, row));
                    }
                }
                conclusions = rows.iter().map(|r| conclusion_line(&page, r)).collect();
            }
            Err(e) => return page::error(&page, caller, e, "/reports"),
        }
    }
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None => (status, None),
    };
    let template = ReportPage {
        page: &page,
        w,
        view: Some(ReportView::of(page.lang, &report)),
        from: period.from.to_string(),
        to: period.to.to_string(),
        agency_query: agency.map(|a| format!("&agency={a}")).unwrap_or_default(),
        error,
        head: head && own,
        regional,
        half_year,
        current,
        conclusions,
    };
    page::html(status, &template)
}

/// `GET /reports/territory`: the regional analyst's agencies side by side.
pub async fn territory(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    params: Result<Query<ReportParams>, QueryRejection>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, "/reports/territory").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let w = words::words(page.lang);
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let result = async {
        let period = params.period(&page)?;
        let all = reports::territory_report(&state.db, &caller, period, db::now()).await?;
        Ok::<_, AppError>((period, all))
    }
    .await;
    match result {
        Ok((period, all)) => page::html(StatusCode::OK, &{
            let agencies: Vec<ReportView> =
                all.iter().map(|r| ReportView::of(page.lang, r)).collect();
            let rows = w
                .ratios
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    let cells = agencies
                        .iter()
                        .filter_map(|a| a.ratios.get(i))
                        .map(|r| (r.value.clone(), r.numerator, r.denominator, r.no_value))
                        .collect();
                    (*label, cells)
                })
                .collect();
            TerritoryPage {
                page: &page,
                w,
                from: period.from.to_string(),
                to: period.to.to_string(),
                agencies,
                rows,
                error: None,
            }
        }),
        Err(e) => match refusal(w, &e) {
            Some((status, message)) => page::html(
                status,
                &TerritoryPage {
                    page: &page,
                    w,
                    from: String::new(),
                    to: String::new(),
                    agencies: Vec::new(),
                    rows: Vec::new(),
                    error: Some(message),
                },
            ),
            None => page::error(&page, &caller, e, "/reports/territory"),
        },
    }
}

/// `GET /reports/print`: the report, or with `conclusion` an issued or draft
/// conclusion, to print, with its charts.
pub async fn print(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    params: Result<Query<ReportParams>, QueryRejection>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, "/reports/print").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let w = words::words(page.lang);
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let now = db::now();
    let result = async {
        if let Some(id) = params.conclusion.as_deref().filter(|c| !c.is_empty()) {
            let id = crate::ids::parse_id("conclusion", id)?;
            let ConclusionView { row, report } =
                reports::conclusion(&state.db, &caller, id, now).await?;
            Ok::<_, AppError>((report, Some(conclusion_line(&page, &row))))
        } else {
            let period = params.period(&page)?;
            let report = reports::report(&state.db, &caller, params.agency()?, period, now).await?;
            Ok((report, None))
        }
    }
    .await;
    match result {
        Ok((report, conclusion)) => page::html(
            StatusCode::OK,
            &PrintPage {
                page: &page,
                w,
                view: ReportView::of(page.lang, &report),
                conclusion,
            },
        ),
        Err(e) => page::error(&page, &caller, e, "/reports/print"),
    }
}

/// `GET /reports/report.csv`: the report as a Russian-locale CSV.
pub async fn csv(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    params: Result<Query<ReportParams>, QueryRejection>,
) -> Response {
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let page = Page::anonymous();
    let result = async {
        let period = params.period(&page)?;
        let report =
            reports::report(&state.db, &caller, params.agency()?, period, db::now()).await?;
        let body = report_csv(&report)?;
        Ok::<_, AppError>((report, body))
    }
    .await;
    match result {
        Ok((report, body)) => {
            let name = format!(
                "attachment; filename=\"report-{}-{}.csv\"",
                report.period_from, report.period_to
            );
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, name),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                body,
            )
                .into_response()
        }
        Err(error) => error.into_response(),
    }
}

/// The posted form.
pub(super) struct Posted(Vec<(String, String)>);

impl Posted {
    pub(super) fn parse(body: &Bytes) -> Posted {
        Posted(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .take(20)
                .collect(),
        )
    }
    pub(super) fn text(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    fn date(&self, name: &str, field: &str) -> AppResult<NaiveDate> {
        NaiveDate::parse_from_str(self.text(name).trim(), "%Y-%m-%d")
            .map_err(|_| AppError::bad_input(field, "is not a date"))
    }
}

/// `POST /reports/conclusion`: the head saves the analysis of the shown half year.
pub async fn save_conclusion(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Posted::parse(&body);
    let params = ReportParams {
        from: Some(form.text("from")),
        to: Some(form.text("to")),
        ..ReportParams::default()
    };
    let page = match page::frame(&state, &caller, &headers, "/reports").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    if !session::form_ok(&headers, &form.text("csrf")) {
        return page::form_expired(&page);
    }
    let result = async {
        let period = Period {
            from: form.date("from", "period.from")?,
            to: form.date("to", "period.to")?,
        };
        reports::write_conclusion(
            &state.db,
            &caller,
            period,
            &form.text("analysis"),
            db::now(),
        )
        .await
    }
    .await;
    back(&state, &caller, &headers, &params, result.map(|_| ())).await
}

/// `POST /reports/conclusions/{id}/issue`: the head signs the conclusion off.
pub async fn issue_conclusion(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = Posted::parse(&body);
    let params = ReportParams {
        from: Some(form.text("from")),
        to: Some(form.text("to")),
        ..ReportParams::default()
    };
    let page = match page::frame(&state, &caller, &headers, "/reports").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    if !session::form_ok(&headers, &form.text("csrf")) {
        return page::form_expired(&page);
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    let result = reports::issue_conclusion(&state.db, &caller, id, db::now()).await;
    back(&state, &caller, &headers, &params, result.map(|_| ())).await
}

async fn back(
    state: &AppState,
    caller: &Caller,
    headers: &HeaderMap,
    params: &ReportParams,
    result: AppResult<()>,
) -> Response {
    let here = format!(
        "/reports?from={}&to={}",
        params.from.as_deref().unwrap_or_default(),
        params.to.as_deref().unwrap_or_default()
    );
    match result {
        Ok(()) => Redirect::to(&here).into_response(),
        Err(e) => {
            let lang = match Page::signed_in(state, caller, headers).await {
                Ok(Some(p)) => p.lang,
                _ => Lang::Ru,
            };
            match refusal(words::words(lang), &e) {
                Some(refused) => {
                    render(
                        state,
                        caller,
                        headers,
                        params,
                        Some(refused),
                        StatusCode::OK,
                    )
                    .await
                }
                None => {
                    let page = Page::anonymous();
                    page::error(&page, caller, e, &here)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_period_is_the_last_half_year_that_is_over() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(last_half_year(d(2026, 12, 6)).from, d(2026, 1, 1));
        assert_eq!(last_half_year(d(2026, 3, 1)).to, d(2025, 12, 31));
    }
}
