//! `GET /metrics`: Prometheus text that a scraper parses, counters that move with the
//! requests made, nothing personal in a label, the token and the switch.

use serde_json::json;

use crate::harness::{spawn_app, spawn_app_with, TestApp};

const TOKEN: &str = "scrape-token-for-the-tests-0123";

/// Checks every line against the text format (a `# HELP` or `# TYPE` line, or
/// `name{label="value",…} number`), because `prometheus-parse` skips lines it cannot
/// read; then parses the whole with it.
fn parse(text: &str) -> prometheus_parse::Scrape {
    for line in text.lines().filter(|line| !line.is_empty()) {
        if let Some(comment) = line.strip_prefix("# ") {
            assert!(
                comment.starts_with("HELP ") || comment.starts_with("TYPE "),
                "{line}"
            );
            continue;
        }
        strict_sample(line).unwrap_or_else(|why| panic!("{why}: {line}"));
    }
    let lines = text.lines().map(|line| Ok(line.to_owned()));
    prometheus_parse::Scrape::parse(lines).expect("Prometheus text")
}

fn strict_sample(line: &str) -> Result<(), &'static str> {
    let name_end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
        .ok_or("no value")?;
    let (name, mut rest) = line.split_at(name_end);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("bad metric name");
    }
    if let Some(labels) = rest.strip_prefix('{') {
        let mut chars = labels.char_indices();
        let mut in_value = false;
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            match (in_value, c) {
                (true, '\\') => {
                    chars.next();
                }
                (true, '"') => in_value = false,
                (false, '"') => in_value = true,
                (false, '}') => {
                    end = Some(i);
                    break;
                }
                (false, c) if c.is_ascii_alphanumeric() || "_=,".contains(c) => {}
                (true, _) => {}
                (false, _) => return Err("bad label"),
            }
        }
        rest = &labels[end.ok_or("unclosed labels")? + 1..];
    }
    let value = rest.strip_prefix(' ').ok_or("no space before the value")?;
    match value {
        "+Inf" | "-Inf" | "NaN" => Ok(()),
        number => number.parse::<f64>().map(|_| ()).map_err(|_| "bad value"),
    }
}

async fn scrape(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app.http().get(format!("{}/metrics", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("GET /metrics")
}

async fn scraped(app: &TestApp) -> prometheus_parse::Scrape {
    let response = scrape(app, None).await;
    assert_eq!(response.status(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    parse(&response.text().await.expect("the text"))
}

/// The value of the sample `metric` whose labels include `labels`.
fn value(scrape: &prometheus_parse::Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .filter(|sample| sample.metric == metric)
        .find(|sample| {
            labels
                .iter()
                .all(|(name, value)| sample.labels.get(name) == Some(*value))
        })
        .map(|sample| match &sample.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => *v,
            prometheus_parse::Value::Histogram(buckets) => {
                buckets.iter().map(|b| b.count).fold(0.0, f64::max)
            }
            prometheus_parse::Value::Summary(_) => f64::NAN,
        })
}

const REQUESTS: &str = "caselink_graphql_requests_total";

#[tokio::test]
async fn metrics_count_operations_by_name_and_outcome() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let before = scraped(&app).await;
    assert_eq!(
        value(
            &before,
            REQUESTS,
            &[("operation", "WhoAmI"), ("outcome", "ok")]
        ),
        None
    );
    for _ in 0..3 {
        let body = app
            .gql(Some(&admin), "query WhoAmI { me { id } }", json!({}))
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }
    // Refused by the schema's validation, and by the resolver for want of a session.
    app.gql(Some(&admin), "query Broken { me { nope } }", json!({}))
        .await;
    app.gql(None, "query WhoAmI { me { id } }", json!({})).await;
    app.gql(None, "{ __typename }", json!({})).await;
    let long_name = format!("query {} {{ __typename }}", "N".repeat(65));
    app.gql(None, &long_name, json!({})).await;

    let after = scraped(&app).await;
    let count = |labels: &[(&str, &str)]| value(&after, REQUESTS, labels);
    assert_eq!(
        count(&[("operation", "WhoAmI"), ("outcome", "ok")]),
        Some(3.0)
    );
    assert_eq!(
        count(&[("operation", "WhoAmI"), ("outcome", "UNAUTHENTICATED")]),
        Some(1.0)
    );
    assert_eq!(
        count(&[("operation", "Broken"), ("outcome", "BAD_USER_INPUT")]),
        Some(1.0)
    );
    assert!(count(&[("operation", "anonymous"), ("outcome", "ok")]) >= Some(2.0));
    assert_eq!(
        count(&[("operation", "other"), ("outcome", "ok")]),
        Some(1.0)
    );

    // Every other route by its template; latencies by route.
    assert!(
        value(
            &after,
            "caselink_http_requests_total",
            &[("route", "/graphql"), ("status", "200")]
        ) >= Some(7.0)
    );
    assert!(
        value(
            &after,
            "caselink_http_requests_total",
            &[("route", "/metrics"), ("status", "200")]
        ) >= Some(1.0)
    );
    assert!(
        value(
            &after,
            "caselink_http_request_duration_seconds",
            &[("route", "/graphql")]
        ) >= Some(7.0),
        "the +Inf bucket counts every request"
    );
}

#[tokio::test]
async fn metrics_report_the_outbox_the_unsealed_audit_and_the_pool() {
    let app = spawn_app().await;
    let after = scraped(&app).await;
    for gauge in [
        "caselink_outbox_pending",
        "caselink_outbox_failed",
        "caselink_audit_unsealed_events",
        "caselink_db_pool_connections",
        "caselink_db_pool_idle_connections",
    ] {
        let value = value(&after, gauge, &[]).unwrap_or_else(|| panic!("no {gauge}"));
        assert!(value >= 0.0, "{gauge} = {value}");
    }
    assert_eq!(
        value(&after, "caselink_db_pool_max_connections", &[]),
        Some(5.0),
        "the test pool's size"
    );
    assert_eq!(
        value(&after, "caselink_metrics_database_read", &[]),
        Some(1.0)
    );

    // A message that waits and one that failed for good, straight in the outbox (with no
    // mail server configured, nothing sends them).
    let mut tx = app.db.begin().await.expect("begin");
    for journal_no in ["J-WAITS", "J-FAILS"] {
        let message = caselink::notify::store::Unaffiliated {
            kind: caselink::handovers::notices::HANDOVER_REQUESTED,
            to: "auditor@example.org",
            language: caselink::agencies::NotificationLanguage::Ru,
            subject_kind: caselink::notify::checkpoint_notice::AUDIT_LOG,
            subject_id: uuid::Uuid::new_v4(),
            journal_no,
            details: "{}",
        };
        let id = uuid::Uuid::new_v4();
        caselink::notify::store::insert_unaffiliated(&mut tx, id, &message, caselink::db::now())
            .await
            .expect("write an outbox row");
    }
    tx.commit().await.expect("commit");
    app.execute("UPDATE notifications SET status = 'FAILED' WHERE journal_no = 'J-FAILS'")
        .await
        .expect("fail a message");
    let pending = app.count("notifications WHERE status = 'PENDING'").await;
    let failed = app.count("notifications WHERE status = 'FAILED'").await;
    assert!(pending >= 1 && failed >= 1);
    let after = scraped(&app).await;
    assert_eq!(
        value(&after, "caselink_outbox_pending", &[]),
        Some(pending as f64)
    );
    assert_eq!(
        value(&after, "caselink_outbox_failed", &[]),
        Some(failed as f64)
    );
}

#[tokio::test]
async fn no_label_carries_an_id_a_path_or_a_name_from_a_request() {
    let app = spawn_app().await;
    let id = uuid::Uuid::new_v4().to_string();
    let probe = app
        .http()
        .get(format!("{}/documents/{id}", app.address))
        .send()
        .await
        .expect("GET a document");
    assert_ne!(probe.status(), 200);
    let unknown = app
        .http()
        .get(format!("{}/Ivanova-Maria-1990", app.address))
        .send()
        .await
        .expect("GET an unknown path");
    assert_eq!(unknown.status(), 404);
    app.gql(
        None,
        "query($q: String!) { __typename }",
        json!({ "q": "Иванова Мария" }),
    )
    .await;
    let text = scrape(&app, None).await.text().await.expect("the text");
    for leak in [id.as_str(), "Ivanova", "Иванова"] {
        assert!(!text.contains(leak), "{leak} in {text}");
    }
    let scrape = parse(&text);
    assert!(
        value(
            &scrape,
            "caselink_http_requests_total",
            &[("route", "/documents/:id")]
        )
        .is_some(),
        "{text}"
    );
}

#[tokio::test]
async fn a_metrics_token_is_required_when_set_and_metrics_can_be_switched_off() {
    let app = spawn_app_with(|c| c.metrics.token = Some(TOKEN.to_owned())).await;
    let without = scrape(&app, None).await;
    assert_eq!(without.status(), 401);
    assert!(without.headers().contains_key("www-authenticate"));
    assert_eq!(
        scrape(&app, Some("scrape-token-for-the-tests-0124"))
            .await
            .status(),
        401
    );
    let with = scrape(&app, Some(TOKEN)).await;
    assert_eq!(with.status(), 200);
    let text = with.text().await.expect("the text");
    assert!(text.contains("caselink_graphql_requests_total") || text.contains("# TYPE"));
    parse(&text);

    let off = spawn_app_with(|c| c.metrics.enabled = false).await;
    assert_eq!(scrape(&off, None).await.status(), 404);
}
