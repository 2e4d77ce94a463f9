//! What audit events take on disk: the bytes of `audit_events` and `audit_subjects`,
//! their indexes included, and a measurement of the bytes per read event (issue 13's
//! target: under 400), made through the product's own path: events staged as the
//! read-audit writer stages them ([`super::staged::stage`]) and moved by the sealer.

use chrono::Utc;
use uuid::Uuid;

use super::{read_entry, sealer, staged, Origin};
use crate::db::Db;
use crate::error::AppResult;

/// Bytes on disk of the audit log's tables and their indexes. SQLite: the pages `dbstat`
/// counts for them; PostgreSQL: `pg_total_relation_size` (heap, indexes, TOAST, maps).
pub async fn bytes_on_disk(db: &Db) -> AppResult<i64> {
    Ok(match db {
        Db::Sqlite(pool, ..) => {
            sqlx::query_scalar(
                "SELECT COALESCE(SUM(pgsize), 0) FROM dbstat WHERE name IN \
                 (SELECT name FROM sqlite_schema WHERE tbl_name IN ('audit_events', 'audit_subjects'))",
            )
            .fetch_one(pool)
            .await?
        }
        Db::Postgres(pool, _) => {
            sqlx::query_scalar(
                "SELECT (pg_total_relation_size('audit_events') \
                 + pg_total_relation_size('audit_subjects'))::bigint",
            )
            .fetch_one(pool)
            .await?
        }
    })
}

/// A measurement of read events on disk.
#[derive(Clone, Debug)]
pub struct Footprint {
    /// Events written.
    pub events: usize,
    /// Records each named.
    pub records_per_event: usize,
    /// Bytes the tables and indexes grew by.
    pub bytes: i64,
}

impl Footprint {
    /// Bytes per event.
    pub fn per_event(&self) -> f64 {
        self.bytes as f64 / self.events.max(1) as f64
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
        bytes: after - before,
    })
}
