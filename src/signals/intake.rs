//! What a new signal must contain, and the checks on it: the hospital's report
//! (`reportSignal`) and a signal from another source (`recordSignal`).

use async_graphql::{InputObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::clocks::{self, FUTURE_TOLERANCE};
use super::model::{ChildSex, Screening, SignalSource};
use crate::error::{AppError, AppResult};
use crate::ids::parse_id;
use crate::input;

/// Longest phone number, in characters.
pub const MAX_PHONE: usize = 50;
/// Longest address.
pub const MAX_ADDRESS: usize = 500;
/// Longest situation description.
pub const MAX_SITUATION: usize = 10_000;
/// Longest notes or contact details.
pub const MAX_NOTES: usize = 5_000;

/// The mother as the signal describes her.
#[derive(InputObject, Clone)]
pub struct MotherInput {
    /// Full name (фамилия, имя, отчество), 1–200 characters.
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    /// Address of registration (адрес регистрации).
    pub registered_address: Option<String>,
    /// Where she actually lives.
    pub actual_address: Option<String>,
    /// Where the ambulance brought her from.
    pub ambulance_from_address: Option<String>,
}

/// The newborn, when born.
#[derive(InputObject, Clone)]
pub struct ChildInput {
    pub born_at: Option<DateTime<Utc>>,
    pub sex: Option<ChildSex>,
    pub health_notes: Option<String>,
}

/// A hospital's signal.
#[derive(InputObject)]
pub struct ReportSignalInput {
    /// The prevention service the signal goes to.
    pub service_agency_id: ID,
    pub mother: MotherInput,
    pub child: Option<ChildInput>,
    /// The mother is in the ward with the child: the visit is due within 3 hours.
    pub in_ward_with_child: bool,
    /// When a hospital employee noticed the risk.
    pub detected_at: DateTime<Utc>,
    /// When the responsible specialist registered it in the hospital's journal.
    pub registered_at: DateTime<Utc>,
    pub screening: Screening,
    /// The situation in free text.
    pub situation: String,
}

/// A signal from a source other than a hospital, recorded by the prevention service.
#[derive(InputObject)]
pub struct RecordSignalInput {
    /// Anything but HOSPITAL.
    pub source: SignalSource,
    /// Who reported it and how to reach them.
    pub source_contact: Option<String>,
    pub mother: MotherInput,
    pub child: Option<ChildInput>,
    pub in_ward_with_child: bool,
    pub screening: Screening,
    pub situation: String,
}

/// A checked mother.
#[derive(Clone, Debug, Default)]
pub struct Mother {
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub registered_address: Option<String>,
    pub actual_address: Option<String>,
    pub ambulance_from_address: Option<String>,
}

/// A checked child.
#[derive(Clone, Debug, Default)]
pub struct Child {
    pub born_at: Option<DateTime<Utc>>,
    pub sex: Option<ChildSex>,
    pub health_notes: Option<String>,
}

/// A checked new signal.
#[derive(Clone, Debug)]
pub struct NewSignal {
    pub source: SignalSource,
    pub service_agency_id: Uuid,
    pub mother: Mother,
    pub child: Child,
    pub in_ward_with_child: bool,
    pub source_contact: Option<String>,
    pub situation: String,
    pub screening: Screening,
    /// Hospital signals only.
    pub detected_at: Option<DateTime<Utc>>,
    /// Hospital signals only.
    pub registered_at: Option<DateTime<Utc>>,
}

impl NewSignal {
    /// Checks a hospital's report.
    pub fn from_report(input: ReportSignalInput, now: DateTime<Utc>) -> AppResult<NewSignal> {
        let service_agency_id = parse_id("serviceAgencyId", &input.service_agency_id)?;
        clocks::check_hospital_times(input.detected_at, input.registered_at, now)?;
        Ok(NewSignal {
            source: SignalSource::Hospital,
            service_agency_id,
            mother: mother(input.mother, now)?,
            child: child(input.child, now)?,
            in_ward_with_child: input.in_ward_with_child,
            source_contact: None,
            situation: input::required_text("situation", &input.situation, MAX_SITUATION)?,
            screening: input.screening,
            detected_at: Some(crate::db::truncate(input.detected_at)),
            registered_at: Some(crate::db::truncate(input.registered_at)),
        })
    }

    /// Checks a signal from another source, for the recording service itself.
    pub fn from_record(
        input: RecordSignalInput,
        service_agency_id: Uuid,
        now: DateTime<Utc>,
    ) -> AppResult<NewSignal> {
        if input.source == SignalSource::Hospital {
            return Err(AppError::bad_input(
                "source",
                "hospitals send their signals with reportSignal",
            ));
        }
        Ok(NewSignal {
            source: input.source,
            service_agency_id,
            mother: mother(input.mother, now)?,
            child: child(input.child, now)?,
            in_ward_with_child: input.in_ward_with_child,
            source_contact: input::optional_text(
                "sourceContact",
                input.source_contact.as_deref(),
                MAX_NOTES,
            )?,
            situation: input::required_text("situation", &input.situation, MAX_SITUATION)?,
            screening: input.screening,
            detected_at: None,
            registered_at: None,
        })
    }
}

fn mother(input: MotherInput, now: DateTime<Utc>) -> AppResult<Mother> {
    if input.birth_date.is_some_and(|d| d > now.date_naive()) {
        return Err(AppError::bad_input("birthDate", "is in the future"));
    }
    Ok(Mother {
        full_name: input::name("fullName", &input.full_name)?,
        birth_date: input.birth_date,
        phone: input::optional_text("phone", input.phone.as_deref(), MAX_PHONE)?,
        registered_address: input::optional_text(
            "registeredAddress",
            input.registered_address.as_deref(),
            MAX_ADDRESS,
        )?,
        actual_address: input::optional_text(
            "actualAddress",
            input.actual_address.as_deref(),
            MAX_ADDRESS,
        )?,
        ambulance_from_address: input::optional_text(
            "ambulanceFromAddress",
            input.ambulance_from_address.as_deref(),
            MAX_ADDRESS,
        )?,
    })
}

fn child(input: Option<ChildInput>, now: DateTime<Utc>) -> AppResult<Child> {
    let Some(input) = input else {
        return Ok(Child::default());
    };
    if input.born_at.is_some_and(|t| t > now + FUTURE_TOLERANCE) {
        return Err(AppError::bad_input("bornAt", "is in the future"));
    }
    Ok(Child {
        born_at: input.born_at.map(crate::db::truncate),
        sex: input.sex,
        health_notes: input::optional_text(
            "healthNotes",
            input.health_notes.as_deref(),
            MAX_NOTES,
        )?,
    })
}
