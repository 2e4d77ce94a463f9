//! Correcting a draft's minutes (issue 15): the secretary corrects or removes any point
//! of information, chosen service and recommendation, through the API (the minutes are
//! saved whole) and on the meeting's page (each entry with its fields and «Удалить»).
//! A draft's recommendations have no follow-up yet, so removing one loses nothing; once
//! approved nothing is removed. A stale page gets the conflict message and keeps what was
//! typed. Both databases; the page tests in Chromium.

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::harness::error_code;
use crate::mrg::{day, held, mrg_hub, MrgHub};
use crate::workspace::sign_in;

fn minutes_of(body: &Value, name: &str) -> Value {
    body["data"][name]["minutes"][0].clone()
}

fn version_of(body: &Value, name: &str) -> i64 {
    minutes_of(body, name)["version"]
        .as_i64()
        .unwrap_or_else(|| panic!("{body}"))
}

#[tokio::test]
async fn a_draft_is_corrected_by_saving_it_whole_and_its_recommendations_are_not_followed_up_yet() {
    let m = mrg_hub().await;
    let (meeting, item, version) = held(&m, &m.h.case).await;
    let body = m
        .save(&m.secretary, &item, version, m.minutes(&day(5)))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let saved = minutes_of(&body, "saveMinutes");
    let to_family = saved["recommendations"][1]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // A draft's recommendation is not in force: nobody follows it up or plans it yet.
    let update = "mutation($id: ID!) { updateRecommendation(id: $id, status: IN_PROGRESS, note: \"Начали\", version: 1) { status } }";
    let body = m
        .gql(&m.h.hub.curator, update, json!({ "id": to_family }))
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let add = "mutation($r: ID!) { addRecommendationToPlan(recommendationId: $r, area: SOCIO_MEDICAL) { id } }";
    let body = m
        .gql(&m.h.hub.curator, add, json!({ "r": to_family }))
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");

    // The secretary corrects the first point, removes the service and the family's
    // recommendation, and changes the other's due date.
    let mut corrected = m.minutes(&day(5));
    corrected["information"][0]["text"] = json!("Нуждается в наблюдении педиатра и невролога");
    corrected["services"] = json!([]);
    corrected["recommendations"] = json!([corrected["recommendations"][0].clone()]);
    corrected["recommendations"][0]["dueDate"] = json!(day(9));
    let body = m
        .save(
            &m.secretary,
            &item,
            version_of(&body_of(&m, &meeting).await, "mrgMeeting"),
            corrected.clone(),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let saved = minutes_of(&body, "saveMinutes");
    assert_eq!(
        saved["information"][0]["text"],
        "Нуждается в наблюдении педиатра и невролога"
    );
    assert_eq!(saved["information"][1]["text"], "Бабушка готова помогать");
    assert_eq!(saved["services"], json!([]), "{saved}");
    let recs = saved["recommendations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(recs.len(), 1, "{saved}");
    assert_eq!(recs[0]["text"], "Оформить материальную помощь");
    assert_eq!(recs[0]["dueDate"], day(9).as_str());

    // Approved, the recommendation is in force and followed up; the minutes are not
    // edited any more, so nothing followed up can be removed.
    let body = m.approve(&m.chair, &meeting).await;
    assert!(body["errors"].is_null(), "{body}");
    let rec = recs[0]["id"].as_str().unwrap_or_default().to_owned();
    let body = m.gql(&m.member, update, json!({ "id": rec })).await;
    assert_eq!(
        body["data"]["updateRecommendation"]["status"], "IN_PROGRESS",
        "{body}"
    );
    let version = version_of(&body_of(&m, &meeting).await, "mrgMeeting");
    corrected["recommendations"] = json!([]);
    let body = m.save(&m.secretary, &item, version, corrected).await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    let seen = minutes_of(&body_of(&m, &meeting).await, "mrgMeeting");
    assert_eq!(seen["recommendations"][0]["id"], rec.as_str(), "{seen}");
    assert_eq!(seen["recommendations"][0]["status"], "IN_PROGRESS");
}

async fn body_of(m: &MrgHub, meeting: &str) -> Value {
    m.meeting_as(&m.secretary, meeting).await
}

async fn execute(browser: &Browser, script: &str, id: &str) -> Value {
    browser
        .client
        .execute(script, vec![json!(id)])
        .await
        .unwrap_or_else(|e| panic!("{script} #{id}: {e}"))
}

async fn value(browser: &Browser, id: &str) -> String {
    execute(
        browser,
        "return document.getElementById(arguments[0]).value;",
        id,
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_owned()
}

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
    execute(
        browser,
        "document.getElementById(arguments[0]).checked = true;",
        id,
    )
    .await;
}

/// A held meeting whose case item has the full minutes saved; returns the meeting.
async fn drafted(m: &MrgHub) -> (String, String) {
    let (meeting, item, version) = held(m, &m.h.case).await;
    let body = m
        .save(&m.secretary, &item, version, m.minutes(&day(5)))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    (meeting, item)
}

#[tokio::test]
async fn the_secretary_corrects_a_point_and_removes_a_recommendation_on_the_page() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let m = mrg_hub().await;
    let (meeting, _) = drafted(&m).await;
    let address = m.app().address.clone();
    sign_in(&browser, &address, "secretary@service.example").await;
    browser
        .open(&format!("{address}/mrg/meetings/{meeting}"))
        .await;
    // The form shows what is there, to correct.
    assert_eq!(
        value(&browser, "point-text-1-0").await,
        "Нуждается в наблюдении педиатра"
    );
    assert_eq!(value(&browser, "child-not-heard-1").await, "Новорождённый");
    assert_eq!(value(&browser, "rec-due-1-0").await, day(5));
    browser.assert_accessible().await;

    browser
        .fill(
            "point-text-1-0",
            "Нуждается в наблюдении педиатра и невролога",
        )
        .await;
    tick(&browser, "rec-remove-1-1").await;
    browser.click("#save-1").await;
    let text = browser.text().await;
    assert!(
        text.contains("Нуждается в наблюдении педиатра и невролога"),
        "{text}"
    );
    assert!(!text.contains("Встать на учёт в поликлинике"), "{text}");
    browser.assert_accessible().await;
    browser.close().await;

    let seen = minutes_of(&body_of(&m, &meeting).await, "mrgMeeting");
    assert_eq!(
        seen["information"][0]["text"],
        "Нуждается в наблюдении педиатра и невролога"
    );
    assert_eq!(seen["information"][1]["organisation"], "Школа №5");
    assert_eq!(seen["childNotHeardReason"], "Новорождённый", "kept: {seen}");
    assert_eq!(
        seen["longTermGoal"], "RETURN_TO_BIRTH_FAMILY",
        "kept: {seen}"
    );
    let recs = seen["recommendations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(recs.len(), 1, "{seen}");
    assert_eq!(recs[0]["text"], "Оформить материальную помощь");
    assert_eq!(recs[0]["agency"]["id"], m.h.social.as_str());
}

#[tokio::test]
async fn a_stale_minutes_form_gets_the_conflict_and_keeps_what_was_typed() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let m = mrg_hub().await;
    let (meeting, item) = drafted(&m).await;
    let address = m.app().address.clone();
    sign_in(&browser, &address, "secretary@service.example").await;
    browser
        .open(&format!("{address}/mrg/meetings/{meeting}"))
        .await;

    // The second secretary saves the item meanwhile.
    let version = version_of(&body_of(&m, &meeting).await, "mrgMeeting");
    let mut theirs = m.minutes(&day(5));
    theirs["decision"] = json!("Решение коллеги");
    let body = m.save(&m.secretary2, &item, version, theirs).await;
    assert!(body["errors"].is_null(), "{body}");

    browser.fill("decision-1", "Моё решение").await;
    browser.fill("point-1", "Мать устроилась на работу").await;
    browser.click("#save-1").await;
    let text = browser.text().await;
    assert!(
        text.contains("этот пункт сохранил другой пользователь"),
        "{text}"
    );
    assert!(text.contains("Решение коллеги"), "hers is shown: {text}");
    assert_eq!(value(&browser, "decision-1").await, "Моё решение");
    assert_eq!(
        value(&browser, "point-1").await,
        "Мать устроилась на работу"
    );
    let seen = minutes_of(&body_of(&m, &meeting).await, "mrgMeeting");
    assert_eq!(seen["decision"], "Решение коллеги", "nothing of mine saved");

    // A refusal keeps the form too, with the message naming the row.
    set(&browser, "rec-due-1-1", "").await;
    browser.click("#save-1").await;
    let text = browser.text().await;
    assert!(text.contains("recommendations[1].dueDate"), "{text}");
    assert_eq!(value(&browser, "decision-1").await, "Моё решение");
    browser.assert_accessible().await;

    // Saving again on purpose replaces the colleague's version.
    set(&browser, "rec-due-1-1", &day(6)).await;
    browser.click("#save-1").await;

    // Approved meanwhile, the form is gone and the page says why.
    let body = m.approve(&m.chair, &meeting).await;
    assert!(body["errors"].is_null(), "{body}");
    browser.fill("decision-1", "Поздняя правка").await;
    browser.click("#save-1").await;
    let text = browser.text().await;
    assert!(text.contains("уже утверждён"), "{text}");
    assert!(!text.contains("Сохранить"), "read-only: {text}");
    browser.close().await;
    let seen = minutes_of(&body_of(&m, &meeting).await, "mrgMeeting");
    assert_eq!(seen["decision"], "Моё решение", "{seen}");
    assert_eq!(
        seen["information"][2]["text"], "Мать устроилась на работу",
        "{seen}"
    );
    assert_eq!(seen["recommendations"][1]["dueDate"], day(6).as_str());
}
