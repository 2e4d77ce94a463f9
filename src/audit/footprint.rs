//! What audit events take on disk: the bytes of `audit_events` and `audit_subjects`,
//! their indexes included, and a measurement of the bytes per read event (issue 13's
//! target: under 400), made through the product's own path: events staged as the
//! read-audit writer stages them ([`super::staged::stage`]) and moved by the sealer.

use chrono::Utc;
use uuid::Uuid;

use super::{read_entry, sealer, staged, Origin};
use crate::db::Db;
use crate::error::AppResult;
use crate::with_db;

/// Bytes on disk of the audit log's tables and their indexes, events and subjects apart.
/// SQLite: the pages `dbstat` counts for them; PostgreSQL: `pg_total_relation_size`
/// (heap, indexes, TOAST, maps).
pub async fn bytes_on_disk(db: &Db) -> AppResult<OnDisk> {
    let (events, subjects): (i64, i64) = match db {
        Db::Sqlite(pool, ..) => {
            sqlx::query_as(
                "SELECT \
                   COALESCE(SUM(CASE WHEN s.tbl_name = 'audit_events' THEN d.pgsize END), 0), \
                   COALESCE(SUM(CASE WHEN s.tbl_name = 'audit_subjects' THEN d.pgsize END), 0) \
                 FROM dbstat d JOIN sqlite_schema s ON s.name = d.name \
                 WHERE s.tbl_name IN ('audit_events', 'audit_subjects')",
            )
            .fetch_one(pool)
            .await?
        }
        Db::Postgres(pool, _) => {
            sqlx::query_as(
                "SELECT pg_total_relation_size('audit_events')::bigint, \
                        pg_total_relation_size('audit_subjects')::bigint",
            )
            .fetch_one(pool)
            .await?
        }
    };
    let count: i64 = with_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_subjects"
    )
    .fetch_one(pool)
    .await)?;
    Ok(OnDisk {
        events,
        subjects,
        subject_count: count,
    })
}

/// The audit log's size on disk at one moment.
#[derive(Clone, Copy, Debug)]
pub struct OnDisk {
    /// `audit_events` and its indexes, bytes.
    pub events: i64,
    /// `audit_subjects` (each record ever named by a read event, numbered once) and its
    /// index, bytes.
    pub subjects: i64,
    /// Rows in `audit_subjects`.
    pub subject_count: i64,
}

/// A measurement of read events on disk.
///
/// Two costs, apart: every read event's own row and index entries, paid on every read
/// (the target, under 400 bytes), and a subject's number, paid once per record
/// the first time any read names it. How many new subjects a measurement meets depends
/// on how many of the records were read before, not on the events: 4,000 pages of 20
/// over 400 cases meet 400; over a caseload of 33,334 never read before, 33,334.
#[derive(Clone, Debug)]
pub struct Footprint {
    /// Events written.
    pub events: usize,
    /// Records each named.
    pub records_per_event: usize,
    /// Bytes `audit_events` and its indexes grew by.
    pub event_bytes: i64,
    /// Bytes `audit_subjects` and its index grew by.
    pub subject_bytes: i64,
    /// Records named for the first time (rows added to `audit_subjects`).
    pub new_subjects: i64,
}

impl Footprint {
    /// Bytes of the events themselves per event: what every read costs.
    pub fn per_event(&self) -> f64 {
        self.event_bytes as f64 / self.events.max(1) as f64
    }

    /// Bytes per record named for the first time.
    pub fn per_new_subject(&self) -> f64 {
        self.subject_bytes as f64 / self.new_subjects.max(1) as f64
    }

    /// Everything the log grew by, per event: events and new subjects together.
    pub fn total_per_event(&self) -> f64 {
        (self.event_bytes + self.subject_bytes) as f64 / self.events.max(1) as f64
    }
}

/// Writes `events` read events, each naming a page of `page` of `cases` (in turn, as
/// readers page through a list), through staging and the sealer, and measures how much
/// the audit tables grew. Run it on a database where nothing else writes meanwhile.
pub async fn measure_reads(
    db: &Db,
    origin: &Origin,
    cases: &[Uuid],
    page: usize,
    events: usize,
) -> AppResult<Footprint> {
    sealer::seal_all(db).await?;
    let before = bytes_on_disk(db).await?;
    let pages: Vec<&[Uuid]> = cases
        .chunks(page.max(1))
        .filter(|p| p.len() == page)
        .collect();
    let mut written = 0;
    while written < events {
        let batch: Vec<_> = (written..events.min(written + 256))
            .map(|i| {
                let reads: Vec<(&'static str, Uuid)> = pages[i % pages.len().max(1)]
                    .iter()
                    .map(|id| ("case", *id))
                    .collect();
                read_entry(&reads)
            })
            .collect();
        let now = Utc::now();
        let rows: Vec<_> = batch.iter().map(|e| (origin, e, now)).collect();
        staged::stage(db, &rows).await?;
        written += batch.len();
        if written % 2048 < 256 {
            sealer::seal_all(db).await?;
        }
    }
    sealer::seal_all(db).await?;
    let after = bytes_on_disk(db).await?;
    Ok(Footprint {
        events,
        records_per_event: page,
        event_bytes: after.events - before.events,
        subject_bytes: after.subjects - before.subjects,
        new_subjects: after.subject_count - before.subject_count,
    })
}
