//! Account mutations: log in; users, organisations and API keys (admins).

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

use super::inputs::{
    CreateApiKeyInput, CreateUserInput, NotificationSettingsInput, OrganisationInput,
    UpdateUserInput,
};
use super::types::{ApiKey, User};
use crate::auth::jwt::JwtKeys;
use crate::error::{ApiResult, AppError};
use crate::graphql::ids::NodeType;
use crate::graphql::mutation::errors::{UserError, arg_id, user_errors};
use crate::graphql::mutation::{Payload, db, mutate, payload, written};
use crate::graphql::prelude::Organisation;
use crate::services::{self, Outcome, UserErrorCode, accounts, admin};

payload!(/// Result of a user mutation.
UserPayload, user: User,
|ctx, outcome| match written(&outcome) {
    Some(id) => accounts::user(db(ctx), id).await?.map(User),
    None => None,
});
payload!(/// Result of an organisation mutation.
OrganisationPayload, organisation: Organisation,
|ctx, outcome| match written(&outcome) {
    Some(id) => accounts::organisation(db(ctx), id).await?.map(Organisation),
    None => None,
});

/// Result of creating or revoking an API key.
#[derive(SimpleObject)]
pub struct ApiKeyPayload {
    /// The key's record.
    pub api_key: Option<ApiKey>,
    /// The full key, shown only in the response that created it. Store it now.
    pub secret: Option<String>,
    /// Problems with the input; when not empty, nothing was written.
    pub user_errors: Vec<UserError>,
    /// True when this answers a retried request from its stored outcome (the secret is not repeated).
    pub replayed: bool,
}

impl Payload for ApiKeyPayload {
    async fn load(ctx: &Context<'_>, outcome: Outcome) -> ApiResult<Self> {
        let api_key = match written(&outcome) {
            Some(id) => accounts::api_key(db(ctx), id).await?.map(ApiKey),
            None => None,
        };
        Ok(Self {
            api_key,
            secret: outcome.secret,
            user_errors: user_errors(outcome.errors),
            replayed: outcome.replayed,
        })
    }
}

/// Result of `login`.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Access token for `Authorization: Bearer <token>`; log in again when it expires.
    pub token: Option<String>,
    /// When the token expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// The user.
    pub user: Option<User>,
    /// INVALID_CREDENTIALS for a wrong email or password (the same answer for both).
    pub user_errors: Vec<UserError>,
}

impl LoginPayload {
    fn refused(code: UserErrorCode, message: &str) -> Self {
        Self {
            token: None,
            expires_at: None,
            user: None,
            user_errors: user_errors(vec![services::UserError::new(&[], code, message)]),
        }
    }
}

/// Log-in and the administration of accounts.
#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Logs in with email and password; returns a short-lived access token.
    /// A wrong password and an unknown email get the same answer in the same time.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's e-mail address.")] email: String,
        #[graphql(
            desc = "The account's password; log-ins are rate-limited per address and e-mail."
        )]
        password: String,
    ) -> ApiResult<LoginPayload> {
        let email = admin::normalise_email(&email);
        let throttle = ctx.data_unchecked::<crate::auth::LoginThrottle>();
        let ip = ctx
            .data_opt::<crate::auth::ClientIp>()
            .map_or("unknown", |c| c.0.as_str());
        if let Err(wait) = throttle.admit(ip, &email).await {
            return Ok(LoginPayload::refused(
                UserErrorCode::TooManyAttempts,
                &format!("too many log-in attempts; try again in {wait} s"),
            ));
        }
        let Some(found) = accounts::authenticate(db(ctx), &email, password).await? else {
            throttle.failed(ip, &email).await;
            return Ok(LoginPayload::refused(
                UserErrorCode::InvalidCredentials,
                "wrong email or password",
            ));
        };
        let keys = ctx.data_unchecked::<JwtKeys>();
        let (token, exp) = keys
            .issue(found.id, found.role.code(), found.token_version)
            .map_err(|e| {
                AppError::Database(std::sync::Arc::new(sea_orm::DbErr::Custom(e.to_string())))
            })?;
        Ok(LoginPayload {
            token: Some(token),
            expires_at: DateTime::from_timestamp(exp, 0),
            user: Some(User(found)),
            user_errors: Vec::new(),
        })
    }

    /// Creates a user account (admins).
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: CreateUserInput,
    ) -> ApiResult<UserPayload> {
        // The password enters the hash as a keyed digest (the input
        // serialises without it), so a replay with another password is refused.
        let keys = ctx.data_unchecked::<JwtKeys>();
        let request = serde_json::json!({
            "input": &input,
            "password": keys.secret_digest(&input.password),
        });
        mutate(
            ctx,
            "createUser",
            &idempotency_key,
            &request,
            || input.decode(),
            async |txn, actor, input| admin::create_user(txn, actor, &input, false).await,
        )
        .await
    }

    /// Changes a user's role, scope, name, password or active flag (admins).
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: UpdateUserInput,
    ) -> ApiResult<UserPayload> {
        let keys = ctx.data_unchecked::<JwtKeys>();
        let request = serde_json::json!({
            "input": &input,
            "password": input.password.as_deref().map(|p| keys.secret_digest(p)),
        });
        mutate(
            ctx,
            "updateUser",
            &idempotency_key,
            &request,
            || input.decode(),
            async |txn, actor, input| admin::update_user(txn, actor, &input).await,
        )
        .await
    }

    /// Changes the caller's own notification settings: the language of their
    /// mail, and whether they get a mail per report event, a weekly digest,
    /// or none. CONFLICT when `version` is stale.
    async fn update_my_notification_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: NotificationSettingsInput,
    ) -> ApiResult<UserPayload> {
        mutate(
            ctx,
            "updateMyNotificationSettings",
            &idempotency_key,
            &input,
            || input.decode(),
            async |txn, actor, (version, change)| {
                services::mail::update_settings(txn, actor, version, &change).await
            },
        )
        .await
    }

    /// Creates an organisation (admins).
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: OrganisationInput,
    ) -> ApiResult<OrganisationPayload> {
        mutate(
            ctx,
            "createOrganisation",
            &idempotency_key,
            &input,
            || input.decode(true),
            async |txn, actor, input| admin::create_organisation(txn, actor, &input).await,
        )
        .await
    }

    /// Changes an organisation (admins); fails with CONFLICT when `version` is stale.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "The object's global ID, as its `id` field gives it.")] id: ID,
        #[graphql(
            desc = "The `version` the change is based on, as last read: a different current version is refused with CONFLICT and nothing is written (optimistic concurrency)."
        )]
        version: i32,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: OrganisationInput,
    ) -> ApiResult<OrganisationPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "updateOrganisation",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::Organisation, &id, "id")?,
                    input.decode(false)?,
                ))
            },
            async |txn, actor, (id, input)| {
                admin::update_organisation(txn, actor, id, version, &input).await
            },
        )
        .await
    }

    /// Creates a read-only API key for a dashboard (admins). The key is shown once.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: CreateApiKeyInput,
    ) -> ApiResult<ApiKeyPayload> {
        mutate(
            ctx,
            "createApiKey",
            &idempotency_key,
            &input,
            || input.decode(),
            async |txn, actor, input| admin::create_api_key(txn, actor, &input, false).await,
        )
        .await
    }

    /// Revokes an API key (admins); it stops working at once.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "The object's global ID, as its `id` field gives it.")] id: ID,
    ) -> ApiResult<ApiKeyPayload> {
        let request = serde_json::json!({ "id": id });
        mutate(
            ctx,
            "revokeApiKey",
            &idempotency_key,
            &request,
            || arg_id(NodeType::ApiKey, &id, "id"),
            async |txn, actor, id| admin::revoke_api_key(txn, actor, id).await,
        )
        .await
    }
}
