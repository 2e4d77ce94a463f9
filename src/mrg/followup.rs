//! Following decisions up: the responsible agency moves a recommendation's status with a
//! dated note (the group's chair or secretary may also cancel one), and the notices each
//! recommendation raises: assigned (at approval), due in three days, overdue. A notice
//! carries the meeting's number and a link, never the recommendation's words.

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::model::{
    ActionKind, ActionRow, MrgRole, NoteRow, RecommendationRow, RecommendationStatus,
};
use super::store::{self, Seer};
use super::{audit_actions, notices, record, rules};
use crate::access::{policy, roles, Actor, Caller, Role};
use crate::audit::Origin;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::input;
use crate::notify::{Notice, NotificationKind, Recipient, Subject};

/// The longest note, in characters.
pub const MAX_NOTE: usize = 2_000;

/// The responsible agency (or the group's chair or secretary) records where a
/// recommendation stands, with a dated note, against the version it read.
pub async fn update(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    status: RecommendationStatus,
    note: &str,
    version: i32,
    now: DateTime<Utc>,
) -> AppResult<RecommendationRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let note = input::required_text("note", note, MAX_NOTE)?;
    let mut tx = db.begin().await?;
    let mut row = store::get_recommendation_for_update(&mut tx, Seer::of(actor, now), id).await?;
    let role = store::member_role(&mut tx, row.group_id, actor.user_id).await?;
    let officer = matches!(role, Some(MrgRole::Chair | MrgRole::Secretary));
    let responsible = actor.agency_id == Some(row.agency_id);
    if !responsible && !officer {
        return Err(AppError::Forbidden(
            "only the responsible agency or the group's chair or secretary",
        ));
    }
    if responsible && !officer {
        let mut workers = roles::GIVE_REFERRED_SERVICE.to_vec();
        workers.push(Role::MrgSecretary);
        workers.push(Role::MrgChair);
        policy::ensure_any_role(actor, &workers, "the agency's people who work on cases")?;
    }
    rules::check_status_move(row.status, status, officer)?;
    row.status = status;
    row.updated_at = now;
    store::set_status(&mut tx, &row, version).await?;
    let agency = actor
        .agency_id
        .ok_or(AppError::Forbidden("only users of an agency"))?;
    let note_row = NoteRow {
        id: Uuid::now_v7(),
        recommendation_id: row.id,
        agency_id: agency,
        user_id: actor.user_id,
        status,
        note,
        noted_at: now,
    };
    store::insert_note(&mut tx, &note_row).await?;
    let details = json!({ "recommendationId": row.id, "status": status.as_str() });
    record(
        &mut tx,
        origin,
        audit_actions::MRG_RECOMMENDATION_UPDATED,
        ("mrg_recommendation", row.id),
        Some(row.case_id),
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    row.version = version + 1;
    Ok(row)
}

/// A recommendation's notice to its responsible agency (its address and heads), with the
/// meeting's number and the due time.
pub fn notice_of(row: &RecommendationRow, journal_no: &str, kind: NotificationKind) -> Notice {
    Notice {
        kind,
        subject: Subject::new(notices::MRG_RECOMMENDATION, row.id),
        journal_no: journal_no.to_owned(),
        clock: None,
        due_at: Some(row.due_at),
        recipients: vec![
            Recipient::Agency(row.agency_id),
            Recipient::Role(row.agency_id, Role::HeadOfService),
        ],
    }
}

/// What a recommendation becomes in one step, inside the transaction that creates it.
pub struct Act {
    pub recommendation_id: Uuid,
    pub kind: ActionKind,
    pub case_id: Uuid,
    /// The handover's receiver or the task's responsible agency.
    pub agency_id: Uuid,
    /// The handover request or plan task created.
    pub target_id: Uuid,
}

/// Links a recommendation to the handover request or plan task the caller is creating in
/// `tx`: the recommendation must be one the caller sees (else `NOT_FOUND`), open, about
/// the same case and addressed to that agency. An assigned recommendation moves to
/// in progress with a dated note; the group's review shows what it became.
pub async fn act_on(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    act: Act,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut row =
        store::get_recommendation_for_update(tx, Seer::of(actor, now), act.recommendation_id)
            .await?;
    rules::check_act_on(&row, act.kind, act.case_id, act.agency_id)?;
    store::insert_action(
        tx,
        &ActionRow {
            recommendation_id: row.id,
            kind: act.kind,
            target_id: act.target_id,
            acted_by_user_id: actor.user_id,
            acted_at: now,
        },
    )
    .await?;
    if row.status == RecommendationStatus::Assigned {
        let version = row.version;
        row.status = RecommendationStatus::InProgress;
        row.updated_at = now;
        store::set_status(tx, &row, version).await?;
        let agency = actor
            .agency_id
            .ok_or(AppError::Forbidden("only users of an agency"))?;
        let note = match act.kind {
            ActionKind::Handover => {
                "По рекомендации направлен запрос на передачу (направление) дела"
            }
            ActionKind::PlanTask => "Рекомендация включена в план как задача",
        };
        store::insert_note(
            tx,
            &NoteRow {
                id: Uuid::now_v7(),
                recommendation_id: row.id,
                agency_id: agency,
                user_id: actor.user_id,
                status: row.status,
                note: note.to_owned(),
                noted_at: now,
            },
        )
        .await?;
    }
    let details = json!({
        "recommendationId": row.id,
        "became": act.kind.as_str(),
        "targetId": act.target_id,
        "status": row.status.as_str(),
    });
    record(
        tx,
        origin,
        audit_actions::MRG_RECOMMENDATION_UPDATED,
        ("mrg_recommendation", row.id),
        Some(row.case_id),
        details,
        now,
    )
    .await
}
