//! CaseLink: an interagency coordination hub that helps keep newborns and children with
//! their families. See `README.md` and `docs/`.

pub mod access;
pub mod agencies;
pub mod app;
pub mod audit;
pub mod auth;
pub mod casefiles;
pub mod cases;
pub mod casework;
pub mod config;
pub mod db;
pub mod demo;
pub mod domains;
pub mod error;
pub mod graphql;
pub mod handovers;
pub mod http;
pub mod ids;
pub mod inforequests;
pub mod input;
pub mod journal;
pub mod metrics;
pub mod mrg;
pub mod notify;
pub mod plans;
pub mod reports;
pub mod reunification;
pub mod signals;
pub mod spreadsheet;
pub mod users;
pub mod web;

use std::future::Future;

use tokio::net::TcpListener;

use crate::app::AppState;
use crate::config::Config;
use crate::db::Db;

/// Serves the hub on `listener` over an open, migrated `db` that carries the audit keys
/// ([`Db::with_audit_keys`]) until `shutdown` completes, then finishes in-flight requests
/// and seals the audit log once more. Alongside run the audit sealer (which appends
/// signed checkpoints to `CASELINK_AUDIT_CHECKPOINT_FILE`), the mail worker and the
/// reminder scheduler.
pub async fn run(
    config: Config,
    db: Db,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        db.audit_keys().is_some(),
        "no audit key is loaded: serving would record events it cannot MAC"
    );
    let checkpoints = audit::checkpoints::CheckpointLog::new(&config.audit_checkpoint_file);
    let checkpoint_mail = notify::audit_checkpoint::CheckpointMail::from_config(&config)?;
    let mailer = notify::mailer::Mailer::from_config(&config.mail)?;
    let state = AppState::new(db.clone(), config.clone());
    let schemas = graphql::build_schemas(state.clone(), &config);
    let (stop_background, stopped) = tokio::sync::watch::channel(false);
    let background = [
        tokio::spawn(notify::worker::run(
            db.clone(),
            mailer,
            config.mail.clone(),
            stopped.clone(),
        )),
        tokio::spawn(notify::reminders::run(
            db.clone(),
            config.mail.clone(),
            stopped.clone(),
        )),
        tokio::spawn(audit::archive::run_every(
            db.clone(),
            audit::archive::Periodic::from_config(&config),
            stopped.clone(),
        )),
        tokio::spawn(audit::sealer::run(
            db,
            config.audit_seal_interval(),
            checkpoints,
            checkpoint_mail,
            stopped,
        )),
    ];
    let app = http::router(state, schemas);
    tracing::info!(addr = %listener.local_addr()?, "CaseLink is serving");
    http::serve(listener, app, config.request_header_timeout(), shutdown).await?;
    let _ = stop_background.send(true);
    for task in background {
        let _ = task.await;
    }
    Ok(())
}
