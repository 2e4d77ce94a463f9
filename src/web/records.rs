//! How the workspace shows a case's records (people, the signal sheet, the visit
//! report, consents) and its words for statuses and roles: shared by every page that
//! shows them, so the request page and the case page show a record alike.

use chrono::NaiveDate;

use super::i18n::{local_time, Lang, Words};
use crate::cases::model::{CaseStatus, ConsentRow, PersonRole, PersonRow};
use crate::cases::sheet::SignalSheet;
use crate::db::TimeZone;
use crate::handovers::model::{HandoverKind, HandoverStatus};
use crate::signals::model::SignalStatus;
use crate::signals::visit::VisitReport;

/// A person of the package.
pub struct PersonView {
    pub name: String,
    pub role: &'static str,
    pub birth_date: String,
    pub phone: String,
    pub address_registered: String,
    pub address_actual: String,
    pub stance: String,
}

/// A record shown as label–value rows.
pub struct Section {
    pub heading: &'static str,
    pub rows: Vec<(&'static str, String)>,
}

/// A person as a page shows them.
pub fn person(lang: Lang, p: PersonRow) -> PersonView {
    PersonView {
        role: role_word(lang, p.role),
        birth_date: date(p.birth_date),
        name: p.full_name,
        phone: p.phone.unwrap_or_default(),
        address_registered: p.address_registered.unwrap_or_default(),
        address_actual: p.address_actual.unwrap_or_default(),
        stance: p.stance.unwrap_or_default(),
    }
}

/// A file's size: bytes under a kilobyte, else kilobytes or megabytes with one decimal.
pub fn file_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// A date as people write it, `23.11.2026`; empty when unknown.
pub fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d.%m.%Y").to_string())
        .unwrap_or_default()
}

/// The signal sheet, its filled fields only.
pub fn signal_sheet(words: &'static Words, sheet: SignalSheet) -> Section {
    let values = [
        sheet.rehabilitation_potential,
        sheet.parenting_history,
        sheet.housing_and_income,
        sheet.close_people,
        sheet.meeting_with_woman,
        sheet.meeting_with_circle,
    ];
    section(words.signal_sheet, &words.sheet_labels, values)
}

/// The initial visit report, its filled fields only.
pub fn visit_report(words: &'static Words, r: VisitReport) -> Section {
    let values = [
        r.family_members,
        r.addresses,
        r.situation_summary,
        r.material_and_housing,
        r.impression_of_adults,
        r.attitude_to_child,
        r.resources,
        r.documents_and_citizenship,
        r.key_problems,
        r.medical_particulars,
        r.placement_risk,
        r.readiness,
        r.child_safety_risks,
        r.information_from_others,
        r.grounds_for_help,
        r.help_requested,
        r.visitor_opinion,
    ];
    section(words.visit_report, &words.visit_labels, values)
}

/// A consent in one line: who signed it, when, and whether it was withdrawn.
pub fn consent(words: &Words, zone: TimeZone, c: &ConsentRow) -> String {
    let withdrawn = if c.withdrawn_at.is_some() {
        format!(" ({})", words.withdrawn)
    } else {
        String::new()
    };
    format!(
        "{}: {} · {}{withdrawn}",
        words.signed_by,
        c.signed_by,
        local_time(c.signed_at, zone)
    )
}

fn section<const N: usize>(
    heading: &'static str,
    labels: &[&'static str; N],
    values: [Option<String>; N],
) -> Section {
    Section {
        heading,
        rows: labels
            .iter()
            .zip(values)
            .filter_map(|(label, value)| value.map(|v| (*label, v)))
            .collect(),
    }
}

/// A case's status in the user's language.
pub fn case_status(lang: Lang, status: CaseStatus) -> &'static str {
    match (lang, status) {
        (Lang::Ru, CaseStatus::Assessment) => "оценка ситуации",
        (Lang::Ru, CaseStatus::DecisionWork) => "работа с решением матери",
        (Lang::Ru, CaseStatus::Support) => "сопровождение семьи",
        (Lang::Ru, CaseStatus::Closed) => "закрыт",
        (Lang::En, CaseStatus::Assessment) => "assessment",
        (Lang::En, CaseStatus::DecisionWork) => "decision work",
        (Lang::En, CaseStatus::Support) => "family support",
        (Lang::En, CaseStatus::Closed) => "closed",
    }
}

/// A person's role in the case in the user's language.
pub fn role_word(lang: Lang, role: PersonRole) -> &'static str {
    match (lang, role) {
        (Lang::Ru, PersonRole::Mother) => "мать",
        (Lang::Ru, PersonRole::Child) => "ребёнок",
        (Lang::Ru, PersonRole::Father) => "отец",
        (Lang::Ru, PersonRole::Relative) => "родственник",
        (Lang::Ru, PersonRole::ClosePerson) => "близкий человек",
        (Lang::En, PersonRole::Mother) => "mother",
        (Lang::En, PersonRole::Child) => "child",
        (Lang::En, PersonRole::Father) => "father",
        (Lang::En, PersonRole::Relative) => "relative",
        (Lang::En, PersonRole::ClosePerson) => "close person",
    }
}

/// A signal's status in the user's language.
pub fn signal_status(lang: Lang, status: SignalStatus) -> &'static str {
    match (lang, status) {
        (Lang::Ru, SignalStatus::Sent) => "передан в службу",
        (Lang::Ru, SignalStatus::Received) => "принят службой",
        (Lang::Ru, SignalStatus::CuratorAssigned) => "назначен куратор",
        (Lang::Ru, SignalStatus::Visited) => "проведено посещение",
        (Lang::Ru, SignalStatus::CaseOpened) => "открыт случай",
        (Lang::Ru, SignalStatus::Dismissed) => "не подтверждён",
        (Lang::En, SignalStatus::Sent) => "passed to the service",
        (Lang::En, SignalStatus::Received) => "received",
        (Lang::En, SignalStatus::CuratorAssigned) => "curator assigned",
        (Lang::En, SignalStatus::Visited) => "visited",
        (Lang::En, SignalStatus::CaseOpened) => "case opened",
        (Lang::En, SignalStatus::Dismissed) => "dismissed",
    }
}

/// A handover's kind in the user's words.
pub fn handover_kind(words: &Words, kind: HandoverKind) -> &'static str {
    match kind {
        HandoverKind::Transfer => words.kind_transfer,
        HandoverKind::Referral => words.kind_referral,
        HandoverKind::Notice => words.kind_notice,
    }
}

/// A handover's status in the user's words.
pub fn handover_status(words: &Words, status: HandoverStatus) -> &'static str {
    match status {
        HandoverStatus::Pending => words.status_pending,
        HandoverStatus::Accepted => words.status_accepted,
        HandoverStatus::Declined => words.status_declined,
        HandoverStatus::Cancelled => words.status_cancelled,
        HandoverStatus::Completed => words.status_completed,
        HandoverStatus::Acknowledged => words.status_acknowledged,
    }
}
