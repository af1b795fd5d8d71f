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
    /// Reads the configuration from the environment; every unset variable
    /// takes its default from [`Config::for_database`], the one place
    /// defaults are written.
    pub fn from_env() -> anyhow::Result<Self> {
        let url = std::env::var("DATABASE_URL")
            .ok()
            .filter(|v| !v.trim().is_empty());
        let embedded_default = url.is_none();
        let d =
            Self::for_database(url.unwrap_or_else(|| format!("sqlite://{DEFAULT_SQLITE_PATH}")));
        Self {
            webhooks: crate::webhooks::Settings::from_env()?,
            embedded_default,
            bind: env_parse("API_BIND", SocketAddr::from(([127, 0, 0, 1], 8080)))?,
            max_body_bytes: env_parse("API_MAX_BODY_BYTES", d.max_body_bytes)?,
            limits: Limits::from_env(&d.limits)?,
            rate: RateLimits {
                enabled: env_parse("RATE_LIMIT_ENABLED", d.rate.enabled)?,
                window_secs: env_parse("RATE_LIMIT_WINDOW_SECS", d.rate.window_secs)?,
                anonymous: env_parse("RATE_LIMIT_ANONYMOUS", d.rate.anonymous)?,
                user: env_parse("RATE_LIMIT_USER", d.rate.user)?,
                api_key_standard: env_parse("RATE_LIMIT_API_KEY", d.rate.api_key_standard)?,
                api_key_high: env_parse("RATE_LIMIT_API_KEY_HIGH", d.rate.api_key_high)?,
            },
            redis_url: std::env::var("REDIS_URL")
                .ok()
                .filter(|v| !v.trim().is_empty()),
            redis_prefix: std::env::var("REDIS_PREFIX")
                .ok()
                .filter(|v| !v.is_empty())
                .unwrap_or(d.redis_prefix.clone()),
            persisted_queries: env_parse("API_PERSISTED_QUERIES", d.persisted_queries)?,
            persisted_queries_file: std::env::var_os("API_PERSISTED_QUERIES_FILE")
                .filter(|v| !v.is_empty())
                .map(std::path::PathBuf::from),
            apq_ttl_secs: env_parse("API_APQ_TTL_SECS", d.apq_ttl_secs)?,
            apq_registrations_per_hour: env_parse(
                "API_APQ_REGISTRATIONS_PER_HOUR",
                d.apq_registrations_per_hour,
            )?,
            apq_memory_entries: env_parse("API_APQ_MEMORY_ENTRIES", d.apq_memory_entries)?,
            metrics_token: std::env::var("METRICS_TOKEN")
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty()),
            cache_max_age_secs: env_parse("API_CACHE_MAX_AGE_SECS", d.cache_max_age_secs)?,
            hsts: env_parse("API_HSTS", d.hsts)?,
            trust_forwarded_for: env_parse("API_TRUST_FORWARDED_FOR", d.trust_forwarded_for)?,
            cors_origins: std::env::var("API_CORS_ORIGINS")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            request_timeout_secs: env_parse("API_REQUEST_TIMEOUT_SECS", d.request_timeout_secs)?,
            header_read_timeout_secs: env_parse(
                "API_HEADER_READ_TIMEOUT_SECS",
                d.header_read_timeout_secs,
            )?,
            idle_timeout_secs: env_parse("API_IDLE_TIMEOUT_SECS", d.idle_timeout_secs)?,
            max_connections: env_parse("DATABASE_MAX_CONNECTIONS", d.max_connections)?,
            db_acquire_timeout_secs: env_parse(
                "DATABASE_ACQUIRE_TIMEOUT_SECS",
                d.db_acquire_timeout_secs,
            )?,
            thresholds: Thresholds {
                ordinary: env_parse("SUPPRESS_ORDINARY", d.thresholds.ordinary)?,
                sensitive: env_parse("SUPPRESS_SENSITIVE", d.thresholds.sensitive)?,
            },
            production: match std::env::var("APP_ENV").unwrap_or_default().trim() {
                "" | "development" | "dev" | "test" => false,
                "production" | "prod" => true,
                other => {
                    anyhow::bail!("APP_ENV={other:?} is not valid: use development or production")
                }
            },
            jwt_secret: std::env::var("JWT_SECRET").unwrap_or_default(),
            jwt_ttl_secs: env_parse("JWT_TTL_SECS", d.jwt_ttl_secs)?,
            login_attempts_per_minute: env_parse(
                "LOGIN_ATTEMPTS_PER_MINUTE",
                d.login_attempts_per_minute,
            )?,
            login_attempts_per_ip_per_minute: env_parse(
                "LOGIN_ATTEMPTS_PER_IP_PER_MINUTE",
                d.login_attempts_per_ip_per_minute,
            )?,
            web_dir: std::env::var_os("WEB_DIR")
                .filter(|v| !v.is_empty())
                .map(std::path::PathBuf::from),
            database_read_url: std::env::var("DATABASE_READ_URL")
                .ok()
                .filter(|v| !v.trim().is_empty()),
            read_primary_secs: env_parse("DATABASE_READ_PRIMARY_SECS", d.read_primary_secs)?,
            dataloader_delay_ms: env_parse("API_DATALOADER_DELAY_MS", d.dataloader_delay_ms)?,
            slow_statement_ms: env_parse("API_SLOW_STATEMENT_MS", d.slow_statement_ms)?,
            iati: IatiPublisher {
                prefix: std::env::var("IATI_PUBLISHER_PREFIX")
                    .ok()
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty()),
                name: std::env::var("IATI_PUBLISHER_NAME")
                    .ok()
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .unwrap_or(d.iati.name.clone()),
            },
            dataloaders: match std::env::var("API_DATALOADERS").unwrap_or_default().trim() {
                "" | "on" => true,
                "off" => false,
                other => anyhow::bail!("API_DATALOADERS={other:?} is not valid: use on or off"),
            },
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
        }
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

fn env_parse<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Ok(raw) if !raw.trim().is_empty() => raw
            .trim()
            .parse()
            .map_err(|e| anyhow::anyhow!("{name}={raw:?} is not valid: {e}")),
        _ => Ok(default),
    }
}

pub use limits::Limits;

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimits {
    /// `RATE_LIMIT_ENABLED` (default true).
    pub enabled: bool,
    /// `RATE_LIMIT_WINDOW_SECS`: length of a budget window (default 60).
    pub window_secs: u64,
    /// `RATE_LIMIT_ANONYMOUS`: points per window for each anonymous client
    /// address (default 300000).
    pub anonymous: u64,
    /// `RATE_LIMIT_USER`: points per window for each logged-in user (default 500000).
    pub user: u64,
    /// `RATE_LIMIT_API_KEY`: points per window for an API key of rate tier
    /// `standard` (default 500000).
    pub api_key_standard: u64,
    /// `RATE_LIMIT_API_KEY_HIGH`: points per window for an API key of rate
    /// tier `high` (default 2000000).
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
    use super::env_parse;

    /// The limits of one document; each has a variable, read by [`Limits::from_env`].
    #[derive(Debug, Clone)]
    pub struct Limits {
        /// `API_MAX_DOCUMENT_BYTES`: longest document text (default 32768).
        pub max_document_bytes: usize,
        /// `API_MAX_TOKENS`: most lexical tokens in a document (default 3000; the
        /// parser takes about a microsecond a token, so this bounds its time).
        pub max_tokens: usize,
        /// `API_MAX_NESTING`: deepest nesting of `{`, `[` and `(` in the text
        /// (default 32, at most 256: the parser recurses once per level).
        pub max_nesting: usize,
        /// `API_MAX_DEPTH`: deepest field selection, standard introspection
        /// exempt (default 12).
        pub max_depth: usize,
        /// `API_MAX_FIELDS`: most field selections, fragments expanded,
        /// aliases and `__typename` included (default 2000).
        pub max_fields: u64,
        /// `API_MAX_ALIASES`: most aliases, fragments expanded (default 500).
        pub max_aliases: u64,
        /// `API_MAX_TYPENAME`: most `__typename` selections, fragments expanded (default 1000).
        pub max_typename: u64,
        /// `API_MAX_DIRECTIVES_PER_FIELD`: most directives on one selection (default 4).
        pub max_directives_per_field: usize,
        /// `API_MAX_DIRECTIVES`: most directives in a document, fragments expanded (default 200).
        pub max_directives: u64,
        /// `API_MAX_DEFINITIONS`: most operations and fragments in a document (default 100).
        pub max_definitions: usize,
        /// `API_MAX_COST`: highest price of one request (default 20000).
        pub max_cost: u64,
        /// `API_MAX_ERRORS`: most errors sent in one response; the rest are
        /// replaced by one `TOO_MANY_ERRORS` (default 50).
        pub max_errors: usize,
        /// `API_MAX_FILTER_BRANCHES`: most `and`/`or` branches in one request (default 50).
        pub max_filter_branches: usize,
        /// `API_MAX_FILTER_NESTING`: deepest nesting of `and`/`or` (default 4).
        pub max_filter_nesting: usize,
        /// `API_MAX_SEARCH_CHARS`: longest `search` text (default 200).
        pub max_search_chars: usize,
        /// `API_MAX_TEXT_CHARS`: longest text of any other input (default 20000).
        pub max_text_chars: usize,
        /// `API_MAX_LIST_ITEMS`: most items in one list input (default 500).
        pub max_list_items: usize,
        /// `API_MAX_INPUT_VALUES`: most input values in one request (default 5000).
        pub max_input_values: usize,
        /// `API_MAX_BATCH`: most operations in one batch (default 10).
        pub max_batch: usize,
        /// `API_INTROSPECTION`: whether `__schema` and `__type` are answered
        /// (default true; switch it off in production if you like: the
        /// schema stays at `/schema.graphql`).
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

    impl Limits {
        /// The limits from the environment, `d` for every unset variable.
        pub fn from_env(d: &Self) -> anyhow::Result<Self> {
            Ok(Self {
                max_document_bytes: env_parse("API_MAX_DOCUMENT_BYTES", d.max_document_bytes)?,
                max_tokens: env_parse("API_MAX_TOKENS", d.max_tokens)?,
                max_nesting: env_parse("API_MAX_NESTING", d.max_nesting)?,
                max_depth: env_parse("API_MAX_DEPTH", d.max_depth)?,
                max_fields: env_parse("API_MAX_FIELDS", d.max_fields)?,
                max_aliases: env_parse("API_MAX_ALIASES", d.max_aliases)?,
                max_typename: env_parse("API_MAX_TYPENAME", d.max_typename)?,
                max_directives_per_field: env_parse(
                    "API_MAX_DIRECTIVES_PER_FIELD",
                    d.max_directives_per_field,
                )?,
                max_directives: env_parse("API_MAX_DIRECTIVES", d.max_directives)?,
                max_definitions: env_parse("API_MAX_DEFINITIONS", d.max_definitions)?,
                max_cost: env_parse("API_MAX_COST", d.max_cost)?,
                max_errors: env_parse("API_MAX_ERRORS", d.max_errors)?,
                max_filter_branches: env_parse("API_MAX_FILTER_BRANCHES", d.max_filter_branches)?,
                max_filter_nesting: env_parse("API_MAX_FILTER_NESTING", d.max_filter_nesting)?,
                max_search_chars: env_parse("API_MAX_SEARCH_CHARS", d.max_search_chars)?,
                max_text_chars: env_parse("API_MAX_TEXT_CHARS", d.max_text_chars)?,
                max_list_items: env_parse("API_MAX_LIST_ITEMS", d.max_list_items)?,
                max_input_values: env_parse("API_MAX_INPUT_VALUES", d.max_input_values)?,
                max_batch: env_parse("API_MAX_BATCH", d.max_batch)?,
                introspection: env_parse("API_INTROSPECTION", d.introspection)?,
            })
        }
    }
}
