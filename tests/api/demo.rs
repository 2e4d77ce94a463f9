//! `caselink demo`, the README's first command: the real binary seeds its embedded
//! database and serves the workspace, and the guardianship officer's inbox waits with the
//! transfers and notices the demo tells of.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::harness::on_postgres;

/// The demo process and its directory, stopped and removed when the test ends however it
/// ends.
struct Demo(Child, std::path::PathBuf);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

/// The address the demo serves on, read from its log line "CaseLink is serving" (JSON,
/// on its standard error); its later output is drained so that it never blocks. `None`
/// when the process ended before serving.
fn served_address(child: &mut Child) -> std::sync::mpsc::Receiver<Option<String>> {
    use std::io::BufRead as _;
    let stderr = child.stderr.take().expect("the demo's log");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            let Ok(event) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            if event["fields"]["message"] == "CaseLink is serving" {
                if let Some(tx) = tx.take() {
                    let _ = tx.send(event["fields"]["addr"].as_str().map(str::to_owned));
                }
            }
        }
        if let Some(tx) = tx {
            let _ = tx.send(None);
        }
    });
    rx
}

#[tokio::test]
async fn the_demo_seeds_its_database_and_the_officers_inbox_waits() {
    if on_postgres() {
        // The demo runs on its embedded default; the SQLite run covers it.
        return;
    }
    let dir = std::env::temp_dir().join(format!("caselink_demo_{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("a directory for the demo");
    // Port 0, and the address from the demo's log: a port picked here could be taken by
    // another test, or by the concurrent PostgreSQL run, while the demo seeds.
    let mut child = Command::new(env!("CARGO_BIN_EXE_caselink"))
        .arg("demo")
        .current_dir(&dir)
        .env_remove("DATABASE_URL")
        .env("CASELINK_ADDR", "127.0.0.1:0")
        .env("CASELINK_LOG", "warn,caselink=info")
        .env("CASELINK_LOG_FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start caselink demo");
    let served = served_address(&mut child);
    let _demo = Demo(child, dir);
    // Seeding hashes a password per demo user: allow a slow debug build its time.
    let address =
        tokio::task::spawn_blocking(move || served.recv_timeout(Duration::from_secs(120)))
            .await
            .expect("wait for the demo")
            .expect("the demo serves within two minutes")
            .expect("the demo serves rather than ending");
    let base = format!("http://{address}");
    let client = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..600 {
        let answer = client.get(format!("{base}/readyz")).send().await;
        if answer.is_ok_and(|r| r.status().is_success()) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(ready, "the demo did not become ready at {base}");

    let login = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";
    let body: Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": login, "variables": {
            "e": "guardianship@demo.caselink", "p": "demo-password-2026" } }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let token = body["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("the demo officer signs in: {body}"));
    let home = client
        .get(format!("{base}/"))
        .header("cookie", format!("caselink_session={token}"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("a page");
    for shown in ["Передача случая", "Информирование", "просрочен"]
    {
        assert!(
            home.contains(shown),
            "the officer's home shows {shown}: {home}"
        );
    }
    // The demo's working group: a held, approved meeting with decisions and one next week.
    let meetings: Value = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": "{ mrgMeetings(first: 20) { nodes { minutesStatus agenda { attachments { kind fileName downloadPath } } } } decisions(first: 20) { edges { node { status } } } }" }))
        .send()
        .await
        .expect("meetings")
        .json()
        .await
        .expect("JSON");
    let statuses: Vec<&Value> = meetings["data"]["mrgMeetings"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| &m["minutesStatus"])
        .collect();
    assert_eq!(
        statuses,
        [&json!("DRAFT"), &json!("APPROVED")],
        "{meetings}"
    );
    // Next week's submission attaches the discharge summary from the case's file; the
    // chair lists it.
    let attached = &meetings["data"]["mrgMeetings"]["nodes"][0]["agenda"][0]["attachments"];
    assert_eq!(attached.as_array().map(Vec::len), Some(1), "{meetings}");
    assert_eq!(attached[0]["kind"], "MEDICAL_DOCUMENT", "{meetings}");
    let decided = meetings["data"]["decisions"]["edges"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(decided, 5, "the chair sees every decision: {meetings}");

    // The centre's staff see their three children in reunification, one report overdue,
    // each at its stage.
    let body: Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": login, "variables": {
            "e": "rehab@demo.caselink", "p": "demo-password-2026" } }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let token = body["data"]["login"]["token"].as_str().unwrap_or_default();
    let list = "{ reunificationsInCare(first: 10) { edges { node { status childStage inspectionVerdict reportOverdue } } } }";
    let body: Value = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": list }))
        .send()
        .await
        .expect("the list")
        .json()
        .await
        .expect("JSON");
    let nodes: Vec<&Value> = body["data"]["reunificationsInCare"]["edges"]
        .as_array()
        .map(|edges| edges.iter().map(|e| &e["node"]).collect())
        .unwrap_or_default();
    assert_eq!(nodes.len(), 3, "{body}");
    assert!(nodes.iter().any(|n| n["status"] == "RETURNED"), "{body}");
    assert!(
        nodes.iter().any(|n| n["inspectionVerdict"] == "NEGATIVE"),
        "{body}"
    );
    assert!(nodes.iter().any(|n| n["reportOverdue"] == true), "{body}");

    // The centre's own case from an intake, with its log; the shelter owes a review.
    let mine = "{ overdueMonitoring(mine: true) { nodes { journalNumber intake { source } contact { noContact } workLog { kind } } } }";
    let ask = |token: String| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let body: Value = client
                .post(format!("{base}/graphql"))
                .bearer_auth(token)
                .json(&json!({ "query": mine }))
                .send()
                .await
                .expect("overdue monitoring")
                .json()
                .await
                .expect("JSON");
            body
        }
    };
    let centre = ask(token.to_owned()).await;
    assert_eq!(
        centre["data"]["overdueMonitoring"]["nodes"],
        json!([]),
        "{centre}"
    );
    let body: Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": login, "variables": {
            "e": "shelter@demo.caselink", "p": "demo-password-2026" } }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let shelter = body["data"]["login"]["token"].as_str().unwrap_or_default();
    let owed = ask(shelter.to_owned()).await;
    let owed = &owed["data"]["overdueMonitoring"]["nodes"];
    assert_eq!(owed.as_array().map(Vec::len), Some(1), "{owed}");
    assert_eq!(owed[0]["intake"]["source"], "APPLICATION", "{owed}");
    assert_eq!(owed[0]["contact"]["noContact"], true, "{owed}");
    assert_eq!(
        owed[0]["workLog"].as_array().map(Vec::len),
        Some(3),
        "{owed}"
    );
    // The curator's personal files: one complete, one missing its birth certificate and
    // the signed plan.
    let body: Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": login, "variables": {
            "e": "curator@demo.caselink", "p": "demo-password-2026" } }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("JSON");
    let token = body["data"]["login"]["token"].as_str().unwrap_or_default();
    let files = "{ cases(first: 50) { edges { node { documents { type } fileChecklist { type present } } } } }";
    let body: Value = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": files }))
        .send()
        .await
        .expect("the files")
        .json()
        .await
        .expect("JSON");
    let filled: Vec<&Value> = body["data"]["cases"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["node"])
        .filter(|n| n["documents"].as_array().is_some_and(|d| !d.is_empty()))
        .collect();
    assert_eq!(filled.len(), 2, "{body}");
    let missing = |n: &Value| {
        n["fileChecklist"].as_array().map_or(0, |items| {
            items.iter().filter(|i| i["present"] == false).count()
        })
    };
    let mut counts: Vec<usize> = filled.iter().map(|n| missing(n)).collect();
    counts.sort_unstable();
    assert_eq!(counts, [0, 2], "{body}");

    // The regional analyst sees the region's agencies side by side, without numbers;
    // the service's head has a frozen half-year conclusion.
    let sign_in = |email: &'static str| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let body: Value = client
                .post(format!("{base}/graphql"))
                .json(&json!({ "query": login, "variables": {
                    "e": email, "p": "demo-password-2026" } }))
                .send()
                .await
                .expect("login")
                .json()
                .await
                .expect("JSON");
            body["data"]["login"]["token"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };
    let post = |token: String, query: &'static str| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let body: Value = client
                .post(format!("{base}/graphql"))
                .bearer_auth(token)
                .json(&json!({ "query": query }))
                .send()
                .await
                .expect("a query")
                .json()
                .await
                .expect("JSON");
            body
        }
    };
    let analyst = sign_in("region@demo.caselink").await;
    let body = post(
        analyst,
        "{ territoryReport(period: { from: \"2026-01-01\", to: \"2026-06-30\" }) { agencyName changedDecision { numerator journalNumbers } } }",
    )
    .await;
    let agencies = body["data"]["territoryReport"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        agencies.len() >= 6,
        "the region's agencies side by side: {body}"
    );
    assert!(
        agencies
            .iter()
            .all(|a| a["changedDecision"]["journalNumbers"].is_null()),
        "{body}"
    );
    let head = sign_in("head@demo.caselink").await;
    let body = post(head, "{ reportConclusions { status analysis } }").await;
    let issued = body["data"]["reportConclusions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        issued.iter().any(|c| c["status"] == "ISSUED"),
        "an issued half-year conclusion: {body}"
    );

    // An MRG recommendation became a task of the case's decision-change plan.
    let curator = sign_in("curator@demo.caselink").await;
    let body = post(
        curator.clone(),
        "{ decisions(first: 20) { edges { node { text status case { id } became { kind targetId } } } } }",
    )
    .await;
    let planned: Vec<Value> = body["data"]["decisions"]["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["node"].clone())
        .filter(|n| n["became"][0]["kind"] == "PLAN_TASK")
        .collect();
    assert_eq!(planned.len(), 1, "{body}");
    let rec = &planned[0];
    assert_eq!(rec["text"], "Провести курс психологических консультаций");
    assert_eq!(rec["status"], "IN_PROGRESS");
    let plans: Value = client
        .post(format!("{base}/graphql"))
        .bearer_auth(&curator)
        .json(&json!({
            "query": "query($c: ID!) { plans(caseId: $c) { kind version tasks { id specialistAction } } }",
            "variables": { "c": rec["case"]["id"] } }))
        .send()
        .await
        .expect("the plans")
        .json()
        .await
        .expect("JSON");
    let plan = &plans["data"]["plans"][0];
    assert_eq!(plan["kind"], "DECISION_CHANGE", "{plans}");
    assert_eq!(plan["version"], 2, "{plans}");
    let task = plan["tasks"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|t| t["id"] == rec["became"][0]["targetId"])
        .unwrap_or_else(|| panic!("the task on the plan: {plans}"));
    assert_eq!(
        task["specialistAction"],
        "Провести курс психологических консультаций"
    );
}
