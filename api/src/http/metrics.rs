//! Counters and histograms served at `GET /metrics` in the Prometheus text
//! format: requests by route, method and status, their latency, GraphQL
//! errors by code, refusals by limit, rate-limit denials, request cost, and
//! the database pool's use (read when scraped).
//!
//! Labels take few values by construction (matched routes, stable codes,
//! limit names), so the series stay bounded.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram buckets.
const LATENCY_BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
/// Upper bounds (points) of the request cost histogram buckets.
const COST_BUCKETS: [f64; 8] = [1.0, 10.0, 100.0, 500.0, 1000.0, 5000.0, 10000.0, 25000.0];

#[derive(Default)]
struct Histogram {
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, bounds: &[f64], value: f64) {
        if self.buckets.is_empty() {
            self.buckets = vec![0; bounds.len()];
        }
        for (i, b) in bounds.iter().enumerate() {
            if value <= *b {
                self.buckets[i] += 1;
            }
        }
        self.sum += value;
        self.count += 1;
    }
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    errors: BTreeMap<String, u64>,
    rejections: BTreeMap<String, u64>,
    denials: BTreeMap<String, u64>,
    cost: Histogram,
}

/// The process's metrics.
#[derive(Default)]
pub struct Metrics(Mutex<Inner>);

impl Metrics {
    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One HTTP request answered.
    pub fn request(&self, route: &str, method: &str, status: u16, latency: Duration) {
        let mut m = self.inner();
        *m.requests
            .entry((route.to_string(), method.to_string(), status))
            .or_default() += 1;
        m.latency
            .entry(route.to_string())
            .or_default()
            .observe(&LATENCY_BUCKETS, latency.as_secs_f64());
    }

    /// One GraphQL error sent, by its `extensions.code`.
    pub fn error(&self, code: &str) {
        *self.inner().errors.entry(code.to_string()).or_default() += 1;
    }

    /// One request refused by a limit (`depth`, `fields`, `cost`, …).
    pub fn rejection(&self, limit: &str) {
        *self
            .inner()
            .rejections
            .entry(limit.to_string())
            .or_default() += 1;
    }

    /// One request denied by a rate limit (`anonymous`, `user`, `api_key`, `login`).
    pub fn denial(&self, kind: &str) {
        *self.inner().denials.entry(kind.to_string()).or_default() += 1;
    }

    /// The cost of one accepted GraphQL request.
    pub fn cost(&self, points: u64) {
        self.inner().cost.observe(&COST_BUCKETS, points as f64);
    }

    /// The Prometheus text exposition, with the pool's gauges appended.
    /// `store_errors` and `apq_store_errors` count what could not reach the
    /// shared store (Redis) for budgets and for persisted queries.
    pub fn render(
        &self,
        pool: Option<(u32, usize, u32)>,
        store_errors: u64,
        apq_store_errors: u64,
    ) -> String {
        let m = self.inner();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP build_info The running build: version and git commit (1 per process).\n# TYPE build_info gauge\nbuild_info{{version=\"{}\",commit=\"{}\"}} 1",
            crate::build_info::VERSION,
            crate::build_info::commit()
        );
        super::process_metrics::render(&mut out);
        out.push_str("# HELP http_requests_total HTTP requests answered.\n# TYPE http_requests_total counter\n");
        for ((route, method, status), n) in &m.requests {
            let _ = writeln!(
                out,
                "http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP http_request_duration_seconds Latency of HTTP requests.\n# TYPE http_request_duration_seconds histogram\n");
        for (route, h) in &m.latency {
            write_histogram(
                &mut out,
                "http_request_duration_seconds",
                &format!("route=\"{route}\","),
                &LATENCY_BUCKETS,
                h,
            );
        }
        out.push_str("# HELP graphql_errors_total GraphQL errors sent, by extensions.code.\n# TYPE graphql_errors_total counter\n");
        for (code, n) in &m.errors {
            let _ = writeln!(out, "graphql_errors_total{{code=\"{code}\"}} {n}");
        }
        out.push_str("# HELP graphql_rejections_total Requests refused by a limit before running.\n# TYPE graphql_rejections_total counter\n");
        for (limit, n) in &m.rejections {
            let _ = writeln!(out, "graphql_rejections_total{{limit=\"{limit}\"}} {n}");
        }
        out.push_str("# HELP rate_limit_denials_total Requests denied by a rate limit.\n# TYPE rate_limit_denials_total counter\n");
        for (kind, n) in &m.denials {
            let _ = writeln!(out, "rate_limit_denials_total{{kind=\"{kind}\"}} {n}");
        }
        out.push_str("# HELP graphql_request_cost Cost points of accepted GraphQL requests.\n# TYPE graphql_request_cost histogram\n");
        write_histogram(&mut out, "graphql_request_cost", "", &COST_BUCKETS, &m.cost);
        let _ = writeln!(
            out,
            "# HELP rate_limit_store_errors_total Spends allowed because the shared store was unreachable.\n# TYPE rate_limit_store_errors_total counter\nrate_limit_store_errors_total {store_errors}"
        );
        let _ = writeln!(
            out,
            "# HELP persisted_query_store_errors_total Persisted-query reads and writes that could not reach the shared store.\n# TYPE persisted_query_store_errors_total counter\npersisted_query_store_errors_total {apq_store_errors}"
        );
        if let Some((size, idle, max)) = pool {
            let _ = writeln!(
                out,
                "# HELP db_pool_connections Open database connections.\n# TYPE db_pool_connections gauge\ndb_pool_connections {size}\n# HELP db_pool_idle_connections Idle database connections.\n# TYPE db_pool_idle_connections gauge\ndb_pool_idle_connections {idle}\n# HELP db_pool_max_connections Largest pool size.\n# TYPE db_pool_max_connections gauge\ndb_pool_max_connections {max}"
            );
        }
        out
    }
}

fn write_histogram(out: &mut String, name: &str, labels: &str, bounds: &[f64], h: &Histogram) {
    for (i, b) in bounds.iter().enumerate() {
        let n = h.buckets.get(i).copied().unwrap_or(0);
        let _ = writeln!(out, "{name}_bucket{{{labels}le=\"{b}\"}} {n}");
    }
    let _ = writeln!(out, "{name}_bucket{{{labels}le=\"+Inf\"}} {}", h.count);
    let labels = labels.trim_end_matches(',');
    let braces = if labels.is_empty() {
        String::new()
    } else {
        format!("{{{labels}}}")
    };
    let _ = writeln!(out, "{name}_sum{braces} {}", h.sum);
    let _ = writeln!(out, "{name}_count{braces} {}", h.count);
}

/// Size, idle connections and maximum of the database pool.
pub fn pool_stats(conn: &sea_orm::DatabaseConnection) -> Option<(u32, usize, u32)> {
    match conn.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => {
            let pool = conn.get_sqlite_connection_pool();
            Some((
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ))
        }
        sea_orm::DatabaseBackend::Postgres => {
            let pool = conn.get_postgres_connection_pool();
            Some((
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            ))
        }
        _ => None,
    }
}
