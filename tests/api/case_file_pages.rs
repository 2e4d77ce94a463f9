//! The personal file on the case page, in a real browser: the curator sees the checklist
//! with what is missing, uploads a scan through the plain multipart form (no JavaScript
//! needed), downloads it, sees a refused file explained in Russian, and removes a
//! document with a reason; the hospital, seeing a summary, gets no file at all.

use crate::browser::Browser;
use crate::case_files::png;
use crate::handovers::handover_hub;
use crate::workspace::{page_as, sign_in};

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

async fn choose_file(browser: &Browser, path: &std::path::Path) {
    browser
        .client
        .find(fantoccini::Locator::Id("document-file"))
        .await
        .expect("the file field")
        .send_keys(&path.display().to_string())
        .await
        .expect("choose the file");
}

async fn choose_type(browser: &Browser, value: &str) {
    browser
        .client
        .execute(
            "document.getElementById('document-type').value = arguments[0];",
            vec![serde_json::json!(value)],
        )
        .await
        .expect("choose the type");
}

#[tokio::test]
async fn the_curator_fills_the_personal_file_from_the_case_page() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let hub = handover_hub().await;
    let app = hub.app();
    let address = app.address.clone();
    let case_page = format!("{address}/cases/{}", hub.case);

    sign_in(&browser, &address, "curator@service.example").await;
    browser.open(&case_page).await;
    let text = main_text(&browser).await;
    assert!(text.contains("Личное дело"), "{text}");
    assert!(text.contains("В личном деле нет документов."), "{text}");
    assert!(
        text.contains("Свидетельство о рождении: нет"),
        "the checklist shows what is missing: {text}"
    );
    browser.assert_accessible().await;

    // A renamed executable is refused, in the user's words, and nothing is stored.
    let exe = std::env::temp_dir().join(format!("паспорт-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&exe, b"MZ\x90\x00\x03\x00").expect("write the file");
    choose_type(&browser, "IDENTITY_DOCUMENT").await;
    choose_file(&browser, &exe).await;
    browser.click("#document-add").await;
    let _ = std::fs::remove_file(&exe);
    let text = main_text(&browser).await;
    assert!(text.contains("Файл не принят"), "{text}");
    assert_eq!(app.count("case_documents").await, 0);

    // A scan of the birth certificate, chosen in the file field.
    browser.open(&case_page).await;
    let scan = std::env::temp_dir().join(format!("свидетельство-{}.png", uuid::Uuid::now_v7()));
    std::fs::write(&scan, png()).expect("write the scan");
    choose_type(&browser, "BIRTH_CERTIFICATE").await;
    browser
        .fill("document-title", "Свидетельство о рождении ребёнка")
        .await;
    choose_file(&browser, &scan).await;
    browser.click("#document-add").await;
    let _ = std::fs::remove_file(&scan);
    assert!(
        browser.url().await.starts_with(&case_page),
        "{}",
        browser.url().await
    );
    let text = main_text(&browser).await;
    assert!(
        text.contains("свидетельство-"),
        "the scan is listed: {text}"
    );
    assert!(text.contains("Свидетельство о рождении: есть"), "{text}");
    assert!(text.contains("Подписанное согласие: нет"), "{text}");
    assert!(
        text.contains("Документ добавлен в личное дело"),
        "the timeline: {text}"
    );
    browser.screenshot("case-personal-file").await;
    browser.assert_accessible().await;
    let href = browser
        .client
        .find(fantoccini::Locator::Css(".case-document-link"))
        .await
        .expect("the document's link")
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    let (status, _) = page_as(app, &hub.hub.curator, &href).await;
    assert_eq!(status, 200, "the lead downloads the file's document");
    let (status, _) = page_as(app, &hub.hub.nurse, &href).await;
    assert_eq!(status, 404, "the summary holder does not");

    // Removed with a reason: no longer listed, missing again.
    let reason_field = browser
        .client
        .find(fantoccini::Locator::Css(
            "#case-documents input[name=reason]",
        ))
        .await
        .expect("the reason field");
    reason_field
        .send_keys("Загружен не тот файл")
        .await
        .expect("type the reason");
    browser.click("#case-documents form button").await;
    let text = main_text(&browser).await;
    assert!(text.contains("В личном деле нет документов."), "{text}");
    assert!(text.contains("Свидетельство о рождении: нет"), "{text}");
    browser.close().await;

    // The hospital reads the case as a summary: no file on its page.
    let (status, page) = page_as(app, &hub.hub.nurse, &format!("/cases/{}", hub.case)).await;
    assert_eq!(status, 200);
    assert!(!page.contains("Личное дело"), "{page}");
}

#[tokio::test]
async fn an_upload_without_its_form_token_is_refused_and_nothing_is_stored() {
    let hub = handover_hub().await;
    let app = hub.app();
    let form = reqwest::multipart::Form::new()
        .text("type", "BIRTH_CERTIFICATE")
        .part(
            "file",
            reqwest::multipart::Part::bytes(png()).file_name("scan.png"),
        );
    let refused = app
        .http()
        .post(format!("{}/cases/{}/documents", app.address, hub.case))
        .header("cookie", format!("caselink_session={}", hub.hub.curator))
        .multipart(form)
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 403);
    assert_eq!(app.count("case_documents").await, 0);
}
