//! GraphQL for the MRG: groups, submissions, meetings with their agenda, attendance,
//! minutes (for the chair and secretary) or extracts (for the others), the review of
//! execution, and `decisions(...)`. Every read comes through [`reads`], which filters in
//! SQL and notes minutes reads for the audit; mutations call one service function each.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::*;
use super::reads::{self, GroupView, MeetingView, RecommendationView, SubmissionView};
use super::store::DecisionFilter;
use crate::agencies::graphql::AgencyNode;
use crate::agencies::loader::AgencyLoader;
use crate::cases::graphql::CaseNode;
use crate::cases::loader::{ViewedCase, VisibleCasesLoader};
use crate::cases::reads::CaseView;
use crate::db;
use crate::graphql::connection::{connection, Page, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::{parse_id, to_id as id};

type Res<T> = async_graphql::Result<T>;

mod minutes;
mod mutation;

pub use minutes::{ItemMinutesNode, RecommendationNode};
pub use mutation::MrgMutation;

async fn agency(ctx: &Context<'_>, id: Uuid) -> Res<Option<AgencyNode>> {
    Ok(ctx
        .data_unchecked::<DataLoader<AgencyLoader>>()
        .load_one(id)
        .await?
        .map(AgencyNode))
}

/// A page of the meetings the caller's agency sees (of one group if given).
async fn meeting_page(
    ctx: &Context<'_>,
    group: Option<Uuid>,
    first: Option<i32>,
    after: Option<String>,
) -> Res<Page<(DateTime<Utc>, Uuid), MeetingNode>> {
    let page = PageRequest::<(DateTime<Utc>, Uuid)>::parse(first, after.as_deref())?;
    let views = reads::meetings(
        &ctx.state().db,
        ctx.caller(),
        group,
        page.after.as_ref(),
        db::now(),
        page.fetch_limit(),
    )
    .await?;
    Ok(connection(
        views,
        &page,
        |v| (v.meeting.starts_at, v.meeting.id),
        MeetingNode,
    ))
}

/// The case as the caller's agency sees it (the MRG grants its members the summary).
async fn case(ctx: &Context<'_>, case_id: Option<Uuid>) -> Res<Option<CaseNode>> {
    let Some(case_id) = case_id else {
        return Ok(None);
    };
    let key = ViewedCase {
        viewer: ctx.actor()?.viewer(),
        case_id,
    };
    let seen = ctx
        .data_unchecked::<DataLoader<VisibleCasesLoader>>()
        .load_one(key)
        .await?;
    Ok(seen.map(|(row, scope)| CaseNode::new(CaseView::of(row, scope))))
}

/// A working group.
pub struct GroupNode(pub(super) GroupView);

#[Object(name = "MrgGroup")]
impl GroupNode {
    async fn id(&self) -> ID {
        id(self.0.group.id)
    }
    async fn name(&self) -> &str {
        &self.0.group.name
    }
    async fn territory(&self) -> &str {
        &self.0.group.territory
    }
    /// The convening agency, whose journal numbers the meetings.
    async fn convening_agency(&self, ctx: &Context<'_>) -> Res<Option<AgencyNode>> {
        agency(ctx, self.0.group.agency_id).await
    }
    /// Your part in the group, if you are a member in person.
    async fn my_role(&self) -> Option<MrgRole> {
        self.0.role
    }
    async fn members(&self, ctx: &Context<'_>) -> Res<Vec<MemberNode>> {
        let (members, _) = reads::people(&ctx.state().db, &self.0).await?;
        Ok(members.into_iter().map(MemberNode).collect())
    }
    /// People from organisations off the hub, with no account.
    async fn external_participants(&self, ctx: &Context<'_>) -> Res<Vec<ExternalParticipant>> {
        let (_, externals) = reads::people(&ctx.state().db, &self.0).await?;
        Ok(externals
            .into_iter()
            .map(ExternalParticipant::from)
            .collect())
    }
    /// The meetings, latest first, a page at a time.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn meetings(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Res<Page<(DateTime<Utc>, Uuid), MeetingNode>> {
        meeting_page(ctx, Some(self.0.group.id), first, after).await
    }
    /// Submissions: all of them for the chair and secretary, your agency's own otherwise.
    async fn submissions(&self, ctx: &Context<'_>) -> Res<Vec<SubmissionNode>> {
        let rows =
            reads::submissions(&ctx.state().db, ctx.caller(), self.0.group.id, db::now()).await?;
        Ok(rows.into_iter().map(SubmissionNode).collect())
    }
}

/// A member of a group.
pub struct MemberNode(MemberRow);

#[Object(name = "MrgMember")]
impl MemberNode {
    async fn user_id(&self) -> ID {
        id(self.0.user_id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn role(&self) -> MrgRole {
        self.0.role
    }
    async fn agency(&self, ctx: &Context<'_>) -> Res<Option<AgencyNode>> {
        agency(ctx, self.0.agency_id).await
    }
}

/// Someone from an organisation off the hub.
#[derive(SimpleObject)]
#[graphql(name = "MrgExternalParticipant")]
pub struct ExternalParticipant {
    id: ID,
    full_name: String,
    organisation: String,
    position: String,
}

impl From<ExternalRow> for ExternalParticipant {
    fn from(e: ExternalRow) -> Self {
        ExternalParticipant {
            id: id(e.id),
            full_name: e.full_name,
            organisation: e.organisation,
            position: e.position,
        }
    }
}

/// A lead agency's submission of a case (заявка).
pub struct SubmissionNode(SubmissionView);

#[Object(name = "MrgSubmission")]
impl SubmissionNode {
    async fn id(&self) -> ID {
        id(self.0.row.id)
    }
    async fn case(&self, ctx: &Context<'_>) -> Res<Option<CaseNode>> {
        case(ctx, Some(self.0.row.case_id)).await
    }
    async fn lead_agency(&self, ctx: &Context<'_>) -> Res<Option<AgencyNode>> {
        agency(ctx, self.0.row.lead_agency_id).await
    }
    async fn status(&self) -> SubmissionStatus {
        self.0.row.status
    }
    async fn submitted_at(&self) -> DateTime<Utc> {
        self.0.row.submitted_at
    }
    /// The meeting whose agenda holds it.
    async fn meeting_id(&self) -> Option<ID> {
        self.0.row.meeting_id.map(id)
    }
    /// The question put to the group (read audited).
    async fn question(&self, ctx: &Context<'_>) -> Option<String> {
        self.0.summary.open(ctx.caller()).map(|s| s[0].clone())
    }
    /// The child's needs, in short.
    async fn needs(&self, ctx: &Context<'_>) -> Option<String> {
        self.0.summary.open(ctx.caller()).map(|s| s[1].clone())
    }
    /// The parents' capacity to meet them, in short.
    async fn capacity(&self, ctx: &Context<'_>) -> Option<String> {
        self.0.summary.open(ctx.caller()).map(|s| s[2].clone())
    }
    /// The family's resources, in short.
    async fn resources(&self, ctx: &Context<'_>) -> Option<String> {
        self.0.summary.open(ctx.caller()).map(|s| s[3].clone())
    }
    /// Documents of the case's personal file attached to it (read noted).
    async fn attachments(&self, ctx: &Context<'_>) -> Res<Vec<Attachment>> {
        attachments(ctx, Some(self.0.row.id), Some(self.0.row.case_id)).await
    }
}

/// A submission's attachments the caller reads: the submitting lead's and the group's
/// chair's and secretary's; an empty list for anyone else.
async fn attachments(
    ctx: &Context<'_>,
    submission: Option<Uuid>,
    case_id: Option<Uuid>,
) -> Res<Vec<Attachment>> {
    let (Some(submission), Some(case_id)) = (submission, case_id) else {
        return Ok(Vec::new());
    };
    let rows = crate::mrg::attachments::of_submission(
        &ctx.state().db,
        ctx.caller(),
        submission,
        case_id,
        db::now(),
    )
    .await?;
    Ok(rows.into_iter().map(Attachment::from).collect())
}

/// A document of the case's personal file attached to a submission: the submission's own
/// copy.
#[derive(SimpleObject)]
#[graphql(name = "MrgAttachment")]
pub struct Attachment {
    id: ID,
    /// The title the file gave it, if any.
    title: Option<String>,
    /// What the document is, as the personal file types it.
    kind: crate::casefiles::model::CaseDocumentType,
    file_name: String,
    /// Read from the content: application/pdf, image/jpeg or image/png.
    content_type: String,
    size_bytes: i64,
    /// SHA-256 of the content, hex.
    sha256: String,
    /// When the document was uploaded to the personal file.
    uploaded_at: DateTime<Utc>,
    /// GET it with your bearer token; each download is audited.
    download_path: String,
}

impl From<AttachmentRow> for Attachment {
    fn from(a: AttachmentRow) -> Self {
        Attachment {
            id: id(a.id),
            download_path: format!("/documents/{}", a.id),
            title: a.title,
            kind: a.doc_type,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            uploaded_at: a.uploaded_at,
        }
    }
}

/// A meeting of a working group.
pub struct MeetingNode(pub(super) MeetingView);

#[Object(name = "MrgMeeting")]
impl MeetingNode {
    async fn id(&self) -> ID {
        id(self.0.meeting.id)
    }
    /// The convening agency's journal number, e.g. MRG-2026-0003.
    async fn journal_number(&self) -> &str {
        &self.0.meeting.journal_no
    }
    async fn group_id(&self) -> ID {
        id(self.0.meeting.group_id)
    }
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.meeting.starts_at
    }
    async fn place(&self) -> Option<&str> {
        self.0.meeting.place.as_deref()
    }
    async fn remote_link(&self) -> Option<&str> {
        self.0.meeting.remote_link.as_deref()
    }
    async fn kind(&self) -> MeetingKind {
        self.0.meeting.kind
    }
    async fn format(&self) -> MeetingFormat {
        self.0.meeting.format
    }
    async fn family_attends(&self) -> bool {
        self.0.meeting.family_attends
    }
    async fn minutes_status(&self) -> MinutesStatus {
        self.0.meeting.minutes_status
    }
    async fn approved_at(&self) -> Option<DateTime<Utc>> {
        self.0.meeting.approved_at
    }
    async fn version(&self) -> i32 {
        self.0.meeting.version
    }
    /// Your part in the group, if you are a member in person.
    async fn my_role(&self) -> Option<MrgRole> {
        self.0.role
    }
    /// The agenda: cases (in the scope your agency holds on each) and general topics.
    async fn agenda(&self, ctx: &Context<'_>) -> Res<Vec<AgendaItemNode>> {
        let items = reads::agenda(&ctx.state().db, &self.0).await?;
        Ok(items.into_iter().map(AgendaItemNode).collect())
    }
    async fn attendance(&self, ctx: &Context<'_>) -> Res<Vec<Attendee>> {
        let rows = reads::attendance(&ctx.state().db, &self.0).await?;
        Ok(rows.into_iter().map(Attendee::from).collect())
    }
    /// The standing item: decisions that fell due since the group's previous meeting or
    /// are overdue (those you see).
    async fn review_of_execution(&self, ctx: &Context<'_>) -> Res<Vec<RecommendationNode>> {
        let rows = reads::review(&ctx.state().db, &self.0).await?;
        let full = ctx.actor()?.viewer().ceiling == crate::access::Scope::Full;
        Ok(rows
            .into_iter()
            .map(|r| RecommendationNode(RecommendationView::of(r, full)))
            .collect())
    }
    /// The full minutes, item by item: for the group's chair and secretary only (null
    /// for anyone else; each read audited).
    async fn minutes(&self, ctx: &Context<'_>) -> Res<Option<Vec<ItemMinutesNode>>> {
        let minutes = reads::minutes(&ctx.state().db, ctx.caller(), &self.0).await?;
        Ok(minutes.map(|items| items.into_iter().map(ItemMinutesNode).collect()))
    }
    /// Your agency's extracts (выписки) of the approved minutes: one per case it leads or
    /// answers for a recommendation of, with only its own recommendations (each read
    /// audited).
    async fn extracts(&self, ctx: &Context<'_>) -> Res<Vec<ItemMinutesNode>> {
        let items = reads::extracts(&ctx.state().db, ctx.caller(), &self.0).await?;
        Ok(items.into_iter().map(ItemMinutesNode).collect())
    }
    /// Amendments to the meeting as a whole (for the chair and secretary).
    async fn amendments(&self, ctx: &Context<'_>) -> Res<Vec<Amendment>> {
        let rows = reads::general_amendments(&ctx.state().db, &self.0).await?;
        Ok(rows.into_iter().map(Amendment::from).collect())
    }
}

/// An agenda item, without its minutes.
pub struct AgendaItemNode(ItemRow);

#[Object(name = "MrgAgendaItem")]
impl AgendaItemNode {
    async fn id(&self) -> ID {
        id(self.0.id)
    }
    async fn position(&self) -> i32 {
        self.0.position
    }
    /// The case, as your agency sees it (SUMMARY for members; null for a topic).
    async fn case(&self, ctx: &Context<'_>) -> Res<Option<CaseNode>> {
        case(ctx, self.0.case_id).await
    }
    /// The lead agency, which presents the case.
    async fn lead_agency(&self, ctx: &Context<'_>) -> Res<Option<AgencyNode>> {
        match self.0.lead_agency_id {
            Some(a) => agency(ctx, a).await,
            None => Ok(None),
        }
    }
    /// A general topic's title.
    async fn topic(&self) -> Option<&str> {
        self.0.topic.as_deref()
    }
    /// The draft's version: send it back with `saveMinutes`.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The submission's attachments: for the group's chair and secretary and the lead
    /// that submitted it; an empty list for the other members, who read the case only in
    /// SUMMARY (read noted).
    async fn attachments(&self, ctx: &Context<'_>) -> Res<Vec<Attachment>> {
        attachments(ctx, self.0.submission_id, self.0.case_id).await
    }
}

/// One attendee.
#[derive(SimpleObject)]
#[graphql(name = "MrgAttendee")]
pub struct Attendee {
    full_name: String,
    organisation: String,
    position: Option<String>,
    user_id: Option<ID>,
    agency_id: Option<ID>,
    external_participant_id: Option<ID>,
}

impl From<AttendanceRow> for Attendee {
    fn from(a: AttendanceRow) -> Self {
        Attendee {
            full_name: a.full_name,
            organisation: a.organisation,
            position: a.position_title,
            user_id: a.user_id.map(id),
            agency_id: a.agency_id.map(id),
            external_participant_id: a.external_participant_id.map(id),
        }
    }
}

/// A correction to approved minutes, shown beside the original.
#[derive(SimpleObject)]
#[graphql(name = "MrgAmendment")]
pub struct Amendment {
    id: ID,
    item_id: Option<ID>,
    author_id: ID,
    reason: String,
    text: String,
    amended_at: DateTime<Utc>,
}

impl From<AmendmentRow> for Amendment {
    fn from(a: AmendmentRow) -> Self {
        Amendment {
            id: id(a.id),
            item_id: a.item_id.map(id),
            author_id: id(a.author_user_id),
            reason: a.reason,
            text: a.text,
            amended_at: a.amended_at,
        }
    }
}

/// One item's minutes in three stages (or an extract's part of them).
/// Reading the MRG.
#[derive(Default)]
pub struct MrgQuery;

#[Object]
impl MrgQuery {
    /// The working groups your agency is a member of.
    async fn mrg_groups(&self, ctx: &Context<'_>) -> Res<Vec<GroupNode>> {
        let views = reads::groups(&ctx.state().db, ctx.caller(), db::now()).await?;
        Ok(views.into_iter().map(GroupNode).collect())
    }
    /// One working group your agency is a member of.
    async fn mrg_group(&self, ctx: &Context<'_>, id: ID) -> Res<GroupNode> {
        let id = parse_id("id", &id)?;
        Ok(GroupNode(
            reads::group(&ctx.state().db, ctx.caller(), id, db::now()).await?,
        ))
    }
    /// Meetings of the groups your agency is a member of (of one group if `groupId` is
    /// given), latest first, a page at a time.
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn mrg_meetings(
        &self,
        ctx: &Context<'_>,
        group_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Res<Page<(DateTime<Utc>, Uuid), MeetingNode>> {
        let group = group_id.map(|g| parse_id("groupId", &g)).transpose()?;
        meeting_page(ctx, group, first, after).await
    }
    /// One meeting of a group your agency is a member of.
    async fn mrg_meeting(&self, ctx: &Context<'_>, id: ID) -> Res<MeetingNode> {
        let id = parse_id("id", &id)?;
        Ok(MeetingNode(
            reads::meeting(&ctx.state().db, ctx.caller(), id, db::now()).await?,
        ))
    }
    /// One recommendation you see.
    async fn mrg_recommendation(&self, ctx: &Context<'_>, id: ID) -> Res<RecommendationNode> {
        let id = parse_id("id", &id)?;
        let view = reads::recommendation(&ctx.state().db, ctx.caller(), id, db::now()).await?;
        Ok(RecommendationNode(view))
    }
    /// Approved recommendations you see (your agency's own, all of a group you chair or
    /// keep the minutes of, and those of cases you read in FULL), the soonest due first.
    /// `open` keeps those assigned or in progress; `overdue`, those of them past due.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::graphql::connection::complexity(first, child_complexity)")]
    async fn decisions(
        &self,
        ctx: &Context<'_>,
        group_id: Option<ID>,
        case_id: Option<ID>,
        agency_id: Option<ID>,
        status: Option<RecommendationStatus>,
        overdue: Option<bool>,
        open: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Res<Page<(DateTime<Utc>, Uuid), RecommendationNode>> {
        let filter = DecisionFilter {
            group: group_id.map(|v| parse_id("groupId", &v)).transpose()?,
            case: case_id.map(|v| parse_id("caseId", &v)).transpose()?,
            agency: agency_id.map(|v| parse_id("agencyId", &v)).transpose()?,
            status,
            overdue: overdue.unwrap_or(false),
            open: open.unwrap_or(false),
        };
        let page = PageRequest::<(DateTime<Utc>, Uuid)>::parse(first, after.as_deref())?;
        let db = &ctx.state().db;
        let rows = reads::decisions(
            db,
            ctx.caller(),
            &filter,
            page.after.as_ref(),
            db::now(),
            page.fetch_limit(),
        )
        .await?;
        Ok(connection(
            rows,
            &page,
            |v| (v.row.due_at, v.row.id),
            RecommendationNode,
        ))
    }
}
