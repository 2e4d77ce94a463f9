//! `spawn_app()`: a fresh database, the real server on 127.0.0.1:0, and helpers to speak
//! GraphQL to it.

use std::path::PathBuf;

use caselink::config::Config;
use caselink::db::{migrate, Db};
use clap::Parser;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use uuid::Uuid;

/// The hub administrator every test app starts with.
pub const ADMIN_EMAIL: &str = "admin@test.caselink";
/// Every password the tests set.
pub const PASSWORD: &str = "correct horse battery";

#[derive(Parser)]
struct TestCli {
    #[command(flatten)]
    config: Config,
}

/// A running hub on a fresh database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// The database the server uses, for direct checks.
    pub db: Db,
    /// Its URL, for running the `caselink` binary against it.
    pub database_url: String,
    /// This app's audit key file (each test app has its own, in its own directory).
    pub key_file: PathBuf,
    /// Where this app's sealer appends signed checkpoints.
    pub checkpoint_file: PathBuf,
    client: reqwest::Client,
    sqlite_file: Option<PathBuf>,
    /// The directory of the key and checkpoint files, removed with the app that made it.
    audit_dir: Option<PathBuf>,
    server: Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    )>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(file) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm", "-reads", "-reads-wal", "-reads-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        if let Some(dir) = &self.audit_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// This test process's directory for its databases and audit files, under
/// `<temp>/caselink-tests/<pid>`. A dropped app removes its files, but its server's
/// background tasks (the sealer, the mailer) run until the test's runtime ends and may
/// write once more after that; so the first call also removes the directories of test
/// processes that are no longer running (on Linux), and nothing outlives the next run.
pub fn scratch_dir() -> &'static std::path::Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let root = std::env::temp_dir().join("caselink-tests");
        // Whether a process runs is read from /proc; without it (not Linux) nothing is swept.
        let proc_fs = std::path::Path::new("/proc/self").exists();
        if let Ok(entries) = std::fs::read_dir(&root).map(|e| e.filter(|_| proc_fs)) {
            for entry in entries.flatten() {
                let pid = entry.file_name().to_string_lossy().into_owned();
                let running = std::path::Path::new("/proc").join(&pid).exists();
                if pid.parse::<u32>().is_ok() && !running {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = root.join(std::process::id().to_string());
        std::fs::create_dir_all(&dir).expect("create the tests' scratch directory");
        dir
    })
}

/// The configuration tests run with: defaults, a fast audit sealer.
pub fn test_config() -> Config {
    let mut config = TestCli::parse_from(["caselink"]).config;
    config.audit_seal_interval_ms = 50;
    config.graphiql = true;
    config.introspection = true;
    // Every test signs in from 127.0.0.1, many times: the sign-in rate limits are tested
    // on their own, with low settings (tests/api/sign_in_limits.rs).
    config.sign_in.sign_in_per_address_per_minute = 100_000;
    config.sign_in.sign_in_per_address_burst = 100_000;
    config.sign_in.sign_in_total_per_minute = 100_000;
    config.sign_in.sign_in_total_burst = 100_000;
    config
}

/// Starts a hub with the test configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts a hub with the test configuration changed by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let (database_url, sqlite_file) = fresh_database().await;
    let audit_dir = scratch_dir().join(format!("caselink_audit_{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&audit_dir).expect("create the audit key directory");
    let mut config = test_config();
    config.database_url = Some(database_url.clone());
    config.audit_key_file = audit_dir.join("audit.key");
    config.audit_checkpoint_file = audit_dir.join("checkpoints.jsonl");
    adjust(&mut config);
    let keys = caselink::audit::keys::Keyring::open_for_recording(&config.audit_key_file)
        .expect("create the audit key file");
    let db = Db::connect(&database_url, 5)
        .await
        .expect("connect to the test database")
        .with_audit_keys(keys);
    migrate::run(&db).await.expect("migrate the test database");
    caselink::users::create_hub_admin(&db, "Hub Admin", ADMIN_EMAIL, PASSWORD, caselink::db::now())
        .await
        .expect("create the hub administrator");
    let (key_file, checkpoint_file) = (
        config.audit_key_file.clone(),
        config.audit_checkpoint_file.clone(),
    );
    let (address, server) = serve(config, db.clone()).await;
    TestApp {
        address,
        db,
        database_url,
        key_file,
        checkpoint_file,
        client: reqwest::Client::new(),
        sqlite_file,
        audit_dir: Some(audit_dir),
        server: Some(server),
    }
}

/// Runs `caselink::run` on a fresh port until told to stop; returns its address.
async fn serve(
    config: Config,
    db: Db,
) -> (
    String,
    (
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    ),
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a port");
    let address = format!("http://{}", listener.local_addr().expect("local address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let handle = tokio::spawn(async move {
        if let Err(error) = caselink::run(config, db, listener, shutdown).await {
            panic!("the server failed: {error:#}");
        }
    });
    (address, (stop, handle))
}

/// Settings that send mail to an SMTP sink on `port` of 127.0.0.1, polling and retrying
/// fast; links start with `https://hub.example`.
pub fn mail_to(port: u16) -> impl Fn(&mut Config) + Clone {
    move |config: &mut Config| {
        let mail = &mut config.mail;
        mail.smtp_host = Some("127.0.0.1".into());
        mail.smtp_port = Some(port);
        mail.smtp_security = caselink::config::SmtpSecurity::Plain;
        mail.mail_from = Some("CaseLink <noreply@hub.example>".into());
        mail.public_url = "https://hub.example".into();
        mail.mail_poll_ms = 25;
        mail.mail_retry_base_ms = 50;
        mail.mail_retry_max_ms = 200;
        mail.smtp_timeout_seconds = 5;
    }
}

/// A new empty database: a SQLite temp file, or a new database on the PostgreSQL server
/// named by `CASELINK_TEST_DATABASE_URL`.
async fn fresh_database() -> (String, Option<PathBuf>) {
    let name = format!("caselink_test_{}", Uuid::new_v4().simple());
    match std::env::var("CASELINK_TEST_DATABASE_URL") {
        Ok(server_url) if !server_url.is_empty() => {
            use sqlx::Connection as _;
            let mut admin = sqlx::PgConnection::connect(&server_url)
                .await
                .expect("connect to the PostgreSQL test server");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .expect("create a test database");
            let base = server_url
                .rsplit_once('/')
                .map(|(base, _)| base)
                .unwrap_or(&server_url);
            (format!("{base}/{name}"), None)
        }
        _ => {
            let file = scratch_dir().join(format!("{name}.db"));
            (format!("sqlite://{}", file.display()), Some(file))
        }
    }
}

/// Whether the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("CASELINK_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

impl TestApp {
    /// Starts another server process-alike (its own pool, cache and sealer) on this app's
    /// database, as a second `caselink serve` would; returns a client for it.
    /// It shares this app's key file, as every `serve` on one database must, and has a
    /// checkpoint file of its own.
    pub async fn spawn_peer(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = test_config();
        config.database_url = Some(self.database_url.clone());
        config.audit_key_file = self.key_file.clone();
        config.audit_checkpoint_file = self
            .checkpoint_file
            .with_file_name(format!("checkpoints-{}.jsonl", Uuid::new_v4().simple()));
        adjust(&mut config);
        let keys = caselink::audit::keys::Keyring::open_for_recording(&config.audit_key_file)
            .expect("load the audit key file");
        let db = Db::connect(&self.database_url, 5)
            .await
            .expect("connect the peer")
            .with_audit_keys(keys);
        let (key_file, checkpoint_file) = (
            config.audit_key_file.clone(),
            config.audit_checkpoint_file.clone(),
        );
        let (address, server) = serve(config, db.clone()).await;
        TestApp {
            address,
            db,
            database_url: self.database_url.clone(),
            key_file,
            checkpoint_file,
            client: reqwest::Client::new(),
            sqlite_file: None,
            audit_dir: None,
            server: Some(server),
        }
    }

    /// Stops this app's server as SIGTERM would (requests finish, background tasks end)
    /// and waits for it; the database stays.
    pub async fn stop_server(&mut self) {
        if let Some((stop, handle)) = self.server.take() {
            let _ = stop.send(());
            handle.await.expect("the server stopped cleanly");
        }
    }

    /// A client for a server at `address` on this app's database (e.g. the real binary).
    pub fn client_for(app: &TestApp, address: &str) -> TestApp {
        TestApp {
            address: address.to_owned(),
            db: app.db.clone(),
            database_url: app.database_url.clone(),
            key_file: app.key_file.clone(),
            checkpoint_file: app.checkpoint_file.clone(),
            client: reqwest::Client::new(),
            sqlite_file: None,
            audit_dir: None,
            server: None,
        }
    }

    /// Sends a GraphQL request, with a bearer token when given; returns the JSON body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send the request");
        response.json().await.expect("a JSON body")
    }

    /// Sends the same GraphQL request `n` times at once; returns the bodies.
    pub async fn gql_parallel(
        &self,
        n: usize,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Vec<Value> {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..n {
            let mut request = self
                .client
                .post(format!("{}/graphql", self.address))
                .json(&json!({ "query": query, "variables": variables }));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            set.spawn(async move {
                request
                    .send()
                    .await
                    .expect("send")
                    .json::<Value>()
                    .await
                    .expect("json")
            });
        }
        let mut bodies = Vec::new();
        while let Some(body) = set.join_next().await {
            bodies.push(body.expect("request task"));
        }
        bodies
    }

    /// A plain GET (a file, a page, not GraphQL), with a bearer token when given.
    pub async fn get_plain(&self, path_and_query: &str, token: Option<&str>) -> Plain {
        let mut request = self.client.get(format!("{}{path_and_query}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("send the request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.expect("a text body");
        Plain {
            status,
            headers,
            body,
        }
    }

    /// A raw request to a path, for non-GraphQL endpoints.
    pub fn http(&self) -> &reqwest::Client {
        &self.client
    }

    /// Signs in and returns the token; panics with the response if it fails.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let body = self.login_response(email, password).await;
        body["data"]["login"]["token"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("login failed: {body}"))
    }

    /// The raw response to a sign-in.
    pub async fn login_response(&self, email: &str, password: &str) -> Value {
        let query = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token expiresAt user { id name } } }";
        self.gql(None, query, json!({ "e": email, "p": password }))
            .await
    }

    /// The hub administrator's token.
    pub async fn admin_token(&self) -> String {
        self.login(ADMIN_EMAIL, PASSWORD).await
    }

    /// Creates an agency as the hub administrator; returns its id.
    pub async fn create_agency(&self, admin: &str, name: &str, kind: &str) -> String {
        let query = "mutation($i: CreateAgencyInput!) { createAgency(input: $i) { id } }";
        let input = json!({ "name": name, "kind": kind, "region": "ХМАО – Югра", "timeZone": "Asia/Yekaterinburg", "contactEmail": "office@agency.example" });
        let body = self.gql(Some(admin), query, json!({ "i": input })).await;
        body["data"]["createAgency"]["id"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("createAgency failed: {body}"))
    }

    /// Creates a user with `roles` in an agency, as `token`; returns the user's id.
    pub async fn create_user(
        &self,
        token: &str,
        agency_id: &str,
        email: &str,
        roles: &[&str],
    ) -> String {
        let body = self
            .create_user_response(
                token,
                agency_id,
                "Иванова Мария Петровна",
                email,
                PASSWORD,
                roles,
            )
            .await;
        body["data"]["createUser"]["id"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("createUser failed: {body}"))
    }

    /// The raw response to `createUser`.
    pub async fn create_user_response(
        &self,
        token: &str,
        agency_id: &str,
        name: &str,
        email: &str,
        password: &str,
        roles: &[&str],
    ) -> Value {
        let query =
            "mutation($i: CreateUserInput!) { createUser(input: $i) { id name email roles } }";
        let input = json!({ "agencyId": agency_id, "name": name, "email": email, "password": password, "roles": roles });
        self.gql(Some(token), query, json!({ "i": input })).await
    }

    /// Counts rows of a table, straight from the database.
    pub async fn count(&self, table: &str) -> i64 {
        if table.starts_with("audit_events") {
            // Read events wait in staging until the sealer's next round; count them too.
            let log = caselink::audit::checkpoints::CheckpointLog::new(&self.checkpoint_file);
            caselink::audit::staged::flush(&self.db, &log)
                .await
                .expect("move staged read events");
        }
        let sql = format!("SELECT COUNT(*) FROM {table}");
        caselink::with_db!(&self.db, |pool| sqlx::query_scalar::<_, i64>(&sql)
            .fetch_one(pool)
            .await)
        .expect("count rows")
    }

    /// How many `PERSONAL_DATA_READ` events name record `id` in their details (read
    /// through the audit store, which rebuilds read sets stored as subject numbers), and
    /// of those, how many also carry a case.
    pub async fn reads_naming(&self, id: &str) -> (usize, usize) {
        let log = caselink::audit::checkpoints::CheckpointLog::new(&self.checkpoint_file);
        caselink::audit::staged::flush(&self.db, &log)
            .await
            .expect("move staged read events");
        let filter = caselink::audit::store::AuditFilter {
            action: Some("PERSONAL_DATA_READ".into()),
            ..Default::default()
        };
        let rows = caselink::audit::store::list_page(
            &self.db,
            caselink::access::policy::AuditView::All,
            &filter,
            None,
            100_000,
        )
        .await
        .expect("read the audit log");
        let naming: Vec<_> = rows
            .iter()
            .filter(|r| r.details.0.to_string().contains(id))
            .collect();
        let with_case = naming.iter().filter(|r| r.case_id.is_some()).count();
        (naming.len(), with_case)
    }

    /// Runs a statement straight on the database (to play a tampering DBA).
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        caselink::with_db!(&self.db, |pool| sqlx::query(sql)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
    }

    /// The settings that give a `caselink` process this app's audit key file and
    /// checkpoint file (so that no test writes either into the working directory).
    pub fn audit_env(&self) -> [(&'static str, PathBuf); 2] {
        [
            ("CASELINK_AUDIT_KEY_FILE", self.key_file.clone()),
            (
                "CASELINK_AUDIT_CHECKPOINT_FILE",
                self.checkpoint_file.clone(),
            ),
        ]
    }

    /// Runs the `caselink` binary against this app's database, key file and checkpoint
    /// file. It runs on the blocking pool so that this test's server keeps serving (and
    /// releasing its locks) meanwhile.
    pub async fn run_cli(&self, args: &[&str]) -> std::process::Output {
        self.run_cli_with_stdin(args, "").await
    }

    /// Runs the `caselink` binary with `stdin` as its standard input.
    pub async fn run_cli_with_stdin(&self, args: &[&str], stdin: &str) -> std::process::Output {
        use std::io::Write as _;
        use std::process::{Command, Stdio};
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let (url, stdin) = (self.database_url.clone(), stdin.to_owned());
        let audit_env = self.audit_env();
        tokio::task::spawn_blocking(move || {
            let mut child = Command::new(env!("CARGO_BIN_EXE_caselink"))
                .args(&args)
                .env("DATABASE_URL", url)
                .envs(audit_env)
                .env("CASELINK_LOG", "warn")
                .env("CASELINK_ADDR", "127.0.0.1:0")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start caselink");
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(stdin.as_bytes())
                .expect("write stdin");
            child.wait_with_output().expect("caselink finished")
        })
        .await
        .expect("the caselink process")
    }

    /// Waits (bounded) until every audit event is sealed.
    pub async fn wait_until_sealed(&self) {
        for _ in 0..200 {
            if self.count("audit_events WHERE hash IS NULL").await == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("audit events were not sealed within 5 s");
    }
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// The `extensions.field` of the first error, if any.
pub fn error_field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

/// A plain HTTP answer: its status, its headers and its body as text.
pub struct Plain {
    /// The HTTP status.
    pub status: u16,
    headers: reqwest::header::HeaderMap,
    /// The body.
    pub body: String,
}

impl Plain {
    /// A header's value, empty when it is missing.
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    }
}
