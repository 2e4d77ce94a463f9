//! What must hold when requests race: the sign-in throttle and optimistic versions.

use serde_json::json;

use crate::harness::{error_code, spawn_app, PASSWORD};

#[tokio::test]
async fn parallel_wrong_passwords_are_each_counted_and_slowed_down() {
    let app = spawn_app().await;
    let query = "mutation { login(email: \"admin@test.caselink\", password: \"guess guess guess\") { token } }";
    let bodies = app.gql_parallel(12, None, query, json!({})).await;
    assert!(bodies
        .iter()
        .all(|b| error_code(b) == Some("UNAUTHENTICATED")));
    let slowed = bodies
        .iter()
        .filter(|b| b["errors"][0]["extensions"]["reason"] == "SLOW_DOWN")
        .count();
    assert!(
        slowed >= 6,
        "only {slowed} of 12 parallel guesses were slowed down"
    );
}

#[tokio::test]
async fn of_two_updates_from_the_same_version_exactly_one_wins() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let agency = app
        .create_agency(&admin, "Служба профилактики", "PREVENTION_SERVICE")
        .await;
    let user = app
        .create_user(&admin, &agency, "curator@service.example", &["CURATOR"])
        .await;
    let query = "mutation($id: ID!) { updateUser(id: $id, input: {name: \"Новое имя\", expectedVersion: 1}) { version } }";
    let bodies = app
        .gql_parallel(8, Some(&admin), query, json!({ "id": user }))
        .await;
    let won = bodies
        .iter()
        .filter(|b| b["data"]["updateUser"]["version"] == 2)
        .count();
    let conflicts = bodies
        .iter()
        .filter(|b| error_code(b) == Some("CONFLICT"))
        .count();
    assert_eq!((won, conflicts), (1, 7), "{bodies:?}");
    let agency_query = "mutation($id: ID!) { updateAgency(id: $id, input: {region: \"Югра\", expectedVersion: 1}) { version } }";
    let bodies = app
        .gql_parallel(8, Some(&admin), agency_query, json!({ "id": agency }))
        .await;
    let won = bodies
        .iter()
        .filter(|b| b["data"]["updateAgency"]["version"] == 2)
        .count();
    assert_eq!(won, 1, "{bodies:?}");
}

#[tokio::test]
async fn guessing_the_current_password_with_a_stolen_token_is_throttled() {
    let app = spawn_app().await;
    let token = app.admin_token().await;
    let change = "mutation { changePassword(currentPassword: \"a wrong guess here\", newPassword: \"a new long password\") }";
    for _ in 0..3 {
        assert_eq!(
            error_code(&app.gql(Some(&token), change, json!({})).await),
            Some("BAD_USER_INPUT")
        );
    }
    let slowed = app.gql(Some(&token), change, json!({})).await;
    assert_eq!(
        slowed["errors"][0]["extensions"]["reason"], "SLOW_DOWN",
        "{slowed}"
    );
    assert_eq!(
        app.count("audit_events WHERE action = 'LOGIN_FAILED'")
            .await,
        4
    );
    let _ = PASSWORD;
}

#[tokio::test]
async fn two_heads_cannot_both_fill_a_curators_last_place() {
    let hub = crate::signals::signal_hub().await;
    let assign = "assignCurator(signalId: $id, curatorId: $c)";
    let mut received = Vec::new();
    for _ in 0..10 {
        let id = hub.reported().await;
        hub.step(&hub.head, "receiveSignal(id: $id)", json!({ "id": id }))
            .await;
        received.push(id);
    }
    for id in &received[..8] {
        hub.step(&hub.head, assign, json!({ "id": id, "c": hub.curator_id }))
            .await;
    }
    let (a, b) = tokio::join!(
        hub.step(
            &hub.head,
            assign,
            json!({ "id": received[8], "c": hub.curator_id })
        ),
        hub.step(
            &hub.head,
            assign,
            json!({ "id": received[9], "c": hub.curator_id })
        ),
    );
    let conflicts = [&a, &b]
        .iter()
        .filter(|b| error_code(b) == Some("CONFLICT"))
        .count();
    assert_eq!(conflicts, 1, "{a}\n{b}");
}
