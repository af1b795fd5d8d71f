//! The HTTP surface: `POST /graphql`, a small self-contained page at
//! `GET /graphql`, `GET /schema.graphql`, `GET /health`; limits, CORS,
//! security headers, request ids and tracing around all of it.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
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

pub mod export;
pub mod site;
pub mod state;

use crate::auth::{self, jwt::JwtKeys};
use crate::config::Config;
use crate::db::Db;
use crate::graphql::{self, lang::Lang};
pub use state::AppState;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Builds the router with all middleware.
pub fn build_router(db: Db, config: &Config) -> Router {
    let keys = JwtKeys::new(&config.signing_secret(), config.jwt_ttl_secs);
    let schema = graphql::build_schema(db.conn.clone(), config, keys.clone());
    let state = AppState {
        sdl: schema.sdl().into(),
        schema,
        db,
        thresholds: config.thresholds,
        keys,
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
        .route("/graphql", get(explorer_page).post(graphql_post))
        .route("/schema.graphql", get(schema_file))
        .route("/health", get(health))
        .merge(export::routes())
        .with_state(state)
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

    app.layer(CompressionLayer::new())
        .layer(cors)
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(config.request_timeout_secs)))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let request_id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
                })
                // One line per request at the default level, with its status and latency.
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Millis),
                )
                .on_failure(tower_http::trace::DefaultOnFailure::new().level(tracing::Level::ERROR)),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

fn error_response(status: StatusCode, code: &str, message: &str) -> Response {
    let body =
        serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (status, Json(body)).into_response()
}

/// Executes a GraphQL request (or a batch). Only `application/json` bodies
/// are accepted, so a form post from another site cannot run a query.
async fn graphql_post(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send GraphQL requests as POST with content-type: application/json",
        );
    }
    let batch: async_graphql::BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("the body is not a GraphQL JSON request: {e}"),
            );
        }
    };
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default();
    let db = &state.db.conn;
    let viewer = match auth::authenticate(&headers, db, &state.keys).await {
        Ok(viewer) => viewer,
        Err(failure) => {
            let mut resp = error_response(failure.status(), failure.code(), failure.message());
            if failure.status() == StatusCode::UNAUTHORIZED {
                resp.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            } else {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            return resp;
        }
    };
    let request_id = headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let batch = match batch {
        async_graphql::BatchRequest::Single(r) => async_graphql::BatchRequest::Single({
            let conn = graphql::connection_for(&state.db, &r, &viewer);
            graphql::request_data(r, &conn, viewer, lang, state.thresholds, request_id)
        }),
        async_graphql::BatchRequest::Batch(list) => {
            if list.len() > 10 {
                return error_response(
                    StatusCode::BAD_REQUEST,
                    "BATCH_TOO_LARGE",
                    "at most 10 operations per batch",
                );
            }
            async_graphql::BatchRequest::Batch(
                list.into_iter()
                    .map(|r| {
                        let conn = graphql::connection_for(&state.db, &r, &viewer);
                        graphql::request_data(
                            r,
                            &conn,
                            viewer.clone(),
                            lang,
                            state.thresholds,
                            request_id.clone(),
                        )
                    })
                    .collect(),
            )
        }
    };
    let response = state.schema.execute_batch(batch).await;
    Json(response).into_response()
}

/// The schema as SDL, for code generators and dashboards.
async fn schema_file(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        state.sdl.to_string(),
    )
        .into_response()
}

/// Liveness and database reachability.
async fn health(State(state): State<AppState>) -> Response {
    let engine = crate::db::engine_name(&state.db.conn);
    match state.db.conn.ping().await {
        Ok(()) => Json(serde_json::json!({ "status": "ok", "database": engine })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({
                    "status": "unavailable",
                    "database": engine,
                    "code": "SERVICE_UNAVAILABLE",
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
