//! Handovers as a caller reads them, for every transport. A request's own fields (kind,
//! status, dates, the reasons its two agencies exchange) are open to both agencies; its
//! package, the case's records sent with it, is sealed in a [`HandoverView`] until a
//! caller opens it, which notes a read of the case on the caller's read log. The package's
//! contents are read only with the [`Package`] that opening gives, so no transport reads a
//! package unaudited. Every read goes through the scoped store, which decides in SQL.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{DocumentRow, HandoverRow, HandoverStatus, PackageRecord};
use super::store::{self, ScopedHandover, Side};
use crate::access::{Caller, Personal, Viewer};
use crate::cases::model::{ConsentRow, PersonRow};
use crate::cases::sheet::SignalSheet;
use crate::db::Db;
use crate::error::AppResult;
use crate::signals::visit::VisitReport;

/// A transfer or referral as one of its two agencies sees it.
#[derive(Clone, Debug)]
pub struct HandoverView {
    /// The request as the caller may read it.
    pub handover: HandoverRow,
    /// Its package: present where the caller may read it, a read of the case once opened.
    pub package: Personal<Package>,
}

/// The package of one request, opened by one caller: what the package reads below take.
#[derive(Clone, Debug)]
pub struct Package {
    handover_id: Uuid,
    records: Vec<PackageRecord>,
    viewer: Viewer,
}

impl Package {
    /// Whether the sender included `record`.
    pub fn has(&self, record: PackageRecord) -> bool {
        self.records.contains(&record)
    }
}

impl HandoverView {
    fn of(scoped: ScopedHandover, viewer: Viewer) -> HandoverView {
        let row = scoped.row;
        let package = scoped.package_visible.then(|| Package {
            handover_id: row.id,
            records: row.package().to_vec(),
            viewer,
        });
        HandoverView {
            package: Personal::sealed("case", row.case_id, package),
            handover: row,
        }
    }
}

/// A request the caller's agency sent or received, else `NOT_FOUND`.
pub async fn get(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<HandoverView> {
    let viewer = caller.viewer()?;
    let scoped = store::get_visible(db, viewer, id, now).await?;
    Ok(HandoverView::of(scoped, viewer))
}

/// One page of the caller's agency inbox or outbox, oldest first, after the
/// `(requested_at, id)` keyset.
pub async fn page(
    db: &Db,
    caller: &Caller,
    side: Side,
    statuses: &[HandoverStatus],
    after: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<HandoverView>> {
    let viewer = caller.viewer()?;
    let rows = store::list_page(db, viewer, side, statuses, after, now, limit).await?;
    Ok(views(rows, viewer))
}

/// Every request of a case, oldest first, if the caller reads the case in FULL (else
/// none: the condition is in the SQL).
pub async fn of_case(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<HandoverView>> {
    let viewer = caller.viewer()?;
    Ok(views(
        store::of_case(db, viewer, case_id, now).await?,
        viewer,
    ))
}

fn views(rows: Vec<ScopedHandover>, viewer: Viewer) -> Vec<HandoverView> {
    rows.into_iter()
        .map(|scoped| HandoverView::of(scoped, viewer))
        .collect()
}

/// The package's documents, without their bytes (each download is audited on its own).
pub async fn documents(
    db: &Db,
    package: &Package,
    now: DateTime<Utc>,
) -> AppResult<Vec<DocumentRow>> {
    store::documents_of(db, package.viewer, package.handover_id, now).await
}

/// The case's people, as sent.
pub async fn persons(db: &Db, package: &Package, now: DateTime<Utc>) -> AppResult<Vec<PersonRow>> {
    store::package_persons(db, package.viewer, package.handover_id, now).await
}

/// The case's consents with the agencies each covers.
pub async fn consents(
    db: &Db,
    package: &Package,
    now: DateTime<Utc>,
) -> AppResult<Vec<(ConsentRow, Vec<Uuid>)>> {
    store::package_consents(db, package.viewer, package.handover_id, now).await
}

/// The signal's initial visit report.
pub async fn visit_report(
    db: &Db,
    package: &Package,
    now: DateTime<Utc>,
) -> AppResult<Option<VisitReport>> {
    store::package_visit_report(db, package.viewer, package.handover_id, now).await
}

/// The case's signal sheet.
pub async fn signal_sheet(
    db: &Db,
    package: &Package,
    now: DateTime<Utc>,
) -> AppResult<Option<SignalSheet>> {
    store::package_signal_sheet(db, package.viewer, package.handover_id, now).await
}
