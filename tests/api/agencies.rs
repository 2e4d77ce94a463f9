//! The agency directory and the hub administrator's changes to it.

use serde_json::{json, Value};

use crate::harness::{error_code, error_field, spawn_app, PASSWORD};

const CREATE: &str = "mutation($i: CreateAgencyInput!) { createAgency(input: $i) { id name kind region timeZone contactEmail notificationLanguage active version } }";
const UPDATE: &str = "mutation($id: ID!, $i: UpdateAgencyInput!) { updateAgency(id: $id, input: $i) { name timeZone notificationLanguage active version } }";

fn agency_input(name: &str) -> Value {
    json!({ "name": name, "kind": "GUARDIANSHIP", "region": "ХМАО – Югра", "timeZone": "Asia/Yekaterinburg", "contactEmail": "opeka@surgut.example" })
}

#[tokio::test]
async fn a_hub_admin_creates_and_updates_an_agency() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let created = app
        .gql(
            Some(&admin),
            CREATE,
            json!({ "i": agency_input("Отдел опеки г. Сургута") }),
        )
        .await;
    let agency = &created["data"]["createAgency"];
    assert_eq!(agency["kind"], "GUARDIANSHIP", "{created}");
    assert_eq!(agency["notificationLanguage"], "RU");
    assert_eq!(agency["active"], true);
    assert_eq!(agency["version"], 1);
    let id = agency["id"].as_str().unwrap_or_default();
    let changes =
        json!({ "timeZone": "Europe/Moscow", "notificationLanguage": "EN", "expectedVersion": 1 });
    let updated = app
        .gql(Some(&admin), UPDATE, json!({ "id": id, "i": changes }))
        .await;
    assert_eq!(
        updated["data"]["updateAgency"]["timeZone"], "Europe/Moscow",
        "{updated}"
    );
    assert_eq!(
        updated["data"]["updateAgency"]["notificationLanguage"],
        "EN"
    );
    assert_eq!(updated["data"]["updateAgency"]["version"], 2);
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let id = app.create_agency(&admin, "НКО «Тёплый дом»", "NGO").await;
    let first = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "id": id, "i": { "region": "Москва", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(first["data"]["updateAgency"]["version"], 2, "{first}");
    let stale = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "id": id, "i": { "region": "Тверь", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(error_code(&stale), Some("CONFLICT"));
    let read = app
        .gql(
            Some(&admin),
            "query($id: ID!) { agency(id: $id) { region } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(read["data"]["agency"]["region"], "Москва");
}

#[tokio::test]
async fn only_a_hub_admin_changes_the_directory() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let agency = app
        .create_agency(&admin, "Служба профилактики", "PREVENTION_SERVICE")
        .await;
    app.create_user(
        &admin,
        &agency,
        "head@service.example",
        &["AGENCY_ADMIN", "HEAD_OF_SERVICE"],
    )
    .await;
    let head = app.login("head@service.example", PASSWORD).await;
    let created = app
        .gql(
            Some(&head),
            CREATE,
            json!({ "i": agency_input("Чужая опека") }),
        )
        .await;
    assert_eq!(error_code(&created), Some("FORBIDDEN"));
    let updated = app
        .gql(
            Some(&head),
            UPDATE,
            json!({ "id": agency, "i": { "name": "Переименовано" } }),
        )
        .await;
    assert_eq!(error_code(&updated), Some("FORBIDDEN"));
    assert_eq!(app.count("agencies").await, 1);
}

#[tokio::test]
async fn every_signed_in_user_pages_through_the_directory() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let names = [
        "Опека Сургута",
        "Опека Нижневартовска",
        "СРЦН «Гармония»",
        "КЦСОН «Апрель»",
        "Перинатальный центр",
    ];
    let mut kinds = [
        "GUARDIANSHIP",
        "GUARDIANSHIP",
        "REHABILITATION_CENTRE",
        "SOCIAL_PROTECTION",
        "MATERNITY",
    ]
    .iter();
    let mut ids = Vec::new();
    for name in names {
        ids.push(
            app.create_agency(&admin, name, kinds.next().copied().unwrap_or("NGO"))
                .await,
        );
    }
    app.create_user(
        &admin,
        &ids[0],
        "officer@opeka.example",
        &["GUARDIANSHIP_OFFICER"],
    )
    .await;
    let officer = app.login("officer@opeka.example", PASSWORD).await;
    let page = "query($after: String) { agencies(first: 2, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } }";
    let (mut seen, mut after, mut pages) = (Vec::new(), Value::Null, 0);
    loop {
        let body = app
            .gql(Some(&officer), page, json!({ "after": after }))
            .await;
        let connection = &body["data"]["agencies"];
        for edge in connection["edges"].as_array().cloned().unwrap_or_default() {
            seen.push(edge["node"]["name"].as_str().unwrap_or_default().to_owned());
        }
        pages += 1;
        if connection["pageInfo"]["hasNextPage"] != true || pages > 5 {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(pages, 3);
    let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    expected.sort_by_key(|n| n.to_lowercase());
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn the_directory_filters_by_kind_and_by_cyrillic_name_in_any_case() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    app.create_agency(&admin, "Отдел опеки г. Сургута", "GUARDIANSHIP")
        .await;
    app.create_agency(&admin, "Перинатальный центр", "MATERNITY")
        .await;
    app.create_agency(&admin, "Кризисный центр «Тёплый дом»", "NGO")
        .await;
    let query = "query($f: AgencyFilterInput) { agencies(filter: $f) { edges { node { name } } } }";
    let names = |body: Value| -> Vec<String> {
        body["data"]["agencies"]["edges"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let by_kind = app
        .gql(Some(&admin), query, json!({ "f": { "kind": "MATERNITY" } }))
        .await;
    assert_eq!(names(by_kind), vec!["Перинатальный центр"]);
    let by_name = app
        .gql(
            Some(&admin),
            query,
            json!({ "f": { "nameContains": "ЦЕНТР" } }),
        )
        .await;
    assert_eq!(
        names(by_name),
        vec!["Кризисный центр «Тёплый дом»", "Перинатальный центр"]
    );
    let wildcard = app
        .gql(Some(&admin), query, json!({ "f": { "nameContains": "%" } }))
        .await;
    assert_eq!(names(wildcard), Vec::<String>::new());
}

#[tokio::test]
async fn bad_agency_input_names_the_field_and_writes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let cases = [
        ("kind", json!({ "kind": "ZOO" })),
        ("contactEmail", json!({ "contactEmail": "not an address" })),
        ("timeZone", json!({ "timeZone": "Mars/Olympus_Mons" })),
        ("name", json!({ "name": "   " })),
        ("name", json!({ "name": "Я".repeat(201) })),
        ("region", json!({ "region": "" })),
    ];
    for (field, patch) in cases {
        let mut input = agency_input("Опека");
        for (k, v) in patch.as_object().cloned().unwrap_or_default() {
            input[k] = v;
        }
        let body = app.gql(Some(&admin), CREATE, json!({ "i": input })).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{field}: {body}");
        assert_eq!(error_field(&body), Some(field), "{body}");
    }
    assert_eq!(app.count("agencies").await, 0);
    assert_eq!(
        app.count("audit_events WHERE action = 'AGENCY_CREATED'")
            .await,
        0
    );
}

#[tokio::test]
async fn deactivating_an_agency_ends_its_users_sessions() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let agency = app.create_agency(&admin, "Роддом №1", "MATERNITY").await;
    app.create_user(
        &admin,
        &agency,
        "nurse@hospital.example",
        &["HOSPITAL_SPECIALIST"],
    )
    .await;
    let nurse = app.login("nurse@hospital.example", PASSWORD).await;
    let off = app
        .gql(
            Some(&admin),
            UPDATE,
            json!({ "id": agency, "i": { "active": false } }),
        )
        .await;
    assert_eq!(off["data"]["updateAgency"]["active"], false, "{off}");
    assert_eq!(
        error_code(&app.gql(Some(&nurse), "{ me { id } }", json!({})).await),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(
        error_code(&app.login_response("nurse@hospital.example", PASSWORD).await),
        Some("UNAUTHENTICATED")
    );
}

#[tokio::test]
async fn an_unknown_agency_is_not_found_and_a_malformed_id_is_bad_input() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let query = "query($id: ID!) { agency(id: $id) { name } }";
    let missing = app
        .gql(
            Some(&admin),
            query,
            json!({ "id": uuid::Uuid::now_v7().to_string() }),
        )
        .await;
    assert_eq!(error_code(&missing), Some("NOT_FOUND"));
    let malformed = app.gql(Some(&admin), query, json!({ "id": "42" })).await;
    assert_eq!(error_code(&malformed), Some("BAD_USER_INPUT"));
    assert_eq!(error_field(&malformed), Some("id"));
}
