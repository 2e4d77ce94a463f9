//! The SQL fragment that keeps case-scoped queries inside the caller's scope.
//!
//! Every query over case data joins this filter, so a row outside the actor's scope is
//! never loaded: there is nothing to "check afterwards" and nothing to forget.

use super::Scope;

/// An `EXISTS (…)` condition, true when the agency bound at `$agency_param` holds at least
/// `min` scope on the case whose id is `case_id_expr`, at the time bound at `$now_param`.
///
/// A NULL agency (a hub administrator) matches nothing, which is what we want.
pub fn case_visible(case_id_expr: &str, agency_param: u8, now_param: u8, min: Scope) -> String {
    let scope = match min {
        Scope::Summary => String::new(),
        Scope::Full => " AND p.scope = 'FULL'".to_owned(),
    };
    format!(
        "EXISTS (SELECT 1 FROM participations p \
         WHERE p.case_id = {case_id_expr} AND p.agency_id = ${agency_param} \
         AND p.revoked_at IS NULL AND (p.expires_at IS NULL OR p.expires_at > ${now_param}){scope})"
    )
}

/// A derived table `v (case_id, scope_rank)` of the cases the agency bound at
/// `$agency_param` reaches at the time bound at `$now_param`, with its widest scope
/// (2 = FULL, 1 = SUMMARY). Join it: `JOIN {visible_cases(..)} ON v.case_id = c.id`.
pub fn visible_cases(agency_param: u8, now_param: u8) -> String {
    format!(
        "(SELECT p.case_id, MAX(CASE WHEN p.scope = 'FULL' THEN 2 ELSE 1 END) AS scope_rank \
         FROM participations p WHERE p.agency_id = ${agency_param} AND p.revoked_at IS NULL \
         AND (p.expires_at IS NULL OR p.expires_at > ${now_param}) GROUP BY p.case_id) v"
    )
}

/// The widest scope (2 = FULL, 1 = SUMMARY, NULL = none) the agency bound at
/// `$agency_param` holds on the case `case_id_expr` at the time bound at `$now_param`:
/// a correlated subquery over that case's few participations.
pub fn scope_rank(case_id_expr: &str, agency_param: u8, now_param: u8) -> String {
    format!(
        "(SELECT MAX(CASE WHEN p.scope = 'FULL' THEN 2 ELSE 1 END) FROM participations p \
         WHERE p.case_id = {case_id_expr} AND p.agency_id = ${agency_param} \
         AND p.revoked_at IS NULL AND (p.expires_at IS NULL OR p.expires_at > ${now_param}))"
    )
}

/// The condition under which the agency bound at `$1` sees signal `s`: it is the service
/// the signal went to (`FULL`) or the hospital that sent it (`SUMMARY`, see
/// [`super::signal_scope`]). A NULL agency (a hub administrator) sees none.
pub const SIGNAL_VISIBLE: &str = "(s.service_agency_id = $1 OR s.sender_agency_id = $1)";

/// The condition under which the agency bound at `$1` sees handover request `h`: it sent
/// it or it is the receiver. Whether it also reads the package is
/// [`super::package_visible`]'s to say. A NULL agency (a hub administrator) sees none.
pub const HANDOVER_VISIBLE: &str = "(h.from_agency_id = $1 OR h.to_agency_id = $1)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_binds_the_agency_and_the_clock_by_position() {
        let sql = case_visible("c.id", 2, 3, Scope::Summary);
        assert!(sql.contains("p.case_id = c.id"));
        assert!(sql.contains("p.agency_id = $2"));
        assert!(sql.contains("p.expires_at > $3"));
        assert!(!sql.contains("FULL"));
    }

    #[test]
    fn a_full_scope_filter_excludes_summary_participations() {
        let sql = case_visible("c.id", 1, 2, Scope::Full);
        assert!(sql.contains("p.scope = 'FULL'"));
    }

    #[test]
    fn the_visible_cases_table_ranks_full_above_summary() {
        let sql = visible_cases(1, 2);
        assert!(sql.contains("p.agency_id = $1") && sql.contains("p.expires_at > $2"));
        assert!(sql.contains("THEN 2 ELSE 1") && sql.ends_with(" v"));
    }

    #[test]
    fn revoked_participations_never_count() {
        assert!(case_visible("x", 1, 2, Scope::Summary).contains("p.revoked_at IS NULL"));
    }
}
