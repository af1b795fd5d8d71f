//! Webhook subscriptions (admins) and the outbox: [`enqueue`] writes one
//! message per subscription that wants a change, in the change's own
//! transaction, with its body serialised once; the delivery worker
//! (`crate::webhooks`) sends those bytes, signed, until the receiver takes
//! them. A subscription belongs to an API key and its payloads are written
//! for that key's viewer class: public projects only, and no figures at all
//! (a payload names what changed; the receiver reads the protected figures
//! through GraphQL with its key).

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use entities::{api_key, change, project, webhook_delivery, webhook_subscription};

use super::changes::{Audience, global_id, node_type_name};
use super::*;
use crate::webhooks::address;

/// Message states.
pub mod state {
    /// Waiting for its next attempt.
    pub const PENDING: &str = "pending";
    /// The receiver answered 2xx.
    pub const DELIVERED: &str = "delivered";
    /// Every retry failed (more than a day); a replay sends it again.
    pub const FAILED: &str = "failed";
}

/// The `webhook-id` of the message of a change to a subscription: stable,
/// so a receiver deduplicates retries and replays by it.
pub fn message_id(subscription_id: i32, change_id: i64) -> String {
    format!("msg_{subscription_id}_{change_id}")
}

/// The body of a change's message, in the Standard Webhooks shape
/// (`type`, `timestamp`, `data`). It names what changed and carries no figure.
pub fn body(change: &change::Model, project: Option<&project::Model>) -> String {
    let entity = match (node_type_name(&change.entity_type), change.entity_id) {
        (Some(t), Some(id)) => Some(global_id(t, id)),
        _ => None,
    };
    let value = serde_json::json!({
        "type": change.kind,
        "timestamp": change.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "data": {
            "change": change.id.to_string(),
            "dataVersion": change.audit_id,
            "entityType": change.entity_type,
            "id": entity,
            "project": project.map(|p| global_id("Project", p.id)),
            "projectSlug": project.map(|p| p.slug.clone()),
        }
    });
    value.to_string()
}

fn wants(list: &serde_json::Value, wanted: impl Fn(&serde_json::Value) -> bool) -> bool {
    match list.as_array() {
        Some(items) if !items.is_empty() => items.iter().any(wanted),
        _ => true,
    }
}

/// Writes the messages of a change for every subscription that wants it, in
/// the caller's transaction. Only changes an API key may read are sent
/// (public reference data, public projects); disabled subscriptions get
/// their messages too and receive them once enabled again, so a pause loses
/// nothing.
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    change: &change::Model,
    audience: Audience,
) -> Result<(), DbErr> {
    if !matches!(audience, Audience::Public | Audience::Project) {
        return Ok(());
    }
    let subscriptions = webhook_subscription::Entity::find()
        .filter(
            webhook_subscription::Column::ApiKeyId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(api_key::Column::Id)
                    .from(api_key::Entity)
                    .and_where(api_key::Column::RevokedAt.is_null())
                    .to_owned(),
            ),
        )
        .all(db)
        .await?;
    if subscriptions.is_empty() {
        return Ok(());
    }
    let project = match change.project_id {
        Some(id) => match project::Entity::find_by_id(id).one(db).await? {
            // The key's class reads public projects only.
            Some(p) if p.is_public => Some(p),
            _ => return Ok(()),
        },
        None => None,
    };
    let body = body(change, project.as_ref());
    let now = Utc::now();
    for sub in subscriptions {
        let kind_ok = wants(&sub.event_kinds, |k| {
            k.as_str().is_some_and(|k| {
                k == change.kind
                    || k.strip_suffix(".*")
                        .is_some_and(|p| change.kind.starts_with(&format!("{p}.")))
            })
        });
        let project_ok = wants(&sub.project_ids, |p| {
            p.as_i64().is_some() && p.as_i64() == change.project_id.map(i64::from)
        });
        if !(kind_ok && project_ok) {
            continue;
        }
        webhook_delivery::ActiveModel {
            id: NotSet,
            message_id: Set(message_id(sub.id, change.id)),
            subscription_id: Set(sub.id),
            change_id: Set(change.id),
            event_type: Set(change.kind.clone()),
            body: Set(body.clone()),
            state: Set(state::PENDING.into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            lease_until: Set(None),
            last_status_code: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            delivered_at: Set(None),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// A new subscription (plain ids, decoded by the GraphQL layer).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewSubscription {
    /// The API key whose client receives the events.
    pub api_key_id: i32,
    /// The endpoint.
    pub url: String,
    /// Kinds wanted (`event.create`, `attendance.*`); empty for all.
    pub event_kinds: Vec<String>,
    /// Projects wanted; empty for every public project.
    pub project_ids: Vec<i32>,
}

/// A change to a subscription; `None` keeps a value.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct SubscriptionChange {
    /// The endpoint.
    pub url: Option<String>,
    /// Kinds wanted.
    pub event_kinds: Option<Vec<String>>,
    /// Projects wanted.
    pub project_ids: Option<Vec<i32>>,
    /// Enable or disable.
    pub enabled: Option<bool>,
}

/// Most event kinds and projects one subscription may name.
pub const MAX_FILTER_ITEMS: usize = 50;

fn check_url(url: &str, allow_private: bool, errors: &mut Vec<UserError>) {
    if let Err(message) = address::check_url(url, allow_private) {
        errors.push(UserError::new(
            &["input", "url"],
            UserErrorCode::Invalid,
            message,
        ));
    }
}

fn check_kinds(kinds: &[String], errors: &mut Vec<UserError>) {
    if kinds.len() > MAX_FILTER_ITEMS {
        errors.push(UserError::new(
            &["input", "eventKinds"],
            UserErrorCode::ValueOutOfRange,
            format!("name at most {MAX_FILTER_ITEMS} event kinds"),
        ));
    }
    for (i, k) in kinds.iter().enumerate() {
        let core = k.strip_suffix(".*").unwrap_or(k);
        let ok = !core.is_empty()
            && k.len() <= 100
            && core.split('.').all(|part| {
                !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            });
        if !ok {
            errors.push(UserError::new(
                &["input", "eventKinds", &i.to_string()],
                UserErrorCode::Invalid,
                "an event kind looks like event.create or attendance.*",
            ));
        }
    }
}

async fn check_projects<C: ConnectionTrait>(
    db: &C,
    ids: &[i32],
    errors: &mut Vec<UserError>,
) -> Result<(), DbErr> {
    if ids.len() > MAX_FILTER_ITEMS {
        errors.push(UserError::new(
            &["input", "projectIds"],
            UserErrorCode::ValueOutOfRange,
            format!("name at most {MAX_FILTER_ITEMS} projects"),
        ));
        return Ok(());
    }
    for (i, id) in ids.iter().enumerate() {
        if project::Entity::find_by_id(*id).one(db).await?.is_none() {
            errors.push(UserError::new(
                &["input", "projectIds", &i.to_string()],
                UserErrorCode::NotFound,
                "no such project",
            ));
        }
    }
    Ok(())
}

/// A fresh signing secret in the Standard Webhooks format: `whsec_` and the
/// base64 of 24 random bytes.
pub fn generate_secret() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// Creates a subscription (admins); the secret is in the outcome, shown once.
pub async fn create_subscription<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &NewSubscription,
    allow_private: bool,
) -> ServiceResult<Outcome> {
    super::admin::require_admin(actor)?;
    let mut errors = Vec::new();
    check_url(&input.url, allow_private, &mut errors);
    check_kinds(&input.event_kinds, &mut errors);
    check_projects(db, &input.project_ids, &mut errors).await?;
    let key = api_key::Entity::find_by_id(input.api_key_id)
        .one(db)
        .await?;
    if key.is_none_or(|k| k.revoked_at.is_some()) {
        errors.push(UserError::new(
            &["input", "apiKeyId"],
            UserErrorCode::NotFound,
            "no such active API key",
        ));
    }
    check(errors)?;
    let secret = generate_secret();
    let created = webhook_subscription::ActiveModel {
        id: NotSet,
        api_key_id: Set(input.api_key_id),
        url: Set(input.url.trim().to_string()),
        secret: Set(secret.clone()),
        event_kinds: Set(serde_json::json!(input.event_kinds)),
        project_ids: Set(serde_json::json!(input.project_ids)),
        enabled: Set(true),
        disabled_reason: Set(None),
        disabled_at: Set(None),
        created_by: Set(actor.user_id()),
        created_at: Set(Utc::now()),
        version: Set(1),
    }
    .insert(db)
    .await?;
    audit(
        db,
        actor,
        "webhook_subscription.create",
        "webhook_subscription",
        Some(created.id),
        None,
        Some(serde_json::json!({
            "url": created.url, "apiKeyId": created.api_key_id,
            "eventKinds": created.event_kinds, "projectIds": created.project_ids,
        })),
    )
    .await?;
    Ok(Outcome {
        id: Some(created.id),
        secret: Some(secret),
        ..Outcome::default()
    })
}

/// Changes a subscription (admins); CONFLICT when `version` is stale.
/// Enabling it again clears the reason it was disabled for.
pub async fn update_subscription<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &SubscriptionChange,
    allow_private: bool,
) -> ServiceResult<Outcome> {
    super::admin::require_admin(actor)?;
    let Some(before) = webhook_subscription::Entity::find_by_id(id).one(db).await? else {
        return Err(
            UserError::new(&["id"], UserErrorCode::NotFound, "no such subscription").into(),
        );
    };
    let mut errors = Vec::new();
    if let Some(url) = &input.url {
        check_url(url, allow_private, &mut errors);
    }
    if let Some(kinds) = &input.event_kinds {
        check_kinds(kinds, &mut errors);
    }
    if let Some(projects) = &input.project_ids {
        check_projects(db, projects, &mut errors).await?;
    }
    check(errors)?;
    let mut change = webhook_subscription::ActiveModel {
        version: Set(version + 1),
        ..Default::default()
    };
    if let Some(url) = &input.url {
        change.url = Set(url.trim().to_string());
    }
    if let Some(kinds) = &input.event_kinds {
        change.event_kinds = Set(serde_json::json!(kinds));
    }
    if let Some(projects) = &input.project_ids {
        change.project_ids = Set(serde_json::json!(projects));
    }
    if let Some(enabled) = input.enabled {
        change.enabled = Set(enabled);
        if enabled {
            change.disabled_reason = Set(None);
            change.disabled_at = Set(None);
        } else if before.enabled {
            change.disabled_reason = Set(Some("disabled by an administrator".into()));
            change.disabled_at = Set(Some(Utc::now()));
        }
    }
    let ok = compare_and_set::<webhook_subscription::Entity, _>(
        db,
        change,
        (webhook_subscription::Column::Id, id),
        (webhook_subscription::Column::Version, version),
    )
    .await?;
    if !ok {
        return Err(conflict(&["version"], "subscription"));
    }
    audit(
        db,
        actor,
        "webhook_subscription.update",
        "webhook_subscription",
        Some(id),
        Some(
            serde_json::json!({"url": before.url, "enabled": before.enabled,
            "eventKinds": before.event_kinds, "projectIds": before.project_ids}),
        ),
        snapshot(input),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Sends a message again (admins): back to pending, due now, with the same
/// id and the same bytes. A delivered message is sent once more (a receiver
/// that lost it asks for it); the receiver deduplicates by `webhook-id`.
pub async fn replay<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    message_id: &str,
) -> ServiceResult<Outcome> {
    super::admin::require_admin(actor)?;
    let Some(found) = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::MessageId.eq(message_id))
        .one(db)
        .await?
    else {
        return Err(UserError::new(&["id"], UserErrorCode::NotFound, "no such message").into());
    };
    webhook_delivery::ActiveModel {
        id: Set(found.id),
        state: Set(state::PENDING.into()),
        attempts: Set(0),
        next_attempt_at: Set(Utc::now()),
        lease_until: Set(None),
        ..Default::default()
    }
    .update(db)
    .await?;
    audit(
        db,
        actor,
        "webhook_delivery.replay",
        "webhook_delivery",
        i32::try_from(found.id).ok(),
        None,
        Some(serde_json::json!({ "messageId": found.message_id })),
    )
    .await?;
    Ok(Outcome::changed(found.subscription_id))
}

/// Subscriptions, newest first (admins).
pub async fn subscriptions<C: ConnectionTrait>(
    db: &C,
    viewer: &crate::access::Viewer,
) -> Result<Vec<webhook_subscription::Model>, DbErr> {
    if !viewer.is_admin() {
        return Ok(Vec::new());
    }
    webhook_subscription::Entity::find()
        .order_by_desc(webhook_subscription::Column::Id)
        .all(db)
        .await
}

/// One subscription (admins).
pub async fn subscription<C: ConnectionTrait>(
    db: &C,
    viewer: &crate::access::Viewer,
    id: i32,
) -> Result<Option<webhook_subscription::Model>, DbErr> {
    if !viewer.is_admin() {
        return Ok(None);
    }
    webhook_subscription::Entity::find_by_id(id).one(db).await
}

/// A subscription's messages, newest first, optionally in one state, at most `first`
/// (the delivery log; admins).
pub async fn deliveries<C: ConnectionTrait>(
    db: &C,
    subscription_id: i32,
    state: Option<&str>,
    before: Option<i64>,
    first: u64,
) -> Result<Vec<webhook_delivery::Model>, DbErr> {
    let mut q = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::SubscriptionId.eq(subscription_id));
    if let Some(s) = state {
        q = q.filter(webhook_delivery::Column::State.eq(s));
    }
    if let Some(b) = before {
        q = q.filter(webhook_delivery::Column::Id.lt(b));
    }
    q.order_by_desc(webhook_delivery::Column::Id)
        .limit(first.min(100))
        .all(db)
        .await
}

/// The attempts of a message, oldest first.
pub async fn attempts<C: ConnectionTrait>(
    db: &C,
    delivery_id: i64,
) -> Result<Vec<entities::webhook_attempt::Model>, DbErr> {
    use entities::webhook_attempt;
    webhook_attempt::Entity::find()
        .filter(webhook_attempt::Column::DeliveryId.eq(delivery_id))
        .order_by_asc(webhook_attempt::Column::Id)
        .limit(100)
        .all(db)
        .await
}

/// When a message was last tried or is next due, for the log.
pub fn due(d: &webhook_delivery::Model) -> Option<DateTime<Utc>> {
    (d.state == state::PENDING).then_some(d.next_attempt_at)
}
