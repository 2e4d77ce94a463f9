//! Plans in a real browser: the hospital (on the case in SUMMARY) sees its task falling
//! due on its home page, opens it and records its status; the curator reads the whole
//! plan, compares its versions and prints the client's copy; guardianship, not on the
//! case, gets the not-found page. The pages without a browser too.

use serde_json::json;

use crate::browser::Browser;
use crate::plans::{created, day_in, plan_hub, task};
use crate::workspace::{page_as, sign_in};

#[tokio::test]
async fn the_pages_show_each_agency_what_its_scope_allows() {
    let h = plan_hub().await;
    let plan = created(&h).await;
    let id = plan["id"].as_str().unwrap_or_default().to_owned();
    let (status, home) = page_as(h.app(), &h.hub.nurse, "/").await;
    assert_eq!(status, 200);
    assert!(home.contains("id=\"plan-tasks-due\""), "{home}");
    let (status, page) = page_as(h.app(), &h.hub.nurse, &format!("/plans/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Проходит обследование"),
        "its own task: {page}"
    );
    assert!(
        !page.contains("Оформляет пособие"),
        "not another agency's: {page}"
    );
    assert!(
        !page.contains("Ребёнок возвращается в семью"),
        "no header: {page}"
    );
    let (status, _) = page_as(h.app(), &h.officer, &format!("/plans/{id}")).await;
    assert_eq!(status, 404);
    let (status, copy) = page_as(
        h.app(),
        &h.hub.curator,
        &format!("/plans/{id}/print?version=1"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(copy.contains("id=\"copy-version\">1<"), "{copy}");
    assert!(copy.contains("Экземпляр получен"));
    let (status, _) = page_as(
        h.app(),
        &h.hub.nurse,
        &format!("/plans/{id}/print?version=1"),
    )
    .await;
    assert_eq!(
        status, 404,
        "the copy is for those reading the case in FULL"
    );
}

#[tokio::test]
async fn the_hospital_records_its_task_and_the_curator_prints_the_revised_copy() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let h = plan_hub().await;
    let plan = created(&h).await;
    let id = plan["id"].as_str().unwrap_or_default().to_owned();
    let address = h.app().address.clone();

    sign_in(&browser, &address, "nurse@perinatal.example").await;
    let text = browser.text().await;
    assert!(text.contains("Задачи по планам"), "{text}");
    browser.assert_accessible().await;
    browser.click("#plan-tasks-due a").await;
    assert!(browser
        .url()
        .await
        .starts_with(&format!("{address}/plans/{id}")));
    let text = browser.text().await;
    assert!(text.contains("Проходит обследование"), "{text}");
    assert!(!text.contains("Оформляет пособие"), "{text}");
    browser
        .client
        .find(fantoccini::Locator::Css("select[name=status]"))
        .await
        .expect("the status field")
        .select_by_value("IN_PROGRESS")
        .await
        .expect("choose a status");
    browser
        .client
        .find(fantoccini::Locator::Css("input[name=note]"))
        .await
        .expect("the note field")
        .send_keys("Записана на 12-е")
        .await
        .expect("type a note");
    browser.click("form.task-form button").await;
    let text = browser.text().await;
    assert!(
        text.contains("выполняется") && text.contains("Записана на 12-е"),
        "{text}"
    );
    browser.assert_accessible().await;
    browser.screenshot("plan-responsible-agency").await;

    // The lead revises (through the API), then reads the versions on the page.
    let kept = plan["tasks"][0]["id"].as_str().unwrap_or_default();
    let rev = json!({ "planId": id, "expectedVersion": 1, "changeNote": "После МРГ",
        "header": { "mainGoal": "Ребёнок возвращается в семью до весны" },
        "tasks": [
            { "id": kept, "area": "PSYCHOLOGICAL", "responsibleAgencyId": h.hub.service, "dueOn": day_in(12), "clientAction": "Посещает психолога", "specialistAction": "Сопровождает" },
            task("LEGAL", &h.social, &day_in(15), "Восстанавливает паспорт"),
        ] });
    let query = "mutation($i: RevisePlanInput!) { revisePlan(input: $i) { version } }";
    let body = h
        .app()
        .gql(Some(&h.hub.curator), query, json!({ "i": rev }))
        .await;
    assert_eq!(body["data"]["revisePlan"]["version"], 2, "{body}");

    let curator = Browser::start().await.expect("a second browser");
    sign_in(&curator, &address, "curator@service.example").await;
    curator.open(&format!("{address}/plans/{id}")).await;
    let text = curator.text().await;
    assert!(
        text.contains("Ребёнок возвращается в семью до весны"),
        "{text}"
    );
    assert!(text.contains("Редакции плана"), "{text}");
    curator.assert_accessible().await;
    curator.click("#diff-2").await;
    let text = curator.text().await;
    assert!(
        text.contains("Добавлена задача") && text.contains("Восстанавливает паспорт"),
        "{text}"
    );
    assert!(
        text.contains("Исключена задача") && text.contains("Проходит обследование"),
        "{text}"
    );
    curator.assert_accessible().await;
    curator.open(&format!("{address}/plans/{id}")).await;
    // A date field takes its value as the browser's calendar would set it.
    curator
        .client
        .execute(
            "document.getElementById('received-2').value = arguments[0]",
            vec![json!(day_in(0))],
        )
        .await
        .expect("set the day");
    curator
        .click("#plan-versions tbody tr:nth-child(2) form button")
        .await;
    curator.click("#print-2").await;
    let text = curator.text().await;
    assert!(text.contains("Редакция 2"), "{text}");
    assert!(
        text.contains("Клиент") && text.contains("Специалист"),
        "{text}"
    );
    assert!(
        !text.contains("«___»"),
        "the received day is printed: {text}"
    );
    curator.screenshot("plan-client-copy").await;
    curator.close().await;
    browser.close().await;
}
