//! The demo's case work: the rehabilitation centre opens a case for a child already in
//! its care (removed from the family, placed 7 weeks ago) and keeps its work log and a
//! first review; the crisis shelter opens a case on a mother's own application, gives
//! material, legal and counselling help, and owes a review and a contact: its 3-monthly
//! monitoring is overdue and no one has seen the family for weeks.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::records::caller;
use crate::cases::consents::NewPerson;
use crate::cases::model::{CaseStatus, PersonRole};
use crate::casework::model::{
    IntakeSource, MonitoringDecision, MonitoringEffect, PlacementBasis, WorkKind,
};
use crate::casework::{self, NewEntry, NewIntake, NewMonitoring};
use crate::db::Db;
use crate::error::AppResult;

fn person(role: PersonRole, name: &str, born: Option<(i32, u32, u32)>) -> NewPerson {
    NewPerson {
        role,
        full_name: name.into(),
        birth_date: born.and_then(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d)),
        phone: None,
        address_actual: None,
        stance: None,
        notes: None,
    }
}

async fn log(
    db: &Db,
    email: &str,
    case: Uuid,
    kind: WorkKind,
    minutes: i32,
    content: &str,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let who = caller(db, email, at).await?;
    let new = NewEntry {
        kind,
        occurred_on: None,
        specialist_id: None,
        duration_minutes: minutes,
        content: content.into(),
    };
    casework::add_entry(db, &who, case, new, at).await?;
    Ok(())
}

/// Seeds both cases.
pub async fn seed(db: &Db, now: DateTime<Utc>) -> AppResult<()> {
    const REHAB: &str = "rehab@demo.caselink";
    const SHELTER: &str = "shelter@demo.caselink";
    let opened = now - Duration::days(50);
    let staff = caller(db, REHAB, opened).await?;
    let placed = NewIntake {
        source: IntakeSource::ChildPlaced,
        registered_on: None,
        referred_by: None,
        reason: "Ребёнок изъят органом опеки из семьи: мать злоупотребляет алкоголем, \
                 ребёнок оставался один"
            .into(),
        placement: Some((
            Some((opened - Duration::days(2)).date_naive()),
            "СРЦН, отделение временного проживания, группа «Солнышко»".into(),
            Some(PlacementBasis::Removal),
        )),
        persons: vec![
            person(
                PersonRole::Child,
                "Тимофеев Артём Денисович",
                Some((2019, 8, 14)),
            ),
            person(PersonRole::Mother, "Тимофеева Оксана Викторовна", None),
        ],
        shelter: false,
        stage: Some(CaseStatus::Support),
    };
    let centre_case = casework::open_intake(db, &staff, placed, opened).await?.id;
    let entries = [
        (
            48,
            WorkKind::PsychologicalSession,
            45,
            "Знакомство, адаптация в группе; тревожен, плохо спит",
        ),
        (
            35,
            WorkKind::HomeVisit,
            90,
            "Патронаж матери: в квартире порядок, мать трезва, готова к встречам",
        ),
        (
            20,
            WorkKind::MedicalEscort,
            120,
            "Сопровождение к педиатру, плановый осмотр",
        ),
        (
            6,
            WorkKind::ContactAttempt,
            10,
            "Мать не ответила на звонок",
        ),
    ];
    for (days, kind, minutes, content) in entries {
        let at = now - Duration::days(days);
        log(db, REHAB, centre_case, kind, minutes, content, at).await?;
    }
    let reviewed = now - Duration::days(19);
    let review = NewMonitoring {
        occurred_on: None,
        curator_took_part: true,
        head_took_part: true,
        supervisor_name: Some("Соколова Вера Андреевна".into()),
        effect: MonitoringEffect::Positive,
        causes: Some("Ребёнок адаптировался; мать посещает ребёнка еженедельно".into()),
        progress: Vec::new(),
        decision: MonitoringDecision::Continue,
    };
    let staff = caller(db, REHAB, reviewed).await?;
    casework::record_monitoring(db, &staff, centre_case, review, reviewed).await?;

    let opened = now - Duration::days(120);
    let curator = caller(db, SHELTER, opened).await?;
    let application = NewIntake {
        source: IntakeSource::Application,
        registered_on: None,
        referred_by: None,
        reason: "Мать с младенцем без жилья и средств; обратилась сама после выписки".into(),
        placement: None,
        persons: vec![
            person(
                PersonRole::Mother,
                "Зайцева Алина Романовна",
                Some((2003, 2, 9)),
            ),
            person(PersonRole::Child, "Зайцева Ева", Some((2026, 7, 30))),
        ],
        shelter: true,
        stage: Some(CaseStatus::Support),
    };
    let shelter_case = casework::open_intake(db, &curator, application, opened)
        .await?
        .id;
    let entries = [
        (
            118,
            WorkKind::MaterialHelp,
            30,
            "Выданы коляска, одежда и смесь",
        ),
        (
            90,
            WorkKind::LegalHelp,
            60,
            "Помощь с заявлением на пособие по уходу за ребёнком",
        ),
        (
            40,
            WorkKind::Consultation,
            45,
            "Консультация по поиску работы и съёмного жилья",
        ),
    ];
    for (days, kind, minutes, content) in entries {
        let at = now - Duration::days(days);
        log(db, SHELTER, shelter_case, kind, minutes, content, at).await?;
    }
    // The last review was over three months ago: the next one is overdue.
    let reviewed = now - Duration::days(100);
    let review = NewMonitoring {
        occurred_on: None,
        curator_took_part: true,
        head_took_part: false,
        supervisor_name: None,
        effect: MonitoringEffect::None,
        causes: Some("Жильё не найдено, доход не оформлен".into()),
        progress: Vec::new(),
        decision: MonitoringDecision::RevisePlan,
    };
    let curator = caller(db, SHELTER, reviewed).await?;
    casework::record_monitoring(db, &curator, shelter_case, review, reviewed).await?;
    Ok(())
}
