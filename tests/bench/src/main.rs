//! `bench`: the benchmark harness of issue 12 (never part of the test suite).
//!
//! `cargo run --release -p bench -- run` builds the API in release mode,
//! and for each engine: creates a fresh database, loads `api seed synthetic`
//! at `--scale`, creates an admin, starts `api serve` as its own process and
//! drives workloads 1–5 (see [`workloads`]) as admin and anonymous reader
//! with the load generator in [`load`]; counts SQL statements per request on
//! an in-process server over the same database; on PostgreSQL also runs the
//! hand-written SQL ([`raw`]), the API with DataLoaders off, and PostGraphile
//! 5 when it is installed (`tests/bench/peer/`). Results go to a Markdown
//! file (`docs/bench-results.md`).

mod load;
mod peer;
mod profile;
mod raw;
mod report;
mod workloads;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use load::Target;
use report::{Measured, Run};
use workloads::Inputs;

#[derive(Parser)]
#[command(name = "bench", about = "Benchmarks of the API (issue 12)")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the whole benchmark and write the results file.
    Run(RunArgs),
    /// Serve the hand-written SQL workloads (started by `run`).
    RawServer {
        /// PostgreSQL URL.
        #[arg(long)]
        database_url: String,
        /// Port on 127.0.0.1.
        #[arg(long)]
        port: u16,
    },
}

#[derive(clap::Args, Clone)]
struct RunArgs {
    /// Data scale (`api seed synthetic --scale`): 1.0 is 50,000 events and 1,000,000 cells.
    #[arg(long, default_value_t = 0.2)]
    scale: f64,
    /// Engines, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "postgres,sqlite")]
    engines: Vec<String>,
    /// Workloads, comma-separated (1–5).
    #[arg(long, value_delimiter = ',', default_value = "1,2,3,4,5")]
    workloads: Vec<u8>,
    /// Concurrent clients of the throughput phase.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Seconds of each measured phase (maximum throughput, then latency at half of it).
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Seconds of warm-up before each measurement.
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Results file (Markdown).
    #[arg(long, default_value = "docs/bench-results.md")]
    out: PathBuf,
    /// PostgreSQL server (a database is created and dropped on it).
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432")]
    postgres: String,
    /// The `api` binary; default: built with `cargo build --release -p api`.
    #[arg(long)]
    api_bin: Option<PathBuf>,
    /// Leave out PostGraphile even when it is installed.
    #[arg(long)]
    no_peer: bool,
    /// Also record a flame graph of the API during each workload (as admin)
    /// into this folder, `<engine>-w<N>.svg` (needs `perf` and `cargo install
    /// inferno`; the numbers of such a run carry perf's overhead).
    #[arg(long)]
    flamegraphs: Option<PathBuf>,
    /// First of the ports used (API, hand-written SQL, PostGraphile).
    #[arg(long, default_value_t = 18480)]
    port: u16,
}

const ADMIN_EMAIL: &str = "bench-admin@example.org";
const ADMIN_PASSWORD: &str = "bench-admin-password-2026";
const JWT_SECRET: &str = "bench-only-secret-0123456789-abcdefghijklmnop";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Cmd::Run(args) => run(args).await,
        Cmd::RawServer { database_url, port } => raw::serve(&database_url, port).await,
    }
}

/// A server process started by the harness; killed when dropped.
struct Server {
    child: Child,
    name: String,
}

impl Server {
    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        eprintln!("stopped {}", self.name);
    }
}

/// Waits until `url` answers HTTP at all.
async fn wait_for(url: &str, what: &str, seconds: u64) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < deadline {
        if client.get(url).send().await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    anyhow::bail!("{what} did not answer at {url} within {seconds} s")
}

fn api_command(api: &Path, url: &str) -> Command {
    let mut c = Command::new(api);
    c.env("DATABASE_URL", url)
        .env("JWT_SECRET", JWT_SECRET)
        .env("JWT_TTL_SECS", "7200")
        .env("RUST_LOG", "warn")
        .env("LOGIN_ATTEMPTS_PER_MINUTE", "1000")
        // The load generator is one client address: its budget would be
        // spent in seconds (workload 3 anonymous hit 429 at 70 req/s).
        .env("RATE_LIMIT_ANONYMOUS", "1000000000")
        .env("RATE_LIMIT_USER", "1000000000");
    c
}

async fn start_api(
    api: &Path,
    url: &str,
    port: u16,
    env: &[(&str, &str)],
) -> anyhow::Result<Server> {
    let mut c = api_command(api, url);
    c.args(["serve", "--port", &port.to_string()])
        .stdout(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    let child = c.spawn().context("start api serve")?;
    let server = Server {
        child,
        name: format!("api serve :{port}"),
    };
    wait_for(&format!("http://127.0.0.1:{port}/health"), "the API", 60).await?;
    Ok(server)
}

fn build_api() -> anyhow::Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("building the API: cargo build --release -p api");
    let status = Command::new(cargo)
        .args(["build", "--release", "-p", "api"])
        .status()
        .context("cargo build")?;
    anyhow::ensure!(status.success(), "cargo build --release -p api failed");
    let exe = std::env::current_exe()?;
    let dir = exe.parent().context("bench binary directory")?;
    Ok(dir.join("api"))
}

async fn run(args: RunArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let api = match &args.api_bin {
        Some(p) => p.clone(),
        None => build_api()?,
    };
    let mut runs = Vec::new();
    for engine in &args.engines {
        let run = run_engine(&args, &api, engine)
            .await
            .with_context(|| format!("engine {engine}"))?;
        runs.push(run);
    }
    let text = report::markdown(&runs, &args_line(&args), started.elapsed());
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, &text)?;
    println!("{text}");
    eprintln!(
        "wrote {} in {:.0} s",
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn args_line(args: &RunArgs) -> String {
    format!(
        "cargo run --release -p bench -- run --scale {} --engines {} --clients {} --seconds {} --warmup {}",
        args.scale,
        args.engines.join(","),
        args.clients,
        args.seconds,
        args.warmup
    )
}

/// A fresh database on `engine`; dropped again by [`drop_database`].
async fn create_database(args: &RunArgs, engine: &str) -> anyhow::Result<(String, String)> {
    let name = format!("bench_{}", std::process::id());
    match engine {
        "postgres" => {
            let admin = sea_orm::Database::connect(format!("{}/postgres", args.postgres)).await?;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await?;
            Ok((format!("{}/{name}", args.postgres), name))
        }
        "sqlite" => {
            let dir = std::env::temp_dir().join(&name);
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir)?;
            Ok((format!("sqlite://{}/bench.db", dir.display()), name))
        }
        other => anyhow::bail!("unknown engine {other} (postgres or sqlite)"),
    }
}

async fn drop_database(args: &RunArgs, engine: &str, name: &str) {
    match engine {
        "postgres" => {
            if let Ok(admin) =
                sea_orm::Database::connect(format!("{}/postgres", args.postgres)).await
            {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            }
        }
        _ => {
            let _ = std::fs::remove_dir_all(std::env::temp_dir().join(name));
        }
    }
}

async fn run_engine(args: &RunArgs, api: &Path, engine: &str) -> anyhow::Result<Run> {
    let (url, name) = create_database(args, engine).await?;
    let result = measure_engine(args, api, engine, &url).await;
    drop_database(args, engine, &name).await;
    result
}

async fn measure_engine(
    args: &RunArgs,
    api: &Path,
    engine: &str,
    url: &str,
) -> anyhow::Result<Run> {
    eprintln!("== {engine}: api seed synthetic --scale {}", args.scale);
    let out = api_command(api, url)
        .args(["seed", "synthetic", "--scale", &args.scale.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .context("api seed synthetic")?;
    anyhow::ensure!(out.status.success(), "api seed synthetic failed");
    let seed_line = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    eprintln!("{seed_line}");
    let mut user = api_command(api, url)
        .args([
            "user",
            "create",
            "--email",
            ADMIN_EMAIL,
            "--name",
            "Bench admin",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    {
        use std::io::Write as _;
        let mut stdin = user.stdin.take().context("stdin")?;
        writeln!(stdin, "{ADMIN_PASSWORD}")?;
    }
    anyhow::ensure!(user.wait()?.success(), "api user create failed");

    let db = api::db::connect(url, 2).await?;
    let inputs = inputs(&db.conn).await?;
    let mut run = Run {
        engine: engine.to_string(),
        seed_line,
        ..Run::default()
    };
    run.statements = count_statements(url, &inputs, &args.workloads, true).await?;
    if args.workloads.contains(&2) {
        let off = count_statements(url, &inputs, &[2], false).await?;
        run.statements.extend(off);
    }

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(60))
        .build()?;
    let port = args.port;
    let base = format!("http://127.0.0.1:{port}/graphql");
    if let (Some(_), Some(why)) = (&args.flamegraphs, profile::missing()) {
        run.notes.push(format!("no flame graphs: {why}"));
    }
    {
        let server = start_api(api, url, port, &[]).await?;
        let token = login(&client, &base).await?;
        for &w in &args.workloads {
            for admin in [true, false] {
                if !admin && w >= 4 {
                    continue; // anonymous readers do not write
                }
                let target = Target {
                    url: base.clone(),
                    headers: auth(admin, &token),
                    body: workloads::body(w, &inputs),
                };
                let recording = match &args.flamegraphs {
                    Some(dir) if admin && profile::missing().is_none() => {
                        let title = format!("{} on {engine}, admin", workloads::name(w));
                        let name = format!("{engine}-w{w}");
                        Some(profile::Recording::start(server.pid(), dir, &name, &title)?)
                    }
                    _ => None,
                };
                let m = measure(args, &client, &target, &[server.pid()]).await;
                if let Some(r) = recording {
                    run.notes.push(match r.finish() {
                        Ok(svg) => format!("flame graph of workload {w}: `{}`", svg.display()),
                        Err(e) => format!("flame graph of workload {w} failed: {e:#}"),
                    });
                }
                run.rows.push(row("API", w, admin, m));
                if w >= 4 {
                    reset(&db.conn).await?;
                }
            }
        }
        run.peak_mib
            .push(("API".into(), load::memory_mib(server.pid(), "VmHWM")));
    }
    if engine == "postgres" && args.workloads.contains(&2) {
        let server = start_api(api, url, port, &[("API_DATALOADERS", "off")]).await?;
        let token = login(&client, &base).await?;
        let target = Target {
            url: base.clone(),
            headers: auth(true, &token),
            body: workloads::body(2, &inputs),
        };
        let m = measure(args, &client, &target, &[server.pid()]).await;
        run.rows.push(row("API, DataLoaders off", 2, true, m));
        run.peak_mib.push((
            "API, DataLoaders off".into(),
            load::memory_mib(server.pid(), "VmHWM"),
        ));
    }
    if engine == "postgres" {
        let raw_port = port + 1;
        let child = Command::new(std::env::current_exe()?)
            .args([
                "raw-server",
                "--database-url",
                url,
                "--port",
                &raw_port.to_string(),
            ])
            .stdout(Stdio::null())
            .spawn()?;
        let server = Server {
            child,
            name: "raw SQL server".into(),
        };
        wait_for(
            &format!("http://127.0.0.1:{raw_port}/"),
            "the raw SQL server",
            30,
        )
        .await?;
        for &w in args.workloads.iter().filter(|w| **w <= 4) {
            let target = Target {
                url: format!("http://127.0.0.1:{raw_port}/w{w}"),
                headers: Vec::new(),
                body: workloads::body(w, &inputs),
            };
            let m = measure(args, &client, &target, &[server.pid()]).await;
            run.rows.push(row("hand-written SQL", w, true, m));
            if w >= 4 {
                reset(&db.conn).await?;
            }
        }
        run.peak_mib.push((
            "hand-written SQL".into(),
            load::memory_mib(server.pid(), "VmHWM"),
        ));
    }
    if engine == "postgres" && !args.no_peer {
        match peer::start(url, port + 2).await {
            Ok(Some(server)) => {
                for &w in args.workloads.iter().filter(|w| **w <= 3) {
                    let target = Target {
                        url: format!("http://127.0.0.1:{}/graphql", port + 2),
                        headers: Vec::new(),
                        body: peer::body(w, &inputs),
                    };
                    let pids = load::tree(server.pid());
                    let m = measure(args, &client, &target, &pids).await;
                    run.rows.push(row("PostGraphile 5", w, true, m));
                }
                let peak: f64 = load::tree(server.pid())
                    .iter()
                    .map(|p| load::memory_mib(*p, "VmHWM"))
                    .filter(|m| m.is_finite())
                    .sum();
                run.peak_mib.push(("PostGraphile 5".into(), peak));
            }
            Ok(None) => run.notes.push(
                "PostGraphile 5 not installed (`npm --prefix tests/bench/peer install --legacy-peer-deps`): left out".into(),
            ),
            Err(e) => run.notes.push(format!("PostGraphile 5 did not start: {e:#}")),
        }
    }
    Ok(run)
}

/// Removes the events the write workloads added (their cells and areas go
/// with them), vacuums and refreshes the planner's statistics (autovacuum
/// is off on these machines), so every workload and every implementation after a
/// write workload reads the data the first one read: without it, 5,000
/// events entered into the donor's programme made workload 5's overviews,
/// and every later implementation's, read six times the cells.
async fn reset(db: &sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    let backend = db.get_database_backend();
    let added = "SELECT id FROM events WHERE title_en LIKE 'Load test %'";
    // Without autovacuum the deleted rows would stay in PostgreSQL's heap and
    // indexes as dead tuples, for every later scan to skip.
    let analyze = match backend {
        sea_orm::DatabaseBackend::Postgres => "VACUUM ANALYZE",
        _ => "ANALYZE",
    };
    for sql in [
        format!("DELETE FROM event_summaries WHERE event_id IN ({added})"),
        format!("DELETE FROM events WHERE id IN ({added})"),
        analyze.to_string(),
    ] {
        db.execute_raw(Statement::from_string(backend, sql)).await?;
    }
    Ok(())
}

fn auth(admin: bool, token: &str) -> Vec<(String, String)> {
    if admin {
        vec![("authorization".into(), format!("Bearer {token}"))]
    } else {
        Vec::new()
    }
}

fn row(implementation: &str, workload: u8, admin: bool, m: Measured) -> report::Row {
    eprintln!(
        "{implementation:<22} {:<26} {:<5} {:>8.1} req/s  p50 {:>7.1} ms  p99 {:>7.1} ms  failed {}{}",
        workloads::name(workload),
        if admin { "admin" } else { "anon" },
        m.max_rps,
        m.p50,
        m.p99,
        m.failed,
        m.first_failure
            .as_deref()
            .map(|f| format!(" ({f})"))
            .unwrap_or_default()
    );
    report::Row {
        implementation: implementation.to_string(),
        workload,
        admin,
        m,
    }
}

async fn login(client: &reqwest::Client, base: &str) -> anyhow::Result<String> {
    let target = Target {
        url: base.to_string(),
        headers: Vec::new(),
        body: Arc::new(|_| {
            workloads::gql(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token userErrors { code } } }",
                json!({ "e": ADMIN_EMAIL, "p": ADMIN_PASSWORD }),
            )
        }),
    };
    let body = load::send(client, &target, 0)
        .await
        .map_err(|e| anyhow::anyhow!("login: {e}"))?;
    body["data"]["login"]["token"]
        .as_str()
        .map(str::to_string)
        .context("login gave no token")
}

/// Warm-up, maximum throughput with `clients` clients, then latency at half of it.
async fn measure(
    args: &RunArgs,
    client: &reqwest::Client,
    target: &Target,
    pids: &[u32],
) -> Measured {
    let counter = Arc::new(AtomicU64::new(0));
    let secs = Duration::from_secs_f64(args.seconds);
    let _ = load::closed_loop(
        client,
        target,
        args.clients,
        Duration::from_secs_f64(args.warmup),
        &counter,
    )
    .await;
    let cpu = |pids: &[u32]| pids.iter().map(|p| load::cpu_seconds(*p)).sum::<f64>();
    let before = cpu(pids);
    let max = load::closed_loop(client, target, args.clients, secs, &counter).await;
    let used = cpu(pids) - before;
    let rate = max.throughput() / 2.0;
    let latency = if max.ok > 0 {
        load::open_loop(client, target, rate, secs, &counter).await
    } else {
        load::Phase::default()
    };
    Measured {
        max_rps: max.throughput(),
        p50: latency.quantile_ms(0.50),
        p95: latency.quantile_ms(0.95),
        p99: latency.quantile_ms(0.99),
        failed: max.failed + latency.failed,
        requests: max.ok,
        cpu_per_1000: if max.ok > 0 {
            used / max.ok as f64 * 1000.0
        } else {
            f64::NAN
        },
        rss_mib: pids
            .iter()
            .map(|p| load::memory_mib(*p, "VmRSS"))
            .filter(|m| m.is_finite())
            .sum(),
        first_failure: max.first_failure.or(latency.first_failure),
    }
}

/// What the documents need, read straight from the loaded data.
async fn inputs(db: &sea_orm::DatabaseConnection) -> anyhow::Result<Inputs> {
    let backend = db.get_database_backend();
    let one = |sql: &str| Statement::from_string(backend, sql.to_string());
    let row = db
        .query_one_raw(one(
            "SELECT pp.organisation_id FROM project_participants pp JOIN projects p ON p.id = pp.project_id \
             WHERE pp.role = 'funding' AND p.is_public GROUP BY pp.organisation_id \
             ORDER BY COUNT(*) DESC, pp.organisation_id LIMIT 1",
        ))
        .await?
        .context("no funder")?;
    let donor: i32 = row.try_get_by_index(0)?;
    let row = db
        .query_one_raw(one(&format!(
            "SELECT p.id, p.slug, CAST(p.planned_start AS TEXT) FROM projects p \
             JOIN project_participants pp ON pp.project_id = p.id \
             WHERE pp.organisation_id = {donor} AND pp.role = 'funding' AND p.is_public \
             ORDER BY (SELECT COUNT(*) FROM events e WHERE e.project_id = p.id) DESC, p.id LIMIT 1"
        )))
        .await?
        .context("no project")?;
    let project: i32 = row.try_get_by_index(0)?;
    let slug: String = row.try_get_by_index(1)?;
    let start: String = row.try_get_by_index(2)?;
    let start = chrono::NaiveDate::parse_from_str(&start[..10], "%Y-%m-%d")?;
    Ok(Inputs {
        donor: global_id("Organisation", donor),
        slug,
        entry_project: global_id("Project", project),
        entry_date: (start + chrono::Days::new(30)).to_string(),
        run: format!("{}-{}", std::process::id(), chrono::Utc::now().timestamp()),
    })
}

fn global_id(type_name: &str, id: i32) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

/// SQL statements per request of each workload, as admin and anonymous, on
/// an in-process server over the same database (its statement counter),
/// with the DataLoaders on or off.
async fn count_statements(
    url: &str,
    inputs: &Inputs,
    workloads: &[u8],
    dataloaders: bool,
) -> anyhow::Result<Vec<(String, u8, bool, u64)>> {
    let implementation = if dataloaders {
        "API"
    } else {
        "API, DataLoaders off"
    };
    let mut config = api::Config::for_database(url);
    config.dataloaders = dataloaders;
    config.jwt_secret = JWT_SECRET.into();
    config.jwt_ttl_secs = 7200;
    config.login_attempts_per_minute = 1000;
    let db = api::db::connect(url, config.max_connections).await?;
    let router = api::build_router(db.clone(), &config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/graphql", listener.local_addr()?);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(api::serve(listener, router, async {
        let _ = rx.await;
    }));
    let client = reqwest::Client::new();
    let token = login(&client, &base).await?;
    let mut out = Vec::new();
    for &w in workloads.iter().filter(|w| **w <= 4) {
        for admin in [true, false] {
            if !admin && w == 4 {
                continue;
            }
            let target = Target {
                url: base.clone(),
                headers: auth(admin, &token),
                body: workloads::body(w, inputs),
            };
            // Once to warm caches, then counted.
            let _ = load::send(&client, &target, 1_000_000).await;
            let before = db.statements.get();
            let r = load::send(&client, &target, 1_000_001).await;
            let used = db.statements.get() - before;
            if let Err(e) = r {
                eprintln!("statement count of workload {w}: {e}");
            }
            out.push((implementation.to_string(), w, admin, used));
        }
    }
    let _ = tx.send(());
    Ok(out)
}
