//! Lists walked by cursor (issue 13): for every combination of filters and several page
//! sizes, the pages joined give the same rows in the same order as one read of the whole
//! list, and that order is the list's own, rows sharing an instant included (ties are made
//! by setting several rows' time column to one instant in the database). This checks what
//! the statements return, not how fast: their plans are in docs/performance.md.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::handovers::{handover_hub, id_of, HandoverHub};
use crate::harness::{TestApp, PASSWORD};
use crate::signals::{report_input, signal_hub, SignalHub};

/// The page sizes every combination is walked with; 100 (the largest) reads it whole.
const SIZES: [i64; 3] = [1, 2, 5];

/// One connection field as a viewer reads it.
struct List<'a> {
    app: &'a TestApp,
    token: &'a str,
    /// `field(args…`: the field and its arguments other than `first`/`after`.
    call: &'a str,
    /// The declared variables the arguments use, e.g. `$f: CaseFilterInput`.
    declare: &'a str,
}

impl List<'_> {
    /// The node ids of the whole list under `vars`, walked `size` at a time.
    async fn walk(&self, vars: &Value, size: i64) -> Vec<String> {
        let field = self.call.split('(').next().unwrap_or_default();
        let args = self.call.trim_start_matches(field).trim_start_matches('(');
        let sep = if args.is_empty() { "" } else { ", " };
        let query = format!(
            "query($first: Int, $after: String{}{}) {{ {field}({args}{sep}first: $first, after: $after) \
             {{ edges {{ node {{ id }} }} pageInfo {{ hasNextPage endCursor }} }} }}",
            if self.declare.is_empty() { "" } else { ", " },
            self.declare
        );
        let mut ids = Vec::new();
        let mut after = Value::Null;
        for _ in 0..1000 {
            let mut v = vars.clone();
            v["first"] = json!(size);
            v["after"] = after.clone();
            let body = self.app.gql(Some(self.token), &query, v).await;
            let page = &body["data"][field];
            let edges = page["edges"]
                .as_array()
                .unwrap_or_else(|| panic!("{field} failed: {body}"));
            ids.extend(
                edges
                    .iter()
                    .filter_map(|e| e["node"]["id"].as_str().map(str::to_owned)),
            );
            if page["pageInfo"]["hasNextPage"] != true {
                return ids;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        panic!("{field} did not end after 1000 pages")
    }

    /// The whole list under `vars` in one read, after checking that every page size walks
    /// it the same. `grows_at_front`: rows may be added meanwhile (audit events,
    /// reminders), always newest, so a later walk may start with rows the read had not.
    async fn checked(&self, vars: &Value, grows_at_front: bool) -> Vec<String> {
        let whole = self.walk(vars, 100).await;
        assert!(whole.len() < 100, "{} needs more than one page", self.call);
        for size in SIZES {
            let mut walked = self.walk(vars, size).await;
            if grows_at_front {
                let new = walked.iter().take_while(|id| !whole.contains(id)).count();
                walked.drain(..new);
            }
            assert_eq!(
                walked, whole,
                "{} with {vars} walked {size} at a time",
                self.call
            );
        }
        whole
    }
}

/// Every combination of the given values of each variable (`None`: not given).
fn combinations(choices: &[(&str, Vec<Value>)]) -> Vec<Value> {
    let mut all = vec![json!({})];
    for (name, values) in choices {
        let mut next = Vec::new();
        for base in &all {
            next.push(base.clone());
            for value in values {
                let mut v = base.clone();
                v[*name] = value.clone();
                next.push(v);
            }
        }
        all = next;
    }
    all
}

/// Whether `part` is `whole` with some elements left out, in order.
fn is_subsequence(part: &[String], whole: &[String]) -> bool {
    let mut rest = whole.iter();
    part.iter().all(|p| rest.any(|w| w == p))
}

fn uuid(id: &str) -> Uuid {
    Uuid::parse_str(id).unwrap_or_else(|e| panic!("not a UUID {id}: {e}"))
}

/// Sets `column` of the rows of `table` whose `key` is in `ids` to `at`: a tie.
async fn set_time(
    app: &TestApp,
    table: &str,
    key: &str,
    column: &str,
    ids: &[String],
    at: DateTime<Utc>,
) {
    let sql = format!("UPDATE {table} SET {column} = $1 WHERE {key} = $2");
    for id in ids {
        caselink::with_db!(&app.db, |pool| sqlx::query(&sql)
            .bind(at)
            .bind(uuid(id))
            .execute(pool)
            .await
            .map(|_| ()))
        .expect("set a time");
    }
}

/// Rows `(time, id, text)` of a query, newest first with ties by id, as the lists order.
async fn newest_first(app: &TestApp, sql: &str) -> Vec<(DateTime<Utc>, Uuid, String)> {
    let mut rows: Vec<(DateTime<Utc>, Uuid, String)> =
        caselink::with_db!(&app.db, |pool| sqlx::query_as(sql).fetch_all(pool).await)
            .expect("read the rows");
    rows.sort_by_key(|r| std::cmp::Reverse((r.0, r.1)));
    rows
}

/// Opens a case from a new signal, given to `curator` (token, id); returns the case id.
pub(crate) async fn open_case(hub: &SignalHub, curator: &(String, String)) -> String {
    let signal = hub.reported().await;
    hub.step(&hub.head, "receiveSignal(id: $id)", json!({ "id": signal }))
        .await;
    hub.step(
        &hub.head,
        "assignCurator(signalId: $id, curatorId: $c)",
        json!({ "id": signal, "c": curator.1 }),
    )
    .await;
    hub.visit_report(&curator.0, &signal).await;
    let body = hub
        .app
        .gql(
            Some(&hub.head),
            "mutation($id: ID!) { openCase(signalId: $id) { id } }",
            json!({ "id": signal }),
        )
        .await;
    id_of(&body, "openCase")
}

/// Twelve cases over three curators (four opened at one instant, some closed or in
/// support) and six more signals (some late, some received), the audit events and
/// notifications all that wrote.
pub(crate) async fn seeded_hub() -> (SignalHub, Vec<String>, Vec<(String, String)>) {
    let hub = signal_hub().await;
    let mut curators = vec![(hub.curator.clone(), hub.curator_id.clone())];
    for n in 2..=3 {
        let email = format!("curator{n}@service.example");
        let id = hub
            .app
            .create_user(&hub.admin, &hub.service, &email, &["CURATOR"])
            .await;
        curators.push((hub.app.login(&email, PASSWORD).await, id));
    }
    let mut cases = Vec::new();
    for i in 0..12 {
        cases.push(open_case(&hub, &curators[i % 3]).await);
    }
    let now = Utc::now();
    for i in 0..6 {
        // Registered an hour after detection: the specialist's 30 minutes ran out.
        let late = i % 2 == 0;
        let detected = now - Duration::hours(3);
        let registered = detected + Duration::minutes(if late { 60 } else { 10 });
        let body = hub
            .report(report_input(&hub.service, detected, registered))
            .await;
        let signal = id_of(&body, "reportSignal");
        if i >= 4 {
            hub.step(&hub.head, "receiveSignal(id: $id)", json!({ "id": signal }))
                .await;
        }
    }
    let tie = newest_first(&hub.app, "SELECT opened_at, id, status FROM cases").await[6].0;
    set_time(&hub.app, "cases", "id", "opened_at", &cases[2..6], tie).await;
    set_time(
        &hub.app,
        "agency_cases",
        "case_id",
        "opened_at",
        &cases[2..6],
        tie,
    )
    .await;
    for (ids, status) in [(&cases[0..3], "CLOSED"), (&cases[7..9], "SUPPORT")] {
        for id in ids {
            caselink::with_db!(&hub.app.db, |pool| sqlx::query(
                "UPDATE cases SET status = $1 WHERE id = $2"
            )
            .bind(status)
            .bind(uuid(id))
            .execute(pool)
            .await
            .map(|_| ()))
            .expect("set a status");
        }
    }
    let signals = newest_first(&hub.app, "SELECT created_at, id, status FROM signals").await;
    let ids: Vec<String> = signals.iter().map(|s| s.1.to_string()).collect();
    set_time(
        &hub.app,
        "signals",
        "id",
        "created_at",
        &ids[3..8],
        signals[5].0,
    )
    .await;
    set_time(
        &hub.app,
        "signals",
        "id",
        "created_at",
        &ids[12..14],
        signals[13].0,
    )
    .await;
    (hub, cases, curators)
}

#[tokio::test]
async fn every_list_walks_the_same_by_cursor_under_every_filter() {
    let (hub, cases, curators) = seeded_hub().await;
    check_cases(&hub, &curators).await;
    check_signals(&hub).await;
    check_audit(&hub, &cases).await;
    check_notifications(&hub).await;
    check_overdue_monitoring(&hub, &cases, &curators).await;
}

/// `overdueMonitoring`: the open cases the agency leads whose review is overdue, the
/// longest overdue first, the curator's own with `mine`. Changes statuses and review
/// times, so it runs last.
async fn check_overdue_monitoring(
    hub: &SignalHub,
    cases: &[String],
    curators: &[(String, String)],
) {
    let now = Utc::now();
    for (i, id) in cases.iter().enumerate() {
        let status = match i {
            0..=2 => "CLOSED",
            3..=6 => "DECISION_WORK",
            7..=9 => "SUPPORT",
            _ => "ASSESSMENT",
        };
        // Cases 3 to 5 fell due at one instant; case 9's review is not due yet.
        let due = match i {
            3..=5 => now - Duration::days(2),
            9 => now + Duration::days(2),
            _ => now - Duration::hours(i as i64 * 7),
        };
        caselink::with_db!(&hub.app.db, |pool| sqlx::query(
            "UPDATE cases SET status = $1, next_monitoring_at = $2 WHERE id = $3"
        )
        .bind(status)
        .bind(due)
        .bind(uuid(id))
        .execute(pool)
        .await
        .map(|_| ()))
        .expect("set a review time");
    }
    let mut rows: Vec<(DateTime<Utc>, Uuid, String, Option<Uuid>)> =
        caselink::with_db!(&hub.app.db, |pool| {
            sqlx::query_as("SELECT next_monitoring_at, id, status, curator_user_id FROM cases")
                .fetch_all(pool)
                .await
        })
        .expect("read the review times");
    rows.retain(|r| r.0 <= now && (r.2 == "DECISION_WORK" || r.2 == "SUPPORT"));
    rows.sort_by_key(|r| (r.0, r.1));
    assert_eq!(rows.len(), 6, "the fixture: six overdue reviews");
    for (token, mine, curator) in [
        (&hub.head, false, None),
        (&curators[1].0, true, Some(&curators[1].1)),
        (&curators[1].0, false, None),
    ] {
        let list = List {
            app: &hub.app,
            token,
            call: "overdueMonitoring(mine: $m",
            declare: "$m: Boolean",
        };
        let got = list.checked(&json!({ "m": mine }), false).await;
        let expected: Vec<String> = rows
            .iter()
            .filter(|r| {
                curator.is_none_or(|c| r.3.map(|u| u.to_string()).as_deref() == Some(c.as_str()))
            })
            .map(|r| r.1.to_string())
            .collect();
        assert_eq!(got, expected, "overdueMonitoring(mine: {mine})");
    }
    // The hospital takes part in the cases but leads none.
    let hospital = List {
        app: &hub.app,
        token: &hub.nurse,
        call: "overdueMonitoring(mine: $m",
        declare: "$m: Boolean",
    };
    assert!(hospital
        .checked(&json!({ "m": false }), false)
        .await
        .is_empty());
}

async fn check_cases(hub: &SignalHub, curators: &[(String, String)]) {
    let rows = newest_first(&hub.app, "SELECT opened_at, id, status FROM cases").await;
    let curator_of: HashMap<Uuid, Option<Uuid>> = caselink::with_db!(&hub.app.db, |pool| {
        sqlx::query_as::<_, (Uuid, Option<Uuid>)>("SELECT id, curator_user_id FROM cases")
            .fetch_all(pool)
            .await
    })
    .expect("read the curators")
    .into_iter()
    .collect();
    let choices = [
        ("status", vec![json!("ASSESSMENT"), json!("CLOSED")]),
        ("curatorId", vec![json!(curators[1].1)]),
        ("ledOnly", vec![json!(true)]),
        ("openOnly", vec![json!(true)]),
    ];
    for (token, leads) in [(&hub.head, true), (&hub.nurse, false)] {
        let list = List {
            app: &hub.app,
            token,
            call: "cases(filter: $f",
            declare: "$f: CaseFilterInput",
        };
        for filter in combinations(&choices) {
            let got = list.checked(&json!({ "f": filter }), false).await;
            let expected: Vec<String> = rows
                .iter()
                .filter(|(_, id, status)| {
                    filter.get("status").is_none_or(|s| s == status.as_str())
                        && filter.get("curatorId").is_none_or(|c| {
                            curator_of[id].map(|u| u.to_string()).as_deref() == c.as_str()
                        })
                        && (filter.get("ledOnly").is_none() || leads)
                        && (filter.get("openOnly").is_none() || status != "CLOSED")
                })
                .map(|(_, id, _)| id.to_string())
                .collect();
            assert_eq!(got, expected, "cases with {filter}");
        }
    }
    let mine = List {
        app: &hub.app,
        token: &curators[1].0,
        call: "myCases(",
        declare: "",
    };
    let got = mine.checked(&json!({}), false).await;
    let expected: Vec<String> = rows
        .iter()
        .filter(|(_, id, status)| {
            status != "CLOSED"
                && curator_of[id].map(|u| u.to_string()) == Some(curators[1].1.clone())
        })
        .map(|(_, id, _)| id.to_string())
        .collect();
    assert_eq!(got, expected, "myCases");
}

async fn check_signals(hub: &SignalHub) {
    let rows = newest_first(&hub.app, "SELECT created_at, id, status FROM signals").await;
    let (from, to) = (rows[12].0, rows[4].0);
    let choices = [
        ("status", vec![json!("SENT"), json!("CASE_OPENED")]),
        ("from", vec![json!(from.to_rfc3339())]),
        ("to", vec![json!(to.to_rfc3339())]),
    ];
    for token in [&hub.head, &hub.nurse] {
        let list = List {
            app: &hub.app,
            token,
            call: "signals(filter: $f",
            declare: "$f: SignalFilterInput",
        };
        for filter in combinations(&choices) {
            let got = list.checked(&json!({ "f": filter }), false).await;
            let expected: Vec<String> = rows
                .iter()
                .filter(|(at, _, status)| {
                    filter.get("status").is_none_or(|s| s == status.as_str())
                        && (filter.get("from").is_none() || *at >= from)
                        && (filter.get("to").is_none() || *at < to)
                })
                .map(|(_, id, _)| id.to_string())
                .collect();
            assert_eq!(got, expected, "signals with {filter}");
            // Late or not splits the same list in two, each in the list's order.
            let mut late = Vec::new();
            for value in [true, false] {
                let mut f = filter.clone();
                f["late"] = json!(value);
                let part = list.checked(&json!({ "f": f }), false).await;
                assert!(is_subsequence(&part, &got), "signals with {f}");
                late.push(part);
            }
            assert_eq!(
                late[0].len() + late[1].len(),
                got.len(),
                "late splits {filter}"
            );
        }
    }
}

async fn check_audit(hub: &SignalHub, cases: &[String]) {
    let list = List {
        app: &hub.app,
        token: &hub.admin,
        call: "auditEvents(filter: $f",
        declare: "$f: AuditFilterInput",
    };
    let sample = hub
        .app
        .gql(
            Some(&hub.admin),
            "query { auditEvents(first: 60) { nodes { occurredAt action actorUserId } } }",
            json!({}),
        )
        .await;
    let nodes = &sample["data"]["auditEvents"]["nodes"];
    // The whole log needs more than one read: every combination keeps a `from`, one of
    // two instants, and varies the rest.
    let (older, newer) = (&nodes[55]["occurredAt"], &nodes[20]["occurredAt"]);
    let all = list.checked(&json!({ "f": { "from": older } }), true).await;
    let choices = [
        ("from", vec![newer.clone()]),
        ("action", vec![nodes[30]["action"].clone()]),
        ("actorUserId", vec![nodes[30]["actorUserId"].clone()]),
        ("caseId", vec![json!(cases[11])]),
    ];
    for mut filter in combinations(&choices) {
        if filter.get("from").is_none() {
            filter["from"] = older.clone();
        }
        let got = list.checked(&json!({ "f": filter }), true).await;
        let known: Vec<String> = got
            .iter()
            .skip_while(|id| !all.contains(id))
            .cloned()
            .collect();
        assert!(is_subsequence(&known, &all), "audit with {filter}");
    }
}

async fn check_notifications(hub: &SignalHub) {
    let list = List {
        app: &hub.app,
        token: &hub.admin,
        call: "notifications(filter: $f",
        declare: "$f: NotificationFilterInput",
    };
    let all = list.checked(&json!({ "f": {} }), true).await;
    assert!(all.len() > 5, "the seed wrote notifications: {}", all.len());
    let mut sorted = all.clone();
    sorted.sort_by_key(|id| std::cmp::Reverse(uuid(id)));
    assert_eq!(all, sorted, "notifications newest (largest id) first");
    let sample = hub
        .app
        .gql(
            Some(&hub.admin),
            "query { notifications(first: 10) { nodes { kind agencyId subjectId status } } }",
            json!({}),
        )
        .await;
    let node = &sample["data"]["notifications"]["nodes"][3];
    let choices = [
        ("status", vec![node["status"].clone()]),
        ("kind", vec![node["kind"].clone()]),
        ("agencyId", vec![node["agencyId"].clone()]),
        ("subjectId", vec![node["subjectId"].clone()]),
    ];
    for filter in combinations(&choices) {
        let got = list.checked(&json!({ "f": filter }), true).await;
        let known: Vec<String> = got
            .iter()
            .skip_while(|id| !all.contains(id))
            .cloned()
            .collect();
        assert!(is_subsequence(&known, &all), "notifications with {filter}");
    }
}

/// Eleven requests from the service: referrals to social protection declined or
/// cancelled in turn, one left pending, and a pending transfer; four requested at one
/// instant.
async fn seeded_handovers() -> (HandoverHub, Vec<String>) {
    let h = handover_hub().await;
    h.consent_for(&[&h.social]).await;
    let mut ids = Vec::new();
    let ask = "requestHandover(caseId: $id, toAgencyId: $to, kind: $kind, reason: $r)";
    for i in 0..10 {
        let vars = json!({ "id": h.case, "to": h.social, "kind": "REFERRAL", "r": "Нужна помощь" });
        let id = id_of(&h.act(&h.hub.head, ask, vars).await, "requestHandover");
        if i < 9 {
            let (token, step, vars) = if i % 2 == 0 {
                (
                    &h.social_head,
                    "declineHandover(id: $id, reason: $r)",
                    json!({ "id": id, "r": "Нет мест" }),
                )
            } else {
                (&h.hub.head, "cancelHandover(id: $id)", json!({ "id": id }))
            };
            let body = h.act(token, step, vars).await;
            assert!(body["errors"].is_null(), "{step}: {body}");
        }
        ids.push(id);
    }
    ids.push(h.transfer().await);
    let tie = newest_first(h.app(), "SELECT requested_at, id, status FROM handovers").await[7].0;
    set_time(h.app(), "handovers", "id", "requested_at", &ids[3..7], tie).await;
    (h, ids)
}

#[tokio::test]
async fn handover_inbox_and_outbox_walk_the_same_by_cursor_under_every_status_set() {
    let (h, _) = seeded_handovers().await;
    let mut rows = newest_first(h.app(), "SELECT requested_at, id, status FROM handovers").await;
    rows.reverse();
    let to_social: HashMap<Uuid, bool> = caselink::with_db!(&h.app().db, |pool| {
        sqlx::query_as::<_, (Uuid, Uuid)>("SELECT id, to_agency_id FROM handovers")
            .fetch_all(pool)
            .await
    })
    .expect("read the receivers")
    .into_iter()
    .map(|(id, to)| (id, to.to_string() == h.social))
    .collect();
    let sets = [
        json!(null),
        json!([]),
        json!(["PENDING"]),
        json!(["DECLINED", "CANCELLED"]),
        json!(["CANCELLED"]),
    ];
    for (token, call, inbox) in [
        (&h.social_head, "handoverInbox(status: $s", true),
        (&h.hub.head, "handoverOutbox(status: $s", false),
    ] {
        let list = List {
            app: h.app(),
            token,
            call,
            declare: "$s: [HandoverStatus!]",
        };
        for set in &sets {
            let got = list.checked(&json!({ "s": set }), false).await;
            // The inbox shows pending requests unless told otherwise.
            let wanted: Vec<&str> = match set.as_array() {
                Some(a) => a.iter().filter_map(Value::as_str).collect(),
                None if inbox => vec!["PENDING"],
                None => Vec::new(),
            };
            let expected: Vec<String> = rows
                .iter()
                .filter(|(_, id, status)| {
                    (!inbox || to_social[id])
                        && (wanted.is_empty() || wanted.contains(&status.as_str()))
                })
                .map(|(_, id, _)| id.to_string())
                .collect();
            assert_eq!(got, expected, "{call} with {set}");
        }
    }
}
