//! The real binary's logs: a request id on each request, no personal data.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::json;

use crate::harness::{spawn_app, TestApp, ADMIN_EMAIL, PASSWORD};

#[tokio::test]
async fn logs_carry_request_ids_and_no_personal_data() {
    let app = spawn_app().await;
    let server = LoggedServer::start(&app, "debug", &[]);
    let address = server.address.clone();
    let peer = TestApp::client_for(&app, &address);
    let admin = peer.login(ADMIN_EMAIL, PASSWORD).await;
    let agency = peer
        .create_agency(&admin, "Перинатальный центр", "MATERNITY")
        .await;
    peer.create_user(
        &admin,
        &agency,
        "smirnova.olga@hospital.example",
        &["HOSPITAL_SPECIALIST"],
    )
    .await;
    let _ = peer
        .login_response("smirnova.olga@hospital.example", "wrong password here")
        .await;
    let _ = peer.gql(Some(&admin), "{ me { name } }", json!({})).await;
    let log = server.stop();
    let text = log.join("\n");
    for secret in [
        "smirnova.olga",
        "Иванова",
        PASSWORD,
        "wrong password here",
        admin.as_str(),
        ADMIN_EMAIL,
    ] {
        assert!(
            !text.contains(secret),
            "{secret} appears in the log:\n{text}"
        );
    }
    let request_lines = log.iter().filter(|l| l.contains("\"request_id\"")).count();
    assert!(request_lines >= 5, "request ids missing:\n{text}");
}

/// The real `caselink serve` over a test app's database, logging JSON to a pipe that a
/// thread reads line by line, so a test can search what the binary itself logged.
pub struct LoggedServer {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// `http://127.0.0.1:PORT`, as the server logged it.
    pub address: String,
}

impl LoggedServer {
    /// Starts it with the log filter `log` and any further settings in `env`.
    pub fn start(app: &TestApp, log: &str, env: &[(&str, String)]) -> LoggedServer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_caselink"))
            .arg("serve")
            .env("DATABASE_URL", &app.database_url)
            .envs(app.audit_env())
            .env("CASELINK_ADDR", "127.0.0.1:0")
            .env("CASELINK_LOG_FORMAT", "json")
            .env("CASELINK_LOG", log)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stderr(Stdio::piped())
            .spawn()
            .expect("start caselink serve");
        let (sender, lines) = mpsc::channel::<String>();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let address = wait_for_address(&lines);
        LoggedServer {
            child,
            lines,
            address,
        }
    }

    /// Stops the server; returns every line it logged. The reader thread may still be
    /// behind the pipe when the process is gone (a line logged just before the last
    /// answer was read has been seen missing), so this reads until the thread reaches
    /// the pipe's end and hangs up, not only what it has forwarded so far.
    pub fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut lines = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(30)) {
            lines.push(line);
        }
        lines
    }
}

pub fn wait_for_address(lines: &mpsc::Receiver<String>) -> String {
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(30)) {
        let parsed: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        if let Some(addr) = parsed["fields"]["addr"].as_str() {
            return format!("http://{addr}");
        }
    }
    panic!("caselink serve did not start");
}
