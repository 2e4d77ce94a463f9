//! Plans with tasks for each agency (domain.md §5, seeds-notes A6, issue 16).
//!
//! The agency that leads a case draws up its plans: the decision-change plan, the
//! long-term support plan, the family's and the child's ИПСР, the ИППСУ and the
//! shelter's individual plan, each with the due day and review cadence its seed sets
//! ([`rules`]). A plan has a header (goals, and the fields its kind asks for) and tasks:
//! what the client does, what the specialist does, the responsible agency (any agency on
//! the case), the due day, and a status the responsible agency records. Revising makes a
//! new version; every version stays readable, with what changed between two; the day
//! the client received her copy is recorded per version. An ИППСУ has a term, which may
//! be extended, and closes with a conclusion; a shelter may record "no plan, with a
//! reason". Who sees and changes what is [`crate::access::plans`]'s to say.

pub mod audit_actions;
pub mod graphql;
pub mod inputs;
pub mod model;
pub mod notices;
pub mod reads;
pub mod recommended;
pub mod reminders;
pub mod review_reminders;
pub mod rules;
pub mod store;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::json;
use uuid::Uuid;

use self::model::{
    ExtensionRow, PlanHeader, PlanKind, PlanRow, PlanStatus, TaskRow, TaskStatus, VersionContent,
    VersionRow,
};
use self::rules::{CaseFacts, NewTask};
use crate::access::{plans as access, policy, Actor, Caller};
use crate::audit::{self, AuditAction, Entry, Origin};
use crate::cases;
use crate::cases::model::{CaseRow, CaseStatus};
use crate::db::{Db, JsonText, Tx};
use crate::error::{AppError, AppResult};
use crate::input;

pub use self::reads::{tasks_of_case, TaskView};

/// Plans' registrations, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    notification_kinds: notices::KINDS,
    subject_kinds: notices::SUBJECTS,
    reminders: reminders::REMINDERS,
};

/// A new plan as the lead writes it.
pub struct NewPlan {
    pub case_id: Uuid,
    pub kind: PlanKind,
    pub header: PlanHeader,
    pub tasks: Vec<NewTask>,
    /// ИПСР, ИППСУ: the day the plan was due, as the lead sets it.
    pub due_on: Option<NaiveDate>,
    /// Shelter: the day the family settled in.
    pub settled_on: Option<NaiveDate>,
    /// ИППСУ: the last day of its term.
    pub term_until: Option<NaiveDate>,
    /// ИПСР, ИППСУ, shelter: the next review, as the lead sets it.
    pub next_review_on: Option<NaiveDate>,
}

/// A case as the rules read it, in the lead's calendar.
fn facts(case: &CaseRow, lead_kind: crate::agencies::AgencyKind, zone: Tz) -> CaseFacts {
    let day = |t: DateTime<Utc>| t.with_timezone(&zone).date_naive();
    CaseFacts {
        status: case.status,
        shelter: case.shelter,
        lead_kind,
        decision_started_on: (case.status == CaseStatus::DecisionWork)
            .then(|| day(case.status_changed_at)),
        support_started_on: case.support_started_at.map(day),
    }
}

/// The lead's calendar: its zone and today in it.
async fn lead_calendar(
    tx: &mut Tx,
    case: &CaseRow,
    now: DateTime<Utc>,
) -> AppResult<(crate::agencies::AgencyKind, Tz, NaiveDate)> {
    let lead = crate::agencies::store::get_in(tx, case.lead_agency_id).await?;
    let zone = lead.time_zone.tz();
    Ok((lead.kind, zone, now.with_timezone(&zone).date_naive()))
}

/// Draws up a plan on a case the caller's agency leads (its curator or a head): checked
/// whole against its kind and the case, stored as version 1, noted on the case's
/// timeline and audited. One plan of each kind per case; later changes are revisions.
pub async fn create(
    db: &Db,
    caller: &Caller,
    new: NewPlan,
    now: DateTime<Utc>,
) -> AppResult<PlanRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let (mut tx, case) = cases::led_case(db, actor, new.case_id, now).await?;
    let (lead_kind, zone, today) = lead_calendar(&mut tx, &case, now).await?;
    let facts = facts(&case, lead_kind, zone);
    rules::check_fits_case(new.kind, &facts)?;
    let header = rules::check_header(new.kind, new.header)?;
    let settled_on = rules::check_settled_on(new.kind, new.settled_on, today)?;
    let term_until = rules::check_term(new.kind, new.term_until, today)?;
    let next_review_on = rules::next_review_on(new.kind, today, new.next_review_on)?;
    let on_case: HashSet<Uuid> = store::agencies_on_case(&mut tx, case.id, now)
        .await?
        .into_iter()
        .collect();
    let tasks = rules::check_tasks(new.kind, new.tasks, today, &on_case, &HashMap::new())?;
    let recommended: Vec<Option<Uuid>> = tasks.iter().map(|t| t.recommendation_id).collect();
    if store::find_of_kind(&mut tx, case.id, new.kind)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "the case has a {} plan already; revise it",
            new.kind.as_str()
        )));
    }
    let plan = PlanRow {
        id: Uuid::now_v7(),
        case_id: case.id,
        kind: new.kind,
        status: PlanStatus::Active,
        current_version: 1,
        due_on: rules::due_on(new.kind, &facts, settled_on, new.due_on),
        settled_on,
        term_until,
        next_review_on,
        no_plan_reason: None,
        conclusion: None,
        closed_at: None,
        closed_by_user_id: None,
        created_by_user_id: actor.user_id,
        created_at: now,
        updated_at: now,
    };
    store::insert_plan(&mut tx, &plan).await?;
    let rows = write_tasks(&mut tx, &plan, tasks, &HashMap::new(), now).await?;
    link_recommendations(&mut tx, actor, origin, &rows, recommended, now).await?;
    write_version(&mut tx, actor, &plan, header, &rows, None, now).await?;
    let details =
        json!({ "planId": plan.id, "kind": plan.kind, "version": 1, "tasks": rows.len() });
    finish(
        &mut tx,
        actor,
        origin,
        &plan,
        "PLAN_CREATED",
        audit_actions::PLAN_CREATED,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(plan)
}

/// A shelter records that a family has no plan, with a reason (seed 002: «Иногда плана
/// просто нет»); a later revision draws one up.
pub async fn record_no_plan(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    settled_on: NaiveDate,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<PlanRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let reason = input::required_text("reason", reason, rules::MAX_TEXT)?;
    let (mut tx, case) = cases::led_case(db, actor, case_id, now).await?;
    let (lead_kind, zone, today) = lead_calendar(&mut tx, &case, now).await?;
    let facts = facts(&case, lead_kind, zone);
    rules::check_fits_case(PlanKind::Shelter, &facts)?;
    let settled_on = rules::check_settled_on(PlanKind::Shelter, Some(settled_on), today)?;
    if store::find_of_kind(&mut tx, case.id, PlanKind::Shelter)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(
            "the case has a shelter plan already".into(),
        ));
    }
    let plan = PlanRow {
        id: Uuid::now_v7(),
        case_id: case.id,
        kind: PlanKind::Shelter,
        status: PlanStatus::NotDrawnUp,
        current_version: 0,
        due_on: rules::due_on(PlanKind::Shelter, &facts, settled_on, None),
        settled_on,
        term_until: None,
        next_review_on: None,
        no_plan_reason: Some(reason),
        conclusion: None,
        closed_at: None,
        closed_by_user_id: None,
        created_by_user_id: actor.user_id,
        created_at: now,
        updated_at: now,
    };
    store::insert_plan(&mut tx, &plan).await?;
    let details = json!({ "planId": plan.id, "kind": plan.kind });
    let action = audit_actions::PLAN_NOT_DRAWN_UP;
    finish(
        &mut tx,
        actor,
        origin,
        &plan,
        "PLAN_NOT_DRAWN_UP",
        action,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(plan)
}

/// A revision as the lead writes it: the whole header and task list of the new version
/// (a task with an id revises that task and keeps its status; one left out is dropped).
pub struct Revision {
    pub plan_id: Uuid,
    /// The version the lead revised; another revision in between is `CONFLICT`.
    pub expected_version: i32,
    pub header: PlanHeader,
    pub tasks: Vec<NewTask>,
    pub change_note: Option<String>,
    pub next_review_on: Option<NaiveDate>,
}

/// Loads a plan the caller's agency leads the case of, for a change: out of scope is
/// `NOT_FOUND`, in scope but not the lead's curator or head is `FORBIDDEN`, a closed case
/// or plan is `CONFLICT`.
async fn led_plan(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<(Tx, CaseRow, PlanRow)> {
    let seen = store::get_visible(db, actor.viewer(), id, now).await?;
    let (mut tx, case) = cases::led_case(db, actor, seen.row.case_id, now).await?;
    cases::ensure_open(&case)?;
    let plan = store::get_for_update(&mut tx, id).await?;
    if plan.status == PlanStatus::Closed {
        return Err(AppError::Conflict("the plan is closed".into()));
    }
    Ok((tx, case, plan))
}

/// Revises a plan: a new version with the header and tasks given, the tasks' statuses
/// kept, the review cadence restarted; every earlier version stays readable.
pub async fn revise(
    db: &Db,
    caller: &Caller,
    rev: Revision,
    now: DateTime<Utc>,
) -> AppResult<PlanRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let (mut tx, case, plan) = led_plan(db, actor, rev.plan_id, now).await?;
    let plan = revise_in(&mut tx, actor, origin, &case, plan, rev, now).await?;
    tx.commit().await?;
    Ok(plan)
}

/// [`revise`] inside the caller's transaction, on a plan loaded for update by
/// [`led_plan`]: a new task that comes from an MRG recommendation is linked to it here
/// (the recommendation moves to in progress with a note), or the whole revision fails.
pub async fn revise_in(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    case: &CaseRow,
    mut plan: PlanRow,
    rev: Revision,
    now: DateTime<Utc>,
) -> AppResult<PlanRow> {
    let change_note =
        input::optional_text("changeNote", rev.change_note.as_deref(), rules::MAX_TEXT)?;
    if plan.current_version != rev.expected_version {
        return Err(AppError::Conflict(format!(
            "the plan is at version {} now; reload it and revise again",
            plan.current_version
        )));
    }
    let (_, _, today) = lead_calendar(tx, case, now).await?;
    let header = rules::check_header(plan.kind, rev.header)?;
    let next_review_on = rules::next_review_on(plan.kind, today, rev.next_review_on)?;
    let on_case: HashSet<Uuid> = store::agencies_on_case(tx, case.id, now)
        .await?
        .into_iter()
        .collect();
    let current: HashMap<Uuid, TaskRow> = store::current_tasks(tx, plan.id)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    let days: HashMap<Uuid, NaiveDate> = current.iter().map(|(id, t)| (*id, t.due_on)).collect();
    let tasks = rules::check_tasks(plan.kind, rev.tasks, today, &on_case, &days)?;
    let recommended: Vec<Option<Uuid>> = tasks.iter().map(|t| t.recommendation_id).collect();
    let expected = plan.current_version;
    plan.current_version += 1;
    plan.status = PlanStatus::Active;
    plan.next_review_on = next_review_on;
    plan.updated_at = now;
    store::update_plan(tx, &plan, expected).await?;
    let kept: HashSet<Uuid> = tasks.iter().filter_map(|t| t.id).collect();
    for id in current.keys().filter(|id| !kept.contains(id)) {
        store::remove_task(tx, *id, plan.current_version, now).await?;
    }
    let rows = write_tasks(tx, &plan, tasks, &current, now).await?;
    link_recommendations(tx, actor, origin, &rows, recommended, now).await?;
    write_version(tx, actor, &plan, header, &rows, change_note, now).await?;
    let details = json!({ "planId": plan.id, "kind": plan.kind, "version": plan.current_version, "tasks": rows.len() });
    finish(
        tx,
        actor,
        origin,
        &plan,
        "PLAN_REVISED",
        audit_actions::PLAN_REVISED,
        details,
        now,
    )
    .await?;
    Ok(plan)
}

/// Links each new task that comes from an MRG recommendation to it, in the transaction
/// that writes the task (the recommendation must be open, about the plan's case and
/// addressed to the task's responsible agency; see [`crate::mrg::followup::act_on`]).
async fn link_recommendations(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    rows: &[TaskRow],
    recommended: Vec<Option<Uuid>>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for (i, (row, recommendation_id)) in rows.iter().zip(recommended).enumerate() {
        if let Some(recommendation_id) = recommendation_id {
            let act = crate::mrg::followup::Act {
                recommendation_id,
                kind: crate::mrg::model::ActionKind::PlanTask,
                case_id: row.case_id,
                agency_id: row.responsible_agency_id,
                target_id: row.id,
            };
            // A refusal names the task row it is about.
            crate::mrg::followup::act_on(tx, actor, origin, act, now)
                .await
                .map_err(|e| match e {
                    AppError::BadUserInput { message, .. } => {
                        AppError::bad_input(format!("tasks[{i}].recommendationId"), message)
                    }
                    other => other,
                })?;
        }
    }
    Ok(())
}

/// Writes the tasks of a new version in order: new ones PLANNED, revised ones with their
/// status; each due at the end of its day in the responsible agency's time zone.
async fn write_tasks(
    tx: &mut Tx,
    plan: &PlanRow,
    tasks: Vec<NewTask>,
    current: &HashMap<Uuid, TaskRow>,
    now: DateTime<Utc>,
) -> AppResult<Vec<TaskRow>> {
    let mut zones: HashMap<Uuid, Tz> = HashMap::new();
    let mut rows = Vec::with_capacity(tasks.len());
    for (position, task) in tasks.into_iter().enumerate() {
        let zone = match zones.get(&task.responsible_agency_id) {
            Some(zone) => *zone,
            None => {
                let agency = crate::agencies::store::get_in(tx, task.responsible_agency_id).await?;
                zones.insert(agency.id, agency.time_zone.tz());
                agency.time_zone.tz()
            }
        };
        let before = task.id.and_then(|id| current.get(&id));
        let row = TaskRow {
            id: task.id.unwrap_or_else(Uuid::now_v7),
            plan_id: plan.id,
            case_id: plan.case_id,
            position: position as i32,
            area: task.area,
            client_action: task.client_action,
            specialist_action: task.specialist_action,
            responsible_agency_id: task.responsible_agency_id,
            due_on: task.due_on,
            due_at: crate::db::truncate(rules::task_due_at(task.due_on, zone)),
            status: before.map_or(TaskStatus::Planned, |b| b.status),
            status_note: before.and_then(|b| b.status_note.clone()),
            status_changed_at: before.and_then(|b| b.status_changed_at),
            status_changed_by_user_id: before.and_then(|b| b.status_changed_by_user_id),
            removed_in_version: None,
            created_at: before.map_or(now, |b| b.created_at),
            updated_at: now,
        };
        store::upsert_task(tx, &row).await?;
        rows.push(row);
    }
    Ok(rows)
}

async fn write_version(
    tx: &mut Tx,
    actor: &Actor,
    plan: &PlanRow,
    header: PlanHeader,
    tasks: &[TaskRow],
    change_note: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let content = VersionContent {
        header,
        tasks: tasks.iter().map(TaskRow::snapshot).collect(),
    };
    let row = VersionRow {
        plan_id: plan.id,
        version_no: plan.current_version,
        content: JsonText(content),
        change_note,
        created_by_user_id: actor.user_id,
        created_at: now,
        client_received_on: None,
        client_received_recorded_at: None,
        client_received_recorded_by: None,
    };
    store::insert_version(tx, &row).await
}

/// Records a task's status, with a note: by its responsible agency, or by the lead.
/// A task the caller does not see is `NOT_FOUND`; one it sees but is not its agency's
/// (and the caller does not lead the case) is `FORBIDDEN`. The same status and note
/// again is a harmless repeat.
pub async fn update_task(
    db: &Db,
    caller: &Caller,
    task_id: Uuid,
    status: TaskStatus,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<TaskRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let note = input::optional_text("note", note, rules::MAX_TASK_TEXT)?;
    let mut tx = db.begin().await?;
    let mut task = store::get_task_for_update(&mut tx, actor.viewer(), task_id, now).await?;
    policy::ensure_any_role(
        actor,
        access::UPDATE_PLAN_TASKS,
        "recording the work on a plan",
    )?;
    let (case, _) =
        cases::store::get_visible_for_update(&mut tx, actor.viewer(), task.case_id, now).await?;
    if !access::updates_task(
        actor.agency_id,
        task.responsible_agency_id,
        case.lead_agency_id,
    ) {
        return Err(AppError::Forbidden(
            "only the responsible agency or the lead updates a task",
        ));
    }
    cases::ensure_open(&case)?;
    let plan = store::get_for_update(&mut tx, task.plan_id).await?;
    if plan.status != PlanStatus::Active {
        return Err(AppError::Conflict("the plan is not in force".into()));
    }
    if task.status == status && task.status_note == note {
        return Ok(task);
    }
    task.status = status;
    task.status_note = note;
    task.status_changed_at = Some(now);
    task.status_changed_by_user_id = Some(actor.user_id);
    store::update_task_status(&mut tx, &task).await?;
    let details = json!({ "planId": plan.id, "taskId": task.id, "status": status });
    let action = audit_actions::PLAN_TASK_UPDATED;
    finish(
        &mut tx,
        actor,
        origin,
        &plan,
        "PLAN_TASK_UPDATED",
        action,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(task)
}

/// Records the day the client received her copy of a version (the lead; again to
/// correct it).
pub async fn record_client_copy(
    db: &Db,
    caller: &Caller,
    plan_id: Uuid,
    version_no: i32,
    received_on: NaiveDate,
    now: DateTime<Utc>,
) -> AppResult<PlanRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let (mut tx, case, plan) = led_plan(db, actor, plan_id, now).await?;
    let (_, zone, today) = lead_calendar(&mut tx, &case, now).await?;
    let version = store::version_in(&mut tx, plan.id, version_no)
        .await?
        .ok_or_else(|| AppError::bad_input("version", "no such version of the plan"))?;
    let written_on = version.created_at.with_timezone(&zone).date_naive();
    rules::check_received_on(received_on, written_on, today)?;
    store::record_received(
        &mut tx,
        plan.id,
        version_no,
        received_on,
        actor.user_id,
        now,
    )
    .await?;
    let details = json!({ "planId": plan.id, "version": version_no, "receivedOn": received_on });
    let action = audit_actions::PLAN_COPY_RECEIVED;
    finish(
        &mut tx,
        actor,
        origin,
        &plan,
        "PLAN_COPY_RECEIVED",
        action,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(plan)
}

/// Extends an ИППСУ's term to a later day, with a reason.
pub async fn extend_term(
    db: &Db,
    caller: &Caller,
    plan_id: Uuid,
    until: NaiveDate,
    reason: &str,
    now: DateTime<Utc>,
) -> AppResult<PlanRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let reason = input::required_text("reason", reason, rules::MAX_TEXT)?;
    let (mut tx, case, mut plan) = led_plan(db, actor, plan_id, now).await?;
    let (_, _, today) = lead_calendar(&mut tx, &case, now).await?;
    let previous = rules::check_extension(plan.kind, plan.term_until, until, today)?;
    let extension = ExtensionRow {
        id: Uuid::now_v7(),
        plan_id: plan.id,
        previous_until: previous,
        extended_until: until,
        reason,
        extended_by_user_id: actor.user_id,
        extended_at: now,
    };
    store::insert_extension(&mut tx, &extension).await?;
    plan.term_until = Some(until);
    plan.updated_at = now;
    store::update_plan(&mut tx, &plan, plan.current_version).await?;
    let details = json!({ "planId": plan.id, "from": previous, "until": until });
    let action = audit_actions::PLAN_TERM_EXTENDED;
    finish(
        &mut tx,
        actor,
        origin,
        &plan,
        "PLAN_TERM_EXTENDED",
        action,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(plan)
}

/// Closes a plan with a conclusion (an ИППСУ's заключение); it stays readable.
pub async fn close(
    db: &Db,
    caller: &Caller,
    plan_id: Uuid,
    conclusion: &str,
    now: DateTime<Utc>,
) -> AppResult<PlanRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let conclusion = input::required_text("conclusion", conclusion, rules::MAX_TEXT)?;
    let (mut tx, _, mut plan) = led_plan(db, actor, plan_id, now).await?;
    if plan.status == PlanStatus::NotDrawnUp {
        return Err(AppError::Conflict(
            "there is no plan to close; draw one up first".into(),
        ));
    }
    plan.status = PlanStatus::Closed;
    plan.conclusion = Some(conclusion);
    plan.closed_at = Some(now);
    plan.closed_by_user_id = Some(actor.user_id);
    plan.updated_at = now;
    store::update_plan(&mut tx, &plan, plan.current_version).await?;
    let details = json!({ "planId": plan.id, "kind": plan.kind });
    finish(
        &mut tx,
        actor,
        origin,
        &plan,
        "PLAN_CLOSED",
        audit_actions::PLAN_CLOSED,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(plan)
}

/// Notes a step on the case's timeline and in the audit log.
#[allow(clippy::too_many_arguments)]
async fn finish(
    tx: &mut Tx,
    actor: &Actor,
    origin: &Origin,
    plan: &PlanRow,
    timeline_kind: &str,
    action: AuditAction,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    cases::note(tx, actor, plan.case_id, timeline_kind, details.clone(), now).await?;
    let entry = Entry {
        case_id: Some(plan.case_id),
        ..Entry::new(action, "plan", Some(plan.id))
    }
    .with_details(details);
    audit::record(tx, origin, entry, now).await
}
