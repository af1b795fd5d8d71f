//! One error type for the API, mapped once to stable GraphQL error codes.
//! Internal detail (database messages) is logged with the request id, never
//! sent to clients.

use std::sync::Arc;

use async_graphql::ErrorExtensions;

/// Errors a resolver can return. Each variant documents its `extensions.code`.
///
/// It deliberately does not implement `Display`: async-graphql turns any
/// `Display` error into a GraphQL error carrying its text, which would bypass
/// the code mapping below and could leak database messages.
#[derive(Debug, Clone)]
pub enum AppError {
    /// `BAD_USER_INPUT`: an argument is malformed or out of range.
    BadInput(String),
    /// `NOT_FOUND`: no such object, or not visible to the caller.
    NotFound(String),
    /// `FORBIDDEN`: the caller may not read this.
    Forbidden(String),
    /// `INTERNAL` (or `SERVICE_UNAVAILABLE` when the database cannot be
    /// reached, see [`is_unavailable`]): a database fault; details are in the
    /// server log.
    Database(Arc<sea_orm::DbErr>),
    /// `INTERNAL`: a server fault that is not the database's (signing a
    /// token, serialising an outcome); the detail is logged, never sent.
    Internal(Arc<str>),
}

/// True when a database error means "cannot reach the database right now"
/// (pool exhausted or timed out, connection refused or dropped) rather than
/// a fault in the statement: clients may retry those later.
pub fn is_unavailable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            use sea_orm::sqlx::Error as E;
            match e.as_ref() {
                E::Io(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => true,
                // PostgreSQL: connection exceptions (08…), the server shutting
                // down or refusing (57P…), out of connections (53300), and a
                // database not accepting connections (55000).
                E::Database(db) => db.code().is_some_and(|code| {
                    code.starts_with("08")
                        || code.starts_with("57P")
                        || code == "53300"
                        || code == "55000"
                }),
                _ => false,
            }
        }
        _ => false,
    }
}

/// The code of every answer given because the database cannot be reached
/// (GraphQL errors, `/ready`, downloads, credential checks): HTTP 503 with
/// `Retry-After`.
pub const UNAVAILABLE_CODE: &str = "SERVICE_UNAVAILABLE";

impl AppError {
    /// Stable machine-readable code sent as `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput(_) => "BAD_USER_INPUT",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Database(e) if is_unavailable(e) => UNAVAILABLE_CODE,
            Self::Database(_) | Self::Internal(_) => "INTERNAL",
        }
    }

    /// The message sent to clients (never database detail).
    pub fn message(&self) -> &str {
        match self {
            Self::BadInput(m) | Self::NotFound(m) | Self::Forbidden(m) => m,
            Self::Database(e) if is_unavailable(e) => {
                "the database cannot be reached right now; try again shortly"
            }
            Self::Database(_) | Self::Internal(_) => "internal error",
        }
    }

    /// An internal fault with its (logged, never sent) detail.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::Internal(detail.to_string().into())
    }

    /// Shorthand for a bad-input error.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::BadInput(message.into())
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Database(Arc::new(err))
    }
}

impl From<Arc<sea_orm::DbErr>> for AppError {
    fn from(err: Arc<sea_orm::DbErr>) -> Self {
        Self::Database(err)
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        match self {
            Self::Database(inner) => tracing::error!(error = %inner, "database error"),
            Self::Internal(detail) => tracing::error!(error = %detail, "internal error"),
            _ => {}
        }
        async_graphql::Error::new(self.message()).extend_with(|_, ext| ext.set("code", self.code()))
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.extend()
    }
}

/// Result of a resolver.
pub type ApiResult<T> = Result<T, AppError>;
