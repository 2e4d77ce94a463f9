//! The MRG as a caller reads it, for every transport. A group and its meetings' agendas
//! are read by its member agencies; the minutes are personal data: the full minutes go
//! only to the group's chair and secretary, an extract per case only to the case's lead
//! and the agencies answering for its recommendations, and each is noted on the caller's
//! read log (one read of each case) as it is handed out, so no transport shows minutes
//! unaudited. A recommendation's words and a submission's summary are sealed in
//! [`Personal`] the same way.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{
    ActionRow, AmendmentRow, AttendanceRow, ExternalRow, GroupRow, ItemRow, MeetingRow, MemberRow,
    MrgRole, NoteRow, RecommendationRow, SubmissionRow,
};
use super::store::{self, DecisionFilter, Seer};
use crate::access::{Caller, Personal, Scope};
use crate::db::Db;
use crate::error::AppResult;

/// A meeting as the caller sees it, with the caller's part in its group.
#[derive(Clone, Debug)]
pub struct MeetingView {
    pub meeting: MeetingRow,
    /// The caller's role in the group, if a member in person.
    pub role: Option<MrgRole>,
    seer: Seer,
}

impl MeetingView {
    /// Whether the caller reads the full minutes: the group's chair or secretary, with
    /// roles that read personal data.
    pub fn officer(&self) -> bool {
        matches!(self.role, Some(MrgRole::Chair | MrgRole::Secretary))
            && self.seer.viewer.ceiling == Scope::Full
    }
}

/// A group as the caller sees it, with the caller's part in it.
#[derive(Clone, Debug)]
pub struct GroupView {
    pub group: GroupRow,
    pub role: Option<MrgRole>,
}

fn seer(caller: &Caller, now: DateTime<Utc>) -> AppResult<Seer> {
    Ok(Seer::of(caller.actor()?, now))
}

/// A group the caller's agency is a member of, else `NOT_FOUND`.
pub async fn group(db: &Db, caller: &Caller, id: Uuid, now: DateTime<Utc>) -> AppResult<GroupView> {
    let s = seer(caller, now)?;
    let group = store::get_group(db, s, id).await?;
    let role = store::member_role_in(db, id, s.user).await?;
    Ok(GroupView { group, role })
}

/// The groups the caller's agency is a member of.
pub async fn groups(db: &Db, caller: &Caller, now: DateTime<Utc>) -> AppResult<Vec<GroupView>> {
    let s = seer(caller, now)?;
    let mut views = Vec::new();
    for group in store::list_groups(db, s).await? {
        let role = store::member_role_in(db, group.id, s.user).await?;
        views.push(GroupView { group, role });
    }
    Ok(views)
}

/// A group's members and external participants (people of the agencies, not families).
pub async fn people(db: &Db, view: &GroupView) -> AppResult<(Vec<MemberRow>, Vec<ExternalRow>)> {
    Ok((
        store::members(db, view.group.id).await?,
        store::externals(db, view.group.id).await?,
    ))
}

/// A submission, its summary sealed.
#[derive(Clone, Debug)]
pub struct SubmissionView {
    pub row: SubmissionRow,
    /// The question and the three assessments.
    pub summary: Personal<[String; 4]>,
}

/// A group's submissions the caller reads: all for its chair and secretary, its own
/// for a lead agency.
pub async fn submissions(
    db: &Db,
    caller: &Caller,
    group: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<SubmissionView>> {
    let s = seer(caller, now)?;
    let rows = store::submissions(db, s, group).await?;
    Ok(rows
        .into_iter()
        .map(|mut row| {
            let parts = [
                row.question.take(),
                row.needs.take(),
                row.capacity.take(),
                row.resources.take(),
            ];
            let summary = match parts {
                [Some(q), Some(n), Some(c), Some(r)] => Some([q, n, c, r]),
                _ => None,
            };
            SubmissionView {
                summary: Personal::sealed("case", row.case_id, summary),
                row,
            }
        })
        .collect())
}

/// A meeting of a group the caller's agency is a member of, else `NOT_FOUND`.
pub async fn meeting(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<MeetingView> {
    let s = seer(caller, now)?;
    let meeting = store::get_meeting(db, s, id).await?;
    let role = store::member_role_in(db, meeting.group_id, s.user).await?;
    Ok(MeetingView {
        meeting,
        role,
        seer: s,
    })
}

/// One page of the meetings the caller's agency sees (of one group if given), latest
/// first, before the `(starts_at, id)` keyset.
pub async fn meetings(
    db: &Db,
    caller: &Caller,
    group: Option<Uuid>,
    before: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<MeetingView>> {
    let s = seer(caller, now)?;
    let rows = store::list_meetings(db, s, group, before, limit).await?;
    Ok(rows
        .into_iter()
        .map(|listed| MeetingView {
            meeting: listed.meeting,
            role: listed.role,
            seer: s,
        })
        .collect())
}

/// The agenda: each item's case (read through the case's own scope), lead and topic,
/// without minutes.
pub async fn agenda(db: &Db, view: &MeetingView) -> AppResult<Vec<ItemRow>> {
    store::agenda_of(db, view.seer, view.meeting.id).await
}

/// Who attended.
pub async fn attendance(db: &Db, view: &MeetingView) -> AppResult<Vec<AttendanceRow>> {
    store::attendance_of(db, view.meeting.id).await
}

/// One item's minutes, or an extract's part of them, with its recommendations.
#[derive(Clone, Debug)]
pub struct ItemMinutes {
    pub item: ItemRow,
    pub recommendations: Vec<RecommendationRow>,
    pub amendments: Vec<AmendmentRow>,
    /// The meeting's number and start, for an extract shown alone.
    pub meeting: MeetingRow,
}

/// The full minutes, for the group's chair and secretary; `None` for anyone else. Each
/// case's read is noted for the audit.
pub async fn minutes(
    db: &Db,
    caller: &Caller,
    view: &MeetingView,
) -> AppResult<Option<Vec<ItemMinutes>>> {
    if !view.officer() {
        return Ok(None);
    }
    let items = store::items_of(db, view.meeting.id).await?;
    let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
    let recs = store::recommendations_of_items(db, &ids).await?;
    let amendments = store::amendments_of(db, view.meeting.id).await?;
    Ok(Some(assemble(
        caller,
        &view.meeting,
        items,
        recs,
        &amendments,
    )))
}

/// The meeting-wide amendments (those of no item), for the chair and secretary.
pub async fn general_amendments(db: &Db, view: &MeetingView) -> AppResult<Vec<AmendmentRow>> {
    if !view.officer() {
        return Ok(Vec::new());
    }
    let all = store::amendments_of(db, view.meeting.id).await?;
    Ok(all.into_iter().filter(|a| a.item_id.is_none()).collect())
}

/// The caller's extracts of approved minutes: one per case its agency leads or answers
/// for a recommendation of, with only its own recommendations (all of them for the
/// lead). Each case's read is noted for the audit.
pub async fn extracts(db: &Db, caller: &Caller, view: &MeetingView) -> AppResult<Vec<ItemMinutes>> {
    let items = store::extract_items(db, view.seer, view.meeting.id).await?;
    let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
    let recs = store::extract_recommendations(db, view.seer, &ids).await?;
    let amendments = store::amendments_of_items(db, &ids).await?;
    Ok(assemble(caller, &view.meeting, items, recs, &amendments))
}

fn assemble(
    caller: &Caller,
    meeting: &MeetingRow,
    items: Vec<ItemRow>,
    recs: Vec<RecommendationRow>,
    amendments: &[AmendmentRow],
) -> Vec<ItemMinutes> {
    items
        .into_iter()
        .map(|item| {
            if let Some(case) = item.case_id {
                caller.note_read("case", case);
            }
            ItemMinutes {
                recommendations: recs
                    .iter()
                    .filter(|r| r.item_id == item.id)
                    .cloned()
                    .collect(),
                amendments: amendments
                    .iter()
                    .filter(|a| a.item_id == Some(item.id))
                    .cloned()
                    .collect(),
                meeting: meeting.clone(),
                item,
            }
        })
        .collect()
}

/// The standing item: the group's decisions that fell due since its previous meeting
/// or are overdue, as far as the caller sees them.
pub async fn review(db: &Db, view: &MeetingView) -> AppResult<Vec<RecommendationRow>> {
    let at = view.meeting.starts_at;
    let previous = store::previous_meeting(db, view.meeting.group_id, at).await?;
    store::review(db, view.seer, view.meeting.group_id, previous, at).await
}

/// A recommendation as the caller sees it: its words sealed.
#[derive(Clone, Debug)]
pub struct RecommendationView {
    pub row: RecommendationRow,
    pub text: Personal<String>,
}

impl RecommendationView {
    /// Seals the words of `row` for a viewer whose roles read personal data.
    pub fn of(row: RecommendationRow, reads_personal: bool) -> RecommendationView {
        let text = reads_personal.then(|| row.text.clone());
        RecommendationView {
            text: Personal::sealed("case", row.case_id, text),
            row,
        }
    }
}

/// One page of the approved recommendations the caller sees, the soonest due first.
pub async fn decisions(
    db: &Db,
    caller: &Caller,
    filter: &DecisionFilter,
    after: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<RecommendationView>> {
    let s = seer(caller, now)?;
    let full = s.viewer.ceiling == Scope::Full;
    let rows = store::decisions(db, s, filter, after, limit).await?;
    Ok(rows
        .into_iter()
        .map(|r| RecommendationView::of(r, full))
        .collect())
}

/// One approved recommendation the caller sees, else `NOT_FOUND`.
pub async fn recommendation(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<RecommendationView> {
    let s = seer(caller, now)?;
    let row = store::get_recommendation(db, s, id).await?;
    Ok(RecommendationView::of(row, s.viewer.ceiling == Scope::Full))
}

/// The dated notes of recommendations the caller already sees.
pub async fn notes(db: &Db, recommendations: &[Uuid]) -> AppResult<Vec<NoteRow>> {
    store::notes_of(db, recommendations).await
}

/// What recommendations the caller already sees became in one step.
pub async fn actions(db: &Db, recommendations: &[Uuid]) -> AppResult<Vec<ActionRow>> {
    store::actions_of(db, recommendations).await
}
