//! GraphQL for handovers: the receiver's inbox, the sender's outbox, one request, and the
//! decisions. A request exists only for its two agencies; its package (records and
//! documents) only for those [`crate::access::package_visible`] allows, and each read of
//! it is audited like any personal data. Every request shown, a decision's result too,
//! comes through the read side ([`reads`]), whose scoped reads decide in SQL; the package
//! opens only with the request's caller, which notes the read.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, InputObject, Object, SimpleObject, Upload, ID};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::{
    DocumentRow, HandoverKind, HandoverRow, HandoverStatus, PackageRecord, SharingBasis,
};
use super::reads::{self, HandoverView, Package};
use super::store::Side;
use super::{Acceptance, NewHandover, Settings};
use crate::access::{Personal, Scope};
use crate::agencies::graphql::AgencyNode;
use crate::agencies::loader::AgencyLoader;
use crate::cases::graphql::{CaseNode, CasePerson, Consent};
use crate::cases::loader::{ViewedCase, VisibleCasesLoader};
use crate::cases::model::CaseRow;
use crate::cases::reads::CaseView;
use crate::cases::sheet::SignalSheet;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::graphql::connection::{connection, Page, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::parse_id;
use crate::ids::to_id as id;
use crate::signals::visit::VisitReport;

/// A transfer or referral as one of its two agencies sees it.
pub struct HandoverNode {
    row: HandoverRow,
    package: Personal<Package>,
}

impl HandoverNode {
    /// Shows a request as the read side handed it out.
    pub fn new(view: HandoverView) -> HandoverNode {
        HandoverNode {
            row: view.handover,
            package: view.package,
        }
    }

    /// The case as the viewer sees it now, if at all; one query for a page.
    async fn case_view(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<(CaseRow, Scope)>> {
        let key = ViewedCase {
            viewer: ctx.actor()?.viewer(),
            case_id: self.row.case_id,
        };
        ctx.data_unchecked::<DataLoader<VisibleCasesLoader>>()
            .load_one(key)
            .await
    }

    fn pending(&self) -> bool {
        self.row.status == HandoverStatus::Pending
    }
}

async fn agency(ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Option<AgencyNode>> {
    Ok(ctx
        .data_unchecked::<DataLoader<AgencyLoader>>()
        .load_one(id)
        .await?
        .map(AgencyNode))
}

#[Object(name = "Handover")]
impl HandoverNode {
    pub async fn id(&self) -> ID {
        id(self.row.id)
    }
    async fn kind(&self) -> HandoverKind {
        self.row.kind
    }
    async fn status(&self) -> HandoverStatus {
        self.row.status
    }
    /// The case as your agency sees it now (null once your agency no longer takes part).
    async fn case(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CaseNode>> {
        Ok(self
            .case_view(ctx)
            .await?
            .map(|(row, scope)| CaseNode::new(CaseView::of(row, scope))))
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
    /// Why the sender passes the case on or what service it asks for: for the sender,
    /// and for the receiver while it decides or works on the request (null after it
    /// declined or the sender cancelled).
    async fn reason(&self) -> Option<&str> {
        self.row.reason.as_deref()
    }
    /// On what ground the package goes to the receiver: the law (a transfer to
    /// guardianship), a consent covering the receiver, or a head's override.
    async fn sharing_basis(&self) -> SharingBasis {
        self.row.sharing_basis
    }
    /// The head's reason for sending without consent (shown as `reason` is).
    async fn consent_override_reason(&self) -> Option<&str> {
        self.row.consent_override_reason.as_deref()
    }
    async fn requested_at(&self) -> DateTime<Utc> {
        self.row.requested_at
    }
    /// Minutes the request has waited (until it was decided, or until now).
    async fn age_minutes(&self) -> i64 {
        let until = self.row.decided_at.unwrap_or_else(db::now);
        (until - self.row.requested_at).num_minutes().max(0)
    }
    /// When the receiver should have decided: the end of the third working day (a
    /// setting) in the receiver's time zone.
    async fn deadline_at(&self) -> DateTime<Utc> {
        self.row.deadline_at
    }
    /// The deadline in the receiver's time zone, RFC 3339.
    async fn deadline_at_local(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let receiver = ctx
            .data_unchecked::<DataLoader<AgencyLoader>>()
            .load_one(self.row.to_agency_id)
            .await?;
        // The receiver is a foreign key of the request: its absence is a fault, not UTC.
        let receiver = receiver.ok_or_else(|| {
            AppError::internal(anyhow::anyhow!(
                "the receiver {} of handover {} is missing",
                self.row.to_agency_id,
                self.row.id
            ))
        })?;
        Ok(self
            .row
            .deadline_at
            .with_timezone(&receiver.time_zone.tz())
            .to_rfc3339())
    }
    /// Still pending past its deadline. The hub flags it; people decide.
    async fn overdue(&self) -> bool {
        self.pending() && db::now() >= self.row.deadline_at
    }
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.row.decided_at
    }
    async fn decided_by_id(&self) -> Option<ID> {
        self.row.decided_by_user_id.map(id)
    }
    /// Why the receiver declined.
    async fn decline_reason(&self) -> Option<&str> {
        self.row.decline_reason.as_deref()
    }
    /// The sending head's order that formalises a transfer.
    async fn sender_order_number(&self) -> Option<&str> {
        self.row.sender_order_number.as_deref()
    }
    async fn sender_order_date(&self) -> Option<NaiveDate> {
        self.row.sender_order_date
    }
    /// The receiver's incoming registration number of an accepted request.
    async fn registration_number(&self) -> Option<&str> {
        self.row.registration_number.as_deref()
    }
    async fn registration_date(&self) -> Option<NaiveDate> {
        self.row.registration_date
    }
    /// The receiving body's own order accepting the case, when it issued one.
    async fn order_number(&self) -> Option<&str> {
        self.row.order_number.as_deref()
    }
    async fn order_date(&self) -> Option<NaiveDate> {
        self.row.order_date
    }
    /// The receiver's curator for the case.
    async fn receiver_curator_id(&self) -> Option<ID> {
        self.row.receiver_curator_id.map(id)
    }
    /// What a referral's receiver did, once it closed the referral.
    async fn service_result(&self) -> Option<&str> {
        self.row.service_result.as_deref()
    }
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.row.closed_at
    }
    /// Which records go with the request (always shown to both agencies).
    async fn records(&self) -> Vec<PackageRecord> {
        self.row.package().to_vec()
    }
    /// The package: the records and documents themselves. Null where you may not read it
    /// (a receiver that declined, or whose ground for reading lapsed; an agency with the
    /// summary only; a role that reads no personal data).
    async fn package(&self, ctx: &Context<'_>) -> Option<HandoverPackage> {
        let package = self.package.open(ctx.caller())?;
        Some(HandoverPackage(package.clone()))
    }
    async fn version(&self) -> i32 {
        self.row.version
    }
}

/// What goes with a request, opened by the request's caller. Each record shows only if
/// the sender included it, and each is read by SQL that returns it only to a viewer who
/// reads the package.
pub struct HandoverPackage(Package);

impl HandoverPackage {
    fn has(&self, record: PackageRecord) -> bool {
        self.0.has(record)
    }
}

/// A document attached to a request.
#[derive(SimpleObject)]
pub struct HandoverDocument {
    id: ID,
    file_name: String,
    /// Read from the content: application/pdf, image/jpeg or image/png.
    content_type: String,
    size_bytes: i64,
    /// SHA-256 of the content, hex.
    sha256: String,
    /// GET it with your bearer token; each download is audited.
    download_path: String,
}

impl From<DocumentRow> for HandoverDocument {
    fn from(d: DocumentRow) -> HandoverDocument {
        HandoverDocument {
            id: id(d.id),
            download_path: format!("/documents/{}", d.id),
            file_name: d.file_name,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
        }
    }
}

#[Object]
impl HandoverPackage {
    async fn documents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<HandoverDocument>> {
        let (db, now) = (&ctx.state().db, db::now());
        let rows = reads::documents(db, &self.0, now).await?;
        Ok(rows.into_iter().map(HandoverDocument::from).collect())
    }
    async fn persons(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<CasePerson>>> {
        if !self.has(PackageRecord::Persons) {
            return Ok(None);
        }
        let (db, now) = (&ctx.state().db, db::now());
        let rows = reads::persons(db, &self.0, now).await?;
        Ok(Some(rows.into_iter().map(CasePerson::from).collect()))
    }
    async fn signal_sheet(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SignalSheet>> {
        if !self.has(PackageRecord::SignalSheet) {
            return Ok(None);
        }
        // The receiver may hold only the summary; the package is what it reads to decide.
        let (db, now) = (&ctx.state().db, db::now());
        Ok(reads::signal_sheet(db, &self.0, now).await?)
    }
    async fn visit_report(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<VisitReport>> {
        if !self.has(PackageRecord::VisitReport) {
            return Ok(None);
        }
        let (db, now) = (&ctx.state().db, db::now());
        Ok(reads::visit_report(db, &self.0, now).await?)
    }
    async fn consents(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Vec<Consent>>> {
        if !self.has(PackageRecord::Consents) {
            return Ok(None);
        }
        let (db, now) = (&ctx.state().db, db::now());
        let rows = reads::consents(db, &self.0, now).await?;
        Ok(Some(rows.into_iter().map(Consent::from).collect()))
    }
}

/// An order's number and date, as written on the paper order.
#[derive(InputObject)]
pub struct OrderInput {
    /// Its number, e.g. «112-о».
    pub number: String,
    pub date: NaiveDate,
}

/// What goes with a request.
#[derive(InputObject, Default)]
pub struct HandoverPackageInput {
    /// Which of the case's records the receiver may read before deciding.
    #[graphql(default)]
    pub records: Vec<PackageRecord>,
    /// Scans (PDF, JPEG, PNG) sent as multipart uploads.
    #[graphql(default)]
    pub documents: Vec<Upload>,
    /// Documents of the case's personal file (`Case.documents`) to send: each is copied
    /// into the package, and the receiver sees it as it sees an upload.
    #[graphql(default)]
    pub file_document_ids: Vec<ID>,
}

/// Reading handovers.
#[derive(Default)]
pub struct HandoverQuery;

#[Object]
impl HandoverQuery {
    /// Requests to your agency, the longest-waiting first: pending ones unless you ask
    /// for other states.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn handover_inbox(
        &self,
        ctx: &Context<'_>,
        status: Option<Vec<HandoverStatus>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<(DateTime<Utc>, Uuid), HandoverNode>> {
        let status = status.unwrap_or_else(|| vec![HandoverStatus::Pending]);
        page(ctx, Side::Received, &status, first, after).await
    }

    /// Requests your agency sent, oldest first, in every state unless you choose.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn handover_outbox(
        &self,
        ctx: &Context<'_>,
        status: Option<Vec<HandoverStatus>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Page<(DateTime<Utc>, Uuid), HandoverNode>> {
        page(ctx, Side::Sent, &status.unwrap_or_default(), first, after).await
    }

    /// One request your agency sent or received.
    async fn handover(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<HandoverNode> {
        scoped_node(ctx, parse_id("id", &id)?).await
    }
}

async fn page(
    ctx: &Context<'_>,
    side: Side,
    status: &[HandoverStatus],
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<Page<(DateTime<Utc>, Uuid), HandoverNode>> {
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
    Ok(connection(
        rows,
        &page,
        |view| (view.handover.requested_at, view.handover.id),
        HandoverNode::new,
    ))
}

/// A request as the request's viewer reads it now: every request shown, a decision's
/// result too, goes through the scoped read.
pub(crate) async fn scoped_node(
    ctx: &Context<'_>,
    id: Uuid,
) -> async_graphql::Result<HandoverNode> {
    let view = reads::get(&ctx.state().db, ctx.caller(), id, db::now()).await?;
    Ok(HandoverNode::new(view))
}

/// Passing cases on and deciding on what arrives.
#[derive(Default)]
pub struct HandoverMutation;

#[Object]
impl HandoverMutation {
    /// Asks another agency to take the case over (TRANSFER, the head only) or to give a
    /// service while your agency keeps the lead (REFERRAL), or informs social protection or
    /// guardianship about a family that does not keep its commitments (NOTICE, the head
    /// only; the receiver acknowledges it and your agency keeps the lead). Documents go as
    /// multipart uploads; the whole request is refused, with nothing stored, if one is
    /// refused. The package goes only on a ground: by law for a transfer to guardianship
    /// and for a notice; otherwise a consent to personal-data processing that covers the
    /// receiving agency, or, without one, a head's `consentOverrideReason` (put on the
    /// audit record).
    #[graphql(
        complexity = "crate::graphql::cost::documents(package.as_ref().map_or(0, |p| p.documents.len() + p.file_document_ids.len()), child_complexity)"
    )]
    // The GraphQL arguments of the mutation, one parameter each.
    #[allow(clippy::too_many_arguments)]
    async fn request_handover(
        &self,
        ctx: &Context<'_>,
        case_id: ID,
        to_agency_id: ID,
        kind: HandoverKind,
        reason: String,
        package: Option<HandoverPackageInput>,
        consent_override_reason: Option<String>,
        sender_order: Option<OrderInput>,
        #[graphql(
            desc = "The MRG recommendation this request carries out: it is linked and moves to IN_PROGRESS."
        )]
        recommendation_id: Option<ID>,
    ) -> async_graphql::Result<HandoverNode> {
        ctx.actor()?;
        let state = ctx.state();
        let settings = Settings::from_config(&state.config);
        let package = package.unwrap_or_default();
        let mut documents = Vec::with_capacity(package.documents.len());
        for (i, upload) in package.documents.iter().enumerate() {
            let field = format!("package.documents[{i}]");
            documents.push(read_upload(ctx, &field, upload, settings.max_document_bytes).await?);
        }
        let file_documents = package
            .file_document_ids
            .iter()
            .enumerate()
            .map(|(i, d)| parse_id(&format!("package.fileDocumentIds[{i}]"), d))
            .collect::<Result<Vec<_>, _>>()?;
        let new = NewHandover {
            file_documents,
            case_id: parse_id("caseId", &case_id)?,
            to_agency_id: parse_id("toAgencyId", &to_agency_id)?,
            kind,
            reason,
            records: package.records,
            documents,
            consent_override_reason,
            sender_order_number: sender_order.as_ref().map(|o| o.number.clone()),
            sender_order_date: sender_order.map(|o| o.date),
            recommendation_id: recommendation_id
                .map(|id| parse_id("recommendationId", &id))
                .transpose()?,
        };
        let row = super::request(&state.db, &settings, ctx.caller(), new, db::now()).await?;
        scoped_node(ctx, row.id).await
    }

    /// Accepts a request to your agency. A transfer is accepted under your incoming
    /// registration number and date and makes your agency the lead; your own order
    /// (`orderNumber`, `orderDate`) is optional. `curatorId` names your curator for the
    /// case (you, when not given). Repeating the same accept is harmless.
    #[allow(clippy::too_many_arguments)]
    async fn accept_handover(
        &self,
        ctx: &Context<'_>,
        id: ID,
        registration_number: Option<String>,
        registration_date: Option<NaiveDate>,
        order_number: Option<String>,
        order_date: Option<NaiveDate>,
        curator_id: Option<ID>,
    ) -> async_graphql::Result<HandoverNode> {
        let acceptance = Acceptance {
            registration_number,
            registration_date,
            order_number,
            order_date,
            curator_id: curator_id.map(|c| parse_id("curatorId", &c)).transpose()?,
        };
        let row = super::accept(
            &ctx.state().db,
            ctx.caller(),
            parse_id("id", &id)?,
            acceptance,
            db::now(),
        )
        .await?;
        scoped_node(ctx, row.id).await
    }

    /// Acknowledges a notice (информирование) to your agency under your incoming
    /// registration number and date. The sender keeps the lead and may then close the case
    /// for broken commitments; you keep the case's summary and the package you were sent.
    /// Repeating the same acknowledgement is harmless.
    async fn acknowledge_notice(
        &self,
        ctx: &Context<'_>,
        id: ID,
        registration_number: String,
        registration_date: NaiveDate,
    ) -> async_graphql::Result<HandoverNode> {
        let row = super::acknowledge_notice(
            &ctx.state().db,
            ctx.caller(),
            parse_id("id", &id)?,
            &registration_number,
            Some(registration_date),
            db::now(),
        )
        .await?;
        scoped_node(ctx, row.id).await
    }

    /// Declines a request to your agency, with a reason for the sender.
    async fn decline_handover(
        &self,
        ctx: &Context<'_>,
        id: ID,
        reason: String,
    ) -> async_graphql::Result<HandoverNode> {
        let row = super::decline(
            &ctx.state().db,
            ctx.caller(),
            parse_id("id", &id)?,
            &reason,
            db::now(),
        )
        .await?;
        scoped_node(ctx, row.id).await
    }

    /// Withdraws a request your agency sent, while it is pending.
    async fn cancel_handover(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<HandoverNode> {
        let row = super::cancel(
            &ctx.state().db,
            ctx.caller(),
            parse_id("id", &id)?,
            db::now(),
        )
        .await?;
        scoped_node(ctx, row.id).await
    }

    /// Records the service your agency gave on an accepted referral and closes it; the
    /// lead reads the result in the case's handover history.
    async fn complete_referral(
        &self,
        ctx: &Context<'_>,
        id: ID,
        service_result: String,
    ) -> async_graphql::Result<HandoverNode> {
        let row = super::complete_referral(
            &ctx.state().db,
            ctx.caller(),
            parse_id("id", &id)?,
            &service_result,
            db::now(),
        )
        .await?;
        scoped_node(ctx, row.id).await
    }
}

/// Reads one upload, refusing an over-size one before reading it; a refusal names
/// `field` (e.g. `package.documents[0]`). Any domain that takes scans reads them so.
pub(crate) async fn read_upload(
    ctx: &Context<'_>,
    field: &str,
    upload: &Upload,
    max_bytes: usize,
) -> AppResult<(String, Vec<u8>)> {
    let field = field.to_owned();
    let value = upload
        .value(ctx)
        .map_err(|_| AppError::bad_input(&field, "the upload is missing from the request"))?;
    if value.size().is_ok_and(|size| size > max_bytes as u64) {
        return Err(AppError::bad_input(
            &field,
            format!("the file is larger than {max_bytes} bytes"),
        ));
    }
    let name = value.filename.clone();
    let limit = max_bytes as u64 + 1;
    let bytes = tokio::task::spawn_blocking(move || {
        use std::io::Read;
        let mut bytes = Vec::new();
        value
            .into_read()
            .take(limit)
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    Ok((name, bytes))
}
