//! Several `caselink serve` processes on one database.

use serde_json::json;

use crate::harness::{error_code, spawn_app_with, PASSWORD};

#[tokio::test]
async fn two_servers_share_sessions_and_one_intact_audit_chain() {
    let one_second = |c: &mut caselink::config::Config| c.token_recheck_seconds = 1;
    let a = spawn_app_with(one_second).await;
    let b = a.spawn_peer(one_second).await;
    let admin = a.admin_token().await;
    let agency = a
        .create_agency(&admin, "Служба профилактики", "PREVENTION_SERVICE")
        .await;
    b.create_user(&admin, &agency, "curator@service.example", &["CURATOR"])
        .await;
    let curator = b.login("curator@service.example", PASSWORD).await;
    for server in [&a, &b] {
        let me = server
            .gql(Some(&curator), "{ me { name } }", json!({}))
            .await;
        assert!(me["data"]["me"]["name"].is_string(), "{me}");
    }
    a.gql(Some(&curator), "mutation { logout }", json!({}))
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(
        error_code(&b.gql(Some(&curator), "{ me { name } }", json!({})).await),
        Some("UNAUTHENTICATED")
    );
    for _ in 0..5 {
        a.login_response("curator@service.example", "wrong password!")
            .await;
        b.login(crate::harness::ADMIN_EMAIL, PASSWORD).await;
    }
    a.wait_until_sealed().await;
    // One key file for both; a checkpoint file each, and verify reads both.
    let (a_file, b_file) = (
        a.checkpoint_file.display().to_string(),
        b.checkpoint_file.display().to_string(),
    );
    let verified = a
        .run_cli(&[
            "audit",
            "verify",
            "--checkpoints",
            &a_file,
            "--checkpoints",
            &b_file,
        ])
        .await;
    let out = String::from_utf8_lossy(&verified.stdout);
    assert!(verified.status.success(), "{out}");
    assert!(out.contains("sealed and signed"), "{out}");
}
