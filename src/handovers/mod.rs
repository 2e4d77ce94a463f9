//! Handovers and referrals between agencies (domain.md §3).
//!
//! The lead agency asks another agency to take the case over (`TRANSFER`) or to give a
//! service while it keeps the lead (`REFERRAL`), with a package: which records go with
//! it and scanned documents. Until the receiver decides, the sender stays responsible;
//! the receiver sees the case's summary and the package. The receiver accepts (under its
//! own order's number and date) or declines with a reason; the sender may cancel while
//! the request is pending. The hub flags a request past its deadline and never decides
//! one itself. Who sees what afterwards is [`crate::access::participation`]'s rule book.

pub mod audit_actions;
pub mod documents;
pub mod export;
pub mod graphql;
pub mod model;
pub mod notices;
pub mod reads;
pub mod reminders;
pub mod rules;
pub mod store;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use self::documents::{CheckedDocument, Storage};
use self::model::{HandoverKind, HandoverRow, HandoverStatus, PackageRecord, SharingBasis};
use self::rules::Decision;
use crate::access::participation::WorkflowEvent;
use crate::access::policy::SharingGround;
use crate::access::{self, policy, roles, Actor, Caller, Role};
use crate::audit::{self, AuditAction, Entry, Origin};
use crate::cases;
use crate::config::Config;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::input;
use crate::notify::{self, Notice, NotificationKind, Recipient, Subject};

/// Handovers' kinds, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    notification_kinds: notices::KINDS,
    subject_kinds: notices::SUBJECTS,
    reminders: reminders::REMINDERS,
};

const MAX_TEXT: usize = 5_000;

/// The operator's settings for handovers.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Working days the receiver has to decide.
    pub working_days: u32,
    /// Largest document.
    pub max_document_bytes: usize,
    /// Most documents on one request.
    pub max_documents: usize,
    /// Where documents are kept.
    pub storage: Storage,
}

impl Settings {
    /// From the hub's configuration.
    pub fn from_config(config: &Config) -> Settings {
        Settings {
            working_days: config.handover_working_days,
            max_document_bytes: config.document_max_bytes,
            max_documents: config.document_max_files,
            storage: Storage::from_setting(config.documents_dir.as_deref()),
        }
    }
}

/// A new request as the sender gives it.
pub struct NewHandover {
    pub case_id: Uuid,
    pub to_agency_id: Uuid,
    pub kind: HandoverKind,
    pub reason: String,
    pub records: Vec<PackageRecord>,
    /// File name and content of each attached document.
    pub documents: Vec<(String, Vec<u8>)>,
    /// Documents of the case's personal file to copy into the package.
    pub file_documents: Vec<Uuid>,
    /// A head's reason to send the package although no consent covers the receiver.
    pub consent_override_reason: Option<String>,
    /// The sending head's order (required for a transfer).
    pub sender_order_number: Option<String>,
    pub sender_order_date: Option<NaiveDate>,
    /// The MRG recommendation this request carries out, if any: it is linked in the same
    /// transaction (see [`crate::mrg::followup::act_on`]).
    pub recommendation_id: Option<Uuid>,
}

/// Sends a request: checks it whole before anything is written, then stores it, its
/// documents, the receiver's summary view, a timeline entry and an audit event at once.
pub async fn request(
    db: &Db,
    settings: &Settings,
    caller: &Caller,
    new: NewHandover,
    now: DateTime<Utc>,
) -> AppResult<HandoverRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    match new.kind {
        HandoverKind::Transfer => policy::ensure_any_role(
            actor,
            roles::DECIDE_TRANSFERS,
            "only the head passes a case on",
        )?,
        // Informing another body about a family is a letter over the head's signature.
        HandoverKind::Notice => policy::ensure_any_role(
            actor,
            roles::DECIDE_TRANSFERS,
            "only the head sends a notice",
        )?,
        HandoverKind::Referral => {}
    }
    let reason = input::required_text("reason", &new.reason, MAX_TEXT)?;
    let sender_order_number = input::optional_text(
        "senderOrder.number",
        new.sender_order_number.as_deref(),
        100,
    )?;
    rules::check_sender_order(
        new.kind,
        sender_order_number.as_deref(),
        new.sender_order_date,
        (now + Duration::days(1)).date_naive(),
    )?;
    let override_reason = input::optional_text(
        "consentOverrideReason",
        new.consent_override_reason.as_deref(),
        MAX_TEXT,
    )?;
    if new.documents.len() + new.file_documents.len() > settings.max_documents {
        return Err(AppError::bad_input(
            "package.documents",
            format!("at most {} documents", settings.max_documents),
        ));
    }
    let mut documents = new
        .documents
        .into_iter()
        .enumerate()
        .map(|(i, (name, bytes))| documents::check(i, &name, bytes, settings.max_document_bytes))
        .collect::<AppResult<Vec<CheckedDocument>>>()?;
    let mut records = new.records;
    records.sort();
    records.dedup();
    let receiver = crate::agencies::store::get(db, new.to_agency_id)
        .await
        .map_err(|_| AppError::bad_input("toAgencyId", "no such agency"))?;

    let (mut tx, case) = cases::led_case(db, actor, new.case_id, now).await?;
    cases::ensure_open(&case)?;
    let from_file =
        crate::casefiles::for_package(&mut tx, settings, case.id, &new.file_documents).await?;
    let copies: Vec<(Uuid, Uuid)> = from_file.iter().map(|(d, from)| (d.id, *from)).collect();
    documents.extend(from_file.into_iter().map(|(d, _)| d));
    rules::check_receiver(
        new.kind,
        case.lead_agency_id,
        receiver.id,
        receiver.kind,
        receiver.active,
    )?;
    if store::pending_to(&mut tx, case.id, receiver.id).await? {
        return Err(AppError::Conflict(
            "a request to this agency is already pending for this case".into(),
        ));
    }
    if new.kind == HandoverKind::Transfer && store::transfer_pending(&mut tx, case.id).await? {
        return Err(AppError::Conflict(
            "a transfer of this case is already pending".into(),
        ));
    }
    // The package goes on a ground (152-FZ): the law for a transfer to guardianship and for
    // a notice (120-FZ art. 9 obliges the prevention system to inform these bodies), else a
    // consent covering the receiver, else a head's reason on the audit record.
    let legal_duty = match new.kind {
        HandoverKind::Transfer => receiver.kind == crate::agencies::AgencyKind::Guardianship,
        HandoverKind::Notice => rules::notice_receiver(receiver.kind),
        HandoverKind::Referral => false,
    };
    let consent = cases::store::consent_covering(&mut tx, case.id, receiver.id).await?;
    let ground = policy::sharing_ground(actor, legal_duty, consent, override_reason)?;
    let (sharing_basis, consent_override_reason, ground_details) = match ground {
        SharingGround::LegalDuty => (
            SharingBasis::LegalDuty,
            None,
            json!({ "legalDuty": match new.kind {
                HandoverKind::Notice => "a notice: the prevention system informs (120-FZ art. 9)",
                _ => "a transfer to guardianship: the child's rights at risk",
            } }),
        ),
        SharingGround::Consent(id) => (SharingBasis::Consent, None, json!({ "consentId": id })),
        SharingGround::Override(reason) => (
            SharingBasis::Override,
            Some(reason.clone()),
            json!({ "consentOverrideReason": reason }),
        ),
    };
    let row = HandoverRow {
        id: Uuid::now_v7(),
        case_id: case.id,
        kind: new.kind,
        from_agency_id: case.lead_agency_id,
        to_agency_id: receiver.id,
        requested_by_user_id: actor.user_id,
        reason: Some(reason),
        records: crate::db::JsonText(records),
        status: HandoverStatus::Pending,
        requested_at: now,
        deadline_at: crate::db::truncate(rules::acceptance_deadline(
            now,
            receiver.time_zone.tz(),
            settings.working_days,
        )),
        decided_at: None,
        decided_by_user_id: None,
        decline_reason: None,
        order_number: None,
        order_date: None,
        receiver_curator_id: None,
        service_result: None,
        closed_at: None,
        sharing_basis,
        consent_override_reason,
        version: 1,
        updated_at: now,
        sender_order_number,
        sender_order_date: new.sender_order_date,
        registration_number: None,
        registration_date: None,
    };
    store::insert(&mut tx, &row).await?;
    if let Some(recommendation_id) = new.recommendation_id {
        let act = crate::mrg::followup::Act {
            recommendation_id,
            kind: crate::mrg::model::ActionKind::Handover,
            case_id: case.id,
            agency_id: receiver.id,
            target_id: row.id,
        };
        crate::mrg::followup::act_on(&mut tx, actor, origin, act, now).await?;
    }
    store::insert_documents(
        &mut tx,
        row.id,
        &documents,
        settings.storage.in_database(),
        now,
    )
    .await?;
    crate::casefiles::store::link_copies(&mut tx, &copies).await?;
    let event = WorkflowEvent::HandoverRequested { to: receiver.id };
    access::store::apply(&mut tx, case.id, &event, now).await?;
    let mut details = json!({
        "handoverId": row.id,
        "kind": row.kind,
        "toAgencyId": row.to_agency_id,
        "documents": documents.len(),
        "fileDocuments": copies.len(),
        "sharingBasis": row.sharing_basis,
    });
    if let (Some(details), Some(ground)) = (details.as_object_mut(), ground_details.as_object()) {
        details.extend(ground.clone());
    }
    cases::note(
        &mut tx,
        actor,
        case.id,
        "HANDOVER_REQUESTED",
        details.clone(),
        now,
    )
    .await?;
    record(
        &mut tx,
        origin,
        &row,
        audit_actions::HANDOVER_REQUESTED,
        details,
        now,
    )
    .await?;
    let told = match row.kind {
        HandoverKind::Notice => notices::NOTICE_RECEIVED,
        _ => notices::HANDOVER_REQUESTED,
    };
    let notice = notice_of(&row, told, &case.journal_no);
    notify::enqueue(&mut tx, &notice, now).await?;
    // Files first, commit second: a failed commit removes the files again, so a refused
    // request leaves nothing behind.
    let files = settings.storage.write_files(&documents).await?;
    if let Err(error) = tx.commit().await {
        documents::remove_files(&files).await;
        return Err(error);
    }
    Ok(row)
}

/// How the receiver accepts.
pub struct Acceptance {
    /// The incoming registration number and date (required for a transfer).
    pub registration_number: Option<String>,
    pub registration_date: Option<NaiveDate>,
    /// The receiving body's own order, when it issues one.
    pub order_number: Option<String>,
    pub order_date: Option<NaiveDate>,
    /// Its curator for the case; the accepting officer when not given.
    pub curator_id: Option<Uuid>,
}

/// The receiver accepts. A transfer moves the lead in one transaction: the receiver leads
/// with FULL scope and its curator, the sender keeps the summary (or read-only FULL for
/// the period its agency set). A referral gives the receiver FULL scope for its work.
pub async fn accept(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    acceptance: Acceptance,
    now: DateTime<Utc>,
) -> AppResult<HandoverRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let order_number =
        input::optional_text("orderNumber", acceptance.order_number.as_deref(), 100)?;
    let registration_number = input::optional_text(
        "registrationNumber",
        acceptance.registration_number.as_deref(),
        100,
    )?;
    let registration = rules::Registration {
        number: registration_number.as_deref(),
        date: acceptance.registration_date,
        order_number: order_number.as_deref(),
        order_date: acceptance.order_date,
    };
    let mut tx = db.begin().await?;
    let mut row = received(&mut tx, actor, id).await?;
    policy::ensure_decides_on(actor, row.kind == HandoverKind::Transfer)?;
    // Accepting gives the receiver the case's personal data: the consent the request went
    // on must still stand (withdrawn meanwhile, the sender asks again).
    if row.status == HandoverStatus::Pending
        && row.sharing_basis == SharingBasis::Consent
        && cases::store::consent_covering(&mut tx, row.case_id, row.to_agency_id)
            .await?
            .is_none()
    {
        return Err(AppError::Conflict(
            "the consent covering your agency was withdrawn: the sender must ask again".into(),
        ));
    }
    rules::check_registration(
        row.kind,
        &registration,
        (now + Duration::days(1)).date_naive(),
    )?;
    if rules::check_accept(&row, &registration)? == Decision::AlreadyDone {
        return Ok(row);
    }
    let curator = receiving_curator(db, actor, acceptance.curator_id).await?;
    let (mut case, _) =
        cases::store::get_visible_for_update(&mut tx, actor.viewer(), row.case_id, now).await?;
    cases::ensure_open(&case)?;
    if case.lead_agency_id != row.from_agency_id {
        return Err(AppError::Conflict(
            "the case is no longer led by the agency that sent the request".into(),
        ));
    }
    row.status = HandoverStatus::Accepted;
    row.registration_number = registration_number;
    row.registration_date = acceptance.registration_date;
    row.order_number = order_number;
    row.order_date = acceptance.order_date;
    row.receiver_curator_id = Some(curator);
    decided(&mut tx, actor, &mut row, HandoverStatus::Pending, now).await?;
    let (event, kind) = match row.kind {
        HandoverKind::Transfer => {
            let sender = crate::agencies::store::get_in(&mut tx, row.from_agency_id).await?;
            let keep_full_until = (sender.former_lead_full_days > 0)
                .then(|| now + Duration::days(i64::from(sender.former_lead_full_days)));
            case.lead_agency_id = row.to_agency_id;
            case.curator_user_id = Some(curator);
            case.version += 1;
            case.updated_at = now;
            cases::store::update_workflow(&mut tx, &case).await?;
            let event = WorkflowEvent::TransferAccepted {
                from: row.from_agency_id,
                to: row.to_agency_id,
                keep_full_until,
            };
            (event, "TRANSFER_ACCEPTED")
        }
        HandoverKind::Referral => (
            WorkflowEvent::ReferralAccepted {
                to: row.to_agency_id,
            },
            "REFERRAL_ACCEPTED",
        ),
        // `check_accept` refused a notice above.
        HandoverKind::Notice => {
            return Err(AppError::Internal(anyhow::anyhow!(
                "a notice reached accept"
            )))
        }
    };
    access::store::apply(&mut tx, case.id, &event, now).await?;
    let details = json!({
        "handoverId": row.id,
        "kind": row.kind,
        "fromAgencyId": row.from_agency_id,
        "toAgencyId": row.to_agency_id,
        "orderNumber": row.order_number,
        "orderDate": row.order_date,
    });
    cases::note(&mut tx, actor, case.id, kind, details.clone(), now).await?;
    record(
        &mut tx,
        origin,
        &row,
        audit_actions::HANDOVER_ACCEPTED,
        details,
        now,
    )
    .await?;
    let notice = notice_of(&row, notices::HANDOVER_ACCEPTED, &case.journal_no);
    notify::enqueue(&mut tx, &notice, now).await?;
    tx.commit().await?;
    Ok(row)
}

/// The receiver of a notice registers its receipt under its incoming number and date. The
/// lead stays with the sender, which may now close the case for broken commitments; the
/// receiver keeps the case's summary and the package it was sent, to open its own case.
pub async fn acknowledge_notice(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    registration_number: &str,
    registration_date: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> AppResult<HandoverRow> {
    let actor = caller.actor()?;
    let number = input::optional_text("registrationNumber", Some(registration_number), 100)?;
    let registration = rules::Registration {
        number: number.as_deref(),
        date: registration_date,
        order_number: None,
        order_date: None,
    };
    let mut tx = db.begin().await?;
    let mut row = received(&mut tx, actor, id).await?;
    policy::ensure_decides_on(actor, false)?;
    rules::check_registration(
        row.kind,
        &registration,
        (now + Duration::days(1)).date_naive(),
    )?;
    if rules::check_acknowledge(&row, &registration)? == Decision::AlreadyDone {
        return Ok(row);
    }
    row.status = HandoverStatus::Acknowledged;
    row.registration_number = number;
    row.registration_date = registration_date;
    decided(&mut tx, actor, &mut row, HandoverStatus::Pending, now).await?;
    let event = WorkflowEvent::NoticeAcknowledged {
        to: row.to_agency_id,
    };
    finish(
        tx,
        caller,
        row,
        event,
        "NOTICE_ACKNOWLEDGED",
        audit_actions::NOTICE_ACKNOWLEDGED,
        now,
    )
    .await
}

/// The receiver declines, with a reason; its view of the case ends.
pub async fn decline(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<HandoverRow> {
    let actor = caller.actor()?;
    let reason = input::required_text("reason", reason, MAX_TEXT)?;
    let mut tx = db.begin().await?;
    let mut row = received(&mut tx, actor, id).await?;
    policy::ensure_decides_on(actor, row.kind == HandoverKind::Transfer)?;
    if rules::check_decline(&row, &reason)? == Decision::AlreadyDone {
        return Ok(row);
    }
    row.status = HandoverStatus::Declined;
    row.decline_reason = Some(reason);
    withdraw(
        tx,
        caller,
        row,
        "HANDOVER_DECLINED",
        audit_actions::HANDOVER_DECLINED,
        now,
    )
    .await
}

/// The sender withdraws a pending request; the receiver's view of the case ends.
pub async fn cancel(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<HandoverRow> {
    let actor = caller.actor()?;
    let mut tx = db.begin().await?;
    let mut row = store::get_visible_for_update(&mut tx, actor.agency_id, id).await?;
    if Some(row.from_agency_id) != actor.agency_id {
        return Err(AppError::Conflict(
            "only the agency that sent the request cancels it".into(),
        ));
    }
    if row.requested_by_user_id != actor.user_id {
        policy::ensure_any_role(
            actor,
            roles::DECIDE_TRANSFERS,
            "only the head or whoever sent it cancels",
        )?;
    }
    if rules::check_cancel(&row)? == Decision::AlreadyDone {
        return Ok(row);
    }
    row.status = HandoverStatus::Cancelled;
    withdraw(
        tx,
        caller,
        row,
        "HANDOVER_CANCELLED",
        audit_actions::HANDOVER_CANCELLED,
        now,
    )
    .await
}

/// The receiver of a referral records the service it gave and closes the referral; its
/// FULL scope ends and the lead reads the result in the case's handover history.
pub async fn complete_referral(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    result: &str,
    now: DateTime<Utc>,
) -> AppResult<HandoverRow> {
    let actor = caller.actor()?;
    policy::ensure_any_role(
        actor,
        roles::GIVE_REFERRED_SERVICE,
        "recording a referral's service",
    )?;
    let result = input::required_text("serviceResult", result, MAX_TEXT)?;
    let mut tx = db.begin().await?;
    let mut row = received(&mut tx, actor, id).await?;
    if rules::check_complete(&row, &result)? == Decision::AlreadyDone {
        return Ok(row);
    }
    row.status = HandoverStatus::Completed;
    row.service_result = Some(result);
    row.closed_at = Some(now);
    let from = HandoverStatus::Accepted;
    row.version += 1;
    row.updated_at = now;
    store::update_decision(&mut tx, &row, from).await?;
    let event = WorkflowEvent::ReferralClosed {
        to: row.to_agency_id,
    };
    finish(
        tx,
        caller,
        row,
        event,
        "REFERRAL_COMPLETED",
        audit_actions::REFERRAL_COMPLETED,
        now,
    )
    .await
}

/// A request to the actor's agency, locked; the sender acting on it is a `CONFLICT`.
async fn received(tx: &mut Tx, actor: &Actor, id: Uuid) -> AppResult<HandoverRow> {
    let row = store::get_visible_for_update(tx, actor.agency_id, id).await?;
    if Some(row.to_agency_id) != actor.agency_id {
        return Err(AppError::Conflict(
            "only the receiving agency decides on a request".into(),
        ));
    }
    Ok(row)
}

/// The curator the receiver names: an active case worker of its own agency.
async fn receiving_curator(db: &Db, actor: &Actor, named: Option<Uuid>) -> AppResult<Uuid> {
    let Some(id) = named else {
        return Ok(actor.user_id);
    };
    let named_user = match crate::users::get(db, id).await {
        Ok(user) => Some(user),
        // An unknown id is the caller's mistake; any other failure (an unreadable row, the
        // database) is ours and must not read as "not a case worker".
        Err(AppError::NotFound(_)) => None,
        Err(other) => return Err(other),
    };
    let fits = named_user.is_some_and(|u| {
        u.row.agency_id == actor.agency_id
            && u.row.active
            && u.roles
                .iter()
                .any(|r| roles::GIVE_REFERRED_SERVICE.contains(r))
    });
    if fits {
        Ok(id)
    } else {
        Err(AppError::bad_input(
            "curatorId",
            "not an active case worker of your agency",
        ))
    }
}

async fn decided(
    tx: &mut Tx,
    actor: &Actor,
    row: &mut HandoverRow,
    from: HandoverStatus,
    now: DateTime<Utc>,
) -> AppResult<()> {
    row.decided_at = Some(now);
    row.decided_by_user_id = Some(actor.user_id);
    row.version += 1;
    row.updated_at = now;
    store::update_decision(tx, row, from).await
}

async fn withdraw(
    mut tx: Tx,
    caller: &Caller,
    mut row: HandoverRow,
    kind: &str,
    action: AuditAction,
    now: DateTime<Utc>,
) -> AppResult<HandoverRow> {
    let actor = caller.actor()?;
    decided(&mut tx, actor, &mut row, HandoverStatus::Pending, now).await?;
    let event = WorkflowEvent::HandoverWithdrawn {
        to: row.to_agency_id,
    };
    finish(tx, caller, row, event, kind, action, now).await
}

#[allow(clippy::too_many_arguments)]
async fn finish(
    mut tx: Tx,
    caller: &Caller,
    row: HandoverRow,
    event: WorkflowEvent,
    kind: &str,
    action: AuditAction,
    now: DateTime<Utc>,
) -> AppResult<HandoverRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    access::store::apply(&mut tx, row.case_id, &event, now).await?;
    let details = json!({ "handoverId": row.id, "kind": row.kind });
    cases::note(&mut tx, actor, row.case_id, kind, details.clone(), now).await?;
    record(&mut tx, origin, &row, action, details, now).await?;
    let told = match action {
        audit_actions::HANDOVER_DECLINED => Some(notices::HANDOVER_DECLINED),
        audit_actions::HANDOVER_CANCELLED => Some(notices::HANDOVER_CANCELLED),
        audit_actions::NOTICE_ACKNOWLEDGED => Some(notices::NOTICE_ACKNOWLEDGED),
        _ => None,
    };
    if let Some(kind) = told {
        let journal_no = store::journal_no_of_case(&mut tx, row.case_id).await?;
        notify::enqueue(&mut tx, &notice_of(&row, kind, &journal_no), now).await?;
    }
    tx.commit().await?;
    Ok(row)
}

/// Who hears of a step: the receiver of a new, cancelled or nearly late request (its
/// address, its officers and heads); the sender of a decision (its address, whoever
/// sent the request, its heads). Only the kind, the case number and the deadline go out.
pub fn notice_of(row: &HandoverRow, kind: NotificationKind, journal_no: &str) -> Notice {
    let (agency, extra) = match kind {
        notices::HANDOVER_ACCEPTED | notices::HANDOVER_DECLINED | notices::NOTICE_ACKNOWLEDGED => {
            (row.from_agency_id, Some(row.requested_by_user_id))
        }
        _ => (row.to_agency_id, None),
    };
    let mut recipients = vec![
        Recipient::Agency(agency),
        Recipient::Role(agency, Role::HeadOfService),
        Recipient::Role(agency, Role::GuardianshipOfficer),
    ];
    recipients.extend(extra.map(Recipient::User));
    let waiting = matches!(
        kind,
        notices::HANDOVER_REQUESTED | notices::NOTICE_RECEIVED | notices::HANDOVER_DEADLINE_NEAR
    );
    Notice {
        kind,
        subject: Subject::new(notices::HANDOVER, row.id),
        journal_no: journal_no.to_owned(),
        clock: None,
        due_at: waiting.then_some(row.deadline_at),
        recipients,
    }
}

async fn record(
    tx: &mut Tx,
    origin: &Origin,
    row: &HandoverRow,
    action: AuditAction,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let entry = Entry {
        case_id: Some(row.case_id),
        ..Entry::new(action, "handover", Some(row.id))
    }
    .with_details(details);
    audit::record(tx, origin, entry, now).await
}
