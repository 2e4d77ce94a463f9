//! The demo's handovers, so that the guardianship officer has an inbox to work: two
//! transfers waiting (one past its deadline), one accepted under an order, one declined,
//! and referrals to social protection and the shelter.

use chrono::{DateTime, Duration, Utc};

use super::records::{actor, case, origin, Cast};
use crate::db::Db;
use crate::error::AppResult;
use crate::handovers::documents::Storage;
use crate::handovers::model::{HandoverKind, PackageRecord};
use crate::handovers::{self, Acceptance, NewHandover, Settings};

/// A one-page PDF standing in for a scanned order.
const SCAN: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

pub(super) async fn seed(db: &Db, cast: &Cast, now: DateTime<Utc>) -> AppResult<()> {
    let officer = actor(db, "guardianship@demo.caselink").await?;
    let kcson = actor(db, "social@demo.caselink").await?;
    let shelter = actor(db, "shelter@demo.caselink").await?;
    let (Some(opeka), Some(kcson_id), Some(shelter_id)) =
        (officer.agency_id, kcson.agency_id, shelter.agency_id)
    else {
        return Ok(());
    };
    let settings = Settings {
        working_days: 3,
        max_document_bytes: 1 << 20,
        max_documents: 10,
        storage: Storage::Database,
    };
    let ask = |case_id, to, kind, reason: &str, documents: Vec<(String, Vec<u8>)>| NewHandover {
        case_id,
        to_agency_id: to,
        kind,
        reason: reason.to_owned(),
        records: vec![
            PackageRecord::Persons,
            PackageRecord::SignalSheet,
            PackageRecord::VisitReport,
        ],
        documents,
    };
    let scan = || vec![("Приказ о передаче.pdf".to_owned(), SCAN.to_vec())];
    let head = &cast.head;
    let by_head = origin(head);

    // Waiting for the officer, on time.
    let c = case(db, cast, "Лаврова Юлия Сергеевна", now - Duration::days(70)).await?;
    let reason = "Семья не выполняет обязательства по плану: информация передаётся в опеку (б)";
    handovers::request(
        db,
        &settings,
        head,
        &by_head,
        ask(c, opeka, HandoverKind::Transfer, reason, scan()),
        now - Duration::hours(20),
    )
    .await?;
    // Waiting past its deadline: flagged, still the officer's to decide.
    let c = case(
        db,
        cast,
        "Макарова Ольга Ильинична",
        now - Duration::days(90),
    )
    .await?;
    let reason = "Действия семьи угрожают ребёнку: дело передаётся в опеку (в)";
    handovers::request(
        db,
        &settings,
        head,
        &by_head,
        ask(c, opeka, HandoverKind::Transfer, reason, scan()),
        now - Duration::days(8),
    )
    .await?;
    // Accepted under the officer's order.
    let c = case(
        db,
        cast,
        "Никитина Алёна Романовна",
        now - Duration::days(120),
    )
    .await?;
    let h = handovers::request(
        db,
        &settings,
        head,
        &by_head,
        ask(c, opeka, HandoverKind::Transfer, reason, scan()),
        now - Duration::days(15),
    )
    .await?;
    let order = Acceptance {
        order_number: Some("112-о".into()),
        order_date: Some((now - Duration::days(13)).date_naive()),
        curator_id: None,
    };
    handovers::accept(
        db,
        &officer,
        &origin(&officer),
        h.id,
        order,
        now - Duration::days(13),
    )
    .await?;
    // Declined, with the reason.
    let c = case(
        db,
        cast,
        "Осипова Евгения Денисовна",
        now - Duration::days(50),
    )
    .await?;
    let h = handovers::request(
        db,
        &settings,
        head,
        &by_head,
        ask(
            c,
            opeka,
            HandoverKind::Transfer,
            "Мать уклоняется от встреч",
            Vec::new(),
        ),
        now - Duration::days(6),
    )
    .await?;
    let declined =
        "Оснований для передачи нет: риск для ребёнка не подтверждён, продолжайте сопровождение";
    handovers::decline(
        db,
        &officer,
        &origin(&officer),
        h.id,
        declined,
        now - Duration::days(5),
    )
    .await?;
    // Referrals: a housing inspection waiting for social protection, a shelter place given.
    handovers::request(
        db,
        &settings,
        head,
        &by_head,
        ask(
            c,
            kcson_id,
            HandoverKind::Referral,
            "Обследование жилищно-бытовых условий перед выпиской",
            Vec::new(),
        ),
        now - Duration::hours(5),
    )
    .await?;
    let c = case(
        db,
        cast,
        "Павлова Ксения Артёмовна",
        now - Duration::days(30),
    )
    .await?;
    let h = handovers::request(
        db,
        &settings,
        head,
        &by_head,
        ask(
            c,
            shelter_id,
            HandoverKind::Referral,
            "Место в кризисном центре для мамы с ребёнком",
            Vec::new(),
        ),
        now - Duration::days(2),
    )
    .await?;
    let shelter_place = Acceptance {
        order_number: None,
        order_date: None,
        curator_id: None,
    };
    handovers::accept(
        db,
        &shelter,
        &origin(&shelter),
        h.id,
        shelter_place,
        now - Duration::days(1),
    )
    .await?;
    Ok(())
}
