//! Printing the figures: one Markdown table per database (pasteable into
//! `docs/performance.md`), the HTTP/direct ratio, and whether the targets are met.

use std::time::Duration;

use super::load::Stats;
use super::pages::{Cursors, Figures, DEEP_SHARE};
use super::peer::PeerPage;

/// The HTTP rate of `cases(first: 20)` must reach this share of the direct rate.
pub const TARGET_RATIO: f64 = 0.40;
/// The p99 latency of `cases(first: 20)` must stay under this.
pub const TARGET_P99: Duration = Duration::from_millis(15);

/// Everything measured on one database.
pub struct Results {
    /// `SQLite` or `PostgreSQL`.
    pub backend: &'static str,
    /// HTTP `cases(first: 20)`.
    pub http_list: Stats,
    /// HTTP `case(id:)`.
    pub http_case: Stats,
    /// The page through `cases::store::list_page` only.
    pub sql_list: Stats,
    /// The page's headlines through `cases::store::list_headlines` only: the statement
    /// the server runs for `cases(first: 20)` without personal data.
    pub sql_headlines: Stats,
    /// The page and its persons, straight on the database.
    pub sql_persons: Stats,
    /// The page, its persons and the audit event, straight on the database.
    pub sql_request: Stats,
    /// A case by id through `cases::store::get_visible` only.
    pub sql_case: Stats,
    /// HTTP `handoverInbox(first: 20)` as the guardianship officer.
    pub http_inbox: Stats,
    /// The inbox page through `handovers::store::list_page` only.
    pub sql_inbox_page: Stats,
    /// The inbox page with its senders and cases, straight on the database.
    pub sql_inbox: Stats,
    /// Requests pending in the measured inbox.
    pub inbox_pending: i64,
    /// Audit events written while the HTTP inbox clients ran.
    pub inbox_audit_events: i64,
    /// The server's VmHWM, KiB.
    pub peak_memory_kib: u64,
    /// The largest `RssAnon` sampled while the HTTP clients ran, KiB.
    pub peak_heap_kib: u64,
    /// CaseLink's `cases(first: 20)` without personal data (no read audit).
    pub http_summary: Stats,
    /// PostGraphile v5's first page of the agency's cases through row-level security, each
    /// way of asking for it, when measured.
    pub peer: Option<Vec<(PeerPage, Stats)>>,
    /// Audit storage of 4,000 read events of 20 cases, tables and indexes included.
    pub audit_footprint: caselink::audit::footprint::Footprint,
    /// Resident memory without the database's mapped files, idle after start, KiB.
    pub idle_resident_kib: u64,
    /// The largest resident memory without the database's mapped files sampled while the
    /// HTTP clients ran, KiB.
    pub peak_resident_kib: u64,
    /// Audit events written while the HTTP clients ran.
    pub audit_events: i64,
    /// Deep pages, and the audit log's page 1.
    pub pages: Figures,
    /// Where the deep pages start.
    pub cursors: Cursors,
}

impl Results {
    /// HTTP list rate over the rate of the same queries sent straight to the database:
    /// the page and its persons, what the server asks the database for one request. The
    /// audit event is left out of the reference, since the target puts it on the API side.
    pub fn ratio(&self) -> f64 {
        rate_ratio(&self.http_list, &self.sql_persons)
    }

    /// HTTP list rate over the rate of the page query alone (the stricter reading, and
    /// the one earlier figures in `docs/performance.md` used).
    pub fn page_only_ratio(&self) -> f64 {
        rate_ratio(&self.http_list, &self.sql_list)
    }

    /// HTTP inbox rate over the direct inbox `list_page` rate.
    pub fn inbox_ratio(&self) -> f64 {
        rate_ratio(&self.http_inbox, &self.sql_inbox_page)
    }

    /// HTTP inbox rate over the rate of all its database work done directly.
    pub fn inbox_whole_ratio(&self) -> f64 {
        rate_ratio(&self.http_inbox, &self.sql_inbox)
    }

    /// Whether both targets are met.
    pub fn targets_met(&self) -> bool {
        self.ratio() >= TARGET_RATIO && self.http_list.p99 < TARGET_P99
    }
}

/// Prints one database's table and verdicts.
pub fn print(results: &Results) {
    println!();
    println!("### {}", results.backend);
    println!();
    println!(
        "| workload | clients | requests | req/s | p50 ms | p99 ms | errors | CPU server / bench / other |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    row("HTTP `cases(first: 20)` + persons", &results.http_list);
    row(
        "HTTP `cases(first: 20)` without personal data",
        &results.http_summary,
    );
    for (page, stats) in results.peer.iter().flatten() {
        row(&format!("HTTP PostGraphile v5 {}", page.label()), stats);
    }
    row("HTTP `case(id)` + persons", &results.http_case);
    row(
        "direct: `store::list_page` (the page query)",
        &results.sql_list,
    );
    row(
        "direct: `store::list_headlines` (the page's headlines)",
        &results.sql_headlines,
    );
    row(
        "direct: list_headlines + persons_of_cases (the same queries)",
        &results.sql_persons,
    );
    row(
        "direct: list_headlines + persons_of_cases + audit event",
        &results.sql_request,
    );
    row(
        "direct: `store::get_visible` (case by id)",
        &results.sql_case,
    );
    row("HTTP `handoverInbox(first: 20)`", &results.http_inbox);
    row(
        "direct: `handovers::store::list_page` (inbox, the same SQL)",
        &results.sql_inbox_page,
    );
    row(
        "direct: inbox list_page + senders + cases::get_visible_many",
        &results.sql_inbox,
    );
    println!();
    println!("- CPU: shares of the whole machine (all cores = 100%) in the measured window; the bench's own share on the direct rows includes SQLite, which runs in-process; \"other\" is mostly PostgreSQL");
    let sent = results.http_list.sent + results.http_case.sent;
    println!(
        "- server memory: heap (RssAnon, peak of 100 ms samples) {:.1} MiB; VmHWM {:.1} MiB, which also counts the SQLite file pages each connection maps",
        results.peak_heap_kib as f64 / 1024.0,
        results.peak_memory_kib as f64 / 1024.0
    );
    println!(
        "- server resident memory without the database's mapped files: idle {:.1} MiB (target < 30), peak with {} clients {:.1} MiB (target < 100)",
        results.idle_resident_kib as f64 / 1024.0,
        results.http_list.clients,
        results.peak_resident_kib as f64 / 1024.0
    );
    print_peer(results);
    print_audit_storage(&results.audit_footprint);
    println!(
        "- audit events written by the HTTP runs: {} for {} requests sent ({:.2} per request)",
        results.audit_events,
        sent,
        results.audit_events as f64 / sent.max(1) as f64
    );
    println!(
        "- inbox: {} pending; audit events written by the HTTP inbox run: {} for {} requests sent",
        results.inbox_pending, results.inbox_audit_events, results.http_inbox.sent
    );
    print_verdicts(results);
    println!(
        "- HTTP/direct rate for case(id): {:.2} (no target; over HTTP it also loads persons and writes the audit event)",
        rate_ratio(&results.http_case, &results.sql_case)
    );
    println!(
        "- HTTP/direct rate for handoverInbox(first: 20): {:.2} against list_page alone, {:.2} against all its database work (no target)",
        results.inbox_ratio(),
        results.inbox_whole_ratio()
    );
    print_pages(results);
    let p = &results.pages;
    for (name, stats) in [
        ("HTTP cases deep page", &p.http_cases_deep),
        ("direct cases page 1", &p.direct.cases_first),
        ("direct cases deep page", &p.direct.cases_deep),
        ("HTTP inbox deep page", &p.http_inbox_deep),
        ("direct inbox page 1", &p.direct.inbox_first),
        ("direct inbox deep page", &p.direct.inbox_deep),
        ("direct audit page 1", &p.direct.audit_first),
        ("direct audit deep page", &p.direct.audit_deep),
        ("HTTP cases", &results.http_list),
        ("HTTP case", &results.http_case),
        ("direct list", &results.sql_list),
        ("direct headlines", &results.sql_headlines),
        ("direct persons", &results.sql_persons),
        ("direct request", &results.sql_request),
        ("direct case", &results.sql_case),
        ("HTTP inbox", &results.http_inbox),
        ("direct inbox page", &results.sql_inbox_page),
        ("direct inbox", &results.sql_inbox),
    ] {
        if let Some(error) = &stats.first_error {
            println!("- first error of {name}: {}", shorten(error));
        }
    }
}

/// Page 1 against a deep page, one line per list read.
fn print_pages(results: &Results) {
    let (p, c) = (&results.pages, &results.cursors);
    println!();
    println!(
        "Page 1 against a deep page (the page after {:.0}% of the list's rows):",
        DEEP_SHARE * 100.0
    );
    println!();
    println!("| list | rows | page 1 req/s | p50 / p99 ms | deep page req/s | p50 / p99 ms | deep / page 1 |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let line = |name: &str, rows: usize, first: &Stats, deep: &Stats| {
        println!(
            "| {name} | {rows} | {:.0} | {:.1} / {:.1} | {:.0} | {:.1} / {:.1} | {:.2} |",
            first.per_second,
            ms(first.p50),
            ms(first.p99),
            deep.per_second,
            ms(deep.p50),
            ms(deep.p99),
            rate_ratio(deep, first)
        );
    };
    line(
        "HTTP `cases(first: 20)` + persons",
        c.cases.0,
        &results.http_list,
        &p.http_cases_deep,
    );
    line(
        "direct `cases::store::list_page`",
        c.cases.0,
        &p.direct.cases_first,
        &p.direct.cases_deep,
    );
    line(
        "HTTP `handoverInbox(first: 20)`",
        c.inbox.0,
        &results.http_inbox,
        &p.http_inbox_deep,
    );
    line(
        "direct `handovers::store::list_page` (inbox)",
        c.inbox.0,
        &p.direct.inbox_first,
        &p.direct.inbox_deep,
    );
    line(
        "direct `audit::store::list_page` (all events)",
        c.audit.0,
        &p.direct.audit_first,
        &p.direct.audit_deep,
    );
    println!();
    println!("- not measured: the signals journal, my cases, the outbox and notifications (the seed writes no signals or notifications)");
}

fn print_verdicts(results: &Results) {
    let ratio = results.ratio();
    let verdict = if ratio >= TARGET_RATIO {
        "met".to_owned()
    } else {
        format!(
            "MISSED (HTTP reaches {:.0}% of the direct rate; {:.0}% needed)",
            ratio * 100.0,
            TARGET_RATIO * 100.0
        )
    };
    println!("- HTTP/direct rate against the same queries (page + persons): {ratio:.2} (target >= {TARGET_RATIO:.2}): {verdict}");
    println!(
        "- HTTP/direct rate against the page query alone: {:.2} (the stricter reading; no verdict)",
        results.page_only_ratio()
    );
    let p99 = results.http_list.p99;
    let verdict = if p99 < TARGET_P99 {
        "met".to_owned()
    } else {
        format!("MISSED by {:.1} ms", ms(p99 - TARGET_P99))
    };
    println!(
        "- p99 of cases(first: 20): {:.1} ms (target < {} ms): {verdict}",
        ms(p99),
        TARGET_P99.as_millis()
    );
}

/// Prints the one-line verdict per database at the very end.
pub fn print_summary(all: &[Results]) {
    println!();
    println!("## Summary");
    println!();
    for results in all {
        println!(
            "- {}: HTTP {:.0} req/s vs the same queries direct {:.0} req/s (ratio {:.2}; {:.2} against the page alone at {:.0} req/s), p99 {:.1} ms, heap {:.1} MiB: targets {}",
            results.backend,
            results.http_list.per_second,
            results.sql_persons.per_second,
            results.ratio(),
            results.page_only_ratio(),
            results.sql_list.per_second,
            ms(results.http_list.p99),
            results.peak_heap_kib as f64 / 1024.0,
            if results.targets_met() { "MET" } else { "NOT MET" }
        );
        println!(
            "- {}: inbox HTTP {:.0} req/s, p99 {:.1} ms vs direct page {:.0} req/s (ratio {:.2}), page + senders + cases {:.0} req/s (ratio {:.2})",
            results.backend,
            results.http_inbox.per_second,
            ms(results.http_inbox.p99),
            results.sql_inbox_page.per_second,
            results.inbox_ratio(),
            results.sql_inbox.per_second,
            results.inbox_whole_ratio()
        );
        let p = &results.pages;
        println!(
            "- {}: deep page / page 1 rate: cases HTTP {:.2}, direct {:.2}; inbox HTTP {:.2}, direct {:.2}; audit direct {:.2}",
            results.backend,
            rate_ratio(&p.http_cases_deep, &results.http_list),
            rate_ratio(&p.direct.cases_deep, &p.direct.cases_first),
            rate_ratio(&p.http_inbox_deep, &results.http_inbox),
            rate_ratio(&p.direct.inbox_deep, &p.direct.inbox_first),
            rate_ratio(&p.direct.audit_deep, &p.direct.audit_first),
        );
    }
}

pub fn rate_ratio(http: &Stats, direct: &Stats) -> f64 {
    if direct.per_second > 0.0 {
        http.per_second / direct.per_second
    } else {
        0.0
    }
}

/// Issue 13's comparison: CaseLink's page without personal data against its own statement
/// sent straight to the database, and both of CaseLink's pages against PostGraphile's.
fn print_peer(results: &Results) {
    let summary = results.http_summary.per_second;
    println!(
        "- `cases(first: 20)` without personal data against the statement it runs (`list_headlines`) sent directly: {:.2} (target >= 0.70); against the whole-row `list_page`: {:.2}",
        summary / results.sql_headlines.per_second.max(f64::EPSILON),
        summary / results.sql_list.per_second.max(f64::EPSILON)
    );
    match &results.peer {
        Some(pages) => {
            for (page, stats) in pages {
                let peer = stats.per_second.max(f64::EPSILON);
                println!(
                    "- against PostGraphile v5 {} ({:.0} req/s): without personal data {:.2}x (target >= 2), with personal data and its audit {:.2}x (target >= 1)",
                    page.label(),
                    peer,
                    summary / peer,
                    results.http_list.per_second / peer
                );
            }
        }
        None => println!(
            "- PostGraphile v5 not measured here (PostgreSQL with `--postgraphile bench/peer/postgraphile`)"
        ),
    }
}

fn row(name: &str, stats: &Stats) {
    println!(
        "| {name} | {} | {} | {:.0} | {:.2} | {:.2} | {} | {} |",
        stats.clients,
        stats.requests,
        stats.per_second,
        ms(stats.p50),
        ms(stats.p99),
        stats.errors,
        cpu_split(stats)
    );
}

/// The CPU split as percentages of the whole machine (all cores = 100%).
fn cpu_split(stats: &Stats) -> String {
    let cpu = &stats.cpu;
    format!(
        "{:.0}% / {:.0}% / {:.0}%",
        cpu.server * 100.0,
        cpu.bench * 100.0,
        cpu.other * 100.0
    )
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(300).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// The audit log's growth: per read event (the target), and apart from it the records
/// numbered for the first time, which a hub pays once per record, not per read.
pub fn print_audit_storage(f: &caselink::audit::footprint::Footprint) {
    println!(
        "- audit storage: {:.0} bytes per read event of {} cases, indexes included (target < 400); \
         {} records named for the first time took {:.0} bytes each; {:.0} bytes per event in all",
        f.per_event(),
        f.records_per_event,
        f.new_subjects,
        f.per_new_subject(),
        f.total_per_event()
    );
}
