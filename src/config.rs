//! Settings: from the environment (or flags), with defaults that run the hub locally
//! with no set-up. `caselink --help` lists each with its variable.

use std::net::SocketAddr;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, ValueEnum};

/// How log lines look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Every setting of the hub.
#[derive(Clone, Debug, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(
        long,
        env = "CASELINK_ADDR",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub addr: SocketAddr,

    /// Database: `sqlite://FILE` (created if missing) or `postgres://USER:PASS@HOST/DB`.
    /// Defaults to `sqlite://caselink.db` (`sqlite://caselink-demo.db` for `demo`).
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// Database connections per process.
    #[arg(
        long,
        env = "CASELINK_DB_MAX_CONNECTIONS",
        default_value_t = 16,
        global = true
    )]
    pub db_max_connections: u32,

    /// How long a sign-in token lasts, in minutes (default: a 12-hour shift).
    #[arg(
        long,
        env = "CASELINK_TOKEN_TTL_MINUTES",
        default_value_t = 720,
        global = true
    )]
    pub token_ttl_minutes: i64,

    /// Seconds a checked token is trusted before it is checked again; bounds how long a
    /// logout or deactivation in another process takes to reach this one.
    #[arg(
        long,
        env = "CASELINK_TOKEN_RECHECK_SECONDS",
        default_value_t = 5,
        global = true
    )]
    pub token_recheck_seconds: u64,

    /// Log format.
    #[arg(
        long,
        env = "CASELINK_LOG_FORMAT",
        value_enum,
        default_value = "human",
        global = true
    )]
    pub log_format: LogFormat,

    /// Log filter, e.g. `info` or `caselink=debug,info`.
    #[arg(
        long,
        env = "CASELINK_LOG",
        default_value = "info,sqlx=warn",
        global = true
    )]
    pub log: String,

    /// Serve GraphiQL at `GET /graphql`.
    #[arg(long, env = "CASELINK_GRAPHIQL", default_value_t = true, action = ArgAction::Set,
          value_parser = BoolishValueParser::new(), global = true)]
    pub graphiql: bool,

    /// Answer schema introspection queries.
    #[arg(long, env = "CASELINK_INTROSPECTION", default_value_t = true, action = ArgAction::Set,
          value_parser = BoolishValueParser::new(), global = true)]
    pub introspection: bool,

    /// Deepest query accepted.
    #[arg(
        long,
        env = "CASELINK_MAX_QUERY_DEPTH",
        default_value_t = 12,
        global = true
    )]
    pub max_query_depth: usize,

    /// Most complex query accepted (one point per field, lists count their page size).
    #[arg(
        long,
        env = "CASELINK_MAX_QUERY_COMPLEXITY",
        default_value_t = 5000,
        global = true
    )]
    pub max_query_complexity: usize,

    /// Largest request body, in bytes.
    #[arg(
        long,
        env = "CASELINK_MAX_BODY_BYTES",
        default_value_t = 1_048_576,
        global = true
    )]
    pub max_body_bytes: usize,

    /// Apply pending migrations when `serve` starts. Turn off when the serving role may
    /// not change the schema; then run `caselink migrate` with an owner role first.
    #[arg(long, env = "CASELINK_MIGRATE_ON_START", default_value_t = true, action = ArgAction::Set,
          value_parser = BoolishValueParser::new(), global = true)]
    pub migrate_on_start: bool,

    /// Milliseconds between audit sealing rounds.
    #[arg(
        long,
        env = "CASELINK_AUDIT_SEAL_INTERVAL_MS",
        default_value_t = 1000,
        global = true
    )]
    pub audit_seal_interval_ms: u64,

    /// Working days a receiving agency has to decide on a handover, counted in its own
    /// time zone; a request past it is flagged, never decided by the hub.
    #[arg(long, env = "CASELINK_HANDOVER_WORKING_DAYS", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(1..=30), global = true)]
    pub handover_working_days: u32,

    /// Largest attached document, in bytes (scans in PDF, JPEG or PNG).
    #[arg(
        long,
        env = "CASELINK_DOCUMENT_MAX_BYTES",
        default_value_t = 10_485_760,
        global = true
    )]
    pub document_max_bytes: usize,

    /// Most documents attached to one handover request.
    #[arg(
        long,
        env = "CASELINK_DOCUMENT_MAX_FILES",
        default_value_t = 10,
        global = true
    )]
    pub document_max_files: usize,

    /// Keep attached documents as files in this directory instead of in the database.
    #[arg(long, env = "CASELINK_DOCUMENTS_DIR", global = true)]
    pub documents_dir: Option<std::path::PathBuf>,
}

impl Config {
    /// The database URL, or `default` when none was set.
    pub fn database_url_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.database_url.as_deref().unwrap_or(default)
    }

    /// How long a token lasts.
    pub fn token_ttl(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.token_ttl_minutes.max(1))
    }

    /// How long a checked token is trusted.
    pub fn token_recheck(&self) -> Duration {
        Duration::from_secs(self.token_recheck_seconds)
    }

    /// The largest multipart request: the documents a handover may carry, plus the query.
    pub fn max_upload_bytes(&self) -> usize {
        self.document_max_bytes
            .saturating_mul(self.document_max_files)
            .saturating_add(self.max_body_bytes)
    }

    /// Interval between audit sealing rounds.
    pub fn audit_seal_interval(&self) -> Duration {
        Duration::from_millis(self.audit_seal_interval_ms.max(10))
    }
}

/// The database used when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://caselink.db";
