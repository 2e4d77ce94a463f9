//! Audit retention (issue 13): `caselink audit archive` moves the sealed, signed prefix of
//! the chain older than the retention period into signed gzip files and out of the live
//! table; `caselink audit verify` checks the files, their order and their link to the
//! live events, and names a changed byte, a removed file or a reordered event.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use caselink::audit::archive::{self, Plan};
use caselink::audit::checkpoints::CheckpointLog;
use caselink::audit::keys::Keyring;
use caselink::audit::{self as audit_log, audit_actions, staged, Entry, Origin};
use uuid::Uuid;

use crate::harness::{on_postgres, spawn_app, TestApp, PASSWORD};

fn archive_dir(app: &TestApp) -> PathBuf {
    app.key_file
        .parent()
        .expect("the audit directory")
        .join("archive")
}

fn log(app: &TestApp) -> CheckpointLog {
    CheckpointLog::new(&app.checkpoint_file)
}

/// Read events (stored as subject numbers) and other events, sealed and signed.
async fn add_events(app: &TestApp, reads: usize, others: usize) {
    let origin = Origin {
        user_id: Some(Uuid::now_v7()),
        agency_id: Some(Uuid::now_v7()),
        request_id: Uuid::now_v7().to_string(),
    };
    let cases: Vec<Uuid> = (0..20).map(|_| Uuid::now_v7()).collect();
    let entries: Vec<Entry> = (0..reads)
        .map(|i| {
            let page: Vec<(&'static str, Uuid)> = cases[i % 10..i % 10 + 10]
                .iter()
                .map(|id| ("case", *id))
                .collect();
            audit_log::read_entry(&page)
        })
        .collect();
    let now = caselink::db::now();
    let rows: Vec<_> = entries.iter().map(|e| (&origin, e, now)).collect();
    staged::stage(&app.db, &rows).await.expect("stage reads");
    for _ in 0..others {
        let mut tx = app.db.begin().await.expect("begin");
        audit_log::record(
            &mut tx,
            &Origin::command_line(),
            Entry::new(audit_actions::PERSONAL_DATA_READ, "export", None)
                .with_details(serde_json::json!({ "export": "signals.csv" })),
            caselink::db::now(),
        )
        .await
        .expect("record");
        tx.commit().await.expect("commit");
    }
    staged::flush(&app.db, &log(app))
        .await
        .expect("seal and sign");
}

/// A stopped hub (nothing moves while the test works) with sealed, signed events.
async fn hub() -> TestApp {
    let mut app = spawn_app().await;
    let admin = app.admin_token().await;
    let agency = app
        .create_agency(&admin, "Служба профилактики", "PREVENTION_SERVICE")
        .await;
    app.create_user(&admin, &agency, "head@service.example", &["AGENCY_ADMIN"])
        .await;
    app.login("head@service.example", PASSWORD).await;
    app.stop_server().await;
    add_events(&app, 30, 3).await;
    app
}

async fn cli(app: &TestApp, args: &[&str]) -> (Option<i32>, String) {
    let dir = archive_dir(app);
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--audit-archive-dir", dir.to_str().expect("a UTF-8 path")]);
    let out = app.run_cli(&all).await;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

async fn archive(app: &TestApp, days: &str) -> String {
    let (code, out) = cli(app, &["audit", "archive", "--audit-retention-days", days]).await;
    assert_eq!(code, Some(0), "{out}");
    out
}

async fn verify(app: &TestApp) -> (Option<i32>, String) {
    cli(app, &["audit", "verify"]).await
}

async fn assert_intact(app: &TestApp) -> String {
    let (code, out) = verify(app).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("audit log intact"), "{out}");
    out
}

async fn assert_broken(app: &TestApp, words: &str) -> String {
    let (code, out) = verify(app).await;
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("audit log BROKEN"), "{out}");
    assert!(out.contains(words), "{words:?} missing: {out}");
    out
}

fn files(app: &TestApp) -> Vec<PathBuf> {
    archive::list(&archive_dir(app))
        .expect("list the archives")
        .into_iter()
        .map(|(path, header)| {
            header.expect("a readable header");
            path
        })
        .collect()
}

async fn live(app: &TestApp) -> i64 {
    app.count("audit_events").await
}

async fn head(app: &TestApp) -> i64 {
    caselink::with_db!(&app.db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT chain_pos FROM audit_chain_head"
    )
    .fetch_one(pool)
    .await)
    .expect("the head")
}

fn unzip(path: &Path) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).expect("open"))
        .read_to_string(&mut text)
        .expect("gunzip");
    text
}

fn zip(path: &Path, text: &str) {
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(path).expect("create"),
        flate2::Compression::default(),
    );
    gz.write_all(text.as_bytes()).expect("write");
    gz.finish().expect("finish");
}

#[tokio::test]
async fn old_events_go_to_signed_files_and_the_log_still_verifies() {
    let app = hub().await;
    let before = live(&app).await;
    let head_before = head(&app).await;
    assert!(before > 30, "{before}");

    // A day's retention: every event is younger, nothing moves.
    let out = archive(&app, "1").await;
    assert!(out.contains("nothing to archive"), "{out}");
    assert!(files(&app).is_empty());
    assert_eq!(live(&app).await, before);

    // Retention 0: every signed event but the head goes, in one file.
    let out = archive(&app, "0").await;
    assert!(
        out.contains(&format!("archived events 1..{}", head_before - 1)),
        "{out}"
    );
    assert_eq!(files(&app).len(), 1);
    assert_eq!(live(&app).await, 1, "only the chain's head stays live");
    let cut = archive::cut(&app.db).await.expect("the cut");
    assert_eq!(cut, head_before - 1);
    let out = assert_intact(&app).await;
    assert!(
        out.contains(&format!(
            "{} of the sealed events are in 1 archive files",
            head_before - 1
        )),
        "{out}"
    );
    assert!(
        out.contains("0 events sealed after the last checkpoint"),
        "{out}"
    );

    // The file: a header naming the positions and links, read events as the JSON text
    // their MACs cover, a signed trailer.
    let text = unzip(&files(&app)[0]);
    let lines: Vec<&str> = text.lines().collect();
    let header: archive::Header = serde_json::from_str(lines[0]).expect("a header");
    assert_eq!((header.first_pos, header.last_pos), (1, cut));
    assert_eq!(header.prev_hash, caselink::audit::chain::GENESIS);
    assert_eq!(header.events, cut);
    assert_eq!(lines.len() as i64, cut + 2);
    assert!(
        text.contains(r#""details":"{\"case\":[\""#),
        "read events are archived with their details as text"
    );
    assert!(lines[lines.len() - 1].starts_with(r#"{"sha256":"#));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(
            mode(&files(&app)[0]),
            0o600,
            "the file is the hub user's alone"
        );
        assert_eq!(mode(&archive_dir(&app)), 0o700, "so is the directory");
    }

    // Again: nothing new.
    let out = archive(&app, "0").await;
    assert!(out.contains("nothing to archive"), "{out}");
    assert_eq!(files(&app).len(), 1);

    // New events: the next file chains on from the first one and to the live events.
    add_events(&app, 10, 2).await;
    archive(&app, "0").await;
    assert_eq!(files(&app).len(), 2);
    assert_eq!(live(&app).await, 1);
    let out = assert_intact(&app).await;
    assert!(out.contains("in 2 archive files"), "{out}");

    // The archives need no subject table: with every read event archived (the head is
    // another kind), drop every subject; the log still verifies.
    add_events(&app, 0, 1).await;
    archive(&app, "0").await;
    let statements: &[&str] = if on_postgres() {
        &[
            "ALTER TABLE audit_subjects DISABLE TRIGGER ALL",
            "DELETE FROM audit_subjects",
        ]
    } else {
        &[
            "DROP TRIGGER audit_subjects_no_delete",
            "DELETE FROM audit_subjects",
        ]
    };
    for sql in statements {
        app.execute(sql).await.expect("remove the subjects");
    }
    assert_intact(&app).await;
}

/// A hub archived in three runs (three files), with live events after them.
async fn three_files() -> TestApp {
    let app = hub().await;
    archive(&app, "0").await;
    add_events(&app, 5, 1).await;
    archive(&app, "0").await;
    add_events(&app, 5, 1).await;
    archive(&app, "0").await;
    add_events(&app, 2, 1).await;
    assert_eq!(files(&app).len(), 3);
    assert_intact(&app).await;
    app
}

#[tokio::test]
async fn a_changed_byte_a_removed_file_or_a_reordered_event_is_named() {
    let app = three_files().await;
    let all = files(&app);
    let (first, middle, last) = (&all[0], &all[1], &all[2]);

    // A changed byte in the compressed file.
    let original = std::fs::read(first).expect("read");
    let mut changed = original.clone();
    let at = changed.len() / 2;
    changed[at] ^= 0x55;
    std::fs::write(first, &changed).expect("write");
    // (Whether the gzip stream breaks or inflates to other text, the file is named.)
    assert_broken(&app, &first.display().to_string()).await;
    std::fs::write(first, &original).expect("restore");
    assert_intact(&app).await;

    // A changed byte in the text, recompressed without the key: the signed hash shows it.
    let text = unzip(first);
    zip(first, &text.replacen("LOGIN", "LOGOU", 1));
    assert_broken(&app, "BROKEN at position").await;
    std::fs::write(first, &original).expect("restore");

    // Two events swapped.
    let mut lines: Vec<&str> = text.lines().collect();
    lines.swap(3, 4);
    zip(first, &(lines.join("\n") + "\n"));
    let out = assert_broken(&app, "BROKEN at position 3").await;
    assert!(out.contains("reordered"), "{out}");
    std::fs::write(first, &original).expect("restore");
    assert_intact(&app).await;

    // The middle file removed.
    let kept = std::fs::read(middle).expect("read");
    std::fs::remove_file(middle).expect("remove");
    assert_broken(&app, "an archive file was removed").await;
    std::fs::write(middle, &kept).expect("restore");
    assert_intact(&app).await;

    // The newest file removed: the archive cut says its events were archived.
    let kept = std::fs::read(last).expect("read");
    std::fs::remove_file(last).expect("remove");
    assert_broken(&app, "no archive file in").await;
    std::fs::write(last, &kept).expect("restore");

    // The first file removed.
    std::fs::remove_file(first).expect("remove");
    assert_broken(&app, "events 1..").await;
    std::fs::write(first, &original).expect("restore");
    assert_intact(&app).await;
}

#[tokio::test]
async fn the_guards_refuse_deleting_past_the_cut_and_moving_it_back() {
    let app = hub().await;
    archive(&app, "0").await;
    add_events(&app, 0, 1).await;
    let cut = archive::cut(&app.db).await.expect("the cut");
    for sql in [
        format!("DELETE FROM audit_events WHERE chain_pos = {}", cut + 1),
        "DELETE FROM audit_events".to_owned(),
    ] {
        let error = app.execute(&sql).await.expect_err(&sql);
        assert!(error.to_string().contains("append-only"), "{sql}: {error}");
    }
    let mut tx = app.db.begin().await.expect("begin");
    audit_log::record(
        &mut tx,
        &Origin::command_line(),
        Entry::new(audit_actions::PERSONAL_DATA_READ, "export", None),
        caselink::db::now(),
    )
    .await
    .expect("record");
    tx.commit().await.expect("commit");
    let error = app
        .execute("DELETE FROM audit_events WHERE chain_pos IS NULL")
        .await
        .expect_err("an unsealed event");
    assert!(error.to_string().contains("append-only"), "{error}");
    for sql in [
        "UPDATE audit_archive_cut SET chain_pos = chain_pos - 1",
        "DELETE FROM audit_archive_cut",
    ] {
        let error = app.execute(sql).await.expect_err(sql);
        assert!(error.to_string().contains("archive cut"), "{sql}: {error}");
    }
    assert_eq!(archive::cut(&app.db).await.expect("the cut"), cut);
    staged::flush(&app.db, &log(&app)).await.expect("seal");
    assert_intact(&app).await;
}

fn plan(app: &TestApp, keys: &Keyring) -> Plan {
    Plan {
        dir: archive_dir(app),
        older_than: caselink::db::now(),
        signed_up_to: archive::signed_up_to(keys, std::slice::from_ref(&app.checkpoint_file)),
    }
}

#[tokio::test]
async fn a_crash_between_the_file_and_the_delete_stays_verifiable_and_is_redone() {
    let app = hub().await;
    let keys = Keyring::load(&app.key_file).expect("the keys");
    let before = live(&app).await;

    // The file is written and synced, then the process dies before its transaction
    // commits (the prepared run is dropped: rolled back).
    let prepared = archive::prepare(&app.db, &keys, &plan(&app, &keys))
        .await
        .expect("prepare")
        .expect("something is due");
    let leftover = prepared.file.clone();
    drop(prepared);
    assert!(leftover.exists());
    assert_eq!(live(&app).await, before, "nothing was deleted");
    assert_eq!(archive::cut(&app.db).await.expect("the cut"), 0);
    let out = assert_intact(&app).await;
    assert!(
        out.contains("archived events are still in the log too"),
        "{out}"
    );

    // A live copy that differs from its archived one shows.
    if !on_postgres() {
        let action: String = caselink::with_db!(&app.db, |pool| sqlx::query_scalar(
            "SELECT action FROM audit_events WHERE chain_pos = 2"
        )
        .fetch_one(pool)
        .await)
        .expect("an action");
        app.execute("DROP TRIGGER audit_events_sealed_immutable")
            .await
            .expect("drop the guard");
        app.execute("UPDATE audit_events SET action = 'LOGOUT_X' WHERE chain_pos = 2")
            .await
            .expect("alter an event");
        assert_broken(&app, "BROKEN at position 2").await;
        app.execute(&format!(
            "UPDATE audit_events SET action = '{action}' WHERE chain_pos = 2"
        ))
        .await
        .expect("put it back");
        assert_intact(&app).await;
    }

    // The next run, with more events due, removes the leftover and archives them all.
    add_events(&app, 4, 1).await;
    let out = archive(&app, "0").await;
    assert!(out.contains("archived events 1.."), "{out}");
    let all = files(&app);
    assert_eq!(all.len(), 1, "{all:?}");
    assert_ne!(all[0], leftover);
    assert!(!leftover.exists());
    assert_eq!(live(&app).await, 1);
    let out = assert_intact(&app).await;
    assert!(!out.contains("still in the log too"), "{out}");
}

#[tokio::test]
async fn one_archiver_at_a_time() {
    if !on_postgres() {
        // SQLite: the run's transaction holds the single write lock.
        return;
    }
    let app = hub().await;
    let keys = Keyring::load(&app.key_file).expect("the keys");
    let first = archive::prepare(&app.db, &keys, &plan(&app, &keys))
        .await
        .expect("prepare")
        .expect("something is due");
    let second = archive::prepare(&app.db, &keys, &plan(&app, &keys))
        .await
        .expect("prepare");
    assert!(
        matches!(second, Err(archive::Idle::Busy)),
        "a second archiver waits its turn"
    );
    let (code, out) = cli(&app, &["audit", "archive", "--audit-retention-days", "0"]).await;
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("another process is archiving"), "{out}");
    let done = first.commit().await.expect("commit");
    assert_eq!(done.first, 1);
    assert_eq!(live(&app).await, 1);
    assert_intact(&app).await;
}

#[tokio::test]
async fn archiving_needs_a_retention_period() {
    let app = hub().await;
    let out = app.run_cli(&["audit", "archive"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CASELINK_AUDIT_RETENTION_DAYS"));
    assert!(files(&app).is_empty());
}

const EVENTS: &str = "{ auditEvents(first: 100) { edges { node { action } } } }";

#[tokio::test]
async fn serve_archives_on_its_own_and_audit_events_lists_the_live_log_only() {
    let dir = std::env::temp_dir().join(format!("caselink_archive_{}", Uuid::new_v4().simple()));
    let served_dir = dir.clone();
    let mut app = crate::harness::spawn_app_with(move |c| {
        c.audit_retention_days = Some(0);
        c.audit_archive_dir = served_dir;
        c.audit_archive_interval_seconds = 1;
    })
    .await;
    let admin = app.admin_token().await;
    let agency = app
        .create_agency(&admin, "Служба профилактики", "PREVENTION_SERVICE")
        .await;
    app.create_user(&admin, &agency, "head@service.example", &["AGENCY_ADMIN"])
        .await;
    app.login("head@service.example", PASSWORD).await;
    // Every event but the newest leaves the log within a round or two.
    let mut archived = false;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if archive::cut(&app.db).await.expect("the cut") >= 4 {
            archived = true;
            break;
        }
    }
    assert!(archived, "serve archived nothing");
    let body = app.gql(Some(&admin), EVENTS, serde_json::json!({})).await;
    let listed = body["data"]["auditEvents"]["edges"]
        .as_array()
        .expect("a list")
        .len();
    app.stop_server().await;
    let in_log = live(&app).await;
    assert!(
        listed as i64 <= in_log,
        "{listed} listed, {in_log} in the log: {body}"
    );
    assert!(
        !body.to_string().contains("AGENCY_CREATED"),
        "an archived event is listed: {body}"
    );
    let out = app
        .run_cli(&[
            "audit",
            "verify",
            "--audit-archive-dir",
            dir.to_str().expect("a UTF-8 path"),
        ])
        .await;
    let (code, out) = (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("archive files"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn only_the_prefix_older_than_the_period_goes() {
    let app = hub().await;
    let keys = Keyring::load(&app.key_file).expect("the keys");
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let older_than = caselink::db::now();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    add_events(&app, 3, 2).await;
    let old: i64 = caselink::with_db!(&app.db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE occurred_at < $1"
    )
    .bind(older_than)
    .fetch_one(pool)
    .await)
    .expect("count the old events");
    let before = live(&app).await;
    assert!(old > 0 && old < before - 1, "{old} of {before}");
    let plan = Plan {
        older_than,
        ..plan(&app, &keys)
    };
    let done = archive::run_once(&app.db, &keys, &plan)
        .await
        .expect("archive")
        .expect("something is due");
    assert_eq!((done.first, done.last), (1, old));
    assert_eq!(live(&app).await, before - old);
    let young: i64 = caselink::with_db!(&app.db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE occurred_at >= $1"
    )
    .bind(older_than)
    .fetch_one(pool)
    .await)
    .expect("count the young events");
    assert_eq!(young, before - old, "every younger event stays");
    assert_eq!(
        archive::run_once(&app.db, &keys, &plan)
            .await
            .expect("archive"),
        Err(archive::Idle::NothingDue)
    );
    assert_intact(&app).await;
}
