//! Test harness: [`TestApp`] starts the real server (the same router `api
//! serve` runs) on 127.0.0.1:0 against a fresh database and talks HTTP to it.
//!
//! Every storage test runs on both engines through [`engine_tests!`]:
//! SQLite in a temporary file, and PostgreSQL in a uniquely named database on
//! 127.0.0.1:5432 that is dropped afterwards. Each database is a copy of a
//! template built once per run ([`templates`]). Outside CI a PostgreSQL test
//! prints `SKIPPED` and passes when no server answers; with `CI=true` it fails.
//! `TEST_LOG=1` shows the server's logs in a failing test's output.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use api::Config;
use api::db::Db;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

pub mod accounts;
pub mod fixtures;
pub mod templates;

pub use templates::Contents;

/// Database engine a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite in a temporary file.
    Sqlite,
    /// PostgreSQL on 127.0.0.1:5432.
    Postgres,
}

/// Server URL of the PostgreSQL used by tests (`TEST_POSTGRES_URL` overrides).
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

/// True under CI (`CI=true`), where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Whether the command-line tool `program` can be run (`program --version`
/// succeeds). A test that needs a tool outside Rust (python3 with a module,
/// `docker-compose`, `pg_dump`) skips without it, printing `SKIPPED` and the
/// way to install it, except under CI, where `.ci/run` installs it and it
/// must be there.
pub fn tool_or_skip(program: &str, args: &[&str], install: &str) -> bool {
    let ok = std::process::Command::new(program)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            !in_ci(),
            "`{program} {}` must run under CI (.ci/run installs it: {install})",
            args.join(" ")
        );
        eprintln!(
            "SKIPPED: `{program} {}` fails here; install it with: {install}",
            args.join(" ")
        );
    }
    ok
}

/// The Redis the tests share state through (`redis://127.0.0.1:6379`).
pub const TEST_REDIS_URL: &str = "redis://127.0.0.1:6379";

/// Whether Redis answers on 127.0.0.1:6379. A test that needs it skips
/// without it, except under CI, where it must be there (`.ci/run` starts it).
pub fn redis_or_skip() -> bool {
    let up = std::net::TcpStream::connect_timeout(
        &"127.0.0.1:6379".parse().expect("address"),
        std::time::Duration::from_secs(1),
    )
    .is_ok();
    if !up {
        assert!(!in_ci(), "Redis is expected on 127.0.0.1:6379 under CI");
        eprintln!("SKIPPED: no Redis on 127.0.0.1:6379");
    }
    up
}

/// Two servers on fresh seeded databases of `engine` that share one Redis
/// (`REDIS_URL`, under a prefix of their own, returned third), each set up
/// by `adjust` too; `None` when the engine or Redis is not there (see
/// [`redis_or_skip`]).
pub async fn spawn_replicas_sharing_redis(
    engine: Engine,
    adjust: impl Fn(&mut Config),
) -> Option<(TestApp, TestApp, String)> {
    if !redis_or_skip() {
        return None;
    }
    let prefix = unique_redis_prefix();
    let configure = |c: &mut Config| {
        c.redis_url = Some(TEST_REDIS_URL.into());
        c.redis_prefix = prefix.clone();
        adjust(c);
    };
    let a = TestApp::spawn_seeded_with(engine, configure).await?;
    let b = TestApp::spawn_seeded_with(engine, configure).await?;
    Some((a, b, prefix))
}

/// A Redis key prefix no other test run uses.
pub fn unique_redis_prefix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("hub-test-{}-{nanos}:", std::process::id())
}

/// With `TEST_LOG` set (and not `0`), sends the server's tracing output to
/// the test's captured output, filtered by `RUST_LOG` (default: `info`, quiet
/// database crates). libtest shows it only for a failing test.
pub fn init_test_log() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    if !test_log_enabled() {
        return;
    }
    ONCE.call_once(|| {
        use tracing_subscriber::EnvFilter;
        let filter = EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
        // A second subscriber (another harness in the process) is not an error.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    });
}

/// True when `TEST_LOG` asks for server logs.
pub fn test_log_enabled() -> bool {
    std::env::var("TEST_LOG").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A fresh database that removes itself when dropped.
pub struct TestDatabase {
    /// URL to connect to it.
    pub url: String,
    engine: Engine,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDatabase {
    /// Creates a fresh, empty database; `None` when PostgreSQL is unreachable outside CI.
    pub async fn create(engine: Engine) -> Option<Self> {
        Self::with(engine, Contents::Empty).await
    }

    /// Creates a fresh database holding `contents`, copied from this run's
    /// template; `None` when PostgreSQL is unreachable outside CI.
    pub async fn with(engine: Engine, contents: Contents) -> Option<Self> {
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let path = dir.path().join("hub.db");
                if contents != Contents::Empty {
                    let template = templates::sqlite_template(contents)
                        .unwrap_or_else(|e| panic!("SQLite {contents:?} template: {e}"));
                    std::fs::copy(template, &path).expect("copy the SQLite template");
                }
                Some(Self {
                    url: format!("sqlite://{}", path.display()),
                    engine,
                    name: String::new(),
                    _dir: Some(dir),
                })
            }
            Engine::Postgres => {
                let admin_url = format!("{}/postgres", postgres_admin_url());
                let admin = match tokio::time::timeout(
                    Duration::from_secs(5),
                    Database::connect(&admin_url),
                )
                .await
                {
                    Ok(Ok(db)) => db,
                    other => {
                        let reason = match other {
                            Ok(Err(e)) => e.to_string(),
                            _ => "timed out".to_string(),
                        };
                        if in_ci() {
                            panic!(
                                "PostgreSQL is required in CI but not reachable at {admin_url}: {reason}"
                            );
                        }
                        eprintln!("SKIPPED: PostgreSQL not reachable at {admin_url}: {reason}");
                        return None;
                    }
                };
                let template = match contents {
                    Contents::Empty => String::new(),
                    _ => {
                        let name = templates::postgres_template(contents)
                            .unwrap_or_else(|e| panic!("PostgreSQL {contents:?} template: {e}"));
                        format!(" TEMPLATE \"{name}\"")
                    }
                };
                let name = format!(
                    "{}{}_{}_{}",
                    templates::TEST_DB_PREFIX,
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.subsec_nanos())
                        .unwrap_or(0)
                );
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\"{template}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                Some(Self {
                    url: format!("{}/{name}", postgres_admin_url()),
                    engine,
                    name,
                    _dir: None,
                })
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if self.engine != Engine::Postgres {
            return;
        }
        let name = self.name.clone();
        // Drop runs outside any runtime guarantee: use a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                if let Ok(admin) =
                    Database::connect(format!("{}/postgres", postgres_admin_url())).await
                {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    admin.close().await.ok();
                }
            });
        })
        .join();
    }
}

/// The running server and a client for it.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub base: String,
    /// HTTP client.
    pub client: reqwest::Client,
    /// The server's database (with its statement counter).
    pub db: Db,
    /// The engine.
    pub engine: Engine,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    // Declared last: dropped after the server is told to stop. `None` for a
    // server on a database the test made and removes itself.
    _database: Option<TestDatabase>,
}

impl TestApp {
    /// Starts a server on a fresh, migrated, empty database.
    pub async fn spawn(engine: Engine) -> Option<Self> {
        Self::spawn_with(engine, |_| {}).await
    }

    /// Starts a server on a fresh database loaded with the demo dataset.
    pub async fn spawn_seeded(engine: Engine) -> Option<Self> {
        Self::spawn_seeded_with(engine, |_| {}).await
    }

    /// Starts a server on a fresh, migrated, empty database after letting
    /// the test adjust the configuration.
    pub async fn spawn_with(engine: Engine, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        Self::start(engine, Contents::Migrated, adjust).await
    }

    /// Starts a server on a fresh database with the demo dataset after
    /// letting the test adjust the configuration.
    pub async fn spawn_seeded_with(
        engine: Engine,
        adjust: impl FnOnce(&mut Config),
    ) -> Option<Self> {
        Self::start(engine, Contents::Seeded, adjust).await
    }

    /// The URL of this server's database (to run the `api` binary on it).
    pub fn database_url(&self) -> Option<&str> {
        self._database.as_ref().map(|d| d.url.as_str())
    }

    /// Starts a server on an existing database at `url` (migrations are not
    /// applied: it must be complete, e.g. a restored backup). The caller
    /// owns the database and removes it.
    pub async fn serve_url(engine: Engine, url: &str) -> Self {
        init_test_log();
        let config = Config::for_database(url);
        let db = api::prepare(&config, false)
            .await
            .expect("a complete, migrated database");
        Self::serve(engine, db, &config, None).await
    }

    async fn start(
        engine: Engine,
        contents: Contents,
        adjust: impl FnOnce(&mut Config),
    ) -> Option<Self> {
        init_test_log();
        let database = TestDatabase::with(engine, contents).await?;
        let mut config = Config::for_database(&database.url);
        adjust(&mut config);
        // `migrate` stays on: it finds nothing pending on a template copy,
        // and would catch a template older than the code.
        let db = api::prepare(&config, true).await.expect("prepare database");
        Some(Self::serve(engine, db, &config, Some(database)).await)
    }

    async fn serve(
        engine: Engine,
        db: Db,
        config: &Config,
        database: Option<TestDatabase>,
    ) -> Self {
        let router = api::build_router(db.clone(), config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let limits = api::http::server::ConnectionLimits::from(config);
        tokio::spawn(api::serve_with(listener, router, limits, async {
            let _ = rx.await;
        }));
        Self {
            base: format!("http://{addr}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            db,
            engine,
            shutdown: Some(tx),
            _database: database,
        }
    }

    /// Sends a GraphQL query and returns the whole JSON response.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.graphql_with(query, variables, &[]).await
    }

    /// Sends a GraphQL query with extra headers.
    pub async fn graphql_with(
        &self,
        query: &str,
        variables: Value,
        headers: &[(&str, &str)],
    ) -> Value {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("request reaches the server");
        resp.json().await.expect("JSON response")
    }

    /// Sends a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let resp = self.graphql(query, variables).await;
        assert!(resp.get("errors").is_none(), "unexpected errors: {resp:#}");
        resp["data"].clone()
    }

    /// SQL statements the server has executed so far.
    pub fn statements(&self) -> u64 {
        self.db.statements.get()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Declares one test per engine for an `async fn(Engine)` test body:
/// `engine_tests!(my_check);` makes `my_check::sqlite` and `my_check::postgres`.
#[macro_export]
macro_rules! engine_tests {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Engine::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::Engine::Postgres).await;
                }
            }
        )+
    };
}

// ------------------------------------------------------------------------
// Shared helpers of the integration suite: reading connections, error codes,
// plain HTTP requests, and rows inserted straight into the database (past the
// API) to prove that pagination, visibility and statement counts hold up.

/// Percent-encodes `s` for a URL query value (RFC 3986 unreserved kept).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The `node`s of a connection's `edges`, in order.
pub fn nodes(connection: &Value) -> Vec<Value> {
    connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("not a connection: {connection:#}"))
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

/// The string field `key` of each value, in order (panics on a missing one).
pub fn strings(values: &[Value], key: &str) -> Vec<String> {
    values
        .iter()
        .map(|v| {
            v[key]
                .as_str()
                .unwrap_or_else(|| panic!("no string {key:?} in {v:#}"))
                .to_string()
        })
        .collect()
}

/// `extensions.code` of the first error of a response, if any.
pub fn first_error_code(response: &Value) -> Option<String> {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .map(String::from)
}

impl TestApp {
    /// Sends a query that must fail and returns the `extensions.code` of its first error.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        let resp = self.graphql(query, variables).await;
        first_error_code(&resp).unwrap_or_else(|| panic!("expected an error with a code: {resp:#}"))
    }

    /// Sends a query with headers that must succeed and returns its `data`.
    pub async fn data_with(
        &self,
        query: &str,
        variables: Value,
        headers: &[(&str, &str)],
    ) -> Value {
        let resp = self.graphql_with(query, variables, headers).await;
        assert!(resp.get("errors").is_none(), "unexpected errors: {resp:#}");
        resp["data"].clone()
    }

    /// A plain `GET` of a path on the server.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request reaches the server")
    }

    /// Global ID of the demo object found by a query returning `{ id }` at `pointer`.
    pub async fn id_at(&self, query: &str, pointer: &str) -> String {
        let data = self.data(query, json!({})).await;
        data.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no ID at {pointer} in {data:#}"))
            .to_string()
    }
}

/// Like [`engine_tests!`], for tests that reveal a known bug: the engines
/// named before `=>` get `#[ignore = reason]` (run them with `--ignored`), the
/// others run as usual. `postgres: "BUG: …" => a, b` or `both: "BUG: …" => a`.
#[macro_export]
macro_rules! engine_tests_with_bug {
    (postgres: $reason:literal => $($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Engine::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = $reason]
                async fn postgres() {
                    super::$name($crate::Engine::Postgres).await;
                }
            }
        )+
    };
    (both: $reason:literal => $($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = $reason]
                async fn sqlite() {
                    super::$name($crate::Engine::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                #[ignore = $reason]
                async fn postgres() {
                    super::$name($crate::Engine::Postgres).await;
                }
            }
        )+
    };
}
