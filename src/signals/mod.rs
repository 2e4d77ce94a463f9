//! Signals (domain.md §1): a hospital reports a mother at risk, the prevention service
//! receives it at any hour, the head assigns a curator, the curator visits, and the
//! signal becomes a case or is closed as not confirmed. Every step is timed against the
//! legal clocks ([`clocks`]), attributed and audited.

pub mod audit_actions;
pub mod clocks;
pub mod export;
pub mod graphql;
pub mod intake;
pub mod model;
pub mod notices;
pub mod reads;
pub mod reminders;
pub mod rules;
pub mod store;
pub mod visit;

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use self::intake::NewSignal;
use self::model::{SignalRow, SignalStatus};
use self::rules::SignalStep;
use self::store::Placement;
use self::visit::VisitReport;
use crate::access::{policy, roles, Actor, Caller, Role};
use crate::agencies::{self, AgencyKind, AgencyRow};
use crate::audit::{self, AuditAction, Entry, Origin};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::journal::{self, Journal};
use crate::notify::{self, Notice, Recipient, Subject};

/// Signals' kinds, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    notification_kinds: notices::KINDS,
    subject_kinds: notices::SUBJECTS,
    reminders: reminders::REMINDERS,
};

/// A hospital's responsible specialist reports a signal: it is registered in the
/// hospital's journal and passed to the prevention service now, with the clocks set.
pub async fn report(
    db: &Db,
    caller: &Caller,
    new: NewSignal,
    now: DateTime<Utc>,
) -> AppResult<SignalRow> {
    let actor = caller.actor()?;
    let hospital = own_agency(db, actor, AgencyKind::Maternity).await?;
    policy::ensure_any_role(actor, roles::REPORT_SIGNALS, "reporting signals")?;
    let service = prevention_service(db, new.service_agency_id).await?;
    let mut tx = db.begin().await?;
    let placement = Placement {
        id: Uuid::now_v7(),
        status: SignalStatus::Sent,
        sender_agency_id: Some(hospital.id),
        sender_journal_no: Some(
            journal::next_number(
                &mut tx,
                hospital.id,
                hospital.time_zone,
                Journal::Signals,
                now,
            )
            .await?,
        ),
        service_journal_no: None,
        passed_at: Some(now),
        received_at: None,
        specialist_due_at: new.detected_at.map(|t| t + clocks::SPECIALIST_WITHIN),
        passing_due_at: new.registered_at.map(|t| t + clocks::PASSING_WITHIN),
        visit_due_at: None,
        created_by: actor.user_id,
    };
    let entry = Entry::new(audit_actions::SIGNAL_REPORTED, "signal", Some(placement.id))
        .with_details(json!({ "serviceAgencyId": service.id }));
    // At any hour: the service and its heads hear of it at once (seed 000).
    let notice = Notice {
        kind: notices::NEW_SIGNAL,
        subject: Subject::new(notices::SIGNAL, placement.id),
        journal_no: placement.sender_journal_no.clone().unwrap_or_default(),
        clock: None,
        due_at: None,
        recipients: vec![
            Recipient::Agency(service.id),
            Recipient::Role(service.id, Role::HeadOfService),
        ],
    };
    notify::enqueue(&mut tx, &notice, now).await?;
    register(tx, caller, &new, &placement, entry, now).await
}

/// The prevention service records a signal from another source: registered in its own
/// journal and received at once; no hospital clocks.
pub async fn record(
    db: &Db,
    caller: &Caller,
    new: NewSignal,
    now: DateTime<Utc>,
) -> AppResult<SignalRow> {
    let actor = caller.actor()?;
    let service = own_agency(db, actor, AgencyKind::PreventionService).await?;
    policy::ensure_any_role(actor, roles::RECEIVE_SIGNALS, "recording signals")?;
    let mut tx = db.begin().await?;
    let placement = Placement {
        id: Uuid::now_v7(),
        status: SignalStatus::Received,
        sender_agency_id: None,
        sender_journal_no: None,
        service_journal_no: Some(
            journal::next_number(
                &mut tx,
                service.id,
                service.time_zone,
                Journal::Signals,
                now,
            )
            .await?,
        ),
        passed_at: None,
        received_at: Some(now),
        specialist_due_at: None,
        passing_due_at: None,
        visit_due_at: clocks::visit_due(now, new.in_ward_with_child, None)?,
        created_by: actor.user_id,
    };
    let entry = Entry::new(audit_actions::SIGNAL_RECORDED, "signal", Some(placement.id))
        .with_details(json!({ "source": new.source }));
    register(tx, caller, &new, &placement, entry, now).await
}

/// The service receives a hospital's signal (at any hour) and registers it in its
/// journal; the visit clock starts.
pub async fn receive(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<SignalRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let service = own_agency(db, actor, AgencyKind::PreventionService).await?;
    policy::ensure_any_role(actor, roles::RECEIVE_SIGNALS, "receiving signals")?;
    let mut tx = db.begin().await?;
    let mut row = step(&mut tx, actor, id, SignalStep::Receive).await?;
    row.service_journal_no = Some(
        journal::next_number(
            &mut tx,
            service.id,
            service.time_zone,
            Journal::Signals,
            now,
        )
        .await?,
    );
    row.received_at = Some(now);
    row.visit_due_at = clocks::visit_due(now, row.in_ward_with_child, None)?;
    finish(
        tx,
        origin,
        row,
        audit_actions::SIGNAL_RECEIVED,
        json!({}),
        now,
    )
    .await
}

/// The head of service assigns a curator of the service, within the caseload limit
/// unless overridden with a reason.
pub async fn assign_curator(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    curator_id: Uuid,
    override_reason: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<SignalRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let service = own_agency(db, actor, AgencyKind::PreventionService).await?;
    policy::ensure_any_role(actor, roles::DIRECT_SIGNAL_WORK, "assigning curators")?;
    let override_reason = crate::input::optional_text(
        "overrideReason",
        override_reason.as_deref(),
        intake::MAX_NOTES,
    )?;
    let curator = crate::users::get(db, curator_id).await.ok().filter(|u| {
        u.row.agency_id == Some(service.id) && u.row.active && u.roles.contains(&Role::Curator)
    });
    let curator = curator
        .ok_or_else(|| AppError::bad_input("curatorId", "not an active curator of your service"))?;
    let mut tx = db.begin().await?;
    let mut row = step(&mut tx, actor, id, SignalStep::AssignCurator).await?;
    if row.curator_user_id != Some(curator.row.id) {
        rules::check_caseload(
            store::caseload(&mut tx, curator.row.id).await?,
            service.caseload_limit,
            override_reason.as_deref(),
        )?;
    }
    if row.curator_user_id != Some(curator.row.id) {
        let notice = Notice {
            kind: notices::CURATOR_ASSIGNED,
            subject: Subject::new(notices::SIGNAL, row.id),
            journal_no: row.service_journal_no.clone().unwrap_or_default(),
            clock: None,
            due_at: row.visit_due_at,
            recipients: vec![
                Recipient::Agency(service.id),
                Recipient::User(curator.row.id),
            ],
        };
        notify::enqueue(&mut tx, &notice, now).await?;
    }
    row.curator_user_id = Some(curator.row.id);
    row.curator_assigned_at = Some(now);
    row.curator_override_reason = override_reason;
    let details =
        json!({ "curatorId": curator.row.id, "override": row.curator_override_reason.is_some() });
    finish(
        tx,
        origin,
        row,
        audit_actions::CURATOR_ASSIGNED,
        details,
        now,
    )
    .await
}

/// The head sets the visit's due time (earlier than 3 hours in the ward, or any time
/// when the mother is not in the ward with the child).
pub async fn set_visit_due(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<SignalRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    own_agency(db, actor, AgencyKind::PreventionService).await?;
    policy::ensure_any_role(actor, roles::DIRECT_SIGNAL_WORK, "setting visit times")?;
    let mut tx = db.begin().await?;
    let mut row = service_signal(&mut tx, actor, id).await?;
    if row.visited_at.is_some()
        || !matches!(
            row.status,
            SignalStatus::Received | SignalStatus::CuratorAssigned
        )
    {
        return Err(AppError::Conflict(
            "the visit time can be set only before the visit".into(),
        ));
    }
    let received = row
        .received_at
        .ok_or_else(|| AppError::Conflict("receive the signal first".into()))?;
    row.visit_due_at = clocks::visit_due(
        received,
        row.in_ward_with_child,
        Some(crate::db::truncate(due)),
    )?;
    finish(
        tx,
        origin,
        row,
        audit_actions::VISIT_DUE_SET,
        json!({}),
        now,
    )
    .await
}

/// The assigned curator (or the head) records the visit and the initial report.
pub async fn record_visit(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    visited_at: DateTime<Utc>,
    report: VisitReport,
    now: DateTime<Utc>,
) -> AppResult<SignalRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let report = report.checked()?;
    let mut tx = db.begin().await?;
    let mut row = step(&mut tx, actor, id, SignalStep::RecordVisit).await?;
    ensure_curator_or_head(actor, &row)?;
    visit::check_visited_at(visited_at, row.received_at, now)?;
    row.visited_at = Some(crate::db::truncate(visited_at));
    row.visit_report = Some(crate::db::JsonText(report));
    finish(
        tx,
        origin,
        row,
        audit_actions::VISIT_RECORDED,
        json!({}),
        now,
    )
    .await
}

/// Closes a signal as not confirmed, with a reason (the curator or the head).
pub async fn dismiss(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<SignalRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let reason = crate::input::required_text("reason", reason, intake::MAX_NOTES)?;
    let mut tx = db.begin().await?;
    let mut row = step(&mut tx, actor, id, SignalStep::Dismiss).await?;
    ensure_curator_or_head(actor, &row)?;
    row.dismissed_at = Some(now);
    row.dismissal_reason = Some(reason);
    finish(
        tx,
        origin,
        row,
        audit_actions::SIGNAL_DISMISSED,
        json!({}),
        now,
    )
    .await
}

/// Writes a new signal and its audit event and commits; returns the stored row (the
/// resolver shows it through the scoped read, as every reader sees it).
#[allow(clippy::too_many_arguments)]
async fn register(
    mut tx: Tx,
    caller: &Caller,
    new: &NewSignal,
    placement: &Placement,
    entry: Entry,
    now: DateTime<Utc>,
) -> AppResult<SignalRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    store::insert(&mut tx, new, placement, now).await?;
    audit::record(&mut tx, origin, entry, now).await?;
    let row = store::get_own_for_update(&mut tx, actor.agency_id, placement.id).await?;
    tx.commit().await?;
    Ok(row)
}

/// Loads a signal of the actor's service for a step and moves its status.
pub(crate) async fn step(
    tx: &mut Tx,
    actor: &Actor,
    id: Uuid,
    step: SignalStep,
) -> AppResult<SignalRow> {
    let mut row = service_signal(tx, actor, id).await?;
    row.status = rules::next_status(row.status, step)?;
    Ok(row)
}

/// A signal the actor's agency received, for update; the sending hospital gets
/// `FORBIDDEN` (it sees the signal), anyone else `NOT_FOUND`.
async fn service_signal(tx: &mut Tx, actor: &Actor, id: Uuid) -> AppResult<SignalRow> {
    let row = store::get_own_for_update(tx, actor.agency_id, id).await?;
    if Some(row.service_agency_id) != actor.agency_id {
        return Err(AppError::Forbidden(
            "only the receiving service works on a signal",
        ));
    }
    Ok(row)
}

/// Bumps the version, writes the row back, audits the step and commits.
pub(crate) async fn finish(
    mut tx: Tx,
    origin: &Origin,
    mut row: SignalRow,
    action: AuditAction,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<SignalRow> {
    row.version += 1;
    row.updated_at = now;
    store::update_workflow(&mut tx, &row).await?;
    let entry = Entry::new(action, "signal", Some(row.id)).with_details(details);
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    Ok(row)
}

fn ensure_curator_or_head(actor: &Actor, row: &SignalRow) -> AppResult<()> {
    if actor.has(Role::HeadOfService) || row.curator_user_id == Some(actor.user_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the assigned curator or the head of service",
        ))
    }
}

/// The actor's agency, which must be of `kind` (a wrong kind is a wrong role: FORBIDDEN).
async fn own_agency(db: &Db, actor: &Actor, kind: AgencyKind) -> AppResult<AgencyRow> {
    let agency_id = actor
        .agency_id
        .ok_or(AppError::Forbidden("hub administrators work on no signals"))?;
    let agency = agencies::store::get(db, agency_id).await?;
    if agency.kind != kind {
        return Err(AppError::Forbidden("your agency does not do this"));
    }
    Ok(agency)
}

async fn prevention_service(db: &Db, id: Uuid) -> AppResult<AgencyRow> {
    match agencies::store::get(db, id).await {
        Ok(a) if a.kind == AgencyKind::PreventionService && a.active => Ok(a),
        Ok(_) | Err(AppError::NotFound(_)) => Err(AppError::bad_input(
            "serviceAgencyId",
            "not an active prevention service",
        )),
        Err(other) => Err(other),
    }
}
