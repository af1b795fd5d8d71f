//! `GET /files/updates/{id}/{name}`: a photo or document of a programme
//! update, for everyone when the programme is public and the update is not
//! archived (an `<img>` sends no credentials, so this is the anonymous
//! reader's view; managers see their private programmes' files in the
//! programme page after publishing). The name must be the stored one, so a
//! link names its file. Photos are served inline (they were re-encoded on
//! upload), documents only as downloads; `nosniff` and the API's
//! `default-src 'none'` policy come with every answer.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use entities::{programme_update, programme_update_file};

use super::{ExportError, Meter};
use crate::access::Viewer;
use crate::http::AppState;

/// Points one file costs.
pub const FILE_PRICE: u64 = 2;

/// `GET /files/updates/{id}/{name}`.
pub async fn update_file(
    State(state): State<AppState>,
    Path((id, name)): Path<(i32, String)>,
    request: axum::extract::Request,
) -> Result<Response, ExportError> {
    let mut meter = Meter::of(&state, request).await?;
    meter.pay(FILE_PRICE).await?;
    let db = &state.db.conn;
    let missing = || ExportError::not_found("no such file");
    let file = programme_update_file::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(ExportError::from_db)?
        .filter(|f| f.file_name == name)
        .ok_or_else(missing)?;
    let visible = programme_update::Entity::find_by_id(file.update_id)
        .filter(programme_update::Column::ArchivedAt.is_null())
        .filter(Viewer::Anonymous.owned_by_visible_project(programme_update::Column::ProjectId))
        .one(db)
        .await
        .map_err(ExportError::from_db)?;
    if visible.is_none() {
        return Err(missing());
    }
    let disposition = if file.kind == "photo" {
        format!("inline; filename=\"{}\"", file.file_name)
    } else {
        format!("attachment; filename=\"{}\"", file.file_name)
    };
    let mut resp = file.content.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&file.media_type).map_err(ExportError::internal)?,
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(ExportError::internal)?,
    );
    // A stored file never changes (an edit keeps it; an archive hides it):
    // kept for an hour, then revalidated by its ETag.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&format!("\"{}\"", file.sha256)).map_err(ExportError::internal)?,
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("cross-origin"),
    );
    Ok(resp)
}
