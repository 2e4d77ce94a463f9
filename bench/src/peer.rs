//! The peer issue 13 compares CaseLink with: PostGraphile v5 over the same PostgreSQL
//! database, each request acting as one agency through row-level security
//! (`bench/peer/postgraphile`: `rls.sql`, `graphile.config.mjs`). The bench starts it
//! with the Node.js its `npm install` brought, reads the same first page of the agency's
//! cases from it with the same clients, and compares the rates.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use caselink::db::Db;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::http::Connection;
use crate::load::{Sample, Stats};
use crate::workloads::{post, Load};

/// CaseLink's first page of an agency's cases without personal data: no persons, so no
/// read audit, as PostGraphile's page has none.
pub const SUMMARY_QUERY: &str =
    "{ cases(first: 20) { edges { node { id journalNumber status openedAt } } } }";

/// How PostGraphile is asked for the agency's first page.
#[derive(Clone, Copy, Debug)]
pub enum PeerPage {
    /// `allCases` by primary key, newest first: the table as PostGraphile generates it.
    /// Its API orders only by indexed columns, and CaseLink's ids are time-ordered UUIDs,
    /// the nearest order to `opened_at`. Row-level security filters the walk, so it reads
    /// every case of every agency until it has 20 of this one's.
    ByPrimaryKey,
    /// `allAgencyCaseLists` (the view in `rls.sql`) for the agency, in the order of the
    /// index CaseLink's own page walks: what a PostGraphile user would set up for this
    /// page, and the fair comparison.
    ByAgencyIndex,
}

impl PeerPage {
    pub const ALL: [PeerPage; 2] = [PeerPage::ByPrimaryKey, PeerPage::ByAgencyIndex];

    /// The report's name for the page.
    pub fn label(self) -> &'static str {
        match self {
            PeerPage::ByPrimaryKey => "`allCases(first: 20)` by primary key (RLS)",
            PeerPage::ByAgencyIndex => {
                "`allAgencyCaseLists(first: 20)` by the agency's index (RLS)"
            }
        }
    }

    fn field(self) -> &'static str {
        match self {
            PeerPage::ByPrimaryKey => "allCases",
            PeerPage::ByAgencyIndex => "allAgencyCaseLists",
        }
    }

    /// The field that holds each node's id (PostGraphile keeps `id` for its node ids).
    fn id_field(self) -> &'static str {
        match self {
            PeerPage::ByPrimaryKey => "id",
            PeerPage::ByAgencyIndex => "caseId",
        }
    }

    fn query(self, agency: Uuid) -> String {
        match self {
            PeerPage::ByPrimaryKey => "{ allCases(first: 20, orderBy: PRIMARY_KEY_DESC) \
                 { nodes { id journalNo status openedAt } } }"
                .to_owned(),
            PeerPage::ByAgencyIndex => format!(
                "{{ allAgencyCaseLists(first: 20, condition: {{ agencyId: \"{agency}\" }}, \
                 orderBy: [LISTED_AT_DESC, CASE_ID_DESC]) {{ nodes {{ caseId journalNo status openedAt }} }} }}"
            ),
        }
    }
}

/// The header that names the agency a peer request acts as.
const AGENCY_HEADER: &str = "x-caselink-agency";

/// A running PostGraphile, stopped when dropped.
pub struct Peer {
    child: Child,
    pub addr: SocketAddr,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Peer {
    /// The peer's process id, for the CPU split.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// Applies the row-level security and starts PostGraphile from `dir` on `database_url`
/// with a pool of `pool`; waits until it answers as `agency` with a full page.
pub async fn start(
    dir: &Path,
    db: &Db,
    database_url: &str,
    pool: u32,
    agency: Uuid,
    log: &Path,
) -> anyhow::Result<Peer> {
    let Db::Postgres(pg, ..) = db else {
        bail!("the PostGraphile peer runs on PostgreSQL only");
    };
    let rls = std::fs::read_to_string(dir.join("rls.sql")).context("read rls.sql")?;
    sqlx::raw_sql(&rls)
        .execute(pg)
        .await
        .context("apply rls.sql")?;
    let node = dir.join("node_modules/.bin/node");
    let cli = dir.join("node_modules/postgraphile/dist/cli-run.js");
    anyhow::ensure!(
        node.is_file() && cli.is_file(),
        "run `npm install` in {} first (docs/performance.md)",
        dir.display()
    );
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?
        .local_addr()?
        .port();
    let output = std::fs::File::create(log)?;
    let child = Command::new(node)
        .arg(cli)
        .arg("-C")
        .arg(dir.join("graphile.config.mjs"))
        .current_dir(dir)
        .env("DATABASE_URL", database_url)
        .env("PEER_PORT", port.to_string())
        .env("PEER_POOL", pool.to_string())
        .env("NODE_ENV", "production")
        .stdout(Stdio::from(output.try_clone()?))
        .stderr(Stdio::from(output))
        .spawn()
        .context("start PostGraphile")?;
    let peer = Peer {
        child,
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
    };
    let started = Instant::now();
    loop {
        match check_all(peer.addr, agency).await {
            Ok(()) => return Ok(peer),
            Err(error) if started.elapsed() > Duration::from_secs(60) => {
                return Err(error.context(format!("PostGraphile not ready; see {}", log.display())))
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
        }
    }
}

/// Each page once as `agency`, checked whole: 20 cases. (Not the same 20: the bench's
/// hub opens cases at random times, so id order is not `opened_at` order.)
async fn check_all(addr: SocketAddr, agency: Uuid) -> anyhow::Result<()> {
    for page in PeerPage::ALL {
        check(addr, agency, page).await?;
    }
    Ok(())
}

/// One page as `agency`: 20 cases with ids.
async fn check(addr: SocketAddr, agency: Uuid, page: PeerPage) -> anyhow::Result<()> {
    let body = json!({ "query": page.query(agency) }).to_string();
    let mut connection =
        Connection::new(addr, None).with_header(AGENCY_HEADER, &agency.to_string());
    let response = connection.send("POST", "/graphql", &body).await?;
    let value: Value = serde_json::from_slice(&response.body)
        .with_context(|| format!("HTTP {}: {}", response.status, response.text()))?;
    let ids = value["data"][page.field()]["nodes"]
        .as_array()
        .map_or(0, |nodes| {
            let ids = nodes
                .iter()
                .filter(|node| node[page.id_field()].is_string());
            ids.count()
        });
    anyhow::ensure!(ids == 20, "{page:?}: expected 20 cases, got: {value}");
    Ok(())
}

/// Clients reading the agency's first page from PostGraphile, back to back.
pub async fn http_peer(
    load: Load,
    addr: SocketAddr,
    agency: Uuid,
    page: PeerPage,
) -> anyhow::Result<Stats> {
    let body: Arc<str> = json!({ "query": page.query(agency) }).to_string().into();
    let agency = agency.to_string();
    load.run(|_, window| {
        let (body, agency) = (body.clone(), agency.clone());
        async move {
            let mut connection = Connection::new(addr, None).with_header(AGENCY_HEADER, &agency);
            let mut sample = Sample::default();
            while !window.is_over() {
                let started = Instant::now();
                let outcome = post(&mut connection, &body).await;
                sample.record(&window, started, outcome);
            }
            Ok(sample)
        }
    })
    .await
}

/// The peer's directory as given, made absolute so the server can run from anywhere.
pub fn dir(given: &Path) -> anyhow::Result<PathBuf> {
    given
        .canonicalize()
        .with_context(|| format!("no PostGraphile peer at {}", given.display()))
}
