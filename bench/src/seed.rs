//! Writing the bench hub ([`super::hub`]) into the database through the library's own
//! store functions, the ones the hub's services call (`agencies::store::insert`,
//! `users::store::insert`, `journal::next_number`, `cases::store::insert`,
//! `cases::store::insert_person`, `access::store::apply`, `audit::record`,
//! `handovers::store::insert` and `update_decision`), in large transactions. The seed
//! therefore follows the schema wherever it goes; it writes no SQL of its own. A seeded
//! database of the same size is reused on the next run.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{bail, Context as _};
use caselink::access::participation::WorkflowEvent;
use caselink::access::Role;
use caselink::agencies::{NewAgency, NotificationLanguage};
use caselink::audit::{Entry, Origin};
use caselink::db::{Db, TimeZone, Tx};
use caselink::handovers::model::{HandoverKind, HandoverRow, HandoverStatus};
use caselink::journal::{self, Journal};
use caselink::users::NewUser;
use caselink::with_db;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::hub::{self, CaseSketch, NewCase, SeededAgency};
use super::{hub_report, seed_signal};

/// Cases per round of transactions.
const CASES_PER_ROUND: usize = 10_000;

/// The agency the bench measures and who signs in for it.
pub struct Measured {
    /// The prevention service.
    pub agency_id: Uuid,
    /// Its head and curator.
    pub user_id: Uuid,
    /// The cases it leads.
    pub case_ids: Vec<Uuid>,
    /// The guardianship authority whose inbox is read.
    pub inbox: Inbox,
}

/// The guardianship authority whose handover inbox the bench reads.
pub struct Inbox {
    pub agency_id: Uuid,
    /// Requests waiting in its inbox.
    pub pending: i64,
}

/// What a database holds, as far as the bench can tell.
pub enum Found {
    /// Nothing: the bench may seed it.
    Empty,
    /// A whole bench hub of this many cases.
    Hub(usize),
    /// Something else, and why the bench will not seed into it.
    Other(String),
}

/// Looks for the marker agency (see [`hub::MARKER_PREFIX`]) and for users.
pub async fn inspect(db: &Db) -> anyhow::Result<Found> {
    let markers: Vec<String> = with_db!(db, |pool| sqlx::query_scalar(
        "SELECT name FROM agencies WHERE name LIKE $1"
    )
    .bind(format!("{}%", hub::MARKER_PREFIX))
    .fetch_all(pool)
    .await)?;
    if let Some(cases) = markers.iter().find_map(|name| hub::cases_of_marker(name)) {
        return Ok(Found::Hub(cases));
    }
    if let Some(name) = markers.first() {
        return Ok(Found::Other(format!(
            "it holds an unfinished bench seed or an older bench's (\"{name}\")"
        )));
    }
    let users: i64 = with_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await)?;
    if users > 0 {
        // Someone's hub: never write bench users (with their known password) into it.
        return Ok(Found::Other("it has users but no bench seed".into()));
    }
    Ok(Found::Empty)
}

/// Seeds a hub of `cases` cases unless the database holds one already, then returns the
/// measured agency. `writers` transactions write at once (1 on SQLite, which has one
/// writer). A database holding anything else is refused.
pub async fn ensure(db: &Db, cases: usize, writers: usize) -> anyhow::Result<Measured> {
    match inspect(db).await? {
        Found::Hub(found) if found == cases => {
            println!("  reusing the seeded hub ({found} cases)");
        }
        Found::Hub(found) => bail!(
            "the database holds a bench hub of {found} cases, not the {cases} asked for: run \
             with --cases {found}, or give the bench an empty database (drop and recreate \
             the PostgreSQL database; delete the --sqlite-file)"
        ),
        Found::Other(why) => bail!(
            "will not seed this database: {why}. Give the bench an empty database (drop and \
             recreate the PostgreSQL database; delete the --sqlite-file)"
        ),
        Found::Empty => {
            seed(db, cases, writers).await?;
            analyze(db).await?;
        }
    }
    measured(db).await
}

async fn seed(db: &Db, cases: usize, writers: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let now = caselink::db::now();
    // One argon2 hash for every user: hashing is slow on purpose.
    let password_hash = caselink::auth::password::hash(hub::PASSWORD.to_owned()).await?;
    let specs = hub::agencies();
    let agencies = write_agencies(db, &specs, cases, &password_hash, now).await?;
    let sketches = write_cases(db, &agencies, cases, writers, now).await?;
    println!(
        "  seeded {} agencies and {cases} cases in {:.1} s ({writers} writer{})",
        agencies.len(),
        started.elapsed().as_secs_f64(),
        if writers == 1 { "" } else { "s" }
    );
    let started = Instant::now();
    let inbox = agency_of(&specs, &agencies, hub::INBOX_EMAIL)?;
    let handovers = write_handovers(db, &agencies, &sketches, inbox.id, now).await?;
    println!(
        "  seeded {handovers} handovers in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let months = write_hospital_months(db, &specs, &agencies, now).await?;
    println!(
        "  seeded {months} hospital months in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // The marker's final name goes last: it says the seed is whole.
    let marker = agencies.last().context("no agencies")?;
    let mut tx = db.begin().await?;
    let mut row = caselink::agencies::store::get_in(&mut tx, marker.id).await?;
    row.name = hub::marker(cases);
    row.version += 1;
    row.updated_at = now;
    caselink::agencies::store::update(&mut tx, &row).await?;
    tx.commit().await?;
    Ok(())
}

/// The agencies and their users, as `agencies::create` and `users::create` write them,
/// in one transaction; the marker (the NGO) named as unfinished.
async fn write_agencies(
    db: &Db,
    specs: &[hub::Agency],
    cases: usize,
    password_hash: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<SeededAgency>> {
    let mut tx = db.begin().await?;
    let mut written = Vec::with_capacity(specs.len());
    for spec in specs {
        let name = if spec.name.is_empty() {
            hub::unfinished_marker(cases)
        } else {
            spec.name.clone()
        };
        let new = NewAgency {
            name,
            kind: spec.kind,
            region: spec.region.to_owned(),
            time_zone: spec.time_zone,
            contact_email: spec.contact_email.clone(),
            notification_language: NotificationLanguage::Ru,
        };
        let agency = caselink::agencies::store::insert(&mut tx, &new, now).await?;
        let user = NewUser {
            name: spec.user.name.clone(),
            email: spec.user.email.clone(),
            email_normalized: spec.user.email.to_lowercase(),
            password: String::new(),
            roles: spec.user.roles.to_vec(),
        };
        let user_id =
            caselink::users::store::insert(&mut tx, Some(agency.id), &user, password_hash, now)
                .await?;
        written.push(SeededAgency {
            id: agency.id,
            kind: agency.kind,
            time_zone: agency.time_zone,
            user_id,
        });
    }
    let analyst = NewUser {
        name: hub_report::ANALYST_NAME.into(),
        email: hub_report::ANALYST_EMAIL.into(),
        email_normalized: hub_report::ANALYST_EMAIL.to_lowercase(),
        password: String::new(),
        roles: vec![Role::RegionalAnalyst],
    };
    let analyst_agency = written
        .get(hub_report::ANALYST_AGENCY)
        .context("no agency for the regional analyst")?;
    caselink::users::store::insert(
        &mut tx,
        Some(analyst_agency.id),
        &analyst,
        password_hash,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(written)
}

/// The agency whose user signs in with `email`.
fn agency_of(
    specs: &[hub::Agency],
    agencies: &[SeededAgency],
    email: &str,
) -> anyhow::Result<SeededAgency> {
    let index = specs
        .iter()
        .position(|a| a.user.email == email)
        .with_context(|| format!("no bench user {email}"))?;
    Ok(agencies[index])
}

/// The cases, a round of [`CASES_PER_ROUND`] at a time. Within a round, the cases are
/// split by their lead service over `writers` concurrent transactions: a service's
/// journal counter is only ever taken by one of them, so they never wait for each other.
async fn write_cases(
    db: &Db,
    agencies: &[SeededAgency],
    cases: usize,
    writers: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<CaseSketch>> {
    let time_zones: HashMap<Uuid, TimeZone> =
        agencies.iter().map(|a| (a.id, a.time_zone)).collect();
    let users: HashMap<Uuid, Uuid> = agencies.iter().map(|a| (a.id, a.user_id)).collect();
    let writer_of: HashMap<Uuid, usize> = agencies
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id, i % writers))
        .collect();
    let mut maker = hub::CaseMaker::new(agencies, now);
    let mut sketches = Vec::with_capacity(cases);
    let progress_every = (cases / 10).max(CASES_PER_ROUND);
    for start in (0..cases).step_by(CASES_PER_ROUND) {
        let end = (start + CASES_PER_ROUND).min(cases);
        let mut groups: Vec<Vec<NewCase>> = (0..writers).map(|_| Vec::new()).collect();
        let mut batch = maker.batch(start..end);
        sender_numbers(db, &mut batch, &time_zones).await?;
        for new in batch {
            sketches.push(CaseSketch {
                id: new.case.id,
                lead_agency_id: new.case.lead_agency_id,
                status: new.case.status,
                opened_at: new.case.opened_at,
                closed_at: new.case.closed_at,
            });
            groups[writer_of[&new.case.lead_agency_id]].push(new);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for group in groups {
            let (db, time_zones, users) = (db.clone(), time_zones.clone(), users.clone());
            tasks.spawn(async move {
                let mut tx = db.begin().await?;
                for new in group {
                    let time_zone = time_zones[&new.case.lead_agency_id];
                    let hospital_user = users[&new.hospital];
                    write_case(&mut tx, new, time_zone, hospital_user).await?;
                }
                tx.commit().await?;
                anyhow::Ok(())
            });
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        if end % progress_every == 0 && end < cases {
            println!("  seeding: {end} of {cases} cases");
        }
    }
    Ok(sketches)
}

/// Takes each case's signal number in its hospital's journal, at the time the hospital
/// registered it, in one transaction of its own: the concurrent case writers share the
/// hospitals, and taking these numbers inside them would make them wait on each other.
async fn sender_numbers(
    db: &Db,
    batch: &mut [NewCase],
    time_zones: &HashMap<Uuid, TimeZone>,
) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    for new in batch {
        let time_zone = time_zones[&new.hospital];
        let at = new.signal.registered_at;
        new.sender_journal_no =
            journal::next_number(&mut tx, new.hospital, time_zone, Journal::Signals, at).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// One case as the hub gets it from a hospital's signal: the signal as `signals::report`
/// writes it (its number in the hospital's journal taken by [`sender_numbers`]), then
/// received (a number in the service's journal), visited and confirmed, as
/// `signals::store::update_workflow` writes each step, all in one step here; and the case
/// as `cases::open_from_signal` writes it: its number from the service's journal, the
/// case, its mother, the participations of the opening, and the `CASE_OPENED` audit
/// event; at the time it was opened.
async fn write_case(
    tx: &mut Tx,
    new: NewCase,
    time_zone: TimeZone,
    hospital_user: Uuid,
) -> anyhow::Result<()> {
    let NewCase {
        mut case,
        mother,
        hospital,
        signal,
        sender_journal_no,
    } = new;
    let at = case.opened_at;
    let service_journal_no = journal::next_number(
        tx,
        case.lead_agency_id,
        time_zone,
        Journal::Signals,
        signal.received_at,
    )
    .await?;
    let mut row = seed_signal::row(&case, &mother, hospital, hospital_user, signal);
    row.sender_journal_no = Some(sender_journal_no);
    seed_signal::insert(tx, &row).await?;
    case.journal_no =
        journal::next_number(tx, case.lead_agency_id, time_zone, Journal::Cases, at).await?;
    caselink::cases::store::insert(tx, &case).await?;
    caselink::cases::store::insert_person(tx, &mother).await?;
    row.service_journal_no = Some(service_journal_no);
    seed_signal::confirm(tx, row, &case).await?;
    let event = WorkflowEvent::CaseOpened {
        lead: case.lead_agency_id,
        signal_sender: Some(hospital),
    };
    caselink::access::store::apply(tx, case.id, &event, at).await?;
    let origin = Origin {
        user_id: case.curator_user_id,
        agency_id: Some(case.lead_agency_id),
        request_id: "bench-seed".into(),
    };
    let entry = Entry {
        case_id: Some(case.id),
        ..Entry::new(
            caselink::cases::audit_actions::CASE_OPENED,
            "case",
            Some(case.id),
        )
    };
    caselink::audit::record(tx, &origin, entry, at).await?;
    Ok(())
}

/// The hospitals' monthly births and refusals ([`hub_report::hospital_months`]), as
/// `reports::record_hospital_month` writes them, in one transaction.
async fn write_hospital_months(
    db: &Db,
    specs: &[hub::Agency],
    agencies: &[SeededAgency],
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let hospitals: Vec<(Uuid, Uuid)> = specs
        .iter()
        .zip(agencies)
        .filter(|(spec, _)| spec.kind == caselink::agencies::AgencyKind::Maternity)
        .map(|(_, a)| (a.id, a.user_id))
        .collect();
    let rows = hub_report::hospital_months(&hospitals, now);
    let mut tx = db.begin().await?;
    for row in &rows {
        caselink::reports::store::upsert_month(&mut tx, row).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// The handovers ([`hub::handovers`]), each written as requested and then decided, with
/// the participation changes of each step, in one transaction.
async fn write_handovers(
    db: &Db,
    agencies: &[SeededAgency],
    cases: &[CaseSketch],
    inbox: Uuid,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let rows = hub::handovers(agencies, cases, inbox, now);
    anyhow::ensure!(!rows.is_empty(), "no handovers generated");
    let mut tx = db.begin().await?;
    for row in &rows {
        write_handover(&mut tx, row).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

async fn write_handover(tx: &mut Tx, row: &HandoverRow) -> anyhow::Result<()> {
    use caselink::access::store::apply;
    use caselink::handovers::store;
    let to = row.to_agency_id;
    let requested = HandoverRow {
        status: HandoverStatus::Pending,
        ..row.clone()
    };
    store::insert(tx, &requested).await?;
    let asked = WorkflowEvent::HandoverRequested { to };
    apply(tx, row.case_id, &asked, row.requested_at).await?;
    let Some(decided_at) = row.decided_at else {
        return Ok(());
    };
    store::update_decision(tx, row, HandoverStatus::Pending).await?;
    let events = match (row.status, row.kind) {
        (HandoverStatus::Accepted, HandoverKind::Referral) => {
            vec![WorkflowEvent::ReferralAccepted { to }]
        }
        (HandoverStatus::Completed, _) => vec![
            WorkflowEvent::ReferralAccepted { to },
            WorkflowEvent::ReferralClosed { to },
        ],
        // An accepted transfer does not move the lead in the seed (the case workloads
        // keep their cases): the receiver's view ends as on a decline.
        _ => vec![WorkflowEvent::HandoverWithdrawn { to }],
    };
    for event in &events {
        apply(tx, row.case_id, event, decided_at).await?;
    }
    Ok(())
}

/// Gives PostgreSQL's planner statistics now. In production autovacuum would have done
/// it long ago; here the bench starts a second after the load. SQLite gets none: the hub
/// never runs `ANALYZE` on it, so the bench measures the plans it really gets.
async fn analyze(db: &Db) -> anyhow::Result<()> {
    if let Db::Postgres(pool, ..) = db {
        sqlx::query("VACUUM ANALYZE").execute(pool).await?;
    }
    Ok(())
}

async fn user_of(db: &Db, email: &str) -> anyhow::Result<(Uuid, Uuid)> {
    let user_id = caselink::users::store::find_by_email(db, email)
        .await?
        .with_context(|| format!("no bench user {email}"))?;
    let user = caselink::users::store::get(db, user_id).await?;
    Ok((
        user_id,
        user.agency_id.context("the bench user has no agency")?,
    ))
}

/// The measured agency: the first prevention service, whose head signs in.
async fn measured(db: &Db) -> anyhow::Result<Measured> {
    let (user_id, agency_id) = user_of(db, hub::MEASURED_EMAIL).await?;
    let case_ids: Vec<Uuid> = with_db!(db, |pool| sqlx::query_scalar(
        "SELECT case_id FROM participations
         WHERE agency_id = $1 AND kind = 'LEAD' AND revoked_at IS NULL"
    )
    .bind(agency_id)
    .fetch_all(pool)
    .await)?;
    let (_, inbox_agency) = user_of(db, hub::INBOX_EMAIL).await?;
    let pending: i64 = with_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM handovers WHERE to_agency_id = $1 AND status = 'PENDING'"
    )
    .bind(inbox_agency)
    .fetch_one(pool)
    .await)?;
    Ok(Measured {
        agency_id,
        user_id,
        case_ids,
        inbox: Inbox {
            agency_id: inbox_agency,
            pending,
        },
    })
}
