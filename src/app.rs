//! The hub's shared state, built once per process and handed to every request.

use std::sync::Arc;

use crate::audit::reads::ReadAudit;
use crate::auth::{SignInGuards, TokenCache};
use crate::config::Config;
use crate::db::Db;
use crate::graphql::documents::DocumentCache;
use crate::metrics::Metrics;

/// What every request can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Settings.
    pub config: Arc<Config>,
    /// The token → actor cache.
    pub tokens: TokenCache,
    /// Group-commits the audit events of personal-data reads.
    pub read_audit: ReadAudit,
    /// Parsed GraphQL documents by query text.
    pub documents: DocumentCache,
    /// Sign-in rate limits, the password-hashing pool, device-token lifetime.
    pub sign_in: Arc<SignInGuards>,
    /// What `/metrics` reports; this hub's own registry.
    pub metrics: Metrics,
}

impl AppState {
    /// State over an open, migrated database; starts the read-audit writer, so it must
    /// be called inside the Tokio runtime.
    pub fn new(db: Db, config: Config) -> AppState {
        let tokens = TokenCache::new(config.token_recheck());
        let read_audit = ReadAudit::start(db.clone());
        let sign_in = Arc::new(SignInGuards::new(&config.sign_in));
        AppState {
            sign_in,
            db,
            config: Arc::new(config),
            tokens,
            read_audit,
            documents: DocumentCache::default(),
            metrics: Metrics::new(),
        }
    }
}
