//! The rules of a case's life: its state machine, its clocks and the child's age band.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};

use super::model::{AgeBand, CaseStatus, ClosureReason};
use crate::agencies::AgencyKind;
use crate::error::{AppError, AppResult};
use crate::handovers::model::{HandoverKind, HandoverStatus};

/// Decision-change work lasts up to one month (seed 001).
pub const DECISION_WORK_MONTHS: u32 = 1;
/// Support is monitored once every three months (seed 001).
pub const MONITORING_MONTHS: u32 = 3;

/// Where a case may go from `status`.
pub fn allowed_moves(status: CaseStatus) -> &'static [CaseStatus] {
    use CaseStatus as S;
    match status {
        S::Assessment => &[S::DecisionWork, S::Closed],
        S::DecisionWork => &[S::Support, S::Closed],
        S::Support => &[S::Closed],
        S::Closed => &[],
    }
}

/// Checks a move; an illegal one is `CONFLICT` naming the allowed moves.
pub fn check_move(from: CaseStatus, to: CaseStatus) -> AppResult<()> {
    let allowed = allowed_moves(from);
    if allowed.contains(&to) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    let names = if names.is_empty() {
        "none: the case is closed".to_owned()
    } else {
        names.join(", ")
    };
    Err(AppError::Conflict(format!(
        "a case in {} cannot move to {}; allowed moves: {names}",
        from.as_str(),
        to.as_str()
    )))
}

/// The reasons a case may close with from `status`.
pub fn closure_reasons(status: CaseStatus) -> &'static [ClosureReason] {
    use ClosureReason as R;
    match status {
        CaseStatus::Assessment => &[R::DecisionUnchanged, R::ClientRefused, R::ChildEndangered],
        CaseStatus::DecisionWork => &[
            R::DecisionUnchanged,
            R::DecisionChangedResolved,
            R::ClientRefused,
            R::ChildEndangered,
        ],
        CaseStatus::Support => &[
            R::SupportCompleted,
            R::CommitmentsBroken,
            R::ChildEndangered,
            R::ClientRefused,
            R::GoalsReached,
            R::RulesBroken,
        ],
        CaseStatus::Closed => &[],
    }
}

/// Checks a closure; a reason that does not fit the status is bad input on `reason`.
pub fn check_closure(
    status: CaseStatus,
    reason: ClosureReason,
    shelter: bool,
    has_exit_outcome: bool,
) -> AppResult<()> {
    check_move(status, CaseStatus::Closed)?;
    if !closure_reasons(status).contains(&reason) {
        let names: Vec<&str> = closure_reasons(status).iter().map(|r| r.as_str()).collect();
        return Err(AppError::bad_input(
            "reason",
            format!(
                "a case in {} closes with one of: {}",
                status.as_str(),
                names.join(", ")
            ),
        ));
    }
    if shelter && !has_exit_outcome {
        return Err(AppError::bad_input(
            "exitOutcome",
            "a shelter case records where the mother went",
        ));
    }
    if !shelter && has_exit_outcome {
        return Err(AppError::bad_input(
            "exitOutcome",
            "only a shelter case records an exit outcome",
        ));
    }
    Ok(())
}

/// One request the case sent to another body, as the closing rules read it.
#[derive(sqlx::FromRow, Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandedOn {
    pub kind: HandoverKind,
    pub status: HandoverStatus,
    pub receiver_kind: AgencyKind,
}

/// A family is never just dropped (domain.md §2): a case closes for danger to the child
/// (c) only once guardianship accepted its transfer, and for broken commitments (b) only
/// once social protection or guardianship registered a notice about it or accepted its
/// transfer. Other reasons need nothing handed on.
pub fn check_handed_on(reason: ClosureReason, handed_on: &[HandedOn]) -> AppResult<()> {
    let done = |kinds: &[AgencyKind], notice_enough: bool| {
        handed_on.iter().any(|h| {
            kinds.contains(&h.receiver_kind)
                && match h.kind {
                    HandoverKind::Transfer => h.status == HandoverStatus::Accepted,
                    HandoverKind::Notice => {
                        notice_enough && h.status == HandoverStatus::Acknowledged
                    }
                    HandoverKind::Referral => false,
                }
        })
    };
    match reason {
        ClosureReason::ChildEndangered if !done(&[AgencyKind::Guardianship], false) => {
            Err(AppError::Conflict(
                "a case closes for danger to the child only after guardianship accepted its \
                 transfer: send a TRANSFER to guardianship first"
                    .into(),
            ))
        }
        ClosureReason::CommitmentsBroken
            if !done(
                &[AgencyKind::SocialProtection, AgencyKind::Guardianship],
                true,
            ) =>
        {
            Err(AppError::Conflict(
                "a case closes for broken commitments only after social protection or \
                 guardianship registered a NOTICE about the family (or accepted a TRANSFER)"
                    .into(),
            ))
        }
        _ => Ok(()),
    }
}

/// When decision work started at `start` is due.
pub fn decision_due(start: DateTime<Utc>) -> DateTime<Utc> {
    start
        .checked_add_months(Months::new(DECISION_WORK_MONTHS))
        .unwrap_or(start + Duration::days(31))
}

/// The next monitoring after `from`.
pub fn next_monitoring(from: DateTime<Utc>) -> DateTime<Utc> {
    from.checked_add_months(Months::new(MONITORING_MONTHS))
        .unwrap_or(from + Duration::days(92))
}

/// An extension of decision work needs a reason and a later due time.
pub fn check_extension(
    current_due: Option<DateTime<Utc>>,
    until: DateTime<Utc>,
    reason: &str,
) -> AppResult<()> {
    if reason.trim().is_empty() {
        return Err(AppError::bad_input("reason", "an extension needs a reason"));
    }
    if current_due.is_some_and(|due| until <= due) {
        return Err(AppError::bad_input(
            "until",
            "must be later than the current due time",
        ));
    }
    Ok(())
}

/// The child's age band on `today`.
pub fn age_band(birth_date: Option<NaiveDate>, today: NaiveDate) -> AgeBand {
    let Some(born) = birth_date.filter(|b| *b <= today) else {
        return AgeBand::Unknown;
    };
    let days = (today - born).num_days();
    let years = today.years_since(born).unwrap_or(0);
    match (days, years) {
        (d, _) if d < 28 => AgeBand::Newborn,
        (_, 0) => AgeBand::Infant,
        (_, 1..=2) => AgeBand::Toddler,
        (_, 3..=6) => AgeBand::Preschool,
        _ => AgeBand::SchoolAge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use CaseStatus as S;

    #[test]
    fn broken_commitments_and_danger_close_only_once_the_family_was_handed_on() {
        use AgencyKind::{Guardianship, Ngo, SocialProtection};
        use HandoverKind::{Notice, Referral, Transfer};
        use HandoverStatus::{Accepted, Acknowledged, Completed};
        let on = |kind, status, receiver_kind| HandedOn {
            kind,
            status,
            receiver_kind,
        };
        let b = ClosureReason::CommitmentsBroken;
        let c = ClosureReason::ChildEndangered;
        assert!(check_handed_on(b, &[]).is_err());
        assert!(check_handed_on(c, &[]).is_err());
        assert!(check_handed_on(b, &[on(Notice, Acknowledged, SocialProtection)]).is_ok());
        assert!(check_handed_on(b, &[on(Notice, Acknowledged, Guardianship)]).is_ok());
        assert!(check_handed_on(b, &[on(Transfer, Accepted, Guardianship)]).is_ok());
        // A referral, or a transfer to anyone else, is no report to the authorities.
        assert!(check_handed_on(b, &[on(Referral, Completed, SocialProtection)]).is_err());
        assert!(check_handed_on(b, &[on(Transfer, Accepted, Ngo)]).is_err());
        // (c): only guardianship taking the case over; a notice only informs.
        assert!(check_handed_on(c, &[on(Transfer, Accepted, Guardianship)]).is_ok());
        assert!(check_handed_on(c, &[on(Notice, Acknowledged, Guardianship)]).is_err());
        assert!(check_handed_on(c, &[on(Transfer, Accepted, SocialProtection)]).is_err());
        // Other reasons ask for nothing.
        assert!(check_handed_on(ClosureReason::SupportCompleted, &[]).is_ok());
    }

    #[test]
    fn a_case_moves_forward_only() {
        assert!(check_move(S::Assessment, S::DecisionWork).is_ok());
        assert!(check_move(S::DecisionWork, S::Support).is_ok());
        assert!(check_move(S::Support, S::Closed).is_ok());
        assert!(check_move(S::Support, S::DecisionWork).is_err());
        assert!(check_move(S::Assessment, S::Support).is_err());
    }

    #[test]
    fn an_illegal_move_names_the_allowed_ones() {
        match check_move(S::Assessment, S::Support) {
            Err(AppError::Conflict(m)) => {
                assert!(m.contains("DECISION_WORK") && m.contains("CLOSED"), "{m}")
            }
            _ => panic!("expected a conflict"),
        }
        assert!(
            matches!(check_move(S::Closed, S::Support), Err(AppError::Conflict(m)) if m.contains("closed"))
        );
    }

    #[test]
    fn support_closes_for_a_b_or_c_but_not_for_an_unchanged_decision() {
        assert!(check_closure(S::Support, ClosureReason::SupportCompleted, false, false).is_ok());
        assert!(check_closure(S::Support, ClosureReason::CommitmentsBroken, false, false).is_ok());
        assert!(check_closure(S::Support, ClosureReason::ChildEndangered, false, false).is_ok());
        assert!(
            matches!(check_closure(S::Support, ClosureReason::DecisionUnchanged, false, false), Err(AppError::BadUserInput { field, .. }) if field == "reason")
        );
    }

    #[test]
    fn a_shelter_case_closes_with_an_exit_outcome() {
        assert!(
            matches!(check_closure(S::Support, ClosureReason::GoalsReached, true, false), Err(AppError::BadUserInput { field, .. }) if field == "exitOutcome")
        );
        assert!(check_closure(S::Support, ClosureReason::GoalsReached, true, true).is_ok());
    }

    #[test]
    fn only_a_shelter_case_records_an_exit_outcome() {
        assert!(
            matches!(check_closure(S::Support, ClosureReason::SupportCompleted, false, true), Err(AppError::BadUserInput { field, .. }) if field == "exitOutcome")
        );
    }

    #[test]
    fn decision_work_lasts_a_calendar_month_and_monitoring_comes_every_three() {
        let start = Utc.with_ymd_and_hms(2026, 1, 31, 10, 0, 0).unwrap();
        assert_eq!(
            decision_due(start),
            Utc.with_ymd_and_hms(2026, 2, 28, 10, 0, 0).unwrap()
        );
        assert_eq!(
            next_monitoring(start),
            Utc.with_ymd_and_hms(2026, 4, 30, 10, 0, 0).unwrap()
        );
    }

    #[test]
    fn an_extension_needs_a_reason_and_a_later_date() {
        let due = Utc.with_ymd_and_hms(2026, 2, 28, 10, 0, 0).unwrap();
        assert!(check_extension(Some(due), due + Duration::days(14), "жильё оформляется").is_ok());
        assert!(check_extension(Some(due), due + Duration::days(14), " ").is_err());
        assert!(check_extension(Some(due), due, "причина").is_err());
    }

    #[test]
    fn age_bands_follow_the_birth_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let ago = |days| today - Duration::days(days);
        assert_eq!(age_band(None, today), AgeBand::Unknown);
        assert_eq!(age_band(Some(ago(3)), today), AgeBand::Newborn);
        assert_eq!(age_band(Some(ago(200)), today), AgeBand::Infant);
        assert_eq!(age_band(Some(ago(800)), today), AgeBand::Toddler);
        assert_eq!(age_band(Some(ago(365 * 5)), today), AgeBand::Preschool);
        assert_eq!(age_band(Some(ago(365 * 9)), today), AgeBand::SchoolAge);
    }
}
