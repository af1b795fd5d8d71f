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
    /// `API_MAX_DEPTH`: deepest accepted GraphQL selection (default 12).
    pub max_depth: usize,
    /// `API_MAX_COMPLEXITY`: highest accepted query complexity (default 5000).
    pub max_complexity: usize,
    /// `API_MAX_FIELDS`: most field selections in one document, aliases and
    /// `__typename` included (default 2000).
    pub max_fields: usize,
    /// `API_CORS_ORIGINS`: comma-separated exact origins allowed to call the API (default none).
    pub cors_origins: Vec<String>,
    /// `API_REQUEST_TIMEOUT_SECS`: whole-request time limit (default 30).
    pub request_timeout_secs: u64,
    /// `DATABASE_MAX_CONNECTIONS`: pool size (default 10 for PostgreSQL; SQLite uses 5).
    pub max_connections: u32,
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
    /// `LOGIN_ATTEMPTS_PER_MINUTE`: log-in attempts allowed per email and minute (default 10).
    pub login_attempts_per_minute: u32,
    /// `WEB_DIR`: the built web site (`web/build`), served at `/` for every
    /// path the API does not own (default: none, the API only).
    pub web_dir: Option<std::path::PathBuf>,
    /// `API_DATALOADERS`: `on` (default) batches related rows per request;
    /// `off` loads each one by itself (one statement per key), for the
    /// benchmark that measures what the DataLoaders save.
    pub dataloaders: bool,
    /// `DATABASE_READ_URL`: a PostgreSQL streaming replica of `DATABASE_URL`
    /// that serves requests which write nothing (default: none, all on the primary).
    pub database_read_url: Option<String>,
    /// `DATABASE_READ_PRIMARY_SECS`: after a write, how long the writer's own
    /// reads stay on the primary (default 10; longer than the replica's lag).
    pub read_primary_secs: u64,
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
            embedded_default,
            bind: env_parse("API_BIND", SocketAddr::from(([127, 0, 0, 1], 8080)))?,
            max_body_bytes: env_parse("API_MAX_BODY_BYTES", d.max_body_bytes)?,
            max_depth: env_parse("API_MAX_DEPTH", d.max_depth)?,
            max_complexity: env_parse("API_MAX_COMPLEXITY", d.max_complexity)?,
            max_fields: env_parse("API_MAX_FIELDS", d.max_fields)?,
            cors_origins: std::env::var("API_CORS_ORIGINS")
                .unwrap_or_default()
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            request_timeout_secs: env_parse("API_REQUEST_TIMEOUT_SECS", d.request_timeout_secs)?,
            max_connections: env_parse("DATABASE_MAX_CONNECTIONS", d.max_connections)?,
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
            web_dir: std::env::var_os("WEB_DIR")
                .filter(|v| !v.is_empty())
                .map(std::path::PathBuf::from),
            database_read_url: std::env::var("DATABASE_READ_URL")
                .ok()
                .filter(|v| !v.trim().is_empty()),
            read_primary_secs: env_parse("DATABASE_READ_PRIMARY_SECS", d.read_primary_secs)?,
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
            max_depth: 12,
            max_complexity: 5000,
            max_fields: 2000,
            cors_origins: Vec::new(),
            request_timeout_secs: 30,
            max_connections: 10,
            thresholds: Thresholds::default(),
            production: false,
            jwt_secret: String::new(),
            jwt_ttl_secs: 900,
            login_attempts_per_minute: 10,
            web_dir: None,
            dataloaders: true,
            database_read_url: None,
            read_primary_secs: 10,
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
            self.max_body_bytes >= 1024,
            "API_MAX_BODY_BYTES must be at least 1024"
        );
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
