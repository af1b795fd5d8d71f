//! Atom feeds of published changes, for people who follow news in a reader:
//!
//! - `GET /feeds/programme/{slug}.atom`: the changes of one public programme;
//! - `GET /feeds/portal/{organisation}.atom?roles=funding,implementing`: the
//!   changes of every public programme an organisation (acronym or English
//!   name, as a donor portal's `organisation` in `web/portals/*.json`) takes
//!   part in, in the given roles (default: funding).
//!
//! `lang=az|en` (default en) picks the titles and the site links. Each feed
//! reads the change feed as an anonymous reader (public programmes only)
//! and, like the change feed, names what changed and carries no figure:
//! the linked page shows the protected figures.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::SecondsFormat;
use quick_xml::escape::escape;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use entities::codes::ParticipantRole;
use entities::{change, programme_update, project, project_participant};

use super::{ExportError, Meter};
use crate::access::Viewer;
use crate::http::AppState;

/// Points one feed costs.
pub const ATOM_PRICE: u64 = 20;
/// Entries in a feed.
pub const ENTRIES: u64 = 50;
const ATOM: &str = "application/atom+xml; charset=utf-8";

/// `GET /feeds/programme/{slug}.atom`.
pub async fn programme(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    request: axum::extract::Request,
) -> Result<Response, ExportError> {
    let Some(slug) = file.strip_suffix(".atom") else {
        return Err(ExportError::not_found("ask for /feeds/programme/SLUG.atom"));
    };
    let lang = lang(&params)?;
    let mut meter = Meter::of(&state, request).await?;
    meter.pay(ATOM_PRICE).await?;
    let db = &state.db.conn;
    let found = project::Entity::find()
        .filter(project::Column::Slug.eq(slug))
        .filter(Viewer::Anonymous.project_scope())
        .one(db)
        .await
        .map_err(ExportError::from_db)?;
    let Some(p) = found else {
        return Err(ExportError::not_found(format!(
            "no public programme {slug:?}"
        )));
    };
    let title = if lang == "az" {
        &p.title_az
    } else {
        &p.title_en
    };
    let rows = crate::queries::changes::of_projects(db, &Viewer::Anonymous, &[p.id], ENTRIES)
        .await
        .map_err(ExportError::from_db)?;
    let updates = live_updates(db, &rows).await?;
    let body = document(
        &format!("tag:progress-hub,2026:feed:programme:{}", p.slug),
        title,
        &format!("/{lang}/programme/{}/", p.slug),
        &rows,
        std::slice::from_ref(&p),
        &updates,
        lang,
    );
    Ok(meter.answer(ATOM, &format!("{slug}.atom"), body.into_bytes()))
}

/// `GET /feeds/portal/{organisation}.atom`.
pub async fn portal(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    request: axum::extract::Request,
) -> Result<Response, ExportError> {
    let Some(name) = file.strip_suffix(".atom") else {
        return Err(ExportError::not_found(
            "ask for /feeds/portal/ORGANISATION.atom",
        ));
    };
    let lang = lang(&params)?;
    let roles = match params
        .get("roles")
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
    {
        None => vec![ParticipantRole::Funding],
        Some(list) => list
            .split(',')
            .map(|r| {
                ParticipantRole::from_code(&r.trim().to_ascii_lowercase())
                    .ok_or_else(|| ExportError::bad(format!("{r:?} is not a participant role")))
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    let mut meter = Meter::of(&state, request).await?;
    meter.pay(ATOM_PRICE).await?;
    let db = &state.db.conn;
    let org = crate::cli::organisation_id(db, name)
        .await
        .map_err(|_| ExportError::not_found(format!("no organisation {name:?}")))?;
    let ids: Vec<i32> = project_participant::Entity::find()
        .filter(project_participant::Column::OrganisationId.eq(org))
        .filter(project_participant::Column::Role.is_in(roles))
        .all(db)
        .await
        .map_err(ExportError::from_db)?
        .into_iter()
        .map(|p| p.project_id)
        .collect();
    let projects = project::Entity::find()
        .filter(project::Column::Id.is_in(ids.clone()))
        .filter(Viewer::Anonymous.project_scope())
        .all(db)
        .await
        .map_err(ExportError::from_db)?;
    let public: Vec<i32> = projects.iter().map(|p| p.id).collect();
    let rows = crate::queries::changes::of_projects(db, &Viewer::Anonymous, &public, ENTRIES)
        .await
        .map_err(ExportError::from_db)?;
    let title = if lang == "az" {
        format!("{name}: proqramların yenilikləri")
    } else {
        format!("{name}: programme news")
    };
    let updates = live_updates(db, &rows).await?;
    let body = document(
        &format!("tag:progress-hub,2026:feed:portal:{org}"),
        &title,
        &format!("/{lang}/"),
        &rows,
        &projects,
        &updates,
        lang,
    );
    Ok(meter.answer(ATOM, &format!("{name}.atom"), body.into_bytes()))
}

fn lang(params: &HashMap<String, String>) -> Result<&'static str, ExportError> {
    match params.get("lang").map(String::as_str) {
        None | Some("en") => Ok("en"),
        Some("az") => Ok("az"),
        Some(other) => Err(ExportError::bad(format!("lang is az or en, not {other:?}"))),
    }
}

/// What a change is called in a reader, in the feed's language.
pub fn kind_title(kind: &str, lang: &str) -> String {
    let (en, az) = match kind {
        "event.create" => ("New event", "Yeni tədbir"),
        "event.update" => ("Event updated", "Tədbir yeniləndi"),
        "event.cancel" => ("Event cancelled", "Tədbir ləğv edildi"),
        "attendance.record" | "attendance.add" => ("Attendance recorded", "İştirak qeydə alındı"),
        "service_counts.set" => ("Service figures updated", "Xidmət göstəriciləri yeniləndi"),
        "work.status" => ("Works progress", "İşlərin gedişi"),
        "centre.milestone" => ("Centre milestone", "Mərkəzin mərhələsi"),
        "project.visibility" => ("Programme status", "Proqramın statusu"),
        "update.post" => ("Update from the field", "Sahədən yenilik"),
        "update.edit" => ("Update revised", "Yenilik düzəldildi"),
        "narrative.set" => ("Period narrative", "Dövrün təsviri"),
        _ => ("Change", "Dəyişiklik"),
    };
    let text = if lang == "az" { az } else { en };
    text.to_string()
}

/// The updates the feed's rows name that are still live (not archived),
/// by id: their text goes into the entries (an update is prose, never a
/// figure, so the feed may carry it).
async fn live_updates(
    db: &sea_orm::DatabaseConnection,
    rows: &[change::Model],
) -> Result<HashMap<i32, programme_update::Model>, ExportError> {
    let ids: Vec<i32> = rows
        .iter()
        .filter(|c| c.entity_type == "programme_update")
        .filter_map(|c| c.entity_id)
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(programme_update::Entity::find()
        .filter(programme_update::Column::Id.is_in(ids))
        .filter(programme_update::Column::ArchivedAt.is_null())
        .all(db)
        .await
        .map_err(ExportError::from_db)?
        .into_iter()
        .map(|u| (u.id, u))
        .collect())
}

fn document(
    id: &str,
    title: &str,
    link: &str,
    rows: &[change::Model],
    projects: &[project::Model],
    updates: &HashMap<i32, programme_update::Model>,
    lang: &str,
) -> String {
    let updated = rows
        .first()
        .map(|c| c.created_at)
        .unwrap_or_else(chrono::Utc::now)
        .to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <id>{}</id>\n  <title>{}</title>\n  <link rel=\"alternate\" href=\"{}\"/>\n  <updated>{updated}</updated>\n  <author><name>Programme progress hub</name></author>\n",
        escape(id),
        escape(title),
        escape(link)
    ));
    for c in rows {
        let Some(p) = projects.iter().find(|p| Some(p.id) == c.project_id) else {
            continue;
        };
        let project_title = if lang == "az" {
            &p.title_az
        } else {
            &p.title_en
        };
        let what = kind_title(&c.kind, lang);
        let mut content = String::new();
        if c.entity_type == "programme_update" {
            // Only posts and edits of live updates: an archived one leaves the feed.
            let Some(u) = c
                .entity_id
                .and_then(|id| updates.get(&id))
                .filter(|_| matches!(c.kind.as_str(), "update.post" | "update.edit"))
            else {
                continue;
            };
            let (first, second) = if lang == "az" {
                (&u.text_az, &u.text_en)
            } else {
                (&u.text_en, &u.text_az)
            };
            let text = if first.is_empty() { second } else { first };
            content = format!(
                "    <content type=\"text\">{}: {}</content>\n",
                u.posted_on.format("%Y-%m-%d"),
                escape(text.as_str())
            );
        }
        out.push_str(&format!(
            "  <entry>\n    <id>tag:progress-hub,2026:change:{}</id>\n    <title>{}: {}</title>\n    <link rel=\"alternate\" href=\"/{lang}/programme/{}/\"/>\n    <updated>{}</updated>\n    <category term=\"{}\"/>\n    <summary>{} ({}, data version {})</summary>\n{}  </entry>\n",
            c.position.unwrap_or_default(),
            escape(&what),
            escape(project_title.as_str()),
            escape(&p.slug),
            c.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            escape(&c.kind),
            escape(&what),
            escape(&c.entity_type),
            c.audit_id,
            content
        ));
    }
    out.push_str("</feed>\n");
    out
}
