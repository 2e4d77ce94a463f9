//! Writing the bench hub ([`super::hub`]) straight into the database: multi-row INSERTs
//! in a few large transactions, not through the API, so that 100,000 cases take seconds.
//! A seeded database is reused on the next run.

use std::time::Instant;

use anyhow::{bail, Context as _};
use caselink::cases::model::{CaseRow, PersonRow};
use caselink::db::{params, Db, Tx};
use caselink::handovers::model::HandoverRow;
use caselink::{with_db, with_tx};
use uuid::Uuid;

use super::hub::{self, Agency, Batch, CaseMaker, CaseSketch, Participation, SeededAgency};

/// Cases per INSERT statement. Small on purpose: sqlx-sqlite asks SQLite for each `$N`
/// parameter's name, a linear walk of the statement's parameter list, so binding costs
/// the square of the parameters per statement. 50 cases (1,050 values) keep that small;
/// PostgreSQL does not mind either way.
const CASES_PER_INSERT: usize = 50;
/// Handovers per INSERT statement (21 values each).
const HANDOVERS_PER_INSERT: usize = 40;
/// Cases per transaction.
const CASES_PER_TRANSACTION: usize = 10_000;

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

/// Seeds the hub unless it is there already, then returns the measured agency.
pub async fn ensure(db: &Db) -> anyhow::Result<Measured> {
    let mut wrote = false;
    if is_seeded(db).await? {
        println!("  reusing the seeded hub");
    } else {
        refuse_foreign(db).await?;
        let started = Instant::now();
        seed(db).await?;
        wrote = true;
        println!(
            "  seeded {} agencies and {} cases in {:.1} s",
            hub::AGENCIES,
            hub::CASES,
            started.elapsed().as_secs_f64()
        );
    }
    // A hub seeded before handovers were part of the bench gets them now.
    if handover_count(db).await? == 0 {
        let started = Instant::now();
        let (handovers, participations) = seed_handovers(db).await?;
        wrote = true;
        println!(
            "  seeded {handovers} handovers ({participations} participations) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    if wrote {
        analyze(db).await?;
    }
    measured(db).await
}

async fn handover_count(db: &Db) -> anyhow::Result<i64> {
    Ok(with_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM handovers"
    )
    .fetch_one(pool)
    .await)?)
}

/// Writes the handovers ([`hub::handovers`]) of the seeded cases, their participations,
/// and the `agency_cases` rows those add (as `access::store::apply` keeps them), in one
/// transaction: a count above zero means they are all there.
async fn seed_handovers(db: &Db) -> anyhow::Result<(usize, usize)> {
    let now = caselink::db::now();
    let agencies: Vec<(
        Uuid,
        caselink::agencies::AgencyKind,
        caselink::db::TimeZone,
        Uuid,
    )> = with_db!(db, |pool| sqlx::query_as(
        "SELECT a.id, a.kind, a.time_zone, u.id FROM agencies a
             JOIN users u ON u.agency_id = a.id ORDER BY a.id"
    )
    .fetch_all(pool)
    .await)?;
    let agencies: Vec<SeededAgency> = agencies
        .into_iter()
        .map(|(id, kind, time_zone, user_id)| SeededAgency {
            id,
            kind,
            time_zone,
            user_id,
        })
        .collect();
    let cases: Vec<CaseSketch> = with_db!(db, |pool| sqlx::query_as(
        "SELECT id, lead_agency_id, status, opened_at, closed_at FROM cases ORDER BY id"
    )
    .fetch_all(pool)
    .await)?;
    let inbox = user_of(db, hub::INBOX_EMAIL).await?.1;
    let handovers = hub::handovers(&agencies, &cases, inbox, now);
    anyhow::ensure!(!handovers.rows.is_empty(), "no handovers generated");
    let mut tx = db.begin().await?;
    for rows in handovers.rows.chunks(HANDOVERS_PER_INSERT) {
        insert_handovers(&mut tx, rows).await?;
    }
    for rows in handovers.participations.chunks(CASES_PER_INSERT) {
        insert_participations(&mut tx, rows).await?;
    }
    const LIST: &str = "
        INSERT INTO agency_cases (agency_id, case_id, opened_at)
        SELECT DISTINCT p.agency_id, p.case_id, c.opened_at
        FROM participations p JOIN cases c ON c.id = p.case_id
        WHERE p.revoked_at IS NULL AND p.kind IN ('HANDOVER_RECIPIENT', 'REFERRAL_RECIPIENT')
        ON CONFLICT (agency_id, case_id) DO NOTHING";
    with_tx!(&mut tx, |conn| sqlx::query(LIST)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    tx.commit().await?;
    Ok((handovers.rows.len(), handovers.participations.len()))
}

async fn user_of(db: &Db, email: &str) -> anyhow::Result<(Uuid, Uuid)> {
    let (user_id, agency_id): (Uuid, Option<Uuid>) = with_db!(db, |pool| sqlx::query_as(
        "SELECT id, agency_id FROM users WHERE email_normalized = $1"
    )
    .bind(email)
    .fetch_one(pool)
    .await)
    .with_context(|| format!("no bench user {email}"))?;
    Ok((user_id, agency_id.context("the bench user has no agency")?))
}

async fn is_seeded(db: &Db) -> anyhow::Result<bool> {
    let found: i64 = with_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM agencies WHERE name = $1"
    )
    .bind(hub::MARKER)
    .fetch_one(pool)
    .await)?;
    Ok(found > 0)
}

/// A database with users but no marker is someone's hub or a seed cut short: never
/// write bench users (with their known password) into it.
async fn refuse_foreign(db: &Db) -> anyhow::Result<()> {
    let users: i64 = with_db!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(pool)
        .await)?;
    if users > 0 {
        bail!(
            "the database has users but no complete bench seed; give the bench an empty \
             database (delete the SQLite file, or drop and recreate the PostgreSQL database)"
        );
    }
    Ok(())
}

async fn seed(db: &Db) -> anyhow::Result<()> {
    let now = caselink::db::now();
    // One argon2 hash for every user: hashing is slow on purpose.
    let password_hash = caselink::auth::password::hash(hub::PASSWORD.to_owned()).await?;
    let agencies = hub::agencies();
    let (marker, others) = agencies.split_last().context("no agencies")?;
    let mut tx = db.begin().await?;
    insert_agencies(&mut tx, others, &password_hash, now).await?;
    tx.commit().await?;

    let mut maker = CaseMaker::new(&agencies, now);
    for start in (0..hub::CASES).step_by(CASES_PER_TRANSACTION) {
        let end = (start + CASES_PER_TRANSACTION).min(hub::CASES);
        let mut tx = db.begin().await?;
        for from in (start..end).step_by(CASES_PER_INSERT) {
            let batch = maker.batch(from..(from + CASES_PER_INSERT).min(end));
            insert_batch(&mut tx, &batch).await?;
        }
        tx.commit().await?;
        if end % (5 * CASES_PER_TRANSACTION) == 0 {
            println!("  seeding: {end} of {} cases", hub::CASES);
        }
    }

    // The marker agency goes last, with the journal counters: it says the seed is whole.
    let mut tx = db.begin().await?;
    insert_journal_counters(&mut tx, &maker.journal_counters()).await?;
    insert_agencies(&mut tx, std::slice::from_ref(marker), &password_hash, now).await?;
    tx.commit().await?;
    fill_agency_cases(db).await
}

/// Fills `agency_cases`, the ordered list of an agency's cases that the access module
/// keeps beside the participations, if this schema has it: the seed writes participations
/// directly, past the code that maintains it. Same statement as the migration that
/// back-fills it.
async fn fill_agency_cases(db: &Db) -> anyhow::Result<()> {
    const PROBE: &str = "SELECT COUNT(*) FROM agency_cases WHERE 1 = 0";
    const FILL: &str = "
        INSERT INTO agency_cases (agency_id, case_id, opened_at)
        SELECT DISTINCT p.agency_id, p.case_id, c.opened_at
        FROM participations p JOIN cases c ON c.id = p.case_id
        WHERE p.revoked_at IS NULL
        ON CONFLICT (agency_id, case_id) DO NOTHING";
    let exists = with_db!(db, |pool| sqlx::query_scalar::<_, i64>(PROBE)
        .fetch_one(pool)
        .await)
    .is_ok();
    if exists {
        with_db!(db, |pool| sqlx::query(FILL)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
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

/// The measured agency: the first prevention service, whose head signs in.
async fn measured(db: &Db) -> anyhow::Result<Measured> {
    let (user_id, agency_id) = user_of(db, hub::MEASURED_EMAIL).await?;
    let case_ids: Vec<Uuid> = with_db!(db, |pool| sqlx::query_scalar(
        "SELECT case_id FROM participations WHERE agency_id = $1 AND kind = 'LEAD'"
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

async fn insert_agencies(
    tx: &mut Tx,
    agencies: &[Agency],
    password_hash: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO agencies (id, name, name_search, kind, region, time_zone, contact_email,
            notification_language, active, version, created_at, updated_at) VALUES {}",
        params::rows(1, agencies.len(), 12)
    );
    with_tx!(tx, |conn| {
        let mut query = sqlx::query(&sql);
        for a in agencies {
            query = query
                .bind(a.id)
                .bind(&a.name)
                .bind(caselink::input::search_key(&a.name))
                .bind(a.kind)
                .bind(a.region)
                .bind(a.time_zone)
                .bind(&a.contact_email)
                .bind(caselink::agencies::NotificationLanguage::Ru)
                .bind(true)
                .bind(1_i32)
                .bind(now)
                .bind(now);
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    insert_users(tx, agencies, password_hash, now).await
}

async fn insert_users(
    tx: &mut Tx,
    agencies: &[Agency],
    password_hash: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO users (id, agency_id, hub_admin, name, name_search, email, email_normalized,
            password_hash, active, version, created_at, updated_at) VALUES {}",
        params::rows(1, agencies.len(), 12)
    );
    with_tx!(tx, |conn| {
        let mut query = sqlx::query(&sql);
        for a in agencies {
            let u = &a.user;
            query = query
                .bind(u.id)
                .bind(a.id)
                .bind(false)
                .bind(&u.name)
                .bind(caselink::input::search_key(&u.name))
                .bind(&u.email)
                .bind(u.email.to_lowercase())
                .bind(password_hash)
                .bind(true)
                .bind(1_i32)
                .bind(now)
                .bind(now);
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    let roles: Vec<(Uuid, &str)> = agencies
        .iter()
        .flat_map(|a| a.user.roles.iter().map(|r| (a.user.id, r.as_str())))
        .collect();
    let sql = format!(
        "INSERT INTO user_roles (user_id, role) VALUES {}",
        params::rows(1, roles.len(), 2)
    );
    with_tx!(tx, |conn| {
        let mut query = sqlx::query(&sql);
        for (user, role) in &roles {
            query = query.bind(*user).bind(*role);
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

async fn insert_batch(tx: &mut Tx, batch: &Batch) -> anyhow::Result<()> {
    insert_cases(tx, &batch.cases).await?;
    insert_participations(tx, &batch.participations).await?;
    insert_persons(tx, &batch.persons).await
}

async fn insert_cases(tx: &mut Tx, cases: &[CaseRow]) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO cases (id, journal_no, lead_agency_id, curator_user_id, signal_id, status,
            shelter, child_birth_date, opened_at, status_changed_at, decision_due_at,
            extension_reason, support_started_at, next_monitoring_at, closed_at,
            closure_reason, exit_outcome, signal_sheet, version, created_at, updated_at)
         VALUES {}",
        params::rows(1, cases.len(), 21)
    );
    with_tx!(tx, |conn| {
        let mut query = sqlx::query(&sql);
        for c in cases {
            query = query
                .bind(c.id)
                .bind(&c.journal_no)
                .bind(c.lead_agency_id)
                .bind(c.curator_user_id)
                .bind(c.signal_id)
                .bind(c.status)
                .bind(c.shelter)
                .bind(c.child_birth_date)
                .bind(c.opened_at)
                .bind(c.status_changed_at)
                .bind(c.decision_due_at)
                .bind(&c.extension_reason)
                .bind(c.support_started_at)
                .bind(c.next_monitoring_at)
                .bind(c.closed_at)
                .bind(c.closure_reason)
                .bind(c.exit_outcome)
                .bind(&c.signal_sheet)
                .bind(c.version)
                .bind(c.created_at)
                .bind(c.updated_at);
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

async fn insert_participations(tx: &mut Tx, rows: &[Participation]) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO participations (id, case_id, agency_id, kind, scope, granted_at,
            expires_at, revoked_at) VALUES {}",
        params::rows(1, rows.len(), 8)
    );
    with_tx!(tx, |conn| {
        let mut query = sqlx::query(&sql);
        for p in rows {
            query = query
                .bind(p.id)
                .bind(p.case_id)
                .bind(p.agency_id)
                .bind(p.kind)
                .bind(p.scope)
                .bind(p.granted_at)
                .bind(None::<chrono::DateTime<chrono::Utc>>)
                .bind(None::<chrono::DateTime<chrono::Utc>>);
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

async fn insert_handovers(tx: &mut Tx, rows: &[HandoverRow]) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO handovers ({}) VALUES {}",
        caselink::handovers::model::COLUMNS.replace("h.", ""),
        params::rows(1, rows.len(), 21)
    );
    with_tx!(tx, |conn| {
        let mut query = sqlx::query(&sql);
        for h in rows {
            query = query
                .bind(h.id)
                .bind(h.case_id)
                .bind(h.kind)
                .bind(h.from_agency_id)
                .bind(h.to_agency_id)
                .bind(h.requested_by_user_id)
                .bind(&h.reason)
                .bind(&h.records)
                .bind(h.status)
                .bind(h.requested_at)
                .bind(h.deadline_at)
                .bind(h.decided_at)
                .bind(h.decided_by_user_id)
                .bind(&h.decline_reason)
                .bind(&h.order_number)
                .bind(h.order_date)
                .bind(h.receiver_curator_id)
                .bind(&h.service_result)
                .bind(h.closed_at)
                .bind(h.version)
                .bind(h.updated_at);
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

async fn insert_persons(tx: &mut Tx, rows: &[PersonRow]) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO case_persons (id, case_id, role, full_name, birth_date, phone,
            address_registered, address_actual, stance, notes, created_at) VALUES {}",
        params::rows(1, rows.len(), 11)
    );
    with_tx!(tx, |conn| {
        let mut query = sqlx::query(&sql);
        for p in rows {
            query = query
                .bind(p.id)
                .bind(p.case_id)
                .bind(p.role)
                .bind(&p.full_name)
                .bind(p.birth_date)
                .bind(&p.phone)
                .bind(&p.address_registered)
                .bind(&p.address_actual)
                .bind(&p.stance)
                .bind(&p.notes)
                .bind(p.created_at);
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

async fn insert_journal_counters(tx: &mut Tx, counters: &[(Uuid, i32, i32)]) -> anyhow::Result<()> {
    let sql = format!(
        "INSERT INTO journal_counters (agency_id, journal, year, last_number) VALUES {}",
        params::rows(1, counters.len(), 4)
    );
    with_tx!(tx, |conn| {
        let mut query = sqlx::query(&sql);
        for (agency, year, last) in counters {
            query = query.bind(*agency).bind("CASE").bind(*year).bind(*last);
        }
        query.execute(conn).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}
