//! The audit log: what is recorded, who reads it, and tamper evidence.

use serde_json::{json, Value};

use crate::harness::{error_code, on_postgres, spawn_app, TestApp, PASSWORD};

const EVENTS: &str = "query($f: AuditFilterInput, $first: Int, $after: String) { auditEvents(filter: $f, first: $first, after: $after) { edges { node { action actorUserId targetKind targetId requestId details sealed } } pageInfo { hasNextPage endCursor } } }";

fn actions(body: &Value) -> Vec<String> {
    body["data"]["auditEvents"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn busy_hub() -> (TestApp, String, String) {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let agency = app
        .create_agency(&admin, "Служба профилактики", "PREVENTION_SERVICE")
        .await;
    app.create_user(&admin, &agency, "head@service.example", &["AGENCY_ADMIN"])
        .await;
    let head = app.login("head@service.example", PASSWORD).await;
    app.create_user(&head, &agency, "curator@service.example", &["CURATOR"])
        .await;
    let _ = app
        .login_response("curator@service.example", "not the password")
        .await;
    (app, admin, head)
}

#[tokio::test]
async fn sign_ins_and_changes_are_audited_newest_first() {
    let (app, admin, _) = busy_hub().await;
    let body = app.gql(Some(&admin), EVENTS, json!({})).await;
    let seen = actions(&body);
    assert_eq!(
        seen.first().map(String::as_str),
        Some("LOGIN_FAILED"),
        "{body}"
    );
    for action in ["LOGIN_FAILED", "USER_CREATED", "AGENCY_CREATED", "LOGIN"] {
        assert!(
            seen.iter().any(|a| a == action),
            "{action} missing from {seen:?}"
        );
    }
    let node = &body["data"]["auditEvents"]["edges"][0]["node"];
    assert!(
        node["requestId"].as_str().is_some_and(|id| id.len() >= 32),
        "{node}"
    );
    let failed = app
        .gql(
            Some(&admin),
            EVENTS,
            json!({ "f": { "action": "LOGIN_FAILED" } }),
        )
        .await;
    assert_eq!(actions(&failed), vec!["LOGIN_FAILED"]);
    assert_eq!(
        failed["data"]["auditEvents"]["edges"][0]["node"]["details"]["reason"],
        "bad_credentials"
    );
}

#[tokio::test]
async fn no_password_or_token_reaches_the_audit_log() {
    let (app, _, head) = busy_hub().await;
    // Text columns only: read sets (`reads`) and request UUIDs are numbers and bytes.
    let rows: Vec<String> = caselink::with_db!(&app.db, |pool| sqlx::query_scalar(
        "SELECT COALESCE(details, '') || COALESCE(request_id, '') || target_kind \
         FROM audit_events"
    )
    .fetch_all(pool)
    .await)
    .expect("read");
    let all = rows.join("\n");
    for secret in [
        PASSWORD,
        "not the password",
        head.as_str(),
        "curator@service.example",
    ] {
        assert!(!all.contains(secret), "{secret} leaked into the audit log");
    }
}

#[tokio::test]
async fn an_agency_admin_reads_their_agencys_events_and_a_curator_none() {
    let (app, _, head) = busy_hub().await;
    let mine = app.gql(Some(&head), EVENTS, json!({})).await;
    let seen = actions(&mine);
    assert!(seen.iter().any(|a| a == "USER_CREATED"), "{mine}");
    assert!(
        !seen.iter().any(|a| a == "AGENCY_CREATED"),
        "the hub admin's events are not the agency's: {seen:?}"
    );
    app.create_user(
        &head,
        &agency_of(&app, &head).await,
        "curator2@service.example",
        &["CURATOR"],
    )
    .await;
    let curator = app.login("curator2@service.example", PASSWORD).await;
    assert_eq!(
        error_code(&app.gql(Some(&curator), EVENTS, json!({})).await),
        Some("FORBIDDEN")
    );
}

async fn agency_of(app: &TestApp, token: &str) -> String {
    let me = app
        .gql(Some(token), "{ me { agency { id } } }", json!({}))
        .await;
    me["data"]["me"]["agency"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_audit_log_pages_without_gaps_or_repeats() {
    let (app, admin, _) = busy_hub().await;
    let all = actions(&app.gql(Some(&admin), EVENTS, json!({ "first": 100 })).await);
    let (mut paged, mut after) = (Vec::new(), Value::Null);
    for _ in 0..all.len() {
        let body = app
            .gql(Some(&admin), EVENTS, json!({ "first": 2, "after": after }))
            .await;
        paged.extend(actions(&body));
        if body["data"]["auditEvents"]["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = body["data"]["auditEvents"]["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(paged, all);
}

#[tokio::test]
async fn audit_verify_passes_on_an_intact_chain_and_names_an_edited_event() {
    let (app, _, _) = busy_hub().await;
    app.wait_until_sealed().await;
    let ok = app.run_cli(&["audit", "verify"]).await;
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact"));
    drop_guards(&app).await;
    app.execute("UPDATE audit_events SET details = '{\"reason\":\"nothing happened\"}' WHERE action = 'LOGIN_FAILED'").await.expect("tamper");
    let broken = app.run_cli(&["audit", "verify"]).await;
    let out = String::from_utf8_lossy(&broken.stdout);
    assert_eq!(broken.status.code(), Some(1), "{out}");
    assert!(out.contains("BROKEN") && out.contains("altered"), "{out}");
}

#[tokio::test]
async fn audit_verify_notices_a_deleted_event_in_the_middle_and_at_the_end() {
    let (app, _, _) = busy_hub().await;
    app.wait_until_sealed().await;
    drop_guards(&app).await;
    app.execute("DELETE FROM audit_events WHERE chain_pos = 2")
        .await
        .expect("tamper");
    let out = app.run_cli(&["audit", "verify"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("missing"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let (app, _, _) = busy_hub().await;
    app.wait_until_sealed().await;
    drop_guards(&app).await;
    app.execute(
        "DELETE FROM audit_events WHERE chain_pos = (SELECT MAX(chain_pos) FROM audit_events)",
    )
    .await
    .expect("tamper");
    let out = app.run_cli(&["audit", "verify"]).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test]
async fn sealed_events_cannot_be_changed_or_deleted_through_sql() {
    let (app, _, _) = busy_hub().await;
    app.wait_until_sealed().await;
    assert!(app
        .execute("UPDATE audit_events SET details = '{}'")
        .await
        .is_err());
    assert!(app.execute("DELETE FROM audit_events").await.is_err());
    assert!(app.execute("DELETE FROM audit_chain_head").await.is_err());
    if on_postgres() {
        assert!(app.execute("TRUNCATE audit_events").await.is_err());
    }
}

/// A DBA with full rights can drop the guards; the chain must still tell.
async fn drop_guards(app: &TestApp) {
    let statements: &[&str] = if on_postgres() {
        &["DROP TRIGGER audit_events_guard ON audit_events"]
    } else {
        &[
            "DROP TRIGGER audit_events_no_delete",
            "DROP TRIGGER audit_events_sealed_immutable",
        ]
    };
    for sql in statements {
        app.execute(sql).await.expect("drop a guard");
    }
}
