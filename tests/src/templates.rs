//! Template databases: per engine, one migrated and one seeded (demo data)
//! database, built once per test run and copied for every test, so a test
//! costs a copy instead of running every migration and the whole seeder.
//!
//! PostgreSQL copies with `CREATE DATABASE … TEMPLATE …`; SQLite copies a
//! file written with `VACUUM INTO` (complete, with no WAL beside it).
//! Templates carry the pid of the run that owns them: the test process under
//! `cargo test`, the nextest process under nextest (one process per test, so
//! the processes of one run share them). Whatever a dead run left behind —
//! templates, and test databases a killed process could not drop — is
//! removed when the next run builds its templates.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::postgres_admin_url;

/// What a fresh test database holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contents {
    /// Nothing: no tables (for tests that migrate it themselves).
    Empty,
    /// Every migration applied, no rows.
    Migrated,
    /// Migrated and loaded with the demo dataset.
    Seeded,
}

impl Contents {
    fn name(self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Migrated => "migrated",
            Self::Seeded => "seeded",
        }
    }
}

/// Prefix of the per-test PostgreSQL databases (`hub_test_<pid>_…`).
pub(crate) const TEST_DB_PREFIX: &str = "hub_test_";
/// Prefix of the PostgreSQL templates (`hub_tmpl_<owner pid>_<contents>`).
const TEMPLATE_PREFIX: &str = "hub_tmpl_";

/// Pid of the process that owns this run's templates: nextest runs every
/// test in its own process, so there the templates belong to nextest itself.
fn owner_pid() -> u32 {
    if std::env::var("NEXTEST_EXECUTION_MODE").as_deref() == Ok("process-per-test") {
        std::os::unix::process::parent_id()
    } else {
        std::process::id()
    }
}

/// True when a process with this pid runs on this machine.
fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

/// The pid in `<prefix><pid>_…`, if the name has that shape.
fn pid_in(name: &str, prefix: &str) -> Option<u32> {
    name.strip_prefix(prefix)?.split('_').next()?.parse().ok()
}

/// Runs `work` on a thread of its own with its own runtime: a template
/// outlives the test that happened to build it, so nothing of it may belong
/// to that test's runtime.
fn on_own_runtime<T, F, Fut>(work: F) -> Result<T, String>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<T>>,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(anyhow::Error::from)
            .and_then(|rt| rt.block_on(work()))
            .map_err(|e| format!("{e:#}"))
    })
    .join()
    .unwrap_or_else(|_| Err("building the template panicked".into()))
}

// ------------------------------------------------------------ PostgreSQL

static POSTGRES: [OnceLock<Result<String, String>>; 2] = [OnceLock::new(), OnceLock::new()];

/// Name of this run's PostgreSQL template with `contents`, built on first use.
pub(crate) fn postgres_template(contents: Contents) -> Result<&'static str, &'static str> {
    let slot = match contents {
        Contents::Empty => unreachable!("an empty database needs no template"),
        Contents::Migrated => &POSTGRES[0],
        Contents::Seeded => &POSTGRES[1],
    };
    slot.get_or_init(|| on_own_runtime(move || build_postgres(contents)))
        .as_deref()
        .map_err(String::as_str)
}

async fn admin() -> anyhow::Result<DatabaseConnection> {
    // One connection: the advisory lock below belongs to a session.
    let mut opts = ConnectOptions::new(format!("{}/postgres", postgres_admin_url()));
    opts.max_connections(1)
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5));
    Ok(Database::connect(opts).await?)
}

async fn database_exists(admin: &DatabaseConnection, name: &str) -> anyhow::Result<bool> {
    Ok(admin
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            admin.get_database_backend(),
            "SELECT 1 FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await?
        .is_some())
}

/// Builds (or, under nextest, finds) the template; returns its name.
async fn build_postgres(contents: Contents) -> anyhow::Result<String> {
    let admin = admin().await?;
    // Processes of one nextest run build the same templates: one at a time.
    admin
        .execute_unprepared("SELECT pg_advisory_lock(hashtext('hub_test_templates'))")
        .await?;
    let result = build_postgres_locked(&admin, contents).await;
    admin
        .execute_unprepared("SELECT pg_advisory_unlock(hashtext('hub_test_templates'))")
        .await
        .ok();
    admin.close().await.ok();
    result
}

async fn build_postgres_locked(
    admin: &DatabaseConnection,
    contents: Contents,
) -> anyhow::Result<String> {
    drop_dead_postgres_databases(admin).await?;
    let name = format!("{TEMPLATE_PREFIX}{}_{}", owner_pid(), contents.name());
    if database_exists(admin, &name).await? {
        return Ok(name);
    }
    // Built under another name and renamed when complete, so a build that
    // died half-way is never taken for a template.
    let part = format!("{name}_part");
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{part}\" WITH (FORCE)"))
        .await?;
    let url = format!("{}/{part}", postgres_admin_url());
    match contents {
        Contents::Empty => unreachable!("an empty database needs no template"),
        Contents::Migrated => {
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{part}\""))
                .await?;
            let db = api::prepare(&api::Config::for_database(&url), true).await?;
            db.conn.close().await?;
        }
        Contents::Seeded => {
            let migrated = Box::pin(build_postgres_locked(admin, Contents::Migrated)).await?;
            admin
                .execute_unprepared(&format!(
                    "CREATE DATABASE \"{part}\" TEMPLATE \"{migrated}\""
                ))
                .await?;
            let db = api::db::connect(&url, 1).await?;
            api::seed::seed_demo_with_keys(&db.conn, test_record_keys(), &|_, _, _| {}).await?;
            db.conn.close().await?;
        }
    }
    admin
        .execute_unprepared(&format!("ALTER DATABASE \"{part}\" RENAME TO \"{name}\""))
        .await?;
    Ok(name)
}

/// Drops templates and test databases whose run is gone. Only where the
/// server is on this machine: elsewhere a pid says nothing about liveness.
async fn drop_dead_postgres_databases(admin: &DatabaseConnection) -> anyhow::Result<()> {
    let url = postgres_admin_url();
    let host = url
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .trim_start_matches("postgres://")
        .trim_start_matches("postgresql://");
    if !["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|local| host.starts_with(local))
    {
        return Ok(());
    }
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'hub\\_t%'",
        ))
        .await?;
    for row in rows {
        let name: String = row.try_get_by_index(0)?;
        let pid = pid_in(&name, TEMPLATE_PREFIX).or_else(|| pid_in(&name, TEST_DB_PREFIX));
        if pid.is_some_and(|pid| !alive(pid)) {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- SQLite

static SQLITE: [OnceLock<Result<PathBuf, String>>; 2] = [OnceLock::new(), OnceLock::new()];

/// Folder of all SQLite templates; one subfolder per owning run.
fn sqlite_root() -> PathBuf {
    std::env::temp_dir().join("hub-test-templates")
}

/// Path of this run's SQLite template file with `contents`, built on first use.
pub(crate) fn sqlite_template(contents: Contents) -> Result<&'static Path, &'static str> {
    let slot = match contents {
        Contents::Empty => unreachable!("an empty database needs no template"),
        Contents::Migrated => &SQLITE[0],
        Contents::Seeded => &SQLITE[1],
    };
    slot.get_or_init(|| on_own_runtime(move || build_sqlite(contents)))
        .as_deref()
        .map_err(String::as_str)
}

async fn build_sqlite(contents: Contents) -> anyhow::Result<PathBuf> {
    let root = sqlite_root();
    std::fs::create_dir_all(&root)?;
    for entry in std::fs::read_dir(&root)?.flatten() {
        let pid = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok());
        if pid.is_some_and(|pid| !alive(pid)) {
            std::fs::remove_dir_all(entry.path()).ok();
        }
    }
    let dir = root.join(owner_pid().to_string());
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{}.db", contents.name()));
    if path.exists() {
        return Ok(path);
    }
    let work = tempfile::tempdir_in(&dir)?;
    let file = work.path().join("hub.db");
    let url = format!("sqlite://{}", file.display());
    let db = match contents {
        Contents::Empty => unreachable!("an empty database needs no template"),
        Contents::Migrated => api::prepare(&api::Config::for_database(&url), true).await?,
        Contents::Seeded => {
            let migrated = Box::pin(build_sqlite(Contents::Migrated)).await?;
            std::fs::copy(migrated, &file)?;
            let db = api::db::connect(&url, 1).await?;
            api::seed::seed_demo_with_keys(&db.conn, test_record_keys(), &|_, _, _| {}).await?;
            db
        }
    };
    // VACUUM INTO writes one complete file, whatever is still in the WAL;
    // the rename makes it appear whole, even to a concurrent process.
    let written = work.path().join("template.db");
    let quoted = written.display().to_string().replace('\'', "''");
    db.conn
        .execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
        .await?;
    db.conn.close().await?;
    std::fs::rename(&written, &path)?;
    Ok(path)
}

/// The record keys of the demo data in tests: a fixed secret, so both
/// engines and every run publish the same figures (snapshots compare them).
pub fn test_record_keys() -> api::disclosure::keys::RecordKeys {
    api::disclosure::keys::RecordKeys::with_secret("progress-hub test record keys")
}
