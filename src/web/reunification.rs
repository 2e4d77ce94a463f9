//! The reunification pages: the centre's list of children in reunification with each
//! one's stage (`/reunification`), one record with its tracks at a glance, its timeline
//! and the forms of each step (`/reunification/{id}`, the link in the e-mails), a
//! printable progress summary for a guardianship hearing or an MRG meeting
//! (`/reunification/{id}/summary`), the start form posted from a case page, and the
//! glance the case page shows. Everything is read through `reunification::reads`, as
//! the API reads it: an entry's words are opened with the page's caller, which audits
//! the read. A record out of scope is the not-found page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::i18n::{local_time, Lang};
use super::page::{self, Page};
use super::reunification_words::{self as rw, ReunionWords};
use super::{records, session};
use crate::access::{roles, Caller};
use crate::agencies::AgencyKind;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::reunification::model::{Content, ReunificationStatus, Stage, Track, Verdict};
use crate::reunification::reads::{self, EntryView, ReunificationView};
use crate::reunification::{self as reunion, store};
use crate::{agencies, cases, db};

/// How a stage stands in its track.
pub struct StageMark {
    pub name: &'static str,
    /// Reached and passed.
    pub done: bool,
    /// Where the track is now.
    pub current: bool,
}

/// A track at a glance.
pub struct TrackLine {
    pub name: &'static str,
    pub stages: Vec<StageMark>,
}

/// A party to an inspection, as the page shows it.
pub struct PartyLine {
    pub agency: String,
    pub confirmed: Option<String>,
    pub remark: Option<String>,
}

/// One entry of the timeline.
pub struct EntryLine {
    pub id: Uuid,
    pub date: String,
    pub kind: &'static str,
    pub stage: Option<&'static str>,
    pub verdict: Option<&'static str>,
    pub agency: String,
    pub to: Option<String>,
    /// Labelled words, where the caller reads them.
    pub words: Option<Vec<(&'static str, String)>>,
    pub parties: Vec<PartyLine>,
    /// How many ИПСР tasks a report names.
    pub tasks: usize,
}

/// A record as its page shows it.
pub struct RecordView {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_number: String,
    pub centre: String,
    pub placed_on: String,
    pub basis: &'static str,
    pub status: &'static str,
    pub tracks: Vec<TrackLine>,
    pub next_report: String,
    pub overdue: bool,
    pub planned: Option<String>,
    pub returned_on: Option<String>,
    pub warned: bool,
    pub ended_on: Option<String>,
    pub entries: Vec<EntryLine>,
    /// Diagnostics side by side, intake first: date, phase, methods, conclusion (where
    /// the caller reads their words).
    pub diagnostics: Vec<(String, &'static str, String, String)>,
    /// The centre's staff may take the steps.
    pub keeper: bool,
    pub in_care: bool,
    pub returned: bool,
    /// Inspections the caller's agency has yet to confirm: entry id and date.
    pub to_confirm: Vec<(Uuid, String)>,
    /// The agencies on the case (for the inspection's parties), for the keeper.
    pub agencies: Vec<(Uuid, String)>,
    /// Information after the return: whom the caller may write to (empty: nobody).
    pub info_to: Vec<(Uuid, String)>,
    /// The case's ИПСР tasks a report may name: id and due day (for the keeper).
    pub ipsr_tasks: Vec<(Uuid, String)>,
    /// The stages to report on now, by track.
    pub stage_options: Vec<(&'static str, Vec<(String, &'static str)>)>,
    pub today: String,
}

#[derive(Template)]
#[template(path = "web/templates/reunification.html")]
struct RecordPage<'a> {
    page: &'a Page,
    rw: &'a ReunionWords,
    view: &'a RecordView,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "web/templates/reunification_summary.html")]
struct SummaryPage<'a> {
    page: &'a Page,
    rw: &'a ReunionWords,
    view: &'a RecordView,
}

/// A line of the centre's list.
pub struct ListLine {
    pub id: Uuid,
    pub case_number: String,
    pub placed_on: String,
    pub status: &'static str,
    pub child: &'static str,
    pub family: Option<&'static str>,
    pub after: Option<&'static str>,
    pub next_report: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "web/templates/reunification_list.html")]
struct ListPage<'a> {
    page: &'a Page,
    rw: &'a ReunionWords,
    lines: &'a [ListLine],
}

/// The case page's glance at a reunification: where the child is and what is next.
pub struct Glance {
    pub id: Uuid,
    pub status: &'static str,
    pub tracks: Vec<(&'static str, &'static str)>,
    pub next: String,
    pub warned: bool,
}

/// Most records the list shows; the rest through the API's pages.
const LIST_ROWS: i64 = 200;

fn words_of(page: &Page) -> &'static ReunionWords {
    rw::words(page.lang)
}

/// `GET /reunification`.
pub async fn list(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, "/reunification").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let lines = async {
        let now = db::now();
        let rows = reads::in_care(&state.db, &caller, false, None, now, LIST_ROWS).await?;
        let mut lines = Vec::with_capacity(rows.len());
        for v in rows {
            let number = case_number(&state, &caller, v.row.case_id).await?;
            lines.push(ListLine {
                id: v.row.id,
                case_number: number,
                placed_on: records::date(Some(v.row.placed_on)),
                status: rw::status(page.lang, v.row.status),
                child: rw::stage(page.lang, v.row.child_stage),
                family: v.row.family_stage.map(|s| rw::stage(page.lang, s)),
                after: v.row.after_stage.map(|s| rw::stage(page.lang, s)),
                next_report: local_time(v.row.report_due_at, page.zone),
                overdue: v.report_overdue(now),
            });
        }
        Ok::<_, AppError>(lines)
    };
    match lines.await {
        Ok(lines) => page::html(
            StatusCode::OK,
            &ListPage {
                page: &page,
                rw: words_of(&page),
                lines: &lines,
            },
        ),
        Err(error) => page::error(&page, &caller, error, "/reunification"),
    }
}

async fn case_number(state: &AppState, caller: &Caller, case_id: Uuid) -> AppResult<String> {
    let viewer = caller.viewer()?;
    Ok(
        match cases::store::get_visible(&state.db, viewer, case_id, db::now()).await {
            Ok((case, _)) => case.journal_no,
            Err(AppError::NotFound(_)) => String::new(),
            Err(other) => return Err(other),
        },
    )
}

/// `GET /reunification/{id}`.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/reunification/{id}");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    render(&state, &caller, &page, id, None, StatusCode::OK).await
}

/// `GET /reunification/{id}/summary`: the progress summary to print.
pub async fn summary(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/reunification/{id}/summary");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    match view(&state, &caller, &page, id).await {
        Ok(view) => page::html(
            StatusCode::OK,
            &SummaryPage {
                page: &page,
                rw: words_of(&page),
                view: &view,
            },
        ),
        Err(error) => page::error(&page, &caller, error, &here),
    }
}

async fn render(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    match view(state, caller, page, id).await {
        Ok(view) => page::html(
            status,
            &RecordPage {
                page,
                rw: words_of(page),
                view: &view,
                error,
            },
        ),
        Err(failure) => page::error(page, caller, failure, &format!("/reunification/{id}")),
    }
}

fn tracks(lang: Lang, v: &ReunificationView) -> Vec<TrackLine> {
    let line = |track: Track, at: Option<Stage>| TrackLine {
        name: rw::track(lang, track),
        stages: Stage::of(track)
            .map(|s| StageMark {
                name: rw::stage(lang, s),
                done: at.is_some_and(|a| s.position() < a.position()),
                current: at == Some(s),
            })
            .collect(),
    };
    vec![
        line(Track::Child, Some(v.row.child_stage)),
        line(Track::Family, v.row.family_stage),
        line(Track::AfterReturn, v.row.after_stage),
    ]
}

fn labelled(rw: &ReunionWords, c: &Content) -> Vec<(&'static str, String)> {
    let fields = [
        (rw.summary, &c.summary),
        (rw.wellbeing, &c.wellbeing),
        (rw.attitude, &c.attitude),
        (rw.parents_readiness, &c.parents_readiness),
        (rw.recommendation, &c.recommendation),
        (rw.methods, &c.methods),
        (rw.findings, &c.findings),
        (rw.handed_over_by, &c.handed_over_by),
        (rw.received_by, &c.received_by),
        (rw.documents, &c.documents),
        (rw.without_inspection_reason, &c.without_inspection_reason),
        (rw.reason, &c.reason),
        (rw.conclusion, &c.conclusion),
    ];
    fields
        .into_iter()
        .filter_map(|(label, value)| value.clone().map(|v| (label, v)))
        .collect()
}

async fn view(state: &AppState, caller: &Caller, page: &Page, id: Uuid) -> AppResult<RecordView> {
    let (db, now, lang) = (&state.db, db::now(), page.lang);
    let rwords = rw::words(lang);
    let actor = caller.actor()?;
    let v = reads::get(db, caller, id, now).await?;
    let timeline = reads::timeline(db, caller, id, now).await?;
    let mut ids: Vec<Uuid> = vec![v.row.centre_agency_id];
    for e in &timeline {
        ids.push(e.entry.agency_id);
        ids.extend(e.entry.addressee_agency_id);
        ids.extend(e.parties.iter().map(|p| p.agency_id));
    }
    let named = agencies::store::get_many(db, &ids).await?;
    let name = |id: Uuid| {
        named
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let mine = actor.agency_id;
    let to_confirm = timeline
        .iter()
        .filter(|e| {
            e.parties
                .iter()
                .any(|p| Some(p.agency_id) == mine && p.confirmed_at.is_none())
        })
        .map(|e| (e.entry.id, records::date(Some(e.entry.occurred_on))))
        .collect();
    let diagnostics = timeline
        .iter()
        .filter(|e| e.entry.kind == crate::reunification::model::EntryKind::Diagnostics)
        .filter_map(|e| {
            let words = e.words.open(caller)?;
            Some((
                records::date(Some(e.entry.occurred_on)),
                e.entry
                    .verdict
                    .map(|v| rw::verdict(lang, v))
                    .unwrap_or_default(),
                words.content.methods.clone().unwrap_or_default(),
                words.content.conclusion.clone().unwrap_or_default(),
            ))
        })
        .collect();
    let entries = timeline
        .iter()
        .map(|e| entry_line(rwords, lang, page, e, caller, &name))
        .collect();
    let keeper = mine == Some(v.row.centre_agency_id)
        && roles::RECORD_REUNIFICATION.iter().any(|r| actor.has(*r))
        && v.scope == crate::access::Scope::Full;
    let on_case = if keeper || v.row.status == ReunificationStatus::Returned {
        store::case_agencies(db, v.row.case_id, now).await?
    } else {
        Vec::new()
    };
    let my_kind = on_case.iter().find(|a| Some(a.0) == mine).map(|a| a.2);
    let may_inform = roles::PASS_REUNIFICATION_INFORMATION
        .iter()
        .any(|r| actor.has(*r));
    let info_to = match v.row.status {
        ReunificationStatus::Returned if may_inform && mine == Some(v.row.centre_agency_id) => {
            on_case
                .iter()
                .filter(|a| a.2 == AgencyKind::SocialProtection)
                .map(|a| (a.0, a.1.clone()))
                .collect()
        }
        ReunificationStatus::Returned
            if may_inform && my_kind == Some(AgencyKind::SocialProtection) =>
        {
            vec![(v.row.centre_agency_id, name(v.row.centre_agency_id))]
        }
        _ => Vec::new(),
    };
    let stage_options = [Track::Child, Track::Family, Track::AfterReturn]
        .into_iter()
        .filter(|t| crate::reunification::rules::check_track_open(v.row.status, *t).is_ok())
        .map(|t| {
            (
                rw::track(lang, t),
                Stage::of(t)
                    .filter(|s| *s != Stage::EndOfPreventiveWork && *s != Stage::ReturnHome)
                    .map(|s| (api_name(s), rw::stage(lang, s)))
                    .collect(),
            )
        })
        .collect();
    let centre_zone = agencies::store::get(db, v.row.centre_agency_id)
        .await?
        .time_zone;
    Ok(RecordView {
        id: v.row.id,
        case_id: v.row.case_id,
        case_number: case_number(state, caller, v.row.case_id).await?,
        centre: name(v.row.centre_agency_id),
        placed_on: records::date(Some(v.row.placed_on)),
        basis: rw::basis(lang, v.row.placement_basis),
        status: rw::status(lang, v.row.status),
        tracks: tracks(lang, &v),
        next_report: local_time(v.row.report_due_at, page.zone),
        overdue: v.report_overdue(now),
        planned: v.row.inspection_planned_on.map(|d| records::date(Some(d))),
        returned_on: v.row.returned_on.map(|d| records::date(Some(d))),
        warned: v.row.returned_without_inspection,
        ended_on: v.row.ended_on.map(|d| records::date(Some(d))),
        entries,
        diagnostics,
        ipsr_tasks: if keeper {
            store::ipsr_tasks(db, v.row.case_id)
                .await?
                .into_iter()
                .map(|(id, due)| (id, records::date(Some(due))))
                .collect()
        } else {
            Vec::new()
        },
        keeper: keeper && v.row.status != ReunificationStatus::Ended,
        in_care: v.row.status == ReunificationStatus::InCare,
        returned: v.row.status == ReunificationStatus::Returned,
        to_confirm,
        agencies: if keeper {
            on_case
                .iter()
                .filter(|a| a.0 != v.row.centre_agency_id)
                .map(|a| (a.0, a.1.clone()))
                .collect()
        } else {
            Vec::new()
        },
        info_to,
        stage_options,
        today: now
            .with_timezone(&centre_zone.tz())
            .date_naive()
            .to_string(),
    })
}

fn entry_line(
    rwords: &ReunionWords,
    lang: Lang,
    page: &Page,
    e: &EntryView,
    caller: &Caller,
    name: &dyn Fn(Uuid) -> String,
) -> EntryLine {
    let opened = e.words.open(caller);
    let remarks = opened.map(|w| w.remarks.clone()).unwrap_or_default();
    EntryLine {
        id: e.entry.id,
        date: records::date(Some(e.entry.occurred_on)),
        kind: rw::kind(lang, e.entry.kind),
        stage: e.entry.stage.map(|s| rw::stage(lang, s)),
        verdict: e.entry.verdict.map(|v| rw::verdict(lang, v)),
        agency: name(e.entry.agency_id),
        to: e.entry.addressee_agency_id.map(name),
        words: opened.map(|w| labelled(rwords, &w.content)),
        parties: e
            .parties
            .iter()
            .map(|p| PartyLine {
                agency: name(p.agency_id),
                confirmed: p.confirmed_at.map(|t| local_time(t, page.zone)),
                remark: remarks
                    .iter()
                    .find(|(a, _)| *a == p.agency_id)
                    .map(|(_, r)| r.clone()),
            })
            .collect(),
        tasks: e.task_ids.len(),
    }
}

/// An enum value's API name (as the forms post it).
fn api_name<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// What a case page shows of its reunification, if the caller sees one.
pub async fn glance(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    case_id: Uuid,
) -> AppResult<Option<Glance>> {
    let now = db::now();
    let Some(v) = reads::of_case(&state.db, caller, case_id, now).await? else {
        return Ok(None);
    };
    let lang = page.lang;
    let mut tracks = vec![(
        rw::track(lang, Track::Child),
        rw::stage(lang, v.row.child_stage),
    )];
    if let Some(s) = v.row.family_stage {
        tracks.push((rw::track(lang, Track::Family), rw::stage(lang, s)));
    }
    if let Some(s) = v.row.after_stage {
        tracks.push((rw::track(lang, Track::AfterReturn), rw::stage(lang, s)));
    }
    let rwords = rw::words(lang);
    let next = match (v.row.status, v.row.inspection_planned_on) {
        (ReunificationStatus::Ended, _) => String::new(),
        (ReunificationStatus::InCare, Some(d)) => {
            format!("{} {}", rwords.inspection_planned, records::date(Some(d)))
        }
        _ => format!(
            "{} {}",
            rwords.next_report,
            local_time(v.row.report_due_at, page.zone)
        ),
    };
    Ok(Some(Glance {
        id: v.row.id,
        status: rw::status(lang, v.row.status),
        tracks,
        next,
        warned: v.row.returned_without_inspection,
    }))
}

/// Whether the caller may start a record on a case it reads in FULL: rehabilitation
/// staff or a head of a centre. The service decides for good.
pub async fn may_start(state: &AppState, caller: &Caller) -> bool {
    let Ok(actor) = caller.actor() else {
        return false;
    };
    if !roles::RECORD_REUNIFICATION.iter().any(|r| actor.has(*r)) {
        return false;
    }
    match actor.agency_id {
        Some(id) => agencies::store::get(&state.db, id)
            .await
            .is_ok_and(|a| a.kind == AgencyKind::RehabilitationCentre),
        None => false,
    }
}

/// The posted form, as pairs (checkboxes repeat their name).
struct Posted(Vec<(String, String)>);

impl Posted {
    fn parse(body: &Bytes) -> Posted {
        Posted(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .take(200)
                .collect(),
        )
    }
    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
    fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default()
    }
    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    fn date(&self, name: &str, field: &str) -> AppResult<NaiveDate> {
        NaiveDate::parse_from_str(self.text(name).trim(), "%Y-%m-%d")
            .map_err(|_| AppError::bad_input(field, "is not a date"))
    }
    fn choice<T: DeserializeOwned>(&self, name: &str, field: &str) -> AppResult<T> {
        serde_json::from_value(serde_json::Value::String(self.text(name)))
            .map_err(|_| AppError::bad_input(field, "choose one of the listed values"))
    }
    fn ids(&self, name: &str, field: &str) -> AppResult<Vec<Uuid>> {
        self.all(name)
            .iter()
            .enumerate()
            .map(|(i, v)| {
                Uuid::parse_str(v.trim())
                    .map_err(|_| AppError::bad_input(format!("{field}[{i}]"), "not an id"))
            })
            .collect()
    }
    fn optional(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.trim().is_empty())
    }
}

/// `POST /reunification/{id}/{step}`: one step from the record's page; the page again,
/// or with the refusal naming the field.
pub async fn step(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path((id, step)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let here = format!("/reunification/{id}");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    let form = Posted::parse(&body);
    if !session::form_ok(&headers, &form.text("csrf")) {
        return page::form_expired(&page);
    }
    let result = take_step(&state, &caller, id, &step, &form).await;
    match result {
        Ok(()) => Redirect::to(&format!("/reunification/{id}")).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), &here)
        }
        Err(error) => {
            let (status, message) = refusal(words_of(&page), &error);
            render(&state, &caller, &page, id, Some(message), status).await
        }
    }
}

async fn take_step(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    step: &str,
    f: &Posted,
) -> AppResult<()> {
    let (db, now) = (&state.db, db::now());
    match step {
        "report" => {
            let stage: Stage = f.choice("stage", "stage")?;
            let report = reunion::Report {
                track: stage.track(),
                stage,
                occurred_on: f.date("occurred_on", "occurredOn")?,
                summary: f.text("summary"),
                wellbeing: f.optional("wellbeing"),
                attitude: f.optional("attitude"),
                parents_readiness: f.optional("parents_readiness"),
                recommendation: f.optional("recommendation"),
                task_ids: f.ids("task", "taskIds")?,
            };
            reunion::report(db, caller, id, report, now).await?;
        }
        "diagnostics" => {
            let phase: Verdict = f.choice("phase", "phase")?;
            let on = f.date("occurred_on", "occurredOn")?;
            let (methods, conclusion) = (f.text("methods"), f.text("conclusion"));
            reunion::diagnostics(db, caller, id, on, phase, &methods, &conclusion, now).await?;
        }
        "visit" => {
            let kind: Verdict = f.choice("visit_kind", "visitKind")?;
            let on = f.date("occurred_on", "occurredOn")?;
            reunion::visit(db, caller, id, on, kind, &f.text("findings"), now).await?;
        }
        "plan" => {
            let on = f.date("planned_on", "plannedOn")?;
            let parties = f.ids("party", "partyAgencyIds")?;
            reunion::plan_inspection(db, caller, id, on, &parties, now).await?;
        }
        "inspection" => {
            let verdict: Verdict = f.choice("verdict", "verdict")?;
            let on = f.date("occurred_on", "occurredOn")?;
            let parties = f.ids("party", "partyAgencyIds")?;
            let findings = f.text("findings");
            reunion::record_inspection(db, caller, id, on, &parties, &findings, verdict, now)
                .await?;
        }
        "confirm" => {
            let entry = Uuid::parse_str(f.text("entry_id").trim())
                .map_err(|_| AppError::bad_input("entryId", "not an id"))?;
            reunion::confirm_inspection(db, caller, entry, f.optional("remark"), now).await?;
        }
        "return" => {
            let r = reunion::Return {
                returned_on: f.date("returned_on", "returnedOn")?,
                handed_over_by: f.text("handed_over_by"),
                received_by: f.text("received_by"),
                documents: f.optional("documents"),
                without_inspection_reason: f.optional("without_inspection_reason"),
            };
            reunion::record_return(db, caller, id, r, now).await?;
        }
        "information" => {
            let on = f.date("occurred_on", "occurredOn")?;
            let to = f
                .optional("to_agency")
                .map(|v| Uuid::parse_str(v.trim()))
                .transpose()
                .map_err(|_| AppError::bad_input("toAgencyId", "not an id"))?;
            reunion::pass_information(db, caller, id, on, to, &f.text("text"), now).await?;
        }
        "end" => {
            let on = f.date("ended_on", "endedOn")?;
            let (reason, conclusion) = (f.text("reason"), f.text("conclusion"));
            reunion::end_work(db, caller, id, on, &reason, &conclusion, now).await?;
        }
        _ => return Err(AppError::NotFound("step")),
    }
    Ok(())
}

/// A refused step in the user's words, naming the field at fault (never the server's text).
fn refusal(words: &ReunionWords, error: &AppError) -> (StatusCode, String) {
    match error {
        AppError::BadUserInput { field, .. } => (
            StatusCode::BAD_REQUEST,
            format!("{}: {field}", words.refused),
        ),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, words.not_allowed.to_owned()),
        _ => (StatusCode::CONFLICT, words.settled.to_owned()),
    }
}

/// `POST /cases/{id}/reunification`: starts the record, then opens it; a refusal shows
/// the case page again with the reason.
pub async fn start(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let here = format!("/cases/{id}");
    let (page, case_id) = match page::case_frame(&state, &caller, &headers, &id, &here).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let form = Posted::parse(&body);
    if !session::form_ok(&headers, &form.text("csrf")) {
        return page::form_expired(&page);
    }
    let result = async {
        let new = reunion::Start {
            case_id,
            placed_on: form.date("placed_on", "placedOn")?,
            placement_basis: form.choice("placement_basis", "placementBasis")?,
        };
        reunion::start(&state.db, &caller, new, db::now()).await
    }
    .await;
    match result {
        Ok(row) => Redirect::to(&format!("/reunification/{}", row.id)).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), &here)
        }
        Err(error) => {
            let (status, message) = refusal(words_of(&page), &error);
            super::case::render(&state, &caller, &page, case_id, Some(&message), status).await
        }
    }
}
