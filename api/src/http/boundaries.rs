//! Area boundaries over HTTP, for `/manage` and scripts: a realistic
//! boundary file (a country's districts as GeoJSON are a few megabytes) is far
//! larger than a GraphQL request may be, so it is sent as the body of its own
//! route, with its own body limit:
//!
//! - `POST /boundaries/{kind}?dryRun=true` (kind: `district`, `city`, … or
//!   the GraphQL enum name `DISTRICT`) with the GeoJSON file as the body:
//!   the report per feature, nothing stored.
//! - The same without `dryRun` and with an `Idempotency-Key` header: stores
//!   the matched boundaries; a retry with the same key replays the outcome.
//!
//! Both run `services::setup::places::upload_boundaries` through
//! `run_idempotent`, exactly as the `uploadAreaBoundaries` mutation does (same
//! operation name, same hashed request: a key means one upload whichever way
//! it came). Administrators only. A body above
//! [`places::BOUNDARY_FILE_MAX`] is refused as `FILE_TOO_LARGE` (413).

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::json;
use sha2::Digest;
use std::collections::HashMap;

use entities::codes::AreaKind;

use super::AppState;
use super::caller::{caller, http_error};
use super::import::errors_response;
use crate::graphql::ids::{NodeType, encode};
use crate::services::setup::places::{self, BOUNDARY_FILE_MAX, FeatureReport};
use crate::services::{Actor, Outcome, ServiceError, UserError, UserErrorCode, run_idempotent};

/// Largest body the route reads: the file cap and a little room, so a file
/// just over the cap is answered by the service's typed error, and anything
/// larger by this route's 413.
pub const BODY_MAX: usize = BOUNDARY_FILE_MAX + 64 * 1024;

/// The boundary route, with its own body limit.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/boundaries/{kind}", post(upload))
        .with_state(state)
        // Read by the handler with its own cap (so that a body over it is
        // answered with the typed FILE_TOO_LARGE, not the limit layer's text).
        .layer(DefaultBodyLimit::max(BODY_MAX))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(TIMEOUT_SECS),
        ))
}

/// How long one upload may take (reading a few megabytes on a slow line, then
/// matching and storing).
pub const TIMEOUT_SECS: u64 = 120;

fn too_large() -> Response {
    let msg = format!(
        "the file is larger than {} MB: simplify the boundaries or split the file",
        BOUNDARY_FILE_MAX / 1024 / 1024
    );
    let mut resp = (
        StatusCode::PAYLOAD_TOO_LARGE,
        axum::Json(json!({ "errors": [{ "field": ["geojson"], "code": "FILE_TOO_LARGE", "message": msg }] })),
    )
        .into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn kind_of(raw: &str) -> Option<AreaKind> {
    AreaKind::from_code(&raw.to_ascii_lowercase())
}

async fn upload(
    State(state): State<AppState>,
    Path(kind): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let c = match caller(&state, &parts).await {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let actor = Actor {
        viewer: c.viewer,
        request_id: c.request_id,
        thresholds: state.thresholds,
    };
    if actor.viewer.actor_key().is_none() {
        return http_error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "log in to upload boundaries",
        );
    }
    let Some(kind) = kind_of(&kind) else {
        return http_error(
            StatusCode::BAD_REQUEST,
            "INVALID",
            "the level is one of country, economic_region, district, city, settlement, village",
        );
    };
    let bytes = match axum::body::to_bytes(body, BODY_MAX).await {
        Ok(b) => b,
        Err(_) => return too_large(),
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return errors_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[UserError::new(
                &["geojson"],
                UserErrorCode::Invalid,
                "the file is not UTF-8 text",
            )],
        );
    };
    if text.len() > BOUNDARY_FILE_MAX {
        return too_large();
    }
    let dry_run = query.get("dryRun").is_some_and(|v| v == "true" || v == "1");
    let outcome = if dry_run {
        // A dry run stores nothing (no audit row, no stored outcome): it runs
        // on the connection and needs no key.
        match places::upload_boundaries(&state.db.conn, &actor, kind, text, true).await {
            Ok(o) => Ok(o),
            Err(ServiceError::User(errors)) => Ok(Outcome {
                errors,
                ..Outcome::default()
            }),
            Err(ServiceError::Db(e)) => Err(e),
        }
    } else {
        let Some(key) = parts
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
        else {
            return http_error(
                StatusCode::BAD_REQUEST,
                "REQUIRED",
                "storing boundaries needs an Idempotency-Key header",
            );
        };
        let hash: String = sha2::Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        // The request the mutation hashes, so one key is one upload either way.
        let request = json!({ "kind": kind, "sha256": hash, "dryRun": false });
        run_idempotent(
            &state.db.conn,
            &actor,
            "uploadAreaBoundaries",
            key,
            &request,
            async |txn| places::upload_boundaries(txn, &actor, kind, text, false).await,
        )
        .await
    };
    match outcome {
        Ok(o) if o.errors.is_empty() => {
            let features: Vec<serde_json::Value> = o
                .detail
                .and_then(|d| serde_json::from_value::<Vec<FeatureReport>>(d).ok())
                .unwrap_or_default()
                .into_iter()
                .map(|r| {
                    json!({
                        "index": r.index,
                        "label": r.label,
                        "areaId": r.area_id.map(|id| encode(NodeType::Area, id)),
                        "problem": r.problem,
                    })
                })
                .collect();
            let mut resp =
                axum::Json(json!({ "features": features, "replayed": o.replayed })).into_response();
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Ok(o) => {
            let status = if o.errors.iter().any(|e| {
                matches!(
                    e.code,
                    UserErrorCode::Forbidden | UserErrorCode::Unauthenticated
                )
            }) {
                StatusCode::FORBIDDEN
            } else if o.errors.iter().any(|e| e.code == UserErrorCode::Conflict) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            errors_response(status, &o.errors)
        }
        Err(e) => {
            tracing::error!(error = %e, "boundary upload failed on the database");
            http_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "INTERNAL",
                "the upload could not run; nothing was stored",
            )
        }
    }
}
