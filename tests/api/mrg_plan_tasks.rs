//! An MRG recommendation becomes a plan task in one step (issue 15): the lead adds it to
//! the case's plan (with its words, agency and due date), and in the same transaction
//! the recommendation is linked, moves to IN_PROGRESS with a note and shows what it
//! became. Refusals (no plan, closed recommendation, another agency, not the lead) leave
//! nothing behind. Both databases.

use serde_json::{json, Value};

use crate::handovers::id_of;
use crate::harness::{error_code, error_field};
use crate::mrg::{day, mrg_hub, MrgHub};
use crate::mrg_actions::approved_recommendations;
use crate::plans::{created, plan_as, PLAN_FIELDS};

const ADD: &str = "mutation($r: ID!, $a: PlanTaskArea!) { addRecommendationToPlan(recommendationId: $r, area: $a) { id version tasks { id specialistAction dueOn responsibleAgency { id } } } }";

const RECOMMENDATION: &str = "query($id: ID!) { decision: mrgRecommendation(id: $id) { status version notes { status note } became { kind targetId } } }";

/// The MRG hub with social protection working on the case on referral, so that a plan
/// task may be its; returns the hub and the approved recommendations (to social
/// protection, to the family).
async fn hub_with_social() -> (MrgHub, String, String) {
    let m = mrg_hub().await;
    let h = &m.h;
    h.consent_for(&[&h.social]).await;
    let body = h
        .act(
            &h.hub.curator,
            "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r)",
            json!({ "id": h.case, "to": h.social, "kind": "REFERRAL", "r": "Патронаж семьи" }),
        )
        .await;
    let id = id_of(&body, "requestHandover");
    h.act(
        &h.social_head,
        "acceptHandover(id: $id)",
        json!({ "id": id }),
    )
    .await;
    let (to_social, to_family) = approved_recommendations(&m).await;
    (m, to_social, to_family)
}

async fn decision(m: &MrgHub, id: &str) -> Value {
    let body = m
        .gql(&m.h.hub.head, RECOMMENDATION, json!({ "id": id }))
        .await;
    body["data"]["decision"].clone()
}

#[tokio::test]
async fn the_lead_adds_a_recommendation_to_the_plan_in_one_step() {
    let (m, to_social, _) = hub_with_social().await;

    // No plan on the case yet: the refusal names the plan, nothing moves.
    let vars = json!({ "r": to_social, "a": "SOCIO_ECONOMIC" });
    let body = m.gql(&m.h.hub.curator, ADD, vars.clone()).await;
    assert_eq!(error_field(&body), Some("planId"), "{body}");
    assert_eq!(decision(&m, &to_social).await["status"], "ASSIGNED");

    let plan = created(&m.h).await;
    let plan_id = plan["id"].as_str().unwrap_or_default().to_owned();

    // Another agency (not the lead) may not revise the plan.
    let body = m.gql(&m.h.social_head, ADD, vars.clone()).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    let body = m.gql(&m.h.hub.curator, ADD, vars.clone()).await;
    let added = &body["data"]["addRecommendationToPlan"];
    assert_eq!(added["id"], plan_id.as_str(), "{body}");
    assert_eq!(added["version"], 2);
    let tasks = added["tasks"].as_array().cloned().unwrap_or_default();
    assert_eq!(tasks.len(), 4, "{body}");
    let task = &tasks[3];
    assert_eq!(task["specialistAction"], "Оформить материальную помощь");
    assert_eq!(task["dueOn"], day(14).as_str());
    assert_eq!(task["responsibleAgency"]["id"], m.h.social.as_str());

    let rec = decision(&m, &to_social).await;
    assert_eq!(rec["status"], "IN_PROGRESS", "{rec}");
    assert_eq!(rec["became"][0]["kind"], "PLAN_TASK");
    assert_eq!(rec["became"][0]["targetId"], task["id"]);
    assert_eq!(
        rec["notes"][0]["note"],
        "Рекомендация включена в план как задача"
    );

    // Once is enough: a second time is a conflict and the plan stays at version 2.
    let body = m.gql(&m.h.hub.curator, ADD, vars).await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    let body = plan_as(&m.h, &m.h.hub.curator, &plan_id).await;
    assert_eq!(body["data"]["plan"]["version"], 2, "{body}");
}

#[tokio::test]
async fn a_revision_carries_out_a_recommendation_or_is_refused_whole() {
    let (m, to_social, to_family) = hub_with_social().await;
    let plan = created(&m.h).await;
    let plan_id = plan["id"].as_str().unwrap_or_default().to_owned();
    let kept: Vec<Value> = plan["tasks"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|t| {
            json!({ "id": t["id"], "area": t["area"], "clientAction": t["clientAction"],
                    "specialistAction": t["specialistAction"], "dueOn": t["dueOn"],
                    "responsibleAgencyId": t["responsibleAgency"]["id"] })
        })
        .collect();
    let revise = |tasks: Vec<Value>| {
        json!({ "planId": plan_id, "expectedVersion": 1,
                "header": { "mainGoal": "Ребёнок возвращается в семью" },
                "tasks": tasks, "nextReviewOn": crate::plans::day_in(30) })
    };
    let query =
        format!("mutation($i: RevisePlanInput!) {{ revisePlan(input: $i) {{ {PLAN_FIELDS} }} }}");

    // The family's recommendation is the lead's to carry out: a task for social
    // protection on it is refused, naming the row, and nothing is stored.
    let mut tasks = kept.clone();
    tasks.push(
        json!({ "area": "SOCIO_ECONOMIC", "responsibleAgencyId": m.h.social,
        "dueOn": day(14), "clientAction": "Встаёт на учёт", "recommendationId": to_family }),
    );
    let body = m
        .gql(&m.h.hub.curator, &query, json!({ "i": revise(tasks) }))
        .await;
    assert_eq!(
        error_field(&body),
        Some("tasks[3].recommendationId"),
        "{body}"
    );
    let body = plan_as(&m.h, &m.h.hub.curator, &plan_id).await;
    assert_eq!(body["data"]["plan"]["version"], 1, "{body}");
    assert_eq!(decision(&m, &to_family).await["status"], "ASSIGNED");

    // A kept task cannot claim a recommendation.
    let mut tasks = kept.clone();
    tasks[0]["recommendationId"] = json!(to_social);
    let body = m
        .gql(&m.h.hub.curator, &query, json!({ "i": revise(tasks) }))
        .await;
    assert_eq!(
        error_field(&body),
        Some("tasks[0].recommendationId"),
        "{body}"
    );

    // A closed recommendation does not become a task.
    let rec = decision(&m, &to_social).await;
    let body = m
        .gql(
            &m.chair,
            "mutation($id: ID!, $v: Int!) { updateRecommendation(id: $id, status: CANCELLED, note: \"Неактуально\", version: $v) { status } }",
            json!({ "id": to_social, "v": rec["version"] }),
        )
        .await;
    assert_eq!(
        body["data"]["updateRecommendation"]["status"], "CANCELLED",
        "{body}"
    );
    let mut tasks = kept.clone();
    tasks.push(
        json!({ "area": "SOCIO_ECONOMIC", "responsibleAgencyId": m.h.social,
        "dueOn": day(14), "specialistAction": "Оформляет помощь", "recommendationId": to_social }),
    );
    let body = m
        .gql(&m.h.hub.curator, &query, json!({ "i": revise(tasks) }))
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");

    // The family's recommendation as the lead's own task: linked with the revision.
    let mut tasks = kept;
    tasks.push(json!({ "area": "SOCIO_MEDICAL", "responsibleAgencyId": m.h.hub.service,
        "dueOn": day(14), "clientAction": "Встаёт на учёт в поликлинике", "recommendationId": to_family }));
    let body = m
        .gql(&m.h.hub.curator, &query, json!({ "i": revise(tasks) }))
        .await;
    let revised = &body["data"]["revisePlan"];
    assert_eq!(revised["version"], 2, "{body}");
    let rec = decision(&m, &to_family).await;
    assert_eq!(rec["status"], "IN_PROGRESS", "{rec}");
    assert_eq!(rec["became"][0]["targetId"], revised["tasks"][3]["id"]);
}

#[tokio::test]
async fn the_lead_adds_a_recommendation_to_the_plan_from_its_page_in_the_browser() {
    let Some(browser) = crate::browser::Browser::start().await else {
        return;
    };
    let (m, to_social, _) = hub_with_social().await;
    let address = m.app().address.clone();
    crate::workspace::sign_in(&browser, &address, "curator@service.example").await;

    // No plan yet: the link says so next to the recommendation.
    browser
        .open(&format!("{address}/mrg/recommendations/{to_social}"))
        .await;
    browser.click("#rec-plan-task").await;
    let text = browser.text().await;
    assert!(text.contains("На деле нет действующего плана"), "{text}");

    let plan = created(&m.h).await;
    let plan_id = plan["id"].as_str().unwrap_or_default().to_owned();
    browser
        .open(&format!("{address}/mrg/recommendations/{to_social}"))
        .await;
    browser.click("#rec-plan-task").await;
    assert_eq!(
        browser.url().await,
        format!("{address}/plans/{plan_id}/revise?recommendation={to_social}")
    );
    let text = browser.text().await;
    assert!(text.contains("Задача по рекомендации МРГ"), "{text}");
    let filled = browser
        .client
        .execute(
            "return document.getElementById('task-specialist-4').value;",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("read row 4: {e}"));
    assert_eq!(filled, json!("Оформить материальную помощь"));
    browser.assert_accessible().await;
    browser
        .client
        .execute(
            "document.getElementById('task-area-4').value = 'SOCIO_ECONOMIC';",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("set the area: {e}"));
    browser.click("#plan-save").await;
    assert_eq!(browser.url().await, format!("{address}/plans/{plan_id}"));
    assert!(browser
        .text()
        .await
        .contains("Оформить материальную помощь"));

    // The recommendation is in progress and shows the task; no second link.
    browser
        .open(&format!("{address}/mrg/recommendations/{to_social}"))
        .await;
    let text = browser.text().await;
    assert!(
        text.contains("Рекомендация включена в план как задача"),
        "{text}"
    );
    assert!(!text.contains("Добавить задачу в план"), "{text}");
    let rec = decision(&m, &to_social).await;
    assert_eq!(rec["status"], "IN_PROGRESS", "{rec}");
    assert_eq!(rec["became"][0]["kind"], "PLAN_TASK");
    browser.close().await;
}
