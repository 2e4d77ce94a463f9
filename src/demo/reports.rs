//! The demo hospital's births and refusals for the last two years, month by month, so
//! that the service's report has refusals per sending hospital and refusals per 100
//! births to compare with a year earlier (seed 001's practices went from 1.8% to 0.7%).

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use super::records::caller;
use crate::db::Db;
use crate::error::AppResult;
use crate::reports;

/// Records 24 months before the current one: about 400 births a month, refusals falling
/// from 7 to 3.
pub(super) async fn seed(db: &Db, now: DateTime<Utc>) -> AppResult<()> {
    let nurse = caller(db, "hospital@demo.caselink", now).await?;
    let today = now.date_naive();
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    for back in (1..=24u32).rev() {
        let month = this_month - Months::new(back);
        let births = 380 + (month.month() as i32 * 7) % 50;
        let refusals = if back > 12 { 7 } else { 3 } - i32::from(month.month() % 3 == 0);
        reports::record_hospital_month(db, &nurse, month, births, refusals, now).await?;
    }
    Ok(())
}
