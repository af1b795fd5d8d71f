//! Spreadsheet import over HTTP, for `/manage` and scripts:
//!
//! - `POST /import/{slug}?kind=events&dryRun=true` with the file as the body
//!   (any content type; up to [`read::MAX_FILE_BYTES`]): the preview, every
//!   row's outcome (refused rows all, others up to [`ROWS_SHOWN`]) and the
//!   `token` to confirm with.
//! - `POST /import/{slug}?kind=…&token=…` with the same file and an
//!   `Idempotency-Key` header: stores it, whole or not at all; a retry with
//!   the same key replays the outcome (`"replayed": true`).
//! - `GET /import/{slug}/template?kind=…&lang=az|en&format=xlsx|csv`: the
//!   project's template.
//!
//! - `POST /import-iati?dryRun=true` with an IATI 2.03 activity file as the
//!   body: the preview (every activity's outcome and the `token`);
//!   `POST /import-iati?token=…` with the same file and an
//!   `Idempotency-Key` header stores it. Administrators only: an activity
//!   may create a programme.
//!
//! Only the project's managers and admins may do any of this. These routes
//! have their own body limit and timeout (a file is larger, and a preview
//! of 50,000 rows longer, than a GraphQL request), and at most
//! [`CONCURRENT`] imports run at once per server, so memory stays bounded.

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use entities::project;

use super::AppState;
use super::caller::{caller, http_error};
use crate::services::import::{self, ImportError, Kind, RowStatus, read, template};
use crate::services::{Actor, UserError};

/// Rows other than refused ones a preview lists (the totals count them all).
pub const ROWS_SHOWN: usize = 1_000;
/// Imports running at once on one server.
pub const CONCURRENT: usize = 2;
/// How long one import request may take.
pub const TIMEOUT_SECS: u64 = 300;

static RUNNING: LazyLock<tokio::sync::Semaphore> =
    LazyLock::new(|| tokio::sync::Semaphore::new(CONCURRENT));

/// The import routes, with their own body limit and timeout.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/import/{slug}", post(upload))
        .route("/import/{slug}/template", get(template_file))
        .route("/import-iati", post(upload_iati))
        .with_state(state)
        .layer(DefaultBodyLimit::max(read::MAX_FILE_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            read::MAX_FILE_BYTES,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(TIMEOUT_SECS),
        ))
}

pub(crate) fn errors_response(status: StatusCode, errors: &[UserError]) -> Response {
    let list: Vec<Value> = errors
        .iter()
        .map(|e| json!({ "field": e.field, "code": code_of(e), "message": e.message }))
        .collect();
    let mut resp = (status, axum::Json(json!({ "errors": list }))).into_response();
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

fn code_of(e: &UserError) -> String {
    let name = format!("{:?}", e.code);
    let mut out = String::new();
    for (i, ch) in name.chars().enumerate() {
        if ch.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

fn import_error(e: ImportError) -> Response {
    match e {
        ImportError::File(p) => {
            let mut resp = (
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::Json(json!({ "errors": [{ "field": ["file"], "code": p.code, "message": p.message }] })),
            )
                .into_response();
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        ImportError::User(errors) => errors_response(StatusCode::UNPROCESSABLE_ENTITY, &errors),
        ImportError::Db(err) => {
            tracing::error!(error = %err, "import failed on the database");
            http_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "INTERNAL",
                "the import could not run; nothing was stored",
            )
        }
    }
}

/// Resolves the project a caller may edit from its slug.
async fn editable(state: &AppState, actor: &Actor, slug: &str) -> Result<i32, Response> {
    if actor.viewer.actor_key().is_none() {
        return Err(http_error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "log in to import",
        ));
    }
    let found = project::Entity::find()
        .filter(project::Column::Slug.eq(slug))
        .filter(actor.viewer.project_scope())
        .one(&state.db.conn)
        .await
        .map_err(|e| import_error(ImportError::Db(e)))?;
    match found {
        Some(p) if actor.viewer.can_edit_project(p.id) => Ok(p.id),
        Some(_) => Err(http_error(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "you may not change this project's data",
        )),
        None => Err(http_error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "no such project",
        )),
    }
}

async fn actor_of(state: &AppState, parts: &axum::http::request::Parts) -> Result<Actor, Response> {
    let c = caller(state, parts).await?;
    Ok(Actor {
        viewer: c.viewer,
        request_id: c.request_id,
        thresholds: state.thresholds,
    })
}

fn kind_of(query: &HashMap<String, String>) -> Result<Option<Kind>, Box<Response>> {
    match query.get("kind").filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(k) => Kind::from_code(k).map(Some).ok_or_else(|| {
            Box::new(http_error(
                StatusCode::BAD_REQUEST,
                "INVALID",
                "kind is one of events, service_counts, indicator_values",
            ))
        }),
    }
}

async fn upload(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let actor = match actor_of(&state, &parts).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let project_id = match editable(&state, &actor, &slug).await {
        Ok(id) => id,
        Err(resp) => return resp,
    };
    let kind = match kind_of(&query) {
        Ok(k) => k,
        Err(resp) => return *resp,
    };
    let bytes = match file_of(body).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let _permit = match permit() {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    let prepared = match prepare_off_thread(move || import::prepare(&bytes, kind)).await {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let (token, dry_run) = mode(&query);
    let no_progress = |_: usize, _: usize| {};
    if dry_run {
        return match import::preview(&state.db.conn, &actor, project_id, &prepared, &no_progress)
            .await
        {
            Ok(mut report) => {
                let total_rows = report.rows.len();
                let mut others = 0;
                report.rows.retain(|r| {
                    r.status == RowStatus::Refused || {
                        others += 1;
                        others <= ROWS_SHOWN
                    }
                });
                let shown = report.rows.len();
                let mut body = serde_json::to_value(&report).unwrap_or_default();
                body["rowsOmitted"] = json!(total_rows - shown);
                no_store(axum::Json(body).into_response())
            }
            Err(e) => import_error(e),
        };
    }
    let key = match idempotency_key(&parts) {
        Ok(k) => k,
        Err(resp) => return *resp,
    };
    let token = token.cloned().unwrap_or_default();
    confirmed(
        import::confirm(
            &state.db.conn,
            &actor,
            project_id,
            &prepared,
            &token,
            &key,
            &no_progress,
        )
        .await
        .map_err(ImportError::Db),
    )
}

/// `POST /import-iati`: an IATI activity file's preview or confirmation.
async fn upload_iati(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    use crate::services::import::iati;
    let (parts, body) = request.into_parts();
    let actor = match actor_of(&state, &parts).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    if actor.viewer.actor_key().is_none() {
        return http_error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHENTICATED",
            "log in to import",
        );
    }
    if !actor.viewer.is_admin() {
        return http_error(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "only an administrator imports IATI files (an activity may create a programme)",
        );
    }
    let bytes = match file_of(body).await {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let _permit = match permit() {
        Ok(p) => p,
        Err(resp) => return *resp,
    };
    let prefix = state.iati.prefix.clone();
    let prepared = match prepare_off_thread(move || iati::prepare(&bytes, prefix.as_deref())).await
    {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let (token, dry_run) = mode(&query);
    let no_progress = |_: usize, _: usize| {};
    if dry_run {
        return match iati::preview(&state.db.conn, &actor, &prepared, &no_progress).await {
            Ok(report) => no_store(axum::Json(report).into_response()),
            Err(e) => import_error(e),
        };
    }
    let key = match idempotency_key(&parts) {
        Ok(k) => k,
        Err(resp) => return *resp,
    };
    let token = token.cloned().unwrap_or_default();
    confirmed(
        iati::confirm(
            &state.db.conn,
            &actor,
            &prepared,
            &token,
            &key,
            &no_progress,
        )
        .await,
    )
}

/// The uploaded file, refused as too large past the import's cap.
async fn file_of(body: axum::body::Body) -> Result<Bytes, Response> {
    axum::body::to_bytes(body, read::MAX_FILE_BYTES)
        .await
        .map_err(|_| {
            http_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "FILE_TOO_LARGE",
                "the file is larger than an import accepts (20 MB): split it",
            )
        })
}

/// A place among the imports running at once, or 503 `BUSY` with `Retry-After`.
fn permit() -> Result<tokio::sync::SemaphorePermit<'static>, Box<Response>> {
    RUNNING.try_acquire().map_err(|_| {
        let mut resp = http_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "BUSY",
            "other imports are running; try again in a minute",
        );
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        Box::new(resp)
    })
}

/// Reads and checks a file off the async threads (parsing is CPU work).
async fn prepare_off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ImportError> + Send + 'static,
) -> Result<T, Response> {
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(e)) => Err(import_error(e)),
        Err(_) => Err(http_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "UNREADABLE",
            "the file could not be read",
        )),
    }
}

/// The preview's token, and whether this request only previews (no token,
/// or `dryRun=true`).
fn mode(query: &HashMap<String, String>) -> (Option<&String>, bool) {
    let token = query.get("token").filter(|t| !t.is_empty());
    let dry_run = token.is_none() || query.get("dryRun").is_some_and(|v| v == "true" || v == "1");
    (token, dry_run)
}

/// The `Idempotency-Key` a confirmation must carry.
fn idempotency_key(parts: &axum::http::request::Parts) -> Result<String, Box<Response>> {
    parts
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| {
            Box::new(http_error(
                StatusCode::BAD_REQUEST,
                "REQUIRED",
                "a confirmation needs an Idempotency-Key header",
            ))
        })
}

/// A confirmation's answer: what was stored (and whether it was a replay),
/// 409 when a row changed since the preview, 422 for other refusals.
fn confirmed(result: Result<crate::services::Outcome, ImportError>) -> Response {
    match result {
        Ok(outcome) if outcome.errors.is_empty() => {
            let mut body = outcome.detail.unwrap_or_default();
            body["replayed"] = json!(outcome.replayed);
            no_store(axum::Json(body).into_response())
        }
        Ok(outcome) => {
            let status = if outcome
                .errors
                .iter()
                .any(|e| e.code == crate::services::UserErrorCode::Conflict)
            {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            errors_response(status, &outcome.errors)
        }
        Err(e) => import_error(e),
    }
}

fn no_store(mut resp: Response) -> Response {
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

async fn template_file(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    let (parts, _) = request.into_parts();
    let actor = match actor_of(&state, &parts).await {
        Ok(a) => a,
        Err(resp) => return resp,
    };
    let project_id = match editable(&state, &actor, &slug).await {
        Ok(id) => id,
        Err(resp) => return resp,
    };
    let Ok(Some(kind)) = kind_of(&query) else {
        return http_error(
            StatusCode::BAD_REQUEST,
            "INVALID",
            "kind is one of events, service_counts, indicator_values",
        );
    };
    let az = query.get("lang").is_some_and(|l| l == "az");
    let csv = query.get("format").is_some_and(|f| f == "csv");
    let name = format!("{slug}-{}-{}", kind.code(), if az { "az" } else { "en" });
    let (bytes, mime, ext) = if csv {
        (template::csv(kind, az), "text/csv; charset=utf-8", "csv")
    } else {
        let lists = match template::lists(&state.db.conn, project_id, az).await {
            Ok(l) => l,
            Err(e) => return import_error(ImportError::Db(e)),
        };
        match template::xlsx(kind, az, &lists) {
            Ok(b) => (
                b,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            Err(e) => {
                tracing::error!(error = %e, "template could not be written");
                return http_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "INTERNAL",
                    "the template could not be written",
                );
            }
        }
    };
    let disposition = format!("attachment; filename=\"{name}.{ext}\"");
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}
