//! The MRG's pages: the meetings list (`/mrg`), a meeting's page (`/mrg/meetings/{id}`,
//! the link in the e-mails) with its agenda, attendance, review of execution and, for
//! the secretary and the chair, the minutes form of each item (`mrg_minutes`; the
//! minutes as shown, `mrg_minutes_rows`) and the approve button;
//! the printed protocol (chair and secretary) and the printed extract (every other
//! agency, its own cases and recommendations only); a recommendation's page
//! (`/mrg/recommendations/{id}`) where its agency records progress. Everything is read
//! through `mrg::reads`, as the API reads it: minutes are opened with the page's caller,
//! which audits the read. Out of scope is the not-found page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::local_time;
use super::mrg_minutes::FormView;
use super::mrg_minutes_rows::{minutes_rows, MinutesRow};
use super::mrg_minutes_words::MinutesWords;
use super::mrg_words::MrgWords;
use super::page::{self, Page};
use super::{records, session};
use crate::access::Caller;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::connection::{encode_cursor, PageRequest};
use crate::graphql::Schemas;
use crate::mrg::meetings::NewAttendee;
use crate::mrg::model::*;
use crate::mrg::reads::{self, MeetingView};
use crate::{agencies, cases, db};

/// A recommendation as the pages show it.
pub struct RecRow {
    pub id: Uuid,
    pub text: String,
    pub to: String,
    pub person: String,
    pub due: String,
    pub status: &'static str,
    pub overdue: bool,
    pub case: String,
    pub case_id: Uuid,
}

/// A meeting as its page shows it.
pub struct MeetingPageView {
    pub id: Uuid,
    pub number: String,
    pub group: String,
    pub when: String,
    pub day: String,
    pub place: String,
    pub kind: String,
    pub family_attends: &'static str,
    pub status: &'static str,
    pub approved: bool,
    pub officer: bool,
    pub chair: bool,
    /// Position, title, the lead presenting, and (for the chair and secretary) the
    /// submission's attachments.
    pub agenda: Vec<(
        i32,
        String,
        String,
        Vec<super::mrg_submission::AttachmentLink>,
    )>,
    pub attendance: Vec<(String, String, String)>,
    pub review: Vec<RecRow>,
    pub minutes: Vec<MinutesRow>,
    pub extracts: Vec<MinutesRow>,
    pub attendee_choices: Vec<(String, String)>,
    pub agencies: Vec<(Uuid, String)>,
}

#[derive(Template)]
#[template(path = "web/templates/mrg_meeting.html")]
struct MeetingPage<'a> {
    page: &'a Page,
    w: &'static MrgWords,
    m: &'a MeetingPageView,
    error: Option<String>,
    goals: Vec<(&'static str, &'static str)>,
    services: Vec<(&'static str, &'static str)>,
    mw: &'static MinutesWords,
    assessments: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "web/templates/mrg_print.html")]
struct PrintPage<'a> {
    page: &'a Page,
    w: &'static MrgWords,
    m: &'a MeetingPageView,
    extract: bool,
}

/// A meeting in the list.
pub struct ListRow {
    pub id: Uuid,
    pub number: String,
    pub when: String,
    pub group: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "web/templates/mrg_list.html")]
struct ListPage<'a> {
    page: &'a Page,
    w: &'static MrgWords,
    meetings: &'a [ListRow],
    /// The cursor of the next page's link, when earlier meetings follow.
    earlier: Option<String>,
    /// Whether this is a later page (it links back to the latest meetings).
    paged: bool,
    recs: &'a [RecRow],
}

pub(super) fn words(page: &Page) -> &'static MrgWords {
    MrgWords::of(page.lang)
}

pub(super) async fn names(state: &AppState, ids: &[Uuid]) -> AppResult<Vec<(Uuid, String)>> {
    let rows = agencies::store::get_many(&state.db, ids).await?;
    Ok(rows.into_iter().map(|a| (a.id, a.name)).collect())
}

pub(super) fn name_of(names: &[(Uuid, String)], id: Uuid) -> String {
    names
        .iter()
        .find(|n| n.0 == id)
        .map(|n| n.1.clone())
        .unwrap_or_default()
}

/// The case's number as the caller sees the case (its scope decides), else a dash.
pub(super) async fn case_number(state: &AppState, caller: &Caller, case: Uuid) -> String {
    let Ok(viewer) = caller.viewer() else {
        return "—".into();
    };
    match cases::store::get_visible(&state.db, viewer, case, db::now()).await {
        Ok((row, _)) => row.journal_no,
        Err(_) => "—".into(),
    }
}

pub(super) async fn rec_rows(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    recs: Vec<reads::RecommendationView>,
) -> AppResult<Vec<RecRow>> {
    let w = words(page);
    let ids: Vec<Uuid> = recs.iter().map(|r| r.row.agency_id).collect();
    let names = names(state, &ids).await?;
    let now = db::now();
    let mut rows = Vec::new();
    for r in recs {
        let text = r.text.open(caller).cloned().unwrap_or_default();
        let row = r.row;
        rows.push(RecRow {
            id: row.id,
            text,
            to: match row.addressee {
                Addressee::Family => {
                    format!("{} ({})", w.to_family, name_of(&names, row.agency_id))
                }
                Addressee::Agency => name_of(&names, row.agency_id),
            },
            person: row.responsible_person.clone().unwrap_or_default(),
            due: records::date(Some(row.due_date)),
            status: w.status(row.status),
            overdue: crate::mrg::rules::is_overdue(row.status, row.due_at, now),
            case: case_number(state, caller, row.case_id).await,
            case_id: row.case_id,
        });
    }
    Ok(rows)
}

async fn meeting_view(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
) -> AppResult<MeetingPageView> {
    let (db, now, w) = (&state.db, db::now(), words(page));
    let view: MeetingView = reads::meeting(db, caller, id, now).await?;
    let m = &view.meeting;
    let group = reads::group(db, caller, m.group_id, now).await?;
    let (members, externals) = reads::people(db, &group).await?;
    let mut agency_ids: Vec<Uuid> = members.iter().map(|m| m.agency_id).collect();
    agency_ids.dedup();
    let agencies = names(state, &agency_ids).await?;
    let agenda_rows = reads::agenda(db, &view).await?;
    let mut agenda = Vec::new();
    for i in agenda_rows {
        let title = match (i.case_id, &i.topic) {
            (Some(case), _) => format!("{} {}", w.case, case_number(state, caller, case).await),
            (None, Some(t)) => t.clone(),
            _ => String::new(),
        };
        let lead = i
            .lead_agency_id
            .map(|a| name_of(&agencies, a))
            .unwrap_or_default();
        let attached = if view.officer() {
            super::mrg_submission::attachment_links(state, caller, page.lang, &i).await?
        } else {
            Vec::new()
        };
        agenda.push((i.position, title, lead, attached));
    }
    let attendance = reads::attendance(db, &view)
        .await?
        .into_iter()
        .map(|a| {
            (
                a.full_name,
                a.organisation,
                a.position_title.unwrap_or_default(),
            )
        })
        .collect();
    let full = view.officer();
    let review_rows = reads::review(db, &view).await?;
    let review = rec_rows(
        state,
        caller,
        page,
        review_rows
            .into_iter()
            .map(|r| reads::RecommendationView::of(r, full))
            .collect(),
    )
    .await?;
    let minutes = match reads::minutes(db, caller, &view).await? {
        Some(items) => minutes_rows(state, caller, page, items).await?,
        None => Vec::new(),
    };
    let extracts = if full {
        Vec::new()
    } else {
        minutes_rows(
            state,
            caller,
            page,
            reads::extracts(db, caller, &view).await?,
        )
        .await?
    };
    let mut attendee_choices: Vec<(String, String)> = members
        .iter()
        .map(|m| {
            (
                format!("user:{}", m.user_id),
                format!("{} ({})", m.name, name_of(&agencies, m.agency_id)),
            )
        })
        .collect();
    attendee_choices.extend(externals.iter().map(|e| {
        (
            format!("external:{}", e.id),
            format!("{} ({}, {})", e.full_name, e.organisation, e.position),
        )
    }));
    Ok(MeetingPageView {
        id: m.id,
        number: m.journal_no.clone(),
        group: group.group.name.clone(),
        when: local_time(m.starts_at, page.zone),
        day: records::date(Some(
            m.starts_at.with_timezone(&page.zone.tz()).date_naive(),
        )),
        place: m
            .place
            .clone()
            .or(m.remote_link.clone())
            .unwrap_or_default(),
        kind: w.kind(m.kind, m.format),
        family_attends: if m.family_attends { w.yes } else { w.no },
        status: if m.minutes_status == MinutesStatus::Approved {
            w.approved
        } else {
            w.draft
        },
        approved: m.minutes_status == MinutesStatus::Approved,
        officer: full,
        chair: full && view.role == Some(MrgRole::Chair),
        agenda,
        attendance,
        review,
        minutes,
        extracts,
        attendee_choices,
        agencies,
    })
}

pub(super) fn parse(id: &str) -> Option<Uuid> {
    Uuid::parse_str(id).ok()
}

/// Meetings a page of `/mrg` lists: a year and a half of monthly meetings of one group.
const MEETINGS_PER_PAGE: i32 = 20;

/// `GET /mrg?after=<cursor>`: the page of meetings after the one that linked here.
#[derive(Deserialize)]
pub struct MeetingsQuery {
    after: Option<String>,
}

/// `GET /mrg`: the meetings of the caller's groups, latest first, a page at a time, and
/// its agency's open recommendations.
pub async fn list(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Query(query): Query<MeetingsQuery>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, "/mrg").await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let built = async {
        let (db, now, w) = (&state.db, db::now(), words(&page));
        let groups = reads::groups(db, &caller, now).await?;
        let request = PageRequest::<(DateTime<Utc>, Uuid)>::parse(
            Some(MEETINGS_PER_PAGE),
            query.after.as_deref().filter(|a| !a.is_empty()),
        )?;
        let mut views = reads::meetings(
            db,
            &caller,
            None,
            request.after.as_ref(),
            now,
            request.fetch_limit(),
        )
        .await?;
        let earlier = (views.len() as i64 > request.size).then(|| {
            views.truncate(request.size as usize);
            views
                .last()
                .map(|v| encode_cursor(&(v.meeting.starts_at, v.meeting.id)))
                .unwrap_or_default()
        });
        let mut meetings = Vec::new();
        for v in views {
            let m = &v.meeting;
            meetings.push(ListRow {
                id: m.id,
                number: m.journal_no.clone(),
                when: local_time(m.starts_at, page.zone),
                group: groups
                    .iter()
                    .find(|g| g.group.id == m.group_id)
                    .map(|g| g.group.name.clone())
                    .unwrap_or_default(),
                status: if m.minutes_status == MinutesStatus::Approved {
                    w.approved
                } else {
                    w.draft
                },
            });
        }
        let recs =
            super::mrg_recommendation::agency_recommendations(&state, &caller, &page).await?;
        let paged = request.after.is_some();
        Ok::<_, AppError>((meetings, earlier, paged, recs))
    };
    match built.await {
        Ok((meetings, earlier, paged, recs)) => page::html(
            StatusCode::OK,
            &ListPage {
                page: &page,
                w: words(&page),
                meetings: &meetings,
                earlier,
                paged,
                recs: &recs,
            },
        ),
        Err(error) => page::error(&page, &caller, error, "/mrg"),
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
    show_page(state, caller, page, id, error, status, None).await
}

/// The meeting's page with one item's minutes form as it was posted (its message
/// inside it); once approved, the form is gone and the message shows on top.
pub(super) async fn render_typed(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
    status: StatusCode,
    typed: Option<(Uuid, FormView)>,
) -> Response {
    show_page(state, caller, page, id, None, status, typed).await
}

async fn show_page(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
    mut error: Option<String>,
    status: StatusCode,
    typed: Option<(Uuid, FormView)>,
) -> Response {
    match meeting_view(state, caller, page, id).await {
        Ok(mut m) => {
            if let Some((item, mut form)) = typed {
                let approved = m.approved;
                match m.minutes.iter_mut().find(|r| r.item_id == item) {
                    Some(row) if !approved => {
                        if form.stale {
                            form.version = row.form.version;
                        }
                        super::mrg_minutes::label(&mut form, &m.agencies);
                        row.form = form;
                    }
                    // Approved meanwhile: no form to keep, the page's general words.
                    _ if form.stale => error = Some(words(page).conflict.into()),
                    _ => error = form.error,
                }
            }
            meeting_page(page, &m, error, status)
        }
        Err(error) => page::error(page, caller, error, &format!("/mrg/meetings/{id}")),
    }
}

fn meeting_page(
    page: &Page,
    m: &MeetingPageView,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let w = words(page);
    page::html(
        status,
        &MeetingPage {
            page,
            w,
            mw: MinutesWords::of(page.lang),
            assessments: Assessment::ALL
                .iter()
                .map(|a| (a.as_str(), w.assessment(*a)))
                .collect(),
            m,
            error,
            goals: LongTermGoal::ALL
                .iter()
                .map(|g| (g.as_str(), w.goal(*g)))
                .collect(),
            services: ServiceType::ALL
                .iter()
                .map(|s| (s.as_str(), w.service(*s)))
                .collect(),
        },
    )
}

/// `GET /mrg/meetings/{id}`.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, &format!("/mrg/meetings/{id}")).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Some(id) = parse(&id) else {
        return page::not_found(&page);
    };
    render(&state, &caller, &page, id, None, StatusCode::OK).await
}

/// `GET /mrg/meetings/{id}/protocol` (chair and secretary) and `/extract` (the others).
pub async fn print(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path((id, what)): Path<(String, String)>,
) -> Response {
    let page = match page::frame(
        &state,
        &caller,
        &headers,
        &format!("/mrg/meetings/{id}/{what}"),
    )
    .await
    {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let (Some(id), extract) = (parse(&id), what == "extract") else {
        return page::not_found(&page);
    };
    if !extract && what != "protocol" {
        return page::not_found(&page);
    }
    match meeting_view(&state, &caller, &page, id).await {
        Ok(m) if !extract && !m.officer => page::error(
            &page,
            &caller,
            AppError::Forbidden("only the chair and secretary"),
            "/mrg",
        ),
        Ok(m) => page::html(
            StatusCode::OK,
            &PrintPage {
                page: &page,
                w: words(&page),
                m: &m,
                extract,
            },
        ),
        Err(error) => page::error(&page, &caller, error, "/mrg"),
    }
}

pub(super) async fn after(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
    result: AppResult<()>,
) -> Response {
    let w = words(page);
    match result {
        Ok(()) => Redirect::to(&format!("/mrg/meetings/{id}")).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(page, caller, AppError::NotFound(what), "/mrg")
        }
        Err(AppError::BadUserInput { field, message }) => {
            render(
                state,
                caller,
                page,
                id,
                Some(format!("{}{field}: {message}", w.refused)),
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Err(AppError::Forbidden(_)) => {
            render(
                state,
                caller,
                page,
                id,
                Some(w.not_allowed.into()),
                StatusCode::FORBIDDEN,
            )
            .await
        }
        Err(AppError::Conflict(_)) => {
            render(
                state,
                caller,
                page,
                id,
                Some(w.conflict.into()),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(other) => page::error(page, caller, other, "/mrg"),
    }
}

/// The posted attendee.
#[derive(Deserialize)]
pub struct AttendeeForm {
    csrf: String,
    #[serde(default)]
    attendee: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    position: String,
}

/// `POST /mrg/meetings/{id}/attendance`: adds one attendee to the list.
pub async fn attend(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<AttendeeForm>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, &format!("/mrg/meetings/{id}")).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Some(id) = parse(&id) else {
        return page::not_found(&page);
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let result = async {
        let view = reads::meeting(&state.db, &caller, id, db::now()).await?;
        let mut list: Vec<NewAttendee> = reads::attendance(&state.db, &view)
            .await?
            .into_iter()
            .map(|a| NewAttendee {
                user_id: a.user_id,
                external_participant_id: a.external_participant_id,
                full_name: Some(a.full_name),
                organisation: Some(a.organisation),
                position: a.position_title,
            })
            .map(|mut a| {
                if a.user_id.is_some() || a.external_participant_id.is_some() {
                    a.full_name = None;
                    a.organisation = None;
                }
                a
            })
            .collect();
        let mut new = NewAttendee::default();
        match form.attendee.split_once(':') {
            Some(("user", u)) => new.user_id = parse(u),
            Some(("external", e)) => new.external_participant_id = parse(e),
            _ => {
                new.full_name = Some(form.full_name);
                new.organisation = Some(form.organisation);
            }
        }
        new.position = Some(form.position).filter(|p| !p.trim().is_empty());
        list.push(new);
        crate::mrg::meetings::record_attendance(&state.db, &caller, id, list, db::now())
            .await
            .map(|_| ())
    };
    let result = result.await;
    after(&state, &caller, &page, id, result).await
}

/// A posted form with only its token.
#[derive(Deserialize)]
pub struct TokenForm {
    csrf: String,
}

/// `POST /mrg/meetings/{id}/approve`.
pub async fn approve(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<TokenForm>,
) -> Response {
    let page = match page::frame(&state, &caller, &headers, &format!("/mrg/meetings/{id}")).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Some(id) = parse(&id) else {
        return page::not_found(&page);
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let result = crate::mrg::minutes::approve(&state.db, &caller, id, db::now())
        .await
        .map(|_| ());
    after(&state, &caller, &page, id, result).await
}
