//! Events and their attendance: create (with attendance, in one
//! transaction), update, cancel, replace the attendance grid, or add to it.

use std::collections::HashSet;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, NotSet,
    QueryFilter, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};

use entities::codes::*;
use entities::{attendance, centre, event, event_area};

use super::*;
use crate::search::search_key;

/// One cell of an attendance grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceCell {
    /// Sex (UNKNOWN when not recorded).
    pub sex: Sex,
    /// Age band (UNKNOWN when not recorded).
    pub age_band: AgeBand,
    /// Disability status (UNKNOWN when not recorded).
    pub disability: Disability,
    /// Beneficiary category (UNKNOWN when not recorded).
    pub category: BeneficiaryCategory,
    /// Participants in this cell (0 or more).
    pub count: i32,
}

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
}

type CellKey = (Sex, AgeBand, Disability, BeneficiaryCategory);

fn validate_cells(cells: &[AttendanceCell], path: &str) -> Vec<UserError> {
    let mut errors = Vec::new();
    let mut seen: HashSet<CellKey> = HashSet::new();
    for (i, c) in cells.iter().enumerate() {
        let index = i.to_string();
        if c.count < 0 {
            errors.push(UserError::new(
                &["input", path, &index, "count"],
                UserErrorCode::NegativeCount,
                "a count cannot be negative",
            ));
        }
        if !seen.insert((c.sex, c.age_band, c.disability, c.category)) {
            errors.push(UserError::new(
                &["input", path, &index],
                UserErrorCode::DuplicateCell,
                "this sex × age band × disability × category cell appears twice",
            ));
        }
    }
    errors
}

fn capacity_error(capacity: Option<i32>, total: i64, path: &[&str]) -> Option<UserError> {
    let cap = capacity?;
    (total > i64::from(cap)).then(|| {
        UserError::new(
            path,
            UserErrorCode::CapacityExceeded,
            format!("{total} participants exceed the event's capacity of {cap}"),
        )
    })
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

async fn insert_cells<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    cells: &[AttendanceCell],
) -> Result<(), DbErr> {
    if cells.is_empty() {
        return Ok(());
    }
    let rows = cells.iter().map(|c| attendance::ActiveModel {
        id: NotSet,
        event_id: Set(event_id),
        sex: Set(c.sex),
        age_band: Set(c.age_band),
        disability: Set(c.disability),
        category: Set(c.category),
        count: Set(c.count),
        ..Default::default()
    });
    attendance::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

async fn cells_of<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
) -> Result<Vec<attendance::Model>, DbErr> {
    attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(event_id))
        .all(db)
        .await
}

/// Loads an event the caller may edit, locking its row for the transaction on PostgreSQL.
async fn editable_event<C: ConnectionTrait>(
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

/// Creates an event and its attendance in the caller's transaction.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &NewEvent,
) -> ServiceResult<Outcome> {
    let project =
        editable_project(db, &actor.viewer, input.project_id, &["input", "projectId"]).await?;
    let mut errors = Vec::new();
    if input.title_az.trim().is_empty() {
        errors.push(UserError::new(
            &["input", "titleAz"],
            UserErrorCode::Required,
            "give the Azerbaijani title",
        ));
    }
    if input.title_en.trim().is_empty() {
        errors.push(UserError::new(
            &["input", "titleEn"],
            UserErrorCode::Required,
            "give the English title",
        ));
    }
    if input.capacity.is_some_and(|c| c <= 0) {
        errors.push(UserError::new(
            &["input", "capacity"],
            UserErrorCode::Invalid,
            "capacity must be at least 1",
        ));
    }
    errors.extend(event_dates_errors(
        &project,
        input.start_date,
        input.end_date,
    ));
    let cells = &input.attendance;
    errors.extend(validate_cells(cells, "attendance"));
    let total: i64 = cells
        .iter()
        .map(|c| i64::from(std::cmp::Ord::max(c.count, 0)))
        .sum();
    errors.extend(capacity_error(
        input.capacity,
        total,
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
    insert_cells(db, created.id, cells).await?;
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
    if input
        .title_az
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        errors.push(UserError::new(
            &["input", "titleAz"],
            UserErrorCode::Required,
            "the Azerbaijani title cannot be empty",
        ));
    }
    if input
        .title_en
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        errors.push(UserError::new(
            &["input", "titleEn"],
            UserErrorCode::Required,
            "the English title cannot be empty",
        ));
    }
    if let Some(cap) = input.capacity {
        if cap <= 0 {
            errors.push(UserError::new(
                &["input", "capacity"],
                UserErrorCode::Invalid,
                "capacity must be at least 1",
            ));
        } else {
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
    Ok(Outcome::changed(before.id))
}

/// Applies a change only if the row still has `version` (compare-and-set).
async fn bump_event<C: ConnectionTrait>(
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

/// Replaces an event's attendance grid if `version` is current.
pub async fn record_attendance<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    event_id: i32,
    version: i32,
    cells: &[AttendanceCell],
) -> ServiceResult<Outcome> {
    let (before, project) = editable_event(db, &actor.viewer, event_id, &["eventId"]).await?;
    if before.version != version {
        return Err(conflict(&["version"], "event"));
    }
    let mut errors = validate_cells(cells, "cells");
    let total: i64 = cells
        .iter()
        .map(|c| i64::from(std::cmp::Ord::max(c.count, 0)))
        .sum();
    errors.extend(capacity_error(before.capacity, total, &["cells"]));
    if before.status == EventStatus::Cancelled {
        errors.push(UserError::new(
            &["eventId"],
            UserErrorCode::InvalidTransition,
            "the event was cancelled",
        ));
    }
    check(errors)?;
    ensure_unlocked(db, project.id, before.start_date, &["eventId"]).await?;
    let old = cells_of(db, before.id).await?;
    attendance::Entity::delete_many()
        .filter(attendance::Column::EventId.eq(before.id))
        .exec(db)
        .await?;
    insert_cells(db, before.id, cells).await?;
    let change = event::ActiveModel {
        version: Set(before.version + 1),
        ..Default::default()
    };
    bump_event(db, before.id, before.version, change)
        .await?
        .ok_or_else(|| conflict(&["version"], "event"))?;
    audit(
        db,
        actor,
        "attendance.record",
        "event",
        Some(before.id),
        snapshot(&old),
        snapshot(&cells),
    )
    .await?;
    Ok(Outcome::changed(before.id))
}

/// Adds counts to an event's attendance (for several people entering the
/// same event at once: no version needed, every addition counts exactly once).
pub async fn add_attendance<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    event_id: i32,
    cells: &[AttendanceCell],
) -> ServiceResult<Outcome> {
    let (before, project) = editable_event(db, &actor.viewer, event_id, &["eventId"]).await?;
    let mut errors = validate_cells(cells, "cells");
    if before.status == EventStatus::Cancelled {
        errors.push(UserError::new(
            &["eventId"],
            UserErrorCode::InvalidTransition,
            "the event was cancelled",
        ));
    }
    check(errors)?;
    ensure_unlocked(db, project.id, before.start_date, &["eventId"]).await?;
    let existing: i64 = cells_of(db, before.id)
        .await?
        .iter()
        .map(|c| i64::from(c.count))
        .sum();
    let added: i64 = cells.iter().map(|c| i64::from(c.count)).sum();
    if let Some(err) = capacity_error(before.capacity, existing + added, &["cells"]) {
        return Err(err.into());
    }
    for c in cells {
        let row = attendance::ActiveModel {
            id: NotSet,
            event_id: Set(before.id),
            sex: Set(c.sex),
            age_band: Set(c.age_band),
            disability: Set(c.disability),
            category: Set(c.category),
            count: Set(c.count),
            ..Default::default()
        };
        attendance::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    attendance::Column::EventId,
                    attendance::Column::Sex,
                    attendance::Column::AgeBand,
                    attendance::Column::Disability,
                    attendance::Column::Category,
                ])
                .value(
                    attendance::Column::Count,
                    Expr::col((attendance::Entity, attendance::Column::Count)).add(c.count),
                )
                .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    event::Entity::update_many()
        .col_expr(
            event::Column::Version,
            Expr::col(event::Column::Version).add(1),
        )
        .filter(event::Column::Id.eq(before.id))
        .exec(db)
        .await?;
    audit(
        db,
        actor,
        "attendance.add",
        "event",
        Some(before.id),
        None,
        snapshot(&cells),
    )
    .await?;
    Ok(Outcome::changed(before.id))
}
