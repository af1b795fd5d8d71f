//! Downloads: CSV of every root list and every aggregate, and IATI 2.03
//! activity XML of public projects.
//!
//! - `GET /export/{name}.csv` for `projects`, `centres`, `events`,
//!   `infrastructure-works`, `organisations`, `areas`, `participant-stats`,
//!   `service-stats`, `centre-stats`, `work-stats`, with the same filters as
//!   the GraphQL fields as query parameters (see [`csv`]), `lang=az|en`,
//!   `bom=1` (a byte-order mark for spreadsheet programs) and `hxl=1` (an HXL
//!   hashtag row under the header).
//! - `GET /export/datapackage.json`: a Frictionless Data Package describing
//!   every CSV (see [`datapackage`]).
//! - `GET /export/iati.xml` (every public project) and
//!   `GET /export/iati/{slug}.xml` (one).
//! - Atom feeds of published changes: `GET /feeds/programme/{slug}.atom`
//!   and `GET /feeds/portal/{organisation}.atom` (see [`atom`]).
//!
//! Every export is an anonymous reader: public projects only, and the CSV
//! runs the very GraphQL queries a reader would, so the same scopes and the
//! same small-cell suppression apply.
//!
//! Every export is paid for from the caller's budget of cost points (per
//! address, API key or user, as for GraphQL; see [`super::caller`]): a CSV
//! list pays, before each page of 100 rows, that page's GraphQL price, a CSV
//! of statistics the price of its one query, an IATI file a fixed price
//! ([`IATI_ALL_PRICE`], [`IATI_ONE_PRICE`]). A spent budget is answered
//! `429` with `Retry-After` and the budget (`RATE_LIMITED`), as GraphQL is;
//! a file that is sent says what it cost in `X-Cost` and what is left in
//! `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`.

pub mod atom;
pub mod csv;
mod csv_specs;
pub mod datapackage;
pub mod files;
pub mod iati;

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::http::AppState;
use crate::http::caller::{Caller, caller, charge};
use crate::ratelimit::Spend;

/// Points `/export/iati.xml` (every public project) costs.
pub const IATI_ALL_PRICE: u64 = 500;
/// Points `/export/iati/{slug}.xml` (one project) costs.
pub const IATI_ONE_PRICE: u64 = 50;

/// The export routes, merged into the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/export/{file}", get(export_file))
        .route("/export/iati/{file}", get(iati_project))
        .route("/feeds/programme/{file}", get(atom::programme))
        .route("/feeds/portal/{file}", get(atom::portal))
        .route("/files/updates/{id}/{name}", get(files::update_file))
}

/// A failed export: a status and a plain-text reason, or an answer made
/// elsewhere (the `429` of a spent budget, a refused credential).
#[derive(Debug)]
pub enum ExportError {
    /// A plain-text answer with this status.
    Text(StatusCode, String),
    /// A ready answer.
    Answer(Box<Response>),
}

impl IntoResponse for ExportError {
    fn into_response(self) -> Response {
        match self {
            Self::Text(status, message) => (
                status,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                message,
            )
                .into_response(),
            Self::Answer(resp) => *resp,
        }
    }
}

impl ExportError {
    pub(crate) fn bad(message: impl Into<String>) -> Self {
        Self::Text(StatusCode::BAD_REQUEST, message.into())
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::Text(StatusCode::NOT_FOUND, message.into())
    }

    /// The database cannot be reached: 503 with the GraphQL answers' code
    /// (`SERVICE_UNAVAILABLE`) and `Retry-After`, as `/graphql` answers.
    pub(crate) fn unavailable() -> Self {
        let mut resp = crate::http::caller::http_error(
            StatusCode::SERVICE_UNAVAILABLE,
            crate::error::UNAVAILABLE_CODE,
            "the database cannot be reached right now; try again shortly",
        );
        resp.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(crate::http::graphql::UNAVAILABLE_RETRY_AFTER),
        );
        Self::Answer(Box::new(resp))
    }

    /// A database error: [`Self::unavailable`] when the database cannot be
    /// reached, else an internal fault.
    pub(crate) fn from_db(error: sea_orm::DbErr) -> Self {
        if crate::error::is_unavailable(&error) {
            tracing::error!(%error, "export: database unavailable");
            Self::unavailable()
        } else {
            Self::internal(error)
        }
    }

    pub(crate) fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "export failed");
        Self::Text(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into())
    }
}

/// What one export has spent from its caller's budget.
pub(crate) struct Meter<'a> {
    state: &'a AppState,
    caller: Caller,
    spent: u64,
    last: Option<Spend>,
}

impl<'a> Meter<'a> {
    /// Authenticates the request's caller (whose budget pays).
    async fn of(state: &'a AppState, request: axum::extract::Request) -> Result<Self, ExportError> {
        let (parts, _) = request.into_parts();
        let caller = caller(state, &parts)
            .await
            .map_err(|r| ExportError::Answer(Box::new(r)))?;
        Ok(Self {
            state,
            caller,
            spent: 0,
            last: None,
        })
    }

    /// Spends `points` before the work they pay for, or refuses with `429`.
    pub(crate) async fn pay(&mut self, points: u64) -> Result<(), ExportError> {
        let spend = charge(self.state, &self.caller, points)
            .await
            .map_err(|r| ExportError::Answer(Box::new(r)))?;
        self.spent = self.spent.saturating_add(points);
        if spend.is_some() {
            self.last = spend;
        }
        Ok(())
    }

    /// The file's answer, with what it cost and the budget left.
    fn answer(&self, content_type: &'static str, filename: &str, body: Vec<u8>) -> Response {
        let mut resp = (
            [
                (header::CONTENT_TYPE, content_type.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{filename}\""),
                ),
            ],
            body,
        )
            .into_response();
        let h = resp.headers_mut();
        // No ETag here: an anonymous download may be kept but must be
        // revalidated (it follows the data); one made with credentials may
        // hold raw figures and is never stored by a shared cache.
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(
                if matches!(self.caller.viewer, crate::access::Viewer::Anonymous) {
                    "public, no-cache"
                } else {
                    "private, no-store"
                },
            ),
        );
        h.insert(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Authorization"),
        );
        h.insert("x-cost", HeaderValue::from(self.spent));
        if let Some(s) = &self.last {
            h.insert("x-ratelimit-limit", HeaderValue::from(s.limit));
            h.insert("x-ratelimit-remaining", HeaderValue::from(s.remaining));
            h.insert("x-ratelimit-reset", HeaderValue::from(s.reset_secs));
        }
        resp
    }
}

async fn export_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    request: axum::extract::Request,
) -> Result<Response, ExportError> {
    if file == "datapackage.json" {
        // Made from the export definitions alone: no database, no cost.
        let mut resp = (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "public, max-age=300"),
            ],
            serde_json::to_vec_pretty(&datapackage::package()).map_err(ExportError::internal)?,
        )
            .into_response();
        resp.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Accept-Language"));
        return Ok(resp);
    }
    if file != "iati.xml" && !file.ends_with(".csv") {
        return Err(ExportError::not_found(format!(
            "no export {file:?}: ask for NAME.csv, iati.xml or datapackage.json"
        )));
    }
    let mut meter = Meter::of(&state, request).await?;
    if file == "iati.xml" {
        meter.pay(IATI_ALL_PRICE).await?;
        let xml = iati::activities(&state.db.conn, state.thresholds, &state.iati, None).await?;
        return Ok(meter.answer(XML, "iati-activities.xml", xml));
    }
    let name = file.strip_suffix(".csv").unwrap_or(&file);
    let body = csv::export(&state, &mut meter, name, &params).await?;
    Ok(meter.answer("text/csv; charset=utf-8", &format!("{name}.csv"), body))
}

async fn iati_project(
    State(state): State<AppState>,
    Path(file): Path<String>,
    request: axum::extract::Request,
) -> Result<Response, ExportError> {
    let Some(slug) = file.strip_suffix(".xml") else {
        return Err(ExportError::not_found("ask for /export/iati/SLUG.xml"));
    };
    let mut meter = Meter::of(&state, request).await?;
    meter.pay(IATI_ONE_PRICE).await?;
    let xml = iati::activities(&state.db.conn, state.thresholds, &state.iati, Some(slug)).await?;
    Ok(meter.answer(XML, &format!("{slug}.xml"), xml))
}

const XML: &str = "application/xml; charset=utf-8";
