//! The demo's handovers, so that the guardianship officer has an inbox to work: two
//! transfers waiting (one past its deadline), one accepted under an order, one declined,
//! and referrals to social protection (sent on the head's override: no consent covers
//! it yet) and the shelter (under the mother's consent), and notices about families that
//! broke their commitments. Transfers to guardianship and notices go by law, without
//! consent.

use chrono::{DateTime, Datelike, Duration, Utc};
use uuid::Uuid;

use super::records::{caller, case, Cast};
use crate::access::Caller;
use crate::cases::model::{ClosureReason, ConsentKind};
use crate::cases::{self, Move};
use crate::db::Db;
use crate::error::AppResult;
use crate::handovers::documents::Storage;
use crate::handovers::model::{HandoverKind, PackageRecord};
use crate::handovers::{self, Acceptance, NewHandover, Settings};

/// A one-page PDF standing in for a scanned order.
const SCAN: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The service's head sending requests, each with the same records.
struct Sender<'a> {
    db: &'a Db,
    head: &'a Caller,
    settings: Settings,
}

impl Sender<'_> {
    // One demo request's every choice, spelled out at each call.
    #[allow(clippy::too_many_arguments)]
    async fn send(
        &self,
        case_id: Uuid,
        to: Uuid,
        kind: HandoverKind,
        reason: &str,
        with_scan: bool,
        consent_override_reason: Option<&str>,
        at: DateTime<Utc>,
    ) -> AppResult<Uuid> {
        let documents = if with_scan {
            vec![("Приказ о передаче.pdf".to_owned(), SCAN.to_vec())]
        } else {
            Vec::new()
        };
        let new = NewHandover {
            file_documents: Vec::new(),
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
            consent_override_reason: consent_override_reason.map(str::to_owned),
            // The head's order formalising the request (seed 001), numbered as the demo's.
            sender_order_number: Some(format!("{}-о", 40 + at.day())),
            sender_order_date: Some(at.date_naive()),
            recommendation_id: None,
        };
        let row = handovers::request(self.db, &self.settings, self.head, new, at).await?;
        Ok(row.id)
    }
}

async fn accept(
    db: &Db,
    by: &Caller,
    id: Uuid,
    order: Option<&str>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let acceptance = Acceptance {
        registration_number: order.map(|n| format!("вх. {n}")),
        registration_date: order.map(|_| at.date_naive()),
        order_number: order.map(str::to_owned),
        order_date: order.map(|_| at.date_naive()),
        curator_id: None,
    };
    handovers::accept(db, by, id, acceptance, at).await?;
    Ok(())
}

pub(super) async fn seed(db: &Db, cast: &Cast, now: DateTime<Utc>) -> AppResult<()> {
    let officer = caller(db, "guardianship@demo.caselink", now).await?;
    let kcson = caller(db, "social@demo.caselink", now).await?;
    let shelter = caller(db, "shelter@demo.caselink", now).await?;
    let (Some(opeka), Some(kcson_id), Some(shelter_id)) = (
        officer.actor()?.agency_id,
        kcson.actor()?.agency_id,
        shelter.actor()?.agency_id,
    ) else {
        return Ok(());
    };
    let sender = Sender {
        db,
        head: &cast.head,
        settings: Settings {
            working_days: 3,
            max_document_bytes: 1 << 20,
            max_documents: 10,
            storage: Storage::Database,
        },
    };
    // First, while the curator's caseload (limit 9) has room for one more case.
    acknowledged_notice(db, cast, &sender, &kcson, kcson_id, now).await?;
    let days = Duration::days;
    let transfer = HandoverKind::Transfer;
    let referral = HandoverKind::Referral;
    let broken = "Семья не выполняет обязательства по плану: информация передаётся в опеку (б)";
    let endangered = "Действия семьи угрожают ребёнку: дело передаётся в опеку (в)";

    // Waiting for the officer, on time.
    let c = case(db, cast, "Лаврова Юлия Сергеевна", now - days(70)).await?;
    let at = now - Duration::hours(20);
    sender
        .send(c, opeka, transfer, broken, true, None, at)
        .await?;
    // Waiting past its deadline: flagged, still the officer's to decide.
    let c = case(db, cast, "Макарова Ольга Ильинична", now - days(90)).await?;
    sender
        .send(c, opeka, transfer, endangered, true, None, now - days(8))
        .await?;
    // Accepted under the officer's order.
    let c = case(db, cast, "Никитина Алёна Романовна", now - days(120)).await?;
    let h = sender
        .send(c, opeka, transfer, endangered, true, None, now - days(15))
        .await?;
    accept(db, &officer, h, Some("112-о"), now - days(13)).await?;
    // Declined, with the reason.
    let c = case(db, cast, "Осипова Евгения Денисовна", now - days(50)).await?;
    let reason = "Мать уклоняется от встреч";
    let h = sender
        .send(c, opeka, transfer, reason, false, None, now - days(6))
        .await?;
    let declined =
        "Оснований для передачи нет: риск для ребёнка не подтверждён, продолжайте сопровождение";
    handovers::decline(db, &officer, h, declined, now - days(5)).await?;
    // The family then stopped keeping its commitments: the service informs guardianship.
    sender
        .send(
            c,
            opeka,
            HandoverKind::Notice,
            INFORMING,
            false,
            None,
            now - days(1),
        )
        .await?;
    // Referrals: a housing inspection waiting for social protection, a shelter place given.
    let inspection = "Обследование жилищно-бытовых условий перед выпиской";
    let at = now - Duration::hours(5);
    let no_consent_yet = "Мать согласна на обследование; письменное согласие подпишет при визите";
    sender
        .send(
            c,
            kcson_id,
            referral,
            inspection,
            false,
            Some(no_consent_yet),
            at,
        )
        .await?;
    let c = case(db, cast, "Павлова Ксения Артёмовна", now - days(30)).await?;
    let place = "Место в кризисном центре для мамы с ребёнком";
    let signed = now - days(3);
    crate::cases::consents::record(
        db,
        &cast.head,
        c,
        ConsentKind::PersonalData,
        "Павлова Ксения Артёмовна",
        signed,
        &[shelter_id],
        signed,
    )
    .await?;
    let h = sender
        .send(c, shelter_id, referral, place, false, None, now - days(2))
        .await?;
    accept(db, &shelter, h, None, now - days(1)).await
}

const INFORMING: &str =
    "Семья не выполняет обязательства по плану сопровождения: информирование (б)";

/// Informing (информирование) when a family breaks its commitments (b): social protection
/// acknowledged the notice, after which the service closed its case.
async fn acknowledged_notice(
    db: &Db,
    cast: &Cast,
    sender: &Sender<'_>,
    kcson: &Caller,
    kcson_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let days = Duration::days;
    let c = case(db, cast, "Семёнова Дарья Олеговна", now - days(140)).await?;
    for step in [Move::StartDecisionWork, Move::StartSupport] {
        cases::advance(db, &cast.curator, c, step, now - days(130)).await?;
    }
    let h = sender
        .send(
            c,
            kcson_id,
            HandoverKind::Notice,
            INFORMING,
            false,
            None,
            now - days(10),
        )
        .await?;
    let registered = now - days(9);
    handovers::acknowledge_notice(
        db,
        kcson,
        h,
        "вх-2291",
        Some(registered.date_naive()),
        registered,
    )
    .await?;
    let broken = ClosureReason::CommitmentsBroken;
    cases::close(db, &cast.curator, c, broken, None, now - days(8)).await?;
    Ok(())
}
