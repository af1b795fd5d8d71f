//! The mail worker: in every `api serve` process that runs the background
//! worker (`WEBHOOK_WORKER=on`), it claims due messages of the mail outbox,
//! sends them over SMTP and records the result; every `MAIL_CHECK_SECS` it
//! writes the mail of reports that became overdue and gathers the weekly
//! digests (`services::mail`).
//!
//! A claim takes due messages with `FOR UPDATE SKIP LOCKED` on PostgreSQL
//! (the one writer on SQLite) and sets a lease on them in the same
//! transaction, so each message is sent by one worker at a time. A process
//! killed mid-send never records its result: the lease runs out and a
//! worker sends the same message again, with the same `Message-ID`, the
//! same `Date` and the same bytes, so the recipient's mail system can tell
//! the resend from a new message. With no SMTP server configured, nothing
//! is sent: due messages are marked skipped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{SubsecRound, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use entities::mail_message;

use super::Settings;
use crate::services::mail::{self, state};

/// The SMTP transport of a `MAIL_SMTP_URL`.
pub fn transport(
    url: &str,
    timeout: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, lettre::transport::smtp::Error> {
    Ok(AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
        .timeout(Some(timeout))
        .build())
}

/// The running worker; [`Worker::shutdown`] stops it gracefully.
pub struct Worker {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl Worker {
    /// Starts the worker on the primary database.
    pub fn spawn(db: DatabaseConnection, settings: Settings) -> anyhow::Result<Self> {
        let smtp = match &settings.smtp_url {
            Some(url) => Some(transport(url, settings.timeout)?),
            None => None,
        };
        let (stop, stop_rx) = watch::channel(false);
        let handle = tokio::spawn(run(db, Arc::new(settings), smtp, stop_rx));
        Ok(Self { stop, handle })
    }

    /// Stops claiming, lets the messages in flight finish, and returns.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

async fn run(
    db: DatabaseConnection,
    settings: Arc<Settings>,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    mut stop: watch::Receiver<bool>,
) {
    let mut last_check: Option<Instant> = None;
    loop {
        if *stop.borrow() {
            break;
        }
        let Some(smtp) = &smtp else {
            if let Err(e) = skip_all(&db).await {
                tracing::warn!(error = %e, "marking mail skipped failed");
            }
            tokio::select! {
                _ = stop.changed() => {}
                () = tokio::time::sleep(settings.poll) => {}
            }
            continue;
        };
        if last_check.is_none_or(|t| t.elapsed() >= settings.check) {
            last_check = Some(Instant::now());
            match mail::overdue(&db, Utc::now().date_naive()).await {
                Ok(n) if n > 0 => tracing::info!(messages = n, "overdue reports: mail written"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the overdue check failed"),
            }
            if let Err(e) = mail::digests(&db, Utc::now()).await {
                tracing::warn!(error = %e, "gathering weekly digests failed");
            }
        }
        let claimed = match claim(&db, &settings).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "claiming mail failed");
                Vec::new()
            }
        };
        let full = claimed.len() as u64 >= settings.batch;
        let mut sends = tokio::task::JoinSet::new();
        for (m, lease) in claimed {
            let (db, settings, smtp) = (db.clone(), settings.clone(), smtp.clone());
            sends.spawn(async move {
                let result = send(&smtp, &settings, &m).await;
                if let Err(e) = finish(&db, &settings, &m, lease, result).await {
                    tracing::warn!(error = %e, message = %m.message_id, "recording a mail attempt failed");
                }
            });
        }
        while sends.join_next().await.is_some() {}
        if !full {
            tokio::select! {
                _ = stop.changed() => {}
                () = tokio::time::sleep(settings.poll) => {}
            }
        }
    }
}

/// With no SMTP server: every due message is marked skipped, never sent.
async fn skip_all(db: &DatabaseConnection) -> Result<(), DbErr> {
    let any = mail_message::Entity::find()
        .filter(mail_message::Column::State.eq(state::PENDING))
        .one(db)
        .await?;
    if any.is_some() {
        mail_message::Entity::update_many()
            .col_expr(
                mail_message::Column::State,
                Expr::value(state::SKIPPED.to_string()),
            )
            .col_expr(
                mail_message::Column::LastError,
                Expr::value(Some("not sent: MAIL_SMTP_URL is not set".to_string())),
            )
            .filter(mail_message::Column::State.eq(state::PENDING))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Claims up to a batch of due messages and leases them.
async fn claim(
    db: &DatabaseConnection,
    settings: &Settings,
) -> Result<Vec<(mail_message::Model, chrono::DateTime<Utc>)>, DbErr> {
    let now = Utc::now().trunc_subsecs(3);
    let due = || {
        Condition::all()
            .add(mail_message::Column::State.eq(state::PENDING))
            .add(mail_message::Column::NextAttemptAt.lte(now))
            .add(
                Condition::any()
                    .add(mail_message::Column::LeaseUntil.is_null())
                    .add(mail_message::Column::LeaseUntil.lt(now)),
            )
    };
    // A read first: an idle process takes no write lock (SQLite has one).
    if mail_message::Entity::find()
        .filter(due())
        .one(db)
        .await?
        .is_none()
    {
        return Ok(Vec::new());
    }
    let txn = crate::db::begin_write(db).await?;
    let rows = mail_message::Entity::find()
        .filter(due())
        .order_by_asc(mail_message::Column::NextAttemptAt)
        .order_by_asc(mail_message::Column::Id)
        .limit(settings.batch)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    if rows.is_empty() {
        txn.rollback().await?;
        return Ok(Vec::new());
    }
    let lease = now + chrono::Duration::from_std(settings.lease).unwrap_or_default();
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    mail_message::Entity::update_many()
        .col_expr(mail_message::Column::LeaseUntil, Expr::value(lease))
        .col_expr(
            mail_message::Column::Attempts,
            Expr::col(mail_message::Column::Attempts).add(1),
        )
        .filter(mail_message::Column::Id.is_in(ids))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows
        .into_iter()
        .map(|mut m| {
            m.attempts += 1;
            (m, lease)
        })
        .collect())
}

/// The message as sent: the stored subject and body, the stored
/// `Message-ID`, and the row's creation time as its `Date`, so every
/// attempt sends the same message.
pub fn build(settings: &Settings, m: &mail_message::Model) -> Result<Message, String> {
    let from: Mailbox = settings
        .from
        .parse()
        .map_err(|e| format!("MAIL_FROM: {e}"))?;
    let to: Mailbox = m.recipient.parse().map_err(|e| format!("recipient: {e}"))?;
    Message::builder()
        .message_id(Some(format!("<{}@{}>", m.message_id, settings.domain())))
        .date(std::time::SystemTime::from(m.created_at))
        .from(from)
        .to(to)
        .subject(m.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone())
        .map_err(|e| format!("building the message: {e}"))
}

async fn send(
    smtp: &AsyncSmtpTransport<Tokio1Executor>,
    settings: &Settings,
    m: &mail_message::Model,
) -> Result<(), (String, bool)> {
    // A message that cannot be built never will be: it fails at once.
    let message = build(settings, m).map_err(|e| (e, true))?;
    smtp.send(message).await.map(|_| ()).map_err(|e| {
        let permanent = e.is_permanent();
        let text: String = e.to_string().chars().take(500).collect();
        (text, permanent)
    })
}

/// Records the result while this worker still holds the lease: sent; or
/// due again after the next wait; or failed after the last retry (or at
/// once, when the server refused it for good).
async fn finish(
    db: &DatabaseConnection,
    settings: &Settings,
    m: &mail_message::Model,
    lease: chrono::DateTime<Utc>,
    result: Result<(), (String, bool)>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let mut update = mail_message::Entity::update_many()
        .col_expr(
            mail_message::Column::LeaseUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .filter(mail_message::Column::Id.eq(m.id))
        .filter(mail_message::Column::State.eq(state::PENDING))
        .filter(mail_message::Column::LeaseUntil.eq(lease));
    match result {
        Ok(()) => {
            update = update
                .col_expr(
                    mail_message::Column::State,
                    Expr::value(state::SENT.to_string()),
                )
                .col_expr(mail_message::Column::SentAt, Expr::value(Some(now)))
                .col_expr(
                    mail_message::Column::LastError,
                    Expr::value(Option::<String>::None),
                );
        }
        Err((error, permanent)) => {
            tracing::warn!(message = %m.message_id, %error, "sending a mail failed");
            let attempts = usize::try_from(m.attempts).unwrap_or(0);
            update = update.col_expr(mail_message::Column::LastError, Expr::value(Some(error)));
            if permanent || attempts > settings.retry_schedule.len() {
                update = update.col_expr(
                    mail_message::Column::State,
                    Expr::value(state::FAILED.to_string()),
                );
            } else {
                let wait = settings.retry_schedule[attempts.saturating_sub(1)];
                let next = now + chrono::Duration::from_std(wait).unwrap_or_default();
                update = update.col_expr(mail_message::Column::NextAttemptAt, Expr::value(next));
            }
        }
    }
    update.exec(db).await?;
    Ok(())
}
