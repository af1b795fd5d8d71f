//! Test harness: [`TestApp`] starts the real server (the same router `api
//! serve` runs) on 127.0.0.1:0 against a fresh database and talks HTTP to it.
//!
//! Every storage test runs on both engines through [`engine_tests!`]:
//! SQLite in a temporary file, and PostgreSQL in a uniquely named database on
//! 127.0.0.1:5432 that is dropped afterwards. Outside CI a PostgreSQL test
//! prints `SKIPPED` and passes when no server answers; with `CI=true` it fails.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use api::Config;
use api::db::Db;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

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
        match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let path = dir.path().join("hub.db");
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
                        if std::env::var("CI").as_deref() == Ok("true") {
                            panic!(
                                "PostgreSQL is required in CI but not reachable at {admin_url}: {reason}"
                            );
                        }
                        eprintln!("SKIPPED: PostgreSQL not reachable at {admin_url}: {reason}");
                        return None;
                    }
                };
                let name = format!(
                    "hub_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.subsec_nanos())
                        .unwrap_or(0)
                );
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
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
    // Declared last: dropped after the server is told to stop.
    _database: TestDatabase,
}

impl TestApp {
    /// Starts a server on a fresh, migrated, empty database.
    pub async fn spawn(engine: Engine) -> Option<Self> {
        Self::spawn_with(engine, |_| {}).await
    }

    /// Starts a server on a fresh database loaded with the demo dataset.
    pub async fn spawn_seeded(engine: Engine) -> Option<Self> {
        let app = Self::spawn(engine).await?;
        api::seed::seed_demo(&app.db.conn, &|_, _, _| {})
            .await
            .expect("seed demo dataset");
        Some(app)
    }

    /// Starts a server after letting the test adjust the configuration.
    pub async fn spawn_with(engine: Engine, adjust: impl FnOnce(&mut Config)) -> Option<Self> {
        let database = TestDatabase::create(engine).await?;
        let mut config = Config::for_database(&database.url);
        adjust(&mut config);
        let db = api::prepare(&config, true).await.expect("prepare database");
        let router = api::build_router(db.clone(), &config);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(api::serve(listener, router, async {
            let _ = rx.await;
        }));
        Some(Self {
            base: format!("http://{addr}"),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            db,
            engine,
            shutdown: Some(tx),
            _database: database,
        })
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

/// Rows written straight into the database through sea-orm, bypassing the API.
pub mod fixtures {
    use entities::codes::*;
    use entities::*;
    use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};

    // Only the columns a test cares about are set; the others keep their
    // database defaults (NULL, or e.g. `illustrative = false`).

    /// Inserts a project (no participants or areas) and returns its id.
    pub async fn project(db: &DatabaseConnection, slug: &str, title: &str, is_public: bool) -> i32 {
        project::ActiveModel {
            slug: Set(slug.into()),
            title_az: Set(format!("{title} (az)")),
            title_en: Set(title.into()),
            status: Set(ProjectStatus::Implementation),
            sensitivity: Set(Sensitivity::Ordinary),
            is_public: Set(is_public),
            search_key: Set(api::search::search_key([title, slug])),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("insert project")
        .id
    }

    /// Adds an organisation to a project in a role.
    pub async fn participant(
        db: &DatabaseConnection,
        project_id: i32,
        organisation_id: i32,
        role: ParticipantRole,
    ) {
        project_participant::ActiveModel {
            project_id: Set(project_id),
            organisation_id: Set(organisation_id),
            role: Set(role),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("insert participant");
    }

    /// Links a project to an area it works in.
    pub async fn project_area(db: &DatabaseConnection, project_id: i32, area_id: i32) {
        project_area::Entity::insert(project_area::ActiveModel {
            project_id: Set(project_id),
            area_id: Set(area_id),
        })
        .exec_without_returning(db)
        .await
        .expect("insert project area");
    }

    /// Inserts an operational community resource centre of a project and returns its id.
    pub async fn centre(
        db: &DatabaseConnection,
        project_id: i32,
        name: &str,
        area_id: Option<i32>,
    ) -> i32 {
        centre::ActiveModel {
            project_id: Set(project_id),
            kind: Set(CentreKind::CommunityResourceCentre),
            name_az: Set(format!("{name} (az)")),
            name_en: Set(name.into()),
            area_id: Set(area_id),
            rooms: Set(Some(1)),
            status: Set(Some(CentreStatus::Operational)),
            sensitive_location: Set(false),
            search_key: Set(api::search::search_key([name])),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("insert centre")
        .id
    }

    /// Inserts a held training of a project (at a centre, if given) and returns its id.
    pub async fn event(
        db: &DatabaseConnection,
        project_id: i32,
        centre_id: Option<i32>,
        title: &str,
    ) -> i32 {
        event::ActiveModel {
            project_id: Set(project_id),
            centre_id: Set(centre_id),
            kind: Set(EventKind::Training),
            title_az: Set(format!("{title} (az)")),
            title_en: Set(title.into()),
            status: Set(EventStatus::Held),
            search_key: Set(api::search::search_key([title])),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("insert event")
        .id
    }

    /// Records attendance of an event in one cell.
    pub async fn attendance(db: &DatabaseConnection, event_id: i32, sex: Sex, count: i32) {
        attendance::ActiveModel {
            event_id: Set(event_id),
            sex: Set(sex),
            age_band: Set(AgeBand::Unknown),
            disability: Set(Disability::Unknown),
            category: Set(BeneficiaryCategory::General),
            count: Set(count),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("insert attendance");
    }

    /// Inserts a completed road work of a project in an area and returns its id.
    pub async fn work(db: &DatabaseConnection, project_id: i32, title: &str, area_id: i32) -> i32 {
        infrastructure_work::ActiveModel {
            project_id: Set(project_id),
            kind: Set(WorkKind::Road),
            title_az: Set(format!("{title} (az)")),
            title_en: Set(title.into()),
            area_id: Set(Some(area_id)),
            status: Set(WorkStatus::Completed),
            search_key: Set(api::search::search_key([title])),
            version: Set(1),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("insert work")
        .id
    }

    /// Inserts a village under `parent_id` and returns its id.
    pub async fn village(db: &DatabaseConnection, name: &str, parent_id: i32) -> i32 {
        area::ActiveModel {
            kind: Set(AreaKind::Village),
            name_az: Set(name.into()),
            name_en: Set(name.into()),
            parent_id: Set(Some(parent_id)),
            search_key: Set(api::search::search_key([name])),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("insert area")
        .id
    }

    /// Database id of a row from its global ID (`base64url("Type:id")`).
    pub fn raw_id(global: &str) -> i32 {
        let decoded = base64url_decode(global);
        let (_, number) = decoded
            .split_once(':')
            .unwrap_or_else(|| panic!("{global:?} does not decode to Type:id"));
        number.parse().expect("numeric id")
    }

    /// Global ID of a row, as the API encodes it.
    pub fn global_id(type_name: &str, id: i32) -> String {
        base64url_encode(format!("{type_name}:{id}").as_bytes())
    }

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    /// Unpadded base64url, enough for IDs and cursors.
    pub fn base64url_encode(bytes: &[u8]) -> String {
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }

    /// Decodes unpadded base64url into text.
    pub fn base64url_decode(text: &str) -> String {
        let mut bits = 0u32;
        let mut n = 0;
        let mut out = Vec::new();
        for c in text.bytes() {
            let v = ALPHABET
                .iter()
                .position(|a| *a == c)
                .unwrap_or_else(|| panic!("{text:?} is not base64url")) as u32;
            bits = (bits << 6) | v;
            n += 6;
            if n >= 8 {
                n -= 8;
                out.push((bits >> n) as u8);
                bits &= (1 << n) - 1;
            }
        }
        String::from_utf8(out).expect("UTF-8")
    }
}

pub mod accounts;

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
