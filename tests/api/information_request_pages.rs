//! Information requests in a real browser: the guardianship officer sees the request on
//! the home page, opens it (the letter, with only who the person is), answers with text
//! and a file; the curator sees the answer on the case page and asks again through the
//! case page's form; another agency gets the not-found page.

use crate::browser::Browser;
use crate::handover_documents::pdf;
use crate::handovers::handover_hub;
use crate::information_requests::asked;
use crate::workspace::{page_as, sign_in};

const READS: &str = "audit_events WHERE action = 'PERSONAL_DATA_READ'";

/// The page's content, without the header (which names the signed-in user).
async fn main_text(browser: &Browser) -> String {
    browser
        .client
        .find(fantoccini::Locator::Css("main"))
        .await
        .expect("a main")
        .text()
        .await
        .expect("its text")
}

#[tokio::test]
async fn the_officer_answers_with_a_file_and_the_curator_reads_it_on_the_case_page() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let hub = handover_hub().await;
    let id = asked(&hub).await;
    let address = hub.app().address.clone();

    sign_in(&browser, &address, "officer@opeka.example").await;
    let text = browser.text().await;
    assert!(text.contains("Запросы информации к нам"), "{text}");
    assert!(
        text.contains("REQ-20"),
        "the request is on the home page: {text}"
    );
    browser.assert_accessible().await;

    let reads_before = hub.app().count(READS).await;
    browser.click("#information-requests a").await;
    assert_eq!(browser.url().await, format!("{address}/requests/{id}"));
    let text = browser.text().await;
    assert!(
        text.contains("Запрос информации № REQ-20"),
        "the letter: {text}"
    );
    assert!(
        text.contains("Иванова Мария Петровна"),
        "who it is about: {text}"
    );
    assert!(text.contains("02.04.1999"), "her birth date: {text}");
    assert!(text.contains("Состоит ли семья на учёте"), "{text}");
    for leak in ["Ленина", "+7 900", "негде жить"] {
        assert!(!text.contains(leak), "{leak} shown to the receiver: {text}");
    }
    assert!(
        hub.app().count(READS).await > reads_before,
        "reading who the person is is audited"
    );
    browser.screenshot("information-request").await;
    browser.assert_accessible().await;

    // The answer, with a scan chosen in the file field.
    let scan = std::env::temp_dir().join(format!("справка-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&scan, pdf()).expect("write the scan");
    browser
        .fill(
            "answer-text",
            "Семья на учёте не состоит; обращений не было.",
        )
        .await;
    browser
        .client
        .find(fantoccini::Locator::Id("answer-files"))
        .await
        .expect("the file field")
        .send_keys(&scan.display().to_string())
        .await
        .expect("choose the file");
    browser.click("#send-answer").await;
    let _ = std::fs::remove_file(&scan);
    assert_eq!(browser.url().await, format!("{address}/requests/{id}"));
    let text = main_text(&browser).await;
    assert!(text.contains("ответ получен"), "{text}");
    assert!(text.contains("не состоит"), "{text}");
    assert!(text.contains("справка-"), "the file is listed: {text}");
    // (The test hub names every user as the mother is named: look for her field.)
    assert!(
        !text.contains("02.04.1999")
            && browser
                .client
                .find(fantoccini::Locator::Id("request-person"))
                .await
                .is_err(),
        "answered: the receiver no longer sees who it is: {text}"
    );
    browser.click("form.signout button").await;

    // The curator reads the answer and downloads its file from the case page.
    sign_in(&browser, &address, "curator@service.example").await;
    browser.open(&format!("{address}/cases/{}", hub.case)).await;
    let text = browser.text().await;
    assert!(text.contains("Запросы информации"), "{text}");
    assert!(
        text.contains("не состоит"),
        "the answer is in the case: {text}"
    );
    assert!(text.contains("справка-"), "{text}");
    browser.screenshot("case-information-requests").await;
    browser.assert_accessible().await;
    let href = browser
        .client
        .find(fantoccini::Locator::Css(".answer-documents a"))
        .await
        .expect("the answer's document")
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    let (status, _) = page_as(hub.app(), &hub.hub.curator, &href).await;
    assert_eq!(status, 200, "the lead downloads the answer's document");

    // Asking again through the case page's form opens the new request.
    let social = hub.social.clone();
    browser
        .client
        .execute(
            "document.getElementById('ask-receiver').value = arguments[0];",
            vec![serde_json::json!(social)],
        )
        .await
        .expect("choose the agency");
    browser
        .fill("ask-questions", "Получает ли семья пособия?")
        .await;
    let due = crate::information_requests::due_in(10);
    browser
        .client
        .execute(
            "document.getElementById('ask-due').value = arguments[0];",
            vec![serde_json::json!(due)],
        )
        .await
        .expect("set the due date");
    browser.click("#ask-send").await;
    assert!(
        browser.url().await.contains("/requests/"),
        "{}",
        browser.url().await
    );
    let text = browser.text().await;
    assert!(text.contains("REQ-20") && text.contains("-0002"), "{text}");
    assert!(text.contains("КЦСОН «Апрель»"), "{text}");
    browser.close().await;

    // Another agency's officer gets the not-found page at the same address.
    let (status, text) = page_as(hub.app(), &hub.hub.ngo, &format!("/requests/{id}")).await;
    assert_eq!(status, 404);
    assert!(text.contains("Страница не найдена"), "{text}");
}

#[tokio::test]
async fn a_refused_answer_is_shown_in_the_users_words_and_a_form_without_its_token_is_refused() {
    let hub = handover_hub().await;
    let id = asked(&hub).await;
    let app = hub.app();
    // No CSRF token: refused, nothing answered.
    let form = reqwest::multipart::Form::new().text("text", "Ответ");
    let refused = app
        .http()
        .post(format!("{}/requests/{id}/answer", app.address))
        .header("cookie", format!("caselink_session={}", hub.officer))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 403);
    assert_eq!(
        app.count("information_requests WHERE status = 'OPEN'")
            .await,
        1
    );
    let (_, page) = page_as(app, &hub.officer, &format!("/requests/{id}")).await;
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a form token: {page}"))
        .to_owned();
    let exe = reqwest::multipart::Part::bytes(b"MZ\x90\x00".to_vec()).file_name("scan.pdf");
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .text("text", "Ответ")
        .part("documents", exe);
    let response = app
        .http()
        .post(format!("{}/requests/{id}/answer", app.address))
        .header("cookie", format!("caselink_session={}", hub.officer))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 400);
    let text = response.text().await.expect("a page");
    assert!(text.contains("Документ не принят"), "{text}");
    assert_eq!(app.count("information_request_documents").await, 0);
}
