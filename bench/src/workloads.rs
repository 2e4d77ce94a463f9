//! What the clients do: the measured GraphQL requests over HTTP, and the same page read
//! straight from the database through the library's own store functions.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use caselink::access::{Actor, Caller, Scope};
use caselink::audit::reads::ReadAudit;
use caselink::cases::model::CaseHeadline;
use caselink::cases::store::{self, CaseFilter};
use caselink::db::Db;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use uuid::Uuid;

use super::http::Connection;
use super::load::{self, Sample, Stats, Window};

/// The measured list: one page of 20 cases with the mother's name, so it reads personal
/// data and writes one audit event per request.
pub const LIST_QUERY: &str =
    "{ cases(first: 20) { edges { node { id journalNumber status openedAt persons { fullName } } } } }";
/// The measured single read, with the same fields.
pub const CASE_QUERY: &str = "query Case($id: ID!) { case(id: $id) { id journalNumber status openedAt persons { fullName } } }";
/// The measured inbox: a page of 20 pending requests with what an inbox shows. No
/// personal data (no persons, no package), so no audit event.
pub const INBOX_QUERY: &str = "{ handoverInbox(first: 20) { edges { node { id kind status requestedAt deadlineAt overdue ageMinutes fromAgency { name } case { journalNumber status } } } } }";
/// The page size of the list, as the server fetches it (`first` + 1 to learn whether a
/// next page exists).
pub const PAGE_FETCH: i64 = 21;

/// How long and how hard to load.
#[derive(Clone, Copy)]
pub struct Load {
    /// Concurrent clients, each with its own connection.
    pub clients: usize,
    /// Unmeasured time first.
    pub warmup: Duration,
    /// Measured time.
    pub measure: Duration,
    /// The server process under test, if one runs, for the CPU split.
    pub server: Option<u32>,
}

impl Load {
    /// The same load, watching the CPU of the server with `pid`.
    pub fn against(self, pid: u32) -> Load {
        Load {
            server: Some(pid),
            ..self
        }
    }

    pub async fn run<F, Fut>(&self, client: F) -> anyhow::Result<Stats>
    where
        F: Fn(usize, Window) -> Fut,
        Fut: std::future::Future<Output = anyhow::Result<Sample>> + Send + 'static,
    {
        let times = (self.warmup, self.measure);
        load::run(self.clients, times, self.server, client).await
    }
}

/// Signs in through the `login` mutation and returns the bearer token.
pub async fn login(addr: SocketAddr, email: &str, password: &str) -> anyhow::Result<String> {
    let body = json!({
        "query": "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }",
        "variables": { "email": email, "password": password },
    });
    let response = graphql(&mut Connection::new(addr, None), &body.to_string()).await?;
    response["data"]["login"]["token"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("login failed: {response}"))
}

/// Sends one request, checks it fully (status, no errors, 20 cases with persons), so a
/// wrong set-up fails loudly before anything is measured.
pub async fn check_list(addr: SocketAddr, token: &str) -> anyhow::Result<()> {
    let body = json!({ "query": LIST_QUERY }).to_string();
    let response = graphql(&mut Connection::new(addr, Some(token)), &body).await?;
    let edges = response["data"]["cases"]["edges"]
        .as_array()
        .with_context(|| format!("unexpected answer: {response}"))?;
    let with_persons = edges
        .iter()
        .filter(|e| {
            e["node"]["persons"]
                .as_array()
                .is_some_and(|p| !p.is_empty())
        })
        .count();
    if edges.len() != 20 || with_persons != 20 {
        bail!(
            "expected 20 cases with persons, got {} ({with_persons} with persons)",
            edges.len()
        );
    }
    Ok(())
}

/// Posts one GraphQL request; an HTTP error or a GraphQL `errors` answer is an error.
pub async fn graphql(connection: &mut Connection, body: &str) -> anyhow::Result<Value> {
    let response = connection.send("POST", "/graphql", body).await?;
    let value: Value = serde_json::from_slice(&response.body)
        .with_context(|| format!("HTTP {}: {}", response.status, response.text()))?;
    if response.status != 200 || value.get("errors").is_some() {
        bail!("HTTP {}: {value}", response.status);
    }
    Ok(value)
}

/// Sends one inbox request and checks it fully: 20 requests (all `pending` if fewer),
/// each with its sender and its case (so the seed's participations give the receiver
/// the case).
pub async fn check_inbox(addr: SocketAddr, token: &str, pending: i64) -> anyhow::Result<()> {
    let expected = usize::try_from(pending.min(20))?;
    let body = json!({ "query": INBOX_QUERY }).to_string();
    let response = graphql(&mut Connection::new(addr, Some(token)), &body).await?;
    let edges = response["data"]["handoverInbox"]["edges"]
        .as_array()
        .with_context(|| format!("unexpected answer: {response}"))?;
    let whole = edges
        .iter()
        .filter(|e| e["node"]["case"].is_object() && e["node"]["fromAgency"].is_object())
        .count();
    if edges.len() != expected || whole != expected {
        bail!(
            "expected {expected} requests with case and sender, got {} ({whole} whole)",
            edges.len()
        );
    }
    Ok(())
}

/// Clients posting `cases(first: 20)`.
pub async fn http_list(load: Load, addr: SocketAddr, token: &str) -> anyhow::Result<Stats> {
    http_query(load, addr, token, LIST_QUERY).await
}

/// Clients posting `handoverInbox(first: 20)`.
pub async fn http_inbox(load: Load, addr: SocketAddr, token: &str) -> anyhow::Result<Stats> {
    http_query(load, addr, token, INBOX_QUERY).await
}

/// Clients posting one query without variables, back to back.
pub async fn http_query(
    load: Load,
    addr: SocketAddr,
    token: &str,
    query: &str,
) -> anyhow::Result<Stats> {
    let body: Arc<str> = json!({ "query": query }).to_string().into();
    let token: Arc<str> = token.into();
    load.run(|_, window| {
        let (body, token) = (body.clone(), token.clone());
        async move {
            let mut connection = Connection::new(addr, Some(&token));
            let mut sample = Sample::default();
            while !window.is_over() {
                let started = Instant::now();
                let outcome = post(&mut connection, &body).await;
                sample.record(&window, started, outcome);
            }
            Ok(sample)
        }
    })
    .await
}

/// Clients posting `case(id:)` for ids drawn at random from `case_ids`.
pub async fn http_case(
    load: Load,
    addr: SocketAddr,
    token: &str,
    case_ids: &[Uuid],
) -> anyhow::Result<Stats> {
    // Bodies are made up front: the bench's CPU is the server's CPU too.
    let bodies: Arc<Vec<String>> = Arc::new(
        case_ids
            .iter()
            .map(|id| json!({ "query": CASE_QUERY, "variables": { "id": id } }).to_string())
            .collect(),
    );
    let token: Arc<str> = token.into();
    load.run(|i, window| {
        let (bodies, token) = (bodies.clone(), token.clone());
        async move {
            let mut connection = Connection::new(addr, Some(&token));
            let mut rng = StdRng::seed_from_u64(i as u64);
            let mut sample = Sample::default();
            while !window.is_over() {
                let body = &bodies[rng.gen_range(0..bodies.len())];
                let started = Instant::now();
                let outcome = post(&mut connection, body).await;
                sample.record(&window, started, outcome);
            }
            Ok(sample)
        }
    })
    .await
}

/// One measured request. Only the status and a substring are checked: parsing every
/// answer would spend the CPU the server is measured on.
pub async fn post(connection: &mut Connection, body: &str) -> Result<(), String> {
    let response = connection
        .send("POST", "/graphql", body)
        .await
        .map_err(|e| e.to_string())?;
    if response.status != 200 || contains(&response.body, b"\"errors\"") {
        return Err(format!("HTTP {}: {}", response.status, response.text()));
    }
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Clients reading the page through `cases::store::list_page`: the SQL the server runs
/// for `cases(first: 20)`, with nothing around it.
pub async fn sql_list(load: Load, db: &Db, agency: Uuid) -> anyhow::Result<Stats> {
    back_to_back(load, db, move |db| async move {
        list_page(&db, agency).await.map(|_| ())
    })
    .await
}

/// Clients doing `read` back to back, each its own sample.
pub async fn back_to_back<F, Fut>(load: Load, db: &Db, read: F) -> anyhow::Result<Stats>
where
    F: Fn(Db) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = Result<(), String>> + Send,
{
    load.run(|_, window| {
        let (db, read) = (db.clone(), read.clone());
        async move {
            let mut sample = Sample::default();
            while !window.is_over() {
                let started = Instant::now();
                let outcome = read(db.clone()).await;
                sample.record(&window, started, outcome);
            }
            Ok(sample)
        }
    })
    .await
}

/// Clients reading the page's headlines through `cases::store::list_headlines`: the SQL
/// the server runs for `cases(first: 20)` when no field beyond a headline is asked for
/// (the summary query, [`crate::peer::SUMMARY_QUERY`]), with nothing around it.
pub async fn sql_headlines(load: Load, db: &Db, agency: Uuid) -> anyhow::Result<Stats> {
    back_to_back(load, db, move |db| async move {
        headlines(&db, agency).await.map(|_| ())
    })
    .await
}

/// Clients reading random cases of the agency through `cases::store::get_visible`: the
/// SQL the server runs for `case(id:)`, with nothing around it.
pub async fn sql_case(
    load: Load,
    db: &Db,
    agency: Uuid,
    case_ids: &[Uuid],
) -> anyhow::Result<Stats> {
    let case_ids: Arc<Vec<Uuid>> = Arc::new(case_ids.to_vec());
    load.run(|i, window| {
        let (db, case_ids) = (db.clone(), case_ids.clone());
        async move {
            let mut rng = StdRng::seed_from_u64(i as u64);
            let mut sample = Sample::default();
            while !window.is_over() {
                let id = case_ids[rng.gen_range(0..case_ids.len())];
                let started = Instant::now();
                let outcome = store::get_visible(&db, staff(agency), id, caselink::db::now())
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("{e:?}"));
                sample.record(&window, started, outcome);
            }
            Ok(sample)
        }
    })
    .await
}

/// Clients doing all the database work of one `cases(first: 20)` request, in the bench
/// process, through the same library calls the server makes: the page's headlines
/// (`store::list_headlines`: [`LIST_QUERY`] asks for nothing a headline and the personal
/// gate do not answer), the persons of its 20 cases in one query
/// (`store::persons_of_cases`, what the persons DataLoader runs), and the audit event
/// (`audit::record_reads` through a group-committing `ReadAudit`, as the HTTP layer does).
/// Without `audited`, the audit event is left out, to show what it costs.
pub async fn sql_request(
    load: Load,
    db: &Db,
    (agency, user): (Uuid, Uuid),
    audited: bool,
) -> anyhow::Result<Stats> {
    let actor = Actor {
        user_id: user,
        agency_id: Some(agency),
        roles: Default::default(),
        hub_admin: false,
        session_id: Uuid::nil(),
    };
    let auditor = audited.then(|| ReadAudit::start(db.clone()));
    load.run(|i, window| {
        let (db, actor, auditor) = (db.clone(), actor.clone(), auditor.clone());
        async move {
            let mut sample = Sample::default();
            let mut n = 0;
            while !window.is_over() {
                n += 1;
                let started = Instant::now();
                let caller = Caller::new(
                    Some(actor.clone()),
                    format!("bench-{i}-{n}"),
                    caselink::db::now(),
                );
                let outcome = request_work(&db, auditor.as_ref(), agency, &caller).await;
                sample.record(&window, started, outcome);
            }
            Ok(sample)
        }
    })
    .await
}

async fn request_work(
    db: &Db,
    auditor: Option<&ReadAudit>,
    agency: Uuid,
    caller: &Caller,
) -> Result<(), String> {
    let rows = headlines(db, agency).await?;
    let ids: Vec<Uuid> = rows.iter().take(20).map(|(case, _)| case.id).collect();
    store::persons_of_cases(db, staff(agency), &ids, caselink::db::now())
        .await
        .map_err(|e| format!("{e:?}"))?;
    let Some(auditor) = auditor else {
        return Ok(());
    };
    for id in &ids {
        caller.note_read("case", *id);
    }
    caselink::audit::record_reads(auditor, caller, caselink::db::now())
        .await
        .map_err(|e| format!("{e:?}"))
}

/// The agency's staff as the store sees them: they read personal data.
pub fn staff(agency: Uuid) -> caselink::access::Viewer {
    caselink::access::Viewer {
        agency_id: Some(agency),
        ceiling: caselink::access::Scope::Full,
    }
}

async fn list_page(
    db: &Db,
    agency: Uuid,
) -> Result<Vec<(caselink::cases::model::CaseRow, caselink::access::Scope)>, String> {
    let rows = store::list_page(
        db,
        staff(agency),
        &CaseFilter::default(),
        None,
        caselink::db::now(),
        PAGE_FETCH,
    )
    .await
    .map_err(|e| format!("{e:?}"))?;
    if rows.len() as i64 != PAGE_FETCH {
        return Err(format!("expected {PAGE_FETCH} rows, got {}", rows.len()));
    }
    Ok(rows)
}

async fn headlines(db: &Db, agency: Uuid) -> Result<Vec<(CaseHeadline, Scope)>, String> {
    let filter = CaseFilter::default();
    let now = caselink::db::now();
    let rows = store::list_headlines(db, staff(agency), &filter, None, now, PAGE_FETCH)
        .await
        .map_err(|e| format!("{e:?}"))?;
    if rows.len() as i64 != PAGE_FETCH {
        return Err(format!("expected {PAGE_FETCH} rows, got {}", rows.len()));
    }
    Ok(rows)
}

/// Clients reading the inbox page straight from the database. With `whole`, also what
/// the resolvers of [`INBOX_QUERY`] read, as the server does it: the senders in one
/// query (`agencies::store::get_many`, what the AgencyLoader runs) and the page's cases
/// in one query (`cases::store::get_visible_many`, what the VisibleCasesLoader runs);
/// without it, `handovers::store::list_page` only.
pub async fn sql_inbox(load: Load, db: &Db, agency: Uuid, whole: bool) -> anyhow::Result<Stats> {
    back_to_back(load, db, move |db| async move {
        inbox_work(&db, agency, whole).await
    })
    .await
}

async fn inbox_work(db: &Db, agency: Uuid, whole: bool) -> Result<(), String> {
    use caselink::handovers::model::HandoverStatus;
    use caselink::handovers::store::{self as handovers, Side};
    let rows = handovers::list_page(
        db,
        staff(agency),
        Side::Received,
        &[HandoverStatus::Pending],
        None,
        caselink::db::now(),
        PAGE_FETCH,
    )
    .await
    .map_err(|e| format!("{e:?}"))?;
    // A small hub (`--cases`) may have fewer than a page pending.
    if rows.is_empty() {
        return Err("expected pending requests, got none".into());
    }
    if !whole {
        return Ok(());
    }
    let page = &rows[..rows.len().min(20)];
    let mut senders: Vec<Uuid> = page.iter().map(|r| r.row.from_agency_id).collect();
    senders.sort_unstable();
    senders.dedup();
    let now = caselink::db::now();
    let case_ids: Vec<Uuid> = page.iter().map(|r| r.row.case_id).collect();
    let (agencies, cases) = tokio::join!(
        caselink::agencies::store::get_many(db, &senders),
        store::get_visible_many(db, staff(agency), &case_ids, now)
    );
    agencies.map_err(|e| format!("{e:?}"))?;
    cases.map_err(|e| format!("{e:?}"))?;
    Ok(())
}

/// Counts audit events, those still staged included, to show that each measured request
/// wrote one.
pub async fn audit_events(db: &Db) -> anyhow::Result<i64> {
    let staged = caselink::audit::staged::pending(db).await?;
    let logged: i64 = caselink::with_db!(db, |pool| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events"
    )
    .fetch_one(pool)
    .await)?;
    Ok(logged + staged)
}
