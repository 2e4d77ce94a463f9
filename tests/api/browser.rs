//! A real browser for the workspace's tests: Debian's Chromium, headless, driven through
//! its chromedriver over WebDriver (fantoccini). `scripts/test-all` installs both when
//! they are missing. Without them a test is skipped with a loud note, except under
//! `CI=true`, where a missing browser fails the run.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// One headless Chromium with its own profile, ended with the test.
pub struct Browser {
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

impl Browser {
    /// Starts a browser, or `None` (with a note) where none is installed outside CI.
    pub async fn start() -> Option<Browser> {
        let driver_path = std::env::var("CASELINK_CHROMEDRIVER").unwrap_or(CHROMEDRIVER.into());
        let chromium = std::env::var("CASELINK_CHROMIUM").unwrap_or(CHROMIUM.into());
        if !std::path::Path::new(&driver_path).exists() || !std::path::Path::new(&chromium).exists()
        {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true");
            assert!(!ci, "CI=true: Chromium and chromedriver are required ({chromium}, {driver_path}); scripts/test-all installs them");
            eprintln!("!!! SKIPPED a browser test: no {chromium} or {driver_path} (scripts/test-all installs them)");
            return None;
        }
        let (driver, port) = start_driver(&driver_path);
        let profile = std::env::temp_dir().join(format!(
            "caselink-chromium-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                // No network beyond loopback here: background connections are refused by
                // the machine, many at a time, so they are switched off.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-quic", "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                         format!("--user-data-dir={}", profile.display())],
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..100 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        driver,
                        profile,
                    })
                }
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not answer on {url}: {last_error:?}");
    }

    /// Opens `url` and waits for its page.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("open a page");
    }

    /// The current page's text.
    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .expect("a body")
            .text()
            .await
            .expect("its text")
    }

    /// The current address.
    pub async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("the address")
            .to_string()
    }

    /// Types `value` into the field with id `id`.
    pub async fn fill(&self, id: &str, value: &str) {
        let field = self
            .client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("field #{id}: {e}"));
        field.clear().await.expect("clear a field");
        field.send_keys(value).await.expect("type into a field");
    }

    /// Clicks the element `css` finds and waits for the next page.
    pub async fn click(&self, css: &str) {
        self.client
            .execute("window.caselinkOldPage = true;", vec![])
            .await
            .expect("mark the page");
        let element = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
        // The new page is there when the old one's marker is gone, it has loaded with a
        // body, and the driver reports its address (during a navigation it may still
        // report the old one).
        let probe =
            "return (window.caselinkOldPage !== true && document.readyState === 'complete' \
                     && document.body !== null) ? location.href : null;";
        for _ in 0..400 {
            if let Ok(serde_json::Value::String(href)) = self.client.execute(probe, vec![]).await {
                if self
                    .client
                    .current_url()
                    .await
                    .is_ok_and(|url| url.as_str() == href)
                {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no page came after clicking {css}");
    }

    /// Checks what a keyboard or screen-reader user needs of the page: a language, one
    /// `h1` and no heading level skipped, a label for every field, a name for every button
    /// and link, and a skip link to the content. Panics naming what is missing.
    pub async fn assert_accessible(&self) {
        const CHECK: &str = r##"
            const problems = [];
            if (!document.documentElement.lang) problems.push('no lang on <html>');
            const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
            if (levels.filter(l => l === 1).length !== 1) problems.push('not exactly one h1');
            levels.forEach((l, i) => { if (i > 0 && l > levels[i - 1] + 1) problems.push('heading h' + levels[i - 1] + ' then h' + l); });
            for (const f of document.querySelectorAll('input:not([type=hidden]),select,textarea')) {
                const labelled = (f.id && document.querySelector('label[for="' + f.id + '"]')) || f.getAttribute('aria-label');
                if (!labelled) problems.push('field without a label: ' + (f.name || f.id || f.outerHTML));
            }
            for (const b of document.querySelectorAll('button,a[href]')) {
                if (!b.textContent.trim() && !b.getAttribute('aria-label')) problems.push('unnamed ' + b.tagName + ': ' + b.outerHTML);
            }
            if (!document.querySelector('a.skip[href="#content"]')) problems.push('no skip link');
            return problems;
        "##;
        let problems = self
            .client
            .execute(CHECK, vec![])
            .await
            .expect("run the check");
        let url = self.url().await;
        assert_eq!(problems, serde_json::json!([]), "accessibility of {url}");
    }

    /// Saves a screenshot of the page as `docs/screenshots/<name>.png` when
    /// `CASELINK_SCREENSHOTS=1` (the docs' pictures are made by these tests).
    pub async fn screenshot(&self, name: &str) {
        if std::env::var("CASELINK_SCREENSHOTS").as_deref() != Ok("1") {
            return;
        }
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
        std::fs::create_dir_all(&dir).expect("docs/screenshots");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write a screenshot");
    }

    /// Ends the browser and its driver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
        // Drop ends the processes and removes the profile.
    }
}

impl Drop for Browser {
    /// Ends chromedriver and every process under it. Killing the driver alone leaves its
    /// Chromium running: a test that panicked before `close` used to leak a headless
    /// browser that kept a core busy for the rest of the run.
    fn drop(&mut self) {
        let tree = process_tree(self.driver.id());
        if !tree.is_empty() {
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(tree.iter().map(u32::to_string))
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// `root`'s descendants, read from `/proc` (children first found, then theirs).
fn process_tree(root: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // The name in parentheses may hold spaces; the parent is the 2nd field after it.
            let after_name = &stat[stat.rfind(')')? + 1..];
            let ppid: u32 = after_name.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect();
    let mut tree = Vec::new();
    let mut frontier = vec![root];
    while let Some(parent) = frontier.pop() {
        for &(pid, ppid) in &parents {
            if ppid == parent && !tree.contains(&pid) {
                tree.push(pid);
                frontier.push(pid);
            }
        }
    }
    tree
}

/// Starts chromedriver on a port it picks; returns it with the port.
///
/// Port 0: chromedriver binds a free port itself and names it. A port picked here and
/// handed over could be taken in between by another test or by a concurrent run of the
/// suite (scripts/test-all runs SQLite and PostgreSQL at once), and the session would then
/// go to that run's driver. But chromedriver binds IPv6 and IPv4 separately: the port the
/// system gave it on one can be taken on the other, and it then exits ("IPv4 port not
/// available"; seen in CI). A fresh start gets a fresh port, so it is started again.
fn start_driver(driver_path: &str) -> (Child, u16) {
    const ATTEMPTS: usize = 5;
    let mut outputs = Vec::new();
    for _ in 0..ATTEMPTS {
        let mut driver = Command::new(driver_path)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        match driver_port(&mut driver) {
            Ok(port) => return (driver, port),
            Err(output) => {
                let _ = driver.wait();
                outputs.push(output);
            }
        }
    }
    panic!("chromedriver ended without naming its port, {ATTEMPTS} times: {outputs:#?}");
}

/// The port chromedriver started on, read from its first lines ("ChromeDriver was started
/// successfully on port 41234."); the rest of its output is drained in the background so
/// that it never blocks on a full pipe. Its output when it ends without one.
fn driver_port(driver: &mut Child) -> Result<u16, String> {
    use std::io::BufRead as _;
    let stdout = driver.stdout.take().expect("chromedriver's output");
    let mut lines = std::io::BufReader::new(stdout);
    let mut seen = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        let read = lines
            .read_line(&mut line)
            .expect("read chromedriver's output");
        if read == 0 {
            return Err(seen);
        }
        seen.push_str(&line);
        let port = line
            .trim_end()
            .trim_end_matches('.')
            .rsplit_once("started successfully on port ")
            .and_then(|(_, port)| port.parse().ok());
        if let Some(port) = port {
            std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
            return Ok(port);
        }
    }
}
