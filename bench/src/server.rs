//! The server under test: `caselink serve` as a separate process, so that its peak
//! memory (VmHWM) is its own and not the bench's.

use std::fs::File;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};

use super::http::Connection;

/// How long the server may take to migrate, bind and answer `/readyz`.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a graceful stop (finish requests, seal the audit log) may take.
const STOP_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `caselink serve`. Dropping it kills the process, so an early error in the
/// bench never leaves a server behind.
pub struct Server {
    child: Option<Child>,
    /// Where it listens.
    pub addr: SocketAddr,
    log: PathBuf,
}

/// How to start the server.
pub struct Launch<'a> {
    /// The `caselink` binary.
    pub binary: &'a Path,
    /// Its `DATABASE_URL`.
    pub database_url: &'a str,
    /// Its `CASELINK_DB_MAX_CONNECTIONS`.
    pub pool_size: u32,
    /// Where its output goes.
    pub log: &'a Path,
    /// Its `CASELINK_AUDIT_KEY_FILE`: the bench's own, which seeded the database.
    pub audit_key_file: &'a Path,
    /// Its `CASELINK_AUDIT_CHECKPOINT_FILE`.
    pub audit_checkpoint_file: &'a Path,
}

impl Server {
    /// Starts the server on a free loopback port and waits until `/readyz` answers 200.
    pub async fn start(launch: Launch<'_>) -> anyhow::Result<Server> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()?));
        let log = File::create(launch.log)
            .with_context(|| format!("cannot create {}", launch.log.display()))?;
        let child = Command::new(launch.binary)
            .arg("serve")
            .env("DATABASE_URL", launch.database_url)
            .env("CASELINK_ADDR", addr.to_string())
            .env("CASELINK_DB_MAX_CONNECTIONS", launch.pool_size.to_string())
            .env("CASELINK_AUDIT_KEY_FILE", launch.audit_key_file)
            .env(
                "CASELINK_AUDIT_CHECKPOINT_FILE",
                launch.audit_checkpoint_file,
            )
            // Warnings only: a log line per request would be the logger's cost, not the API's.
            .env("CASELINK_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .spawn()
            .with_context(|| format!("cannot run {}", launch.binary.display()))?;
        let mut server = Server {
            child: Some(child),
            addr,
            log: launch.log.to_owned(),
        };
        server.wait_ready().await?;
        Ok(server)
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    async fn wait_ready(&mut self) -> anyhow::Result<()> {
        let started = Instant::now();
        let mut connection = Connection::new(self.addr, None);
        loop {
            if let Ok(response) = connection.send("GET", "/readyz", "").await {
                if response.status == 200 {
                    return Ok(());
                }
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok()?) {
                bail!("the server exited ({status}); see {}", self.log.display());
            }
            if started.elapsed() > START_TIMEOUT {
                bail!(
                    "the server was not ready in time; see {}",
                    self.log.display()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The server's peak resident memory so far (`VmHWM`), in KiB.
    pub fn peak_memory_kib(&self) -> anyhow::Result<u64> {
        status_kib(self.pid(), "VmHWM:")
    }

    /// The server's resident memory now, without the pages of the database files under
    /// `database` it maps (see `memory.rs`), in KiB.
    pub fn resident_kib(&self, database: Option<&std::path::Path>) -> anyhow::Result<u64> {
        crate::memory::resident_kib_without(self.pid(), database.as_slice())
    }

    /// Samples the server's heap (`RssAnon`: resident memory that is not a mapped file)
    /// and its resident memory without the database files under `database` every 100 ms
    /// until the returned handle is stopped, keeping the largest of each. VmHWM also
    /// counts the SQLite file pages each connection maps, once per connection.
    pub fn sample_heap(&self, database: Option<std::path::PathBuf>) -> HeapSampler {
        let pid = self.pid();
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let mut peak = (0, 0);
            loop {
                if let Ok(kib) = status_kib(pid, "RssAnon:") {
                    peak.0 = peak.0.max(kib);
                }
                let excluded: Vec<&std::path::Path> =
                    database.iter().map(|p| p.as_path()).collect();
                if let Ok(kib) = crate::memory::resident_kib_without(pid, &excluded) {
                    peak.1 = peak.1.max(kib);
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(100)) => {}
                    _ = &mut stopped => return peak,
                }
            }
        });
        HeapSampler { stop, task }
    }

    /// Stops the server as an operator would (SIGTERM: finish requests, seal the audit
    /// log), killing it if that takes too long.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        // std has no way to send SIGTERM, and a new dependency for one signal is not
        // worth it: the `kill` command does it.
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let started = Instant::now();
        while child.try_wait()?.is_none() {
            if started.elapsed() > STOP_TIMEOUT {
                child.kill()?;
                child.wait()?;
                bail!("the server did not stop in time and was killed");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A loopback port that was free a moment ago. Another process could take it before the
/// server binds it; then the server fails to start and says so in its log.
fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// A running heap sampler (see [`Server::sample_heap`]).
pub struct HeapSampler {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<(u64, u64)>,
}

impl HeapSampler {
    /// Stops sampling; returns the largest `RssAnon` and the largest resident memory
    /// without the database's mapped files seen, in KiB.
    pub async fn peak_kib(self) -> (u64, u64) {
        let _ = self.stop.send(());
        self.task.await.unwrap_or((0, 0))
    }
}

/// A `kB` field of `/proc/<pid>/status`.
fn status_kib(pid: u32, field: &str) -> anyhow::Result<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .context("cannot read the server's /proc status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .with_context(|| format!("no {field} in the server's /proc status"))
}
