//! The interagency working group, MRG (domain.md section 4, seeds-notes A7; issue 15).
//!
//! A group has a territory, member agencies and members (chair, secretary, member), and
//! external participants without an account. The lead agency submits a case (заявка);
//! the secretary schedules meetings with an agenda of cases and general topics, records
//! attendance and drafts the minutes of each case in seed 003's three stages
//! ([`minutes`]); the chair approves them, after which they are read-only and corrected
//! only by amendments. Recommendations are followed up by their responsible agency
//! ([`followup`]), reviewed at the next meeting, and reminded by e-mail. Member agencies
//! see the agenda's cases in `SUMMARY` only; full minutes are for the chair and the
//! secretary, every other agency reads an extract ([`reads`]). Who sees what is
//! [`crate::access::mrg`]'s to say.

pub mod attachments;
pub mod audit_actions;
pub mod followup;
pub mod graphql;
pub mod meetings;
pub mod minutes;
pub mod model;
pub mod notices;
pub mod reads;
pub mod reminders;
pub mod rules;
pub mod store;

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use self::model::{ExternalRow, GroupRow, MemberRow, MrgRole, SubmissionRow, SubmissionStatus};
use self::store::Seer;
use crate::access::{policy, roles, Actor, Caller, Role, Scope};
use crate::audit::{self, AuditAction, Entry, Origin};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::input;

/// The MRG's registrations, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    notification_kinds: notices::KINDS,
    subject_kinds: notices::SUBJECTS,
    reminders: reminders::REMINDERS,
};

/// The caller's agency, or `FORBIDDEN` (a hub administrator belongs to none).
fn agency_of(actor: &Actor) -> AppResult<Uuid> {
    actor.agency_id.ok_or(AppError::Forbidden(
        "only users of an agency take part in an MRG",
    ))
}

/// The caller's role in a group it sees (`NOT_FOUND` for a group it does not see).
async fn role_in(
    tx: &mut Tx,
    db: &Db,
    actor: &Actor,
    group: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Option<MrgRole>> {
    store::get_group(db, Seer::of(actor, now), group).await?;
    store::member_role(tx, group, actor.user_id).await
}

/// `FORBIDDEN` unless the caller is the group's chair or secretary.
fn ensure_officer(role: Option<MrgRole>) -> AppResult<()> {
    match role {
        Some(MrgRole::Chair | MrgRole::Secretary) => Ok(()),
        _ => Err(AppError::Forbidden("only the group's chair or secretary")),
    }
}

/// Records an MRG event in the audit log.
async fn record(
    tx: &mut Tx,
    origin: &Origin,
    action: AuditAction,
    target: (&'static str, Uuid),
    case_id: Option<Uuid>,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let entry = Entry {
        case_id,
        ..Entry::new(action, target.0, Some(target.1))
    }
    .with_details(details);
    audit::record(tx, origin, entry, now).await
}

/// A user with the `MRG_SECRETARY` or `MRG_CHAIR` role creates a group and becomes its
/// secretary (or chair); its agency convenes the group.
pub async fn create_group(
    db: &Db,
    caller: &Caller,
    name: &str,
    territory: &str,
    now: DateTime<Utc>,
) -> AppResult<GroupRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    policy::ensure_any_role(
        actor,
        &[Role::MrgSecretary, Role::MrgChair],
        "an MRG secretary or chair",
    )?;
    let agency = agency_of(actor)?;
    let group = GroupRow {
        id: Uuid::now_v7(),
        name: input::name("name", name)?,
        territory: input::name("territory", territory)?,
        agency_id: agency,
        created_by_user_id: actor.user_id,
        created_at: now,
    };
    let role = if actor.has(Role::MrgSecretary) {
        MrgRole::Secretary
    } else {
        MrgRole::Chair
    };
    let mut tx = db.begin().await?;
    store::insert_group(&mut tx, &group).await?;
    store::insert_member(
        &mut tx,
        &member_row(group.id, actor.user_id, agency, role, now),
    )
    .await?;
    let details = json!({ "groupId": group.id, "role": role.as_str() });
    record(
        &mut tx,
        origin,
        audit_actions::MRG_GROUP_CREATED,
        ("mrg_group", group.id),
        None,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(group)
}

fn member_row(
    group: Uuid,
    user: Uuid,
    agency: Uuid,
    role: MrgRole,
    now: DateTime<Utc>,
) -> MemberRow {
    MemberRow {
        id: Uuid::now_v7(),
        group_id: group,
        user_id: user,
        agency_id: agency,
        role,
        added_at: now,
        name: String::new(),
    }
}

/// The chair or secretary adds a user of a hub agency as a member; the user's agency
/// becomes a member agency. A chair must hold `MRG_CHAIR`, a secretary `MRG_SECRETARY`.
pub async fn add_member(
    db: &Db,
    caller: &Caller,
    group: Uuid,
    user: Uuid,
    role: MrgRole,
    now: DateTime<Utc>,
) -> AppResult<MemberRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let mut tx = db.begin().await?;
    ensure_officer(role_in(&mut tx, db, actor, group, now).await?)?;
    let found = crate::users::store::get_in(&mut tx, user).await;
    let row = found.map_err(|_| AppError::bad_input("userId", "no such user"))?;
    let Some(agency) = row.agency_id.filter(|_| row.active) else {
        return Err(AppError::bad_input("userId", "an active user of an agency"));
    };
    let user_roles = crate::users::store::roles_of(db, user).await?;
    rules::check_member_role(role, &user_roles)?;
    let member = member_row(group, user, agency, role, now);
    store::insert_member(&mut tx, &member)
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => AppError::bad_input("userId", "already a member of the group"),
            other => other,
        })?;
    let details =
        json!({ "groupId": group, "userId": user, "agencyId": agency, "role": role.as_str() });
    record(
        &mut tx,
        origin,
        audit_actions::MRG_MEMBER_ADDED,
        ("mrg_group", group),
        None,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(MemberRow {
        name: row.name,
        ..member
    })
}

/// The chair or secretary records someone from an organisation off the hub (a school,
/// the police, a polyclinic, the КДН): name, organisation, position, no account.
pub async fn add_external(
    db: &Db,
    caller: &Caller,
    group: Uuid,
    full_name: &str,
    organisation: &str,
    position: &str,
    now: DateTime<Utc>,
) -> AppResult<ExternalRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let row = ExternalRow {
        id: Uuid::now_v7(),
        group_id: group,
        full_name: input::name("fullName", full_name)?,
        organisation: input::name("organisation", organisation)?,
        position: input::name("position", position)?,
        added_at: now,
    };
    let mut tx = db.begin().await?;
    ensure_officer(role_in(&mut tx, db, actor, group, now).await?)?;
    store::insert_external(&mut tx, &row).await?;
    let details = json!({ "groupId": group, "externalParticipantId": row.id });
    record(
        &mut tx,
        origin,
        audit_actions::MRG_MEMBER_ADDED,
        ("mrg_group", group),
        None,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// A submission as the lead gives it: the question and a summary under the three
/// assessments.
pub struct NewSubmission {
    pub group_id: Uuid,
    pub case_id: Uuid,
    pub question: String,
    pub needs: String,
    pub capacity: String,
    pub resources: String,
    /// Documents of the case's personal file to attach ([`attachments`]).
    pub file_documents: Vec<Uuid>,
}

/// The lead agency (its curator or head) asks the group to review a case it leads,
/// attaching documents of the case's file.
pub async fn submit(
    db: &Db,
    settings: &crate::handovers::Settings,
    caller: &Caller,
    new: NewSubmission,
    now: DateTime<Utc>,
) -> AppResult<SubmissionRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    policy::ensure_any_role(
        actor,
        roles::WORK_ON_LED_CASES,
        "the case's curator or head",
    )?;
    let agency = agency_of(actor)?;
    let question = input::required_text("question", &new.question, rules::MAX_TEXT)?;
    let needs = input::required_text("needs", &new.needs, rules::MAX_TEXT)?;
    let capacity = input::required_text("capacity", &new.capacity, rules::MAX_TEXT)?;
    let resources = input::required_text("resources", &new.resources, rules::MAX_TEXT)?;
    attachments::check(db, actor, new.case_id, &new.file_documents, now).await?;
    let mut tx = db.begin().await?;
    store::get_group(db, Seer::of(actor, now), new.group_id).await?;
    if !store::group_agencies(&mut tx, new.group_id)
        .await?
        .contains(&agency)
    {
        return Err(AppError::Forbidden(
            "your agency is not a member of the group",
        ));
    }
    let found =
        crate::cases::store::get_visible_for_update(&mut tx, actor.viewer(), new.case_id, now)
            .await;
    let led = found
        .ok()
        .filter(|(c, s)| *s == Scope::Full && c.lead_agency_id == agency);
    let Some((case, _)) = led else {
        return Err(AppError::bad_input(
            "caseId",
            "not a case your agency leads",
        ));
    };
    crate::cases::ensure_open(&case)?;
    let copies = attachments::copy(&mut tx, settings, case.id, &new.file_documents).await?;
    let row = SubmissionRow {
        id: Uuid::now_v7(),
        group_id: new.group_id,
        case_id: case.id,
        lead_agency_id: agency,
        submitted_by_user_id: actor.user_id,
        question: Some(question),
        needs: Some(needs),
        capacity: Some(capacity),
        resources: Some(resources),
        status: SubmissionStatus::Submitted,
        meeting_id: None,
        submitted_at: now,
    };
    store::insert_submission(&mut tx, &row).await?;
    let in_database = settings.storage.in_database();
    store::insert_attachments(&mut tx, row.id, &copies, in_database, now).await?;
    let attached: Vec<Uuid> = copies.iter().map(|(_, from)| from.id).collect();
    let details = json!({
        "submissionId": row.id,
        "groupId": row.group_id,
        "fileDocumentIds": attached,
    });
    crate::cases::note(
        &mut tx,
        actor,
        case.id,
        "MRG_CASE_SUBMITTED",
        details.clone(),
        now,
    )
    .await?;
    record(
        &mut tx,
        origin,
        audit_actions::MRG_CASE_SUBMITTED,
        ("mrg_submission", row.id),
        Some(case.id),
        details,
        now,
    )
    .await?;
    // Files first, commit second: a failed commit removes the files again.
    let checked: Vec<_> = copies.into_iter().map(|(d, _)| d).collect();
    let files = settings.storage.write_files(&checked).await?;
    if let Err(error) = tx.commit().await {
        crate::handovers::documents::remove_files(&files).await;
        return Err(error);
    }
    Ok(row)
}
