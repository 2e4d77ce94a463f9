//! The MRG's rules, as plain functions: who may hold which part in a group, when a
//! meeting may be set, what a recommendation may be due, which minutes may be approved,
//! how a recommendation's status moves, what is overdue, and which decisions the next
//! meeting reviews.

use chrono::{DateTime, Days, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{
    ActionKind, Addressee, MeetingFormat, MrgRole, RecommendationRow, RecommendationStatus,
};
use crate::access::Role;
use crate::error::{AppError, AppResult};

/// How far back a meeting may be set: a meeting held and recorded afterwards.
pub const MAX_PAST_DAYS: i64 = 30;
/// How far ahead a meeting, or a recommendation's due date, may lie.
pub const MAX_AHEAD_DAYS: i64 = 366;
/// The longest free text of the minutes, in characters.
pub const MAX_TEXT: usize = 5_000;
/// The most points, services, recommendations or attendees one item or meeting holds.
pub const MAX_ENTRIES: usize = 50;
/// Days before its due date that a recommendation's agency is reminded.
pub const DUE_SOON_DAYS: i64 = 3;
/// The most documents of the personal file one submission attaches.
pub const MAX_ATTACHMENTS: usize = 10;

/// The attachments a submission names: at most [`MAX_ATTACHMENTS`], each once; a
/// refusal names `fileDocumentIds` (too many) or `fileDocumentIds[i]` (a repeat).
pub fn check_attachments(ids: &[Uuid]) -> AppResult<()> {
    if ids.len() > MAX_ATTACHMENTS {
        return Err(AppError::bad_input(
            "fileDocumentIds",
            format!("at most {MAX_ATTACHMENTS} documents"),
        ));
    }
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            return Err(AppError::bad_input(
                format!("fileDocumentIds[{i}]"),
                "the document is already attached",
            ));
        }
    }
    Ok(())
}

/// The hub role a member's part in a group needs: the chair holds `MRG_CHAIR`, the
/// secretary `MRG_SECRETARY`; any user of a hub agency may be a member.
pub fn check_member_role(role: MrgRole, user_roles: &[Role]) -> AppResult<()> {
    let needed = match role {
        MrgRole::Chair => Role::MrgChair,
        MrgRole::Secretary => Role::MrgSecretary,
        MrgRole::Member => return Ok(()),
    };
    if user_roles.contains(&needed) {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "role",
            format!("the user does not hold the {} role", needed.as_str()),
        ))
    }
}

/// A meeting lies at most [`MAX_PAST_DAYS`] back and [`MAX_AHEAD_DAYS`] ahead; in person
/// it needs a place, remote a link.
pub fn check_meeting(
    starts_at: DateTime<Utc>,
    format: MeetingFormat,
    place: Option<&str>,
    remote_link: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if starts_at < now - Duration::days(MAX_PAST_DAYS) {
        return Err(AppError::bad_input(
            "startsAt",
            format!("at most {MAX_PAST_DAYS} days back"),
        ));
    }
    if starts_at > now + Duration::days(MAX_AHEAD_DAYS) {
        return Err(AppError::bad_input(
            "startsAt",
            format!("at most {MAX_AHEAD_DAYS} days ahead"),
        ));
    }
    match format {
        MeetingFormat::InPerson if place.is_none() => Err(AppError::bad_input(
            "place",
            "a meeting in person needs a place",
        )),
        MeetingFormat::Remote if remote_link.is_none() => Err(AppError::bad_input(
            "remoteLink",
            "a remote meeting needs a link",
        )),
        _ => Ok(()),
    }
}

/// A remote link is an http(s) address.
pub fn check_link(link: &str) -> AppResult<()> {
    if link.starts_with("https://") || link.starts_with("http://") {
        Ok(())
    } else {
        Err(AppError::bad_input(
            "remoteLink",
            "must be an http(s) address",
        ))
    }
}

/// A recommendation falls due after the meeting's day, at most [`MAX_AHEAD_DAYS`] later.
pub fn check_due_date(field: &str, due: NaiveDate, meeting_day: NaiveDate) -> AppResult<()> {
    if due <= meeting_day {
        return Err(AppError::bad_input(
            field,
            "must be after the meeting's day",
        ));
    }
    let latest = meeting_day.checked_add_days(Days::new(MAX_AHEAD_DAYS as u64));
    if latest.is_some_and(|latest| due > latest) {
        return Err(AppError::bad_input(
            field,
            format!("at most {MAX_AHEAD_DAYS} days after the meeting"),
        ));
    }
    Ok(())
}

/// An agency named in the minutes (a service's, a recommendation's) is one of the group's.
pub fn check_group_agency(field: &str, agency: Uuid, group_agencies: &[Uuid]) -> AppResult<()> {
    if group_agencies.contains(&agency) {
        Ok(())
    } else {
        Err(AppError::bad_input(
            field,
            "the agency is not a member of the group",
        ))
    }
}

/// What a case item's minutes lack before the chair may approve them: the child's
/// opinion or why it was not heard, the long-term goal and the collegial decision. A
/// general topic needs nothing.
pub fn missing_for_approval(
    is_case: bool,
    child_heard: bool,
    has_goal: bool,
    has_decision: bool,
) -> Option<&'static str> {
    if !is_case {
        return None;
    }
    if !child_heard {
        return Some("the child's opinion, or why it could not be heard");
    }
    if !has_goal {
        return Some("the child's long-term goal");
    }
    if !has_decision {
        return Some("the collegial decision");
    }
    None
}

/// The child's opinion or why it could not be heard: one of the two, not both.
pub fn check_child_opinion(opinion: Option<&str>, not_heard: Option<&str>) -> AppResult<()> {
    if opinion.is_some() && not_heard.is_some() {
        return Err(AppError::bad_input(
            "childNotHeardReason",
            "give the child's opinion or why it could not be heard, not both",
        ));
    }
    Ok(())
}

/// Whether a status is final: nothing follows it.
pub fn is_final(status: RecommendationStatus) -> bool {
    matches!(
        status,
        RecommendationStatus::Done
            | RecommendationStatus::NotDone
            | RecommendationStatus::Cancelled
    )
}

/// The move from `from` to `to` a note records: from an open status to any other (or
/// the same, a note of progress); a final status stays. Only the group cancels
/// (`by_group`: its chair or secretary).
pub fn check_status_move(
    from: RecommendationStatus,
    to: RecommendationStatus,
    by_group: bool,
) -> AppResult<()> {
    if is_final(from) {
        return Err(AppError::Conflict(format!(
            "the recommendation is {} already",
            from.as_str()
        )));
    }
    if to == RecommendationStatus::Assigned && from != RecommendationStatus::Assigned {
        return Err(AppError::bad_input("status", "work has started already"));
    }
    if to == RecommendationStatus::Cancelled && !by_group {
        return Err(AppError::bad_input(
            "status",
            "only the group's chair or secretary cancels a recommendation",
        ));
    }
    Ok(())
}

/// Still open past its due time. The hub flags it; people act.
pub fn is_overdue(status: RecommendationStatus, due_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    !is_final(status) && now >= due_at
}

/// Whether a decision belongs to a meeting's standing review of execution: it fell due
/// since the group's previous meeting (up to this one), or fell due earlier and is still
/// open (overdue).
pub fn in_review(
    status: RecommendationStatus,
    due_at: DateTime<Utc>,
    previous_meeting: Option<DateTime<Utc>>,
    meeting: DateTime<Utc>,
) -> bool {
    if due_at > meeting {
        return false;
    }
    let since_previous = previous_meeting.is_none_or(|previous| due_at > previous);
    since_previous || !is_final(status)
}

/// Whether a recommendation may become a handover request or a plan task in one step:
/// it is still open, about the same case, and the handover's receiver or the task's
/// responsible agency is the agency the recommendation names (for a handover, never the
/// family).
pub fn check_act_on(
    rec: &RecommendationRow,
    kind: ActionKind,
    case_id: Uuid,
    agency_id: Uuid,
) -> AppResult<()> {
    if is_final(rec.status) {
        return Err(AppError::Conflict(format!(
            "the recommendation is {} already",
            rec.status.as_str()
        )));
    }
    if rec.case_id != case_id {
        return Err(AppError::bad_input(
            "recommendationId",
            "the recommendation is about another case",
        ));
    }
    if kind == ActionKind::Handover && rec.addressee == Addressee::Family {
        return Err(AppError::bad_input(
            "recommendationId",
            "the recommendation is addressed to the family, not to an agency",
        ));
    }
    if rec.agency_id != agency_id {
        let field = match kind {
            ActionKind::Handover => "toAgencyId",
            ActionKind::PlanTask => "responsibleAgencyId",
        };
        return Err(AppError::bad_input(
            field,
            "the recommendation is addressed to another agency",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use RecommendationStatus as S;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, 10, 0, 0).unwrap()
    }

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, day).unwrap()
    }

    #[test]
    fn attachments_are_bounded_and_each_named_once() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(check_attachments(&[]).is_ok());
        assert!(check_attachments(&[a, b]).is_ok());
        let repeat = check_attachments(&[a, b, a]).err();
        assert!(
            matches!(repeat, Some(AppError::BadUserInput { ref field, .. }) if field == "fileDocumentIds[2]"),
            "{repeat:?}"
        );
        let many: Vec<Uuid> = (0..=MAX_ATTACHMENTS).map(|_| Uuid::now_v7()).collect();
        let too_many = check_attachments(&many).err();
        assert!(
            matches!(too_many, Some(AppError::BadUserInput { ref field, .. }) if field == "fileDocumentIds"),
            "{too_many:?}"
        );
    }

    #[test]
    fn the_chair_and_the_secretary_need_their_hub_roles_and_a_member_needs_none() {
        assert!(check_member_role(MrgRole::Chair, &[Role::MrgChair]).is_ok());
        assert!(check_member_role(MrgRole::Chair, &[Role::MrgSecretary]).is_err());
        assert!(check_member_role(MrgRole::Secretary, &[Role::MrgSecretary]).is_ok());
        assert!(check_member_role(MrgRole::Member, &[]).is_ok());
    }

    #[test]
    fn a_meeting_in_person_needs_a_place_and_a_remote_one_a_link() {
        let now = at(1);
        assert!(check_meeting(at(8), MeetingFormat::InPerson, Some("к. 12"), None, now).is_ok());
        let err = check_meeting(at(8), MeetingFormat::InPerson, None, None, now).unwrap_err();
        assert!(matches!(err, AppError::BadUserInput { ref field, .. } if field == "place"));
        let err = check_meeting(at(8), MeetingFormat::Remote, None, None, now).unwrap_err();
        assert!(matches!(err, AppError::BadUserInput { ref field, .. } if field == "remoteLink"));
        assert!(check_link("https://meet.example/mrg").is_ok());
        assert!(check_link("javascript:alert(1)").is_err());
    }

    #[test]
    fn a_meeting_far_in_the_past_or_future_is_refused() {
        let now = at(1);
        let long_ago = now - Duration::days(MAX_PAST_DAYS + 1);
        let far = now + Duration::days(MAX_AHEAD_DAYS + 1);
        for when in [long_ago, far] {
            assert!(check_meeting(when, MeetingFormat::InPerson, Some("к. 1"), None, now).is_err());
        }
    }

    #[test]
    fn a_due_date_on_or_before_the_meeting_day_is_refused() {
        assert!(check_due_date("dueDate", date(10), date(10)).is_err());
        assert!(check_due_date("dueDate", date(9), date(10)).is_err());
        assert!(check_due_date("dueDate", date(11), date(10)).is_ok());
    }

    #[test]
    fn a_responsible_agency_outside_the_group_is_refused() {
        let (inside, outside) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(check_group_agency("agencyId", inside, &[inside]).is_ok());
        assert!(check_group_agency("agencyId", outside, &[inside]).is_err());
    }

    #[test]
    fn a_case_item_is_approved_only_with_the_childs_voice_a_goal_and_a_decision() {
        assert_eq!(missing_for_approval(false, false, false, false), None);
        assert!(missing_for_approval(true, false, true, true).is_some());
        assert!(missing_for_approval(true, true, false, true).is_some());
        assert!(missing_for_approval(true, true, true, false).is_some());
        assert_eq!(missing_for_approval(true, true, true, true), None);
        assert!(check_child_opinion(Some("хочет домой"), Some("новорождённый")).is_err());
        assert!(check_child_opinion(None, Some("новорождённый")).is_ok());
    }

    #[test]
    fn a_final_status_stays_and_only_the_group_cancels() {
        assert!(check_status_move(S::Assigned, S::InProgress, false).is_ok());
        assert!(check_status_move(S::InProgress, S::Done, false).is_ok());
        assert!(check_status_move(S::InProgress, S::InProgress, false).is_ok());
        assert!(matches!(
            check_status_move(S::Done, S::InProgress, false),
            Err(AppError::Conflict(_))
        ));
        assert!(check_status_move(S::InProgress, S::Assigned, false).is_err());
        assert!(check_status_move(S::Assigned, S::Cancelled, false).is_err());
        assert!(check_status_move(S::Assigned, S::Cancelled, true).is_ok());
    }

    #[test]
    fn an_open_recommendation_past_its_due_time_is_overdue_and_a_done_one_never() {
        assert!(is_overdue(S::InProgress, at(5), at(5)));
        assert!(!is_overdue(S::InProgress, at(5), at(4)));
        assert!(!is_overdue(S::Done, at(5), at(9)));
    }

    #[test]
    fn the_review_holds_what_fell_due_since_the_last_meeting_and_what_is_still_open() {
        let (previous, meeting) = (Some(at(3)), at(10));
        assert!(
            in_review(S::Done, at(5), previous, meeting),
            "fell due between"
        );
        assert!(
            in_review(S::InProgress, at(2), previous, meeting),
            "overdue since before"
        );
        assert!(
            !in_review(S::Done, at(2), previous, meeting),
            "done before the last one"
        );
        assert!(
            !in_review(S::Assigned, at(12), previous, meeting),
            "not due yet"
        );
        assert!(
            in_review(S::Done, at(2), None, meeting),
            "the first meeting"
        );
    }

    fn recommendation(addressee: Addressee, status: RecommendationStatus) -> RecommendationRow {
        let now = Utc::now();
        RecommendationRow {
            id: Uuid::nil(),
            item_id: Uuid::nil(),
            meeting_id: Uuid::nil(),
            group_id: Uuid::nil(),
            case_id: Uuid::from_u128(1),
            position: 0,
            text: "Направить в КЦСОН".into(),
            addressee,
            agency_id: Uuid::from_u128(2),
            responsible_person: None,
            due_date: now.date_naive(),
            due_at: now,
            status,
            approved: true,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    #[test]
    fn an_open_recommendation_becomes_a_handover_to_its_agency_only() {
        let case = Uuid::from_u128(1);
        let agency = Uuid::from_u128(2);
        let rec = recommendation(Addressee::Agency, RecommendationStatus::Assigned);
        assert!(check_act_on(&rec, ActionKind::Handover, case, agency).is_ok());
        let other = check_act_on(&rec, ActionKind::Handover, case, Uuid::from_u128(3));
        assert!(
            matches!(other, Err(AppError::BadUserInput { ref field, .. }) if field == "toAgencyId")
        );
        let elsewhere = check_act_on(&rec, ActionKind::Handover, Uuid::from_u128(9), agency);
        assert!(
            matches!(elsewhere, Err(AppError::BadUserInput { ref field, .. }) if field == "recommendationId")
        );
        let done = recommendation(Addressee::Agency, RecommendationStatus::Done);
        assert!(matches!(
            check_act_on(&done, ActionKind::Handover, case, agency),
            Err(AppError::Conflict(_))
        ));
    }

    #[test]
    fn a_family_recommendation_becomes_a_plan_task_but_no_handover() {
        let case = Uuid::from_u128(1);
        let lead = Uuid::from_u128(2);
        let rec = recommendation(Addressee::Family, RecommendationStatus::InProgress);
        assert!(check_act_on(&rec, ActionKind::PlanTask, case, lead).is_ok());
        assert!(check_act_on(&rec, ActionKind::Handover, case, lead).is_err());
    }
}
