//! What a notification is: its kind, where it stands, and its row in the outbox.

use async_graphql::Enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::agencies::NotificationLanguage;
use crate::audit::checkpoints::Checkpoint;
use crate::db::{JsonText, TimeZone};

// Kinds and subject kinds are registered by the domains (`notify::kinds`,
// `notify::subjects`); named here too, where they were.
pub use super::kinds::NotificationKind;
pub use super::subjects::SubjectKind;

/// Where a message stands.
#[derive(Enum, sqlx::Type, Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[sqlx(type_name = "text", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationStatus {
    /// Waiting to be sent, or to be tried again after a failure.
    Pending,
    /// Accepted by the SMTP server.
    Sent,
    /// Given up after the set number of tries, or refused for good by the server; an
    /// administrator may re-send it.
    Failed,
}

impl NotificationStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationStatus::Pending => "PENDING",
            NotificationStatus::Sent => "SENT",
            NotificationStatus::Failed => "FAILED",
        }
    }
}

/// One message in the outbox, as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NotificationRow {
    /// Its id; the Message-ID is derived from it.
    pub id: Uuid,
    /// What happened.
    pub kind: NotificationKind,
    /// The receiving agency (the recipient user's agency, or the agency itself); `None`
    /// for mail to no agency (the auditor's checkpoint).
    pub agency_id: Option<Uuid>,
    /// The recipient, when a person (not the agency's own address).
    pub recipient_user_id: Option<Uuid>,
    /// The address it goes to.
    pub recipient: String,
    /// The receiving agency's language when the event happened.
    pub language: NotificationLanguage,
    /// The receiving agency's time zone when the event happened.
    pub time_zone: TimeZone,
    /// The kind of record it is about.
    pub subject_kind: SubjectKind,
    /// The record it is about.
    pub subject_id: Uuid,
    /// The record's journal number, e.g. `SIG-2026-0042`.
    pub journal_no: String,
    /// Which clock, for clock reminders (`VISIT`, …).
    pub clock: Option<String>,
    /// The due time the message names, if any.
    pub due_at: Option<DateTime<Utc>>,
    /// Where it stands.
    pub status: NotificationStatus,
    /// Tries so far, all told.
    pub attempts: i32,
    /// Tries since it was written or last re-sent; it fails when this reaches the limit.
    pub round_attempts: i32,
    /// Not to be tried before this time.
    pub next_attempt_at: DateTime<Utc>,
    /// When it was last tried.
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// Why the last try failed.
    pub last_error: Option<String>,
    /// When the SMTP server accepted it.
    pub sent_at: Option<DateTime<Utc>>,
    /// When the event wrote it.
    pub created_at: DateTime<Utc>,
    /// What some kinds carry besides the row's fields, stored as JSON. Only the auditor's
    /// `AUDIT_CHECKPOINT` mail carries any (its signed checkpoint); a kind that needs
    /// other details makes this an enum.
    pub details: Option<JsonText<Checkpoint>>,
}

/// The columns of [`NotificationRow`], for `SELECT`s and `RETURNING`.
pub const COLUMNS: &str = "id, kind, agency_id, recipient_user_id, recipient, language,
    time_zone, subject_kind, subject_id, journal_no, clock, due_at, status, attempts,
    round_attempts, next_attempt_at, last_attempt_at, last_error, sent_at, created_at, details";
