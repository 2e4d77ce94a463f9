//! The `caselink` command: parses arguments and hands over to the library.

use std::io::Read as _;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use caselink::audit::checkpoints::CheckpointLog;
use caselink::audit::keys::Keyring;
use caselink::config::{Config, LogFormat, DEFAULT_DATABASE_URL};
use caselink::db::{self, migrate, Db};
use caselink::{audit, demo, users};

/// mimalloc instead of glibc's malloc: rows are built on SQLite's worker threads and
/// freed on Tokio's, and glibc's per-thread arenas spent about a quarter of a list
/// request's instructions allocating and freeing (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CaseLink: the interagency hub that helps keep newborns and children with their families.
#[derive(Parser)]
#[command(name = "caselink", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the GraphQL API (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Create (or reuse) a demo database, serve it and print how to sign in.
    Demo,
    /// Manage hub administrators and passwords.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Work with the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a hub administrator; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Set a user's password; the new password is read from standard input.
    ResetPassword {
        #[arg(long)]
        email: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the audit log: every event's MAC, the keyed chain, and the signed
    /// checkpoints. Exits 0 when intact, 1 (saying where) when not, 2 when it could not
    /// check.
    Verify {
        /// A checkpoint file to check the chain against (repeatable: one per `serve`
        /// process). Defaults to `CASELINK_AUDIT_CHECKPOINT_FILE`.
        #[arg(long = "checkpoints", value_name = "FILE")]
        checkpoints: Vec<std::path::PathBuf>,
    },
    /// Move audit events older than CASELINK_AUDIT_RETENTION_DAYS out of the log into
    /// signed, compressed files in CASELINK_AUDIT_ARCHIVE_DIR (which `audit verify`
    /// checks). Only sealed events covered by a signed checkpoint go.
    Archive {
        /// A checkpoint file (repeatable): events go only up to a position that a signed
        /// checkpoint in one of them covers. Defaults to `CASELINK_AUDIT_CHECKPOINT_FILE`.
        #[arg(long = "checkpoints", value_name = "FILE")]
        checkpoints: Vec<std::path::PathBuf>,
    },
    /// Append a new key to the audit key file; the old keys stay to verify what they
    /// made. Restart every process with the changed file afterwards.
    RotateKey,
}

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("caselink: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run())
}

/// Turns transparent huge pages off for this process, before anything is allocated.
/// mimalloc commits its arena eagerly and the kernel then backs each touched 2 MiB of it
/// with a huge page: an idle server held 16 MiB of heap for about 3 MiB in use (36 MiB
/// resident instead of 24; docs/performance.md, "Memory"). The hub's heap is small and
/// short-lived, so small pages cost it nothing measurable.
///
/// It runs as a constructor (`.init_array`), not from `main`: Rust's runtime allocates
/// before `main` (the main thread's handle, its name), and the pages faulted then were
/// already huge: 4 MiB of an idle server's heap, seen in `/proc/<pid>/smaps`.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static KEEP_MEMORY_IN_SMALL_PAGES: extern "C" fn() = keep_memory_in_small_pages;

#[cfg(target_os = "linux")]
extern "C" fn keep_memory_in_small_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only this process's
    // memory policy; a kernel without it returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

async fn run() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.config);
    match dispatch(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("caselink: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config, DEFAULT_DATABASE_URL).await,
        Command::Migrate => {
            // Migrations record no audit events, so they need no keys.
            open(&config, DEFAULT_DATABASE_URL).await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let db = open(&config, demo::DATABASE_URL)
                .await?
                .with_audit_keys(Keyring::open_for_recording(&config.audit_key_file)?);
            demo::seed(&db).await?;
            audit::sealer::checkpoint_current_head(&db, &checkpoint_log(&config)).await?;
            println!("{}", demo::welcome(&config));
            serve(config, demo::DATABASE_URL).await
        }
        Command::Admin { command } => admin(&config, command).await,
        Command::Audit {
            command: AuditCommand::Verify { checkpoints },
        } => verify_audit(&config, checkpoints).await,
        Command::Audit {
            command: AuditCommand::Archive { checkpoints },
        } => archive_audit(&config, checkpoints).await,
        Command::Audit {
            command: AuditCommand::RotateKey,
        } => rotate_key(&config),
        Command::Schema => {
            print!("{}", caselink::graphql::sdl());
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn open(config: &Config, default_url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(
        config.database_url_or(default_url),
        config.db_max_connections,
    )
    .await?;
    migrate::run(&db).await.context("migrating the database")?;
    Ok(db)
}

fn checkpoint_log(config: &Config) -> CheckpointLog {
    CheckpointLog::new(&config.audit_checkpoint_file)
}

async fn serve(config: Config, default_url: &str) -> anyhow::Result<ExitCode> {
    let keys = Keyring::open_for_recording(&config.audit_key_file)?;
    let db = if config.migrate_on_start {
        open(&config, default_url).await?
    } else {
        Db::connect_existing(
            config.database_url_or(default_url),
            config.db_max_connections,
        )
        .await?
    };
    let db = db.with_audit_keys(keys);
    let listener = TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    caselink::run(config, db, listener, shutdown_signal()).await?;
    Ok(ExitCode::SUCCESS)
}

async fn admin(config: &Config, command: AdminCommand) -> anyhow::Result<ExitCode> {
    let db = open(config, DEFAULT_DATABASE_URL)
        .await?
        .with_audit_keys(Keyring::open_for_recording(&config.audit_key_file)?);
    let password = read_password()?;
    let result = match command {
        AdminCommand::Create { email, name, .. } => {
            users::create_hub_admin(&db, &name, &email, &password, db::now()).await
        }
        AdminCommand::ResetPassword { email, .. } => {
            users::reset_password_by_email(&db, &email, &password, db::now()).await
        }
    };
    audit::sealer::seal_and_checkpoint(&db, &checkpoint_log(config)).await?;
    match result {
        Ok(id) => {
            println!("done: user {id}");
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("caselink: {}", error.public_message());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn read_password() -> anyhow::Result<String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the password from standard input")?;
    Ok(input.trim_end_matches(['\r', '\n']).to_owned())
}

/// Exit codes: 0 intact, 1 broken, 2 could not check (so a monitor can tell them apart).
async fn verify_audit(
    config: &Config,
    mut checkpoints: Vec<std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    if checkpoints.is_empty() {
        checkpoints.push(config.audit_checkpoint_file.clone());
    }
    let could_not = |error: anyhow::Error| {
        eprintln!("caselink: could not verify the audit log: {error:#}");
        Ok(ExitCode::from(2))
    };
    // Never created here: a verifier with a fresh key would find every event forged.
    let keys = match Keyring::load(&config.audit_key_file) {
        Ok(keys) => keys,
        Err(error) => {
            return could_not(error.context(format!(
                "verify needs the audit key file that `serve` uses (CASELINK_AUDIT_KEY_FILE or \
                 --audit-key-file, now {})",
                config.audit_key_file.display()
            )))
        }
    };
    // Read-only: no migrations, no new SQLite file for a mistyped path.
    let url = config.database_url_or(DEFAULT_DATABASE_URL);
    let checked = match Db::connect_existing(url, 2).await {
        Ok(db) => audit::verify::verify(&db, &keys, &checkpoints, &config.audit_archive_dir).await,
        Err(error) => Err(error),
    };
    let report = match checked {
        Ok(report) => report,
        Err(error) => return could_not(error),
    };
    print!(
        "{}",
        audit::verify::describe(&report, &config.audit_key_file)
    );
    Ok(if report.intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `audit archive`: one file per batch until nothing more is due.
async fn archive_audit(
    config: &Config,
    mut checkpoints: Vec<std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    let Some(retention) = config.audit_retention() else {
        anyhow::bail!(
            "the audit retention period is not set (CASELINK_AUDIT_RETENTION_DAYS or \
             --audit-retention-days): nothing is archived"
        );
    };
    if checkpoints.is_empty() {
        checkpoints.push(config.audit_checkpoint_file.clone());
    }
    // Never created here: archives signed with a fresh key would not verify.
    let keys = Keyring::load(&config.audit_key_file).with_context(|| {
        format!(
            "archiving needs the audit key file that `serve` uses (CASELINK_AUDIT_KEY_FILE or \
             --audit-key-file, now {})",
            config.audit_key_file.display()
        )
    })?;
    let db = if config.migrate_on_start {
        open(config, DEFAULT_DATABASE_URL).await?
    } else {
        Db::connect_existing(
            config.database_url_or(DEFAULT_DATABASE_URL),
            config.db_max_connections,
        )
        .await?
    };
    let plan = audit::archive::Plan {
        dir: config.audit_archive_dir.clone(),
        older_than: db::now() - retention,
        signed_up_to: audit::archive::signed_up_to(&keys, &checkpoints),
    };
    let (done, idle) = audit::archive::run(&db, &keys, &plan).await?;
    for file in &done {
        println!(
            "archived events {}..{} ({} events) to {}",
            file.first,
            file.last,
            file.last - file.first + 1,
            file.file.display()
        );
    }
    match idle {
        audit::archive::Idle::Busy => {
            println!("another process is archiving the audit log; nothing more done here")
        }
        audit::archive::Idle::NothingDue if done.is_empty() => println!(
            "nothing to archive: no event older than {} days is sealed, covered by a signed \
             checkpoint (up to position {}) and behind the chain's head",
            config.audit_retention_days.unwrap_or_default(),
            plan.signed_up_to
        ),
        audit::archive::Idle::NothingDue => {}
    }
    Ok(ExitCode::SUCCESS)
}

fn rotate_key(config: &Config) -> anyhow::Result<ExitCode> {
    let path = &config.audit_key_file;
    let id = Keyring::rotate(path)?;
    println!(
        "added audit key {id} to {}; it is now the current key. Restart every `caselink` \
         process that uses this file (on PostgreSQL: every `serve`) so that they record, seal \
         and sign with it; the older keys stay in the file to verify what they made.",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn init_logging(config: &Config) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(&config.log).unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Human => builder.init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down");
}
