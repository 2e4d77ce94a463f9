//! A pretend later module, the MRG, compiled for the unit tests only. It is what a new
//! module writes: its audit action, its notification kind with a template of its own
//! (`domains/example_mrg/meeting.txt` for the headline), the kind of record its notices
//! are about (a meeting, linked at `/mrg/meetings/{id}`) and its reminder, all in its own
//! folder, plus one line in [`super::DOMAINS`]. The test below sends its notice through
//! the outbox, the template (with the meeting's link) and the reminder scheduler, end to
//! end.

use askama::Template as _;
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::config::MailConfig;
use crate::db::Db;
use crate::error::AppResult;
use crate::notify::kinds::{KindSpec, NotificationKind, Template};
use crate::notify::reminders::{remind_once, Reminder};
use crate::notify::subjects::SubjectKind;
use crate::notify::{Notice, NotificationRow, Recipient, Subject};

crate::audit_actions! {
    /// An MRG meeting was scheduled (the unit tests' example module).
    EXAMPLE_MRG_MEETING_SCHEDULED,
}

/// An MRG meeting was scheduled.
pub const EXAMPLE_MRG_MEETING: NotificationKind = NotificationKind::new("EXAMPLE_MRG_MEETING");

/// The example module's kinds.
pub const KINDS: &[KindSpec] = &[KindSpec {
    kind: EXAMPLE_MRG_MEETING,
    description: "An MRG meeting was scheduled (the unit tests' example module).",
    optional: false,
    template: Template::NoticeWith(headline),
}];

/// An MRG meeting, as the record a notice is about: linked at `/mrg/meetings/{id}`.
pub const EXAMPLE_MRG_MEETING_SUBJECT: SubjectKind =
    SubjectKind::linked("EXAMPLE_MRG_MEETING", "/mrg/meetings");

/// The example module's subject kinds.
pub const SUBJECTS: &[SubjectKind] = &[EXAMPLE_MRG_MEETING_SUBJECT];

/// The example module's reminders.
pub const REMINDERS: &[Reminder] = &[Reminder {
    occasion: OCCASION,
    scan: |db, config, now| Box::pin(meeting_soon(db, config, now)),
}];

/// The example module's registration.
pub const DOMAIN: super::Domain = super::Domain {
    audit_actions: ACTIONS,
    notification_kinds: KINDS,
    subject_kinds: SUBJECTS,
    reminders: REMINDERS,
};

const OCCASION: &str = "EXAMPLE_MRG_MEETING_SOON";

#[derive(askama::Template)]
#[template(path = "domains/example_mrg/meeting.txt")]
struct Headline {
    ru: bool,
}

fn headline(row: &NotificationRow) -> askama::Result<String> {
    let ru = row.language == crate::agencies::NotificationLanguage::Ru;
    Headline { ru }.render()
}

/// The meeting the test schedules: the only one this pretend module knows.
static MEETING: std::sync::Mutex<Option<(Uuid, Uuid, DateTime<Utc>)>> = std::sync::Mutex::new(None);

/// Reminds the MRG's agency a day ahead of its meeting.
async fn meeting_soon(db: &Db, _config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let meeting = MEETING.lock().ok().and_then(|m| *m);
    let Some((meeting_id, agency, at)) = meeting.filter(|m| m.2 - now <= Duration::hours(24))
    else {
        return Ok(0);
    };
    let mut tx = db.begin().await?;
    let raised = remind_once(&mut tx, OCCASION, at, &notice(meeting_id, agency, at), now).await?;
    tx.commit().await?;
    Ok(usize::from(raised))
}

fn notice(meeting_id: Uuid, agency: Uuid, at: DateTime<Utc>) -> Notice {
    Notice {
        kind: EXAMPLE_MRG_MEETING,
        subject: Subject::new(EXAMPLE_MRG_MEETING_SUBJECT, meeting_id),
        journal_no: "MRG-2026-0001".into(),
        clock: None,
        due_at: Some(at),
        recipients: vec![Recipient::Agency(agency)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agencies::{AgencyKind, NewAgency, NotificationLanguage};
    use crate::audit::{self, AuditAction, Entry, Origin};
    use crate::notify::store::{self, OutboxFilter};
    use crate::notify::templates;
    use clap::Parser as _;

    #[derive(clap::Parser)]
    struct TestCli {
        #[command(flatten)]
        config: crate::config::Config,
    }

    async fn agency(db: &Db, language: NotificationLanguage) -> Uuid {
        let new = NewAgency {
            name: "МРГ района".into(),
            kind: AgencyKind::PreventionService,
            region: "Region".into(),
            time_zone: chrono_tz::Europe::Moscow.into(),
            contact_email: "mrg@agency.example".into(),
            notification_language: language,
        };
        let mut tx = db.begin().await.expect("begin");
        let row = crate::agencies::store::insert(&mut tx, &new, crate::db::now())
            .await
            .expect("agency");
        tx.commit().await.expect("commit");
        row.id
    }

    #[test]
    fn a_notice_about_the_modules_own_record_links_to_its_page() {
        let (meeting, at) = (Uuid::now_v7(), crate::db::now());
        let notice = notice(meeting, Uuid::nil(), at);
        let row = NotificationRow {
            id: Uuid::nil(),
            kind: notice.kind,
            agency_id: None,
            recipient_user_id: None,
            recipient: "mrg@agency.example".into(),
            language: NotificationLanguage::Ru,
            time_zone: crate::db::TimeZone(chrono_tz::Europe::Moscow),
            subject_kind: notice.subject.kind,
            subject_id: notice.subject.id,
            journal_no: notice.journal_no.clone(),
            clock: None,
            due_at: notice.due_at,
            status: crate::notify::NotificationStatus::Pending,
            attempts: 0,
            round_attempts: 0,
            next_attempt_at: at,
            last_attempt_at: None,
            last_error: None,
            sent_at: None,
            created_at: at,
            details: None,
        };
        let mail = templates::render(&row, "https://hub.example/").expect("render");
        let link = format!("https://hub.example/mrg/meetings/{meeting}");
        assert!(mail.text.contains(&link), "{}", mail.text);
        assert!(mail.html.contains(&link), "{}", mail.html);
    }

    #[tokio::test]
    async fn a_kind_registered_in_one_place_is_recorded_stored_rendered_and_reminded() {
        let db = Db::connect("sqlite::memory:", 1).await.expect("db");
        crate::db::migrate::run(&db).await.expect("migrate");
        let db = db.with_audit_keys(std::sync::Arc::new(audit::keys::Keyring::generate()));
        let config = TestCli::parse_from(["caselink"]).config.mail;
        let agency = agency(&db, NotificationLanguage::En).await;
        let (meeting, now) = (Uuid::now_v7(), crate::db::now());
        let at = now + Duration::hours(30);

        // Scheduling: the audit action and the notice, in one transaction.
        let mut tx = db.begin().await.expect("begin");
        let entry = Entry::new(EXAMPLE_MRG_MEETING_SCHEDULED, "mrg_meeting", Some(meeting));
        audit::record(&mut tx, &Origin::command_line(), entry, now)
            .await
            .expect("audit");
        let written = crate::notify::enqueue(&mut tx, &notice(meeting, agency, at), now)
            .await
            .expect("enqueue");
        tx.commit().await.expect("commit");
        assert_eq!(written, 1);
        assert_eq!(
            AuditAction::parse("EXAMPLE_MRG_MEETING_SCHEDULED"),
            Some(EXAMPLE_MRG_MEETING_SCHEDULED)
        );

        // Stored under its name, read back as the registered kind, rendered by its own
        // template inside the shared notice.
        let filter = OutboxFilter {
            kind: Some(EXAMPLE_MRG_MEETING),
            ..OutboxFilter::default()
        };
        let rows = store::list_page(&db, &filter, None, 10)
            .await
            .expect("outbox");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].kind, EXAMPLE_MRG_MEETING);
        assert_eq!(
            (rows[0].subject_kind, rows[0].subject_id),
            (EXAMPLE_MRG_MEETING_SUBJECT, meeting)
        );
        let mail = templates::render(&rows[0], "https://hub.example").expect("render");
        assert_eq!(
            mail.subject,
            "CaseLink: MRG meeting scheduled MRG-2026-0001"
        );
        assert!(
            mail.text.contains("Journal number: MRG-2026-0001"),
            "{}",
            mail.text
        );
        assert!(mail.html.contains("<html lang=\"en\">"));
        // The link is the meeting's own page, from the kind this module registered.
        let link = format!("https://hub.example/mrg/meetings/{meeting}");
        assert!(mail.text.contains(&link), "{}", mail.text);
        assert!(mail.html.contains(&link), "{}", mail.html);

        // Its reminder is raised by the scheduler's round, once.
        *MEETING.lock().expect("lock") = Some((meeting, agency, at));
        let later = at - Duration::hours(20);
        let first = crate::notify::reminders::round(&db, &config, later)
            .await
            .expect("round");
        let again = crate::notify::reminders::round(&db, &config, later)
            .await
            .expect("round");
        assert_eq!((first, again), (1, 0));
        let rows = store::list_page(&db, &filter, None, 10)
            .await
            .expect("outbox");
        assert_eq!(rows.len(), 2);

        // And the schema offers it to clients.
        let sdl = crate::graphql::schema::sdl();
        assert!(
            sdl.contains("EXAMPLE_MRG_MEETING\n") && sdl.contains("EXAMPLE_MRG_MEETING_SCHEDULED")
        );
    }
}
