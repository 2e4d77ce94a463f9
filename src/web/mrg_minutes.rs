//! The secretary's minutes form of one agenda item on the meeting's page
//! (`POST /mrg/meetings/{id}/items/{item}/minutes`). While the minutes are a draft, the
//! form shows every entry already there (each point of information, chosen service and
//! recommendation) with its fields to correct and a «Удалить» box, the stage fields
//! filled in, and one blank row of each kind to add. The posted rows become the item's
//! whole minutes, saved through `mrg::minutes::save` against the version the page read.
//! A refusal re-shows the page with the form as it was typed and the message inside it;
//! when a colleague saved the item meanwhile (`CONFLICT`) the saved version shows above
//! the form, the form keeps what was typed and carries the new version, so that saving
//! again is a deliberate choice to replace the colleague's text.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use uuid::Uuid;

use super::mrg::{after, parse, render_typed};
use super::mrg_minutes_words::MinutesWords;
use super::page::{self, Page};
use super::session;
use crate::access::Caller;
use crate::app::AppState;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::mrg::minutes::{MinutesInput, PointInput, RecommendationInput, ServiceInput};
use crate::mrg::model::*;
use crate::mrg::reads::ItemMinutes;
use crate::mrg::rules::MAX_ENTRIES;

/// A point of information as the form shows it; `from` is `agency:{id}` or
/// `org:{name}`, who gave it (kept as it was, not edited here).
pub struct PointRow {
    pub n: usize,
    pub assessment: String,
    pub text: String,
    pub from: String,
    pub from_label: String,
    pub remove: bool,
}

/// A chosen service as the form shows it.
pub struct ServiceRow {
    pub n: usize,
    pub service_type: String,
    pub agency: String,
    pub note: String,
    pub remove: bool,
}

/// A recommendation as the form shows it; `to` is an agency's id or `family`.
pub struct RecRow {
    pub n: usize,
    pub text: String,
    pub to: String,
    pub person: String,
    pub due: String,
    pub remove: bool,
}

/// One item's minutes form: from the stored draft, or as it was posted.
#[derive(Default)]
pub struct FormView {
    pub version: i32,
    pub points: Vec<PointRow>,
    pub child_opinion: String,
    pub child_not_heard_reason: String,
    pub family_participated: String,
    pub family_position: String,
    pub services: Vec<ServiceRow>,
    pub goal: String,
    pub decision: String,
    pub recs: Vec<RecRow>,
    pub new_assessment: String,
    pub new_point: String,
    pub new_service_type: String,
    pub new_service_agency: String,
    pub new_rec_text: String,
    pub new_rec_to: String,
    pub new_rec_person: String,
    pub new_rec_due: String,
    /// The refusal, shown inside the form.
    pub error: Option<String>,
    /// Refused as `CONFLICT`: the page puts the item's current version in the form.
    pub stale: bool,
}

fn source(agency: Option<Uuid>, organisation: Option<&str>) -> String {
    match (agency, organisation) {
        (_, Some(o)) => format!("org:{o}"),
        (Some(a), None) => format!("agency:{a}"),
        (None, None) => String::new(),
    }
}

/// The form of a stored item: its entries, its stage fields, blank new rows.
pub fn form_of(i: &ItemMinutes, names: &[(Uuid, String)]) -> FormView {
    let item = &i.item;
    let mut form = FormView {
        version: item.version,
        points: item
            .information_points()
            .into_iter()
            .enumerate()
            .map(|(n, p)| PointRow {
                n,
                assessment: p.assessment.as_str().to_owned(),
                text: p.text,
                from: source(p.agency_id, p.organisation.as_deref()),
                from_label: String::new(),
                remove: false,
            })
            .collect(),
        child_opinion: item.child_opinion.clone().unwrap_or_default(),
        child_not_heard_reason: item.child_not_heard_reason.clone().unwrap_or_default(),
        family_participated: match item.family_participated {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => String::new(),
        },
        family_position: item.family_position.clone().unwrap_or_default(),
        services: item
            .chosen_services()
            .into_iter()
            .enumerate()
            .map(|(n, s)| ServiceRow {
                n,
                service_type: s.service_type.as_str().to_owned(),
                agency: s.agency_id.to_string(),
                note: s.note.unwrap_or_default(),
                remove: false,
            })
            .collect(),
        goal: item
            .long_term_goal
            .map(|g| g.as_str().to_owned())
            .unwrap_or_default(),
        decision: item.decision.clone().unwrap_or_default(),
        recs: i
            .recommendations
            .iter()
            .enumerate()
            .map(|(n, r)| RecRow {
                n,
                text: r.text.clone(),
                to: match r.addressee {
                    Addressee::Family => "family".into(),
                    Addressee::Agency => r.agency_id.to_string(),
                },
                person: r.responsible_person.clone().unwrap_or_default(),
                due: r.due_date.to_string(),
                remove: false,
            })
            .collect(),
        ..FormView::default()
    };
    label(&mut form, names);
    form
}

/// Names who gave each point, from the agencies' names.
pub fn label(form: &mut FormView, names: &[(Uuid, String)]) {
    for p in &mut form.points {
        p.from_label = match p.from.split_once(':') {
            Some(("org", o)) => o.to_owned(),
            Some(("agency", a)) => parse(a)
                .and_then(|a| names.iter().find(|n| n.0 == a))
                .map(|n| n.1.clone())
                .unwrap_or_default(),
            _ => String::new(),
        };
    }
}

/// The posted form (rows are numbered in their names: `point_text_0`, …).
struct Posted(HashMap<String, String>);

impl Posted {
    fn parse(body: &Bytes) -> Posted {
        Posted(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .take(40 + 6 * 3 * (MAX_ENTRIES + 1))
                .collect(),
        )
    }
    fn text(&self, name: &str) -> String {
        self.0.get(name).cloned().unwrap_or_default()
    }
    fn row(&self, kind: &str, n: usize) -> Option<String> {
        self.0.get(&format!("{kind}_{n}")).cloned()
    }
    fn rows<T>(&self, key: &str, make: impl Fn(usize, String) -> T) -> Vec<T> {
        (0..=MAX_ENTRIES)
            .map_while(|n| self.row(key, n).map(|v| make(n, v)))
            .collect()
    }
}

/// The form as it was posted.
fn typed(p: &Posted) -> FormView {
    let cell = |kind: &str, n: usize| p.row(kind, n).unwrap_or_default();
    let removed = |kind: &str, n: usize| p.row(kind, n).is_some();
    FormView {
        version: p.text("version").trim().parse().unwrap_or_default(),
        points: p.rows("point_text", |n, text| PointRow {
            n,
            assessment: cell("point_assessment", n),
            text,
            from: cell("point_from", n),
            from_label: String::new(),
            remove: removed("point_remove", n),
        }),
        child_opinion: p.text("child_opinion"),
        child_not_heard_reason: p.text("child_not_heard_reason"),
        family_participated: p.text("family_participated"),
        family_position: p.text("family_position"),
        services: p.rows("service_type", |n, service_type| ServiceRow {
            n,
            service_type,
            agency: cell("service_agency", n),
            note: cell("service_note", n),
            remove: removed("service_remove", n),
        }),
        goal: p.text("long_term_goal"),
        decision: p.text("decision"),
        recs: p.rows("rec_text", |n, text| RecRow {
            n,
            text,
            to: cell("rec_to", n),
            person: cell("rec_person", n),
            due: cell("rec_due", n),
            remove: removed("rec_remove", n),
        }),
        new_assessment: p.text("assessment"),
        new_point: p.text("point"),
        new_service_type: p.text("service_type"),
        new_service_agency: p.text("service_agency"),
        new_rec_text: p.text("rec_text"),
        new_rec_to: p.text("rec_to"),
        new_rec_person: p.text("rec_person"),
        new_rec_due: p.text("rec_due"),
        error: None,
        stale: false,
    }
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned()).filter(|t| !t.trim().is_empty())
}

/// For each entry of the input, the row of the form it came from (the API's field
/// names count the entries kept; the message names the form's row).
#[derive(Default)]
struct Rows {
    information: Vec<usize>,
    services: Vec<usize>,
    recommendations: Vec<usize>,
}

impl Rows {
    /// `recommendations[1].dueDate` of the input as the form's row.
    fn renumber(&self, field: String) -> String {
        for (list, rows) in [
            ("information", &self.information),
            ("services", &self.services),
            ("recommendations", &self.recommendations),
        ] {
            let Some(rest) = field.strip_prefix(list).and_then(|r| r.strip_prefix('[')) else {
                continue;
            };
            let Some((index, tail)) = rest.split_once(']') else {
                continue;
            };
            if let Some(row) = index.parse::<usize>().ok().and_then(|i| rows.get(i)) {
                return format!("{list}[{row}]{tail}");
            }
        }
        field
    }
}

fn due(text: &str, field: String, w: &MinutesWords) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::bad_input(field, w.a_date))
}

fn addressee(to: &str) -> (Addressee, Option<Uuid>) {
    if to == "family" {
        (Addressee::Family, None)
    } else {
        (Addressee::Agency, parse(to))
    }
}

/// The item's whole minutes from the form: the rows not marked for removal, then the
/// new ones (a new point is from the caller's agency). Field names count the form's rows.
fn input_of(
    f: &FormView,
    agency: Option<Uuid>,
    w: &MinutesWords,
) -> AppResult<(MinutesInput, Rows)> {
    let mut rows = Rows::default();
    let mut information = Vec::new();
    for p in f.points.iter().filter(|p| !p.remove) {
        let field = format!("information[{}]", p.n);
        let assessment = Assessment::parse(&p.assessment).ok_or_else(|| {
            AppError::bad_input(format!("{field}.assessment"), w.choose_assessment)
        })?;
        let (agency_id, organisation) = match p.from.split_once(':') {
            Some(("agency", a)) => (parse(a), None),
            Some(("org", o)) => (None, Some(o.to_owned())),
            _ => (None, None),
        };
        rows.information.push(p.n);
        information.push(PointInput {
            assessment,
            text: p.text.clone(),
            agency_id,
            organisation,
        });
    }
    if let Some(text) = some(&f.new_point) {
        let n = f.points.len();
        let assessment = Assessment::parse(&f.new_assessment).ok_or_else(|| {
            AppError::bad_input(format!("information[{n}].assessment"), w.choose_assessment)
        })?;
        rows.information.push(n);
        information.push(PointInput {
            assessment,
            text,
            agency_id: agency,
            organisation: None,
        });
    }
    let mut services = Vec::new();
    let mut service = |n: usize, kind: &str, agency: &str, note: &str| -> AppResult<()> {
        let field = format!("services[{n}]");
        let service_type = ServiceType::parse(kind)
            .ok_or_else(|| AppError::bad_input(format!("{field}.serviceType"), w.choose_service))?;
        let agency_id = parse(agency)
            .ok_or_else(|| AppError::bad_input(format!("{field}.agencyId"), w.choose_agency))?;
        rows.services.push(n);
        services.push(ServiceInput {
            service_type,
            agency_id,
            note: some(note),
        });
        Ok(())
    };
    for s in f.services.iter().filter(|s| !s.remove) {
        service(s.n, &s.service_type, &s.agency, &s.note)?;
    }
    match (some(&f.new_service_type), some(&f.new_service_agency)) {
        (None, None) => {}
        (Some(kind), Some(agency)) => service(f.services.len(), &kind, &agency, "")?,
        _ => {
            return Err(AppError::bad_input(
                format!("services[{}]", f.services.len()),
                w.both_service_fields,
            ))
        }
    }
    let mut recommendations = Vec::new();
    let mut kept = f
        .recs
        .iter()
        .filter(|r| !r.remove)
        .map(|r| (r.n, r.text.clone(), &r.to, &r.person, &r.due))
        .collect::<Vec<_>>();
    if let Some(text) = some(&f.new_rec_text) {
        kept.push((
            f.recs.len(),
            text,
            &f.new_rec_to,
            &f.new_rec_person,
            &f.new_rec_due,
        ));
    }
    for (n, text, to, person, day) in kept {
        let due_date = due(day, format!("recommendations[{n}].dueDate"), w)?;
        let (addressee, agency_id) = addressee(to);
        rows.recommendations.push(n);
        recommendations.push(RecommendationInput {
            text,
            addressee,
            agency_id,
            responsible_person: some(person),
            due_date,
        });
    }
    let input = MinutesInput {
        information,
        child_opinion: some(&f.child_opinion),
        child_not_heard_reason: some(&f.child_not_heard_reason),
        family_participated: match f.family_participated.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        family_position: some(&f.family_position),
        services,
        long_term_goal: LongTermGoal::parse(&f.goal),
        decision: some(&f.decision),
        recommendations,
    };
    Ok((input, rows))
}

/// `POST /mrg/meetings/{id}/items/{item}/minutes`.
pub async fn save(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path((id, item)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, &format!("/mrg/meetings/{id}")).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let (Some(id), Some(item)) = (parse(&id), parse(&item)) else {
        return page::not_found(&page);
    };
    let posted = Posted::parse(&body);
    if !session::form_ok(&headers, &posted.text("csrf")) {
        return page::form_expired(&page);
    }
    let w = MinutesWords::of(page.lang);
    let mut form = typed(&posted);
    let result = async {
        let agency = caller.actor()?.agency_id;
        let (input, rows) = input_of(&form, agency, w)?;
        crate::mrg::minutes::save(&state.db, &caller, item, form.version, input, db::now())
            .await
            .map(|_| ())
            .map_err(|e| match e {
                AppError::BadUserInput { field, message } => AppError::BadUserInput {
                    field: rows.renumber(field),
                    message,
                },
                other => other,
            })
    };
    match result.await {
        Ok(()) => Redirect::to(&format!("/mrg/meetings/{id}")).into_response(),
        Err(AppError::BadUserInput { field, message }) => {
            let refused = super::mrg::words(&page).refused;
            form.error = Some(format!("{refused}{field}: {message}"));
            shown(
                &state,
                &caller,
                &page,
                id,
                item,
                form,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(AppError::Conflict(_)) => {
            form.error = Some(w.stale.into());
            form.stale = true;
            shown(&state, &caller, &page, id, item, form, StatusCode::CONFLICT).await
        }
        Err(other) => after(&state, &caller, &page, id, Err(other)).await,
    }
}

async fn shown(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
    item: Uuid,
    form: FormView,
    status: StatusCode,
) -> Response {
    render_typed(state, caller, page, id, status, Some((item, form))).await
}
