//! Page 1 against a deep page (issue 13): for each measured list, the page a cursor far
//! into the list reaches (after [`DEEP_SHARE`] of its rows), read the same way as page 1.
//! A keyset page should cost the same anywhere in the list; these rows show whether it does.

use std::net::SocketAddr;
use std::sync::Arc;

use caselink::access::policy::AuditView;
use caselink::audit::store::AuditFilter;
use caselink::cases::store::CaseFilter;
use caselink::db::Db;
use caselink::graphql::connection::encode_cursor;
use caselink::handovers::model::HandoverStatus;
use caselink::handovers::store::Side;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::load::Stats;
use super::workloads::{self, back_to_back, staff, Load, PAGE_FETCH};

/// How far into a list the deep page starts: after this share of its rows.
pub const DEEP_SHARE: f64 = 0.9;

/// Where the deep pages start, found through the lists' own store functions.
pub struct Cursors {
    /// The measured agency's cases, and the keyset after 90% of them.
    pub cases: (usize, (DateTime<Utc>, Uuid)),
    /// The measured inbox's pending requests, and the keyset after 90% of them.
    pub inbox: (usize, (DateTime<Utc>, Uuid)),
    /// The audit log (as a hub administrator reads it), and the `seq` after 90% of it.
    pub audit: (usize, i64),
}

/// The row the deep page starts after (1-based): 90% into the list, but never so far
/// that less than a full page follows.
fn deep_row(rows: usize) -> usize {
    ((rows as f64 * DEEP_SHARE) as usize)
        .min(rows.saturating_sub(PAGE_FETCH as usize))
        .max(1)
}

/// Finds each list's deep cursor by reading the list up to it in one call.
pub async fn cursors(db: &Db, agency: Uuid, inbox: Uuid) -> anyhow::Result<Cursors> {
    let now = caselink::db::now();
    let all = caselink::cases::store::list_page(
        db,
        staff(agency),
        &CaseFilter::default(),
        None,
        now,
        i64::MAX,
    )
    .await?;
    let (case, _) = all
        .get(deep_row(all.len()) - 1)
        .ok_or_else(|| anyhow::anyhow!("the measured agency has no cases"))?;
    let cases = (all.len(), (case.opened_at, case.id));

    let all = caselink::handovers::store::list_page(
        db,
        staff(inbox),
        Side::Received,
        &[HandoverStatus::Pending],
        None,
        now,
        i64::MAX,
    )
    .await?;
    let request = &all
        .get(deep_row(all.len()) - 1)
        .ok_or_else(|| anyhow::anyhow!("the measured inbox is empty"))?
        .row;
    let inbox = (all.len(), (request.requested_at, request.id));

    let events: i64 = caselink::with_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events"
    )
    .fetch_one(pool)
    .await)?;
    let events = usize::try_from(events)?;
    // Only the seq is needed: the page of one row at the deep cursor's position.
    let deep = deep_row(events);
    let mut before = None;
    let mut skipped = 0;
    // Walk in large pages so that a million events do not have to sit in memory at once.
    while skipped < deep {
        let take = (deep - skipped).min(50_000);
        let rows = caselink::audit::store::list_page(
            db,
            AuditView::All,
            &AuditFilter::default(),
            before,
            take as i64,
        )
        .await?;
        let last = rows
            .last()
            .ok_or_else(|| anyhow::anyhow!("the audit log ended early"))?;
        before = Some(last.seq);
        skipped += rows.len();
    }
    let audit = (events, before.unwrap_or(i64::MAX));
    Ok(Cursors {
        cases,
        inbox,
        audit,
    })
}

/// Everything measured for page 1 against a deep page on one database.
pub struct Figures {
    /// HTTP `cases(first: 20, after:)` at the deep cursor (page 1: the main HTTP row).
    pub http_cases_deep: Stats,
    /// HTTP `handoverInbox(first: 20, after:)` at the deep cursor.
    pub http_inbox_deep: Stats,
    /// The direct pages, each page 1 measured just before its deep page.
    pub direct: Direct,
}

/// The direct reads of page 1 and of a deep page of each list, each pair measured back
/// to back. Page 1 is measured again here, not taken from the main direct rows: those
/// run before the workloads that write audit events, and a deep page measured after
/// them against a page 1 measured before compared two states of the database, not two
/// depths of the list (at 1,000,000 cases that made the case list's deep page look
/// 1.35–2× dearer while the same statements cost the same in one connection).
pub struct Direct {
    /// `cases::store::list_page`, page 1 and at the deep cursor.
    pub cases_first: Stats,
    pub cases_deep: Stats,
    /// `handovers::store::list_page` (the inbox), page 1 and at the deep cursor.
    pub inbox_first: Stats,
    pub inbox_deep: Stats,
    /// `audit::store::list_page`, page 1 and deep.
    pub audit_first: Stats,
    pub audit_deep: Stats,
}

/// The direct pages of each list, page 1 then deep ([`Direct`]).
pub async fn measure_direct(
    load: Load,
    db: &Db,
    (agency, inbox): (Uuid, Uuid),
    at: &Cursors,
) -> anyhow::Result<Direct> {
    println!("  direct: cases list_page, page 1…");
    let cases_first = cases(load, db, agency, None).await?;
    println!("  direct: cases list_page, deep page…");
    let cases_deep = cases(load, db, agency, Some(at.cases.1)).await?;
    println!("  direct: inbox list_page, page 1…");
    let inbox_first = inbox_page(load, db, inbox, None).await?;
    println!("  direct: inbox list_page, deep page…");
    let inbox_deep = inbox_page(load, db, inbox, Some(at.inbox.1)).await?;
    println!("  direct: audit list_page, page 1…");
    let audit_first = audit(load, db, None).await?;
    println!("  direct: audit list_page, deep page…");
    let audit_deep = audit(load, db, Some(at.audit.1)).await?;
    Ok(Direct {
        cases_first,
        cases_deep,
        inbox_first,
        inbox_deep,
        audit_first,
        audit_deep,
    })
}

async fn cases(
    load: Load,
    db: &Db,
    agency: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
) -> anyhow::Result<Stats> {
    back_to_back(load, db, move |db| async move {
        let rows = caselink::cases::store::list_page(
            &db,
            staff(agency),
            &CaseFilter::default(),
            after.as_ref(),
            caselink::db::now(),
            PAGE_FETCH,
        )
        .await
        .map_err(|e| format!("{e:?}"))?;
        expect_rows(rows.len())
    })
    .await
}

async fn inbox_page(
    load: Load,
    db: &Db,
    inbox: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
) -> anyhow::Result<Stats> {
    back_to_back(load, db, move |db| async move {
        let rows = caselink::handovers::store::list_page(
            &db,
            staff(inbox),
            Side::Received,
            &[HandoverStatus::Pending],
            after.as_ref(),
            caselink::db::now(),
            PAGE_FETCH,
        )
        .await
        .map_err(|e| format!("{e:?}"))?;
        // A small hub (`--cases`) may have less than a page past the cursor.
        if rows.is_empty() {
            return Err("expected requests past the cursor, got none".into());
        }
        Ok(())
    })
    .await
}

async fn audit(load: Load, db: &Db, before: Option<i64>) -> anyhow::Result<Stats> {
    back_to_back(load, db, move |db| async move {
        let rows = caselink::audit::store::list_page(
            &db,
            AuditView::All,
            &AuditFilter::default(),
            before,
            PAGE_FETCH,
        )
        .await
        .map_err(|e| format!("{e:?}"))?;
        expect_rows(rows.len())
    })
    .await
}

/// A deep page has fewer than a full page of rows only if the cursor is off.
fn expect_rows(got: usize) -> Result<(), String> {
    if got as i64 == PAGE_FETCH {
        Ok(())
    } else {
        Err(format!("expected {PAGE_FETCH} rows, got {got}"))
    }
}

/// The HTTP list queries with `after:` the deep cursor.
pub fn deep_queries(at: &Cursors) -> (String, String) {
    let after = |cursor: String| format!("first: 20, after: \"{cursor}\"");
    let cases = workloads::LIST_QUERY.replacen("first: 20", &after(encode_cursor(&at.cases.1)), 1);
    let inbox = workloads::INBOX_QUERY.replacen("first: 20", &after(encode_cursor(&at.inbox.1)), 1);
    (cases, inbox)
}

/// Clients posting a list query at its deep cursor.
pub async fn http_deep(
    load: Load,
    addr: SocketAddr,
    token: &str,
    query: &str,
) -> anyhow::Result<Stats> {
    let query: Arc<str> = query.into();
    workloads::http_query(load, addr, token, &query).await
}
