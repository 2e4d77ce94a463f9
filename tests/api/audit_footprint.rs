//! Read events stored compactly (issue 13): under 400 bytes each on disk, indexes
//! included, and still tamper-evident: a read set's subject numbers, or the subjects
//! they point to, cannot be changed without `caselink audit verify` naming the event.

use caselink::audit::footprint;
use caselink::audit::Origin;
use uuid::Uuid;

use crate::harness::{on_postgres, spawn_app_with, TestApp};

/// A quiet hub (no sealing rounds of its own) with `events` read events of 20 cases each.
async fn hub_with_reads(events: usize) -> (TestApp, footprint::Footprint) {
    let mut app = spawn_app_with(|c| c.audit_seal_interval_ms = 3_600_000).await;
    app.stop_server().await;
    let origin = Origin {
        user_id: Some(Uuid::now_v7()),
        agency_id: Some(Uuid::now_v7()),
        request_id: Uuid::now_v7().to_string(),
    };
    let cases: Vec<Uuid> = (0..400).map(|_| Uuid::now_v7()).collect();
    let measured = footprint::measure_reads(&app.db, &origin, &cases, 20, events)
        .await
        .expect("measure");
    (app, measured)
}

#[tokio::test]
async fn a_read_event_of_twenty_cases_takes_under_400_bytes_with_its_indexes() {
    let (app, measured) = hub_with_reads(4_000).await;
    let per_event = measured.per_event();
    let total = measured.total_per_event();
    println!(
        "{}: {} read events of 20 cases took {} bytes ({per_event:.0} per event), and the \
         {} cases they name {} bytes ({:.0} per case): {total:.0} bytes per event in all",
        if on_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        measured.events,
        measured.event_bytes,
        measured.new_subjects,
        measured.subject_bytes,
        measured.per_new_subject(),
    );
    assert_eq!(measured.new_subjects, 400, "each case is numbered once");
    assert!(per_event < 400.0, "{per_event:.0} bytes per read event");
    assert!(
        total < 400.0,
        "{total:.0} bytes per read event with its subjects"
    );
    // And they verify, their details rebuilt byte for byte from the subject numbers.
    let out = app.run_cli(&["audit", "verify"]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
}

async fn verify_fails_naming(app: &TestApp, words: &str) {
    let out = app.run_cli(&["audit", "verify"]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("BROKEN at position") && text.contains(words),
        "{text}"
    );
}

async fn drop_guards(app: &TestApp) {
    let statements: &[&str] = if on_postgres() {
        &[
            "ALTER TABLE audit_events DISABLE TRIGGER ALL",
            "ALTER TABLE audit_subjects DISABLE TRIGGER ALL",
        ]
    } else {
        &[
            "DROP TRIGGER audit_events_sealed_immutable",
            "DROP TRIGGER audit_subjects_immutable",
            "DROP TRIGGER audit_subjects_no_delete",
        ]
    };
    for sql in statements {
        app.execute(sql).await.expect("switch a guard off");
    }
}

async fn first_compact_read(app: &TestApp) -> i64 {
    caselink::with_db!(&app.db, |pool| sqlx::query_scalar(
        "SELECT MIN(chain_pos) FROM audit_events WHERE reads IS NOT NULL"
    )
    .fetch_one(pool)
    .await)
    .expect("a compact read event")
}

#[tokio::test]
async fn a_subject_pointed_at_another_record_is_caught() {
    let (app, _) = hub_with_reads(50).await;
    assert!(
        app.execute("DELETE FROM audit_subjects WHERE n = 3")
            .await
            .is_err(),
        "the guard refuses"
    );
    drop_guards(&app).await;
    let other = if on_postgres() {
        "gen_random_uuid()"
    } else {
        "randomblob(16)"
    };
    app.execute(&format!(
        "UPDATE audit_subjects SET id = {other} WHERE n = 3"
    ))
    .await
    .expect("point a subject elsewhere");
    verify_fails_naming(&app, "link does not match").await;
}

#[tokio::test]
async fn a_removed_subject_is_caught() {
    let (app, _) = hub_with_reads(50).await;
    drop_guards(&app).await;
    app.execute("DELETE FROM audit_subjects WHERE n = 3")
        .await
        .expect("remove a subject");
    verify_fails_naming(&app, "which is missing").await;
}

#[tokio::test]
async fn a_read_set_swapped_for_another_is_caught() {
    let (app, _) = hub_with_reads(50).await;
    drop_guards(&app).await;
    let at = first_compact_read(&app).await;
    // The next read event named another page: give this one its set.
    app.execute(&format!(
        "UPDATE audit_events SET reads = (SELECT reads FROM audit_events \
         WHERE chain_pos = {next}) WHERE chain_pos = {at}",
        next = at + 1
    ))
    .await
    .expect("swap a read set");
    verify_fails_naming(&app, "link does not match").await;
}
