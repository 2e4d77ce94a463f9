//! GraphQL mutations of the MRG and their inputs: one service function each.

use async_graphql::{Context, InputObject, Object, ID};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{Amendment, ExternalParticipant, GroupNode, MeetingNode, RecommendationNode, Res};
use crate::db;
use crate::graphql::ContextExt;
use crate::ids::{parse_id, to_id as id};
use crate::mrg::meetings::{NewAttendee, NewItem, NewMeeting};
use crate::mrg::minutes::{MinutesInput, PointInput, RecommendationInput, ServiceInput};
use crate::mrg::model::*;
use crate::mrg::reads;

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
        let row =
            crate::mrg::create_group(&ctx.state().db, ctx.caller(), &name, &territory, db::now())
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
        crate::mrg::add_member(&ctx.state().db, ctx.caller(), group, user, role, db::now()).await?;
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
        let row = crate::mrg::add_external(
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
    /// a short summary under the three assessments, and documents of the case's personal
    /// file attached (each copied; the group's chair and secretary download them).
    #[allow(clippy::too_many_arguments)]
    #[graphql(
        complexity = "crate::graphql::cost::documents(file_document_ids.len(), child_complexity)"
    )]
    async fn submit_case_to_mrg(
        &self,
        ctx: &Context<'_>,
        group_id: ID,
        case_id: ID,
        question: String,
        needs: String,
        capacity: String,
        resources: String,
        #[graphql(
            default,
            desc = "Documents of the case's personal file (`Case.documents`) to attach, each once, at most 10."
        )]
        file_document_ids: Vec<ID>,
    ) -> Res<ID> {
        let mut file_documents = Vec::with_capacity(file_document_ids.len());
        for (i, d) in file_document_ids.iter().enumerate() {
            file_documents.push(parse_id(&format!("fileDocumentIds[{i}]"), d)?);
        }
        let new = crate::mrg::NewSubmission {
            group_id: parse_id("groupId", &group_id)?,
            case_id: parse_id("caseId", &case_id)?,
            question,
            needs,
            capacity,
            resources,
            file_documents,
        };
        let state = ctx.state();
        let settings = crate::handovers::Settings::from_config(&state.config);
        let row = crate::mrg::submit(&state.db, &settings, ctx.caller(), new, db::now()).await?;
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
        let row =
            crate::mrg::meetings::schedule(&ctx.state().db, ctx.caller(), new, db::now()).await?;
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
        crate::mrg::meetings::add_item(&ctx.state().db, ctx.caller(), meeting, item, db::now())
            .await?;
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
        crate::mrg::meetings::record_attendance(
            &ctx.state().db,
            ctx.caller(),
            meeting,
            list,
            db::now(),
        )
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
        let row = crate::mrg::minutes::save(
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
        crate::mrg::minutes::approve(&ctx.state().db, ctx.caller(), meeting, db::now()).await?;
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
        let row = crate::mrg::minutes::amend(
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
        crate::mrg::followup::update(
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
