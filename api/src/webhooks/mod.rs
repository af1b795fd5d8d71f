//! Sending webhooks: the delivery worker that runs in every `api serve`
//! process, the addresses it may reach, and the Standard Webhooks signature.
//! The outbox it reads is written by `services::webhooks::enqueue` in the
//! transaction of each change.

pub mod address;
pub mod signature;
pub mod worker;

use std::time::Duration;

/// Settings of the delivery worker (environment variables `WEBHOOK_*`).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `WEBHOOK_WORKER`: `on` (default) runs the delivery worker and the
    /// change sequencer in this process; `off` leaves them to other replicas.
    pub worker: bool,
    /// `WEBHOOK_ALLOW_PRIVATE`: allow endpoints on private, loopback and
    /// link-local addresses (default false; tests and closed networks only).
    pub allow_private: bool,
    /// `WEBHOOK_RETRY_SCHEDULE_SECS`: waits between attempts, comma-separated
    /// (default `5,300,1800,7200,18000,36000,36000`: eight attempts over
    /// 27 hours); after the last, the message fails and the subscription is
    /// disabled with a notice to administrators.
    pub retry_schedule: Vec<Duration>,
    /// `WEBHOOK_TIMEOUT_SECS`: time for one attempt, connection included (default 10).
    pub timeout: Duration,
    /// `WEBHOOK_LEASE_SECS`: how long a worker holds a message it is sending;
    /// a replica that dies mid-send lets it go after this (default 60; more
    /// than the timeout).
    pub lease: Duration,
    /// `WEBHOOK_POLL_MS`: how often the worker looks for due messages and
    /// numbers new changes for the feed (default 500).
    pub poll: Duration,
    /// `WEBHOOK_BATCH`: messages claimed and sent at once (default 16).
    pub batch: u64,
}

/// Most bytes of a receiver's answer that are read (the rest is dropped).
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024;

impl Default for Settings {
    fn default() -> Self {
        Self {
            worker: true,
            allow_private: false,
            retry_schedule: [5, 300, 1800, 7200, 18_000, 36_000, 36_000]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
            timeout: Duration::from_secs(10),
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(500),
            batch: 16,
        }
    }
}

impl Settings {
    /// Reads `WEBHOOK_*`; unset variables keep their defaults.
    pub fn from_env() -> anyhow::Result<Self> {
        let mut s = Self::default();
        let env_var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let flag = |v: String| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "1" | "true" | "on" | "yes"
            )
        };
        if let Some(v) = env_var("WEBHOOK_WORKER") {
            s.worker = flag(v);
        }
        if let Some(v) = env_var("WEBHOOK_ALLOW_PRIVATE") {
            s.allow_private = flag(v);
        }
        if let Some(v) = env_var("WEBHOOK_RETRY_SCHEDULE_SECS") {
            s.retry_schedule = v
                .split(',')
                .map(|p| p.trim().parse::<u64>().map(Duration::from_secs))
                .collect::<Result<_, _>>()
                .map_err(|_| {
                    anyhow::anyhow!("WEBHOOK_RETRY_SCHEDULE_SECS: seconds, comma-separated")
                })?;
            anyhow::ensure!(
                !s.retry_schedule.is_empty() && s.retry_schedule.len() <= 50,
                "WEBHOOK_RETRY_SCHEDULE_SECS: 1 to 50 waits"
            );
        }
        let env_secs = |name: &str, default: Duration| -> anyhow::Result<Duration> {
            match env_var(name) {
                Some(v) => {
                    Ok(Duration::from_secs(v.trim().parse::<u64>().map_err(
                        |_| anyhow::anyhow!("{name}: a whole number of seconds"),
                    )?))
                }
                None => Ok(default),
            }
        };
        s.timeout = env_secs("WEBHOOK_TIMEOUT_SECS", s.timeout)?;
        s.lease = env_secs("WEBHOOK_LEASE_SECS", s.lease)?;
        if let Some(v) = env_var("WEBHOOK_POLL_MS") {
            s.poll = Duration::from_millis(
                v.trim()
                    .parse::<u64>()
                    .map_err(|_| anyhow::anyhow!("WEBHOOK_POLL_MS: milliseconds"))?,
            );
        }
        if let Some(v) = env_var("WEBHOOK_BATCH") {
            s.batch = v
                .trim()
                .parse::<u64>()
                .map_err(|_| anyhow::anyhow!("WEBHOOK_BATCH: a number"))?;
        }
        anyhow::ensure!(
            s.timeout >= Duration::from_secs(1) && s.lease > s.timeout,
            "WEBHOOK_LEASE_SECS must be more than WEBHOOK_TIMEOUT_SECS (at least 1)"
        );
        anyhow::ensure!(
            (1..=200).contains(&s.batch) && s.poll >= Duration::from_millis(10),
            "WEBHOOK_BATCH is 1 to 200 and WEBHOOK_POLL_MS at least 10"
        );
        Ok(s)
    }
}
