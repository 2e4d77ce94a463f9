//! Case work for every agency that leads (issue 16; domain.md §2, seeds-notes A2, A9):
//!
//! - **Intake.** A rehabilitation centre (a child already in its care), social protection
//!   (a client's own application or another institution's referral), an NGO shelter and
//!   guardianship register an intake in their own journal (`INT-2026-0001`) and open a
//!   case (`CASE-…`) with themselves as lead, recording the child's placement: since
//!   when, where and on what basis. The prevention service keeps its path from signals.
//! - **The work log** (журнал работы): what each specialist did, when, how long, in short
//!   words (FULL scope only). Every entry but a contact attempt is a contact; the case
//!   shows the days since the last one and is flagged, and reminded once, when it went
//!   longer than its lead's `noContactAlertDays` without.
//! - **Monitoring** (лист мониторинга): weekly in decision work, every three months in
//!   support; who took part, the effect and its causes, progress per plan task and the
//!   decision. The cadence sets the next due day; an overdue review is listed and
//!   reminded once; the review also moves the next review of the stage's plan.

pub mod audit_actions;
pub mod graphql;
pub mod model;
pub mod notices;
pub mod reads;
pub mod reminders;
pub mod rules;
pub mod store;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use self::model::{
    ContactClock, IntakeRow, IntakeSource, MonitoringDecision, MonitoringEffect, MonitoringRow,
    TaskProgress, WorkEntryRow, WorkKind,
};
use self::rules::Placement;
use crate::access::participation::WorkflowEvent;
use crate::access::{self, policy, Actor, Caller, Role, Scope};
use crate::agencies::AgencyRow;
use crate::audit::{self, Entry, Origin};
use crate::cases::consents::NewPerson;
use crate::cases::model::{CaseRow, CaseStatus, PersonRole, PersonRow};
use crate::cases::sheet::SignalSheet;
use crate::db::{Db, JsonText, Tx};
use crate::error::{AppError, AppResult};
use crate::input;
use crate::journal::{self, Journal};

/// Case work's registrations, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    notification_kinds: notices::KINDS,
    subject_kinds: &[],
    reminders: reminders::REMINDERS,
};

/// Who registers an intake (and becomes the new case's curator).
pub const OPEN_INTAKES: &[Role] = &[
    Role::HeadOfService,
    Role::Curator,
    Role::GuardianshipOfficer,
    Role::RehabilitationStaff,
];
/// Who writes in the work log of a case their agency leads: every specialist, not only
/// the curator (a psychologist logs her sessions).
pub const LOG_WORK: &[Role] = &[
    Role::HeadOfService,
    Role::Curator,
    Role::Specialist,
    Role::GuardianshipOfficer,
    Role::RehabilitationStaff,
];

/// Most people an intake brings in.
pub const MAX_PERSONS: usize = 10;

/// A new intake, as given.
pub struct NewIntake {
    pub source: IntakeSource,
    /// Defaults to the agency's today.
    pub registered_on: Option<NaiveDate>,
    pub referred_by: Option<String>,
    pub reason: String,
    pub placement: Option<(Option<NaiveDate>, String, Option<model::PlacementBasis>)>,
    pub persons: Vec<NewPerson>,
    /// A shelter case (an NGO only), which closes with an exit outcome.
    pub shelter: bool,
    /// ASSESSMENT (default) or SUPPORT: a centre or a shelter often starts supporting at
    /// once.
    pub stage: Option<CaseStatus>,
}

/// Registers an intake in the caller's agency's journal and opens a case it leads.
pub async fn open_intake(
    db: &Db,
    caller: &Caller,
    new: NewIntake,
    now: DateTime<Utc>,
) -> AppResult<CaseRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    policy::ensure_any_role(actor, OPEN_INTAKES, "registering intakes")?;
    let agency_id = actor
        .agency_id
        .ok_or(AppError::Forbidden("registering intakes"))?;
    let agency = crate::agencies::store::get(db, agency_id).await?;
    rules::check_opens_intakes(agency.kind)?;
    let today = today(&agency, now);
    let registered_on = new.registered_on.unwrap_or(today);
    let reason = input::required_text("reason", &new.reason, rules::MAX_TEXT)?;
    let referred_by = input::optional_text("referredBy", new.referred_by.as_deref(), 500)?;
    let placement = new
        .placement
        .map(|(since, place, basis)| -> AppResult<Placement> {
            Ok(Placement {
                since: since
                    .ok_or_else(|| AppError::bad_input("placement.since", "must be given"))?,
                place: input::required_text("placement.place", &place, 500)?,
                basis: basis
                    .ok_or_else(|| AppError::bad_input("placement.basis", "must be given"))?,
            })
        })
        .transpose()?;
    rules::check_intake(
        new.source,
        registered_on,
        referred_by.as_deref(),
        placement.as_ref(),
        today,
    )?;
    let stage = new.stage.unwrap_or(CaseStatus::Assessment);
    if !matches!(stage, CaseStatus::Assessment | CaseStatus::Support) {
        return Err(AppError::bad_input(
            "stage",
            "a case opens in ASSESSMENT or SUPPORT",
        ));
    }
    if new.shelter && agency.kind != crate::agencies::AgencyKind::Ngo {
        return Err(AppError::bad_input(
            "shelter",
            "only an NGO's crisis shelter opens shelter cases",
        ));
    }
    if new.persons.is_empty() || new.persons.len() > MAX_PERSONS {
        return Err(AppError::bad_input(
            "persons",
            format!("name 1 to {MAX_PERSONS} people: the child, the mother, …"),
        ));
    }
    let case_id = Uuid::now_v7();
    let mut persons = Vec::with_capacity(new.persons.len());
    for p in new.persons {
        if p.birth_date.is_some_and(|d| d > today) {
            return Err(AppError::bad_input("persons.birthDate", "is in the future"));
        }
        persons.push(PersonRow {
            id: Uuid::now_v7(),
            case_id,
            role: p.role,
            full_name: input::name("persons.fullName", &p.full_name)?,
            birth_date: p.birth_date,
            phone: input::optional_text("persons.phone", p.phone.as_deref(), 50)?,
            address_registered: None,
            address_actual: input::optional_text(
                "persons.actualAddress",
                p.address_actual.as_deref(),
                500,
            )?,
            stance: input::optional_text("persons.stance", p.stance.as_deref(), 5_000)?,
            notes: input::optional_text("persons.notes", p.notes.as_deref(), 5_000)?,
            created_at: now,
        });
    }
    let zone = agency.time_zone.tz();
    let mut tx = db.begin().await?;
    let intake_no =
        journal::next_number(&mut tx, agency.id, agency.time_zone, Journal::Intakes, now).await?;
    let journal_no =
        journal::next_number(&mut tx, agency.id, agency.time_zone, Journal::Cases, now).await?;
    let support = stage == CaseStatus::Support;
    let next_monitoring = if support {
        Some(rules::end_of_day(
            rules::next_monitoring_on(CaseStatus::Support, today)?,
            zone,
        ))
    } else {
        None
    };
    let case = CaseRow {
        id: case_id,
        journal_no,
        lead_agency_id: agency.id,
        curator_user_id: Some(actor.user_id),
        signal_id: None,
        status: stage,
        shelter: new.shelter,
        child_birth_date: persons
            .iter()
            .find(|p| p.role == PersonRole::Child)
            .and_then(|p| p.birth_date),
        opened_at: now,
        status_changed_at: now,
        decision_due_at: None,
        extension_reason: None,
        support_started_at: support.then_some(now),
        next_monitoring_at: next_monitoring,
        closed_at: None,
        closure_reason: None,
        exit_outcome: None,
        signal_sheet: Some(JsonText(SignalSheet::default())),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    crate::cases::store::insert(&mut tx, &case).await?;
    for person in &persons {
        crate::cases::store::insert_person(&mut tx, person).await?;
    }
    let event = WorkflowEvent::CaseOpened {
        lead: agency.id,
        signal_sender: None,
    };
    access::store::apply(&mut tx, case.id, &event, now).await?;
    let intake = IntakeRow {
        case_id,
        agency_id: agency.id,
        intake_no,
        source: new.source,
        registered_on,
        referred_by,
        reason,
        placed_since: placement.as_ref().map(|p| p.since),
        placed_where: placement.as_ref().map(|p| p.place.clone()),
        placement_basis: placement.as_ref().map(|p| p.basis),
        registered_by_user_id: actor.user_id,
        registered_at: now,
    };
    store::insert_intake(&mut tx, &intake).await?;
    // Registering an intake means meeting the family: the contact clock starts here.
    let clock = ContactClock {
        case_id,
        last_contact_on: registered_on,
        alert_at: rules::alert_at(registered_on, agency.no_contact_alert_days, zone),
    };
    store::set_clock(&mut tx, &clock).await?;
    let details = json!({
        "intakeNo": intake.intake_no,
        "source": intake.source,
        "stage": stage,
    });
    crate::cases::note(&mut tx, actor, case_id, "OPENED", details.clone(), now).await?;
    let entry = Entry {
        case_id: Some(case_id),
        ..Entry::new(audit_actions::INTAKE_REGISTERED, "case", Some(case_id))
    }
    .with_details(details);
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    Ok(case)
}

/// A new work-log entry, as given.
pub struct NewEntry {
    pub kind: WorkKind,
    /// Defaults to the agency's today.
    pub occurred_on: Option<NaiveDate>,
    /// A user of the caller's agency; defaults to the caller.
    pub specialist_id: Option<Uuid>,
    pub duration_minutes: i32,
    pub content: String,
}

/// Adds an entry to the work log of a case the caller's agency leads; a contact moves
/// the contact clock.
pub async fn add_entry(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    new: NewEntry,
    now: DateTime<Utc>,
) -> AppResult<WorkEntryRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let content = input::required_text("content", &new.content, 2_000)?;
    let mut tx = db.begin().await?;
    let (case, agency) = lead_case(&mut tx, actor, case_id, LOG_WORK, now).await?;
    let today = today(&agency, now);
    let occurred_on = new.occurred_on.unwrap_or(today);
    let earliest = earliest_day(&mut tx, &case, &agency).await?;
    rules::check_entry(occurred_on, earliest, today, new.duration_minutes)?;
    let specialist = match new.specialist_id {
        None => actor.user_id,
        Some(id) => {
            let user = crate::users::store::get_in(&mut tx, id)
                .await
                .map_err(|_| AppError::bad_input("specialistId", "no such user"))?;
            if user.agency_id != Some(agency.id) || !user.active {
                return Err(AppError::bad_input(
                    "specialistId",
                    "not an active user of your agency",
                ));
            }
            user.id
        }
    };
    let row = WorkEntryRow {
        id: Uuid::now_v7(),
        case_id,
        agency_id: agency.id,
        kind: new.kind,
        occurred_on,
        specialist_user_id: Some(specialist),
        duration_minutes: new.duration_minutes,
        content: Some(content),
        recorded_by_user_id: actor.user_id,
        recorded_at: now,
    };
    store::insert_entry(&mut tx, &row).await?;
    let clock = store::clock_in(&mut tx, case_id).await?;
    let last = match (
        clock.map(|c| c.last_contact_on),
        rules::counts_as_contact(new.kind),
    ) {
        (Some(last), true) => Some(last.max(occurred_on)),
        (None, true) => Some(occurred_on),
        // The first entry of a case opened from a signal starts its clock at the opening.
        (None, false) => Some(earliest),
        (Some(_), false) => None,
    };
    if let Some(last) = last {
        let clock = ContactClock {
            case_id,
            last_contact_on: last,
            alert_at: rules::alert_at(last, agency.no_contact_alert_days, agency.time_zone.tz()),
        };
        store::set_clock(&mut tx, &clock).await?;
    }
    let details = json!({ "entryId": row.id, "kind": row.kind, "occurredOn": occurred_on });
    crate::cases::note(&mut tx, actor, case_id, "WORK_LOGGED", details.clone(), now).await?;
    let entry = Entry {
        case_id: Some(case_id),
        ..Entry::new(audit_actions::WORK_LOGGED, "work_entry", Some(row.id))
    }
    .with_details(details);
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    Ok(row)
}

/// A monitoring review, as given.
pub struct NewMonitoring {
    /// Defaults to the agency's today.
    pub occurred_on: Option<NaiveDate>,
    pub curator_took_part: bool,
    pub head_took_part: bool,
    /// An outside supervisor, by name.
    pub supervisor_name: Option<String>,
    pub effect: MonitoringEffect,
    pub causes: Option<String>,
    pub progress: Vec<(Uuid, String)>,
    pub decision: MonitoringDecision,
}

/// Records a monitoring review of a case the caller leads (its curator or a head), in
/// decision work or support; the next falls due a week or three months on, and the
/// stage's plan's next review moves with it.
pub async fn record_monitoring(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    new: NewMonitoring,
    now: DateTime<Utc>,
) -> AppResult<CaseRow> {
    let actor = caller.actor()?;
    let supervisor = new
        .supervisor_name
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| input::name("participants.supervisorName", s))
        .transpose()?;
    rules::check_participants(
        new.curator_took_part,
        new.head_took_part,
        supervisor.as_deref(),
    )?;
    let causes = input::optional_text("causes", new.causes.as_deref(), rules::MAX_TEXT)?;
    if new.progress.len() > rules::MAX_PROGRESS {
        return Err(AppError::bad_input(
            "progress",
            format!("at most {} tasks", rules::MAX_PROGRESS),
        ));
    }
    let mut progress = Vec::with_capacity(new.progress.len());
    for (task_id, note) in &new.progress {
        if progress
            .iter()
            .any(|p: &TaskProgress| p.task_id == *task_id)
        {
            return Err(AppError::bad_input("progress.taskId", "named twice"));
        }
        progress.push(TaskProgress {
            task_id: *task_id,
            note: input::required_text("progress.note", note, 2_000)?,
        });
    }
    let (mut tx, mut case) = crate::cases::led_case(db, actor, case_id, now).await?;
    let agency = crate::agencies::store::get_in(&mut tx, case.lead_agency_id).await?;
    let today = today(&agency, now);
    let occurred_on = new.occurred_on.unwrap_or(today);
    let next_due_on = rules::next_monitoring_on(case.status, occurred_on)?;
    let earliest = earliest_day(&mut tx, &case, &agency).await?;
    rules::check_monitoring_day(occurred_on, earliest, today)?;
    rules::check_decision(case.status, new.decision)?;
    let ids: Vec<Uuid> = progress.iter().map(|p| p.task_id).collect();
    let known = store::tasks_of_case_among(&mut tx, case_id, &ids).await?;
    if ids.iter().any(|id| !known.contains(id)) {
        return Err(AppError::bad_input(
            "progress.taskId",
            "not a task of this case's plans",
        ));
    }
    let row = MonitoringRow {
        id: Uuid::now_v7(),
        case_id,
        agency_id: agency.id,
        occurred_on,
        stage: case.status,
        curator_took_part: new.curator_took_part,
        head_took_part: new.head_took_part,
        supervisor_name: supervisor,
        effect: Some(new.effect),
        causes,
        progress: Some(JsonText(progress)),
        decision: new.decision,
        next_due_on,
        recorded_by_user_id: actor.user_id,
        recorded_at: now,
    };
    store::insert_monitoring(&mut tx, &row).await?;
    let plan_kind = if case.status == CaseStatus::DecisionWork {
        "DECISION_CHANGE"
    } else {
        "SUPPORT"
    };
    store::advance_plan_review(&mut tx, case_id, plan_kind, next_due_on, now).await?;
    case.next_monitoring_at = Some(rules::end_of_day(next_due_on, agency.time_zone.tz()));
    let details = json!({
        "monitoringId": row.id,
        "decision": row.decision,
        "nextDueOn": next_due_on,
    });
    crate::cases::save(tx, caller, case, "MONITORING_RECORDED", None, details, now).await
}

/// When the first monitoring of a stage a case just entered falls due: the end of the
/// day a week (decision work) or three months (support) after the lead's today.
pub async fn first_monitoring_due(
    tx: &mut Tx,
    case: &CaseRow,
    status: CaseStatus,
    now: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    let agency = crate::agencies::store::get_in(tx, case.lead_agency_id).await?;
    let next = rules::next_monitoring_on(status, today(&agency, now))?;
    Ok(Some(rules::end_of_day(next, agency.time_zone.tz())))
}

/// Loads a case the actor's agency leads, for a work-log entry: out of scope is
/// `NOT_FOUND`; in scope but not the lead, or without a role that logs work, `FORBIDDEN`;
/// closed, `CONFLICT`.
async fn lead_case(
    tx: &mut Tx,
    actor: &Actor,
    case_id: Uuid,
    roles: &[Role],
    now: DateTime<Utc>,
) -> AppResult<(CaseRow, AgencyRow)> {
    let (case, scope) =
        crate::cases::store::get_visible_for_update(tx, actor.viewer(), case_id, now).await?;
    if scope != Scope::Full || Some(case.lead_agency_id) != actor.agency_id {
        return Err(AppError::Forbidden(
            "only the lead agency keeps the work log",
        ));
    }
    policy::ensure_any_role(actor, roles, "keeping the work log")?;
    crate::cases::ensure_open(&case)?;
    let agency = crate::agencies::store::get_in(tx, case.lead_agency_id).await?;
    Ok((case, agency))
}

/// The agency's today.
pub fn today(agency: &AgencyRow, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&agency.time_zone.tz()).date_naive()
}

/// The earliest day work on a case can be dated: the day it opened in the lead's days,
/// or its intake's day where that was earlier (an intake entered after the fact).
async fn earliest_day(tx: &mut Tx, case: &CaseRow, agency: &AgencyRow) -> AppResult<NaiveDate> {
    let opened = case
        .opened_at
        .with_timezone(&agency.time_zone.tz())
        .date_naive();
    let intake = store::intake_registered_on(tx, case.id).await?;
    Ok(intake.map_or(opened, |day| day.min(opened)))
}
