//! The lead's submission of a case to a working group (заявка на МРГ):
//! `GET /cases/{id}/mrg/new` shows the form (the group, the question, a short summary
//! under the three assessments, and checkboxes for documents of the case's personal file
//! to attach); `POST /cases/{id}/mrg` calls the same `mrg::submit` as the API's
//! `submitCaseToMrg`, so every rule is checked there once. A refusal shows the form again
//! as typed, with the message next to the field at fault.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use super::i18n::Lang;
use super::page::{self, Page};
use super::records;
use super::session;
use crate::access::{Caller, Scope};
use crate::app::AppState;
use crate::cases::model::CaseStatus;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::handovers::Settings;
use crate::mrg::{self, NewSubmission};
use crate::{cases, db};

/// What the form holds: empty, or as posted when refused.
#[derive(Default)]
pub struct Entered {
    pub group_id: String,
    pub question: String,
    pub needs: String,
    pub capacity: String,
    pub resources: String,
    /// Documents of the case's personal file ticked to attach.
    pub file_documents: Vec<String>,
    csrf: String,
}

impl Entered {
    /// Whether a document of the file is ticked.
    pub fn has_file(&self, id: &Uuid) -> bool {
        let id = id.to_string();
        self.file_documents.contains(&id)
    }

    /// Reads the posted form (repeated `file_documents` kept in order, at most 100).
    fn parse(body: &Bytes) -> Entered {
        let mut form = Entered::default();
        for (name, value) in form_urlencoded::parse(body).take(200) {
            let value = value.into_owned();
            match name.as_ref() {
                "csrf" => form.csrf = value,
                "group_id" => form.group_id = value,
                "question" => form.question = value,
                "needs" => form.needs = value,
                "capacity" => form.capacity = value,
                "resources" => form.resources = value,
                "file_documents" if form.file_documents.len() < 100 => {
                    form.file_documents.push(value)
                }
                _ => {}
            }
        }
        form
    }
}

/// The form's words, in Russian and English.
pub struct SubmissionWords {
    pub title: &'static str,
    pub open_form: &'static str,
    pub lead: &'static str,
    pub group: &'static str,
    pub choose: &'static str,
    pub question: &'static str,
    pub needs: &'static str,
    pub capacity: &'static str,
    pub resources: &'static str,
    pub attachments: &'static str,
    pub attachments_hint: &'static str,
    pub no_file: &'static str,
    pub send: &'static str,
    pub refused_group: &'static str,
    pub refused_text: &'static str,
    pub refused_document: &'static str,
    pub refused_case: &'static str,
    pub not_allowed: &'static str,
}

static RU: SubmissionWords = SubmissionWords {
    title: "Заявка на рассмотрение случая МРГ",
    open_form: "Подать заявку на МРГ",
    lead: "Секретарь группы включит случай в повестку заседания. Члены группы увидят краткие сведения о случае; приложенные документы получат только председатель и секретарь.",
    group: "Рабочая группа",
    choose: "— выберите —",
    question: "Вопрос к группе",
    needs: "Потребности ребёнка (кратко)",
    capacity: "Возможности родителей их удовлетворить (кратко)",
    resources: "Ресурсы семьи (кратко)",
    attachments: "Документы из личного дела",
    attachments_hint: "Не больше 10 документов. Группа получит копии в том виде, в каком они сейчас в деле.",
    no_file: "В личном деле нет документов.",
    send: "Подать заявку",
    refused_group: "Выберите рабочую группу, в которую входит ваше учреждение.",
    refused_text: "Заполните поле.",
    refused_document: "Документ не принят: выберите документы из личного дела этого случая, каждый один раз, не больше 10.",
    refused_case: "Заявку может подать только ведущее учреждение по открытому случаю.",
    not_allowed: "Заявку подаёт куратор случая или руководитель ведущего учреждения, входящего в группу.",
};

static EN: SubmissionWords = SubmissionWords {
    title: "Submit the case to the MRG",
    open_form: "Submit to the MRG",
    lead: "The group's secretary puts the case on a meeting's agenda. Members see the case's summary; only the chair and the secretary get the attached documents.",
    group: "Working group",
    choose: "— choose —",
    question: "Question to the group",
    needs: "The child's needs (in short)",
    capacity: "The parents' capacity to meet them (in short)",
    resources: "The family's resources (in short)",
    attachments: "Documents of the personal file",
    attachments_hint: "At most 10. The group gets copies as they are in the file now.",
    no_file: "The personal file holds no documents.",
    send: "Submit",
    refused_group: "Choose a working group your agency is a member of.",
    refused_text: "Fill this in.",
    refused_document: "Not accepted: pick documents of this case's file, each once, at most 10.",
    refused_case: "Only the lead agency submits an open case.",
    not_allowed: "The case's curator or the lead's head submits, for an agency that is a member of the group.",
};

/// The words in the page's language.
pub fn words(lang: Lang) -> &'static SubmissionWords {
    match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

/// A document of the file to pick: id, what it is, its size.
pub struct FileChoice {
    pub id: Uuid,
    pub label: String,
    pub size: String,
}

#[derive(Template)]
#[template(path = "web/templates/mrg_submission.html")]
struct SubmissionPage<'a> {
    page: &'a Page,
    sw: &'static SubmissionWords,
    case_id: Uuid,
    case_number: &'a str,
    groups: &'a [(Uuid, String)],
    file: &'a [FileChoice],
    entered: &'a Entered,
    /// The field at fault (`group`, `question`, … `documents`, or `form`) and the message.
    error: Option<(&'static str, &'static str)>,
}

impl SubmissionPage<'_> {
    /// The message to show next to field `name`, if it is the one at fault.
    fn error_at(&self, name: &str) -> Option<&'static str> {
        self.error.filter(|(f, _)| *f == name).map(|(_, m)| m)
    }
}

/// `GET /cases/{id}/mrg/new`: for the lead's people, on an open case read in FULL;
/// anyone else gets the not-found page.
pub async fn form(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/cases/{id}/mrg/new");
    let (page, case_id) = match page::case_frame(&state, &caller, &headers, &id, &here).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let entered = Entered::default();
    render(
        &state,
        &caller,
        &page,
        case_id,
        &entered,
        None,
        StatusCode::OK,
    )
    .await
}

async fn render(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    case_id: Uuid,
    entered: &Entered,
    error: Option<(&'static str, &'static str)>,
    status: StatusCode,
) -> Response {
    match view(state, caller, case_id, page.lang).await {
        Ok((number, groups, file)) => page::html(
            status,
            &SubmissionPage {
                page,
                sw: words(page.lang),
                case_id,
                case_number: &number,
                groups: &groups,
                file: &file,
                entered,
                error,
            },
        ),
        Err(failure) => page::error(page, caller, failure, &format!("/cases/{case_id}")),
    }
}

/// The case's number, the groups the caller's agency is a member of, and the case's
/// personal file. `NOT_FOUND` unless the caller's agency leads the open case and reads
/// it in FULL.
async fn view(
    state: &AppState,
    caller: &Caller,
    case_id: Uuid,
    lang: Lang,
) -> AppResult<(String, Vec<(Uuid, String)>, Vec<FileChoice>)> {
    let (db, now) = (&state.db, db::now());
    let actor = caller.actor()?;
    let (case, scope) = cases::store::get_visible(db, actor.viewer(), case_id, now).await?;
    if scope != Scope::Full
        || actor.agency_id != Some(case.lead_agency_id)
        || case.status == CaseStatus::Closed
    {
        return Err(AppError::NotFound("case"));
    }
    let groups = mrg::reads::groups(db, caller, now)
        .await?
        .into_iter()
        .map(|g| (g.group.id, g.group.name))
        .collect();
    let file = crate::casefiles::reads::documents(db, caller, case.id, now)
        .await?
        .into_iter()
        .map(|d| {
            let kind = match lang {
                Lang::Ru => d.doc_type.name_ru(),
                Lang::En => d.doc_type.name_en(),
            };
            let label = match d.title {
                Some(title) if !title.is_empty() => format!("{title} ({kind}, {})", d.file_name),
                _ => format!("{kind} ({})", d.file_name),
            };
            FileChoice {
                id: d.id,
                label,
                size: records::file_size(d.size_bytes),
            }
        })
        .collect();
    Ok((case.journal_no, groups, file))
}

/// `POST /cases/{id}/mrg` (`csrf`, `group_id`, `question`, `needs`, `capacity`,
/// `resources`, any number of `file_documents`).
pub async fn submit(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let here = format!("/cases/{id}/mrg/new");
    let (page, case_id) = match page::case_frame(&state, &caller, &headers, &id, &here).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let entered = Entered::parse(&body);
    if !session::form_ok(&headers, &entered.csrf) {
        return page::form_expired(&page);
    }
    let settings = Settings::from_config(&state.config);
    let result = match to_submission(case_id, &entered) {
        Ok(new) => mrg::submit(&state.db, &settings, &caller, new, db::now()).await,
        Err(refused) => Err(refused),
    };
    match result {
        Ok(_) => Redirect::to(&format!("/cases/{case_id}")).into_response(),
        Err(AppError::NotFound(_)) if !entered.file_documents.is_empty() => {
            // A ticked document no longer readable (removed meanwhile): said by the list;
            // a case out of scope shows the not-found page when the form is drawn again.
            let sw = words(page.lang);
            let error = Some(("documents", sw.refused_document));
            let status = StatusCode::NOT_FOUND;
            render(&state, &caller, &page, case_id, &entered, error, status).await
        }
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), &here)
        }
        Err(error) => {
            let (status, at) = refusal(words(page.lang), &error);
            render(&state, &caller, &page, case_id, &entered, Some(at), status).await
        }
    }
}

/// The submission the form describes; a field that cannot be read is refused by name.
fn to_submission(case_id: Uuid, entered: &Entered) -> AppResult<NewSubmission> {
    let group_id = Uuid::parse_str(entered.group_id.trim())
        .map_err(|_| AppError::bad_input("groupId", "choose a group"))?;
    let mut file_documents = Vec::new();
    for (i, id) in entered.file_documents.iter().enumerate() {
        file_documents.push(
            Uuid::parse_str(id.trim())
                .map_err(|_| AppError::bad_input(format!("fileDocumentIds[{i}]"), "not an id"))?,
        );
    }
    Ok(NewSubmission {
        group_id,
        case_id,
        question: entered.question.clone(),
        needs: entered.needs.clone(),
        capacity: entered.capacity.clone(),
        resources: entered.resources.clone(),
        file_documents,
    })
}

/// A refused submission in the user's words, by the field at fault.
fn refusal(
    words: &'static SubmissionWords,
    error: &AppError,
) -> (StatusCode, (&'static str, &'static str)) {
    let at = match error {
        AppError::BadUserInput { field, .. } => match field.as_str() {
            "groupId" => ("group", words.refused_group),
            "question" => ("question", words.refused_text),
            "needs" => ("needs", words.refused_text),
            "capacity" => ("capacity", words.refused_text),
            "resources" => ("resources", words.refused_text),
            "caseId" => ("form", words.refused_case),
            f if f.starts_with("fileDocumentIds") => ("documents", words.refused_document),
            _ => ("form", words.refused_case),
        },
        AppError::Forbidden(_) => return (StatusCode::FORBIDDEN, ("form", words.not_allowed)),
        _ => return (StatusCode::CONFLICT, ("form", words.refused_case)),
    };
    (StatusCode::BAD_REQUEST, at)
}

/// A submission's attachment as the meeting page links it.
pub struct AttachmentLink {
    pub id: Uuid,
    /// Its title (or type) and file name.
    pub label: String,
    pub size: String,
    /// The day it was uploaded to the personal file.
    pub uploaded: String,
}

/// The attachments of agenda item `item`'s submission the caller reads (the meeting page
/// asks only for the chair and secretary), each to download.
pub(super) async fn attachment_links(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    item: &crate::mrg::model::ItemRow,
) -> AppResult<Vec<AttachmentLink>> {
    let (Some(submission), Some(case_id)) = (item.submission_id, item.case_id) else {
        return Ok(Vec::new());
    };
    let rows =
        mrg::attachments::of_submission(&state.db, caller, submission, case_id, db::now()).await?;
    Ok(rows
        .into_iter()
        .map(|a| {
            let kind = match lang {
                Lang::Ru => a.doc_type.name_ru(),
                Lang::En => a.doc_type.name_en(),
            };
            let label = match a.title {
                Some(title) if !title.is_empty() => format!("{title} ({})", a.file_name),
                _ => format!("{kind} ({})", a.file_name),
            };
            AttachmentLink {
                id: a.id,
                label,
                size: records::file_size(a.size_bytes),
                uploaded: records::date(Some(a.uploaded_at.date_naive())),
            }
        })
        .collect())
}
