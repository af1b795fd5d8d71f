//! The delivery worker: in every `api serve` process, it numbers new changes
//! for the feed (`services::changes::sequence`), claims due messages, sends
//! them signed, and records every attempt.
//!
//! Several replicas share the outbox: a claim takes due messages with
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL (the one writer on SQLite), and
//! sets a lease on them in the same transaction, so each message is sent by
//! one worker at a time. A replica killed mid-send never records its result:
//! the lease runs out and another worker (or the restarted one) sends the
//! same message again, with the same `webhook-id` and the same bytes, so
//! nothing is lost and a receiver that deduplicates by id sees it once.
//! Graceful shutdown stops claiming and lets the messages in flight finish.

use std::sync::Arc;
use std::time::Instant;

use chrono::{SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, NotSet,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use entities::{webhook_attempt, webhook_delivery, webhook_subscription};

use super::{MAX_RESPONSE_BYTES, Settings, address, signature};
use crate::access::Viewer;
use crate::services::{self, Actor, changes, webhooks::state};

/// The running worker; [`Worker::shutdown`] stops it gracefully.
pub struct Worker {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl Worker {
    /// Starts the worker on the primary database.
    pub fn spawn(db: DatabaseConnection, settings: Settings) -> anyhow::Result<Self> {
        let client = client(&settings)?;
        let (stop, stop_rx) = watch::channel(false);
        let handle = tokio::spawn(run(db, Arc::new(settings), client, stop_rx));
        Ok(Self { stop, handle })
    }

    /// Stops claiming, lets the messages in flight finish (each within the
    /// timeout), and returns.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

/// The HTTP client of webhooks: no redirects, no proxy, timeouts, and a
/// resolver that refuses inside addresses.
pub fn client(settings: &Settings) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(settings.timeout)
        .connect_timeout(settings.timeout.min(std::time::Duration::from_secs(5)))
        .dns_resolver(Arc::new(address::GuardedResolver {
            allow_private: settings.allow_private,
        }))
        .user_agent(concat!("progress-hub-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()?)
}

async fn run(
    db: DatabaseConnection,
    settings: Arc<Settings>,
    client: reqwest::Client,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            break;
        }
        if let Err(e) = changes::sequence(&db).await {
            tracing::warn!(error = %e, "numbering changes failed");
        }
        let claimed = match claim(&db, &settings).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "claiming webhook messages failed");
                Vec::new()
            }
        };
        let full = claimed.len() as u64 >= settings.batch;
        let mut sends = tokio::task::JoinSet::new();
        for (delivery, sub, lease) in claimed {
            let (db, settings, client) = (db.clone(), settings.clone(), client.clone());
            sends.spawn(async move {
                // A programme made private after the change: its messages are not sent.
                match still_public(&db, &delivery).await {
                    Ok(true) => {}
                    Ok(false) => {
                        if let Err(e) = withhold(&db, &delivery, lease).await {
                            tracing::warn!(error = %e, "withholding a webhook message failed");
                        }
                        return;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "checking a webhook message's project failed");
                        return;
                    }
                }
                let result = send(&client, &settings, &sub, &delivery).await;
                if let Err(e) = finish(&db, &settings, &sub, &delivery, lease, result).await {
                    tracing::warn!(error = %e, message = %delivery.message_id, "recording a webhook attempt failed");
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

type Claimed = (
    webhook_delivery::Model,
    webhook_subscription::Model,
    chrono::DateTime<Utc>,
);

/// Claims up to a batch of due messages of enabled subscriptions and leases them.
async fn claim(db: &DatabaseConnection, settings: &Settings) -> Result<Vec<Claimed>, DbErr> {
    let now = Utc::now().trunc_subsecs(3);
    // A read first: an idle process takes no write lock (SQLite has one).
    let any_due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::State.eq(state::PENDING))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .one(db)
        .await?;
    if any_due.is_none() {
        return Ok(Vec::new());
    }
    let txn = crate::db::begin_write(db).await?;
    let enabled = Query::select()
        .column(webhook_subscription::Column::Id)
        .from(webhook_subscription::Entity)
        .and_where(webhook_subscription::Column::Enabled.eq(true))
        .to_owned();
    let due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::State.eq(state::PENDING))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(webhook_delivery::Column::LeaseUntil.is_null())
                .add(webhook_delivery::Column::LeaseUntil.lt(now)),
        )
        .filter(webhook_delivery::Column::SubscriptionId.in_subquery(enabled))
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .order_by_asc(webhook_delivery::Column::Id)
        .limit(settings.batch)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .all(&txn)
        .await?;
    if due.is_empty() {
        txn.rollback().await?;
        return Ok(Vec::new());
    }
    let lease = now + chrono::Duration::from_std(settings.lease).unwrap_or_default();
    let ids: Vec<i64> = due.iter().map(|d| d.id).collect();
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::LeaseUntil, Expr::value(lease))
        .col_expr(
            webhook_delivery::Column::Attempts,
            Expr::col(webhook_delivery::Column::Attempts).add(1),
        )
        .filter(webhook_delivery::Column::Id.is_in(ids))
        .exec(&txn)
        .await?;
    let sub_ids: Vec<i32> = due.iter().map(|d| d.subscription_id).collect();
    let subs = webhook_subscription::Entity::find()
        .filter(webhook_subscription::Column::Id.is_in(sub_ids))
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(due
        .into_iter()
        .filter_map(|mut d| {
            d.attempts += 1;
            let sub = subs.iter().find(|s| s.id == d.subscription_id)?.clone();
            Some((d, sub, lease))
        })
        .collect())
}

/// Whether the change's programme is still public (an API key's class may
/// read it): a message written while it was public is not sent once it is not.
async fn still_public(db: &DatabaseConnection, d: &webhook_delivery::Model) -> Result<bool, DbErr> {
    let Some(change) = entities::change::Entity::find_by_id(d.change_id)
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let Some(project_id) = change.project_id else {
        return Ok(true);
    };
    Ok(entities::project::Entity::find_by_id(project_id)
        .one(db)
        .await?
        .is_some_and(|p| p.is_public))
}

/// Ends a message that may no longer be sent (failed, with the reason; the
/// subscription stays enabled).
async fn withhold(
    db: &DatabaseConnection,
    d: &webhook_delivery::Model,
    lease: chrono::DateTime<Utc>,
) -> Result<(), DbErr> {
    webhook_delivery::Entity::update_many()
        .col_expr(webhook_delivery::Column::State, Expr::value(state::FAILED))
        .col_expr(
            webhook_delivery::Column::LeaseUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value(Some(
                "not sent: the programme is no longer public".to_string(),
            )),
        )
        .filter(webhook_delivery::Column::Id.eq(d.id))
        .filter(webhook_delivery::Column::LeaseUntil.eq(lease))
        .exec(db)
        .await?;
    Ok(())
}

/// What one attempt gave.
struct AttemptResult {
    status: Option<u16>,
    error: Option<String>,
    millis: i32,
}

impl AttemptResult {
    fn delivered(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// Sends a message's stored bytes, signed for this attempt's timestamp.
async fn send(
    client: &reqwest::Client,
    settings: &Settings,
    sub: &webhook_subscription::Model,
    d: &webhook_delivery::Model,
) -> AttemptResult {
    let started = Instant::now();
    let outcome = async {
        // The resolver sees names only: an address written in the URL is checked here.
        let url = address::check_url(&sub.url, settings.allow_private)?;
        let ts = Utc::now().timestamp();
        let sig = signature::sign(&sub.secret, &d.message_id, ts, &d.body)?;
        let mut resp = client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &d.message_id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", sig)
            .body(d.body.clone())
            .send()
            .await
            .map_err(describe)?;
        let status = resp.status().as_u16();
        // Read a little of the answer (keeps the connection reusable), never more.
        let mut read = 0usize;
        while read < MAX_RESPONSE_BYTES {
            match resp.chunk().await {
                Ok(Some(chunk)) => read += chunk.len(),
                _ => break,
            }
        }
        Ok::<u16, String>(status)
    }
    .await;
    let millis = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    match outcome {
        Ok(status) => AttemptResult {
            status: Some(status),
            error: (!(200..300).contains(&status)).then(|| format!("HTTP {status}")),
            millis,
        },
        Err(error) => AttemptResult {
            status: None,
            error: Some(error),
            millis,
        },
    }
}

fn describe(e: reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_redirect() {
        "redirect refused"
    } else {
        "request failed"
    };
    let e = e.without_url();
    let mut text = format!("{kind}: {e}");
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text.chars().take(500).collect()
}

/// Records an attempt, and the message's new state while this worker still
/// holds its lease. A message whose last retry failed fails, and its
/// subscription is disabled with a notice in the audit trail.
async fn finish(
    db: &DatabaseConnection,
    settings: &Settings,
    sub: &webhook_subscription::Model,
    d: &webhook_delivery::Model,
    lease: chrono::DateTime<Utc>,
    result: AttemptResult,
) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let now = Utc::now();
    webhook_attempt::ActiveModel {
        id: NotSet,
        delivery_id: Set(d.id),
        attempted_at: Set(now),
        status_code: Set(result.status.map(i32::from)),
        error: Set(result.error.clone()),
        duration_ms: Set(result.millis),
    }
    .insert(&txn)
    .await?;
    let mine = Condition::all()
        .add(webhook_delivery::Column::Id.eq(d.id))
        .add(webhook_delivery::Column::State.eq(state::PENDING))
        .add(webhook_delivery::Column::LeaseUntil.eq(lease));
    let mut update = webhook_delivery::Entity::update_many()
        .col_expr(
            webhook_delivery::Column::LeaseUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            webhook_delivery::Column::LastStatusCode,
            Expr::value(result.status.map(i32::from)),
        )
        .col_expr(
            webhook_delivery::Column::LastError,
            Expr::value(result.error.clone()),
        )
        .filter(mine);
    let attempts = usize::try_from(d.attempts).unwrap_or(0);
    let exhausted = !result.delivered() && attempts > settings.retry_schedule.len();
    if result.delivered() {
        update = update
            .col_expr(
                webhook_delivery::Column::State,
                Expr::value(state::DELIVERED),
            )
            .col_expr(
                webhook_delivery::Column::DeliveredAt,
                Expr::value(Some(now)),
            );
    } else if exhausted {
        update = update.col_expr(webhook_delivery::Column::State, Expr::value(state::FAILED));
    } else {
        let wait = settings.retry_schedule[attempts.saturating_sub(1)];
        let next = now + chrono::Duration::from_std(wait).unwrap_or_default();
        update = update.col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(next));
    }
    let held = update.exec(&txn).await?.rows_affected > 0;
    if held && exhausted {
        disable(&txn, sub, d).await?;
    }
    txn.commit().await
}

/// Disables a subscription whose message failed every retry, and tells the
/// administrators through the audit trail (`webhook_subscription.disabled`).
async fn disable(
    txn: &sea_orm::DatabaseTransaction,
    sub: &webhook_subscription::Model,
    d: &webhook_delivery::Model,
) -> Result<(), DbErr> {
    let reason = format!(
        "message {} failed every retry (last: {})",
        d.message_id,
        d.last_error.as_deref().unwrap_or("no answer")
    );
    let changed = webhook_subscription::Entity::update_many()
        .col_expr(webhook_subscription::Column::Enabled, Expr::value(false))
        .col_expr(
            webhook_subscription::Column::DisabledReason,
            Expr::value(Some(reason.clone())),
        )
        .col_expr(
            webhook_subscription::Column::DisabledAt,
            Expr::value(Some(Utc::now())),
        )
        .col_expr(
            webhook_subscription::Column::Version,
            Expr::col(webhook_subscription::Column::Version).add(1),
        )
        .filter(webhook_subscription::Column::Id.eq(sub.id))
        .filter(webhook_subscription::Column::Enabled.eq(true))
        .exec(txn)
        .await?
        .rows_affected;
    if changed > 0 {
        tracing::warn!(subscription = sub.id, %reason, "webhook endpoint disabled");
        let system = Actor {
            viewer: Viewer::Anonymous,
            request_id: None,
            thresholds: Default::default(),
        };
        services::audit(
            txn,
            &system,
            "webhook_subscription.disabled",
            "webhook_subscription",
            Some(sub.id),
            None,
            Some(serde_json::json!({ "url": sub.url, "reason": reason })),
        )
        .await?;
    }
    Ok(())
}
