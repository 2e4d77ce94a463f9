//! Signing in and out, sessions, throttling.

use serde_json::json;

use crate::harness::{error_code, spawn_app, TestApp, ADMIN_EMAIL, PASSWORD};

const ME: &str = "{ me { id name email roles agency { name } } }";

async fn app_with_curator() -> (TestApp, String, String) {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let agency = app
        .create_agency(&admin, "Служба профилактики отказов", "PREVENTION_SERVICE")
        .await;
    let user = app
        .create_user(&admin, &agency, "curator@service.example", &["CURATOR"])
        .await;
    (app, admin, user)
}

#[tokio::test]
async fn login_returns_a_token_that_makes_requests_act_as_the_user() {
    let (app, _, user_id) = app_with_curator().await;
    let token = app.login("Curator@Service.example", PASSWORD).await;
    let me = app.gql(Some(&token), ME, json!({})).await;
    assert_eq!(me["data"]["me"]["id"], user_id.as_str());
    assert_eq!(me["data"]["me"]["roles"], json!(["CURATOR"]));
    assert_eq!(
        me["data"]["me"]["agency"]["name"],
        "Служба профилактики отказов"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let (app, _, _) = app_with_curator().await;
    let wrong = app
        .login_response("curator@service.example", "wrong password!!")
        .await;
    let unknown = app
        .login_response("nobody@service.example", "wrong password!!")
        .await;
    assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"));
    assert_eq!(
        wrong["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
    assert_eq!(
        wrong["errors"][0]["extensions"],
        unknown["errors"][0]["extensions"]
    );
}

#[tokio::test]
async fn repeated_failures_slow_sign_in_down_whether_or_not_the_account_exists() {
    let (app, _, _) = app_with_curator().await;
    for email in ["curator@service.example", "nobody@service.example"] {
        for _ in 0..3 {
            let refused = app.login_response(email, "wrong password!!").await;
            assert_eq!(error_code(&refused), Some("UNAUTHENTICATED"));
        }
        let correct_or_not = app.login_response(email, PASSWORD).await;
        assert_eq!(
            error_code(&correct_or_not),
            Some("UNAUTHENTICATED"),
            "{email}: {correct_or_not}"
        );
        let extensions = &correct_or_not["errors"][0]["extensions"];
        assert_eq!(extensions["reason"], "SLOW_DOWN");
        assert!(extensions["retryAfterSeconds"]
            .as_i64()
            .is_some_and(|s| s >= 1));
    }
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    app.login("curator@service.example", PASSWORD).await;
}

#[tokio::test]
async fn anonymous_requests_reach_only_login() {
    let (app, _, _) = app_with_curator().await;
    for query in [
        ME,
        "{ agencies { edges { node { id } } } }",
        "{ auditEvents { edges { node { id } } } }",
    ] {
        let body = app.gql(None, query, json!({})).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{query}");
    }
    let create = "mutation { createAgency(input: {name: \"x\", kind: NGO, region: \"r\", timeZone: \"UTC\", contactEmail: \"a@b.ru\"}) { id } }";
    assert_eq!(
        error_code(&app.gql(None, create, json!({})).await),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(app.count("agencies").await, 1);
}

#[tokio::test]
async fn a_made_up_token_is_unauthenticated() {
    let (app, _, _) = app_with_curator().await;
    let body = app.gql(Some("cl_not-a-real-token"), ME, json!({})).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn logout_ends_the_session_at_once() {
    let (app, _, _) = app_with_curator().await;
    let token = app.login("curator@service.example", PASSWORD).await;
    let out = app
        .gql(Some(&token), "mutation { logout }", json!({}))
        .await;
    assert_eq!(out["data"]["logout"], true);
    assert_eq!(
        error_code(&app.gql(Some(&token), ME, json!({})).await),
        Some("UNAUTHENTICATED")
    );
}

#[tokio::test]
async fn the_token_is_stored_only_as_a_hash() {
    let (app, _, _) = app_with_curator().await;
    let token = app.login("curator@service.example", PASSWORD).await;
    let sql = "SELECT COUNT(*) FROM sessions WHERE token_hash = $1";
    let db = &app.db;
    let count = |value: Vec<u8>| async move {
        caselink::with_db!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
            .bind(value)
            .fetch_one(pool)
            .await)
        .expect("query")
    };
    assert_eq!(count(token.as_bytes().to_vec()).await, 0);
    assert_eq!(count(caselink::auth::token::hash(&token).to_vec()).await, 1);
}

#[tokio::test]
async fn deactivating_a_user_ends_their_sessions_at_once() {
    let (app, admin, user_id) = app_with_curator().await;
    let token = app.login("curator@service.example", PASSWORD).await;
    assert!(app.gql(Some(&token), ME, json!({})).await["data"]["me"].is_object());
    let deactivate =
        "mutation($id: ID!) { updateUser(id: $id, input: {active: false}) { active } }";
    let out = app
        .gql(Some(&admin), deactivate, json!({ "id": user_id }))
        .await;
    assert_eq!(out["data"]["updateUser"]["active"], false, "{out}");
    assert_eq!(
        error_code(&app.gql(Some(&token), ME, json!({})).await),
        Some("UNAUTHENTICATED")
    );
    assert_eq!(
        error_code(
            &app.login_response("curator@service.example", PASSWORD)
                .await
        ),
        Some("UNAUTHENTICATED")
    );
}

#[tokio::test]
async fn changing_a_password_needs_the_current_one_and_ends_other_sessions() {
    let (app, _, _) = app_with_curator().await;
    let here = app.login("curator@service.example", PASSWORD).await;
    let elsewhere = app.login("curator@service.example", PASSWORD).await;
    let change = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }";
    let wrong = app
        .gql(
            Some(&here),
            change,
            json!({ "c": "not my password", "n": "a new long password" }),
        )
        .await;
    assert_eq!(error_code(&wrong), Some("BAD_USER_INPUT"));
    let short = app
        .gql(
            Some(&here),
            change,
            json!({ "c": PASSWORD, "n": "too short" }),
        )
        .await;
    assert_eq!(error_code(&short), Some("BAD_USER_INPUT"));
    let ok = app
        .gql(
            Some(&here),
            change,
            json!({ "c": PASSWORD, "n": "a new long password" }),
        )
        .await;
    assert_eq!(ok["data"]["changePassword"], true, "{ok}");
    assert!(app.gql(Some(&here), ME, json!({})).await["data"]["me"].is_object());
    assert_eq!(
        error_code(&app.gql(Some(&elsewhere), ME, json!({})).await),
        Some("UNAUTHENTICATED")
    );
    app.login("curator@service.example", "a new long password")
        .await;
}

#[tokio::test]
async fn the_command_line_creates_a_hub_admin_and_resets_passwords() {
    let app = spawn_app().await;
    let create = app
        .run_cli_with_stdin(
            &[
                "admin",
                "create",
                "--email",
                "second@hub.example",
                "--name",
                "Второй админ",
                "--password-stdin",
            ],
            "a long admin password\n",
        )
        .await;
    assert!(
        create.status.success(),
        "{}",
        String::from_utf8_lossy(&create.stderr)
    );
    let token = app
        .login("second@hub.example", "a long admin password")
        .await;
    assert!(
        app.gql(Some(&token), "{ me { hubAdmin } }", json!({}))
            .await["data"]["me"]["hubAdmin"]
            == true
    );
    let short = app
        .run_cli_with_stdin(
            &[
                "admin",
                "create",
                "--email",
                "third@hub.example",
                "--name",
                "X",
                "--password-stdin",
            ],
            "short\n",
        )
        .await;
    assert!(!short.status.success());
    let reset = app
        .run_cli_with_stdin(
            &[
                "admin",
                "reset-password",
                "--email",
                ADMIN_EMAIL,
                "--password-stdin",
            ],
            "another long password\n",
        )
        .await;
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
    app.login(ADMIN_EMAIL, "another long password").await;
}
