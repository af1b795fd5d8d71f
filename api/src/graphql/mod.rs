//! The GraphQL schema: types, root fields, per-request loaders and limits.

pub mod accounts;
pub mod centres;
pub mod changes;
pub mod common;
pub mod cost;
pub mod events;
pub mod ids;
pub mod input_hygiene;
pub mod lang;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod nested;
pub mod pagination;
pub(crate) mod prelude;
pub mod projects;
pub mod quality;
pub mod reference;
pub mod setup;
pub mod stats;
pub mod updates;
pub mod works;

use async_graphql::dataloader::DataLoader;
use async_graphql::{EmptySubscription, MergedObject, Schema};
use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::disclosure::Thresholds;

/// The root query: one object per domain, merged.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    projects::ProjectQuery,
    centres::CentreQuery,
    events::EventQuery,
    works::WorkQuery,
    reference::ReferenceQuery,
    accounts::AccountQuery,
    stats::StatsQuery,
    setup::query::SetupQuery,
    changes::ChangeQuery,
    quality::QualityQuery,
);

/// The schema type served at `/graphql`.
pub type AppSchema = Schema<QueryRoot, mutation::MutationRoot, EmptySubscription>;

/// Builds the schema with its limits, counting log-in attempts in memory.
/// Request-specific data (caller, language, loaders) is attached per
/// request by [`request_data`].
pub fn build_schema(
    db: DatabaseConnection,
    config: &Config,
    keys: crate::auth::jwt::JwtKeys,
) -> AppSchema {
    let budgets = std::sync::Arc::new(crate::ratelimit::Budgets::in_memory());
    build_schema_with(db, config, keys, budgets)
}

/// Builds the schema, counting log-in attempts in `budgets` (shared between
/// replicas when they are in Redis).
///
/// The document limits themselves run before the schema sees a request
/// (see [`limits`]): async-graphql's depth and complexity limits are not
/// used (they skip `__typename` and walk fragments without memoising). Its
/// recursion and directive checks stay as a second line, on documents whose
/// expanded size [`limits::check`] has already bounded.
pub fn build_schema_with(
    db: DatabaseConnection,
    config: &Config,
    keys: crate::auth::jwt::JwtKeys,
    budgets: std::sync::Arc<crate::ratelimit::Budgets>,
) -> AppSchema {
    let builder = Schema::build(
        QueryRoot::default(),
        mutation::MutationRoot::default(),
        EmptySubscription,
    )
    .data(db)
    .data(keys)
    .data(common::Batching(config.dataloaders))
    .data(changes::WebhookPolicy {
        allow_private: config.webhooks.allow_private,
    })
    .data(crate::auth::LoginThrottle::new(
        budgets,
        config.login_attempts_per_minute,
        config.login_attempts_per_ip_per_minute,
    ))
    .limit_recursive_depth(64)
    .limit_directives(config.limits.max_directives_per_field);
    if config.limits.introspection {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The SDL of the schema, as committed in `api/schema.graphql`.
pub fn sdl() -> String {
    let schema = Schema::build(
        QueryRoot::default(),
        mutation::MutationRoot::default(),
        EmptySubscription,
    )
    .finish();
    schema.sdl()
}

/// The connection a request of `viewer` runs on: the read replica for a
/// request that writes nothing, unless the caller wrote moments ago (see
/// [`crate::db::Db::for_request`]). `writes` is what the pre-validation
/// already learned from the parsed document ([`limits::Analysis::mutation`]),
/// so the document is not parsed again here.
pub fn connection_for(
    db: &crate::db::Db,
    writes: bool,
    viewer: &crate::access::Viewer,
) -> DatabaseConnection {
    db.for_request(viewer.actor_key().as_deref(), writes)
        .clone()
}

/// Attaches what one request needs: its own loaders (never shared between
/// users), the connection it runs on, the caller and language.
pub fn request_data(
    request: async_graphql::Request,
    db: &DatabaseConnection,
    viewer: crate::access::Viewer,
    lang: lang::Lang,
    thresholds: Thresholds,
    batch_delay: std::time::Duration,
    request_id: Option<String>,
) -> async_graphql::Request {
    let loaders = DataLoader::new(
        loaders::Loaders {
            db: db.clone(),
            viewer: viewer.clone(),
        },
        tokio::spawn,
    )
    // Siblings of a long list reach the loader over several polls (join_all
    // switches to FuturesOrdered above 30 items and yields between them);
    // the delay gathers them into one batch. 2 ms by default: each level of
    // nesting waits once, so it is a floor on every request's latency (the
    // statement-count tests run with 20 ms, on a loaded machine).
    .delay(batch_delay);
    request
        .data(loaders)
        .data(db.clone())
        .data(common::RequestScope {
            viewer,
            thresholds,
            request_id,
        })
        .data(lang::RequestLang(lang))
        .data(crate::stats::aggregate::Cache::default())
}
