//! Database connection: SQLite with safe pragmas or PostgreSQL, plus a
//! per-connection counter of executed SQL statements (used by the tests that
//! prove the number of statements does not grow with the rows returned), and
//! an optional PostgreSQL read replica (`DATABASE_READ_URL`) with the rule
//! that picks it: requests that write nothing read from the replica, unless
//! their caller wrote within the last moments ([`Db::for_request`]), so no
//! one sees their own entry vanish while the replica catches up.

pub mod filter;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use migration::MigratorTrait;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseBackend, DatabaseConnection};

/// Counts the SQL statements a connection has executed, and logs those
/// slower than a threshold (`API_SLOW_STATEMENT_MS`).
#[derive(Debug, Clone, Default)]
pub struct StatementCounter {
    count: Arc<AtomicU64>,
    /// Milliseconds from which a statement is logged; 0: none.
    slow_ms: Arc<AtomicU64>,
}

impl StatementCounter {
    /// Statements executed so far.
    pub fn get(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }

    /// Logs (`WARN`, target `api::db`) every statement that takes `ms`
    /// milliseconds or more: its SQL and its duration, never its parameters
    /// (they can be e-mail addresses or names). 0 switches it off.
    pub fn log_slower_than(&self, ms: u64) {
        self.slow_ms.store(ms, Ordering::Relaxed);
    }

    fn observe(&self, info: &sea_orm::metric::Info<'_>) {
        self.count.fetch_add(1, Ordering::Relaxed);
        let slow = self.slow_ms.load(Ordering::Relaxed);
        if slow > 0 && info.elapsed >= Duration::from_millis(slow) {
            let mut sql = info.statement.sql.as_str();
            if let Some((i, _)) = sql.char_indices().nth(4000) {
                sql = &sql[..i];
            }
            tracing::warn!(
                target: "api::db",
                elapsed_ms = info.elapsed.as_secs_f64() * 1000.0,
                failed = info.failed,
                sql,
                "slow statement"
            );
        }
    }
}

/// An open database with its statement counter.
#[derive(Debug, Clone)]
pub struct Db {
    /// The sea-orm connection pool (the primary: every write goes here).
    pub conn: DatabaseConnection,
    /// Statements executed through `conn`.
    pub statements: StatementCounter,
    /// The read replica, when one is configured.
    pub read: Option<ReadReplica>,
}

/// A streaming replica that serves reads, and who wrote recently.
#[derive(Debug, Clone)]
pub struct ReadReplica {
    /// The replica's connection pool.
    pub conn: DatabaseConnection,
    /// Statements executed through the replica.
    pub statements: StatementCounter,
    /// How long a writer's reads stay on the primary after a write.
    window: Duration,
    /// Writer (actor key) → until when their reads stay on the primary.
    writers: Arc<Mutex<HashMap<String, Instant>>>,
}

impl Db {
    /// Adds a read replica at `url`; reads of a caller who wrote stay on the
    /// primary for `window` after each write.
    pub async fn with_read_replica(
        mut self,
        url: &str,
        max_connections: u32,
        window: Duration,
    ) -> anyhow::Result<Self> {
        let replica = connect(url, max_connections).await?;
        self.read = Some(ReadReplica {
            conn: replica.conn,
            statements: replica.statements,
            window,
            writers: Arc::default(),
        });
        Ok(self)
    }

    /// The connection for a request of `writer` (its actor key; `None` for
    /// anonymous callers): the primary when the request `writes` (which
    /// starts the writer's window) or the writer's window is still open,
    /// else the replica. Without a replica, always the primary.
    pub fn for_request(&self, writer: Option<&str>, writes: bool) -> &DatabaseConnection {
        let Some(replica) = &self.read else {
            return &self.conn;
        };
        let now = Instant::now();
        let mut writers = replica
            .writers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if writes {
            if let Some(w) = writer {
                if writers.len() > 10_000 {
                    writers.retain(|_, until| *until > now);
                }
                writers.insert(w.to_string(), now + replica.window);
            }
            return &self.conn;
        }
        match writer.and_then(|w| writers.get(w)) {
            Some(until) if *until > now => &self.conn,
            _ => &replica.conn,
        }
    }
}

/// Opens the database named by `url` (`sqlite://…` or `postgres://…`).
///
/// SQLite gets WAL, `synchronous=FULL`, a 5 s busy timeout and foreign keys;
/// a missing file (and its directory) is created. PostgreSQL connections are
/// not pinged before every acquire (that doubled latency of short reads) and
/// run with `jit = off`.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
    connect_with(url, max_connections, DEFAULT_ACQUIRE_TIMEOUT).await
}

/// How long a request waits for a pooled connection by default
/// (`DATABASE_ACQUIRE_TIMEOUT_SECS`): a few seconds, well below the request
/// timeout, so a database outage answers 503 `DATABASE_UNAVAILABLE` quickly
/// instead of every request hanging until its own timeout.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// [`connect`] with the time a request may wait for a connection (the same
/// bound applies to opening a new connection).
pub async fn connect_with(
    url: &str,
    max_connections: u32,
    acquire_timeout: Duration,
) -> anyhow::Result<Db> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .connect_timeout(acquire_timeout)
        .acquire_timeout(acquire_timeout)
        .test_before_acquire(false);
    if url.starts_with("sqlite:") {
        if let Some(dir) = sqlite_file_path(url).and_then(|p| p.parent().map(|d| d.to_path_buf()))
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(&dir)?;
        }
        opts.max_connections(max_connections.clamp(1, 5))
            .min_connections(1)
            .map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(5))
                    .foreign_keys(true)
            });
    } else {
        // JIT compilation is for long analytical queries: PostgreSQL starts it
        // on the estimated cost, and a statistics query whose estimate is
        // inflated by a correlated subquery spent 1.9 s compiling to run for
        // 10 ms (issue 12). Every statement of this API is short.
        opts.max_connections(max_connections.max(1))
            .map_sqlx_postgres_opts(|o| o.options([("jit", "off")]));
    }
    let mut conn = Database::connect(opts).await?;
    let statements = StatementCounter::default();
    let counter = statements.clone();
    conn.set_metric_callback(move |info| counter.observe(info));
    Ok(Db {
        conn,
        statements,
        read: None,
    })
}

/// The file behind a `sqlite://` URL, if it names one.
pub fn sqlite_file_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

/// Applies all pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    migration::Migrator::up(db, None).await?;
    Ok(())
}

/// Writes a consistent copy of a SQLite database to `target` while it stays
/// in use (`VACUUM INTO`: one read transaction, so writers carry on and the
/// copy is a single point in time; the copy is compacted and a plain
/// rollback-journal file, ready to be opened or copied back). Refuses an
/// existing `target` and a PostgreSQL database (use `pg_dump`: README
/// "Backups"). Returns the copy's size in bytes.
pub async fn backup(db: &DatabaseConnection, target: &std::path::Path) -> anyhow::Result<u64> {
    use sea_orm::ConnectionTrait;
    anyhow::ensure!(
        db.get_database_backend() == DatabaseBackend::Sqlite,
        "`api backup` copies a SQLite database; back PostgreSQL up with \
         `pg_dump --format=custom` and restore with `pg_restore` (README \"Backups\")"
    );
    anyhow::ensure!(
        !target.exists(),
        "{} already exists; name a new file (a backup never overwrites one)",
        target.display()
    );
    if let Some(dir) = target.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let path = target
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("the backup path must be valid UTF-8"))?;
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        "VACUUM INTO ?",
        [path.into()],
    ))
    .await?;
    Ok(std::fs::metadata(target)?.len())
}

/// Human name of the engine, for logs and `/health`.
pub fn engine_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => "sqlite",
        DatabaseBackend::Postgres => "postgres",
        _ => "other",
    }
}

/// Begins a write transaction. On SQLite it begins IMMEDIATE, taking the write
/// lock up front and waiting for it (busy timeout) instead of failing with
/// "database is locked" when a read inside the transaction is followed by a write.
pub async fn begin_write(
    db: &DatabaseConnection,
) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
