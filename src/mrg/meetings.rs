//! Meetings: the secretary schedules one with its agenda (cases from submissions, and
//! general topics), adds items while the minutes are a draft, and records who attended.
//! Putting a case on the agenda grants each member agency the case's `SUMMARY` (never
//! `FULL`), and every member agency hears of the meeting by e-mail (number and link).

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::model::{AttendanceRow, ItemRow, MeetingFormat, MeetingKind, MeetingRow, MinutesStatus};
use super::store::{self, Seer};
use super::{audit_actions, ensure_officer, notices, record, rules};
use crate::access::participation::WorkflowEvent;
use crate::access::{Actor, Caller};
use crate::audit::Origin;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::input;
use crate::journal::{self, Journal};
use crate::notify::{self, Notice, Recipient, Subject};

/// An agenda item as the secretary gives it: a waiting submission, or a general topic.
#[derive(Clone, Debug, Default)]
pub struct NewItem {
    pub submission_id: Option<Uuid>,
    pub topic: Option<String>,
}

/// A meeting as the secretary schedules it.
pub struct NewMeeting {
    pub group_id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub place: Option<String>,
    pub remote_link: Option<String>,
    pub kind: MeetingKind,
    pub format: MeetingFormat,
    pub family_attends: bool,
    pub agenda: Vec<NewItem>,
}

/// The chair or secretary schedules a meeting with its agenda: numbered in the convening
/// agency's journal, announced to every member agency.
pub async fn schedule(
    db: &Db,
    caller: &Caller,
    new: NewMeeting,
    now: DateTime<Utc>,
) -> AppResult<MeetingRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let place = input::optional_text("place", new.place.as_deref(), 300)?;
    let link = input::optional_text("remoteLink", new.remote_link.as_deref(), 500)?;
    if let Some(link) = &link {
        rules::check_link(link)?;
    }
    let starts_at = crate::db::truncate(new.starts_at);
    rules::check_meeting(
        starts_at,
        new.format,
        place.as_deref(),
        link.as_deref(),
        now,
    )?;
    if new.agenda.len() > rules::MAX_ENTRIES {
        return Err(AppError::bad_input(
            "agenda",
            format!("at most {} items", rules::MAX_ENTRIES),
        ));
    }
    let mut tx = db.begin().await?;
    let group = store::get_group(db, Seer::of(actor, now), new.group_id).await?;
    ensure_officer(store::member_role(&mut tx, group.id, actor.user_id).await?)?;
    let convener = crate::agencies::store::get_in(&mut tx, group.agency_id).await?;
    let journal_no = journal::next_number(
        &mut tx,
        convener.id,
        convener.time_zone,
        Journal::MrgMeetings,
        now,
    )
    .await?;
    let meeting = MeetingRow {
        id: Uuid::now_v7(),
        group_id: group.id,
        journal_no,
        starts_at,
        place,
        remote_link: link,
        kind: new.kind,
        format: new.format,
        family_attends: new.family_attends,
        minutes_status: MinutesStatus::Draft,
        approved_at: None,
        approved_by_user_id: None,
        created_by_user_id: actor.user_id,
        created_at: now,
        version: 1,
        updated_at: now,
    };
    store::insert_meeting(&mut tx, &meeting).await?;
    for (i, item) in new.agenda.iter().enumerate() {
        let field = format!("agenda[{i}]");
        put_on_agenda(
            &mut tx,
            actor,
            origin,
            &meeting,
            i as i32 + 1,
            item,
            &field,
            now,
        )
        .await?;
    }
    let details = json!({ "meetingId": meeting.id, "journalNumber": meeting.journal_no, "groupId": group.id, "items": new.agenda.len() });
    record(
        &mut tx,
        origin,
        audit_actions::MRG_MEETING_SCHEDULED,
        ("mrg_meeting", meeting.id),
        None,
        details,
        now,
    )
    .await?;
    let agencies = store::group_agencies(&mut tx, group.id).await?;
    notify::enqueue(&mut tx, &meeting_notice(&meeting, &agencies), now).await?;
    tx.commit().await?;
    Ok(meeting)
}

/// The notice of a scheduled meeting, to every member agency: its number, time and link.
pub fn meeting_notice(meeting: &MeetingRow, agencies: &[Uuid]) -> Notice {
    Notice {
        kind: notices::MRG_MEETING_SCHEDULED,
        subject: Subject::new(notices::MRG_MEETING, meeting.id),
        journal_no: meeting.journal_no.clone(),
        clock: None,
        due_at: Some(meeting.starts_at),
        recipients: agencies.iter().map(|a| Recipient::Agency(*a)).collect(),
    }
}

/// The chair or secretary adds an item to a meeting whose minutes are a draft.
pub async fn add_item(
    db: &Db,
    caller: &Caller,
    meeting: Uuid,
    item: NewItem,
    now: DateTime<Utc>,
) -> AppResult<MeetingRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let mut tx = db.begin().await?;
    let meeting = draft_for_officer(&mut tx, actor, meeting, now).await?;
    let count = store::item_count(&mut tx, meeting.id).await?;
    if count >= rules::MAX_ENTRIES as i64 {
        return Err(AppError::bad_input(
            "agenda",
            format!("at most {} items", rules::MAX_ENTRIES),
        ));
    }
    put_on_agenda(
        &mut tx,
        actor,
        origin,
        &meeting,
        count as i32 + 1,
        &item,
        "item",
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(meeting)
}

/// A meeting of a group the caller sees, whose minutes are a draft, for its chair or
/// secretary: `NOT_FOUND`, `FORBIDDEN`, or `CONFLICT` for approved minutes.
pub(crate) async fn draft_for_officer(
    tx: &mut Tx,
    actor: &Actor,
    meeting: Uuid,
    now: DateTime<Utc>,
) -> AppResult<MeetingRow> {
    let meeting = store::get_meeting_for_update(tx, Seer::of(actor, now), meeting).await?;
    ensure_officer(store::member_role(tx, meeting.group_id, actor.user_id).await?)?;
    if meeting.minutes_status != MinutesStatus::Draft {
        return Err(AppError::Conflict(
            "the minutes are approved and read-only: add an amendment".into(),
        ));
    }
    Ok(meeting)
}

/// Writes one agenda item; a case item takes a waiting submission, marks it, grants the
/// member agencies the case's summary and notes it on the case's timeline.
#[allow(clippy::too_many_arguments)]
async fn put_on_agenda(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    meeting: &MeetingRow,
    position: i32,
    item: &NewItem,
    field: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let topic = input::optional_text(&format!("{field}.topic"), item.topic.as_deref(), 500)?;
    let mut row = ItemRow {
        id: Uuid::now_v7(),
        meeting_id: meeting.id,
        position,
        case_id: None,
        submission_id: None,
        lead_agency_id: None,
        topic: None,
        information: "[]".into(),
        child_opinion: None,
        child_not_heard_reason: None,
        family_participated: None,
        family_position: None,
        services: "[]".into(),
        long_term_goal: None,
        decision: None,
        version: 1,
        updated_at: now,
        updated_by_user_id: None,
    };
    match (item.submission_id, topic) {
        (Some(id), None) => {
            let submission = store::waiting_submission(tx, meeting.group_id, id)
                .await
                .map_err(|e| match e {
                    AppError::BadUserInput { message, .. } => {
                        AppError::bad_input(format!("{field}.submissionId"), message)
                    }
                    other => other,
                })?;
            store::submission_on_agenda(tx, id, meeting.id).await?;
            row.case_id = Some(submission.case_id);
            row.submission_id = Some(id);
            row.lead_agency_id = Some(submission.lead_agency_id);
            store::insert_item(tx, &row).await?;
            grant_summary(tx, actor, origin, meeting, submission.case_id, now).await
        }
        (None, Some(topic)) => {
            row.topic = Some(topic);
            store::insert_item(tx, &row).await
        }
        _ => Err(AppError::bad_input(
            field,
            "give either a submission or a topic",
        )),
    }
}

async fn grant_summary(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    meeting: &MeetingRow,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let agencies = store::agencies_to_grant(tx, meeting.group_id, case_id, now).await?;
    for member in &agencies {
        let event = WorkflowEvent::MrgReviewScheduled { member: *member };
        crate::access::store::apply(tx, case_id, &event, now).await?;
    }
    let details = json!({ "meetingId": meeting.id, "journalNumber": meeting.journal_no, "summaryGrantedTo": agencies });
    crate::cases::note(
        tx,
        actor,
        case_id,
        "MRG_CASE_ON_AGENDA",
        details.clone(),
        now,
    )
    .await?;
    record(
        tx,
        origin,
        audit_actions::MRG_CASE_ON_AGENDA,
        ("mrg_meeting", meeting.id),
        Some(case_id),
        details,
        now,
    )
    .await
}

/// One attendee as the secretary records them: a member, an external participant of
/// the group, or someone else off the hub (name, organisation, position).
#[derive(Clone, Debug, Default)]
pub struct NewAttendee {
    pub user_id: Option<Uuid>,
    pub external_participant_id: Option<Uuid>,
    pub full_name: Option<String>,
    pub organisation: Option<String>,
    pub position: Option<String>,
}

/// The chair or secretary records who attended a meeting (replacing the list), while the
/// minutes are a draft.
pub async fn record_attendance(
    db: &Db,
    caller: &Caller,
    meeting: Uuid,
    attendees: Vec<NewAttendee>,
    now: DateTime<Utc>,
) -> AppResult<Vec<AttendanceRow>> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    if attendees.len() > 2 * rules::MAX_ENTRIES {
        return Err(AppError::bad_input("attendees", "too many attendees"));
    }
    let mut tx = db.begin().await?;
    let meeting = draft_for_officer(&mut tx, actor, meeting, now).await?;
    let members = store::members(db, meeting.group_id).await?;
    let externals = store::externals(db, meeting.group_id).await?;
    let mut rows = Vec::with_capacity(attendees.len());
    for (i, a) in attendees.into_iter().enumerate() {
        let field = format!("attendees[{i}]");
        let mut row = AttendanceRow {
            id: Uuid::now_v7(),
            meeting_id: meeting.id,
            position: i as i32 + 1,
            user_id: None,
            agency_id: None,
            external_participant_id: None,
            full_name: String::new(),
            organisation: String::new(),
            position_title: input::optional_text(
                &format!("{field}.position"),
                a.position.as_deref(),
                200,
            )?,
        };
        match (a.user_id, a.external_participant_id) {
            (Some(user), None) => {
                let m = members.iter().find(|m| m.user_id == user).ok_or_else(|| {
                    AppError::bad_input(format!("{field}.userId"), "not a member of the group")
                })?;
                let agency = crate::agencies::store::get_in(&mut tx, m.agency_id).await?;
                row.user_id = Some(user);
                row.agency_id = Some(m.agency_id);
                row.full_name = m.name.clone();
                row.organisation = agency.name;
            }
            (None, Some(id)) => {
                let e = externals.iter().find(|e| e.id == id).ok_or_else(|| {
                    AppError::bad_input(
                        format!("{field}.externalParticipantId"),
                        "not a participant of the group",
                    )
                })?;
                row.external_participant_id = Some(id);
                row.full_name = e.full_name.clone();
                row.organisation = e.organisation.clone();
                row.position_title = row.position_title.or(Some(e.position.clone()));
            }
            (None, None) => {
                row.full_name = input::name(
                    &format!("{field}.fullName"),
                    a.full_name.as_deref().unwrap_or(""),
                )?;
                row.organisation = input::name(
                    &format!("{field}.organisation"),
                    a.organisation.as_deref().unwrap_or(""),
                )?;
            }
            _ => {
                return Err(AppError::bad_input(
                    field,
                    "give a member or an external participant, not both",
                ))
            }
        }
        rows.push(row);
    }
    store::replace_attendance(&mut tx, meeting.id, &rows).await?;
    let details = json!({ "meetingId": meeting.id, "attendees": rows.len() });
    record(
        &mut tx,
        origin,
        audit_actions::MRG_ATTENDANCE_RECORDED,
        ("mrg_meeting", meeting.id),
        None,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(rows)
}
