//! Mailing the latest audit checkpoint to an auditor (`CASELINK_AUDIT_CHECKPOINT_EMAIL`),
//! at most once per period (`CASELINK_AUDIT_CHECKPOINT_EMAIL_HOURS`, daily by default).
//!
//! Why: the checkpoint file sits on the hub's own machine. A copy in the auditor's mailbox
//! is out of reach of whoever runs the hub, so cutting off the newest audit events still
//! shows against the last mailed checkpoint. The message carries the checkpoint only:
//! position, hash, seal time, key id, signature; no personal data.
//!
//! "Once per period" is kept by the database, like reminders: a row in
//! `notification_reminders` for the period, inserted if absent in the transaction that
//! writes the message, so several processes' sealers mail it once.

use anyhow::Context as _;
use chrono::{DateTime, Duration, DurationRound as _, Utc};
use uuid::Uuid;

use super::checkpoint_notice::AUDIT_LOG;
use super::store;
use crate::agencies::NotificationLanguage;
use crate::audit::checkpoints::Checkpoint;
use crate::config::Config;
use crate::db::Db;
use crate::error::AppResult;

/// The reminder occasion that marks a period as mailed.
const OCCASION: &str = "AUDIT_CHECKPOINT_MAIL";

/// Where and how often checkpoints are mailed.
#[derive(Clone, Debug)]
pub struct CheckpointMail {
    to: String,
    language: NotificationLanguage,
    every: Duration,
}

impl CheckpointMail {
    /// The settings, or `None` when no auditor's address is set. An address that does not
    /// parse stops the start, rather than every mail failing later.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<CheckpointMail>> {
        let Some(to) = config
            .audit_checkpoint_email
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        else {
            return Ok(None);
        };
        to.parse::<lettre::message::Mailbox>()
            .context("CASELINK_AUDIT_CHECKPOINT_EMAIL is not a valid address")?;
        Ok(Some(CheckpointMail {
            to: to.to_owned(),
            language: config.audit_checkpoint_email_language.into(),
            every: Duration::hours(i64::from(config.audit_checkpoint_email_hours.max(1))),
        }))
    }

    /// The start of the period `now` falls in (periods count from the Unix epoch, UTC).
    fn period(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now.duration_trunc(self.every).unwrap_or(now)
    }
}

/// Writes a message with `checkpoint` to the auditor's address unless one went out in
/// this period already; returns whether it wrote one. The mail worker sends it.
pub async fn send_if_due(
    db: &Db,
    mail: &CheckpointMail,
    checkpoint: &Checkpoint,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let mut tx = db.begin().await?;
    let first = store::raise_reminder(
        &mut tx,
        AUDIT_LOG.as_str(),
        Uuid::nil(),
        OCCASION,
        crate::db::truncate(mail.period(now)),
        now,
    )
    .await?;
    if first {
        let journal_no = format!("AUDIT-{}", checkpoint.position);
        let details = checkpoint.to_line();
        let message = store::Unaffiliated {
            kind: crate::notify::checkpoint_notice::AUDIT_CHECKPOINT,
            to: &mail.to,
            language: mail.language,
            subject_kind: AUDIT_LOG,
            subject_id: Uuid::nil(),
            journal_no: &journal_no,
            details: &details,
        };
        store::insert_unaffiliated(&mut tx, Uuid::now_v7(), &message, now).await?;
    }
    tx.commit().await?;
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn periods_start_on_the_hour_grid_from_the_epoch() {
        let mail = CheckpointMail {
            to: "auditor@example.org".into(),
            language: NotificationLanguage::Ru,
            every: Duration::hours(24),
        };
        let at = Utc.with_ymd_and_hms(2026, 11, 21, 17, 45, 12).unwrap();
        assert_eq!(
            mail.period(at),
            Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap()
        );
        let hourly = CheckpointMail {
            every: Duration::hours(1),
            ..mail
        };
        assert_eq!(
            hourly.period(at),
            Utc.with_ymd_and_hms(2026, 11, 21, 17, 0, 0).unwrap()
        );
    }
}
