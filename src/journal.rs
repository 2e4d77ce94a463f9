//! Journal numbers, as the agencies' paper journals have them: `SIG-2026-0042`, counted
//! per agency, journal and year (the agency's local year).

use chrono::{DateTime, Datelike, Utc};
use uuid::Uuid;

use crate::db::{TimeZone, Tx};
use crate::error::AppResult;
use crate::with_tx;

/// Which journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Journal {
    /// The signal registration journal.
    Signals,
    /// The case register.
    Cases,
    /// The register of information requests an agency sent (its outgoing letters).
    InformationRequests,
    /// The register of an MRG's meetings, kept by its convening agency.
    MrgMeetings,
    /// The intake journal of an agency that opens cases of its own (applications,
    /// referrals, children placed in its care).
    Intakes,
}

impl Journal {
    fn prefix(self) -> &'static str {
        match self {
            Journal::Signals => "SIG",
            Journal::Cases => "CASE",
            Journal::InformationRequests => "REQ",
            Journal::MrgMeetings => "MRG",
            Journal::Intakes => "INT",
        }
    }
}

const NEXT: &str = "
    INSERT INTO journal_counters (agency_id, journal, year, last_number) VALUES ($1, $2, $3, 1)
    ON CONFLICT (agency_id, journal, year) DO UPDATE SET last_number = journal_counters.last_number + 1
    RETURNING last_number";

/// Takes the next number in an agency's journal, in the caller's transaction (so a
/// rolled-back registration gives its number back).
pub async fn next_number(
    tx: &mut Tx,
    agency_id: Uuid,
    time_zone: TimeZone,
    journal: Journal,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let year = local_year(time_zone, now);
    let number: i32 = with_tx!(tx, |conn| sqlx::query_scalar(NEXT)
        .bind(agency_id)
        .bind(journal.prefix())
        .bind(year)
        .fetch_one(conn)
        .await)?;
    Ok(format_number(journal, year, number))
}

/// The year at `now` in the agency's time zone (a signal at 01:00 local on 1 January
/// belongs to the new year's journal, whatever UTC says).
pub fn local_year(time_zone: TimeZone, now: DateTime<Utc>) -> i32 {
    now.with_timezone(&time_zone.tz()).year()
}

/// `SIG-2026-0042`; numbers past 9999 simply grow wider.
pub fn format_number(journal: Journal, year: i32, number: i32) -> String {
    format!("{}-{year}-{number:04}", journal.prefix())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn numbers_look_like_the_paper_journal() {
        assert_eq!(format_number(Journal::Signals, 2026, 42), "SIG-2026-0042");
        assert_eq!(
            format_number(Journal::Cases, 2026, 12345),
            "CASE-2026-12345"
        );
        assert_eq!(
            format_number(Journal::InformationRequests, 2026, 1),
            "REQ-2026-0001"
        );
    }

    #[test]
    fn the_year_is_the_agencys_local_year() {
        let new_year_in_surgut = Utc.with_ymd_and_hms(2026, 12, 31, 20, 30, 0).unwrap();
        let surgut = TimeZone(chrono_tz::Asia::Yekaterinburg);
        let moscow = TimeZone(chrono_tz::Europe::Moscow);
        assert_eq!(local_year(surgut, new_year_in_surgut), 2027);
        assert_eq!(local_year(moscow, new_year_in_surgut), 2026);
    }
}
