//! Cases (domain.md §2): opened from a confirmed signal, led by one agency, moved through
//! assessment, decision work and support to closure. Every move is timed, attributed,
//! audited and written to the case's timeline.

pub mod audit_actions;
pub mod consents;
pub mod export;
pub mod graphql;
pub mod loader;
pub mod model;
pub mod names;
pub mod notices;
pub mod reads;
pub mod rules;
pub mod sheet;
pub mod store;

use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use self::model::{
    CaseEventRow, CaseRow, CaseStatus, ClosureReason, ExitOutcome, PersonRole, PersonRow,
};
use self::sheet::SignalSheet;
use crate::access::participation::WorkflowEvent;
use crate::access::{self, policy, roles, Actor, Caller, Role, Scope};
use crate::audit::{self, Entry, Origin};
use crate::db::{Db, JsonText, TimeZone, Tx};
use crate::error::{AppError, AppResult};
use crate::journal::{self, Journal};
use crate::signals::{self, rules::SignalStep};

/// Cases' kinds, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    notification_kinds: notices::KINDS,
    subject_kinds: notices::SUBJECTS,
    ..crate::domains::Domain::EMPTY
};

/// Opens a case from a visited signal: the service leads with FULL scope, the sending
/// hospital keeps the summary; the mother and child come over from the signal.
pub async fn open_from_signal(
    db: &Db,
    caller: &Caller,
    signal_id: Uuid,
    shelter: bool,
    now: DateTime<Utc>,
) -> AppResult<CaseRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    policy::ensure_any_role(actor, roles::OPEN_CASES, "opening cases")?;
    let service = crate::agencies::store::get(
        db,
        actor
            .agency_id
            .ok_or(AppError::Forbidden("opening cases"))?,
    )
    .await?;
    let mut tx = db.begin().await?;
    let mut signal = signals::step(&mut tx, actor, signal_id, SignalStep::OpenCase).await?;
    if !actor.has(Role::HeadOfService) && signal.curator_user_id != Some(actor.user_id) {
        return Err(AppError::Forbidden(
            "only the assigned curator or the head of service",
        ));
    }
    let case = CaseRow {
        id: Uuid::now_v7(),
        journal_no: journal::next_number(
            &mut tx,
            service.id,
            service.time_zone,
            Journal::Cases,
            now,
        )
        .await?,
        lead_agency_id: service.id,
        curator_user_id: signal.curator_user_id,
        signal_id: Some(signal.id),
        status: CaseStatus::Assessment,
        shelter,
        // The birth date is the date where the child was born, not in Greenwich.
        child_birth_date: signal
            .child_born_at
            .map(|t| local_date(t, service.time_zone)),
        opened_at: now,
        status_changed_at: now,
        decision_due_at: None,
        extension_reason: None,
        support_started_at: None,
        next_monitoring_at: None,
        closed_at: None,
        closure_reason: None,
        exit_outcome: None,
        signal_sheet: Some(JsonText(SignalSheet::default())),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    store::insert(&mut tx, &case).await?;
    for person in people_from_signal(&signal, case.id, service.time_zone, now) {
        store::insert_person(&mut tx, &person).await?;
    }
    let event = WorkflowEvent::CaseOpened {
        lead: service.id,
        signal_sender: signal.sender_agency_id,
    };
    access::store::apply(&mut tx, case.id, &event, now).await?;
    timeline(
        &mut tx,
        actor,
        &case,
        "OPENED",
        None,
        json!({ "signalId": signal.id }),
        now,
    )
    .await?;
    signal.case_id = Some(case.id);
    let entry = Entry {
        case_id: Some(case.id),
        ..Entry::new(audit_actions::CASE_OPENED, "case", Some(case.id))
    };
    audit::record(&mut tx, origin, entry, now).await?;
    signals::finish(
        tx,
        origin,
        signal,
        crate::signals::audit_actions::SIGNAL_CONFIRMED,
        json!({ "caseId": case.id }),
        now,
    )
    .await?;
    Ok(case)
}

fn local_date(time: DateTime<Utc>, time_zone: TimeZone) -> chrono::NaiveDate {
    time.with_timezone(&time_zone.tz()).date_naive()
}

fn people_from_signal(
    signal: &signals::model::SignalRow,
    case_id: Uuid,
    time_zone: TimeZone,
    now: DateTime<Utc>,
) -> Vec<PersonRow> {
    let mother = PersonRow {
        id: Uuid::now_v7(),
        case_id,
        role: PersonRole::Mother,
        full_name: signal.mother_full_name.clone().unwrap_or_default(),
        birth_date: signal.mother_birth_date,
        phone: signal.mother_phone.clone(),
        address_registered: signal.address_registered.clone(),
        address_actual: signal.address_actual.clone(),
        stance: None,
        notes: None,
        created_at: now,
    };
    let child = signal.child_born_at.map(|born| PersonRow {
        id: Uuid::now_v7(),
        role: PersonRole::Child,
        full_name: "Новорождённый".into(),
        birth_date: Some(local_date(born, time_zone)),
        phone: None,
        address_registered: None,
        address_actual: None,
        notes: signal.child_health_notes.clone(),
        ..mother.clone()
    });
    std::iter::once(mother).chain(child).collect()
}

/// A change to a case's status other than closing.
pub enum Move {
    /// ASSESSMENT → DECISION_WORK: one month starts.
    StartDecisionWork,
    /// DECISION_WORK → SUPPORT: she changed her decision but problems remain.
    StartSupport,
}

/// Moves a case forward; illegal moves are `CONFLICT` naming the allowed ones.
pub async fn advance(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    to: Move,
    now: DateTime<Utc>,
) -> AppResult<CaseRow> {
    let actor = caller.actor()?;
    let (mut tx, mut case) = led_case(db, actor, id, now).await?;
    let from = case.status;
    // The first review of the new stage: a week (decision work) or three months
    // (support) on, at the end of that day in the lead's time zone.
    match to {
        Move::StartDecisionWork => {
            rules::check_move(from, CaseStatus::DecisionWork)?;
            case.status = CaseStatus::DecisionWork;
            case.decision_due_at = Some(rules::decision_due(now));
        }
        Move::StartSupport => {
            rules::check_move(from, CaseStatus::Support)?;
            case.status = CaseStatus::Support;
            case.support_started_at = Some(now);
        }
    }
    case.next_monitoring_at =
        crate::casework::first_monitoring_due(&mut tx, &case, case.status, now).await?;
    case.status_changed_at = now;
    save(
        tx,
        caller,
        case,
        "STATUS_CHANGED",
        Some(from),
        json!({}),
        now,
    )
    .await
}

/// Extends decision work beyond its month, with a reason (rare, seed 001).
pub async fn extend_decision_work(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    until: DateTime<Utc>,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<CaseRow> {
    let actor = caller.actor()?;
    let reason = crate::input::required_text("reason", reason, 5_000)?;
    let (tx, mut case) = led_case(db, actor, id, now).await?;
    if case.status != CaseStatus::DecisionWork {
        return Err(AppError::Conflict(format!(
            "only decision work is extended; the case is in {}",
            case.status.as_str()
        )));
    }
    rules::check_extension(case.decision_due_at, until, &reason)?;
    case.decision_due_at = Some(crate::db::truncate(until));
    case.extension_reason = Some(reason);
    save(
        tx,
        caller,
        case,
        "DECISION_WORK_EXTENDED",
        None,
        json!({ "until": until }),
        now,
    )
    .await
}

/// Closes a case with a reason that fits its status (and an exit outcome for shelters).
pub async fn close(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    reason: ClosureReason,
    exit_outcome: Option<ExitOutcome>,
    now: DateTime<Utc>,
) -> AppResult<CaseRow> {
    let actor = caller.actor()?;
    let (mut tx, mut case) = led_case(db, actor, id, now).await?;
    // Until the receiver decides, the sender stays responsible: it cannot close under it.
    if crate::handovers::store::transfer_pending(&mut tx, id).await? {
        return Err(AppError::Conflict(
            "a transfer of this case is pending; cancel it before closing the case".into(),
        ));
    }
    rules::check_closure(case.status, reason, case.shelter, exit_outcome.is_some())?;
    let handed_on = crate::handovers::store::handed_on(&mut tx, id).await?;
    rules::check_handed_on(reason, &handed_on)?;
    let from = case.status;
    case.status = CaseStatus::Closed;
    case.status_changed_at = now;
    case.closed_at = Some(now);
    case.closure_reason = Some(reason);
    case.exit_outcome = exit_outcome;
    save(
        tx,
        caller,
        case,
        "CLOSED",
        Some(from),
        json!({ "reason": reason }),
        now,
    )
    .await
}

/// A closed case keeps its records as they were; only consent can still be withdrawn.
pub(crate) fn ensure_open(case: &CaseRow) -> AppResult<()> {
    if case.status == CaseStatus::Closed {
        return Err(AppError::Conflict(
            "the case is closed; its records no longer change".into(),
        ));
    }
    Ok(())
}

/// Loads a case the actor's agency leads, for a change: out of scope is `NOT_FOUND`, in
/// scope but not the lead (or the wrong role) is `FORBIDDEN`.
pub(crate) async fn led_case(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(Tx, CaseRow)> {
    let mut tx = db.begin().await?;
    let (case, scope) = store::get_visible_for_update(&mut tx, actor.viewer(), id, now).await?;
    if scope != Scope::Full || Some(case.lead_agency_id) != actor.agency_id {
        return Err(AppError::Forbidden("only the lead agency changes a case"));
    }
    policy::ensure_any_role(actor, roles::WORK_ON_LED_CASES, "working on cases")?;
    let head = roles::LEAD_EVERY_CASE.iter().any(|r| actor.has(*r));
    if !head && case.curator_user_id != Some(actor.user_id) {
        return Err(AppError::Forbidden(
            "only the case's curator or the head of service",
        ));
    }
    Ok((tx, case))
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn save(
    mut tx: Tx,
    caller: &Caller,
    mut case: CaseRow,
    kind: &str,
    from: Option<CaseStatus>,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<CaseRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    case.version += 1;
    case.updated_at = now;
    store::update_workflow(&mut tx, &case).await?;
    timeline(&mut tx, actor, &case, kind, from, details.clone(), now).await?;
    let entry = Entry {
        case_id: Some(case.id),
        ..Entry::new(audit_actions::CASE_UPDATED, "case", Some(case.id))
    }
    .with_details(json!({ "event": kind, "status": case.status }));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    Ok(case)
}

/// Writes a timeline entry that does not change the status (a handover's steps).
pub(crate) async fn note(
    tx: &mut Tx,
    actor: &Actor,
    case_id: Uuid,
    kind: &str,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let event = CaseEventRow {
        id: Uuid::now_v7(),
        case_id,
        occurred_at: now,
        actor_user_id: Some(actor.user_id),
        actor_agency_id: actor.agency_id,
        kind: kind.to_owned(),
        from_status: None,
        to_status: None,
        details: JsonText(details),
    };
    store::insert_event(tx, &event).await
}

async fn timeline(
    tx: &mut Tx,
    actor: &Actor,
    case: &CaseRow,
    kind: &str,
    from: Option<CaseStatus>,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let event = CaseEventRow {
        id: Uuid::now_v7(),
        case_id: case.id,
        occurred_at: now,
        actor_user_id: Some(actor.user_id),
        actor_agency_id: actor.agency_id,
        kind: kind.to_owned(),
        from_status: from,
        to_status: from.map(|_| case.status),
        details: JsonText(details),
    };
    store::insert_event(tx, &event).await
}
