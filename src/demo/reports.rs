//! The demo hospital's births and refusals for the last two years, month by month, so
//! that the service's report has refusals per sending hospital and refusals per 100
//! births to compare with a year earlier (seed 001's practices went from 1.8% to 0.7%);
//! and the service's conclusion for the last half year that is over, signed off by its
//! head and frozen, so the regional analyst and the head both have something to read.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use chrono_tz::Asia::Yekaterinburg;

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
    issue_last_half_year(db, now).await
}

/// The service's head writes and issues the conclusion of the last half year that ended.
async fn issue_last_half_year(db: &Db, now: DateTime<Utc>) -> AppResult<()> {
    let head = caller(db, "head@demo.caselink", now).await?;
    let today = now.with_timezone(&Yekaterinburg).date_naive();
    let (from, to) = if today.month() <= 6 {
        (
            NaiveDate::from_ymd_opt(today.year() - 1, 7, 1),
            NaiveDate::from_ymd_opt(today.year() - 1, 12, 31),
        )
    } else {
        (
            NaiveDate::from_ymd_opt(today.year(), 1, 1),
            NaiveDate::from_ymd_opt(today.year(), 6, 30),
        )
    };
    let (Some(from), Some(to)) = (from, to) else {
        return Ok(());
    };
    let analysis = "Сигналы из перинатального центра переданы в срок; доля отказов на 100 родов \
        снизилась по сравнению с прошлым годом. Нагрузка кураторов в пределах нормы. \
        На следующее полугодие: сократить время до первого визита.";
    let period = reports::rules::Period { from, to };
    let draft = reports::write_conclusion(db, &head, period, analysis, now).await?;
    reports::issue_conclusion(db, &head, draft.row.id, now).await?;
    Ok(())
}
