//! GraphQL for the MRG: groups, submissions, meetings with their agenda, attendance,
//! minutes (for the chair and secretary) or extracts (for the others), the review of
//! execution, and `decisions(...)`. Every read comes through [`reads`], which filters in
//! SQL and notes minutes reads for the audit; mutations call one service function each.

use async_graphql::connection::Connection;
use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::meetings::{NewAttendee, NewItem, NewMeeting};
use super::minutes::{MinutesInput, PointInput, RecommendationInput, ServiceInput};
use super::model::*;
use super::reads::{self, GroupView, ItemMinutes, MeetingView, RecommendationView, SubmissionView};
use super::store::DecisionFilter;
use crate::agencies::graphql::AgencyNode;
use crate::agencies::loader::AgencyLoader;
use crate::cases::graphql::CaseNode;
use crate::cases::loader::{ViewedCase, VisibleCasesLoader};
use crate::cases::reads::CaseView;
use crate::db;
use crate::graphql::connection::{connection, PageRequest};
use crate::graphql::ContextExt;
use crate::ids::{parse_id, to_id as id};

type Res<T> = async_graphql::Result<T>;

async fn agency(ctx: &Context<'_>, id: Uuid) -> Res<Option<AgencyNode>> {
    Ok(ctx
        .data_unchecked::<DataLoader<AgencyLoader>>()
        .load_one(id)
        .await?
        .map(AgencyNode))
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
pub struct GroupNode(GroupView);

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
    /// The meetings, latest first.
    async fn meetings(&self, ctx: &Context<'_>) -> Res<Vec<MeetingNode>> {
        let views = reads::meetings(
            &ctx.state().db,
            ctx.caller(),
            Some(self.0.group.id),
            db::now(),
        )
        .await?;
        Ok(views.into_iter().map(MeetingNode).collect())
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
}

/// A meeting of a working group.
pub struct MeetingNode(MeetingView);

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
pub struct ItemMinutesNode(ItemMinutes);

/// A point of stage 1.
#[derive(SimpleObject)]
#[graphql(name = "MrgInformationPoint")]
pub struct Point {
    assessment: Assessment,
    text: String,
    agency_id: Option<ID>,
    organisation: Option<String>,
}

/// A service chosen at stage 2.
#[derive(SimpleObject)]
#[graphql(name = "MrgService")]
pub struct Service {
    service_type: ServiceType,
    agency_id: ID,
    note: Option<String>,
}

#[Object(name = "MrgItemMinutes")]
impl ItemMinutesNode {
    async fn item_id(&self) -> ID {
        id(self.0.item.id)
    }
    async fn position(&self) -> i32 {
        self.0.item.position
    }
    async fn meeting_id(&self) -> ID {
        id(self.0.meeting.id)
    }
    async fn meeting_journal_number(&self) -> &str {
        &self.0.meeting.journal_no
    }
    async fn meeting_starts_at(&self) -> DateTime<Utc> {
        self.0.meeting.starts_at
    }
    async fn case(&self, ctx: &Context<'_>) -> Res<Option<CaseNode>> {
        case(ctx, self.0.item.case_id).await
    }
    async fn topic(&self) -> Option<&str> {
        self.0.item.topic.as_deref()
    }
    /// The draft's version: send it back with `saveMinutes`.
    async fn version(&self) -> i32 {
        self.0.item.version
    }
    /// Stage 1: what each agency told the group, under the three assessments.
    async fn information(&self) -> Vec<Point> {
        self.0
            .item
            .information_points()
            .into_iter()
            .map(|p| Point {
                assessment: p.assessment,
                text: p.text,
                agency_id: p.agency_id.map(id),
                organisation: p.organisation,
            })
            .collect()
    }
    async fn child_opinion(&self) -> Option<&str> {
        self.0.item.child_opinion.as_deref()
    }
    async fn child_not_heard_reason(&self) -> Option<&str> {
        self.0.item.child_not_heard_reason.as_deref()
    }
    async fn family_participated(&self) -> Option<bool> {
        self.0.item.family_participated
    }
    async fn family_position(&self) -> Option<&str> {
        self.0.item.family_position.as_deref()
    }
    /// Stage 2: the services chosen, each to an agency.
    async fn services(&self) -> Vec<Service> {
        self.0
            .item
            .chosen_services()
            .into_iter()
            .map(|s| Service {
                service_type: s.service_type,
                agency_id: id(s.agency_id),
                note: s.note,
            })
            .collect()
    }
    /// Stage 3: the child's long-term goal.
    async fn long_term_goal(&self) -> Option<LongTermGoal> {
        self.0.item.long_term_goal
    }
    /// Stage 3: the collegial decision.
    async fn decision(&self) -> Option<&str> {
        self.0.item.decision.as_deref()
    }
    async fn recommendations(&self) -> Vec<RecommendationNode> {
        self.0
            .recommendations
            .iter()
            .cloned()
            .map(|r| RecommendationNode(RecommendationView::of(r, true)))
            .collect()
    }
    /// Corrections to this item since approval, beside the original.
    async fn amendments(&self) -> Vec<Amendment> {
        self.0
            .amendments
            .iter()
            .cloned()
            .map(Amendment::from)
            .collect()
    }
}

/// A recommendation of a collegial decision.
pub struct RecommendationNode(RecommendationView);

/// A dated note by the responsible agency.
#[derive(SimpleObject)]
#[graphql(name = "MrgRecommendationNote")]
pub struct Note {
    status: RecommendationStatus,
    note: String,
    noted_at: DateTime<Utc>,
    agency_id: ID,
    author_id: ID,
}

#[Object(name = "MrgRecommendation")]
impl RecommendationNode {
    async fn id(&self) -> ID {
        id(self.0.row.id)
    }
    async fn meeting_id(&self) -> ID {
        id(self.0.row.meeting_id)
    }
    async fn group_id(&self) -> ID {
        id(self.0.row.group_id)
    }
    async fn case(&self, ctx: &Context<'_>) -> Res<Option<CaseNode>> {
        case(ctx, Some(self.0.row.case_id)).await
    }
    /// What is to be done (read audited).
    async fn text(&self, ctx: &Context<'_>) -> Option<String> {
        self.0.text.open(ctx.caller()).cloned()
    }
    async fn addressee(&self) -> Addressee {
        self.0.row.addressee
    }
    /// The agency that answers for it (for the family: the case's lead).
    async fn agency(&self, ctx: &Context<'_>) -> Res<Option<AgencyNode>> {
        agency(ctx, self.0.row.agency_id).await
    }
    async fn responsible_person(&self) -> Option<&str> {
        self.0.row.responsible_person.as_deref()
    }
    async fn due_date(&self) -> NaiveDate {
        self.0.row.due_date
    }
    async fn due_at(&self) -> DateTime<Utc> {
        self.0.row.due_at
    }
    async fn status(&self) -> RecommendationStatus {
        self.0.row.status
    }
    /// Still open past its due time.
    async fn overdue(&self) -> bool {
        super::rules::is_overdue(self.0.row.status, self.0.row.due_at, db::now())
    }
    /// Whether its minutes are approved (a draft's recommendation is not in force).
    async fn approved(&self) -> bool {
        self.0.row.approved
    }
    async fn version(&self) -> i32 {
        self.0.row.version
    }
    /// The dated notes of the responsible agency, oldest first.
    async fn notes(&self, ctx: &Context<'_>) -> Res<Vec<Note>> {
        if self.0.text.open(ctx.caller()).is_none() {
            return Ok(Vec::new());
        }
        let rows = reads::notes(&ctx.state().db, &[self.0.row.id]).await?;
        Ok(rows
            .into_iter()
            .map(|n| Note {
                status: n.status,
                note: n.note,
                noted_at: n.noted_at,
                agency_id: id(n.agency_id),
                author_id: id(n.user_id),
            })
            .collect())
    }
}

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
    /// Meetings of the groups your agency is a member of, latest first.
    async fn mrg_meetings(&self, ctx: &Context<'_>, group_id: Option<ID>) -> Res<Vec<MeetingNode>> {
        let group = group_id.map(|g| parse_id("groupId", &g)).transpose()?;
        let views = reads::meetings(&ctx.state().db, ctx.caller(), group, db::now()).await?;
        Ok(views.into_iter().map(MeetingNode).collect())
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
        first: Option<i32>,
        after: Option<String>,
    ) -> Res<Connection<String, RecommendationNode>> {
        let filter = DecisionFilter {
            group: group_id.map(|v| parse_id("groupId", &v)).transpose()?,
            case: case_id.map(|v| parse_id("caseId", &v)).transpose()?,
            agency: agency_id.map(|v| parse_id("agencyId", &v)).transpose()?,
            status,
            overdue: overdue.unwrap_or(false),
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

/// An agenda item for `scheduleMeeting` and `addAgendaItem`: a waiting submission or a
/// general topic.
#[derive(InputObject)]
#[graphql(name = "MrgAgendaItemInput")]
pub struct AgendaItemInput {
    submission_id: Option<ID>,
    topic: Option<String>,
}

impl AgendaItemInput {
    fn parse(self, field: &str) -> Res<NewItem> {
        Ok(NewItem {
            submission_id: self
                .submission_id
                .map(|s| parse_id(&format!("{field}.submissionId"), &s))
                .transpose()?,
            topic: self.topic,
        })
    }
}

/// A meeting to schedule.
#[derive(InputObject)]
pub struct ScheduleMeetingInput {
    group_id: ID,
    starts_at: DateTime<Utc>,
    place: Option<String>,
    remote_link: Option<String>,
    kind: MeetingKind,
    format: MeetingFormat,
    family_attends: bool,
    agenda: Vec<AgendaItemInput>,
}

/// An attendee: a member (`userId`), an external participant of the group, or someone
/// else off the hub (name and organisation).
#[derive(InputObject)]
#[graphql(name = "MrgAttendeeInput")]
pub struct AttendeeInput {
    user_id: Option<ID>,
    external_participant_id: Option<ID>,
    full_name: Option<String>,
    organisation: Option<String>,
    position: Option<String>,
}

/// A point of stage 1: the agency (or an organisation off the hub) that gave it.
#[derive(InputObject)]
#[graphql(name = "MrgInformationPointInput")]
pub struct PointIn {
    assessment: Assessment,
    text: String,
    agency_id: Option<ID>,
    organisation: Option<String>,
}

/// A service of stage 2.
#[derive(InputObject)]
#[graphql(name = "MrgServiceInput")]
pub struct ServiceIn {
    service_type: ServiceType,
    agency_id: ID,
    note: Option<String>,
}

/// A recommendation: to an agency of the group (`agencyId`) or to the family.
#[derive(InputObject)]
#[graphql(name = "MrgRecommendationInput")]
pub struct RecommendationIn {
    text: String,
    addressee: Addressee,
    agency_id: Option<ID>,
    responsible_person: Option<String>,
    due_date: NaiveDate,
}

/// An item's minutes, whole, in three stages.
#[derive(InputObject)]
#[graphql(name = "MrgMinutesInput")]
pub struct MinutesIn {
    #[graphql(default)]
    information: Vec<PointIn>,
    child_opinion: Option<String>,
    child_not_heard_reason: Option<String>,
    family_participated: Option<bool>,
    family_position: Option<String>,
    #[graphql(default)]
    services: Vec<ServiceIn>,
    long_term_goal: Option<LongTermGoal>,
    decision: Option<String>,
    #[graphql(default)]
    recommendations: Vec<RecommendationIn>,
}

fn opt_id(field: String, v: Option<ID>) -> Res<Option<Uuid>> {
    Ok(v.map(|v| parse_id(&field, &v)).transpose()?)
}

impl MinutesIn {
    fn parse(self) -> Res<MinutesInput> {
        let mut information = Vec::new();
        for (i, p) in self.information.into_iter().enumerate() {
            information.push(PointInput {
                assessment: p.assessment,
                text: p.text,
                agency_id: opt_id(format!("information[{i}].agencyId"), p.agency_id)?,
                organisation: p.organisation,
            });
        }
        let mut services = Vec::new();
        for (i, s) in self.services.into_iter().enumerate() {
            services.push(ServiceInput {
                service_type: s.service_type,
                agency_id: parse_id(&format!("services[{i}].agencyId"), &s.agency_id)?,
                note: s.note,
            });
        }
        let mut recommendations = Vec::new();
        for (i, r) in self.recommendations.into_iter().enumerate() {
            recommendations.push(RecommendationInput {
                text: r.text,
                addressee: r.addressee,
                agency_id: opt_id(format!("recommendations[{i}].agencyId"), r.agency_id)?,
                responsible_person: r.responsible_person,
                due_date: r.due_date,
            });
        }
        Ok(MinutesInput {
            information,
            child_opinion: self.child_opinion,
            child_not_heard_reason: self.child_not_heard_reason,
            family_participated: self.family_participated,
            family_position: self.family_position,
            services,
            long_term_goal: self.long_term_goal,
            decision: self.decision,
            recommendations,
        })
    }
}

async fn meeting_node(ctx: &Context<'_>, id: Uuid) -> Res<MeetingNode> {
    Ok(MeetingNode(
        reads::meeting(&ctx.state().db, ctx.caller(), id, db::now()).await?,
    ))
}

async fn group_node(ctx: &Context<'_>, id: Uuid) -> Res<GroupNode> {
    Ok(GroupNode(
        reads::group(&ctx.state().db, ctx.caller(), id, db::now()).await?,
    ))
}

/// Working with the MRG.
#[derive(Default)]
pub struct MrgMutation;

#[Object]
impl MrgMutation {
    /// Creates a working group (an MRG secretary or chair, who becomes its secretary or
    /// chair; their agency convenes it).
    async fn create_mrg_group(
        &self,
        ctx: &Context<'_>,
        name: String,
        territory: String,
    ) -> Res<GroupNode> {
        let row = super::create_group(&ctx.state().db, ctx.caller(), &name, &territory, db::now())
            .await?;
        group_node(ctx, row.id).await
    }
    /// Adds a user of a hub agency to a group (its chair or secretary); the user's agency
    /// becomes a member agency.
    async fn add_mrg_member(
        &self,
        ctx: &Context<'_>,
        group_id: ID,
        user_id: ID,
        role: MrgRole,
    ) -> Res<GroupNode> {
        let group = parse_id("groupId", &group_id)?;
        let user = parse_id("userId", &user_id)?;
        super::add_member(&ctx.state().db, ctx.caller(), group, user, role, db::now()).await?;
        group_node(ctx, group).await
    }
    /// Records someone from an organisation off the hub as an external participant.
    async fn add_mrg_external_participant(
        &self,
        ctx: &Context<'_>,
        group_id: ID,
        full_name: String,
        organisation: String,
        position: String,
    ) -> Res<ExternalParticipant> {
        let group = parse_id("groupId", &group_id)?;
        let row = super::add_external(
            &ctx.state().db,
            ctx.caller(),
            group,
            &full_name,
            &organisation,
            &position,
            db::now(),
        )
        .await?;
        Ok(row.into())
    }
    /// The lead agency asks a group to review a case it leads (заявка): the question and
    /// a short summary under the three assessments.
    #[allow(clippy::too_many_arguments)]
    async fn submit_case_to_mrg(
        &self,
        ctx: &Context<'_>,
        group_id: ID,
        case_id: ID,
        question: String,
        needs: String,
        capacity: String,
        resources: String,
    ) -> Res<ID> {
        let new = super::NewSubmission {
            group_id: parse_id("groupId", &group_id)?,
            case_id: parse_id("caseId", &case_id)?,
            question,
            needs,
            capacity,
            resources,
        };
        let row = super::submit(&ctx.state().db, ctx.caller(), new, db::now()).await?;
        Ok(id(row.id))
    }
    /// Schedules a meeting with its agenda (the group's chair or secretary). Each case on
    /// it is shown to the member agencies in SUMMARY; each member agency is notified.
    async fn schedule_meeting(
        &self,
        ctx: &Context<'_>,
        input: ScheduleMeetingInput,
    ) -> Res<MeetingNode> {
        let mut agenda = Vec::new();
        for (i, item) in input.agenda.into_iter().enumerate() {
            agenda.push(item.parse(&format!("agenda[{i}]"))?);
        }
        let new = NewMeeting {
            group_id: parse_id("groupId", &input.group_id)?,
            starts_at: input.starts_at,
            place: input.place,
            remote_link: input.remote_link,
            kind: input.kind,
            format: input.format,
            family_attends: input.family_attends,
            agenda,
        };
        let row = super::meetings::schedule(&ctx.state().db, ctx.caller(), new, db::now()).await?;
        meeting_node(ctx, row.id).await
    }
    /// Adds an item to a meeting whose minutes are a draft.
    async fn add_agenda_item(
        &self,
        ctx: &Context<'_>,
        meeting_id: ID,
        item: AgendaItemInput,
    ) -> Res<MeetingNode> {
        let meeting = parse_id("meetingId", &meeting_id)?;
        let item = item.parse("item")?;
        super::meetings::add_item(&ctx.state().db, ctx.caller(), meeting, item, db::now()).await?;
        meeting_node(ctx, meeting).await
    }
    /// Records who attended (replacing the list), while the minutes are a draft.
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        meeting_id: ID,
        attendees: Vec<AttendeeInput>,
    ) -> Res<MeetingNode> {
        let meeting = parse_id("meetingId", &meeting_id)?;
        let mut list = Vec::new();
        for (i, a) in attendees.into_iter().enumerate() {
            list.push(NewAttendee {
                user_id: opt_id(format!("attendees[{i}].userId"), a.user_id)?,
                external_participant_id: opt_id(
                    format!("attendees[{i}].externalParticipantId"),
                    a.external_participant_id,
                )?,
                full_name: a.full_name,
                organisation: a.organisation,
                position: a.position,
            });
        }
        super::meetings::record_attendance(&ctx.state().db, ctx.caller(), meeting, list, db::now())
            .await?;
        meeting_node(ctx, meeting).await
    }
    /// Saves an item's draft minutes, whole, against the version you read: CONFLICT if
    /// someone saved it meanwhile or the minutes are approved.
    async fn save_minutes(
        &self,
        ctx: &Context<'_>,
        item_id: ID,
        version: i32,
        minutes: MinutesIn,
    ) -> Res<MeetingNode> {
        let item = parse_id("itemId", &item_id)?;
        let input = minutes.parse()?;
        let row = super::minutes::save(
            &ctx.state().db,
            ctx.caller(),
            item,
            version,
            input,
            db::now(),
        )
        .await?;
        meeting_node(ctx, row.meeting_id).await
    }
    /// The chair approves the minutes: read-only from then on; the recommendations are
    /// in force and their agencies are notified.
    async fn approve_minutes(&self, ctx: &Context<'_>, meeting_id: ID) -> Res<MeetingNode> {
        let meeting = parse_id("meetingId", &meeting_id)?;
        super::minutes::approve(&ctx.state().db, ctx.caller(), meeting, db::now()).await?;
        meeting_node(ctx, meeting).await
    }
    /// Corrects approved minutes with an amendment (the chair or secretary), kept beside
    /// the original.
    async fn amend_minutes(
        &self,
        ctx: &Context<'_>,
        meeting_id: ID,
        item_id: Option<ID>,
        reason: String,
        text: String,
    ) -> Res<Amendment> {
        let meeting = parse_id("meetingId", &meeting_id)?;
        let item = opt_id("itemId".into(), item_id)?;
        let row = super::minutes::amend(
            &ctx.state().db,
            ctx.caller(),
            meeting,
            item,
            &reason,
            &text,
            db::now(),
        )
        .await?;
        Ok(row.into())
    }
    /// Records where a recommendation stands, with a dated note (the responsible agency;
    /// the group's chair or secretary may cancel), against the version you read.
    async fn update_recommendation(
        &self,
        ctx: &Context<'_>,
        id: ID,
        status: RecommendationStatus,
        note: String,
        version: i32,
    ) -> Res<RecommendationNode> {
        let rec = parse_id("id", &id)?;
        super::followup::update(
            &ctx.state().db,
            ctx.caller(),
            rec,
            status,
            &note,
            version,
            db::now(),
        )
        .await?;
        let view = reads::recommendation(&ctx.state().db, ctx.caller(), rec, db::now()).await?;
        Ok(RecommendationNode(view))
    }
}
