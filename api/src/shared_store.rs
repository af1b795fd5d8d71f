//! The connection to Redis (`REDIS_URL`) through which replicas of the API
//! share state: rate-limit budgets and log-in counts ([`crate::ratelimit`])
//! and the automatic persisted-query store ([`crate::http::persisted`]).
//! One connection manager per process, opened on first use and reconnecting
//! by itself; callers treat an error as "Redis cannot be reached" and go on
//! without it.

use tokio::sync::OnceCell;

/// A lazily opened, shared connection to one Redis server.
pub struct RedisHandle {
    client: redis::Client,
    conn: OnceCell<redis::aio::ConnectionManager>,
}

impl RedisHandle {
    /// A handle on the server at `url`; fails only on a malformed URL.
    pub fn open(url: &str) -> anyhow::Result<Self> {
        Ok(Self {
            client: redis::Client::open(url)?,
            conn: OnceCell::new(),
        })
    }

    /// The connection (a cheap clone of the shared manager).
    pub async fn conn(&self) -> Result<redis::aio::ConnectionManager, redis::RedisError> {
        self.conn
            .get_or_try_init(|| self.client.get_connection_manager())
            .await
            .cloned()
    }
}
