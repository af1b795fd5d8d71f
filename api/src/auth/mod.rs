//! Authentication: passwords (argon2id), short-lived JWT access tokens
//! (HS256 pinned; exp, nbf, iss and aud checked) and read-only API keys
//! stored hashed. Turns a request's `Authorization` header into a `Viewer`.

pub mod api_keys;
pub mod jwt;
pub mod password;

/// Limits log-in attempts per email address: argon2id verification costs
/// ~16 ms of CPU, so unthrottled guessing would also be a denial of service.
/// Kept in memory, so each replica counts on its own.
pub struct LoginThrottle(governor::DefaultKeyedRateLimiter<String>);

impl LoginThrottle {
    /// `per_minute` attempts per email and minute, with that many in a burst.
    pub fn new(per_minute: u32) -> Self {
        let quota = governor::Quota::per_minute(
            std::num::NonZeroU32::new(per_minute.max(1)).expect("non-zero"),
        );
        Self(governor::RateLimiter::keyed(quota))
    }

    /// True when another attempt for this email is allowed now.
    pub fn allow(&self, email: &str) -> bool {
        let allowed = self.0.check_key(&email.to_string()).is_ok();
        if self.0.len() > 100_000 {
            self.0.retain_recent();
        }
        allowed
    }
}

use std::sync::Arc;

use axum::http::{HeaderMap, header};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use entities::codes::UserRole;
use entities::{user, user_project_scope};

use crate::access::{UserContext, Viewer};

/// Why a request's credentials were refused (answered with 401).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthFailure {
    /// The header is not `Bearer <token>` or `ApiKey <key>`.
    Malformed,
    /// The token is expired, not yet valid, for another audience or issuer,
    /// signed with another key or algorithm, or the user is gone or inactive.
    InvalidToken,
    /// The API key is unknown or revoked.
    InvalidApiKey,
    /// The credentials could not be checked: the database failed. Answered
    /// 503 (not 401: the caller's credentials may well be good).
    Unavailable,
}

impl From<sea_orm::DbErr> for AuthFailure {
    fn from(err: sea_orm::DbErr) -> Self {
        tracing::error!(error = %err, "database error while checking credentials");
        Self::Unavailable
    }
}

impl AuthFailure {
    /// Stable code for clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed => "UNAUTHENTICATED",
            Self::InvalidToken => "INVALID_TOKEN",
            Self::InvalidApiKey => "INVALID_API_KEY",
            Self::Unavailable => "SERVICE_UNAVAILABLE",
        }
    }

    /// Message for clients.
    pub fn message(&self) -> &'static str {
        match self {
            Self::Malformed => {
                "use `Authorization: Bearer <token>` or `Authorization: ApiKey <key>`"
            }
            Self::InvalidToken => "the access token is not valid; log in again",
            Self::InvalidApiKey => "the API key is not valid or was revoked",
            Self::Unavailable => "credentials cannot be checked right now; try again shortly",
        }
    }

    /// HTTP status of the refusal.
    pub fn status(&self) -> axum::http::StatusCode {
        match self {
            Self::Unavailable => axum::http::StatusCode::SERVICE_UNAVAILABLE,
            _ => axum::http::StatusCode::UNAUTHORIZED,
        }
    }
}

/// Resolves the caller of a request. No `Authorization` header means anonymous.
pub async fn authenticate(
    headers: &HeaderMap,
    db: &DatabaseConnection,
    keys: &jwt::JwtKeys,
) -> Result<Viewer, AuthFailure> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Viewer::Anonymous);
    };
    let value = value.to_str().map_err(|_| AuthFailure::Malformed)?.trim();
    let (scheme, credential) = value.split_once(' ').ok_or(AuthFailure::Malformed)?;
    let credential = credential.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        let claims = keys
            .verify(credential)
            .map_err(|_| AuthFailure::InvalidToken)?;
        let user_id: i32 = claims.sub.parse().map_err(|_| AuthFailure::InvalidToken)?;
        load_user(db, user_id)
            .await?
            .map(Viewer::User)
            .ok_or(AuthFailure::InvalidToken)
    } else if scheme.eq_ignore_ascii_case("apikey") {
        let key = api_keys::verify(db, credential).await?;
        key.map(|k| Viewer::ApiKey {
            id: k.id,
            organisation_id: k.organisation_id,
        })
        .ok_or(AuthFailure::InvalidApiKey)
    } else {
        Err(AuthFailure::Malformed)
    }
}

/// Loads an active user with their project scope.
pub async fn load_user(
    db: &DatabaseConnection,
    user_id: i32,
) -> Result<Option<Arc<UserContext>>, AuthFailure> {
    let user = user::Entity::find_by_id(user_id)
        .filter(user::Column::IsActive.eq(true))
        .one(db)
        .await?;
    let Some(user) = user else { return Ok(None) };
    let projects: Vec<i32> = if user.role == UserRole::Manager {
        user_project_scope::Entity::find()
            .select_only()
            .column(user_project_scope::Column::ProjectId)
            .filter(user_project_scope::Column::UserId.eq(user.id))
            .into_tuple()
            .all(db)
            .await?
    } else {
        Vec::new()
    };
    Ok(Some(Arc::new(UserContext {
        id: user.id,
        email: user.email,
        role: user.role,
        organisation_id: user.organisation_id,
        projects,
    })))
}
