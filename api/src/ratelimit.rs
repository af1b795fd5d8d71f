//! Budgets of points per fixed time window, kept in memory or, with
//! `REDIS_URL`, in Redis so that every replica of the API spends from the
//! same budget.
//!
//! Used for the cost budgets of GraphQL requests (per IP, API key and user,
//! see `http::graphql`) and for log-in throttling (`auth::LoginThrottle`).
//! A window is `window_secs` long and aligned to the epoch, so replicas agree
//! on it without talking. Redis spends with one Lua script (read, compare,
//! add, set the expiry) so two replicas never both spend the last points.
//! When Redis cannot be reached the request is allowed and the failure
//! logged and counted: a broken cache must not take the API down.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::shared_store::RedisHandle;

/// The outcome of spending from a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spend {
    /// The points were spent.
    pub allowed: bool,
    /// Points of the budget per window.
    pub limit: u64,
    /// Points left in this window after the spend (or before a refusal).
    pub remaining: u64,
    /// Seconds until the window resets.
    pub reset_secs: u64,
}

const SPEND_SCRIPT: &str = r"
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local cost = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
if used + cost > limit then
  return {0, used}
end
used = redis.call('INCRBY', KEYS[1], cost)
if used == cost then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
end
return {1, used}
";

enum Store {
    Memory(Mutex<HashMap<String, (u64, u64)>>),
    Redis(Box<RedisStore>),
}

struct RedisStore {
    handle: Arc<RedisHandle>,
    script: redis::Script,
}

/// A set of budgets, named by key, in one store.
pub struct Budgets {
    store: Store,
    prefix: String,
    /// Spends that could not reach Redis and were allowed.
    pub store_errors: AtomicU64,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Budgets {
    /// Budgets in this process's memory.
    pub fn in_memory() -> Self {
        Self {
            store: Store::Memory(Mutex::new(HashMap::new())),
            prefix: String::new(),
            store_errors: AtomicU64::new(0),
        }
    }

    /// Budgets in Redis at `url`, every key under `prefix`. Connects on first
    /// use (and reconnects by itself).
    pub fn redis(url: &str, prefix: &str) -> anyhow::Result<Self> {
        Ok(Self::in_redis(Arc::new(RedisHandle::open(url)?), prefix))
    }

    /// Budgets in the Redis of `handle` (shared with the persisted-query
    /// store), every key under `prefix`.
    pub fn in_redis(handle: Arc<RedisHandle>, prefix: &str) -> Self {
        Self {
            store: Store::Redis(Box::new(RedisStore {
                handle,
                script: redis::Script::new(SPEND_SCRIPT),
            })),
            prefix: prefix.to_string(),
            store_errors: AtomicU64::new(0),
        }
    }

    /// `"memory"` or `"redis"`.
    pub fn backend(&self) -> &'static str {
        match self.store {
            Store::Memory(_) => "memory",
            Store::Redis(_) => "redis",
        }
    }

    /// Spends `cost` points from the budget `key` of `limit` points per
    /// `window_secs`; refuses (spending nothing) when they are not all there.
    pub async fn spend(&self, key: &str, cost: u64, limit: u64, window_secs: u64) -> Spend {
        let window_secs = window_secs.max(1);
        let now = now_secs();
        let window = now / window_secs;
        let reset_secs = (window + 1) * window_secs - now;
        let (allowed, used) = match &self.store {
            Store::Memory(map) => {
                let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
                if map.len() > 100_000 {
                    map.retain(|_, (w, _)| *w == window);
                }
                let entry = map.entry(key.to_string()).or_insert((window, 0));
                if entry.0 != window {
                    *entry = (window, 0);
                }
                if entry.1.saturating_add(cost) > limit {
                    (false, entry.1)
                } else {
                    entry.1 += cost;
                    (true, entry.1)
                }
            }
            Store::Redis(redis) => {
                let RedisStore { handle, script } = redis.as_ref();
                let redis_key = format!("{}{key}:{window}", self.prefix);
                let result: Result<(u64, u64), redis::RedisError> = async {
                    let mut conn = handle.conn().await?;
                    script
                        .key(&redis_key)
                        .arg(cost)
                        .arg(limit)
                        .arg(window_secs + 1)
                        .invoke_async(&mut conn)
                        .await
                }
                .await;
                match result {
                    Ok((ok, used)) => (ok == 1, used),
                    Err(e) => {
                        self.store_errors.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(error = %e, "rate-limit store unreachable: allowing the request");
                        (true, 0)
                    }
                }
            }
        };
        Spend {
            allowed,
            limit,
            remaining: limit.saturating_sub(used),
            reset_secs,
        }
    }

    /// Points spent from `key` in this window (nothing is spent).
    pub async fn used(&self, key: &str, window_secs: u64) -> u64 {
        let s = self.spend(key, 0, u64::MAX, window_secs).await;
        u64::MAX - s.remaining
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_budget_refuses_what_it_does_not_have_and_spends_nothing_then() {
        let b = Budgets::in_memory();
        let s = b.spend("k", 60, 100, 3600).await;
        assert!(s.allowed);
        assert_eq!(s.remaining, 40);
        let s = b.spend("k", 50, 100, 3600).await;
        assert!(!s.allowed);
        assert_eq!(s.remaining, 40);
        assert!(b.spend("k", 40, 100, 3600).await.allowed);
        assert!(b.spend("other", 100, 100, 3600).await.allowed);
        assert_eq!(b.used("k", 3600).await, 100);
    }
}
