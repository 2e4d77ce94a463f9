//! The plan forms in a real browser: the curator draws up the family's ИПСР from the
//! case's plans page (a refused task explained next to the form, in Russian, with what
//! she typed kept), then revises it into a second version with a new task. Without a
//! browser: only the lead opens the forms, and a post without its token is refused.

use serde_json::json;

use crate::browser::Browser;
use crate::plans::{day_in, plan_as, plan_hub};
use crate::workspace::{page_as, sign_in};

async fn set_value(browser: &Browser, id: &str, value: &str) {
    browser
        .client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![json!(id), json!(value)],
        )
        .await
        .unwrap_or_else(|e| panic!("set #{id}: {e}"));
}

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
async fn the_curator_draws_up_and_revises_a_plan_through_the_forms() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let h = plan_hub().await;
    let address = h.app().address.clone();
    sign_in(&browser, &address, "curator@service.example").await;
    browser
        .open(&format!("{address}/cases/{}/plans", h.case))
        .await;
    browser.click("#new-plan").await;
    let text = main_text(&browser).await;
    assert!(text.contains("Выберите вид плана"), "{text}");
    assert!(
        !text.contains("Индивидуальная программа социальной реабилитации несовершеннолетнего"),
        "the child's ИПСР belongs to a rehabilitation centre: {text}"
    );
    browser.assert_accessible().await;
    browser.click("#new-plan-IPSR_FAMILY").await;
    assert!(browser.url().await.contains("kind=IPSR_FAMILY"));
    browser.assert_accessible().await;

    // A task due yesterday: refused, explained next to the form, what was typed kept.
    browser
        .fill("plan-main-goal", "Ребёнок возвращается в семью")
        .await;
    browser.fill("plan-goals", "Жильё\nДоход").await;
    browser.fill("task-client-1", "Посещает психолога").await;
    set_value(&browser, "task-area-1", "PSYCHOLOGICAL").await;
    set_value(&browser, "task-agency-1", &h.hub.service).await;
    set_value(&browser, "task-due-1", &day_in(-1)).await;
    browser.click("#plan-save").await;
    let text = main_text(&browser).await;
    assert!(
        text.contains("Задача 1: срок не может быть в прошлом"),
        "{text}"
    );
    let kept = browser
        .client
        .find(fantoccini::Locator::Id("plan-main-goal"))
        .await
        .expect("the main goal")
        .prop("value")
        .await
        .expect("its value");
    assert_eq!(kept.as_deref(), Some("Ребёнок возвращается в семью"));
    browser.assert_accessible().await;
    assert_eq!(h.app().count("plans").await, 0);

    set_value(&browser, "task-due-1", &day_in(10)).await;
    browser.fill("task-client-2", "Оформляет пособие").await;
    set_value(&browser, "task-area-2", "SOCIO_ECONOMIC").await;
    set_value(&browser, "task-agency-2", &h.social).await;
    set_value(&browser, "task-due-2", &day_in(20)).await;
    set_value(&browser, "plan-next-review", &day_in(30)).await;
    browser.click("#plan-save").await;
    let url = browser.url().await;
    assert!(url.contains("/plans/"), "{url}");
    let id = url
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .split('#')
        .next()
        .unwrap_or_default()
        .to_owned();
    let text = main_text(&browser).await;
    assert!(text.contains("Посещает психолога"), "{text}");
    assert!(text.contains("Оформляет пособие"), "{text}");
    assert!(text.contains("КЦСОН «Апрель»"), "{text}");

    // Revise: the form comes filled; a changed goal and a third task make version 2.
    browser.click("#plan-revise").await;
    let goal = browser
        .client
        .find(fantoccini::Locator::Id("plan-main-goal"))
        .await
        .expect("the main goal")
        .prop("value")
        .await
        .expect("its value");
    assert_eq!(goal.as_deref(), Some("Ребёнок возвращается в семью"));
    browser.assert_accessible().await;
    browser
        .fill("plan-main-goal", "Ребёнок возвращается в семью до лета")
        .await;
    browser
        .fill("task-client-3", "Встаёт на учёт по беременности")
        .await;
    set_value(&browser, "task-area-3", "SOCIO_MEDICAL").await;
    set_value(&browser, "task-agency-3", &h.hub.hospital).await;
    set_value(&browser, "task-due-3", &day_in(5)).await;
    browser
        .fill("plan-change-note", "Добавлено обследование")
        .await;
    browser.click("#plan-save").await;
    assert!(
        browser.url().await.ends_with(&format!("/plans/{id}")),
        "{}",
        browser.url().await
    );
    let text = main_text(&browser).await;
    assert!(text.contains("до лета"), "{text}");
    assert!(text.contains("Встаёт на учёт"), "{text}");
    assert!(text.contains("Добавлено обследование"), "{text}");
    browser.close().await;

    let plan = plan_as(&h, &h.hub.curator, &id).await;
    let plan = &plan["data"]["plan"];
    assert_eq!(plan["version"], 2, "{plan}");
    assert_eq!(plan["tasks"].as_array().map(Vec::len), Some(3), "{plan}");
    assert_eq!(
        plan["header"]["intermediateGoals"],
        json!(["Жильё", "Доход"])
    );
}

#[tokio::test]
async fn only_the_lead_opens_the_plan_forms_and_a_post_needs_its_token() {
    let h = plan_hub().await;
    let new = format!("/cases/{}/plans/new?kind=IPSR_FAMILY", h.case);
    let (status, page) = page_as(h.app(), &h.hub.curator, &new).await;
    assert_eq!(status, 200);
    assert!(page.contains("id=\"plan-form\""), "{page}");
    // The hospital (summary) and guardianship (not on the case) find no such page.
    for token in [&h.hub.nurse, &h.officer] {
        let (status, _) = page_as(h.app(), token, &new).await;
        assert_eq!(status, 404);
    }
    let refused = h
        .app()
        .http()
        .post(format!("{}/cases/{}/plans", h.app().address, h.case))
        .header("cookie", format!("caselink_session={}", h.hub.curator))
        .form(&[("kind", "IPSR_FAMILY"), ("main_goal", "Цель")])
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 403);
    assert_eq!(h.app().count("plans").await, 0);
}
