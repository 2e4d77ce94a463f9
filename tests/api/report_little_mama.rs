//! «Маленькая мама» (seed 004; issue 18): the mother's scored assessment at entry and at
//! exit, and the programme's indicators against their targets on a hand-built record
//! whose answer is known: three mothers assessed at exit (one more only at entry), one
//! exit re-recorded, two cases closed, one information request to a partner. Who
//! records, what is refused, the block only where the programme runs, the CSV and the
//! printable page. Both databases.

use serde_json::{json, Value};

use crate::case_intake::{intake_hub, today_in, IntakeHub};
use crate::harness::{error_code, error_field, PASSWORD};
use crate::reports::RATIO;
use crate::workspace::page_as;

const KAMCHATKA: chrono_tz::Tz = chrono_tz::Asia::Kamchatka;

const RECORD: &str = "mutation($c: ID!, $s: AssessmentStage!, $d: NaiveDate!, $a: Int!, $b: Int!, $e: Int!, $f: Int!, $w: Boolean) { recordMotherAssessment(caseId: $c, stage: $s, assessedOn: $d, childcareSkills: $a, interactionWithChild: $b, copesIndependently: $e, parentalCompetence: $f, childWithMother: $w) { stage childcareSkills parentalCompetence childWithMother version } }";

async fn assess(
    hub: &IntakeHub,
    token: &str,
    case: &str,
    stage: &str,
    scores: [i32; 4],
    with_mother: Option<bool>,
) -> Value {
    let vars = json!({
        "c": case, "s": stage, "d": today_in(KAMCHATKA, 0).to_string(),
        "a": scores[0], "b": scores[1], "e": scores[2], "f": scores[3], "w": with_mother
    });
    hub.app.gql(Some(token), RECORD, vars).await
}

fn mother(name: &str) -> Value {
    json!({
        "source": "APPLICATION", "reason": "Несовершеннолетняя мать, нет жилья",
        "persons": [{ "role": "MOTHER", "fullName": name }],
        "stage": "SUPPORT"
    })
}

fn counts(ratio: &Value) -> (i64, i64) {
    (
        ratio["numerator"].as_i64().unwrap_or(-1),
        ratio["denominator"].as_i64().unwrap_or(-1),
    )
}

async fn close(hub: &IntakeHub, case: &str) {
    const SQL: &str = "UPDATE cases SET status = 'CLOSED', closed_at = $2,
        closure_reason = 'SUPPORT_COMPLETED' WHERE id = $1";
    let id: uuid::Uuid = case.parse().expect("a case id");
    caselink::with_db!(&hub.app.db, |pool| sqlx::query(SQL)
        .bind(id)
        .bind(chrono::Utc::now())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
    .expect("close the case");
}

#[tokio::test]
async fn the_little_mama_indicators_count_exit_assessments_against_their_targets() {
    let hub = intake_hub().await;
    let head = "head@srcn.example";
    hub.app
        .create_user(&hub.admin, &hub.rehab, head, &["HEAD_OF_SERVICE"])
        .await;
    let head = hub.app.login(head, PASSWORD).await;
    let mut cases = Vec::new();
    for name in ["Алина А.", "Вера Б.", "Галина В.", "Дарья Г."] {
        let case = hub.opened(&hub.staff, mother(name)).await;
        cases.push(case["id"].as_str().unwrap_or_default().to_owned());
    }
    let (a, b, c, d) = (&cases[0], &cases[1], &cases[2], &cases[3]);

    // The exit comes after the entry; scores are 1–5; whether the child stays is said
    // at exit only.
    let body = assess(&hub, &hub.staff, a, "EXIT", [5, 4, 2, 4], Some(true)).await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    let body = assess(&hub, &hub.staff, a, "ENTRY", [2, 2, 1, 6], None).await;
    assert_eq!(error_field(&body), Some("parentalCompetence"), "{body}");
    let body = assess(&hub, &hub.staff, a, "ENTRY", [2, 2, 1, 2], Some(true)).await;
    assert_eq!(error_field(&body), Some("childWithMother"), "{body}");
    for (case, entry) in [(a, 2), (b, 3), (c, 3), (d, 1)] {
        let body = assess(&hub, &hub.staff, case, "ENTRY", [2, 2, 1, entry], None).await;
        assert_eq!(
            body["data"]["recordMotherAssessment"]["version"], 1,
            "{body}"
        );
    }
    let body = assess(&hub, &hub.staff, a, "EXIT", [1, 1, 1, 1], None).await;
    assert_eq!(error_field(&body), Some("childWithMother"), "{body}");
    // A's exit recorded, then replaced: the second one counts.
    let body = assess(&hub, &hub.staff, a, "EXIT", [1, 1, 1, 1], Some(false)).await;
    assert_eq!(
        body["data"]["recordMotherAssessment"]["version"], 1,
        "{body}"
    );
    let body = assess(&hub, &head, a, "EXIT", [5, 4, 2, 4], Some(true)).await;
    assert_eq!(
        body["data"]["recordMotherAssessment"]["version"], 2,
        "{body}"
    );
    assert!(
        assess(&hub, &hub.staff, b, "EXIT", [4, 3, 4, 3], Some(false)).await["errors"].is_null()
    );
    assert!(
        assess(&hub, &hub.staff, c, "EXIT", [3, 5, 1, 2], Some(true)).await["errors"].is_null()
    );
    // Another agency finds nothing to assess; an agency outside the programme may not.
    let body = assess(&hub, &hub.social_curator, a, "ENTRY", [3, 3, 3, 3], None).await;
    assert!(
        matches!(error_code(&body), Some("NOT_FOUND" | "FORBIDDEN")),
        "{body}"
    );
    let social = hub.opened(&hub.social_curator, mother("Елена Д.")).await;
    let social = social["id"].as_str().unwrap_or_default().to_owned();
    let body = assess(
        &hub,
        &hub.social_curator,
        &social,
        "ENTRY",
        [3, 3, 3, 3],
        None,
    )
    .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    // Families kept together: A closes with the child, B without.
    close(&hub, a).await;
    close(&hub, b).await;
    // A partner: the centre asks social protection about D.
    let ask = "mutation($c: ID!, $to: ID!, $d: NaiveDate!) { requestInformation(caseId: $c, receiverAgencyId: $to, questions: \"Есть ли у семьи жильё?\", dueDate: $d) { id } }";
    let body = hub
        .app
        .gql(
            Some(&head),
            ask,
            json!({ "c": d, "to": hub.social, "d": today_in(KAMCHATKA, 10).to_string() }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");

    let today = today_in(KAMCHATKA, 0);
    let period = json!({ "from": today_in(KAMCHATKA, -30).to_string(), "to": today.to_string() });
    let query = format!(
        "query($p: ReportPeriodInput!) {{ effectivenessReport(period: $p) {{ littleMama {{
            mothersAssessed meetingsHeld socialPartners familiesKeptTogether
            learnedChildcare {{ targetPercent targetMet ratio {{ {RATIO} }} }}
            positiveInteraction {{ targetPercent targetMet ratio {{ {RATIO} }} }}
            copesIndependently {{ targetPercent targetMet ratio {{ {RATIO} }} }}
            competenceRaised {{ targetPercent targetMet ratio {{ {RATIO} }} }} }} }} }}"
    );
    let body = hub
        .app
        .gql(Some(&head), &query, json!({ "p": period }))
        .await;
    let m = &body["data"]["effectivenessReport"]["littleMama"];
    assert_eq!(m["mothersAssessed"], 3, "{body}");
    assert_eq!(counts(&m["learnedChildcare"]["ratio"]), (2, 3), "{body}");
    assert_eq!(m["learnedChildcare"]["targetPercent"], 100.0);
    assert_eq!(m["learnedChildcare"]["targetMet"], false);
    assert_eq!(counts(&m["positiveInteraction"]["ratio"]), (2, 3));
    assert_eq!(m["positiveInteraction"]["targetMet"], false);
    assert_eq!(counts(&m["copesIndependently"]["ratio"]), (1, 3));
    assert_eq!(m["copesIndependently"]["targetMet"], true);
    assert_eq!(counts(&m["competenceRaised"]["ratio"]), (1, 3));
    assert_eq!(m["competenceRaised"]["ratio"]["percent"], 33.3);
    assert_eq!(m["competenceRaised"]["targetMet"], true);
    assert_eq!(
        m["competenceRaised"]["ratio"]["journalNumbers"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "the head drills down: {body}"
    );
    assert_eq!(m["familiesKeptTogether"], 1, "{body}");
    assert_eq!(m["socialPartners"], 1, "{body}");
    assert_eq!(m["meetingsHeld"], 0, "{body}");

    // An empty period: no data, never 0.
    let empty = json!({ "from": "2020-01-01", "to": "2020-06-30" });
    let body = hub
        .app
        .gql(Some(&head), &query, json!({ "p": empty }))
        .await;
    let m = &body["data"]["effectivenessReport"]["littleMama"];
    assert_eq!(
        m["learnedChildcare"]["ratio"]["status"], "NO_DATA",
        "{body}"
    );
    assert!(m["learnedChildcare"]["targetMet"].is_null(), "{body}");

    // The assessments read back on the case, to those who see it whole.
    let read = "query($c: ID!) { motherAssessments(caseId: $c) { stage parentalCompetence childWithMother version } }";
    let body = hub.app.gql(Some(&hub.staff), read, json!({ "c": a })).await;
    assert_eq!(
        body["data"]["motherAssessments"],
        json!([
            { "stage": "ENTRY", "parentalCompetence": 2, "childWithMother": null, "version": 1 },
            { "stage": "EXIT", "parentalCompetence": 4, "childWithMother": true, "version": 2 }
        ]),
        "{body}"
    );

    // The CSV and the printable page carry the block with its targets.
    let q = format!("from={}&to={}", today_in(KAMCHATKA, -30), today);
    let response = hub
        .app
        .http()
        .get(format!("{}/reports/report.csv?{q}", hub.app.address))
        .bearer_auth(&head)
        .send()
        .await
        .expect("the CSV");
    let csv = response.text().await.expect("its text");
    assert!(
        csv.contains("«Маленькая мама»: Освоили навыки ухода за ребёнком (цель 100%);2;3;66,7"),
        "{csv}"
    );
    assert!(
        csv.contains("«Маленькая мама»: сохранено кровных семей;1"),
        "{csv}"
    );
    let (status, print) = page_as(&hub.app, &head, &format!("/reports/print?{q}")).await;
    assert_eq!(status, 200, "{print}");
    assert!(print.contains("report-little-mama"), "{print}");
    assert!(print.contains("Программа «Маленькая мама»"), "{print}");
    assert!(print.contains("75 %"), "the target beside it: {print}");
}

/// The user id and agency id of a signed-in user.
async fn me(hub: &IntakeHub, token: &str) -> (String, String) {
    let body = hub
        .app
        .gql(Some(token), "{ me { id agency { id } } }", json!({}))
        .await;
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (
        text(&body["data"]["me"]["id"]),
        text(&body["data"]["me"]["agency"]["id"]),
    )
}

/// `query` as `token`; panics with the answer when it carries errors.
async fn ok(hub: &IntakeHub, token: &str, query: &str, vars: Value) -> Value {
    let body = hub.app.gql(Some(token), query, vars).await;
    assert!(body["errors"].is_null(), "{query}: {body}");
    body["data"].clone()
}

#[tokio::test]
async fn meetings_held_count_approved_mrg_meetings_and_partners_count_each_agency_once() {
    let hub = intake_hub().await;
    let admin = &hub.admin;
    hub.app
        .create_user(admin, &hub.rehab, "head@srcn.example", &["HEAD_OF_SERVICE"])
        .await;
    hub.app
        .create_user(admin, &hub.social, "sec@kcson.example", &["MRG_SECRETARY"])
        .await;
    hub.app
        .create_user(admin, &hub.social, "chair@kcson.example", &["MRG_CHAIR"])
        .await;
    let head = hub.app.login("head@srcn.example", PASSWORD).await;
    let secretary = hub.app.login("sec@kcson.example", PASSWORD).await;
    let chair = hub.app.login("chair@kcson.example", PASSWORD).await;
    let (chair_id, _) = me(&hub, &chair).await;
    let (staff_id, _) = me(&hub, &hub.staff).await;
    let (ngo_curator_id, ngo) = me(&hub, &hub.ngo_curator).await;
    let (_, guardianship) = me(&hub, &hub.officer).await;
    let x = hub.opened(&hub.staff, mother("Жанна Е.")).await;
    let y = hub.opened(&hub.staff, mother("Зоя Ж.")).await;
    let (x, y) = (
        x["id"].as_str().unwrap_or_default(),
        y["id"].as_str().unwrap_or_default(),
    );

    // A group run by social protection; the centre's and the NGO's curators are members.
    let group = ok(
        &hub,
        &secretary,
        "mutation { createMrgGroup(name: \"МРГ\", territory: \"г. Сургут\") { id } }",
        json!({}),
    )
    .await;
    let group = group["createMrgGroup"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let add = "mutation($g: ID!, $u: ID!, $r: MrgRole!) { addMrgMember(groupId: $g, userId: $u, role: $r) { id } }";
    for (user, role) in [
        (&chair_id, "CHAIR"),
        (&staff_id, "MEMBER"),
        (&ngo_curator_id, "MEMBER"),
    ] {
        ok(
            &hub,
            &secretary,
            add,
            json!({ "g": group, "u": user, "r": role }),
        )
        .await;
    }
    let submit = "mutation($g: ID!, $c: ID!) { submitCaseToMrg(groupId: $g, caseId: $c, question: \"Вернуть ли ребёнка в семью?\", needs: \"Уход\", capacity: \"Мать без жилья\", resources: \"Бабушка рядом\") }";
    let schedule = "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { id agenda { id version } } }";
    let meeting = |submission: &str| {
        json!({ "i": {
            "groupId": group, "startsAt": (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339(),
            "place": "каб. 12", "kind": "PLANNED", "format": "IN_PERSON", "familyAttends": false,
            "agenda": [{ "submissionId": submission }],
        } })
    };
    // X is discussed and the minutes approved, with recommendations to the NGO (twice)
    // and to the family; Y's meeting stays a draft and does not count.
    let sx = ok(&hub, &hub.staff, submit, json!({ "g": group, "c": x })).await;
    let sx = sx["submitCaseToMrg"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let held = ok(&hub, &secretary, schedule, meeting(&sx)).await;
    let held = &held["scheduleMeeting"];
    let due = today_in(KAMCHATKA, 14).to_string();
    let minutes = json!({
        "information": [{ "assessment": "CHILD_NEEDS", "text": "Наблюдение педиатра", "agencyId": hub.rehab }],
        "childNotHeardReason": "Новорождённый", "familyParticipated": true,
        "familyPosition": "Мать хочет забрать ребёнка", "services": [],
        "longTermGoal": "RETURN_TO_BIRTH_FAMILY", "decision": "Сохранить ребёнка в семье",
        "recommendations": [
            { "text": "Наставник для матери", "addressee": "AGENCY", "agencyId": ngo, "dueDate": due },
            { "text": "Группа поддержки", "addressee": "AGENCY", "agencyId": ngo, "dueDate": due },
            { "text": "Встать на учёт в поликлинике", "addressee": "FAMILY", "dueDate": due },
        ],
    });
    let save = "mutation($i: ID!, $v: Int!, $m: MrgMinutesInput!) { saveMinutes(itemId: $i, version: $v, minutes: $m) { id } }";
    let vars =
        json!({ "i": held["agenda"][0]["id"], "v": held["agenda"][0]["version"], "m": minutes });
    ok(&hub, &secretary, save, vars).await;
    let approve = "mutation($m: ID!) { approveMinutes(meetingId: $m) { minutesStatus } }";
    ok(&hub, &chair, approve, json!({ "m": held["id"] })).await;
    let sy = ok(&hub, &hub.staff, submit, json!({ "g": group, "c": y })).await;
    let sy = sy["submitCaseToMrg"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    ok(&hub, &secretary, schedule, meeting(&sy)).await;
    // Y is referred to guardianship: a partner through a handover.
    let refer = "mutation($c: ID!, $to: ID!) { requestHandover(caseId: $c, toAgencyId: $to, kind: REFERRAL, reason: \"Нужна опека\", consentOverrideReason: \"Угроза жизни\") { id } }";
    ok(&hub, &head, refer, json!({ "c": y, "to": guardianship })).await;

    let period = json!({ "from": today_in(KAMCHATKA, -30).to_string(), "to": today_in(KAMCHATKA, 0).to_string() });
    let query = "query($p: ReportPeriodInput!) { effectivenessReport(period: $p) { littleMama { meetingsHeld socialPartners } } }";
    let data = ok(&hub, &head, query, json!({ "p": period })).await;
    let m = &data["effectivenessReport"]["littleMama"];
    assert_eq!(m["meetingsHeld"], 1, "the approved meeting only: {data}");
    assert_eq!(
        m["socialPartners"], 2,
        "the NGO (two recommendations, once) and guardianship; not the family: {data}"
    );
}

#[tokio::test]
async fn the_block_shows_only_where_the_programme_runs() {
    let hub = intake_hub().await;
    let head = "head@kcson.example";
    hub.app
        .create_user(&hub.admin, &hub.social, head, &["HEAD_OF_SERVICE"])
        .await;
    let head = hub.app.login(head, PASSWORD).await;
    let query = "query($p: ReportPeriodInput!) { effectivenessReport(period: $p) { agencyKind littleMama { mothersAssessed } } }";
    let period = json!({ "from": "2026-01-01", "to": "2026-06-30" });
    let body = hub
        .app
        .gql(Some(&head), query, json!({ "p": period }))
        .await;
    assert_eq!(
        body["data"]["effectivenessReport"]["agencyKind"], "SOCIAL_PROTECTION",
        "{body}"
    );
    assert!(
        body["data"]["effectivenessReport"]["littleMama"].is_null(),
        "{body}"
    );
}

/// The form's token on a page.
fn csrf(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn the_workspace_form_records_an_assessment_and_a_refusal_keeps_what_was_typed() {
    let hub = intake_hub().await;
    let case = hub.opened(&hub.staff, mother("Жанна Е.")).await;
    let id = case["id"].as_str().unwrap_or_default().to_owned();
    let (status, page) = page_as(&hub.app, &hub.staff, &format!("/cases/{id}")).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("mother-assessment"),
        "linked from the case page: {page}"
    );
    let path = format!("/cases/{id}/mother-assessment");
    let (status, page) = page_as(&hub.app, &hub.staff, &path).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("label for=\"assessment-date\""), "{page}");
    let token = csrf(&page);
    let post = |body: String| {
        let app = &hub.app;
        let staff = hub.staff.clone();
        let url = format!("{}{path}", app.address);
        async move {
            let response = app
                .http()
                .post(url)
                .header("cookie", format!("caselink_session={staff}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .expect("post the form");
            let status = response.status().as_u16();
            (status, response.text().await.expect("a page"))
        }
    };
    let tomorrow = today_in(KAMCHATKA, 1).to_string();
    let form = |day: &str| {
        format!("csrf={token}&stage=ENTRY&assessed_on={day}&childcare_skills=2&interaction_with_child=3&copes_independently=1&parental_competence=2&child_with_mother=")
    };
    let (status, page) = post(form(tomorrow.as_str())).await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("assessment-date-error"),
        "the message by the date: {page}"
    );
    assert!(
        page.contains(&format!("value=\"{tomorrow}\"")),
        "the date kept: {page}"
    );
    let today = today_in(KAMCHATKA, 0).to_string();
    let (status, page) = post(form(today.as_str())).await;
    assert!(status == 303 || status == 200, "{status} {page}");
    let (_, page) = page_as(&hub.app, &hub.staff, &path).await;
    assert!(page.contains("id=\"assessments\""), "{page}");
    assert!(page.contains("При поступлении"), "{page}");
}
