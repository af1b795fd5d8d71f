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

/// The `WEBHOOK_*` settings as flags and variables (see [`Settings`]).
#[derive(clap::Args, Debug, Clone)]
pub struct WebhookArgs {
    /// on runs the webhook delivery worker and the change sequencer in this
    /// process; off leaves them to other replicas.
    #[arg(long, env = "WEBHOOK_WORKER", default_value = "on", action = clap::ArgAction::Set, value_parser = crate::config::boolean)]
    pub webhook_worker: bool,
    /// Allow webhook endpoints on private, loopback and link-local addresses
    /// (tests and closed networks only).
    #[arg(long, env = "WEBHOOK_ALLOW_PRIVATE", default_value_t = Settings::default().allow_private, action = clap::ArgAction::Set, value_parser = crate::config::boolean)]
    pub webhook_allow_private: bool,
    /// Seconds between delivery attempts, comma-separated (1 to 50 waits);
    /// after the last, the message fails and the subscription is disabled.
    #[arg(long, env = "WEBHOOK_RETRY_SCHEDULE_SECS", default_value_t = RetrySchedule(Settings::default().retry_schedule), value_parser = crate::config::trimmed::<RetrySchedule>)]
    pub webhook_retry_schedule_secs: RetrySchedule,
    /// Seconds for one delivery attempt, connection included (at least 1).
    #[arg(long, env = "WEBHOOK_TIMEOUT_SECS", default_value_t = Settings::default().timeout.as_secs(), value_parser = crate::config::trimmed::<u64>)]
    pub webhook_timeout_secs: u64,
    /// Seconds a worker holds a message it is sending (more than
    /// WEBHOOK_TIMEOUT_SECS); a replica that dies mid-send lets it go after this.
    #[arg(long, env = "WEBHOOK_LEASE_SECS", default_value_t = Settings::default().lease.as_secs(), value_parser = crate::config::trimmed::<u64>)]
    pub webhook_lease_secs: u64,
    /// Milliseconds between looks for due messages and new changes (at least 10).
    #[arg(long, env = "WEBHOOK_POLL_MS", default_value_t = Settings::default().poll.as_millis() as u64, value_parser = crate::config::trimmed::<u64>)]
    pub webhook_poll_ms: u64,
    /// Messages claimed and sent at once (1 to 200).
    #[arg(long, env = "WEBHOOK_BATCH", default_value_t = Settings::default().batch, value_parser = crate::config::trimmed::<u64>)]
    pub webhook_batch: u64,
}

/// Waits between attempts (`WEBHOOK_RETRY_SCHEDULE_SECS`): seconds, comma-separated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(pub Vec<Duration>);

impl std::fmt::Display for RetrySchedule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs: Vec<String> = self.0.iter().map(|d| d.as_secs().to_string()).collect();
        f.write_str(&secs.join(","))
    }
}

impl std::str::FromStr for RetrySchedule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let waits = s
            .split(',')
            .map(|p| p.trim().parse::<u64>().map(Duration::from_secs))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| "seconds, comma-separated".to_string())?;
        if waits.is_empty() || waits.len() > 50 {
            return Err("1 to 50 waits".into());
        }
        Ok(Self(waits))
    }
}

impl Settings {
    /// The settings from their flags and variables, checked.
    pub fn from_args(a: &WebhookArgs) -> anyhow::Result<Self> {
        let s = Self {
            worker: a.webhook_worker,
            allow_private: a.webhook_allow_private,
            retry_schedule: a.webhook_retry_schedule_secs.0.clone(),
            timeout: Duration::from_secs(a.webhook_timeout_secs),
            lease: Duration::from_secs(a.webhook_lease_secs),
            poll: Duration::from_millis(a.webhook_poll_ms),
            batch: a.webhook_batch,
        };
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
