//! Handovers (domain.md §3): one agency asks another to take over a case (a transfer) or
//! to give a service while it keeps the lead (a referral). Only the receiver decides.

use async_graphql::Enum;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db::JsonText;

/// What the sender asks for.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HandoverKind {
    /// The receiver takes over the lead (e.g. the service passes the case to guardianship).
    Transfer,
    /// The receiver gives a service (a housing inspection, shelter, rehabilitation) while
    /// the lead stays.
    Referral,
    /// The sender informs social protection or guardianship about a family that does not
    /// keep its commitments (информирование, domain.md §2 (b)); the receiver acknowledges
    /// receipt under its incoming registration and may open its own case. The lead stays.
    Notice,
}

impl HandoverKind {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            HandoverKind::Transfer => "TRANSFER",
            HandoverKind::Referral => "REFERRAL",
            HandoverKind::Notice => "NOTICE",
        }
    }
}

/// Where a request stands.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HandoverStatus {
    /// Waiting for the receiver; the sender stays responsible.
    Pending,
    /// Accepted: a transfer moved the lead; a referral is being worked on.
    Accepted,
    /// The receiver declined, with a reason.
    Declined,
    /// The sender withdrew it before it was decided.
    Cancelled,
    /// A referral whose service was given and recorded.
    Completed,
    /// A notice whose receipt the receiver registered.
    Acknowledged,
}

impl HandoverStatus {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            HandoverStatus::Pending => "PENDING",
            HandoverStatus::Accepted => "ACCEPTED",
            HandoverStatus::Declined => "DECLINED",
            HandoverStatus::Cancelled => "CANCELLED",
            HandoverStatus::Completed => "COMPLETED",
            HandoverStatus::Acknowledged => "ACKNOWLEDGED",
        }
    }
}

/// The ground on which a request's package (and, once accepted, the case's personal
/// data) goes to the receiver (152-FZ; seeds 001, 002: consent before data is shared).
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SharingBasis {
    /// The law requires it: a transfer to guardianship when the child's rights are at
    /// risk (seed 001, line 614).
    LegalDuty,
    /// A consent to personal-data processing that covers the receiving agency. The
    /// package reads only while that consent (or another covering the receiver) stands.
    Consent,
    /// No consent covers the receiver; a head sent it anyway, with a reason on record.
    Override,
}

impl SharingBasis {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            SharingBasis::LegalDuty => "LEGAL_DUTY",
            SharingBasis::Consent => "CONSENT",
            SharingBasis::Override => "OVERRIDE",
        }
    }
}

/// A record of the case that goes with the request, for the receiver to read before it
/// decides. Plans and MRG decisions join this list when they exist in the hub.
#[derive(
    Enum, Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PackageRecord {
    /// The people of the case: names, birth dates, contacts, addresses, stances.
    Persons,
    /// The signal sheet (the family's situation, risks and resources).
    SignalSheet,
    /// The initial visit report.
    VisitReport,
    /// The consents signed.
    Consents,
}

/// A stored request.
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct HandoverRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: HandoverKind,
    pub from_agency_id: Uuid,
    pub to_agency_id: Uuid,
    pub requested_by_user_id: Uuid,
    /// The sender's reason; NULL in a scoped read for a viewer that may not read it.
    pub reason: Option<String>,
    /// The package's records, sorted, stored as a JSON array of [`PackageRecord`] names.
    pub records: JsonText<Vec<PackageRecord>>,
    pub status: HandoverStatus,
    pub requested_at: DateTime<Utc>,
    /// When the receiver should have decided by (never decided by the hub).
    pub deadline_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by_user_id: Option<Uuid>,
    pub decline_reason: Option<String>,
    /// The receiving body's own order accepting the case (optional; paper practice).
    pub order_number: Option<String>,
    pub order_date: Option<NaiveDate>,
    /// The curator the receiver assigned on accepting.
    pub receiver_curator_id: Option<Uuid>,
    /// What a referral's receiver did, recorded when it closed the referral.
    pub service_result: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The ground on which the package goes to the receiver.
    pub sharing_basis: SharingBasis,
    /// A head's reason for sending without consent (`OVERRIDE` only).
    pub consent_override_reason: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    /// The sending head's order that formalises a transfer (paper practice, seed 001).
    pub sender_order_number: Option<String>,
    pub sender_order_date: Option<NaiveDate>,
    /// The receiver's incoming registration of an accepted request.
    pub registration_number: Option<String>,
    pub registration_date: Option<NaiveDate>,
}

impl HandoverRow {
    /// The package's records, in a stable order.
    pub fn package(&self) -> &[PackageRecord] {
        &self.records.0
    }
}

/// The columns of `handovers`, in [`HandoverRow`] order.
pub const COLUMNS: &str = "h.id, h.case_id, h.kind, h.from_agency_id, h.to_agency_id,
    h.requested_by_user_id, h.reason, h.records, h.status, h.requested_at, h.deadline_at,
    h.decided_at, h.decided_by_user_id, h.decline_reason, h.order_number, h.order_date,
    h.receiver_curator_id, h.service_result, h.closed_at, h.sharing_basis,
        h.consent_override_reason, h.version, h.updated_at, h.sender_order_number,
    h.sender_order_date, h.registration_number, h.registration_date";

/// A document attached to a request (without its bytes).
#[derive(sqlx::FromRow, Clone, Debug)]
pub struct DocumentRow {
    pub id: Uuid,
    pub handover_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
}
