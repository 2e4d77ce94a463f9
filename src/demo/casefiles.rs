//! The demo's personal files: the supported case's file is complete for a prevention
//! service (identity, birth certificate, consent, the signed plan copy, and a medical
//! document besides); the case in decision work lacks its birth certificate and the
//! signed plan, so its checklist shows them missing. The scans are tiny generated files
//! with the right first bytes (a one-page PDF, a 1×1 PNG, a JPEG frame).

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::records::Cast;
use crate::casefiles::model::CaseDocumentType as T;
use crate::casefiles::{self, NewDocument};
use crate::db::Db;
use crate::error::AppResult;
use crate::handovers::documents::Storage;
use crate::handovers::Settings;

/// A one-page PDF standing in for a scanned paper.
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A 1×1 grey PNG standing in for a photo of a document.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, 0x00, 0x3A, 0x7E, 0x9B,
    0x55, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0x0F, 0x00, 0x01,
    0x01, 0x01, 0x00, 0xB1, 0x38, 0xF6, 0x14, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

/// The frame of a JPEG (start, an APP0 marker, end) standing in for a phone photo.
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
];

/// One demo document: its case, type, title, file name, bytes and age in days.
type DemoFile<'a> = (Uuid, T, &'a str, &'a str, &'a [u8], i64);

/// Fills the files of the case in decision work and the supported case.
pub async fn seed(
    db: &Db,
    cast: &Cast,
    [deciding, supported]: [Uuid; 2],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let settings = Settings {
        working_days: 3,
        max_document_bytes: 1 << 20,
        max_documents: 10,
        storage: Storage::Database,
    };
    let files: [DemoFile; 7] = [
        (
            deciding,
            T::IdentityDocument,
            "Паспорт матери, стр. 2–5",
            "паспорт.pdf",
            PDF,
            8,
        ),
        (
            deciding,
            T::SignedConsent,
            "Согласие на обработку персональных данных",
            "согласие.png",
            PNG,
            8,
        ),
        (
            supported,
            T::IdentityDocument,
            "Паспорт матери",
            "паспорт.pdf",
            PDF,
            58,
        ),
        (
            supported,
            T::BirthCertificate,
            "Свидетельство о рождении ребёнка",
            "свидетельство.jpg",
            JPEG,
            50,
        ),
        (
            supported,
            T::SignedConsent,
            "Согласие на обработку персональных данных",
            "согласие.pdf",
            PDF,
            58,
        ),
        (
            supported,
            T::MedicalDocument,
            "Выписка из роддома",
            "выписка.png",
            PNG,
            57,
        ),
        (
            supported,
            T::SignedPlanCopy,
            "План сопровождения, экземпляр с подписью клиентки",
            "план-подписан.pdf",
            PDF,
            20,
        ),
    ];
    for (case_id, doc_type, title, name, bytes, days_ago) in files {
        let new = NewDocument {
            case_id,
            doc_type,
            title: Some(title.to_owned()),
            file_name: name.to_owned(),
            bytes: bytes.to_vec(),
        };
        let at = now - Duration::days(days_ago);
        casefiles::add(db, &settings, &cast.curator, new, at).await?;
    }
    Ok(())
}
