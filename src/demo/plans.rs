//! The demo's plan: the family's ИПСР on the case in support, with tasks for the
//! prevention service and the perinatal centre, revised once (two versions to compare),
//! one task past its due date and one falling due on the centre's home page.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::records::{caller, Cast};
use crate::db::Db;
use crate::error::AppResult;
use crate::plans::model::{PlanHeader, PlanKind, TaskArea, TaskStatus};
use crate::plans::rules::NewTask;
use crate::plans::{self, NewPlan, Revision};

fn task(
    area: TaskArea,
    agency: Uuid,
    due: DateTime<Utc>,
    client: &str,
    specialist: &str,
) -> NewTask {
    NewTask {
        id: None,
        area,
        client_action: Some(client.to_owned()),
        specialist_action: Some(specialist.to_owned()),
        responsible_agency_id: agency,
        due_on: due.date_naive(),
        recommendation_id: None,
    }
}

/// Draws up the family's ИПСР on `supported` 20 days ago and revises it 3 days ago.
pub(super) async fn seed(
    db: &Db,
    cast: &Cast,
    supported: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let hospital = caller(db, "hospital@demo.caselink", now).await?;
    let (Some(service), Some(perinatal)) =
        (cast.head.actor()?.agency_id, hospital.actor()?.agency_id)
    else {
        return Ok(());
    };
    let days = Duration::days;
    let drawn = now - days(20);
    let header = PlanHeader {
        main_goal: "Ребёнок остаётся в семье, риски для него сняты".into(),
        intermediate_goals: vec![
            "Восстановление социального статуса семьи".into(),
            "Развитие детско-родительских отношений".into(),
        ],
        ..PlanHeader::default()
    };
    let new = NewPlan {
        case_id: supported,
        kind: PlanKind::IpsrFamily,
        header: header.clone(),
        tasks: vec![
            task(
                TaskArea::Psychological,
                service,
                now + days(10),
                "Посещает консультации психолога раз в неделю",
                "Проводит консультации, ведёт журнал",
            ),
            task(
                TaskArea::SocioMedical,
                perinatal,
                now + days(2),
                "Приходит с ребёнком на осмотр педиатра",
                "Проводит осмотр, сообщает службе о результатах",
            ),
            task(
                TaskArea::Legal,
                service,
                drawn + days(15),
                "Собирает документы на детское пособие",
                "Помогает заполнить заявление",
            ),
        ],
        due_on: Some((drawn + days(7)).date_naive()),
        settled_on: None,
        term_until: None,
        next_review_on: Some((now + days(25)).date_naive()),
    };
    let plan = plans::create(db, &cast.curator, new, drawn).await?;
    let tasks = plans::store::tasks_of_case(db, cast.head.viewer()?, supported, now).await?;
    let at = now - days(3);
    let mut revised: Vec<NewTask> = tasks
        .iter()
        .map(|t| NewTask {
            id: Some(t.row.id),
            area: t.row.area,
            client_action: t.row.client_action.clone(),
            specialist_action: t.row.specialist_action.clone(),
            responsible_agency_id: t.row.responsible_agency_id,
            due_on: t.row.due_on,
            recommendation_id: None,
        })
        .collect();
    revised.push(task(
        TaskArea::SocioEconomic,
        service,
        now + days(30),
        "Встаёт на учёт в центре занятости",
        "Направляет в центр занятости",
    ));
    let revision = Revision {
        plan_id: plan.id,
        expected_version: 1,
        header: PlanHeader {
            main_goal: "Ребёнок остаётся в семье, риски для него сняты; мать работает".into(),
            ..header
        },
        tasks: revised,
        change_note: Some("Добавлена задача по трудоустройству после мониторинга".into()),
        next_review_on: Some((now + days(25)).date_naive()),
    };
    plans::revise(db, &cast.curator, revision, at).await?;
    if let Some(own) = tasks
        .iter()
        .find(|t| t.row.responsible_agency_id == perinatal)
    {
        let note = Some("Записаны на осмотр");
        plans::update_task(
            db,
            &hospital,
            own.row.id,
            TaskStatus::InProgress,
            note,
            now - days(1),
        )
        .await?;
    }
    Ok(())
}
