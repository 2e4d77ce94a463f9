//! A signal's path through the workspace, in a real browser, with no GraphQL: the
//! hospital's specialist sends it from a form; the service's head finds it on the home
//! page, receives it and assigns the curator; the curator records the visit and opens the
//! case. A refused form says what is wrong and keeps what was typed; a step the caller may
//! not take is not offered.

use serde_json::json;

use crate::browser::Browser;
use crate::signals::signal_hub;
use crate::workspace::{page_as, sign_in};

async fn set(browser: &Browser, id: &str, value: &str) {
    browser
        .client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![json!(id), json!(value)],
        )
        .await
        .unwrap_or_else(|e| panic!("set #{id}: {e}"));
}

async fn tick(browser: &Browser, id: &str) {
    browser
        .client
        .execute(
            "document.getElementById(arguments[0]).checked = true;",
            vec![json!(id)],
        )
        .await
        .unwrap_or_else(|e| panic!("tick #{id}: {e}"));
}

#[tokio::test]
async fn a_signal_goes_from_the_hospital_to_an_opened_case_in_the_browser() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let hub = signal_hub().await;
    let address = hub.app.address.clone();

    // The hospital's specialist sends it; a registration before the noticing is refused.
    sign_in(&browser, &address, "nurse@perinatal.example").await;
    browser.click("#home-report-signal").await;
    browser.assert_accessible().await;
    set(&browser, "report-service", &hub.service).await;
    browser
        .fill("report-full-name", "Иванова Мария Петровна")
        .await;
    browser.fill("report-actual", "ул. Ленина, 5").await;
    tick(&browser, "report-in-ward").await;
    tick(&browser, "screen-intent_or_fact_of_refusal").await;
    browser
        .fill("report-situation", "Мама пишет отказ, нет жилья")
        .await;
    set(&browser, "report-detected", "2026-01-10T10:00").await;
    set(&browser, "report-registered-at", "2026-01-10T09:00").await;
    browser.click("#report-send").await;
    let text = browser.text().await;
    assert!(text.contains("регистрация не раньше выявления"), "{text}");
    let kept = browser
        .client
        .execute(
            "return document.getElementById('report-situation').value;",
            vec![],
        )
        .await
        .unwrap_or_default();
    assert_eq!(kept, json!("Мама пишет отказ, нет жилья"));
    set(&browser, "report-registered-at", "2026-01-10T10:20").await;
    browser.click("#report-send").await;
    let url = browser.url().await;
    assert!(url.starts_with(&format!("{address}/signals/")), "{url}");
    let signal = url.rsplit('/').next().unwrap_or_default().to_owned();
    browser.click(".signout button").await;

    // The service's head finds it at home, receives it and assigns the curator.
    sign_in(&browser, &address, "head@service.example").await;
    let text = browser.text().await;
    assert!(text.contains("Сигналы в работе"), "{text}");
    assert!(
        !text.contains("ул. Ленина"),
        "no personal data at home: {text}"
    );
    browser.click("#signals-in-work a").await;
    browser.click("#step-receive").await;
    assert!(browser.text().await.contains("Назначить куратора"));
    set(&browser, "assign-curator", &hub.curator_id).await;
    browser.screenshot("signal-steps").await;
    browser.assert_accessible().await;
    browser.click("#step-assign").await;
    let text = browser.text().await;
    assert!(!text.contains("Принять сигнал"), "{text}");
    browser.click(".signout button").await;

    // The curator records the visit and opens the case.
    sign_in(&browser, &address, "curator@service.example").await;
    browser.open(&format!("{address}/signals/{signal}")).await;
    browser
        .fill(
            "visit-situationSummary",
            "Мама готова забрать ребёнка при помощи с жильём",
        )
        .await;
    browser.click("#step-visit").await;
    let text = browser.text().await;
    assert!(
        text.contains("мнение специалиста"),
        "the opinion is required: {text}"
    );
    browser
        .fill(
            "visit-situationSummary",
            "Мама готова забрать ребёнка при помощи с жильём",
        )
        .await;
    browser
        .fill("visit-visitorOpinion", "Нужна поддержка")
        .await;
    browser.click("#step-visit").await;
    let text = browser.text().await;
    assert!(text.contains("Нужна поддержка"), "{text}");
    browser.click("#step-open-case").await;
    assert!(
        browser
            .url()
            .await
            .starts_with(&format!("{address}/cases/")),
        "{}",
        browser.text().await
    );

    // The case's stages from its page: decision work, then closing with a reason.
    browser.click("#step-start-decision-work").await;
    assert!(browser
        .text()
        .await
        .contains("Продлить работу по изменению решения"));
    browser.assert_accessible().await;
    browser
        .client
        .execute(
            "document.getElementById('close-reason').selectedIndex = 1;",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("choose a reason: {e}"));
    browser.click("#step-close").await;
    let text = browser.text().await;
    assert!(text.contains("закрыт"), "{text}");
    assert!(!text.contains("Закрыть случай"), "{text}");
    browser.close().await;

    // Another agency's people are offered nothing and find nothing.
    let (status, page) = page_as(&hub.app, &hub.ngo, &format!("/signals/{signal}")).await;
    assert_eq!(status, 404, "{page}");
    let (status, _) = page_as(&hub.app, &hub.curator, "/signals/new").await;
    assert_eq!(status, 404);
}

/// A family calls the service: the curator registers the signal from the home page's link,
/// choosing where it came from. Without a source the form is refused and keeps the text.
/// Only a prevention service's people have the form.
#[tokio::test]
async fn a_service_registers_a_signal_from_another_source_in_the_browser() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let hub = signal_hub().await;
    let address = hub.app.address.clone();

    sign_in(&browser, &address, "curator@service.example").await;
    browser.click("#home-record-signal").await;
    browser.assert_accessible().await;
    browser
        .fill("report-full-name", "Петрова Анна Ивановна")
        .await;
    browser
        .fill("record-contact", "Сестра, звонила по телефону доверия")
        .await;
    tick(&browser, "screen-no_housing").await;
    browser
        .fill(
            "report-situation",
            "Сестра говорит, что маме негде жить с ребёнком",
        )
        .await;
    // The browser would not send the form without a source; the server refuses it too.
    browser
        .client
        .execute(
            "document.getElementById('signal-report').noValidate = true;",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("skip the browser's check: {e}"));
    browser.click("#report-send").await;
    let text = browser.text().await;
    assert!(text.contains("Выберите, откуда поступил сигнал"), "{text}");
    let kept = browser
        .client
        .execute(
            "return document.getElementById('record-contact').value;",
            vec![],
        )
        .await
        .unwrap_or_default();
    assert_eq!(kept, json!("Сестра, звонила по телефону доверия"));
    set(&browser, "record-source", "FAMILY").await;
    browser.screenshot("signal-record").await;
    browser.click("#report-send").await;
    let url = browser.url().await;
    assert!(url.starts_with(&format!("{address}/signals/")), "{url}");
    let signal = url.rsplit('/').next().unwrap_or_default().to_owned();
    browser.close().await;

    // Registered as received from the family, with no hospital clocks.
    let body = hub
        .app
        .gql(
            Some(&hub.curator),
            "query($id: ID!) { signal(id: $id) { source status serviceJournalNumber clocks { kind } } }",
            json!({ "id": signal }),
        )
        .await;
    let found = &body["data"]["signal"];
    assert_eq!(found["source"], "FAMILY", "{body}");
    assert_eq!(found["status"], "RECEIVED", "{body}");
    assert!(found["serviceJournalNumber"].as_str().is_some(), "{body}");
    assert_eq!(found["clocks"], json!([{ "kind": "VISIT" }]), "{body}");

    // A hospital's specialist and an NGO's curator do not have the form.
    for token in [&hub.nurse, &hub.ngo] {
        let (status, page) = page_as(&hub.app, token, "/signals/record").await;
        assert_eq!(status, 404, "{page}");
        assert!(!page.contains("record-source"), "{page}");
    }
}
