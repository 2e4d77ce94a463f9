//! Tampering with the audit log by someone who can write the database but has no audit
//! key (src/audit/keys.rs): each rewrite is done the way such an attacker would, with SQL
//! and the published algorithms, and `caselink audit verify` must name where it shows.
//! Also: key rotation, checkpoint files, an old key coming back, and a legacy chain.

use caselink::audit::chain::{
    event_mac, keyed_link, legacy_link, EventContent, EventMac, LinkInput,
};
use caselink::audit::compact::{self, Hex};
use caselink::audit::keys::{AuditKey, Keyring};
use caselink::audit::sealer;
use chrono::{DateTime, Utc};

use crate::harness::{on_postgres, spawn_app_with, TestApp, PASSWORD};

/// A sealed event as an attacker reads it from the table (as the published code reads
/// it: details, request ids and MAC key ids rebuilt from their compact storage).
#[derive(Clone)]
struct Row {
    seq: i64,
    chain_pos: i64,
    hash: Hex,
    seal_key_id: Option<Hex>,
    sealed_at: DateTime<Utc>,
    content: EventContent,
    mac: EventMac,
}

async fn chain(app: &TestApp) -> Vec<Row> {
    caselink::audit::verify::sealed_page(&app.db, 0, i64::MAX / 2)
        .await
        .expect("read the chain")
        .into_iter()
        .map(|r| Row {
            seq: r.seq,
            chain_pos: r.chain_pos,
            hash: Hex(r.hash),
            seal_key_id: r.seal_key_id.map(Hex),
            sealed_at: r.sealed_at.expect("sealed"),
            content: r.content,
            mac: r.mac,
        })
        .collect()
}

/// A hub with some sealed events, stopped (its last round sealed and signed everything),
/// so that nothing moves while the test plays the attacker.
async fn sealed_hub() -> TestApp {
    let mut app = spawn_app_with(|_| {}).await;
    let admin = app.admin_token().await;
    let agency = app
        .create_agency(&admin, "Служба профилактики", "PREVENTION_SERVICE")
        .await;
    app.create_user(&admin, &agency, "head@service.example", &["AGENCY_ADMIN"])
        .await;
    app.login("head@service.example", PASSWORD).await;
    let _ = app
        .login_response("head@service.example", "not the password")
        .await;
    app.stop_server().await;
    app
}

/// Runs `caselink audit verify` with `args`; returns the exit code and the output.
async fn verify(app: &TestApp, args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["audit", "verify"];
    all.extend_from_slice(args);
    let out = app.run_cli(&all).await;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

async fn assert_intact_and_signed(app: &TestApp) {
    let (code, out) = verify(app, &[]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("audit log intact"), "{out}");
    assert!(
        out.contains("0 events sealed after the last checkpoint"),
        "{out}"
    );
}

async fn assert_broken_at(app: &TestApp, position: i64, words: &str) -> String {
    let (code, out) = verify(app, &[]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("BROKEN at position {position}:")),
        "position {position} not named: {out}"
    );
    assert!(out.contains(words), "{words:?} missing: {out}");
    out
}

/// What a DBA does first: switch the guards off.
async fn disable_guards(app: &TestApp) {
    let statements: &[&str] = if on_postgres() {
        &[
            "ALTER TABLE audit_events DISABLE TRIGGER ALL",
            "ALTER TABLE audit_chain_head DISABLE TRIGGER ALL",
        ]
    } else {
        &[
            "DROP TRIGGER audit_events_no_delete",
            "DROP TRIGGER audit_events_sealed_immutable",
            "DROP TRIGGER audit_events_unsealed_only_sealed",
            "DROP TRIGGER audit_chain_head_no_delete",
        ]
    };
    for sql in statements {
        app.execute(sql).await.expect("switch a guard off");
    }
}

async fn set_link(app: &TestApp, seq: i64, pos: i64, hash: &str, key: Option<&str>) {
    caselink::with_db!(&app.db, |pool| sqlx::query(
        "UPDATE audit_events SET chain_pos = $2, hash = $3, seal_key_id = $4 WHERE seq = $1"
    )
    .bind(seq)
    .bind(pos)
    .bind(compact::bytes(hash))
    .bind(compact::opt_bytes(key))
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("rewrite a link");
}

async fn move_head(app: &TestApp, pos: i64, hash: &str) {
    caselink::with_db!(&app.db, |pool| sqlx::query(
        "UPDATE audit_chain_head SET chain_pos = $1, hash = $2"
    )
    .bind(pos)
    .bind(hash)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("move the head");
}

/// How an attacker recomputes a link: plain SHA-256 (the old algorithm), or an HMAC under
/// a key they made up, in the place of the real one.
#[derive(Clone, Copy)]
enum Forgery<'a> {
    Sha256,
    GuessedKey(&'a AuditKey),
}

impl Forgery<'_> {
    fn link(self, prev: &str, pos: i64, row: &Row) -> String {
        match self {
            Forgery::Sha256 => legacy_link(prev, pos, row.seq, &row.content),
            Forgery::GuessedKey(key) => keyed_link(
                key,
                prev,
                &LinkInput {
                    chain_pos: pos,
                    seq: row.seq,
                    sealed_at: row.sealed_at,
                    content: &row.content,
                    mac: &row.mac,
                },
            ),
        }
    }
}

/// Rewrites every link from `rows[0]` on, renumbered from `first_pos`, keeping each
/// event's stored key id, and moves the head to the new end.
async fn relink(app: &TestApp, rows: &[Row], first_pos: i64, prev: &str, forgery: Forgery<'_>) {
    let mut prev = prev.to_owned();
    let mut pos = first_pos;
    for row in rows {
        let hash = forgery.link(&prev, pos, row);
        set_link(app, row.seq, pos, &hash, row.seal_key_id.as_deref()).await;
        prev = hash;
        pos += 1;
    }
    move_head(app, pos - 1, &prev).await;
}

/// Inserts `row`'s content and MAC as a new event, unsealed; returns its `seq`.
async fn insert_event(app: &TestApp, row: &Row) -> i64 {
    caselink::with_db!(&app.db, |pool| sqlx::query_scalar(
        "INSERT INTO audit_events (id, occurred_at, actor_user_id, actor_agency_id, action, \
         target_kind, target_id, case_id, request_id, details, mac_key_id, mac) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING seq"
    )
    .bind(row.content.id)
    .bind(row.content.occurred_at)
    .bind(row.content.actor_user_id)
    .bind(row.content.actor_agency_id)
    .bind(&row.content.action)
    .bind(&row.content.target_kind)
    .bind(row.content.target_id)
    .bind(row.content.case_id)
    .bind(&row.content.request_id)
    .bind(&row.content.details)
    .bind(compact::opt_bytes(row.mac.mac_key_id.as_deref()))
    .bind(compact::opt_bytes(row.mac.mac.as_deref()))
    .fetch_one(pool)
    .await)
    .expect("insert an event")
}

/// Appends `row` as a sealed event after the head `last`, linked by `forgery` and naming
/// `row.seal_key_id`, and moves the head to it; returns its position.
async fn append_sealed(app: &TestApp, mut row: Row, last: &Row, forgery: Forgery<'_>) -> i64 {
    row.seq = insert_event(app, &row).await;
    let pos = last.chain_pos + 1;
    let hash = forgery.link(&last.hash, pos, &row);
    caselink::with_db!(&app.db, |pool| sqlx::query(
        "UPDATE audit_events SET sealed_at = $2 WHERE seq = $1"
    )
    .bind(row.seq)
    .bind(row.sealed_at)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("seal time");
    set_link(app, row.seq, pos, &hash, row.seal_key_id.as_deref()).await;
    move_head(app, pos, &hash).await;
    pos
}

async fn edit_details(app: &TestApp, seq: i64, details: &str) {
    caselink::with_db!(&app.db, |pool| sqlx::query(
        "UPDATE audit_events SET details = $2 WHERE seq = $1"
    )
    .bind(seq)
    .bind(details)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("edit an event");
}

#[tokio::test]
async fn deleting_the_newest_events_and_moving_the_head_back_is_caught_by_the_checkpoint() {
    let app = sealed_hub().await;
    assert_intact_and_signed(&app).await;
    let rows = chain(&app).await;
    let (last, keep) = (rows.len() as i64, &rows[rows.len() - 3]);
    disable_guards(&app).await;
    app.execute(&format!(
        "DELETE FROM audit_events WHERE chain_pos > {}",
        keep.chain_pos
    ))
    .await
    .expect("delete the newest events");
    move_head(&app, keep.chain_pos, &keep.hash).await;
    let out = assert_broken_at(&app, keep.chain_pos + 1, "were deleted").await;
    assert!(
        out.contains(&format!("says the chain reached position {last}"))
            && out.contains(&format!("ends at position {}", keep.chain_pos)),
        "{out}"
    );
}

#[tokio::test]
async fn an_edit_rehashed_with_plain_sha256_is_caught_where_it_was_made() {
    let app = sealed_hub().await;
    let rows = chain(&app).await;
    let at = 3;
    disable_guards(&app).await;
    edit_details(&app, rows[at - 1].seq, "{\"reason\":\"nothing happened\"}").await;
    let mut edited = chain(&app).await;
    // Naive: recompute with SHA-256, keeping the stored key ids.
    relink(
        &app,
        &edited[at - 1..],
        at as i64,
        &rows[at - 2].hash,
        Forgery::Sha256,
    )
    .await;
    assert_broken_at(&app, at as i64, "link does not match").await;
    // Better: make the rewritten links look legacy (no key id), as before the keys.
    for row in &mut edited[at - 1..] {
        row.seal_key_id = None;
    }
    relink(
        &app,
        &edited[at - 1..],
        at as i64,
        &rows[at - 2].hash,
        Forgery::Sha256,
    )
    .await;
    assert_broken_at(&app, at as i64, "plain SHA-256 link after keyed links").await;
}

#[tokio::test]
async fn an_edit_rehashed_with_a_guessed_key_is_caught_where_it_was_made() {
    let app = sealed_hub().await;
    let rows = chain(&app).await;
    let at = 2;
    let guessed = Keyring::generate();
    let guessed = guessed.current();
    disable_guards(&app).await;
    edit_details(&app, rows[at - 1].seq, "{}").await;
    // The attacker also re-MACs the edited event with their key.
    let mut edited = chain(&app).await;
    let target = &mut edited[at - 1];
    target.mac = EventMac {
        mac_key_id: target.mac.mac_key_id.clone(),
        mac: Some(Hex(event_mac(guessed, &target.content))),
    };
    caselink::with_db!(&app.db, |pool| sqlx::query(
        "UPDATE audit_events SET mac = $2 WHERE seq = $1"
    )
    .bind(target.seq)
    .bind(compact::opt_bytes(target.mac.mac.as_deref()))
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))
    .expect("re-MAC");
    relink(
        &app,
        &edited[at - 1..],
        at as i64,
        &rows[at - 2].hash,
        Forgery::GuessedKey(guessed),
    )
    .await;
    assert_broken_at(&app, at as i64, "link does not match").await;
    // Naming their own key instead of the real one's id does not help.
    for row in &mut edited[at - 1..] {
        row.seal_key_id = Some(Hex::new(guessed.id()));
    }
    relink(
        &app,
        &edited[at - 1..],
        at as i64,
        &rows[at - 2].hash,
        Forgery::GuessedKey(guessed),
    )
    .await;
    assert_broken_at(&app, at as i64, "not in the key file").await;
}

#[tokio::test]
async fn a_deleted_event_with_the_rest_renumbered_and_rehashed_is_caught() {
    let app = sealed_hub().await;
    let rows = chain(&app).await;
    let at = 2;
    disable_guards(&app).await;
    app.execute(&format!("DELETE FROM audit_events WHERE chain_pos = {at}"))
        .await
        .expect("delete an event");
    // Renumber in order (chain_pos is unique) and recompute every later link.
    relink(
        &app,
        &rows[at..],
        at as i64,
        &rows[at - 2].hash,
        Forgery::Sha256,
    )
    .await;
    assert_broken_at(&app, at as i64, "link does not match").await;
    let guessed = Keyring::generate();
    relink(
        &app,
        &rows[at..],
        at as i64,
        &rows[at - 2].hash,
        Forgery::GuessedKey(guessed.current()),
    )
    .await;
    assert_broken_at(&app, at as i64, "link does not match").await;
}

#[tokio::test]
async fn a_forged_sealed_event_is_caught() {
    let app = sealed_hub().await;
    let rows = chain(&app).await;
    let last = rows.last().cloned().expect("events");
    disable_guards(&app).await;
    // A copy of the last event with a new id and content of the attacker's choosing,
    // the MAC of another event and a SHA-256 link, appended after the head under the
    // real key's id.
    let mut forged = last.clone();
    forged.content.id = uuid::Uuid::now_v7();
    forged.content.details = "{\"note\":\"forged\"}".into();
    let pos = append_sealed(&app, forged, &last, Forgery::Sha256).await;
    assert_broken_at(&app, pos, "link does not match").await;
}

/// A hub whose sealer does not run on its own, so events stay unsealed.
async fn quiet_hub() -> TestApp {
    let app = spawn_app_with(|c| {
        c.audit_seal_interval_ms = 3_600_000;
        c.mail.reminder_interval_ms = 3_600_000;
    })
    .await;
    sealer::seal_all(&app.db).await.expect("seal the set-up");
    app
}

#[tokio::test]
async fn an_unsealed_event_edited_before_sealing_is_caught_before_and_after_sealing() {
    let app = quiet_hub().await;
    let _ = app
        .login_response(crate::harness::ADMIN_EMAIL, "not the password")
        .await;
    let seq: i64 = caselink::with_db!(&app.db, |pool| sqlx::query_scalar(
        "SELECT seq FROM audit_events WHERE hash IS NULL AND action = 'LOGIN_FAILED'"
    )
    .fetch_one(pool)
    .await)
    .expect("the unsealed event");
    // The guard stops the edit while it stands.
    assert!(app
        .execute(&format!(
            "UPDATE audit_events SET details = '{{}}' WHERE seq = {seq}"
        ))
        .await
        .is_err());
    disable_guards(&app).await;
    edit_details(&app, seq, "{\"reason\":\"nothing happened\"}").await;
    let (code, out) = verify(&app, &[]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!("BROKEN at unsealed event seq {seq}"))
            && out.contains("does not match its MAC"),
        "{out}"
    );
    sealer::seal_all(&app.db).await.expect("seal");
    let pos: i64 = caselink::with_db!(&app.db, |pool| sqlx::query_scalar(&format!(
        "SELECT chain_pos FROM audit_events WHERE seq = {seq}"
    ))
    .fetch_one(pool)
    .await)
    .expect("its position");
    assert_broken_at(&app, pos, "does not match its MAC").await;
}

#[tokio::test]
async fn events_before_and_after_a_key_rotation_verify() {
    let app = sealed_hub().await;
    let rotated = app.run_cli(&["audit", "rotate-key"]).await;
    let said = String::from_utf8_lossy(&rotated.stdout);
    assert!(rotated.status.success(), "{said}");
    assert!(said.contains("Restart every"), "{said}");
    let keys = Keyring::load(&app.key_file).expect("the rotated file");
    assert_eq!(keys.keys().len(), 2);
    // A restarted server, with the new file: its events are MAC'd and sealed with the
    // new key, after the old key's.
    let mut server = app.spawn_peer(|_| {}).await;
    server.login("head@service.example", PASSWORD).await;
    server.wait_until_sealed().await;
    server.stop_server().await;
    let used: Vec<Option<Vec<u8>>> = caselink::with_db!(&app.db, |pool| sqlx::query_scalar(
        "SELECT DISTINCT seal_key_id FROM audit_events ORDER BY 1"
    )
    .fetch_all(pool)
    .await)
    .expect("keys used");
    assert_eq!(used.len(), 2, "both keys sealed: {used:?}");
    let (a, b) = (
        app.checkpoint_file.display().to_string(),
        server.checkpoint_file.display().to_string(),
    );
    let (code, out) = verify(&app, &["--checkpoints", &a, "--checkpoints", &b]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("0 events sealed after the last checkpoint"),
        "{out}"
    );
}

#[tokio::test]
async fn an_old_key_used_after_a_newer_one_is_caught() {
    let app = sealed_hub().await;
    let old_text = std::fs::read_to_string(&app.key_file).expect("the key file");
    let old = Keyring::parse(&old_text).expect("the old keys");
    app.run_cli(&["audit", "rotate-key"]).await;
    let mut server = app.spawn_peer(|_| {}).await;
    server.login("head@service.example", PASSWORD).await;
    server.wait_until_sealed().await;
    server.stop_server().await;
    // Someone with an old copy of the key file (and the database) appends an event
    // sealed with the old key, properly MAC'd and linked.
    let rows = chain(&app).await;
    let last = rows.last().cloned().expect("events");
    let key = old.current();
    let mut forged = last.clone();
    forged.content.id = uuid::Uuid::now_v7();
    forged.mac = EventMac {
        mac_key_id: Some(Hex::new(key.id())),
        mac: Some(Hex(event_mac(key, &forged.content))),
    };
    forged.seal_key_id = Some(Hex::new(key.id()));
    disable_guards(&app).await;
    let pos = append_sealed(&app, forged, &last, Forgery::GuessedKey(key)).await;
    assert_broken_at(&app, pos, "went back to an older key").await;
}

#[tokio::test]
async fn a_checkpoint_with_a_bad_signature_is_caught() {
    let app = sealed_hub().await;
    let text = std::fs::read_to_string(&app.checkpoint_file).expect("checkpoints");
    let lines: Vec<&str> = text.lines().collect();
    let mut last: serde_json::Value = serde_json::from_str(lines[lines.len() - 1]).expect("json");
    // Someone moves the signed position back to hide deleted events.
    let position = last["position"].as_i64().expect("position");
    last["position"] = (position - 2).into();
    let mut forged = text.clone();
    forged.push_str(&format!("{last}\n"));
    std::fs::write(&app.checkpoint_file, forged).expect("write");
    let (code, out) = verify(&app, &[]).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(&format!(
            "BROKEN at {} line {}",
            app.checkpoint_file.display(),
            lines.len() + 1
        )) && out.contains("signature does not match"),
        "{out}"
    );
}

#[tokio::test]
async fn a_missing_checkpoint_file_is_a_warning_not_a_pass_of_the_tail() {
    let app = sealed_hub().await;
    std::fs::remove_file(&app.checkpoint_file).expect("remove the checkpoints");
    let sealed = chain(&app).await.len();
    let (code, out) = verify(&app, &[]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("warning: the checkpoint file") && out.contains("does not exist"),
        "{out}"
    );
    assert!(out.contains("0 events sealed and signed"), "{out}");
    assert!(
        out.contains(&format!("{sealed} events sealed after the last checkpoint")),
        "{out}"
    );
}

#[tokio::test]
async fn verify_without_the_key_file_cannot_check() {
    let app = sealed_hub().await;
    let missing = app.key_file.with_file_name("no-such.key");
    let (code, out) = verify(&app, &["--audit-key-file", &missing.display().to_string()]).await;
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains("needs the audit key file"), "{out}");
    assert!(!missing.exists(), "verify must not create a key file");
}

#[tokio::test]
async fn a_chain_from_before_the_keys_verifies_as_a_hash_only_prefix() {
    let app = sealed_hub().await;
    // The database as the previous version left it: plain SHA-256 links, no MACs, no key
    // ids, no checkpoints, and one event recorded but not sealed yet.
    disable_guards(&app).await;
    let rows = chain(&app).await;
    app.execute("UPDATE audit_events SET mac = NULL, mac_key_id = NULL, seal_key_id = NULL")
        .await
        .expect("strip the keys");
    let mut stripped = chain(&app).await;
    relink(
        &app,
        &stripped,
        1,
        caselink::audit::chain::GENESIS,
        Forgery::Sha256,
    )
    .await;
    app.execute("UPDATE audit_chain_head SET key_id = NULL")
        .await
        .expect("an unkeyed head");
    let mut unsealed = stripped.remove(0);
    unsealed.content.id = uuid::Uuid::now_v7();
    insert_event(&app, &unsealed).await;
    std::fs::remove_file(&app.checkpoint_file).expect("no checkpoints then");
    // The upgraded server seals the old event the old way, then everything keyed.
    let mut server = app.spawn_peer(|_| {}).await;
    server.login("head@service.example", PASSWORD).await;
    server.wait_until_sealed().await;
    server.stop_server().await;
    let legacy = rows.len() + 1;
    let file = server.checkpoint_file.display().to_string();
    let (code, out) = verify(&app, &["--checkpoints", &file]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains(&format!(
            "{legacy} events at the start of the chain are hash-only"
        )),
        "{out}"
    );
    assert!(
        out.contains("0 events sealed after the last checkpoint"),
        "{out}"
    );
}
