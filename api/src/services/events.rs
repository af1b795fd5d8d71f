//! Events: create (with attendance, in one transaction), update (optionally
//! replacing the attendance grid in the same transaction), cancel. The grid
//! itself is `attendance`.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, NotSet,
    QueryFilter, QuerySelect, Set,
};

use entities::codes::*;
use entities::{centre, event, event_area};

pub use super::attendance::AttendanceCell;
use super::attendance::{
    audit_grid, cancelled, capacity_error, cells_of, insert_cells, replace_grid, total,
    undeclared_cells, validate_cells,
};
use super::*;
use crate::search::search_key;
use crate::stats::summary::{self, Scope};

/// A new event, optionally with its attendance.
#[derive(Debug, Clone)]
pub struct NewEvent {
    /// Project the event belongs to.
    pub project_id: i32,
    /// Centre it is held at, if one (must belong to the project).
    pub centre_id: Option<i32>,
    /// Kind of event.
    pub kind: EventKind,
    /// Title in Azerbaijani.
    pub title_az: String,
    /// Title in English.
    pub title_en: String,
    /// Topics in Azerbaijani.
    pub topics_az: Option<String>,
    /// Topics in English.
    pub topics_en: Option<String>,
    /// First day.
    pub start_date: Option<NaiveDate>,
    /// Last day (not before the first).
    pub end_date: Option<NaiveDate>,
    /// Audience in Azerbaijani.
    pub audience_az: Option<String>,
    /// Audience in English.
    pub audience_en: Option<String>,
    /// Most participants allowed.
    pub capacity: Option<i32>,
    /// Planned or held (default HELD when attendance is given, else PLANNED).
    pub status: Option<EventStatus>,
    /// Areas it takes place in.
    pub area_ids: Vec<i32>,
    /// Attendance grid, written in the same transaction.
    pub attendance: Vec<AttendanceCell>,
}

/// Changes to an event; `None` fields stay as they are.
#[derive(Debug, Clone)]
pub struct EventChanges {
    /// The event.
    pub id: i32,
    /// The `version` the change is based on.
    pub version: i32,
    /// New kind.
    pub kind: Option<EventKind>,
    /// New Azerbaijani title.
    pub title_az: Option<String>,
    /// New English title.
    pub title_en: Option<String>,
    /// New Azerbaijani topics.
    pub topics_az: Option<String>,
    /// New English topics.
    pub topics_en: Option<String>,
    /// New first day.
    pub start_date: Option<NaiveDate>,
    /// New last day.
    pub end_date: Option<NaiveDate>,
    /// New capacity.
    pub capacity: Option<i32>,
    /// New status (cancelling is [`cancel`]).
    pub status: Option<EventStatus>,
    /// A new attendance grid replacing the old one, in the same write (one version bump).
    pub attendance: Option<Vec<AttendanceCell>>,
}

fn event_dates_errors(
    project: &entities::project::Model,
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
) -> Vec<UserError> {
    let mut errors = Vec::new();
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        errors.push(UserError::new(
            &["input", "endDate"],
            UserErrorCode::Invalid,
            "the last day is before the first",
        ));
    }
    errors.extend(within_project(project, start, &["input", "startDate"]));
    errors.extend(within_project(project, end, &["input", "endDate"]));
    errors
}

/// Loads an event the caller may edit, locking its row for the transaction on PostgreSQL.
pub(super) async fn editable_event<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    id: i32,
    field: &[&str],
) -> ServiceResult<(event::Model, entities::project::Model)> {
    let mut query = event::Entity::find_by_id(id)
        .filter(viewer.owned_by_visible_project(event::Column::ProjectId));
    if db.get_database_backend() == DatabaseBackend::Postgres {
        // Serialises writers of one event (SQLite's IMMEDIATE transactions already do).
        query = query.lock_exclusive();
    }
    let Some(found) = query.one(db).await? else {
        return Err(UserError::new(field, UserErrorCode::NotFound, "no such event").into());
    };
    let project = editable_project(db, viewer, found.project_id, field).await?;
    Ok((found, project))
}

/// An event needs a title in at least one language (the other may be left
/// empty: readers are then shown the given one, marked with its language).
/// The error lands on the fields the input named (both for a new event).
fn title_errors(az: &str, en: &str, named_az: bool, named_en: bool) -> Vec<UserError> {
    if !az.trim().is_empty() || !en.trim().is_empty() {
        return Vec::new();
    }
    [("titleAz", named_az), ("titleEn", named_en)]
        .into_iter()
        .filter(|(_, named)| *named)
        .map(|(field, _)| {
            UserError::new(
                &["input", field],
                UserErrorCode::Required,
                "give the title in Azerbaijani or in English (one is enough)",
            )
        })
        .collect()
}

/// Creates an event and its attendance in the caller's transaction.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &NewEvent,
) -> ServiceResult<Outcome> {
    let project =
        editable_project(db, &actor.viewer, input.project_id, &["input", "projectId"]).await?;
    let mut errors = Vec::new();
    errors.extend(title_errors(&input.title_az, &input.title_en, true, true));
    if input.capacity.is_some_and(|c| c <= 0) {
        errors.push(UserError::new(
            &["input", "capacity"],
            UserErrorCode::Invalid,
            "capacity must be at least 1",
        ));
    }
    if let Some(cap) = input.capacity {
        errors.extend(bounds::EVENT_CAPACITY.check(i64::from(cap), &["input", "capacity"]));
    }
    errors.extend(event_dates_errors(
        &project,
        input.start_date,
        input.end_date,
    ));
    let cells = &input.attendance;
    errors.extend(validate_cells(cells, "attendance"));
    errors.extend(undeclared_cells(db, project.id, cells, "attendance").await?);
    errors.extend(capacity_error(
        input.capacity,
        total(cells),
        &["input", "attendance"],
    ));
    if let Some(id) = input.centre_id
        && centre::Entity::find_by_id(id)
            .filter(centre::Column::ProjectId.eq(project.id))
            .one(db)
            .await?
            .is_none()
    {
        errors.push(UserError::new(
            &["input", "centreId"],
            UserErrorCode::NotFound,
            "no such centre in this project",
        ));
    }
    check(errors)?;
    ensure_unlocked(db, project.id, input.start_date, &["input", "startDate"]).await?;

    let status = input.status.unwrap_or(if cells.is_empty() {
        EventStatus::Planned
    } else {
        EventStatus::Held
    });
    let created = event::ActiveModel {
        id: NotSet,
        project_id: Set(project.id),
        centre_id: Set(input.centre_id),
        kind: Set(input.kind),
        title_az: Set(input.title_az.trim().to_string()),
        title_en: Set(input.title_en.trim().to_string()),
        topics_az: Set(input.topics_az.clone()),
        topics_en: Set(input.topics_en.clone()),
        start_date: Set(input.start_date),
        end_date: Set(input.end_date),
        audience_az: Set(input.audience_az.clone()),
        audience_en: Set(input.audience_en.clone()),
        capacity: Set(input.capacity),
        status: Set(status),
        source_document_id: Set(None),
        search_key: Set(search_key([
            input.title_az.as_str(),
            input.title_en.as_str(),
        ])),
        version: Set(1),
    }
    .insert(db)
    .await?;
    for &area in &input.area_ids {
        event_area::Entity::insert(event_area::ActiveModel {
            event_id: Set(created.id),
            area_id: Set(area),
        })
        .exec_without_returning(db)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => ServiceError::from(UserError::new(
                &["input", "areaIds"],
                UserErrorCode::NotFound,
                "no such area",
            )),
            _ => ServiceError::Db(e),
        })?;
    }
    insert_cells(db, created.id, cells, &Default::default()).await?;
    summary::refresh(db, &actor.thresholds, Scope::Events(&[created.id])).await?;
    let after = serde_json::json!({ "event": created, "attendance": cells });
    audit(
        db,
        actor,
        "event.create",
        "event",
        Some(created.id),
        None,
        Some(after),
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

/// Updates an event if `version` is current.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &EventChanges,
) -> ServiceResult<Outcome> {
    let (before, project) = editable_event(db, &actor.viewer, input.id, &["input", "id"]).await?;
    if before.version != input.version {
        return Err(conflict(&["input", "version"], "event"));
    }
    let start = input.start_date.or(before.start_date);
    let end = input.end_date.or(before.end_date);
    let mut errors = event_dates_errors(&project, start, end);
    errors.extend(title_errors(
        input.title_az.as_deref().unwrap_or(&before.title_az),
        input.title_en.as_deref().unwrap_or(&before.title_en),
        input.title_az.is_some(),
        input.title_en.is_some(),
    ));
    let grid = input.attendance.as_deref();
    if let Some(cells) = grid {
        errors.extend(validate_cells(cells, "attendance"));
        errors.extend(undeclared_cells(db, project.id, cells, "attendance").await?);
        let capacity = input.capacity.filter(|c| *c > 0).or(before.capacity);
        errors.extend(capacity_error(
            capacity,
            total(cells),
            &["input", "attendance"],
        ));
        errors.extend(cancelled(&before, &["input", "attendance"]));
    }
    if let Some(cap) = input.capacity {
        errors.extend(bounds::EVENT_CAPACITY.check(i64::from(cap), &["input", "capacity"]));
        if cap <= 0 {
            errors.push(UserError::new(
                &["input", "capacity"],
                UserErrorCode::Invalid,
                "capacity must be at least 1",
            ));
        } else if grid.is_none() {
            // A new grid is checked against the capacity above instead.
            let total: i64 = cells_of(db, before.id)
                .await?
                .iter()
                .map(|c| i64::from(c.count))
                .sum();
            errors.extend(capacity_error(Some(cap), total, &["input", "capacity"]));
        }
    }
    if input.status == Some(EventStatus::Cancelled) {
        errors.push(UserError::new(
            &["input", "status"],
            UserErrorCode::Invalid,
            "use cancelEvent to cancel an event",
        ));
    }
    check(errors)?;
    ensure_unlocked(db, project.id, before.start_date, &["input", "id"]).await?;
    ensure_unlocked(db, project.id, start, &["input", "startDate"]).await?;

    let title_az = input
        .title_az
        .clone()
        .unwrap_or_else(|| before.title_az.clone());
    let title_en = input
        .title_en
        .clone()
        .unwrap_or_else(|| before.title_en.clone());
    let mut change = event::ActiveModel {
        kind: Set(input.kind.unwrap_or(before.kind)),
        title_az: Set(title_az.trim().to_string()),
        title_en: Set(title_en.trim().to_string()),
        topics_az: Set(input.topics_az.clone().or(before.topics_az.clone())),
        topics_en: Set(input.topics_en.clone().or(before.topics_en.clone())),
        start_date: Set(start),
        end_date: Set(end),
        capacity: Set(input.capacity.or(before.capacity)),
        status: Set(input.status.unwrap_or(before.status)),
        search_key: Set(search_key([title_az.as_str(), title_en.as_str()])),
        ..Default::default()
    };
    change.version = Set(before.version + 1);
    let updated = bump_event(db, before.id, before.version, change)
        .await?
        .ok_or_else(|| conflict(&["input", "version"], "event"))?;
    audit(
        db,
        actor,
        "event.update",
        "event",
        Some(before.id),
        snapshot(&before),
        snapshot(&updated),
    )
    .await?;
    if let Some(cells) = grid {
        // Same transaction, same version bump: the edit and its grid land together.
        let old = replace_grid(db, before.id, cells).await?;
        audit_grid(db, actor, before.id, &old, cells).await?;
    }
    // Its dates (the stored month, quarter, year) or its grid may have moved.
    summary::refresh(db, &actor.thresholds, Scope::Events(&[before.id])).await?;
    Ok(Outcome::changed(before.id))
}

/// Applies a change only if the row still has `version` (compare-and-set).
pub(super) async fn bump_event<C: ConnectionTrait>(
    db: &C,
    id: i32,
    version: i32,
    change: event::ActiveModel,
) -> Result<Option<event::Model>, DbErr> {
    if !compare_and_set::<event::Entity, _>(
        db,
        change,
        (event::Column::Id, id),
        (event::Column::Version, version),
    )
    .await?
    {
        return Ok(None);
    }
    event::Entity::find_by_id(id).one(db).await
}

/// Cancels an event if `version` is current.
pub async fn cancel<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
) -> ServiceResult<Outcome> {
    let (before, project) = editable_event(db, &actor.viewer, id, &["id"]).await?;
    if before.version != version {
        return Err(conflict(&["version"], "event"));
    }
    ensure_unlocked(db, project.id, before.start_date, &["id"]).await?;
    let change = event::ActiveModel {
        status: Set(EventStatus::Cancelled),
        version: Set(before.version + 1),
        ..Default::default()
    };
    let updated = bump_event(db, before.id, before.version, change)
        .await?
        .ok_or_else(|| conflict(&["version"], "event"))?;
    // A cancelled event's participants leave the statistics' rollup.
    summary::refresh(db, &actor.thresholds, Scope::Events(&[before.id])).await?;
    audit(
        db,
        actor,
        "event.cancel",
        "event",
        Some(before.id),
        snapshot(&before),
        snapshot(&updated),
    )
    .await?;
    Ok(Outcome::changed(before.id))
}
