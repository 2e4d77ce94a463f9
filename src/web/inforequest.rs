//! An information request's page (`/requests/{id}`, the link in the e-mails), laid out as
//! the letter paper practice expects («Запрос информации» with its number and date, from
//! whom, to whom, the questions), with the answer form for the receiver and the withdraw
//! form for the sender; and the "request information" form posted from a case page.
//! Everything is read through `inforequests::reads`, as `informationRequest(id:)` reads
//! it: the person's identity and the answer are opened with the page's caller, which
//! audits the read. A request out of scope is the not-found page.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::{local_time, Words};
use super::page::{self, Page};
use super::records;
use super::session;
use crate::access::{policy, Caller};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::inforequests::model::InformationRequestStatus;
use crate::inforequests::{self, reads, NewAnswer, NewRequest};
use crate::{agencies, cases, db, users};

/// A document of an answer.
pub struct DocumentView {
    pub id: Uuid,
    pub file_name: String,
    pub size: String,
}

/// An answer as the page shows it.
pub struct AnswerView {
    pub text: String,
    pub answered: String,
    pub documents: Vec<DocumentView>,
}

/// The request as its page shows it.
pub struct RequestView {
    pub id: Uuid,
    pub number: String,
    pub requested_on: String,
    pub requested: String,
    pub status: &'static str,
    pub from: String,
    pub to: String,
    pub asked_by: String,
    pub due: String,
    pub overdue: bool,
    /// The person's name and birth date: the receiver's, while the request is open.
    pub person: Option<(String, String)>,
    /// The receiver of a closed request: a note instead of the person.
    pub identity_closed: bool,
    pub questions: Option<String>,
    pub answer: Option<AnswerView>,
    pub withdrawn_because: Option<String>,
    /// The case's id and number, for a viewer that reads the case in FULL.
    pub case: Option<(Uuid, String)>,
    pub can_answer: bool,
    pub can_withdraw: bool,
}

#[derive(Template)]
#[template(path = "web/templates/inforequest.html")]
struct RequestPage<'a> {
    page: &'a Page,
    view: &'a RequestView,
    error: Option<&'a str>,
}

/// A request's status in the user's words.
pub fn status_word(words: &Words, status: InformationRequestStatus) -> &'static str {
    match status {
        InformationRequestStatus::Open => words.info_status_open,
        InformationRequestStatus::Answered => words.info_status_answered,
        InformationRequestStatus::Withdrawn => words.info_status_withdrawn,
    }
}

/// An answer's documents as a page lists them, read with the opened answer.
pub async fn answer_view(
    state: &AppState,
    page: &Page,
    answer: &reads::Answer,
    answered_at: Option<chrono::DateTime<chrono::Utc>>,
) -> AppResult<AnswerView> {
    let documents = reads::documents(&state.db, answer, db::now())
        .await?
        .into_iter()
        .map(|d| DocumentView {
            id: d.id,
            file_name: d.file_name,
            size: records::file_size(d.size_bytes),
        })
        .collect();
    Ok(AnswerView {
        text: answer.text.clone(),
        answered: answered_at
            .map(|t| local_time(t, page.zone))
            .unwrap_or_default(),
        documents,
    })
}

/// `GET /requests/{id}`.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/requests/{id}");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    render(&state, &caller, &page, id, None, StatusCode::OK).await
}

async fn render(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    match view(state, caller, page, id).await {
        Ok(view) => page::html(
            status,
            &RequestPage {
                page,
                view: &view,
                error,
            },
        ),
        Err(error) => page::error(page, caller, error, &format!("/requests/{id}")),
    }
}

async fn view(state: &AppState, caller: &Caller, page: &Page, id: Uuid) -> AppResult<RequestView> {
    let (db, now, words) = (&state.db, db::now(), page.words);
    let actor = caller.actor()?;
    let read = reads::get(db, caller, id, now).await?;
    let r = &read.request;
    let agencies = agencies::store::get_many(db, &[r.from_agency_id, r.to_agency_id]).await?;
    let name = |id: Uuid| {
        agencies
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let person = match read.identity.open(caller) {
        Some(key) => reads::identity(db, key, now)
            .await?
            .map(|i| (i.full_name, records::date(i.birth_date))),
        None => None,
    };
    let answer = match read.answer.open(caller) {
        Some(answer) => Some(answer_view(state, page, answer, r.answered_at).await?),
        None => None,
    };
    let case = match cases::store::get_visible(db, actor.viewer(), r.case_id, now).await {
        Ok((case, crate::access::Scope::Full)) => Some((case.id, case.journal_no)),
        Ok(_) | Err(AppError::NotFound(_)) => None,
        Err(other) => return Err(other),
    };
    let asked_by = users::get(db, r.requested_by_user_id)
        .await
        .map(|u| u.row.name)
        .unwrap_or_default();
    let receiving = actor.agency_id == Some(r.to_agency_id);
    let sending = actor.agency_id == Some(r.from_agency_id);
    let open = r.status == InformationRequestStatus::Open;
    Ok(RequestView {
        id: r.id,
        number: r.journal_no.clone(),
        requested_on: records::date(Some(
            r.requested_at.with_timezone(&page.zone.tz()).date_naive(),
        )),
        requested: local_time(r.requested_at, page.zone),
        status: status_word(words, r.status),
        from: name(r.from_agency_id),
        to: name(r.to_agency_id),
        asked_by,
        due: records::date(Some(r.due_date)),
        overdue: read.overdue(now),
        identity_closed: receiving && !open,
        person,
        questions: r.questions.clone(),
        answer,
        withdrawn_because: r.withdraw_reason.clone(),
        case,
        can_answer: receiving && open && policy::ensure_answers_information(actor).is_ok(),
        can_withdraw: sending
            && open
            && policy::ensure_withdraws_information(actor, r.requested_by_user_id).is_ok(),
    })
}

/// `POST /requests/{id}/answer` (multipart: `csrf`, `text`, any number of `documents`).
pub async fn answer(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let here = format!("/requests/{id}");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    let form = match read_answer_form(multipart).await {
        Ok(form) => form,
        Err(_) => return page::form_expired(&page),
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let settings = crate::handovers::Settings::from_config(&state.config);
    let new = NewAnswer {
        text: form.text,
        documents: form.documents,
    };
    let result = inforequests::answer(&state.db, &settings, &caller, id, new, db::now()).await;
    after_step(&state, &caller, &page, id, result.map(|_| ())).await
}

struct AnswerForm {
    csrf: String,
    text: String,
    documents: Vec<(String, Vec<u8>)>,
}

/// Reads the answer form; the body is already held to the upload limit, and each
/// document's size and type are checked where it is stored. An empty file field (no
/// file chosen) is no document.
async fn read_answer_form(mut multipart: Multipart) -> Result<AnswerForm, ()> {
    let mut form = AnswerForm {
        csrf: String::new(),
        text: String::new(),
        documents: Vec::new(),
    };
    while let Some(field) = multipart.next_field().await.map_err(|_| ())? {
        match field.name() {
            Some("csrf") => form.csrf = field.text().await.map_err(|_| ())?,
            Some("text") => form.text = field.text().await.map_err(|_| ())?,
            Some("documents") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|_| ())?;
                if !(name.is_empty() && bytes.is_empty()) {
                    form.documents.push((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok(form)
}

/// The posted withdrawal.
#[derive(Deserialize)]
pub struct WithdrawForm {
    csrf: String,
    reason: String,
}

/// `POST /requests/{id}/withdraw`.
pub async fn withdraw(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<WithdrawForm>,
) -> Response {
    let here = format!("/requests/{id}");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let result = inforequests::withdraw(&state.db, &caller, id, &form.reason, db::now()).await;
    after_step(&state, &caller, &page, id, result.map(|_| ())).await
}

/// After a step: the request's page again, in its new state, or with the refusal in the
/// user's words.
async fn after_step(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
    result: AppResult<()>,
) -> Response {
    let here = format!("/requests/{id}");
    match result {
        Ok(()) => Redirect::to(&here).into_response(),
        Err(AppError::NotFound(what)) => page::error(page, caller, AppError::NotFound(what), &here),
        Err(error) => {
            let (status, message) = refusal(page.words, &error);
            render(state, caller, page, id, Some(message), status).await
        }
    }
}

/// A refused step in the user's words: the field at fault, never the server's text.
pub fn refusal(words: &'static Words, error: &AppError) -> (StatusCode, &'static str) {
    match error {
        AppError::BadUserInput { field, .. } if field == "dueDate" => {
            (StatusCode::BAD_REQUEST, words.due_date_invalid)
        }
        AppError::BadUserInput { field, .. } if field == "receiverAgencyId" => {
            (StatusCode::BAD_REQUEST, words.agency_required)
        }
        AppError::BadUserInput { field, .. } if field.starts_with("documents") => {
            (StatusCode::BAD_REQUEST, words.document_refused)
        }
        AppError::BadUserInput { field, .. } if field == "reason" => {
            (StatusCode::BAD_REQUEST, words.reason_required)
        }
        AppError::BadUserInput { .. } => (StatusCode::BAD_REQUEST, words.text_required),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, words.not_allowed),
        _ => (StatusCode::CONFLICT, words.request_settled),
    }
}

/// The posted "request information" form of a case page.
#[derive(Deserialize)]
pub struct AskForm {
    csrf: String,
    receiver_agency_id: String,
    questions: String,
    due_date: String,
}

/// `POST /cases/{id}/information-requests`: asks, then opens the new request's page; a
/// refusal shows the case page again with the reason.
pub async fn ask(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<AskForm>,
) -> Response {
    let here = format!("/cases/{id}");
    let (page, case_id) = match page::case_frame(&state, &caller, &headers, &id, &here).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let result = async {
        let new = NewRequest {
            case_id,
            receiver_agency_id: Uuid::parse_str(form.receiver_agency_id.trim())
                .map_err(|_| AppError::bad_input("receiverAgencyId", "choose an agency"))?,
            questions: form.questions,
            due_date: NaiveDate::parse_from_str(form.due_date.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::bad_input("dueDate", "is not a date"))?,
        };
        inforequests::request(&state.db, &caller, new, db::now()).await
    }
    .await;
    match result {
        Ok(row) => Redirect::to(&format!("/requests/{}", row.id)).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), &here)
        }
        Err(error) => {
            let (status, message) = refusal(page.words, &error);
            super::case::render(&state, &caller, &page, case_id, Some(message), status).await
        }
    }
}
