//! The HTTP surface: `POST /graphql` and `GET /graphql` ([`graphql`]; a
//! small self-contained page when GET has no query), `GET /schema.graphql`,
//! `GET /health` (alive), `GET /ready` (database reachable, migrations
//! applied), `GET /metrics` (Prometheus); limits, CORS, security headers on
//! every response (errors and 413s included), request ids, metrics and one
//! log line per request around all of it.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub mod boundaries;
pub mod caller;
pub mod export;
pub mod graphql;
pub mod import;
pub mod metrics;
pub mod persisted;
pub mod process_metrics;
pub mod server;
pub mod site;
pub mod sorted;
pub mod state;

use crate::auth::jwt::JwtKeys;
use crate::config::Config;
use crate::db::Db;
pub use state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the router with all middleware.
///
/// Panics when the persisted-query manifest cannot be read or the Redis
/// URL is malformed (see [`try_build_router`]).
pub fn build_router(db: Db, config: &Config) -> Router {
    try_build_router(db, config).unwrap_or_else(|e| panic!("cannot build the router: {e:#}"))
}

/// Builds the router with all middleware; fails on a persisted-query
/// manifest that cannot be read or a malformed `REDIS_URL`.
pub fn try_build_router(db: Db, config: &Config) -> anyhow::Result<Router> {
    let keys = JwtKeys::new(&config.signing_secret(), config.jwt_ttl_secs);
    let redis = match &config.redis_url {
        Some(url) => Some(std::sync::Arc::new(crate::shared_store::RedisHandle::open(
            url,
        )?)),
        None => None,
    };
    let budgets = std::sync::Arc::new(match &redis {
        Some(handle) => crate::ratelimit::Budgets::in_redis(handle.clone(), &config.redis_prefix),
        None => crate::ratelimit::Budgets::in_memory(),
    });
    let schema =
        crate::graphql::build_schema_with(db.conn.clone(), config, keys.clone(), budgets.clone());
    let sdl: std::sync::Arc<str> = schema.sdl().into();
    let guard = graphql::Guard::new(config, &sdl, budgets, redis)?;
    tracing::info!(
        persisted_queries = ?config.persisted_queries,
        manifest_documents = guard.persisted.manifest_len(),
        persisted_store = guard.persisted.backend(),
        rate_limit_store = guard.budgets.backend(),
        "GraphQL guard ready"
    );
    let metrics = std::sync::Arc::new(metrics::Metrics::default());
    let state = AppState {
        sdl,
        schema,
        db,
        thresholds: config.thresholds,
        batch_delay: std::time::Duration::from_millis(config.dataloader_delay_ms),
        keys,
        guard: std::sync::Arc::new(guard),
        metrics: metrics.clone(),
        metrics_token: config.metrics_token.clone().map(Into::into),
        iati: std::sync::Arc::new(config.iati.clone()),
    };

    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(
            config
                .cors_origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok()),
        ))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            header::ACCEPT_LANGUAGE,
        ])
        .max_age(Duration::from_secs(600));

    let api = Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/schema.graphql", get(schema_file))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics_text))
        .merge(export::routes())
        .with_state(state.clone())
        // The API's own answers are never framed and load nothing; the site's
        // pages set their own policy (see `site`).
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ));
    let app = match &config.web_dir {
        Some(dir) => {
            let site = site::Site::new(dir);
            api.fallback(move |req: axum::extract::Request| {
                let site = site.clone();
                async move { site.serve(req).await }
            })
        }
        None => api,
    };

    let hsts = config.hsts;
    // The body limit and timeout wrap every route so far; the import routes,
    // merged after them, carry their own (a spreadsheet is larger, and its
    // preview longer, than a GraphQL request).
    let app = app
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(config.request_timeout_secs),
        ))
        .merge(import::routes(state.clone()))
        .merge(boundaries::routes(state));
    let router = app
        .layer(CompressionLayer::new())
        .layer(cors)
        // Outside the body limit and the timeout, so their 413 and 408 carry
        // the same headers as every other answer.
        .layer(axum::middleware::map_response(
            move |resp: Response| async move { security_headers(resp, hsts) },
        ))
        .layer(axum::middleware::from_fn_with_state(metrics, track))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let request_id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %req.uri().path(),
                        request_id,
                        operation = tracing::field::Empty,
                        cost = tracing::field::Empty,
                    )
                })
                // One line per request at the default level, with its status
                // and its latency as a number of milliseconds (`latency_ms`),
                // so log pipelines can sum and compare it.
                .on_response(
                    |resp: &Response, latency: Duration, _span: &tracing::Span| {
                        tracing::info!(
                            status = resp.status().as_u16(),
                            latency_ms = latency.as_secs_f64() * 1000.0,
                            "finished processing request"
                        );
                    },
                )
                .on_failure(
                    |failure: tower_http::classify::ServerErrorsFailureClass,
                     latency: Duration,
                     _span: &tracing::Span| {
                        tracing::error!(
                            classification = %failure,
                            latency_ms = latency.as_secs_f64() * 1000.0,
                            "response failed"
                        );
                    },
                ),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid));
    Ok(router)
}

/// The headers every response carries, errors included: `nosniff`,
/// `Referrer-Policy`, a `Content-Security-Policy` when the response has none
/// (HTML pages set their own), and `Strict-Transport-Security` behind TLS;
/// `Connection: close` on a `413`.
fn security_headers(mut resp: Response, hsts: bool) -> Response {
    // A 413 is sent before the body is read: the connection must not carry
    // another request (its unread bytes would be taken for one), so say so
    // and the client opens a new one instead of failing on a reused one.
    if resp.status() == StatusCode::PAYLOAD_TOO_LARGE {
        resp.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    let h = resp.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    if hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    resp
}

/// The route label of a path for metrics: the API's own routes, else
/// `/export` or `site`, so the series stay few.
fn route_label(path: &str) -> &'static str {
    match path {
        "/graphql" => "/graphql",
        "/schema.graphql" => "/schema.graphql",
        "/health" => "/health",
        "/ready" => "/ready",
        "/metrics" => "/metrics",
        p if p.starts_with("/export/") => "/export",
        _ => "site",
    }
}

/// Counts every request by route, method and status, with its latency.
async fn track(
    State(metrics): State<std::sync::Arc<metrics::Metrics>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let route = route_label(req.uri().path());
    let method = req.method().clone();
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    metrics.request(
        route,
        method.as_str(),
        resp.status().as_u16(),
        started.elapsed(),
    );
    resp
}

/// `POST /graphql` (see [`graphql::post`]).
async fn graphql_post(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    graphql::post(state, req).await
}

/// `GET /graphql`: a query or persisted query when the URL has one (see
/// [`graphql::get`]), else the help page.
async fn graphql_get(State(state): State<AppState>, req: axum::extract::Request) -> Response {
    match graphql::get(state, req).await {
        Some(resp) => resp,
        None => explorer_page().await.into_response(),
    }
}

/// `GET /metrics`: the Prometheus text format. With `METRICS_TOKEN` set,
/// only for `Authorization: Bearer <token>` (else `401 UNAUTHENTICATED`).
async fn metrics_text(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    if let Some(token) = &state.metrics_token
        && !bearer_matches(&headers, token)
    {
        state.metrics.error("UNAUTHENTICATED");
        let mut resp = caller::http_error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "the metrics need `Authorization: Bearer <METRICS_TOKEN>`",
        );
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return resp;
    }
    let relaxed = std::sync::atomic::Ordering::Relaxed;
    let body = state.metrics.render(
        metrics::pool_stats(&state.db.conn),
        state.guard.budgets.store_errors.load(relaxed),
        state.guard.persisted.store_errors.load(relaxed),
    );
    (
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Whether the request carries `Authorization: Bearer <token>`, compared in
/// constant time.
fn bearer_matches(headers: &axum::http::HeaderMap, token: &str) -> bool {
    use subtle::ConstantTimeEq;
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .is_some_and(|sent| bool::from(sent.as_bytes().ct_eq(token.as_bytes())))
}

/// The schema as SDL, for code generators and dashboards.
async fn schema_file(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        state.sdl.to_string(),
    )
        .into_response()
}

/// Liveness: the process answers. It does not touch the database, so a
/// database outage does not get healthy replicas restarted; see [`ready`].
async fn health(State(state): State<AppState>) -> Response {
    let engine = crate::db::engine_name(&state.db.conn);
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(serde_json::json!({
            "status": "ok",
            "database": engine,
            "version": crate::build_info::VERSION,
            "commit": crate::build_info::commit(),
        })),
    )
        .into_response()
}

/// How long `/ready` waits for the database before answering 503: short, so
/// a load balancer hears of an outage at once (not after the pool's
/// acquire timeout or the request timeout).
const READY_PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// Readiness: the database answers (within [`READY_PROBE_TIMEOUT`]) and has
/// no pending migration. Never cached (`no-store`).
async fn ready(State(state): State<AppState>) -> Response {
    let mut resp = ready_answer(&state).await;
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn ready_answer(state: &AppState) -> Response {
    use migration::MigratorTrait;
    let engine = crate::db::engine_name(&state.db.conn);
    let probe = async {
        state.db.conn.ping().await?;
        migration::Migrator::get_pending_migrations(&state.db.conn)
            .await
            .map(|p| p.len())
    };
    let checked = match tokio::time::timeout(READY_PROBE_TIMEOUT, probe).await {
        Ok(result) => result,
        Err(_) => Err(sea_orm::DbErr::Custom(format!(
            "no answer within {READY_PROBE_TIMEOUT:?}"
        ))),
    };
    match checked {
        Ok(0) => {
            Json(serde_json::json!({ "status": "ok", "database": engine, "migrations": "applied" }))
                .into_response()
        }
        Ok(pending) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({
                "status": "unavailable",
                "database": engine,
                "pendingMigrations": pending,
                "code": "MIGRATIONS_PENDING",
            })),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(
                    header::RETRY_AFTER,
                    crate::http::graphql::UNAVAILABLE_RETRY_AFTER,
                )],
                Json(serde_json::json!({
                    "status": "unavailable",
                    "database": engine,
                    "code": crate::error::UNAVAILABLE_CODE,
                })),
            )
                .into_response()
        }
    }
}

/// A page for people who open `/graphql` in a browser: where the schema is,
/// an example query and how to send it. It loads nothing from any host.
async fn explorer_page() -> impl IntoResponse {
    (
        [(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        )],
        Html(EXPLORER_PAGE),
    )
}

const EXPLORER_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Programme progress hub — GraphQL API</title>
<style>
 body { font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
 pre { background: #f4f4f4; padding: 1rem; overflow-x: auto; border-radius: 4px; }
 code { font-family: ui-monospace, monospace; }
</style>
</head>
<body>
<h1>Programme progress hub — GraphQL API</h1>
<p>This endpoint answers GraphQL over <code>POST /graphql</code> with
<code>content-type: application/json</code>. The schema is at
<a href="/schema.graphql"><code>/schema.graphql</code></a> (also committed as
<code>api/schema.graphql</code>); every type and field carries a description.</p>
<h2>Example query</h2>
<pre><code>{
  projects(first: 10, orderBy: [{ field: TITLE }]) {
    totalCount
    edges { cursor node { slug title(lang: AZ) status } }
    pageInfo { hasNextPage endCursor }
  }
}</code></pre>
<h2>Send it with curl</h2>
<pre><code>curl -s http://HOST/graphql \
  -H 'content-type: application/json' \
  -H 'accept-language: az' \
  -d '{"query":"{ projects(first: 10) { totalCount edges { node { slug title } } } }"}'</code></pre>
<h2>Notes</h2>
<ul>
<li>Lists are Relay connections: <code>first</code>/<code>after</code> page forward,
<code>last</code>/<code>before</code> backward, at most 100 rows a page.</li>
<li>Names come in the language asked for: <code>lang: AZ | EN</code> on the field, else the
<code>Accept-Language</code> header, else English.</li>
<li>Text search matches with or without Azerbaijani letters: <code>"Fuzuli"</code> finds “Füzuli”.</li>
<li>Small counts that could identify someone are returned as <code>null</code> with
<code>suppressed: true</code>.</li>
</ul>
</body>
</html>
"#;
