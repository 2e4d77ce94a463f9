//! Group commit for read audits. Every request that returned personal data waits until
//! its `PERSONAL_DATA_READ` event is committed — nothing leaves unaudited — but the events
//! of concurrent requests share one transaction, so 32 readers cost one commit, not 32
//! (on SQLite, 32 turns at the single write lock). Events are staged
//! ([`super::staged`]) and reach `audit_events` with the sealer's next round.

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

use super::{staged, Entry, Origin};
use crate::db::Db;
use crate::error::{AppError, AppResult};

/// The most events one transaction takes.
const BATCH: usize = 256;

struct Pending {
    origin: Origin,
    entry: Entry,
    at: DateTime<Utc>,
    written: oneshot::Sender<bool>,
}

/// The handle requests use to have their reads audited.
#[derive(Clone)]
pub struct ReadAudit {
    queue: mpsc::Sender<Pending>,
}

impl ReadAudit {
    /// Starts the writer task on `db`; it stops when the last handle is dropped.
    pub fn start(db: Db) -> ReadAudit {
        let (queue, pending) = mpsc::channel(4 * BATCH);
        tokio::spawn(write_batches(db, pending));
        ReadAudit { queue }
    }

    /// Records one event and waits until it is committed.
    pub async fn record(&self, origin: Origin, entry: Entry, at: DateTime<Utc>) -> AppResult<()> {
        let (written, done) = oneshot::channel();
        let pending = Pending {
            origin,
            entry,
            at,
            written,
        };
        let stopped = || AppError::internal(anyhow::anyhow!("the read-audit writer has stopped"));
        self.queue.send(pending).await.map_err(|_| stopped())?;
        match done.await {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::internal(anyhow::anyhow!(
                "writing read-audit events failed"
            ))),
            Err(_) => Err(stopped()),
        }
    }
}

async fn write_batches(db: Db, mut pending: mpsc::Receiver<Pending>) {
    while let Some(first) = pending.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match pending.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let written = match write(&db, &batch).await {
            Ok(()) => true,
            Err(error) => {
                tracing::error!(?error, events = batch.len(), "read-audit batch failed");
                false
            }
        };
        for p in batch {
            let _ = p.written.send(written);
        }
    }
}

async fn write(db: &Db, batch: &[Pending]) -> AppResult<()> {
    let events: Vec<_> = batch.iter().map(|p| (&p.origin, &p.entry, p.at)).collect();
    staged::stage(db, &events).await
}
