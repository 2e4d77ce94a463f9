//! Who sees and changes a plan (issue 16). The lead agency edits its plans (its case's
//! curator or a head, as for every change to a case). Any agency reading the case in
//! FULL reads the whole plan. A responsible agency that reads the case only in SUMMARY
//! sees the plans that hold a task of its own, and of those plans only its own tasks,
//! whose status and note it updates; it reads neither the header nor the versions.
//! Everyone else finds nothing: `NOT_FOUND`. Each rule is a Rust function here and the
//! same rule in SQL beside it.

use uuid::Uuid;

use super::sql::{case_full, scope_rank, ViewerParams};
use super::{Role, Scope, Viewer};

/// Who records the status of a task their agency is responsible for: the people who
/// work with families (not analysts, administrators or the MRG's roles).
pub const UPDATE_PLAN_TASKS: &[Role] = &[
    Role::HeadOfService,
    Role::Curator,
    Role::Specialist,
    Role::GuardianshipOfficer,
    Role::RehabilitationStaff,
    Role::HospitalSpecialist,
];

/// Whether a viewer with `case_scope` (capped) on the plan's case sees the plan:
/// reading the case in FULL, or holding any scope and a task of the plan.
pub fn plan_visible(case_scope: Option<Scope>, holds_a_task: bool) -> bool {
    match case_scope {
        Some(Scope::Full) => true,
        Some(Scope::Summary) => holds_a_task,
        None => false,
    }
}

/// Whether a viewer sees a task: reading the case in FULL, or its agency is responsible
/// for it and holds any scope on the case.
pub fn task_visible(case_scope: Option<Scope>, responsible: bool) -> bool {
    case_scope == Some(Scope::Full) || (case_scope.is_some() && responsible)
}

/// Whether a viewer reads a task's words (what the client and the specialist do, the
/// status note): as [`task_visible`], for a viewer whose roles read personal data.
pub fn task_text_visible(viewer: Viewer, case_scope: Option<Scope>, responsible: bool) -> bool {
    case_scope == Some(Scope::Full)
        || (viewer.ceiling == Scope::Full && case_scope.is_some() && responsible)
}

fn any_scope(case_id: &str, p: ViewerParams) -> String {
    format!("COALESCE({}, 0) >= 1", scope_rank(case_id, p))
}

/// [`plan_visible`] in SQL, for plan `pl`.
pub fn plan_visible_sql(p: ViewerParams) -> String {
    format!(
        "({full} OR ({any} AND EXISTS (SELECT 1 FROM plan_tasks ot \
          WHERE ot.plan_id = pl.id AND ot.responsible_agency_id = ${a} \
            AND ot.removed_in_version IS NULL)))",
        full = case_full("pl.case_id", p),
        any = any_scope("pl.case_id", p),
        a = p.agency
    )
}

/// True when the viewer reads plan `pl`'s header, versions and reasons: FULL on its case.
pub fn plan_full_sql(p: ViewerParams) -> String {
    case_full("pl.case_id", p)
}

/// [`task_visible`] in SQL, for task `t`.
pub fn task_visible_sql(p: ViewerParams) -> String {
    format!(
        "({full} OR (t.responsible_agency_id = ${a} AND {any}))",
        full = case_full("t.case_id", p),
        any = any_scope("t.case_id", p),
        a = p.agency
    )
}

/// [`task_text_visible`] in SQL, for task `t`.
pub fn task_text_visible_sql(p: ViewerParams) -> String {
    format!(
        "({full} OR (${c} = 2 AND t.responsible_agency_id = ${a} AND {any}))",
        full = case_full("t.case_id", p),
        any = any_scope("t.case_id", p),
        a = p.agency,
        c = p.ceiling
    )
}

/// Whether `agency` may record the status of a task `responsible` is responsible for:
/// that agency itself, or the lead.
pub fn updates_task(agency: Option<Uuid>, responsible: Uuid, lead: Uuid) -> bool {
    agency.is_some_and(|a| a == responsible || a == lead)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(ceiling: Scope) -> Viewer {
        Viewer {
            agency_id: Some(Uuid::now_v7()),
            ceiling,
        }
    }

    #[test]
    fn a_summary_agency_sees_a_plan_only_through_a_task_of_its_own() {
        assert!(plan_visible(Some(Scope::Full), false));
        assert!(plan_visible(Some(Scope::Summary), true));
        assert!(!plan_visible(Some(Scope::Summary), false));
        assert!(!plan_visible(None, true));
    }

    #[test]
    fn a_summary_agency_reads_its_own_tasks_and_no_other() {
        let full = viewer(Scope::Full);
        assert!(task_text_visible(full, Some(Scope::Summary), true));
        assert!(!task_text_visible(full, Some(Scope::Summary), false));
        assert!(!task_visible(Some(Scope::Summary), false));
        assert!(!task_visible(None, true));
        let analyst = viewer(Scope::Summary);
        assert!(task_visible(Some(Scope::Summary), true));
        assert!(!task_text_visible(analyst, Some(Scope::Summary), true));
    }

    #[test]
    fn the_sql_binds_the_viewer_by_position() {
        let sql = task_text_visible_sql(ViewerParams::from(1));
        assert!(sql.contains("t.responsible_agency_id = $1") && sql.contains("$3 = 2"));
        assert!(plan_visible_sql(ViewerParams::from(1)).contains("ot.responsible_agency_id = $1"));
    }

    #[test]
    fn the_responsible_agency_or_the_lead_updates_a_task() {
        let (a, lead) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(updates_task(Some(a), a, lead));
        assert!(updates_task(Some(lead), a, lead));
        assert!(!updates_task(Some(Uuid::now_v7()), a, lead));
        assert!(!updates_task(None, a, lead));
    }
}
