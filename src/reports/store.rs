//! SQL for reports. Which agencies' figures a viewer reaches is decided here, in SQL:
//! its own agency, and for a regional analyst the agencies of its own agency's region
//! ([`reachable_agency`], [`territory`]); everyone else finds nothing (`NOT_FOUND`). The
//! counts then read one agency's records, by the instants of its local period.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{CaseFact, ConclusionRow, HospitalMonthRow, SignalFact, CONCLUSION_COLUMNS};
use super::rules::{Facts, Period, ReportAgency};
use crate::agencies::AgencyKind;
use crate::db::{Db, TimeZone, Tx};
use crate::error::{AppError, AppResult};
use crate::{with_db, with_tx};

#[derive(sqlx::FromRow)]
struct AgencyFact {
    id: Uuid,
    name: String,
    kind: AgencyKind,
    time_zone: TimeZone,
    gives_support: bool,
    caseload_limit: i32,
}

impl From<AgencyFact> for ReportAgency {
    fn from(a: AgencyFact) -> ReportAgency {
        ReportAgency {
            id: a.id,
            name: a.name,
            kind: a.kind,
            time_zone: a.time_zone.tz(),
            gives_support: a.gives_support,
            caseload_limit: a.caseload_limit,
        }
    }
}

const AGENCY: &str =
    "SELECT id, name, kind, time_zone, gives_support, caseload_limit FROM agencies";

/// Agency `id` if the viewer of agency `own` reaches its figures: its own, or with
/// `regional` any agency of its region. `NOT_FOUND` otherwise.
pub async fn reachable_agency(
    db: &Db,
    own: Uuid,
    regional: bool,
    id: Uuid,
) -> AppResult<ReportAgency> {
    let sql = format!(
        "{AGENCY} WHERE id = $1 AND (id = $2 OR ($3 AND region = (SELECT region FROM agencies WHERE id = $2)))"
    );
    let row = with_db!(db, |pool| sqlx::query_as::<_, AgencyFact>(&sql)
        .bind(id)
        .bind(own)
        .bind(regional)
        .fetch_optional(pool)
        .await)?;
    row.map(ReportAgency::from)
        .ok_or(AppError::NotFound("agency"))
}

/// The active agencies of agency `own`'s region, by name.
pub async fn territory(db: &Db, own: Uuid) -> AppResult<Vec<ReportAgency>> {
    let sql = format!(
        "{AGENCY} WHERE active = TRUE AND region = (SELECT region FROM agencies WHERE id = $1) ORDER BY name, id"
    );
    let rows = with_db!(db, |pool| sqlx::query_as::<_, AgencyFact>(&sql)
        .bind(own)
        .fetch_all(pool)
        .await)?;
    Ok(rows.into_iter().map(ReportAgency::from).collect())
}

/// Sets whether the agency gives rehabilitation support itself.
pub async fn set_gives_support(tx: &mut Tx, agency: Uuid, gives: bool) -> AppResult<()> {
    const SQL: &str = "UPDATE agencies SET gives_support = $2 WHERE id = $1";
    let n = with_tx!(tx, |conn| sqlx::query(SQL)
        .bind(agency)
        .bind(gives)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    crate::db::ensure_updated(n, "agency")
}

const SIGNAL_COLUMNS: &str = "id, service_agency_id, sender_agency_id, service_journal_no,
    sender_journal_no, mother_full_name, mother_birth_date, detected_at, registered_at,
    passed_at, received_at, specialist_due_at, passing_due_at, visit_due_at, visited_at";

/// Everything one report counts, for agency `agency` over `period`.
pub async fn facts(db: &Db, agency: &ReportAgency, period: &Period) -> AppResult<Facts> {
    let (start, end) = period.bounds(&agency.time_zone);
    let id = agency.id;
    let received_sql = format!(
        "SELECT {SIGNAL_COLUMNS} FROM signals
         WHERE service_agency_id = $1 AND received_at >= $2 AND received_at < $3"
    );
    let sent_sql = format!(
        "SELECT {SIGNAL_COLUMNS} FROM signals
         WHERE sender_agency_id = $1 AND passed_at >= $2 AND passed_at < $3"
    );
    const HOSPITALS: &str = "
        SELECT a.id, a.name FROM agencies a
        WHERE a.id IN (SELECT DISTINCT s.sender_agency_id FROM signals s
                       WHERE s.service_agency_id = $1 AND s.sender_agency_id IS NOT NULL)
        ORDER BY a.name, a.id";
    const CASES: &str = "
        SELECT c.id, c.journal_no, c.support_started_at, c.closed_at, c.closure_reason,
            (SELECT p.full_name FROM case_persons p WHERE p.case_id = c.id AND p.role = 'MOTHER'
             ORDER BY p.created_at, p.id LIMIT 1) AS mother_full_name,
            (SELECT p.birth_date FROM case_persons p WHERE p.case_id = c.id AND p.role = 'MOTHER'
             ORDER BY p.created_at, p.id LIMIT 1) AS mother_birth_date
        FROM cases c
        WHERE c.lead_agency_id = $1
          AND ((c.support_started_at IS NOT NULL AND c.support_started_at < $3
                AND (c.closed_at IS NULL OR c.closed_at >= $2))
               OR (c.closed_at >= $2 AND c.closed_at < $3))";
    const CASELOADS: &str = "
        SELECT COUNT(*) FROM cases
        WHERE lead_agency_id = $1 AND status <> 'CLOSED' AND curator_user_id IS NOT NULL
        GROUP BY curator_user_id";
    const MEETINGS: &str = "
        SELECT COUNT(*) FROM mrg_meetings m JOIN mrg_groups g ON g.id = m.group_id
        WHERE g.agency_id = $1 AND m.minutes_status = 'APPROVED'
          AND m.starts_at >= $2 AND m.starts_at < $3";
    const RECOMMENDATIONS: &str = "
        SELECT c.journal_no, r.due_at,
            (SELECT MIN(n.noted_at) FROM mrg_recommendation_notes n
             WHERE n.recommendation_id = r.id AND n.status = 'DONE') AS done_at
        FROM mrg_recommendations r JOIN cases c ON c.id = r.case_id
        WHERE r.agency_id = $1 AND r.approved = TRUE AND r.status <> 'CANCELLED'
          AND r.due_at >= $2 AND r.due_at < $3";
    const SHELTER: &str = "
        SELECT c.journal_no, c.exit_outcome, c.child_outcome,
            (SELECT f.family_together FROM case_follow_ups f WHERE f.case_id = c.id
             ORDER BY f.checked_on DESC, f.recorded_at DESC LIMIT 1) AS family_together,
            (SELECT f.child_with_mother FROM case_follow_ups f WHERE f.case_id = c.id
             ORDER BY f.checked_on DESC, f.recorded_at DESC LIMIT 1) AS child_with_mother
        FROM cases c
        WHERE c.lead_agency_id = $1 AND c.shelter = TRUE AND c.status = 'CLOSED'
          AND c.closed_at >= $2 AND c.closed_at < $3";
    const REUNIFICATIONS: &str = "
        SELECT COUNT(*) FROM reunifications
        WHERE centre_agency_id = $1 AND returned_on >= $2 AND returned_on <= $3";

    let (shelter, received, sent, hospitals, cases, caseloads, mrg_meetings, recs, reunifications) =
        with_db!(db, |pool| {
            let received = sqlx::query_as::<_, SignalFact>(&received_sql)
                .bind(id)
                .bind(start)
                .bind(end)
                .fetch_all(pool)
                .await?;
            let sent = sqlx::query_as::<_, SignalFact>(&sent_sql)
                .bind(id)
                .bind(start)
                .bind(end)
                .fetch_all(pool)
                .await?;
            let hospitals = sqlx::query_as::<_, (Uuid, String)>(HOSPITALS)
                .bind(id)
                .fetch_all(pool)
                .await?;
            let cases = sqlx::query_as::<_, CaseFact>(CASES)
                .bind(id)
                .bind(start)
                .bind(end)
                .fetch_all(pool)
                .await?;
            let caseloads = sqlx::query_scalar::<_, i64>(CASELOADS)
                .bind(id)
                .fetch_all(pool)
                .await?;
            let meetings = sqlx::query_scalar::<_, i64>(MEETINGS)
                .bind(id)
                .bind(start)
                .bind(end)
                .fetch_one(pool)
                .await?;
            let recs = sqlx::query_as::<_, (String, DateTime<Utc>, Option<DateTime<Utc>>)>(
                RECOMMENDATIONS,
            )
            .bind(id)
            .bind(start)
            .bind(end)
            .fetch_all(pool)
            .await?;
            let reunifications = sqlx::query_scalar::<_, i64>(REUNIFICATIONS)
                .bind(id)
                .bind(period.from)
                .bind(period.to)
                .fetch_one(pool)
                .await?;
            let shelter = sqlx::query_as::<_, super::model::ShelterFact>(SHELTER)
                .bind(id)
                .bind(start)
                .bind(end)
                .fetch_all(pool)
                .await?;
            Ok::<_, sqlx::Error>((
                shelter,
                received,
                sent,
                hospitals,
                cases,
                caseloads,
                meetings,
                recs,
                reunifications,
            ))
        })?;
    let mut month_agencies: Vec<Uuid> = hospitals.iter().map(|(id, _)| *id).collect();
    month_agencies.push(id);
    let earlier = period.year_earlier();
    let months = months_of(db, &month_agencies, earlier.from, period.to).await?;
    let little_mama = if super::little_mama::applies(agency.kind) {
        Some(little_mama_facts(db, id, period, start, end).await?)
    } else {
        None
    };
    Ok(Facts {
        little_mama,
        received,
        sent,
        hospitals,
        months,
        cases,
        caseloads,
        mrg_meetings,
        recommendations: recs
            .into_iter()
            .map(|(number, due, done)| (number, done.is_some_and(|d| d <= due)))
            .collect(),
        reunifications_completed: reunifications,
        shelter,
    })
}

/// The months `agencies` recorded between the months of `from` and `to`.
pub async fn months_of(
    db: &Db,
    agencies: &[Uuid],
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Vec<HospitalMonthRow>> {
    if agencies.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..agencies.len()).map(|i| format!("${}", i + 3)).collect();
    let sql = format!(
        "SELECT agency_id, month, births, refusals, recorded_by_user_id, recorded_at, version
         FROM hospital_months WHERE month >= $1 AND month <= $2 AND agency_id IN ({})
         ORDER BY agency_id, month",
        marks.join(", ")
    );
    let from = super::rules::first_of_month(from);
    let rows = with_db!(db, |pool| {
        let mut q = sqlx::query_as::<_, HospitalMonthRow>(&sql)
            .bind(from)
            .bind(to);
        for a in agencies {
            q = q.bind(*a);
        }
        q.fetch_all(pool).await
    })?;
    Ok(rows)
}

/// Records (or corrects) one month of a hospital's births and refusals.
pub async fn upsert_month(tx: &mut Tx, row: &HospitalMonthRow) -> AppResult<HospitalMonthRow> {
    const SQL: &str = "
        INSERT INTO hospital_months (agency_id, month, births, refusals, recorded_by_user_id,
            recorded_at, version)
        VALUES ($1, $2, $3, $4, $5, $6, 1)
        ON CONFLICT (agency_id, month) DO UPDATE SET births = $3, refusals = $4,
            recorded_by_user_id = $5, recorded_at = $6,
            version = hospital_months.version + 1
        RETURNING agency_id, month, births, refusals, recorded_by_user_id, recorded_at, version";
    let saved = with_tx!(tx, |conn| sqlx::query_as::<_, HospitalMonthRow>(SQL)
        .bind(row.agency_id)
        .bind(row.month)
        .bind(row.births)
        .bind(row.refusals)
        .bind(row.recorded_by_user_id)
        .bind(row.recorded_at)
        .fetch_one(conn)
        .await)?;
    Ok(saved)
}

/// A conclusion of agency `agency` (the viewer's own), or `NOT_FOUND`.
pub async fn conclusion(db: &Db, agency: Uuid, id: Uuid) -> AppResult<ConclusionRow> {
    let sql = format!(
        "SELECT {CONCLUSION_COLUMNS} FROM report_conclusions WHERE id = $1 AND agency_id = $2"
    );
    with_db!(db, |pool| sqlx::query_as::<_, ConclusionRow>(&sql)
        .bind(id)
        .bind(agency)
        .fetch_optional(pool)
        .await)?
    .ok_or(AppError::NotFound("conclusion"))
}

/// The agency's conclusion for exactly this period, if one was written.
pub async fn conclusion_for(
    tx: &mut Tx,
    agency: Uuid,
    period: &Period,
) -> AppResult<Option<ConclusionRow>> {
    let sql = format!(
        "SELECT {CONCLUSION_COLUMNS} FROM report_conclusions
         WHERE agency_id = $1 AND period_from = $2 AND period_to = $3"
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<_, ConclusionRow>(
        &sql
    )
    .bind(agency)
    .bind(period.from)
    .bind(period.to)
    .fetch_optional(conn)
    .await)?)
}

/// The agency's conclusions, latest period first.
pub async fn conclusions(db: &Db, agency: Uuid) -> AppResult<Vec<ConclusionRow>> {
    let sql = format!(
        "SELECT {CONCLUSION_COLUMNS} FROM report_conclusions WHERE agency_id = $1
         ORDER BY period_from DESC, id LIMIT 100"
    );
    Ok(with_db!(db, |pool| sqlx::query_as::<_, ConclusionRow>(
        &sql
    )
    .bind(agency)
    .fetch_all(pool)
    .await)?)
}

/// Writes a new draft conclusion.
pub async fn insert_conclusion(tx: &mut Tx, row: &ConclusionRow) -> AppResult<()> {
    const SQL: &str = "
        INSERT INTO report_conclusions (id, agency_id, period_from, period_to, analysis, status,
            snapshot, written_by_user_id, issued_by_user_id, issued_at, version, created_at,
            updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, NULL, $7, NULL, NULL, 1, $8, $8)";
    with_tx!(tx, |conn| sqlx::query(SQL)
        .bind(row.id)
        .bind(row.agency_id)
        .bind(row.period_from)
        .bind(row.period_to)
        .bind(&row.analysis)
        .bind(row.status)
        .bind(row.written_by_user_id)
        .bind(row.created_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Saves a draft's words, or issues it with its snapshot: only while it is a DRAFT (two
/// racing sign-offs: one wins, the other is a `CONFLICT`).
pub async fn update_conclusion(tx: &mut Tx, row: &ConclusionRow) -> AppResult<()> {
    const SQL: &str = "
        UPDATE report_conclusions SET analysis = $2, status = $3, snapshot = $4,
            written_by_user_id = $5, issued_by_user_id = $6, issued_at = $7, version = $8,
            updated_at = $9
        WHERE id = $1 AND status = 'DRAFT'";
    let n = with_tx!(tx, |conn| sqlx::query(SQL)
        .bind(row.id)
        .bind(&row.analysis)
        .bind(row.status)
        .bind(&row.snapshot)
        .bind(row.written_by_user_id)
        .bind(row.issued_by_user_id)
        .bind(row.issued_at)
        .bind(row.version)
        .bind(row.updated_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 1 {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "the conclusion was issued and is frozen".into(),
        ))
    }
}

/// Sets a closed shelter case's child outcome.
pub async fn set_child_outcome(
    tx: &mut Tx,
    case: Uuid,
    outcome: super::model::ChildOutcome,
) -> AppResult<()> {
    const SQL: &str = "UPDATE cases SET child_outcome = $2 WHERE id = $1";
    let n = with_tx!(tx, |conn| sqlx::query(SQL)
        .bind(case)
        .bind(outcome)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    crate::db::ensure_updated(n, "case")
}

/// Records a follow-up check.
pub async fn insert_follow_up(tx: &mut Tx, row: &super::model::FollowUpRow) -> AppResult<()> {
    const SQL: &str = "
        INSERT INTO case_follow_ups (id, case_id, agency_id, checked_on, family_together,
            child_with_mother, recorded_by_user_id, recorded_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
    with_tx!(tx, |conn| sqlx::query(SQL)
        .bind(row.id)
        .bind(row.case_id)
        .bind(row.agency_id)
        .bind(row.checked_on)
        .bind(row.family_together)
        .bind(row.child_with_mother)
        .bind(row.recorded_by_user_id)
        .bind(row.recorded_at)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The «Маленькая мама» facts of agency `agency` over `period` (instants `start`..`end`):
/// one statement for the mothers assessed at exit, one for the three counts.
async fn little_mama_facts(
    db: &Db,
    agency: Uuid,
    period: &Period,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> AppResult<super::little_mama::Facts> {
    use super::little_mama::{Facts as MamaFacts, MotherFact};
    const MOTHERS: &str = "
        SELECT c.journal_no, x.childcare_skills, x.interaction_with_child,
            x.copes_independently, x.parental_competence,
            (SELECT e.parental_competence FROM mother_assessments e
             WHERE e.case_id = x.case_id AND e.stage = 'ENTRY') AS entry_competence
        FROM mother_assessments x JOIN cases c ON c.id = x.case_id
        WHERE x.agency_id = $1 AND x.stage = 'EXIT'
          AND x.assessed_on >= $2 AND x.assessed_on <= $3";
    const COUNTS: &str = "
        SELECT
          (SELECT COUNT(*) FROM mrg_meetings m
           WHERE m.minutes_status = 'APPROVED' AND m.starts_at >= $2 AND m.starts_at < $3
             AND (EXISTS (SELECT 1 FROM mrg_agenda_items i LEFT JOIN cases ic ON ic.id = i.case_id
                          WHERE i.meeting_id = m.id
                            AND (i.lead_agency_id = $1 OR ic.lead_agency_id = $1))
                  OR EXISTS (SELECT 1 FROM mrg_attendance a
                             WHERE a.meeting_id = m.id AND a.agency_id = $1))) AS meetings,
          (SELECT COUNT(*) FROM (
              SELECT to_agency_id AS partner FROM handovers
              WHERE from_agency_id = $1 AND requested_at >= $2 AND requested_at < $3
              UNION SELECT from_agency_id FROM handovers
              WHERE to_agency_id = $1 AND requested_at >= $2 AND requested_at < $3
              UNION SELECT to_agency_id FROM information_requests
              WHERE from_agency_id = $1 AND requested_at >= $2 AND requested_at < $3
              UNION SELECT from_agency_id FROM information_requests
              WHERE to_agency_id = $1 AND requested_at >= $2 AND requested_at < $3
              UNION SELECT r.agency_id FROM mrg_recommendations r JOIN cases rc ON rc.id = r.case_id
              WHERE rc.lead_agency_id = $1 AND r.created_at >= $2 AND r.created_at < $3
           ) p WHERE p.partner <> $1) AS partners,
          (SELECT COUNT(*) FROM cases c
           WHERE c.lead_agency_id = $1 AND c.status = 'CLOSED'
             AND c.closed_at >= $2 AND c.closed_at < $3
             AND (c.child_outcome = 'WITH_MOTHER'
                  OR EXISTS (SELECT 1 FROM mother_assessments x
                             WHERE x.case_id = c.id AND x.stage = 'EXIT'
                               AND COALESCE(x.child_with_mother, FALSE) = TRUE))) AS families";
    let (mothers, (meetings_held, social_partners, families_kept_together)) =
        with_db!(db, |pool| {
            let mothers = sqlx::query_as::<_, MotherFact>(MOTHERS)
                .bind(agency)
                .bind(period.from)
                .bind(period.to)
                .fetch_all(pool)
                .await?;
            let counts = sqlx::query_as::<_, (i64, i64, i64)>(COUNTS)
                .bind(agency)
                .bind(start)
                .bind(end)
                .fetch_one(pool)
                .await?;
            Ok::<_, sqlx::Error>((mothers, counts))
        })?;
    Ok(MamaFacts {
        mothers,
        meetings_held,
        social_partners,
        families_kept_together,
    })
}

/// The stage's assessment of a case, if recorded.
pub async fn assessment_in(
    tx: &mut Tx,
    case: Uuid,
    stage: super::little_mama::AssessmentStage,
) -> AppResult<Option<super::little_mama::AssessmentRow>> {
    let sql = format!(
        "SELECT {} FROM mother_assessments WHERE case_id = $1 AND stage = $2",
        super::little_mama::ASSESSMENT_COLUMNS
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<
        _,
        super::little_mama::AssessmentRow,
    >(&sql)
    .bind(case)
    .bind(stage)
    .fetch_optional(conn)
    .await)?)
}

/// A case's assessments, entry first.
pub async fn assessments(db: &Db, case: Uuid) -> AppResult<Vec<super::little_mama::AssessmentRow>> {
    let sql = format!(
        "SELECT {} FROM mother_assessments WHERE case_id = $1 ORDER BY assessed_on, stage",
        super::little_mama::ASSESSMENT_COLUMNS
    );
    Ok(with_db!(db, |pool| sqlx::query_as::<
        _,
        super::little_mama::AssessmentRow,
    >(&sql)
    .bind(case)
    .fetch_all(pool)
    .await)?)
}

/// Records a stage's assessment, replacing the one before and bumping its version.
pub async fn upsert_assessment(
    tx: &mut Tx,
    row: &super::little_mama::AssessmentRow,
) -> AppResult<super::little_mama::AssessmentRow> {
    let sql = format!(
        "INSERT INTO mother_assessments ({cols})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)
         ON CONFLICT (case_id, stage) DO UPDATE SET agency_id = $3, assessed_on = $4,
             childcare_skills = $5, interaction_with_child = $6, copes_independently = $7,
             parental_competence = $8, child_with_mother = $9, recorded_by_user_id = $10,
             recorded_at = $11, version = mother_assessments.version + 1
         RETURNING {cols}",
        cols = super::little_mama::ASSESSMENT_COLUMNS
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as::<
        _,
        super::little_mama::AssessmentRow,
    >(&sql)
    .bind(row.case_id)
    .bind(row.stage)
    .bind(row.agency_id)
    .bind(row.assessed_on)
    .bind(row.childcare_skills)
    .bind(row.interaction_with_child)
    .bind(row.copes_independently)
    .bind(row.parental_competence)
    .bind(row.child_with_mother)
    .bind(row.recorded_by_user_id)
    .bind(row.recorded_at)
    .fetch_one(conn)
    .await)?)
}
