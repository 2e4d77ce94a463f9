//! Signals: the hospital's report, the legal clocks, the service's steps, scopes and bad
//! input.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use crate::harness::{error_code, error_field, spawn_app, TestApp, PASSWORD};

/// A hub with two hospitals (Yekaterinburg time), a prevention service (Moscow time) and
/// an NGO, with the people who work on signals.
pub struct SignalHub {
    pub app: TestApp,
    pub admin: String,
    pub service: String,
    pub hospital: String,
    pub nurse: String,
    pub other_nurse: String,
    pub head: String,
    pub curator: String,
    pub curator_id: String,
    pub ngo: String,
}

pub async fn signal_hub() -> SignalHub {
    signal_hub_on(spawn_app().await).await
}

/// The same hub on a server of the caller's choosing (e.g. with other settings).
pub async fn signal_hub_on(app: TestApp) -> SignalHub {
    let admin = app.admin_token().await;
    let hospital = app
        .create_agency(&admin, "Перинатальный центр", "MATERNITY")
        .await;
    let other_hospital = app.create_agency(&admin, "Роддом №2", "MATERNITY").await;
    let service = app
        .create_agency(&admin, "Служба профилактики", "PREVENTION_SERVICE")
        .await;
    let ngo_id = app.create_agency(&admin, "Тёплый дом", "NGO").await;
    let moscow =
        "mutation($id: ID!) { updateAgency(id: $id, input: {timeZone: \"Europe/Moscow\"}) { id } }";
    app.gql(Some(&admin), moscow, json!({ "id": service }))
        .await;
    app.create_user(
        &admin,
        &hospital,
        "nurse@perinatal.example",
        &["HOSPITAL_SPECIALIST"],
    )
    .await;
    app.create_user(
        &admin,
        &other_hospital,
        "nurse@hospital2.example",
        &["HOSPITAL_SPECIALIST"],
    )
    .await;
    app.create_user(
        &admin,
        &service,
        "head@service.example",
        &["HEAD_OF_SERVICE"],
    )
    .await;
    let curator_id = app
        .create_user(&admin, &service, "curator@service.example", &["CURATOR"])
        .await;
    app.create_user(&admin, &ngo_id, "curator@ngo.example", &["CURATOR"])
        .await;
    SignalHub {
        nurse: app.login("nurse@perinatal.example", PASSWORD).await,
        other_nurse: app.login("nurse@hospital2.example", PASSWORD).await,
        head: app.login("head@service.example", PASSWORD).await,
        curator: app.login("curator@service.example", PASSWORD).await,
        ngo: app.login("curator@ngo.example", PASSWORD).await,
        app,
        admin,
        service,
        hospital,
        curator_id,
    }
}

pub const SIGNAL_FIELDS: &str = "id scope status senderJournalNumber serviceJournalNumber mother { fullName } clocks { kind state dueAt dueAtLocal doneAt lateByMinutes } curatorId version";

pub fn report_input(service: &str, detected: DateTime<Utc>, registered: DateTime<Utc>) -> Value {
    json!({
        "serviceAgencyId": service,
        "mother": { "fullName": "Иванова Мария Петровна", "birthDate": "1999-04-02", "phone": "+7 900 000-00-00", "registeredAddress": "Сургут, ул. Ленина, 1" },
        "child": { "bornAt": (detected - Duration::hours(20)).to_rfc3339(), "sex": "FEMALE" },
        "inWardWithChild": true,
        "detectedAt": detected.to_rfc3339(),
        "registeredAt": registered.to_rfc3339(),
        "screening": { "intentOrFactOfRefusal": true, "threatOfRemoval": false, "factOfRemoval": false, "riskOfVoluntaryPlacement": true, "factOfVoluntaryPlacement": false, "noHousing": true, "noMeansOfLiving": false, "lowParentingCompetence": false },
        "situation": "Мать говорит, что оставит ребёнка: негде жить."
    })
}

impl SignalHub {
    pub async fn report(&self, input: Value) -> Value {
        let query = format!(
            "mutation($i: ReportSignalInput!) {{ reportSignal(input: $i) {{ {SIGNAL_FIELDS} }} }}"
        );
        self.app
            .gql(Some(&self.nurse), &query, json!({ "i": input }))
            .await
    }

    pub async fn reported(&self) -> String {
        let now = Utc::now();
        let body = self
            .report(report_input(
                &self.service,
                now - Duration::minutes(40),
                now - Duration::minutes(20),
            ))
            .await;
        body["data"]["reportSignal"]["id"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("report failed: {body}"))
    }

    /// Runs one step: `mutation` uses `$id` and, when `args` has them, `$c` (ID), `$r`
    /// (String) and `$t` (DateTime).
    pub async fn step(&self, token: &str, mutation: &str, args: Value) -> Value {
        let types = [
            ("id", "ID!"),
            ("c", "ID"),
            ("r", "String"),
            ("t", "DateTime"),
        ];
        let declared: Vec<String> = types
            .iter()
            .filter(|(k, _)| mutation.contains(&format!("${k}")))
            .map(|(k, t)| format!("${k}: {t}"))
            .collect();
        let query = format!(
            "mutation({}) {{ {mutation} {{ {SIGNAL_FIELDS} }} }}",
            declared.join(", ")
        );
        self.app.gql(Some(token), &query, args).await
    }

    /// A reported signal the service has received and given to its curator; its id.
    pub async fn assigned(&self) -> String {
        let signal = self.reported().await;
        self.step(
            &self.head,
            "receiveSignal(id: $id)",
            json!({ "id": signal }),
        )
        .await;
        self.step(
            &self.head,
            "assignCurator(signalId: $id, curatorId: $c)",
            json!({ "id": signal, "c": self.curator_id }),
        )
        .await;
        signal
    }

    pub async fn visit_report(&self, token: &str, id: &str) -> Value {
        let query = format!("mutation($id: ID!, $t: DateTime!) {{ recordVisit(signalId: $id, visitedAt: $t, report: {{situationSummary: \"Мать в палате с ребёнком\", visitorOpinion: \"Есть ресурс\"}}) {{ {SIGNAL_FIELDS} }} }}");
        self.app
            .gql(
                Some(token),
                &query,
                json!({ "id": id, "t": Utc::now().to_rfc3339() }),
            )
            .await
    }
}

fn clock<'a>(signal: &'a Value, kind: &str) -> &'a Value {
    signal["clocks"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["kind"] == kind))
        .unwrap_or(&Value::Null)
}

#[tokio::test]
async fn a_hospital_signal_is_passed_received_and_timed() {
    let hub = signal_hub().await;
    let now = Utc::now();
    let body = hub
        .report(report_input(
            &hub.service,
            now - Duration::minutes(40),
            now - Duration::minutes(20),
        ))
        .await;
    let signal = &body["data"]["reportSignal"];
    assert_eq!(signal["status"], "SENT", "{body}");
    assert_eq!(signal["scope"], "SUMMARY");
    assert_eq!(
        signal["mother"],
        Value::Null,
        "the hospital keeps no names once passed on"
    );
    let year = now.format("%Y").to_string();
    assert_eq!(signal["senderJournalNumber"], format!("SIG-{year}-0001"));
    assert_eq!(clock(signal, "SPECIALIST_NOTIFIED")["state"], "MET");
    assert_eq!(clock(signal, "PASSED_TO_SERVICE")["state"], "MET");
    assert!(
        clock(signal, "PASSED_TO_SERVICE")["dueAtLocal"]
            .as_str()
            .is_some_and(|t| t.ends_with("+05:00")),
        "{signal}"
    );
    let id = signal["id"].as_str().unwrap_or_default();
    let received = hub
        .step(&hub.curator, "receiveSignal(id: $id)", json!({ "id": id }))
        .await;
    let signal = &received["data"]["receiveSignal"];
    assert_eq!(signal["status"], "RECEIVED", "{received}");
    assert_eq!(signal["scope"], "FULL");
    assert_eq!(signal["serviceJournalNumber"], format!("SIG-{year}-0001"));
    assert_eq!(signal["mother"]["fullName"], "Иванова Мария Петровна");
    let visit = clock(signal, "VISIT");
    assert_eq!(visit["state"], "PENDING");
    assert!(
        visit["dueAtLocal"]
            .as_str()
            .is_some_and(|t| t.ends_with("+03:00")),
        "{visit}"
    );
}

#[tokio::test]
async fn the_specialist_clock_is_met_at_thirty_minutes_and_late_a_second_after() {
    let hub = signal_hub().await;
    let detected = Utc::now() - Duration::hours(1);
    let on_time = hub
        .report(report_input(
            &hub.service,
            detected,
            detected + Duration::minutes(30),
        ))
        .await;
    assert_eq!(
        clock(&on_time["data"]["reportSignal"], "SPECIALIST_NOTIFIED")["state"],
        "MET",
        "{on_time}"
    );
    let late = hub
        .report(report_input(
            &hub.service,
            detected,
            detected + Duration::minutes(30) + Duration::seconds(1),
        ))
        .await;
    let specialist = clock(&late["data"]["reportSignal"], "SPECIALIST_NOTIFIED");
    assert_eq!(specialist["state"], "LATE");
    assert_eq!(specialist["lateByMinutes"], 1);
}

#[tokio::test]
async fn a_signal_passed_more_than_three_hours_after_registration_is_late() {
    let hub = signal_hub().await;
    let registered = Utc::now() - Duration::hours(3) - Duration::minutes(5);
    let body = hub
        .report(report_input(
            &hub.service,
            registered - Duration::minutes(10),
            registered,
        ))
        .await;
    let passed = clock(&body["data"]["reportSignal"], "PASSED_TO_SERVICE");
    assert_eq!(passed["state"], "LATE", "{body}");
    assert!(
        passed["lateByMinutes"]
            .as_i64()
            .is_some_and(|m| (5..=6).contains(&m)),
        "{passed}"
    );
    let late_only = hub
        .app
        .gql(
            Some(&hub.nurse),
            "{ signals(filter: {late: true}) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        late_only["data"]["signals"]["edges"]
            .as_array()
            .map(Vec::len),
        Some(1),
        "{late_only}"
    );
}

#[tokio::test]
async fn bad_signal_input_names_the_field_and_writes_nothing() {
    let hub = signal_hub().await;
    let now = Utc::now();
    let ok = || {
        report_input(
            &hub.service,
            now - Duration::minutes(40),
            now - Duration::minutes(20),
        )
    };
    let mut future = ok();
    future["detectedAt"] = json!((now + Duration::hours(1)).to_rfc3339());
    future["registeredAt"] = json!((now + Duration::hours(1)).to_rfc3339());
    let mut reversed = ok();
    reversed["registeredAt"] = json!((now - Duration::hours(2)).to_rfc3339());
    let mut unknown = ok();
    unknown["serviceAgencyId"] = json!(uuid::Uuid::now_v7().to_string());
    let mut not_a_service = ok();
    not_a_service["serviceAgencyId"] = json!(hub.hospital);
    let mut nameless = ok();
    nameless["mother"]["fullName"] = json!("  ");
    let mut wordy = ok();
    wordy["situation"] = json!("я".repeat(10_001));
    let cases = [
        ("detectedAt", future),
        ("registeredAt", reversed),
        ("serviceAgencyId", unknown),
        ("serviceAgencyId", not_a_service),
        ("fullName", nameless),
        ("situation", wordy),
    ];
    for (field, input) in cases {
        let body = hub.report(input).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{field}: {body}");
        assert_eq!(error_field(&body), Some(field), "{body}");
    }
    assert_eq!(hub.app.count("signals").await, 0);
    assert_eq!(hub.app.count("journal_counters").await, 0);
}

#[tokio::test]
async fn other_hospitals_and_ngos_see_nothing_and_the_sender_only_the_summary() {
    let hub = signal_hub().await;
    let id = hub.reported().await;
    let one = format!("query($id: ID!) {{ signal(id: $id) {{ {SIGNAL_FIELDS} situation }} }}");
    for outsider in [&hub.other_nurse, &hub.ngo] {
        assert_eq!(
            error_code(&hub.app.gql(Some(outsider), &one, json!({ "id": id })).await),
            Some("NOT_FOUND")
        );
        let journal = hub
            .app
            .gql(
                Some(outsider),
                "{ signals { edges { node { id } } } }",
                json!({}),
            )
            .await;
        assert_eq!(journal["data"]["signals"]["edges"], json!([]), "{journal}");
        // Their role cannot receive signals at all: the same answer for any id, no hint.
        let real = hub
            .step(outsider, "receiveSignal(id: $id)", json!({ "id": id }))
            .await;
        let made_up = hub
            .step(
                outsider,
                "receiveSignal(id: $id)",
                json!({ "id": uuid::Uuid::now_v7().to_string() }),
            )
            .await;
        assert_eq!(
            real["errors"][0]["extensions"],
            made_up["errors"][0]["extensions"]
        );
    }
    let reads_before = hub
        .app
        .count("audit_events WHERE action = 'PERSONAL_DATA_READ'")
        .await;
    let sender = hub
        .app
        .gql(Some(&hub.nurse), &one, json!({ "id": id }))
        .await;
    assert_eq!(sender["data"]["signal"]["scope"], "SUMMARY", "{sender}");
    assert_eq!(sender["data"]["signal"]["situation"], Value::Null);
    assert_eq!(
        hub.app
            .count("audit_events WHERE action = 'PERSONAL_DATA_READ'")
            .await,
        reads_before
    );
    assert_eq!(
        error_code(
            &hub.step(&hub.nurse, "receiveSignal(id: $id)", json!({ "id": id }))
                .await
        ),
        Some("FORBIDDEN")
    );
    let service = hub
        .app
        .gql(Some(&hub.curator), &one, json!({ "id": id }))
        .await;
    assert!(
        service["data"]["signal"]["situation"].is_string(),
        "{service}"
    );
    assert_eq!(
        hub.app
            .count("audit_events WHERE action = 'PERSONAL_DATA_READ'")
            .await,
        reads_before + 1
    );
}

#[tokio::test]
async fn the_service_walks_a_signal_to_a_visit_and_illegal_steps_are_conflicts() {
    let hub = signal_hub().await;
    let id = hub.reported().await;
    let early = hub.visit_report(&hub.curator, &id).await;
    assert_eq!(error_code(&early), Some("CONFLICT"), "{early}");
    hub.step(&hub.curator, "receiveSignal(id: $id)", json!({ "id": id }))
        .await;
    let twice = hub
        .step(&hub.curator, "receiveSignal(id: $id)", json!({ "id": id }))
        .await;
    assert_eq!(error_code(&twice), Some("CONFLICT"));
    let by_curator = hub
        .step(
            &hub.curator,
            "assignCurator(signalId: $id, curatorId: $c)",
            json!({ "id": id, "c": hub.curator_id }),
        )
        .await;
    assert_eq!(error_code(&by_curator), Some("FORBIDDEN"));
    let assigned = hub
        .step(
            &hub.head,
            "assignCurator(signalId: $id, curatorId: $c)",
            json!({ "id": id, "c": hub.curator_id }),
        )
        .await;
    assert_eq!(
        assigned["data"]["assignCurator"]["status"], "CURATOR_ASSIGNED",
        "{assigned}"
    );
    let visited = hub.visit_report(&hub.curator, &id).await;
    let signal = &visited["data"]["recordVisit"];
    assert_eq!(signal["status"], "VISITED", "{visited}");
    assert_eq!(clock(signal, "VISIT")["state"], "MET");
    let dismissed = hub
        .step(
            &hub.curator,
            "dismissSignal(signalId: $id, reason: $r)",
            json!({ "id": id, "r": "Мать забирает ребёнка домой" }),
        )
        .await;
    assert_eq!(
        dismissed["data"]["dismissSignal"]["status"], "DISMISSED",
        "{dismissed}"
    );
    let again = hub
        .step(
            &hub.curator,
            "dismissSignal(signalId: $id, reason: $r)",
            json!({ "id": id, "r": "ещё раз" }),
        )
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"));
}

#[tokio::test]
async fn a_tenth_woman_needs_the_heads_reason() {
    let hub = signal_hub().await;
    let assign = "assignCurator(signalId: $id, curatorId: $c, overrideReason: $r)";
    for _ in 0..9 {
        let id = hub.reported().await;
        hub.step(&hub.head, "receiveSignal(id: $id)", json!({ "id": id }))
            .await;
        let body = hub
            .step(&hub.head, assign, json!({ "id": id, "c": hub.curator_id }))
            .await;
        assert_eq!(
            body["data"]["assignCurator"]["status"], "CURATOR_ASSIGNED",
            "{body}"
        );
    }
    let tenth = hub.reported().await;
    hub.step(&hub.head, "receiveSignal(id: $id)", json!({ "id": tenth }))
        .await;
    let refused = hub
        .step(
            &hub.head,
            assign,
            json!({ "id": tenth, "c": hub.curator_id }),
        )
        .await;
    assert_eq!(error_code(&refused), Some("CONFLICT"), "{refused}");
    let forced = hub
        .step(
            &hub.head,
            assign,
            json!({ "id": tenth, "c": hub.curator_id, "r": "Второй куратор в отпуске" }),
        )
        .await;
    assert_eq!(
        forced["data"]["assignCurator"]["status"], "CURATOR_ASSIGNED",
        "{forced}"
    );
}

#[tokio::test]
async fn a_signal_from_the_family_has_only_the_visit_clock() {
    let hub = signal_hub().await;
    let query = format!(
        "mutation($i: RecordSignalInput!) {{ recordSignal(input: $i) {{ {SIGNAL_FIELDS} }} }}"
    );
    let mut input = report_input(&hub.service, Utc::now(), Utc::now());
    for key in ["serviceAgencyId", "detectedAt", "registeredAt"] {
        input.as_object_mut().map(|o| o.remove(key));
    }
    input["source"] = json!("FAMILY");
    input["sourceContact"] = json!("Сестра, телефон в карточке");
    let body = hub
        .app
        .gql(Some(&hub.curator), &query, json!({ "i": input.clone() }))
        .await;
    let signal = &body["data"]["recordSignal"];
    assert_eq!(signal["status"], "RECEIVED", "{body}");
    let kinds: Vec<&str> = signal["clocks"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["kind"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(kinds, vec!["VISIT"]);
    input["source"] = json!("HOSPITAL");
    let refused = hub
        .app
        .gql(Some(&hub.curator), &query, json!({ "i": input }))
        .await;
    assert_eq!(error_field(&refused), Some("source"));
    let _ = &hub.admin;
}

#[tokio::test]
async fn the_head_sets_the_visit_time_within_the_law() {
    let hub = signal_hub().await;
    let now = Utc::now();
    let mut outside = report_input(
        &hub.service,
        now - Duration::minutes(40),
        now - Duration::minutes(20),
    );
    outside["inWardWithChild"] = json!(false);
    let body = hub.report(outside).await;
    let id = body["data"]["reportSignal"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let received = hub
        .step(&hub.head, "receiveSignal(id: $id)", json!({ "id": id }))
        .await;
    let visit = clock(&received["data"]["receiveSignal"], "VISIT");
    assert_eq!(
        (visit["state"].clone(), visit["dueAt"].clone()),
        (json!("PENDING"), Value::Null),
        "{received}"
    );
    let set = "setVisitDue(signalId: $id, dueAt: $t)";
    let tomorrow = (now + Duration::days(1)).to_rfc3339();
    let by_curator = hub
        .step(&hub.curator, set, json!({ "id": id, "t": tomorrow }))
        .await;
    assert_eq!(error_code(&by_curator), Some("FORBIDDEN"));
    let ok = hub
        .step(&hub.head, set, json!({ "id": id, "t": tomorrow }))
        .await;
    assert!(
        clock(&ok["data"]["setVisitDue"], "VISIT")["dueAt"].is_string(),
        "{ok}"
    );

    let in_ward = hub.reported().await;
    hub.step(
        &hub.head,
        "receiveSignal(id: $id)",
        json!({ "id": in_ward }),
    )
    .await;
    let too_late = hub
        .step(
            &hub.head,
            set,
            json!({ "id": in_ward, "t": (now + Duration::hours(4)).to_rfc3339() }),
        )
        .await;
    assert_eq!(error_field(&too_late), Some("dueAt"), "{too_late}");
    let earlier = hub
        .step(
            &hub.head,
            set,
            json!({ "id": in_ward, "t": (now + Duration::hours(1)).to_rfc3339() }),
        )
        .await;
    assert!(
        earlier["data"]["setVisitDue"]["id"].is_string(),
        "{earlier}"
    );
}
