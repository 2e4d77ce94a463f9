//! Minutes, per agenda item, in seed 003's three stages: (1) the information exchanged,
//! under the three assessments, each point with the agency that gave it, the child's
//! opinion (or why it could not be heard) and the family's participation; (2) the
//! services chosen from the fixed list, each to an agency; (3) one collegial decision
//! with the child's long-term goal, and recommendations. The secretary saves an item's
//! draft whole, against the version it read (a stale draft is `CONFLICT`); the chair
//! approves the meeting's minutes, after which they are read-only and corrected only by
//! amendments, shown beside the original.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::model::Assessment;
use super::model::{
    Addressee, AmendmentRow, ChosenService, InformationPoint, ItemRow, LongTermGoal, MeetingRow,
    MrgRole, RecommendationRow, RecommendationStatus, ServiceType,
};
use super::store::{self, Seer};
use super::{audit_actions, ensure_officer, followup, record, rules};
use crate::access::Caller;
use crate::audit::Origin;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::input;

/// A point of stage 1 as the secretary gives it.
#[derive(Clone, Debug)]
pub struct PointInput {
    pub assessment: Assessment,
    pub text: String,
    pub agency_id: Option<Uuid>,
    pub organisation: Option<String>,
}

/// A service of stage 2 as the secretary gives it.
#[derive(Clone, Debug)]
pub struct ServiceInput {
    pub service_type: ServiceType,
    pub agency_id: Uuid,
    pub note: Option<String>,
}

/// A recommendation as the secretary gives it.
#[derive(Clone, Debug)]
pub struct RecommendationInput {
    pub text: String,
    pub addressee: Addressee,
    /// The responsible agency (for the family: none, the case's lead follows it up).
    pub agency_id: Option<Uuid>,
    pub responsible_person: Option<String>,
    pub due_date: NaiveDate,
}

/// An item's minutes, whole.
#[derive(Clone, Debug, Default)]
pub struct MinutesInput {
    pub information: Vec<PointInput>,
    pub child_opinion: Option<String>,
    pub child_not_heard_reason: Option<String>,
    pub family_participated: Option<bool>,
    pub family_position: Option<String>,
    pub services: Vec<ServiceInput>,
    pub long_term_goal: Option<LongTermGoal>,
    pub decision: Option<String>,
    pub recommendations: Vec<RecommendationInput>,
}

/// The chair or secretary saves an item's draft minutes, whole, against `version` (the
/// version they read): `CONFLICT` when someone saved it meanwhile, or once approved.
pub async fn save(
    db: &Db,
    caller: &Caller,
    item_id: Uuid,
    version: i32,
    input: MinutesInput,
    now: DateTime<Utc>,
) -> AppResult<ItemRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let meeting_id = store::meeting_of_item(db, item_id).await?;
    let mut tx = db.begin().await?;
    let meeting = super::meetings::draft_for_officer(&mut tx, actor, meeting_id, now).await?;
    let mut item = store::get_item_in(&mut tx, meeting.id, item_id).await?;
    let agencies = store::group_agencies(&mut tx, meeting.group_id).await?;
    let group = store::get_group(db, Seer::of(actor, now), meeting.group_id).await?;
    let convener = crate::agencies::store::get_in(&mut tx, group.agency_id).await?;
    let meeting_day = meeting
        .starts_at
        .with_timezone(&convener.time_zone.tz())
        .date_naive();
    let checked = check(&input, &item, &agencies)?;
    item.information = serde_json::to_string(&checked.points).map_err(AppError::internal)?;
    item.services = serde_json::to_string(&checked.services).map_err(AppError::internal)?;
    item.child_opinion = checked.child_opinion;
    item.child_not_heard_reason = checked.child_not_heard_reason;
    item.family_participated = input.family_participated;
    item.family_position = checked.family_position;
    item.long_term_goal = input.long_term_goal;
    item.decision = checked.decision;
    item.updated_at = now;
    item.updated_by_user_id = Some(actor.user_id);
    let mut recs = Vec::with_capacity(input.recommendations.len());
    for (i, r) in input.recommendations.iter().enumerate() {
        let field = format!("recommendations[{i}]");
        recs.push(
            recommendation(
                &mut tx,
                &meeting,
                &item,
                &agencies,
                meeting_day,
                r,
                i,
                &field,
                now,
            )
            .await?,
        );
    }
    store::save_item(&mut tx, &item, version).await?;
    if let Some(case) = item.case_id {
        store::replace_recommendations(&mut tx, item.id, &recs).await?;
        let details = json!({ "meetingId": meeting.id, "itemId": item.id, "version": version + 1 });
        record(
            &mut tx,
            origin,
            audit_actions::MRG_MINUTES_SAVED,
            ("mrg_meeting", meeting.id),
            Some(case),
            details,
            now,
        )
        .await?;
    } else {
        let details = json!({ "meetingId": meeting.id, "itemId": item.id, "version": version + 1 });
        record(
            &mut tx,
            origin,
            audit_actions::MRG_MINUTES_SAVED,
            ("mrg_meeting", meeting.id),
            None,
            details,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    item.version = version + 1;
    Ok(item)
}

struct Checked {
    points: Vec<InformationPoint>,
    services: Vec<ChosenService>,
    child_opinion: Option<String>,
    child_not_heard_reason: Option<String>,
    family_position: Option<String>,
    decision: Option<String>,
}

fn check(input: &MinutesInput, item: &ItemRow, agencies: &[Uuid]) -> AppResult<Checked> {
    let max = rules::MAX_ENTRIES;
    for (field, n) in [
        ("information", input.information.len()),
        ("services", input.services.len()),
        ("recommendations", input.recommendations.len()),
    ] {
        if n > max {
            return Err(AppError::bad_input(field, format!("at most {max} entries")));
        }
    }
    if item.case_id.is_none() && !input.recommendations.is_empty() {
        return Err(AppError::bad_input(
            "recommendations",
            "a general topic has no recommendations: they concern a case",
        ));
    }
    let mut points = Vec::with_capacity(input.information.len());
    for (i, p) in input.information.iter().enumerate() {
        let field = format!("information[{i}]");
        let text = input::required_text(&format!("{field}.text"), &p.text, rules::MAX_TEXT)?;
        let organisation = input::optional_text(
            &format!("{field}.organisation"),
            p.organisation.as_deref(),
            200,
        )?;
        match (p.agency_id, &organisation) {
            (Some(agency), None) => {
                rules::check_group_agency(&format!("{field}.agencyId"), agency, agencies)?
            }
            (None, Some(_)) => {}
            _ => {
                return Err(AppError::bad_input(
                    format!("{field}.agencyId"),
                    "give the agency or the organisation that gave it",
                ))
            }
        }
        points.push(InformationPoint {
            assessment: p.assessment,
            text,
            agency_id: p.agency_id,
            organisation,
        });
    }
    let mut services = Vec::with_capacity(input.services.len());
    for (i, s) in input.services.iter().enumerate() {
        let field = format!("services[{i}]");
        rules::check_group_agency(&format!("{field}.agencyId"), s.agency_id, agencies)?;
        let note = input::optional_text(&format!("{field}.note"), s.note.as_deref(), 1_000)?;
        services.push(ChosenService {
            service_type: s.service_type,
            agency_id: s.agency_id,
            note,
        });
    }
    let child_opinion = input::optional_text(
        "childOpinion",
        input.child_opinion.as_deref(),
        rules::MAX_TEXT,
    )?;
    let child_not_heard_reason = input::optional_text(
        "childNotHeardReason",
        input.child_not_heard_reason.as_deref(),
        rules::MAX_TEXT,
    )?;
    rules::check_child_opinion(child_opinion.as_deref(), child_not_heard_reason.as_deref())?;
    Ok(Checked {
        points,
        services,
        child_opinion,
        child_not_heard_reason,
        family_position: input::optional_text(
            "familyPosition",
            input.family_position.as_deref(),
            rules::MAX_TEXT,
        )?,
        decision: input::optional_text("decision", input.decision.as_deref(), rules::MAX_TEXT)?,
    })
}

#[allow(clippy::too_many_arguments)]
async fn recommendation(
    tx: &mut crate::db::Tx,
    meeting: &MeetingRow,
    item: &ItemRow,
    agencies: &[Uuid],
    meeting_day: NaiveDate,
    r: &RecommendationInput,
    i: usize,
    field: &str,
    now: DateTime<Utc>,
) -> AppResult<RecommendationRow> {
    let text = input::required_text(&format!("{field}.text"), &r.text, rules::MAX_TEXT)?;
    let person = input::optional_text(
        &format!("{field}.responsiblePerson"),
        r.responsible_person.as_deref(),
        200,
    )?;
    rules::check_due_date(&format!("{field}.dueDate"), r.due_date, meeting_day)?;
    let (case, lead) = match (item.case_id, item.lead_agency_id) {
        (Some(case), Some(lead)) => (case, lead),
        _ => {
            return Err(AppError::bad_input(
                "recommendations",
                "a general topic has no recommendations",
            ))
        }
    };
    let agency = match (r.addressee, r.agency_id) {
        (Addressee::Agency, Some(agency)) => {
            rules::check_group_agency(&format!("{field}.agencyId"), agency, agencies)?;
            agency
        }
        (Addressee::Agency, None) => {
            return Err(AppError::bad_input(
                format!("{field}.agencyId"),
                "name the responsible agency",
            ))
        }
        // The family's recommendations are followed up by the case's lead.
        (Addressee::Family, None) => lead,
        (Addressee::Family, Some(_)) => {
            return Err(AppError::bad_input(
                format!("{field}.agencyId"),
                "the case's lead follows up the family's recommendations",
            ))
        }
    };
    let zone = crate::agencies::store::get_in(tx, agency)
        .await?
        .time_zone
        .tz();
    Ok(RecommendationRow {
        id: Uuid::now_v7(),
        item_id: item.id,
        meeting_id: meeting.id,
        group_id: meeting.group_id,
        case_id: case,
        position: i as i32 + 1,
        text,
        addressee: r.addressee,
        agency_id: agency,
        responsible_person: person,
        due_date: r.due_date,
        due_at: crate::db::truncate(crate::inforequests::rules::due_at(r.due_date, zone)),
        status: RecommendationStatus::Assigned,
        approved: false,
        created_at: now,
        updated_at: now,
        version: 1,
    })
}

/// The chair approves a meeting's minutes: each case item must hold the child's opinion
/// (or why not), the long-term goal and the decision. From then on they are read-only,
/// the recommendations are in force, and each responsible agency hears of its own.
pub async fn approve(
    db: &Db,
    caller: &Caller,
    meeting: Uuid,
    now: DateTime<Utc>,
) -> AppResult<MeetingRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let mut tx = db.begin().await?;
    let mut meeting = store::get_meeting_for_update(&mut tx, Seer::of(actor, now), meeting).await?;
    if store::member_role(&mut tx, meeting.group_id, actor.user_id).await? != Some(MrgRole::Chair) {
        return Err(AppError::Forbidden(
            "only the group's chair approves the minutes",
        ));
    }
    if meeting.minutes_status != super::model::MinutesStatus::Draft {
        return Err(AppError::Conflict(
            "the minutes are approved already".into(),
        ));
    }
    let items = store::items_of(db, meeting.id).await?;
    for (i, item) in items.iter().enumerate() {
        let heard = item.child_opinion.is_some() || item.child_not_heard_reason.is_some();
        let missing = rules::missing_for_approval(
            item.case_id.is_some(),
            heard,
            item.long_term_goal.is_some(),
            item.decision.is_some(),
        );
        if let Some(missing) = missing {
            return Err(AppError::bad_input(
                format!("items[{i}]"),
                format!("item {} lacks {missing}", item.position),
            ));
        }
    }
    meeting.minutes_status = super::model::MinutesStatus::Approved;
    meeting.approved_at = Some(now);
    meeting.approved_by_user_id = Some(actor.user_id);
    store::approve_meeting(&mut tx, &meeting).await?;
    let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
    let recs = store::recommendations_of_items(db, &ids).await?;
    for item in items.iter().filter(|i| i.case_id.is_some()) {
        let count = recs.iter().filter(|r| r.item_id == item.id).count();
        let details = json!({ "meetingId": meeting.id, "journalNumber": meeting.journal_no, "recommendations": count });
        if let Some(case) = item.case_id {
            crate::cases::note(&mut tx, actor, case, "MRG_DECISION_APPROVED", details, now).await?;
        }
    }
    for r in &recs {
        crate::notify::enqueue(
            &mut tx,
            &followup::notice_of(
                r,
                &meeting.journal_no,
                super::notices::MRG_RECOMMENDATION_ASSIGNED,
            ),
            now,
        )
        .await?;
    }
    let details = json!({ "meetingId": meeting.id, "journalNumber": meeting.journal_no, "recommendations": recs.len() });
    record(
        &mut tx,
        origin,
        audit_actions::MRG_MINUTES_APPROVED,
        ("mrg_meeting", meeting.id),
        None,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    meeting.version += 1;
    Ok(meeting)
}

/// The chair or secretary corrects approved minutes with an amendment (date, author,
/// reason), kept beside the original, which stays as it was.
pub async fn amend(
    db: &Db,
    caller: &Caller,
    meeting: Uuid,
    item: Option<Uuid>,
    reason: &str,
    text: &str,
    now: DateTime<Utc>,
) -> AppResult<AmendmentRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let reason = input::required_text("reason", reason, 1_000)?;
    let text = input::required_text("text", text, rules::MAX_TEXT)?;
    let mut tx = db.begin().await?;
    let meeting = store::get_meeting_for_update(&mut tx, Seer::of(actor, now), meeting).await?;
    ensure_officer(store::member_role(&mut tx, meeting.group_id, actor.user_id).await?)?;
    if meeting.minutes_status != super::model::MinutesStatus::Approved {
        return Err(AppError::Conflict(
            "the minutes are a draft: edit them instead".into(),
        ));
    }
    if let Some(item) = item {
        store::get_item_in(&mut tx, meeting.id, item)
            .await
            .map_err(|_| AppError::bad_input("itemId", "not an item of this meeting"))?;
    }
    let row = AmendmentRow {
        id: Uuid::now_v7(),
        meeting_id: meeting.id,
        item_id: item,
        author_user_id: actor.user_id,
        reason,
        text,
        amended_at: now,
    };
    store::insert_amendment(&mut tx, &row).await?;
    let details = json!({ "meetingId": meeting.id, "amendmentId": row.id, "itemId": item });
    record(
        &mut tx,
        origin,
        audit_actions::MRG_MINUTES_AMENDED,
        ("mrg_meeting", meeting.id),
        None,
        details,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}
