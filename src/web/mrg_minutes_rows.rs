//! An item's minutes as the meeting's page, the protocol and the extract show them (the
//! three stages, the recommendations, the amendments) and the secretary's form of it.

use uuid::Uuid;

use super::i18n::local_time;
use super::mrg::{case_number, name_of, names, rec_rows, words, RecRow};
use super::mrg_minutes::FormView;
use super::page::Page;
use crate::access::Caller;
use crate::app::AppState;
use crate::error::AppResult;
use crate::mrg::reads::{self, ItemMinutes};

/// One item's minutes as the pages show them.
pub struct MinutesRow {
    pub item_id: Uuid,
    pub position: i32,
    pub title: String,
    pub is_case: bool,
    pub version: i32,
    pub points: Vec<(&'static str, String, String)>,
    pub child: String,
    pub family: String,
    pub services: Vec<(&'static str, String)>,
    pub goal: String,
    pub decision: String,
    pub recs: Vec<RecRow>,
    pub amendments: Vec<(String, String, String)>,
    /// The secretary's form of the item (see `mrg_minutes`).
    pub form: FormView,
}

pub(super) async fn minutes_rows(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    items: Vec<ItemMinutes>,
) -> AppResult<Vec<MinutesRow>> {
    let w = words(page);
    let mut ids: Vec<Uuid> = Vec::new();
    for i in &items {
        ids.extend(
            i.item
                .information_points()
                .iter()
                .filter_map(|p| p.agency_id),
        );
        ids.extend(i.item.chosen_services().iter().map(|s| s.agency_id));
    }
    let names = names(state, &ids).await?;
    let mut rows = Vec::new();
    for i in items {
        let form = super::mrg_minutes::form_of(&i, &names);
        let item = &i.item;
        let title = match (item.case_id, &item.topic) {
            (Some(case), _) => format!("{} {}", w.case, case_number(state, caller, case).await),
            (None, Some(topic)) => topic.clone(),
            _ => String::new(),
        };
        let recs = i
            .recommendations
            .iter()
            .cloned()
            .map(|r| reads::RecommendationView::of(r, true))
            .collect();
        rows.push(MinutesRow {
            item_id: item.id,
            position: item.position,
            title,
            is_case: item.case_id.is_some(),
            version: item.version,
            points: item
                .information_points()
                .into_iter()
                .map(|p| {
                    let from = p
                        .organisation
                        .clone()
                        .or(p.agency_id.map(|a| name_of(&names, a)))
                        .unwrap_or_default();
                    (w.assessment(p.assessment), p.text, from)
                })
                .collect(),
            child: item
                .child_opinion
                .clone()
                .or(item
                    .child_not_heard_reason
                    .as_ref()
                    .map(|r| format!("{}: {r}", w.child_not_heard)))
                .unwrap_or_default(),
            family: match item.family_participated {
                Some(true) => format!(
                    "{}. {}",
                    w.yes,
                    item.family_position.clone().unwrap_or_default()
                ),
                Some(false) => format!(
                    "{}. {}",
                    w.no,
                    item.family_position.clone().unwrap_or_default()
                ),
                None => item.family_position.clone().unwrap_or_default(),
            },
            services: item
                .chosen_services()
                .into_iter()
                .map(|s| (w.service(s.service_type), name_of(&names, s.agency_id)))
                .collect(),
            goal: item
                .long_term_goal
                .map(|g| w.goal(g).to_owned())
                .unwrap_or_default(),
            decision: item.decision.clone().unwrap_or_default(),
            recs: rec_rows(state, caller, page, recs).await?,
            amendments: i
                .amendments
                .iter()
                .map(|a| {
                    (
                        local_time(a.amended_at, page.zone),
                        a.reason.clone(),
                        a.text.clone(),
                    )
                })
                .collect(),
            form,
        });
    }
    Ok(rows)
}
