//! The programme progress hub's API: a GraphQL read API over humanitarian and
//! social-protection programme data, on SQLite or PostgreSQL.
//!
//! `main.rs` is a thin CLI over this library; the integration tests start the
//! same router with [`build_router`] and [`serve`].

pub mod access;
pub mod auth;
pub mod build_info;
pub mod cli;
pub mod command;
pub mod config;
pub mod data_version;
pub mod db;
pub mod disclosure;
pub mod error;
pub mod graphql;
pub mod http;
pub mod mail;
pub mod queries;
pub mod ratelimit;
pub mod rules;
pub mod search;
pub mod seed;
pub mod services;
pub mod shared_store;
pub mod stats;
pub mod webhooks;

use std::future::Future;

use migration::MigratorTrait;

pub use config::Config;
pub use graphql::{build_schema, sdl};
pub use http::build_router;

/// Opens the configured database and makes it ready to serve.
///
/// With the embedded default (no `DATABASE_URL`), or when `migrate` is set,
/// pending migrations are applied; the embedded default also loads the demo
/// dataset on first start. Otherwise the server refuses to start on a
/// database with pending migrations rather than serve a schema it does not know.
pub async fn prepare(config: &Config, migrate: bool) -> anyhow::Result<db::Db> {
    let mut database = db::connect_with(
        &config.database_url,
        config.max_connections,
        std::time::Duration::from_secs(config.db_acquire_timeout_secs),
    )
    .await?;
    if let Some(read_url) = &config.database_read_url {
        anyhow::ensure!(
            read_url.starts_with("postgres"),
            "DATABASE_READ_URL must be a PostgreSQL streaming replica (postgres://…)"
        );
        database = database
            .with_read_replica(
                read_url,
                config.max_connections,
                std::time::Duration::from_secs(config.read_primary_secs),
            )
            .await?;
    }
    database
        .statements
        .log_slower_than(config.slow_statement_ms);
    if let Some(replica) = &database.read {
        replica.statements.log_slower_than(config.slow_statement_ms);
    }
    if config.embedded_default || migrate {
        db::migrate(&database.conn).await?;
    } else {
        let pending = migration::Migrator::get_pending_migrations(&database.conn).await?;
        anyhow::ensure!(
            pending.is_empty(),
            "the database has {} pending migration(s): run `api migrate` first (or `api serve --migrate`)",
            pending.len()
        );
    }
    let respelled = search::add_schwa_spellings(&database.conn).await?;
    if respelled > 0 {
        tracing::info!(rows = respelled, "search keys now also match ə typed as e");
    }
    if config.embedded_default && !seed::demo_is_loaded(&database.conn).await? {
        tracing::info!("first start on the embedded database: loading the demo dataset");
        let report =
            seed::seed_demo_with_keys(&database.conn, config.record_keys(), &|_, _, _| {}).await?;
        tracing::info!(inserted = report.inserted, "demo dataset loaded");
        if !config.production {
            seed::create_demo_accounts(&database.conn).await?;
        }
    }
    let summaries = stats::summary::sync(&database.conn, &config.thresholds).await?;
    if summaries > 0 {
        tracing::info!(events = summaries, "per-event summaries written");
    }
    Ok(database)
}

/// Serves the router on a bound listener until `shutdown` resolves, then
/// stops accepting connections and waits for the requests in flight to
/// finish (each is bounded by `API_REQUEST_TIMEOUT_SECS`). Handlers see the
/// peer's address (`ConnectInfo`), for per-client limits. Connections use the
/// default time limits ([`serve_with`] takes them from the configuration).
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, router, Default::default(), shutdown).await
}

/// [`serve`] with these connection time limits: half-sent request heads are
/// closed after `header_read_timeout`, silent connections after `idle_timeout`.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    limits: http::server::ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    http::server::serve(listener, router, limits, shutdown).await
}
