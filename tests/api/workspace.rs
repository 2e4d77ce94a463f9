//! The web workspace in a real browser (issue 14): signing in and out, the guardianship
//! officer's home with the requests waiting for them, CSRF on every form, sessions that
//! end with the agency, and the page headers.

use serde_json::json;

use crate::browser::Browser;
use crate::handover_documents::{pdf, request_with};
use crate::handovers::{handover_hub, id_of, HandoverHub};
use crate::harness::PASSWORD;

const READS: &str = "audit_events WHERE action = 'PERSONAL_DATA_READ'";

async fn journal_no(hub: &HandoverHub) -> String {
    let body = hub
        .app()
        .gql(
            Some(&hub.hub.head),
            "query($id: ID!) { case(id: $id) { journalNumber } }",
            json!({ "id": hub.case }),
        )
        .await;
    body["data"]["case"]["journalNumber"]
        .as_str()
        .unwrap_or_else(|| panic!("no journal number: {body}"))
        .to_owned()
}

pub async fn sign_in(browser: &Browser, address: &str, email: &str) {
    browser.open(&format!("{address}/login")).await;
    sign_in_here(browser, email).await;
}

/// Signs in with the sign-in form the browser shows.
async fn sign_in_here(browser: &Browser, email: &str) {
    browser.fill("email", email).await;
    browser.fill("password", PASSWORD).await;
    browser.click("form.stack button[type=submit]").await;
    let url = browser.url().await;
    assert!(
        !url.contains("/login"),
        "still at {url}: {}",
        browser.text().await
    );
}

#[tokio::test]
async fn the_officer_signs_in_sees_the_waiting_transfer_and_signs_out() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let hub = handover_hub().await;
    hub.transfer().await;
    let number = journal_no(&hub).await;
    let address = hub.app().address.clone();

    browser.open(&format!("{address}/")).await;
    assert!(
        browser.url().await.contains("/login?next=%2F"),
        "home sends a stranger to sign in"
    );
    browser.screenshot("sign-in").await;
    browser.assert_accessible().await;
    browser.fill("email", "officer@opeka.example").await;
    browser.fill("password", "a wrong password!").await;
    browser.click("form.stack button[type=submit]").await;
    let text = browser.text().await;
    assert!(
        text.contains("Неверный адрес электронной почты или пароль"),
        "{text}"
    );

    sign_in(&browser, &address, "officer@opeka.example").await;
    assert_eq!(browser.url().await, format!("{address}/"));
    let text = browser.text().await;
    assert!(text.contains("Что требует внимания сегодня"), "{text}");
    assert!(
        text.contains(&number),
        "the transfer's case {number} is listed: {text}"
    );
    assert!(text.contains("Передача случая"), "{text}");
    assert!(
        text.contains("Asia/Yekaterinburg"),
        "times in the agency's zone: {text}"
    );
    browser.screenshot("home-officer").await;
    browser.assert_accessible().await;

    browser.click("form.signout button").await;
    assert!(
        browser.url().await.ends_with("/login"),
        "{}",
        browser.url().await
    );
    browser.open(&format!("{address}/")).await;
    assert!(
        browser.url().await.contains("/login"),
        "signed out: home asks to sign in again"
    );
    browser.close().await;
}

#[tokio::test]
async fn another_agency_sees_none_of_the_request_and_unknown_pages_are_not_found() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let hub = handover_hub().await;
    hub.transfer().await;
    let number = journal_no(&hub).await;
    let address = hub.app().address.clone();
    sign_in(&browser, &address, "head@kcson.example").await;
    let text = browser.text().await;
    assert!(
        !text.contains(&number),
        "social protection sees no transfer to guardianship: {text}"
    );
    assert!(text.contains("Входящих запросов нет"), "{text}");
    browser.open(&format!("{address}/no/such/page")).await;
    let text = browser.text().await;
    assert!(text.contains("Страница не найдена"), "{text}");
    browser.close().await;
}

#[tokio::test]
async fn a_session_ends_when_its_agency_is_deactivated() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let hub = handover_hub().await;
    let address = hub.app().address.clone();
    sign_in(&browser, &address, "officer@opeka.example").await;
    assert_eq!(browser.url().await, format!("{address}/"));
    let deactivate =
        "mutation($id: ID!) { updateAgency(id: $id, input: {active: false}) { active } }";
    let body = hub
        .app()
        .gql(
            Some(&hub.hub.admin),
            deactivate,
            json!({ "id": hub.guardianship }),
        )
        .await;
    assert_eq!(body["data"]["updateAgency"]["active"], false, "{body}");
    browser.open(&format!("{address}/")).await;
    assert!(
        browser.url().await.contains("/login"),
        "the session ended with the agency"
    );
    browser.close().await;
}

#[tokio::test]
async fn forms_without_their_csrf_token_are_refused() {
    let hub = handover_hub().await;
    let app = hub.app();
    // Sign-in without the double-submit cookie: refused, nobody signed in.
    let response = app
        .http()
        .post(format!("{}/login", app.address))
        .form(&[
            ("email", "officer@opeka.example"),
            ("password", PASSWORD),
            ("csrf", "forged"),
        ])
        .send()
        .await
        .expect("post the sign-in form");
    assert_eq!(response.status(), 403);
    assert!(response
        .headers()
        .get("set-cookie")
        .is_none_or(|c| !c.to_str().unwrap_or("").contains("caselink_session=")));

    // Signed in with a cookie, sign-out without the form token: refused, session lives.
    let token = app.login("officer@opeka.example", PASSWORD).await;
    let cookie = format!("caselink_session={token}");
    let response = app
        .http()
        .post(format!("{}/logout", app.address))
        .header("cookie", &cookie)
        .form(&[("csrf", "00")])
        .send()
        .await
        .expect("post the sign-out form");
    assert_eq!(response.status(), 403);
    let home = app
        .http()
        .get(format!("{}/", app.address))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("open home");
    assert_eq!(home.status(), 200, "the session still works");
}

#[tokio::test]
async fn pages_carry_the_security_headers_and_graphql_ignores_the_cookie() {
    let hub = handover_hub().await;
    let app = hub.app();
    let token = app.login("officer@opeka.example", PASSWORD).await;
    let cookie = format!("caselink_session={token}");
    let home = app
        .http()
        .get(format!("{}/", app.address))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("open home");
    let header = |name: &str| {
        home.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    assert!(header("content-security-policy").contains("script-src 'self'"));
    assert!(!header("content-security-policy").contains("unsafe-inline"));
    assert!(header("content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("cache-control"), "no-store");
    let body = home.text().await.expect("a page");
    assert!(body.contains("<html lang=\"ru\">"), "Russian by default");

    // The API stays token-only: the cookie alone signs nobody in to /graphql.
    let me = app
        .http()
        .post(format!("{}/graphql", app.address))
        .header("cookie", &cookie)
        .json(&json!({ "query": "{ me { id } }" }))
        .send()
        .await
        .expect("post to graphql")
        .json::<serde_json::Value>()
        .await
        .expect("a GraphQL answer");
    assert_eq!(
        crate::harness::error_code(&me),
        Some("UNAUTHENTICATED"),
        "{me}"
    );
}

#[tokio::test]
async fn the_officer_opens_a_request_downloads_its_order_and_accepts_it_under_a_number() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let hub = handover_hub().await;
    let sent = request_with(&hub, vec![("приказ о передаче.pdf", pdf())]).await;
    let handover = id_of(&sent, "requestHandover");
    let number = journal_no(&hub).await;
    let address = hub.app().address.clone();

    // The link in the e-mail, opened before signing in, leads back after it.
    browser
        .open(&format!("{address}/handovers/{handover}"))
        .await;
    assert!(
        browser.url().await.contains("/login?next="),
        "{}",
        browser.url().await
    );
    browser.fill("email", "officer@opeka.example").await;
    browser.fill("password", PASSWORD).await;
    browser.click("form.stack button[type=submit]").await;
    assert_eq!(
        browser.url().await,
        format!("{address}/handovers/{handover}")
    );
    let reads_before = hub.app().count(READS).await;
    browser.open(&format!("{address}/")).await;
    browser.click("#inbox a").await;
    assert_eq!(
        browser.url().await,
        format!("{address}/handovers/{handover}")
    );
    let text = browser.text().await;
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("ожидает решения"), "{text}");
    assert!(
        text.contains("приказ о передаче.pdf"),
        "the package's document is listed: {text}"
    );
    assert!(
        hub.app().count(READS).await > reads_before,
        "reading the package is audited"
    );
    browser.screenshot("handover-request").await;
    browser.assert_accessible().await;

    // The document downloads with the browser's session, and only with it.
    let link = browser
        .client
        .find(fantoccini::Locator::Css("#package-documents a"))
        .await
        .expect("the document's link");
    let href = link.attr("href").await.expect("href").expect("a link");
    let session = browser
        .client
        .get_named_cookie("caselink_session")
        .await
        .expect("the session cookie");
    let download = hub
        .app()
        .http()
        .get(format!("{address}{href}"))
        .header("cookie", format!("caselink_session={}", session.value()))
        .send()
        .await
        .expect("download");
    assert_eq!(download.status(), 200);
    assert_eq!(download.bytes().await.expect("bytes").to_vec(), pdf());

    // The inventory prints under the sender's order mark, listing the package.
    browser.click("#inventory-link").await;
    let text = browser.text().await;
    assert!(text.contains("Опись передаваемых документов"), "{text}");
    assert!(
        text.contains("41-о · 20.11.2026"),
        "the sender's order mark: {text}"
    );
    assert!(
        text.contains("Лист сигнала") && text.contains("приказ о передаче.pdf"),
        "{text}"
    );
    browser.screenshot("inventory").await;
    browser.assert_accessible().await;
    browser
        .open(&format!("{address}/handovers/{handover}"))
        .await;

    // A transfer needs the incoming number: refused without it, the form kept.
    browser
        .client
        .execute("document.getElementById('registration-number').removeAttribute('required'); document.getElementById('registration-date').removeAttribute('required');", vec![])
        .await
        .expect("drop the browser's own check, to see the server's");
    browser.click("#accept").await;
    let text = browser.text().await;
    assert!(text.contains("укажите входящий номер и дату"), "{text}");

    browser.fill("registration-number", "ВХ-1234").await;
    browser
        .client
        .execute(
            "document.getElementById('registration-date').value = '2026-11-23';",
            vec![],
        )
        .await
        .expect("set the date");
    browser.click("#accept").await;
    let text = browser.text().await;
    assert!(text.contains("принят"), "{text}");
    assert!(text.contains("ВХ-1234 · 23.11.2026"), "{text}");

    // Accepted, the case is the officer's agency's in FULL: its page shows the people.
    let reads_before = hub.app().count(READS).await;
    browser.click("a[href^='/cases/']").await;
    let text = browser.text().await;
    assert!(text.contains(&number), "{text}");
    assert!(
        text.contains("ул. Ленина"),
        "the mother's name in FULL scope: {text}"
    );
    assert!(text.contains("Передача принята"), "the timeline: {text}");
    assert!(
        hub.app().count(READS).await > reads_before,
        "reading the case is audited"
    );
    browser.screenshot("case-full").await;
    browser.assert_accessible().await;
    let case_url = browser.url().await;

    // From anywhere, the case is found by its number.
    browser.open(&format!("{address}/")).await;
    browser.fill("find-number", &number.to_lowercase()).await;
    browser.click("form.find button").await;
    assert_eq!(browser.url().await, case_url, "one case found opens it");
    browser.close().await;

    // Social protection, with no part in the case, reads no case page and finds nothing.
    let outsider = hub.app().login("head@kcson.example", PASSWORD).await;
    let case_path = case_url.trim_start_matches(address.as_str());
    let (status, _) = page_as(hub.app(), &outsider, case_path).await;
    assert_eq!(status, 404, "an agency with no part in the case");
    let search = format!("/search?number={number}");
    let (_, text) = page_as(hub.app(), &outsider, &search).await;
    assert!(
        text.contains("Ничего не найдено"),
        "out of scope finds nothing: {text}"
    );

    // Another agency's officer gets the not-found page at the same address.
    let other = hub.app().login("head@kcson.example", PASSWORD).await;
    let (status, text) = page_as(hub.app(), &other, &format!("/handovers/{handover}")).await;
    assert_eq!(status, 404);
    assert!(text.contains("Страница не найдена"));
}

#[tokio::test]
async fn no_page_puts_personal_data_in_its_address_or_the_servers_log() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let hub = handover_hub().await;
    let sent = request_with(&hub, vec![("приказ.pdf", pdf())]).await;
    let handover = id_of(&sent, "requestHandover");
    let number = journal_no(&hub).await;
    let server = crate::logs::LoggedServer::start(hub.app(), "debug", &[]);
    let address = server.address.clone();

    let mut addresses = Vec::new();
    sign_in(&browser, &address, "officer@opeka.example").await;
    addresses.push(browser.url().await);
    browser
        .open(&format!("{address}/handovers/{handover}"))
        .await;
    addresses.push(browser.url().await);
    browser.fill("registration-number", "ВХ-77").await;
    browser
        .client
        .execute(
            "document.getElementById('registration-date').value = '2026-11-23';",
            vec![],
        )
        .await
        .expect("set the date");
    browser.click("#accept").await;
    addresses.push(browser.url().await);
    browser.click("a[href^='/cases/']").await;
    addresses.push(browser.url().await);
    let text = browser.text().await;
    assert!(
        text.contains("ул. Ленина"),
        "the case page shows the people: {text}"
    );
    browser.fill("find-number", &number).await;
    browser.click("form.find button").await;
    addresses.push(browser.url().await);
    let session = browser
        .client
        .get_named_cookie("caselink_session")
        .await
        .expect("the session cookie")
        .value()
        .to_owned();
    browser.click("form.signout button").await;
    addresses.push(browser.url().await);
    browser.close().await;

    let log = server.stop().join("\n");
    for address in &addresses {
        for personal in [
            "Иванова",
            "Ленина",
            "officer@opeka.example",
            PASSWORD,
            "ВХ-77",
        ] {
            assert!(
                !address.contains(personal),
                "{personal} in the address {address}"
            );
        }
    }
    for secret in [
        "Иванова",
        "Ленина",
        "officer",
        PASSWORD,
        session.as_str(),
        "ВХ-77",
    ] {
        assert!(!log.contains(secret), "{secret} appears in the log:\n{log}");
    }
    assert!(
        log.contains("/handovers/"),
        "the pages were served by this server:\n{log}"
    );
}

/// A page as the holder of `token` sees it through the workspace's cookie.
pub async fn page_as(app: &crate::harness::TestApp, token: &str, path: &str) -> (u16, String) {
    let response = app
        .http()
        .get(format!("{}{path}", app.address))
        .header("cookie", format!("caselink_session={token}"))
        .send()
        .await
        .expect("open a page");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a page"))
}

#[tokio::test]
async fn the_new_signal_link_opens_the_signal_for_the_service_and_nobody_else() {
    let hub = crate::signals::signal_hub().await;
    let id = hub.reported().await;
    let path = format!("/signals/{id}");
    let reads = hub.app.count(READS).await;
    let (status, head) = page_as(&hub.app, &hub.head, &path).await;
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("ул. Ленина"),
        "the service reads the mother in FULL: {head}"
    );
    assert!(head.contains("SIG-"), "{head}");
    assert!(hub.app.count(READS).await > reads, "the read is audited");
    let (status, other) = page_as(&hub.app, &hub.other_nurse, &path).await;
    assert_eq!(status, 404, "another hospital: {other}");
    assert!(!other.contains("ул. Ленина"));
}

#[tokio::test]
async fn a_user_switches_the_workspace_to_english_for_themselves_only() {
    let hub = handover_hub().await;
    let app = hub.app();
    let token = app.login("officer@opeka.example", PASSWORD).await;
    let csrf = caselink::web::session::form_token(&token);
    let switch = |language: &'static str, csrf: String| {
        app.http()
            .post(format!("{}/language", app.address))
            .header("cookie", format!("caselink_session={token}"))
            .form(&[("csrf", csrf), ("language", language.to_owned())])
            .send()
    };
    let forged = switch("en", "00".into()).await.expect("post");
    assert_eq!(
        forged.status(),
        403,
        "a switch without the form's token is refused"
    );
    let (_, home) = page_as(app, &token, "/").await;
    assert!(
        home.contains("Что требует внимания сегодня"),
        "still Russian"
    );

    let switched = switch("en", csrf.clone()).await.expect("post");
    assert_eq!(switched.url().path(), "/", "the switch leads home");
    assert!(switched
        .text()
        .await
        .expect("home")
        .contains("What needs you today"));
    let (_, home) = page_as(app, &token, "/").await;
    assert!(
        home.contains("What needs you today") && home.contains("<html lang=\"en\">"),
        "{home}"
    );
    let me = app
        .gql(Some(&token), "{ me { language } }", json!({}))
        .await;
    assert_eq!(me["data"]["me"]["language"], "EN", "{me}");

    // Another officer of the same agency still reads Russian.
    let other = app.login("officer2@opeka.example", PASSWORD).await;
    let (_, theirs) = page_as(app, &other, "/").await;
    assert!(theirs.contains("Что требует внимания сегодня"));

    // Back to the agency's language through the API.
    let reset = app
        .gql(
            Some(&token),
            "mutation { setMyLanguage(language: null) { language } }",
            json!({}),
        )
        .await;
    assert!(
        reset["data"]["setMyLanguage"]["language"].is_null(),
        "{reset}"
    );
    let (_, home) = page_as(app, &token, "/").await;
    assert!(home.contains("Что требует внимания сегодня"));
}
