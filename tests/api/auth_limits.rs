//! Bounds on sign-in: one password check per request, complexity of the fields that
//! hash, the bounded hashing pool, per-address and total rates, device tokens that keep
//! the real user in while someone else locks their address, and input bounds.

use std::time::{Duration, Instant};

use caselink::auth::{attempts, store, throttle::Failures};
use serde_json::{json, Value};

use crate::handovers::handover_hub;
use crate::harness::{error_code, error_field, spawn_app, spawn_app_with, TestApp, PASSWORD};

const CURATOR: &str = "curator@service.example";
const LOGIN: &str = "mutation($e: String!, $p: String!, $d: String) { login(email: $e, password: $p, deviceToken: $d) { token deviceToken user { id } } }";

async fn app_with_curator(adjust: impl FnOnce(&mut caselink::config::Config)) -> (TestApp, String) {
    let app = spawn_app_with(adjust).await;
    let admin = app.admin_token().await;
    let agency = app
        .create_agency(&admin, "Служба профилактики отказов", "PREVENTION_SERVICE")
        .await;
    app.create_user(&admin, &agency, CURATOR, &["CURATOR"])
        .await;
    (app, admin)
}

/// Signs in, from `forwarded_for` when given (seen only behind a trusted proxy).
async fn sign_in_from(
    app: &TestApp,
    forwarded_for: Option<&str>,
    email: &str,
    password: &str,
    device: Option<&str>,
) -> Value {
    let body = json!({ "query": LOGIN, "variables": { "e": email, "p": password, "d": device } });
    let mut request = app
        .http()
        .post(format!("{}/graphql", app.address))
        .json(&body);
    if let Some(hop) = forwarded_for {
        request = request.header("x-forwarded-for", hop);
    }
    let response = request.send().await.expect("send the request");
    response.json().await.expect("a JSON body")
}

async fn sign_in(app: &TestApp, email: &str, password: &str, device: Option<&str>) -> Value {
    sign_in_from(app, None, email, password, device).await
}

fn device_of(body: &Value) -> String {
    body["data"]["login"]["deviceToken"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("login failed: {body}"))
}

fn reason(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["reason"].as_str()
}

fn signed_in(body: &Value) -> bool {
    body["data"]["login"]["token"].is_string()
}

async fn failed_sign_ins(app: &TestApp, reason: &str) -> i64 {
    app.count(&format!(
        "audit_events WHERE action = 'LOGIN_FAILED' AND details LIKE '%\"{reason}\"%'"
    ))
    .await
}

async fn all_failed_sign_ins(app: &TestApp) -> i64 {
    app.count("audit_events WHERE action = 'LOGIN_FAILED'")
        .await
}

/// Puts an address one failure short of the lock, its last failure two minutes ago (so
/// no wait is due), then fails once more through the API: the tenth failure locks it.
async fn lock_address(app: &TestApp, email: &str) {
    let state = Failures {
        failures: 9,
        last_failure_at: caselink::db::now() - chrono::Duration::minutes(2),
        locked_until: None,
    };
    save_address_failures(app, email, &state).await;
    let tenth = sign_in(app, email, "someone guessing", None).await;
    assert_eq!(reason(&tenth), Some("LOCKED"), "{tenth}");
}

async fn save_address_failures(app: &TestApp, email: &str, state: &Failures) {
    let mut tx = app.db.begin().await.expect("begin");
    store::save_failures(&mut tx, &attempts::email_key(email), state)
        .await
        .expect("save failures");
    tx.commit().await.expect("commit");
}

// One request, one password check.

#[tokio::test]
async fn a_thousand_aliased_logins_are_refused_whole_before_any_password_is_checked() {
    let (app, _) = app_with_curator(|_| {}).await;
    let (failed_before, throttled_before) = (
        all_failed_sign_ins(&app).await,
        app.count("login_throttle").await,
    );
    let fields: String = (0..1000)
        .map(|i| {
            format!(
                "l{i}: login(email: \"nobody{i}@x.example\", password: \"guess {i}\") {{ token }} "
            )
        })
        .collect();
    let started = Instant::now();
    let body = app
        .gql(None, &format!("mutation {{ {fields} }}"), json!({}))
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(body["data"].is_null(), "{body}");
    // Nothing ran: no failure counted or audited.
    assert_eq!(all_failed_sign_ins(&app).await, failed_before);
    assert_eq!(app.count("login_throttle").await, throttled_before);
    // And the server goes on answering.
    assert_eq!(
        app.gql(None, "{ __typename }", json!({})).await["data"]["__typename"],
        "Query"
    );
    assert!(signed_in(&sign_in(&app, CURATOR, PASSWORD, None).await));
}

#[tokio::test]
async fn a_second_login_in_one_request_is_refused_before_its_password_is_checked() {
    let (app, _) = app_with_curator(|_| {}).await;
    let failed_before = all_failed_sign_ins(&app).await;
    let logins_before = app.count("audit_events WHERE action = 'LOGIN'").await;
    let aliased = format!(
        "mutation {{ first: login(email: \"{CURATOR}\", password: \"{PASSWORD}\") {{ token }} second: login(email: \"{CURATOR}\", password: \"a wrong guess\") {{ token }} }}"
    );
    let in_fragments = format!(
        "mutation {{ ...A ...B }} fragment A on Mutation {{ a: login(email: \"{CURATOR}\", password: \"{PASSWORD}\") {{ token }} }} fragment B on Mutation {{ b: login(email: \"{CURATOR}\", password: \"a wrong guess\") {{ token }} }}"
    );
    for (query, second) in [(aliased, "second"), (in_fragments, "b")] {
        let body = app.gql(None, &query, json!({})).await;
        let errors = body["errors"].as_array().cloned().unwrap_or_default();
        assert_eq!(errors.len(), 1, "{body}");
        assert_eq!(errors[0]["path"], json!([second]), "{body}");
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
        assert_eq!(error_field(&body), Some("login"));
    }
    // The first of each signed in; the second was never tried.
    assert_eq!(
        app.count("audit_events WHERE action = 'LOGIN'").await,
        logins_before + 2
    );
    assert_eq!(all_failed_sign_ins(&app).await, failed_before);
    assert_eq!(app.count("login_throttle").await, 0);

    // changePassword checks a password too: it and a login share the one check.
    let token = app.login(CURATOR, PASSWORD).await;
    let both = format!(
        "mutation {{ changePassword(currentPassword: \"not my password\", newPassword: \"a new long password\") login(email: \"{CURATOR}\", password: \"another guess\") {{ token }} }}"
    );
    let body = app.gql(Some(&token), &both, json!({})).await;
    let refused: Vec<&Value> = body["errors"]
        .as_array()
        .map(|errors| errors.iter().collect())
        .unwrap_or_default();
    assert_eq!(refused.len(), 2, "{body}");
    assert_eq!(refused[0]["extensions"]["field"], "currentPassword");
    assert_eq!(refused[1]["extensions"]["field"], "login");
    assert_eq!(failed_sign_ins(&app, "wrong_current_password").await, 1);
    assert_eq!(all_failed_sign_ins(&app).await, failed_before + 1);
}

#[tokio::test]
async fn fields_that_hash_passwords_or_take_documents_cost_what_they_do() {
    let (app, admin) = app_with_curator(|_| {}).await;
    let logins = |n: usize| {
        let fields: String = (0..n)
            .map(|i| {
                format!("l{i}: login(email: \"n{i}@x.example\", password: \"guess\") {{ token }} ")
            })
            .collect();
        format!("mutation {{ {fields} }}")
    };
    let five = app.gql(None, &logins(5), json!({})).await;
    assert_eq!(error_code(&five), Some("BAD_USER_INPUT"), "{five}");
    assert!(
        five["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("too complex")),
        "{five}"
    );
    // Four pass validation; the first is checked, the other three are refused.
    let four = app.gql(None, &logins(4), json!({})).await;
    let codes: Vec<&str> = four["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["extensions"]["code"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        codes,
        [
            "UNAUTHENTICATED",
            "BAD_USER_INPUT",
            "BAD_USER_INPUT",
            "BAD_USER_INPUT"
        ],
        "{four}"
    );

    let users_before = app.count("users").await;
    let creates: String = (0..5)
        .map(|i| format!("u{i}: createUser(input: {{agencyId: \"00000000-0000-0000-0000-000000000000\", name: \"X\", email: \"u{i}@x.example\", password: \"a long password\", roles: [CURATOR]}}) {{ id }} "))
        .collect();
    let body = app
        .gql(
            Some(&admin),
            &format!("mutation {{ {creates} }}"),
            json!({}),
        )
        .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("too complex")),
        "{body}"
    );
    assert_eq!(app.count("users").await, users_before);
}

#[tokio::test]
async fn one_upload_counted_into_many_documents_is_too_complex_before_anything_is_read() {
    let h = handover_hub().await;
    let app = h.app();
    let before = app.count("handovers").await;
    let query = "mutation($id: ID!, $to: ID!, $p: HandoverPackageInput) { requestHandover(caseId: $id, toAgencyId: $to, kind: TRANSFER, reason: \"Права ребёнка под угрозой\", package: $p, senderOrder: {number: \"41-о\", date: \"2026-11-20\"}) { id } }";
    let slots = 30;
    let operations = json!({
        "query": query,
        "variables": { "id": h.case, "to": h.guardianship, "p": { "documents": vec![Value::Null; slots] } }
    });
    let paths: Vec<String> = (0..slots)
        .map(|i| format!("variables.p.documents.{i}"))
        .collect();
    let part = reqwest::multipart::Part::bytes(b"%PDF-1.7\n%%EOF\n".to_vec())
        .file_name("order.pdf")
        .mime_str("application/pdf")
        .expect("mime");
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": paths }).to_string())
        .part("0", part);
    let body: Value = app
        .http()
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&h.hub.head)
        .multipart(form)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("a JSON body");
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("too complex")),
        "{body}"
    );
    assert_eq!(app.count("handovers").await, before);
}

// The bounded hashing pool.

#[tokio::test]
async fn a_full_hashing_queue_refuses_at_once_while_other_requests_are_answered() {
    let app = spawn_app_with(|config| {
        config.sign_in.password_hash_workers = Some(1);
        config.sign_in.password_hash_queue = 1;
    })
    .await;
    let client = app.http().clone();
    let url = format!("{}/graphql", app.address);
    let health = format!("{}/healthz", app.address);
    let mut refused = Vec::new();
    let mut checked = 0;
    // Twelve at once against one worker and one waiting place: some must be refused.
    // Bounded retries in case a slow machine spreads the requests out.
    for round in 0..5 {
        let mut logins = tokio::task::JoinSet::new();
        for i in 0..12 {
            let body = json!({ "query": LOGIN, "variables": { "e": format!("n{round}-{i}@x.example"), "p": "a guess" } });
            let request = client.post(&url).json(&body);
            logins.spawn(async move { request.send().await.expect("send").json::<Value>().await });
        }
        // Meanwhile, requests that hash nothing are answered.
        let started = Instant::now();
        let typename = client
            .post(&url)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .expect("send")
            .json::<Value>()
            .await
            .expect("json");
        assert_eq!(typename["data"]["__typename"], "Query");
        let healthz = client.get(&health).send().await.expect("send");
        assert!(healthz.status().is_success());
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        while let Some(done) = logins.join_next().await {
            let body = done.expect("task").expect("json");
            match error_code(&body) {
                Some("TOO_MANY_REQUESTS") => refused.push(body),
                Some("UNAUTHENTICATED") => checked += 1,
                other => panic!("unexpected {other:?}: {body}"),
            }
        }
        if !refused.is_empty() {
            break;
        }
    }
    assert!(checked >= 2, "the worker and the waiting place were used");
    let first = refused.first().expect("a full queue refuses");
    assert_eq!(reason(first), Some("PASSWORD_QUEUE_FULL"), "{first}");
    assert!(first["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_i64()
        .is_some_and(|s| s >= 1));
    assert_eq!(
        failed_sign_ins(&app, "password_queue_full").await,
        refused.len() as i64
    );
    // A refusal for load is not a counted failure: those addresses have no count.
    assert_eq!(
        app.count("login_throttle").await,
        checked,
        "only the checked attempts were counted"
    );
}

// Rates per client address and in total.

#[tokio::test]
async fn one_address_is_limited_the_same_for_every_email_and_a_known_device_still_signs_in() {
    let (app, _) = app_with_curator(|config| {
        config.sign_in.sign_in_per_address_per_minute = 3;
        config.sign_in.sign_in_per_address_burst = 3;
    })
    .await;
    // Setting up signed the administrator in once; with the two below, the allowance of
    // three is spent.
    let device = device_of(&sign_in(&app, CURATOR, PASSWORD, None).await);
    let _ = sign_in(&app, "nobody@x.example", "a guess", None).await;
    let known = sign_in(&app, CURATOR, PASSWORD, None).await;
    let unknown = sign_in(&app, "nobody@x.example", PASSWORD, None).await;
    for refused in [&known, &unknown] {
        assert_eq!(error_code(refused), Some("TOO_MANY_REQUESTS"), "{refused}");
        assert_eq!(reason(refused), Some("ADDRESS_LIMIT"));
        assert!(refused["errors"][0]["extensions"]["retryAfterSeconds"]
            .as_i64()
            .is_some_and(|s| s >= 1));
    }
    assert_eq!(
        known["errors"][0]["message"],
        unknown["errors"][0]["message"]
    );
    assert_eq!(failed_sign_ins(&app, "address_rate_limited").await, 2);
    // X-Forwarded-For is the client's own say without a trusted proxy: ignored.
    let forged = sign_in_from(&app, Some("10.9.9.9"), CURATOR, PASSWORD, None).await;
    assert_eq!(reason(&forged), Some("ADDRESS_LIMIT"));
    // Other requests are not sign-ins.
    assert_eq!(
        app.gql(None, "{ __typename }", json!({})).await["data"]["__typename"],
        "Query"
    );
    // The owner's known device is not held back by the address's flood.
    assert!(signed_in(
        &sign_in(&app, CURATOR, PASSWORD, Some(&device)).await
    ));
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_last_forwarded_hop_is_the_address() {
    let app = spawn_app_with(|config| {
        config.sign_in.trusted_proxy = true;
        config.sign_in.sign_in_per_address_per_minute = 2;
        config.sign_in.sign_in_per_address_burst = 2;
    })
    .await;
    for _ in 0..2 {
        let body = sign_in_from(
            &app,
            Some("6.6.6.6, 10.0.0.1"),
            "a@x.example",
            "guess",
            None,
        )
        .await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    }
    let third = sign_in_from(
        &app,
        Some("7.7.7.7, 10.0.0.1"),
        "b@x.example",
        "guess",
        None,
    )
    .await;
    assert_eq!(reason(&third), Some("ADDRESS_LIMIT"), "{third}");
    let other = sign_in_from(
        &app,
        Some("6.6.6.6, 10.0.0.2"),
        "a@x.example",
        "guess",
        None,
    )
    .await;
    assert_eq!(error_code(&other), Some("UNAUTHENTICATED"), "{other}");
}

#[tokio::test]
async fn the_total_is_shared_by_every_address_and_a_known_device_still_signs_in() {
    let app = spawn_app_with(|config| {
        config.sign_in.trusted_proxy = true;
        config.sign_in.sign_in_total_per_minute = 3;
        config.sign_in.sign_in_total_burst = 3;
    })
    .await;
    let device = device_of(
        &sign_in_from(
            &app,
            Some("10.0.0.1"),
            crate::harness::ADMIN_EMAIL,
            PASSWORD,
            None,
        )
        .await,
    );
    for n in 2..=3 {
        let body = sign_in_from(
            &app,
            Some(&format!("10.0.0.{n}")),
            "a@x.example",
            "guess",
            None,
        )
        .await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    }
    let refused = sign_in_from(&app, Some("10.0.0.4"), "a@x.example", "guess", None).await;
    assert_eq!(error_code(&refused), Some("TOO_MANY_REQUESTS"), "{refused}");
    assert_eq!(reason(&refused), Some("TOTAL_LIMIT"));
    assert_eq!(failed_sign_ins(&app, "total_rate_limited").await, 1);
    let known = sign_in_from(
        &app,
        Some("10.0.0.5"),
        crate::harness::ADMIN_EMAIL,
        PASSWORD,
        Some(&device),
    )
    .await;
    assert!(signed_in(&known), "{known}");
}

// Device tokens.

#[tokio::test]
async fn a_locked_address_does_not_lock_out_the_real_user_on_a_known_device() {
    let (app, admin) = app_with_curator(|_| {}).await;
    let device = device_of(&sign_in(&app, CURATOR, PASSWORD, None).await);
    let admins_device =
        device_of(&sign_in(&app, crate::harness::ADMIN_EMAIL, PASSWORD, None).await);
    lock_address(&app, CURATOR).await;

    // Unknown devices stay locked out: none, a made-up one, another account's.
    let made_up = caselink::auth::token::generate_device();
    for presented in [
        None,
        Some(made_up.as_str()),
        Some(admins_device.as_str()),
        Some("garbage"),
    ] {
        let body = sign_in(&app, CURATOR, PASSWORD, presented).await;
        assert_eq!(reason(&body), Some("LOCKED"), "{presented:?}: {body}");
    }
    // The real user's device signs in, and gets a new token in place of the one sent.
    let body = sign_in(&app, CURATOR, PASSWORD, Some(&device)).await;
    assert!(signed_in(&body), "{body}");
    let renewed = device_of(&body);
    assert_ne!(renewed, device);
    let used = sign_in(&app, CURATOR, PASSWORD, Some(&device)).await;
    assert_eq!(
        reason(&used),
        Some("LOCKED"),
        "a used device token is gone: {used}"
    );
    // The owner's success does not reopen the address to whoever locked it.
    let still = sign_in(&app, CURATOR, PASSWORD, None).await;
    assert_eq!(reason(&still), Some("LOCKED"), "{still}");

    // A wrong password from the device counts against the device, not the address.
    let wrong = sign_in(&app, CURATOR, "not the password", Some(&renewed)).await;
    assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"));
    assert_eq!(reason(&wrong), None, "{wrong}");
    assert_eq!(
        failed_sign_ins(&app, "knownDevice").await,
        1,
        "the audit tells a known device's failure apart"
    );
    assert!(signed_in(
        &sign_in(&app, CURATOR, PASSWORD, Some(&renewed)).await
    ));
    let _ = admin;
}

#[tokio::test]
async fn a_device_token_that_fails_repeatedly_is_locked_itself() {
    let (app, _) = app_with_curator(|_| {}).await;
    let device = device_of(&sign_in(&app, CURATOR, PASSWORD, None).await);
    // Nine failures on the device, the last two minutes ago; the tenth locks it.
    let device_id: uuid::Uuid = {
        let hash = caselink::auth::token::hash(&device);
        store::known_device(&app.db, &hash, CURATOR, caselink::db::now())
            .await
            .expect("look up")
            .expect("the device is known")
    };
    let mut tx = app.db.begin().await.expect("begin");
    let nine = Failures {
        failures: 9,
        last_failure_at: caselink::db::now() - chrono::Duration::minutes(2),
        locked_until: None,
    };
    store::save_device_failures(&mut tx, device_id, &nine)
        .await
        .expect("save");
    tx.commit().await.expect("commit");
    let tenth = sign_in(&app, CURATOR, "a wrong guess", Some(&device)).await;
    assert_eq!(reason(&tenth), Some("LOCKED"), "{tenth}");
    let right = sign_in(&app, CURATOR, PASSWORD, Some(&device)).await;
    assert_eq!(reason(&right), Some("LOCKED"), "{right}");
    assert_eq!(failed_sign_ins(&app, "device_throttled").await, 1);
    // The address itself was never counted: an unknown device signs in.
    assert!(signed_in(&sign_in(&app, CURATOR, PASSWORD, None).await));
}

#[tokio::test]
async fn after_the_lock_period_a_success_clears_the_count() {
    let (app, _) = app_with_curator(|_| {}).await;
    let ended = Failures {
        failures: 10,
        last_failure_at: caselink::db::now() - chrono::Duration::minutes(16),
        locked_until: Some(caselink::db::now() - chrono::Duration::minutes(1)),
    };
    save_address_failures(&app, CURATOR, &ended).await;
    assert!(signed_in(&sign_in(&app, CURATOR, PASSWORD, None).await));
    assert_eq!(app.count("login_throttle").await, 0);
    // Counting starts afresh: three wrong tries before any wait.
    for _ in 0..3 {
        let body = sign_in(&app, CURATOR, "wrong password!!", None).await;
        assert_eq!(reason(&body), None, "{body}");
    }
}

#[tokio::test]
async fn device_tokens_end_with_a_new_password_deactivation_and_expiry() {
    let (app, admin) = app_with_curator(|_| {}).await;
    let user_id = app
        .gql(
            Some(&app.login(CURATOR, PASSWORD).await),
            "{ me { id } }",
            json!({}),
        )
        .await["data"]["me"]["id"]
        .as_str()
        .map(str::to_owned)
        .expect("me");
    let devices = || app.count("device_tokens");
    let locked_out = |device: String| {
        let app = &app;
        async move {
            lock_address(app, CURATOR).await;
            let body = sign_in(app, CURATOR, PASSWORD, Some(&device)).await;
            save_address_failures(
                app,
                CURATOR,
                &Failures {
                    failures: 0,
                    last_failure_at: caselink::db::now(),
                    locked_until: None,
                },
            )
            .await;
            reason(&body) == Some("LOCKED")
        }
    };

    // Changing the password ends them.
    let session = sign_in(&app, CURATOR, PASSWORD, None).await;
    let device = device_of(&session);
    let token = session["data"]["login"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let change = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }";
    let changed = app
        .gql(
            Some(&token),
            change,
            json!({ "c": PASSWORD, "n": "a new long password" }),
        )
        .await;
    assert_eq!(changed["data"]["changePassword"], true, "{changed}");
    assert_eq!(devices().await, 1, "the administrator's only");
    assert!(locked_out(device).await);

    // An administrator's reset ends them.
    let device = device_of(&sign_in(&app, CURATOR, "a new long password", None).await);
    let reset = "mutation($id: ID!, $p: String!) { setUserPassword(id: $id, password: $p) { id } }";
    let body = app
        .gql(Some(&admin), reset, json!({ "id": user_id, "p": PASSWORD }))
        .await;
    assert!(body["data"]["setUserPassword"]["id"].is_string(), "{body}");
    assert!(locked_out(device).await);

    // Deactivation ends them; reactivation does not bring them back.
    let device = device_of(&sign_in(&app, CURATOR, PASSWORD, None).await);
    let set_active =
        "mutation($id: ID!, $a: Boolean!) { updateUser(id: $id, input: {active: $a}) { active } }";
    for active in [false, true] {
        let body = app
            .gql(
                Some(&admin),
                set_active,
                json!({ "id": user_id, "a": active }),
            )
            .await;
        assert_eq!(body["data"]["updateUser"]["active"], active, "{body}");
    }
    assert!(locked_out(device).await);

    // An expired one counts as none.
    let device = device_of(&sign_in(&app, CURATOR, PASSWORD, None).await);
    app.execute("UPDATE device_tokens SET expires_at = created_at")
        .await
        .expect("expire");
    assert!(locked_out(device).await);
}

// Bounds at entry.

#[tokio::test]
async fn login_input_is_bounded_before_anything_is_looked_up() {
    let app = spawn_app().await;
    let long_email = format!("{}@x.example", "a".repeat(250));
    let long_password = "p".repeat(257);
    for (email, password, field) in [
        (long_email.as_str(), "a guess", "email"),
        ("not an address", "a guess", "email"),
        (CURATOR, long_password.as_str(), "password"),
    ] {
        let body = sign_in(&app, email, password, None).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert_eq!(error_field(&body), Some(field));
    }
    assert_eq!(all_failed_sign_ins(&app).await, 0);
    assert_eq!(app.count("login_throttle").await, 0);
    // 256 characters is still a password one may try.
    let body = sign_in(&app, CURATOR, &"p".repeat(256), None).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
}
