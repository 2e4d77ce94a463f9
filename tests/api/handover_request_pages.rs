//! The lead's form to hand a case over, refer it or inform another body, in a real
//! browser: opened from an MRG recommendation it comes filled and carries the
//! recommendation out; a refused request keeps what was typed and says what is missing;
//! no one but the lead's people finds the form.

use crate::browser::Browser;
use crate::mrg::mrg_hub;
use crate::mrg_actions::approved_recommendations;
use crate::workspace::{page_as, sign_in};

#[tokio::test]
async fn the_head_refers_the_case_on_a_recommendation_from_its_page() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let m = mrg_hub().await;
    let (to_social, _) = approved_recommendations(&m).await;
    let address = m.app().address.clone();
    let case = m.h.case.clone();

    sign_in(&browser, &address, "head@service.example").await;

    // A transfer without the head's order is refused; what was typed stays.
    browser.open(&format!("{address}/cases/{case}")).await;
    browser.click("#case-hand-over").await;
    assert_eq!(
        browser.url().await,
        format!("{address}/cases/{case}/handovers/new")
    );
    browser.assert_accessible().await;
    browser
        .client
        .execute(
            "document.getElementById('kind-transfer').checked = true; \
             document.getElementById('request-to').value = arguments[0];",
            vec![serde_json::json!(m.h.guardianship)],
        )
        .await
        .unwrap_or_else(|e| panic!("choose the receiver: {e}"));
    browser
        .fill("request-reason", "Права ребёнка под угрозой")
        .await;
    browser.click("#request-send").await;
    let text = browser.text().await;
    assert!(text.contains("номер и дату приказа"), "{text}");
    assert!(text.contains("Права ребёнка под угрозой"), "{text}");

    // From the recommendation: the form comes filled, and the request carries it out.
    browser
        .open(&format!("{address}/mrg/recommendations/{to_social}"))
        .await;
    browser.click("#rec-refer").await;
    let text = browser.text().await;
    assert!(text.contains("По рекомендации МРГ"), "{text}");
    assert!(text.contains("Оформить материальную помощь"), "{text}");
    browser
        .fill("override-reason", "Решение МРГ, протокол заседания")
        .await;
    browser
        .client
        .execute(
            "document.getElementById('record-PERSONS').checked = true;",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("tick the package: {e}"));
    browser
        .client
        .execute("window.scrollTo(0, 0);", vec![])
        .await
        .unwrap_or_else(|e| panic!("scroll up: {e}"));
    browser.screenshot("handover-request-form").await;
    browser.click("#request-send").await;
    assert!(
        browser
            .url()
            .await
            .starts_with(&format!("{address}/handovers/")),
        "{}",
        browser.text().await
    );
    assert!(browser.text().await.contains("КЦСОН «Апрель»"));

    browser
        .open(&format!("{address}/mrg/recommendations/{to_social}"))
        .await;
    let text = browser.text().await;
    assert!(text.contains("Выполняется через"), "{text}");
    assert!(
        !text.contains("Направить или передать дело по этой рекомендации"),
        "{text}"
    );
    browser.close().await;

    // Not the lead: the form does not exist for them.
    let (status, _) = page_as(
        m.app(),
        &m.h.hub.ngo,
        &format!("/cases/{case}/handovers/new"),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = page_as(m.app(), &m.member, &format!("/cases/{case}/handovers/new")).await;
    assert_eq!(status, 404);
}
