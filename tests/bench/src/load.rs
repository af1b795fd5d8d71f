//! The load generator: a fixed number of clients sending as fast as they
//! can (maximum throughput), then a fixed rate (latency at half of it,
//! measured from each request's scheduled start, so a slow server cannot
//! hide its queue). Every response is checked: a non-200 status, a body that
//! is not JSON, `errors`, a null `data` or a non-empty `userErrors` is a failure.
//!
//! Server cost comes from `/proc/<pid>`: CPU seconds (user + system) and the
//! peak resident set (`VmHWM`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Builds the body of request number `n` (bodies may differ, e.g. idempotency keys).
pub type Body = Arc<dyn Fn(u64) -> Value + Send + Sync>;

/// One kind of request.
#[derive(Clone)]
pub struct Target {
    /// Full URL.
    pub url: String,
    /// Extra headers (authorization).
    pub headers: Vec<(String, String)>,
    /// Body of request `n`.
    pub body: Body,
}

/// What a phase measured.
#[derive(Debug, Clone, Default)]
pub struct Phase {
    /// Successful responses.
    pub ok: u64,
    /// Failed ones (see the module documentation).
    pub failed: u64,
    /// Wall time of the phase.
    pub elapsed: Duration,
    /// Latencies of the successful responses, sorted.
    pub latencies: Vec<Duration>,
    /// The first failure, for the report.
    pub first_failure: Option<String>,
}

impl Phase {
    /// Successful responses per second.
    pub fn throughput(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `q` quantile of the latencies, in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
        self.latencies[i].as_secs_f64() * 1000.0
    }
}

/// Sends one request and checks the answer; `Err` carries why it failed.
pub async fn send(client: &reqwest::Client, target: &Target, n: u64) -> Result<Value, String> {
    let mut req = client.post(&target.url).json(&(target.body)(n));
    for (k, v) in &target.headers {
        req = req.header(k, v);
    }
    let resp = req.send().await.map_err(|e| format!("request: {e}"))?;
    let status = resp.status();
    let body: Value = resp
        .json()
        .await
        .map_err(|e| format!("HTTP {status}: body is not JSON: {e}"))?;
    if !status.is_success() {
        return Err(format!("HTTP {status}: {}", short(&body)));
    }
    check(&body)?;
    Ok(body)
}

fn short(v: &Value) -> String {
    let mut s = v.to_string();
    s.truncate(300);
    s
}

/// A GraphQL answer is good when it has no `errors`, has `data`, and no
/// payload in it reports `userErrors`.
pub fn check(body: &Value) -> Result<(), String> {
    if body.get("errors").is_some() {
        return Err(format!("errors: {}", short(&body["errors"])));
    }
    let data = body
        .get("data")
        .filter(|d| !d.is_null())
        .ok_or_else(|| format!("no data: {}", short(body)))?;
    if let Some(fields) = data.as_object() {
        for (name, value) in fields {
            if let Some(errors) = value.get("userErrors").and_then(Value::as_array)
                && !errors.is_empty()
            {
                return Err(format!(
                    "{name}.userErrors: {}",
                    short(&Value::from(errors.clone()))
                ));
            }
        }
    }
    Ok(())
}

/// `clients` clients sending back to back for `duration`.
pub async fn closed_loop(
    client: &reqwest::Client,
    target: &Target,
    clients: usize,
    duration: Duration,
    counter: &Arc<AtomicU64>,
) -> Phase {
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let client = client.clone();
        let target = target.clone();
        let counter = counter.clone();
        tasks.push(tokio::spawn(async move {
            let mut phase = Phase::default();
            while Instant::now() < deadline {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                match send(&client, &target, n).await {
                    Ok(_) => {
                        phase.ok += 1;
                        phase.latencies.push(t.elapsed());
                    }
                    Err(e) => {
                        phase.failed += 1;
                        phase.first_failure.get_or_insert(e);
                    }
                }
            }
            phase
        }));
    }
    let mut all = Phase::default();
    for t in tasks {
        let p = t.await.expect("client task");
        merge(&mut all, p);
    }
    all.elapsed = start.elapsed();
    all.latencies.sort_unstable();
    all
}

/// Requests started at a fixed `rate` per second for `duration` (at most
/// 256 in flight); latency counts from the scheduled start.
pub async fn open_loop(
    client: &reqwest::Client,
    target: &Target,
    rate: f64,
    duration: Duration,
    counter: &Arc<AtomicU64>,
) -> Phase {
    let start = Instant::now();
    let total = (rate * duration.as_secs_f64()).floor().max(1.0) as u64;
    let gap = Duration::from_secs_f64(1.0 / rate.max(1e-3));
    let limit = Arc::new(tokio::sync::Semaphore::new(256));
    let mut tasks = Vec::with_capacity(total as usize);
    for i in 0..total {
        let scheduled = start + gap.mul_f64(i as f64);
        tokio::time::sleep_until(scheduled.into()).await;
        let permit = limit.clone().acquire_owned().await.expect("semaphore");
        let client = client.clone();
        let target = target.clone();
        let n = counter.fetch_add(1, Ordering::Relaxed);
        tasks.push(tokio::spawn(async move {
            let r = send(&client, &target, n).await;
            drop(permit);
            (r.map(|_| ()), scheduled.elapsed())
        }));
    }
    let mut phase = Phase::default();
    for t in tasks {
        match t.await.expect("request task") {
            (Ok(()), latency) => {
                phase.ok += 1;
                phase.latencies.push(latency);
            }
            (Err(e), _) => {
                phase.failed += 1;
                phase.first_failure.get_or_insert(e);
            }
        }
    }
    phase.elapsed = start.elapsed();
    phase.latencies.sort_unstable();
    phase
}

fn merge(all: &mut Phase, p: Phase) {
    all.ok += p.ok;
    all.failed += p.failed;
    all.latencies.extend(p.latencies);
    if all.first_failure.is_none() {
        all.first_failure = p.first_failure;
    }
}

/// CPU seconds (user + system) a process has used so far.
pub fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return f64::NAN;
    };
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line: 12 and 13 after the name.
    // USER_HZ is 100 on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// A `/proc/<pid>/status` field in kB (e.g. `VmHWM`, `VmRSS`), as MiB.
pub fn memory_mib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// CPU seconds of a process and all its descendants that are alive
/// (PostGraphile runs as `node` under `npx`).
pub fn tree(pid: u32) -> Vec<u32> {
    let mut out = vec![pid];
    let mut i = 0;
    while i < out.len() {
        let p = out[i];
        if let Ok(children) = std::fs::read_to_string(format!("/proc/{p}/task/{p}/children")) {
            out.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
        i += 1;
    }
    out
}
