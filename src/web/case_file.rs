//! The personal file on a case's page: its documents with download links (through the
//! audited `GET /documents/{id}`), the checklist of what a complete file holds for the
//! lead agency's kind with what is missing, the upload form (a plain multipart POST,
//! no JavaScript: `POST /cases/{id}/documents`) and each document's removal form
//! (`POST /case-documents/{id}/remove`). Everything is read through `casefiles::reads`,
//! in FULL scope only.

use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use uuid::Uuid;

use super::i18n::{local_time, Lang};
use super::page::{self, Page};
use super::{records, session};
use crate::access::Caller;
use crate::app::AppState;
use crate::casefiles::model::CaseDocumentType;
use crate::casefiles::{self, reads, rules, NewDocument};
use crate::cases::model::{CaseRow, CaseStatus};
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::{db, users};

/// The personal file's words in one language.
pub struct FileWords {
    pub heading: &'static str,
    pub none: &'static str,
    pub kind: &'static str,
    pub title: &'static str,
    pub file: &'static str,
    pub size: &'static str,
    pub added: &'static str,
    pub checklist: &'static str,
    pub complete: &'static str,
    pub present: &'static str,
    pub missing: &'static str,
    pub add_heading: &'static str,
    pub add: &'static str,
    pub scans_only: &'static str,
    pub remove: &'static str,
    pub reason: &'static str,
    pub file_refused: &'static str,
    pub title_too_long: &'static str,
    pub kind_required: &'static str,
    pub reason_required: &'static str,
    pub not_allowed: &'static str,
    pub closed: &'static str,
    pub added_event: &'static str,
    pub removed_event: &'static str,
}

/// Русский.
pub const RU: FileWords = FileWords {
    heading: "Личное дело",
    none: "В личном деле нет документов.",
    kind: "Документ",
    title: "Название",
    file: "Файл",
    size: "Размер",
    added: "Добавлен",
    checklist: "Состав личного дела",
    complete: "Личное дело собрано полностью.",
    present: "есть",
    missing: "нет",
    add_heading: "Добавить документ",
    add: "Добавить",
    scans_only: "Скан или фото: PDF, JPEG или PNG.",
    remove: "Исключить",
    reason: "Причина",
    file_refused:
        "Файл не принят: нужен непустой скан в PDF, JPEG или PNG не больше допустимого размера.",
    title_too_long: "Название слишком длинное (не больше 200 знаков).",
    kind_required: "Выберите вид документа.",
    reason_required: "Укажите причину.",
    not_allowed: "Личное дело ведёт организация, ведущая случай.",
    closed: "Случай закрыт: его документы больше не меняются.",
    added_event: "Документ добавлен в личное дело",
    removed_event: "Документ исключён из личного дела",
};

/// English.
pub const EN: FileWords = FileWords {
    heading: "Personal file",
    none: "The personal file holds no documents.",
    kind: "Document",
    title: "Title",
    file: "File",
    size: "Size",
    added: "Added",
    checklist: "What the file holds",
    complete: "The personal file is complete.",
    present: "present",
    missing: "missing",
    add_heading: "Add a document",
    add: "Add",
    scans_only: "A scan or photo: PDF, JPEG or PNG.",
    remove: "Remove",
    reason: "Reason",
    file_refused:
        "The file was refused: a non-empty PDF, JPEG or PNG scan within the size limit is needed.",
    title_too_long: "The title is too long (200 characters at most).",
    kind_required: "Choose the kind of document.",
    reason_required: "Give a reason.",
    not_allowed: "The agency that leads the case keeps its file.",
    closed: "The case is closed: its documents no longer change.",
    added_event: "Document added to the personal file",
    removed_event: "Document removed from the personal file",
};

/// The words for the page's language.
pub fn words(lang: Lang) -> &'static FileWords {
    match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

/// A document type's name in the page's language.
pub fn type_name(lang: Lang, t: CaseDocumentType) -> &'static str {
    match lang {
        Lang::Ru => t.name_ru(),
        Lang::En => t.name_en(),
    }
}

/// A timeline entry of the file, in the user's words.
pub fn event_word(lang: Lang, kind: &str) -> Option<&'static str> {
    match kind {
        "CASE_DOCUMENT_ADDED" => Some(words(lang).added_event),
        "CASE_DOCUMENT_REMOVED" => Some(words(lang).removed_event),
        _ => None,
    }
}

/// A document as the file lists it.
pub struct DocumentLine {
    pub id: Uuid,
    pub kind: &'static str,
    pub title: String,
    pub file_name: String,
    pub size: String,
    pub added: String,
    pub by: String,
    pub can_remove: bool,
}

/// The file as the case page shows it.
pub struct FileView {
    pub w: &'static FileWords,
    pub documents: Vec<DocumentLine>,
    /// Each item of the lead kind's checklist: its name and whether the file holds it.
    pub checklist: Vec<(&'static str, bool)>,
    pub missing: usize,
    /// The types to choose from, when the viewer may add documents.
    pub add: Option<Vec<(&'static str, &'static str)>>,
}

/// The file of `case` for a viewer who opened the case's personal part (FULL scope).
pub async fn view(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    case: &CaseRow,
) -> AppResult<FileView> {
    let (db, now) = (&state.db, db::now());
    let actor = caller.actor()?;
    let rows = reads::documents(db, caller, case.id, now).await?;
    let checklist = reads::checklist(db, caller, case.id, case.lead_agency_id, now).await?;
    let keeps = actor.agency_id == Some(case.lead_agency_id)
        && case.status != CaseStatus::Closed
        && rules::KEEP_FILE.iter().any(|r| actor.has(*r));
    let head = rules::REMOVE_ANY.iter().any(|r| actor.has(*r));
    let mut documents = Vec::with_capacity(rows.len());
    for d in rows {
        let by = users::get(db, d.uploaded_by_user_id)
            .await
            .map(|u| u.row.name)
            .unwrap_or_default();
        documents.push(DocumentLine {
            id: d.id,
            kind: type_name(page.lang, d.doc_type),
            title: d.title.unwrap_or_default(),
            file_name: d.file_name,
            size: records::file_size(d.size_bytes),
            added: local_time(d.uploaded_at, page.zone),
            by,
            can_remove: keeps && rules::may_remove(head, actor.user_id, d.uploaded_by_user_id),
        });
    }
    let add = keeps.then(|| {
        CaseDocumentType::ALL
            .iter()
            .map(|t| (t.as_str(), type_name(page.lang, *t)))
            .collect()
    });
    Ok(FileView {
        w: words(page.lang),
        missing: checklist.iter().filter(|(_, there)| !there).count(),
        checklist: checklist
            .into_iter()
            .map(|(t, there)| (type_name(page.lang, t), there))
            .collect(),
        documents,
        add,
    })
}

struct AddForm {
    csrf: String,
    doc_type: String,
    title: String,
    file: Option<(String, Vec<u8>)>,
}

/// Reads the upload form; the body is already held to the upload limit, and the file's
/// size and type are checked where it is stored. No file chosen is no file.
async fn read_add_form(mut multipart: Multipart) -> Result<AddForm, ()> {
    let mut form = AddForm {
        csrf: String::new(),
        doc_type: String::new(),
        title: String::new(),
        file: None,
    };
    while let Some(field) = multipart.next_field().await.map_err(|_| ())? {
        match field.name() {
            Some("csrf") => form.csrf = field.text().await.map_err(|_| ())?,
            Some("type") => form.doc_type = field.text().await.map_err(|_| ())?,
            Some("title") => form.title = field.text().await.map_err(|_| ())?,
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(|_| ())?;
                if !(name.is_empty() && bytes.is_empty()) {
                    form.file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok(form)
}

/// `POST /cases/{id}/documents` (multipart: `csrf`, `type`, `title`, `file`): adds the
/// document, then the case page again, at its file; a refusal shows the case page with
/// the reason in the user's words.
pub async fn add(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let here = format!("/cases/{id}");
    let (page, case_id) = match page::case_frame(&state, &caller, &headers, &id, &here).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let Ok(form) = read_add_form(multipart).await else {
        return page::form_expired(&page);
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let result = async {
        let doc_type = CaseDocumentType::parse(&form.doc_type)
            .ok_or_else(|| AppError::bad_input("type", "choose a type"))?;
        let (file_name, bytes) = form
            .file
            .ok_or_else(|| AppError::bad_input("file", "choose a file"))?;
        let title = Some(form.title).filter(|t| !t.trim().is_empty());
        let settings = crate::handovers::Settings::from_config(&state.config);
        let new = NewDocument {
            case_id,
            doc_type,
            title,
            file_name,
            bytes,
        };
        casefiles::add(&state.db, &settings, &caller, new, db::now()).await
    }
    .await;
    after(&state, &caller, &page, case_id, result.map(|_| ())).await
}

/// The posted removal.
#[derive(Deserialize)]
pub struct RemoveForm {
    csrf: String,
    case_id: String,
    reason: String,
}

/// `POST /case-documents/{id}/remove` (`csrf`, `case_id`, `reason`).
pub async fn remove(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<RemoveForm>,
) -> Response {
    let here = format!("/cases/{}", form.case_id);
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let (Ok(id), Ok(case_id)) = (Uuid::parse_str(&id), Uuid::parse_str(&form.case_id)) else {
        return page::not_found(&page);
    };
    if !session::form_ok(&headers, &form.csrf) {
        return page::form_expired(&page);
    }
    let result = casefiles::remove(&state.db, &caller, id, &form.reason, db::now()).await;
    after(&state, &caller, &page, case_id, result.map(|_| ())).await
}

async fn after(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    case_id: Uuid,
    result: AppResult<()>,
) -> Response {
    let here = format!("/cases/{case_id}");
    match result {
        Ok(()) => Redirect::to(&format!("{here}#case-file")).into_response(),
        Err(AppError::NotFound(what)) => page::error(page, caller, AppError::NotFound(what), &here),
        Err(error) => {
            let (status, message) = refusal(words(page.lang), &error);
            super::case::render(state, caller, page, case_id, Some(message), status).await
        }
    }
}

/// A refused step in the user's words: the field at fault, never the server's text.
fn refusal(w: &'static FileWords, error: &AppError) -> (StatusCode, &'static str) {
    match error {
        AppError::BadUserInput { field, .. } if field == "file" => {
            (StatusCode::BAD_REQUEST, w.file_refused)
        }
        AppError::BadUserInput { field, .. } if field == "title" => {
            (StatusCode::BAD_REQUEST, w.title_too_long)
        }
        AppError::BadUserInput { field, .. } if field == "reason" => {
            (StatusCode::BAD_REQUEST, w.reason_required)
        }
        AppError::BadUserInput { .. } => (StatusCode::BAD_REQUEST, w.kind_required),
        AppError::Forbidden(_) => (StatusCode::FORBIDDEN, w.not_allowed),
        _ => (StatusCode::CONFLICT, w.closed),
    }
}
