//! Effectiveness reports (domain.md §7, seeds-notes C and D; issue 18).
//!
//! Every half year a service analyses its documents and writes the figures into a
//! conclusion (seed 001). The hub computes them from the record: each ratio with its
//! numerator, its denominator and, for the agency's head, the journal numbers behind
//! them; a zero denominator is "no data". Periods count in the agency's local dates.
//! Hospitals record their births and refusals month by month, so signals can be set
//! against refusals per sending hospital and refusals per 100 births compared with a
//! year earlier. An agency sees its own figures; a regional analyst sees its region's
//! agencies side by side, with no personal data and no journal numbers. The head writes
//! the analysis and signs the conclusion off: it is frozen then, a JSON snapshot of the
//! figures as issued, printed as such whatever happens to the cases later.

pub mod audit_actions;
pub mod export;
pub mod graphql;
pub mod little_mama;
pub mod model;
pub mod rules;
pub mod store;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use self::model::{ConclusionRow, ConclusionStatus, EffectivenessReport, HospitalMonthRow};
use self::rules::{Period, ReportAgency};
use crate::access::{policy, roles, Actor, Caller, Role};
use crate::agencies::AgencyKind;
use crate::audit::{self, AuditAction, Entry, Origin};
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::input;

/// Reports' registrations, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    ..crate::domains::Domain::EMPTY
};

/// The caller's own agency; a user without one (a hub administrator) reads no report.
fn own_agency(actor: &Actor) -> AppResult<Uuid> {
    actor
        .agency_id
        .ok_or(AppError::Forbidden("reports belong to an agency"))
}

/// Whether the caller drills down to journal numbers in `agency`'s report: the head, of
/// its own agency.
pub fn sees_journal_numbers(actor: &Actor, agency: Uuid) -> bool {
    actor.agency_id == Some(agency) && roles::HEAD_REPORTS.iter().any(|r| actor.has(*r))
}

/// The report of `agency_id` (default: the caller's own agency) for `period`, as the
/// caller may read it: another agency's only for a regional analyst of its region
/// (`NOT_FOUND` otherwise), journal numbers only for the agency's own head.
pub async fn report(
    db: &Db,
    caller: &Caller,
    agency_id: Option<Uuid>,
    period: Period,
    now: DateTime<Utc>,
) -> AppResult<EffectivenessReport> {
    let actor = caller.actor()?;
    policy::ensure_any_role(actor, roles::READ_REPORTS, "reading reports")?;
    let own = own_agency(actor)?;
    let regional = actor.has(Role::RegionalAnalyst);
    let agency = store::reachable_agency(db, own, regional, agency_id.unwrap_or(own)).await?;
    let report = compute(db, &agency, &period, now).await?;
    Ok(if sees_journal_numbers(actor, agency.id) {
        report
    } else {
        report.without_journal_numbers()
    })
}

/// Every agency of the regional analyst's region, side by side, with no journal numbers.
pub async fn territory_report(
    db: &Db,
    caller: &Caller,
    period: Period,
    now: DateTime<Utc>,
) -> AppResult<Vec<EffectivenessReport>> {
    let actor = caller.actor()?;
    policy::ensure_any_role(actor, &[Role::RegionalAnalyst], "reading the regional view")?;
    let own = own_agency(actor)?;
    let mut all = Vec::new();
    for agency in store::territory(db, own).await? {
        all.push(
            compute(db, &agency, &period, now)
                .await?
                .without_journal_numbers(),
        );
    }
    Ok(all)
}

/// Computes one agency's report, with every journal number.
async fn compute(
    db: &Db,
    agency: &ReportAgency,
    period: &Period,
    now: DateTime<Utc>,
) -> AppResult<EffectivenessReport> {
    let facts = store::facts(db, agency, period).await?;
    Ok(rules::compute(agency, period, &facts, now))
}

/// Sets whether an agency gives rehabilitation support itself (seed 001: otherwise the
/// successful-rehabilitation ratio shows "n/a"): a hub administrator, or the agency's
/// own head.
pub async fn set_gives_support(
    db: &Db,
    caller: &Caller,
    agency_id: Uuid,
    gives: bool,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let own_head = actor.agency_id == Some(agency_id) && actor.has(Role::HeadOfService);
    if !actor.hub_admin && !own_head {
        return Err(AppError::Forbidden(
            "only the hub administrator or the agency's head sets this",
        ));
    }
    let mut tx = db.begin().await?;
    store::set_gives_support(&mut tx, agency_id, gives).await?;
    let entry = Entry::new(
        audit_actions::REPORT_SETTINGS_CHANGED,
        "agency",
        Some(agency_id),
    )
    .with_details(json!({ "givesSupport": gives }));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    Ok(gives)
}

/// A hospital records (or corrects) one month's births and refusals: its responsible
/// specialist or head, for their own hospital (a `MATERNITY` agency).
pub async fn record_hospital_month(
    db: &Db,
    caller: &Caller,
    month: NaiveDate,
    births: i32,
    refusals: i32,
    now: DateTime<Utc>,
) -> AppResult<HospitalMonthRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    policy::ensure_any_role(actor, roles::RECORD_HOSPITAL_MONTHS, "recording births")?;
    let own = own_agency(actor)?;
    let agency = crate::agencies::store::get(db, own).await?;
    if agency.kind != AgencyKind::Maternity {
        return Err(AppError::Forbidden("only a hospital records births"));
    }
    let today = now.with_timezone(&agency.time_zone.tz()).date_naive();
    let month = rules::check_month(month, births, refusals, today)?;
    let mut tx = db.begin().await?;
    let row = HospitalMonthRow {
        agency_id: own,
        month,
        births,
        refusals,
        recorded_by_user_id: actor.user_id,
        recorded_at: crate::db::truncate(now),
        version: 1,
    };
    let saved = store::upsert_month(&mut tx, &row).await?;
    let entry = Entry::new(audit_actions::HOSPITAL_MONTH_RECORDED, "agency", Some(own))
        .with_details(json!({ "month": month, "births": births, "refusals": refusals }));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    Ok(saved)
}

/// The months the caller's own hospital recorded in `year`.
pub async fn hospital_months(
    db: &Db,
    caller: &Caller,
    year: i32,
) -> AppResult<Vec<HospitalMonthRow>> {
    let actor = caller.actor()?;
    let own = own_agency(actor)?;
    if !(2000..=2100).contains(&year) {
        return Err(AppError::bad_input("year", "between 2000 and 2100"));
    }
    let from = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::bad_input("year", "a year"))?;
    let to = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(AppError::bad_input("year", "a year"))?;
    store::months_of(db, &[own], from, to).await
}

/// A conclusion with the figures it shows: as issued (its snapshot) once frozen, as
/// computed now while a draft.
#[derive(Clone, Debug)]
pub struct ConclusionView {
    pub row: ConclusionRow,
    pub report: EffectivenessReport,
}

/// Shows a conclusion: an issued one from its snapshot, a draft computed afresh.
async fn view(db: &Db, row: ConclusionRow, now: DateTime<Utc>) -> AppResult<ConclusionView> {
    let report = match (&row.status, &row.snapshot) {
        (ConclusionStatus::Issued, Some(snapshot)) => {
            serde_json::from_str(snapshot).map_err(AppError::internal)?
        }
        _ => {
            let agency = store::reachable_agency(db, row.agency_id, false, row.agency_id).await?;
            let period = Period {
                from: row.period_from,
                to: row.period_to,
            };
            compute(db, &agency, &period, now).await?
        }
    };
    Ok(ConclusionView { row, report })
}

fn ensure_head(actor: &Actor) -> AppResult<Uuid> {
    policy::ensure_any_role(actor, roles::HEAD_REPORTS, "the head's conclusion")?;
    own_agency(actor)
}

/// One of the caller's agency's conclusions: read by the head and the agency's readers
/// of reports (not by a regional analyst's territory: `NOT_FOUND`).
pub async fn conclusion(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ConclusionView> {
    let actor = caller.actor()?;
    policy::ensure_any_role(actor, roles::READ_REPORTS, "reading reports")?;
    let own = own_agency(actor)?;
    let row = store::conclusion(db, own, id).await?;
    let mut seen = view(db, row, now).await?;
    if !sees_journal_numbers(actor, own) {
        seen.report = seen.report.without_journal_numbers();
    }
    Ok(seen)
}

/// The caller's agency's conclusions, latest first (figures not computed).
pub async fn conclusions(db: &Db, caller: &Caller) -> AppResult<Vec<ConclusionRow>> {
    let actor = caller.actor()?;
    policy::ensure_any_role(actor, roles::READ_REPORTS, "reading reports")?;
    store::conclusions(db, own_agency(actor)?).await
}

/// The head writes (or rewrites) the analysis of a half-year conclusion, a draft until
/// signed off; an issued one is frozen (`CONFLICT`).
pub async fn write_conclusion(
    db: &Db,
    caller: &Caller,
    period: Period,
    analysis: &str,
    now: DateTime<Utc>,
) -> AppResult<ConclusionView> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let own = ensure_head(actor)?;
    let period = Period::parse_half_year(period.from, period.to)?;
    let analysis =
        input::optional_text("analysis", Some(analysis), rules::MAX_ANALYSIS)?.unwrap_or_default();
    let mut tx = db.begin().await?;
    let row = match store::conclusion_for(&mut tx, own, &period).await? {
        Some(existing) if existing.status == ConclusionStatus::Issued => {
            return Err(AppError::Conflict(
                "the conclusion was issued and is frozen".into(),
            ));
        }
        Some(mut existing) => {
            existing.analysis = analysis;
            existing.written_by_user_id = actor.user_id;
            existing.version += 1;
            existing.updated_at = now;
            store::update_conclusion(&mut tx, &existing).await?;
            existing
        }
        None => {
            let row = ConclusionRow {
                id: Uuid::now_v7(),
                agency_id: own,
                period_from: period.from,
                period_to: period.to,
                analysis,
                status: ConclusionStatus::Draft,
                snapshot: None,
                written_by_user_id: actor.user_id,
                issued_by_user_id: None,
                issued_at: None,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            store::insert_conclusion(&mut tx, &row).await?;
            row
        }
    };
    record(
        &mut tx,
        origin,
        &row,
        audit_actions::REPORT_CONCLUSION_WRITTEN,
        now,
    )
    .await?;
    tx.commit().await?;
    view(db, row, now).await
}

/// The head signs a conclusion off once its half year is over and its analysis written:
/// the figures are computed one last time and frozen with the words.
pub async fn issue_conclusion(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ConclusionView> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let own = ensure_head(actor)?;
    let mut row = store::conclusion(db, own, id).await?;
    if row.status == ConclusionStatus::Issued {
        return Err(AppError::Conflict(
            "the conclusion was issued and is frozen".into(),
        ));
    }
    if row.analysis.trim().is_empty() {
        return Err(AppError::bad_input(
            "analysis",
            "write the analysis before signing off",
        ));
    }
    let agency = store::reachable_agency(db, own, false, own).await?;
    let today = now.with_timezone(&agency.time_zone).date_naive();
    if today <= row.period_to {
        return Err(AppError::bad_input(
            "id",
            "the half year is not over yet; sign off after it ends",
        ));
    }
    let period = Period {
        from: row.period_from,
        to: row.period_to,
    };
    let report = compute(db, &agency, &period, now).await?;
    row.snapshot = Some(serde_json::to_string(&report).map_err(AppError::internal)?);
    row.status = ConclusionStatus::Issued;
    row.issued_by_user_id = Some(actor.user_id);
    row.issued_at = Some(crate::db::truncate(now));
    row.version += 1;
    row.updated_at = now;
    let mut tx = db.begin().await?;
    store::update_conclusion(&mut tx, &row).await?;
    record(
        &mut tx,
        origin,
        &row,
        audit_actions::REPORT_CONCLUSION_ISSUED,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(ConclusionView { row, report })
}

async fn record(
    tx: &mut Tx,
    origin: &Origin,
    row: &ConclusionRow,
    action: AuditAction,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let entry = Entry::new(action, "report_conclusion", Some(row.id)).with_details(json!({
        "agencyId": row.agency_id,
        "periodFrom": row.period_from,
        "periodTo": row.period_to,
    }));
    audit::record(tx, origin, entry, now).await
}

/// Records what happened to the child of a closed shelter case (seed 002; apart from
/// where the mother went): the lead agency's curator or head.
pub async fn set_child_outcome(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    outcome: model::ChildOutcome,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let (mut tx, case) = crate::cases::led_case(db, actor, case_id, now).await?;
    if !case.shelter || case.closed_at.is_none() {
        return Err(AppError::Conflict(
            "only a closed shelter case records the child's outcome".into(),
        ));
    }
    store::set_child_outcome(&mut tx, case.id, outcome).await?;
    let entry = Entry {
        case_id: Some(case.id),
        ..Entry::new(audit_actions::CHILD_OUTCOME_RECORDED, "case", Some(case.id))
    }
    .with_details(json!({ "childOutcome": outcome }));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await
}

/// Records a follow-up check after a case closed (seed 002's social result): the day,
/// whether the family is together and the child with the mother. The lead agency's
/// curator or head; the day not before the closure and not after today.
pub async fn record_follow_up(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    checked_on: NaiveDate,
    family_together: bool,
    child_with_mother: bool,
    now: DateTime<Utc>,
) -> AppResult<model::FollowUpRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let (mut tx, case) = crate::cases::led_case(db, actor, case_id, now).await?;
    let Some(closed_at) = case.closed_at else {
        return Err(AppError::Conflict(
            "follow-up checks come after the case closed".into(),
        ));
    };
    let agency = crate::agencies::store::get_in(&mut tx, case.lead_agency_id).await?;
    let tz = agency.time_zone.tz();
    let (closed_on, today) = (
        closed_at.with_timezone(&tz).date_naive(),
        now.with_timezone(&tz).date_naive(),
    );
    if checked_on < closed_on || checked_on > today {
        return Err(AppError::bad_input(
            "checkedOn",
            "between the closure and today",
        ));
    }
    let row = model::FollowUpRow {
        id: Uuid::now_v7(),
        case_id: case.id,
        agency_id: case.lead_agency_id,
        checked_on,
        family_together,
        child_with_mother,
        recorded_by_user_id: actor.user_id,
        recorded_at: crate::db::truncate(now),
    };
    store::insert_follow_up(&mut tx, &row).await?;
    let entry = Entry {
        case_id: Some(case.id),
        ..Entry::new(audit_actions::FOLLOW_UP_RECORDED, "case", Some(case.id))
    }
    .with_details(json!({ "followUpId": row.id, "checkedOn": checked_on }));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    Ok(row)
}

/// The input of [`record_mother_assessment`].
#[derive(Clone, Copy, Debug)]
pub struct AssessmentInput {
    pub case_id: Uuid,
    pub stage: little_mama::AssessmentStage,
    pub assessed_on: NaiveDate,
    pub scores: little_mama::Scores,
    pub child_with_mother: Option<bool>,
}

/// Records the mother's «Маленькая мама» assessment at entry or exit (seed 004): the lead
/// agency in FULL scope (the case's curator or the head), where the programme runs (a
/// rehabilitation centre or an NGO). One per stage: recording a stage again replaces it
/// and bumps its version; an exit needs the entry before it.
pub async fn record_mother_assessment(
    db: &Db,
    caller: &Caller,
    input: AssessmentInput,
    now: DateTime<Utc>,
) -> AppResult<little_mama::AssessmentRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let (mut tx, case) = crate::cases::led_case(db, actor, input.case_id, now).await?;
    let agency = crate::agencies::store::get_in(&mut tx, case.lead_agency_id).await?;
    if !little_mama::applies(agency.kind) {
        return Err(AppError::Forbidden(
            "the «Маленькая мама» assessment belongs to rehabilitation centres and NGOs",
        ));
    }
    let tz = agency.time_zone.tz();
    let (opened_on, today) = (
        case.opened_at.with_timezone(&tz).date_naive(),
        now.with_timezone(&tz).date_naive(),
    );
    let entry = store::assessment_in(&mut tx, case.id, little_mama::AssessmentStage::Entry)
        .await?
        .map(|e| e.assessed_on);
    little_mama::check(
        input.stage,
        &input.scores,
        input.assessed_on,
        input.child_with_mother,
        opened_on,
        today,
        entry,
    )?;
    let row = little_mama::AssessmentRow {
        case_id: case.id,
        stage: input.stage,
        agency_id: case.lead_agency_id,
        assessed_on: input.assessed_on,
        childcare_skills: input.scores.childcare_skills,
        interaction_with_child: input.scores.interaction_with_child,
        copes_independently: input.scores.copes_independently,
        parental_competence: input.scores.parental_competence,
        child_with_mother: input.child_with_mother,
        recorded_by_user_id: actor.user_id,
        recorded_at: crate::db::truncate(now),
        version: 1,
    };
    let saved = store::upsert_assessment(&mut tx, &row).await?;
    let entry = Entry {
        case_id: Some(case.id),
        ..Entry::new(
            audit_actions::MOTHER_ASSESSMENT_RECORDED,
            "case",
            Some(case.id),
        )
    }
    .with_details(json!({
        "stage": input.stage.as_str(),
        "assessedOn": input.assessed_on,
        "version": saved.version,
    }));
    audit::record(&mut tx, origin, entry, now).await?;
    tx.commit().await?;
    Ok(saved)
}

/// A case's «Маленькая мама» assessments, for those who see the case in FULL scope (the
/// read is audited as a read of the case's personal data); others: `NOT_FOUND`.
pub async fn mother_assessments(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Vec<little_mama::AssessmentRow>> {
    let actor = caller.actor()?;
    let (case, scope) = crate::cases::store::get_visible(db, actor.viewer(), case_id, now).await?;
    if scope != crate::access::Scope::Full {
        return Err(AppError::NotFound("case"));
    }
    let rows = store::assessments(db, case.id).await?;
    if !rows.is_empty() {
        caller.note_read("case", case.id);
    }
    Ok(rows)
}
