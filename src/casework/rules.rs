//! The rules of case work as plain functions: who opens intakes, what an intake and a
//! work-log entry must hold, when contact counts and when its absence is flagged, the
//! monitoring cadence and what a review may decide.

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use chrono_tz::Tz;

use super::model::{IntakeSource, MonitoringDecision, PlacementBasis, WorkKind};
use crate::agencies::AgencyKind;
use crate::cases::model::CaseStatus;
use crate::error::{AppError, AppResult};

/// Monitoring during decision work: weekly (seed 001).
pub const DECISION_MONITORING_DAYS: u64 = 7;
/// Monitoring during support: every three months (seed 001).
pub const SUPPORT_MONITORING_MONTHS: u32 = 3;
/// The longest work-log entry: a working day and a half (a long escort).
pub const MAX_DURATION_MINUTES: i32 = 720;
/// Longest free text of an entry, a reason or the causes.
pub const MAX_TEXT: usize = 5_000;
/// Most tasks one monitoring reports on.
pub const MAX_PROGRESS: usize = 100;

/// Agencies that open cases of their own from an intake. The prevention service opens
/// its cases from signals (its path stays), a maternity hospital sends signals only.
pub fn check_opens_intakes(kind: AgencyKind) -> AppResult<()> {
    match kind {
        AgencyKind::RehabilitationCentre
        | AgencyKind::SocialProtection
        | AgencyKind::Ngo
        | AgencyKind::Guardianship => Ok(()),
        AgencyKind::PreventionService => Err(AppError::Forbidden(
            "a prevention service opens its cases from signals",
        )),
        AgencyKind::Maternity => Err(AppError::Forbidden(
            "a maternity hospital sends signals; it does not open cases",
        )),
    }
}

/// A placement as given: all three parts or none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub since: NaiveDate,
    pub place: String,
    pub basis: PlacementBasis,
}

/// Checks an intake's shape: a referral names who referred; a child placed in care has
/// its placement; no date is in the future (the agency's `today`); the placement does not
/// start after the intake.
pub fn check_intake(
    source: IntakeSource,
    registered_on: NaiveDate,
    referred_by: Option<&str>,
    placement: Option<&Placement>,
    today: NaiveDate,
) -> AppResult<()> {
    if registered_on > today {
        return Err(AppError::bad_input("registeredOn", "is in the future"));
    }
    if source == IntakeSource::Referral && referred_by.is_none() {
        return Err(AppError::bad_input(
            "referredBy",
            "a referral names the institution that referred",
        ));
    }
    if source == IntakeSource::ChildPlaced && placement.is_none() {
        return Err(AppError::bad_input(
            "placement",
            "a child placed in care has a placement: since when, where, on what basis",
        ));
    }
    if let Some(p) = placement {
        if p.since > today {
            return Err(AppError::bad_input("placement.since", "is in the future"));
        }
    }
    Ok(())
}

/// Whether an entry of `kind` is a contact with the family: every kind but an attempt
/// that did not reach it.
pub fn counts_as_contact(kind: WorkKind) -> bool {
    kind != WorkKind::ContactAttempt
}

/// Checks a work-log entry: a day not in the future and not before the case was opened
/// (both in the agency's days), a duration of 1–[`MAX_DURATION_MINUTES`] minutes.
pub fn check_entry(
    occurred_on: NaiveDate,
    opened_on: NaiveDate,
    today: NaiveDate,
    duration_minutes: i32,
) -> AppResult<()> {
    if occurred_on > today {
        return Err(AppError::bad_input("occurredOn", "is in the future"));
    }
    if occurred_on < opened_on {
        return Err(AppError::bad_input(
            "occurredOn",
            "is before the case was opened",
        ));
    }
    if !(1..=MAX_DURATION_MINUTES).contains(&duration_minutes) {
        return Err(AppError::bad_input(
            "durationMinutes",
            format!("must be between 1 and {MAX_DURATION_MINUTES}"),
        ));
    }
    Ok(())
}

/// Whole days since the last contact on the agency's `today`.
pub fn days_since(last_contact_on: NaiveDate, today: NaiveDate) -> i64 {
    (today - last_contact_on).num_days().max(0)
}

/// A case is flagged once it went longer than `alert_days` without contact: on the
/// day after the `alert_days`-th day since the last contact.
pub fn no_contact(days_since: i64, alert_days: i32) -> bool {
    days_since > i64::from(alert_days)
}

/// When the flag rises: the start of the day after `alert_days` days since
/// `last_contact_on`, in the lead's time zone.
pub fn alert_at(last_contact_on: NaiveDate, alert_days: i32, zone: Tz) -> DateTime<Utc> {
    let last_quiet_day = last_contact_on
        .checked_add_days(Days::new(u64::try_from(alert_days.max(0)).unwrap_or(0)))
        .unwrap_or(last_contact_on);
    end_of_day(last_quiet_day, zone)
}

/// The end of `day` in `zone` (the start of the next day): when something due that day
/// becomes late.
pub fn end_of_day(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    crate::inforequests::rules::due_at(day, zone)
}

/// The next monitoring after one on `from` in a case at `status`: a week on in decision
/// work, three months on in support. Other stages have no monitoring (`CONFLICT`).
pub fn next_monitoring_on(status: CaseStatus, from: NaiveDate) -> AppResult<NaiveDate> {
    let next = match status {
        CaseStatus::DecisionWork => from.checked_add_days(Days::new(DECISION_MONITORING_DAYS)),
        CaseStatus::Support => from.checked_add_months(Months::new(SUPPORT_MONITORING_MONTHS)),
        other => {
            return Err(AppError::Conflict(format!(
                "monitoring belongs to decision work and support; the case is in {}",
                other.as_str()
            )))
        }
    };
    next.ok_or_else(|| AppError::bad_input("occurredOn", "is out of range"))
}

/// Whether a monitoring due by `due_at` is late at `now`.
pub fn monitoring_overdue(
    status: CaseStatus,
    due_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    matches!(status, CaseStatus::DecisionWork | CaseStatus::Support)
        && due_at.is_some_and(|due| now >= due)
}

/// Checks a review's decision against the stage: moving to support belongs to decision
/// work only.
pub fn check_decision(status: CaseStatus, decision: MonitoringDecision) -> AppResult<()> {
    if decision == MonitoringDecision::MoveToSupport && status != CaseStatus::DecisionWork {
        return Err(AppError::bad_input(
            "decision",
            "MOVE_TO_SUPPORT is decided during decision work only",
        ));
    }
    Ok(())
}

/// Checks who took part: at least one of the curator, the head or a supervisor.
pub fn check_participants(curator: bool, head: bool, supervisor: Option<&str>) -> AppResult<()> {
    if !curator && !head && supervisor.is_none() {
        return Err(AppError::bad_input(
            "participants",
            "name who took part: the curator, the head or a supervisor",
        ));
    }
    Ok(())
}

/// Checks a monitoring's day: not in the future, not before the case was opened.
pub fn check_monitoring_day(
    occurred_on: NaiveDate,
    opened_on: NaiveDate,
    today: NaiveDate,
) -> AppResult<()> {
    if occurred_on > today {
        return Err(AppError::bad_input("occurredOn", "is in the future"));
    }
    if occurred_on < opened_on {
        return Err(AppError::bad_input(
            "occurredOn",
            "is before the case was opened",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn only_agencies_that_lead_cases_of_their_own_open_intakes() {
        for kind in [
            AgencyKind::RehabilitationCentre,
            AgencyKind::SocialProtection,
            AgencyKind::Ngo,
            AgencyKind::Guardianship,
        ] {
            assert!(check_opens_intakes(kind).is_ok(), "{kind:?}");
        }
        assert!(matches!(
            check_opens_intakes(AgencyKind::Maternity),
            Err(AppError::Forbidden(_))
        ));
        assert!(check_opens_intakes(AgencyKind::PreventionService).is_err());
    }

    #[test]
    fn an_intake_names_its_referrer_and_a_placed_child_its_placement() {
        let today = d(2026, 12, 6);
        let field = |r: AppResult<()>| match r {
            Err(AppError::BadUserInput { field, .. }) => field,
            _ => String::new(),
        };
        assert_eq!(
            field(check_intake(
                IntakeSource::Referral,
                today,
                None,
                None,
                today
            )),
            "referredBy"
        );
        assert_eq!(
            field(check_intake(
                IntakeSource::ChildPlaced,
                today,
                None,
                None,
                today
            )),
            "placement"
        );
        assert_eq!(
            field(check_intake(
                IntakeSource::Application,
                d(2026, 12, 7),
                None,
                None,
                today
            )),
            "registeredOn"
        );
        let later = Placement {
            since: d(2026, 12, 7),
            place: "СРЦН".into(),
            basis: PlacementBasis::Police,
        };
        assert_eq!(
            field(check_intake(
                IntakeSource::ChildPlaced,
                today,
                None,
                Some(&later),
                today
            )),
            "placement.since"
        );
        let placed = Placement {
            since: d(2026, 11, 1),
            ..later
        };
        assert!(check_intake(IntakeSource::ChildPlaced, today, None, Some(&placed), today).is_ok());
    }

    #[test]
    fn a_contact_attempt_is_no_contact_and_the_flag_rises_the_day_after_the_setting() {
        assert!(!counts_as_contact(WorkKind::ContactAttempt));
        assert!(counts_as_contact(WorkKind::HomeVisit));
        let last = d(2026, 12, 1);
        assert_eq!(days_since(last, d(2026, 12, 15)), 14);
        assert!(!no_contact(days_since(last, d(2026, 12, 15)), 14));
        assert!(no_contact(days_since(last, d(2026, 12, 16)), 14));
    }

    #[test]
    fn the_flag_rises_at_local_midnight() {
        let last = d(2026, 12, 1);
        let moscow = chrono_tz::Europe::Moscow;
        let kamchatka = chrono_tz::Asia::Kamchatka;
        // 14 quiet days: the flag rises at the start of 16 December, local time.
        assert_eq!(
            alert_at(last, 14, moscow),
            Utc.with_ymd_and_hms(2026, 12, 15, 21, 0, 0).unwrap()
        );
        assert_eq!(
            alert_at(last, 14, kamchatka),
            Utc.with_ymd_and_hms(2026, 12, 15, 12, 0, 0).unwrap()
        );
    }

    #[test]
    fn monitoring_is_weekly_in_decision_work_and_three_monthly_in_support() {
        assert_eq!(
            next_monitoring_on(CaseStatus::DecisionWork, d(2026, 12, 31)).ok(),
            Some(d(2027, 1, 7))
        );
        assert_eq!(
            next_monitoring_on(CaseStatus::Support, d(2026, 11, 30)).ok(),
            Some(d(2027, 2, 28))
        );
        assert!(matches!(
            next_monitoring_on(CaseStatus::Assessment, d(2026, 12, 1)),
            Err(AppError::Conflict(_))
        ));
        assert!(next_monitoring_on(CaseStatus::Closed, d(2026, 12, 1)).is_err());
    }

    #[test]
    fn a_review_is_overdue_from_the_end_of_its_day() {
        let due = end_of_day(d(2026, 12, 7), chrono_tz::Asia::Yekaterinburg);
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 12, 7, 19, 0, 0).unwrap());
        let s = CaseStatus::DecisionWork;
        assert!(!monitoring_overdue(
            s,
            Some(due),
            due - chrono::Duration::seconds(1)
        ));
        assert!(monitoring_overdue(s, Some(due), due));
        assert!(!monitoring_overdue(CaseStatus::Closed, Some(due), due));
    }

    #[test]
    fn moving_to_support_is_decided_in_decision_work_only() {
        use MonitoringDecision as D;
        assert!(check_decision(CaseStatus::DecisionWork, D::MoveToSupport).is_ok());
        assert!(matches!(
            check_decision(CaseStatus::Support, D::MoveToSupport),
            Err(AppError::BadUserInput { field, .. }) if field == "decision"
        ));
        assert!(check_decision(CaseStatus::Support, D::RevisePlan).is_ok());
    }

    #[test]
    fn an_entry_has_a_past_day_and_a_sane_duration() {
        let (opened, today) = (d(2026, 11, 1), d(2026, 12, 6));
        assert!(check_entry(today, opened, today, 60).is_ok());
        assert!(check_entry(d(2026, 12, 7), opened, today, 60).is_err());
        assert!(check_entry(d(2026, 10, 31), opened, today, 60).is_err());
        assert!(
            matches!(check_entry(today, opened, today, 0), Err(AppError::BadUserInput { field, .. }) if field == "durationMinutes")
        );
        assert!(check_entry(today, opened, today, 721).is_err());
        assert!(check_participants(false, false, None).is_err());
        assert!(check_participants(false, false, Some("Иванова")).is_ok());
    }
}
