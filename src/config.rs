//! Settings: from the environment (or flags), with defaults that run the hub locally
//! with no set-up. `caselink --help` lists each with its variable.

use std::net::SocketAddr;
use std::path::PathBuf;
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
        value_parser = crate::graphql::cost::parse_complexity_limit,
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

    /// Seconds a client has to send a request's line and headers once it starts one.
    #[arg(long, env = "CASELINK_REQUEST_HEADER_TIMEOUT_SECONDS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=600), global = true)]
    pub request_header_timeout_seconds: u64,

    /// Seconds a client has to send its whole request body (a stalled or trickling
    /// upload is answered 408 after it).
    #[arg(long, env = "CASELINK_REQUEST_BODY_TIMEOUT_SECONDS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub request_body_timeout_seconds: u64,

    /// Seconds one request may take in all, body and work (answered 503 after it).
    #[arg(long, env = "CASELINK_REQUEST_TIMEOUT_SECONDS", default_value_t = 120,
          value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub request_timeout_seconds: u64,

    /// Answer schema introspection only to signed-in users (GraphiQL then needs the
    /// `Authorization` header set before it can load the schema).
    #[arg(long, env = "CASELINK_INTROSPECTION_REQUIRES_TOKEN", default_value_t = false,
          action = ArgAction::Set, value_parser = BoolishValueParser::new(), global = true)]
    pub introspection_requires_token: bool,

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

    /// The audit key file: the keys that MAC audit events, seal the chain and sign
    /// checkpoints. Created (0600) on first start when missing. Keep it apart from the
    /// database and its backups, and give every `serve` on one database the same file.
    #[arg(
        long,
        env = "CASELINK_AUDIT_KEY_FILE",
        default_value = "caselink-audit.key",
        global = true
    )]
    pub audit_key_file: PathBuf,

    /// Where this process's sealer appends signed audit checkpoints (one JSON line per
    /// sealing round). Give each process on one database its own file, kept apart from
    /// the database; `audit verify` reads the default or each `--checkpoints FILE`.
    #[arg(
        long,
        env = "CASELINK_AUDIT_CHECKPOINT_FILE",
        default_value = "caselink-audit-checkpoints.jsonl",
        global = true
    )]
    pub audit_checkpoint_file: PathBuf,

    /// An auditor's e-mail address: the latest audit checkpoint is mailed there through
    /// the outbox, at most once per `CASELINK_AUDIT_CHECKPOINT_EMAIL_HOURS`. Unset: no mail.
    #[arg(long, env = "CASELINK_AUDIT_CHECKPOINT_EMAIL", global = true)]
    pub audit_checkpoint_email: Option<String>,

    /// Hours between checkpoint mails to the auditor (default: daily).
    #[arg(long, env = "CASELINK_AUDIT_CHECKPOINT_EMAIL_HOURS", default_value_t = 24,
          value_parser = clap::value_parser!(u32).range(1..=8760), global = true)]
    pub audit_checkpoint_email_hours: u32,

    /// The language of checkpoint mails to the auditor.
    #[arg(
        long,
        env = "CASELINK_AUDIT_CHECKPOINT_EMAIL_LANGUAGE",
        value_enum,
        default_value = "ru",
        global = true
    )]
    pub audit_checkpoint_email_language: MailLanguage,

    /// Days an audit event stays in the live log; `caselink audit archive` then moves it
    /// into a signed archive file in `CASELINK_AUDIT_ARCHIVE_DIR`. Unset (the default):
    /// nothing is ever archived or removed. 0 archives every event already signed.
    #[arg(long, env = "CASELINK_AUDIT_RETENTION_DAYS",
          value_parser = clap::value_parser!(u32).range(0..=36500), global = true)]
    pub audit_retention_days: Option<u32>,

    /// Where `caselink audit archive` writes the signed archive files of old audit events,
    /// and where `caselink audit verify` reads them.
    #[arg(
        long,
        env = "CASELINK_AUDIT_ARCHIVE_DIR",
        default_value = "caselink-audit-archive",
        global = true
    )]
    pub audit_archive_dir: PathBuf,

    /// Seconds between the archive rounds `serve` runs while a retention period is set
    /// (the first at start). One process archives at a time.
    #[arg(long, env = "CASELINK_AUDIT_ARCHIVE_INTERVAL_SECONDS", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(1..=604_800), global = true)]
    pub audit_archive_interval_seconds: u64,

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
    /// Minutes a web workspace session may sit idle before it ends (it lasts at most
    /// `CASELINK_TOKEN_TTL_MINUTES` however busy).
    #[arg(
        long,
        env = "CASELINK_WEB_IDLE_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub web_idle_minutes: i64,

    /// E-mail notifications: SMTP, retries and reminders.
    #[command(flatten)]
    pub mail: MailConfig,
    /// Sign-in rate limits, the password-hashing pool, device tokens.
    #[command(flatten)]
    pub sign_in: crate::auth::limits::SignInLimits,
    /// `GET /metrics`: whether it is served, and the token it asks for.
    #[command(flatten)]
    pub metrics: MetricsConfig,
}

/// The shortest `CASELINK_METRICS_TOKEN` accepted: a guessable token would be no lock.
pub const MIN_METRICS_TOKEN_CHARS: usize = 16;

/// `GET /metrics` settings.
#[derive(Clone, Args)]
pub struct MetricsConfig {
    /// Serve Prometheus metrics at `GET /metrics`.
    #[arg(long = "metrics", env = "CASELINK_METRICS", default_value_t = true,
          action = ArgAction::Set, value_parser = BoolishValueParser::new(), global = true)]
    pub enabled: bool,

    /// A bearer token `/metrics` requires (`Authorization: Bearer <token>`); unset, anyone
    /// who reaches the port may read it. At least 16 characters.
    #[arg(long = "metrics-token", env = "CASELINK_METRICS_TOKEN", global = true,
          hide_env_values = true, value_parser = parse_metrics_token)]
    pub token: Option<String>,
}

/// Written by hand so that the token never reaches a log or a panic message.
impl std::fmt::Debug for MetricsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsConfig")
            .field("enabled", &self.enabled)
            .field("token", &self.token.as_ref().map(|_| "***"))
            .finish()
    }
}

fn parse_metrics_token(value: &str) -> Result<String, String> {
    if value.trim().chars().count() < MIN_METRICS_TOKEN_CHARS {
        return Err(format!(
            "the metrics token must have at least {MIN_METRICS_TOKEN_CHARS} characters"
        ));
    }
    Ok(value.trim().to_owned())
}

/// A language for mail that goes to no agency (whose setting would decide).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MailLanguage {
    /// Russian.
    Ru,
    /// English.
    En,
}

impl From<MailLanguage> for crate::agencies::NotificationLanguage {
    fn from(language: MailLanguage) -> Self {
        match language {
            MailLanguage::Ru => crate::agencies::NotificationLanguage::Ru,
            MailLanguage::En => crate::agencies::NotificationLanguage::En,
        }
    }
}

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required); port 587 by default.
    Starttls,
    /// TLS from the first byte (SMTPS); port 465 by default.
    Tls,
    /// No encryption; allowed only to a loopback host (a local relay); port 25 by default.
    Plain,
}

/// E-mail settings. With no `CASELINK_SMTP_HOST` the hub still runs: notifications wait
/// in the outbox, and `/readyz` says mail is not configured.
#[derive(Clone, Args)]
pub struct MailConfig {
    /// SMTP server host; unset means mail is not configured (messages wait).
    #[arg(long, env = "CASELINK_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,

    /// SMTP port; defaults to 587 (starttls), 465 (tls) or 25 (plain).
    #[arg(long, env = "CASELINK_SMTP_PORT", global = true)]
    pub smtp_port: Option<u16>,

    /// How the SMTP connection is secured.
    #[arg(
        long,
        env = "CASELINK_SMTP_SECURITY",
        value_enum,
        default_value = "starttls",
        global = true
    )]
    pub smtp_security: SmtpSecurity,

    /// SMTP user name (with the password, turns on authentication).
    #[arg(long, env = "CASELINK_SMTP_USERNAME", global = true)]
    pub smtp_username: Option<String>,

    /// SMTP password.
    #[arg(
        long,
        env = "CASELINK_SMTP_PASSWORD",
        global = true,
        hide_env_values = true
    )]
    pub smtp_password: Option<String>,

    /// Seconds one SMTP exchange may take before it counts as a failed attempt.
    #[arg(
        long,
        env = "CASELINK_SMTP_TIMEOUT_SECONDS",
        default_value_t = 30,
        global = true
    )]
    pub smtp_timeout_seconds: u64,

    /// The sender, e.g. `CaseLink <noreply@hub.example>`; required with a host.
    #[arg(long, env = "CASELINK_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,

    /// The base URL of the hub's web client; links in e-mails start with it.
    #[arg(
        long,
        env = "CASELINK_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080",
        global = true
    )]
    pub public_url: String,

    /// Milliseconds between the mail worker's looks at the outbox.
    #[arg(
        long,
        env = "CASELINK_MAIL_POLL_MS",
        default_value_t = 1000,
        global = true
    )]
    pub mail_poll_ms: u64,

    /// Tries per message before it is marked FAILED (an administrator may re-send it).
    #[arg(
        long,
        env = "CASELINK_MAIL_MAX_ATTEMPTS",
        default_value_t = 8,
        global = true
    )]
    pub mail_max_attempts: i32,

    /// Wait after the first failed try, in milliseconds; doubles after each further one.
    #[arg(
        long,
        env = "CASELINK_MAIL_RETRY_BASE_MS",
        default_value_t = 30_000,
        global = true
    )]
    pub mail_retry_base_ms: u64,

    /// Longest wait between tries, in milliseconds.
    #[arg(
        long,
        env = "CASELINK_MAIL_RETRY_MAX_MS",
        default_value_t = 3_600_000,
        global = true
    )]
    pub mail_retry_max_ms: u64,

    /// Seconds a worker holds the messages it took; after that another process may
    /// take them (a worker that died mid-send).
    #[arg(
        long,
        env = "CASELINK_MAIL_LEASE_SECONDS",
        default_value_t = 600,
        global = true
    )]
    pub mail_lease_seconds: u64,

    /// Milliseconds between the reminder scheduler's rounds.
    #[arg(
        long,
        env = "CASELINK_REMINDER_INTERVAL_MS",
        default_value_t = 30_000,
        global = true
    )]
    pub reminder_interval_ms: u64,

    /// Minutes before a clock's due time that "about to pass" is sent.
    #[arg(
        long,
        env = "CASELINK_REMINDER_LEAD_MINUTES",
        default_value_t = 30,
        global = true
    )]
    pub reminder_lead_minutes: i64,

    /// How far back, in hours, a reminder missed while no server ran is still sent.
    #[arg(
        long,
        env = "CASELINK_REMINDER_CATCH_UP_HOURS",
        default_value_t = 72,
        global = true
    )]
    pub reminder_catch_up_hours: i64,
}

/// Written by hand so that the SMTP password never reaches a log or a panic message.
impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.port())
            .field("smtp_security", &self.smtp_security)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &self.smtp_password.as_ref().map(|_| "***"))
            .field("mail_from", &self.mail_from)
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl MailConfig {
    /// Whether an SMTP server is set.
    pub fn configured(&self) -> bool {
        self.smtp_host
            .as_deref()
            .is_some_and(|h| !h.trim().is_empty())
    }

    /// The SMTP port, by security mode when not set.
    pub fn port(&self) -> u16 {
        self.smtp_port.unwrap_or(match self.smtp_security {
            SmtpSecurity::Starttls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::Plain => 25,
        })
    }

    /// Interval between the mail worker's rounds.
    pub fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.mail_poll_ms.max(10))
    }

    /// Wait before the next try after `failed` tries in a row (1, 2, …): the base,
    /// doubled per further failure, capped.
    pub fn retry_after(&self, failed: i32) -> chrono::Duration {
        let doublings = failed.saturating_sub(1).clamp(0, 30) as u32;
        let wait = self
            .mail_retry_base_ms
            .saturating_mul(1u64 << doublings)
            .min(self.mail_retry_max_ms.max(self.mail_retry_base_ms));
        chrono::Duration::milliseconds(i64::try_from(wait).unwrap_or(i64::MAX / 2))
    }

    /// How long a claim on a message lasts.
    pub fn lease(&self) -> chrono::Duration {
        chrono::Duration::seconds(i64::try_from(self.mail_lease_seconds.max(1)).unwrap_or(600))
    }

    /// Interval between reminder rounds.
    pub fn reminder_interval(&self) -> Duration {
        Duration::from_millis(self.reminder_interval_ms.max(10))
    }
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

    /// How long a web session may sit idle (at least a minute, at most a token's life).
    pub fn web_idle_timeout(&self) -> chrono::Duration {
        chrono::Duration::minutes(
            self.web_idle_minutes
                .clamp(1, self.token_ttl_minutes.max(1)),
        )
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

    /// How long a client has to send a request's line and headers.
    pub fn request_header_timeout(&self) -> Duration {
        Duration::from_secs(self.request_header_timeout_seconds.max(1))
    }

    /// The two request deadlines ([`crate::http::deadlines`]).
    pub fn request_deadlines(&self) -> crate::http::deadlines::Deadlines {
        crate::http::deadlines::Deadlines {
            body: Duration::from_secs(self.request_body_timeout_seconds.max(1)),
            whole: Duration::from_secs(self.request_timeout_seconds.max(1)),
        }
    }

    /// Interval between audit sealing rounds.
    pub fn audit_seal_interval(&self) -> Duration {
        Duration::from_millis(self.audit_seal_interval_ms.max(10))
    }

    /// How long audit events stay live; `None` when they are never archived.
    pub fn audit_retention(&self) -> Option<chrono::Duration> {
        self.audit_retention_days
            .map(|days| chrono::Duration::days(i64::from(days)))
    }
}

/// The database used when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://caselink.db";

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: Config,
    }

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_the_cap() {
        let mut mail = Cli::parse_from(["caselink"]).config.mail;
        mail.mail_retry_base_ms = 30_000;
        mail.mail_retry_max_ms = 3_600_000;
        let waits: Vec<i64> = (1..=9).map(|n| mail.retry_after(n).num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(mail.retry_after(i32::MAX).num_seconds(), 3600);
    }

    #[test]
    fn mail_is_not_configured_by_default_and_ports_follow_the_security() {
        let mut mail = Cli::parse_from(["caselink"]).config.mail;
        assert!(!mail.configured());
        assert_eq!(mail.port(), 587);
        mail.smtp_security = SmtpSecurity::Tls;
        assert_eq!(mail.port(), 465);
        mail.smtp_host = Some("smtp.example.org".into());
        assert!(mail.configured());
        mail.smtp_password = Some("s3cret-pass".into());
        assert!(!format!("{mail:?}").contains("s3cret-pass"));
    }

    #[test]
    fn metrics_are_on_without_a_token_and_a_short_token_is_refused() {
        let metrics = Cli::parse_from(["caselink"]).config.metrics;
        assert!(metrics.enabled);
        assert!(metrics.token.is_none());
        assert!(Cli::try_parse_from(["caselink", "--metrics-token", "short"]).is_err());
        let token = "a-long-scrape-token-0123";
        let set = Cli::parse_from(["caselink", "--metrics-token", token]).config;
        assert_eq!(set.metrics.token.as_deref(), Some(token));
        assert!(!format!("{set:?}").contains(token));
        let off = Cli::parse_from(["caselink", "--metrics", "false"]).config;
        assert!(!off.metrics.enabled);
    }
}
