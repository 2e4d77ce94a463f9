//! The lead's form to hand a case over, refer it or inform another body
//! (`/cases/{id}/handovers/new`), posted as multipart with its scans to
//! `/cases/{id}/handovers`. It calls the same `handovers::request` as the API's
//! `requestHandover`, so every rule (who may send, the receiver, the sharing ground, the
//! documents) is checked there once. Opened from an MRG recommendation
//! (`?recommendation=`), the form comes filled with its agency and words, and the request
//! carries the recommendation out in the same step.

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use super::handover::record_word;
use super::i18n::Lang;
use super::page::{self, Page};
use super::session;
use crate::access::{Caller, Scope};
use crate::app::AppState;
use crate::cases::model::CaseStatus;
use crate::error::{AppError, AppResult};
use crate::graphql::Schemas;
use crate::handovers::model::{HandoverKind, PackageRecord};
use crate::handovers::{self, NewHandover, Settings};
use crate::{agencies, cases, db, mrg};

/// What the form holds: empty, filled from a recommendation, or as posted when refused.
#[derive(Default)]
pub struct Entered {
    pub kind: String,
    pub to_agency_id: String,
    pub reason: String,
    pub records: Vec<String>,
    pub consent_override_reason: String,
    pub order_number: String,
    pub order_date: String,
    pub recommendation_id: String,
    /// Documents of the case's personal file ticked for the package.
    pub file_documents: Vec<String>,
    csrf: String,
    documents: Vec<(String, Vec<u8>)>,
}

impl Entered {
    /// Whether a document of the file is ticked.
    pub fn has_file(&self, id: &Uuid) -> bool {
        let id = id.to_string();
        self.file_documents.contains(&id)
    }

    /// Whether a package record's box is ticked.
    pub fn has(&self, record: &str) -> bool {
        self.records.iter().any(|r| r == record)
    }
}

/// The form's words, in Russian and English.
pub struct RequestWords {
    pub title: &'static str,
    pub lead: &'static str,
    pub kind: &'static str,
    pub kind_referral: &'static str,
    pub kind_transfer: &'static str,
    pub kind_notice: &'static str,
    pub to: &'static str,
    pub choose: &'static str,
    pub reason: &'static str,
    pub package: &'static str,
    pub documents: &'static str,
    pub documents_hint: &'static str,
    pub from_file: &'static str,
    pub order: &'static str,
    pub order_number: &'static str,
    pub order_date: &'static str,
    pub override_reason: &'static str,
    pub override_hint: &'static str,
    pub from_recommendation: &'static str,
    pub send: &'static str,
    pub back: &'static str,
    pub open_form: &'static str,
    pub refused_agency: &'static str,
    pub refused_reason: &'static str,
    pub refused_order: &'static str,
    pub refused_order_date: &'static str,
    pub refused_consent: &'static str,
    pub refused_document: &'static str,
    pub refused_recommendation: &'static str,
    pub refused_kind: &'static str,
    pub refused_pending: &'static str,
    pub not_allowed: &'static str,
}

static RU: RequestWords = RequestWords {
    title: "Передача, направление, информирование",
    lead: "Запрос уходит в учреждение-получатель; оно принимает или отклоняет его. До решения получатель видит только краткие сведения и отмеченный пакет.",
    kind: "Что сделать",
    kind_referral: "Направить (услуга другого учреждения, дело остаётся у нас)",
    kind_transfer: "Передать дело (ведущим станет получатель; нужен приказ руководителя)",
    kind_notice: "Информировать органы соцзащиты или опеки (ст. 9 120-ФЗ)",
    to: "Учреждение-получатель",
    choose: "— выберите —",
    reason: "Основание и что нужно от получателя",
    package: "Пакет для получателя",
    documents: "Скан-копии (PDF, JPEG, PNG)",
    documents_hint: "Можно выбрать несколько файлов.",
    from_file: "Документы из личного дела",
    order: "Приказ руководителя (для передачи дела)",
    order_number: "Номер приказа",
    order_date: "Дата приказа",
    override_reason: "Основание передать сведения без согласия (только руководитель)",
    override_hint: "Нужно, если согласие на обработку персональных данных не охватывает получателя и это не передача в опеку и не информирование.",
    from_recommendation: "По рекомендации МРГ",
    send: "Отправить запрос",
    back: "Вернуться к делу",
    open_form: "Передать, направить или информировать",
    refused_agency: "Выберите учреждение-получатель, которое может принять такой запрос.",
    refused_reason: "Укажите основание.",
    refused_order: "Для передачи дела укажите номер и дату приказа руководителя.",
    refused_order_date: "Дата приказа не может быть позже сегодняшней.",
    refused_consent: "Согласие не охватывает получателя: руководитель указывает основание передать сведения без согласия.",
    refused_document: "Файл не принят: нужен PDF, JPEG или PNG в пределах допустимого размера.",
    refused_recommendation: "Рекомендация относится к другому делу или адресована другому учреждению.",
    refused_kind: "Выберите, что сделать.",
    refused_pending: "Запрос не отправлен: этому учреждению уже направлен запрос по делу, или дело закрыто, или рекомендация уже выполнена.",
    not_allowed: "Это может сделать только руководитель.",
};

static EN: RequestWords = RequestWords {
    title: "Hand over, refer, inform",
    lead: "The request goes to the receiving agency, which accepts or declines it. Until then it sees only the summary and the package you tick.",
    kind: "What to do",
    kind_referral: "Refer (another agency's service; the case stays with us)",
    kind_transfer: "Transfer the case (the receiver leads it; the head's order is needed)",
    kind_notice: "Inform social protection or guardianship (120-FZ art. 9)",
    to: "Receiving agency",
    choose: "— choose —",
    reason: "The ground, and what the receiver is asked to do",
    package: "The package for the receiver",
    documents: "Scans (PDF, JPEG, PNG)",
    documents_hint: "You may choose several files.",
    from_file: "Documents of the personal file",
    order: "The head's order (for a transfer)",
    order_number: "Order number",
    order_date: "Order date",
    override_reason: "The ground to send without consent (the head only)",
    override_hint: "Needed when no consent to personal-data processing covers the receiver and this is neither a transfer to guardianship nor a notice.",
    from_recommendation: "On the MRG's recommendation",
    send: "Send the request",
    back: "Back to the case",
    open_form: "Hand over, refer or inform",
    refused_agency: "Choose a receiving agency that can take this request.",
    refused_reason: "Give the ground.",
    refused_order: "A transfer needs the head's order: its number and date.",
    refused_order_date: "The order's date cannot be after today.",
    refused_consent: "No consent covers the receiver: the head gives the ground to send without it.",
    refused_document: "A file was refused: PDF, JPEG or PNG within the size limit.",
    refused_recommendation: "The recommendation is about another case or addressed to another agency.",
    refused_kind: "Choose what to do.",
    refused_pending: "Not sent: a request to this agency is already pending for the case, or the case is closed, or the recommendation is settled.",
    not_allowed: "Only the head may do this.",
};

/// The form's words in `lang`.
pub fn words(lang: Lang) -> &'static RequestWords {
    match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

#[derive(Template)]
#[template(path = "web/templates/handover_request.html")]
struct RequestPage<'a> {
    page: &'a Page,
    rw: &'static RequestWords,
    case_id: Uuid,
    case_number: &'a str,
    agencies: &'a [(Uuid, String)],
    records: Vec<(&'static str, &'static str)>,
    /// The case's personal file: id and what it is.
    file: &'a [(Uuid, String)],
    entered: &'a Entered,
    /// The recommendation's words, when the form carries one out.
    recommendation: Option<String>,
    error: Option<&'a str>,
}

/// `?recommendation=` on the form's address.
#[derive(Deserialize)]
pub struct FormQuery {
    recommendation: Option<String>,
}

/// `GET /cases/{id}/handovers/new`: for the lead's people, on an open case read in FULL;
/// anyone else gets the not-found page.
pub async fn form(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<FormQuery>,
) -> Response {
    let here = format!("/cases/{id}/handovers/new");
    let (page, case_id) = match page::case_frame(&state, &caller, &headers, &id, &here).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let mut entered = Entered {
        kind: "REFERRAL".into(),
        ..Entered::default()
    };
    if let Some(rec) = query.recommendation.as_deref() {
        let Ok(rec) = Uuid::parse_str(rec.trim()) else {
            return page::not_found(&page);
        };
        entered.recommendation_id = rec.to_string();
    }
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
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    match view(state, caller, case_id, entered).await {
        Ok((number, agencies, recommendation, filled, file)) => {
            let entered = filled.as_ref().unwrap_or(entered);
            let words = page.words;
            let records = [
                PackageRecord::Persons,
                PackageRecord::SignalSheet,
                PackageRecord::VisitReport,
                PackageRecord::Consents,
            ]
            .into_iter()
            .map(|r| (record_name(r), record_word(words, r)))
            .collect();
            page::html(
                status,
                &RequestPage {
                    page,
                    rw: self::words(page.lang),
                    case_id,
                    case_number: &number,
                    agencies: &agencies,
                    records,
                    file: &file,
                    entered,
                    recommendation,
                    error,
                },
            )
        }
        Err(failure) => page::error(page, caller, failure, &format!("/cases/{case_id}")),
    }
}

/// The case's number, the agencies, the recommendation's words, the form filled from it,
/// and the case's personal file.
type FormView = (
    String,
    Vec<(Uuid, String)>,
    Option<String>,
    Option<Entered>,
    Vec<(Uuid, String)>,
);

/// The case's number, the agencies to choose from, and the recommendation's words (with
/// the form filled from it when it is opened fresh). `NOT_FOUND` unless the caller's
/// agency leads the open case and reads it in FULL, or the recommendation is out of scope.
async fn view(
    state: &AppState,
    caller: &Caller,
    case_id: Uuid,
    entered: &Entered,
) -> AppResult<FormView> {
    let (db, now) = (&state.db, db::now());
    let actor = caller.actor()?;
    let (case, scope) = cases::store::get_visible(db, actor.viewer(), case_id, now).await?;
    if scope != Scope::Full
        || actor.agency_id != Some(case.lead_agency_id)
        || case.status == CaseStatus::Closed
    {
        return Err(AppError::NotFound("case"));
    }
    let filter = agencies::store::AgencyFilter {
        active: Some(true),
        ..Default::default()
    };
    let agencies = agencies::store::list_page(db, &filter, None, 500)
        .await?
        .into_iter()
        .filter(|a| a.id != case.lead_agency_id)
        .map(|a| (a.id, a.name))
        .collect();
    let mut recommendation = None;
    let mut filled = None;
    if let Ok(rec_id) = Uuid::parse_str(&entered.recommendation_id) {
        let rec = mrg::reads::recommendation(db, caller, rec_id, now).await?;
        if rec.row.case_id != case.id {
            return Err(AppError::NotFound("recommendation"));
        }
        let text = rec.text.open(caller).cloned().unwrap_or_default();
        if entered.to_agency_id.is_empty() && entered.reason.is_empty() {
            filled = Some(Entered {
                kind: entered.kind.clone(),
                to_agency_id: rec.row.agency_id.to_string(),
                reason: text.clone(),
                recommendation_id: entered.recommendation_id.clone(),
                ..Entered::default()
            });
        }
        recommendation = Some(text);
    }
    let file = crate::casefiles::reads::documents(db, caller, case.id, now)
        .await?
        .into_iter()
        .map(|d| {
            let title = d.title.unwrap_or_default();
            let label = if title.is_empty() {
                d.file_name
            } else {
                format!("{title} ({})", d.file_name)
            };
            (d.id, label)
        })
        .collect();
    Ok((case.journal_no, agencies, recommendation, filled, file))
}

fn record_name(record: PackageRecord) -> &'static str {
    match record {
        PackageRecord::Persons => "PERSONS",
        PackageRecord::SignalSheet => "SIGNAL_SHEET",
        PackageRecord::VisitReport => "VISIT_REPORT",
        PackageRecord::Consents => "CONSENTS",
    }
}

/// `POST /cases/{id}/handovers` (multipart: `csrf`, `kind`, `to_agency_id`, `reason`, any
/// number of `records` and `documents`, `consent_override_reason`, `order_number`,
/// `order_date`, `recommendation_id`).
pub async fn submit(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Response {
    let here = format!("/cases/{id}/handovers/new");
    let (page, case_id) = match page::case_frame(&state, &caller, &headers, &id, &here).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let Ok(mut entered) = read_form(multipart).await else {
        return page::form_expired(&page);
    };
    if !session::form_ok(&headers, &entered.csrf) {
        return page::form_expired(&page);
    }
    let settings = Settings::from_config(&state.config);
    let documents = std::mem::take(&mut entered.documents);
    let result = match to_request(case_id, &entered, documents) {
        Ok(new) => handovers::request(&state.db, &settings, &caller, new, db::now()).await,
        Err(refused) => Err(refused),
    };
    match result {
        Ok(row) => Redirect::to(&format!("/handovers/{}", row.id)).into_response(),
        Err(AppError::NotFound(what)) => {
            page::error(&page, &caller, AppError::NotFound(what), &here)
        }
        Err(error) => {
            let (status, message) = refusal(words(page.lang), &error);
            render(
                &state,
                &caller,
                &page,
                case_id,
                &entered,
                Some(message),
                status,
            )
            .await
        }
    }
}

/// The request the form describes; a field that cannot be read is refused by name.
fn to_request(
    case_id: Uuid,
    entered: &Entered,
    documents: Vec<(String, Vec<u8>)>,
) -> AppResult<NewHandover> {
    let kind = match entered.kind.as_str() {
        "REFERRAL" => HandoverKind::Referral,
        "TRANSFER" => HandoverKind::Transfer,
        "NOTICE" => HandoverKind::Notice,
        _ => return Err(AppError::bad_input("kind", "choose what to do")),
    };
    let to_agency_id = Uuid::parse_str(entered.to_agency_id.trim())
        .map_err(|_| AppError::bad_input("toAgencyId", "choose an agency"))?;
    let mut records = Vec::new();
    for name in &entered.records {
        let record = match name.as_str() {
            "PERSONS" => PackageRecord::Persons,
            "SIGNAL_SHEET" => PackageRecord::SignalSheet,
            "VISIT_REPORT" => PackageRecord::VisitReport,
            "CONSENTS" => PackageRecord::Consents,
            _ => return Err(AppError::bad_input("package.records", "unknown record")),
        };
        records.push(record);
    }
    let order_date = match entered.order_date.trim() {
        "" => None,
        text => Some(
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| AppError::bad_input("senderOrder.date", "is not a date"))?,
        ),
    };
    let recommendation_id = match entered.recommendation_id.trim() {
        "" => None,
        text => Some(
            Uuid::parse_str(text)
                .map_err(|_| AppError::bad_input("recommendationId", "is not an id"))?,
        ),
    };
    let mut file_documents = Vec::new();
    for id in &entered.file_documents {
        file_documents.push(
            Uuid::parse_str(id.trim())
                .map_err(|_| AppError::bad_input("package.fileDocuments", "is not an id"))?,
        );
    }
    let optional = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    Ok(NewHandover {
        case_id,
        to_agency_id,
        kind,
        reason: entered.reason.clone(),
        records,
        documents,
        file_documents,
        consent_override_reason: optional(&entered.consent_override_reason),
        sender_order_number: optional(&entered.order_number),
        sender_order_date: order_date,
        recommendation_id,
    })
}

/// Reads the multipart form; the body is already held to the upload limit, and each
/// document is checked where it is stored. An empty file field is no document.
async fn read_form(mut multipart: Multipart) -> Result<Entered, ()> {
    let mut form = Entered::default();
    while let Some(field) = multipart.next_field().await.map_err(|_| ())? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "documents" {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(|_| ())?;
            if !(file_name.is_empty() && bytes.is_empty()) {
                form.documents.push((file_name, bytes.to_vec()));
            }
            continue;
        }
        let text = field.text().await.map_err(|_| ())?;
        match name.as_str() {
            "csrf" => form.csrf = text,
            "kind" => form.kind = text,
            "to_agency_id" => form.to_agency_id = text,
            "reason" => form.reason = text,
            "records" if form.records.len() < 8 => form.records.push(text),
            "file_documents" if form.file_documents.len() < 100 => form.file_documents.push(text),
            "consent_override_reason" => form.consent_override_reason = text,
            "order_number" => form.order_number = text,
            "order_date" => form.order_date = text,
            "recommendation_id" => form.recommendation_id = text,
            _ => {}
        }
    }
    Ok(form)
}

/// A refused request in the user's words: the field at fault, never the server's text.
fn refusal(words: &'static RequestWords, error: &AppError) -> (StatusCode, &'static str) {
    let message = match error {
        AppError::BadUserInput { field, .. } => match field.as_str() {
            "kind" => words.refused_kind,
            "toAgencyId" => words.refused_agency,
            "reason" => words.refused_reason,
            "senderOrder" | "senderOrder.number" => words.refused_order,
            "senderOrder.date" => words.refused_order_date,
            "consentOverrideReason" => words.refused_consent,
            "recommendationId" | "responsibleAgencyId" => words.refused_recommendation,
            f if f.starts_with("package.") => words.refused_document,
            _ => words.refused_reason,
        },
        AppError::Forbidden(_) => return (StatusCode::FORBIDDEN, words.not_allowed),
        _ => return (StatusCode::CONFLICT, words.refused_pending),
    };
    (StatusCode::BAD_REQUEST, message)
}
