//! The bounded pool every password hash and check of a request runs on.
//!
//! argon2id takes tens of milliseconds of a core and about 19 MiB per computation, on
//! purpose. Without a bound, a burst of sign-ins fills Tokio's blocking pool (512
//! threads) and takes every core from the other requests. Here at most `workers`
//! computations run at once and at most `queue` more wait; one more is refused at once
//! (`TOO_MANY_REQUESTS`), so a flood costs the hub a bounded share of its CPU and memory
//! and never an ever-growing queue.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::password;
use crate::error::{AppError, AppResult, Busy, BusyReason};

/// What a refused client is told to wait: a queue of a few checks drains in well under
/// a second, so one second is an honest first retry.
const RETRY_AFTER_SECONDS: i64 = 1;

/// The password-hashing pool of one process.
#[derive(Clone)]
pub struct HashingPool {
    /// Places for running and waiting computations: `workers + queue` in all.
    places: Arc<Semaphore>,
    /// Computations running now: `workers`.
    workers: Arc<Semaphore>,
}

/// A place in the pool, taken before a sign-in is counted against the throttle, so a
/// refusal for load never counts as a failed sign-in.
pub struct HashingPlace {
    place: OwnedSemaphorePermit,
    workers: Arc<Semaphore>,
}

impl HashingPool {
    /// A pool running at most `workers` computations (at least 1), with at most `queue`
    /// more waiting.
    pub fn new(workers: usize, queue: usize) -> HashingPool {
        let workers = workers.max(1);
        HashingPool {
            places: Arc::new(Semaphore::new(workers.saturating_add(queue))),
            workers: Arc::new(Semaphore::new(workers)),
        }
    }

    /// Takes a place, or refuses at once when every place is taken.
    pub fn enter(&self) -> AppResult<HashingPlace> {
        let place = Arc::clone(&self.places)
            .try_acquire_owned()
            .map_err(|_| busy())?;
        Ok(HashingPlace {
            place,
            workers: Arc::clone(&self.workers),
        })
    }

    /// Hashes a new password (creating a user, setting a password).
    pub async fn hash(&self, new_password: String) -> AppResult<String> {
        self.enter()?
            .run(move || password::hash_blocking(&new_password))
            .await
    }
}

impl HashingPlace {
    /// Waits for a worker, then runs `job` on the blocking pool. Both permits move into
    /// the job: a client that hangs up does not stop the computation, and its worker is
    /// not handed to the next one until the computation ends.
    pub async fn run<T: Send + 'static>(
        self,
        job: impl FnOnce() -> AppResult<T> + Send + 'static,
    ) -> AppResult<T> {
        let worker = self
            .workers
            .acquire_owned()
            .await
            .map_err(AppError::internal)?;
        let place = self.place;
        tokio::task::spawn_blocking(move || {
            let _held = (place, worker);
            job()
        })
        .await
        .map_err(AppError::internal)?
    }

    /// Checks a password against a stored hash (a dummy one for an unknown address).
    pub async fn verify(self, password: String, stored: Option<String>) -> AppResult<bool> {
        self.run(move || password::verify_blocking(&password, stored.as_deref()))
            .await
    }
}

fn busy() -> AppError {
    AppError::TooManyRequests(Busy {
        reason: BusyReason::PasswordQueueFull,
        retry_after_seconds: RETRY_AFTER_SECONDS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_workers_plus_queue_and_the_next_is_refused() {
        let pool = HashingPool::new(1, 1);
        let first = pool.enter();
        let second = pool.enter();
        assert!(first.is_ok() && second.is_ok());
        assert!(matches!(
            pool.enter(),
            Err(AppError::TooManyRequests(Busy {
                reason: BusyReason::PasswordQueueFull,
                ..
            }))
        ));
        drop(first);
        assert!(pool.enter().is_ok());
    }

    #[test]
    fn a_pool_has_at_least_one_worker() {
        let pool = HashingPool::new(0, 0);
        let only = pool.enter();
        assert!(only.is_ok());
        assert!(pool.enter().is_err());
    }

    #[tokio::test]
    async fn at_most_the_workers_compute_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let pool = HashingPool::new(2, 10);
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut jobs = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let place = pool.enter().ok().unwrap();
            let (running, most) = (running.clone(), most.clone());
            jobs.spawn(place.run(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(20));
                running.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            }));
        }
        while let Some(done) = jobs.join_next().await {
            assert!(matches!(done, Ok(Ok(()))));
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
        assert!(pool.enter().is_ok(), "every place is given back");
    }
}
