//! The hub's shared state, built once per process and handed to every request.

use std::sync::Arc;

use crate::auth::TokenCache;
use crate::config::Config;
use crate::db::Db;

/// What every request can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Settings.
    pub config: Arc<Config>,
    /// The token → actor cache.
    pub tokens: TokenCache,
}

impl AppState {
    /// State over an open, migrated database.
    pub fn new(db: Db, config: Config) -> AppState {
        let tokens = TokenCache::new(config.token_recheck());
        AppState {
            db,
            config: Arc::new(config),
            tokens,
        }
    }
}
