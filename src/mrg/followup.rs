//! Following decisions up: the responsible agency moves a recommendation's status with a
//! dated note (the group's chair or secretary may also cancel one), and the notices each
//! recommendation raises: assigned (at approval), due in three days, overdue. A notice
//! carries the meeting's number and a link, never the recommendation's words.

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use super::model::{MrgRole, NoteRow, RecommendationRow, RecommendationStatus};
use super::store::{self, Seer};
use super::{audit_actions, notices, record, rules};
use crate::access::{policy, roles, Caller, Role};
use crate::audit::Origin;
use crate::db::Db;
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
