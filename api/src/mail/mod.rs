//! Sending e-mail: the settings (`MAIL_*`) and the worker that sends the
//! mail outbox over SMTP (`lettre`, tokio with rustls). The outbox is
//! written by `services::mail` in the transaction of each change. With no
//! `MAIL_SMTP_URL`, nothing is sent: the worker marks the messages skipped.

pub mod worker;

use std::time::Duration;

use crate::webhooks::RetrySchedule;

/// Settings of the mail worker (environment variables `MAIL_*`).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `MAIL_SMTP_URL`: the SMTP server, e.g.
    /// `smtps://user:password@mail.example.org:465` or
    /// `smtp://user:password@mail.example.org:587?tls=required` (default:
    /// none, no mail is sent).
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: the sender (default `Programme progress hub <noreply@localhost>`).
    pub from: String,
    /// `MAIL_RETRY_SCHEDULE_SECS`: waits between attempts (default
    /// `60,300,1800,7200,21600,43200`); after the last, the message fails.
    pub retry_schedule: Vec<Duration>,
    /// `MAIL_TIMEOUT_SECS`: time for one SMTP conversation (default 30).
    pub timeout: Duration,
    /// `MAIL_LEASE_SECS`: how long a worker holds a message it is sending
    /// (default 120; more than the timeout).
    pub lease: Duration,
    /// `MAIL_POLL_MS`: how often the worker looks for due messages (default 1000).
    pub poll: Duration,
    /// `MAIL_CHECK_SECS`: how often the worker looks for reports that became
    /// overdue and for weekly digests to gather (default 900).
    pub check: Duration,
    /// `MAIL_BATCH`: messages claimed and sent at once (default 16).
    pub batch: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "Programme progress hub <noreply@localhost>".into(),
            retry_schedule: [60, 300, 1800, 7200, 21_600, 43_200]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
            timeout: Duration::from_secs(30),
            lease: Duration::from_secs(120),
            poll: Duration::from_millis(1000),
            check: Duration::from_secs(900),
            batch: 16,
        }
    }
}

fn d() -> Settings {
    Settings::default()
}

/// The `MAIL_*` settings as flags and variables (see [`Settings`]).
#[derive(clap::Args, Debug, Clone)]
pub struct MailArgs {
    /// SMTP server for e-mail notifications: smtps://user:pass@host:465, or
    /// smtp://user:pass@host:587?tls=required for STARTTLS (plain smtp://
    /// only to a relay on the same machine). Unset: no mail is sent.
    #[arg(long, env = "MAIL_SMTP_URL", hide_env_values = true)]
    pub mail_smtp_url: Option<String>,
    /// Sender of e-mail notifications ("Name <address>"); its domain ends
    /// every Message-ID.
    #[arg(long, env = "MAIL_FROM", default_value_t = d().from)]
    pub mail_from: String,
    /// Seconds between sending attempts of a mail, comma-separated (1 to 50
    /// waits); after the last, the mail fails.
    #[arg(long, env = "MAIL_RETRY_SCHEDULE_SECS", default_value_t = RetrySchedule(d().retry_schedule), value_parser = crate::config::trimmed::<RetrySchedule>)]
    pub mail_retry_schedule_secs: RetrySchedule,
    /// Seconds for one SMTP conversation (at least 1).
    #[arg(long, env = "MAIL_TIMEOUT_SECS", default_value_t = d().timeout.as_secs(), value_parser = crate::config::trimmed::<u64>)]
    pub mail_timeout_secs: u64,
    /// Seconds a worker holds a mail it is sending (more than
    /// MAIL_TIMEOUT_SECS); a process that dies mid-send lets it go after this.
    #[arg(long, env = "MAIL_LEASE_SECS", default_value_t = d().lease.as_secs(), value_parser = crate::config::trimmed::<u64>)]
    pub mail_lease_secs: u64,
    /// Milliseconds between looks for mail to send (at least 10).
    #[arg(long, env = "MAIL_POLL_MS", default_value_t = d().poll.as_millis() as u64, value_parser = crate::config::trimmed::<u64>)]
    pub mail_poll_ms: u64,
    /// Seconds between looks for reports that became overdue and for weekly
    /// digests to gather (at least 1).
    #[arg(long, env = "MAIL_CHECK_SECS", default_value_t = d().check.as_secs(), value_parser = crate::config::trimmed::<u64>)]
    pub mail_check_secs: u64,
    /// Mails claimed and sent at once (1 to 200).
    #[arg(long, env = "MAIL_BATCH", default_value_t = d().batch, value_parser = crate::config::trimmed::<u64>)]
    pub mail_batch: u64,
}

impl Settings {
    /// The settings from their flags and variables, checked.
    pub fn from_args(a: &MailArgs) -> anyhow::Result<Self> {
        let s = Self {
            smtp_url: a
                .mail_smtp_url
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(String::from),
            from: a.mail_from.trim().to_string(),
            retry_schedule: a.mail_retry_schedule_secs.0.clone(),
            timeout: Duration::from_secs(a.mail_timeout_secs),
            lease: Duration::from_secs(a.mail_lease_secs),
            poll: Duration::from_millis(a.mail_poll_ms),
            check: Duration::from_secs(a.mail_check_secs),
            batch: a.mail_batch,
        };
        anyhow::ensure!(
            s.timeout >= Duration::from_secs(1) && s.lease > s.timeout,
            "MAIL_LEASE_SECS must be more than MAIL_TIMEOUT_SECS (at least 1)"
        );
        anyhow::ensure!(
            (1..=200).contains(&s.batch)
                && s.poll >= Duration::from_millis(10)
                && s.check >= Duration::from_secs(1),
            "MAIL_BATCH is 1 to 200, MAIL_POLL_MS at least 10 and MAIL_CHECK_SECS at least 1"
        );
        anyhow::ensure!(
            s.from.parse::<lettre::message::Mailbox>().is_ok(),
            "MAIL_FROM={:?} is not a mail address (\"Name <user@example.org>\")",
            s.from
        );
        if let Some(url) = &s.smtp_url {
            anyhow::ensure!(
                worker::transport(url, s.timeout).is_ok(),
                "MAIL_SMTP_URL is not an SMTP URL (smtps://user:pass@host:465 or smtp://…?tls=required)"
            );
        }
        Ok(s)
    }

    /// The domain of `MAIL_FROM`, which ends every Message-ID.
    pub fn domain(&self) -> String {
        self.from
            .parse::<lettre::message::Mailbox>()
            .map(|m| m.email.domain().to_string())
            .unwrap_or_else(|_| "localhost".into())
    }
}
