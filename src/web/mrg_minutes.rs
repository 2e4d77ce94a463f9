//! The secretary's minutes form of one agenda item on the meeting's page
//! (`POST /mrg/meetings/{id}/items/{item}/minutes`): the posted fields become the item's
//! whole minutes, saved through `mrg::minutes::save` against the version the page read.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use super::mrg::{after, parse};
use super::{page, session};
use crate::access::Caller;
use crate::app::AppState;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::mrg::minutes::{MinutesInput, PointInput, RecommendationInput, ServiceInput};
use crate::mrg::model::*;
use crate::mrg::reads::{self, ItemMinutes};

/// The posted minutes of one item: the stage fields, and one new point, service and
/// recommendation appended to those already there.
#[derive(Deserialize)]
pub struct MinutesForm {
    csrf: String,
    version: i32,
    #[serde(default)]
    assessment: String,
    #[serde(default)]
    point: String,
    #[serde(default)]
    child_opinion: String,
    #[serde(default)]
    child_not_heard_reason: String,
    #[serde(default)]
    family_participated: String,
    #[serde(default)]
    family_position: String,
    #[serde(default)]
    service_type: String,
    #[serde(default)]
    service_agency: String,
    #[serde(default)]
    long_term_goal: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    rec_text: String,
    #[serde(default)]
    rec_to: String,
    #[serde(default)]
    rec_person: String,
    #[serde(default)]
    rec_due: String,
}

fn some(text: String) -> Option<String> {
    Some(text).filter(|t| !t.trim().is_empty())
}

/// `POST /mrg/meetings/{id}/items/{item}/minutes`.
pub async fn save(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path((id, item)): Path<(String, String)>,
    Form(form): Form<MinutesForm>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, &format!("/mrg/meetings/{id}")).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let (Some(id), Some(item)) = (parse(&id), parse(&item)) else {
        return page::not_found(&page);
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let result = async {
        let view = reads::meeting(&state.db, &caller, id, db::now()).await?;
        let current = reads::minutes(&state.db, &caller, &view)
            .await?
            .and_then(|items| items.into_iter().find(|i| i.item.id == item))
            .ok_or(AppError::Forbidden("only the chair or secretary"))?;
        let input = minutes_input(&caller, current, form)?;
        crate::mrg::minutes::save(&state.db, &caller, item, input.1, input.0, db::now())
            .await
            .map(|_| ())
    };
    let result = result.await;
    after(&state, &caller, &page, id, result).await
}

fn minutes_input(
    caller: &Caller,
    current: ItemMinutes,
    form: MinutesForm,
) -> AppResult<(MinutesInput, i32)> {
    let agency = caller.actor()?.agency_id;
    let item = &current.item;
    let mut information: Vec<PointInput> = item
        .information_points()
        .into_iter()
        .map(|p| PointInput {
            assessment: p.assessment,
            text: p.text,
            agency_id: p.agency_id,
            organisation: p.organisation,
        })
        .collect();
    if let (Some(text), Some(assessment)) = (some(form.point), Assessment::parse(&form.assessment))
    {
        information.push(PointInput {
            assessment,
            text,
            agency_id: agency,
            organisation: None,
        });
    }
    let mut services: Vec<ServiceInput> = item
        .chosen_services()
        .into_iter()
        .map(|s| ServiceInput {
            service_type: s.service_type,
            agency_id: s.agency_id,
            note: s.note,
        })
        .collect();
    if let (Some(kind), Some(agency)) = (
        ServiceType::parse(&form.service_type),
        parse(&form.service_agency),
    ) {
        services.push(ServiceInput {
            service_type: kind,
            agency_id: agency,
            note: None,
        });
    }
    let mut recommendations: Vec<RecommendationInput> = current
        .recommendations
        .iter()
        .map(|r| RecommendationInput {
            text: r.text.clone(),
            addressee: r.addressee,
            agency_id: (r.addressee == Addressee::Agency).then_some(r.agency_id),
            responsible_person: r.responsible_person.clone(),
            due_date: r.due_date,
        })
        .collect();
    if let Some(text) = some(form.rec_text) {
        let due = NaiveDate::parse_from_str(&form.rec_due, "%Y-%m-%d").map_err(|_| {
            AppError::bad_input(
                format!("recommendations[{}].dueDate", recommendations.len()),
                "a date",
            )
        })?;
        let family = form.rec_to == "family";
        recommendations.push(RecommendationInput {
            text,
            addressee: if family {
                Addressee::Family
            } else {
                Addressee::Agency
            },
            agency_id: if family { None } else { parse(&form.rec_to) },
            responsible_person: some(form.rec_person),
            due_date: due,
        });
    }
    let input = MinutesInput {
        information,
        child_opinion: some(form.child_opinion),
        child_not_heard_reason: some(form.child_not_heard_reason),
        family_participated: match form.family_participated.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        family_position: some(form.family_position),
        services,
        long_term_goal: LongTermGoal::parse(&form.long_term_goal),
        decision: some(form.decision),
        recommendations,
    };
    Ok((input, form.version))
}
