//! What every HTTP handler shares: the schema, the database, thresholds,
//! token keys. Its own module so that exports and handlers depend on it, not
//! on each other.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::db::Db;
use crate::disclosure::Thresholds;
use crate::graphql::AppSchema;

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    /// The GraphQL schema.
    pub schema: AppSchema,
    /// The database.
    pub db: Db,
    /// Small-cell thresholds.
    pub thresholds: Thresholds,
    /// How long each DataLoader gathers keys (`API_DATALOADER_DELAY_MS`).
    pub batch_delay: std::time::Duration,
    /// The schema's SDL, served at `/schema.graphql`.
    pub sdl: Arc<str>,
    /// Token keys, to authenticate requests.
    pub keys: JwtKeys,
    /// Limits, persisted queries and budgets of the GraphQL endpoint.
    pub guard: Arc<crate::http::graphql::Guard>,
    /// Counters served at `/metrics`.
    pub metrics: Arc<crate::http::metrics::Metrics>,
    /// `METRICS_TOKEN`: the bearer token `/metrics` asks for, if any.
    pub metrics_token: Option<Arc<str>>,
    /// Who publishes the IATI files (`IATI_PUBLISHER_PREFIX`, `IATI_PUBLISHER_NAME`).
    pub iati: Arc<crate::config::IatiPublisher>,
}
