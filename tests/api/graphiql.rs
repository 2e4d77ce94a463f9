//! GraphiQL from the binary: the page and every file it names load from the hub itself,
//! and nothing in our page or script points outside it (an agency network may have no
//! way out).

use crate::harness::{spawn_app, spawn_app_with, TestApp};

/// Every `src="…"` and `href="…"` of the page.
fn referenced(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        let mut rest = page;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let Some(end) = rest.find('"') else { break };
            found.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    found
}

/// What points outside the hub: an absolute URL, a protocol-relative one, a CDN's name.
fn outside_addresses(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut found: Vec<String> = [
        "http://",
        "https://",
        "cdn",
        "unpkg",
        "jsdelivr",
        "cloudflare",
    ]
    .into_iter()
    .filter(|needle| lower.contains(needle))
    .map(str::to_owned)
    .collect();
    // `//host` in an attribute, a string or a CSS url(); a `//` comment in a script starts
    // a line or follows a space, never a quote or a parenthesis.
    for opener in ["\"//", "'//", "`//", "(//", "=//"] {
        if lower.contains(opener) {
            found.push(opener.to_owned());
        }
    }
    found
}

/// GETs `path` as a browser does: GraphiQL's page goes to a client that asks for HTML
/// first; any other GET of `/graphql` runs a query (tests/api/http_spec.rs).
async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    app.http()
        .get(format!("{}{path}", app.address))
        .header(
            "accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        .send()
        .await
        .expect("GET")
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn graphiql_loads_everything_from_the_hub_itself() {
    let app = spawn_app().await;
    let page = get(&app, "/graphql").await;
    assert_eq!(page.status(), 200);
    assert!(header(&page, "content-type").starts_with("text/html"));
    let policy = header(&page, "content-security-policy").to_owned();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-eval"), "{policy}");
    let page = page.text().await.expect("the page");

    // No inline script: every <script> names a file and has nothing inside.
    assert_eq!(
        page.matches("<script").count(),
        page.matches("<script src=\"/").count(),
        "{page}"
    );
    assert_eq!(
        page.matches("></script>").count(),
        page.matches("<script").count()
    );
    assert!(!page.contains(" onload=") && !page.contains(" onclick="));
    assert_eq!(outside_addresses(&page), Vec::<String>::new(), "{page}");

    let files = referenced(&page);
    assert!(files.len() >= 6, "{files:?}");
    let mut ours = Vec::new();
    for file in &files {
        assert!(file.starts_with("/assets/graphiql/"), "{file}");
        let response = get(&app, file).await;
        assert_eq!(response.status(), 200, "{file}");
        let content_type = header(&response, "content-type").to_owned();
        let expected = if file.ends_with(".js") {
            "text/javascript"
        } else if file.ends_with(".css") {
            "text/css"
        } else {
            panic!("unexpected file {file}")
        };
        assert!(content_type.starts_with(expected), "{file}: {content_type}");
        assert_eq!(header(&response, "x-content-type-options"), "nosniff");
        let cache = header(&response, "cache-control").to_owned();
        let body = response.text().await.expect("the file");
        assert!(body.len() > 100, "{file} is nearly empty");
        if file.contains("caselink-") {
            assert_eq!(cache, "no-cache", "{file}");
            ours.push((file.clone(), body));
        } else {
            // Vendored files have their version in the path and are kept for a year.
            assert!(cache.contains("max-age=31536000"), "{file}: {cache}");
        }
    }
    assert_eq!(ours.len(), 2, "our script and style");
    for (file, body) in ours {
        assert_eq!(outside_addresses(&body), Vec::<String>::new(), "{file}");
    }
    let unknown = get(&app, "/assets/graphiql/../Cargo.toml").await;
    assert_eq!(unknown.status(), 404);
    let unknown = get(&app, "/assets/graphiql/nothing.js").await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn the_example_operations_cover_each_main_user_and_the_note_explains_the_header() {
    let app = spawn_app().await;
    let page = get(&app, "/graphql").await.text().await.expect("the page");
    let script = get(&app, "/assets/graphiql/caselink-graphiql.js")
        .await
        .text()
        .await
        .expect("the script");
    for operation in [
        "login(",
        "handoverInbox(",
        "acceptHandover(",
        "myCases(",
        "auditEvents(",
    ] {
        assert!(script.contains(operation), "no example of {operation}");
    }
    assert!(script.contains("createFetcher") && script.contains("\"/graphql\""));
    // The note: Russian first, then English, both naming the header.
    let russian = page.find("Как войти").expect("the Russian note");
    let english = page.find("Signing in").expect("the English note");
    assert!(russian < english);
    assert_eq!(page.matches("Authorization").count(), 2, "{page}");
    assert!(page.contains("Bearer &lt;token&gt;"));
}

#[tokio::test]
async fn with_graphiql_off_neither_the_page_nor_its_files_are_served() {
    let off = spawn_app_with(|c| c.graphiql = false).await;
    assert_ne!(get(&off, "/graphql").await.status(), 200);
    let script = get(&off, "/assets/graphiql/caselink-graphiql.js").await;
    assert_eq!(script.status(), 404);
}
