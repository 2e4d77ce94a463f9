//! Information requests (seeds-notes A4): the lead agency asks another agency questions
//! about a case by a due date; the receiver answers with text and documents.

use async_graphql::Enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Where a request stands.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InformationRequestStatus {
    /// Waiting for the receiver's answer.
    Open,
    /// The receiver answered; the answer is filed in the case.
    Answered,
    /// The sender withdrew it before it was answered.
    Withdrawn,
}

impl InformationRequestStatus {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            InformationRequestStatus::Open => "OPEN",
            InformationRequestStatus::Answered => "ANSWERED",
            InformationRequestStatus::Withdrawn => "WITHDRAWN",
        }
    }
}

/// A stored request.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct InformationRequestRow {
    pub id: Uuid,
    /// The sender's journal number, e.g. `REQ-2026-0001`.
    pub journal_no: String,
    pub case_id: Uuid,
    pub from_agency_id: Uuid,
    pub to_agency_id: Uuid,
    pub requested_by_user_id: Uuid,
    /// The sender's questions; NULL in a scoped read for a viewer that may not read them.
    pub questions: Option<String>,
    /// The day the answer is due, as the sender wrote it.
    pub due_date: NaiveDate,
    /// The end of that day in the receiver's time zone: overdue from then on.
    pub due_at: DateTime<Utc>,
    pub status: InformationRequestStatus,
    pub requested_at: DateTime<Utc>,
    /// The receiver's answer; NULL in a scoped read for a viewer that may not read it.
    pub answer_text: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by_user_id: Option<Uuid>,
    /// Why the sender withdrew it (read as the questions are).
    pub withdraw_reason: Option<String>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_by_user_id: Option<Uuid>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// The columns of `information_requests`, in [`InformationRequestRow`] order.
pub const COLUMNS: &str = "r.id, r.journal_no, r.case_id, r.from_agency_id, r.to_agency_id,
    r.requested_by_user_id, r.questions, r.due_date, r.due_at, r.status, r.requested_at,
    r.answer_text, r.answered_at, r.answered_by_user_id, r.withdraw_reason, r.withdrawn_at,
    r.withdrawn_by_user_id, r.version, r.updated_at";

/// What identifies the person a request is about, and nothing more: the mother's full
/// name and birth date (the receiver finds its own records by them).
#[derive(sqlx::FromRow, Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
}

/// A document attached to an answer (without its bytes).
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct AnswerDocumentRow {
    pub id: Uuid,
    pub information_request_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}
