//! The MRG's pages: the secretary's path in a real browser (meetings list, meeting page,
//! attendance, the minutes form, the chair's approval, the printed protocol), and what
//! the pages show a member (the printed extract of its own case) and a non-member (the
//! not-found page).

use serde_json::json;

use crate::browser::Browser;
use crate::mrg::{mrg_hub, MrgHub};
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

/// A meeting held yesterday with the hub's case on its agenda.
async fn held(m: &MrgHub) -> String {
    let submission = m.submit(&m.h.case).await;
    let body = m.schedule(-1, &[&submission]).await;
    body["data"]["scheduleMeeting"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{body}"))
}

#[tokio::test]
async fn the_secretary_records_the_minutes_and_the_chair_approves_them_in_the_browser() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let m = mrg_hub().await;
    let meeting = held(&m).await;
    let address = m.app().address.clone();

    sign_in(&browser, &address, "secretary@service.example").await;
    browser.click("#nav-mrg").await;
    let text = browser.text().await;
    assert!(
        text.contains("Заседания МРГ") && text.contains("MRG-20"),
        "{text}"
    );
    browser.click("#mrg-meetings a").await;
    assert_eq!(
        browser.url().await,
        format!("{address}/mrg/meetings/{meeting}")
    );
    let text = browser.text().await;
    assert!(text.contains("Контроль исполнения решений"), "{text}");
    assert!(text.contains("Организационные вопросы"), "{text}");
    browser.assert_accessible().await;

    set(&browser, "attendee", &format!("external:{}", m.external)).await;
    browser.click("#add-attendee").await;
    assert!(browser.text().await.contains("Сидорова Нина, Школа №5"));

    browser
        .fill("point-1", "Нуждается в наблюдении педиатра")
        .await;
    browser.fill("child-not-heard-1", "Новорождённый").await;
    set(&browser, "goal-1", "RETURN_TO_BIRTH_FAMILY").await;
    set(&browser, "service-1", "MATERIAL_HELP").await;
    set(&browser, "service-agency-1", &m.h.social).await;
    browser.fill("decision-1", "Вернуть ребёнка в семью").await;
    browser
        .fill("rec-text-1", "Оформить материальную помощь")
        .await;
    set(&browser, "rec-to-1", &m.h.social).await;
    let due = (chrono::Utc::now() + chrono::Duration::days(10))
        .date_naive()
        .to_string();
    set(&browser, "rec-due-1", &due).await;
    browser.click("#save-1").await;
    let text = browser.text().await;
    assert!(text.contains("Вернуть ребёнка в семью"), "{text}");
    assert!(text.contains("материальная помощь"), "{text}");
    assert!(text.contains("Оформить материальную помощь"), "{text}");
    browser.screenshot("mrg-meeting").await;
    browser.assert_accessible().await;
    assert!(
        !text.contains("Утвердить протокол"),
        "only the chair approves"
    );

    browser.click(".signout button").await;
    sign_in(&browser, &address, "chair@opeka.example").await;
    browser
        .open(&format!("{address}/mrg/meetings/{meeting}"))
        .await;
    browser.click("#approve-minutes").await;
    let text = browser.text().await;
    assert!(text.contains("утверждён"), "{text}");
    assert!(!text.contains("Сохранить"), "read-only once approved");
    browser.click("#print-protocol").await;
    let text = browser.text().await;
    assert!(
        text.contains("Протокол заседания межведомственной рабочей группы"),
        "{text}"
    );
    assert!(text.contains("Сидорова Нина"), "attendance: {text}");
    browser.assert_accessible().await;
    browser.close().await;

    // A member prints the extract of its case; a non-member finds nothing.
    let (status, page) = page_as(
        m.app(),
        &m.member,
        &format!("/mrg/meetings/{meeting}/extract"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Выписка из протокола") && page.contains("Оформить материальную помощь"),
        "{page}"
    );
    let (status, _) = page_as(
        m.app(),
        &m.member,
        &format!("/mrg/meetings/{meeting}/protocol"),
    )
    .await;
    assert_eq!(status, 403);
    let (status, page) = page_as(m.app(), &m.member, "/").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("mrg-recommendations"),
        "on the agency's home page: {page}"
    );
    let (status, _) = page_as(m.app(), &m.h.hub.ngo, &format!("/mrg/meetings/{meeting}")).await;
    assert_eq!(status, 404);
}
