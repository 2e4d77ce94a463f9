//! Reunification (domain.md §6, seeds-notes A8; issue 17): a rehabilitation centre (СРЦН)
//! that holds a child brings the child home, and every agency on the case sees how it
//! goes.
//!
//! The centre starts a record on a case it leads or reads in FULL through an accepted
//! referral, and keeps a timeline in seed 003's three tracks (the child's, the family's,
//! after the return): progress reports on a track's stage, diagnostics at intake and
//! later, patronage visits, the joint control inspection of living conditions (each
//! participating agency confirms its part, as on the paper act), the return (allowed
//! without a positive, confirmed inspection only with a reason), information passed
//! between the centre and social protection after the return, and the end of the
//! preventive work. Agencies on the case see the stages, dates and verdicts; the words
//! only where [`crate::access::reunification_text_visible`] allows. E-mail says only the
//! case's number and a link.

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
    Content, EntryKind, EntryRow, PlacementBasis, ReunificationRow, ReunificationStatus, Stage,
    Track, Verdict,
};
use self::store::ScopedReunification;
use crate::access::{policy, roles, Actor, Caller, Role, Scope};
use crate::agencies::{AgencyKind, AgencyRow};
use crate::audit::{self, AuditAction, Entry, Origin};
use crate::cases;
use crate::db::{Db, Tx};
use crate::error::{AppError, AppResult};
use crate::input;
use crate::notify::{self, Notice, NotificationKind, Recipient, Subject};

/// Reunification's registrations, for [`crate::domains::DOMAINS`].
pub const DOMAIN: crate::domains::Domain = crate::domains::Domain {
    audit_actions: audit_actions::ACTIONS,
    notification_kinds: notices::KINDS,
    subject_kinds: notices::SUBJECTS,
    reminders: reminders::REMINDERS,
};

/// A new record, as the centre starts it.
pub struct Start {
    pub case_id: Uuid,
    /// Since when the child is in the centre's care.
    pub placed_on: NaiveDate,
    pub placement_basis: PlacementBasis,
}

/// Starts the reunification record of a case whose child the caller's centre holds.
pub async fn start(
    db: &Db,
    caller: &Caller,
    new: Start,
    now: DateTime<Utc>,
) -> AppResult<ReunificationRow> {
    let actor = caller.actor()?;
    policy::ensure_any_role(
        actor,
        roles::RECORD_REUNIFICATION,
        "keeping reunification records",
    )?;
    let mut tx = db.begin().await?;
    let (case, scope) =
        cases::store::get_visible_for_update(&mut tx, actor.viewer(), new.case_id, now).await?;
    cases::ensure_open(&case)?;
    let centre = own_agency(&mut tx, actor).await?;
    rules::check_keeper(centre.kind, scope)?;
    rules::check_placed_on(new.placed_on, today(&centre, now))?;
    let days = store::report_days(&mut tx, centre.id).await?;
    let row = ReunificationRow {
        id: Uuid::now_v7(),
        case_id: case.id,
        centre_agency_id: centre.id,
        placed_on: new.placed_on,
        placement_basis: new.placement_basis,
        status: ReunificationStatus::InCare,
        child_stage: Stage::Contact,
        family_stage: None,
        after_stage: None,
        inspection_planned_on: None,
        inspection_verdict: None,
        returned_on: None,
        returned_without_inspection: false,
        ended_on: None,
        last_report_at: None,
        report_due_at: crate::db::truncate(rules::report_due(now, days)),
        started_by_user_id: actor.user_id,
        started_at: now,
        version: 1,
        updated_at: now,
    };
    store::insert(&mut tx, &row).await?;
    let details = json!({ "reunificationId": row.id, "placedOn": row.placed_on });
    let origin = Origin::of(caller)?;
    cases::note(
        &mut tx,
        actor,
        case.id,
        "REUNIFICATION_STARTED",
        details.clone(),
        now,
    )
    .await?;
    record(
        &mut tx,
        &origin,
        &row,
        audit_actions::REUNIFICATION_STARTED,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// A progress report on one track's stage.
pub struct Report {
    pub track: Track,
    pub stage: Stage,
    pub occurred_on: NaiveDate,
    pub summary: String,
    pub wellbeing: Option<String>,
    pub attitude: Option<String>,
    pub parents_readiness: Option<String>,
    pub recommendation: Option<String>,
    /// The ИПСР tasks of the case it reports on (at most [`rules::MAX_TASKS`]).
    pub task_ids: Vec<Uuid>,
}

/// The centre reports progress: the stage moves on (never back, for a late report on an
/// earlier stage) and the next report falls due the centre's setting later.
pub async fn report(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    r: Report,
    now: DateTime<Utc>,
) -> AppResult<ReunificationRow> {
    rules::check_stage(r.track, r.stage)?;
    let content = Content {
        summary: Some(input::required_text(
            "summary",
            &r.summary,
            rules::MAX_TEXT,
        )?),
        wellbeing: text("wellbeing", r.wellbeing)?,
        attitude: text("attitude", r.attitude)?,
        parents_readiness: text("parentsReadiness", r.parents_readiness)?,
        recommendation: text("recommendation", r.recommendation)?,
        ..Content::default()
    };
    if r.task_ids.len() > rules::MAX_TASKS {
        return Err(AppError::bad_input(
            "taskIds",
            format!("at most {} tasks", rules::MAX_TASKS),
        ));
    }
    let mut step = Step::keeper(db, caller, id, now).await?;
    rules::check_track_open(step.row.status, r.track)?;
    step.check_date("occurredOn", r.occurred_on)?;
    let mut tasks = Vec::with_capacity(r.task_ids.len());
    for (i, task) in r.task_ids.iter().enumerate() {
        if !store::is_ipsr_task(&mut step.tx, step.row.case_id, *task).await? {
            return Err(AppError::bad_input(
                format!("taskIds[{i}]"),
                "is not a task of this case's ИПСР",
            ));
        }
        if !tasks.contains(task) {
            tasks.push(*task);
        }
    }
    advance(&mut step.row, r.stage);
    let days = store::report_days(&mut step.tx, step.row.centre_agency_id).await?;
    step.row.last_report_at = Some(now);
    step.row.report_due_at = crate::db::truncate(rules::report_due(now, days));
    let entry = step.entry(EntryKind::Report, Some(r.stage), r.occurred_on, None);
    store::insert_entry(&mut step.tx, &entry, &content).await?;
    store::link_tasks(&mut step.tx, entry.id, &tasks).await?;
    let details = json!({
        "reunificationId": step.row.id,
        "entryId": entry.id,
        "kind": entry.kind,
        "stage": entry.stage,
        "occurredOn": entry.occurred_on,
        "taskIds": tasks,
    });
    step.save_without_entry(
        audit_actions::REUNIFICATION_PROGRESS_REPORTED,
        details,
        None,
    )
    .await
}

/// Diagnostics, at intake or a follow-up to compare with it.
#[allow(clippy::too_many_arguments)]
pub async fn diagnostics(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    occurred_on: NaiveDate,
    phase: Verdict,
    methods: &str,
    conclusion: &str,
    now: DateTime<Utc>,
) -> AppResult<ReunificationRow> {
    rules::check_diagnostics_phase(phase)?;
    let content = Content {
        methods: Some(input::required_text("methods", methods, rules::MAX_TEXT)?),
        conclusion: Some(input::required_text(
            "conclusion",
            conclusion,
            rules::MAX_TEXT,
        )?),
        ..Content::default()
    };
    let mut step = Step::keeper(db, caller, id, now).await?;
    step.check_not_ended()?;
    step.check_date("occurredOn", occurred_on)?;
    advance(&mut step.row, Stage::ChildDiagnostics);
    let entry = step.entry(
        EntryKind::Diagnostics,
        Some(Stage::ChildDiagnostics),
        occurred_on,
        Some(phase),
    );
    step.save(
        entry,
        content,
        audit_actions::REUNIFICATION_DIAGNOSTICS_RECORDED,
        None,
    )
    .await
}

/// A patronage visit to the family: current or control, with findings. After the
/// return it belongs to the track after the return.
pub async fn visit(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    occurred_on: NaiveDate,
    kind: Verdict,
    findings: &str,
    now: DateTime<Utc>,
) -> AppResult<ReunificationRow> {
    rules::check_visit_kind(kind)?;
    let content = Content {
        findings: Some(input::required_text("findings", findings, rules::MAX_TEXT)?),
        ..Content::default()
    };
    let mut step = Step::keeper(db, caller, id, now).await?;
    step.check_not_ended()?;
    step.check_date("occurredOn", occurred_on)?;
    let stage = match step.row.status {
        ReunificationStatus::InCare => Stage::Patronage,
        _ => Stage::SafetyAndWellbeing,
    };
    advance(&mut step.row, stage);
    let entry = step.entry(EntryKind::Visit, Some(stage), occurred_on, Some(kind));
    step.save(
        entry,
        content,
        audit_actions::PATRONAGE_VISIT_RECORDED,
        None,
    )
    .await
}

/// Plans the joint inspection of living conditions: the agencies listed hear that it is
/// due, and the centre is reminded on the day.
pub async fn plan_inspection(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    planned_on: NaiveDate,
    parties: &[Uuid],
    now: DateTime<Utc>,
) -> AppResult<ReunificationRow> {
    let mut step = Step::keeper(db, caller, id, now).await?;
    rules::check_in_care(step.row.status)?;
    rules::check_planned_on(planned_on, step.today)?;
    let parties = step.parties(parties).await?;
    step.row.inspection_planned_on = Some(planned_on);
    let notice = step
        .notice(notices::HOUSING_INSPECTION_DUE, &parties, true)
        .await?;
    step.save_without_entry(
        audit_actions::HOUSING_INSPECTION_PLANNED,
        json!({ "plannedOn": planned_on, "parties": parties }),
        Some(notice),
    )
    .await
}

/// The joint inspection's act: date, participating agencies, findings and verdict. The
/// centre's part is confirmed as it records; each other agency confirms its own.
#[allow(clippy::too_many_arguments)]
pub async fn record_inspection(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    occurred_on: NaiveDate,
    parties: &[Uuid],
    findings: &str,
    verdict: Verdict,
    now: DateTime<Utc>,
) -> AppResult<ReunificationRow> {
    rules::check_inspection_verdict(verdict)?;
    let content = Content {
        findings: Some(input::required_text("findings", findings, rules::MAX_TEXT)?),
        ..Content::default()
    };
    let mut step = Step::keeper(db, caller, id, now).await?;
    rules::check_in_care(step.row.status)?;
    step.check_date("occurredOn", occurred_on)?;
    let mut parties = step.parties(parties).await?;
    if !parties.contains(&step.row.centre_agency_id) {
        parties.insert(0, step.row.centre_agency_id);
    }
    advance(&mut step.row, Stage::HousingInspection);
    step.row.inspection_verdict = Some(verdict);
    step.row.inspection_planned_on = None;
    let entry = step.entry(
        EntryKind::Inspection,
        Some(Stage::HousingInspection),
        occurred_on,
        Some(verdict),
    );
    let (centre, user) = (step.row.centre_agency_id, step.actor.user_id);
    // The act first: its parties refer to it.
    store::insert_entry(&mut step.tx, &entry, &content).await?;
    store::insert_parties(&mut step.tx, entry.id, &parties, centre, user, now).await?;
    let others: Vec<Uuid> = parties.iter().copied().filter(|a| *a != centre).collect();
    let notice = step
        .notice(notices::HOUSING_INSPECTION_TO_CONFIRM, &others, false)
        .await?;
    let details = json!({
        "reunificationId": step.row.id,
        "entryId": entry.id,
        "kind": entry.kind,
        "occurredOn": entry.occurred_on,
        "verdict": entry.verdict,
        "parties": parties,
    });
    step.save_without_entry(
        audit_actions::HOUSING_INSPECTION_RECORDED,
        details,
        Some(notice),
    )
    .await
}

/// A participating agency confirms its part in an inspection (with a remark, if any).
/// Confirming twice is a harmless repeat.
pub async fn confirm_inspection(
    db: &Db,
    caller: &Caller,
    entry_id: Uuid,
    remark: Option<String>,
    now: DateTime<Utc>,
) -> AppResult<ReunificationRow> {
    let actor = caller.actor()?;
    policy::ensure_any_role(actor, roles::CONFIRM_INSPECTION, "confirming an inspection")?;
    let remark = text("remark", remark)?;
    let entry = store::entry(db, actor.viewer(), entry_id, now).await?;
    if entry.row.kind != EntryKind::Inspection {
        return Err(AppError::bad_input("entryId", "is not an inspection"));
    }
    let agency = actor
        .agency_id
        .ok_or(AppError::NotFound("reunification entry"))?;
    let mut tx = db.begin().await?;
    let scoped =
        store::get_for_update(&mut tx, actor.viewer(), entry.row.reunification_id, now).await?;
    let confirmed = store::confirm_party(
        &mut tx,
        entry_id,
        agency,
        actor.user_id,
        remark.as_deref(),
        now,
    )
    .await?;
    match confirmed {
        None => {
            return Err(AppError::Forbidden(
                "your agency took no part in this inspection",
            ))
        }
        Some(false) => return Ok(scoped.row),
        Some(true) => {}
    }
    let origin = Origin::of(caller)?;
    let details = json!({ "reunificationId": scoped.row.id, "entryId": entry_id });
    cases::note(
        &mut tx,
        actor,
        scoped.row.case_id,
        "HOUSING_INSPECTION_CONFIRMED",
        details.clone(),
        now,
    )
    .await?;
    let action = audit_actions::HOUSING_INSPECTION_CONFIRMED;
    record(&mut tx, &origin, &scoped.row, action, details, now).await?;
    tx.commit().await?;
    Ok(scoped.row)
}

/// The child's return home, as the centre records it.
pub struct Return {
    pub returned_on: NaiveDate,
    pub handed_over_by: String,
    pub received_by: String,
    pub documents: Option<String>,
    /// Needed unless the latest inspection is positive and confirmed by every party.
    pub without_inspection_reason: Option<String>,
}

/// Records the return: the child is home, and the track after the return opens. Without
/// a positive inspection confirmed by every party it needs a reason, and the record
/// keeps the warning.
pub async fn record_return(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    r: Return,
    now: DateTime<Utc>,
) -> AppResult<ReunificationRow> {
    let content = Content {
        handed_over_by: Some(input::required_text(
            "handedOverBy",
            &r.handed_over_by,
            rules::MAX_TEXT,
        )?),
        received_by: Some(input::required_text(
            "receivedBy",
            &r.received_by,
            rules::MAX_TEXT,
        )?),
        documents: text("documents", r.documents)?,
        without_inspection_reason: text("withoutInspectionReason", r.without_inspection_reason)?,
        ..Content::default()
    };
    let mut step = Step::keeper(db, caller, id, now).await?;
    rules::check_in_care(step.row.status)?;
    step.check_date("returnedOn", r.returned_on)?;
    let latest = store::latest_inspection(&mut step.tx, step.row.id).await?;
    let warned = rules::check_return(latest, content.without_inspection_reason.as_deref())?;
    let row = &mut step.row;
    row.status = ReunificationStatus::Returned;
    row.returned_on = Some(r.returned_on);
    row.returned_without_inspection = warned;
    row.child_stage = Stage::ReturnHome;
    row.family_stage = Some(Stage::Handover);
    row.after_stage = Some(Stage::SafetyAndWellbeing);
    row.inspection_planned_on = None;
    let entry = step.entry(
        EntryKind::Return,
        Some(Stage::ReturnHome),
        r.returned_on,
        None,
    );
    let everyone = store::agencies_on_case(&mut step.tx, step.row.case_id, now).await?;
    let notice = step
        .notice(notices::CHILD_RETURN_RECORDED, &everyone, false)
        .await?;
    step.save(
        entry,
        content,
        audit_actions::CHILD_RETURN_RECORDED,
        Some(notice),
    )
    .await
}

/// Information about a returned child, passed between the centre and a social-protection
/// agency on the case, in either direction (seed 003 leaves it open): the centre names
/// the agency; social protection passes it to the centre.
pub async fn pass_information(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    occurred_on: NaiveDate,
    to_agency: Option<Uuid>,
    message: &str,
    now: DateTime<Utc>,
) -> AppResult<ReunificationRow> {
    let actor = caller.actor()?;
    policy::ensure_any_role(
        actor,
        roles::PASS_REUNIFICATION_INFORMATION,
        "passing information about a returned child",
    )?;
    let content = Content {
        summary: Some(input::required_text("text", message, rules::MAX_TEXT)?),
        ..Content::default()
    };
    let mut step = Step::open(db, caller, id, now).await?;
    match step.row.status {
        ReunificationStatus::InCare => {
            return Err(AppError::Conflict(
                "information is passed after the child's return".into(),
            ))
        }
        ReunificationStatus::Ended => step.check_not_ended()?,
        ReunificationStatus::Returned => {}
    }
    step.check_date("occurredOn", occurred_on)?;
    let centre = step.row.centre_agency_id;
    let addressee = if step.agency.id == centre {
        let to = to_agency.ok_or_else(|| {
            AppError::bad_input("toAgencyId", "name the social-protection agency")
        })?;
        let kind = crate::agencies::store::get_in(&mut step.tx, to)
            .await
            .map_err(|_| AppError::bad_input("toAgencyId", "no such agency"))?
            .kind;
        if kind != AgencyKind::SocialProtection
            || !store::on_case(&mut step.tx, step.row.case_id, to, now).await?
        {
            return Err(AppError::bad_input(
                "toAgencyId",
                "must be a social-protection agency taking part in the case",
            ));
        }
        to
    } else if step.agency.kind == AgencyKind::SocialProtection {
        if to_agency.is_some_and(|to| to != centre) {
            return Err(AppError::bad_input(
                "toAgencyId",
                "social protection passes information to the centre",
            ));
        }
        centre
    } else {
        return Err(AppError::Forbidden(
            "only the centre and social protection pass information after the return",
        ));
    };
    let mut entry = step.entry(EntryKind::Information, None, occurred_on, None);
    entry.track = Some(Track::AfterReturn);
    entry.addressee_agency_id = Some(addressee);
    let notice = step
        .notice(
            notices::REUNIFICATION_INFORMATION_PASSED,
            &[addressee],
            false,
        )
        .await?;
    step.save(
        entry,
        content,
        audit_actions::REUNIFICATION_INFORMATION_PASSED,
        Some(notice),
    )
    .await
}

/// The formal end of the preventive work after the return: date, reason, conclusion.
pub async fn end_work(
    db: &Db,
    caller: &Caller,
    id: Uuid,
    ended_on: NaiveDate,
    reason: &str,
    conclusion: &str,
    now: DateTime<Utc>,
) -> AppResult<ReunificationRow> {
    let content = Content {
        reason: Some(input::required_text("reason", reason, rules::MAX_TEXT)?),
        conclusion: Some(input::required_text(
            "conclusion",
            conclusion,
            rules::MAX_TEXT,
        )?),
        ..Content::default()
    };
    let mut step = Step::keeper(db, caller, id, now).await?;
    match step.row.status {
        ReunificationStatus::InCare => {
            return Err(AppError::Conflict(
                "record the child's return before ending the preventive work".into(),
            ))
        }
        ReunificationStatus::Ended => step.check_not_ended()?,
        ReunificationStatus::Returned => {}
    }
    step.check_date("endedOn", ended_on)?;
    if step.row.returned_on.is_some_and(|r| ended_on < r) {
        return Err(AppError::bad_input(
            "endedOn",
            "is before the child's return",
        ));
    }
    step.row.status = ReunificationStatus::Ended;
    step.row.ended_on = Some(ended_on);
    step.row.after_stage = Some(Stage::EndOfPreventiveWork);
    let entry = step.entry(
        EntryKind::End,
        Some(Stage::EndOfPreventiveWork),
        ended_on,
        None,
    );
    step.save(entry, content, audit_actions::PREVENTIVE_WORK_ENDED, None)
        .await
}

/// Moves the stage of `stage`'s track forward to it; a report on an earlier stage
/// leaves the track where it is.
fn advance(row: &mut ReunificationRow, stage: Stage) {
    let slot = match stage.track() {
        Track::Child => {
            if stage.position() >= row.child_stage.position() {
                row.child_stage = stage;
            }
            return;
        }
        Track::Family => &mut row.family_stage,
        Track::AfterReturn => &mut row.after_stage,
    };
    if slot.is_none_or(|current| stage.position() >= current.position()) {
        *slot = Some(stage);
    }
}

fn text(field: &str, value: Option<String>) -> AppResult<Option<String>> {
    input::optional_text(field, value.as_deref(), rules::MAX_TEXT)
}

fn today(agency: &AgencyRow, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&agency.time_zone.tz()).date_naive()
}

async fn own_agency(tx: &mut Tx, actor: &Actor) -> AppResult<AgencyRow> {
    let id = actor.agency_id.ok_or(AppError::NotFound("case"))?;
    crate::agencies::store::get_in(tx, id).await
}

/// One step on a reunification, inside its transaction.
struct Step<'c> {
    caller: &'c Caller,
    actor: &'c Actor,
    tx: Tx,
    row: ReunificationRow,
    agency: AgencyRow,
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl<'c> Step<'c> {
    /// Any agency that sees the record (the step checks who may act).
    async fn open(
        db: &Db,
        caller: &'c Caller,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> AppResult<Step<'c>> {
        let actor = caller.actor()?;
        let mut tx = db.begin().await?;
        let ScopedReunification { row, .. } =
            store::get_for_update(&mut tx, actor.viewer(), id, now).await?;
        Step::with(caller, actor, tx, row, now).await
    }

    async fn with(
        caller: &'c Caller,
        actor: &'c Actor,
        mut tx: Tx,
        row: ReunificationRow,
        now: DateTime<Utc>,
    ) -> AppResult<Step<'c>> {
        let agency = own_agency(&mut tx, actor).await?;
        let today = today(&agency, now);
        Ok(Step {
            caller,
            actor,
            tx,
            row,
            agency,
            today,
            now,
        })
    }

    /// The centre that keeps the record, while it still holds the child in FULL, with a
    /// role that keeps such records.
    async fn keeper(
        db: &Db,
        caller: &'c Caller,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> AppResult<Step<'c>> {
        let actor = caller.actor()?;
        let mut tx = db.begin().await?;
        let scoped = store::get_for_update(&mut tx, actor.viewer(), id, now).await?;
        if actor.agency_id != Some(scoped.row.centre_agency_id) {
            return Err(AppError::Forbidden(
                "only the rehabilitation centre that keeps the record changes it",
            ));
        }
        policy::ensure_any_role(
            actor,
            roles::RECORD_REUNIFICATION,
            "keeping reunification records",
        )?;
        if scoped.scope() != Scope::Full {
            return Err(AppError::Forbidden(
                "the centre no longer holds the case in full",
            ));
        }
        Step::with(caller, actor, tx, scoped.row, now).await
    }

    fn check_date(&self, field: &str, date: NaiveDate) -> AppResult<()> {
        rules::check_date(field, date, self.row.placed_on, self.today)
    }

    fn check_not_ended(&self) -> AppResult<()> {
        if self.row.status == ReunificationStatus::Ended {
            return Err(AppError::Conflict(
                "the preventive work has ended; the record no longer changes".into(),
            ));
        }
        Ok(())
    }

    /// Checks the agencies named for an inspection: at most [`rules::MAX_PARTIES`],
    /// each taking part in the case; repeats dropped.
    async fn parties(&mut self, given: &[Uuid]) -> AppResult<Vec<Uuid>> {
        if given.len() > rules::MAX_PARTIES {
            return Err(AppError::bad_input(
                "partyAgencyIds",
                format!("at most {} agencies", rules::MAX_PARTIES),
            ));
        }
        let mut parties = Vec::with_capacity(given.len());
        for (i, agency) in given.iter().enumerate() {
            if !store::on_case(&mut self.tx, self.row.case_id, *agency, self.now).await? {
                return Err(AppError::bad_input(
                    format!("partyAgencyIds[{i}]"),
                    "the agency takes no part in the case",
                ));
            }
            if !parties.contains(agency) {
                parties.push(*agency);
            }
        }
        Ok(parties)
    }

    fn entry(
        &self,
        kind: EntryKind,
        stage: Option<Stage>,
        occurred_on: NaiveDate,
        verdict: Option<Verdict>,
    ) -> EntryRow {
        EntryRow {
            id: Uuid::now_v7(),
            reunification_id: self.row.id,
            case_id: self.row.case_id,
            kind,
            track: stage.map(Stage::track),
            stage,
            occurred_on,
            verdict,
            agency_id: self.agency.id,
            addressee_agency_id: None,
            author_user_id: self.actor.user_id,
            content: None,
            recorded_at: self.now,
        }
    }

    /// A notice of `kind` to the heads and staff of `agencies` (and the agency's own
    /// address); `due` names the planned inspection's day.
    async fn notice(
        &mut self,
        kind: NotificationKind,
        agencies: &[Uuid],
        due: bool,
    ) -> AppResult<Notice> {
        let journal_no = store::case_number(&mut self.tx, self.row.case_id).await?;
        Ok(notice_of(&self.row, kind, journal_no, agencies, due))
    }

    async fn save(
        mut self,
        entry: EntryRow,
        content: Content,
        action: AuditAction,
        notice: Option<Notice>,
    ) -> AppResult<ReunificationRow> {
        store::insert_entry(&mut self.tx, &entry, &content).await?;
        let details = json!({
            "reunificationId": self.row.id,
            "entryId": entry.id,
            "kind": entry.kind,
            "stage": entry.stage,
            "occurredOn": entry.occurred_on,
            "verdict": entry.verdict,
        });
        self.save_without_entry(action, details, notice).await
    }

    async fn save_without_entry(
        mut self,
        action: AuditAction,
        details: serde_json::Value,
        notice: Option<Notice>,
    ) -> AppResult<ReunificationRow> {
        self.row.version += 1;
        self.row.updated_at = self.now;
        store::update(&mut self.tx, &self.row).await?;
        let origin = Origin::of(self.caller)?;
        cases::note(
            &mut self.tx,
            self.actor,
            self.row.case_id,
            action.as_str(),
            details.clone(),
            self.now,
        )
        .await?;
        record(&mut self.tx, &origin, &self.row, action, details, self.now).await?;
        if let Some(notice) = notice {
            if !notice.recipients.is_empty() {
                notify::enqueue(&mut self.tx, &notice, self.now).await?;
            }
        }
        self.tx.commit().await?;
        Ok(self.row)
    }
}

/// A notice about reunification `row` to `agencies`: each agency's address, heads,
/// guardianship officers and rehabilitation staff. Only the kind, the case's number,
/// the planned day and a link go out.
pub fn notice_of(
    row: &ReunificationRow,
    kind: NotificationKind,
    journal_no: String,
    agencies: &[Uuid],
    due: bool,
) -> Notice {
    let recipients = agencies
        .iter()
        .flat_map(|a| {
            [
                Recipient::Agency(*a),
                Recipient::Role(*a, Role::HeadOfService),
                Recipient::Role(*a, Role::GuardianshipOfficer),
                Recipient::Role(*a, Role::RehabilitationStaff),
            ]
        })
        .collect();
    let due_at = row
        .inspection_planned_on
        .filter(|_| due)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc());
    Notice {
        kind,
        subject: Subject::new(notices::REUNIFICATION, row.id),
        journal_no,
        clock: None,
        due_at,
        recipients,
    }
}

async fn record(
    tx: &mut Tx,
    origin: &Origin,
    row: &ReunificationRow,
    action: AuditAction,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let entry = Entry {
        case_id: Some(row.case_id),
        ..Entry::new(action, "reunification", Some(row.id))
    }
    .with_details(details);
    audit::record(tx, origin, entry, now).await
}
