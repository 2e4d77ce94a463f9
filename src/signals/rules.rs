//! The rules of a signal's life: which step may follow which, and the caseload limit.

use super::model::SignalStatus;
use crate::error::{AppError, AppResult};

/// A step in a signal's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalStep {
    /// The prevention service receives a hospital's signal.
    Receive,
    /// The head of service assigns (or reassigns) a curator.
    AssignCurator,
    /// The curator records the visit and the initial report.
    RecordVisit,
    /// The signal is confirmed and a case opened.
    OpenCase,
    /// The signal is closed as not confirmed.
    Dismiss,
}

impl SignalStep {
    fn name(self) -> &'static str {
        match self {
            SignalStep::Receive => "receiveSignal",
            SignalStep::AssignCurator => "assignCurator",
            SignalStep::RecordVisit => "recordVisit",
            SignalStep::OpenCase => "openCase",
            SignalStep::Dismiss => "dismissSignal",
        }
    }
}

const STEPS: [SignalStep; 5] = [
    SignalStep::Receive,
    SignalStep::AssignCurator,
    SignalStep::RecordVisit,
    SignalStep::OpenCase,
    SignalStep::Dismiss,
];

fn after(status: SignalStatus, step: SignalStep) -> Option<SignalStatus> {
    use SignalStatus as S;
    use SignalStep as E;
    match (status, step) {
        (S::Sent, E::Receive) => Some(S::Received),
        (S::Received | S::CuratorAssigned, E::AssignCurator) => Some(S::CuratorAssigned),
        (S::CuratorAssigned, E::RecordVisit) => Some(S::Visited),
        (S::Visited, E::OpenCase) => Some(S::CaseOpened),
        (S::Received | S::CuratorAssigned | S::Visited, E::Dismiss) => Some(S::Dismissed),
        _ => None,
    }
}

/// The status after `step`, or `CONFLICT` naming the steps allowed now.
pub fn next_status(status: SignalStatus, step: SignalStep) -> AppResult<SignalStatus> {
    after(status, step).ok_or_else(|| {
        let allowed: Vec<&str> = STEPS
            .iter()
            .filter(|s| after(status, **s).is_some())
            .map(|s| s.name())
            .collect();
        let allowed = if allowed.is_empty() {
            "nothing: the signal is closed".to_owned()
        } else {
            allowed.join(", ")
        };
        AppError::Conflict(format!(
            "a {} signal cannot take {}; allowed now: {allowed}",
            status.as_str(),
            step.name()
        ))
    })
}

/// A curator holds at most `limit` women at once (9, seed 001); the head may go beyond
/// with a written reason.
pub fn check_caseload(held: i64, limit: i32, override_reason: Option<&str>) -> AppResult<()> {
    if held < i64::from(limit) || override_reason.is_some_and(|r| !r.trim().is_empty()) {
        return Ok(());
    }
    Err(AppError::Conflict(format!(
        "the curator already holds {held} open cases and signals (limit {limit}); give overrideReason to assign anyway"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use SignalStatus as S;

    #[test]
    fn a_signal_goes_from_sent_to_a_case() {
        let mut status = S::Sent;
        for step in [
            SignalStep::Receive,
            SignalStep::AssignCurator,
            SignalStep::RecordVisit,
            SignalStep::OpenCase,
        ] {
            status = next_status(status, step).ok().unwrap();
        }
        assert_eq!(status, S::CaseOpened);
    }

    #[test]
    fn a_visit_needs_a_curator_and_the_conflict_names_the_allowed_steps() {
        match next_status(S::Received, SignalStep::RecordVisit) {
            Err(AppError::Conflict(message)) => assert!(
                message.contains("assignCurator") && message.contains("dismissSignal"),
                "{message}"
            ),
            _ => panic!("expected a conflict"),
        }
    }

    #[test]
    fn an_opened_or_dismissed_signal_takes_no_more_steps() {
        for status in [S::CaseOpened, S::Dismissed] {
            for step in STEPS {
                assert!(next_status(status, step).is_err());
            }
        }
    }

    #[test]
    fn a_sent_signal_cannot_be_dismissed_before_the_service_receives_it() {
        assert!(next_status(S::Sent, SignalStep::Dismiss).is_err());
    }

    #[test]
    fn the_ninth_woman_fills_the_caseload_and_the_tenth_needs_a_reason() {
        assert!(check_caseload(8, 9, None).is_ok());
        assert!(matches!(
            check_caseload(9, 9, None),
            Err(AppError::Conflict(_))
        ));
        assert!(check_caseload(9, 9, Some("the other curator is on leave")).is_ok());
        assert!(check_caseload(9, 9, Some("  ")).is_err());
    }
}
