//! The legal clocks of a signal (domain.md §1, seeds 000 and 001). Clocks never stop at
//! night, on weekends or holidays: they are plain UTC arithmetic.

use async_graphql::Enum;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// Detection → the hospital's responsible specialist: 15–30 minutes (seed 001).
pub const SPECIALIST_WITHIN: Duration = Duration::minutes(30);
/// Registration → passed to the prevention service: 3 hours (seed 001).
pub const PASSING_WITHIN: Duration = Duration::hours(3);
/// Receipt → visit when the mother is in the ward with the child: 1–3 hours (seed 000).
pub const VISIT_WITHIN: Duration = Duration::hours(3);
/// Clock skew tolerated on times a client reports as "now or earlier".
pub const FUTURE_TOLERANCE: Duration = Duration::minutes(2);

/// Which clock.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockKind {
    /// Detection → the hospital's responsible specialist, 30 minutes.
    SpecialistNotified,
    /// Registration → passed to the prevention service, 3 hours.
    PassedToService,
    /// Receipt → the prevention service's visit, at most 3 hours when the mother is in
    /// the ward with the child; otherwise the head of service sets the due time.
    Visit,
}

/// Where a clock stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockState {
    /// Still running and not yet due (or no due time set yet).
    Pending,
    /// Done at or before its due time.
    Met,
    /// Done after its due time, or still running past it.
    Late,
}

/// One clock: when it is due and when its step was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    /// Which clock.
    pub kind: ClockKind,
    /// When it is due; `None` while nobody has set it (a visit outside the ward).
    pub due_at: Option<DateTime<Utc>>,
    /// When its step was done.
    pub done_at: Option<DateTime<Utc>>,
}

/// A clock read at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reading {
    /// Pending, met or late.
    pub state: ClockState,
    /// How late, when late.
    pub late_by: Option<Duration>,
}

impl Clock {
    /// Reads the clock at `now`. Done exactly at the due time is met.
    pub fn read(&self, now: DateTime<Utc>) -> Reading {
        let Some(due) = self.due_at else {
            return Reading {
                state: if self.done_at.is_some() {
                    ClockState::Met
                } else {
                    ClockState::Pending
                },
                late_by: None,
            };
        };
        let end = self.done_at.unwrap_or(now);
        if end > due {
            Reading {
                state: ClockState::Late,
                late_by: Some(end - due),
            }
        } else if self.done_at.is_some() {
            Reading {
                state: ClockState::Met,
                late_by: None,
            }
        } else {
            Reading {
                state: ClockState::Pending,
                late_by: None,
            }
        }
    }
}

/// Checks the hospital's times: detection and registration not in the future, and
/// registration not before detection.
pub fn check_hospital_times(
    detected_at: DateTime<Utc>,
    registered_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if detected_at > now + FUTURE_TOLERANCE {
        return Err(AppError::bad_input("detectedAt", "is in the future"));
    }
    if registered_at > now + FUTURE_TOLERANCE {
        return Err(AppError::bad_input("registeredAt", "is in the future"));
    }
    if registered_at < detected_at {
        return Err(AppError::bad_input("registeredAt", "is before detectedAt"));
    }
    Ok(())
}

/// The visit's due time. With the mother in the ward with the child it is at most three
/// hours after receipt (the head may set it earlier); otherwise the head sets it, any
/// time after receipt, or leaves it open.
pub fn visit_due(
    received_at: DateTime<Utc>,
    in_ward_with_child: bool,
    set_by_head: Option<DateTime<Utc>>,
) -> AppResult<Option<DateTime<Utc>>> {
    if let Some(due) = set_by_head {
        if due < received_at {
            return Err(AppError::bad_input(
                "dueAt",
                "is before the signal was received",
            ));
        }
        if in_ward_with_child && due > received_at + VISIT_WITHIN {
            return Err(AppError::bad_input(
                "dueAt",
                "must be within 3 hours of receipt while the mother is in the ward with the child",
            ));
        }
        return Ok(Some(due));
    }
    Ok(in_ward_with_child.then(|| received_at + VISIT_WITHIN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, h, m, 0).unwrap()
    }

    fn clock(due: DateTime<Utc>, done: Option<DateTime<Utc>>) -> Clock {
        Clock {
            kind: ClockKind::PassedToService,
            due_at: Some(due),
            done_at: done,
        }
    }

    #[test]
    fn a_signal_passed_exactly_at_three_hours_is_on_time() {
        let registered = t(22, 10);
        let reading = clock(
            registered + PASSING_WITHIN,
            Some(t(1, 10) + Duration::days(1)),
        )
        .read(t(9, 0) + Duration::days(1));
        assert_eq!(reading.state, ClockState::Met);
    }

    #[test]
    fn a_signal_passed_a_minute_after_three_hours_is_late_by_a_minute() {
        let due = t(22, 10) + PASSING_WITHIN;
        let reading = clock(due, Some(due + Duration::minutes(1))).read(due + Duration::hours(5));
        assert_eq!(
            reading,
            Reading {
                state: ClockState::Late,
                late_by: Some(Duration::minutes(1))
            }
        );
    }

    #[test]
    fn a_running_clock_turns_late_when_its_due_time_passes() {
        let due = t(3, 0);
        assert_eq!(clock(due, None).read(due).state, ClockState::Pending);
        let late = clock(due, None).read(due + Duration::minutes(45));
        assert_eq!(
            late,
            Reading {
                state: ClockState::Late,
                late_by: Some(Duration::minutes(45))
            }
        );
    }

    #[test]
    fn clocks_run_through_the_night_and_the_weekend() {
        // Saturday 21 November 2026, 23:00 UTC: due 02:00 on Sunday, not on Monday morning.
        let registered = t(23, 0);
        assert_eq!(
            registered + PASSING_WITHIN,
            Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap()
        );
    }

    #[test]
    fn registration_before_detection_or_in_the_future_is_bad_input() {
        let now = t(12, 0);
        assert!(check_hospital_times(t(10, 0), t(10, 20), now).is_ok());
        assert!(
            matches!(check_hospital_times(t(10, 0), t(9, 59), now), Err(AppError::BadUserInput { field, .. }) if field == "registeredAt")
        );
        assert!(
            matches!(check_hospital_times(t(13, 0), t(13, 0), now), Err(AppError::BadUserInput { field, .. }) if field == "detectedAt")
        );
    }

    #[test]
    fn a_mother_in_the_ward_gets_a_visit_within_three_hours_or_earlier_if_the_head_says() {
        let received = t(2, 0);
        assert_eq!(
            visit_due(received, true, None).ok().flatten(),
            Some(t(5, 0))
        );
        assert_eq!(
            visit_due(received, true, Some(t(3, 0))).ok().flatten(),
            Some(t(3, 0))
        );
        assert!(visit_due(received, true, Some(t(5, 1))).is_err());
    }

    #[test]
    fn outside_the_ward_the_head_sets_the_visit_time() {
        let received = t(2, 0);
        assert_eq!(visit_due(received, false, None).ok().flatten(), None);
        assert_eq!(
            visit_due(received, false, Some(t(20, 0))).ok().flatten(),
            Some(t(20, 0))
        );
        assert!(visit_due(received, false, Some(t(1, 0))).is_err());
    }
}
