//! Budgets of points that refill continuously (GCRA, the generic cell rate
//! algorithm: a token bucket kept as one "theoretical arrival time"), kept in
//! memory or, with `REDIS_URL`, in Redis so that every replica of the API
//! spends from the same budget.
//!
//! Used for the cost budgets of GraphQL requests (per IP, API key and user,
//! see `http::graphql`) and for log-in throttling (`auth::LoginThrottle`).
//! A budget of `limit` points per `window_secs` holds at most `limit` points
//! (its burst equals its limit) and regains `limit / window_secs` points a
//! second, so no interval of `d` seconds admits more than
//! `limit + limit·d/window_secs` points: a window boundary never lets twice
//! the limit through (fixed clock-aligned windows did: 45 log-ins in 2 s
//! against 30 a minute, issue 18).
//!
//! Both stores run the same arithmetic ([`gcra`]; `SPEND_SCRIPT` is its Lua
//! twin, using Redis's clock so replicas need not agree on theirs), in
//! integers: time in milliseconds, scaled by the limit so a point's interval
//! (`window / limit`) needs no division. Redis spends with one script (read,
//! compare, set with an expiry) so two replicas never both spend the last
//! points. When Redis cannot be reached the request is allowed and the
//! failure logged and counted: a broken cache must not take the API down.
//!
//! `governor` (also GCRA) is not used for the memory side: its quota is fixed
//! per limiter while limits here vary per call (tiers, log-in), it cannot ask
//! "would this fit?" without spending, and the two stores must answer the same
//! `remaining` and `Retry-After` to the point.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::shared_store::RedisHandle;

/// Largest limit a budget takes: the scaled arithmetic (`window_ms × limit`)
/// stays exact in Lua's doubles (below 2^53) for windows up to a day.
pub const MAX_LIMIT: u64 = 10_000_000;

/// The outcome of spending from a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spend {
    /// The points were spent (or, for [`Budgets::check`], would fit).
    pub allowed: bool,
    /// Points of the budget (its burst; it refills `limit` per window).
    pub limit: u64,
    /// Whole points left after the spend (or before a refusal).
    pub remaining: u64,
    /// After a refusal, seconds until the points asked for are there (the
    /// `Retry-After`, at most a window); otherwise seconds until the budget
    /// is full again.
    pub reset_secs: u64,
}

/// One GCRA step in integers, as `SPEND_SCRIPT` does it. `occupied_ms` is
/// how far the budget's theoretical arrival time lies ahead of now (0 when
/// full). Returns whether `cost` points fit and the scaled occupation
/// (`ms × limit`) after the spend, or before it on a refusal.
pub fn gcra(occupied_ms: u64, cost: u64, limit: u64, window_ms: u64) -> (bool, u64) {
    let (limit, window_ms) = (u128::from(limit), u128::from(window_ms));
    let occupied = u128::from(occupied_ms).min(window_ms) * limit;
    let wanted = occupied + u128::from(cost) * window_ms;
    if wanted <= window_ms * limit {
        (true, wanted as u64)
    } else {
        (false, occupied as u64)
    }
}

/// What a spend reports, from the outcome of [`gcra`] (or of the script).
fn report(allowed: bool, scaled: u64, cost: u64, limit: u64, window_ms: u64) -> Spend {
    let (l, w) = (u128::from(limit), u128::from(window_ms));
    let capacity = w * l;
    let scaled = u128::from(scaled).min(capacity);
    // Scaled milliseconds to whole seconds, rounded up.
    let secs = |s: u128| s.div_ceil(l * 1000) as u64;
    Spend {
        allowed,
        limit,
        remaining: ((capacity - scaled) / w) as u64,
        reset_secs: if allowed {
            secs(scaled)
        } else {
            // A cost above the limit never fits: say when the budget is
            // whole, at most a window away.
            secs(
                (scaled + u128::from(cost) * w)
                    .saturating_sub(capacity)
                    .min(capacity),
            )
        },
    }
}

/// The Lua twin of [`gcra`]: `KEYS[1]` holds the theoretical arrival time
/// in Redis milliseconds; `ARGV` = cost, limit, window in ms, and `1` to
/// spend or `0` to only ask. Returns `{allowed, scaled occupation after}`.
const SPEND_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local occupied = tat - now
if occupied < 0 then occupied = 0 end
if occupied > window then occupied = window end
local scaled = occupied * limit
local wanted = scaled + cost * window
if wanted > window * limit then
  return {0, scaled}
end
if ARGV[4] == '1' and cost > 0 then
  local ahead = math.floor(wanted / limit)
  redis.call('SET', KEYS[1], string.format('%d', now + ahead), 'PX', ahead + 1000)
end
return {1, wanted}
";

enum Store {
    /// Each key's theoretical arrival time, in ms of [`Budgets::clock`].
    Memory(Mutex<HashMap<String, u64>>),
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
    /// The memory store's clock in ms (the system clock; tests move it).
    clock: Box<dyn Fn() -> u64 + Send + Sync>,
    /// Spends that could not reach Redis and were allowed.
    pub store_errors: AtomicU64,
}

fn system_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl Budgets {
    /// Budgets in this process's memory.
    pub fn in_memory() -> Self {
        Self::in_memory_with_clock(system_ms)
    }

    /// Budgets in memory, with time (in ms) read from `clock`.
    pub fn in_memory_with_clock(clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        Self {
            store: Store::Memory(Mutex::new(HashMap::new())),
            prefix: String::new(),
            clock: Box::new(clock),
            store_errors: AtomicU64::new(0),
        }
    }

    /// Budgets in Redis at `url`, every key under `prefix`. Connects on first
    /// use (and reconnects by itself).
    pub fn redis(url: &str, prefix: &str) -> anyhow::Result<Self> {
        Ok(Self::in_redis(Arc::new(RedisHandle::open(url)?), prefix))
    }

    /// Budgets in the Redis of `handle` (shared with the persisted-query
    /// store), every key under `prefix`. Time is Redis's clock.
    pub fn in_redis(handle: Arc<RedisHandle>, prefix: &str) -> Self {
        Self {
            store: Store::Redis(Box::new(RedisStore {
                handle,
                script: redis::Script::new(SPEND_SCRIPT),
            })),
            prefix: prefix.to_string(),
            clock: Box::new(system_ms),
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
        self.take(key, cost, limit, window_secs, true).await
    }

    /// Whether `cost` points of `key` are there now; spends nothing.
    pub async fn check(&self, key: &str, cost: u64, limit: u64, window_secs: u64) -> Spend {
        self.take(key, cost, limit, window_secs, false).await
    }

    async fn take(
        &self,
        key: &str,
        cost: u64,
        limit: u64,
        window_secs: u64,
        commit: bool,
    ) -> Spend {
        let limit = limit.clamp(1, MAX_LIMIT);
        let window_ms = window_secs.clamp(1, 86_400) * 1000;
        let (allowed, scaled) = match &self.store {
            Store::Memory(map) => {
                let now = (self.clock)();
                let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
                if map.len() > 100_000 {
                    // Full budgets need no entry.
                    map.retain(|_, tat| *tat > now);
                }
                let occupied = map.get(key).map_or(0, |tat| tat.saturating_sub(now));
                let (allowed, scaled) = gcra(occupied, cost, limit, window_ms);
                if allowed && commit && cost > 0 {
                    map.insert(key.to_string(), now + scaled / limit);
                }
                (allowed, scaled)
            }
            Store::Redis(redis) => {
                let RedisStore { handle, script } = redis.as_ref();
                let redis_key = format!("{}gcra:{key}", self.prefix);
                let result: Result<(u64, u64), redis::RedisError> = async {
                    let mut conn = handle.conn().await?;
                    script
                        .key(&redis_key)
                        .arg(cost)
                        .arg(limit)
                        .arg(window_ms)
                        .arg(if commit { "1" } else { "0" })
                        .invoke_async(&mut conn)
                        .await
                }
                .await;
                match result {
                    Ok((ok, scaled)) => (ok == 1, scaled),
                    Err(e) => {
                        self.store_errors.fetch_add(1, Ordering::Relaxed);
                        tracing::warn!(error = %e, "rate-limit store unreachable: allowing the request");
                        (true, 0)
                    }
                }
            }
        };
        report(allowed, scaled, cost, limit, window_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    #[tokio::test]
    async fn a_budget_refuses_what_it_does_not_have_and_spends_nothing_then() {
        let b = Budgets::in_memory_with_clock(|| 1_000_000);
        let s = b.spend("k", 60, 100, 3600).await;
        assert!(s.allowed);
        assert_eq!(s.remaining, 40);
        let s = b.spend("k", 50, 100, 3600).await;
        assert!(!s.allowed);
        assert_eq!(s.remaining, 40);
        // 10 points are missing; 100 points an hour come back one per 36 s.
        assert_eq!(s.reset_secs, 360);
        assert!(b.check("k", 40, 100, 3600).await.allowed);
        assert!(b.spend("k", 40, 100, 3600).await.allowed);
        assert!(!b.check("k", 1, 100, 3600).await.allowed);
        assert!(b.spend("other", 100, 100, 3600).await.allowed);
    }

    #[tokio::test]
    async fn points_come_back_one_interval_at_a_time_not_all_at_a_boundary() {
        let now = Arc::new(AtomicU64::new(0));
        let clock = now.clone();
        let b = Budgets::in_memory_with_clock(move || clock.load(Ordering::Relaxed));
        // 30 a minute: one point every 2 s, at most 30 at once.
        for _ in 0..30 {
            assert!(b.spend("login", 1, 30, 60).await.allowed);
        }
        let refused = b.spend("login", 1, 30, 60).await;
        assert!(!refused.allowed);
        assert_eq!(
            refused.reset_secs, 2,
            "Retry-After is when one point is back"
        );
        now.store(1_999, Ordering::Relaxed);
        assert!(!b.spend("login", 1, 30, 60).await.allowed);
        now.store(2_000, Ordering::Relaxed);
        assert!(b.spend("login", 1, 30, 60).await.allowed);
        assert!(!b.spend("login", 1, 30, 60).await.allowed);
        // A full window later the budget is whole again, and no fuller.
        now.store(200_000, Ordering::Relaxed);
        let s = b.check("login", 0, 30, 60).await;
        assert_eq!((s.remaining, s.reset_secs), (30, 0));
    }
}
