//! A transport that is not GraphQL: `GET /cases/{id}/persons.json` returns a case's
//! people through the read side (`cases::reads`) and never calls the audit itself. Its
//! `PERSONAL_DATA_READ` event is written anyway, before the body leaves, by the layer
//! every route passes (`http::caller::audit_reads`); when it cannot be written, no body
//! leaves. So the read audit no longer depends on GraphQL, and a new page cannot forget it.

use serde_json::Value;

use crate::cases::hub_with_case;
use crate::harness::Plain;
use crate::signals::SignalHub;

const READS: &str = "audit_events WHERE action = 'PERSONAL_DATA_READ'";

async fn persons_page(hub: &SignalHub, token: Option<&str>, id: &str) -> Plain {
    hub.app
        .get_plain(&format!("/cases/{id}/persons.json"), token)
        .await
}

#[tokio::test]
async fn a_page_that_returns_personal_data_writes_its_read_audit_without_graphql() {
    let (hub, id) = hub_with_case().await;
    let before = hub.app.count(READS).await;
    let naming_before = hub.app.reads_naming(&id).await;
    let page = persons_page(&hub, Some(&hub.curator), &id).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.header("cache-control"), "no-store");
    let body: Value = serde_json::from_str(&page.body).expect("JSON");
    let names: Vec<&str> = body["persons"]
        .as_array()
        .map(|p| p.iter().filter_map(|p| p["fullName"].as_str()).collect())
        .unwrap_or_default();
    assert!(names.iter().any(|n| n.contains("Иванова")), "{body}");
    assert_eq!(body["persons"][0]["role"], "MOTHER", "{body}");
    assert_eq!(hub.app.count(READS).await, before + 1, "one event per page");
    let naming = hub.app.reads_naming(&id).await;
    assert_eq!(
        (naming.0, naming.1),
        (naming_before.0 + 1, naming_before.1 + 1),
        "the event names the case, and carries it as its case"
    );
}

#[tokio::test]
async fn a_page_answers_404_to_a_summary_and_401_without_a_token_and_audits_nothing() {
    let (hub, id) = hub_with_case().await;
    let before = hub.app.count(READS).await;
    // The hospital reads the case as a summary: it has no people to show.
    let summary = persons_page(&hub, Some(&hub.nurse), &id).await;
    assert_eq!(
        (summary.status, summary.header("x-error-code").as_str()),
        (404, "NOT_FOUND")
    );
    let stranger = persons_page(&hub, Some(&hub.ngo), &id).await;
    assert_eq!(stranger.status, 404);
    assert_eq!(
        stranger.body, summary.body,
        "out of scope and summary alike"
    );
    let malformed = persons_page(&hub, Some(&hub.curator), "not-an-id").await;
    assert_eq!(malformed.status, 404);
    let anonymous = persons_page(&hub, None, &id).await;
    assert_eq!(
        (anonymous.status, anonymous.header("x-error-code").as_str()),
        (401, "UNAUTHENTICATED")
    );
    let unknown = persons_page(&hub, Some("no-such-token"), &id).await;
    assert_eq!(unknown.status, 401);
    assert_eq!(
        hub.app.count(READS).await,
        before,
        "nothing personal was read"
    );
}

#[tokio::test]
async fn a_page_withholds_personal_data_when_its_reading_cannot_be_audited() {
    let (hub, id) = hub_with_case().await;
    // Reads are audited in the staging table (src/audit/staged.rs): take it away.
    caselink::with_db!(hub.app.db.staging(), |pool| sqlx::query(
        "ALTER TABLE audit_reads_pending RENAME TO audit_reads_pending_away"
    )
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("break the audit log");
    let page = persons_page(&hub, Some(&hub.curator), &id).await;
    assert_eq!(
        (page.status, page.header("x-error-code").as_str()),
        (500, "INTERNAL")
    );
    assert!(
        !page.body.contains("Иванова"),
        "personal data left unaudited: {}",
        page.body
    );
}
