//! The `process_*` metrics of the Prometheus client libraries' process
//! collector, read from Linux's `/proc` when scraped: CPU seconds, resident
//! and virtual memory, open and maximum file descriptors, start time, and
//! threads. On a system without `/proc` they are simply absent.

use std::fmt::Write as _;

/// Clock ticks per second of `/proc/<pid>/stat` times: `USER_HZ`, which
/// Linux fixes at 100 for every user-space interface.
const USER_HZ: f64 = 100.0;

/// Fields of `/proc/self/stat` after the command name (`(comm)` may hold
/// spaces, so split after its closing parenthesis). Index 0 is field 3.
fn stat_fields() -> Option<Vec<String>> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    Some(rest.split_whitespace().map(str::to_string).collect())
}

/// A `kB` line of `/proc/self/status` (`VmRSS:   1234 kB`), in bytes.
fn status_bytes(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kb| kb * 1024)
}

/// The machine's boot time (seconds since the epoch), from `/proc/stat`.
fn boot_time() -> Option<u64> {
    std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
}

/// The soft limit on open files, from `/proc/self/limits`.
fn max_fds() -> Option<u64> {
    std::fs::read_to_string("/proc/self/limits")
        .ok()?
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|v| v.parse().ok())
}

fn gauge(out: &mut String, name: &str, kind: &str, help: &str, value: impl std::fmt::Display) {
    let _ = writeln!(
        out,
        "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
    );
}

/// Appends the `process_*` metrics that can be read to `out`.
pub fn render(out: &mut String) {
    if let Some(f) = stat_fields() {
        // Fields 14 and 15 (utime, stime) are at 11 and 12; 20 (num_threads)
        // at 17; 22 (starttime, ticks after boot) at 19.
        let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
        if let (Some(u), Some(s)) = (ticks(11), ticks(12)) {
            gauge(
                out,
                "process_cpu_seconds_total",
                "counter",
                "Total user and system CPU time spent in seconds.",
                (u + s) as f64 / USER_HZ,
            );
        }
        if let (Some(start), Some(boot)) = (ticks(19), boot_time()) {
            gauge(
                out,
                "process_start_time_seconds",
                "gauge",
                "Start time of the process since unix epoch in seconds.",
                boot as f64 + start as f64 / USER_HZ,
            );
        }
        if let Some(threads) = ticks(17) {
            gauge(
                out,
                "process_threads",
                "gauge",
                "Number of OS threads in the process.",
                threads,
            );
        }
    }
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(rss) = status_bytes(&status, "VmRSS:") {
            gauge(
                out,
                "process_resident_memory_bytes",
                "gauge",
                "Resident memory size in bytes.",
                rss,
            );
        }
        if let Some(vm) = status_bytes(&status, "VmSize:") {
            gauge(
                out,
                "process_virtual_memory_bytes",
                "gauge",
                "Virtual memory size in bytes.",
                vm,
            );
        }
    }
    if let Ok(dir) = std::fs::read_dir("/proc/self/fd") {
        gauge(
            out,
            "process_open_fds",
            "gauge",
            "Number of open file descriptors.",
            dir.count(),
        );
    }
    if let Some(max) = max_fds() {
        gauge(
            out,
            "process_max_fds",
            "gauge",
            "Maximum number of open file descriptors.",
            max,
        );
    }
}
