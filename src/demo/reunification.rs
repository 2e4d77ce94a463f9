//! The demo's reunifications, so that the rehabilitation centre's staff have children to
//! bring home: one early in the child's track (its report overdue, its joint inspection
//! planned), one whose inspection found the home unfit (guardianship confirmed, social
//! protection not yet), and one returned home after a positive, confirmed inspection and
//! monitored, with information passed both ways. Each child came to the centre on a
//! referral under the mother's consent, which also covers social protection, and
//! guardianship was informed by a notice.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::records::{caller, case_by, Cast};
use crate::access::Caller;
use crate::cases::model::ConsentKind;
use crate::db::Db;
use crate::error::AppResult;
use crate::handovers::documents::Storage;
use crate::handovers::model::{HandoverKind, PackageRecord};
use crate::handovers::{self, Acceptance, NewHandover, Settings};
use crate::reunification::model::{PlacementBasis, Stage, Track, Verdict};
use crate::reunification::{self as reunion, Report, Return, Start};

struct People {
    rehab: Caller,
    kcson: Caller,
    officer: Caller,
    rehab_id: Uuid,
    kcson_id: Uuid,
    opeka_id: Uuid,
}

/// Brings a case to the centre (a referral under consent), to social protection (a
/// referral) and to guardianship's notice (a notice, acknowledged).
async fn bring(
    db: &Db,
    cast: &Cast,
    p: &People,
    mother: &str,
    at: DateTime<Utc>,
) -> AppResult<Uuid> {
    let c = case_by(db, cast, "curator2@demo.caselink", mother, at).await?;
    let signed = at + Duration::hours(2);
    crate::cases::consents::record(
        db,
        &cast.head,
        c,
        ConsentKind::PersonalData,
        mother,
        signed,
        &[p.rehab_id, p.kcson_id],
        signed,
    )
    .await?;
    let settings = Settings {
        working_days: 3,
        max_document_bytes: 1 << 20,
        max_documents: 10,
        storage: Storage::Database,
    };
    let sends = [
        (
            p.rehab_id,
            HandoverKind::Referral,
            "Временное помещение ребёнка в СРЦН, реабилитация",
            &p.rehab,
        ),
        (
            p.kcson_id,
            HandoverKind::Referral,
            "Социальный патронаж семьи",
            &p.kcson,
        ),
        (
            p.opeka_id,
            HandoverKind::Notice,
            "Ребёнок временно помещён в СРЦН по заявлению матери",
            &p.officer,
        ),
    ];
    for (i, (to, kind, reason, receiver)) in sends.into_iter().enumerate() {
        let sent = at + Duration::hours(3 + i as i64);
        let new = NewHandover {
            file_documents: Vec::new(),
            case_id: c,
            to_agency_id: to,
            kind,
            reason: reason.to_owned(),
            records: vec![PackageRecord::Persons],
            documents: Vec::new(),
            consent_override_reason: None,
            sender_order_number: None,
            sender_order_date: None,
            recommendation_id: None,
        };
        let h = handovers::request(db, &settings, &cast.head, new, sent).await?;
        let answered = sent + Duration::hours(1);
        if kind == HandoverKind::Notice {
            let day = Some(answered.date_naive());
            handovers::acknowledge_notice(db, receiver, h.id, "вх-ДЕМО", day, answered).await?;
        } else {
            let acceptance = Acceptance {
                registration_number: None,
                registration_date: None,
                order_number: None,
                order_date: None,
                curator_id: None,
            };
            handovers::accept(db, receiver, h.id, acceptance, answered).await?;
        }
    }
    Ok(c)
}

fn report(track: Track, stage: Stage, on: DateTime<Utc>, summary: &str) -> Report {
    Report {
        track,
        stage,
        occurred_on: on.date_naive(),
        summary: summary.to_owned(),
        wellbeing: Some("Самочувствие удовлетворительное, сон и аппетит в норме".to_owned()),
        attitude: Some("Спрашивает о маме, хочет домой".to_owned()),
        parents_readiness: Some("Мать посещает ребёнка, устраивается на работу".to_owned()),
        recommendation: Some("Продолжить встречи с матерью, подготовить обследование".to_owned()),
        task_ids: Vec::new(),
    }
}

pub(super) async fn seed(db: &Db, cast: &Cast, now: DateTime<Utc>) -> AppResult<()> {
    let rehab = caller(db, "rehab@demo.caselink", now).await?;
    let kcson = caller(db, "social@demo.caselink", now).await?;
    let officer = caller(db, "guardianship@demo.caselink", now).await?;
    let (Some(rehab_id), Some(kcson_id), Some(opeka_id)) = (
        rehab.actor()?.agency_id,
        kcson.actor()?.agency_id,
        officer.actor()?.agency_id,
    ) else {
        return Ok(());
    };
    let p = People {
        rehab,
        kcson,
        officer,
        rehab_id,
        kcson_id,
        opeka_id,
    };
    let days = Duration::days;
    let start = |case_id, placed: DateTime<Utc>| Start {
        case_id,
        placed_on: placed.date_naive(),
        placement_basis: PlacementBasis::ParentsApplication,
    };

    // Early in the child's track: its report is overdue, its inspection planned.
    let at = now - days(50);
    let c = bring(db, cast, &p, "Руденко Вера Алексеевна", at).await?;
    let u = reunion::start(db, &p.rehab, start(c, at + days(1)), at + days(1)).await?;
    let on = at + days(3);
    reunion::diagnostics(
        db,
        &p.rehab,
        u.id,
        on.date_naive(),
        Verdict::AtIntake,
        "Наблюдение, беседа, проективные методики",
        "Высокая тревожность, привязанность к матери сохранена",
        on,
    )
    .await?;
    let on = now - days(35);
    reunion::report(
        db,
        &p.rehab,
        u.id,
        report(
            Track::Child,
            Stage::Rehabilitation,
            on,
            "Адаптация прошла, занятия с психологом дважды в неделю",
        ),
        on,
    )
    .await?;
    let planned = (now + days(4)).date_naive();
    reunion::plan_inspection(
        db,
        &p.rehab,
        u.id,
        planned,
        &[kcson_id, opeka_id],
        now - days(1),
    )
    .await?;

    // The inspection found the home unfit: guardianship confirmed, social protection not yet.
    let at = now - days(40);
    let c = bring(db, cast, &p, "Зайцева Полина Андреевна", at).await?;
    let u = reunion::start(db, &p.rehab, start(c, at + days(1)), at + days(1)).await?;
    let on = now - days(12);
    reunion::report(
        db,
        &p.rehab,
        u.id,
        report(
            Track::Family,
            Stage::Patronage,
            on,
            "Мать посещает занятия, патронаж раз в неделю",
        ),
        on,
    )
    .await?;
    let on = now - days(3);
    let u = reunion::record_inspection(
        db,
        &p.rehab,
        u.id,
        on.date_naive(),
        &[kcson_id, opeka_id],
        "В квартире нет спального места для ребёнка, задолженность за электроэнергию",
        Verdict::Negative,
        on,
    )
    .await?;
    let act = reunion::store::entries_of(db, p.officer.viewer()?, u.id, now).await?;
    if let Some(entry) = act
        .iter()
        .rev()
        .find(|e| e.row.verdict == Some(Verdict::Negative))
    {
        reunion::confirm_inspection(
            db,
            &p.officer,
            entry.row.id,
            Some("Подтверждаем, повторное обследование через месяц".to_owned()),
            now - days(2),
        )
        .await?;
    }

    // Returned home after a positive, confirmed inspection, and monitored.
    let at = now - days(90);
    let c = bring(db, cast, &p, "Киселёва Мария Петровна", at).await?;
    let u = reunion::start(db, &p.rehab, start(c, at + days(1)), at + days(1)).await?;
    let on = now - days(60);
    reunion::report(
        db,
        &p.rehab,
        u.id,
        report(
            Track::Child,
            Stage::Rehabilitation,
            on,
            "Ребёнок спокоен, ждёт возвращения домой",
        ),
        on,
    )
    .await?;
    let on = now - days(30);
    reunion::visit(
        db,
        &p.rehab,
        u.id,
        on.date_naive(),
        Verdict::Control,
        "Мать сделала ремонт, купила кровать",
        on,
    )
    .await?;
    let on = now - days(25);
    let u = reunion::record_inspection(
        db,
        &p.rehab,
        u.id,
        on.date_naive(),
        &[kcson_id, opeka_id],
        "Условия проживания удовлетворительные",
        Verdict::Positive,
        on,
    )
    .await?;
    let act = reunion::store::entries_of(db, p.officer.viewer()?, u.id, now).await?;
    if let Some(entry) = act
        .iter()
        .rev()
        .find(|e| e.row.verdict == Some(Verdict::Positive))
    {
        for who in [&p.officer, &p.kcson] {
            reunion::confirm_inspection(db, who, entry.row.id, None, now - days(24)).await?;
        }
    }
    let on = now - days(20);
    let back = Return {
        returned_on: on.date_naive(),
        handed_over_by: "Фёдорова Л. И., заведующая отделением СРЦН".to_owned(),
        received_by: "Мать ребёнка".to_owned(),
        documents: Some("Свидетельство о рождении, полис ОМС, медицинская карта".to_owned()),
        without_inspection_reason: None,
    };
    reunion::record_return(db, &p.rehab, u.id, back, on).await?;
    let on = now - days(10);
    reunion::report(
        db,
        &p.rehab,
        u.id,
        report(
            Track::AfterReturn,
            Stage::SafetyAndWellbeing,
            on,
            "Ребёнок дома, посещает детский сад",
        ),
        on,
    )
    .await?;
    reunion::pass_information(
        db,
        &p.rehab,
        u.id,
        on.date_naive(),
        Some(kcson_id),
        "Рекомендуем помощь в оформлении пособия",
        on,
    )
    .await?;
    let on = now - days(5);
    reunion::pass_information(
        db,
        &p.kcson,
        u.id,
        on.date_naive(),
        None,
        "Семья получила пособие, ребёнок здоров",
        on,
    )
    .await?;
    Ok(())
}
