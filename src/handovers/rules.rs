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

/// The first moment of `day` in `time_zone`, in UTC.
pub fn start_of_day(day: NaiveDate, time_zone: Tz) -> DateTime<Utc> {
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
        HandoverStatus::Acknowledged => "was already acknowledged",
    };
    AppError::Conflict(format!("the request {what}"))
}

/// Accepting: only a pending transfer or referral; the same order again is a harmless
/// repeat. A notice is acknowledged, not accepted.
pub fn check_accept(row: &HandoverRow, acceptance: &Registration<'_>) -> AppResult<Decision> {
    if row.kind == HandoverKind::Notice {
        return Err(AppError::Conflict(
            "a notice is not accepted: acknowledge its receipt (acknowledgeNotice)".into(),
        ));
    }
    match row.status {
        HandoverStatus::Pending => Ok(Decision::Proceed),
        HandoverStatus::Accepted
            if row.registration_number.as_deref() == acceptance.number
                && row.registration_date == acceptance.date
                && row.order_number.as_deref() == acceptance.order_number
                && row.order_date == acceptance.order_date =>
        {
            Ok(Decision::AlreadyDone)
        }
        HandoverStatus::Accepted => Err(AppError::Conflict(format!(
            "the request was already accepted under number {}",
            row.registration_number
                .as_deref()
                .or(row.order_number.as_deref())
                .unwrap_or("(none)")
        ))),
        _ => Err(settled(row)),
    }
}

/// Acknowledging a notice: only a pending notice; the same registration again is a
/// harmless repeat.
pub fn check_acknowledge(row: &HandoverRow, acceptance: &Registration<'_>) -> AppResult<Decision> {
    if row.kind != HandoverKind::Notice {
        return Err(AppError::Conflict(
            "only a notice is acknowledged; a transfer or referral is accepted or declined".into(),
        ));
    }
    match row.status {
        HandoverStatus::Pending => Ok(Decision::Proceed),
        HandoverStatus::Acknowledged
            if row.registration_number.as_deref() == acceptance.number
                && row.registration_date == acceptance.date =>
        {
            Ok(Decision::AlreadyDone)
        }
        _ => Err(settled(row)),
    }
}

/// What an acceptance records: the receiver's incoming registration and, optionally, its
/// own order.
pub struct Registration<'a> {
    pub number: Option<&'a str>,
    pub date: Option<NaiveDate>,
    pub order_number: Option<&'a str>,
    pub order_date: Option<NaiveDate>,
}

/// A transfer goes with the sending head's order, its number and date: the paper
/// practice formalises a transfer by that order «с отметкой о передаче случая» (seed 001).
/// A referral may carry one.
pub fn check_sender_order(
    kind: HandoverKind,
    number: Option<&str>,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> AppResult<()> {
    if kind == HandoverKind::Transfer && (number.is_none() || date.is_none()) {
        return Err(AppError::bad_input(
            "senderOrder",
            "a transfer goes with your head's order: give its number and date",
        ));
    }
    if number.is_some() != date.is_some() {
        return Err(AppError::bad_input(
            "senderOrder",
            "give the order's number and date",
        ));
    }
    if date.is_some_and(|d| d > today) {
        return Err(AppError::bad_input("senderOrder.date", "is in the future"));
    }
    Ok(())
}

/// A transfer is accepted, and a notice acknowledged, under the receiver's incoming
/// registration number and date: both are letters the receiving body registers.
pub fn check_registration(
    kind: HandoverKind,
    acceptance: &Registration<'_>,
    today: NaiveDate,
) -> AppResult<()> {
    let registered = matches!(kind, HandoverKind::Transfer | HandoverKind::Notice);
    if registered && (acceptance.number.is_none() || acceptance.date.is_none()) {
        return Err(AppError::bad_input(
            "registrationNumber",
            "give your incoming registration number and date",
        ));
    }
    for (field, date) in [
        ("registrationDate", acceptance.date),
        ("orderDate", acceptance.order_date),
    ] {
        if date.is_some_and(|d| d > today) {
            return Err(AppError::bad_input(field, "is in the future"));
        }
    }
    Ok(())
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
    if kind == HandoverKind::Notice && !notice_receiver(to_kind) {
        return Err(AppError::bad_input(
            "toAgencyId",
            "a notice goes to social protection or guardianship",
        ));
    }
    Ok(())
}

/// The bodies a family that breaks its commitments is reported to (domain.md §2 (b)):
/// social protection, for families in a socially dangerous situation, or guardianship.
pub fn notice_receiver(kind: AgencyKind) -> bool {
    matches!(
        kind,
        AgencyKind::SocialProtection | AgencyKind::Guardianship
    )
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
            sender_order_number: None,
            sender_order_date: None,
            registration_number: None,
            registration_date: None,
        }
    }

    fn registered(number: &str, date: Option<NaiveDate>) -> Registration<'_> {
        Registration {
            number: Some(number),
            date,
            order_number: None,
            order_date: None,
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
    fn accepting_twice_with_the_same_registration_is_harmless_with_another_a_conflict() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 23);
        let mut accepted = row(HandoverStatus::Accepted);
        accepted.registration_number = Some("вх. 15".into());
        accepted.registration_date = date;
        assert_eq!(
            check_accept(&accepted, &registered("вх. 15", date)).ok(),
            Some(Decision::AlreadyDone)
        );
        assert!(matches!(
            check_accept(&accepted, &registered("вх. 16", date)),
            Err(AppError::Conflict(_))
        ));
    }

    #[test]
    fn a_transfer_goes_with_the_senders_order_and_is_accepted_under_a_registration() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let transfer = HandoverKind::Transfer;
        assert!(check_sender_order(transfer, Some("41-о"), Some(today), today).is_ok());
        for (number, date) in [(None, Some(today)), (Some("41-о"), None), (None, None)] {
            assert!(check_sender_order(transfer, number, date, today).is_err());
        }
        assert!(check_sender_order(HandoverKind::Referral, None, None, today).is_ok());
        let tomorrow = today.succ_opt();
        assert!(check_sender_order(transfer, Some("41-о"), tomorrow, today).is_err());
        assert!(check_registration(transfer, &registered("вх. 1", Some(today)), today).is_ok());
        assert!(check_registration(transfer, &registered("вх. 1", None), today).is_err());
        let referral = Registration {
            number: None,
            date: None,
            order_number: None,
            order_date: None,
        };
        assert!(check_registration(HandoverKind::Referral, &referral, today).is_ok());
    }

    #[test]
    fn a_cancelled_or_declined_request_cannot_be_accepted() {
        for status in [HandoverStatus::Cancelled, HandoverStatus::Declined] {
            assert!(matches!(
                check_accept(&row(status), &registered("1", None)),
                Err(AppError::Conflict(_))
            ));
        }
        assert_eq!(
            check_accept(&row(HandoverStatus::Pending), &registered("1", None)).ok(),
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

    #[test]
    fn a_notice_goes_to_social_protection_or_guardianship_and_is_acknowledged_under_a_registration()
    {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let notice = HandoverKind::Notice;
        for kind in [AgencyKind::SocialProtection, AgencyKind::Guardianship] {
            assert!(check_receiver(notice, a, b, kind, true).is_ok());
        }
        for kind in [
            AgencyKind::Maternity,
            AgencyKind::Ngo,
            AgencyKind::RehabilitationCentre,
        ] {
            assert!(check_receiver(notice, a, b, kind, true).is_err());
        }
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let bare = Registration {
            number: None,
            date: None,
            order_number: None,
            order_date: None,
        };
        assert!(check_registration(notice, &bare, today).is_err());
        let registered = Registration {
            number: Some("вх-1"),
            date: Some(today),
            ..bare
        };
        assert!(check_registration(notice, &registered, today).is_ok());
        let mut row = row(HandoverStatus::Pending);
        row.kind = notice;
        assert!(check_accept(&row, &registered).is_err());
        assert_eq!(
            check_acknowledge(&row, &registered).unwrap(),
            Decision::Proceed
        );
        row.status = HandoverStatus::Acknowledged;
        row.registration_number = Some("вх-1".into());
        row.registration_date = Some(today);
        assert_eq!(
            check_acknowledge(&row, &registered).unwrap(),
            Decision::AlreadyDone
        );
        row.kind = HandoverKind::Referral;
        assert!(check_acknowledge(&row, &registered).is_err());
    }
}
