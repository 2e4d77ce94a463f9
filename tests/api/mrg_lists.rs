//! The MRG's lists walked a page at a time (issue 13's pattern): `mrgMeetings` and the
//! workspace's `/mrg` list every meeting of the agency's groups, latest first, with none
//! lost past a page; `decisions(open: true)` keeps the open ones in SQL, so an agency's
//! done recommendations never push its open ones off the page.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::browser::Browser;
use crate::harness::{error_code, error_field};
use crate::mrg::{held, mrg_hub, MrgHub};
use crate::workspace::{page_as, sign_in};

const MEETINGS: &str = "query($g: ID, $first: Int, $after: String) { mrgMeetings(groupId: $g, first: $first, after: $after) { edges { node { id startsAt myRole } } pageInfo { hasNextPage endCursor } } }";

/// Every meeting id of `mrgMeetings` as `token` reads it, `size` at a time.
async fn walk(m: &MrgHub, token: &str, group: Option<&str>, size: i64) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after = Value::Null;
    for _ in 0..100 {
        let vars = json!({ "g": group, "first": size, "after": after });
        let body = m.gql(token, MEETINGS, vars).await;
        let page = &body["data"]["mrgMeetings"];
        let edges = page["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("mrgMeetings failed: {body}"));
        ids.extend(
            edges
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            return ids;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    panic!("mrgMeetings did not end after 100 pages")
}

/// The meetings of `groups` in the database, latest first with ties by id: the order
/// the list must give.
async fn in_order(m: &MrgHub, groups: &[&str]) -> Vec<String> {
    let mut rows: Vec<(DateTime<Utc>, Uuid, Uuid)> = caselink::with_db!(&m.app().db, |pool| {
        sqlx::query_as("SELECT starts_at, id, group_id FROM mrg_meetings")
            .fetch_all(pool)
            .await
    })
    .expect("read the meetings");
    rows.retain(|r| groups.contains(&r.2.to_string().as_str()));
    rows.sort_by_key(|r| std::cmp::Reverse((r.0, r.1)));
    rows.into_iter().map(|r| r.1.to_string()).collect()
}

/// A second group of the secretary's, her agency its only member; returns its id.
async fn second_group(m: &MrgHub) -> String {
    let body = m
        .gql(
            &m.secretary,
            "mutation { createMrgGroup(name: \"МРГ района\", territory: \"Сургутский район\") { id } }",
            json!({}),
        )
        .await;
    body["data"]["createMrgGroup"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{body}"))
}

/// The secretary schedules a meeting of `group` `days` from now; returns its id.
async fn schedule_in(m: &MrgHub, group: &str, days: i64) -> String {
    let input = json!({
        "groupId": group,
        "startsAt": (Utc::now() + Duration::days(days)).to_rfc3339(),
        "place": "каб. 12", "kind": "PLANNED", "format": "IN_PERSON",
        "familyAttends": false, "agenda": [{ "topic": "Организационные вопросы" }],
    });
    let body = m
        .gql(
            &m.secretary,
            "mutation($i: ScheduleMeetingInput!) { scheduleMeeting(input: $i) { id } }",
            json!({ "i": input }),
        )
        .await;
    body["data"]["scheduleMeeting"]["id"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{body}"))
}

#[tokio::test]
async fn meetings_are_walked_latest_first_by_members_only_none_lost_between_pages() {
    let m = mrg_hub().await;
    let other = second_group(&m).await;
    let mut first_group = Vec::new();
    for days in [-25, -10, 3, 30, -10, 12] {
        first_group.push(schedule_in(&m, &m.group, days).await);
    }
    for days in [-20, 5, 60] {
        schedule_in(&m, &other, days).await;
    }
    // Three meetings at one instant: the keyset's id breaks the tie.
    let tie = Utc::now() - Duration::days(5);
    for id in &first_group[..3] {
        caselink::with_db!(&m.app().db, |pool| sqlx::query(
            "UPDATE mrg_meetings SET starts_at = $1 WHERE id = $2"
        )
        .bind(tie)
        .bind(Uuid::parse_str(id).expect("an id"))
        .execute(pool)
        .await
        .map(|_| ()))
        .expect("tie the meetings");
    }

    // The secretary's agency is a member of both groups.
    let both = in_order(&m, &[&m.group, &other]).await;
    assert_eq!(both.len(), 9);
    for size in [1, 2, 4, 100] {
        assert_eq!(
            walk(&m, &m.secretary, None, size).await,
            both,
            "{size} a page"
        );
    }
    let one = in_order(&m, &[&m.group]).await;
    for size in [1, 5, 100] {
        assert_eq!(walk(&m, &m.secretary, Some(&m.group), size).await, one);
    }
    // The group's own `meetings` is the same list.
    let body = m
        .gql(
            &m.secretary,
            "query($g: ID!) { mrgGroup(id: $g) { meetings(first: 100) { nodes { id } pageInfo { hasNextPage } } } }",
            json!({ "g": m.group }),
        )
        .await;
    let of_group: Vec<String> = body["data"]["mrgGroup"]["meetings"]["nodes"]
        .as_array()
        .map(|n| {
            n.iter()
                .map(|n| n["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(of_group, one, "{body}");
    // Social protection is a member of the first group only; the hospital of none.
    assert_eq!(walk(&m, &m.member, None, 2).await, one);
    assert_eq!(
        walk(&m, &m.member, Some(&other), 2).await,
        Vec::<String>::new()
    );
    assert_eq!(
        walk(&m, &m.h.hub.nurse, None, 3).await,
        Vec::<String>::new()
    );

    // The reader's own role comes with each meeting, per group.
    let body = m.gql(&m.chair, MEETINGS, json!({ "first": 20 })).await;
    let roles: Vec<&Value> = body["data"]["mrgMeetings"]["edges"]
        .as_array()
        .map(|e| e.iter().map(|e| &e["node"]["myRole"]).collect())
        .unwrap_or_default();
    assert_eq!(
        roles.len(),
        6,
        "the chair's agency sees the first group: {body}"
    );
    assert!(roles.iter().all(|r| *r == "CHAIR"), "{body}");
}

#[tokio::test]
async fn a_bad_page_of_meetings_is_refused_naming_the_argument() {
    let m = mrg_hub().await;
    for (vars, field) in [
        (json!({ "first": 0 }), "first"),
        (json!({ "first": 101 }), "first"),
        (json!({ "after": "not-a-cursor" }), "after"),
        (json!({ "g": "nonsense" }), "groupId"),
    ] {
        let body = m.gql(&m.secretary, MEETINGS, vars.clone()).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{vars}: {body}");
        assert_eq!(error_field(&body), Some(field), "{vars}: {body}");
    }
    let (status, _) = page_as(m.app(), &m.secretary, "/mrg?after=not-a-cursor").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn open_decisions_are_chosen_in_sql_so_done_ones_never_hide_them() {
    let m = mrg_hub().await;
    let (meeting, item, version) = held(&m, &m.h.case).await;
    let body = m
        .save(
            &m.secretary,
            &item,
            version,
            m.minutes(&crate::mrg::day(10)),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let body = m.approve(&m.chair, &meeting).await;
    assert!(body["errors"].is_null(), "{body}");
    let decisions = "query($open: Boolean) { decisions(open: $open, first: 20) { edges { node { id status } } } }";
    let body = m.gql(&m.chair, decisions, json!({})).await;
    let all: Vec<String> = body["data"]["decisions"]["edges"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|e| e["node"]["id"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(all.len(), 2, "{body}");
    // One of the two is done: the open list keeps the other.
    caselink::with_db!(&m.app().db, |pool| sqlx::query(
        "UPDATE mrg_recommendations SET status = 'DONE' WHERE id = $1"
    )
    .bind(Uuid::parse_str(&all[0]).expect("an id"))
    .execute(pool)
    .await
    .map(|_| ()))
    .expect("mark one done");
    let body = m.gql(&m.chair, decisions, json!({ "open": true })).await;
    let open: Vec<&Value> = body["data"]["decisions"]["edges"]
        .as_array()
        .map(|e| e.iter().map(|e| &e["node"]["id"]).collect())
        .unwrap_or_default();
    assert_eq!(open, vec![&json!(all[1])], "{body}");
    let body = m.gql(&m.chair, decisions, json!({ "open": false })).await;
    assert_eq!(
        body["data"]["decisions"]["edges"].as_array().map(Vec::len),
        Some(2)
    );
}

#[tokio::test]
async fn the_meetings_page_links_to_earlier_meetings_until_all_are_shown() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let m = mrg_hub().await;
    // 23 meetings: a page of 20 and a second page of three.
    for days in 0..23 {
        schedule_in(&m, &m.group, days - 11).await;
    }
    let numbers: Vec<String> = {
        let rows: Vec<(DateTime<Utc>, Uuid, String)> = caselink::with_db!(&m.app().db, |pool| {
            sqlx::query_as("SELECT starts_at, id, journal_no FROM mrg_meetings")
                .fetch_all(pool)
                .await
        })
        .expect("read the meetings");
        let mut rows = rows;
        rows.sort_by_key(|r| std::cmp::Reverse((r.0, r.1)));
        rows.into_iter().map(|r| r.2).collect()
    };
    let address = m.app().address.clone();
    sign_in(&browser, &address, "secretary@service.example").await;
    browser.open(&format!("{address}/mrg")).await;
    let first = browser.text().await;
    assert!(
        first.contains(&numbers[0]) && first.contains(&numbers[19]),
        "{first}"
    );
    assert!(!first.contains(&numbers[20]), "{first}");
    assert!(!first.contains("Последние заседания"), "{first}");
    browser.click("#mrg-earlier").await;
    let second = browser.text().await;
    for n in &numbers[20..] {
        assert!(second.contains(n.as_str()), "{n} missing: {second}");
    }
    assert!(!second.contains(&numbers[19]), "{second}");
    assert!(!second.contains("Более ранние заседания"), "{second}");
    browser.assert_accessible().await;
    browser.click("#mrg-latest").await;
    assert_eq!(browser.url().await, format!("{address}/mrg"));
    browser.close().await;
}
