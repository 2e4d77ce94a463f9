//! Running concurrent clients for a warm-up and then a measured window, and summing up
//! what they saw: requests per second and latency percentiles.

use std::future::Future;
use std::time::{Duration, Instant};

use super::cpu::{self, Usage};

/// When measuring starts and when every client stops. Shared by all clients of one run.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    measure_from: Instant,
    until: Instant,
}

impl Window {
    /// A window that starts measuring after `warmup` from now and lasts `measure`.
    pub fn new(warmup: Duration, measure: Duration) -> Window {
        let measure_from = Instant::now() + warmup;
        Window {
            measure_from,
            until: measure_from + measure,
        }
    }

    /// Whether clients should stop sending.
    pub fn is_over(&self) -> bool {
        Instant::now() >= self.until
    }

    /// Whether a request that ran from `started` to `ended` counts: it lies wholly
    /// inside the measured part (warm-up requests and the tail after the end do not).
    fn counts(&self, started: Instant, ended: Instant) -> bool {
        started >= self.measure_from && ended <= self.until
    }

    fn measured(&self) -> Duration {
        self.until - self.measure_from
    }
}

/// What one client saw.
#[derive(Default)]
pub struct Sample {
    sent: u64,
    latencies_us: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
}

impl Sample {
    /// Records a request that started at `started` and ended now with `outcome`.
    pub fn record(&mut self, window: &Window, started: Instant, outcome: Result<(), String>) {
        let ended = Instant::now();
        self.sent += 1;
        if !window.counts(started, ended) {
            return;
        }
        match outcome {
            Ok(()) => {
                let micros = (ended - started).as_micros();
                self.latencies_us
                    .push(u32::try_from(micros).unwrap_or(u32::MAX));
            }
            Err(error) => {
                self.errors += 1;
                self.first_error.get_or_insert(error);
            }
        }
    }
}

/// The summary of one run.
#[derive(Clone, Debug)]
pub struct Stats {
    /// Concurrent clients.
    pub clients: usize,
    /// Requests sent, warm-up and tail included (to compare with rows written).
    pub sent: u64,
    /// Successful requests in the measured window.
    pub requests: usize,
    /// Failed requests in the measured window.
    pub errors: u64,
    /// The first failure, to show.
    pub first_error: Option<String>,
    /// Successful requests per second.
    pub per_second: f64,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Where the machine's CPU went during the measured window.
    pub cpu: Usage,
}

/// Runs `clients` concurrent clients: `client(i, window)` is client `i`'s whole loop,
/// sending requests until the window is over and recording each in its [`Sample`].
/// `server` is the pid of the server under test, if any, for the CPU split.
pub async fn run<F, Fut>(
    clients: usize,
    (warmup, measure): (Duration, Duration),
    server: Option<u32>,
    client: F,
) -> anyhow::Result<Stats>
where
    F: Fn(usize, Window) -> Fut,
    Fut: Future<Output = anyhow::Result<Sample>> + Send + 'static,
{
    let window = Window::new(warmup, measure);
    let cpu = tokio::spawn(watch_cpu(window, server));
    let tasks: Vec<_> = (0..clients)
        .map(|i| tokio::spawn(client(i, window)))
        .collect();
    let mut samples = Vec::with_capacity(clients);
    for task in tasks {
        samples.push(task.await??);
    }
    let mut stats = summarise(clients, window.measured(), samples);
    stats.cpu = cpu.await?;
    Ok(stats)
}

/// CPU usage over the measured part of the window.
async fn watch_cpu(window: Window, server: Option<u32>) -> Usage {
    tokio::time::sleep_until(window.measure_from.into()).await;
    let before = cpu::snapshot(server);
    tokio::time::sleep_until(window.until.into()).await;
    cpu::usage(before, cpu::snapshot(server))
}

fn summarise(clients: usize, measured: Duration, samples: Vec<Sample>) -> Stats {
    let mut latencies: Vec<u32> = Vec::new();
    let (mut sent, mut errors, mut first_error) = (0, 0, None);
    for sample in samples {
        sent += sample.sent;
        latencies.extend(sample.latencies_us);
        errors += sample.errors;
        first_error = first_error.or(sample.first_error);
    }
    latencies.sort_unstable();
    Stats {
        clients,
        sent,
        requests: latencies.len(),
        errors,
        first_error,
        per_second: latencies.len() as f64 / measured.as_secs_f64(),
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
        cpu: Usage::default(),
    }
}

/// The nearest-rank percentile of sorted microsecond latencies.
fn percentile(sorted_us: &[u32], p: f64) -> Duration {
    if sorted_us.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted_us.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted_us.len()) - 1;
    Duration::from_micros(u64::from(sorted_us[index]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let latencies: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&latencies, 50.0), Duration::from_micros(50));
        assert_eq!(percentile(&latencies, 99.0), Duration::from_micros(99));
        assert_eq!(percentile(&[7], 99.0), Duration::from_micros(7));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn warm_up_requests_do_not_count() {
        let window = Window::new(Duration::from_secs(60), Duration::from_secs(1));
        let mut sample = Sample::default();
        sample.record(&window, Instant::now(), Ok(()));
        assert!(sample.latencies_us.is_empty());
    }
}
