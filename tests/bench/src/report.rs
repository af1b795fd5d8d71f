//! The results as Markdown: one table per engine (every implementation,
//! workload and role), then the ratios the issue asks for.

use std::fmt::Write as _;
use std::time::Duration;

use crate::workloads;

/// One measurement.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    /// Maximum throughput (successful responses per second).
    pub max_rps: f64,
    /// Latency quantiles at half the maximum throughput, ms.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Failed responses over both phases.
    pub failed: u64,
    /// Successful requests of the throughput phase.
    pub requests: u64,
    /// Server CPU seconds per 1,000 requests (throughput phase).
    pub cpu_per_1000: f64,
    /// Server resident memory after the measurement, MiB.
    pub rss_mib: f64,
    /// The first failure seen.
    pub first_failure: Option<String>,
}

/// One line of a table.
#[derive(Debug, Clone)]
pub struct Row {
    /// API, hand-written SQL, PostGraphile…
    pub implementation: String,
    /// Workload number.
    pub workload: u8,
    /// As admin (else anonymous).
    pub admin: bool,
    /// What was measured.
    pub m: Measured,
}

/// Everything measured on one engine.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// `postgres` or `sqlite`.
    pub engine: String,
    /// The seed command's summary line.
    pub seed_line: String,
    /// Rows of the table.
    pub rows: Vec<Row>,
    /// (implementation, workload, admin, statements) of one request each.
    pub statements: Vec<(String, u8, bool, u64)>,
    /// Peak resident memory (VmHWM) per server, MiB.
    pub peak_mib: Vec<(String, f64)>,
    /// Anything left out and why.
    pub notes: Vec<String>,
}

fn num(x: f64, digits: usize) -> String {
    if x.is_finite() {
        format!("{x:.digits$}")
    } else {
        "–".into()
    }
}

fn find<'a>(run: &'a Run, implementation: &str, w: u8, admin: bool) -> Option<&'a Measured> {
    run.rows
        .iter()
        .find(|r| r.implementation == implementation && r.workload == w && r.admin == admin)
        .map(|r| &r.m)
}

/// The whole results file.
pub fn markdown(runs: &[Run], command: &str, took: Duration) -> String {
    let mut s = String::new();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let _ = writeln!(s, "# Benchmark results (issue 12)\n");
    let _ = writeln!(
        s,
        "Written by `{command}` on {} ({cores} cores) in {:.0} s. Load generator: the Rust harness in \
         `tests/bench/` on loopback; maximum throughput with a fixed number of clients after a warm-up, \
         `n` successful requests in that phase, then p50/p95/p99 at half of it (open loop, latency from each request's scheduled start). \
         A response with `errors`, without `data` or with `userErrors` counts as failed. CPU is the \
         server's user + system time per 1,000 requests in the throughput phase; memory is from \
         `/proc/<pid>/status`.\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        took.as_secs_f64()
    );
    for run in runs {
        let _ = writeln!(s, "## {}\n", run.engine);
        let _ = writeln!(s, "Data: `{}`\n", run.seed_line.trim());
        let _ = writeln!(
            s,
            "| implementation | workload | caller | max req/s | n | p50 ms | p95 ms | p99 ms | failed | SQL stmts/req | CPU s / 1k req | RSS MiB |"
        );
        let _ = writeln!(
            s,
            "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for r in &run.rows {
            let stmts = run
                .statements
                .iter()
                .find(|(i, w, a, _)| *i == r.implementation && *w == r.workload && *a == r.admin)
                .map_or("–".into(), |(_, _, _, n)| n.to_string());
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                r.implementation,
                workloads::name(r.workload),
                if r.admin { "admin" } else { "anonymous" },
                num(r.m.max_rps, 1),
                r.m.requests,
                num(r.m.p50, 1),
                num(r.m.p95, 1),
                num(r.m.p99, 1),
                r.m.failed,
                stmts,
                num(r.m.cpu_per_1000, 2),
                num(r.m.rss_mib, 0),
            );
        }
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "Peak resident memory (VmHWM) per server process over its whole run:\n"
        );
        for (name, mib) in &run.peak_mib {
            let _ = writeln!(s, "- {name}: {} MiB", num(*mib, 0));
        }
        let _ = writeln!(s);
        let mut ratios = Vec::new();
        for w in 1..=3u8 {
            let Some(api) = find(run, "API", w, true) else {
                continue;
            };
            for other in ["hand-written SQL", "PostGraphile 5"] {
                if let Some(o) = find(run, other, w, true) {
                    ratios.push(format!(
                        "- {}: API (admin) / {other} = {}× throughput ({} vs {} req/s)",
                        workloads::name(w),
                        num(api.max_rps / o.max_rps, 2),
                        num(api.max_rps, 1),
                        num(o.max_rps, 1)
                    ));
                }
            }
        }
        if let (Some(on), Some(off)) = (
            find(run, "API", 2, true),
            find(run, "API, DataLoaders off", 2, true),
        ) {
            ratios.push(format!(
                "- {}: DataLoaders on / off = {}× throughput ({} vs {} req/s; p50 {} vs {} ms)",
                workloads::name(2),
                num(on.max_rps / off.max_rps, 2),
                num(on.max_rps, 1),
                num(off.max_rps, 1),
                num(on.p50, 1),
                num(off.p50, 1)
            ));
        }
        if !ratios.is_empty() {
            let _ = writeln!(s, "Ratios:\n\n{}\n", ratios.join("\n"));
        }
        let failures: Vec<String> = run
            .rows
            .iter()
            .filter_map(|r| {
                r.m.first_failure.as_ref().map(|f| {
                    format!(
                        "- {} {} ({}): {f}",
                        r.implementation,
                        workloads::name(r.workload),
                        if r.admin { "admin" } else { "anonymous" }
                    )
                })
            })
            .collect();
        if !failures.is_empty() {
            let _ = writeln!(
                s,
                "First failure of each measurement that had one:\n\n{}\n",
                failures.join("\n")
            );
        }
        for n in &run.notes {
            let _ = writeln!(s, "Note: {n}\n");
        }
    }
    s
}
