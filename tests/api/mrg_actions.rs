//! An MRG recommendation carried out in one step (issue 15): the case's lead requests a
//! referral or handover on it, and the recommendation is linked, moves to IN_PROGRESS with
//! a dated note, and shows what it became. Refusals leave nothing behind. Both databases.

use serde_json::{json, Value};

use crate::harness::{error_code, error_field};
use crate::mrg::{day, held, mrg_hub, MrgHub};

/// A held, approved meeting on the case; returns the ids of its recommendations to
/// social protection and to the family.
pub async fn approved_recommendations(m: &MrgHub) -> (String, String) {
    let (meeting, item, version) = held(m, &m.h.case).await;
    let body = m
        .save(&m.secretary, &item, version, m.minutes(&day(14)))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let body = m.approve(&m.chair, &meeting).await;
    assert!(body["errors"].is_null(), "{body}");
    let recs = &body["data"]["approveMinutes"]["minutes"][0]["recommendations"];
    let id = |i: usize| recs[i]["id"].as_str().unwrap_or_default().to_owned();
    (id(0), id(1))
}

const REFER: &str = "mutation($c: ID!, $to: ID!, $rec: ID) { requestHandover(caseId: $c, toAgencyId: $to, kind: REFERRAL, reason: \"По решению МРГ\", consentOverrideReason: \"Решение МРГ\", recommendationId: $rec) { id status } }";

const RECOMMENDATION: &str = "query($id: ID!) { decision: mrgRecommendation(id: $id) { status version notes { status note } became { kind targetId } } }";

async fn handovers_of_case(m: &MrgHub) -> usize {
    let q = "query($id: ID!) { case(id: $id) { handovers { id } } }";
    let body = m.gql(&m.h.hub.head, q, json!({ "id": m.h.case })).await;
    body["data"]["case"]["handovers"]
        .as_array()
        .map_or(0, Vec::len)
}

#[tokio::test]
async fn the_lead_refers_the_case_on_a_recommendation_in_one_step() {
    let m = mrg_hub().await;
    let (to_social, _) = approved_recommendations(&m).await;
    let body = m
        .gql(
            &m.h.hub.head,
            REFER,
            json!({ "c": m.h.case, "to": m.h.social, "rec": to_social }),
        )
        .await;
    let handover = body["data"]["requestHandover"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{body}"))
        .to_owned();
    assert_eq!(body["data"]["requestHandover"]["status"], "PENDING");

    // The responsible agency sees it in progress, with the note and what it became.
    let body = m
        .gql(&m.h.social_head, RECOMMENDATION, json!({ "id": to_social }))
        .await;
    let rec: &Value = &body["data"]["decision"];
    assert_eq!(rec["status"], "IN_PROGRESS", "{body}");
    assert_eq!(rec["became"][0]["kind"], "HANDOVER");
    assert_eq!(rec["became"][0]["targetId"], handover.as_str());
    assert_eq!(rec["notes"][0]["status"], "IN_PROGRESS");

    // Once is enough: a second request on it is a conflict, and nothing is stored.
    let before = handovers_of_case(&m).await;
    let body = m
        .gql(
            &m.h.hub.head,
            "mutation($c: ID!, $to: ID!, $rec: ID) { requestHandover(caseId: $c, toAgencyId: $to, kind: REFERRAL, reason: \"Ещё раз\", consentOverrideReason: \"Решение МРГ\", recommendationId: $rec) { id } }",
            json!({ "c": m.h.case, "to": m.h.social, "rec": to_social }),
        )
        .await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    assert_eq!(handovers_of_case(&m).await, before);
}

#[tokio::test]
async fn a_request_on_a_recommendation_it_does_not_carry_out_is_refused_and_leaves_nothing() {
    let m = mrg_hub().await;
    let (to_social, to_family) = approved_recommendations(&m).await;
    let before = handovers_of_case(&m).await;

    // Addressed to the family: no agency receives it.
    let body = m
        .gql(
            &m.h.hub.head,
            REFER,
            json!({ "c": m.h.case, "to": m.h.social, "rec": to_family }),
        )
        .await;
    assert_eq!(error_field(&body), Some("recommendationId"), "{body}");

    // Addressed to social protection, sent to guardianship.
    let body = m
        .gql(
            &m.h.hub.head,
            REFER,
            json!({ "c": m.h.case, "to": m.h.guardianship, "rec": to_social }),
        )
        .await;
    assert_eq!(error_field(&body), Some("toAgencyId"), "{body}");

    // No such recommendation (or one out of scope): not found.
    let body = m
        .gql(
            &m.h.hub.head,
            REFER,
            json!({ "c": m.h.case, "to": m.h.social, "rec": "01890000-0000-7000-8000-000000000000" }),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");

    assert_eq!(handovers_of_case(&m).await, before);
    let body = m
        .gql(&m.h.social_head, RECOMMENDATION, json!({ "id": to_social }))
        .await;
    assert_eq!(body["data"]["decision"]["status"], "ASSIGNED", "{body}");
    assert_eq!(body["data"]["decision"]["became"], json!([]));
}
