//! The demo's signals and cases: one in every state, some clocks late, as a prevention
//! service's week looks. Written through the same service functions the API uses, with
//! the clock set back where a story needs it.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::access::{Actor, Caller};
use crate::cases::{self, model::ClosureReason, Move};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::signals::intake::{Child, Mother, NewSignal};
use crate::signals::model::{ChildSex, Screening, SignalSource};
use crate::signals::visit::VisitReport;
use crate::{signals, users};

/// The demo's people, each as the caller the service functions take.
pub(super) struct Cast {
    hospital: Caller,
    pub(super) head: Caller,
    pub(super) curator: Caller,
    curator_id: Uuid,
    service_id: Uuid,
}

/// The demo user with `email` as a caller, with their agency and roles.
pub(super) async fn caller(db: &Db, email: &str, now: DateTime<Utc>) -> AppResult<Caller> {
    let id = users::store::find_by_email(db, email)
        .await?
        .ok_or(AppError::NotFound("demo user"))?;
    let user = users::get(db, id).await?;
    let actor = Actor {
        user_id: id,
        agency_id: user.row.agency_id,
        roles: user.roles.into_iter().collect(),
        hub_admin: false,
        session_id: Uuid::nil(),
    };
    Ok(super::demo_caller(actor, now))
}

/// Seeds signals and cases through their stages.
pub async fn seed(db: &Db, now: DateTime<Utc>) -> AppResult<()> {
    let head = caller(db, "head@demo.caselink", now).await?;
    let curator = caller(db, "curator@demo.caselink", now).await?;
    let cast = Cast {
        hospital: caller(db, "hospital@demo.caselink", now).await?,
        curator_id: curator.actor()?.user_id,
        service_id: head
            .actor()?
            .agency_id
            .ok_or(AppError::NotFound("demo service"))?,
        curator,
        head,
    };
    let mothers = [
        "Абрамова Кристина Олеговна",
        "Белова Анастасия Игоревна",
        "Гусева Ольга Николаевна",
        "Данилова Виктория Сергеевна",
        "Егорова Алина Руслановна",
        "Жукова Татьяна Павловна",
        "Зайцева Дарья Андреевна",
        "Ильина Марина Юрьевна",
    ];
    // Passed on time, waiting to be received.
    report(
        db,
        &cast,
        mothers[0],
        now - Duration::minutes(50),
        now - Duration::minutes(35),
        now,
    )
    .await?;
    // Passed 4 hours after registration: the 3-hour clock is late.
    report(
        db,
        &cast,
        mothers[1],
        now - Duration::hours(5),
        now - Duration::hours(4) - Duration::minutes(10),
        now,
    )
    .await?;
    // Received at night, no curator yet: the visit clock runs late.
    let s = report(
        db,
        &cast,
        mothers[2],
        now - Duration::hours(7),
        now - Duration::hours(6) - Duration::minutes(45),
        now - Duration::hours(6),
    )
    .await?;
    signals::receive(db, &cast.head, s, now - Duration::hours(5)).await?;
    // A curator assigned, the visit due soon.
    let s = received(db, &cast, mothers[3], now - Duration::hours(1)).await?;
    assign(db, &cast, s, now - Duration::minutes(50)).await?;
    // Visited, a case not yet opened.
    let s = received(db, &cast, mothers[4], now - Duration::hours(30)).await?;
    assign(db, &cast, s, now - Duration::hours(29)).await?;
    visit(
        db,
        &cast,
        s,
        now - Duration::hours(27),
        now - Duration::hours(26),
    )
    .await?;
    // Not confirmed.
    let s = received(db, &cast, mothers[5], now - Duration::days(3)).await?;
    assign(db, &cast, s, now - Duration::days(3)).await?;
    visit(
        db,
        &cast,
        s,
        now - Duration::days(3) + Duration::hours(2),
        now - Duration::days(3) + Duration::hours(3),
    )
    .await?;
    signals::dismiss(
        db,
        &cast.curator,
        s,
        "Мать забирает ребёнка домой, родные помогают",
        now - Duration::days(2),
    )
    .await?;
    // Cases: in decision work, in support, closed.
    let c = case(db, &cast, mothers[6], now - Duration::days(10)).await?;
    let deciding = c;
    cases::advance(
        db,
        &cast.curator,
        c,
        Move::StartDecisionWork,
        now - Duration::days(9),
    )
    .await?;
    let c = case(db, &cast, mothers[7], now - Duration::days(60)).await?;
    let supported = c;
    cases::advance(
        db,
        &cast.curator,
        c,
        Move::StartDecisionWork,
        now - Duration::days(59),
    )
    .await?;
    cases::advance(
        db,
        &cast.curator,
        c,
        Move::StartSupport,
        now - Duration::days(35),
    )
    .await?;
    let c = case(
        db,
        &cast,
        "Кириллова Елена Викторовна",
        now - Duration::days(40),
    )
    .await?;
    cases::advance(
        db,
        &cast.curator,
        c,
        Move::StartDecisionWork,
        now - Duration::days(39),
    )
    .await?;
    cases::close(
        db,
        &cast.curator,
        c,
        ClosureReason::DecisionChangedResolved,
        None,
        now - Duration::days(20),
    )
    .await?;
    super::handovers::seed(db, &cast, now).await?;
    super::plans::seed(db, &cast, supported, now).await?;
    super::casefiles::seed(db, &cast, [deciding, supported], now).await?;
    super::inforequests::seed(db, &cast, [deciding, supported], now).await?;
    super::mrg::seed(db, &cast, [deciding, supported], now).await?;
    super::mrg_plan::seed(db, &cast, deciding, now).await?;
    super::reunification::seed(db, &cast, now).await?;
    super::casework::seed(db, now).await
}

async fn report(
    db: &Db,
    cast: &Cast,
    mother: &str,
    detected: DateTime<Utc>,
    registered: DateTime<Utc>,
    passed: DateTime<Utc>,
) -> AppResult<Uuid> {
    let mut new = new_signal(cast, mother, SignalSource::Hospital);
    new.detected_at = Some(detected);
    new.registered_at = Some(registered);
    new.child.born_at = Some(detected - Duration::hours(30));
    Ok(signals::report(db, &cast.hospital, new, passed).await?.id)
}

async fn received(db: &Db, cast: &Cast, mother: &str, at: DateTime<Utc>) -> AppResult<Uuid> {
    let s = report(
        db,
        cast,
        mother,
        at - Duration::hours(2),
        at - Duration::hours(1) - Duration::minutes(40),
        at - Duration::hours(1),
    )
    .await?;
    signals::receive(db, &cast.head, s, at).await?;
    Ok(s)
}

async fn assign(db: &Db, cast: &Cast, s: Uuid, at: DateTime<Utc>) -> AppResult<()> {
    signals::assign_curator(db, &cast.head, s, cast.curator_id, None, at).await?;
    Ok(())
}

async fn visit(
    db: &Db,
    cast: &Cast,
    s: Uuid,
    visited: DateTime<Utc>,
    recorded: DateTime<Utc>,
) -> AppResult<()> {
    let report = VisitReport {
        situation_summary: Some("Мать в палате с ребёнком, растеряна, жилья нет".into()),
        key_problems: Some("Нет жилья, нет поддержки отца ребёнка".into()),
        visitor_opinion: Some("Есть ресурс: бабушка готова помогать".into()),
        ..VisitReport::default()
    };
    signals::record_visit(db, &cast.curator, s, visited, report, recorded).await?;
    Ok(())
}

pub(super) async fn case(db: &Db, cast: &Cast, mother: &str, at: DateTime<Utc>) -> AppResult<Uuid> {
    let s = received(db, cast, mother, at - Duration::hours(6)).await?;
    assign(db, cast, s, at - Duration::hours(5)).await?;
    visit(
        db,
        cast,
        s,
        at - Duration::hours(4),
        at - Duration::hours(3),
    )
    .await?;
    Ok(cases::open_from_signal(db, &cast.curator, s, false, at)
        .await?
        .id)
}

fn new_signal(cast: &Cast, mother: &str, source: SignalSource) -> NewSignal {
    NewSignal {
        source,
        service_agency_id: cast.service_id,
        mother: Mother {
            full_name: mother.into(),
            registered_address: Some("г. Сургут".into()),
            ..Mother::default()
        },
        child: Child {
            born_at: None,
            sex: Some(ChildSex::Female),
            health_notes: None,
        },
        in_ward_with_child: true,
        source_contact: None,
        situation: "Мать говорит, что оставит ребёнка в роддоме: негде жить, нет денег.".into(),
        screening: Screening {
            intent_or_fact_of_refusal: true,
            no_housing: true,
            ..Screening::default()
        },
        detected_at: None,
        registered_at: None,
    }
}

/// A case opened by the curator with `curator_email` (the demo's second curator keeps
/// the first one's caseload under its limit of 9).
pub(super) async fn case_by(
    db: &Db,
    cast: &Cast,
    curator_email: &str,
    mother: &str,
    at: DateTime<Utc>,
) -> AppResult<Uuid> {
    let curator = caller(db, curator_email, at).await?;
    let other = Cast {
        hospital: caller(db, "hospital@demo.caselink", at).await?,
        head: caller(db, "head@demo.caselink", at).await?,
        curator_id: curator.actor()?.user_id,
        service_id: cast.service_id,
        curator,
    };
    case(db, &other, mother, at).await
}
