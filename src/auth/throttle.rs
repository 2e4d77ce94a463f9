//! Slowing down and locking repeated failed sign-ins, per e-mail address, whether or not
//! the address belongs to anyone (so the answer tells nothing about that).

use chrono::{DateTime, Duration, Utc};

use crate::error::LoginRefusal;

/// Failures in a row before each further try must wait.
pub const SLOW_DOWN_AFTER: i32 = 3;
/// Failures in a row that lock sign-in.
pub const LOCK_AFTER: i32 = 10;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;
/// The longest wait between tries before the lock.
pub const MAX_WAIT_SECONDS: i64 = 60;
/// A quiet hour forgives earlier failures.
pub const FORGET_AFTER_MINUTES: i64 = 60;

/// Failed sign-ins recorded for one address.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Failures {
    /// Failures in a row.
    pub failures: i32,
    /// When the last one happened.
    pub last_failure_at: DateTime<Utc>,
    /// Sign-in is refused until then.
    pub locked_until: Option<DateTime<Utc>>,
}

/// Whether a sign-in may be tried at `now`; if not, why and for how long.
pub fn gate(state: Option<&Failures>, now: DateTime<Utc>) -> Result<(), LoginRefusal> {
    let Some(state) = state else { return Ok(()) };
    if let Some(until) = state.locked_until.filter(|until| *until > now) {
        return Err(LoginRefusal::Locked {
            retry_after_seconds: seconds_until(now, until),
        });
    }
    if state.locked_until.is_none() && state.failures >= SLOW_DOWN_AFTER {
        let next_try = state.last_failure_at + wait_after(state.failures);
        if next_try > now {
            return Err(LoginRefusal::SlowDown {
                retry_after_seconds: seconds_until(now, next_try),
            });
        }
    }
    Ok(())
}

/// The state after one more failure at `now`, and what to answer.
pub fn after_failure(state: Option<&Failures>, now: DateTime<Utc>) -> (Failures, LoginRefusal) {
    let earlier = match state {
        Some(s) if s.locked_until.is_some_and(|until| until <= now) => 0,
        Some(s) if now - s.last_failure_at > Duration::minutes(FORGET_AFTER_MINUTES) => 0,
        Some(s) => s.failures,
        None => 0,
    };
    let failures = earlier + 1;
    let locked_until = (failures >= LOCK_AFTER).then(|| now + Duration::minutes(LOCK_MINUTES));
    let answer = match locked_until {
        Some(until) => LoginRefusal::Locked {
            retry_after_seconds: seconds_until(now, until),
        },
        None => LoginRefusal::BadCredentials,
    };
    (
        Failures {
            failures,
            last_failure_at: now,
            locked_until,
        },
        answer,
    )
}

/// 1 s after the third failure, doubling each time, at most a minute.
fn wait_after(failures: i32) -> Duration {
    let doublings = (failures - SLOW_DOWN_AFTER).clamp(0, 16) as u32;
    Duration::seconds((1_i64 << doublings).min(MAX_WAIT_SECONDS))
}

fn seconds_until(now: DateTime<Utc>, then: DateTime<Utc>) -> i64 {
    let millis = (then - now).num_milliseconds().max(0);
    (millis + 999) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap()
    }

    fn fail_times(n: i32, mut now: DateTime<Utc>) -> (Option<Failures>, DateTime<Utc>) {
        let mut state = None;
        for _ in 0..n {
            let (next, _) = after_failure(state.as_ref(), now);
            state = Some(next);
            now += Duration::seconds(120);
        }
        (state, now)
    }

    #[test]
    fn two_failures_do_not_slow_anyone_down() {
        let (state, now) = fail_times(2, t0());
        assert_eq!(gate(state.as_ref(), now - Duration::seconds(119)), Ok(()));
    }

    #[test]
    fn after_the_third_failure_the_next_try_waits_a_second() {
        let (state, _) = fail_times(3, t0());
        let last = state.as_ref().map(|s| s.last_failure_at).unwrap_or_else(t0);
        assert_eq!(
            gate(state.as_ref(), last),
            Err(LoginRefusal::SlowDown {
                retry_after_seconds: 1
            })
        );
        assert_eq!(gate(state.as_ref(), last + Duration::seconds(1)), Ok(()));
    }

    #[test]
    fn the_wait_doubles_and_is_capped_at_a_minute() {
        assert_eq!(wait_after(4), Duration::seconds(2));
        assert_eq!(wait_after(6), Duration::seconds(8));
        assert_eq!(wait_after(9), Duration::seconds(60));
    }

    #[test]
    fn the_tenth_failure_locks_sign_in_for_fifteen_minutes() {
        let (state, _) = fail_times(9, t0());
        let now = t0() + Duration::hours(1) - Duration::seconds(1);
        let (locked, answer) = after_failure(state.as_ref(), now);
        assert_eq!(
            answer,
            LoginRefusal::Locked {
                retry_after_seconds: 15 * 60
            }
        );
        let during = now + Duration::minutes(14);
        assert_eq!(
            gate(Some(&locked), during),
            Err(LoginRefusal::Locked {
                retry_after_seconds: 60
            })
        );
        assert_eq!(gate(Some(&locked), now + Duration::minutes(15)), Ok(()));
    }

    #[test]
    fn a_failure_after_the_lock_expired_starts_counting_afresh() {
        let (state, _) = fail_times(10, t0());
        let later = t0() + Duration::hours(2);
        let (next, answer) = after_failure(state.as_ref(), later);
        assert_eq!(next.failures, 1);
        assert_eq!(answer, LoginRefusal::BadCredentials);
    }

    #[test]
    fn a_quiet_hour_forgives_earlier_failures() {
        let (state, now) = fail_times(5, t0());
        let (next, _) = after_failure(state.as_ref(), now + Duration::minutes(61));
        assert_eq!(next.failures, 1);
    }
}
