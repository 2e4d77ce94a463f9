//! The plan-review reminder: when a plan's next review (`nextReviewOn`) has passed in the
//! lead's calendar and the plan was not revised, the lead agency (its address, its heads
//! and the case's curator) hears once, by e-mail through the outbox: only the kind, the
//! case's journal number, the review day and a link to `/plans/{id}`; never the person
//! or what the plan says. A revision sets a new review day, and that one is reminded in
//! its turn. Like the tasks' reminders it looks back over the catch-up window, so a
//! reminder missed while no server ran goes out at the next start.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::notices::{PLAN, PLAN_REVIEW_OVERDUE};
use super::rules;
use crate::access::Role;
use crate::config::MailConfig;
use crate::db::{Db, TimeZone};
use crate::error::AppResult;
use crate::notify::reminders::{remind_once, BATCH};
use crate::notify::{Notice, Recipient, Subject};
use crate::with_db;

/// The occasion, with the plan and its review time the reminder's key.
pub const REVIEW_OVERDUE: &str = "PLAN_REVIEW_OVERDUE";

/// A plan whose review may have passed, as the scan reads it.
#[derive(sqlx::FromRow, Debug)]
pub struct ReviewedPlan {
    pub plan_id: Uuid,
    pub case_journal_no: String,
    pub lead_agency_id: Uuid,
    pub curator_user_id: Option<Uuid>,
    pub next_review_on: NaiveDate,
    pub time_zone: TimeZone,
}

/// When the review of `plan` is overdue: the end of its review day in the lead's zone
/// (the same rule as [`rules::review_overdue`]: late from the next day on).
pub fn overdue_at(plan: &ReviewedPlan) -> DateTime<Utc> {
    rules::task_due_at(plan.next_review_on, plan.time_zone.tz())
}

/// Who hears: the lead agency's address, its heads, the case's curator.
pub fn notice_of(plan: &ReviewedPlan) -> Notice {
    let agency = plan.lead_agency_id;
    let mut recipients = vec![
        Recipient::Agency(agency),
        Recipient::Role(agency, Role::HeadOfService),
    ];
    recipients.extend(plan.curator_user_id.map(Recipient::User));
    Notice {
        kind: PLAN_REVIEW_OVERDUE,
        subject: Subject::new(PLAN, plan.plan_id),
        journal_no: plan.case_journal_no.clone(),
        clock: None,
        due_at: Some(overdue_at(plan)),
        recipients,
    }
}

/// Active plans on open cases whose review day is between `from` and `to`.
async fn candidates(
    db: &Db,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> AppResult<Vec<ReviewedPlan>> {
    const SQL: &str = "SELECT pl.id AS plan_id, c.journal_no AS case_journal_no, \
         c.lead_agency_id, c.curator_user_id, pl.next_review_on, a.time_zone \
         FROM plans pl JOIN cases c ON c.id = pl.case_id \
         JOIN agencies a ON a.id = c.lead_agency_id \
         WHERE pl.status = 'ACTIVE' AND c.status <> 'CLOSED' \
           AND pl.next_review_on >= $1 AND pl.next_review_on <= $2 \
         ORDER BY pl.next_review_on, pl.id LIMIT $3";
    Ok(with_db!(db, |pool| sqlx::query_as(SQL)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
}

/// One round: reminds each plan whose review became overdue within the catch-up window.
pub async fn scan(db: &Db, config: &MailConfig, now: DateTime<Utc>) -> AppResult<usize> {
    let since = now - Duration::hours(config.reminder_catch_up_hours.max(0));
    // Review days whose end, in any zone (UTC−12 … UTC+14), may fall in (since, now].
    let from = (since - Duration::days(2)).date_naive();
    let to = now.date_naive() + Duration::days(1);
    let mut raised = 0;
    for plan in candidates(db, from, to, BATCH).await? {
        let at = overdue_at(&plan);
        if at <= since || at > now {
            continue;
        }
        let mut tx = db.begin().await?;
        if remind_once(&mut tx, REVIEW_OVERDUE, at, &notice_of(&plan), now).await? {
            raised += 1;
        }
        tx.commit().await?;
    }
    Ok(raised)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(day: &str, zone: &str) -> ReviewedPlan {
        ReviewedPlan {
            plan_id: Uuid::now_v7(),
            case_journal_no: "CASE-2026-0001".into(),
            lead_agency_id: Uuid::now_v7(),
            curator_user_id: Some(Uuid::now_v7()),
            next_review_on: day.parse().unwrap_or_default(),
            time_zone: TimeZone(zone.parse().unwrap_or(chrono_tz::UTC)),
        }
    }

    #[test]
    fn a_review_is_overdue_from_the_start_of_the_next_day_in_the_leads_zone() {
        let moscow = plan("2026-12-01", "Europe/Moscow");
        // Midnight in Moscow is 21:00 UTC the day before.
        assert_eq!(
            overdue_at(&moscow).to_rfc3339(),
            "2026-12-01T21:00:00+00:00"
        );
        let yekaterinburg = plan("2026-12-01", "Asia/Yekaterinburg");
        assert_eq!(
            overdue_at(&yekaterinburg).to_rfc3339(),
            "2026-12-01T19:00:00+00:00"
        );
    }

    #[test]
    fn the_notice_names_the_plan_and_the_number_only() {
        let p = plan("2026-12-01", "Europe/Moscow");
        let notice = notice_of(&p);
        assert_eq!(notice.kind, PLAN_REVIEW_OVERDUE);
        assert_eq!(notice.subject.id, p.plan_id);
        assert_eq!(notice.journal_no, "CASE-2026-0001");
        assert_eq!(notice.recipients.len(), 3);
    }
}
