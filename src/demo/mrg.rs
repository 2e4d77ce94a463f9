//! The demo's working group: the КЦСОН's secretary, the guardianship's chair, the
//! prevention service's head and the rehabilitation centre's staff as members, and a
//! school's social teacher as an external participant. A meeting held a week ago, its
//! minutes approved, with recommendations in every status; and a meeting next week with
//! the service's submission on its agenda.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::records::{caller, Cast};
use crate::db::Db;
use crate::error::AppResult;
use crate::handovers::documents::Storage;
use crate::handovers::Settings;
use crate::mrg::meetings::{self, NewAttendee, NewItem, NewMeeting};
use crate::mrg::minutes::{self, MinutesInput, PointInput, RecommendationInput, ServiceInput};
use crate::mrg::model::*;
use crate::mrg::{self, followup, NewSubmission};

fn submission(group: Uuid, case_id: Uuid) -> NewSubmission {
    NewSubmission {
        group_id: group,
        case_id,
        question: "Возможно ли сохранение ребёнка в кровной семье и какая помощь нужна матери?"
            .into(),
        needs: "Новорождённый, нуждается в уходе, наблюдении педиатра и стабильном жилье.".into(),
        capacity: "Мать готова заботиться о ребёнке, но не имеет жилья и дохода.".into(),
        resources: "Бабушка ребёнка живёт в г. Сургуте и готова помогать.".into(),
        file_documents: Vec::new(),
    }
}

/// The demo's document store, as the personal files' demo keeps it.
fn settings() -> Settings {
    Settings {
        working_days: 3,
        max_document_bytes: 1 << 20,
        max_documents: 10,
        storage: Storage::Database,
    }
}

/// Seeds the group and its two meetings around the service's two cases.
pub(super) async fn seed(
    db: &Db,
    cast: &Cast,
    [deciding, supported]: [Uuid; 2],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let days = Duration::days;
    let secretary = caller(db, "social@demo.caselink", now).await?;
    let chair = caller(db, "guardianship@demo.caselink", now).await?;
    let rehab = caller(db, "rehab@demo.caselink", now).await?;
    let at = now - days(20);
    let group = mrg::create_group(db, &secretary, "МРГ г. Сургута", "г. Сургут", at).await?;
    let members = [
        (chair.actor()?.clone(), MrgRole::Chair),
        (cast.head.actor()?.clone(), MrgRole::Member),
        (rehab.actor()?.clone(), MrgRole::Member),
    ];
    for (actor, role) in members {
        mrg::add_member(db, &secretary, group.id, actor.user_id, role, at).await?;
    }
    let school = mrg::add_external(
        db,
        &secretary,
        group.id,
        "Сидорова Нина Петровна",
        "МБОУ СОШ № 5",
        "социальный педагог",
        at,
    )
    .await?;

    // The held meeting, a week ago.
    let at = now - days(9);
    let new = submission(group.id, deciding);
    let submitted = mrg::submit(db, &settings(), &cast.head, new, at).await?;
    let new = NewMeeting {
        group_id: group.id,
        starts_at: now - days(7),
        place: Some("г. Сургут, ул. Республики, 78, каб. 12".into()),
        remote_link: None,
        kind: MeetingKind::Planned,
        format: MeetingFormat::InPerson,
        family_attends: true,
        agenda: vec![
            NewItem {
                submission_id: Some(submitted.id),
                topic: None,
            },
            NewItem {
                submission_id: None,
                topic: Some("План работы МРГ на I квартал".into()),
            },
        ],
    };
    let held = meetings::schedule(db, &secretary, new, at).await?;
    let at = now - days(7);
    let attendees = [
        chair.actor()?.user_id,
        secretary.actor()?.user_id,
        cast.head.actor()?.user_id,
        rehab.actor()?.user_id,
    ]
    .into_iter()
    .map(|u| NewAttendee {
        user_id: Some(u),
        ..NewAttendee::default()
    })
    .chain([NewAttendee {
        external_participant_id: Some(school.id),
        ..NewAttendee::default()
    }])
    .collect();
    meetings::record_attendance(db, &secretary, held.id, attendees, at).await?;
    let view = mrg::reads::meeting(db, &secretary, held.id, at).await?;
    let items = mrg::reads::minutes(db, &secretary, &view)
        .await?
        .unwrap_or_default();
    let (Some(case_item), Some(topic_item)) = (items.first(), items.get(1)) else {
        return Ok(());
    };
    let (service, kcson) = (cast.head.actor()?.agency_id, secretary.actor()?.agency_id);
    let (Some(service), Some(kcson), Some(srcn)) = (service, kcson, rehab.actor()?.agency_id)
    else {
        return Ok(());
    };
    let day = |d: i64| (now + days(d)).date_naive();
    let rec = |text: &str, agency: Option<Uuid>, due| RecommendationInput {
        text: text.into(),
        addressee: if agency.is_some() {
            Addressee::Agency
        } else {
            Addressee::Family
        },
        agency_id: agency,
        responsible_person: None,
        due_date: due,
    };
    let input = MinutesInput {
        information: vec![
            PointInput {
                assessment: Assessment::ChildNeeds,
                text: "Ребёнок здоров, нуждается в наблюдении педиатра.".into(),
                agency_id: Some(service),
                organisation: None,
            },
            PointInput {
                assessment: Assessment::ParentalCapacity,
                text: "Мать посещает занятия для молодых мам, навыки ухода формируются.".into(),
                agency_id: Some(kcson),
                organisation: None,
            },
            PointInput {
                assessment: Assessment::FamilyResources,
                text: "Старший брат учится в школе, бабушка помогает.".into(),
                agency_id: None,
                organisation: Some("МБОУ СОШ № 5".into()),
            },
        ],
        child_opinion: None,
        child_not_heard_reason: Some("Новорождённый".into()),
        family_participated: Some(true),
        family_position: Some("Мать хочет воспитывать ребёнка сама.".into()),
        services: vec![
            ServiceInput {
                service_type: ServiceType::MaterialHelp,
                agency_id: kcson,
                note: None,
            },
            ServiceInput {
                service_type: ServiceType::Psychological,
                agency_id: service,
                note: None,
            },
            ServiceInput {
                service_type: ServiceType::Shelter,
                agency_id: srcn,
                note: None,
            },
        ],
        long_term_goal: Some(LongTermGoal::StayInBirthFamily),
        decision: Some(
            "Сохранить ребёнка в кровной семье; оказать матери комплексную помощь.".into(),
        ),
        recommendations: vec![
            rec(
                "Оформить единовременную материальную помощь",
                Some(kcson),
                day(-3),
            ),
            rec(
                "Провести курс психологических консультаций",
                Some(service),
                day(14),
            ),
            rec(
                "Подготовить место в отделении временного проживания",
                Some(srcn),
                day(-2),
            ),
            rec("Встать на учёт в детской поликлинике", None, day(-1)),
            rec("Подать документы на пособие", None, day(20)),
        ],
    };
    minutes::save(
        db,
        &secretary,
        case_item.item.id,
        case_item.item.version,
        input,
        at,
    )
    .await?;
    let topic = MinutesInput {
        decision: Some("План работы на I квартал утвердить.".into()),
        ..MinutesInput::default()
    };
    minutes::save(
        db,
        &secretary,
        topic_item.item.id,
        topic_item.item.version,
        topic,
        at,
    )
    .await?;
    minutes::approve(db, &chair, held.id, at + Duration::hours(3)).await?;

    // Follow-up: one of each status.
    let view = mrg::reads::meeting(db, &chair, held.id, now).await?;
    let items = mrg::reads::minutes(db, &chair, &view)
        .await?
        .unwrap_or_default();
    let recs: Vec<RecommendationRow> = items.into_iter().flat_map(|i| i.recommendations).collect();
    let later = now - days(4);
    let steps = [
        (
            0,
            &secretary,
            RecommendationStatus::Done,
            "Помощь выплачена.",
        ),
        (
            1,
            &cast.head,
            RecommendationStatus::InProgress,
            "Проведены 2 консультации из 6.",
        ),
        (
            2,
            &rehab,
            RecommendationStatus::NotDone,
            "Мать отказалась от переезда в отделение.",
        ),
        (
            4,
            &secretary,
            RecommendationStatus::Cancelled,
            "Пособие назначено без заявления.",
        ),
    ];
    for (i, who, status, note) in steps {
        if let Some(r) = recs.get(i) {
            followup::update(db, who, r.id, status, note, r.version, later).await?;
        }
    }

    // Next week's meeting, with the service's submission on its agenda; it attaches the
    // maternity hospital's discharge summary from the case's personal file.
    let at = now - days(1);
    let discharge = crate::casefiles::reads::documents(db, &cast.head, supported, at)
        .await?
        .into_iter()
        .filter(|d| d.doc_type == crate::casefiles::model::CaseDocumentType::MedicalDocument)
        .map(|d| d.id)
        .collect();
    let new = NewSubmission {
        file_documents: discharge,
        ..submission(group.id, supported)
    };
    let submitted = mrg::submit(db, &settings(), &cast.head, new, at).await?;
    let next = NewMeeting {
        group_id: group.id,
        starts_at: now + days(7),
        place: None,
        remote_link: Some("https://meet.demo.caselink/mrg-surgut".into()),
        kind: MeetingKind::Planned,
        format: MeetingFormat::Remote,
        family_attends: false,
        agenda: vec![NewItem {
            submission_id: Some(submitted.id),
            topic: None,
        }],
    };
    meetings::schedule(db, &secretary, next, at).await?;
    Ok(())
}
