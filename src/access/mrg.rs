//! Who sees what of the MRG, as SQL fragments (the MRG's store filters by them). They
//! bind the viewer as [`super::sql::ViewerParams`] at `$1..$3` (agency, now, ceiling) and
//! the viewer's user at `$4` ([`USER`]).
//!
//! - A group, its meetings and agendas exist for the users of its member agencies
//!   ([`group_visible`]); for anyone else they are `NOT_FOUND`.
//! - A meeting's full minutes are read only by the group's chair and secretary
//!   ([`group_officer`]); every other member agency gets an extract per case: the lead of
//!   the case, and an agency a recommendation of that case is addressed to
//!   ([`extract_visible`]), once the minutes are approved.
//! - An approved recommendation exists for its responsible agency, the group's chair and
//!   secretary, and agencies reading the case in FULL ([`recommendation_visible`]).
//! - The agenda's cases themselves are read through the case's participations: the MRG
//!   grants its member agencies `SUMMARY` (`MrgReviewScheduled`), never `FULL`.

use super::sql::{case_full, ViewerParams};

/// Where MRG queries bind the viewer: `$1` agency, `$2` now, `$3` ceiling.
pub const VIEWER: ViewerParams = ViewerParams::from(1);
/// Where MRG queries bind the viewer's user.
pub const USER: u8 = 4;

/// True when the viewer's agency has a member in group `group_expr`.
pub fn group_visible(group_expr: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM mrg_group_members gv \
         WHERE gv.group_id = {group_expr} AND gv.agency_id = ${})",
        VIEWER.agency
    )
}

/// True when the viewer's user is the chair or the secretary of group `group_expr` and
/// its roles read personal data: who reads the full minutes.
pub fn group_officer(group_expr: &str) -> String {
    format!(
        "(${} = 2 AND EXISTS (SELECT 1 FROM mrg_group_members go \
         WHERE go.group_id = {group_expr} AND go.user_id = ${USER} \
           AND go.role IN ('CHAIR', 'SECRETARY')))",
        VIEWER.ceiling
    )
}

/// True when the viewer reads the extract of agenda item `i` of meeting `m`: the minutes
/// are approved, its roles read personal data, and its agency leads the item's case or
/// answers for one of the item's recommendations.
pub fn extract_visible() -> String {
    format!(
        "(m.minutes_status = 'APPROVED' AND ${c} = 2 AND i.case_id IS NOT NULL AND \
          (i.lead_agency_id = ${a} OR EXISTS (SELECT 1 FROM mrg_recommendations er \
            WHERE er.item_id = i.id AND er.agency_id = ${a})))",
        a = VIEWER.agency,
        c = VIEWER.ceiling
    )
}

/// True when the viewer sees approved recommendation `r`.
pub fn recommendation_visible() -> String {
    format!(
        "(r.approved AND (r.agency_id = ${} OR {} OR {}))",
        VIEWER.agency,
        group_officer("r.group_id"),
        case_full("r.case_id", VIEWER)
    )
}
