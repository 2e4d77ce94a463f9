//! Issue 18's target: "a half-year report for a service with 3,334 cases comes back in
//! under 200 ms on the bench's 100,000-case hub on both databases". The measured
//! service's head asks for `effectivenessReport` over the last whole half year, over
//! HTTP (token, scope, the whole resolver), one request at a time after a warm-up; then
//! the region's analyst asks for the same service's report (`agencyId`) and for the
//! territory report of the region. Figures only: a missed target is printed, never an
//! error.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Context as _;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use super::http::Connection;
use super::hub_report;
use super::workloads;

/// The target, in milliseconds.
pub const TARGET_MS: f64 = 200.0;

/// The figures of one report, as the report page shows them (every ratio with its
/// numbers, the hospitals, months, outcomes, caseload, interagency and shelter).
const FIELDS: &str = "agencyId agencyName periodFrom periodTo
  signalsAgainstRefusals { ...R }
  hospitals { hospitalId hospitalName signalsAgainstRefusals { ...R } births { ...H } }
  ownHospital { ...H }
  passedOnTime { ...R } specialistOnTime { ...R } visitOnTime { ...R }
  changedDecision { ...R } changedNoSupport { ...R } changedNeedingSupport { ...R }
  closedRehabilitated { ...R } closedCommitmentsBroken { ...R } closedChildEndangered { ...R }
  outcomes { reason cases } months { month signals refusals births }
  caseload { norm curators openCases largest curatorsOverNorm }
  interagency { mrgMeetingsHeld reunificationsCompleted recommendationsDoneOnTime { ...R } }
  shelter { graduates destinations { destination cases } children { outcome cases }
            familiesTogether { ...R } childrenWithMother { ...R } }
  computedAt";

const FRAGMENTS: &str = "
fragment R on Ratio { numerator denominator value percent status journalNumbers denominatorJournalNumbers }
fragment H on HospitalFigures { monthsRecorded monthsInPeriod births refusals refusalsPer100Births previousYearPer100Births changePoints }";

fn report_query() -> String {
    format!(
        "query Report($period: ReportPeriodInput!, $agencyId: ID) {{ effectivenessReport(period: $period, agencyId: $agencyId) {{ {FIELDS} }} }}{FRAGMENTS}"
    )
}

fn territory_query() -> String {
    format!(
        "query Territory($period: ReportPeriodInput!) {{ territoryReport(period: $period) {{ {FIELDS} }} }}{FRAGMENTS}"
    )
}

/// The last whole half year before `now` (in UTC dates: the hub's zones are a few hours
/// east, which moves no half year's end): January–June or July–December.
pub fn last_half_year(now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
    let today = now.date_naive();
    let (year, first_half) = if today.month() >= 7 {
        (today.year(), true)
    } else {
        (today.year() - 1, false)
    };
    let date = |m, d| NaiveDate::from_ymd_opt(year, m, d).unwrap_or(today);
    if first_half {
        (date(1, 1), date(6, 30))
    } else {
        (date(7, 1), date(12, 31))
    }
}

/// Latencies of one sequential series, in ms.
pub struct Series {
    pub name: String,
    pub latencies_ms: Vec<f64>,
    /// What the first answer counted, to show the report was not empty.
    pub summary: String,
}

impl Series {
    fn quantile(&self, q: f64) -> f64 {
        let mut sorted = self.latencies_ms.clone();
        sorted.sort_by(f64::total_cmp);
        if sorted.is_empty() {
            return f64::NAN;
        }
        let index = ((sorted.len() as f64 - 1.0) * q).round() as usize;
        sorted[index.min(sorted.len() - 1)]
    }
}

/// How many requests, and how many unmeasured first.
#[derive(Clone, Copy)]
pub struct Plan {
    pub requests: usize,
    pub warmup: usize,
}

/// Measures the head's report of its own service, the analyst's report of the same
/// service and the analyst's territory report.
pub async fn measure(
    addr: SocketAddr,
    plan: Plan,
    service: Uuid,
    head_email: &str,
    password: &str,
) -> anyhow::Result<Vec<Series>> {
    let (from, to) = last_half_year(caselink::db::now());
    let period = json!({ "from": from.to_string(), "to": to.to_string() });
    println!(
        "  HTTP: effectivenessReport {from} – {to}, {} sequential requests after {} warm-up…",
        plan.requests, plan.warmup
    );
    let head = workloads::login(addr, head_email, password).await?;
    let analyst = workloads::login(addr, hub_report::ANALYST_EMAIL, password).await?;
    let own = json!({ "query": report_query(), "variables": { "period": period } });
    let other = json!({
        "query": report_query(),
        "variables": { "period": period, "agencyId": service.to_string() },
    });
    let territory = json!({ "query": territory_query(), "variables": { "period": period } });
    Ok(vec![
        series("head: effectivenessReport", addr, &head, &own, plan).await?,
        series(
            "analyst: effectivenessReport(agencyId)",
            addr,
            &analyst,
            &other,
            plan,
        )
        .await?,
        // Every agency of the region, one after another: not the target, and
        // slower, so fewer requests.
        series(
            "analyst: territoryReport",
            addr,
            &analyst,
            &territory,
            territory_plan(plan),
        )
        .await?,
    ])
}

/// The territory report's plan: at most 5 measured requests after one warm-up.
fn territory_plan(plan: Plan) -> Plan {
    Plan {
        requests: plan.requests.min(5),
        warmup: plan.warmup.min(1),
    }
}

async fn series(
    name: &str,
    addr: SocketAddr,
    token: &str,
    body: &Value,
    plan: Plan,
) -> anyhow::Result<Series> {
    let body = body.to_string();
    let mut connection = Connection::new(addr, Some(token));
    let first = workloads::graphql(&mut connection, &body)
        .await
        .with_context(|| format!("{name}: the first request failed"))?;
    let summary = summarise(&first["data"]).with_context(|| format!("{name}: {first}"))?;
    for _ in 0..plan.warmup {
        workloads::graphql(&mut connection, &body).await?;
    }
    let mut latencies_ms = Vec::with_capacity(plan.requests);
    for _ in 0..plan.requests {
        let started = Instant::now();
        workloads::graphql(&mut connection, &body).await?;
        latencies_ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(Series {
        name: name.to_owned(),
        latencies_ms,
        summary,
    })
}

/// What a report (or the first agency of a territory) counted, in a line; an error if
/// the seed gave it nothing to count.
fn summarise(data: &Value) -> anyhow::Result<String> {
    let (report, agencies) = match data.get("territoryReport").and_then(Value::as_array) {
        Some(all) => (
            all.iter()
                .find(|r| r["signalsAgainstRefusals"]["numerator"].as_i64() > Some(0))
                .context("no agency of the territory has signals")?,
            all.len(),
        ),
        None => (&data["effectivenessReport"], 1),
    };
    let n = |ratio: &str, part: &str| report[ratio][part].as_i64().unwrap_or(-1);
    let signals = n("signalsAgainstRefusals", "numerator");
    let closures: i64 = report["outcomes"]
        .as_array()
        .map(|o| o.iter().filter_map(|l| l["cases"].as_i64()).sum())
        .unwrap_or(0);
    anyhow::ensure!(signals > 0 && closures > 0, "an empty report: {report}");
    Ok(format!(
        "{agencies} agenc{}; signals {signals} against {} refusals; {} hospitals; passed on time {}/{}; visits on time {}/{}; {closures} closures; {} supported",
        if agencies == 1 { "y" } else { "ies" },
        n("signalsAgainstRefusals", "denominator"),
        report["hospitals"].as_array().map_or(0, Vec::len),
        n("passedOnTime", "numerator"),
        n("passedOnTime", "denominator"),
        n("visitOnTime", "numerator"),
        n("visitOnTime", "denominator"),
        n("closedCommitmentsBroken", "denominator"),
    ))
}

/// Prints min / median / p95 / max against the target.
pub fn print(backend: &str, all: &[Series]) {
    println!("\n### {backend}: the half-year effectivenessReport (issue 18: < {TARGET_MS} ms)\n");
    println!("| request | n | min ms | median ms | p95 ms | max ms | target |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    for s in all {
        let median = s.quantile(0.5);
        println!(
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            s.name,
            s.latencies_ms.len(),
            s.quantile(0.0),
            median,
            s.quantile(0.95),
            s.quantile(1.0),
            if s.name.contains("territory") {
                "— (the whole region)"
            } else if s.quantile(0.95) < TARGET_MS {
                "met (p95)"
            } else if median < TARGET_MS {
                "median met, p95 not"
            } else {
                "NOT met"
            }
        );
    }
    println!();
    for s in all {
        println!("  {}: {}", s.name, s.summary);
    }
}
