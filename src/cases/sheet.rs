//! The signal sheet (лист сигнала, seed 001): what the service learned about the family
//! when the case opened.

use async_graphql::{InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::{ensure_open, led_case, save};
use crate::access::Caller;
use crate::db::{Db, JsonText};
use crate::error::AppResult;
use crate::input::optional_text;

/// The signal sheet's fields, each free text.
#[derive(
    InputObject, SimpleObject, Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq,
)]
#[graphql(input_name = "SignalSheetInput")]
#[serde(rename_all = "camelCase")]
pub struct SignalSheet {
    /// Rehabilitation potential.
    pub rehabilitation_potential: Option<String>,
    /// Parenting history: earlier refusals, deprivation of parental rights, other
    /// children and where they are.
    pub parenting_history: Option<String>,
    /// Housing, registration, income.
    pub housing_and_income: Option<String>,
    /// Close people and their position on the newborn.
    pub close_people: Option<String>,
    /// Result of the meeting with the woman.
    pub meeting_with_woman: Option<String>,
    /// Result of the meeting with her circle.
    pub meeting_with_circle: Option<String>,
}

impl SignalSheet {
    fn checked(self) -> AppResult<SignalSheet> {
        let t = |field: &str, v: Option<String>| optional_text(field, v.as_deref(), 5_000);
        Ok(SignalSheet {
            rehabilitation_potential: t("rehabilitationPotential", self.rehabilitation_potential)?,
            parenting_history: t("parentingHistory", self.parenting_history)?,
            housing_and_income: t("housingAndIncome", self.housing_and_income)?,
            close_people: t("closePeople", self.close_people)?,
            meeting_with_woman: t("meetingWithWoman", self.meeting_with_woman)?,
            meeting_with_circle: t("meetingWithCircle", self.meeting_with_circle)?,
        })
    }
}

/// Replaces a case's signal sheet (the lead's curator or head).
pub async fn update(
    db: &Db,
    caller: &Caller,
    case_id: Uuid,
    sheet: SignalSheet,
    now: DateTime<Utc>,
) -> AppResult<SignalSheet> {
    let actor = caller.actor()?;
    let sheet = sheet.checked()?;
    let (tx, mut case) = led_case(db, actor, case_id, now).await?;
    ensure_open(&case)?;
    case.signal_sheet = Some(JsonText(sheet.clone()));
    save(
        tx,
        caller,
        case,
        "SIGNAL_SHEET_UPDATED",
        None,
        json!({}),
        now,
    )
    .await?;
    Ok(sheet)
}
