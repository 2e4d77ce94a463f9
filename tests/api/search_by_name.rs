//! Finding a case by the mother's name (issue 14): only among the cases the agency reads in
//! FULL, each case found an audited read, through the API and the workspace alike, and the
//! name never in an address.

use serde_json::{json, Value};

use crate::cases::open_case_in;
use crate::harness::{error_code, error_field};
use crate::signals::signal_hub;
use crate::workspace::page_as;

const READS: &str = "audit_events WHERE action = 'PERSONAL_DATA_READ'";

async fn search(app: &crate::harness::TestApp, token: &str, name: &str) -> Value {
    app.gql(
        Some(token),
        "query($n: String!) { casesByMotherName(name: $n) { id journalNumber scope persons { fullName } } }",
        json!({ "n": name }),
    )
    .await
}

fn found(body: &Value) -> Vec<String> {
    body["data"]["casesByMotherName"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {body}"))
        .iter()
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn a_name_finds_only_cases_read_in_full_and_each_find_is_an_audited_read() {
    let hub = signal_hub().await;
    let case = open_case_in(&hub).await;
    let app = &hub.app;

    // Any case, any order, the start of each word; «ё» and «е» alike.
    for name in [
        "Иванова Мария Петровна",
        "иванова мар",
        "МАРИЯ ИВАНОВА",
        "петр",
    ] {
        let body = search(app, &hub.curator, name).await;
        assert_eq!(found(&body), vec![case.clone()], "{name}: {body}");
    }
    let body = search(app, &hub.curator, "Иванова Мария").await;
    assert_eq!(body["data"]["casesByMotherName"][0]["scope"], "FULL");
    for name in ["Петрова", "ванова", "Иванова Анна"] {
        assert!(
            found(&search(app, &hub.curator, name).await).is_empty(),
            "{name}"
        );
    }

    // The hospital sees the case as a summary, another hospital and an NGO not at all:
    // none of them finds it by the name.
    for token in [&hub.nurse, &hub.other_nurse] {
        assert!(found(&search(app, token, "Иванова").await).is_empty());
    }

    // Each search that finds is a read of the case; one that finds nothing reads nothing.
    let before = app.count(READS).await;
    search(app, &hub.curator, "Иванова").await;
    assert_eq!(app.count(READS).await, before + 1, "a find is audited");
    search(app, &hub.curator, "Петрова").await;
    search(app, &hub.nurse, "Иванова").await;
    assert_eq!(
        app.count(READS).await,
        before + 1,
        "nothing found, nothing read"
    );

    // Bad input names the field.
    for name in ["", "  12 ", "а б в г д", &"я".repeat(201)] {
        let body = search(app, &hub.curator, name).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{name}: {body}");
        assert_eq!(error_field(&body), Some("name"));
    }
}

#[tokio::test]
async fn people_written_before_name_keys_get_theirs_when_the_hub_migrates() {
    let hub = signal_hub().await;
    let case = open_case_in(&hub).await;
    let app = &hub.app;
    app.execute("UPDATE case_persons SET name_key = NULL")
        .await
        .expect("forget the keys");
    assert!(found(&search(app, &hub.curator, "Иванова").await).is_empty());
    let filled = caselink::cases::store::fill_name_keys(&app.db)
        .await
        .expect("fill the keys");
    assert!(filled > 0);
    assert_eq!(
        found(&search(app, &hub.curator, "Иванова").await),
        vec![case]
    );
}

#[tokio::test]
async fn the_workspace_posts_a_name_and_shows_the_cases_found() {
    let hub = signal_hub().await;
    let case = open_case_in(&hub).await;
    let app = &hub.app;
    let (_, form) = page_as(app, &hub.curator, "/search").await;
    assert!(form.contains("action=\"/search/mother\""), "{form}");

    let post = |token: String, csrf: String, name: &'static str| {
        app.http()
            .post(format!("{}/search/mother", app.address))
            .header("cookie", format!("caselink_session={token}"))
            .form(&[("csrf", csrf), ("name", name.to_owned())])
            .send()
    };
    let forged = post(hub.curator.clone(), "00".into(), "Иванова")
        .await
        .expect("post");
    assert_eq!(forged.status(), 403, "no form token, no search");

    let csrf = caselink::web::session::form_token(&hub.curator);
    let answer = post(hub.curator.clone(), csrf, "иванова мария")
        .await
        .expect("post");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.url().path(), "/search/mother");
    assert!(answer.url().query().is_none(), "no name in the address");
    let page = answer.text().await.expect("a page");
    assert!(
        page.contains(&format!("/cases/{case}")) && page.contains("Иванова Мария Петровна"),
        "{page}"
    );

    // The hospital (a summary of the case) finds nothing; empty input is refused in words.
    let csrf = caselink::web::session::form_token(&hub.nurse);
    let page = post(hub.nurse.clone(), csrf, "Иванова")
        .await
        .expect("post")
        .text()
        .await
        .expect("a page");
    assert!(
        page.contains("nothing-found-by-name") && !page.contains(&case),
        "{page}"
    );
    let csrf = caselink::web::session::form_token(&hub.curator);
    let refused = post(hub.curator.clone(), csrf, "123").await.expect("post");
    assert_eq!(refused.status(), 400);
    assert!(refused.text().await.expect("a page").contains("name-error"));
}
