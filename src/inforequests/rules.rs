//! The rules of an information request, as plain functions: whom the lead may ask, when
//! the answer may be due, which step each state allows, and when a request is overdue.
//! Who may ask and answer by role is [`crate::access::policy`]'s to say
//! ([`crate::access::policy::ensure_asks_information`],
//! [`crate::access::policy::ensure_answers_information`]).

use chrono::{DateTime, Days, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::model::{InformationRequestRow, InformationRequestStatus};
use crate::error::{AppError, AppResult};

/// The furthest a due date may lie ahead, in days: a question that can wait longer is
/// asked later. The seeds set no limit (seeds-notes A4); this one keeps inboxes current.
pub const MAX_DUE_DAYS: u64 = 90;

/// Whether a step still has to be taken or was already taken the same way.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Go on and record it.
    Proceed,
    /// Already recorded exactly so: answer with the request as it stands.
    AlreadyDone,
}

/// Any other active agency of the hub may be asked (guardianship, social protection, a
/// hospital, an NGO…), never the lead itself.
pub fn check_receiver(from: Uuid, to: Uuid, to_active: bool) -> AppResult<()> {
    if from == to {
        return Err(AppError::bad_input(
            "receiverAgencyId",
            "ask another agency: the case is with yours",
        ));
    }
    if !to_active {
        return Err(AppError::bad_input(
            "receiverAgencyId",
            "the agency is not active in the hub",
        ));
    }
    Ok(())
}

/// A due date lies after `today` (the receiver's day) and at most [`MAX_DUE_DAYS`] ahead.
pub fn check_due_date(due: NaiveDate, today: NaiveDate) -> AppResult<()> {
    if due <= today {
        return Err(AppError::bad_input(
            "dueDate",
            "must be after today: give the receiver at least a day",
        ));
    }
    if today
        .checked_add_days(Days::new(MAX_DUE_DAYS))
        .is_some_and(|latest| due > latest)
    {
        return Err(AppError::bad_input(
            "dueDate",
            format!("at most {MAX_DUE_DAYS} days ahead"),
        ));
    }
    Ok(())
}

/// When a request due on `due` becomes overdue: the end of that day in the receiver's
/// time zone.
pub fn due_at(due: NaiveDate, receiver_zone: Tz) -> DateTime<Utc> {
    let next = due.checked_add_days(Days::new(1)).unwrap_or(due);
    crate::handovers::rules::start_of_day(next, receiver_zone)
}

/// Still open past its due time. The hub flags it; people act.
pub fn is_overdue(
    status: InformationRequestStatus,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    status == InformationRequestStatus::Open && now >= due_at
}

fn settled(row: &InformationRequestRow) -> AppError {
    let what = match row.status {
        InformationRequestStatus::Open => "is still open",
        InformationRequestStatus::Answered => "was already answered",
        InformationRequestStatus::Withdrawn => "was withdrawn by the sender",
    };
    AppError::Conflict(format!("the request {what}"))
}

/// Answering: OPEN → ANSWERED, once. A second answer is refused: the first is filed in
/// the case and stays as it was.
pub fn check_answer(row: &InformationRequestRow) -> AppResult<()> {
    match row.status {
        InformationRequestStatus::Open => Ok(()),
        _ => Err(settled(row)),
    }
}

/// Withdrawing: OPEN → WITHDRAWN; the same reason again is a harmless repeat.
pub fn check_withdraw(row: &InformationRequestRow, reason: &str) -> AppResult<Step> {
    match row.status {
        InformationRequestStatus::Open => Ok(Step::Proceed),
        InformationRequestStatus::Withdrawn if row.withdraw_reason.as_deref() == Some(reason) => {
            Ok(Step::AlreadyDone)
        }
        _ => Err(settled(row)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn row(status: InformationRequestStatus) -> InformationRequestRow {
        let now = utc("2026-11-23T09:00:00Z");
        InformationRequestRow {
            id: Uuid::now_v7(),
            journal_no: "REQ-2026-0001".into(),
            case_id: Uuid::now_v7(),
            from_agency_id: Uuid::now_v7(),
            to_agency_id: Uuid::now_v7(),
            requested_by_user_id: Uuid::now_v7(),
            questions: Some("Состоит ли семья на учёте?".into()),
            due_date: date(2026, 11, 30),
            due_at: now,
            status,
            requested_at: now,
            answer_text: None,
            answered_at: None,
            answered_by_user_id: None,
            withdraw_reason: Some("больше не нужно".into()),
            withdrawn_at: None,
            withdrawn_by_user_id: None,
            version: 1,
            updated_at: now,
        }
    }

    #[test]
    fn a_due_date_is_after_today_and_within_the_bound() {
        let today = date(2026, 11, 23);
        assert!(check_due_date(date(2026, 11, 24), today).is_ok());
        assert!(check_due_date(date(2027, 2, 21), today).is_ok());
        for bad in [today, date(2026, 11, 1), date(2027, 2, 22)] {
            assert!(matches!(
                check_due_date(bad, today),
                Err(AppError::BadUserInput { ref field, .. }) if field == "dueDate"
            ));
        }
    }

    #[test]
    fn a_request_is_due_at_the_end_of_its_day_where_the_receiver_is() {
        // 30 Nov in Yekaterinburg (UTC+5) ends at 19:00 UTC.
        let due = due_at(date(2026, 11, 30), chrono_tz::Asia::Yekaterinburg);
        assert_eq!(due, utc("2026-11-30T19:00:00Z"));
        let open = InformationRequestStatus::Open;
        assert!(!is_overdue(open, due, utc("2026-11-30T18:59:00Z")));
        assert!(is_overdue(open, due, due));
        assert!(!is_overdue(InformationRequestStatus::Answered, due, due));
    }

    #[test]
    fn only_an_open_request_is_answered_once_or_withdrawn() {
        assert!(check_answer(&row(InformationRequestStatus::Open)).is_ok());
        for done in [
            InformationRequestStatus::Answered,
            InformationRequestStatus::Withdrawn,
        ] {
            assert!(matches!(
                check_answer(&row(done)),
                Err(AppError::Conflict(_))
            ));
        }
        let open = row(InformationRequestStatus::Open);
        assert_eq!(check_withdraw(&open, "x").ok(), Some(Step::Proceed));
        let withdrawn = row(InformationRequestStatus::Withdrawn);
        assert_eq!(
            check_withdraw(&withdrawn, "больше не нужно").ok(),
            Some(Step::AlreadyDone)
        );
        assert!(check_withdraw(&withdrawn, "другое").is_err());
        assert!(check_withdraw(&row(InformationRequestStatus::Answered), "x").is_err());
    }

    #[test]
    fn the_lead_asks_another_active_agency() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(check_receiver(a, b, true).is_ok());
        assert!(check_receiver(a, a, true).is_err());
        assert!(check_receiver(a, b, false).is_err());
    }
}
