//! The MRG (issue 15): groups, submissions, meetings, minutes in three stages, approval
//! and amendments, extracts, and decisions followed up. Every rule through the API, on
//! both databases.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::cases::open_case_in;
use crate::handovers::{handover_hub, HandoverHub};
use crate::harness::{error_code, error_field, test_config, TestApp, PASSWORD};

/// A hub with a working group: the service's secretary (and a second one), the
/// guardianship's chair, the service's curator, and a member of social protection.
pub struct MrgHub {
    pub h: HandoverHub,
    pub group: String,
    pub secretary: String,
    pub secretary2: String,
    pub chair: String,
    pub member: String,
    pub external: String,
}

impl MrgHub {
    pub fn app(&self) -> &TestApp {
        self.h.app()
    }

    pub async fn gql(&self, token: &str, query: &str, vars: Value) -> Value {
        self.app().gql(Some(token), query, vars).await
    }

    /// The lead's curator submits `case`; returns the submission's id.
    pub async fn submit(&self, case: &str) -> String {
        let q = "mutation($g: ID!, $c: ID!) { submitCaseToMrg(groupId: $g, caseId: $c, question: \"Вернуть ли ребёнка в семью?\", needs: \"Уход и питание\", capacity: \"Мать без жилья\", resources: \"Бабушка рядом\") }";
        let body = self
            .gql(
                &self.h.hub.curator,
                q,
                json!({ "g": self.group, "c": case }),
            )
            .await;
        body["data"]["submitCaseToMrg"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("submitCaseToMrg failed: {body}"))
    }

    /// The secretary schedules a meeting `days` from now with these submissions.
    pub async fn schedule(&self, days: i64, submissions: &[&str]) -> Value {
        let agenda: Vec<Value> = submissions
            .iter()
            .map(|s| json!({ "submissionId": s }))
            .chain([json!({ "topic": "Организационные вопросы" })])
            .collect();
        let input = json!({
            "groupId": self.group,
            "startsAt": (Utc::now() + Duration::days(days)).to_rfc3339(),
            "place": "каб. 12", "kind": "PLANNED", "format": "IN_PERSON",
            "familyAttends": true, "agenda": agenda,
        });
        let q = format!("mutation($i: ScheduleMeetingInput!) {{ scheduleMeeting(input: $i) {{ {MEETING_FIELDS} }} }}");
        self.gql(&self.secretary, &q, json!({ "i": input })).await
    }

    pub async fn meeting_as(&self, token: &str, id: &str) -> Value {
        let q = format!("query($id: ID!) {{ mrgMeeting(id: $id) {{ {MEETING_FIELDS} }} }}");
        self.gql(token, &q, json!({ "id": id })).await
    }

    pub async fn save(&self, token: &str, item: &str, version: i64, minutes: Value) -> Value {
        let q = format!("mutation($i: ID!, $v: Int!, $m: MrgMinutesInput!) {{ saveMinutes(itemId: $i, version: $v, minutes: $m) {{ {MEETING_FIELDS} }} }}");
        self.gql(token, &q, json!({ "i": item, "v": version, "m": minutes }))
            .await
    }

    pub async fn approve(&self, token: &str, meeting: &str) -> Value {
        let q =
            format!("mutation($m: ID!) {{ approveMinutes(meetingId: $m) {{ {MEETING_FIELDS} }} }}");
        self.gql(token, &q, json!({ "m": meeting })).await
    }

    /// Full minutes for one case: a recommendation to social protection and one to the
    /// family, due `due_days` after the meeting's day.
    pub fn minutes(&self, due: &str) -> Value {
        json!({
            "information": [
                { "assessment": "CHILD_NEEDS", "text": "Нуждается в наблюдении педиатра", "agencyId": self.h.hub.service },
                { "assessment": "FAMILY_RESOURCES", "text": "Бабушка готова помогать", "organisation": "Школа №5" },
            ],
            "childNotHeardReason": "Новорождённый",
            "familyParticipated": true,
            "familyPosition": "Мать хочет забрать ребёнка",
            "services": [{ "serviceType": "MATERIAL_HELP", "agencyId": self.h.social }],
            "longTermGoal": "RETURN_TO_BIRTH_FAMILY",
            "decision": "Вернуть ребёнка в кровную семью при поддержке КЦСОН",
            "recommendations": [
                { "text": "Оформить материальную помощь", "addressee": "AGENCY", "agencyId": self.h.social, "responsiblePerson": "Петрова А. А.", "dueDate": due },
                { "text": "Встать на учёт в поликлинике", "addressee": "FAMILY", "dueDate": due },
            ],
        })
    }
}

pub const MEETING_FIELDS: &str = "id journalNumber startsAt minutesStatus myRole version agenda { id position topic version case { id scope persons { fullName } } leadAgency { id } } attendance { fullName organisation position } reviewOfExecution { id status overdue } minutes { itemId version decision longTermGoal childNotHeardReason information { assessment text agencyId organisation } services { serviceType agencyId } recommendations { id text addressee agency { id } dueDate status approved } amendments { reason text authorId } } extracts { itemId case { id } decision recommendations { id text agency { id } } amendments { reason } }";

pub async fn mrg_hub() -> MrgHub {
    let h = handover_hub().await;
    let app = h.app();
    let admin = &h.hub.admin;
    app.create_user(
        admin,
        &h.hub.service,
        "secretary@service.example",
        &["MRG_SECRETARY"],
    )
    .await;
    app.create_user(
        admin,
        &h.hub.service,
        "secretary2@service.example",
        &["MRG_SECRETARY"],
    )
    .await;
    let chair_id = app
        .create_user(
            admin,
            &h.guardianship,
            "chair@opeka.example",
            &["MRG_CHAIR", "GUARDIANSHIP_OFFICER"],
        )
        .await;
    let member_id = app
        .create_user(admin, &h.social, "member@kcson.example", &["SPECIALIST"])
        .await;
    let secretary = app.login("secretary@service.example", PASSWORD).await;
    let secretary2 = app.login("secretary2@service.example", PASSWORD).await;
    let chair = app.login("chair@opeka.example", PASSWORD).await;
    let member = app.login("member@kcson.example", PASSWORD).await;
    let body = app
        .gql(Some(&secretary), "mutation { createMrgGroup(name: \"МРГ г. Сургута\", territory: \"г. Сургут\") { id myRole } }", json!({}))
        .await;
    assert_eq!(
        body["data"]["createMrgGroup"]["myRole"], "SECRETARY",
        "{body}"
    );
    let group = body["data"]["createMrgGroup"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let add = "mutation($g: ID!, $u: ID!, $r: MrgRole!) { addMrgMember(groupId: $g, userId: $u, role: $r) { id } }";
    let secretary2_id = user_id(app, &secretary2).await;
    for (user, role) in [
        (&chair_id, "CHAIR"),
        (&member_id, "MEMBER"),
        (&secretary2_id, "SECRETARY"),
        (&h.hub.curator_id, "MEMBER"),
    ] {
        let body = app
            .gql(
                Some(&secretary),
                add,
                json!({ "g": group, "u": user, "r": role }),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let ext = "mutation($g: ID!) { addMrgExternalParticipant(groupId: $g, fullName: \"Сидорова Нина\", organisation: \"Школа №5\", position: \"социальный педагог\") { id } }";
    let body = app.gql(Some(&secretary), ext, json!({ "g": group })).await;
    let external = body["data"]["addMrgExternalParticipant"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    MrgHub {
        h,
        group,
        secretary,
        secretary2,
        chair,
        member,
        external,
    }
}

async fn user_id(app: &TestApp, token: &str) -> String {
    let body = app.gql(Some(token), "{ me { id } }", json!({})).await;
    body["data"]["me"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{body}"))
}

/// The day `days` after today, as a date.
pub fn day(days: i64) -> String {
    (Utc::now() + Duration::days(days)).date_naive().to_string()
}

/// A held meeting (yesterday) with `case` on its agenda; returns (meeting, item, version).
pub async fn held(m: &MrgHub, case: &str) -> (String, String, i64) {
    let submission = m.submit(case).await;
    let body = m.schedule(-1, &[&submission]).await;
    let meeting = &body["data"]["scheduleMeeting"];
    let item = meeting["agenda"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let version = meeting["agenda"][0]["version"].as_i64().unwrap_or_default();
    (
        meeting["id"].as_str().unwrap_or_default().to_owned(),
        item,
        version,
    )
}

#[tokio::test]
async fn from_submission_to_follow_up_at_the_next_meeting() {
    let m = mrg_hub().await;
    let (meeting, item, version) = held(&m, &m.h.case).await;
    let body = m.meeting_as(&m.secretary, &meeting).await;
    let node = &body["data"]["mrgMeeting"];
    assert!(
        node["journalNumber"]
            .as_str()
            .is_some_and(|n| n.starts_with("MRG-")),
        "{body}"
    );
    assert_eq!(node["agenda"][1]["topic"], "Организационные вопросы");
    assert_eq!(node["minutesStatus"], "DRAFT");

    let attend = "mutation($m: ID!, $a: [MrgAttendeeInput!]!) { recordAttendance(meetingId: $m, attendees: $a) { attendance { fullName organisation position } } }";
    let attendees = json!([{ "externalParticipantId": m.external }, { "fullName": "Кузнецов И. И.", "organisation": "ОВД", "position": "инспектор ПДН" }]);
    let body = m
        .gql(
            &m.secretary,
            attend,
            json!({ "m": meeting, "a": attendees }),
        )
        .await;
    assert_eq!(
        body["data"]["recordAttendance"]["attendance"][0]["organisation"], "Школа №5",
        "{body}"
    );

    let body = m
        .save(&m.secretary, &item, version, m.minutes(&day(2)))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let body = m.approve(&m.chair, &meeting).await;
    assert_eq!(
        body["data"]["approveMinutes"]["minutesStatus"], "APPROVED",
        "{body}"
    );
    let assigned = "notifications WHERE kind = 'MRG_RECOMMENDATION_ASSIGNED'";
    assert!(m.app().count(assigned).await >= 2);

    // Social protection follows its recommendation up with a dated note.
    let list = "query($a: ID) { decisions(agencyId: $a) { edges { node { id text status version notes { status note } } } } }";
    let body = m.gql(&m.member, list, json!({ "a": m.h.social })).await;
    let edges = body["data"]["decisions"]["edges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(edges.len(), 1, "only its own: {body}");
    let rec = edges[0]["node"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let update = "mutation($id: ID!, $s: RecommendationStatus!, $v: Int!) { updateRecommendation(id: $id, status: $s, note: \"Документы приняты\", version: $v) { status version notes { status note } } }";
    let body = m
        .gql(
            &m.member,
            update,
            json!({ "id": rec, "s": "IN_PROGRESS", "v": 1 }),
        )
        .await;
    assert_eq!(
        body["data"]["updateRecommendation"]["status"], "IN_PROGRESS",
        "{body}"
    );
    assert_eq!(
        body["data"]["updateRecommendation"]["notes"][0]["note"],
        "Документы приняты"
    );

    // The next meeting reviews what fell due meanwhile, once it is past due.
    m.app()
        .execute("UPDATE mrg_recommendations SET due_at = created_at")
        .await
        .expect("due");
    let body = m.schedule(7, &[]).await;
    let review = &body["data"]["scheduleMeeting"]["reviewOfExecution"];
    assert_eq!(review.as_array().map(Vec::len), Some(2), "{body}");
    assert_eq!(review[0]["overdue"], true);
    let body = m
        .gql(
            &m.secretary,
            "{ decisions(overdue: true) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["decisions"]["edges"].as_array().map(Vec::len),
        Some(2),
        "{body}"
    );
}

#[tokio::test]
async fn members_see_the_case_in_summary_only_the_officers_read_the_minutes_and_others_nothing() {
    let m = mrg_hub().await;
    let other_case = open_case_in(&m.h.hub).await;
    let submission = m.submit(&m.h.case).await;
    let second = m.submit(&other_case).await;
    let body = m.schedule(-1, &[&submission, &second]).await;
    let meeting = body["data"]["scheduleMeeting"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    let items: Vec<(String, i64)> = body["data"]["scheduleMeeting"]["agenda"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            (
                i["id"].as_str().unwrap_or_default().to_owned(),
                i["version"].as_i64().unwrap_or(0),
            )
        })
        .collect();

    // A member agency sees the agenda's case in SUMMARY, no names; no minutes.
    let seen = m.meeting_as(&m.member, &meeting).await;
    let node = &seen["data"]["mrgMeeting"];
    assert_eq!(node["agenda"][0]["case"]["scope"], "SUMMARY", "{seen}");
    assert_eq!(node["agenda"][0]["case"]["persons"], Value::Null);
    assert_eq!(node["minutes"], Value::Null);
    assert_eq!(node["extracts"], json!([]), "nothing before approval");
    // A non-member agency finds nothing.
    let seen = m.meeting_as(&m.h.hub.ngo, &meeting).await;
    assert_eq!(error_code(&seen), Some("NOT_FOUND"), "{seen}");
    let seen = m
        .gql(
            &m.h.hub.ngo,
            "query($g: ID!) { mrgGroup(id: $g) { id } }",
            json!({ "g": m.group }),
        )
        .await;
    assert_eq!(error_code(&seen), Some("NOT_FOUND"));

    // The secretary reads the full minutes; the read is audited.
    let reads = "audit_events WHERE action = 'PERSONAL_DATA_READ'";
    let before = m.app().count(reads).await;
    let seen = m.meeting_as(&m.secretary, &meeting).await;
    assert_eq!(
        seen["data"]["mrgMeeting"]["minutes"]
            .as_array()
            .map(Vec::len),
        Some(3),
        "{seen}"
    );
    m.app().wait_until_sealed().await;
    assert!(
        m.app().count(reads).await > before,
        "minutes reads are audited"
    );

    // Only the first case gets a recommendation to social protection.
    let body = m
        .save(&m.secretary, &items[0].0, items[0].1, m.minutes(&day(10)))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let mut second_minutes = m.minutes(&day(10));
    second_minutes["recommendations"] = json!([{ "text": "Патронаж", "addressee": "AGENCY", "agencyId": m.h.hub.service, "dueDate": day(10) }]);
    let body = m
        .save(&m.secretary, &items[1].0, items[1].1, second_minutes)
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let body = m.approve(&m.chair, &meeting).await;
    assert!(body["errors"].is_null(), "{body}");

    let seen = m.meeting_as(&m.member, &meeting).await;
    let extracts = seen["data"]["mrgMeeting"]["extracts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(extracts.len(), 1, "only its own case: {seen}");
    assert_eq!(extracts[0]["case"]["id"], m.h.case.as_str());
    let recs = extracts[0]["recommendations"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(recs.len(), 1, "only its own recommendation: {seen}");
    assert_eq!(recs[0]["agency"]["id"], m.h.social.as_str());
    assert_eq!(seen["data"]["mrgMeeting"]["minutes"], Value::Null);
    // The lead reads the extract of both its cases, with all their recommendations.
    let seen = m.meeting_as(&m.h.hub.curator, &meeting).await;
    let extracts = seen["data"]["mrgMeeting"]["extracts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(extracts.len(), 2, "{seen}");
    assert_eq!(
        extracts[0]["recommendations"].as_array().map(Vec::len),
        Some(2)
    );
    // The MRG gave no agency FULL: the member still reads the case as a summary.
    let q = "query($id: ID!) { case(id: $id) { scope } }";
    let seen = m.gql(&m.member, q, json!({ "id": m.h.case })).await;
    assert_eq!(seen["data"]["case"]["scope"], "SUMMARY", "{seen}");
}

#[tokio::test]
async fn approved_minutes_are_read_only_and_corrected_by_amendments_beside_the_original() {
    let m = mrg_hub().await;
    let (meeting, item, version) = held(&m, &m.h.case).await;
    let body = m.approve(&m.chair, &meeting).await;
    assert_eq!(
        error_code(&body),
        Some("BAD_USER_INPUT"),
        "incomplete minutes: {body}"
    );
    m.save(&m.secretary, &item, version, m.minutes(&day(5)))
        .await;
    let body = m.approve(&m.secretary, &meeting).await;
    assert_eq!(
        error_code(&body),
        Some("FORBIDDEN"),
        "only the chair: {body}"
    );
    let body = m.approve(&m.chair, &meeting).await;
    assert!(body["errors"].is_null(), "{body}");

    let body = m
        .save(&m.secretary, &item, version + 1, m.minutes(&day(6)))
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    let body = m.approve(&m.chair, &meeting).await;
    assert_eq!(error_code(&body), Some("CONFLICT"));

    let amend = "mutation($m: ID!, $i: ID) { amendMinutes(meetingId: $m, itemId: $i, reason: \"Описка в дате\", text: \"Срок читать как 15 декабря\") { reason amendedAt authorId } }";
    let body = m
        .gql(&m.member, amend, json!({ "m": meeting, "i": item }))
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = m
        .gql(&m.secretary, amend, json!({ "m": meeting, "i": item }))
        .await;
    assert_eq!(
        body["data"]["amendMinutes"]["reason"], "Описка в дате",
        "{body}"
    );
    let seen = m.meeting_as(&m.chair, &meeting).await;
    let minutes = &seen["data"]["mrgMeeting"]["minutes"][0];
    assert_eq!(
        minutes["decision"], "Вернуть ребёнка в кровную семью при поддержке КЦСОН",
        "the original stays"
    );
    assert_eq!(
        minutes["amendments"][0]["text"], "Срок читать как 15 декабря",
        "{seen}"
    );
    let seen = m.meeting_as(&m.member, &meeting).await;
    assert_eq!(
        seen["data"]["mrgMeeting"]["extracts"][0]["amendments"][0]["reason"], "Описка в дате",
        "{seen}"
    );
}

#[tokio::test]
async fn two_secretaries_editing_one_draft_one_wins_and_the_other_gets_conflict() {
    let m = mrg_hub().await;
    let (_, item, version) = held(&m, &m.h.case).await;
    let first = m
        .save(&m.secretary, &item, version, m.minutes(&day(5)))
        .await;
    assert!(first["errors"].is_null(), "{first}");
    let mut theirs = m.minutes(&day(5));
    theirs["decision"] = json!("Другое решение");
    let second = m.save(&m.secretary2, &item, version, theirs).await;
    assert_eq!(error_code(&second), Some("CONFLICT"), "{second}");
    let seen = m
        .meeting_as(
            &m.secretary2,
            first["data"]["saveMinutes"]["id"]
                .as_str()
                .unwrap_or_default(),
        )
        .await;
    assert_eq!(
        seen["data"]["mrgMeeting"]["minutes"][0]["decision"],
        "Вернуть ребёнка в кровную семью при поддержке КЦСОН"
    );
    assert_eq!(
        seen["data"]["mrgMeeting"]["minutes"][0]["version"],
        version + 1
    );
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field() {
    let m = mrg_hub().await;
    let (meeting, item, version) = held(&m, &m.h.case).await;
    // A due date on the meeting's day (yesterday) or before.
    let body = m
        .save(&m.secretary, &item, version, m.minutes(&day(-1)))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    assert_eq!(
        error_field(&body),
        Some("recommendations[0].dueDate"),
        "{body}"
    );
    // A responsible agency outside the group.
    let mut minutes = m.minutes(&day(5));
    minutes["recommendations"][0]["agencyId"] = json!(m.h.hub.hospital);
    let body = m.save(&m.secretary, &item, version, minutes).await;
    assert_eq!(
        error_field(&body),
        Some("recommendations[0].agencyId"),
        "{body}"
    );
    // The child's opinion and why it was not heard, both.
    let mut minutes = m.minutes(&day(5));
    minutes["childOpinion"] = json!("Хочет домой");
    let body = m.save(&m.secretary, &item, version, minutes).await;
    assert_eq!(error_field(&body), Some("childNotHeardReason"), "{body}");
    // A case not in the lead's scope: social protection submits the service's case.
    let q = "mutation($g: ID!, $c: ID!) { submitCaseToMrg(groupId: $g, caseId: $c, question: \"?\", needs: \"-\", capacity: \"-\", resources: \"-\") }";
    let body = m
        .gql(&m.h.social_head, q, json!({ "g": m.group, "c": m.h.case }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    assert_eq!(error_field(&body), Some("caseId"));
    // A remote meeting without a link; a member who is not the secretary schedules.
    let input = json!({ "groupId": m.group, "startsAt": Utc::now().to_rfc3339(), "kind": "EMERGENCY", "format": "REMOTE", "familyAttends": false, "agenda": [] });
    let q = "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { id } }";
    let body = m.gql(&m.secretary, q, json!({ "i": input })).await;
    assert_eq!(error_field(&body), Some("remoteLink"), "{body}");
    let mut input = input;
    input["remoteLink"] = json!("https://meet.example/mrg");
    let body = m.gql(&m.member, q, json!({ "i": input })).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    // A chair must hold MRG_CHAIR.
    let add =
        "mutation($g: ID!, $u: ID!) { addMrgMember(groupId: $g, userId: $u, role: CHAIR) { id } }";
    let body = m
        .gql(
            &m.secretary,
            add,
            json!({ "g": m.group, "u": m.h.officer2_id }),
        )
        .await;
    assert_eq!(error_field(&body), Some("role"), "{body}");
    // An amendment to a draft: edit the draft instead.
    let amend =
        "mutation($m: ID!) { amendMinutes(meetingId: $m, reason: \"-\", text: \"-\") { id } }";
    let body = m.gql(&m.secretary, amend, json!({ "m": meeting })).await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
}

#[tokio::test]
async fn an_open_recommendation_is_reminded_three_days_ahead_and_once_overdue() {
    let m = mrg_hub().await;
    let (meeting, item, version) = held(&m, &m.h.case).await;
    m.save(&m.secretary, &item, version, m.minutes(&day(5)))
        .await;
    m.approve(&m.chair, &meeting).await;
    let body = m
        .gql(
            &m.member,
            "{ decisions { edges { node { dueAt overdue } } } }",
            json!({}),
        )
        .await;
    let due_at: chrono::DateTime<Utc> = body["data"]["decisions"]["edges"][0]["node"]["dueAt"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{body}"));
    let config = test_config();
    let round = |at| caselink::notify::reminders::round(&m.app().db, &config.mail, at);
    let soon = "notifications WHERE kind = 'MRG_RECOMMENDATION_DUE_SOON'";
    let overdue = "notifications WHERE kind = 'MRG_RECOMMENDATION_OVERDUE'";
    round(due_at - Duration::days(4)).await.expect("a round");
    assert_eq!(m.app().count(soon).await, 0, "not yet");
    round(due_at - Duration::days(2)).await.expect("a round");
    let soon_rows = m.app().count(soon).await;
    assert!(soon_rows >= 2, "both recommendations' agencies");
    // The other agency's due time lies in its own time zone: a day later covers both.
    round(due_at + Duration::days(1)).await.expect("a round");
    let rows = m.app().count(overdue).await;
    assert!(rows >= 2);
    round(due_at + Duration::days(1) + Duration::hours(1))
        .await
        .expect("a round");
    assert_eq!(m.app().count(overdue).await, rows, "once");
    assert_eq!(m.app().count(soon).await, soon_rows, "once");
    // The e-mail carries the meeting's number and a link, nothing of the case.
    let bad = "notifications WHERE kind LIKE 'MRG_%' AND journal_no NOT LIKE 'MRG-%'";
    assert_eq!(m.app().count(bad).await, 0);
}
