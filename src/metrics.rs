//! What `/metrics` tells, in the Prometheus text format: requests by GraphQL operation
//! and outcome, requests and their latency by HTTP route, and, read when scraped, the
//! outbox, the audit events still to seal and the database pool.
//!
//! The registry belongs to one [`crate::app::AppState`], never to the process: the tests
//! run many hubs in one process, and a process-global recorder would mix their numbers.
//!
//! No label carries personal data: labels are route templates (`/documents/{id}`, never
//! the id), status codes, error codes from a fixed list, and operation names, which are
//! the names a client gave its operations in its query text (never variables). Operation
//! names are bounded: see [`OperationNames`].

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::{Response, ServerError, Value};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::db::Db;
use crate::error::AppResult;
use crate::graphql::error::code;
use crate::with_db;

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// The label of a request whose operation has no name.
pub const ANONYMOUS: &str = "anonymous";

/// The label of an operation name past the bounds of [`OperationNames`].
pub const OTHER: &str = "other";

/// The outcome label of a GraphQL request that answered without errors.
pub const OK: &str = "ok";

/// The longest operation name kept as a label.
const MAX_OPERATION_NAME: usize = 64;

/// How many distinct operation names get labels of their own, per process.
const MAX_OPERATION_NAMES: usize = 200;

/// How long a scrape waits for each database count before it reports without them.
const DATABASE_READ_TIMEOUT: Duration = Duration::from_secs(2);

/// Latency buckets in seconds: 5 ms to about 20 s, doubling (a password check takes about
/// a tenth of a second; a large upload, seconds).
fn latency_buckets() -> impl Iterator<Item = f64> {
    prometheus_client::metrics::histogram::exponential_buckets(0.005, 2.0, 13)
}

/// The labels of a GraphQL request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OperationLabels {
    operation: String,
    outcome: &'static str,
}

/// The labels of an HTTP request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    status: u16,
}

/// The label of a latency.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: String,
}

type Latencies = Family<RouteLabel, Histogram, fn() -> Histogram>;

/// This hub's metrics. Cheap to clone: every clone counts into the same registry.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    graphql_requests: Family<OperationLabels, Counter>,
    http_requests: Family<RouteLabels, Counter>,
    http_latency: Latencies,
    operation_names: OperationNames,
    scraped: ScrapedGauges,
}

/// Values read from the database at each scrape.
#[derive(Default)]
struct ScrapedGauges {
    outbox_pending: Gauge,
    outbox_failed: Gauge,
    audit_unsealed: Gauge,
    pool_connections: Gauge,
    pool_idle: Gauge,
    pool_max: Gauge,
    database_read: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// An empty registry with every metric of the hub registered.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("caselink");
        let graphql_requests = Family::<OperationLabels, Counter>::default();
        registry.register(
            "graphql_requests",
            "GraphQL requests the schema ran, by operation name (`anonymous` when unnamed, \
             `other` past the bounds) and outcome (`ok` or the first error's code)",
            graphql_requests.clone(),
        );
        let http_requests = Family::<RouteLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route template and status code",
            http_requests.clone(),
        );
        let http_latency: Latencies =
            Family::new_with_constructor(|| Histogram::new(latency_buckets()));
        registry.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival to its response's headers, by route template",
            prometheus_client::registry::Unit::Seconds,
            http_latency.clone(),
        );
        let scraped = ScrapedGauges::default();
        registry.register(
            "outbox_pending",
            "Outbox messages waiting to be sent (PENDING), read when scraped",
            scraped.outbox_pending.clone(),
        );
        registry.register(
            "outbox_failed",
            "Outbox messages that failed for good (FAILED), read when scraped",
            scraped.outbox_failed.clone(),
        );
        registry.register(
            "audit_unsealed_events",
            "Audit events not yet sealed into the chain, staged reads included, read when scraped",
            scraped.audit_unsealed.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Open connections of the main database pool",
            scraped.pool_connections.clone(),
        );
        registry.register(
            "db_pool_idle_connections",
            "Idle connections of the main database pool",
            scraped.pool_idle.clone(),
        );
        registry.register(
            "db_pool_max_connections",
            "Most connections the main database pool opens",
            scraped.pool_max.clone(),
        );
        registry.register(
            "metrics_database_read",
            "1 when this scrape read the outbox and audit counts; 0 when the database did \
             not answer in time (those gauges then keep their last values)",
            scraped.database_read.clone(),
        );
        Metrics(Arc::new(Inner {
            registry,
            graphql_requests,
            http_requests,
            http_latency,
            operation_names: OperationNames::default(),
            scraped,
        }))
    }

    /// Counts a GraphQL request the schema ran (`http::graphql` calls it once the schema
    /// answered, valid or refused): under the name of the operation it selected, or the
    /// name the request gave when its text selects none. Counting there rather than in a
    /// schema extension matters for speed: with any extension installed, async-graphql
    /// wraps every field of every response in the extension chain (a registry look-up and
    /// a boxed future per field; about a tenth of a `cases(first: 20)` request).
    pub fn count_operation(&self, operation: Option<&str>, response: &Response) {
        let labels = OperationLabels {
            operation: self.0.operation_names.label(operation),
            outcome: outcome(&response.errors),
        };
        self.0.graphql_requests.get_or_create(&labels).inc();
    }

    /// Counts an HTTP request to `route` (a template such as `/documents/{id}`) and its
    /// time to the response's headers.
    pub fn count_http(&self, route: &str, status: u16, elapsed: Duration) {
        let labels = RouteLabels {
            route: route.to_owned(),
            status,
        };
        self.0.http_requests.get_or_create(&labels).inc();
        let route = RouteLabel {
            route: route.to_owned(),
        };
        self.0
            .http_latency
            .get_or_create(&route)
            .observe(elapsed.as_secs_f64());
    }

    /// Reads the database's gauges, then renders every metric as Prometheus text.
    pub async fn render(&self, db: &Db) -> String {
        self.read_database(db).await;
        let mut text = String::new();
        if let Err(error) =
            prometheus_client::encoding::prometheus_text::encode(&mut text, &self.0.registry)
        {
            // Writing to a String cannot fail; should the encoder, the scrape shows a gap.
            tracing::warn!(%error, "encoding the metrics failed");
        }
        text
    }

    async fn read_database(&self, db: &Db) {
        let gauges = &self.0.scraped;
        let (connections, idle, max) = with_db!(db, |pool| (
            i64::from(pool.size()),
            i64::try_from(pool.num_idle()).unwrap_or(i64::MAX),
            i64::from(pool.options().get_max_connections()),
        ));
        gauges.pool_connections.set(connections);
        gauges.pool_idle.set(idle);
        gauges.pool_max.set(max);
        let counts = async { tokio::try_join!(outbox_counts(db), unsealed_events(db)) };
        match tokio::time::timeout(DATABASE_READ_TIMEOUT, counts).await {
            Ok(Ok(((pending, failed), unsealed))) => {
                gauges.outbox_pending.set(pending);
                gauges.outbox_failed.set(failed);
                gauges.audit_unsealed.set(unsealed);
                gauges.database_read.set(1);
            }
            Ok(Err(error)) => {
                tracing::warn!(?error, "metrics: reading the database failed");
                gauges.database_read.set(0);
            }
            Err(_) => {
                tracing::warn!("metrics: the database did not answer in time");
                gauges.database_read.set(0);
            }
        }
    }
}

/// The outcome label: `ok`, or the first error's code. Errors without a code are the
/// framework's refusals of the request's text (syntax, validation, limits), which the
/// response reports as `BAD_USER_INPUT` ([`crate::graphql::error::fill_codes`]).
fn outcome(errors: &[ServerError]) -> &'static str {
    let Some(first) = errors.first() else {
        return OK;
    };
    let given = first
        .extensions
        .as_ref()
        .and_then(|extensions| extensions.get("code"));
    let Some(Value::String(given)) = given else {
        return code::BAD_USER_INPUT;
    };
    // Only codes from the fixed list become labels.
    [
        code::UNAUTHENTICATED,
        code::FORBIDDEN,
        code::NOT_FOUND,
        code::BAD_USER_INPUT,
        code::CONFLICT,
        code::TOO_MANY_REQUESTS,
        code::INTERNAL,
    ]
    .into_iter()
    .find(|known| known == given)
    .unwrap_or(OTHER)
}

/// The outbox's PENDING and FAILED messages.
async fn outbox_counts(db: &Db) -> AppResult<(i64, i64)> {
    const SQL: &str = "SELECT status, COUNT(*) FROM notifications \
                       WHERE status IN ('PENDING', 'FAILED') GROUP BY status";
    let rows: Vec<(String, i64)> = with_db!(db, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
    let count = |status: &str| {
        rows.iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n)
    };
    Ok((count("PENDING"), count("FAILED")))
}

/// Events in the log without a chain hash, plus read events still staged.
async fn unsealed_events(db: &Db) -> AppResult<i64> {
    const SQL: &str = "SELECT COUNT(*) FROM audit_events WHERE hash IS NULL";
    let (in_log, staged) = tokio::try_join!(
        async {
            Ok::<i64, crate::error::AppError>(with_db!(db, |pool| sqlx::query_scalar(SQL)
                .fetch_one(pool)
                .await)?)
        },
        crate::audit::staged::pending(db),
    )?;
    Ok(in_log.saturating_add(staged))
}

/// Keeps operation-name labels few: a name becomes a label of its own only if it is a
/// GraphQL name of at most [`MAX_OPERATION_NAME`] characters and among the first
/// [`MAX_OPERATION_NAMES`] distinct names seen; any other is [`OTHER`]. A client sending
/// ever new names thus adds at most that many series.
#[derive(Default)]
struct OperationNames(Mutex<HashSet<String>>);

impl OperationNames {
    fn label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return ANONYMOUS.to_owned();
        };
        if name.len() > MAX_OPERATION_NAME || !is_graphql_name(name) {
            return OTHER.to_owned();
        }
        // A poisoned lock only means another request panicked while holding it; the set
        // is still a set.
        let mut seen = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.contains(name) {
            return name.to_owned();
        }
        if seen.len() >= MAX_OPERATION_NAMES {
            return OTHER.to_owned();
        }
        seen.insert(name.to_owned());
        name.to_owned()
    }
}

/// `[_A-Za-z][_0-9A-Za-z]*`, as the GraphQL spec defines a name.
fn is_graphql_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_bounded() {
        let names = OperationNames::default();
        assert_eq!(names.label(None), ANONYMOUS);
        assert_eq!(names.label(Some("MyCases")), "MyCases");
        assert_eq!(names.label(Some(&"a".repeat(65))), OTHER);
        assert_eq!(names.label(Some("Иванова")), OTHER);
        assert_eq!(names.label(Some("has space")), OTHER);
        for n in 1..MAX_OPERATION_NAMES {
            assert_eq!(names.label(Some(&format!("Op{n}"))), format!("Op{n}"));
        }
        assert_eq!(names.label(Some("OneTooMany")), OTHER);
        assert_eq!(names.label(Some("MyCases")), "MyCases");
    }

    #[test]
    fn outcomes_are_ok_or_a_known_code() {
        assert_eq!(outcome(&[]), OK);
        let framework = ServerError::new("syntax error", None);
        assert_eq!(outcome(&[framework]), code::BAD_USER_INPUT);
        let ours: async_graphql::Error = crate::error::AppError::Forbidden("x").into();
        let ours = ours.into_server_error(async_graphql::Pos::default());
        assert_eq!(outcome(&[ours]), code::FORBIDDEN);
    }
}
