//! Benchmark of the disclosure path at scale (issue 10): anonymous against
//! admin latency of grouped statistics and of a 50-event page, in one run on
//! the same server, with the withheld shares by class and grouping.
//!
//! `cargo bench -p tests --bench disclosure` loads `api seed synthetic` at
//! `SCALE` (default 1.0: 50,000 events, 1,000,000 attendance cells, 200,000
//! service counts) into a PostgreSQL database kept between runs
//! (`disclosure_bench_<scale>`; drop it by hand), or uses `BENCH_DATABASE_URL`
//! (also `sqlite://…`). Prints a Markdown report. Not a test: no assertion
//! on time.

use std::time::{Duration, Instant};

use api::config::Config;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};

const ROUNDS: usize = 15;

struct Server {
    base: String,
    client: reqwest::Client,
}

impl Server {
    async fn post(&self, token: Option<&str>, query: &str, variables: &Value) -> Value {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let v: Value = req
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("json");
        assert!(v.get("errors").is_none(), "errors: {v}");
        v
    }
}

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

async fn database_url(scale: f64) -> String {
    if let Ok(url) = std::env::var("BENCH_DATABASE_URL") {
        return url;
    }
    let admin = tests::postgres_admin_url();
    let name = format!("disclosure_bench_{}", scale.to_string().replace('.', "_"));
    let conn = Database::connect(format!("{admin}/postgres"))
        .await
        .expect("PostgreSQL");
    let exists = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .expect("pg_database")
        .is_some();
    if !exists {
        conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
    }
    format!("{admin}/{name}")
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn time(server: &Server, token: Option<&str>, q: &str, vars: &Value) -> (Duration, Value) {
    for _ in 0..2 {
        server.post(token, q, vars).await;
    }
    let mut times = Vec::new();
    let mut last = Value::Null;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        last = server.post(token, q, vars).await;
        times.push(t.elapsed());
    }
    (median(times), last)
}

fn threshold(class: &str) -> i64 {
    match class {
        "SENSITIVE" => 10,
        "ORDINARY" => 5,
        _ => 0,
    }
}

/// Withheld shares of a statistics table: all rows, and rows whose true
/// value (the admin's) is at least ten times their class threshold.
fn shares(anon: &Value, admin: &Value) -> String {
    let key = |r: &Value| r["dimensions"].to_string() + r["unit"].as_str().unwrap_or("");
    let truth: std::collections::HashMap<String, i64> = admin["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (key(r), r["value"].as_i64().unwrap_or(0)))
        .collect();
    let rows = anon["rows"].as_array().unwrap();
    // The cost in utility: how far published figures lie from the truth.
    let mut relative: Vec<f64> = Vec::new();
    for r in rows {
        if let (Some(v), Some(t)) = (r["value"].as_i64(), truth.get(&key(r)))
            && *t >= 50
        {
            relative.push((v - t).abs() as f64 / *t as f64);
        }
    }
    relative.sort_by(|a, b| a.total_cmp(b));
    let median_relative = relative.get(relative.len() / 2).copied().unwrap_or(0.0);
    let mut by_class: std::collections::BTreeMap<String, (usize, usize, usize, usize)> =
        Default::default();
    for r in rows {
        let class = r["class"].as_str().unwrap_or("?").to_string();
        let e = by_class.entry(class.clone()).or_default();
        let withheld = r["suppressed"] == true;
        e.0 += 1;
        e.1 += usize::from(withheld);
        if truth.get(&key(r)).copied().unwrap_or(0) >= 10 * threshold(&class).max(1) {
            e.2 += 1;
            e.3 += usize::from(withheld);
        }
    }
    let all: usize = by_class.values().map(|v| v.0).sum();
    let withheld: usize = by_class.values().map(|v| v.1).sum();
    let mut out = format!(
        "{withheld} of {all} rows withheld ({:.1}%)",
        100.0 * withheld as f64 / all.max(1) as f64
    );
    for (class, (n, w, big, big_w)) in by_class {
        out.push_str(&format!(
            "; {class}: {w}/{n} withheld, {big_w}/{big} of those ≥ 10×threshold"
        ));
    }
    // The admin's truth includes private projects (every tenth), which the
    // anonymous reader does not see: the error is at most this.
    let p90 = relative
        .get(relative.len() * 9 / 10)
        .copied()
        .unwrap_or(0.0);
    out.push_str(&format!(
        "; published rows of 50 or more off by {:.2}% (median), {:.2}% (90th percentile) against the admin's figures",
        100.0 * median_relative,
        100.0 * p90
    ));
    out
}

#[tokio::main]
async fn main() {
    let scale: f64 = std::env::var("SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let url = database_url(scale).await;
    let mut config = Config::for_database(&url);
    config.jwt_secret = tests::accounts::TEST_JWT_SECRET.into();
    let db = api::prepare(&config, true).await.expect("prepare");
    let events: i64 = {
        let row = db
            .conn
            .query_one_raw(Statement::from_string(
                db.conn.get_database_backend(),
                "SELECT COUNT(*) FROM events",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index(0).unwrap()
    };
    if events == 0 {
        let t = Instant::now();
        let report = api::seed::seed_synthetic(
            &db.conn,
            api::seed::SyntheticOptions { scale, seed: 2026 },
            &|_, _, _| {},
        )
        .await
        .expect("synthetic load");
        eprintln!("loaded {report:?} in {:.0?}", t.elapsed());
    }
    let email = "bench-admin@example.org";
    if api::cli::create_user(
        &db.conn,
        email.into(),
        "Bench admin".into(),
        "bench password 2026".into(),
        entities::codes::UserRole::Admin,
        None,
        Vec::new(),
    )
    .await
    .is_err()
    {
        eprintln!("(bench admin already exists)");
    }
    // Measure the server from here on.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let router = api::build_router(db.clone(), &config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(api::serve(listener, router, std::future::pending()));
    let server = Server {
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
    };
    let login = server
        .post(
            None,
            "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
            &json!({ "e": email, "p": "bench password 2026" }),
        )
        .await;
    let token = login["data"]["login"]["token"]
        .as_str()
        .unwrap()
        .to_string();

    let counts: Vec<i64> = {
        let mut v = Vec::new();
        for t in ["events", "attendance", "service_counts"] {
            let row = db
                .conn
                .query_one_raw(Statement::from_string(
                    db.conn.get_database_backend(),
                    format!("SELECT COUNT(*) FROM {t}"),
                ))
                .await
                .unwrap()
                .unwrap();
            v.push(row.try_get_by_index(0).unwrap());
        }
        v
    };
    println!(
        "# Disclosure benchmark\n\n{:?}, scale {scale}: {} events, {} attendance cells, {} service counts; \
         median of {ROUNDS} sequential requests after 2 warm-up, same server, same run.\n",
        db.conn.get_database_backend(),
        counts[0],
        counts[1],
        counts[2]
    );
    println!("| query | anonymous | admin | ratio | withheld (anonymous) |\n|---|---|---|---|---|");
    let stats = |kind: &str, by: &str| {
        format!(
            "{{ t: {kind}(groupBy: [{by}]) {{ rows {{ dimensions {{ code }} unit value suppressed class protection }} }} }}"
        )
    };
    let cases = [
        (
            "participantStats DISTRICT × MONTH",
            stats("participantStats", "DISTRICT, MONTH"),
        ),
        (
            "participantStats SEX × AGE_BAND × CATEGORY",
            stats("participantStats", "SEX, AGE_BAND, CATEGORY"),
        ),
        (
            "participantStats PROJECT × YEAR × SEX",
            stats("participantStats", "PROJECT, YEAR, SEX"),
        ),
        (
            "serviceStats DISTRICT × SUPPORT_TYPE × STAGE",
            stats("serviceStats", "DISTRICT, SUPPORT_TYPE, STAGE"),
        ),
    ];
    for (name, q) in &cases {
        let (anon, a) = time(&server, None, q, &json!({})).await;
        let (admin, b) = time(&server, Some(&token), q, &json!({})).await;
        println!(
            "| {name} | {:.1} ms | {:.1} ms | {:.2} | {} |",
            anon.as_secs_f64() * 1e3,
            admin.as_secs_f64() * 1e3,
            anon.as_secs_f64() / admin.as_secs_f64(),
            shares(&a["data"]["t"], &b["data"]["t"])
        );
    }
    let page = "{ events(first: 50) { edges { node { title centre { name } attendance {
        cells { sex ageBand category count suppressed protection class } total { value suppressed protection class } } } } } }";
    let (anon, a) = time(&server, None, page, &json!({})).await;
    let (admin, _) = time(&server, Some(&token), page, &json!({})).await;
    let totals: Vec<&Value> = a["data"]["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            e["node"]["attendance"]["total"]
                .as_object()
                .map(|_| &e["node"]["attendance"]["total"])
        })
        .collect();
    let withheld = totals.iter().filter(|t| t["suppressed"] == true).count();
    println!(
        "| 50 events with attendance | {:.1} ms | {:.1} ms | {:.2} | {withheld} of {} event totals withheld |",
        anon.as_secs_f64() * 1e3,
        admin.as_secs_f64() * 1e3,
        anon.as_secs_f64() / admin.as_secs_f64(),
        totals.len()
    );
    println!(
        "\nProcess (server and client) resident memory: {} MiB now, peak {} MiB since the server started.",
        rss_kib("VmRSS:") / 1024,
        rss_kib("VmHWM:") / 1024
    );
}
