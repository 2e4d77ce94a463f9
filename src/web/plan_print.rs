//! The printable and comparing views of a plan: the client's copy on A4
//! (`/plans/{id}/print?version=`, with its version, two signature lines and the day she
//! received it) and what changed between two versions (`/plans/{id}/diff?from=&to=`).
//! Both read the versions, which only those reading the case in FULL may: anyone else
//! gets the not-found page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::page::{self, Page};
use super::plan::{
    agency_names, area_title, name_of, parse, status_word, title, words, PlanWords, TaskGroup,
    TaskLine,
};
use super::records;
use crate::access::Caller;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::plans::model::{PlanHeader, VersionRow};
use crate::plans::reads::{self, PlanView};
use crate::plans::rules;
use crate::{cases, db};

/// Which version to print, or which two to compare.
#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<i32>,
    from: Option<i32>,
    to: Option<i32>,
}

/// The client's copy as it prints.
pub struct CopyView {
    pub plan_id: Uuid,
    pub title: &'static str,
    pub case_number: String,
    pub version: i32,
    pub written: String,
    pub received: String,
    pub header: PlanHeader,
    pub groups: Vec<TaskGroup>,
}

#[derive(Template)]
#[template(path = "web/templates/plan_print.html")]
struct CopyPage<'a> {
    page: &'a Page,
    w: &'a PlanWords,
    copy: &'a CopyView,
}

async fn version_of(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    no: Option<i32>,
) -> AppResult<(PlanView, VersionRow, String)> {
    let (db, now) = (&state.db, db::now());
    let read = reads::get(db, caller, id, now).await?;
    let Some(full) = read.full.open(caller) else {
        return Err(AppError::NotFound("plan"));
    };
    let no = no.unwrap_or(read.plan.current_version);
    let version = reads::version(db, full, no, now)
        .await?
        .ok_or(AppError::NotFound("version"))?;
    let (case, _) = cases::store::get_visible(db, caller.viewer()?, read.plan.case_id, now).await?;
    Ok((read, version, case.journal_no))
}

/// `GET /plans/{id}/print?version=`: the client's copy on A4.
pub async fn print(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Response {
    let here = format!("/plans/{id}/print");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Some(plan_id) = parse(&id) else {
        return page::not_found(&page);
    };
    let (read, version, case_number) = match version_of(&state, &caller, plan_id, q.version).await {
        Ok(found) => found,
        Err(error) => return page::error(&page, &caller, error, &here),
    };
    let content = version.content.0;
    let ids: Vec<Uuid> = content
        .tasks
        .iter()
        .map(|t| t.responsible_agency_id)
        .collect();
    let names = match agency_names(&state, &ids).await {
        Ok(names) => names,
        Err(error) => return page::error(&page, &caller, error, &here),
    };
    let w = words(&page);
    let groups = rules::areas(read.plan.kind)
        .iter()
        .filter_map(|area| {
            let tasks: Vec<TaskLine> = content
                .tasks
                .iter()
                .filter(|t| t.area == *area)
                .map(|t| TaskLine {
                    id: t.id,
                    client_action: t.client_action.clone().unwrap_or_default(),
                    specialist_action: t.specialist_action.clone().unwrap_or_default(),
                    agency: name_of(&names, t.responsible_agency_id),
                    due: records::date(Some(t.due_on)),
                    overdue: false,
                    status: status_word(w, t.status),
                    status_code: t.status.as_str(),
                    note: String::new(),
                    can_update: false,
                })
                .collect();
            (!tasks.is_empty()).then(|| TaskGroup {
                title: area_title(&page, *area),
                tasks,
            })
        })
        .collect();
    let copy = CopyView {
        plan_id,
        title: title(&page, read.plan.kind),
        case_number,
        version: version.version_no,
        written: records::date(Some(
            version
                .created_at
                .with_timezone(&page.zone.tz())
                .date_naive(),
        )),
        received: records::date(version.client_received_on),
        header: content.header,
        groups,
    };
    page::html(
        StatusCode::OK,
        &CopyPage {
            page: &page,
            w,
            copy: &copy,
        },
    )
}

/// One line of a difference.
pub struct DiffLine {
    pub what: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "web/templates/plan_diff.html")]
struct DiffPage<'a> {
    page: &'a Page,
    w: &'a PlanWords,
    plan_id: Uuid,
    from: i32,
    to: i32,
    lines: &'a [DiffLine],
}

/// `GET /plans/{id}/diff?from=&to=`: what changed between two versions.
pub async fn diff(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<VersionQuery>,
) -> Response {
    let here = format!("/plans/{id}/diff");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Some(plan_id) = parse(&id) else {
        return page::not_found(&page);
    };
    let to = q.to.unwrap_or(2);
    let from = q.from.unwrap_or(to - 1);
    let found = async {
        let (_, a, _) = version_of(&state, &caller, plan_id, Some(from)).await?;
        let (_, b, _) = version_of(&state, &caller, plan_id, Some(to)).await?;
        Ok::<_, AppError>(rules::diff(&a.content.0, &b.content.0))
    }
    .await;
    let d = match found {
        Ok(d) => d,
        Err(error) => return page::error(&page, &caller, error, &here),
    };
    let w = words(&page);
    let mut ids: Vec<Uuid> = d
        .added
        .iter()
        .chain(&d.removed)
        .map(|t| t.responsible_agency_id)
        .collect();
    for c in &d.changed {
        for f in c.fields.iter().filter(|f| f.field == "responsibleAgencyId") {
            ids.extend(
                [&f.before, &f.after]
                    .into_iter()
                    .flatten()
                    .filter_map(|v| Uuid::parse_str(v).ok()),
            );
        }
    }
    let names = agency_names(&state, &ids).await.unwrap_or_default();
    let show = |field: &str, v: &Option<String>| -> String {
        let v = v.clone().unwrap_or_default();
        match field {
            "responsibleAgencyId" => Uuid::parse_str(&v)
                .map(|id| name_of(&names, id))
                .unwrap_or(v),
            "dueOn" => v
                .parse::<NaiveDate>()
                .map(|d| records::date(Some(d)))
                .unwrap_or(v),
            _ => v,
        }
    };
    let task_text = |t: &crate::plans::model::TaskSnapshot| {
        format!(
            "{} — {} ({}, {})",
            t.client_action.clone().unwrap_or_default(),
            t.specialist_action.clone().unwrap_or_default(),
            name_of(&names, t.responsible_agency_id),
            records::date(Some(t.due_on))
        )
    };
    let mut lines: Vec<DiffLine> = d
        .header
        .iter()
        .map(|f| DiffLine {
            what: w.field(f.field).to_owned(),
            before: show(f.field, &f.before),
            after: show(f.field, &f.after),
        })
        .collect();
    lines.extend(d.added.iter().map(|t| DiffLine {
        what: w.task_added.to_owned(),
        before: String::new(),
        after: task_text(t),
    }));
    lines.extend(d.removed.iter().map(|t| DiffLine {
        what: w.task_removed.to_owned(),
        before: task_text(t),
        after: String::new(),
    }));
    for c in &d.changed {
        for f in &c.fields {
            lines.push(DiffLine {
                what: format!("{}: {}", w.task_changed, w.field(f.field)),
                before: show(f.field, &f.before),
                after: show(f.field, &f.after),
            });
        }
    }
    page::html(
        StatusCode::OK,
        &DiffPage {
            page: &page,
            w,
            plan_id,
            from,
            to,
            lines: &lines,
        },
    )
}
