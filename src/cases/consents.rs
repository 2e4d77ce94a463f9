//! Consents (152-FZ) and the people of a case. Withdrawn consent stops sharing with the
//! agencies it covered: they fall back to the summary.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::model::{ConsentKind, ConsentRow, PersonRole, PersonRow};
use super::{ensure_open, led_case, save, store};
use crate::access::participation::WorkflowEvent;
use crate::access::{self, Caller};
use crate::audit::{self, Entry, Origin};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::input;
use crate::notify;

/// A person to add to a case.
pub struct NewPerson {
    pub role: PersonRole,
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
    pub phone: Option<String>,
    pub address_actual: Option<String>,
    /// Their position on the newborn staying in the family (seed 001).
    pub stance: Option<String>,
    pub notes: Option<String>,
}

/// Adds a relative, close person or child to a case the actor's agency leads.
pub async fn add_person(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    p: NewPerson,
    now: DateTime<Utc>,
) -> AppResult<PersonRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    if p.birth_date.is_some_and(|d| d > now.date_naive()) {
        return Err(AppError::bad_input("birthDate", "is in the future"));
    }
    let person = PersonRow {
        id: Uuid::now_v7(),
        case_id,
        role: p.role,
        full_name: input::name("fullName", &p.full_name)?,
        birth_date: p.birth_date,
        phone: input::optional_text("phone", p.phone.as_deref(), 50)?,
        address_registered: None,
        address_actual: input::optional_text("actualAddress", p.address_actual.as_deref(), 500)?,
        stance: input::optional_text("stance", p.stance.as_deref(), 5_000)?,
        notes: input::optional_text("notes", p.notes.as_deref(), 5_000)?,
        created_at: now,
    };
    let (mut tx, mut case) = led_case(db, actor, case_id, now).await?;
    ensure_open(&case)?;
    store::insert_person(&mut tx, &person).await?;
    if person.role == PersonRole::Child && case.child_birth_date.is_none() {
        case.child_birth_date = person.birth_date;
    }
    let entry = Entry {
        case_id: Some(case_id),
        ..Entry::new(
            super::audit_actions::CASE_PERSON_ADDED,
            "person",
            Some(person.id),
        )
    };
    audit::record(
        &mut tx,
        origin,
        entry.with_details(json!({ "role": person.role })),
        now,
    )
    .await?;
    save(
        tx,
        caller,
        case,
        "PERSON_ADDED",
        None,
        json!({ "role": person.role }),
        now,
    )
    .await?;
    Ok(person)
}

/// Records a signed consent: who signed, when, and which agencies it covers.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    kind: ConsentKind,
    signed_by: &str,
    signed_at: DateTime<Utc>,
    agencies: &[Uuid],
    now: DateTime<Utc>,
) -> AppResult<ConsentRow> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let signed_by = input::name("signedBy", signed_by)?;
    if signed_at > now + chrono::Duration::minutes(2) {
        return Err(AppError::bad_input("signedAt", "is in the future"));
    }
    if agencies.is_empty() {
        return Err(AppError::bad_input(
            "agencyIds",
            "name at least one agency the consent covers",
        ));
    }
    for agency in agencies {
        if matches!(
            crate::agencies::store::get(db, *agency).await,
            Err(AppError::NotFound(_))
        ) {
            return Err(AppError::bad_input("agencyIds", "no such agency"));
        }
    }
    let consent = ConsentRow {
        id: Uuid::now_v7(),
        case_id,
        kind,
        signed_by,
        signed_at: crate::db::truncate(signed_at),
        recorded_by: actor.user_id,
        recorded_at: now,
        withdrawn_at: None,
        withdrawal_note: None,
    };
    let (mut tx, case) = led_case(db, actor, case_id, now).await?;
    ensure_open(&case)?;
    store::insert_consent(&mut tx, &consent, agencies).await?;
    let entry = Entry {
        case_id: Some(case_id),
        ..Entry::new(
            super::audit_actions::CONSENT_RECORDED,
            "consent",
            Some(consent.id),
        )
    };
    audit::record(
        &mut tx,
        origin,
        entry.with_details(json!({ "kind": kind, "agencies": agencies })),
        now,
    )
    .await?;
    save(
        tx,
        caller,
        case,
        "CONSENT_RECORDED",
        None,
        json!({ "kind": kind }),
        now,
    )
    .await?;
    Ok(consent)
}

/// Withdraws a consent: the agencies it covered (other than the lead) drop to the summary.
pub async fn withdraw(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    consent_id: Uuid,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let actor = caller.actor()?;
    let origin = &Origin::of(caller)?;
    let note = input::optional_text("note", note, 5_000)?;
    let (mut tx, case) = led_case(db, actor, case_id, now).await?;
    let covered =
        store::withdraw_consent(&mut tx, case_id, consent_id, note.as_deref(), now).await?;
    // Only agencies that see personal data now lose it; the others never had it.
    let sharing = access::store::full_participants(&mut tx, case_id, now).await?;
    let others: Vec<Uuid> = covered
        .into_iter()
        .filter(|a| *a != case.lead_agency_id && sharing.contains(a))
        .collect();
    access::store::apply(
        &mut tx,
        case_id,
        &WorkflowEvent::ConsentWithdrawn {
            agencies: others.clone(),
        },
        now,
    )
    .await?;
    let entry = Entry {
        case_id: Some(case_id),
        ..Entry::new(
            super::audit_actions::CONSENT_WITHDRAWN,
            "consent",
            Some(consent_id),
        )
    };
    // The lead and its curator, and each agency that just lost personal data.
    let mut recipients = vec![notify::Recipient::Agency(case.lead_agency_id)];
    recipients.extend(case.curator_user_id.map(notify::Recipient::User));
    recipients.extend(others.iter().copied().map(notify::Recipient::Agency));
    let notice = notify::Notice {
        kind: super::notices::CONSENT_WITHDRAWN,
        subject: notify::Subject::new(super::notices::CASE, case_id),
        journal_no: case.journal_no.clone(),
        clock: None,
        due_at: None,
        recipients,
    };
    notify::enqueue(&mut tx, &notice, now).await?;
    audit::record(
        &mut tx,
        origin,
        entry.with_details(json!({ "agencies": others })),
        now,
    )
    .await?;
    save(
        tx,
        caller,
        case,
        "CONSENT_WITHDRAWN",
        None,
        json!({ "consentId": consent_id }),
        now,
    )
    .await?;
    Ok(())
}
