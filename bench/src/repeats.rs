//! Several runs of the same workloads, and the median of each figure a verdict rests on.
//!
//! One run of a few seconds per workload moves by tens of percent on a two-core machine
//! (docs/performance.md, "the scope read once per row"); `--runs N` measures everything
//! N times, one run after another on the same hub, and prints each figure's median with
//! its lowest and highest value, so a target is read against the median.

use super::report::{rate_ratio as over, Results};

/// A figure of one run: what it is, its value, and the target it is read against.
struct Figure {
    name: String,
    value: f64,
    target: &'static str,
}

fn figure(name: impl Into<String>, value: f64, target: &'static str) -> Figure {
    Figure {
        name: name.into(),
        value,
        target,
    }
}

/// The figures of one run that issue 13's targets name, in print order.
fn figures(r: &Results) -> Vec<Figure> {
    let mut out = vec![
        figure(
            "HTTP `cases(first: 20)` without personal data, req/s",
            r.http_summary.per_second,
            "",
        ),
        figure(
            "HTTP `cases(first: 20)` with persons, audited, req/s",
            r.http_list.per_second,
            "",
        ),
        figure(
            "direct `list_headlines`, req/s",
            r.sql_headlines.per_second,
            "",
        ),
        figure(
            "direct page + persons + audit event, req/s",
            r.sql_request.per_second,
            "",
        ),
        figure(
            "without personal data / its own statement direct",
            over(&r.http_summary, &r.sql_headlines),
            ">= 0.70",
        ),
    ];
    for (page, stats) in r.peer.iter().flatten() {
        out.push(figure(
            format!("without personal data / PostGraphile {}", page.label()),
            over(&r.http_summary, stats),
            ">= 2",
        ));
        out.push(figure(
            format!("with persons / PostGraphile {}", page.label()),
            over(&r.http_list, stats),
            ">= 1",
        ));
    }
    let p = &r.pages;
    for (name, deep, first) in [
        ("HTTP cases", &p.http_cases_deep, &r.http_list),
        ("direct cases", &p.direct.cases_deep, &p.direct.cases_first),
        ("HTTP inbox", &p.http_inbox_deep, &r.http_inbox),
        ("direct inbox", &p.direct.inbox_deep, &p.direct.inbox_first),
        (
            "direct audit log",
            &p.direct.audit_deep,
            &p.direct.audit_first,
        ),
    ] {
        // Cost, not rate: how much more a deep page costs than page 1.
        out.push(figure(
            format!("deep page / page 1 cost, {name}"),
            over(first, deep),
            "<= 1.2",
        ));
    }
    out.push(figure(
        "idle resident MiB",
        r.idle_resident_kib as f64 / 1024.0,
        "< 30",
    ));
    out.push(figure(
        "peak resident MiB, 32 clients",
        r.peak_resident_kib as f64 / 1024.0,
        "< 100",
    ));
    out.push(figure(
        "audit bytes per read event",
        r.audit_footprint.per_event(),
        "< 400",
    ));
    out
}

/// Prints each figure's median over the runs, with its range.
pub fn print_medians(runs: &[Results]) {
    let Some(first) = runs.first() else {
        return;
    };
    let per_run: Vec<Vec<Figure>> = runs.iter().map(figures).collect();
    println!();
    println!("### {}: medians of {} runs", first.backend, runs.len());
    println!();
    println!("| figure | median | lowest | highest | target |");
    println!("|---|---:|---:|---:|---|");
    for (i, head) in per_run[0].iter().enumerate() {
        let mut values: Vec<f64> = per_run
            .iter()
            .filter_map(|run| run.get(i).filter(|f| f.name == head.name))
            .map(|f| f.value)
            .collect();
        values.sort_by(f64::total_cmp);
        let (Some(low), Some(high)) = (values.first(), values.last()) else {
            continue;
        };
        println!(
            "| {} | {} | {} | {} | {} |",
            head.name,
            shown(median(&values)),
            shown(*low),
            shown(*high),
            head.target
        );
    }
}

/// The middle value (the mean of the two middle ones for an even count) of sorted values.
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// Rates as whole numbers, ratios with two decimals.
fn shown(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn the_median_of_an_odd_and_an_even_count() {
        assert_eq!(median(&[1.0, 2.0, 9.0]), 2.0);
        assert_eq!(median(&[1.0, 2.0, 4.0, 9.0]), 3.0);
        assert_eq!(median(&[]), 0.0);
    }
}
