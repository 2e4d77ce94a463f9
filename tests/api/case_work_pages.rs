//! Case work in a real browser: a rehabilitation centre's staff member opens an intake
//! for a child in the centre's care from her home page, sees the placement on the case
//! page, adds a work-log entry (a blank one is refused naming the field) and records a
//! monitoring review; her home page lists the case with its next review and the days
//! since the last contact.

use crate::browser::Browser;
use crate::case_intake::{intake_hub, today_in};
use crate::workspace::sign_in;

#[tokio::test]
async fn the_centre_opens_an_intake_logs_work_and_records_a_review() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let hub = intake_hub().await;
    let address = hub.app.address.clone();
    let kamchatka = chrono_tz::Asia::Kamchatka;

    sign_in(&browser, &address, "staff@srcn.example").await;
    browser.open(&format!("{address}/")).await;
    assert!(browser.text().await.contains("Мои случаи"));
    browser.click("#intake-new").await;
    browser.assert_accessible().await;
    browser
        .fill("intake-reason", "Ребёнок доставлен полицией")
        .await;
    browser.fill("child-name", "Петров Михаил Сергеевич").await;
    browser
        .fill("placed-where", "СРЦН «Надежда», группа «Солнышко»")
        .await;
    browser
        .client
        .execute(
            "document.getElementById('placed-since').value = arguments[0];\
             document.getElementById('placement-basis').value = 'POLICE';\
             document.getElementById('intake-support').checked = true;",
            vec![serde_json::json!(today_in(kamchatka, -3).to_string())],
        )
        .await
        .expect("set the placement");
    browser.click("#intake-open").await;
    let url = browser.url().await;
    assert!(url.contains("/cases/"), "{url}: {}", browser.text().await);
    let text = browser.text().await;
    assert!(text.contains("Приём INT-"), "{text}");
    assert!(text.contains("Где находится ребёнок"), "{text}");
    assert!(text.contains("группа «Солнышко»"), "{text}");
    assert!(text.contains("Дней с последнего контакта: 0"), "{text}");
    browser.assert_accessible().await;

    // A blank entry is refused naming the field; a real one is listed.
    browser.fill("log-content", "   ").await;
    browser.click("#log-add").await;
    let text = browser.text().await;
    assert!(text.contains("Проверьте поле: content"), "{text}");
    browser
        .fill("log-content", "Занятие с психологом, ребёнок спокоен")
        .await;
    browser.fill("log-minutes", "40").await;
    browser
        .client
        .execute(
            "document.getElementById('log-kind').value = 'PSYCHOLOGICAL_SESSION';",
            vec![],
        )
        .await
        .expect("choose the kind");
    browser.click("#log-add").await;
    let text = browser.text().await;
    assert!(text.contains("Психологическое занятие"), "{text}");
    assert!(text.contains("ребёнок спокоен"), "{text}");

    // The support plan's task takes its progress in the review.
    let case_id = url.rsplit('/').next().unwrap_or_default().to_owned();
    let plan = serde_json::json!({
        "caseId": case_id, "kind": "SUPPORT",
        "header": { "mainGoal": "Ребёнок возвращается домой", "intermediateGoals": [],
                    "rightsViolation": "Ребёнок оставался без присмотра" },
        "tasks": [{ "area": "PSYCHOLOGICAL", "responsibleAgencyId": hub.rehab,
                    "dueOn": today_in(kamchatka, 20).to_string(),
                    "clientAction": "Посещает занятия с психологом",
                    "specialistAction": "Проводит занятия" }],
    });
    let created = hub
        .app
        .gql(
            Some(&hub.staff),
            "mutation($i: CreatePlanInput!) { createPlan(input: $i) { tasks { id } } }",
            serde_json::json!({ "i": plan }),
        )
        .await;
    let task = created["data"]["createPlan"]["tasks"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createPlan failed: {created}"))
        .to_owned();
    browser.open(&url).await;
    assert!(browser
        .text()
        .await
        .contains("Посещает занятия с психологом"));
    browser
        .fill(&format!("progress-{task}"), "Была на двух занятиях")
        .await;
    // A review: three months on.
    browser.fill("mon-causes", "Ребёнок адаптировался").await;
    browser.click("#monitoring-record").await;
    let text = browser.text().await;
    assert!(text.contains("Ребёнок адаптировался"), "{text}");
    assert!(text.contains("Продолжить работу"), "{text}");
    browser.assert_accessible().await;
    let read = hub
        .app
        .gql(
            Some(&hub.staff),
            "query($id: ID!) { case(id: $id) { monitoring { progress { taskId note } } } }",
            serde_json::json!({ "id": case_id }),
        )
        .await;
    let progress = &read["data"]["case"]["monitoring"][0]["progress"][0];
    assert_eq!(progress["taskId"], task.as_str(), "{read}");
    assert_eq!(progress["note"], "Была на двух занятиях");

    browser.open(&format!("{address}/")).await;
    let text = browser.text().await;
    assert!(text.contains("CASE-"), "{text}");
    browser.assert_accessible().await;
    browser.close().await;
}
