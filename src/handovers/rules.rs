//! The rules of a handover: the receiver's deadline in working days, and which decision
//! each state allows. Retried decisions are harmless: repeating the same accept (same
//! order), decline (same reason) or cancel changes nothing and answers as before.

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use super::model::{HandoverKind, HandoverRow, HandoverStatus};
use crate::agencies::AgencyKind;
use crate::error::{AppError, AppResult};

/// When the receiver should decide: the end of the `working_days`-th working day after
/// the day of the request, in the receiver's time zone. Saturdays and Sundays are not
/// working days; public holidays are not known to the hub (see docs/domain-rules.md).
pub fn acceptance_deadline(
    requested_at: DateTime<Utc>,
    time_zone: Tz,
    working_days: u32,
) -> DateTime<Utc> {
    let mut day = requested_at.with_timezone(&time_zone).date_naive();
    let mut counted = 0;
    while counted < working_days {
        day = day + Days::new(1);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            counted += 1;
        }
    }
    start_of_day(day + Days::new(1), time_zone)
}

fn start_of_day(day: NaiveDate, time_zone: Tz) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    time_zone
        .from_local_datetime(&midnight)
        .earliest()
        // A zone that skips midnight (a DST jump) starts the day an hour later.
        .or_else(|| {
            time_zone
                .from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| midnight.and_utc())
}

/// Whether a decision still has to be made or was already made the same way.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Go on and record it.
    Proceed,
    /// Already recorded exactly so: answer with the request as it stands.
    AlreadyDone,
}

fn settled(row: &HandoverRow) -> AppError {
    let what = match row.status {
        HandoverStatus::Pending => "is still pending",
        HandoverStatus::Accepted => "was already accepted",
        HandoverStatus::Declined => "was declined",
        HandoverStatus::Cancelled => "was cancelled by the sender",
        HandoverStatus::Completed => "was completed",
    };
    AppError::Conflict(format!("the request {what}"))
}

/// Accepting: only a pending request; the same order again is a harmless repeat.
pub fn check_accept(
    row: &HandoverRow,
    order_number: Option<&str>,
    order_date: Option<NaiveDate>,
) -> AppResult<Decision> {
    match row.status {
        HandoverStatus::Pending => Ok(Decision::Proceed),
        HandoverStatus::Accepted
            if row.order_number.as_deref() == order_number && row.order_date == order_date =>
        {
            Ok(Decision::AlreadyDone)
        }
        HandoverStatus::Accepted => Err(AppError::Conflict(format!(
            "the request was already accepted under order {}",
            row.order_number.as_deref().unwrap_or("(none)")
        ))),
        _ => Err(settled(row)),
    }
}

/// Declining: only a pending request; the same reason again is a harmless repeat.
pub fn check_decline(row: &HandoverRow, reason: &str) -> AppResult<Decision> {
    match row.status {
        HandoverStatus::Pending => Ok(Decision::Proceed),
        HandoverStatus::Declined if row.decline_reason.as_deref() == Some(reason) => {
            Ok(Decision::AlreadyDone)
        }
        _ => Err(settled(row)),
    }
}

/// Cancelling: only the sender, only while pending.
pub fn check_cancel(row: &HandoverRow) -> AppResult<Decision> {
    match row.status {
        HandoverStatus::Pending => Ok(Decision::Proceed),
        HandoverStatus::Cancelled => Ok(Decision::AlreadyDone),
        _ => Err(settled(row)),
    }
}

/// Completing a referral: only an accepted referral; the same result again is harmless.
pub fn check_complete(row: &HandoverRow, result: &str) -> AppResult<Decision> {
    if row.kind != HandoverKind::Referral {
        return Err(AppError::Conflict(
            "only a referral is completed; an accepted transfer moved the lead".into(),
        ));
    }
    match row.status {
        HandoverStatus::Accepted => Ok(Decision::Proceed),
        HandoverStatus::Completed if row.service_result.as_deref() == Some(result) => {
            Ok(Decision::AlreadyDone)
        }
        _ => Err(settled(row)),
    }
}

/// Who may receive: any other active agency, but only agencies that lead cases take a
/// transfer (a maternity hospital sends signals; it does not lead cases).
pub fn check_receiver(
    kind: HandoverKind,
    from: uuid::Uuid,
    to: uuid::Uuid,
    to_kind: AgencyKind,
    to_active: bool,
) -> AppResult<()> {
    if from == to {
        return Err(AppError::bad_input(
            "toAgencyId",
            "the case is already with your agency",
        ));
    }
    if !to_active {
        return Err(AppError::bad_input(
            "toAgencyId",
            "the agency is not active in the hub",
        ));
    }
    if kind == HandoverKind::Transfer && to_kind == AgencyKind::Maternity {
        return Err(AppError::bad_input(
            "toAgencyId",
            "a maternity hospital does not lead cases; refer instead",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handovers::model::SharingBasis;
    use uuid::Uuid;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn row(status: HandoverStatus) -> HandoverRow {
        let now = utc("2026-11-23T09:00:00Z");
        HandoverRow {
            id: Uuid::now_v7(),
            case_id: Uuid::now_v7(),
            kind: HandoverKind::Transfer,
            from_agency_id: Uuid::now_v7(),
            to_agency_id: Uuid::now_v7(),
            requested_by_user_id: Uuid::now_v7(),
            reason: Some("rights at risk".into()),
            records: crate::db::JsonText(Vec::new()),
            status,
            requested_at: now,
            deadline_at: now,
            decided_at: None,
            decided_by_user_id: None,
            decline_reason: None,
            order_number: None,
            order_date: None,
            receiver_curator_id: None,
            service_result: None,
            closed_at: None,
            sharing_basis: SharingBasis::LegalDuty,
            consent_override_reason: None,
            version: 1,
            updated_at: now,
        }
    }

    #[test]
    fn three_working_days_from_a_monday_end_on_thursday_midnight() {
        // Monday 23 Nov 2026, 10:00 in Yekaterinburg (UTC+5).
        let due = acceptance_deadline(
            utc("2026-11-23T05:00:00Z"),
            chrono_tz::Asia::Yekaterinburg,
            3,
        );
        // Tue, Wed, Thu → due at the start of Friday, local: Thursday 19:00 UTC.
        assert_eq!(due, utc("2026-11-26T19:00:00Z"));
    }

    #[test]
    fn a_friday_request_skips_the_weekend() {
        // Friday 27 Nov 2026, 16:00 Moscow.
        let due = acceptance_deadline(utc("2026-11-27T13:00:00Z"), chrono_tz::Europe::Moscow, 3);
        // Mon, Tue, Wed → the start of Thursday 3 Dec, Moscow.
        assert_eq!(due, utc("2026-12-02T21:00:00Z"));
    }

    #[test]
    fn the_receivers_zone_decides_which_day_it_is() {
        // 20:00 UTC Saturday is already Sunday in Vladivostok (UTC+10).
        let at = utc("2026-11-28T20:00:00Z");
        let vladivostok = acceptance_deadline(at, chrono_tz::Asia::Vladivostok, 1);
        let kaliningrad = acceptance_deadline(at, chrono_tz::Europe::Kaliningrad, 1);
        // Both: Monday is the one working day, due at local Tuesday 00:00.
        assert_eq!(vladivostok, utc("2026-11-30T14:00:00Z"));
        assert_eq!(kaliningrad, utc("2026-11-30T22:00:00Z"));
    }

    #[test]
    fn accepting_twice_with_the_same_order_is_harmless_with_another_a_conflict() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 23);
        let mut accepted = row(HandoverStatus::Accepted);
        accepted.order_number = Some("15-о".into());
        accepted.order_date = date;
        assert_eq!(
            check_accept(&accepted, Some("15-о"), date).ok(),
            Some(Decision::AlreadyDone)
        );
        assert!(matches!(
            check_accept(&accepted, Some("16-о"), date),
            Err(AppError::Conflict(_))
        ));
    }

    #[test]
    fn a_cancelled_or_declined_request_cannot_be_accepted() {
        for status in [HandoverStatus::Cancelled, HandoverStatus::Declined] {
            assert!(matches!(
                check_accept(&row(status), Some("1"), None),
                Err(AppError::Conflict(_))
            ));
        }
        assert_eq!(
            check_accept(&row(HandoverStatus::Pending), Some("1"), None).ok(),
            Some(Decision::Proceed)
        );
    }

    #[test]
    fn only_a_pending_request_is_cancelled_or_declined() {
        assert!(check_cancel(&row(HandoverStatus::Accepted)).is_err());
        assert!(check_decline(&row(HandoverStatus::Accepted), "no").is_err());
        assert_eq!(
            check_cancel(&row(HandoverStatus::Cancelled)).ok(),
            Some(Decision::AlreadyDone)
        );
    }

    #[test]
    fn only_an_accepted_referral_is_completed() {
        assert!(check_complete(&row(HandoverStatus::Accepted), "done").is_err());
        let mut referral = row(HandoverStatus::Accepted);
        referral.kind = HandoverKind::Referral;
        assert_eq!(
            check_complete(&referral, "done").ok(),
            Some(Decision::Proceed)
        );
        referral.status = HandoverStatus::Pending;
        assert!(check_complete(&referral, "done").is_err());
    }

    #[test]
    fn a_hospital_takes_referrals_but_not_transfers() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(check_receiver(HandoverKind::Transfer, a, b, AgencyKind::Maternity, true).is_err());
        assert!(check_receiver(HandoverKind::Referral, a, b, AgencyKind::Maternity, true).is_ok());
        assert!(
            check_receiver(HandoverKind::Transfer, a, a, AgencyKind::Guardianship, true).is_err()
        );
        assert!(check_receiver(
            HandoverKind::Transfer,
            a,
            b,
            AgencyKind::Guardianship,
            false
        )
        .is_err());
    }
}
