//! The signal journal as a CSV file laid out like the paper journal, for agencies that
//! print it or keep it in a spreadsheet. Rows come from [`reads::journal_page`], so an
//! agency exports exactly what its `signals` journal shows; the receiving service's file
//! carries personal data (for people whose roles read it, in the rows the service reads
//! in FULL), opened with the caller like every other read, and its export is audited
//! before a byte leaves. An analyst's file has no personal columns at all.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::json;
use uuid::Uuid;

use super::clocks::{Clock, ClockKind, ClockState};
use super::model::{SignalRow, SignalSource, SignalStatus};
use super::reads::{self, SignalPersonal};
use super::store::JournalFilter;
use crate::access::{Caller, Scope};
use crate::agencies::{self, AgencyKind};
use crate::audit::{self, Entry, Origin};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::spreadsheet::{AgencyFile, CsvFile};

/// The most rows one export holds: the file is built in memory, since the audit event
/// naming every exported signal must be written before the body is sent.
pub const MAX_ROWS: usize = 10_000;
/// Rows per keyset page while building the file.
const PAGE: usize = 500;

/// Columns both the service and the hospital get: number, source, status, journal
/// times (detected, registered, passed, received, visit), then the 30-minute, 3-hour
/// and visit clocks.
const SUMMARY_HEADER: &str = "№ в журнале,Источник,Статус,Выявлен,Зарегистрирован,\
    Передан в службу,Получен службой,Визит,Срок 30 мин,Срок 3 ч,Срок визита";
/// The receiving service's personal columns: the mother's full name, registered address,
/// actual address, where the ambulance brought her from, phone.
const PERSONAL_HEADER: &str =
    "ФИО матери,Адрес регистрации,Фактический адрес,Откуда доставлена,Телефон";

/// A finished export.
pub type SignalsCsv = AgencyFile;

/// The journal of the actor's agency laid out like the paper journal: the header and the
/// rows both the CSV file and the printable page show.
pub struct Journal {
    /// Whose journal it is.
    pub agency_name: String,
    /// The agency's id.
    pub agency_id: Uuid,
    /// The agency's time zone.
    pub tz: Tz,
    /// The column names: the summary's, then the personal ones where the journal has them.
    pub header: Vec<&'static str>,
    /// The rows, newest first, each as many cells as the header.
    pub rows: Vec<Vec<String>>,
}

/// Builds the actor's agency journal as CSV (newest first, at most [`MAX_ROWS`]) and,
/// when it holds personal data, records one `PERSONAL_DATA_READ` event first.
pub async fn signals_csv(
    db: &Db,
    caller: &Caller,
    filter: &JournalFilter,
    now: DateTime<Utc>,
) -> AppResult<SignalsCsv> {
    let journal = journal(db, caller, filter, now, "signals.csv").await?;
    let mut file = CsvFile::new();
    file.record(&journal.header)?;
    for row in &journal.rows {
        file.record(row)?;
    }
    Ok(SignalsCsv {
        agency_name: journal.agency_name,
        agency_id: journal.agency_id,
        local_date: now.with_timezone(&journal.tz).date_naive(),
        body: file.finish()?,
    })
}

/// The actor's agency journal (newest first, at most [`MAX_ROWS`]) and, when it holds
/// personal data, one `PERSONAL_DATA_READ` event naming `export` (what carries it out:
/// `signals.csv`, the printable page) recorded before it is returned.
pub async fn journal(
    db: &Db,
    caller: &Caller,
    filter: &JournalFilter,
    now: DateTime<Utc>,
    export: &'static str,
) -> AppResult<Journal> {
    let actor = caller.actor()?;
    let agency_id = actor.agency_id.ok_or(AppError::Forbidden(
        "hub administrators keep no signal journal",
    ))?;
    let agency = agencies::store::get(db, agency_id).await?;
    let tz: Tz = agency.time_zone.tz();
    let viewer = actor.viewer();
    // The personal columns: the receiving service's journal, for people who read
    // personal data. An analyst gets the journal numbers, times, statuses and clocks.
    let personal = agency.kind == AgencyKind::PreventionService && viewer.ceiling == Scope::Full;
    let personal_header = personal.then(|| PERSONAL_HEADER.split(','));
    let header = SUMMARY_HEADER
        .split(',')
        .chain(personal_header.into_iter().flatten())
        .collect();
    let (mut rows, mut before) = (Vec::new(), None);
    while rows.len() < MAX_ROWS {
        let limit = PAGE.min(MAX_ROWS - rows.len());
        let page =
            reads::journal_page(db, caller, filter, before.as_ref(), now, limit as i64).await?;
        for view in &page {
            // Only a journal with the personal columns opens the rows' personal data.
            let family = personal.then(|| view.personal.open(caller)).flatten();
            rows.push(journal_row(
                &view.signal,
                family,
                agency_id,
                personal,
                tz,
                now,
            ));
        }
        match page.last().map(|view| &view.signal) {
            Some(last) if page.len() == limit => before = Some((last.created_at, last.id)),
            _ => break,
        }
    }
    record_read(db, caller, now, export).await?;
    Ok(Journal {
        agency_name: agency.name,
        agency_id: agency.id,
        tz,
        header,
        rows,
    })
}

/// One event for the whole file, as a GraphQL page is one event (architecture.md,
/// "Audit"), naming the export; nothing when no personal data went out. The rows opened
/// above noted their signals on the caller's read log: the export takes them from it and
/// writes them here, so the transport's read audit finds nothing left to write twice.
async fn record_read(
    db: &Db,
    caller: &Caller,
    now: DateTime<Utc>,
    export: &'static str,
) -> AppResult<()> {
    let (signals, others): (Vec<_>, Vec<_>) = caller
        .reads()
        .take()
        .into_iter()
        .partition(|(kind, _)| *kind == "signal");
    // The export opens signals only; anything else is left to the transport's audit.
    for (kind, id) in others {
        caller.note_read(kind, id);
    }
    let ids: Vec<Uuid> = signals.into_iter().map(|(_, id)| id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let target = (ids.len() == 1).then(|| ids[0]);
    let details = json!({ "export": export, "count": ids.len(), "signal": ids });
    let entry = Entry::new(
        crate::audit::audit_actions::PERSONAL_DATA_READ,
        "signal",
        target,
    )
    .with_details(details);
    let mut tx = db.begin().await?;
    audit::record(&mut tx, &Origin::of(caller)?, entry, now).await?;
    tx.commit().await
}

/// One journal line of `agency`'s journal. `family`: this row's personal data, opened for
/// the caller; `personal`: the file has the personal columns (left empty without it).
pub fn journal_row(
    row: &SignalRow,
    family: Option<&SignalPersonal>,
    agency: Uuid,
    personal: bool,
    tz: Tz,
    now: DateTime<Utc>,
) -> Vec<String> {
    // The viewer's own journal number: the paper journal on their desk.
    let number = if row.service_agency_id == agency {
        &row.service_journal_no
    } else {
        &row.sender_journal_no
    };
    let clocks = row.clocks();
    let cell = |kind| clock_cell(clocks.iter().find(|c| c.kind == kind), now);
    let mut cells = vec![
        number.clone().unwrap_or_default(),
        source_label(row.source).to_owned(),
        status_label(row.status).to_owned(),
        local_time(row.detected_at, tz),
        local_time(row.registered_at, tz),
        local_time(row.passed_at, tz),
        local_time(row.received_at, tz),
        local_time(row.visited_at, tz),
        cell(ClockKind::SpecialistNotified),
        cell(ClockKind::PassedToService),
        cell(ClockKind::Visit),
    ];
    if personal {
        let cell = |pick: fn(&SignalPersonal) -> &Option<String>| {
            family.and_then(|f| pick(f).clone()).unwrap_or_default()
        };
        cells.extend([
            cell(|f| &f.mother_full_name),
            cell(|f| &f.address_registered),
            cell(|f| &f.address_actual),
            cell(|f| &f.address_ambulance_from),
            cell(|f| &f.mother_phone),
        ]);
    }
    cells
}

/// A time in the agency's zone as the paper journal writes it: `2026-11-21 14:05`.
pub fn local_time(time: Option<DateTime<Utc>>, tz: Tz) -> String {
    time.map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A clock's cell: `в срок`, `просрочен на 45 мин`, `ожидает`, or empty when the clock
/// does not apply to the signal.
pub fn clock_cell(clock: Option<&Clock>, now: DateTime<Utc>) -> String {
    let Some(reading) = clock.map(|c| c.read(now)) else {
        return String::new();
    };
    match (reading.state, reading.late_by) {
        (ClockState::Met, _) => "в срок".into(),
        (ClockState::Pending, _) => "ожидает".into(),
        (ClockState::Late, late_by) => {
            // Whole minutes rounded up, as `lateByMinutes` in GraphQL.
            let minutes = late_by.map_or(0, |d| (d.num_seconds() + 59) / 60);
            match (minutes / 60, minutes % 60) {
                (0, m) => format!("просрочен на {m} мин"),
                (h, 0) => format!("просрочен на {h} ч"),
                (h, m) => format!("просрочен на {h} ч {m} мин"),
            }
        }
    }
}

fn source_label(source: SignalSource) -> &'static str {
    match source {
        SignalSource::Hospital => "медицинская организация",
        SignalSource::Family => "семья",
        SignalSource::StateBody => "государственный орган",
        SignalSource::Ngo => "НКО",
        SignalSource::Acquaintances => "знакомые",
    }
}

fn status_label(status: SignalStatus) -> &'static str {
    match status {
        SignalStatus::Sent => "передан",
        SignalStatus::Received => "получен",
        SignalStatus::CuratorAssigned => "назначен куратор",
        SignalStatus::Visited => "визит проведён",
        SignalStatus::CaseOpened => "открыт случай",
        SignalStatus::Dismissed => "не подтверждён",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, h, m, 0).unwrap()
    }

    fn hospital_signal() -> SignalRow {
        let detected = t(21, 0);
        SignalRow {
            id: Uuid::nil(),
            source: SignalSource::Hospital,
            sender_agency_id: Some(Uuid::from_u128(1)),
            sender_journal_no: Some("SIG-2026-0007".into()),
            service_agency_id: Uuid::from_u128(2),
            service_journal_no: Some("SIG-2026-0042".into()),
            status: SignalStatus::Received,
            mother_full_name: Some("Иванова, Мария \"Маша\"".into()),
            mother_birth_date: None,
            mother_phone: Some("+7 900 000-00-00".into()),
            address_registered: Some("Сургут, ул. Ленина, 1".into()),
            address_actual: None,
            address_ambulance_from: None,
            child_born_at: None,
            child_sex: None,
            child_health_notes: None,
            in_ward_with_child: true,
            source_contact: None,
            situation: Some("Негде жить".into()),
            screening: Default::default(),
            detected_at: Some(detected),
            registered_at: Some(detected + Duration::minutes(20)),
            passed_at: Some(detected + Duration::hours(4)),
            received_at: Some(detected + Duration::hours(5)),
            specialist_due_at: Some(detected + Duration::minutes(30)),
            passing_due_at: Some(detected + Duration::minutes(200)),
            visit_due_at: Some(detected + Duration::hours(8)),
            curator_user_id: None,
            curator_assigned_at: None,
            curator_override_reason: None,
            visited_at: None,
            visit_report: None,
            case_id: None,
            dismissed_at: None,
            dismissal_reason: None,
            created_by: Uuid::nil(),
            created_at: detected,
            updated_at: detected,
            version: 1,
        }
    }

    #[test]
    fn times_are_written_to_the_minute_in_the_agencys_zone() {
        let late_evening_utc = t(21, 30) + Duration::seconds(59);
        assert_eq!(
            local_time(Some(late_evening_utc), chrono_tz::Europe::Moscow),
            "2026-11-22 00:30"
        );
        assert_eq!(
            local_time(Some(late_evening_utc), chrono_tz::Asia::Yekaterinburg),
            "2026-11-22 02:30"
        );
        assert_eq!(local_time(None, chrono_tz::UTC), "");
    }

    #[test]
    fn a_clock_cell_says_on_time_late_by_how_much_or_waiting() {
        let now = t(12, 0);
        let cell = |due, done| {
            let clock = Clock {
                kind: ClockKind::Visit,
                due_at: Some(due),
                done_at: done,
            };
            clock_cell(Some(&clock), now)
        };
        assert_eq!(cell(t(11, 0), Some(t(10, 0))), "в срок");
        assert_eq!(cell(t(11, 0), Some(t(11, 45))), "просрочен на 45 мин");
        let a_second_late = t(11, 0) + Duration::seconds(1);
        assert_eq!(cell(t(11, 0), Some(a_second_late)), "просрочен на 1 мин");
        assert_eq!(cell(t(9, 0), None), "просрочен на 3 ч");
        assert_eq!(cell(t(8, 55), None), "просрочен на 3 ч 5 мин");
        assert_eq!(cell(t(13, 0), None), "ожидает");
        assert_eq!(
            clock_cell(None, now),
            "",
            "a clock the signal does not have"
        );
    }

    #[test]
    fn the_services_row_has_its_own_number_the_clocks_and_the_mothers_data() {
        let moscow = chrono_tz::Europe::Moscow;
        let view = reads::SignalView::of(hospital_signal(), Scope::Full);
        let caller = Caller::new(None, "t", t(23, 0));
        let row = journal_row(
            &view.signal,
            view.personal.open(&caller),
            Uuid::from_u128(2),
            true,
            moscow,
            t(23, 0),
        );
        let expected = "SIG-2026-0042|медицинская организация|получен|2026-11-22 00:00|\
            2026-11-22 00:20|2026-11-22 04:00|2026-11-22 05:00||в срок|просрочен на 40 мин|\
            ожидает|Иванова, Мария \"Маша\"|Сургут, ул. Ленина, 1|||+7 900 000-00-00";
        assert_eq!(row.join("|"), expected);
    }

    #[test]
    fn the_hospitals_row_has_its_own_number_and_no_personal_cells() {
        let yekaterinburg = chrono_tz::Asia::Yekaterinburg;
        let view = reads::SignalView::of(hospital_signal(), Scope::Summary);
        let row = journal_row(
            &view.signal,
            None,
            Uuid::from_u128(1),
            false,
            yekaterinburg,
            t(23, 0),
        );
        assert_eq!(row.len(), SUMMARY_HEADER.split(',').count());
        assert_eq!(
            (row[0].as_str(), row[3].as_str()),
            ("SIG-2026-0007", "2026-11-22 02:00")
        );
        let personal = |cell: &String| cell.contains("Иванова") || cell.contains("Ленина");
        assert!(!row.iter().any(personal));
    }
}
