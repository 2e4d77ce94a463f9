//! People: who manages whom, what other agencies see, and bad input.

use serde_json::{json, Value};

use crate::harness::{error_code, error_field, spawn_app, TestApp, PASSWORD};

const UPDATE: &str = "mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { name email roles active version } }";

struct Hub {
    app: TestApp,
    admin: String,
    service: String,
    guardianship: String,
    head: String,
}

/// A prevention service with an agency administrator, and a guardianship authority.
async fn hub() -> Hub {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let service = app
        .create_agency(&admin, "Служба профилактики", "PREVENTION_SERVICE")
        .await;
    let guardianship = app
        .create_agency(&admin, "Отдел опеки", "GUARDIANSHIP")
        .await;
    app.create_user(
        &admin,
        &service,
        "head@service.example",
        &["AGENCY_ADMIN", "HEAD_OF_SERVICE"],
    )
    .await;
    let head = app.login("head@service.example", PASSWORD).await;
    Hub {
        app,
        admin,
        service,
        guardianship,
        head,
    }
}

#[tokio::test]
async fn an_agency_admin_manages_the_users_of_their_own_agency() {
    let hub = hub().await;
    let curator = hub
        .app
        .create_user(
            &hub.head,
            &hub.service,
            "curator@service.example",
            &["CURATOR"],
        )
        .await;
    let out = hub.app.gql(Some(&hub.head), UPDATE, json!({ "id": curator, "i": { "roles": ["CURATOR", "SPECIALIST"], "name": "Волкова Н. С." } })).await;
    let user = &out["data"]["updateUser"];
    assert_eq!(user["roles"], json!(["CURATOR", "SPECIALIST"]), "{out}");
    assert_eq!(user["name"], "Волкова Н. С.");
    assert_eq!(user["version"], 2);
}

#[tokio::test]
async fn an_agency_admin_acting_on_another_agencys_user_is_forbidden() {
    let hub = hub().await;
    let body = hub
        .app
        .create_user_response(
            &hub.head,
            &hub.guardianship,
            "Петрова Анна",
            "officer@opeka.example",
            PASSWORD,
            &["GUARDIANSHIP_OFFICER"],
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let officer = hub
        .app
        .create_user(
            &hub.admin,
            &hub.guardianship,
            "officer@opeka.example",
            &["GUARDIANSHIP_OFFICER"],
        )
        .await;
    let update = hub
        .app
        .gql(
            Some(&hub.head),
            UPDATE,
            json!({ "id": officer, "i": { "active": false } }),
        )
        .await;
    assert_eq!(error_code(&update), Some("FORBIDDEN"));
    let reset = "mutation($id: ID!) { setUserPassword(id: $id, password: \"a brand new password\") { id } }";
    assert_eq!(
        error_code(
            &hub.app
                .gql(Some(&hub.head), reset, json!({ "id": officer }))
                .await
        ),
        Some("FORBIDDEN")
    );
    hub.app.login("officer@opeka.example", PASSWORD).await;
}

#[tokio::test]
async fn a_curator_manages_nobody() {
    let hub = hub().await;
    hub.app
        .create_user(
            &hub.admin,
            &hub.service,
            "curator@service.example",
            &["CURATOR"],
        )
        .await;
    let curator = hub.app.login("curator@service.example", PASSWORD).await;
    let body = hub
        .app
        .create_user_response(
            &curator,
            &hub.service,
            "Новый",
            "new@service.example",
            PASSWORD,
            &["CURATOR"],
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
}

#[tokio::test]
async fn an_email_is_unique_without_regard_to_case() {
    let hub = hub().await;
    hub.app
        .create_user(
            &hub.head,
            &hub.service,
            "curator@service.example",
            &["CURATOR"],
        )
        .await;
    let body = hub
        .app
        .create_user_response(
            &hub.admin,
            &hub.guardianship,
            "Другая",
            "CURATOR@Service.Example",
            PASSWORD,
            &["GUARDIANSHIP_OFFICER"],
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert_eq!(error_field(&body), Some("email"));
}

#[tokio::test]
async fn bad_user_input_names_the_field_and_writes_nothing() {
    let hub = hub().await;
    let before = hub.app.count("users").await;
    let long_name = "Я".repeat(201);
    let cases: [(&str, &str, &str, &str, Value); 8] = [
        ("email", "Имя", "not-an-email", PASSWORD, json!(["CURATOR"])),
        (
            "password",
            "Имя",
            "a@service.example",
            "short pass",
            json!(["CURATOR"]),
        ),
        (
            "name",
            "",
            "b@service.example",
            PASSWORD,
            json!(["CURATOR"]),
        ),
        (
            "name",
            &long_name,
            "c@service.example",
            PASSWORD,
            json!(["CURATOR"]),
        ),
        (
            "roles",
            "Имя",
            "d@service.example",
            PASSWORD,
            json!(["WIZARD"]),
        ),
        (
            "roles",
            "Имя",
            "e@service.example",
            PASSWORD,
            json!(["GUARDIANSHIP_OFFICER"]),
        ),
        ("roles", "Имя", "f@service.example", PASSWORD, json!([])),
        (
            "agencyId",
            "Имя",
            "g@service.example",
            PASSWORD,
            json!(["CURATOR"]),
        ),
    ];
    for (field, name, email, password, roles) in cases {
        let agency = if field == "agencyId" {
            uuid::Uuid::now_v7().to_string()
        } else {
            hub.service.clone()
        };
        let query = "mutation($i: CreateUserInput!) { createUser(input: $i) { id } }";
        let input = json!({ "agencyId": agency, "name": name, "email": email, "password": password, "roles": roles });
        let body = hub
            .app
            .gql(Some(&hub.admin), query, json!({ "i": input }))
            .await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{field}: {body}");
        assert_eq!(error_field(&body), Some(field), "{body}");
    }
    assert_eq!(hub.app.count("users").await, before);
}

#[tokio::test]
async fn other_agencies_see_only_name_agency_and_roles() {
    let hub = hub().await;
    hub.app
        .create_user(
            &hub.admin,
            &hub.guardianship,
            "officer@opeka.example",
            &["GUARDIANSHIP_OFFICER"],
        )
        .await;
    let query = "query($a: ID) { users(agencyId: $a) { edges { node { name email active roles agency { name } } } } }";
    let theirs = hub
        .app
        .gql(Some(&hub.head), query, json!({ "a": hub.guardianship }))
        .await;
    let officer = &theirs["data"]["users"]["edges"][0]["node"];
    assert_eq!(
        officer["roles"],
        json!(["GUARDIANSHIP_OFFICER"]),
        "{theirs}"
    );
    assert_eq!(officer["agency"]["name"], "Отдел опеки");
    assert_eq!(officer["email"], Value::Null);
    assert_eq!(officer["active"], Value::Null);
    let own = hub
        .app
        .gql(Some(&hub.head), query, json!({ "a": null }))
        .await;
    assert_eq!(
        own["data"]["users"]["edges"][0]["node"]["email"], "head@service.example",
        "{own}"
    );
}

#[tokio::test]
async fn nobody_deactivates_themselves() {
    let hub = hub().await;
    let me = hub
        .app
        .gql(Some(&hub.head), "{ me { id } }", json!({}))
        .await;
    let id = me["data"]["me"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let body = hub
        .app
        .gql(
            Some(&hub.head),
            UPDATE,
            json!({ "id": id, "i": { "active": false } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"));
}

#[tokio::test]
async fn an_admin_sets_a_forgotten_password_and_old_sessions_end() {
    let hub = hub().await;
    let curator_id = hub
        .app
        .create_user(
            &hub.head,
            &hub.service,
            "curator@service.example",
            &["CURATOR"],
        )
        .await;
    let old = hub.app.login("curator@service.example", PASSWORD).await;
    let reset = "mutation($id: ID!, $p: String!) { setUserPassword(id: $id, password: $p) { id } }";
    let short = hub
        .app
        .gql(
            Some(&hub.head),
            reset,
            json!({ "id": curator_id, "p": "short" }),
        )
        .await;
    assert_eq!(error_field(&short), Some("password"));
    let ok = hub
        .app
        .gql(
            Some(&hub.head),
            reset,
            json!({ "id": curator_id, "p": "a brand new password" }),
        )
        .await;
    assert!(ok["data"]["setUserPassword"]["id"].is_string(), "{ok}");
    assert_eq!(
        error_code(&hub.app.gql(Some(&old), "{ me { id } }", json!({})).await),
        Some("UNAUTHENTICATED")
    );
    hub.app
        .login("curator@service.example", "a brand new password")
        .await;
}
