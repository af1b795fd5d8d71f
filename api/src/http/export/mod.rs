//! Downloads: CSV of every root list and every aggregate, and IATI 2.03
//! activity XML of public projects.
//!
//! - `GET /export/{name}.csv` for `projects`, `centres`, `events`,
//!   `infrastructure-works`, `organisations`, `areas`, `participant-stats`,
//!   `service-stats`, `centre-stats`, `work-stats`, with the same filters as
//!   the GraphQL fields as query parameters (see [`csv`]), `lang=az|en`,
//!   `bom=1` (a byte-order mark for spreadsheet programs) and `hxl=1` (an HXL
//!   hashtag row under the header).
//! - `GET /export/iati.xml` (every public project) and
//!   `GET /export/iati/{slug}.xml` (one).
//!
//! Every export is an anonymous reader: public projects only, and the CSV
//! runs the very GraphQL queries a reader would, so the same scopes and the
//! same small-cell suppression apply.

pub mod csv;
pub mod iati;

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::http::AppState;

/// The export routes, merged into the main router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/export/{file}", get(export_file))
        .route("/export/iati/{file}", get(iati_project))
}

/// A failed export: status and a plain-text reason.
#[derive(Debug)]
pub struct ExportError(pub StatusCode, pub String);

impl IntoResponse for ExportError {
    fn into_response(self) -> Response {
        (
            self.0,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.1,
        )
            .into_response()
    }
}

impl ExportError {
    pub(crate) fn bad(message: impl Into<String>) -> Self {
        Self(StatusCode::BAD_REQUEST, message.into())
    }

    pub(crate) fn unavailable() -> Self {
        Self(
            StatusCode::SERVICE_UNAVAILABLE,
            "the database cannot be reached right now; try again shortly".into(),
        )
    }

    pub(crate) fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "export failed");
        Self(StatusCode::INTERNAL_SERVER_ERROR, "internal error".into())
    }
}

async fn export_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ExportError> {
    if file == "iati.xml" {
        let xml = iati::activities(&state.db.conn, state.thresholds, None).await?;
        return Ok(xml_response(xml, "iati-activities.xml"));
    }
    let Some(name) = file.strip_suffix(".csv") else {
        return Err(ExportError(
            StatusCode::NOT_FOUND,
            format!("no export {file:?}: ask for NAME.csv or iati.xml"),
        ));
    };
    let body = csv::export(&state, name, &params).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}

async fn iati_project(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, ExportError> {
    let Some(slug) = file.strip_suffix(".xml") else {
        return Err(ExportError(
            StatusCode::NOT_FOUND,
            "ask for /export/iati/SLUG.xml".into(),
        ));
    };
    let xml = iati::activities(&state.db.conn, state.thresholds, Some(slug)).await?;
    Ok(xml_response(xml, &format!("{slug}.xml")))
}

fn xml_response(xml: Vec<u8>, filename: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/xml; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        xml,
    )
        .into_response()
}
