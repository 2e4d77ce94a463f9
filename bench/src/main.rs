//! `bench`: measures CaseLink's read path over HTTP against the same reads straight from
//! the database, on SQLite and PostgreSQL, and prints the figures. It is a measurement,
//! not a test: missed targets are reported, never turned into a failing exit code.
//!
//! Run it with `scripts/bench` (builds in release, starts a throwaway PostgreSQL). See
//! `docs/performance.md` for what is measured and why.

mod cpu;
mod effectiveness;
mod http;
mod hub;
mod hub_report;
mod load;
mod memory;
mod pages;
mod peer;
mod repeats;
mod report;
mod seed;
mod seed_signal;
mod server;
mod workloads;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use caselink::db::{migrate, Db};
use clap::Parser;

use load::Stats;
use report::Results;
use seed::Measured;
use server::{Launch, Server};
use workloads::Load;

/// The server's allocator (see `src/main.rs`), so that the direct reads, which run in
/// this process, get the same allocator as the HTTP requests they are compared with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Measures `cases(first: 20)`, `case(id)` and `handoverInbox(first: 20)` over HTTP
/// against the same reads straight from the database, on a seeded hub of 50 agencies,
/// 100,000 cases (or `--cases`) and handovers for about 5% of them; and page 1 of each
/// list against a deep page.
#[derive(Parser)]
#[command(name = "bench")]
struct Args {
    /// Measure on SQLite (with neither flag, both databases are measured).
    #[arg(long)]
    sqlite: bool,
    /// Measure on PostgreSQL, at `BENCH_DATABASE_URL`.
    #[arg(long)]
    postgres: bool,
    /// Cases in the hub. A database seeded with another number is refused (the default
    /// SQLite file is per size: `caselink-bench-<N>.db` for other sizes).
    #[arg(long, default_value_t = hub::DEFAULT_CASES)]
    cases: usize,
    /// Measured seconds per workload.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Measure everything this many times, one run after another on the same hub, and
    /// print each target's figure as the median of the runs with its range.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=20))]
    runs: u32,
    /// Warm-up seconds before each measurement.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Concurrent clients, each on its own keep-alive connection (or pool checkout).
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Database connections, of the server and of the direct reads alike.
    #[arg(long, default_value_t = 16)]
    pool: u32,
    /// The SQLite file (default: `target/bench/caselink-bench.db`, or
    /// `caselink-bench-<N>.db` with `--cases N` other than 100,000).
    #[arg(long)]
    sqlite_file: Option<PathBuf>,
    /// The PostgreSQL database to seed and measure.
    #[arg(long, env = "BENCH_DATABASE_URL")]
    postgres_url: Option<String>,
    /// The `caselink` binary to serve with (default: next to this one).
    #[arg(long)]
    server: Option<PathBuf>,
    /// Which workloads: `all`, or only `report` (issue 18's half-year
    /// `effectivenessReport`, sequential requests; also part of `all`) or only
    /// `audit-storage` (bytes per read event; also part of `all`).
    #[arg(long, value_enum, default_value_t = Only::All)]
    only: Only,
    /// Measured sequential requests of each report workload.
    #[arg(long, default_value_t = 30)]
    report_requests: usize,
    /// Unmeasured sequential requests before each report workload.
    #[arg(long, default_value_t = 3)]
    report_warmup: usize,
    /// Also measure PostGraphile v5 on the PostgreSQL database, from this directory
    /// (`bench/peer/postgraphile` after `npm install` there).
    #[arg(long)]
    postgraphile: Option<PathBuf>,
}

/// Which workloads run.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Only {
    /// Every workload.
    All,
    /// The half-year effectiveness report only.
    Report,
    /// Audit storage per read event only (seeds the hub if needed).
    AuditStorage,
}

/// One database to measure.
struct Target {
    backend: &'static str,
    url: String,
    log: PathBuf,
    /// The audit key file: the bench seeds through the product, which MACs every event,
    /// and the server it starts must seal with the same keys.
    audit_key_file: PathBuf,
    /// Where the server's sealer appends its checkpoints.
    audit_checkpoint_file: PathBuf,
    /// The bench's own SQLite file: one left unfinished or by an older bench is
    /// deleted and seeded again rather than refused.
    owned_sqlite: Option<PathBuf>,
    /// Transactions that write the seed at once.
    writers: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let bench_dir = bench_dir()?;
    std::fs::create_dir_all(&bench_dir)?;
    let server = match &args.server {
        Some(path) => path.clone(),
        None => std::env::current_exe()?.with_file_name("caselink"),
    };
    ensure_server(&server)?;
    print_header(&args);
    let mut all = Vec::new();
    for target in targets(&args, &bench_dir)? {
        println!("\n## {} — seeding and measuring", target.backend);
        if args.only == Only::Report {
            measure_report(&args, &target, &server)
                .await
                .with_context(|| format!("{} report bench failed", target.backend))?;
            continue;
        }
        if args.only == Only::AuditStorage {
            let db = open(&args, &target).await?;
            let measured = seed::ensure(&db, args.cases, target.writers).await?;
            seal(&db).await?;
            report::print_audit_storage(&audit_footprint(&db, &measured).await?);
            db.close().await;
            continue;
        }
        let mut runs = Vec::new();
        for run in 1..=args.runs {
            if args.runs > 1 {
                println!("\n### {}: run {run} of {}", target.backend, args.runs);
            }
            let results = measure(&args, &target, &server)
                .await
                .with_context(|| format!("{} bench failed", target.backend))?;
            report::print(&results);
            runs.push(results);
        }
        if runs.len() > 1 {
            repeats::print_medians(&runs);
        }
        all.extend(runs.pop());
    }
    if !all.is_empty() {
        report::print_summary(&all);
    }
    Ok(())
}

/// `target/bench`, found from this binary's place (`target/release/bench`), so the bench
/// works from any directory.
fn bench_dir() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let target = exe
        .parent()
        .and_then(Path::parent)
        .context("cannot find the target directory")?;
    Ok(target.join("bench"))
}

fn ensure_server(path: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        path.is_file(),
        "no server binary at {}: run `cargo build --release --bin caselink` (scripts/bench does)",
        path.display()
    );
    Ok(())
}

fn targets(args: &Args, bench_dir: &Path) -> anyhow::Result<Vec<Target>> {
    let both = !args.sqlite && !args.postgres;
    let mut targets = Vec::new();
    if args.sqlite || both {
        // The default size keeps the file name it always had.
        let suffix = if args.cases == hub::DEFAULT_CASES {
            String::new()
        } else {
            format!("-{}", args.cases)
        };
        let owned = bench_dir.join(format!("caselink-bench{suffix}.db"));
        let file = args.sqlite_file.clone().unwrap_or_else(|| owned.clone());
        targets.push(Target {
            backend: "SQLite",
            url: format!("sqlite://{}", file.display()),
            log: bench_dir.join("server-sqlite.log"),
            audit_key_file: bench_dir.join("caselink-bench-audit.key"),
            audit_checkpoint_file: bench_dir.join(format!("checkpoints-sqlite{suffix}.jsonl")),
            owned_sqlite: (file == owned).then_some(owned),
            // SQLite has one writer.
            writers: 1,
        });
    }
    if args.postgres || both {
        match &args.postgres_url {
            Some(url) => targets.push(Target {
                backend: "PostgreSQL",
                url: url.clone(),
                log: bench_dir.join("server-postgres.log"),
                audit_key_file: bench_dir.join("caselink-bench-audit.key"),
                audit_checkpoint_file: bench_dir.join("checkpoints-postgres.jsonl"),
                owned_sqlite: None,
                writers: POSTGRES_WRITERS,
            }),
            None if args.postgres => {
                anyhow::bail!("--postgres needs BENCH_DATABASE_URL (scripts/bench sets it)")
            }
            None => println!("PostgreSQL skipped: BENCH_DATABASE_URL is not set"),
        }
    }
    Ok(targets)
}

/// Seeding transactions at once on PostgreSQL: each waits on its round trips, so a few
/// keep the server busy.
const POSTGRES_WRITERS: usize = 4;

fn print_header(args: &Args) {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    println!("# CaseLink bench");
    println!();
    println!(
        "{cpus} CPUs ({model}); {} agencies, {} cases; {} clients, pool {}, {} s measured after {} s warm-up per workload",
        hub::AGENCIES, args.cases, args.clients, args.pool, args.seconds, args.warmup
    );
}

/// Seeds (or reuses) the database, reads the page directly, then serves it and reads it
/// over HTTP.
async fn measure(args: &Args, target: &Target, server: &Path) -> anyhow::Result<Results> {
    let load = Load {
        clients: args.clients,
        warmup: Duration::from_secs(args.warmup),
        measure: Duration::from_secs(args.seconds),
        server: None,
    };
    let db = open(args, target).await?;
    let measured = seed::ensure(&db, args.cases, target.writers).await?;
    println!(
        "  measured agency: {} cases led, {} clients; measured inbox: {} pending",
        measured.case_ids.len(),
        args.clients,
        measured.inbox.pending
    );
    seal(&db).await?;
    println!("  direct: list page…");
    let sql_list = workloads::sql_list(load, &db, measured.agency_id).await?;
    println!("  direct: list headlines…");
    let sql_headlines = workloads::sql_headlines(load, &db, measured.agency_id).await?;
    let who = (measured.agency_id, measured.user_id);
    println!("  direct: list page + persons…");
    let sql_persons = workloads::sql_request(load, &db, who, false).await?;
    println!("  direct: list page + persons + audit…");
    let sql_request = workloads::sql_request(load, &db, who, true).await?;
    println!("  direct: case by id…");
    let sql_case = workloads::sql_case(load, &db, measured.agency_id, &measured.case_ids).await?;
    println!("  direct: inbox page…");
    let inbox = measured.inbox.agency_id;
    let sql_inbox_page = workloads::sql_inbox(load, &db, inbox, false).await?;
    println!("  direct: inbox page + senders + cases…");
    let sql_inbox = workloads::sql_inbox(load, &db, inbox, true).await?;
    println!("  finding the deep pages' cursors…");
    let cursors = pages::cursors(&db, measured.agency_id, inbox).await?;
    let direct_pages =
        pages::measure_direct(load, &db, (measured.agency_id, inbox), &cursors).await?;
    println!("  audit storage: 4,000 read events of 20 cases…");
    let audit_footprint = audit_footprint(&db, &measured).await?;
    // The direct audit events are sealed now, so the server does not start with a backlog.
    seal(&db).await?;
    let launch = (target, server, args.pool, report_plan(args));
    let http = measure_http(load, &db, launch, &measured, &cursors).await?;
    let peer = match &args.postgraphile {
        Some(dir) if target.backend == "PostgreSQL" => {
            let dir = peer::dir(dir)?;
            let log = target.log.with_file_name("postgraphile.log");
            let agency = measured.agency_id;
            let running = peer::start(&dir, &db, &target.url, args.pool, agency, &log).await?;
            println!("  PostGraphile pid {} on {}", running.pid(), running.addr);
            let mut pages = Vec::new();
            for page in peer::PeerPage::ALL {
                println!("  HTTP: PostGraphile {}…", page.label());
                let load = load.against(running.pid());
                let stats = peer::http_peer(load, running.addr, agency, page).await?;
                pages.push((page, stats));
            }
            drop(running);
            Some(pages)
        }
        _ => None,
    };
    db.close().await;
    Ok(Results {
        backend: target.backend,
        sql_list,
        sql_headlines,
        sql_persons,
        sql_request,
        sql_case,
        http_list: http.list,
        http_summary: http.summary,
        peer,
        http_case: http.case,
        http_inbox: http.inbox,
        sql_inbox_page,
        sql_inbox,
        inbox_pending: measured.inbox.pending,
        inbox_audit_events: http.inbox_audit_events,
        peak_memory_kib: http.peak_memory_kib,
        peak_heap_kib: http.peak_heap_kib,
        idle_resident_kib: http.idle_resident_kib,
        audit_footprint,
        peak_resident_kib: http.peak_resident_kib,
        audit_events: http.audit_events,
        pages: pages::Figures {
            http_cases_deep: http.cases_deep,
            http_inbox_deep: http.inbox_deep,
            direct: direct_pages,
        },
        cursors,
    })
}

/// Seeds (or reuses) the database, serves it, and measures the half-year report alone.
async fn measure_report(args: &Args, target: &Target, server: &Path) -> anyhow::Result<()> {
    let db = open(args, target).await?;
    let measured = seed::ensure(&db, args.cases, target.writers).await?;
    println!("  measured agency: {} cases led", measured.case_ids.len());
    seal(&db).await?;
    let server = Server::start(Launch {
        binary: server,
        database_url: &target.url,
        pool_size: args.pool,
        log: &target.log,
        audit_key_file: &target.audit_key_file,
        audit_checkpoint_file: &target.audit_checkpoint_file,
    })
    .await?;
    println!("  server pid {} on {}", server.pid(), server.addr);
    let series = effectiveness::measure(
        server.addr,
        report_plan(args),
        measured.agency_id,
        hub::MEASURED_EMAIL,
        hub::PASSWORD,
    )
    .await?;
    server.stop().await?;
    db.close().await;
    effectiveness::print(target.backend, &series);
    Ok(())
}

fn report_plan(args: &Args) -> effectiveness::Plan {
    effectiveness::Plan {
        requests: args.report_requests.max(1),
        warmup: args.report_warmup,
    }
}

/// Opens (and migrates) the target's database. The bench's own SQLite file, if it holds
/// an unfinished seed or an older bench's, is deleted first and seeded again.
async fn open(args: &Args, target: &Target) -> anyhow::Result<Db> {
    let keys = caselink::audit::keys::Keyring::open_for_recording(&target.audit_key_file)?;
    let db = Db::connect(&target.url, args.pool)
        .await?
        .with_audit_keys(keys.clone());
    migrate::run(&db).await?;
    let Some(file) = &target.owned_sqlite else {
        return Ok(db);
    };
    let seed::Found::Other(why) = seed::inspect(&db).await? else {
        return Ok(db);
    };
    db.close().await;
    println!("  {} will be seeded again: {why}", file.display());
    let companion = PathBuf::from(caselink::audit::staged::sqlite_companion(file));
    for path in [
        file.clone(),
        companion,
        target.audit_checkpoint_file.clone(),
    ] {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.clone().into_os_string();
            name.push(suffix);
            match std::fs::remove_file(&name) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(e).with_context(|| format!("cannot delete {name:?}"));
                }
                _ => {}
            }
        }
    }
    let db = Db::connect(&target.url, args.pool)
        .await?
        .with_audit_keys(keys);
    migrate::run(&db).await?;
    Ok(db)
}

struct HttpFigures {
    list: Stats,
    summary: Stats,
    case: Stats,
    inbox: Stats,
    peak_memory_kib: u64,
    peak_heap_kib: u64,
    idle_resident_kib: u64,
    peak_resident_kib: u64,
    audit_events: i64,
    inbox_audit_events: i64,
    cases_deep: Stats,
    inbox_deep: Stats,
}

async fn measure_http(
    load: Load,
    db: &Db,
    (target, binary, pool_size, plan): (&Target, &Path, u32, effectiveness::Plan),
    measured: &Measured,
    cursors: &pages::Cursors,
) -> anyhow::Result<HttpFigures> {
    let server = Server::start(Launch {
        binary,
        database_url: &target.url,
        pool_size,
        log: &target.log,
        audit_key_file: &target.audit_key_file,
        audit_checkpoint_file: &target.audit_checkpoint_file,
    })
    .await?;
    println!("  server pid {} on {}", server.pid(), server.addr);
    // The SQLite file and its companions (`-wal`, `-shm`, `-reads`) share its path.
    let database = target.url.strip_prefix("sqlite://").map(PathBuf::from);
    // Idle: started, migrated, its sealer and workers running, no request served yet.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_resident_kib = server.resident_kib(database.as_deref())?;
    let load = load.against(server.pid());
    let token = workloads::login(server.addr, hub::MEASURED_EMAIL, hub::PASSWORD).await?;
    workloads::check_list(server.addr, &token).await?;
    let heap = server.sample_heap(database.clone());
    let audit_before = workloads::audit_events(db).await?;
    println!("  HTTP: cases(first: 20)…");
    let list = workloads::http_list(load, server.addr, &token).await?;
    println!("  HTTP: cases(first: 20) without personal data…");
    let summary = workloads::http_query(load, server.addr, &token, peer::SUMMARY_QUERY).await?;
    println!("  HTTP: case(id)…");
    let case = workloads::http_case(load, server.addr, &token, &measured.case_ids).await?;
    let audit_events = workloads::audit_events(db).await? - audit_before;
    let (cases_deep_query, inbox_deep_query) = pages::deep_queries(cursors);
    println!("  HTTP: cases(first: 20, after: deep)…");
    let cases_deep = pages::http_deep(load, server.addr, &token, &cases_deep_query).await?;
    // The inbox, as the guardianship officer. It reads no personal data: no audit events.
    let officer = workloads::login(server.addr, hub::INBOX_EMAIL, hub::PASSWORD).await?;
    workloads::check_inbox(server.addr, &officer, measured.inbox.pending).await?;
    let inbox_before = workloads::audit_events(db).await?;
    println!("  HTTP: handoverInbox(first: 20)…");
    let inbox = workloads::http_inbox(load, server.addr, &officer).await?;
    let inbox_audit_events = workloads::audit_events(db).await? - inbox_before;
    println!("  HTTP: handoverInbox(first: 20, after: deep)…");
    let inbox_deep = pages::http_deep(load, server.addr, &officer, &inbox_deep_query).await?;
    let (peak_heap_kib, peak_resident_kib) = heap.peak_kib().await;
    let peak_memory_kib = server.peak_memory_kib()?;
    // Sequential, after the memory figures: the report's own latency, not under load.
    let report = effectiveness::measure(
        server.addr,
        plan,
        measured.agency_id,
        hub::MEASURED_EMAIL,
        hub::PASSWORD,
    )
    .await?;
    server.stop().await?;
    effectiveness::print(target.backend, &report);
    Ok(HttpFigures {
        list,
        summary,
        case,
        inbox,
        peak_memory_kib,
        peak_heap_kib,
        idle_resident_kib,
        peak_resident_kib,
        audit_events,
        inbox_audit_events,
        cases_deep,
        inbox_deep,
    })
}

/// Bytes on disk per read event (tables and indexes), for 4,000 events each naming a page
/// of 20 of the measured agency's cases in turn, written through the product's path.
async fn audit_footprint(
    db: &Db,
    measured: &Measured,
) -> anyhow::Result<caselink::audit::footprint::Footprint> {
    let origin = caselink::audit::Origin {
        user_id: Some(measured.user_id),
        agency_id: Some(measured.agency_id),
        request_id: uuid::Uuid::now_v7().to_string(),
    };
    Ok(
        caselink::audit::footprint::measure_reads(db, &origin, &measured.case_ids, 20, 4_000)
            .await?,
    )
}

/// Seals pending audit events, saying how many and how long it took.
async fn seal(db: &Db) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let sealed = caselink::audit::sealer::seal_all(db).await?;
    if sealed > 0 {
        println!(
            "  sealed {sealed} pending audit events in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
