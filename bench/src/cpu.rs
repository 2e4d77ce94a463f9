//! Where the machine's CPU went during a measurement: the server process, the bench
//! process (the clients, and SQLite itself on the direct runs), and everything else
//! (PostgreSQL's backends). The bench shares the two cores with what it measures, so
//! this says how much of the machine the server really had.

use std::fs;

/// CPU counters at one moment, in the kernel's clock ticks.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    /// All CPUs' ticks, idle included.
    total: u64,
    /// All CPUs' busy ticks.
    busy: u64,
    server: u64,
    bench: u64,
}

/// Shares of the whole machine (1.0 = every core busy) between two snapshots.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    /// The server process.
    pub server: f64,
    /// The bench process.
    pub bench: f64,
    /// Other processes: PostgreSQL's, mostly.
    pub other: f64,
}

/// Reads the counters now; `server` is the server's pid when one runs.
pub fn snapshot(server: Option<u32>) -> Snapshot {
    let (total, busy) = machine_ticks().unwrap_or_default();
    Snapshot {
        total,
        busy,
        server: server.and_then(process_ticks).unwrap_or(0),
        bench: process_ticks(std::process::id()).unwrap_or(0),
    }
}

/// The usage between `before` and `after`.
pub fn usage(before: Snapshot, after: Snapshot) -> Usage {
    let total = after.total.saturating_sub(before.total).max(1) as f64;
    let share = |a: u64, b: u64| a.saturating_sub(b) as f64 / total;
    let (server, bench) = (
        share(after.server, before.server),
        share(after.bench, before.bench),
    );
    Usage {
        server,
        bench,
        other: (share(after.busy, before.busy) - server - bench).max(0.0),
    }
}

/// The first line of `/proc/stat`: total and busy ticks over all CPUs.
fn machine_ticks() -> Option<(u64, u64)> {
    let stat = fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|t| t.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    let total: u64 = ticks.iter().take(8).sum();
    let idle = ticks.get(3)? + ticks.get(4)?;
    Some((total, total - idle))
}

/// utime + stime of a process, from `/proc/<pid>/stat`.
fn process_ticks(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: count fields after its closing parenthesis,
    // where field 3 (state) is index 0, so utime (14) and stime (15) are 11 and 12.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_process_has_cpu_counters() {
        assert!(process_ticks(std::process::id()).is_some());
        assert!(machine_ticks().is_some_and(|(total, busy)| total >= busy));
    }
}
