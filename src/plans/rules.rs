//! The rules of plans, as plain functions: which kind fits a case, when a plan is due
//! and reviewed, what its header and tasks must hold, an ИППСУ's term, the client's copy,
//! when a task is due or overdue, and what changed between two versions. Who may do what
//! is [`crate::access::plans`]'s to say.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Days, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use super::model::{PlanHeader, PlanKind, TaskArea, TaskSnapshot, TaskStatus, VersionContent};
use crate::agencies::AgencyKind;
use crate::cases::model::CaseStatus;
use crate::error::{AppError, AppResult};
use crate::input;

/// The most tasks a plan holds.
pub const MAX_TASKS: usize = 100;
/// The most intermediate goals.
pub const MAX_GOALS: usize = 20;
/// The longest goal or header field, in characters.
pub const MAX_TEXT: usize = 5_000;
/// The longest task action or status note, in characters.
pub const MAX_TASK_TEXT: usize = 2_000;
/// The furthest ahead a task or a term may end, in days (an ИППСУ runs up to a year or
/// so; three years leaves room for extensions).
pub const MAX_AHEAD_DAYS: u64 = 3 * 366;
/// A decision-change plan is reviewed weekly (seed 001).
pub const DECISION_REVIEW_DAYS: u64 = 7;
/// A support plan is reviewed every three months (seed 001).
pub const SUPPORT_REVIEW_MONTHS: u32 = 3;
/// A support plan is due within one month of the start of support (seed 001).
pub const SUPPORT_DUE_MONTHS: u32 = 1;
/// A shelter's plan is drawn up after two weeks of living there (seed 002).
pub const SHELTER_DUE_DAYS: u64 = 14;
/// A task falls due this many days before its due date (home page and e-mail).
pub const DUE_SOON_DAYS: i64 = 3;

/// What the rules read of a case.
#[derive(Clone, Copy, Debug)]
pub struct CaseFacts {
    pub status: CaseStatus,
    pub shelter: bool,
    pub lead_kind: AgencyKind,
    /// The lead's day decision work started, while the case is in it.
    pub decision_started_on: Option<NaiveDate>,
    /// The lead's day support started.
    pub support_started_on: Option<NaiveDate>,
}

/// Whether a plan of `kind` fits the case: the decision-change plan belongs to decision
/// work and the support plan to support (seed 001), the shelter's plan to a shelter case
/// (seed 002), the child's ИПСР to a rehabilitation centre (seed 003, l.90); the family's
/// ИПСР and the ИППСУ to any open case. Bad input on `kind` otherwise.
pub fn check_fits_case(kind: PlanKind, case: &CaseFacts) -> AppResult<()> {
    let refuse = |message: &str| Err(AppError::bad_input("kind", message));
    if case.status == CaseStatus::Closed {
        return Err(AppError::Conflict(
            "the case is closed; its records no longer change".into(),
        ));
    }
    match kind {
        PlanKind::DecisionChange if case.status != CaseStatus::DecisionWork => {
            refuse("a decision-change plan belongs to decision work")
        }
        PlanKind::Support if case.status != CaseStatus::Support => {
            refuse("a support plan belongs to rehabilitation support")
        }
        PlanKind::Shelter if !case.shelter => refuse("a shelter plan belongs to a shelter case"),
        PlanKind::IpsrChild if case.lead_kind != AgencyKind::RehabilitationCentre => {
            refuse("the child's ИПСР is kept by a rehabilitation centre that leads the case")
        }
        _ => Ok(()),
    }
}

/// The day a plan of `kind` is due to be drawn up: at the start of decision work; one
/// month after support started; 14 days after settling in; as the lead sets for the
/// ИПСР and the ИППСУ.
pub fn due_on(
    kind: PlanKind,
    case: &CaseFacts,
    settled_on: Option<NaiveDate>,
    set_by_lead: Option<NaiveDate>,
) -> Option<NaiveDate> {
    match kind {
        PlanKind::DecisionChange => case.decision_started_on,
        PlanKind::Support => case
            .support_started_on
            .and_then(|d| d.checked_add_months(Months::new(SUPPORT_DUE_MONTHS))),
        PlanKind::Shelter => {
            settled_on.and_then(|d| d.checked_add_days(Days::new(SHELTER_DUE_DAYS)))
        }
        PlanKind::IpsrFamily | PlanKind::IpsrChild | PlanKind::Ippsu => set_by_lead,
    }
}

/// The next review after one on `from`: weekly for decision change, every three months
/// for support (seed 001); otherwise the day the lead sets, if any (it must not be
/// before `from`).
pub fn next_review_on(
    kind: PlanKind,
    from: NaiveDate,
    set_by_lead: Option<NaiveDate>,
) -> AppResult<Option<NaiveDate>> {
    match kind {
        PlanKind::DecisionChange => Ok(from.checked_add_days(Days::new(DECISION_REVIEW_DAYS))),
        PlanKind::Support => Ok(from.checked_add_months(Months::new(SUPPORT_REVIEW_MONTHS))),
        _ => match set_by_lead {
            Some(day) if day < from => Err(AppError::bad_input(
                "nextReviewOn",
                "the next review cannot be in the past",
            )),
            other => Ok(other),
        },
    }
}

/// Whether a review due on `next` is late on `today` (the lead's day).
pub fn review_overdue(next: Option<NaiveDate>, today: NaiveDate) -> bool {
    next.is_some_and(|day| today > day)
}

/// Checks and trims a header: a main goal always; the causes of refusal and the
/// client's strengths only (and both) on a decision-change plan; the nature of the
/// violation of the child's rights only (and always) on a support plan.
pub fn check_header(kind: PlanKind, header: PlanHeader) -> AppResult<PlanHeader> {
    let main_goal = input::required_text("header.mainGoal", &header.main_goal, MAX_TEXT)?;
    if header.intermediate_goals.len() > MAX_GOALS {
        return Err(AppError::bad_input(
            "header.intermediateGoals",
            format!("at most {MAX_GOALS} goals"),
        ));
    }
    let mut intermediate_goals = Vec::with_capacity(header.intermediate_goals.len());
    for (i, goal) in header.intermediate_goals.iter().enumerate() {
        let field = format!("header.intermediateGoals[{i}]");
        intermediate_goals.push(input::required_text(&field, goal, MAX_TEXT)?);
    }
    let text = |field: &str, value: &Option<String>, wanted: bool, what: &str| {
        let value = input::optional_text(field, value.as_deref(), MAX_TEXT)?;
        match (wanted, value) {
            (true, None) => Err(AppError::bad_input(field, format!("{what} must be given"))),
            (false, Some(_)) => Err(AppError::bad_input(
                field,
                format!("only {what} asks for this field"),
            )),
            (_, value) => Ok(value),
        }
    };
    let decision = kind == PlanKind::DecisionChange;
    let support = kind == PlanKind::Support;
    Ok(PlanHeader {
        main_goal,
        intermediate_goals,
        refusal_causes: text(
            "header.refusalCauses",
            &header.refusal_causes,
            decision,
            "a decision-change plan",
        )?,
        strengths: text(
            "header.strengths",
            &header.strengths,
            decision,
            "a decision-change plan",
        )?,
        rights_violation: text(
            "header.rightsViolation",
            &header.rights_violation,
            support,
            "a support plan",
        )?,
    })
}

/// The areas a plan's tasks group by: the six domains for the shelter's plan (seed 002),
/// the four kinds of service for every other.
pub fn areas(kind: PlanKind) -> &'static [TaskArea] {
    match kind {
        PlanKind::Shelter => &TaskArea::SHELTER_DOMAINS,
        _ => &TaskArea::SERVICES,
    }
}

/// A task as the lead writes it.
#[derive(Clone, Debug)]
pub struct NewTask {
    /// The task it revises; `None` for a new one.
    pub id: Option<Uuid>,
    pub area: TaskArea,
    pub client_action: Option<String>,
    pub specialist_action: Option<String>,
    pub responsible_agency_id: Uuid,
    pub due_on: NaiveDate,
    /// The MRG recommendation a new task comes from (issue 15): linked in the same
    /// transaction by [`crate::mrg::followup::act_on`].
    pub recommendation_id: Option<Uuid>,
}

/// Checks a plan's tasks, trimmed: at most [`MAX_TASKS`]; each in an area of its kind,
/// saying what the client or the specialist does, with a responsible agency that is on
/// the case, due on a day not before `today` (unless an existing task keeps its day)
/// and at most [`MAX_AHEAD_DAYS`] ahead; an id only of a task of this plan, once.
pub fn check_tasks(
    kind: PlanKind,
    tasks: Vec<NewTask>,
    today: NaiveDate,
    on_case: &HashSet<Uuid>,
    existing: &HashMap<Uuid, NaiveDate>,
) -> AppResult<Vec<NewTask>> {
    if tasks.len() > MAX_TASKS {
        return Err(AppError::bad_input(
            "tasks",
            format!("at most {MAX_TASKS} tasks"),
        ));
    }
    let latest = today.checked_add_days(Days::new(MAX_AHEAD_DAYS));
    let mut seen = HashSet::new();
    let mut checked = Vec::with_capacity(tasks.len());
    for (i, task) in tasks.into_iter().enumerate() {
        let field = |name: &str| format!("tasks[{i}].{name}");
        if !areas(kind).contains(&task.area) {
            let names: Vec<&str> = areas(kind).iter().map(|a| a.as_str()).collect();
            return Err(AppError::bad_input(
                field("area"),
                format!("a {} plan groups by: {}", kind.as_str(), names.join(", ")),
            ));
        }
        let client_action = input::optional_text(
            &field("clientAction"),
            task.client_action.as_deref(),
            MAX_TASK_TEXT,
        )?;
        let specialist_action = input::optional_text(
            &field("specialistAction"),
            task.specialist_action.as_deref(),
            MAX_TASK_TEXT,
        )?;
        if client_action.is_none() && specialist_action.is_none() {
            return Err(AppError::bad_input(
                field("clientAction"),
                "say what the client or the specialist does",
            ));
        }
        if !on_case.contains(&task.responsible_agency_id) {
            return Err(AppError::bad_input(
                field("responsibleAgencyId"),
                "the responsible agency must take part in the case",
            ));
        }
        if task.id.is_some() && task.recommendation_id.is_some() {
            return Err(AppError::bad_input(
                field("recommendationId"),
                "only a new task comes from a recommendation",
            ));
        }
        let kept_day = match task.id {
            Some(id) => {
                let Some(day) = existing.get(&id) else {
                    return Err(AppError::bad_input(
                        field("id"),
                        "no such task in this plan",
                    ));
                };
                if !seen.insert(id) {
                    return Err(AppError::bad_input(field("id"), "the task is listed twice"));
                }
                *day == task.due_on
            }
            None => false,
        };
        if task.due_on < today && !kept_day {
            return Err(AppError::bad_input(
                field("dueOn"),
                "the due date cannot be in the past",
            ));
        }
        if latest.is_some_and(|l| task.due_on > l) {
            return Err(AppError::bad_input(
                field("dueOn"),
                format!("at most {MAX_AHEAD_DAYS} days ahead"),
            ));
        }
        checked.push(NewTask {
            client_action,
            specialist_action,
            ..task
        });
    }
    Ok(checked)
}

/// Checks an ИППСУ's term: it has one, from `today` on and at most [`MAX_AHEAD_DAYS`]
/// ahead; no other kind has one.
pub fn check_term(
    kind: PlanKind,
    term_until: Option<NaiveDate>,
    today: NaiveDate,
) -> AppResult<Option<NaiveDate>> {
    match (kind, term_until) {
        (PlanKind::Ippsu, None) => Err(AppError::bad_input(
            "termUntil",
            "an ИППСУ is drawn up for a term",
        )),
        (PlanKind::Ippsu, Some(until)) => {
            check_day_ahead("termUntil", until, today)?;
            Ok(Some(until))
        }
        (_, Some(_)) => Err(AppError::bad_input("termUntil", "only an ИППСУ has a term")),
        (_, None) => Ok(None),
    }
}

fn check_day_ahead(field: &str, day: NaiveDate, today: NaiveDate) -> AppResult<()> {
    if day < today {
        return Err(AppError::bad_input(field, "cannot be in the past"));
    }
    if today
        .checked_add_days(Days::new(MAX_AHEAD_DAYS))
        .is_some_and(|l| day > l)
    {
        return Err(AppError::bad_input(
            field,
            format!("at most {MAX_AHEAD_DAYS} days ahead"),
        ));
    }
    Ok(())
}

/// Checks an extension of an ИППСУ's term: to a later day, with a reason.
pub fn check_extension(
    kind: PlanKind,
    current: Option<NaiveDate>,
    until: NaiveDate,
    today: NaiveDate,
) -> AppResult<NaiveDate> {
    let Some(current) = current.filter(|_| kind == PlanKind::Ippsu) else {
        return Err(AppError::bad_input(
            "planId",
            "only an ИППСУ's term is extended",
        ));
    };
    if until <= current {
        return Err(AppError::bad_input(
            "until",
            "an extension ends after the current term",
        ));
    }
    check_day_ahead("until", until, today)?;
    Ok(current)
}

/// Checks a shelter's settling-in day: not in the future.
pub fn check_settled_on(
    kind: PlanKind,
    settled_on: Option<NaiveDate>,
    today: NaiveDate,
) -> AppResult<Option<NaiveDate>> {
    match (kind, settled_on) {
        (PlanKind::Shelter, None) => Err(AppError::bad_input(
            "settledOn",
            "a shelter plan is due 14 days after settling in: give that day",
        )),
        (PlanKind::Shelter, Some(day)) if day > today => {
            Err(AppError::bad_input("settledOn", "cannot be in the future"))
        }
        (PlanKind::Shelter, day) => Ok(day),
        (_, Some(_)) => Err(AppError::bad_input(
            "settledOn",
            "only a shelter plan records the day of settling in",
        )),
        (_, None) => Ok(None),
    }
}

/// Checks the day the client received her copy of a version: not before the version was
/// written, not in the future.
pub fn check_received_on(
    received_on: NaiveDate,
    written_on: NaiveDate,
    today: NaiveDate,
) -> AppResult<()> {
    if received_on > today {
        return Err(AppError::bad_input("receivedOn", "cannot be in the future"));
    }
    if received_on < written_on {
        return Err(AppError::bad_input(
            "receivedOn",
            "cannot be before the version was written",
        ));
    }
    Ok(())
}

/// When a task due on `due` becomes overdue: the end of that day in the responsible
/// agency's time zone.
pub fn task_due_at(due: NaiveDate, zone: Tz) -> DateTime<Utc> {
    crate::inforequests::rules::due_at(due, zone)
}

/// Still open past its due time.
pub fn task_overdue(status: TaskStatus, due_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status.is_open() && now >= due_at
}

/// Open and due within [`DUE_SOON_DAYS`], or already overdue.
pub fn task_due(status: TaskStatus, due_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status.is_open() && due_at - chrono::Duration::days(DUE_SOON_DAYS) <= now
}

/// One field that differs between two versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// The field's API name (`mainGoal`, `dueOn`, …).
    pub field: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A task in both versions that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskChange {
    pub task_id: Uuid,
    pub fields: Vec<FieldChange>,
}

/// What changed from one version to another.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanDiff {
    pub header: Vec<FieldChange>,
    pub added: Vec<TaskSnapshot>,
    pub removed: Vec<TaskSnapshot>,
    pub changed: Vec<TaskChange>,
}

fn change(
    out: &mut Vec<FieldChange>,
    field: &'static str,
    before: Option<String>,
    after: Option<String>,
) {
    if before != after {
        out.push(FieldChange {
            field,
            before,
            after,
        });
    }
}

/// What changed from `from` to `to`: header fields, tasks added, removed and changed
/// (matched by their ids, which stay across versions).
pub fn diff(from: &VersionContent, to: &VersionContent) -> PlanDiff {
    let mut header = Vec::new();
    let (a, b) = (&from.header, &to.header);
    change(
        &mut header,
        "mainGoal",
        Some(a.main_goal.clone()),
        Some(b.main_goal.clone()),
    );
    let goals = |g: &[String]| (!g.is_empty()).then(|| g.join("\n"));
    change(
        &mut header,
        "intermediateGoals",
        goals(&a.intermediate_goals),
        goals(&b.intermediate_goals),
    );
    change(
        &mut header,
        "refusalCauses",
        a.refusal_causes.clone(),
        b.refusal_causes.clone(),
    );
    change(
        &mut header,
        "strengths",
        a.strengths.clone(),
        b.strengths.clone(),
    );
    change(
        &mut header,
        "rightsViolation",
        a.rights_violation.clone(),
        b.rights_violation.clone(),
    );
    let before: HashMap<Uuid, &TaskSnapshot> = from.tasks.iter().map(|t| (t.id, t)).collect();
    let after: HashSet<Uuid> = to.tasks.iter().map(|t| t.id).collect();
    let mut diff = PlanDiff {
        header,
        removed: from
            .tasks
            .iter()
            .filter(|t| !after.contains(&t.id))
            .cloned()
            .collect(),
        ..PlanDiff::default()
    };
    for task in &to.tasks {
        let Some(old) = before.get(&task.id) else {
            diff.added.push(task.clone());
            continue;
        };
        let mut fields = Vec::new();
        let s = |v: &str| Some(v.to_owned());
        change(
            &mut fields,
            "area",
            s(old.area.as_str()),
            s(task.area.as_str()),
        );
        change(
            &mut fields,
            "clientAction",
            old.client_action.clone(),
            task.client_action.clone(),
        );
        change(
            &mut fields,
            "specialistAction",
            old.specialist_action.clone(),
            task.specialist_action.clone(),
        );
        change(
            &mut fields,
            "responsibleAgencyId",
            Some(old.responsible_agency_id.to_string()),
            Some(task.responsible_agency_id.to_string()),
        );
        change(
            &mut fields,
            "dueOn",
            Some(old.due_on.to_string()),
            Some(task.due_on.to_string()),
        );
        change(
            &mut fields,
            "status",
            s(old.status.as_str()),
            s(task.status.as_str()),
        );
        if !fields.is_empty() {
            diff.changed.push(TaskChange {
                task_id: task.id,
                fields,
            });
        }
    }
    diff
}

#[cfg(test)]
mod tests;
