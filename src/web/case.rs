//! A case's page (`/cases/{id}`): its summary for any agency in its scope, and in FULL
//! scope its people, signal sheet, visit report, consents, handovers and timeline.
//! Personal data comes through the read side (`cases::reads`), which notes each read
//! for the audit; a case out of scope is the not-found page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use uuid::Uuid;

use super::i18n::{local_time, Lang};
use super::page::{self, Page};
use super::records::{self, PersonView, Section};
use crate::access::{policy, Caller};
use crate::app::AppState;
use crate::cases::model::{CaseEventRow, CaseRow};
use crate::cases::reads::CasePersonal;
use crate::error::AppResult;
use crate::graphql::Schemas;
use crate::{agencies, cases, db, handovers, inforequests, signals};

/// A handover of the case, as its list shows it.
pub struct HandoverLine {
    pub id: Uuid,
    pub kind: &'static str,
    pub from: String,
    pub to: String,
    pub requested: String,
    pub status: &'static str,
}

/// What FULL scope shows.
pub struct FullView {
    /// The case has a signal sheet (its page to print is linked).
    pub has_sheet: bool,
    pub persons: Vec<PersonView>,
    pub sections: Vec<Section>,
    pub consents: Vec<String>,
    pub handovers: Vec<HandoverLine>,
    pub information_requests: Vec<InformationLine>,
    /// The agencies the viewer may ask for information, when it may ask.
    pub ask: Option<Vec<(Uuid, String)>>,
    pub timeline: Vec<(String, String)>,
    /// The personal file: documents, checklist, upload form.
    pub file: super::case_file::FileView,
}

/// An information request of the case, with its answer once given.
pub struct InformationLine {
    pub id: Uuid,
    pub number: String,
    pub to: String,
    pub due: String,
    pub overdue: bool,
    pub status: &'static str,
    pub answer: Option<super::inforequest::AnswerView>,
}

/// The case as its page shows it.
pub struct CaseView {
    pub id: Uuid,
    pub number: String,
    pub status: &'static str,
    pub opened: String,
    pub lead: String,
    pub full: Option<FullView>,
    /// The reunification at a glance, where the case has one the caller sees.
    pub reunion: Option<super::reunification::Glance>,
    /// The caller's centre may start a reunification record here.
    pub start_reunion: bool,
    /// The caller's agency leads the open case: it may hand it over, refer it or inform.
    pub hand_over: bool,
    /// The lead's steps: decision work, support, closing.
    pub steps: super::case_steps::CaseStepForms,
    /// The reunification part's words.
    pub rw: &'static super::reunification_words::ReunionWords,
    /// Intake, placement, work log and monitoring (FULL scope only).
    pub work: Option<super::casework::CaseBlock>,
}

#[derive(Template)]
#[template(path = "web/templates/case.html")]
struct CasePage<'a> {
    page: &'a Page,
    view: &'a CaseView,
    error: Option<&'a str>,
    mw: &'static super::mrg_words::MrgWords,
    mrg_recs: &'a [super::mrg::RecRow],
}

/// `GET /cases/{id}`.
pub async fn show(
    State((state, _)): State<(AppState, Schemas)>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("/cases/{id}");
    let page = match page::frame(&state, &caller, &headers, &here).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return page::not_found(&page);
    };
    render(&state, &caller, &page, id, None, StatusCode::OK).await
}

/// The case's page, with a refused form's reason when there is one.
pub async fn render(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: Uuid,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let built = async {
        let view = view(state, caller, page, id).await?;
        let recs = super::mrg_recommendation::case_recommendations(state, caller, page, id).await?;
        Ok::<_, crate::error::AppError>((view, recs))
    };
    match built.await {
        Ok((view, mrg_recs)) => page::html(
            status,
            &CasePage {
                page,
                view: &view,
                error,
                mw: super::mrg_words::MrgWords::of(page.lang),
                mrg_recs: &mrg_recs,
            },
        ),
        Err(failure) => page::error(page, caller, failure, &format!("/cases/{id}")),
    }
}

async fn view(state: &AppState, caller: &Caller, page: &Page, id: Uuid) -> AppResult<CaseView> {
    let (db, now) = (&state.db, db::now());
    let read = cases::reads::get(db, caller, id, now).await?;
    let case = &read.case;
    let lead = agencies::store::get(db, case.lead_agency_id).await?.name;
    let full = match read.personal.open(caller) {
        Some(personal) => Some(full(state, caller, page, case, personal).await?),
        None => None,
    };
    let reunion = super::reunification::glance(state, caller, page, case.id).await?;
    let work = match full {
        Some(_) => Some(super::casework::case_block(state, caller, page, case).await?),
        None => None,
    };
    let start_reunion = reunion.is_none()
        && full.is_some()
        && case.status != crate::cases::model::CaseStatus::Closed
        && super::reunification::may_start(state, caller).await;
    let hand_over = full.is_some()
        && caller.actor()?.agency_id == Some(case.lead_agency_id)
        && case.status != crate::cases::model::CaseStatus::Closed;
    let steps = super::case_steps::offered(caller, page.lang, case);
    Ok(CaseView {
        hand_over,
        steps,
        id: case.id,
        number: case.journal_no.clone(),
        status: records::case_status(page.lang, case.status),
        opened: local_time(case.opened_at, page.zone),
        lead,
        full,
        reunion,
        start_reunion,
        rw: super::reunification_words::words(page.lang),
        work,
    })
}

/// What FULL scope shows, each part read through its domain's read side, which notes the
/// reads for the audit.
async fn full(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    case: &CaseRow,
    personal: &CasePersonal,
) -> AppResult<FullView> {
    let (db, now, words) = (&state.db, db::now(), page.words);
    let persons = cases::reads::persons_of_case(db, caller, case.id, now).await?;
    let mut sections = Vec::new();
    if let Some(sheet) = &personal.signal_sheet {
        sections.push(records::signal_sheet(words, sheet.clone()));
    }
    if let Some(signal_id) = case.signal_id {
        // The signal follows the case's scope; its report is its own personal data.
        if let Ok(signal) = signals::reads::get(db, caller, signal_id, now).await {
            if let Some(report) = signal
                .personal
                .open_some(caller, |p| p.visit_report.clone())
            {
                sections.push(records::visit_report(words, report));
            }
        }
    }
    let consents = cases::reads::consents_of(db, caller, case.id, now)
        .await?
        .iter()
        .map(|(c, _)| records::consent(words, page.zone, c))
        .collect();
    let rows = handovers::reads::of_case(db, caller, case.id, now).await?;
    let agency_ids: Vec<Uuid> = rows
        .iter()
        .flat_map(|h| [h.handover.from_agency_id, h.handover.to_agency_id])
        .collect();
    let named = agencies::store::get_many(db, &agency_ids).await?;
    let name = |id: Uuid| {
        named
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
            .unwrap_or_default()
    };
    let handovers = rows
        .into_iter()
        .map(|view| {
            let h = view.handover;
            HandoverLine {
                id: h.id,
                kind: records::handover_kind(words, h.kind),
                from: name(h.from_agency_id),
                to: name(h.to_agency_id),
                requested: local_time(h.requested_at, page.zone),
                status: records::handover_status(words, h.status),
            }
        })
        .collect();
    let (information_requests, ask) = information(state, caller, page, case).await?;
    let timeline = cases::store::events_of(db, case.id)
        .await?
        .iter()
        .map(|e| {
            (
                local_time(e.occurred_at, page.zone),
                event_text(page.lang, e),
            )
        })
        .collect();
    Ok(FullView {
        has_sheet: personal.signal_sheet.is_some(),
        persons: persons
            .into_iter()
            .map(|p| records::person(page.lang, p))
            .collect(),
        sections,
        consents,
        handovers,
        information_requests,
        ask,
        timeline,
        file: super::case_file::view(state, caller, page, case).await?,
    })
}

/// The case's information requests with their answers (opened through the read side,
/// which audits the read), and the agencies the viewer may ask, if it may ask.
async fn information(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    case: &CaseRow,
) -> AppResult<(Vec<InformationLine>, Option<Vec<(Uuid, String)>>)> {
    let (db, now, words) = (&state.db, db::now(), page.words);
    let actor = caller.actor()?;
    let rows = inforequests::reads::of_case(db, caller, case.id, now).await?;
    let receivers: Vec<Uuid> = rows.iter().map(|r| r.request.to_agency_id).collect();
    let named = agencies::store::get_many(db, &receivers).await?;
    let mut lines = Vec::with_capacity(rows.len());
    for read in rows {
        let r = &read.request;
        let answer = match read.answer.open(caller) {
            Some(answer) => {
                Some(super::inforequest::answer_view(state, page, answer, r.answered_at).await?)
            }
            None => None,
        };
        lines.push(InformationLine {
            id: r.id,
            number: r.journal_no.clone(),
            to: named
                .iter()
                .find(|a| a.id == r.to_agency_id)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            due: records::date(Some(r.due_date)),
            overdue: read.overdue(now),
            status: super::inforequest::status_word(words, r.status),
            answer,
        });
    }
    let may_ask = actor.agency_id == Some(case.lead_agency_id)
        && case.status != crate::cases::model::CaseStatus::Closed
        && policy::ensure_asks_information(actor).is_ok();
    let ask = if may_ask {
        let filter = agencies::store::AgencyFilter {
            active: Some(true),
            ..Default::default()
        };
        let all = agencies::store::list_page(db, &filter, None, 500).await?;
        Some(
            all.into_iter()
                .filter(|a| a.id != case.lead_agency_id)
                .map(|a| (a.id, a.name))
                .collect(),
        )
    } else {
        None
    };
    Ok((lines, ask))
}

/// A timeline entry in the user's words (an entry of a kind not named here shows its
/// code, so a new kind is never hidden).
fn event_text(lang: Lang, e: &CaseEventRow) -> String {
    let ru = lang == Lang::Ru;
    let what = match e.kind.as_str() {
        "OPENED" => {
            if ru {
                "Случай открыт"
            } else {
                "Case opened"
            }
        }
        "STATUS_CHANGED" => {
            if ru {
                "Статус изменён"
            } else {
                "Status changed"
            }
        }
        "DECISION_WORK_EXTENDED" => {
            if ru {
                "Работа с решением продлена"
            } else {
                "Decision work extended"
            }
        }
        "MONITORING_RECORDED" => {
            if ru {
                "Проведён мониторинг"
            } else {
                "Monitoring recorded"
            }
        }
        "CLOSED" => {
            if ru {
                "Случай закрыт"
            } else {
                "Case closed"
            }
        }
        "PERSON_ADDED" => {
            if ru {
                "Добавлен участник"
            } else {
                "Person added"
            }
        }
        "CONSENT_RECORDED" => {
            if ru {
                "Получено согласие"
            } else {
                "Consent recorded"
            }
        }
        "CONSENT_WITHDRAWN" => {
            if ru {
                "Согласие отозвано"
            } else {
                "Consent withdrawn"
            }
        }
        "SIGNAL_SHEET_UPDATED" => {
            if ru {
                "Обновлён лист сигнала"
            } else {
                "Signal sheet updated"
            }
        }
        "HANDOVER_REQUESTED" => {
            if ru {
                "Отправлен запрос"
            } else {
                "Request sent"
            }
        }
        "HANDOVER_DECLINED" => {
            if ru {
                "Запрос отклонён"
            } else {
                "Request declined"
            }
        }
        "HANDOVER_CANCELLED" => {
            if ru {
                "Запрос отозван"
            } else {
                "Request withdrawn"
            }
        }
        "TRANSFER_ACCEPTED" => {
            if ru {
                "Передача принята"
            } else {
                "Transfer accepted"
            }
        }
        "REFERRAL_ACCEPTED" => {
            if ru {
                "Направление принято"
            } else {
                "Referral accepted"
            }
        }
        "INFORMATION_REQUESTED" => {
            if ru {
                "Отправлен запрос информации"
            } else {
                "Information requested"
            }
        }
        "INFORMATION_REQUEST_ANSWERED" => {
            if ru {
                "Получен ответ на запрос информации"
            } else {
                "Information request answered"
            }
        }
        "INFORMATION_REQUEST_WITHDRAWN" => {
            if ru {
                "Запрос информации отозван"
            } else {
                "Information request withdrawn"
            }
        }
        "WORK_LOGGED" => {
            if ru {
                "Запись в журнале работы"
            } else {
                "Work logged"
            }
        }
        "REFERRAL_COMPLETED" => {
            if ru {
                "Направление выполнено"
            } else {
                "Referral completed"
            }
        }
        other => super::case_file::event_word(lang, other).unwrap_or(other),
    };
    match (e.from_status, e.to_status) {
        (Some(from), Some(to)) => format!(
            "{what}: {} → {}",
            records::case_status(lang, from),
            records::case_status(lang, to)
        ),
        _ => what.to_owned(),
    }
}
