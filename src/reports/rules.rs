//! The report's arithmetic, as plain functions: periods in an agency's local dates, the
//! ratios with "no data" on a zero denominator, distinct women, refusals per 100 births,
//! and the whole report from the facts the store read. No pool, no GraphQL, no clock.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use super::model::{
    CaseFact, Caseload, EffectivenessReport, HospitalFigures, HospitalLine, HospitalMonthRow,
    InteragencyFigures, MonthLine, OutcomeLine, Ratio, RatioStatus, SignalFact,
};
use crate::cases::model::ClosureReason;
use crate::cases::names;
use crate::error::{AppError, AppResult};
use crate::signals::clocks::{Clock, ClockKind, ClockState};

/// The most births a hospital records for one month.
pub const MAX_MONTH_BIRTHS: i32 = 100_000;
/// The longest written analysis of a conclusion, in characters.
pub const MAX_ANALYSIS: usize = 20_000;

/// A report's period: local dates, both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The period as given: `from` not after `to`, at most a year, within 2000–2100.
    pub fn parse(from: NaiveDate, to: NaiveDate) -> AppResult<Period> {
        let sane = |d: NaiveDate| (2000..=2100).contains(&d.year());
        if !sane(from) {
            return Err(AppError::bad_input("period.from", "between 2000 and 2100"));
        }
        if !sane(to) {
            return Err(AppError::bad_input("period.to", "between 2000 and 2100"));
        }
        if to < from {
            return Err(AppError::bad_input("period.to", "before period.from"));
        }
        if to >= from + Months::new(12) {
            return Err(AppError::bad_input(
                "period.to",
                "at most a year after period.from",
            ));
        }
        Ok(Period { from, to })
    }

    /// A half year: 1 January – 30 June or 1 July – 31 December of one year; a conclusion
    /// covers nothing else (seed 001: «раз в полгода»).
    pub fn parse_half_year(from: NaiveDate, to: NaiveDate) -> AppResult<Period> {
        let period = Period::parse(from, to)?;
        let year = from.year();
        let halves = [
            (ymd(year, 1, 1), ymd(year, 6, 30)),
            (ymd(year, 7, 1), ymd(year, 12, 31)),
        ];
        if halves.contains(&(from, to)) {
            Ok(period)
        } else {
            Err(AppError::bad_input(
                "period",
                "a half year: 1 January – 30 June or 1 July – 31 December",
            ))
        }
    }

    /// The instants the period covers in time zone `tz`: from local midnight of `from`
    /// up to (not including) local midnight after `to`.
    pub fn bounds<Tz: TimeZone>(&self, tz: &Tz) -> (DateTime<Utc>, DateTime<Utc>) {
        (
            local_midnight(self.from, tz),
            local_midnight(self.to + Duration::days(1), tz),
        )
    }

    /// The first days of the months the period touches.
    pub fn months(&self) -> Vec<NaiveDate> {
        let mut month = first_of_month(self.from);
        let mut all = Vec::new();
        while month <= self.to {
            all.push(month);
            month = month + Months::new(1);
        }
        all
    }

    /// The same period a year earlier.
    pub fn year_earlier(&self) -> Period {
        let back = |d: NaiveDate| d - Months::new(12);
        Period {
            from: back(self.from),
            to: back(self.to),
        }
    }
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// The first day of `date`'s month.
pub fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

fn local_midnight<Tz: TimeZone>(date: NaiveDate, tz: &Tz) -> DateTime<Utc> {
    let naive = date.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        // A midnight that does not exist locally (a DST gap): the hour after it.
        .or_else(|| {
            tz.from_local_datetime(&(naive + Duration::hours(1)))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        })
        .unwrap_or_else(|| naive.and_utc())
}

/// Checks one hospital month: the month no later than the current one, births and
/// refusals not negative and not absurd, refusals not above births.
pub fn check_month(
    month: NaiveDate,
    births: i32,
    refusals: i32,
    this_month: NaiveDate,
) -> AppResult<NaiveDate> {
    if month.day() != 1 {
        return Err(AppError::bad_input("month", "the first day of a month"));
    }
    if month > first_of_month(this_month) || month.year() < 2000 {
        return Err(AppError::bad_input(
            "month",
            "not in the future, not before 2000",
        ));
    }
    if !(0..=MAX_MONTH_BIRTHS).contains(&births) {
        return Err(AppError::bad_input(
            "births",
            format!("between 0 and {MAX_MONTH_BIRTHS}"),
        ));
    }
    if refusals < 0 {
        return Err(AppError::bad_input("refusals", "not negative"));
    }
    if refusals > births {
        return Err(AppError::bad_input("refusals", "not more than births"));
    }
    Ok(month)
}

fn round(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

/// A ratio; "no data" when the denominator is zero.
pub fn ratio(numerator: i64, denominator: i64) -> Ratio {
    let (value, percent, status) = if denominator > 0 {
        let v = numerator as f64 / denominator as f64;
        (
            Some(round(v, 4)),
            Some(round(v * 100.0, 1)),
            RatioStatus::Value,
        )
    } else {
        (None, None, RatioStatus::NoData)
    };
    Ratio {
        numerator,
        denominator,
        value,
        percent,
        status,
        journal_numbers: None,
        denominator_journal_numbers: None,
    }
}

/// A ratio that does not apply: counts kept, no value.
pub fn not_applicable(numerator: i64, denominator: i64) -> Ratio {
    Ratio {
        value: None,
        percent: None,
        status: RatioStatus::NotApplicable,
        ..ratio(numerator, denominator)
    }
}

/// A ratio with the journal numbers behind it, sorted and each once.
fn ratio_of(above: BTreeSet<String>, below: BTreeSet<String>, denominator: i64) -> Ratio {
    Ratio {
        journal_numbers: Some(above.iter().cloned().collect()),
        denominator_journal_numbers: Some(below.into_iter().collect()),
        ..ratio(above.len() as i64, denominator)
    }
}

/// Refusals per 100 births, to two places; `None` without births.
pub fn per_100_births(refusals: i64, births: i64) -> Option<f64> {
    (births > 0).then(|| round(refusals as f64 * 100.0 / births as f64, 2))
}

/// Now minus before, in points; `None` unless both are known.
pub fn change_points(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    Some(round(now? - before?, 2))
}

/// Who a woman is, for counting women rather than cases or signals: her name's search
/// key (src/cases/names.rs: case, «ё» and punctuation folded) and her birth date.
pub fn woman_key(full_name: &str, birth_date: Option<NaiveDate>) -> String {
    let date = birth_date.map(|d| d.to_string()).unwrap_or_default();
    format!("{}|{date}", names::search_key(full_name))
}

fn case_woman(case: &CaseFact) -> String {
    match &case.mother_full_name {
        Some(name) => woman_key(name, case.mother_birth_date),
        // No mother recorded: the case stands for one woman of its own.
        None => format!("case:{}", case.id),
    }
}

/// A hospital's figures over `period` from its recorded months (any hospital's rows may
/// be passed; only `hospital`'s count).
pub fn hospital_figures(
    hospital: Uuid,
    period: &Period,
    months: &[HospitalMonthRow],
) -> HospitalFigures {
    let sum = |p: &Period| {
        let wanted: BTreeSet<NaiveDate> = p.months().into_iter().collect();
        months
            .iter()
            .filter(|m| m.agency_id == hospital && wanted.contains(&m.month))
            .fold((0i64, 0i64, 0i64), |(n, b, r), m| {
                (n + 1, b + i64::from(m.births), r + i64::from(m.refusals))
            })
    };
    let (recorded, births, refusals) = sum(period);
    let (before_recorded, before_births, before_refusals) = sum(&period.year_earlier());
    let now = per_100_births(refusals, births);
    let before = (before_recorded > 0)
        .then(|| per_100_births(before_refusals, before_births))
        .flatten();
    HospitalFigures {
        months_recorded: recorded,
        months_in_period: period.months().len() as i64,
        births,
        refusals,
        refusals_per_100_births: now,
        previous_year_per_100_births: before,
        change_points: change_points(now, before),
    }
}

/// The agency a report is about, as the rules need it.
#[derive(Clone, Debug)]
pub struct ReportAgency {
    pub id: Uuid,
    pub name: String,
    pub kind: crate::agencies::AgencyKind,
    pub time_zone: chrono_tz::Tz,
    pub gives_support: bool,
    pub caseload_limit: i32,
}

/// Everything the store read for one report.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// Signals the agency received in the period.
    pub received: Vec<SignalFact>,
    /// Signals the agency (a hospital) passed on in the period.
    pub sent: Vec<SignalFact>,
    /// Hospitals that ever sent the agency a signal: id and name.
    pub hospitals: Vec<(Uuid, String)>,
    /// Months recorded by those hospitals and the agency itself, this period and a year
    /// earlier.
    pub months: Vec<HospitalMonthRow>,
    /// Cases the agency leads that changed decision, were supported or closed in the
    /// period.
    pub cases: Vec<CaseFact>,
    /// Open cases per curator, now.
    pub caseloads: Vec<i64>,
    /// MRG meetings held in the period.
    pub mrg_meetings: i64,
    /// MRG recommendations due in the period: their case's journal number and whether
    /// reported done in time.
    pub recommendations: Vec<(String, bool)>,
    /// Reunifications completed in the period.
    pub reunifications_completed: i64,
    /// Shelter cases closed in the period.
    pub shelter: Vec<super::model::ShelterFact>,
    /// The «Маленькая мама» facts, where the programme applies.
    pub little_mama: Option<super::little_mama::Facts>,
}

/// The shelter's results from its closed cases: destinations of the mothers, outcomes of
/// the children (an old exit without one counts by its mapped value), and the latest
/// follow-up findings against the graduates checked.
pub fn shelter_figures(facts: &[super::model::ShelterFact]) -> super::model::ShelterFigures {
    use super::model::{ChildOutcomeLine, DestinationLine, ShelterFigures};
    let mut destinations: Vec<DestinationLine> = Vec::new();
    let mut children: Vec<ChildOutcomeLine> = Vec::new();
    let (mut together, mut with_mother, mut checked) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for f in facts {
        if let Some(d) = f.exit_outcome {
            match destinations.iter_mut().find(|l| l.destination == d) {
                Some(l) => l.cases += 1,
                None => destinations.push(DestinationLine {
                    destination: d,
                    cases: 1,
                }),
            }
        }
        if let Some(o) = f.child_outcome {
            match children.iter_mut().find(|l| l.outcome == o) {
                Some(l) => l.cases += 1,
                None => children.push(ChildOutcomeLine {
                    outcome: o,
                    cases: 1,
                }),
            }
        }
        if let (Some(family), Some(child)) = (f.family_together, f.child_with_mother) {
            checked.insert(f.journal_no.clone());
            if family {
                together.insert(f.journal_no.clone());
            }
            if child {
                with_mother.insert(f.journal_no.clone());
            }
        }
    }
    let n = checked.len() as i64;
    ShelterFigures {
        graduates: facts.len() as i64,
        destinations,
        children,
        families_together: Some(ratio_of(together, checked.clone(), n)),
        children_with_mother: Some(ratio_of(with_mother, checked, n)),
    }
}

fn signal_number(s: &SignalFact, received: bool) -> String {
    let number = if received {
        s.service_journal_no
            .as_ref()
            .or(s.sender_journal_no.as_ref())
    } else {
        s.sender_journal_no
            .as_ref()
            .or(s.service_journal_no.as_ref())
    };
    number.cloned().unwrap_or_else(|| s.id.to_string())
}

/// One clock's on-time ratio over signals: met above, met or late below; signals whose
/// clock is not set or still pending are not counted.
fn clock_ratio(signals: &[(&SignalFact, String)], kind: ClockKind, now: DateTime<Utc>) -> Ratio {
    let mut met = BTreeSet::new();
    let mut all = BTreeSet::new();
    for (s, number) in signals {
        let (due_at, done_at) = match kind {
            ClockKind::SpecialistNotified => (s.specialist_due_at, s.registered_at),
            ClockKind::PassedToService => (s.passing_due_at, s.passed_at),
            ClockKind::Visit => (s.visit_due_at, s.visited_at),
        };
        if due_at.is_none() {
            continue;
        }
        let clock = Clock {
            kind,
            due_at,
            done_at,
        };
        match clock.read(now).state {
            ClockState::Met => {
                met.insert(number.clone());
                all.insert(number.clone());
            }
            ClockState::Late => {
                all.insert(number.clone());
            }
            ClockState::Pending => {}
        }
    }
    let denominator = all.len() as i64;
    ratio_of(met, all, denominator)
}

/// Women (by [`woman_key`]) and the journal numbers of the cases they came through.
#[derive(Default)]
struct Women(BTreeMap<String, BTreeSet<String>>);

impl Women {
    fn add(&mut self, key: String, number: String) {
        self.0.entry(key).or_default().insert(number);
    }
    fn count(&self) -> i64 {
        self.0.len() as i64
    }
    fn numbers(&self) -> BTreeSet<String> {
        self.0.values().flatten().cloned().collect()
    }
    /// Distinct women above the line, against `below`'s women.
    fn against(&self, below: &Women) -> Ratio {
        Ratio {
            journal_numbers: Some(self.numbers().into_iter().collect()),
            denominator_journal_numbers: Some(below.numbers().into_iter().collect()),
            ..ratio(self.count(), below.count())
        }
    }
}

/// The whole report from the facts, for the period's instants `[start, end)`.
pub fn compute(
    agency: &ReportAgency,
    period: &Period,
    facts: &Facts,
    now: DateTime<Utc>,
) -> EffectivenessReport {
    let (start, end) = period.bounds(&agency.time_zone);
    let within = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t >= start && t < end);
    let received: Vec<(&SignalFact, String)> = facts
        .received
        .iter()
        .filter(|s| s.service_agency_id == agency.id && within(s.received_at))
        .map(|s| (s, signal_number(s, true)))
        .collect();
    let sent: Vec<(&SignalFact, String)> = facts
        .sent
        .iter()
        .filter(|s| s.sender_agency_id == Some(agency.id) && within(s.passed_at))
        .map(|s| (s, signal_number(s, false)))
        .collect();

    // Signals against refusals, per sending hospital.
    let mut hospitals = Vec::new();
    let (mut all_signals, mut all_refusals) = (BTreeSet::new(), 0i64);
    for (hospital_id, hospital_name) in &facts.hospitals {
        let numbers: BTreeSet<String> = received
            .iter()
            .filter(|(s, _)| s.sender_agency_id == Some(*hospital_id))
            .map(|(_, n)| n.clone())
            .collect();
        let births = hospital_figures(*hospital_id, period, &facts.months);
        all_signals.extend(numbers.iter().cloned());
        all_refusals += births.refusals;
        hospitals.push(HospitalLine {
            hospital_id: crate::ids::to_id(*hospital_id),
            hospital_name: hospital_name.clone(),
            signals_against_refusals: ratio_of(numbers, BTreeSet::new(), births.refusals),
            births,
        });
    }
    let mut signals_against_refusals = ratio_of(all_signals, BTreeSet::new(), all_refusals);
    for line in &mut hospitals {
        line.signals_against_refusals.denominator_journal_numbers = None;
    }
    signals_against_refusals.denominator_journal_numbers = None;
    let own_hospital = (agency.kind == crate::agencies::AgencyKind::Maternity)
        .then(|| hospital_figures(agency.id, period, &facts.months));

    // The clocks, over every signal of the report (received and sent).
    let clocked: Vec<(&SignalFact, String)> = received.iter().chain(sent.iter()).cloned().collect();
    let passed_on_time = clock_ratio(&clocked, ClockKind::PassedToService, now);
    let specialist_on_time = clock_ratio(&clocked, ClockKind::SpecialistNotified, now);
    let visit_on_time = clock_ratio(&received, ClockKind::Visit, now);

    // Women: of the signals, who changed, who was supported, how support closed.
    let mut signal_women = Women::default();
    for (s, number) in &received {
        signal_women.add(
            woman_key(&s.mother_full_name, s.mother_birth_date),
            number.clone(),
        );
    }
    let (mut changed, mut no_support, mut needing_support) =
        (Women::default(), Women::default(), Women::default());
    let (mut supported, mut rehabilitated, mut broken, mut endangered) = (
        Women::default(),
        Women::default(),
        Women::default(),
        Women::default(),
    );
    let mut outcomes: BTreeMap<&'static str, (ClosureReason, i64)> = BTreeMap::new();
    for case in &facts.cases {
        let woman = case_woman(case);
        let number = case.journal_no.clone();
        let resolved = case.closure_reason == Some(ClosureReason::DecisionChangedResolved)
            && within(case.closed_at);
        let support_began = within(case.support_started_at);
        if resolved {
            no_support.add(woman.clone(), number.clone());
        }
        if support_began {
            needing_support.add(woman.clone(), number.clone());
        }
        if resolved || support_began {
            changed.add(woman.clone(), number.clone());
        }
        let in_support = case.support_started_at.is_some_and(|t| t < end)
            && case.closed_at.is_none_or(|t| t >= start);
        if in_support {
            supported.add(woman.clone(), number.clone());
            if within(case.closed_at) {
                match case.closure_reason {
                    Some(ClosureReason::SupportCompleted) => rehabilitated.add(woman, number),
                    Some(ClosureReason::CommitmentsBroken) => broken.add(woman, number),
                    Some(ClosureReason::ChildEndangered) => endangered.add(woman, number),
                    _ => {}
                }
            }
        }
        if let (true, Some(reason)) = (within(case.closed_at), case.closure_reason) {
            outcomes.entry(reason.as_str()).or_insert((reason, 0)).1 += 1;
        }
    }
    let changed_decision = changed.against(&signal_women);
    let changed_no_support = no_support.against(&changed);
    let changed_needing_support = needing_support.against(&changed);
    let mut closed_rehabilitated = rehabilitated.against(&supported);
    if !agency.gives_support {
        closed_rehabilitated = Ratio {
            journal_numbers: closed_rehabilitated.journal_numbers.clone(),
            denominator_journal_numbers: closed_rehabilitated.denominator_journal_numbers.clone(),
            ..not_applicable(
                closed_rehabilitated.numerator,
                closed_rehabilitated.denominator,
            )
        };
    }
    let closed_commitments_broken = broken.against(&supported);
    let closed_child_endangered = endangered.against(&supported);

    // Month by month, in local months.
    let local_month =
        |t: DateTime<Utc>| first_of_month(t.with_timezone(&agency.time_zone).date_naive());
    let mut signals_by_month: HashMap<NaiveDate, i64> = HashMap::new();
    for (s, _) in received.iter() {
        if let Some(t) = s.received_at {
            *signals_by_month.entry(local_month(t)).or_default() += 1;
        }
    }
    for (s, _) in sent.iter() {
        if let Some(t) = s.passed_at {
            *signals_by_month.entry(local_month(t)).or_default() += 1;
        }
    }
    let counted_hospitals: BTreeSet<Uuid> = facts
        .hospitals
        .iter()
        .map(|(id, _)| *id)
        .chain(own_hospital.is_some().then_some(agency.id))
        .collect();
    let months = period
        .months()
        .into_iter()
        .map(|month| {
            let rows = facts
                .months
                .iter()
                .filter(|m| m.month == month && counted_hospitals.contains(&m.agency_id));
            let (births, refusals) = rows.fold((0, 0), |(b, r), m| {
                (b + i64::from(m.births), r + i64::from(m.refusals))
            });
            MonthLine {
                month,
                signals: signals_by_month.get(&month).copied().unwrap_or(0),
                refusals,
                births,
            }
        })
        .collect();

    // Caseloads and interagency work.
    let norm = i64::from(agency.caseload_limit);
    let caseload = Caseload {
        norm,
        curators: facts.caseloads.len() as i64,
        open_cases: facts.caseloads.iter().sum(),
        largest: facts.caseloads.iter().copied().max().unwrap_or(0),
        curators_over_norm: facts.caseloads.iter().filter(|c| **c > norm).count() as i64,
    };
    let on_time: BTreeSet<String> = facts
        .recommendations
        .iter()
        .filter(|(_, done)| *done)
        .map(|(n, _)| n.clone())
        .collect();
    let recommendations_done_on_time = Ratio {
        journal_numbers: Some(on_time.into_iter().collect()),
        denominator_journal_numbers: Some(
            facts
                .recommendations
                .iter()
                .map(|(n, _)| n.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
        ),
        ..ratio(
            facts.recommendations.iter().filter(|(_, d)| *d).count() as i64,
            facts.recommendations.len() as i64,
        )
    };

    EffectivenessReport {
        agency_id: crate::ids::to_id(agency.id),
        agency_name: agency.name.clone(),
        agency_kind: agency.kind.as_str().to_owned(),
        period_from: period.from,
        period_to: period.to,
        time_zone: agency.time_zone.name().to_owned(),
        gives_support: agency.gives_support,
        signals_against_refusals,
        hospitals,
        own_hospital,
        passed_on_time,
        specialist_on_time,
        visit_on_time,
        changed_decision,
        changed_no_support,
        changed_needing_support,
        closed_rehabilitated,
        closed_commitments_broken,
        closed_child_endangered,
        outcomes: outcomes
            .into_values()
            .map(|(reason, cases)| OutcomeLine { reason, cases })
            .collect(),
        months,
        caseload,
        interagency: InteragencyFigures {
            mrg_meetings_held: facts.mrg_meetings,
            recommendations_done_on_time,
            reunifications_completed: facts.reunifications_completed,
        },
        shelter: shelter_figures(&facts.shelter),
        little_mama: facts.little_mama.as_ref().map(super::little_mama::figures),
        computed_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agencies::AgencyKind;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn h1() -> Period {
        Period::parse(d(2026, 1, 1), d(2026, 6, 30)).unwrap()
    }

    fn agency() -> ReportAgency {
        ReportAgency {
            id: Uuid::from_u128(1),
            name: "Служба".into(),
            kind: AgencyKind::PreventionService,
            time_zone: chrono_tz::Asia::Yekaterinburg,
            gives_support: true,
            caseload_limit: 9,
        }
    }

    const HOSPITAL: Uuid = Uuid::from_u128(2);

    fn signal(n: u128, name: &str, received: &str) -> SignalFact {
        SignalFact {
            id: Uuid::from_u128(100 + n),
            service_agency_id: Uuid::from_u128(1),
            sender_agency_id: Some(HOSPITAL),
            service_journal_no: Some(format!("SIG-2026-{n:04}")),
            sender_journal_no: None,
            mother_full_name: name.into(),
            mother_birth_date: Some(d(2000, 1, 1)),
            detected_at: None,
            registered_at: Some(t(received) - Duration::hours(4)),
            passed_at: Some(t(received)),
            received_at: Some(t(received)),
            specialist_due_at: None,
            passing_due_at: Some(t(received) - Duration::hours(1)),
            visit_due_at: None,
            visited_at: None,
        }
    }

    fn case(n: u128, name: &str) -> CaseFact {
        CaseFact {
            id: Uuid::from_u128(200 + n),
            journal_no: format!("CASE-2026-{n:04}"),
            support_started_at: None,
            closed_at: None,
            closure_reason: None,
            mother_full_name: Some(name.into()),
            mother_birth_date: Some(d(2000, 1, 1)),
        }
    }

    fn month(m: u32, births: i32, refusals: i32) -> HospitalMonthRow {
        HospitalMonthRow {
            agency_id: HOSPITAL,
            month: d(2026, m, 1),
            births,
            refusals,
            recorded_by_user_id: Uuid::nil(),
            recorded_at: t("2026-07-01T00:00:00Z"),
            version: 1,
        }
    }

    #[test]
    fn a_zero_denominator_is_no_data_never_zero() {
        let r = ratio(0, 0);
        assert_eq!(r.status, RatioStatus::NoData);
        assert_eq!(r.value, None);
        let r = ratio(1, 3);
        assert_eq!(r.value, Some(0.3333));
        assert_eq!(r.percent, Some(33.3));
    }

    #[test]
    fn a_period_counts_in_the_agencys_local_dates() {
        let (start, end) = h1().bounds(&chrono_tz::Asia::Yekaterinburg);
        assert_eq!(start, t("2025-12-31T19:00:00Z"));
        assert_eq!(end, t("2026-06-30T19:00:00Z"));
    }

    #[test]
    fn a_period_is_at_most_a_year_and_in_order() {
        assert!(Period::parse(d(2026, 2, 1), d(2026, 1, 1)).is_err());
        assert!(Period::parse(d(2026, 1, 1), d(2027, 1, 1)).is_err());
        assert!(Period::parse(d(2026, 1, 1), d(2026, 12, 31)).is_ok());
        assert!(Period::parse_half_year(d(2026, 7, 1), d(2026, 12, 31)).is_ok());
        assert!(Period::parse_half_year(d(2026, 2, 1), d(2026, 6, 30)).is_err());
        assert_eq!(h1().months().len(), 6);
    }

    #[test]
    fn refusals_per_100_births_and_the_change_from_a_year_earlier() {
        assert_eq!(per_100_births(18, 1000), Some(1.8));
        assert_eq!(per_100_births(3, 0), None);
        assert_eq!(change_points(Some(0.7), Some(1.8)), Some(-1.1));
        assert_eq!(change_points(Some(0.7), None), None);
        let mut rows = vec![month(1, 500, 4), month(2, 500, 3)];
        rows.push(HospitalMonthRow {
            month: d(2025, 1, 1),
            ..month(1, 1000, 18)
        });
        let f = hospital_figures(HOSPITAL, &h1(), &rows);
        assert_eq!((f.births, f.refusals, f.months_recorded), (1000, 7, 2));
        assert_eq!(f.refusals_per_100_births, Some(0.7));
        assert_eq!(f.previous_year_per_100_births, Some(1.8));
        assert_eq!(f.change_points, Some(-1.1));
    }

    #[test]
    fn a_month_is_checked_whole() {
        let now = d(2026, 7, 15);
        assert!(check_month(d(2026, 7, 1), 10, 1, now).is_ok());
        assert!(check_month(d(2026, 8, 1), 10, 1, now).is_err());
        assert!(check_month(d(2026, 7, 2), 10, 1, now).is_err());
        assert!(
            matches!(check_month(d(2026, 6, 1), 10, 11, now), Err(AppError::BadUserInput { field, .. }) if field == "refusals")
        );
        assert!(
            matches!(check_month(d(2026, 6, 1), -1, 0, now), Err(AppError::BadUserInput { field, .. }) if field == "births")
        );
    }

    #[test]
    fn a_woman_with_two_signals_counts_once() {
        let facts = Facts {
            received: vec![
                signal(1, "Иванова Анна", "2026-02-01T10:00:00Z"),
                signal(2, "ИВАНОВА  анна", "2026-03-01T10:00:00Z"),
                signal(3, "Петрова Ольга", "2026-03-02T10:00:00Z"),
            ],
            hospitals: vec![(HOSPITAL, "Роддом".into())],
            months: vec![month(1, 100, 2), month(2, 100, 2)],
            cases: vec![
                CaseFact {
                    support_started_at: Some(t("2026-02-10T10:00:00Z")),
                    ..case(1, "Иванова Анна")
                },
                CaseFact {
                    closed_at: Some(t("2026-04-10T10:00:00Z")),
                    closure_reason: Some(ClosureReason::DecisionChangedResolved),
                    ..case(2, "Иванова Анна")
                },
            ],
            ..Facts::default()
        };
        let r = compute(&agency(), &h1(), &facts, t("2026-07-10T00:00:00Z"));
        assert_eq!(
            (r.changed_decision.numerator, r.changed_decision.denominator),
            (1, 2)
        );
        assert_eq!(r.signals_against_refusals.numerator, 3);
        assert_eq!(r.signals_against_refusals.denominator, 4);
        assert_eq!(r.hospitals[0].signals_against_refusals.value, Some(0.75));
        assert_eq!(r.passed_on_time.numerator, 0);
        assert_eq!(r.passed_on_time.denominator, 3);
        assert_eq!(
            r.changed_decision.journal_numbers,
            Some(vec!["CASE-2026-0001".into(), "CASE-2026-0002".into()])
        );
        assert_eq!(
            (
                r.changed_needing_support.numerator,
                r.changed_no_support.numerator
            ),
            (1, 1)
        );
        assert_eq!(r.months[1].signals, 1);
        assert_eq!(r.months[2].signals, 2);
    }

    #[test]
    fn a_signal_received_at_local_midnight_belongs_to_the_next_period() {
        let facts = Facts {
            // 2026-07-01 00:00 in Yekaterinburg: the second half year.
            received: vec![signal(1, "Иванова Анна", "2026-06-30T19:00:00Z")],
            ..Facts::default()
        };
        let r = compute(&agency(), &h1(), &facts, t("2026-07-10T00:00:00Z"));
        assert_eq!(r.changed_decision.denominator, 0);
        assert_eq!(r.changed_decision.status, RatioStatus::NoData);
        let h2 = Period::parse(d(2026, 7, 1), d(2026, 12, 31)).unwrap();
        let r = compute(&agency(), &h2, &facts, t("2026-07-10T00:00:00Z"));
        assert_eq!(r.changed_decision.denominator, 1);
    }

    #[test]
    fn closures_count_against_the_women_supported_and_rehabilitation_may_not_apply() {
        let supported = |n, reason, closed: Option<&str>| CaseFact {
            support_started_at: Some(t("2025-11-01T10:00:00Z")),
            closed_at: closed.map(t),
            closure_reason: reason,
            ..case(n, &format!("Женщина {}", ["А", "Б", "В", "Г"][n as usize]))
        };
        let facts = Facts {
            cases: vec![
                supported(
                    0,
                    Some(ClosureReason::SupportCompleted),
                    Some("2026-03-01T00:00:00Z"),
                ),
                supported(
                    1,
                    Some(ClosureReason::CommitmentsBroken),
                    Some("2026-03-01T00:00:00Z"),
                ),
                supported(2, None, None),
                // Closed before the period: not supported in it.
                supported(
                    3,
                    Some(ClosureReason::ChildEndangered),
                    Some("2025-12-01T00:00:00Z"),
                ),
            ],
            ..Facts::default()
        };
        let r = compute(&agency(), &h1(), &facts, t("2026-07-10T00:00:00Z"));
        assert_eq!(
            (
                r.closed_rehabilitated.numerator,
                r.closed_rehabilitated.denominator
            ),
            (1, 3)
        );
        assert_eq!(r.closed_commitments_broken.numerator, 1);
        assert_eq!(r.closed_child_endangered.numerator, 0);
        assert_eq!(r.closed_child_endangered.status, RatioStatus::Value);
        let elsewhere = ReportAgency {
            gives_support: false,
            ..agency()
        };
        let r = compute(&elsewhere, &h1(), &facts, t("2026-07-10T00:00:00Z"));
        assert_eq!(r.closed_rehabilitated.status, RatioStatus::NotApplicable);
        assert_eq!(r.closed_rehabilitated.value, None);
    }

    #[test]
    fn a_regional_copy_carries_no_journal_numbers() {
        let facts = Facts {
            received: vec![signal(1, "Иванова Анна", "2026-02-01T10:00:00Z")],
            ..Facts::default()
        };
        let r =
            compute(&agency(), &h1(), &facts, t("2026-07-10T00:00:00Z")).without_journal_numbers();
        let json = serde_json::to_string(&r).unwrap();
        assert!(!json.contains("SIG-2026"));
        assert!(!json.contains("Иванова"));
    }
}
