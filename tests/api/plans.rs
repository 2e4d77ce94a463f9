//! Plans with tasks for each agency (issue 16): the lead draws up and revises, each
//! revision a version with what changed; a responsible agency on the case in SUMMARY
//! sees its own tasks only and updates only those; a third agency sees nothing; bad
//! input names its field; due and overdue tasks reach the responsible agency's home page
//! and e-mail. Through the API, on both databases.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::handovers::{handover_hub, id_of, HandoverHub};
use crate::harness::{error_code, error_field, test_config};

pub const PLAN_FIELDS: &str = "id kind status version dueOn nextReviewOn termUntil readsFull reviewOverdue header { mainGoal intermediateGoals refusalCauses strengths rightsViolation } noPlanReason conclusion tasks { id area clientAction specialistAction status statusNote dueOn overdue responsibleAgency { id } } versions { version changeNote clientReceivedOn }";

/// A day `days` from today in Moscow (the service's zone).
pub fn day_in(days: i64) -> String {
    let today = Utc::now()
        .with_timezone(&chrono_tz::Europe::Moscow)
        .date_naive();
    (today + Duration::days(days)).to_string()
}

/// The hub's case with the social-protection centre working on it on referral (FULL);
/// the hospital keeps the summary, guardianship takes no part.
pub async fn plan_hub() -> HandoverHub {
    let h = handover_hub().await;
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
    h
}

pub fn task(area: &str, agency: &str, due: &str, client: &str) -> Value {
    json!({ "area": area, "responsibleAgencyId": agency, "dueOn": due,
            "clientAction": client, "specialistAction": "Сопровождает" })
}

pub async fn create(h: &HandoverHub, token: &str, input: Value) -> Value {
    let query =
        format!("mutation($i: CreatePlanInput!) {{ createPlan(input: $i) {{ {PLAN_FIELDS} }} }}");
    h.app()
        .gql(Some(token), &query, json!({ "i": input }))
        .await
}

/// The family's ИПСР with a task for the lead, one for the hospital, one for the centre.
pub fn ipsr(h: &HandoverHub) -> Value {
    json!({
        "caseId": h.case, "kind": "IPSR_FAMILY",
        "header": { "mainGoal": "Ребёнок возвращается в семью", "intermediateGoals": ["Жильё", "Доход"] },
        "tasks": [
            task("PSYCHOLOGICAL", &h.hub.service, &day_in(10), "Посещает психолога"),
            task("SOCIO_MEDICAL", &h.hub.hospital, &day_in(2), "Проходит обследование"),
            task("SOCIO_ECONOMIC", &h.social, &day_in(20), "Оформляет пособие"),
        ],
        "nextReviewOn": day_in(30),
    })
}

pub async fn created(h: &HandoverHub) -> Value {
    let body = create(h, &h.hub.curator, ipsr(h)).await;
    let plan = body["data"]["createPlan"].clone();
    assert!(plan["id"].is_string(), "createPlan failed: {body}");
    plan
}

pub async fn plan_as(h: &HandoverHub, token: &str, id: &str) -> Value {
    let query = format!("query($id: ID!) {{ plan(id: $id) {{ {PLAN_FIELDS} }} }}");
    h.app().gql(Some(token), &query, json!({ "id": id })).await
}

async fn revise(h: &HandoverHub, token: &str, input: Value) -> Value {
    let query =
        format!("mutation($i: RevisePlanInput!) {{ revisePlan(input: $i) {{ {PLAN_FIELDS} }} }}");
    h.app()
        .gql(Some(token), &query, json!({ "i": input }))
        .await
}

async fn update_task(h: &HandoverHub, token: &str, id: &str, status: &str) -> Value {
    let query = "mutation($id: ID!, $s: PlanTaskStatus!) { updatePlanTask(id: $id, status: $s, note: \"Записана на приём\") { id status statusNote } }";
    h.app()
        .gql(Some(token), query, json!({ "id": id, "s": status }))
        .await
}

fn task_of(plan: &Value, agency: &str) -> String {
    plan["tasks"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["responsibleAgency"]["id"] == agency))
        .and_then(|t| t["id"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no task of {agency}: {plan}"))
}

#[tokio::test]
async fn the_lead_draws_up_a_plan_with_tasks_for_three_agencies() {
    let h = plan_hub().await;
    let plan = created(&h).await;
    assert_eq!(plan["kind"], "IPSR_FAMILY");
    assert_eq!(plan["version"], 1);
    assert_eq!(plan["status"], "ACTIVE");
    assert_eq!(plan["readsFull"], true);
    assert_eq!(plan["header"]["intermediateGoals"][1], "Доход");
    assert_eq!(plan["tasks"].as_array().map(Vec::len), Some(3));
    assert_eq!(plan["tasks"][0]["status"], "PLANNED");
    assert_eq!(plan["nextReviewOn"], day_in(30));
    // One plan of a kind per case.
    let again = create(&h, &h.hub.curator, ipsr(&h)).await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");
}

#[tokio::test]
async fn a_summary_agency_sees_only_its_own_task_and_updates_only_that() {
    let h = plan_hub().await;
    let plan = created(&h).await;
    let id = plan["id"].as_str().unwrap_or_default();
    let seen = plan_as(&h, &h.hub.nurse, id).await;
    let node = &seen["data"]["plan"];
    assert_eq!(node["readsFull"], false, "{seen}");
    assert_eq!(node["header"], Value::Null);
    assert_eq!(node["versions"], json!([]));
    assert_eq!(node["tasks"].as_array().map(Vec::len), Some(1), "{seen}");
    assert_eq!(node["tasks"][0]["clientAction"], "Проходит обследование");

    let own = task_of(&plan, &h.hub.hospital);
    let updated = update_task(&h, &h.hub.nurse, &own, "IN_PROGRESS").await;
    assert_eq!(
        updated["data"]["updatePlanTask"]["status"], "IN_PROGRESS",
        "{updated}"
    );
    assert_eq!(
        updated["data"]["updatePlanTask"]["statusNote"],
        "Записана на приём"
    );
    // Another agency's task does not exist for it.
    let other = task_of(&plan, &h.social);
    let refused = update_task(&h, &h.hub.nurse, &other, "DONE").await;
    assert_eq!(error_code(&refused), Some("NOT_FOUND"), "{refused}");
}

#[tokio::test]
async fn a_full_agency_reads_the_plan_but_changes_only_its_own_task() {
    let h = plan_hub().await;
    let plan = created(&h).await;
    let id = plan["id"].as_str().unwrap_or_default();
    let seen = plan_as(&h, &h.social_worker, id).await;
    assert_eq!(
        seen["data"]["plan"]["tasks"].as_array().map(Vec::len),
        Some(3),
        "{seen}"
    );
    let hospital_task = task_of(&plan, &h.hub.hospital);
    let refused = update_task(&h, &h.social_worker, &hospital_task, "DONE").await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let own = task_of(&plan, &h.social);
    let done = update_task(&h, &h.social_worker, &own, "DONE").await;
    assert_eq!(done["data"]["updatePlanTask"]["status"], "DONE", "{done}");
    // Only the lead edits the plan.
    let rev = json!({ "planId": id, "expectedVersion": 1,
        "header": { "mainGoal": "Другая цель" }, "tasks": [] });
    let edit = revise(&h, &h.social_head, rev).await;
    assert_eq!(error_code(&edit), Some("FORBIDDEN"), "{edit}");
    // The lead updates any task.
    let by_lead = update_task(&h, &h.hub.curator, &hospital_task, "DONE").await;
    assert_eq!(
        by_lead["data"]["updatePlanTask"]["status"], "DONE",
        "{by_lead}"
    );
}

#[tokio::test]
async fn a_third_agency_sees_nothing() {
    let h = plan_hub().await;
    let plan = created(&h).await;
    let id = plan["id"].as_str().unwrap_or_default();
    let seen = plan_as(&h, &h.officer, id).await;
    assert_eq!(error_code(&seen), Some("NOT_FOUND"), "{seen}");
    let list = h
        .app()
        .gql(
            Some(&h.officer),
            "query($c: ID!) { plans(caseId: $c) { id } }",
            json!({ "c": h.case }),
        )
        .await;
    assert_eq!(list["data"]["plans"], json!([]), "{list}");
    let task = task_of(&plan, &h.hub.service);
    let refused = update_task(&h, &h.officer, &task, "DONE").await;
    assert_eq!(error_code(&refused), Some("NOT_FOUND"), "{refused}");
    let rev =
        json!({ "planId": id, "expectedVersion": 1, "header": { "mainGoal": "x" }, "tasks": [] });
    let edit = revise(&h, &h.officer, rev).await;
    assert_eq!(error_code(&edit), Some("NOT_FOUND"), "{edit}");
}

#[tokio::test]
async fn revising_makes_a_version_and_the_diff_says_what_changed() {
    let h = plan_hub().await;
    let plan = created(&h).await;
    let id = plan["id"].as_str().unwrap_or_default().to_owned();
    let kept = task_of(&plan, &h.hub.service);
    let moved = task_of(&plan, &h.social);
    update_task(&h, &h.social_worker, &moved, "IN_PROGRESS").await;
    let rev = json!({ "planId": id, "expectedVersion": 1, "changeNote": "Пересмотр после МРГ",
        "header": { "mainGoal": "Ребёнок возвращается в семью до весны" },
        "tasks": [
            { "id": kept, "area": "PSYCHOLOGICAL", "responsibleAgencyId": h.hub.service, "dueOn": day_in(10), "clientAction": "Посещает психолога" , "specialistAction": "Сопровождает" },
            { "id": moved, "area": "SOCIO_ECONOMIC", "responsibleAgencyId": h.social, "dueOn": day_in(25), "clientAction": "Оформляет пособие", "specialistAction": "Сопровождает" },
            task("LEGAL", &h.hub.service, &day_in(5), "Восстанавливает паспорт"),
        ] });
    let body = revise(&h, &h.hub.curator, rev.clone()).await;
    let node = &body["data"]["revisePlan"];
    assert_eq!(node["version"], 2, "{body}");
    assert_eq!(node["versions"].as_array().map(Vec::len), Some(2));
    assert_eq!(node["versions"][1]["changeNote"], "Пересмотр после МРГ");
    // The status stays with the task across versions.
    let status = node["tasks"]
        .as_array()
        .and_then(|ts| ts.iter().find(|t| t["id"] == moved.as_str()).cloned());
    assert_eq!(
        status.map(|t| t["status"].clone()),
        Some(json!("IN_PROGRESS"))
    );
    // The same revision again is out of date.
    let stale = revise(&h, &h.hub.curator, rev).await;
    assert_eq!(error_code(&stale), Some("CONFLICT"), "{stale}");

    let query = "query($id: ID!) { plan(id: $id) { versionOf(version: 1) { header { mainGoal } tasks { id } } diff(from: 1, to: 2) { header { field before after } added { clientAction } removed { clientAction } changed { taskId fields { field before after } } } } }";
    let read = h
        .app()
        .gql(Some(&h.hub.curator), query, json!({ "id": id }))
        .await;
    let p = &read["data"]["plan"];
    assert_eq!(
        p["versionOf"]["header"]["mainGoal"], "Ребёнок возвращается в семью",
        "{read}"
    );
    assert_eq!(p["versionOf"]["tasks"].as_array().map(Vec::len), Some(3));
    let diff = &p["diff"];
    assert_eq!(diff["header"][0]["field"], "mainGoal");
    assert_eq!(diff["added"][0]["clientAction"], "Восстанавливает паспорт");
    assert_eq!(diff["removed"][0]["clientAction"], "Проходит обследование");
    assert_eq!(diff["changed"][0]["taskId"], moved.as_str());
    assert_eq!(diff["changed"][0]["fields"][0]["field"], "dueOn");
    assert_eq!(diff["changed"][0]["fields"][0]["after"], day_in(25));
    // The hospital lost its task: the plan is gone for it.
    let gone = plan_as(&h, &h.hub.nurse, &id).await;
    assert_eq!(error_code(&gone), Some("NOT_FOUND"), "{gone}");
}

#[tokio::test]
async fn the_client_s_copy_received_date_is_recorded_per_version() {
    let h = plan_hub().await;
    let plan = created(&h).await;
    let id = plan["id"].as_str().unwrap_or_default();
    let query = format!("mutation($id: ID!, $v: Int!, $d: NaiveDate!) {{ recordPlanCopyReceived(planId: $id, version: $v, receivedOn: $d) {{ {PLAN_FIELDS} }} }}");
    let today = day_in(0);
    let body = h
        .app()
        .gql(
            Some(&h.hub.curator),
            &query,
            json!({ "id": id, "v": 1, "d": today }),
        )
        .await;
    assert_eq!(
        body["data"]["recordPlanCopyReceived"]["versions"][0]["clientReceivedOn"], today,
        "{body}"
    );
    let future = h
        .app()
        .gql(
            Some(&h.hub.curator),
            &query,
            json!({ "id": id, "v": 1, "d": day_in(2) }),
        )
        .await;
    assert_eq!(error_field(&future), Some("receivedOn"), "{future}");
    let missing = h
        .app()
        .gql(
            Some(&h.hub.curator),
            &query,
            json!({ "id": id, "v": 7, "d": today }),
        )
        .await;
    assert_eq!(error_field(&missing), Some("version"), "{missing}");
}

#[tokio::test]
async fn bad_input_names_its_field() {
    let h = plan_hub().await;
    let mut stranger = ipsr(&h);
    stranger["tasks"][1]["responsibleAgencyId"] = json!(h.guardianship);
    let body = create(&h, &h.hub.curator, stranger).await;
    assert_eq!(
        error_field(&body),
        Some("tasks[1].responsibleAgencyId"),
        "{body}"
    );
    let mut past = ipsr(&h);
    past["tasks"][0]["dueOn"] = json!(day_in(-2));
    let body = create(&h, &h.hub.curator, past).await;
    assert_eq!(error_field(&body), Some("tasks[0].dueOn"), "{body}");
    // The case is in assessment: no support plan, no decision-change plan.
    let mut support = ipsr(&h);
    support["kind"] = json!("SUPPORT");
    let body = create(&h, &h.hub.curator, support).await;
    assert_eq!(error_field(&body), Some("kind"), "{body}");
    let mut shelter = ipsr(&h);
    shelter["kind"] = json!("SHELTER");
    let body = create(&h, &h.hub.curator, shelter).await;
    assert_eq!(error_field(&body), Some("kind"), "{body}");
    let mut term = ipsr(&h);
    term["termUntil"] = json!(day_in(100));
    let body = create(&h, &h.hub.curator, term).await;
    assert_eq!(error_field(&body), Some("termUntil"), "{body}");
    let mut area = ipsr(&h);
    area["tasks"][0]["area"] = json!("HOUSING");
    let body = create(&h, &h.hub.curator, area).await;
    assert_eq!(error_field(&body), Some("tasks[0].area"), "{body}");
    let mut blank = ipsr(&h);
    blank["header"]["mainGoal"] = json!("   ");
    let body = create(&h, &h.hub.curator, blank).await;
    assert_eq!(error_field(&body), Some("header.mainGoal"), "{body}");
    assert_eq!(h.app().count("plans").await, 0, "nothing kept");
}

#[tokio::test]
async fn a_decision_change_plan_needs_its_header_and_is_reviewed_weekly() {
    let h = plan_hub().await;
    h.app()
        .gql(
            Some(&h.hub.curator),
            "mutation($id: ID!) { startDecisionWork(caseId: $id) { id } }",
            json!({ "id": h.case }),
        )
        .await;
    let mut input = ipsr(&h);
    input["kind"] = json!("DECISION_CHANGE");
    let body = create(&h, &h.hub.curator, input.clone()).await;
    assert_eq!(error_field(&body), Some("header.refusalCauses"), "{body}");
    input["header"]["refusalCauses"] = json!("Нет жилья");
    input["header"]["strengths"] = json!("Поддержка бабушки");
    input["nextReviewOn"] = Value::Null;
    let body = create(&h, &h.hub.curator, input).await;
    let plan = &body["data"]["createPlan"];
    assert_eq!(plan["nextReviewOn"], day_in(7), "{body}");
    assert_eq!(plan["dueOn"], day_in(0));
    assert_eq!(plan["header"]["strengths"], "Поддержка бабушки");
}

#[tokio::test]
async fn an_ippsu_has_a_term_extensions_and_a_closing_conclusion() {
    let h = plan_hub().await;
    let mut input = ipsr(&h);
    input["kind"] = json!("IPPSU");
    input["termUntil"] = json!(day_in(180));
    let body = create(&h, &h.hub.curator, input).await;
    let id = id_of(&body, "createPlan");
    let extend = "mutation($id: ID!, $u: NaiveDate!) { extendPlanTerm(planId: $id, until: $u, reason: \"Продление по заявлению\") { termUntil } }";
    let shorter = h
        .app()
        .gql(
            Some(&h.hub.curator),
            extend,
            json!({ "id": id, "u": day_in(100) }),
        )
        .await;
    assert_eq!(error_field(&shorter), Some("until"), "{shorter}");
    let longer = h
        .app()
        .gql(
            Some(&h.hub.curator),
            extend,
            json!({ "id": id, "u": day_in(270) }),
        )
        .await;
    assert_eq!(
        longer["data"]["extendPlanTerm"]["termUntil"],
        day_in(270),
        "{longer}"
    );
    let close = format!("mutation($id: ID!) {{ closePlan(planId: $id, conclusion: \"Услуги предоставлены в полном объёме\") {{ {PLAN_FIELDS} }} }}");
    let closed = h
        .app()
        .gql(Some(&h.hub.curator), &close, json!({ "id": id }))
        .await;
    assert_eq!(closed["data"]["closePlan"]["status"], "CLOSED", "{closed}");
    assert_eq!(
        closed["data"]["closePlan"]["conclusion"],
        "Услуги предоставлены в полном объёме"
    );
    let summary = plan_as(&h, &h.hub.nurse, &id).await;
    assert_eq!(
        summary["data"]["plan"]["conclusion"],
        Value::Null,
        "{summary}"
    );
}

/// `planTasksDue` walked a page at a time: every open task due within three days or
/// overdue, the soonest first (ties by id), none lost between pages, none done.
#[tokio::test]
async fn due_tasks_are_walked_soonest_first_without_losing_one_between_pages() {
    let h = plan_hub().await;
    created(&h).await;
    // All three tasks become the service's: one overdue, two due tomorrow at one instant.
    let rows: Vec<(uuid::Uuid,)> = caselink::with_db!(&h.app().db, |pool| {
        sqlx::query_as("SELECT id FROM plan_tasks ORDER BY id")
            .fetch_all(pool)
            .await
    })
    .expect("read the tasks");
    let service = uuid::Uuid::parse_str(&h.hub.service).expect("an id");
    let tomorrow = Utc::now() + Duration::days(1);
    for (i, (id,)) in rows.iter().enumerate() {
        let due = if i == 2 {
            Utc::now() - Duration::days(1)
        } else {
            tomorrow
        };
        caselink::with_db!(&h.app().db, |pool| sqlx::query(
            "UPDATE plan_tasks SET responsible_agency_id = $1, due_at = $2 WHERE id = $3"
        )
        .bind(service)
        .bind(due)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ()))
        .expect("set a due time");
    }
    let ids: Vec<String> = rows.iter().map(|(id,)| id.to_string()).collect();
    let walk = |size: i64| {
        let h = &h;
        async move {
            let mut got = Vec::new();
            let mut after = Value::Null;
            for _ in 0..10 {
                let body = h
                    .app()
                    .gql(
                        Some(&h.hub.curator),
                        "query($n: Int, $a: String) { planTasksDue(first: $n, after: $a) { nodes { taskId } pageInfo { hasNextPage endCursor } } }",
                        json!({ "n": size, "a": after }),
                    )
                    .await;
                let page = &body["data"]["planTasksDue"];
                let nodes = page["nodes"].as_array().unwrap_or_else(|| panic!("{body}"));
                got.extend(
                    nodes
                        .iter()
                        .map(|n| n["taskId"].as_str().unwrap_or_default().to_owned()),
                );
                if page["pageInfo"]["hasNextPage"] != true {
                    break;
                }
                after = page["pageInfo"]["endCursor"].clone();
            }
            got
        }
    };
    let expected = vec![ids[2].clone(), ids[0].clone(), ids[1].clone()];
    for size in [1, 2, 20] {
        assert_eq!(walk(size).await, expected, "{size} a page");
    }
    caselink::with_db!(&h.app().db, |pool| sqlx::query(
        "UPDATE plan_tasks SET status = 'DONE' WHERE id = $1"
    )
    .bind(rows[0].0)
    .execute(pool)
    .await
    .map(|_| ()))
    .expect("finish a task");
    assert_eq!(walk(1).await, vec![ids[2].clone(), ids[1].clone()]);
}

#[tokio::test]
async fn due_and_overdue_tasks_reach_the_responsible_agency_and_its_mail_once() {
    let h = plan_hub().await;
    let plan = created(&h).await;
    let due =
        "{ planTasksDue(first: 20) { nodes { taskId caseJournalNumber dueOn overdue planKind } } }";
    let hospital = h.app().gql(Some(&h.hub.nurse), due, json!({})).await;
    let list = &hospital["data"]["planTasksDue"]["nodes"];
    assert_eq!(
        list.as_array().map(Vec::len),
        Some(1),
        "due in two days: {hospital}"
    );
    assert_eq!(list[0]["overdue"], false);
    assert_eq!(list[0]["planKind"], "IPSR_FAMILY");
    let social = h.app().gql(Some(&h.social_worker), due, json!({})).await;
    assert_eq!(
        social["data"]["planTasksDue"]["nodes"],
        json!([]),
        "due in 20 days: {social}"
    );

    let config = test_config();
    let round = |at| caselink::notify::reminders::round(&h.app().db, &config.mail, at);
    let soon = "notifications WHERE kind = 'PLAN_TASK_DUE'";
    let late = "notifications WHERE kind = 'PLAN_TASK_OVERDUE'";
    round(Utc::now()).await.expect("a round");
    let rows = h.app().count(soon).await;
    assert!(rows >= 1, "the hospital hears of its task");
    round(Utc::now()).await.expect("a round");
    assert_eq!(h.app().count(soon).await, rows, "once");
    assert_eq!(h.app().count(late).await, 0);
    // Moved past its due time: overdue, flagged and reminded once.
    let own = task_of(&plan, &h.hub.hospital);
    h.app()
        .execute("UPDATE plan_tasks SET due_at = created_at WHERE position = 1")
        .await
        .expect("move the due time back");
    let hospital = h.app().gql(Some(&h.hub.nurse), due, json!({})).await;
    assert_eq!(
        hospital["data"]["planTasksDue"]["nodes"][0]["overdue"], true,
        "{hospital}"
    );
    assert_eq!(
        hospital["data"]["planTasksDue"]["nodes"][0]["taskId"],
        own.as_str()
    );
    round(Utc::now()).await.expect("a round");
    let overdue = h.app().count(late).await;
    assert!(overdue >= 1);
    round(Utc::now() + Duration::minutes(1))
        .await
        .expect("a round");
    assert_eq!(h.app().count(late).await, overdue, "once");
}

#[tokio::test]
async fn a_shelter_records_no_plan_with_a_reason_and_draws_one_up_later() {
    let h = handover_hub().await;
    let hub = &h.hub;
    let shelter_case = crate::cases::open_case_with(hub, true).await;
    let query = format!("mutation($c: ID!, $d: NaiveDate!) {{ recordNoPlan(caseId: $c, settledOn: $d, reason: \"Клиентка отказывается от планирования\") {{ {PLAN_FIELDS} }} }}");
    let body = h
        .app()
        .gql(
            Some(&hub.curator),
            &query,
            json!({ "c": shelter_case, "d": day_in(-3) }),
        )
        .await;
    let plan = &body["data"]["recordNoPlan"];
    assert_eq!(plan["status"], "NOT_DRAWN_UP", "{body}");
    assert_eq!(plan["version"], 0);
    assert_eq!(plan["dueOn"], day_in(11), "14 days after settling in");
    assert_eq!(
        plan["noPlanReason"],
        "Клиентка отказывается от планирования"
    );
    let id = plan["id"].as_str().unwrap_or_default();
    let rev = json!({ "planId": id, "expectedVersion": 0,
        "header": { "mainGoal": "Восстановление социального статуса семьи" },
        "tasks": [ task("HOUSING", &hub.service, &day_in(30), "Ищет жильё"), task("CHILD_STATE", &hub.service, &day_in(14), "Посещает педиатра") ] });
    let drawn = revise(&h, &hub.curator, rev).await;
    assert_eq!(drawn["data"]["revisePlan"]["status"], "ACTIVE", "{drawn}");
    assert_eq!(drawn["data"]["revisePlan"]["version"], 1);
}
