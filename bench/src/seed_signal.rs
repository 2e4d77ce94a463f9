//! A case's hospital signal, written through `signals::store::insert` (as
//! `signals::report` writes a new one) and `signals::store::update_workflow` (as the
//! service's steps write it: received, curator assigned, visited, case opened; here in
//! one step). The report (issue 18) counts these: signals received per hospital, the
//! specialist, passing and visit clocks, the women behind them.

use caselink::cases::model::{CaseRow, PersonRow};
use caselink::db::Tx;
use caselink::signals::clocks;
use caselink::signals::intake::{Child, Mother, NewSignal};
use caselink::signals::model::{ChildSex, Screening, SignalRow, SignalSource, SignalStatus};
use caselink::signals::store::{self, Placement};
use chrono::Duration;
use uuid::Uuid;

use super::hub_report::SignalTimes;

/// The signal of `case`, with the times every step will set.
pub fn row(
    case: &CaseRow,
    mother: &PersonRow,
    hospital: Uuid,
    hospital_user: Uuid,
    times: SignalTimes,
) -> SignalRow {
    SignalRow {
        id: case.signal_id.unwrap_or_else(Uuid::now_v7),
        source: SignalSource::Hospital,
        sender_agency_id: Some(hospital),
        sender_journal_no: None,
        service_agency_id: case.lead_agency_id,
        service_journal_no: None,
        status: SignalStatus::Sent,
        mother_full_name: Some(mother.full_name.clone()),
        mother_birth_date: mother.birth_date,
        mother_phone: mother.phone.clone(),
        address_registered: mother.address_registered.clone(),
        address_actual: mother.address_actual.clone(),
        address_ambulance_from: None,
        child_born_at: Some(times.detected_at - Duration::hours(6)),
        child_sex: Some(if times.detected_at.timestamp() % 2 == 0 {
            ChildSex::Female
        } else {
            ChildSex::Male
        }),
        child_health_notes: None,
        in_ward_with_child: times.in_ward_with_child,
        source_contact: None,
        situation: Some("Мать высказывает намерение отказаться от ребёнка".into()),
        screening: Screening {
            intent_or_fact_of_refusal: true,
            no_means_of_living: times.detected_at.timestamp() % 3 == 0,
            ..Screening::default()
        },
        detected_at: Some(times.detected_at),
        registered_at: Some(times.registered_at),
        passed_at: Some(times.passed_at),
        // Written by `confirm`; `insert` leaves them NULL, as on a new signal.
        received_at: Some(times.received_at),
        specialist_due_at: Some(times.detected_at + clocks::SPECIALIST_WITHIN),
        passing_due_at: Some(times.registered_at + clocks::PASSING_WITHIN),
        visit_due_at: Some(times.visit_due_at),
        curator_user_id: None,
        curator_assigned_at: None,
        curator_override_reason: None,
        visited_at: Some(times.visited_at),
        visit_report: None,
        case_id: None,
        dismissed_at: None,
        dismissal_reason: None,
        created_by: hospital_user,
        created_at: times.passed_at,
        updated_at: times.passed_at,
        version: 1,
    }
}

/// Writes the signal as the hospital passed it (`SENT`, no receipt yet).
pub async fn insert(tx: &mut Tx, row: &SignalRow) -> anyhow::Result<()> {
    let new = NewSignal {
        source: row.source,
        service_agency_id: row.service_agency_id,
        mother: Mother {
            full_name: row.mother_full_name.clone().unwrap_or_default(),
            birth_date: row.mother_birth_date,
            phone: row.mother_phone.clone(),
            registered_address: row.address_registered.clone(),
            actual_address: row.address_actual.clone(),
            ambulance_from_address: None,
        },
        child: Child {
            born_at: row.child_born_at,
            sex: row.child_sex,
            health_notes: None,
        },
        in_ward_with_child: row.in_ward_with_child,
        source_contact: None,
        situation: row.situation.clone().unwrap_or_default(),
        screening: row.screening,
        detected_at: row.detected_at,
        registered_at: row.registered_at,
    };
    let placement = Placement {
        id: row.id,
        status: SignalStatus::Sent,
        sender_agency_id: row.sender_agency_id,
        sender_journal_no: row.sender_journal_no.clone(),
        service_journal_no: None,
        passed_at: row.passed_at,
        received_at: None,
        specialist_due_at: row.specialist_due_at,
        passing_due_at: row.passing_due_at,
        visit_due_at: None,
        created_by: row.created_by,
    };
    store::insert(tx, &new, &placement, row.created_at).await?;
    Ok(())
}

/// Received, given the case's curator, visited and confirmed: the case `case` opened
/// from it.
pub async fn confirm(tx: &mut Tx, mut row: SignalRow, case: &CaseRow) -> anyhow::Result<()> {
    row.status = SignalStatus::CaseOpened;
    row.curator_user_id = case.curator_user_id;
    row.curator_assigned_at = row.received_at;
    row.case_id = Some(case.id);
    row.updated_at = case.opened_at;
    row.version += 1;
    store::update_workflow(tx, &row).await?;
    Ok(())
}
