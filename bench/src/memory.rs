//! The server's resident memory as issue 13's targets count it: everything it holds in
//! RAM except the pages of the database files it maps (SQLite's memory map puts the
//! file's pages in the process's RSS, once per connection; they are the operating
//! system's file cache, shared and reclaimable, not the server's memory).

use std::path::Path;

use anyhow::Context as _;

/// Resident memory of process `pid` in KiB, without the pages of mapped files whose path
/// starts with one of `excluded` (the database file and its companions).
pub fn resident_kib_without(pid: u32, excluded: &[&Path]) -> anyhow::Result<u64> {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps"))
        .context("cannot read the server's /proc smaps")?;
    let mut total = 0;
    let mut counted = true;
    for line in smaps.lines() {
        if let Some(rss) = line.strip_prefix("Rss:") {
            if counted {
                total += rss
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<u64>()
                    .unwrap_or(0);
            }
        } else if is_mapping_header(line) {
            let path = line.split_whitespace().nth(5).unwrap_or("");
            counted = !excluded
                .iter()
                .any(|p| !path.is_empty() && path.starts_with(&*p.to_string_lossy()));
        }
    }
    Ok(total)
}

/// A mapping's first line: `start-end perms offset dev inode [path]`.
fn is_mapping_header(line: &str) -> bool {
    line.split_whitespace().next().is_some_and(|range| {
        range.contains('-') && range.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
    })
}
