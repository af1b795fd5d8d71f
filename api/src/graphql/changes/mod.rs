//! The change feed (`changes`) and webhook subscriptions (admins): output
//! types, the query and the mutations. The feed names what changed; the
//! figures of a changed object are read through `node` with the caller's
//! own access, so they are protected exactly as everywhere else.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use serde::Serialize;

use entities::{change, webhook_attempt, webhook_delivery, webhook_subscription};

use crate::error::{ApiResult, AppError};
use crate::graphql::accounts::types::ApiKey;
use crate::graphql::common::{Node, load_node, one};
use crate::graphql::ids::{NodeType, decode, encode};
use crate::graphql::loaders::ProjectById;
use crate::graphql::mutation::errors::{Ids, UserError, user_errors};
use crate::graphql::mutation::{Payload, db, mutate, written};
use crate::graphql::pagination::PageInfo;
use crate::graphql::prelude::{Project, scope};
use crate::queries::changes as feed;
use crate::services::webhooks::{self as hooks, NewSubscription, SubscriptionChange, state};
use crate::services::{Outcome, accounts, changes::global_id};

/// Whether webhook endpoints may be private addresses (`WEBHOOK_ALLOW_PRIVATE`).
#[derive(Debug, Clone, Copy)]
pub struct WebhookPolicy {
    /// Allow private, loopback and link-local endpoints.
    pub allow_private: bool,
}

fn policy(ctx: &Context<'_>) -> bool {
    ctx.data_opt::<WebhookPolicy>()
        .is_some_and(|p| p.allow_private)
}

/// One change in the feed: what changed, in which project, when, and the
/// data version after it. It carries no figures: read them through `node`,
/// protected for you as everywhere.
pub struct Change(pub change::Model);

/// One change in the feed: what changed, in which project, when, and the data version after it; no figures.
#[Object]
impl Change {
    /// This change's cursor: pass it as `after` to read the changes that follow.
    async fn cursor(&self) -> String {
        self.0.position.unwrap_or_default().to_string()
    }
    /// What happened, e.g. `event.create`, `attendance.record`, `work.status`.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// The kind of object that changed, e.g. `event`, `project`, `centre`.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// Global ID of the changed object, when it is reachable by `node(id:)`.
    async fn entity_id(&self) -> Option<ID> {
        self.global().map(ID)
    }
    /// The changed object as you may read it now (null when it is gone or
    /// not visible to you); its figures are protected for you.
    async fn node(&self, ctx: &Context<'_>) -> ApiResult<Option<Node>> {
        let Some(raw) = self.global() else {
            return Ok(None);
        };
        let (kind, id) = decode(&raw)?;
        load_node(ctx, kind, id).await
    }
    /// Global ID of the project the object belongs to.
    async fn project_id(&self) -> Option<ID> {
        self.0.project_id.map(|p| encode(NodeType::Project, p))
    }
    /// The project the object belongs to, when you may read it.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        Ok(match self.0.project_id {
            Some(id) => one(ctx, ProjectById(id)).await?.map(Project),
            None => None,
        })
    }
    /// When the change was made.
    async fn at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The data version right after the change (the one ETags are built on).
    async fn data_version(&self) -> i64 {
        self.0.audit_id
    }
}

impl Change {
    fn global(&self) -> Option<String> {
        let t = crate::services::changes::node_type_name(&self.0.entity_type)?;
        Some(global_id(t, self.0.entity_id?))
    }
}

/// An edge of a `ChangeConnection`: a change and its cursor.
#[derive(SimpleObject)]
pub struct ChangeEdge {
    /// Cursor of this change, for `after`.
    pub cursor: String,
    /// The change.
    pub node: Change,
}

/// A page of the change feed, oldest first.
#[derive(SimpleObject)]
pub struct ChangeConnection {
    /// The changes of this page with their cursors.
    pub edges: Vec<ChangeEdge>,
    /// Where this page sits; keep `endCursor` and ask again with it as `after`.
    pub page_info: PageInfo,
}

/// State of a webhook message.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum WebhookMessageState {
    /// Waiting for its next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every retry failed; `replayWebhookMessage` sends it again.
    Failed,
}

impl WebhookMessageState {
    fn code(self) -> &'static str {
        match self {
            Self::Pending => state::PENDING,
            Self::Delivered => state::DELIVERED,
            Self::Failed => state::FAILED,
        }
    }
    fn from_code(code: &str) -> Self {
        match code {
            state::DELIVERED => Self::Delivered,
            state::FAILED => Self::Failed,
            _ => Self::Pending,
        }
    }
}

/// An endpoint that receives signed events for an API key's client.
pub struct WebhookSubscription(pub webhook_subscription::Model);

/// An endpoint that receives signed events for an API key's client.
#[Object]
impl WebhookSubscription {
    /// Opaque ID.
    async fn id(&self) -> ID {
        ID(global_id("WebhookSubscription", self.0.id))
    }
    /// The API key whose client receives the events (payloads are written for its viewer class: public projects).
    async fn api_key(&self, ctx: &Context<'_>) -> ApiResult<Option<ApiKey>> {
        Ok(accounts::api_key(db(ctx), self.0.api_key_id)
            .await?
            .map(ApiKey))
    }
    /// The endpoint.
    async fn url(&self) -> &str {
        &self.0.url
    }
    /// Event kinds sent (`event.create`, `attendance.*`); empty: all.
    async fn event_kinds(&self) -> Vec<String> {
        serde_json::from_value(self.0.event_kinds.clone()).unwrap_or_default()
    }
    /// Global IDs of the projects whose events are sent; empty: every public project.
    async fn project_ids(&self) -> Vec<ID> {
        let ids: Vec<i32> = serde_json::from_value(self.0.project_ids.clone()).unwrap_or_default();
        ids.into_iter()
            .map(|p| encode(NodeType::Project, p))
            .collect()
    }
    /// False when disabled (by an administrator, or after a message failed every retry).
    async fn enabled(&self) -> bool {
        self.0.enabled
    }
    /// Why it was disabled.
    async fn disabled_reason(&self) -> Option<&str> {
        self.0.disabled_reason.as_deref()
    }
    /// When it was disabled.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at
    }
    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Its messages, newest first (the delivery log): at most `first` (1–100),
    /// before the message with `before` (a `sequence`), optionally in one state.
    /// Bounded: at most `first` messages (1 to 100); page with `before`.
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only messages in this state.")] state: Option<WebhookMessageState>,
        #[graphql(desc = "Messages before this `sequence` (the next page of the log).")]
        before: Option<i64>,
        #[graphql(default = 20, desc = "How many messages, 1 to 100 (default 20).")] first: i32,
    ) -> ApiResult<Vec<WebhookMessage>> {
        if !(1..=100).contains(&first) {
            return Err(AppError::bad_input("first is 1 to 100"));
        }
        let rows = hooks::deliveries(
            db(ctx),
            self.0.id,
            state.map(|s| s.code()),
            before,
            first as u64,
        )
        .await?;
        Ok(rows.into_iter().map(WebhookMessage).collect())
    }
}

/// One message of a subscription: a change, its body (the same bytes on every attempt) and its attempts.
pub struct WebhookMessage(pub webhook_delivery::Model);

/// One message of a subscription: a change, its body (the same bytes on every attempt) and its attempts.
#[Object]
impl WebhookMessage {
    /// The `webhook-id` header: the same on every attempt and replay.
    async fn id(&self) -> &str {
        &self.0.message_id
    }
    /// Order of the message in the log (for `before`).
    async fn sequence(&self) -> i64 {
        self.0.id
    }
    /// The event kind (the body's `type`).
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// The body, exactly as sent.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// Pending, delivered or failed.
    async fn state(&self) -> WebhookMessageState {
        WebhookMessageState::from_code(&self.0.state)
    }
    /// Attempts made so far.
    async fn attempts(&self) -> i32 {
        self.0.attempts
    }
    /// When the next attempt is due (pending messages).
    async fn next_attempt_at(&self) -> Option<DateTime<Utc>> {
        hooks::due(&self.0)
    }
    /// The HTTP status of the last answer.
    async fn last_status_code(&self) -> Option<i32> {
        self.0.last_status_code
    }
    /// Why the last attempt failed.
    async fn last_error(&self) -> Option<&str> {
        self.0.last_error.as_deref()
    }
    /// When the message was written (with its change).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the receiver took it.
    async fn delivered_at(&self) -> Option<DateTime<Utc>> {
        self.0.delivered_at
    }
    /// Every attempt, oldest first (at most 100).
    /// Bounded: one per delivery attempt, and the retry schedule stops after about 15.
    async fn log(&self, ctx: &Context<'_>) -> ApiResult<Vec<WebhookAttempt>> {
        Ok(hooks::attempts(db(ctx), self.0.id)
            .await?
            .into_iter()
            .map(WebhookAttempt)
            .collect())
    }
}

/// One attempt to send a message.
pub struct WebhookAttempt(pub webhook_attempt::Model);

/// One attempt to send a message.
#[Object]
impl WebhookAttempt {
    /// When it was made.
    async fn at(&self) -> DateTime<Utc> {
        self.0.attempted_at
    }
    /// The receiver's HTTP status, when it answered.
    async fn status_code(&self) -> Option<i32> {
        self.0.status_code
    }
    /// Why it failed without an answer (refused address, timeout, connection).
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }
    /// How long it took, in milliseconds.
    async fn duration_ms(&self) -> i32 {
        self.0.duration_ms
    }
}

/// The change feed, and webhook subscriptions (admins).
#[derive(Default)]
pub struct ChangeQuery;

#[Object]
impl ChangeQuery {
    /// The change feed: every change you may see, oldest first, after the
    /// cursor `after` (a change's `cursor`; none: from the start), at most
    /// `first` (1–100, default 20). Keep the last `endCursor` and ask again with it: you
    /// see each change once, in one order, across restarts and replicas.
    /// Changes are listed a moment after they commit.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The cursor of the last change read (`pageInfo.endCursor`); omit to start from the beginning."
        )]
        after: Option<String>,
        #[graphql(default = 20, desc = "How many changes, 1 to 100 (default 20).")] first: i32,
    ) -> ApiResult<ChangeConnection> {
        if !(1..=100).contains(&first) {
            return Err(AppError::bad_input("first is 1 to 100"));
        }
        let after_pos =
            match after.as_deref().map(str::trim) {
                None | Some("") => 0,
                Some(raw) => raw.parse::<i64>().ok().filter(|p| *p >= 0).ok_or_else(|| {
                    AppError::bad_input(format!("{raw:?} is not a change cursor"))
                })?,
            };
        let (rows, more) = feed::page(db(ctx), &scope(ctx).viewer, after_pos, first as u64).await?;
        let edges: Vec<ChangeEdge> = rows
            .into_iter()
            .map(|m| ChangeEdge {
                cursor: m.position.unwrap_or_default().to_string(),
                node: Change(m),
            })
            .collect();
        let page_info = PageInfo {
            has_next_page: more,
            has_previous_page: after_pos > 0,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            // An empty page keeps the caller's place.
            end_cursor: edges
                .last()
                .map(|e| e.cursor.clone())
                .or(after.filter(|a| !a.trim().is_empty())),
        };
        Ok(ChangeConnection { edges, page_info })
    }

    /// Webhook subscriptions, newest first (admins; others get an empty list).
    /// Bounded: the subscriptions an administrator created.
    async fn webhook_subscriptions(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<WebhookSubscription>> {
        Ok(hooks::subscriptions(db(ctx), &scope(ctx).viewer)
            .await?
            .into_iter()
            .map(WebhookSubscription)
            .collect())
    }
}

/// A new webhook subscription.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateWebhookSubscriptionInput {
    /// The API key whose client receives the events.
    pub api_key_id: ID,
    /// The endpoint (`https://…`; private and loopback addresses are refused unless allowed).
    pub url: String,
    /// Event kinds to send (`event.create`, `attendance.*`); empty or absent: all.
    #[graphql(default)]
    pub event_kinds: Vec<String>,
    /// Projects whose events are sent; empty or absent: every public project.
    #[graphql(default)]
    pub project_ids: Vec<ID>,
}

/// A change to a webhook subscription; absent fields keep their value.
#[derive(InputObject, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateWebhookSubscriptionInput {
    /// The endpoint.
    pub url: Option<String>,
    /// Event kinds to send; empty: all.
    pub event_kinds: Option<Vec<String>>,
    /// Projects whose events are sent; empty: every public project.
    pub project_ids: Option<Vec<ID>>,
    /// Enable (messages held meanwhile are sent) or disable.
    pub enabled: Option<bool>,
}

/// Result of a webhook subscription mutation.
#[derive(SimpleObject)]
pub struct WebhookSubscriptionPayload {
    /// The subscription after the change (null when there are user errors).
    pub subscription: Option<WebhookSubscription>,
    /// The signing secret (`whsec_…`), shown only in the answer that created the subscription. Store it now.
    pub secret: Option<String>,
    /// Problems with the input; when not empty, nothing was written.
    pub user_errors: Vec<UserError>,
    /// True when this answers a retried request from its stored outcome (the secret is not repeated).
    pub replayed: bool,
}

impl Payload for WebhookSubscriptionPayload {
    async fn load(ctx: &Context<'_>, outcome: Outcome) -> ApiResult<Self> {
        let subscription = match written(&outcome) {
            Some(id) => hooks::subscription(db(ctx), &scope(ctx).viewer, id)
                .await?
                .map(WebhookSubscription),
            None => None,
        };
        Ok(Self {
            subscription,
            secret: outcome.secret,
            user_errors: user_errors(outcome.errors),
            replayed: outcome.replayed,
        })
    }
}

/// Webhook subscriptions (admins).
#[derive(Default)]
pub struct WebhookMutation;

#[Object]
impl WebhookMutation {
    /// Subscribes an API key's endpoint to signed events (admins). The
    /// signing secret is in this answer only.
    async fn create_webhook_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The endpoint, event kinds and projects.")]
        input: CreateWebhookSubscriptionInput,
    ) -> ApiResult<WebhookSubscriptionPayload> {
        let allow = policy(ctx);
        mutate(
            ctx,
            "createWebhookSubscription",
            &idempotency_key,
            &input,
            || {
                let mut ids = Ids::default();
                let api_key_id =
                    ids.one(NodeType::ApiKey, &input.api_key_id, &["input", "apiKeyId"]);
                let project_ids = ids.list(
                    NodeType::Project,
                    &input.project_ids,
                    &["input", "projectIds"],
                );
                ids.finish(NewSubscription {
                    api_key_id,
                    url: input.url.clone(),
                    event_kinds: input.event_kinds.clone(),
                    project_ids,
                })
            },
            async |txn, actor, input| hooks::create_subscription(txn, actor, &input, allow).await,
        )
        .await
    }

    /// Changes a webhook subscription (admins): its endpoint, kinds,
    /// projects, or whether it is enabled; CONFLICT when `version` is stale.
    async fn update_webhook_subscription(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The subscription.")] id: ID,
        #[graphql(desc = "The subscription's `version` the change is based on.")] version: i32,
        #[graphql(desc = "The subscription's new settings.")] input: UpdateWebhookSubscriptionInput,
    ) -> ApiResult<WebhookSubscriptionPayload> {
        let allow = policy(ctx);
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "updateWebhookSubscription",
            &idempotency_key,
            &request,
            || {
                let sub = subscription_id(&id)?;
                let mut ids = Ids::default();
                let project_ids = input
                    .project_ids
                    .as_ref()
                    .map(|p| ids.list(NodeType::Project, p, &["input", "projectIds"]));
                ids.finish((
                    sub,
                    SubscriptionChange {
                        url: input.url.clone(),
                        event_kinds: input.event_kinds.clone(),
                        project_ids,
                        enabled: input.enabled,
                    },
                ))
            },
            async |txn, actor, (id, change)| {
                hooks::update_subscription(txn, actor, id, version, &change, allow).await
            },
        )
        .await
    }

    /// Sends a message again (admins), with the same `webhook-id` and the
    /// same body: a failed message after its endpoint is fixed, or a
    /// delivered one a receiver lost.
    async fn replay_webhook_message(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The message to send again (its `id`, as in the `webhook-id` header).")]
        message_id: String,
    ) -> ApiResult<WebhookSubscriptionPayload> {
        let request = serde_json::json!({ "messageId": message_id });
        mutate(
            ctx,
            "replayWebhookMessage",
            &idempotency_key,
            &request,
            || Ok(message_id.trim().to_string()),
            async |txn, actor, id| hooks::replay(txn, actor, &id).await,
        )
        .await
    }
}

/// Decodes a subscription's opaque ID.
fn subscription_id(raw: &ID) -> Result<i32, Vec<crate::services::UserError>> {
    use base64::Engine;
    let invalid = || {
        vec![crate::services::UserError::new(
            &["id"],
            crate::services::UserErrorCode::Invalid,
            format!("{:?} is not a webhook subscription ID", raw.as_str()),
        )]
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(raw.trim())
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    text.strip_prefix("WebhookSubscription:")
        .and_then(|n| n.parse::<i32>().ok())
        .ok_or_else(invalid)
}
