//! Configuration in one place. Every variable is documented here and in
//! `.env.sample`; command-line flags of `api serve` override the environment.

use std::net::SocketAddr;

use crate::disclosure::Thresholds;

/// Default SQLite file used when `DATABASE_URL` is not set.
pub const DEFAULT_SQLITE_PATH: &str = "data/progress-hub.db";

/// Settings of the running service.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `postgres://…` or `sqlite://PATH` (default: `sqlite://data/progress-hub.db`).
    pub database_url: String,
    /// True when `DATABASE_URL` was not given: the server then migrates and
    /// loads the demo data on first start.
    pub embedded_default: bool,
    /// `API_BIND` (default `127.0.0.1:8080`).
    pub bind: SocketAddr,
    /// `API_MAX_BODY_BYTES`: largest accepted request body (default 256 KiB).
    pub max_body_bytes: usize,
    /// The limits of one GraphQL document (`API_MAX_DEPTH`, `API_MAX_FIELDS`,
    /// `API_MAX_COST`, …; see [`Limits`]).
    pub limits: Limits,
    /// Budgets of cost points per client and window (`RATE_LIMIT_*`).
    pub rate: RateLimits,
    /// `REDIS_URL`: where rate-limit budgets are shared between replicas
    /// (default: none, each process counts in its own memory).
    pub redis_url: Option<String>,
    /// `REDIS_PREFIX`: prefix of every Redis key (default `hub:`).
    pub redis_prefix: String,
    /// `API_PERSISTED_QUERIES`: `apq` (default: automatic persisted queries,
    /// any document), `allowlist` (only the documents of
    /// `API_PERSISTED_QUERIES_FILE`) or `off`.
    pub persisted_queries: PersistedQueries,
    /// `API_PERSISTED_QUERIES_FILE`: a persisted-query manifest (Apollo's
    /// `{"operations":[{"id","body"}]}` or a `{"sha256": "document"}` map)
    /// loaded at start; required with `allowlist`.
    pub persisted_queries_file: Option<std::path::PathBuf>,
    /// `API_APQ_TTL_SECS`: with `REDIS_URL`, how long a registered
    /// persisted query stays in Redis after its last use (default 86400).
    pub apq_ttl_secs: u64,
    /// `API_APQ_REGISTRATIONS_PER_HOUR`: new persisted queries one client
    /// (address, API key or user) may register an hour, refilled
    /// continuously (default 200); past it, `PERSISTED_QUERY_REGISTRATION_LIMITED`.
    pub apq_registrations_per_hour: u64,
    /// `API_APQ_MEMORY_ENTRIES`: registered persisted queries each process
    /// keeps in memory, least recently used dropped first (default 10000;
    /// the manifest's documents are apart and never dropped).
    pub apq_memory_entries: usize,
    /// `METRICS_TOKEN`: when set, `GET /metrics` needs
    /// `Authorization: Bearer <token>` (default: none, open).
    pub metrics_token: Option<String>,
    /// `API_CACHE_MAX_AGE_SECS`: `max-age` of public persisted reads over GET
    /// (default 60; `s-maxage` is the same, `stale-while-revalidate` twice it).
    pub cache_max_age_secs: u64,
    /// `API_HSTS`: send `Strict-Transport-Security` (set it behind TLS; default off).
    pub hsts: bool,
    /// `API_TRUST_FORWARDED_FOR`: take the client's address from the last
    /// `X-Forwarded-For` entry (set it behind a proxy that appends it; default off).
    pub trust_forwarded_for: bool,
    /// `API_CORS_ORIGINS`: comma-separated exact origins allowed to call the API (default none).
    pub cors_origins: Vec<String>,
    /// `API_REQUEST_TIMEOUT_SECS`: whole-request time limit (default 30).
    pub request_timeout_secs: u64,
    /// `API_HEADER_READ_TIMEOUT_SECS`: time a client has to send a request's
    /// head; a half-sent request line is closed after it, and so is a
    /// keep-alive connection waiting that long for its next request (default 10).
    pub header_read_timeout_secs: u64,
    /// `API_IDLE_TIMEOUT_SECS`: a connection with no bytes either way for this
    /// long is closed (a request in flight still gets its answer; default 60).
    pub idle_timeout_secs: u64,
    /// `DATABASE_MAX_CONNECTIONS`: pool size (default 10 for PostgreSQL; SQLite uses 5).
    pub max_connections: u32,
    /// `DATABASE_ACQUIRE_TIMEOUT_SECS`: how long a request waits for a
    /// database connection (and a new connection may take to open) before it
    /// answers 503 `SERVICE_UNAVAILABLE` with `Retry-After` (default 3; must
    /// be below `API_REQUEST_TIMEOUT_SECS`, or an outage turns into codeless
    /// 408s after the whole request timeout).
    pub db_acquire_timeout_secs: u64,
    /// `SUPPRESS_ORDINARY` and `SUPPRESS_SENSITIVE`: smallest publishable
    /// counts for ordinary and sensitive populations (defaults 5 and 10).
    pub thresholds: Thresholds,
    /// `APP_ENV`: `development` (default) or `production`. Production refuses
    /// to start without a strong `JWT_SECRET`.
    pub production: bool,
    /// `JWT_SECRET`: key that signs access tokens (at least 32 bytes). In
    /// development a missing secret is replaced by a random one per start.
    pub jwt_secret: String,
    /// `JWT_TTL_SECS`: lifetime of access tokens (default 900 = 15 minutes; 5 to
    /// 86400 seconds, at least 60 in production).
    pub jwt_ttl_secs: i64,
    /// `LOGIN_ATTEMPTS_PER_MINUTE`: failed log-ins allowed per client
    /// address and e-mail per minute (default 10; three times that per hour).
    pub login_attempts_per_minute: u32,
    /// `LOGIN_ATTEMPTS_PER_IP_PER_MINUTE`: log-in attempts allowed per
    /// client address and minute, whatever the e-mail (default 30).
    pub login_attempts_per_ip_per_minute: u32,
    /// `WEB_DIR`: the built web site (`web/build`), served at `/` for every
    /// path the API does not own (default: none, the API only).
    pub web_dir: Option<std::path::PathBuf>,
    /// `API_DATALOADERS`: `on` (default) batches related rows per request;
    /// `off` loads each one by itself (one statement per key), for the
    /// benchmark that measures what the DataLoaders save.
    pub dataloaders: bool,
    /// `API_DATALOADER_DELAY_MS`: how long a DataLoader waits for sibling
    /// fields to add their keys before it runs its batch (default 2 ms; every
    /// level of nested objects waits once, so it is a floor on latency).
    pub dataloader_delay_ms: u64,
    /// `API_SLOW_STATEMENT_MS`: log every SQL statement that takes this many
    /// milliseconds or more, with its duration (default 0: none). Works on
    /// both engines; parameters are never logged.
    pub slow_statement_ms: u64,
    /// `DATABASE_READ_URL`: a PostgreSQL streaming replica of `DATABASE_URL`
    /// that serves requests which write nothing (default: none, all on the primary).
    pub database_read_url: Option<String>,
    /// `DATABASE_READ_PRIMARY_SECS`: after a write, how long the writer's own
    /// reads stay on the primary (default 10; longer than the replica's lag).
    pub read_primary_secs: u64,
    /// `IATI_PUBLISHER_PREFIX` and `IATI_PUBLISHER_NAME`: who publishes the
    /// IATI files (see [`IatiPublisher`]).
    pub iati: IatiPublisher,
    /// `WEBHOOK_*`: the delivery worker and where webhooks may go
    /// (see [`crate::webhooks::Settings`]).
    pub webhooks: crate::webhooks::Settings,
    /// `MAIL_*`: the SMTP server and the mail worker (see [`crate::mail::Settings`]).
    pub mail: crate::mail::Settings,
    /// `DISCLOSURE_KEY_SECRET`: the secret of the record keys the demo
    /// loader derives (default: none, a random secret per load).
    pub disclosure_key_secret: Option<String>,
}

/// The organisation that publishes this deployment's IATI files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IatiPublisher {
    /// `IATI_PUBLISHER_PREFIX`: the IATI organisation identifier the
    /// deployment's publisher owns (registered with IATI, e.g.
    /// `XM-DAC-00000` or `GB-CHC-0000000`). It is the `reporting-org`, and
    /// programmes with no registered IATI identifier get one under it
    /// (`<prefix>-<slug>`). Unset: each programme is reported by its
    /// accountable organisation's own identifier, and only programmes with a
    /// registered identifier are published (the rest are left out, with
    /// the reason). Never put another organisation's identifier here.
    pub prefix: Option<String>,
    /// `IATI_PUBLISHER_NAME`: the publisher's name in `reporting-org`
    /// (default `Programme progress hub`).
    pub name: String,
}

impl IatiPublisher {
    /// The default publisher name.
    pub const DEFAULT_NAME: &'static str = "Programme progress hub";
    /// The publisher identifier of the embedded demo (`npm --prefix web
    /// start`, or `api serve` with no `DATABASE_URL`) when none is set: under
    /// `XM-EXAMPLE`, which no registration agency issues, so the demo's
    /// files never claim a real organisation's identifiers.
    pub const DEMO_PREFIX: &'static str = "XM-EXAMPLE-PROGRESS-HUB-DEMO";

    /// The demo's publisher ([`Self::DEMO_PREFIX`]).
    pub fn demo() -> Self {
        Self {
            prefix: Some(Self::DEMO_PREFIX.to_string()),
            name: "Programme progress hub (demo)".to_string(),
        }
    }

    /// Whether `prefix` has the shape of an IATI organisation identifier:
    /// a registration agency code and an identifier joined by `-`, of
    /// letters, digits, `-`, `_` and `.` (IATI's identifier rules), at
    /// most 100 characters.
    pub fn valid_prefix(prefix: &str) -> bool {
        let (agency, rest) = prefix.split_once('-').unwrap_or((prefix, ""));
        (3..=100).contains(&prefix.len())
            && agency.len() >= 2
            && agency.bytes().all(|b| b.is_ascii_alphanumeric())
            && !rest.is_empty()
            && prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    }
}

impl Config {
    /// Reads the configuration from the environment alone (no command-line
    /// flags): what `api` does when run with no options.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_settings(Settings::from_env()?)
    }

    /// The configuration from parsed [`Settings`] (flags and environment),
    /// checked: unsafe or inconsistent settings are refused with a message
    /// naming the variables.
    pub fn from_settings(s: Settings) -> anyhow::Result<Self> {
        let url = s.database_url.filter(|v| !v.trim().is_empty());
        let embedded_default = url.is_none();
        let d =
            Self::for_database(url.unwrap_or_else(|| format!("sqlite://{DEFAULT_SQLITE_PATH}")));
        let mut bind = s.bind;
        if let Some(port) = s.port {
            bind.set_port(port);
        }
        let text = |v: Option<String>| v.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let mut iati = IatiPublisher {
            prefix: text(s.iati_publisher_prefix),
            name: text(Some(s.iati_publisher_name)).unwrap_or(d.iati.name.clone()),
        };
        // The demo's own publisher, so the demo's IATI export works from the
        // README's start command; a real deployment sets its own prefix.
        if embedded_default && iati.prefix.is_none() {
            iati = IatiPublisher::demo();
        }
        Self {
            webhooks: crate::webhooks::Settings::from_args(&s.webhook)?,
            mail: crate::mail::Settings::from_args(&s.mail)?,
            embedded_default,
            bind,
            max_body_bytes: s.max_body_bytes,
            limits: s.limits,
            rate: s.rate,
            redis_url: text(s.redis_url),
            redis_prefix: Some(s.redis_prefix)
                .filter(|v| !v.is_empty())
                .unwrap_or(d.redis_prefix.clone()),
            persisted_queries: s.persisted_queries,
            persisted_queries_file: s
                .persisted_queries_file
                .filter(|v| !v.as_os_str().is_empty()),
            apq_ttl_secs: s.apq_ttl_secs,
            apq_registrations_per_hour: s.apq_registrations_per_hour,
            apq_memory_entries: s.apq_memory_entries,
            metrics_token: text(s.metrics_token),
            cache_max_age_secs: s.cache_max_age_secs,
            hsts: s.hsts,
            trust_forwarded_for: s.trust_forwarded_for,
            cors_origins: s
                .cors_origins
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            request_timeout_secs: s.request_timeout_secs,
            header_read_timeout_secs: s.header_read_timeout_secs,
            idle_timeout_secs: s.idle_timeout_secs,
            max_connections: s.max_connections,
            db_acquire_timeout_secs: s.db_acquire_timeout_secs,
            thresholds: Thresholds {
                ordinary: s.suppress_ordinary,
                sensitive: s.suppress_sensitive,
            },
            production: s.app_env == AppEnv::Production,
            jwt_secret: s.jwt_secret.unwrap_or_default(),
            jwt_ttl_secs: s.jwt_ttl_secs,
            login_attempts_per_minute: s.login_attempts_per_minute,
            login_attempts_per_ip_per_minute: s.login_attempts_per_ip_per_minute,
            web_dir: s.web_dir.filter(|v| !v.as_os_str().is_empty()),
            database_read_url: text(s.database_read_url),
            read_primary_secs: s.read_primary_secs,
            dataloader_delay_ms: s.dataloader_delay_ms,
            slow_statement_ms: s.slow_statement_ms,
            iati,
            dataloaders: s.dataloaders,
            disclosure_key_secret: s.disclosure_key_secret.filter(|v| !v.is_empty()),
            ..d
        }
        .validated()
    }

    /// The defaults, on the given database: what the server runs with when no
    /// variable is set (but for the listen address, 127.0.0.1:8080 there and
    /// an ephemeral port here), and what tests and embedders start from.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            embedded_default: false,
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            max_body_bytes: 256 * 1024,
            limits: Limits::default(),
            rate: RateLimits::default(),
            redis_url: None,
            redis_prefix: "hub:".into(),
            persisted_queries: PersistedQueries::Apq,
            persisted_queries_file: None,
            apq_ttl_secs: 86_400,
            apq_registrations_per_hour: 200,
            apq_memory_entries: 10_000,
            metrics_token: None,
            cache_max_age_secs: 60,
            hsts: false,
            trust_forwarded_for: false,
            cors_origins: Vec::new(),
            request_timeout_secs: 30,
            header_read_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections: 10,
            db_acquire_timeout_secs: crate::db::DEFAULT_ACQUIRE_TIMEOUT.as_secs(),
            thresholds: Thresholds::default(),
            production: false,
            jwt_secret: String::new(),
            jwt_ttl_secs: 900,
            login_attempts_per_minute: 10,
            login_attempts_per_ip_per_minute: 30,
            web_dir: None,
            dataloaders: true,
            dataloader_delay_ms: 2,
            slow_statement_ms: 0,
            database_read_url: None,
            read_primary_secs: 10,
            iati: IatiPublisher {
                prefix: None,
                name: IatiPublisher::DEFAULT_NAME.to_string(),
            },
            webhooks: crate::webhooks::Settings::default(),
            mail: crate::mail::Settings::default(),
            disclosure_key_secret: None,
        }
    }

    /// The record keys of loaded data: under `DISCLOSURE_KEY_SECRET`, else
    /// under a random secret.
    pub fn record_keys(&self) -> crate::disclosure::keys::RecordKeys {
        crate::disclosure::keys::RecordKeys::from_secret(self.disclosure_key_secret.as_deref())
    }

    /// The secret that signs tokens: the configured one, or in development a
    /// random one for this process (tokens then die with the process).
    pub fn signing_secret(&self) -> Vec<u8> {
        if !self.jwt_secret.is_empty() {
            return self.jwt_secret.as_bytes().to_vec();
        }
        use rand::RngCore;
        tracing::warn!("JWT_SECRET is not set: using a random secret for this development process");
        let mut secret = vec![0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        secret
    }

    /// Refuses unsafe settings.
    fn validated(self) -> anyhow::Result<Self> {
        anyhow::ensure!(
            self.thresholds.ordinary >= 2 && self.thresholds.sensitive >= self.thresholds.ordinary,
            "SUPPRESS_ORDINARY must be at least 2 and SUPPRESS_SENSITIVE at least SUPPRESS_ORDINARY"
        );
        anyhow::ensure!(
            self.db_acquire_timeout_secs >= 1
                && self.db_acquire_timeout_secs < self.request_timeout_secs,
            "DATABASE_ACQUIRE_TIMEOUT_SECS must be at least 1 and below API_REQUEST_TIMEOUT_SECS ({})",
            self.request_timeout_secs
        );
        anyhow::ensure!(
            self.max_body_bytes >= 1024,
            "API_MAX_BODY_BYTES must be at least 1024"
        );
        anyhow::ensure!(
            !self.rate.enabled
                || [
                    self.rate.anonymous,
                    self.rate.user,
                    self.rate.api_key_standard,
                    self.rate.api_key_high
                ]
                .iter()
                .all(|b| (self.limits.max_cost..=crate::ratelimit::MAX_LIMIT).contains(b)),
            "every RATE_LIMIT_* budget must be at least API_MAX_COST ({}), or no request of the largest allowed cost could ever run, and at most {}",
            self.limits.max_cost,
            crate::ratelimit::MAX_LIMIT
        );
        anyhow::ensure!(
            (1..=86_400).contains(&self.rate.window_secs),
            "RATE_LIMIT_WINDOW_SECS must be between 1 and 86400"
        );
        // The parser recurses once per bracket level, on a worker thread's
        // 2 MiB stack: past a few thousand levels it would overflow and abort.
        anyhow::ensure!(
            (1..=256).contains(&self.limits.max_nesting),
            "API_MAX_NESTING must be between 1 and 256"
        );
        anyhow::ensure!(
            self.apq_ttl_secs >= 1,
            "API_APQ_TTL_SECS must be at least 1"
        );
        anyhow::ensure!(
            (1..=crate::ratelimit::MAX_LIMIT).contains(&self.apq_registrations_per_hour),
            "API_APQ_REGISTRATIONS_PER_HOUR must be between 1 and {}",
            crate::ratelimit::MAX_LIMIT
        );
        anyhow::ensure!(
            self.header_read_timeout_secs >= 1 && self.idle_timeout_secs >= 1,
            "API_HEADER_READ_TIMEOUT_SECS and API_IDLE_TIMEOUT_SECS must be at least 1"
        );
        anyhow::ensure!(
            self.apq_memory_entries >= 1,
            "API_APQ_MEMORY_ENTRIES must be at least 1"
        );
        if let Some(prefix) = &self.iati.prefix {
            anyhow::ensure!(
                IatiPublisher::valid_prefix(prefix),
                "IATI_PUBLISHER_PREFIX={prefix:?} is not an IATI organisation identifier \
                 (agency code, '-', identifier: e.g. XM-DAC-00000)"
            );
        }
        anyhow::ensure!(
            self.iati.name.chars().count() <= 200,
            "IATI_PUBLISHER_NAME must be at most 200 characters"
        );
        if let Some(token) = &self.metrics_token {
            anyhow::ensure!(
                token.len() >= 16 && token.bytes().all(|b| b.is_ascii_graphic()),
                "METRICS_TOKEN must be at least 16 printable characters without spaces"
            );
        }
        if self.persisted_queries == PersistedQueries::AllowList {
            anyhow::ensure!(
                self.persisted_queries_file.is_some(),
                "API_PERSISTED_QUERIES=allowlist needs API_PERSISTED_QUERIES_FILE"
            );
        }
        // Short lifetimes outside production let tests wait for a real expiry.
        let min_ttl = if self.production { 60 } else { 5 };
        anyhow::ensure!(
            (min_ttl..=86_400).contains(&self.jwt_ttl_secs),
            "JWT_TTL_SECS must be between {min_ttl} and 86400"
        );
        if let Some(dir) = &self.web_dir {
            anyhow::ensure!(
                dir.join("index.html").is_file() || dir.join("200.html").is_file(),
                "WEB_DIR={} holds no built site (no index.html or 200.html): build it with `npm --prefix web run build`",
                dir.display()
            );
        }
        if self.production {
            anyhow::ensure!(
                !self.jwt_secret.is_empty(),
                "APP_ENV=production needs JWT_SECRET (at least 32 random bytes)"
            );
            if let Some(problem) = crate::auth::jwt::weak_secret(&self.jwt_secret) {
                anyhow::bail!("refusing to start in production: {problem}");
            }
        }
        Ok(self)
    }
}

pub use limits::Limits;

/// The defaults, for the `default_value_t` of [`Settings`]: written once, in
/// [`Config::for_database`].
fn d() -> Config {
    Config::for_database(String::new())
}

/// Every setting of the service, declared once: each is a flag of every
/// `api` command and is read from its environment variable (`api --help`
/// lists them with their defaults; `.env.sample` is checked against this
/// list). An empty variable counts as unset.
#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "Settings (flag or environment variable)")]
pub struct Settings {
    /// Database URL: postgres://… or sqlite://PATH (default: the embedded
    /// demo database sqlite://data/progress-hub.db, migrated and loaded with
    /// the demo data on first start).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Connection pool size (SQLite uses 5).
    #[arg(long = "database-max-connections", env = "DATABASE_MAX_CONNECTIONS", default_value_t = d().max_connections, value_parser = trimmed::<u32>)]
    pub max_connections: u32,
    /// Seconds a request waits for a database connection before it answers
    /// 503 SERVICE_UNAVAILABLE (at least 1, below API_REQUEST_TIMEOUT_SECS).
    #[arg(long = "database-acquire-timeout-secs", env = "DATABASE_ACQUIRE_TIMEOUT_SECS", default_value_t = d().db_acquire_timeout_secs, value_parser = trimmed::<u64>)]
    pub db_acquire_timeout_secs: u64,
    /// A PostgreSQL streaming replica of DATABASE_URL that serves requests
    /// which write nothing (default: none, all on the primary).
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true)]
    pub database_read_url: Option<String>,
    /// After a write, seconds the writer's own reads stay on the primary.
    #[arg(long = "database-read-primary-secs", env = "DATABASE_READ_PRIMARY_SECS", default_value_t = d().read_primary_secs, value_parser = trimmed::<u64>)]
    pub read_primary_secs: u64,
    /// Log every SQL statement that takes this many milliseconds or more
    /// (0: none; parameters are never logged).
    #[arg(long, env = "API_SLOW_STATEMENT_MS", default_value_t = d().slow_statement_ms, value_parser = trimmed::<u64>)]
    pub slow_statement_ms: u64,
    /// Address `api serve` listens on.
    #[arg(long, env = "API_BIND", default_value = "127.0.0.1:8080", value_parser = trimmed::<SocketAddr>)]
    pub bind: SocketAddr,
    /// Port on the --bind address (overrides its port).
    #[arg(long, env = "PORT", value_parser = trimmed::<u16>)]
    pub port: Option<u16>,
    /// Largest accepted request body, in bytes (at least 1024).
    #[arg(long, env = "API_MAX_BODY_BYTES", default_value_t = d().max_body_bytes, value_parser = trimmed::<usize>)]
    pub max_body_bytes: usize,
    #[command(flatten)]
    pub limits: Limits,
    /// Whole-request time limit, in seconds.
    #[arg(long, env = "API_REQUEST_TIMEOUT_SECS", default_value_t = d().request_timeout_secs, value_parser = trimmed::<u64>)]
    pub request_timeout_secs: u64,
    /// Seconds a client has to send a request's head (also the wait between
    /// keep-alive requests).
    #[arg(long, env = "API_HEADER_READ_TIMEOUT_SECS", default_value_t = d().header_read_timeout_secs, value_parser = trimmed::<u64>)]
    pub header_read_timeout_secs: u64,
    /// A connection with no bytes either way for this many seconds is closed.
    #[arg(long, env = "API_IDLE_TIMEOUT_SECS", default_value_t = d().idle_timeout_secs, value_parser = trimmed::<u64>)]
    pub idle_timeout_secs: u64,
    #[command(flatten)]
    pub rate: RateLimits,
    /// Redis, where rate-limit budgets, log-in counts and registered
    /// persisted queries are shared between replicas (default: none, each
    /// process counts in its own memory).
    #[arg(long, env = "REDIS_URL", hide_env_values = true)]
    pub redis_url: Option<String>,
    /// Prefix of every Redis key.
    #[arg(long, env = "REDIS_PREFIX", default_value_t = d().redis_prefix)]
    pub redis_prefix: String,
    /// Take the client's address from the last X-Forwarded-For entry (behind
    /// a proxy that appends it).
    #[arg(long, env = "API_TRUST_FORWARDED_FOR", default_value_t = d().trust_forwarded_for, action = ArgAction::Set, value_parser = boolean)]
    pub trust_forwarded_for: bool,
    /// Persisted queries: apq (any client may register a document by its
    /// SHA-256), allowlist (only the manifest's documents) or off.
    #[arg(long, env = "API_PERSISTED_QUERIES", default_value_t = d().persisted_queries, value_parser = trimmed::<PersistedQueries>)]
    pub persisted_queries: PersistedQueries,
    /// A persisted-query manifest (Apollo's {"operations":[{"id","body"}]} or
    /// a {"sha256": "document"} map) loaded at start; needed by allowlist.
    #[arg(long, env = "API_PERSISTED_QUERIES_FILE")]
    pub persisted_queries_file: Option<std::path::PathBuf>,
    /// With REDIS_URL, seconds a registered persisted query stays in Redis
    /// after its last use.
    #[arg(long, env = "API_APQ_TTL_SECS", default_value_t = d().apq_ttl_secs, value_parser = trimmed::<u64>)]
    pub apq_ttl_secs: u64,
    /// New persisted queries one client may register an hour.
    #[arg(long, env = "API_APQ_REGISTRATIONS_PER_HOUR", default_value_t = d().apq_registrations_per_hour, value_parser = trimmed::<u64>)]
    pub apq_registrations_per_hour: u64,
    /// Registered persisted queries each process keeps in memory (least
    /// recently used dropped first).
    #[arg(long, env = "API_APQ_MEMORY_ENTRIES", default_value_t = d().apq_memory_entries, value_parser = trimmed::<usize>)]
    pub apq_memory_entries: usize,
    /// max-age of public persisted reads over GET, in seconds.
    #[arg(long, env = "API_CACHE_MAX_AGE_SECS", default_value_t = d().cache_max_age_secs, value_parser = trimmed::<u64>)]
    pub cache_max_age_secs: u64,
    /// Send Strict-Transport-Security (behind TLS).
    #[arg(long, env = "API_HSTS", default_value_t = d().hsts, action = ArgAction::Set, value_parser = boolean)]
    pub hsts: bool,
    /// Exact origins allowed to call the API, comma-separated (default none).
    #[arg(long, env = "API_CORS_ORIGINS")]
    pub cors_origins: Option<String>,
    /// Smallest publishable count for ordinary populations (at least 2).
    #[arg(long, env = "SUPPRESS_ORDINARY", default_value_t = d().thresholds.ordinary, value_parser = trimmed::<i64>)]
    pub suppress_ordinary: i64,
    /// Smallest publishable count for sensitive populations (at least
    /// SUPPRESS_ORDINARY).
    #[arg(long, env = "SUPPRESS_SENSITIVE", default_value_t = d().thresholds.sensitive, value_parser = trimmed::<i64>)]
    pub suppress_sensitive: i64,
    /// Secret of the record keys the demo loader derives (HMAC-SHA256;
    /// default: a random secret per load).
    #[arg(long, env = "DISCLOSURE_KEY_SECRET", hide_env_values = true)]
    pub disclosure_key_secret: Option<String>,
    /// development or production; production refuses to start without a
    /// strong JWT_SECRET.
    #[arg(long, env = "APP_ENV", default_value_t = AppEnv::Development, value_parser = trimmed::<AppEnv>)]
    pub app_env: AppEnv,
    /// Key that signs access tokens (at least 32 bytes; in development a
    /// missing one is replaced by a random one per start).
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Lifetime of access tokens, in seconds (5 to 86400; at least 60 in production).
    #[arg(long, env = "JWT_TTL_SECS", default_value_t = d().jwt_ttl_secs, value_parser = trimmed::<i64>)]
    pub jwt_ttl_secs: i64,
    /// Failed log-ins allowed per client address and e-mail a minute (three
    /// times that an hour).
    #[arg(long, env = "LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = d().login_attempts_per_minute, value_parser = trimmed::<u32>)]
    pub login_attempts_per_minute: u32,
    /// Log-in attempts allowed per client address a minute, whatever the e-mail.
    #[arg(long, env = "LOGIN_ATTEMPTS_PER_IP_PER_MINUTE", default_value_t = d().login_attempts_per_ip_per_minute, value_parser = trimmed::<u32>)]
    pub login_attempts_per_ip_per_minute: u32,
    /// The built web site (web/build), served at / for every path the API
    /// does not own (default: none, the API only).
    #[arg(long, env = "WEB_DIR")]
    pub web_dir: Option<std::path::PathBuf>,
    /// GET /metrics needs `Authorization: Bearer <token>` (16+ printable
    /// characters; default: none, open).
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Which log lines are written (tracing's filter syntax).
    #[arg(
        long = "log",
        env = "RUST_LOG",
        default_value = "info,sqlx=warn,sea_orm=warn"
    )]
    pub log_filter: String,
    /// Log lines as text or json.
    #[arg(long, env = "LOG_FORMAT", default_value_t = LogFormat::Text, value_parser = trimmed::<LogFormat>)]
    pub log_format: LogFormat,
    /// on batches related rows per request (DataLoaders); off loads each by
    /// itself (for the benchmark that measures what batching saves).
    #[arg(long, env = "API_DATALOADERS", default_value = "on", action = ArgAction::Set, value_parser = boolean)]
    pub dataloaders: bool,
    /// Milliseconds a DataLoader waits for sibling fields before it runs its batch.
    #[arg(long, env = "API_DATALOADER_DELAY_MS", default_value_t = d().dataloader_delay_ms, value_parser = trimmed::<u64>)]
    pub dataloader_delay_ms: u64,
    /// The IATI organisation identifier the deployment's publisher owns
    /// (e.g. XM-DAC-00000): the reporting-org of the IATI files. Unset, only
    /// programmes with a registered identifier are published; the embedded
    /// demo uses XM-EXAMPLE-PROGRESS-HUB-DEMO. Never another organisation's.
    #[arg(long, env = "IATI_PUBLISHER_PREFIX")]
    pub iati_publisher_prefix: Option<String>,
    /// The publisher's name in reporting-org.
    #[arg(long, env = "IATI_PUBLISHER_NAME", default_value_t = d().iati.name)]
    pub iati_publisher_name: String,
    #[command(flatten)]
    pub webhook: crate::webhooks::WebhookArgs,
    #[command(flatten)]
    pub mail: crate::mail::MailArgs,
}

impl Settings {
    /// The settings from the environment alone.
    pub fn from_env() -> anyhow::Result<Self> {
        use clap::FromArgMatches as _;
        let command = with_env_names(<Settings as clap::Args>::augment_args(
            clap::Command::new("api").no_binary_name(true),
        ));
        let matches = command
            .try_get_matches_from(std::iter::empty::<String>())
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Self::from_arg_matches(&matches)?)
    }
}

/// Prepares a command that holds [`Settings`] for parsing: a variable set to
/// an empty (or blank) value counts as unset, and each value is named by
/// its variable, so an error reads `invalid value 'x' for
/// '--max-depth <API_MAX_DEPTH>'`.
pub fn with_env_names(command: clap::Command) -> clap::Command {
    command.mut_args(|arg| {
        let Some(name) = arg.get_env().map(|n| n.to_os_string()) else {
            return arg;
        };
        let blank = std::env::var_os(&name)
            .is_some_and(|v| v.to_str().is_some_and(|v| v.trim().is_empty()));
        let arg = match name.to_str() {
            Some(n) if arg.get_action().takes_values() => arg.value_name(n.to_string()),
            _ => arg,
        };
        if blank {
            // Rebinding reads the variable again; dropping it leaves the default.
            arg.env(clap::builder::Resettable::Reset)
        } else {
            arg
        }
    })
}

use clap::ArgAction;

/// A value parser that ignores surrounding spaces.
pub(crate) fn trimmed<T: std::str::FromStr>(raw: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    raw.trim().parse().map_err(|e: T::Err| e.to_string())
}

/// A yes/no setting: true, false, on, off, yes, no, 1 or 0.
pub(crate) fn boolean(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Ok(true),
        "false" | "off" | "no" | "0" => Ok(false),
        _ => Err("use true or false (on/off, yes/no, 1/0)".into()),
    }
}

/// `APP_ENV`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppEnv {
    /// Development (the default; `dev` and `test` too).
    Development,
    /// Production (`prod` too).
    Production,
}

impl std::fmt::Display for AppEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Development => "development",
            Self::Production => "production",
        })
    }
}

impl std::str::FromStr for AppEnv {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "development" | "dev" | "test" => Ok(Self::Development),
            "production" | "prod" => Ok(Self::Production),
            _ => Err("use development or production".into()),
        }
    }
}

/// `LOG_FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object a line.
    Json,
}

impl std::fmt::Display for LogFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Text => "text",
            Self::Json => "json",
        })
    }
}

impl std::str::FromStr for LogFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            _ => Err("use text or json".into()),
        }
    }
}

/// How persisted queries are served (`API_PERSISTED_QUERIES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersistedQueries {
    /// Automatic persisted queries: a client may register any document by
    /// its SHA-256 and then send the hash alone.
    Apq,
    /// Only the documents of the manifest run, sent by hash or in full.
    AllowList,
    /// Hashes are not understood; every request sends its document.
    Off,
}

impl std::fmt::Display for PersistedQueries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Apq => "apq",
            Self::AllowList => "allowlist",
            Self::Off => "off",
        })
    }
}

impl std::str::FromStr for PersistedQueries {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "apq" | "on" | "auto" => Ok(Self::Apq),
            "allowlist" | "allow-list" => Ok(Self::AllowList),
            "off" | "none" => Ok(Self::Off),
            other => Err(format!("{other:?}: use apq, allowlist or off")),
        }
    }
}

/// Budgets of cost points per client and window (`RATE_LIMIT_*`).
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct RateLimits {
    /// Whether the budgets are enforced.
    #[arg(long = "rate-limit-enabled", env = "RATE_LIMIT_ENABLED", default_value_t = RateLimits::default().enabled, action = clap::ArgAction::Set, value_parser = boolean)]
    pub enabled: bool,
    /// Length of a budget window.
    #[arg(long = "rate-limit-window-secs", env = "RATE_LIMIT_WINDOW_SECS", default_value_t = RateLimits::default().window_secs, value_parser = trimmed::<u64>)]
    pub window_secs: u64,
    /// Points per window for each anonymous client address.
    #[arg(long = "rate-limit-anonymous", env = "RATE_LIMIT_ANONYMOUS", default_value_t = RateLimits::default().anonymous, value_parser = trimmed::<u64>)]
    pub anonymous: u64,
    /// Points per window for each logged-in user.
    #[arg(long = "rate-limit-user", env = "RATE_LIMIT_USER", default_value_t = RateLimits::default().user, value_parser = trimmed::<u64>)]
    pub user: u64,
    /// Points per window for an API key of rate tier `standard`.
    #[arg(long = "rate-limit-api-key", env = "RATE_LIMIT_API_KEY", default_value_t = RateLimits::default().api_key_standard, value_parser = trimmed::<u64>)]
    pub api_key_standard: u64,
    /// Points per window for an API key of rate tier `high`.
    #[arg(long = "rate-limit-api-key-high", env = "RATE_LIMIT_API_KEY_HIGH", default_value_t = RateLimits::default().api_key_high, value_parser = trimmed::<u64>)]
    pub api_key_high: u64,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            enabled: true,
            window_secs: 60,
            anonymous: 300_000,
            user: 500_000,
            api_key_standard: 500_000,
            api_key_high: 2_000_000,
        }
    }
}

/// The limits of one GraphQL document, in their own module so that the
/// configuration names no GraphQL type.
pub mod limits {

    /// The limits of one document; each is a flag and a variable
    /// (`API_MAX_*`, `API_INTROSPECTION`).
    #[derive(Debug, Clone, clap::Args)]
    pub struct Limits {
        /// Longest document text.
        #[arg(long, env = "API_MAX_DOCUMENT_BYTES", default_value_t = Limits::default().max_document_bytes, value_parser = super::trimmed::<usize>)]
        pub max_document_bytes: usize,
        /// Most lexical tokens in a document (the parser takes about a microsecond a token, so
        /// this bounds its time).
        #[arg(long, env = "API_MAX_TOKENS", default_value_t = Limits::default().max_tokens, value_parser = super::trimmed::<usize>)]
        pub max_tokens: usize,
        /// Deepest nesting of `{`, `[` and `(` in the text (at most 256: the
        /// parser recurses once per level).
        #[arg(long, env = "API_MAX_NESTING", default_value_t = Limits::default().max_nesting, value_parser = super::trimmed::<usize>)]
        pub max_nesting: usize,
        /// Deepest field selection, standard introspection exempt.
        #[arg(long, env = "API_MAX_DEPTH", default_value_t = Limits::default().max_depth, value_parser = super::trimmed::<usize>)]
        pub max_depth: usize,
        /// Most field selections, fragments expanded, aliases and `__typename` included.
        #[arg(long, env = "API_MAX_FIELDS", default_value_t = Limits::default().max_fields, value_parser = super::trimmed::<u64>)]
        pub max_fields: u64,
        /// Most aliases, fragments expanded.
        #[arg(long, env = "API_MAX_ALIASES", default_value_t = Limits::default().max_aliases, value_parser = super::trimmed::<u64>)]
        pub max_aliases: u64,
        /// Most `__typename` selections, fragments expanded.
        #[arg(long, env = "API_MAX_TYPENAME", default_value_t = Limits::default().max_typename, value_parser = super::trimmed::<u64>)]
        pub max_typename: u64,
        /// Most directives on one selection.
        #[arg(long, env = "API_MAX_DIRECTIVES_PER_FIELD", default_value_t = Limits::default().max_directives_per_field, value_parser = super::trimmed::<usize>)]
        pub max_directives_per_field: usize,
        /// Most directives in a document, fragments expanded.
        #[arg(long, env = "API_MAX_DIRECTIVES", default_value_t = Limits::default().max_directives, value_parser = super::trimmed::<u64>)]
        pub max_directives: u64,
        /// Most operations and fragments in a document.
        #[arg(long, env = "API_MAX_DEFINITIONS", default_value_t = Limits::default().max_definitions, value_parser = super::trimmed::<usize>)]
        pub max_definitions: usize,
        /// Highest price of one request.
        #[arg(long, env = "API_MAX_COST", default_value_t = Limits::default().max_cost, value_parser = super::trimmed::<u64>)]
        pub max_cost: u64,
        /// Most errors sent in one response; the rest are replaced by one `TOO_MANY_ERRORS`.
        #[arg(long, env = "API_MAX_ERRORS", default_value_t = Limits::default().max_errors, value_parser = super::trimmed::<usize>)]
        pub max_errors: usize,
        /// Most `and`/`or` branches in one request.
        #[arg(long, env = "API_MAX_FILTER_BRANCHES", default_value_t = Limits::default().max_filter_branches, value_parser = super::trimmed::<usize>)]
        pub max_filter_branches: usize,
        /// Deepest nesting of `and`/`or`.
        #[arg(long, env = "API_MAX_FILTER_NESTING", default_value_t = Limits::default().max_filter_nesting, value_parser = super::trimmed::<usize>)]
        pub max_filter_nesting: usize,
        /// Longest `search` text.
        #[arg(long, env = "API_MAX_SEARCH_CHARS", default_value_t = Limits::default().max_search_chars, value_parser = super::trimmed::<usize>)]
        pub max_search_chars: usize,
        /// Longest text of any other input.
        #[arg(long, env = "API_MAX_TEXT_CHARS", default_value_t = Limits::default().max_text_chars, value_parser = super::trimmed::<usize>)]
        pub max_text_chars: usize,
        /// Most items in one list input.
        #[arg(long, env = "API_MAX_LIST_ITEMS", default_value_t = Limits::default().max_list_items, value_parser = super::trimmed::<usize>)]
        pub max_list_items: usize,
        /// Most input values in one request.
        #[arg(long, env = "API_MAX_INPUT_VALUES", default_value_t = Limits::default().max_input_values, value_parser = super::trimmed::<usize>)]
        pub max_input_values: usize,
        /// Most operations in one batch.
        #[arg(long, env = "API_MAX_BATCH", default_value_t = Limits::default().max_batch, value_parser = super::trimmed::<usize>)]
        pub max_batch: usize,
        /// Whether `__schema` and `__type` are answered (switch it off in production if you
        /// like: the schema stays at `/schema.graphql`).
        #[arg(long, env = "API_INTROSPECTION", default_value_t = Limits::default().introspection, action = clap::ArgAction::Set, value_parser = super::boolean)]
        pub introspection: bool,
    }

    impl Default for Limits {
        fn default() -> Self {
            Self {
                max_document_bytes: 32 * 1024,
                max_tokens: 3_000,
                max_nesting: 32,
                max_depth: 12,
                max_fields: 2000,
                max_aliases: 500,
                max_typename: 1000,
                max_directives_per_field: 4,
                max_directives: 200,
                max_definitions: 100,
                max_cost: 20_000,
                max_errors: 50,
                max_filter_branches: 50,
                max_filter_nesting: 4,
                max_search_chars: 200,
                max_text_chars: 20_000,
                max_list_items: 500,
                max_input_values: 5_000,
                max_batch: 10,
                introspection: true,
            }
        }
    }
}
