//! What the bench hub holds for the effectiveness report (issue 18): each case's hospital
//! signal with its registration, passing, receipt and visit times, closure reasons
//! spread as services report them, shelter exits, and the hospitals' monthly births and
//! refusals. Generated from fixed random seeds like the rest of [`super::hub`];
//! `super::seed` writes them through the library's store functions.

use caselink::cases::model::{ClosureReason, ExitOutcome};
use caselink::reports::model::HospitalMonthRow;
use caselink::signals::clocks;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

/// The regional analyst who reads the report of the measured service and the territory
/// report of its region: a second user of this agency (a social-protection agency in
/// the measured service's region).
pub const ANALYST_AGENCY: usize = 45;
/// The regional analyst's login.
pub const ANALYST_EMAIL: &str = "analyst.46@bench.caselink";
/// The regional analyst's name.
pub const ANALYST_NAME: &str = "Аналитикова Анна Петровна";

/// The times of a case's hospital signal, all before the case was opened: detected in
/// the ward, registered by the hospital's responsible specialist, passed to the service,
/// received there, visited. Most meet their clocks, some do not.
#[derive(Clone, Copy, Debug)]
pub struct SignalTimes {
    pub detected_at: DateTime<Utc>,
    pub registered_at: DateTime<Utc>,
    pub passed_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub visit_due_at: DateTime<Utc>,
    pub visited_at: DateTime<Utc>,
    /// The mother is in the ward with the child: the visit is due within 3 hours of
    /// receipt; otherwise the head set a due time a day after receipt.
    pub in_ward_with_child: bool,
}

/// A minute count drawn so that about `late_percent` in 100 exceed `limit` minutes.
fn minutes(rng: &mut StdRng, limit: i64, late_percent: u32) -> Duration {
    if rng.gen_ratio(late_percent, 100) {
        Duration::minutes(rng.gen_range(limit + 1..limit * 3))
    } else {
        Duration::minutes(rng.gen_range(1..=limit))
    }
}

/// The signal of a case opened at `opened_at`: the times run forward from the detection
/// and end with the visit shortly before the case was opened.
pub fn signal_times(rng: &mut StdRng, opened_at: DateTime<Utc>) -> SignalTimes {
    let in_ward_with_child = rng.gen_ratio(7, 10);
    let registered = minutes(rng, clocks::SPECIALIST_WITHIN.num_minutes(), 8);
    let passed = minutes(rng, clocks::PASSING_WITHIN.num_minutes(), 10);
    let received = Duration::minutes(rng.gen_range(2..90));
    let due = if in_ward_with_child {
        clocks::VISIT_WITHIN
    } else {
        Duration::days(1)
    };
    let visited = minutes(rng, due.num_minutes(), 12);
    let opened = Duration::minutes(rng.gen_range(10..600));
    let detected_at =
        caselink::db::truncate(opened_at - (opened + visited + received + passed + registered));
    let registered_at = detected_at + registered;
    let passed_at = registered_at + passed;
    let received_at = passed_at + received;
    SignalTimes {
        detected_at,
        registered_at,
        passed_at,
        received_at,
        visit_due_at: received_at + due,
        visited_at: received_at + visited,
        in_ward_with_child,
    }
}

/// How a closed case ended, and whether it went through rehabilitation support first. A
/// shelter case ends with the shelter's reasons and where the mother went.
pub fn closure(rng: &mut StdRng, shelter: bool) -> (ClosureReason, bool, Option<ExitOutcome>) {
    let roll = rng.gen_range(0..100);
    if shelter {
        let reason = match roll {
            0..=64 => ClosureReason::GoalsReached,
            65..=84 => ClosureReason::RulesBroken,
            _ => ClosureReason::ClientRefused,
        };
        let exit = EXITS[rng.gen_range(0..EXITS.len())];
        return (reason, true, Some(exit));
    }
    let (reason, supported) = match roll {
        0..=14 => (ClosureReason::DecisionUnchanged, false),
        15..=49 => (ClosureReason::DecisionChangedResolved, false),
        50..=74 => (ClosureReason::SupportCompleted, true),
        75..=82 => (ClosureReason::CommitmentsBroken, true),
        83..=87 => (ClosureReason::ChildEndangered, true),
        _ => (ClosureReason::ClientRefused, true),
    };
    (reason, supported, None)
}

const EXITS: [ExitOutcome; 8] = [
    ExitOutcome::Renting,
    ExitOutcome::ReturnedHomeRegion,
    ExitOutcome::OtherShelter,
    ExitOutcome::ReunitedWithRelatives,
    ExitOutcome::HousingObtained,
    ExitOutcome::LiveInWork,
    ExitOutcome::LeftEarlyUnknown,
    ExitOutcome::OwnHousing,
];

/// Each hospital's births and refusals, month by month, from four years before `now`
/// (the report compares with a year earlier) to the last whole month; `hospitals` are
/// `(agency, its user)`.
pub fn hospital_months(hospitals: &[(Uuid, Uuid)], now: DateTime<Utc>) -> Vec<HospitalMonthRow> {
    let mut rng = StdRng::seed_from_u64(18);
    let today = now.date_naive();
    let last = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let mut out = Vec::new();
    for &(agency_id, user_id) in hospitals {
        let mut month = NaiveDate::from_ymd_opt(today.year() - 4, today.month(), 1).unwrap_or(last);
        while month < last {
            let births = rng.gen_range(180..420);
            out.push(HospitalMonthRow {
                agency_id,
                month,
                births,
                refusals: rng.gen_range(0..=births / 60),
                recorded_by_user_id: user_id,
                recorded_at: caselink::db::truncate(now),
                version: 1,
            });
            month = month
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(last);
        }
    }
    out
}
