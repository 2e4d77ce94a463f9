//! Plans as a caller reads them, for every transport. A plan's own facts (kind, status,
//! version number, dates) are open to whoever sees it; its header, reasons and versions
//! are sealed in a [`Personal`] for those reading the case in FULL; a task's words are
//! sealed for those reading the case in FULL and for its responsible agency. Opening
//! notes a read of the case on the caller's read log. Every read goes through the
//! scoped store, which decides in SQL.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{ExtensionRow, PlanHeader, PlanRow, TaskRow, VersionRow};
use super::store::{self, DueTask, ScopedPlan, ScopedTask};
use crate::access::{Caller, Personal, Viewer};
use crate::db::Db;
use crate::error::AppResult;

/// A plan as the caller may see it.
#[derive(Clone, Debug)]
pub struct PlanView {
    /// The plan; its reasons are always empty here (they are in [`PlanView::full`]).
    pub plan: PlanRow,
    /// Whether the caller reads the whole plan (else only its own tasks).
    pub reads_full: bool,
    /// The way to its header, reasons and versions: for those reading the case in FULL.
    pub full: Personal<FullPlan>,
}

/// What reading a plan in FULL opens: its reasons, and what [`header`], [`versions`],
/// [`version`] and [`extensions`] take.
#[derive(Clone, Debug)]
pub struct FullPlan {
    pub no_plan_reason: Option<String>,
    pub conclusion: Option<String>,
    plan_id: Uuid,
    current_version: i32,
    viewer: Viewer,
}

impl PlanView {
    fn of(scoped: ScopedPlan, viewer: Viewer) -> PlanView {
        let mut plan = scoped.row;
        let full = scoped.reads_full.then(|| FullPlan {
            no_plan_reason: plan.no_plan_reason.take(),
            conclusion: plan.conclusion.take(),
            plan_id: plan.id,
            current_version: plan.current_version,
            viewer,
        });
        plan.no_plan_reason = None;
        plan.conclusion = None;
        PlanView {
            reads_full: scoped.reads_full,
            full: Personal::sealed("case", plan.case_id, full),
            plan,
        }
    }
}

/// A task as the caller may see it.
#[derive(Clone, Debug)]
pub struct TaskView {
    /// The task; its words are always empty here (they are in [`TaskView::text`]).
    pub task: TaskRow,
    /// What the client and the specialist do, and the status note.
    pub text: Personal<TaskText>,
}

/// A task's words.
#[derive(Clone, Debug)]
pub struct TaskText {
    pub client_action: Option<String>,
    pub specialist_action: Option<String>,
    pub status_note: Option<String>,
}

impl TaskView {
    fn of(scoped: ScopedTask) -> TaskView {
        let mut task = scoped.row;
        let text = TaskText {
            client_action: task.client_action.take(),
            specialist_action: task.specialist_action.take(),
            status_note: task.status_note.take(),
        };
        TaskView {
            text: Personal::sealed("case", task.case_id, scoped.text_visible.then_some(text)),
            task,
        }
    }

    /// Still open past its due time.
    pub fn overdue(&self, now: DateTime<Utc>) -> bool {
        super::rules::task_overdue(self.task.status, self.task.due_at, now)
    }
}

/// A plan the caller sees, else `NOT_FOUND`.
pub async fn get(db: &Db, caller: &Caller, id: Uuid, now: DateTime<Utc>) -> AppResult<PlanView> {
    let viewer = caller.viewer()?;
    Ok(PlanView::of(
        store::get_visible(db, viewer, id, now).await?,
        viewer,
    ))
}

/// The plans of a case the caller sees (none where it sees the case without a plan it
/// may read).
pub async fn of_case(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<PlanView>> {
    let viewer = caller.viewer()?;
    let rows = store::of_case(db, viewer, case_id, now).await?;
    Ok(rows.into_iter().map(|p| PlanView::of(p, viewer)).collect())
}

/// The tasks of a plan the caller sees, in order.
pub async fn tasks(
    db: &Db,
    caller: &Caller,
    plan_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<TaskView>> {
    let viewer = caller.viewer()?;
    let rows = store::tasks_of_plan(db, viewer, plan_id, now).await?;
    Ok(rows.into_iter().map(TaskView::of).collect())
}

/// The tasks in a case's plans that the caller sees, plan by plan, in order: for other
/// modules (a reunification progress report links to an ИПСР task's id).
pub async fn tasks_of_case(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<TaskView>> {
    let viewer = caller.viewer()?;
    let rows = store::tasks_of_case(db, viewer, case_id, now).await?;
    Ok(rows.into_iter().map(TaskView::of).collect())
}

/// The current version's header (none while a shelter has no plan).
pub async fn header(db: &Db, full: &FullPlan, now: DateTime<Utc>) -> AppResult<Option<PlanHeader>> {
    let found = store::version(db, full.viewer, full.plan_id, full.current_version, now).await?;
    Ok(found.map(|v| v.content.0.header))
}

/// Every version, oldest first.
pub async fn versions(db: &Db, full: &FullPlan, now: DateTime<Utc>) -> AppResult<Vec<VersionRow>> {
    store::versions_of(db, full.viewer, full.plan_id, now).await
}

/// One version, if there is such.
pub async fn version(
    db: &Db,
    full: &FullPlan,
    version_no: i32,
    now: DateTime<Utc>,
) -> AppResult<Option<VersionRow>> {
    store::version(db, full.viewer, full.plan_id, version_no, now).await
}

/// An ИППСУ's term extensions, oldest first.
pub async fn extensions(
    db: &Db,
    full: &FullPlan,
    now: DateTime<Utc>,
) -> AppResult<Vec<ExtensionRow>> {
    store::extensions_of(db, full.viewer, full.plan_id, now).await
}

/// One page of the caller's agency's open tasks due within
/// [`super::rules::DUE_SOON_DAYS`] or overdue, the soonest first, after the `(due_at,
/// task id)` keyset: numbers, kinds and days only, nothing personal.
pub async fn due_tasks(
    db: &Db,
    caller: &Caller,
    after: Option<&(DateTime<Utc>, Uuid)>,
    now: DateTime<Utc>,
    limit: i64,
) -> AppResult<Vec<DueTask>> {
    let viewer = caller.viewer()?;
    let until = now + chrono::Duration::days(super::rules::DUE_SOON_DAYS);
    store::due_for_agency(db, viewer, until, after, now, limit).await
}
