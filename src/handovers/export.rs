//! The handover journal as a CSV file (`GET /export/handovers.csv`): the requests the
//! caller's agency received (its inbox) and sent (its outbox), newest first, each with
//! its case's number, kind, direction, the other agency, status, dates and the incoming
//! order. Read through [`reads::page`] (the scoped store); the packages stay sealed and
//! the reasons are left out, so the file holds no personal data and needs no audit.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::model::{HandoverKind, HandoverRow, HandoverStatus};
use super::reads;
use super::store::Side;
use crate::access::Caller;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::signals::export::local_time;
use crate::spreadsheet::{AgencyFile, CsvFile};
use crate::web::i18n::RU;
use crate::{agencies, cases};

/// The most rows one file holds.
pub const MAX_ROWS: usize = 10_000;
/// Rows per keyset page while reading, and case ids per lookup.
const PAGE: usize = 500;

/// The columns: case number, kind, direction, the other agency, status, requested,
/// deadline, decided, the sender's order, and the receiver's incoming registration number
/// and date.
pub const HEADER: [&str; 11] = [
    "№ случая",
    "Вид",
    "Направление",
    "Другое учреждение",
    "Статус",
    "Запрошено",
    "Срок решения",
    "Решение принято",
    "Приказ отправителя",
    "Вх. номер",
    "Дата регистрации",
];

/// The handover journal of the actor's agency (newest first, at most [`MAX_ROWS`]).
pub async fn handovers_csv(db: &Db, caller: &Caller, now: DateTime<Utc>) -> AppResult<AgencyFile> {
    let actor = caller.actor()?;
    let agency_id = actor.agency_id.ok_or(AppError::Forbidden(
        "hub administrators keep no handover journal",
    ))?;
    let agency = agencies::store::get(db, agency_id).await?;
    let tz: Tz = agency.time_zone.tz();
    let mut rows = side(db, caller, Side::Received, now).await?;
    rows.extend(side(db, caller, Side::Sent, now).await?);
    rows.sort_by_key(|(h, _)| std::cmp::Reverse((h.requested_at, h.id)));
    rows.truncate(MAX_ROWS);

    let mut case_ids: Vec<Uuid> = rows.iter().map(|(h, _)| h.case_id).collect();
    case_ids.sort();
    case_ids.dedup();
    let mut numbers = Vec::new();
    for chunk in case_ids.chunks(PAGE) {
        let found = cases::store::get_visible_many(db, actor.viewer(), chunk, now).await?;
        numbers.extend(found.into_iter().map(|(c, _)| (c.id, c.journal_no)));
    }
    let mut others: Vec<Uuid> = rows.iter().map(|(h, side)| other(h, *side)).collect();
    others.sort();
    others.dedup();
    let others = agencies::store::get_many(db, &others).await?;

    let mut file = CsvFile::new();
    file.record(HEADER)?;
    for (h, side) in &rows {
        let number = numbers
            .iter()
            .find(|(id, _)| *id == h.case_id)
            .map(|(_, n)| n.as_str())
            .unwrap_or_default();
        let other = other(h, *side);
        let other = others
            .iter()
            .find(|a| a.id == other)
            .map(|a| a.name.as_str())
            .unwrap_or_default();
        file.record([
            number,
            kind_label(h.kind),
            match side {
                Side::Received => "входящий",
                Side::Sent => "исходящий",
            },
            other,
            status_label(h.status),
            &local_time(Some(h.requested_at), tz),
            &local_time(Some(h.deadline_at), tz),
            &local_time(h.decided_at, tz),
            &match (&h.sender_order_number, h.sender_order_date) {
                (Some(number), Some(date)) => format!("{number} от {}", date.format("%d.%m.%Y")),
                (Some(number), None) => number.clone(),
                _ => String::new(),
            },
            h.registration_number.as_deref().unwrap_or_default(),
            &h.registration_date
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
        ])?;
    }
    Ok(AgencyFile {
        agency_name: agency.name,
        agency_id: agency.id,
        local_date: now.with_timezone(&tz).date_naive(),
        body: file.finish()?,
    })
}

/// One side of the agency's requests, at most [`MAX_ROWS`].
async fn side(
    db: &Db,
    caller: &Caller,
    side: Side,
    now: DateTime<Utc>,
) -> AppResult<Vec<(HandoverRow, Side)>> {
    let (mut rows, mut after) = (Vec::new(), None);
    while rows.len() < MAX_ROWS {
        let limit = PAGE.min(MAX_ROWS - rows.len());
        let page = reads::page(db, caller, side, &[], after.as_ref(), now, limit as i64).await?;
        let full = page.len() == limit;
        if let Some(last) = page.last() {
            after = Some((last.handover.requested_at, last.handover.id));
        }
        rows.extend(page.into_iter().map(|view| (view.handover, side)));
        if !full {
            break;
        }
    }
    Ok(rows)
}

/// The agency at the other end of a request.
fn other(h: &HandoverRow, side: Side) -> Uuid {
    match side {
        Side::Received => h.from_agency_id,
        Side::Sent => h.to_agency_id,
    }
}

fn kind_label(kind: HandoverKind) -> &'static str {
    match kind {
        HandoverKind::Transfer => RU.kind_transfer,
        HandoverKind::Referral => RU.kind_referral,
        HandoverKind::Notice => RU.kind_notice,
    }
}

fn status_label(status: HandoverStatus) -> &'static str {
    match status {
        HandoverStatus::Pending => RU.status_pending,
        HandoverStatus::Accepted => RU.status_accepted,
        HandoverStatus::Declined => RU.status_declined,
        HandoverStatus::Cancelled => RU.status_cancelled,
        HandoverStatus::Completed => RU.status_completed,
        HandoverStatus::Acknowledged => RU.status_acknowledged,
    }
}
