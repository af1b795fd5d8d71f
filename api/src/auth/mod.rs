//! Authentication: passwords (argon2id), short-lived JWT access tokens
//! (HS256 pinned; exp, nbf, iss and aud checked) and read-only API keys
//! stored hashed. Turns a request's `Authorization` header into a `Viewer`.

pub mod api_keys;
pub mod jwt;
pub mod password;

/// The address a request came from (the socket's, or the proxy's
/// `X-Forwarded-For` when trusted), for log-in throttling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

/// Log-in throttling that cannot be turned against a real user.
///
/// argon2id verification costs ~16 ms of CPU, so unthrottled guessing is
/// also a denial of service. Two limits, neither of them per e-mail alone
/// (which would let anyone lock a user out by failing with their e-mail):
/// - failures per client address *and* e-mail: `per_pair` a minute and three
///   times that an hour (a back-off that lengthens as failures go on); the
///   user logging in from their own address is not affected;
/// - attempts per client address, whatever the e-mail: `per_ip` a minute,
///   so one client cannot try many accounts.
///
/// The counts live in [`crate::ratelimit::Budgets`]: shared between
/// replicas with `REDIS_URL`. E-mails are hashed in the keys.
pub struct LoginThrottle {
    budgets: Arc<crate::ratelimit::Budgets>,
    per_pair: u64,
    per_ip: u64,
}

impl LoginThrottle {
    /// Throttling with these limits, counted in `budgets`.
    pub fn new(budgets: Arc<crate::ratelimit::Budgets>, per_pair: u32, per_ip: u32) -> Self {
        Self {
            budgets,
            per_pair: u64::from(per_pair.max(1)),
            per_ip: u64::from(per_ip.max(1)),
        }
    }

    fn pair_key(ip: &str, email: &str, window: &str) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(email.as_bytes());
        let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
        format!("login:pair:{window}:{ip}:{hex}")
    }

    /// Whether an attempt from `ip` for `email` may be verified now;
    /// `Err(seconds)` to wait when not. Counts the attempt against the
    /// address's ceiling.
    pub async fn admit(&self, ip: &str, email: &str) -> Result<(), u64> {
        for (window, secs, max) in [("m", 60, self.per_pair), ("h", 3600, self.per_pair * 3)] {
            let key = Self::pair_key(ip, email, window);
            // Room for one more failure? (Failures are spent by `failed`.)
            let s = self.budgets.check(&key, 1, max, secs).await;
            if !s.allowed {
                return Err(s.reset_secs.max(1));
            }
        }
        let s = self
            .budgets
            .spend(&format!("login:ip:{ip}"), 1, self.per_ip, 60)
            .await;
        if s.allowed {
            Ok(())
        } else {
            Err(s.reset_secs.max(1))
        }
    }

    /// Records a failed attempt from `ip` for `email`.
    pub async fn failed(&self, ip: &str, email: &str) {
        for (window, secs, max) in [("m", 60, self.per_pair), ("h", 3600, self.per_pair * 3)] {
            let key = Self::pair_key(ip, email, window);
            self.budgets.spend(&key, 1, max, secs).await;
        }
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
    authenticate_caller(headers, db, keys).await.map(|(v, _)| v)
}

/// Resolves the caller of a request, with the rate tier of an API key
/// (`standard` or `high`; `None` for users and anonymous callers).
pub async fn authenticate_caller(
    headers: &HeaderMap,
    db: &DatabaseConnection,
    keys: &jwt::JwtKeys,
) -> Result<(Viewer, Option<String>), AuthFailure> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok((Viewer::Anonymous, None));
    };
    let value = value.to_str().map_err(|_| AuthFailure::Malformed)?.trim();
    let (scheme, credential) = value.split_once(' ').ok_or(AuthFailure::Malformed)?;
    let credential = credential.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        let claims = keys
            .verify(credential)
            .map_err(|_| AuthFailure::InvalidToken)?;
        let user_id: i32 = claims.sub.parse().map_err(|_| AuthFailure::InvalidToken)?;
        load_user(db, user_id, claims.ver)
            .await?
            .map(|u| (Viewer::User(u), None))
            .ok_or(AuthFailure::InvalidToken)
    } else if scheme.eq_ignore_ascii_case("apikey") {
        let key = api_keys::verify(db, credential).await?;
        key.map(|k| {
            (
                Viewer::ApiKey {
                    id: k.id,
                    organisation_id: k.organisation_id,
                },
                Some(k.rate_tier),
            )
        })
        .ok_or(AuthFailure::InvalidApiKey)
    } else {
        Err(AuthFailure::Malformed)
    }
}

/// Loads an active user with their project scope, if the token's
/// `token_version` is still the user's (the same one statement that loads
/// the user checks it: no extra round trip).
pub async fn load_user(
    db: &DatabaseConnection,
    user_id: i32,
    token_version: i32,
) -> Result<Option<Arc<UserContext>>, AuthFailure> {
    let user = user::Entity::find_by_id(user_id)
        .filter(user::Column::IsActive.eq(true))
        .filter(user::Column::TokenVersion.eq(token_version))
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
