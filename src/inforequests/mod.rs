//! Information requests between agencies (seeds-notes A4; issue 14).
//!
//! The lead agency's curator or head asks another agency on the hub (guardianship,
//! social protection, a hospital…) questions about a case, with a due date. The request
//! takes a number in the sender's journal (`REQ-2026-0001`), so both agencies can refer
//! to it. The receiver sees the questions and only what identifies the person (the
//! mother's full name and birth date), while the request is open, each read audited; it
//! answers once, with text and documents (checked and stored as handover documents are),
//! and the answer is filed in the case, where the lead reads it. The sender may withdraw
//! an open request. Both hear of each step by e-mail (number and link only); a request
//! past its due date is flagged, and its agencies are reminded once. Who sees what is
//! [`crate::access`]'s to say.

pub mod audit_actions;
pub mod graphql;
pub mod model;
pub mod notices;
pub mod reads;
pub mod reminders;
pub mod rules;
pub mod store;

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use self::model::{InformationRequestRow, InformationRequestStatus};
use self::rules::Step;
use crate::access::{policy, Actor, Caller, Role};
use crate::audit::{self, AuditAction, Entry, Origin};
use crate::cases;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::handovers::documents::{self, CheckedDocument};
use crate::handovers::Settings;
use crate::input;
use crate::journal::{self, Journal};
use crate::notify::{self, Notice, NotificationKind, Recipient, Subject};

/// Information requests' registrations, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    notification_kinds: notices::KINDS,
    subject_kinds: notices::SUBJECTS,
    reminders: reminders::REMINDERS,
};

/// The longest questions, answer or reason, in characters.
pub const MAX_TEXT: usize = 5_000;

/// A new request as the sender gives it.
pub struct NewRequest {
    pub case_id: Uuid,
    pub receiver_agency_id: Uuid,
    pub questions: String,
    /// The day the answer is due.
    pub due_date: chrono::NaiveDate,
}

/// Asks another agency for information about a case the caller's agency leads: checked
/// whole, then numbered, stored, put on the case's timeline, audited and announced to
/// the receiver at once.
pub async fn request(
    db: &Db,
    caller: &Caller,
    new: NewRequest,
    now: DateTime<Utc>,
) -> AppResult<InformationRequestRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    policy::ensure_asks_information(actor)?;
    let questions = input::required_text("questions", &new.questions, MAX_TEXT)?;
    let receiver = crate::agencies::store::get(db, new.receiver_agency_id)
        .await
        .map_err(|_| AppError::bad_input("receiverAgencyId", "no such agency"))?;
    let receiver_today = now.with_timezone(&receiver.time_zone.tz()).date_naive();
    rules::check_due_date(new.due_date, receiver_today)?;
    let (mut tx, case) = cases::led_case(db, actor, new.case_id, now).await?;
    cases::ensure_open(&case)?;
    rules::check_receiver(case.lead_agency_id, receiver.id, receiver.active)?;
    let sender = crate::agencies::store::get_in(&mut tx, case.lead_agency_id).await?;
    let journal_no = journal::next_number(
        &mut tx,
        sender.id,
        sender.time_zone,
        Journal::InformationRequests,
        now,
    )
    .await?;
    let row = InformationRequestRow {
        id: Uuid::now_v7(),
        journal_no,
        case_id: case.id,
        from_agency_id: sender.id,
        to_agency_id: receiver.id,
        requested_by_user_id: actor.user_id,
        questions: Some(questions),
        due_date: new.due_date,
        due_at: crate::db::truncate(rules::due_at(new.due_date, receiver.time_zone.tz())),
        status: InformationRequestStatus::Open,
        requested_at: now,
        answer_text: None,
        answered_at: None,
        answered_by_user_id: None,
        withdraw_reason: None,
        withdrawn_at: None,
        withdrawn_by_user_id: None,
        version: 1,
        updated_at: now,
    };
    store::insert(&mut tx, &row).await?;
    let details = json!({
        "informationRequestId": row.id,
        "journalNumber": row.journal_no,
        "toAgencyId": row.to_agency_id,
        "dueDate": row.due_date,
    });
    cases::note(
        &mut tx,
        actor,
        case.id,
        "INFORMATION_REQUESTED",
        details.clone(),
        now,
    )
    .await?;
    record(
        &mut tx,
        origin,
        &row,
        audit_actions::INFORMATION_REQUESTED,
        details,
        now,
    )
    .await?;
    notify::enqueue(
        &mut tx,
        &notice_of(&row, notices::INFORMATION_REQUESTED),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// The receiver's answer: its text and documents (file name and content each).
pub struct NewAnswer {
    pub text: String,
    pub documents: Vec<(String, Vec<u8>)>,
}

/// The receiving agency answers an open request, once: the answer and its documents are
/// filed in the case (its timeline notes it) and the sender hears of it. Documents are
/// checked as a handover's are; one refused refuses the whole answer, with nothing kept.
pub async fn answer(
    db: &Db,
    settings: &Settings,
    caller: &Caller,
    id: Uuid,
    new: NewAnswer,
    now: DateTime<Utc>,
) -> AppResult<InformationRequestRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    policy::ensure_answers_information(actor)?;
    let text = input::required_text("text", &new.text, MAX_TEXT)?;
    if new.documents.len() > settings.max_documents {
        return Err(AppError::bad_input(
            "documents",
            format!("at most {} documents", settings.max_documents),
        ));
    }
    let checked = new
        .documents
        .into_iter()
        .enumerate()
        .map(|(i, (name, bytes))| {
            let field = format!("documents[{i}]");
            documents::check_upload(&field, &name, bytes, settings.max_document_bytes)
        })
        .collect::<AppResult<Vec<CheckedDocument>>>()?;
    let mut tx = db.begin().await?;
    let mut row = store::get_visible_for_update(&mut tx, actor.viewer(), id, now).await?;
    if Some(row.to_agency_id) != actor.agency_id {
        return Err(AppError::Forbidden("only the receiving agency answers"));
    }
    rules::check_answer(&row)?;
    row.status = InformationRequestStatus::Answered;
    row.answer_text = Some(text);
    row.answered_at = Some(now);
    row.answered_by_user_id = Some(actor.user_id);
    row.version += 1;
    row.updated_at = now;
    store::update_step(&mut tx, &row).await?;
    let in_database = settings.storage.in_database();
    store::insert_documents(&mut tx, row.id, &checked, in_database, now).await?;
    let details = json!({
        "informationRequestId": row.id,
        "journalNumber": row.journal_no,
        "documents": checked.len(),
    });
    let action = audit_actions::INFORMATION_REQUEST_ANSWERED;
    finish(
        &mut tx,
        actor,
        origin,
        &row,
        "INFORMATION_REQUEST_ANSWERED",
        action,
        details,
        now,
    )
    .await?;
    let kind = notices::INFORMATION_REQUEST_ANSWERED;
    notify::enqueue(&mut tx, &notice_of(&row, kind), now).await?;
    // Files first, commit second: a failed commit removes the files again.
    let files = settings.storage.write_files(&checked).await?;
    if let Err(error) = tx.commit().await {
        documents::remove_files(&files).await;
        return Err(error);
    }
    Ok(row)
}

/// The sender withdraws an open request, with a reason; the receiver's view of the
/// person ends and it hears of it. The same withdrawal again is a harmless repeat.
pub async fn withdraw(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<InformationRequestRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let reason = input::required_text("reason", reason, MAX_TEXT)?;
    let mut tx = db.begin().await?;
    let mut row = store::get_visible_for_update(&mut tx, actor.viewer(), id, now).await?;
    if Some(row.from_agency_id) != actor.agency_id {
        return Err(AppError::Forbidden(
            "only the agency that sent the request withdraws it",
        ));
    }
    policy::ensure_withdraws_information(actor, row.requested_by_user_id)?;
    if rules::check_withdraw(&row, &reason)? == Step::AlreadyDone {
        return Ok(row);
    }
    row.status = InformationRequestStatus::Withdrawn;
    row.withdraw_reason = Some(reason);
    row.withdrawn_at = Some(now);
    row.withdrawn_by_user_id = Some(actor.user_id);
    row.version += 1;
    row.updated_at = now;
    store::update_step(&mut tx, &row).await?;
    let details = json!({ "informationRequestId": row.id, "journalNumber": row.journal_no });
    let action = audit_actions::INFORMATION_REQUEST_WITHDRAWN;
    finish(
        &mut tx,
        actor,
        origin,
        &row,
        "INFORMATION_REQUEST_WITHDRAWN",
        action,
        details,
        now,
    )
    .await?;
    let kind = notices::INFORMATION_REQUEST_WITHDRAWN;
    notify::enqueue(&mut tx, &notice_of(&row, kind), now).await?;
    tx.commit().await?;
    Ok(row)
}

/// Notes a step on the case's timeline and in the audit log.
#[allow(clippy::too_many_arguments)]
async fn finish(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    row: &InformationRequestRow,
    timeline_kind: &str,
    action: AuditAction,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    cases::note(tx, actor, row.case_id, timeline_kind, details.clone(), now).await?;
    record(tx, origin, row, action, details, now).await
}

/// Who hears of a step: the receiver of a new, withdrawn or overdue request (its
/// address, its heads and guardianship officers), the sender of an answer and of an
/// overdue request (its address, whoever asked, its heads). Only the kind, the request's
/// number, the due time and a link go out.
pub fn notice_of(row: &InformationRequestRow, kind: NotificationKind) -> Notice {
    let receiver = |agency| {
        vec![
            Recipient::Agency(agency),
            Recipient::Role(agency, Role::HeadOfService),
            Recipient::Role(agency, Role::GuardianshipOfficer),
        ]
    };
    let sender = |agency| {
        vec![
            Recipient::Agency(agency),
            Recipient::User(row.requested_by_user_id),
            Recipient::Role(agency, Role::HeadOfService),
        ]
    };
    let recipients = match kind {
        notices::INFORMATION_REQUEST_ANSWERED => sender(row.from_agency_id),
        notices::INFORMATION_REQUEST_OVERDUE => {
            let mut both = receiver(row.to_agency_id);
            both.extend(sender(row.from_agency_id));
            both
        }
        _ => receiver(row.to_agency_id),
    };
    let waiting = matches!(
        kind,
        notices::INFORMATION_REQUESTED | notices::INFORMATION_REQUEST_OVERDUE
    );
    Notice {
        kind,
        subject: Subject::new(notices::INFORMATION_REQUEST, row.id),
        journal_no: row.journal_no.clone(),
        clock: None,
        due_at: waiting.then_some(row.due_at),
        recipients,
    }
}

async fn record(
    tx: &mut Tx,
    origin: &Origin,
    row: &InformationRequestRow,
    action: AuditAction,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let entry = Entry {
        case_id: Some(row.case_id),
        ..Entry::new(action, "information_request", Some(row.id))
    }
    .with_details(details);
    audit::record(tx, origin, entry, now).await
}
