//! The SQL that keeps scoped queries inside the viewer's scope.
//!
//! Every query over case, signal or handover data filters with these fragments, so a row
//! outside the viewer's scope is never loaded, and personal columns come back NULL where
//! the viewer may read only the summary: there is nothing to "check afterwards" and
//! nothing to forget. Each fragment mirrors one Rust rule of [`super`] and
//! [`super::participation`]; `tests/api/scope_rules.rs` runs one table of cases through
//! both and compares.
//!
//! Fragments bind the viewer by position ([`ViewerParams`]): its agency (a NULL agency, a
//! hub administrator, matches nothing), the clock, and its ceiling as a rank (2 = FULL,
//! 1 = SUMMARY; [`super::Viewer::ceiling_rank`]).

/// Where a query binds the viewer: `$agency`, `$now` and `$ceiling`.
#[derive(Clone, Copy, Debug)]
pub struct ViewerParams {
    /// The viewer's agency (`Option<Uuid>`).
    pub agency: u8,
    /// The time the scopes are read at.
    pub now: u8,
    /// The viewer's ceiling rank (`i32`: 2 or 1).
    pub ceiling: u8,
}

/// The values of the viewer's parameters at `$1..$3` ([`ViewerParams::from`]`(1)`), for a
/// list statement that starts with them.
pub fn leading_params(
    viewer: super::Viewer,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<crate::db::list_query::Param> {
    vec![
        viewer.agency_id.into(),
        now.into(),
        viewer.ceiling_rank().into(),
    ]
}

impl ViewerParams {
    /// The three parameters at `$first`, `$first + 1` and `$first + 2`.
    pub const fn from(first: u8) -> ViewerParams {
        ViewerParams {
            agency: first,
            now: first + 1,
            ceiling: first + 2,
        }
    }
}

/// Ends a derived table whose scope rank the query around it reads more than once (its
/// filter, its personal columns): a `LIMIT` no table reaches, which changes no result but
/// keeps both databases from merging the derived table into the query around it. Merged,
/// each reference to `scope_rank` became its own copy of the correlated subquery (SQLite
/// and PostgreSQL both substitute the expression), so a row's participations were read
/// once for the filter and again for every personal column. Kept apart, the rank is
/// computed once per row and read from there (issue 13: the scope decided once per row).
pub const RANK_ONCE: &str = " LIMIT 9223372036854775807";

/// True when participation `alias` grants anything at `$now`: not revoked (whatever time
/// `revoked_at` holds) and not run out. The same rule as
/// [`super::participation::Participation::is_active`].
pub fn participation_active(alias: &str, now_param: u8) -> String {
    format!(
        "{alias}.revoked_at IS NULL \
         AND ({alias}.expires_at IS NULL OR {alias}.expires_at > ${now_param})"
    )
}

/// A participation's rank for the viewer: 1 for SUMMARY, and for FULL the viewer's
/// ceiling (2, or 1 for a viewer whose roles read no personal data).
fn capped_rank(p: ViewerParams) -> String {
    format!("CASE WHEN p.scope = 'FULL' THEN ${} ELSE 1 END", p.ceiling)
}

/// The widest scope rank (2 = FULL, 1 = SUMMARY, NULL = none) the viewer holds on the case
/// `case_id_expr`, capped by its ceiling: a correlated subquery over that case's few
/// participations. The same rule as [`super::participation::scope_of`] and
/// [`super::Viewer::cap`].
pub fn scope_rank(case_id_expr: &str, p: ViewerParams) -> String {
    format!(
        "(SELECT MAX({}) FROM participations p \
         WHERE p.case_id = {case_id_expr} AND p.agency_id = ${} AND {})",
        capped_rank(p),
        p.agency,
        participation_active("p", p.now)
    )
}

/// A derived table `v (case_id, scope_rank)` of the cases the viewer reaches, with its
/// widest scope, capped. Join it: `JOIN {visible_cases(..)} ON v.case_id = c.id`.
pub fn visible_cases(p: ViewerParams) -> String {
    format!(
        "(SELECT p.case_id, MAX({}) AS scope_rank \
         FROM participations p WHERE p.agency_id = ${} AND {} GROUP BY p.case_id) v",
        capped_rank(p),
        p.agency,
        participation_active("p", p.now)
    )
}

/// True when the viewer reads the case `case_id_expr` in FULL (capped): the condition for
/// rows that hold a case's personal data (its people, consents, handover history). False,
/// never NULL, where the viewer holds nothing, so that it can be selected as a boolean.
pub fn case_full(case_id_expr: &str, p: ViewerParams) -> String {
    format!("COALESCE({} = 2, FALSE)", scope_rank(case_id_expr, p))
}

/// The viewer's scope rank on signal `s`, capped: until a case is opened from it, 2 (the
/// ceiling) for the receiving service and 1 for the sending hospital; once a case is
/// opened, its rank on that case. The same rule as [`super::signal_scope`].
pub fn signal_scope_rank(p: ViewerParams) -> String {
    format!(
        "(CASE WHEN s.case_id IS NOT NULL THEN {} \
          WHEN s.service_agency_id = ${a} THEN ${c} \
          WHEN s.sender_agency_id = ${a} THEN 1 END)",
        scope_rank("s.case_id", p),
        a = p.agency,
        c = p.ceiling
    )
}

/// True when signal `s` is in the journal of the agency bound at `$agency_param`: it
/// received it or sent it. The journal lists these; what each shows is
/// [`signal_scope_rank`]'s to say.
pub fn in_own_signal_journal(agency_param: u8) -> String {
    format!("(s.service_agency_id = ${agency_param} OR s.sender_agency_id = ${agency_param})")
}

/// The condition under which the agency bound at `$agency_param` sees handover request
/// `h`: it sent it or it is the receiver. Whether it also reads the package is
/// [`package_visible`]'s to say. A NULL agency (a hub administrator) sees none.
pub fn handover_visible(agency_param: u8) -> String {
    format!("(h.from_agency_id = ${agency_param} OR h.to_agency_id = ${agency_param})")
}

/// True when the ground on which request `h` shares its package with its receiver still
/// holds: the law or a head's override, or a consent to personal-data processing that
/// covers the receiver and is not withdrawn.
pub const SHARING_GROUND_HOLDS: &str = "(h.sharing_basis <> 'CONSENT' OR EXISTS (\
    SELECT 1 FROM consents sc JOIN consent_agencies sca ON sca.consent_id = sc.id \
    WHERE sc.case_id = h.case_id AND sca.agency_id = h.to_agency_id \
      AND sc.kind = 'PERSONAL_DATA' AND sc.withdrawn_at IS NULL))";

/// True when the viewer reads the package of request `h`. The same rule as
/// [`super::package_visible`].
pub fn package_visible(p: ViewerParams) -> String {
    format!(
        "(${c} = 2 AND (({full}) OR (h.to_agency_id = ${a} \
          AND (h.status = 'PENDING' OR (h.kind = 'NOTICE' AND h.status = 'ACKNOWLEDGED')) \
          AND {SHARING_GROUND_HOLDS})))",
        full = case_full("h.case_id", p),
        a = p.agency,
        c = p.ceiling
    )
}

/// True when the viewer reads the sender's free-text reason on request `h`. The same rule
/// as [`super::handover_reason_visible`].
pub fn handover_reason_visible(p: ViewerParams) -> String {
    format!(
        "(${c} = 2 AND (h.from_agency_id = ${a} \
          OR (h.to_agency_id = ${a} AND h.status IN ('PENDING', 'ACCEPTED', 'ACKNOWLEDGED'))))",
        a = p.agency,
        c = p.ceiling
    )
}

/// The condition under which the viewer sees information request `r`: its agency
/// received it, or holds any scope on the case and sent it, or reads the case in FULL
/// (the answer is filed in the case). The same rule as
/// [`super::information_request_visible`].
pub fn information_request_visible(p: ViewerParams) -> String {
    format!(
        "(r.to_agency_id = ${a} OR COALESCE({rank}, 0) >= \
          (CASE WHEN r.from_agency_id = ${a} THEN 1 ELSE 2 END))",
        rank = scope_rank("r.case_id", p),
        a = p.agency
    )
}

/// True when the viewer reads request `r`'s words (questions, answer, withdrawal reason)
/// and the answer's documents: a viewer whose roles read personal data, of the receiving
/// agency or reading the case in FULL. The same rule as
/// [`super::information_request_text_visible`].
pub fn information_request_text_visible(p: ViewerParams) -> String {
    format!(
        "(${c} = 2 AND (r.to_agency_id = ${a} OR {full}))",
        full = case_full("r.case_id", p),
        a = p.agency,
        c = p.ceiling
    )
}

/// True when the viewer reads what identifies the person request `r` is about: the
/// receiving agency, while the request is open, for a viewer whose roles read personal
/// data. The same rule as [`super::information_identity_visible`].
pub fn information_identity_visible(p: ViewerParams) -> String {
    format!(
        "(${c} = 2 AND r.to_agency_id = ${a} AND r.status = 'OPEN')",
        a = p.agency,
        c = p.ceiling
    )
}

/// True when the viewer sees reunification `u`: it holds any scope on the case (the
/// summary shows stages, dates and verdicts).
pub fn reunification_visible(p: ViewerParams) -> String {
    format!("({} IS NOT NULL)", scope_rank("u.case_id", p))
}

/// True when the viewer reads the words of reunification entry `e`, never NULL (it is
/// selected as a boolean). The same rule as [`super::reunification_text_visible`].
pub fn reunification_text_visible(p: ViewerParams) -> String {
    format!(
        "COALESCE(${c} = 2 AND ({full} OR e.agency_id = ${a} OR e.addressee_agency_id = ${a} \
          OR (e.kind = 'INSPECTION' AND EXISTS (SELECT 1 FROM reunification_inspection_parties ip \
              WHERE ip.entry_id = e.id AND ip.agency_id = ${a}))), FALSE)",
        full = case_full("e.case_id", p),
        a = p.agency,
        c = p.ceiling
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_binds_the_agency_the_clock_and_the_ceiling_by_position() {
        let sql = scope_rank("c.id", ViewerParams::from(2));
        assert!(sql.contains("p.case_id = c.id"));
        assert!(sql.contains("p.agency_id = $2"));
        assert!(sql.contains("p.expires_at > $3"));
        assert!(sql.contains("THEN $4 ELSE 1"));
    }

    #[test]
    fn the_visible_cases_table_ranks_full_above_summary() {
        let sql = visible_cases(ViewerParams::from(1));
        assert!(sql.contains("p.agency_id = $1") && sql.contains("p.expires_at > $2"));
        assert!(sql.contains("THEN $3 ELSE 1") && sql.ends_with(" v"));
    }

    #[test]
    fn the_package_condition_is_never_null() {
        // Selected as a column, a NULL would not decode as a boolean on PostgreSQL.
        assert!(package_visible(ViewerParams::from(1)).contains("COALESCE("));
    }

    #[test]
    fn revoked_participations_never_count() {
        assert!(participation_active("p", 2).starts_with("p.revoked_at IS NULL AND"));
        assert!(scope_rank("x", ViewerParams::from(1)).contains("p.revoked_at IS NULL"));
    }
}
