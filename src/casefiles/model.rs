//! The personal file's documents (seeds-notes A1): their types and rows.

use async_graphql::Enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a document of the personal file is, as the file's inventory names it.
#[derive(
    Enum,
    sqlx::Type,
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CaseDocumentType {
    /// Паспорт или иной документ, удостоверяющий личность.
    IdentityDocument,
    /// Свидетельство о рождении ребёнка.
    BirthCertificate,
    /// Полис обязательного медицинского страхования.
    MedicalInsurancePolicy,
    /// Медицинский документ (выписка, справка, заключение).
    MedicalDocument,
    /// Подписанное согласие (на обработку персональных данных и др.).
    SignedConsent,
    /// Подписанное заявление (о приёме, о предоставлении услуг).
    SignedApplication,
    /// Подписанный договор (о безвозмездном оказании услуг, о социальном обслуживании).
    SignedContract,
    /// Подписанный клиентом экземпляр плана.
    SignedPlanCopy,
    /// Приказ или распоряжение.
    Order,
    /// Акт (обследования жилищно-бытовых условий, изъятия, передачи).
    Act,
    /// Ответ на запрос.
    RequestReply,
    /// Иной документ.
    Other,
}

impl CaseDocumentType {
    /// Every type, in the order the file's inventory lists them.
    pub const ALL: [CaseDocumentType; 12] = [
        CaseDocumentType::IdentityDocument,
        CaseDocumentType::BirthCertificate,
        CaseDocumentType::MedicalInsurancePolicy,
        CaseDocumentType::MedicalDocument,
        CaseDocumentType::SignedConsent,
        CaseDocumentType::SignedApplication,
        CaseDocumentType::SignedContract,
        CaseDocumentType::SignedPlanCopy,
        CaseDocumentType::Order,
        CaseDocumentType::Act,
        CaseDocumentType::RequestReply,
        CaseDocumentType::Other,
    ];

    /// The API name, e.g. `BIRTH_CERTIFICATE` (a form's value too).
    pub fn as_str(self) -> &'static str {
        match self {
            CaseDocumentType::IdentityDocument => "IDENTITY_DOCUMENT",
            CaseDocumentType::BirthCertificate => "BIRTH_CERTIFICATE",
            CaseDocumentType::MedicalInsurancePolicy => "MEDICAL_INSURANCE_POLICY",
            CaseDocumentType::MedicalDocument => "MEDICAL_DOCUMENT",
            CaseDocumentType::SignedConsent => "SIGNED_CONSENT",
            CaseDocumentType::SignedApplication => "SIGNED_APPLICATION",
            CaseDocumentType::SignedContract => "SIGNED_CONTRACT",
            CaseDocumentType::SignedPlanCopy => "SIGNED_PLAN_COPY",
            CaseDocumentType::Order => "ORDER",
            CaseDocumentType::Act => "ACT",
            CaseDocumentType::RequestReply => "REQUEST_REPLY",
            CaseDocumentType::Other => "OTHER",
        }
    }

    /// Parses an API name.
    pub fn parse(name: &str) -> Option<CaseDocumentType> {
        CaseDocumentType::ALL
            .into_iter()
            .find(|t| t.as_str() == name.trim())
    }

    /// The name in Russian, as the file's inventory writes it.
    pub fn name_ru(self) -> &'static str {
        match self {
            CaseDocumentType::IdentityDocument => "Документ, удостоверяющий личность",
            CaseDocumentType::BirthCertificate => "Свидетельство о рождении",
            CaseDocumentType::MedicalInsurancePolicy => "Полис ОМС",
            CaseDocumentType::MedicalDocument => "Медицинский документ",
            CaseDocumentType::SignedConsent => "Подписанное согласие",
            CaseDocumentType::SignedApplication => "Подписанное заявление",
            CaseDocumentType::SignedContract => "Подписанный договор",
            CaseDocumentType::SignedPlanCopy => "Подписанный экземпляр плана",
            CaseDocumentType::Order => "Приказ",
            CaseDocumentType::Act => "Акт",
            CaseDocumentType::RequestReply => "Ответ на запрос",
            CaseDocumentType::Other => "Иной документ",
        }
    }

    /// The name in English.
    pub fn name_en(self) -> &'static str {
        match self {
            CaseDocumentType::IdentityDocument => "Identity document",
            CaseDocumentType::BirthCertificate => "Birth certificate",
            CaseDocumentType::MedicalInsurancePolicy => "Medical insurance policy",
            CaseDocumentType::MedicalDocument => "Medical document",
            CaseDocumentType::SignedConsent => "Signed consent",
            CaseDocumentType::SignedApplication => "Signed application",
            CaseDocumentType::SignedContract => "Signed contract",
            CaseDocumentType::SignedPlanCopy => "Signed copy of a plan",
            CaseDocumentType::Order => "Order",
            CaseDocumentType::Act => "Act",
            CaseDocumentType::RequestReply => "Reply to a request",
            CaseDocumentType::Other => "Other",
        }
    }
}

/// A document of a case's file, without its bytes.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct CaseDocumentRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub doc_type: CaseDocumentType,
    /// A short title the uploader gave («Паспорт матери, стр. 2–3»).
    pub title: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by_user_id: Uuid,
    pub uploaded_by_agency_id: Uuid,
}

/// The columns of [`CaseDocumentRow`] over `case_documents d`.
pub const COLUMNS: &str = "d.id, d.case_id, d.doc_type, d.title, d.file_name, d.content_type, \
     d.size_bytes, d.sha256, d.uploaded_at, d.uploaded_by_user_id, d.uploaded_by_agency_id";
