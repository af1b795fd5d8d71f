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
    /// `INTERNAL`: a database or server fault; details are in the server log.
    Database(Arc<sea_orm::DbErr>),
}

impl AppError {
    /// Stable machine-readable code sent as `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadInput(_) => "BAD_USER_INPUT",
            Self::NotFound(_) => "NOT_FOUND",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::Database(_) => "INTERNAL",
        }
    }

    /// The message sent to clients (never database detail).
    pub fn message(&self) -> &str {
        match self {
            Self::BadInput(m) | Self::NotFound(m) | Self::Forbidden(m) => m,
            Self::Database(_) => "internal error",
        }
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
        if let Self::Database(inner) = self {
            tracing::error!(error = %inner, "database error");
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
