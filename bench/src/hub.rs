//! What the bench hub holds: 50 agencies with one user each, and (by default) 100,000
//! cases led by the prevention services, each sent by a maternity hospital. Rows are
//! generated from a fixed random seed, a batch at a time, in the shapes the library
//! stores; `super::seed` writes them through the library's own store functions.

use std::collections::BTreeMap;
use std::ops::Range;

use caselink::access::Role;
use caselink::agencies::AgencyKind;
use caselink::cases::model::{CaseRow, CaseStatus, PersonRole, PersonRow};
use caselink::handovers::model::{
    HandoverKind, HandoverRow, HandoverStatus, PackageRecord, SharingBasis,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::hub_report::{self, SignalTimes};

/// Agencies in the hub.
pub const AGENCIES: usize = 50;
/// Cases in the hub unless `--cases` says otherwise.
pub const DEFAULT_CASES: usize = 100_000;
/// Prevention services: they lead every case, ~3,300 each.
const PREVENTION_SERVICES: usize = 30;
/// Maternity hospitals: they send every case's signal, ~7,100 each.
const HOSPITALS: usize = 14;
/// Every bench user's password.
pub const PASSWORD: &str = "bench-password-2026";
/// How the name of the marker agency (the NGO) begins. The seed names it
/// [`unfinished_marker`] first and renames it to [`marker`] last, so a seed cut short is
/// never mistaken for a whole one. v1 was the seed that wrote its own SQL; v2 had no
/// signals, closure reasons or hospital months worth counting (issue 18's report).
pub const MARKER_PREFIX: &str = "НКО «Точка отсчёта» (bench seed";

/// The marker agency's name in a whole hub of `cases` cases.
pub fn marker(cases: usize) -> String {
    format!("{MARKER_PREFIX} v3, {cases} cases)")
}

/// The marker agency's name while the hub is being seeded.
pub fn unfinished_marker(cases: usize) -> String {
    format!("{MARKER_PREFIX} v3, {cases} cases, unfinished)")
}

/// The number of cases a marker name says the hub holds, if it is a whole v3 hub's.
pub fn cases_of_marker(name: &str) -> Option<usize> {
    name.strip_prefix(MARKER_PREFIX)?
        .strip_prefix(" v3, ")?
        .strip_suffix(" cases)")?
        .parse()
        .ok()
}
/// The user the bench signs in as: head and curator of the measured prevention service.
pub const MEASURED_EMAIL: &str = "head.01@bench.caselink";
/// The user whose inbox the bench reads: the officer of the first guardianship authority.
pub const INBOX_EMAIL: &str = "opeka.47@bench.caselink";
/// About one case in this many has a handover (5%).
const HANDOVER_ONE_IN: u32 = 20;
/// Working days a receiver has to decide (the hub's default setting).
const HANDOVER_WORKING_DAYS: u32 = 3;
/// How far back cases were opened.
const HISTORY_DAYS: i64 = 3 * 365;

/// An agency and its one user, before they are written.
pub struct Agency {
    pub name: String,
    pub kind: AgencyKind,
    pub region: &'static str,
    pub time_zone: caselink::db::TimeZone,
    pub contact_email: String,
    pub user: User,
}

/// An agency's user.
pub struct User {
    pub name: String,
    pub email: String,
    pub roles: &'static [Role],
}

/// An agency as written (ids differ per seed).
#[derive(Clone, Copy)]
pub struct SeededAgency {
    pub id: Uuid,
    pub kind: AgencyKind,
    pub time_zone: caselink::db::TimeZone,
    /// Its one user.
    pub user_id: Uuid,
}

/// What the handover seed needs to know of a case.
pub struct CaseSketch {
    pub id: Uuid,
    pub lead_agency_id: Uuid,
    pub status: CaseStatus,
    pub opened_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A case to write: the case (its journal number still empty: the seed takes it from
/// the service's journal as the hub does), its mother, and who sent its signal.
pub struct NewCase {
    pub case: CaseRow,
    pub mother: PersonRow,
    /// The maternity hospital that sent the signal.
    pub hospital: Uuid,
    /// The signal's times (its id is `case.signal_id`).
    pub signal: SignalTimes,
    /// The signal's number in the hospital's journal: taken by the seed before the
    /// case's transaction (hospitals' journals are shared by the concurrent writers).
    pub sender_journal_no: String,
}

/// The 50 agencies: 30 prevention services, 14 maternity hospitals, and a few of the
/// other kinds; the last one, the NGO, is the marker (see [`MARKER_PREFIX`]).
pub fn agencies() -> Vec<Agency> {
    (0..AGENCIES).map(agency).collect()
}

fn agency(index: usize) -> Agency {
    let n = index + 1;
    let (kind, name, login, roles): (_, _, _, &'static [Role]) = match index {
        i if i < PREVENTION_SERVICES => (
            AgencyKind::PreventionService,
            format!("Служба профилактики отказов от новорождённых №{n:02}"),
            format!("head.{n:02}"),
            &[Role::HeadOfService, Role::Curator],
        ),
        i if i < PREVENTION_SERVICES + HOSPITALS => (
            AgencyKind::Maternity,
            format!("Родильный дом №{n:02}"),
            format!("hospital.{n:02}"),
            &[Role::HospitalSpecialist],
        ),
        44 | 45 => (
            AgencyKind::SocialProtection,
            format!("Комплексный центр социального обслуживания №{n:02}"),
            format!("social.{n:02}"),
            &[Role::Specialist],
        ),
        46 | 47 => (
            AgencyKind::Guardianship,
            format!("Отдел опеки и попечительства №{n:02}"),
            format!("opeka.{n:02}"),
            &[Role::GuardianshipOfficer],
        ),
        48 => (
            AgencyKind::RehabilitationCentre,
            format!("Социально-реабилитационный центр №{n:02}"),
            format!("rehab.{n:02}"),
            &[Role::RehabilitationStaff],
        ),
        _ => (
            AgencyKind::Ngo,
            // Named by the seed: see `marker`.
            String::new(),
            format!("ngo.{n:02}"),
            &[Role::Curator],
        ),
    };
    // Two regions, so that journal years are computed in more than one time zone.
    let (region, time_zone) = if index % 3 == 2 {
        ("Москва", chrono_tz::Europe::Moscow)
    } else {
        (
            "Ханты-Мансийский автономный округ – Югра",
            chrono_tz::Asia::Yekaterinburg,
        )
    };
    Agency {
        name,
        kind,
        region,
        time_zone: caselink::db::TimeZone(time_zone),
        contact_email: format!("office.{n:02}@bench.caselink"),
        user: User {
            name: format!("{} {}", SURNAMES[index % SURNAMES.len()], "Анна Петровна"),
            email: format!("{login}@bench.caselink"),
            roles,
        },
    }
}

/// Makes cases in batches.
pub struct CaseMaker<'a> {
    services: &'a [SeededAgency],
    hospitals: &'a [SeededAgency],
    now: DateTime<Utc>,
    rng: StdRng,
}

impl<'a> CaseMaker<'a> {
    /// A maker over the written `agencies` (in the order of [`agencies`]), with cases
    /// opened during the [`HISTORY_DAYS`] before `now`.
    pub fn new(agencies: &'a [SeededAgency], now: DateTime<Utc>) -> CaseMaker<'a> {
        let (services, rest) = agencies.split_at(PREVENTION_SERVICES);
        CaseMaker {
            services,
            hospitals: &rest[..HOSPITALS],
            now,
            // A fixed seed: every bench hub of a size holds the same cases.
            rng: StdRng::seed_from_u64(2026),
        }
    }

    /// Cases number `range`: case `i` is led by service `i % 30` and was sent by
    /// hospital `i % 14`.
    pub fn batch(&mut self, range: Range<usize>) -> Vec<NewCase> {
        range
            .map(|i| {
                let (service, hospital) = (i % self.services.len(), i % self.hospitals.len());
                let case = self.case(service);
                NewCase {
                    mother: self.mother(&case),
                    hospital: self.hospitals[hospital].id,
                    signal: hub_report::signal_times(&mut self.rng, case.opened_at),
                    sender_journal_no: String::new(),
                    case,
                }
            })
            .collect()
    }

    fn case(&mut self, service: usize) -> CaseRow {
        let agency = &self.services[service];
        let opened_at = caselink::db::truncate(
            self.now - Duration::seconds(self.rng.gen_range(60..HISTORY_DAYS * 86_400)),
        );
        let mut case = CaseRow {
            id: Uuid::now_v7(),
            journal_no: String::new(),
            lead_agency_id: agency.id,
            curator_user_id: Some(agency.user_id),
            signal_id: Some(Uuid::now_v7()),
            status: CaseStatus::Assessment,
            shelter: self.rng.gen_ratio(1, 20),
            child_birth_date: Some(opened_at.date_naive() - Duration::days(3)),
            opened_at,
            status_changed_at: opened_at,
            decision_due_at: None,
            extension_reason: None,
            support_started_at: None,
            next_monitoring_at: None,
            closed_at: None,
            closure_reason: None,
            exit_outcome: None,
            signal_sheet: Some(caselink::db::JsonText(Default::default())),
            version: 1,
            created_at: opened_at,
            updated_at: opened_at,
        };
        self.advance(&mut case);
        case
    }

    /// Moves a case on to a plausible stage for its age: old cases are mostly closed.
    fn advance(&mut self, case: &mut CaseRow) {
        let days_open = (self.now - case.opened_at).num_days();
        let roll = self.rng.gen_range(0..100);
        let opened_at = case.opened_at;
        let day = |n: i64| opened_at + Duration::days(n);
        if (days_open > 200 && roll < 85) || (days_open > 40 && roll < 40) {
            let (reason, supported, exit) = hub_report::closure(&mut self.rng, case.shelter);
            let closed_after = if supported {
                let support_from = self.rng.gen_range(10..30).min(days_open);
                case.support_started_at = Some(day(support_from));
                self.rng.gen_range(support_from + 20..support_from + 200)
            } else {
                self.rng.gen_range(20..40)
            };
            let closed_at = day(closed_after.min(days_open));
            case.status = CaseStatus::Closed;
            case.closure_reason = Some(reason);
            case.exit_outcome = exit;
            case.closed_at = Some(closed_at);
            case.status_changed_at = closed_at;
            case.version = 4;
        } else if days_open > 30 {
            case.status = CaseStatus::Support;
            case.support_started_at = Some(day(30));
            case.next_monitoring_at = Some(day(120));
            case.status_changed_at = day(30);
            case.version = 3;
        } else if days_open > 5 {
            case.status = CaseStatus::DecisionWork;
            case.decision_due_at = Some(day(35));
            case.status_changed_at = day(5);
            case.version = 2;
        }
        case.updated_at = case.status_changed_at;
    }

    fn mother(&mut self, case: &CaseRow) -> PersonRow {
        let rng = &mut self.rng;
        let pick = |names: &[&str], i: usize| names[i % names.len()].to_owned();
        let (a, b, c) = (rng.gen::<usize>(), rng.gen::<usize>(), rng.gen::<usize>());
        let age_days = rng.gen_range(17 * 365..42 * 365);
        PersonRow {
            id: Uuid::now_v7(),
            case_id: case.id,
            role: PersonRole::Mother,
            full_name: format!(
                "{} {} {}",
                pick(SURNAMES, a),
                pick(FIRST_NAMES, b),
                pick(PATRONYMICS, c)
            ),
            birth_date: case
                .opened_at
                .date_naive()
                .checked_sub_signed(Duration::days(age_days))
                .or(NaiveDate::from_ymd_opt(1990, 1, 1)),
            phone: Some(format!(
                "+7 9{:02} {:03}-{:02}-{:02}",
                a % 100,
                b % 1000,
                c % 100,
                a % 97
            )),
            address_registered: Some(format!(
                "г. Сургут, ул. {}, д. {}",
                pick(STREETS, b),
                a % 120 + 1
            )),
            address_actual: Some(format!(
                "г. Сургут, ул. {}, д. {}, кв. {}",
                pick(STREETS, c),
                b % 120 + 1,
                c % 300 + 1
            )),
            stance: Some("Сомневается, готова обсуждать".into()),
            notes: None,
            created_at: case.opened_at,
        }
    }
}

/// Handovers for about 5% of `cases`: TRANSFERs to a guardianship authority (three in
/// four to `inbox`, the measured one) and REFERRALs to social protection, the
/// rehabilitation centre or the NGO. Those of closed cases, and some of open ones, are
/// decided; most of open cases' are PENDING, asked in the last 8 days (some past their
/// deadline). Each row is in its final state; the seed writes it as requested and then
/// decides it, with the participation changes of each step.
pub fn handovers(
    agencies: &[SeededAgency],
    cases: &[CaseSketch],
    inbox: Uuid,
    now: DateTime<Utc>,
) -> Vec<HandoverRow> {
    let of_kind = |kinds: &[AgencyKind]| -> Vec<&SeededAgency> {
        agencies
            .iter()
            .filter(|a| kinds.contains(&a.kind))
            .collect()
    };
    let guardianship = of_kind(&[AgencyKind::Guardianship]);
    let measured = guardianship.iter().find(|a| a.id == inbox).copied();
    let other_guardianship = guardianship.iter().find(|a| a.id != inbox).copied();
    let services = of_kind(&[
        AgencyKind::SocialProtection,
        AgencyKind::RehabilitationCentre,
        AgencyKind::Ngo,
    ]);
    let by_id: BTreeMap<Uuid, &SeededAgency> = agencies.iter().map(|a| (a.id, a)).collect();
    let (Some(measured), Some(other_guardianship)) = (measured, other_guardianship) else {
        return Vec::new();
    };
    let mut rng = StdRng::seed_from_u64(5);
    let mut out = Vec::new();
    for case in cases {
        if !rng.gen_ratio(1, HANDOVER_ONE_IN) {
            continue;
        }
        let Some(from) = by_id.get(&case.lead_agency_id) else {
            continue;
        };
        let transfer = rng.gen_ratio(1, 2);
        let to = if transfer {
            if rng.gen_ratio(3, 4) {
                measured
            } else {
                other_guardianship
            }
        } else {
            services[rng.gen_range(0..services.len())]
        };
        let open = case.status != CaseStatus::Closed;
        let young = now - case.opened_at < Duration::days(2);
        let pending = open && (young || rng.gen_ratio(7, 10));
        let requested_at = if pending {
            let ago = Duration::seconds(rng.gen_range(600..8 * 86_400));
            (now - ago).max(case.opened_at + Duration::seconds(30))
        } else {
            let end = case.closed_at.unwrap_or(now) - Duration::days(1);
            let at = case.opened_at + Duration::seconds(rng.gen_range(86_400..15 * 86_400));
            at.min(end).max(case.opened_at)
        };
        let requested_at = caselink::db::truncate(requested_at);
        let deadline_at = caselink::db::truncate(caselink::handovers::rules::acceptance_deadline(
            requested_at,
            to.time_zone.tz(),
            HANDOVER_WORKING_DAYS,
        ));
        let kind = if transfer {
            HandoverKind::Transfer
        } else {
            HandoverKind::Referral
        };
        let records = if transfer {
            &[
                PackageRecord::Persons,
                PackageRecord::SignalSheet,
                PackageRecord::VisitReport,
            ][..]
        } else {
            &[PackageRecord::Persons][..]
        };
        let mut row = HandoverRow {
            id: Uuid::now_v7(),
            case_id: case.id,
            kind,
            from_agency_id: from.id,
            to_agency_id: to.id,
            requested_by_user_id: from.user_id,
            reason: Some(if transfer {
                "Мать подписала отказ; передаём для устройства ребёнка".into()
            } else {
                "Просим обследовать жилищные условия и помочь с вещами".into()
            }),
            records: caselink::db::JsonText(records.to_vec()),
            status: HandoverStatus::Pending,
            requested_at,
            deadline_at,
            decided_at: None,
            decided_by_user_id: None,
            decline_reason: None,
            order_number: None,
            order_date: None,
            receiver_curator_id: None,
            service_result: None,
            closed_at: None,
            // The bench seeds no consents: transfers go by law, referrals on an override.
            sharing_basis: if transfer {
                SharingBasis::LegalDuty
            } else {
                SharingBasis::Override
            },
            consent_override_reason: (!transfer).then(|| "нагрузочный тест".to_owned()),
            version: 1,
            updated_at: requested_at,
            sender_order_number: transfer.then(|| "1-о".to_owned()),
            sender_order_date: transfer.then(|| requested_at.date_naive()),
            registration_number: None,
            registration_date: None,
        };
        if !pending {
            let latest = case.closed_at.unwrap_or(now);
            let decided_at = caselink::db::truncate(
                (requested_at + Duration::seconds(rng.gen_range(3_600..3 * 86_400)))
                    .min(latest)
                    .max(requested_at),
            );
            decide(&mut row, &mut rng, to.user_id, decided_at, open);
        }
        out.push(row);
    }
    out
}

/// Decides a request: a closed case's referral was mostly COMPLETED, a transfer mostly
/// ACCEPTED; the rest DECLINED or CANCELLED.
fn decide(row: &mut HandoverRow, rng: &mut StdRng, receiver: Uuid, at: DateTime<Utc>, open: bool) {
    let roll = rng.gen_range(0..100);
    let (status, by) = match (row.kind, roll) {
        (_, 0..=14) => (HandoverStatus::Declined, receiver),
        (_, 15..=24) => (HandoverStatus::Cancelled, row.requested_by_user_id),
        (HandoverKind::Referral, _) if !open => (HandoverStatus::Completed, receiver),
        _ => (HandoverStatus::Accepted, receiver),
    };
    row.status = status;
    row.decided_at = Some(at);
    row.decided_by_user_id = Some(by);
    row.updated_at = at;
    row.version = 2;
    match status {
        HandoverStatus::Declined => {
            row.decline_reason = Some("Не наш район: семья проживает в другом округе".into());
        }
        HandoverStatus::Accepted if row.kind == HandoverKind::Transfer => {
            row.registration_number = Some(format!("вх. {}", roll * 7 + 11));
            row.registration_date = Some(at.date_naive());
            row.receiver_curator_id = Some(receiver);
        }
        HandoverStatus::Completed => {
            row.service_result = Some("Обследование проведено, акт приложен к делу".into());
            row.closed_at = Some(at);
            row.version = 3;
        }
        _ => {}
    }
}

const SURNAMES: &[&str] = &[
    "Иванова",
    "Смирнова",
    "Кузнецова",
    "Попова",
    "Васильева",
    "Петрова",
    "Соколова",
    "Михайлова",
    "Новикова",
    "Фёдорова",
    "Морозова",
    "Волкова",
    "Алексеева",
    "Лебедева",
    "Семёнова",
    "Егорова",
    "Павлова",
    "Козлова",
    "Степанова",
    "Николаева",
    "Орлова",
    "Андреева",
    "Макарова",
    "Никитина",
    "Захарова",
];
const FIRST_NAMES: &[&str] = &[
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Екатерина",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Юлия",
    "Дарья",
    "Алина",
    "Ксения",
    "Виктория",
    "Полина",
];
const PATRONYMICS: &[&str] = &[
    "Александровна",
    "Сергеевна",
    "Андреевна",
    "Викторовна",
    "Игоревна",
    "Николаевна",
    "Павловна",
    "Дмитриевна",
    "Олеговна",
    "Михайловна",
];
const STREETS: &[&str] = &[
    "Ленина",
    "Мира",
    "Энергетиков",
    "Университетская",
    "Профсоюзов",
    "Набережная",
    "Григория Кукуевицкого",
    "30 лет Победы",
    "Югорская",
    "Майская",
];
