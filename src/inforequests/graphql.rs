//! GraphQL for information requests: the receiver's inbox, the sender's list, one
//! request, and the three steps. A request exists only for those
//! [`crate::access::information_request_visible`] allows; the person's identity only
//! for the receiver of an open request, and the answer only for the receiver and those
//! reading the case in FULL, each opened with the request's caller, which notes the read
//! for the audit. Every request shown, a step's result too, comes through [`reads`].

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Object, SimpleObject, Upload, ID};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{AnswerDocumentRow, InformationRequestRow, InformationRequestStatus};
use super::reads::{self, Answer, IdentityKey, RequestView};
use super::store::Side;
use super::{NewAnswer, NewRequest};
use crate::access::Personal;
use crate::agencies::graphql::AgencyNode;
use crate::agencies::loader::AgencyLoader;
use crate::cases::graphql::CaseNode;
use crate::cases::loader::{ViewedCase, VisibleCasesLoader};
use crate::cases::reads::CaseView;
use crate::db;
use crate::error::AppError;
use crate::graphql::connection::{connection, Page, PageRequest};
use crate::graphql::ContextExt;
use crate::handovers::graphql::read_upload;
use crate::handovers::Settings;
use crate::ids::{parse_id, to_id as id};

/// A request for information, as an agency that sees it reads it.
pub struct InformationRequestNode {
    row: InformationRequestRow,
    identity: Personal<IdentityKey>,
    answer: Personal<Answer>,
}

impl InformationRequestNode {
    /// Shows a request as the read side handed it out.
    pub fn new(view: RequestView) -> InformationRequestNode {
        InformationRequestNode {
            row: view.request,
            identity: view.identity,
            answer: view.answer,
        }
    }
}

async fn agency(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<AgencyNode>> {
    Ok(ctx
        .data_unchecked::<DataLoader<AgencyLoader>>()
        .load_one(id)
        .await?
        .map(AgencyNode))
}

#[Object(name = "InformationRequest")]
impl InformationRequestNode {
    /// The global id (also for `node(id:)`).
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }
    /// The number in the sender's journal, e.g. REQ-2026-0001: how both agencies refer
    /// to the request.
    async fn journal_number(&self) -> &str {
        &self.row.journal_no
    }
    async fn status(&self) -> InformationRequestStatus {
        self.row.status
    }
    /// The case as your agency sees it (null for the receiver, which has no part in it).
    async fn case(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CaseNode>> {
        let key = ViewedCase {
            viewer: ctx.actor()?.viewer(),
            case_id: self.row.case_id,
        };
        let seen = ctx
            .data_unchecked::<DataLoader<VisibleCasesLoader>>()
            .load_one(key)
            .await?;
        Ok(seen.map(|(row, scope)| CaseNode::new(CaseView::of(row, scope))))
    }
    #[graphql(name = "fromAgency")]
    async fn sending_agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgencyNode>> {
        agency(ctx, self.row.from_agency_id).await
    }
    async fn to_agency(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<AgencyNode>> {
        agency(ctx, self.row.to_agency_id).await
    }
    async fn requested_by_id(&self) -> ID {
        id(self.row.requested_by_user_id)
    }
    async fn requested_at(&self) -> DateTime<Utc> {
        self.row.requested_at
    }
    /// The questions: for the receiver and for those reading the case in FULL.
    async fn questions(&self) -> Option<&str> {
        self.row.questions.as_deref()
    }
    /// The day the answer is due, as the sender set it.
    async fn due_date(&self) -> NaiveDate {
        self.row.due_date
    }
    /// The end of the due date in the receiver's time zone.
    async fn due_at(&self) -> DateTime<Utc> {
        self.row.due_at
    }
    /// Still open past its due time. The hub flags it; people act.
    async fn overdue(&self) -> bool {
        super::rules::is_overdue(self.row.status, self.row.due_at, db::now())
    }
    /// Minutes since it was asked (until answered or withdrawn, or until now).
    async fn age_minutes(&self) -> i64 {
        let until = self
            .row
            .answered_at
            .or(self.row.withdrawn_at)
            .unwrap_or_else(db::now);
        (until - self.row.requested_at).num_minutes().max(0)
    }
    /// Who the request is about, and only what identifies her: for the receiver while
    /// the request is open (each read audited); null otherwise.
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<PersonIdentity>> {
        let Some(key) = self.identity.open(ctx.caller()) else {
            return Ok(None);
        };
        let found = reads::identity(&ctx.state().db, key, db::now()).await?;
        Ok(found.map(|i| PersonIdentity {
            full_name: i.full_name,
            birth_date: i.birth_date,
        }))
    }
    /// The answer, once given: for the receiver and for those reading the case in FULL
    /// (each read audited).
    async fn answer(&self, ctx: &Context<'_>) -> Option<InformationAnswer> {
        let answer = self.answer.open(ctx.caller())?;
        Some(InformationAnswer {
            answer: answer.clone(),
            answered_at: self.row.answered_at,
            answered_by: self.row.answered_by_user_id,
        })
    }
    /// Why the sender withdrew it (shown as the questions are).
    async fn withdraw_reason(&self) -> Option<&str> {
        self.row.withdraw_reason.as_deref()
    }
    async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.row.withdrawn_at
    }
    async fn version(&self) -> i32 {
        self.row.version
    }
}

/// What identifies the person a request is about: nothing else of the case.
#[derive(SimpleObject)]
pub struct PersonIdentity {
    full_name: String,
    birth_date: Option<NaiveDate>,
}

/// The receiver's answer, filed in the case.
pub struct InformationAnswer {
    answer: Answer,
    answered_at: Option<DateTime<Utc>>,
    answered_by: Option<Uuid>,
}

#[Object]
impl InformationAnswer {
    async fn text(&self) -> &str {
        &self.answer.text
    }
    async fn answered_at(&self) -> Option<DateTime<Utc>> {
        self.answered_at
    }
    async fn answered_by_id(&self) -> Option<ID> {
        self.answered_by.map(id)
    }
    /// The documents sent with it (PDF, JPEG, PNG scans).
    async fn documents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AnswerDocument>> {
        let rows = reads::documents(&ctx.state().db, &self.answer, db::now()).await?;
        Ok(rows.into_iter().map(AnswerDocument::from).collect())
    }
}

/// A document sent with an answer.
#[derive(SimpleObject)]
pub struct AnswerDocument {
    id: ID,
    file_name: String,
    /// Read from the content: application/pdf, image/jpeg or image/png.
    content_type: String,
    size_bytes: i64,
    /// SHA-256 of the content, hex.
    sha256: String,
    /// GET it with your bearer token or session; each download is audited.
    download_path: String,
}

impl From<AnswerDocumentRow> for AnswerDocument {
    fn from(d: AnswerDocumentRow) -> AnswerDocument {
        AnswerDocument {
            id: id(d.id),
            download_path: format!("/documents/{}", d.id),
            file_name: d.file_name,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
        }
    }
}

/// Reading information requests.
#[derive(Default)]
pub struct InformationRequestQuery;

#[Object]
impl InformationRequestQuery {
    /// Requests to your agency, the soonest due first (overdue ones lead): open ones
    /// unless you ask for other states.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn information_requests_received(
        &self,
        ctx: &Context<'_>,
        status: Option<Vec<InformationRequestStatus>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<(DateTime<Utc>, Uuid), InformationRequestNode>> {
        let status = status.unwrap_or_else(|| vec![InformationRequestStatus::Open]);
        page(ctx, Side::Received, &status, first, after).await
    }

    /// Requests your agency sent, oldest first, in every state unless you choose (those
    /// about cases your agency no longer takes part in are left out).
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn information_requests_sent(
        &self,
        ctx: &Context<'_>,
        status: Option<Vec<InformationRequestStatus>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<(DateTime<Utc>, Uuid), InformationRequestNode>> {
        page(ctx, Side::Sent, &status.unwrap_or_default(), first, after).await
    }

    /// One request your agency received, or sent about a case it takes part in.
    async fn information_request(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<InformationRequestNode> {
        scoped_node(ctx, parse_id("id", &id)?).await
    }
}

async fn page(
    ctx: &Context<'_>,
    side: Side,
    status: &[InformationRequestStatus],
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<Page<(DateTime<Utc>, Uuid), InformationRequestNode>> {
    ctx.actor()?;
    let page = PageRequest::<(DateTime<Utc>, Uuid)>::parse(first, after.as_deref())?;
    let rows = reads::page(
        &ctx.state().db,
        ctx.caller(),
        side,
        status,
        page.after.as_ref(),
        db::now(),
        page.fetch_limit(),
    )
    .await?;
    let key = move |view: &RequestView| match side {
        Side::Received => (view.request.due_at, view.request.id),
        Side::Sent => (view.request.requested_at, view.request.id),
    };
    Ok(connection(rows, &page, key, InformationRequestNode::new))
}

/// A request as the caller reads it now.
pub(crate) async fn scoped_node(
    ctx: &Context<'_>,
    id: Uuid,
) -> async_graphql::Result<InformationRequestNode> {
    let view = reads::get(&ctx.state().db, ctx.caller(), id, db::now()).await?;
    Ok(InformationRequestNode::new(view))
}

/// Asking other agencies for information and answering.
#[derive(Default)]
pub struct InformationRequestMutation;

#[Object]
impl InformationRequestMutation {
    /// Asks another agency questions about a case your agency leads (its curator or a
    /// head), with the day the answer is due (after today, at most 90 days ahead, in the
    /// receiver's calendar). The receiver sees the questions and only the mother's name
    /// and birth date.
    async fn request_information(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        receiver_agency_id: ID,
        questions: String,
        due_date: NaiveDate,
    ) -> async_graphql::Result<InformationRequestNode> {
        let new = NewRequest {
            case_id: parse_id("caseId", &case_id)?,
            receiver_agency_id: parse_id("receiverAgencyId", &receiver_agency_id)?,
            questions,
            due_date,
        };
        let row = super::request(&ctx.state().db, ctx.caller(), new, db::now()).await?;
        scoped_node(ctx, row.id).await
    }

    /// Answers a request to your agency, once, with text and documents (PDF, JPEG, PNG,
    /// as multipart uploads, checked as a handover's are). The answer is filed in the
    /// case and the sender hears of it.
    #[graphql(
        complexity = "crate::graphql::cost::documents(documents.as_ref().map_or(0, |d| d.len()), child_complexity)"
    )]
    async fn answer_information_request(
        &self,
        ctx: &Context<'_>,
        id: ID,
        text: String,
        documents: Option<Vec<Upload>>,
    ) -> async_graphql::Result<InformationRequestNode> {
        ctx.actor()?;
        let state = ctx.state();
        let settings = Settings::from_config(&state.config);
        let uploads = documents.unwrap_or_default();
        if uploads.len() > settings.max_documents {
            return Err(AppError::bad_input(
                "documents",
                format!("at most {} documents", settings.max_documents),
            )
            .into());
        }
        let mut files = Vec::with_capacity(uploads.len());
        for (i, upload) in uploads.iter().enumerate() {
            let field = format!("documents[{i}]");
            files.push(read_upload(ctx, &field, upload, settings.max_document_bytes).await?);
        }
        let new = NewAnswer {
            text,
            documents: files,
        };
        let id = parse_id("id", &id)?;
        let row = super::answer(&state.db, &settings, ctx.caller(), id, new, db::now()).await?;
        scoped_node(ctx, row.id).await
    }

    /// Withdraws a request your agency sent, while it is open, with a reason for the
    /// receiver.
    async fn withdraw_information_request(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
    ) -> async_graphql::Result<InformationRequestNode> {
        let id = parse_id("id", &id)?;
        let row = super::withdraw(&ctx.state().db, ctx.caller(), id, &reason, db::now()).await?;
        scoped_node(ctx, row.id).await
    }
}
