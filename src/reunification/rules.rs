//! The rules of a reunification, as plain functions: which agency keeps the record, which
//! stage belongs to which track and when a track may be reported on, which dates an
//! entry may carry, when a return needs a reason, and when a progress report is owed.
//! Who may act by role is [`crate::access::roles`]' to say.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::model::{ReunificationStatus, Stage, Track, Verdict};
use crate::access::Scope;
use crate::agencies::AgencyKind;
use crate::error::{AppError, AppResult};

/// The longest text of any one field of an entry, in characters.
pub const MAX_TEXT: usize = 5_000;
/// The most ИПСР tasks one progress report may name.
pub const MAX_TASKS: usize = 20;
/// The most agencies one joint inspection may list.
pub const MAX_PARTIES: usize = 10;

/// A reunification is kept by a rehabilitation centre that holds the child: it leads
/// the case (its own intake) or reads it in FULL through an accepted referral.
pub fn check_keeper(kind: AgencyKind, scope: Scope) -> AppResult<()> {
    if kind != AgencyKind::RehabilitationCentre {
        return Err(AppError::Forbidden(
            "only a rehabilitation centre keeps a reunification record",
        ));
    }
    if scope != Scope::Full {
        return Err(AppError::Forbidden(
            "the centre must hold the child: lead the case or accept a referral for it",
        ));
    }
    Ok(())
}

/// A stage must be one of its track's.
pub fn check_stage(track: Track, stage: Stage) -> AppResult<()> {
    if stage.track() != track {
        return Err(AppError::bad_input(
            "stage",
            format!("{stage:?} is not a stage of the {track:?} track"),
        ));
    }
    Ok(())
}

/// The child's and the family's tracks are reported on while the child is in care; the
/// track after the return only once the child is home; nothing after the work ended.
pub fn check_track_open(status: ReunificationStatus, track: Track) -> AppResult<()> {
    match (status, track) {
        (ReunificationStatus::Ended, _) => Err(AppError::Conflict(
            "the preventive work has ended; the record no longer changes".into(),
        )),
        (ReunificationStatus::InCare, Track::AfterReturn) => Err(AppError::bad_input(
            "track",
            "the track after the return opens when the return is recorded",
        )),
        (ReunificationStatus::Returned, Track::Child | Track::Family) => Err(AppError::bad_input(
            "track",
            "the child is home: report on the track after the return",
        )),
        _ => Ok(()),
    }
}

/// A step that needs the child still in care (diagnostics, the inspection, the return).
pub fn check_in_care(status: ReunificationStatus) -> AppResult<()> {
    match status {
        ReunificationStatus::InCare => Ok(()),
        ReunificationStatus::Returned => Err(AppError::Conflict(
            "the child's return is already recorded".into(),
        )),
        ReunificationStatus::Ended => Err(AppError::Conflict(
            "the preventive work has ended; the record no longer changes".into(),
        )),
    }
}

/// An entry's date lies between the child's placement and the agency's today.
pub fn check_date(
    field: &str,
    date: NaiveDate,
    placed_on: NaiveDate,
    today: NaiveDate,
) -> AppResult<()> {
    if date < placed_on {
        return Err(AppError::bad_input(
            field,
            format!("is before the child's placement on {placed_on}"),
        ));
    }
    if date > today {
        return Err(AppError::bad_input(field, "is in the future"));
    }
    Ok(())
}

/// A placement date is not in the future, nor more than 18 years back.
pub fn check_placed_on(placed_on: NaiveDate, today: NaiveDate) -> AppResult<()> {
    if placed_on > today {
        return Err(AppError::bad_input("placedOn", "is in the future"));
    }
    if (today - placed_on).num_days() > 18 * 366 {
        return Err(AppError::bad_input("placedOn", "is more than 18 years ago"));
    }
    Ok(())
}

/// A planned inspection lies from today to 90 days ahead.
pub fn check_planned_on(planned_on: NaiveDate, today: NaiveDate) -> AppResult<()> {
    if planned_on < today || (planned_on - today).num_days() > 90 {
        return Err(AppError::bad_input(
            "plannedOn",
            "must be from today to 90 days ahead",
        ));
    }
    Ok(())
}

/// The verdicts each kind of entry may carry.
pub fn check_visit_kind(verdict: Verdict) -> AppResult<()> {
    match verdict {
        Verdict::Current | Verdict::Control => Ok(()),
        _ => Err(AppError::bad_input(
            "visitKind",
            "must be CURRENT or CONTROL",
        )),
    }
}

/// Diagnostics are at intake or a follow-up.
pub fn check_diagnostics_phase(verdict: Verdict) -> AppResult<()> {
    match verdict {
        Verdict::AtIntake | Verdict::FollowUp => Ok(()),
        _ => Err(AppError::bad_input(
            "phase",
            "must be AT_INTAKE or FOLLOW_UP",
        )),
    }
}

/// An inspection's verdict is positive or negative.
pub fn check_inspection_verdict(verdict: Verdict) -> AppResult<()> {
    match verdict {
        Verdict::Positive | Verdict::Negative => Ok(()),
        _ => Err(AppError::bad_input(
            "verdict",
            "must be POSITIVE or NEGATIVE",
        )),
    }
}

/// What the return needs: a positive inspection confirmed by every participating agency
/// lets it go without more; otherwise the centre says why it returns the child anyway
/// (allowed, never silently). Returns whether the return goes without that inspection.
pub fn check_return(
    latest_inspection: Option<(Verdict, bool)>,
    reason: Option<&str>,
) -> AppResult<bool> {
    let inspected = matches!(latest_inspection, Some((Verdict::Positive, true)));
    if inspected {
        return Ok(false);
    }
    if reason.is_none_or(|r| r.trim().is_empty()) {
        let why = match latest_inspection {
            None => "no joint inspection of living conditions is recorded",
            Some((Verdict::Positive, false)) => {
                "not every agency has confirmed the positive inspection"
            }
            Some(_) => "the latest inspection found the living conditions unfit",
        };
        return Err(AppError::bad_input(
            "withoutInspectionReason",
            format!("{why}: say why the child goes home all the same"),
        ));
    }
    Ok(true)
}

/// When the next progress report is owed: `days` after the last one (or the start).
pub fn report_due(from: DateTime<Utc>, days: i32) -> DateTime<Utc> {
    from + Duration::days(i64::from(days.max(1)))
}

/// A record in work past its report's due time.
pub fn report_overdue(
    status: ReunificationStatus,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    status != ReunificationStatus::Ended && now > due_at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).expect("a day of November")
    }

    #[test]
    fn only_a_centre_holding_the_child_keeps_the_record() {
        assert!(check_keeper(AgencyKind::RehabilitationCentre, Scope::Full).is_ok());
        assert!(check_keeper(AgencyKind::RehabilitationCentre, Scope::Summary).is_err());
        assert!(check_keeper(AgencyKind::PreventionService, Scope::Full).is_err());
    }

    #[test]
    fn each_stage_belongs_to_one_track_in_seed_order() {
        assert!(check_stage(Track::Child, Stage::ChildDiagnostics).is_ok());
        assert!(check_stage(Track::Child, Stage::Patronage).is_err());
        assert!(check_stage(Track::AfterReturn, Stage::FamilyRelations).is_ok());
        assert_eq!(Stage::of(Track::Child).count(), 4);
        assert_eq!(Stage::of(Track::Family).count(), 6);
        assert_eq!(Stage::of(Track::AfterReturn).count(), 3);
        assert_eq!(Stage::HousingInspection.position(), 4);
    }

    #[test]
    fn the_track_after_the_return_opens_with_the_return() {
        use ReunificationStatus::*;
        assert!(check_track_open(InCare, Track::Child).is_ok());
        assert!(check_track_open(InCare, Track::AfterReturn).is_err());
        assert!(check_track_open(Returned, Track::AfterReturn).is_ok());
        assert!(check_track_open(Returned, Track::Family).is_err());
        assert!(matches!(
            check_track_open(Ended, Track::AfterReturn),
            Err(AppError::Conflict(_))
        ));
    }

    #[test]
    fn an_entry_lies_between_the_placement_and_today() {
        assert!(check_date("occurredOn", day(10), day(10), day(20)).is_ok());
        assert!(check_date("occurredOn", day(9), day(10), day(20)).is_err());
        assert!(check_date("occurredOn", day(21), day(10), day(20)).is_err());
    }

    #[test]
    fn a_return_without_a_positive_confirmed_inspection_needs_a_reason() {
        assert_eq!(
            check_return(Some((Verdict::Positive, true)), None).ok(),
            Some(false)
        );
        assert!(check_return(None, None).is_err());
        assert!(check_return(Some((Verdict::Positive, false)), Some(" ")).is_err());
        assert!(check_return(Some((Verdict::Negative, true)), None).is_err());
        assert_eq!(
            check_return(Some((Verdict::Negative, true)), Some("суд")).ok(),
            Some(true)
        );
    }

    #[test]
    fn a_report_is_owed_the_set_days_after_the_last() {
        let start = DateTime::parse_from_rfc3339("2026-11-01T10:00:00Z")
            .expect("a time")
            .with_timezone(&Utc);
        let due = report_due(start, 30);
        assert_eq!((due - start).num_days(), 30);
        assert!(!report_overdue(ReunificationStatus::InCare, due, due));
        assert!(report_overdue(
            ReunificationStatus::Returned,
            due,
            due + Duration::seconds(1)
        ));
        assert!(!report_overdue(
            ReunificationStatus::Ended,
            due,
            due + Duration::days(9)
        ));
    }
}
