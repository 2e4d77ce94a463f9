//! A short-lived in-process cache of token hash → actor, so the token check on every
//! request is a map look-up. Entries are dropped at once on logout or deactivation in
//! this process, and re-checked against the database after a few seconds, which is how
//! other processes' logouts and deactivations reach this one.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::token::TokenHash;
use crate::access::Actor;

/// Entries beyond this are dropped wholesale (they are cheap to re-read).
const CAPACITY: usize = 100_000;

#[derive(Clone)]
struct Cached {
    actor: Actor,
    expires_at: DateTime<Utc>,
    checked: Instant,
}

/// The token cache, shared by every request of one process.
#[derive(Clone)]
pub struct TokenCache {
    entries: Arc<RwLock<HashMap<TokenHash, Cached>>>,
    recheck_after: Duration,
    /// Counts evictions. A request that read a session from the database while a logout
    /// or deactivation evicted it must not put it back: it notes the count before its
    /// read ([`TokenCache::evictions`]) and its insert is dropped if the count moved.
    evictions: Arc<std::sync::atomic::AtomicU64>,
}

impl TokenCache {
    /// A cache that re-checks each token against the database after `recheck_after`.
    pub fn new(recheck_after: Duration) -> TokenCache {
        TokenCache {
            entries: Arc::default(),
            recheck_after,
            evictions: Arc::default(),
        }
    }

    /// The eviction count now, to pass to [`TokenCache::insert`] after a database read.
    pub fn evictions(&self) -> u64 {
        self.evictions.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The cached actor for a token, if fresh and the session has not expired.
    pub fn get(&self, hash: &TokenHash, now: DateTime<Utc>) -> Option<Actor> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        let cached = entries.get(hash)?;
        (cached.checked.elapsed() < self.recheck_after && cached.expires_at > now)
            .then(|| cached.actor.clone())
    }

    /// Remembers a token checked in the database after [`TokenCache::evictions`] read
    /// `evictions_before`; forgets it instead if anything was evicted since (the read may
    /// predate a logout, and the database is asked again next time).
    pub fn insert(
        &self,
        hash: TokenHash,
        actor: Actor,
        expires_at: DateTime<Utc>,
        evictions_before: u64,
    ) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if self.evictions() != evictions_before {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            hash,
            Cached {
                actor,
                expires_at,
                checked: Instant::now(),
            },
        );
    }

    /// When the cached session of a token ends, if it is cached.
    pub fn expiry(&self, hash: &TokenHash) -> Option<DateTime<Utc>> {
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries.get(hash).map(|cached| cached.expires_at)
    }

    /// Moves a cached session's end, after it was extended in the database.
    pub fn extend(&self, hash: &TokenHash, expires_at: DateTime<Utc>) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if let Some(cached) = entries.get_mut(hash) {
            cached.expires_at = cached.expires_at.max(expires_at);
        }
    }

    /// Forgets one session (logout).
    pub fn evict_session(&self, session_id: Uuid) {
        self.retain(|actor| actor.session_id != session_id);
    }

    /// Forgets every session of a user (deactivation, new password, changed roles).
    pub fn evict_user(&self, user_id: Uuid) {
        self.retain(|actor| actor.user_id != user_id);
    }

    /// Forgets every session of an agency's users (agency deactivated).
    pub fn evict_agency(&self, agency_id: Uuid) {
        self.retain(|actor| actor.agency_id != Some(agency_id));
    }

    fn retain(&self, keep: impl Fn(&Actor) -> bool) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        // Counted under the write lock, so an insert either lands before this eviction
        // (and is removed by it) or sees the new count (and is dropped).
        self.evictions
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        entries.retain(|_, cached| keep(&cached.actor));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Roles;

    fn actor() -> Actor {
        Actor {
            user_id: Uuid::now_v7(),
            agency_id: Some(Uuid::now_v7()),
            roles: Roles::default(),
            hub_admin: false,
            session_id: Uuid::now_v7(),
        }
    }

    fn later() -> DateTime<Utc> {
        Utc::now() + chrono::Duration::hours(1)
    }

    #[test]
    fn a_cached_token_is_served_until_evicted() {
        let cache = TokenCache::new(Duration::from_secs(5));
        let a = actor();
        cache.insert([1; 32], a.clone(), later(), cache.evictions());
        assert_eq!(cache.get(&[1; 32], Utc::now()), Some(a.clone()));
        cache.evict_user(a.user_id);
        assert_eq!(cache.get(&[1; 32], Utc::now()), None);
    }

    #[test]
    fn an_expired_session_is_not_served() {
        let cache = TokenCache::new(Duration::from_secs(5));
        cache.insert(
            [2; 32],
            actor(),
            Utc::now() - chrono::Duration::seconds(1),
            0,
        );
        assert_eq!(cache.get(&[2; 32], Utc::now()), None);
    }

    #[test]
    fn a_stale_entry_is_rechecked() {
        let cache = TokenCache::new(Duration::ZERO);
        cache.insert([3; 32], actor(), later(), 0);
        assert_eq!(cache.get(&[3; 32], Utc::now()), None);
    }

    #[test]
    fn a_session_read_before_a_logout_is_not_cached_after_it() {
        let cache = TokenCache::new(Duration::from_secs(5));
        let a = actor();
        let before_the_read = cache.evictions();
        cache.evict_session(a.session_id);
        cache.insert([6; 32], a, later(), before_the_read);
        assert_eq!(cache.get(&[6; 32], Utc::now()), None);
    }

    #[test]
    fn deactivating_an_agency_evicts_its_people_only() {
        let cache = TokenCache::new(Duration::from_secs(5));
        let (a, b) = (actor(), actor());
        cache.insert([4; 32], a.clone(), later(), cache.evictions());
        cache.insert([5; 32], b.clone(), later(), cache.evictions());
        cache.evict_agency(a.agency_id.unwrap_or_default());
        assert_eq!(cache.get(&[4; 32], Utc::now()), None);
        assert_eq!(cache.get(&[5; 32], Utc::now()), Some(b));
    }
}
