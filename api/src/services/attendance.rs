//! Attendance grids of events: validate a grid, replace it (on its own or
//! with an event's other changes), or add to it.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set};
use serde::{Deserialize, Serialize};

use entities::codes::*;
use entities::{attendance, event};

use super::events::{bump_event, editable_event};
use super::*;
use crate::stats::summary::{self, Scope};

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

pub(super) type CellKey = (Sex, AgeBand, Disability, BeneficiaryCategory);

pub(super) fn validate_cells(cells: &[AttendanceCell], path: &str) -> Vec<UserError> {
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
        errors.extend(
            bounds::ATTENDANCE_CELL.check(i64::from(c.count), &["input", path, &index, "count"]),
        );
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

/// Cells whose category the project does not declare.
pub(super) async fn undeclared_cells<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
    cells: &[AttendanceCell],
    path: &str,
) -> Result<Vec<UserError>, DbErr> {
    let declared = declared_categories(db, project_id).await?;
    Ok(cells
        .iter()
        .enumerate()
        .filter(|(_, c)| !declared.contains(&c.category))
        .map(|(i, c)| undeclared_category(c.category, &["input", path, &i.to_string(), "category"]))
        .collect())
}

/// `VALUE_OUT_OF_RANGE` for each added cell whose stored count plus the
/// addition would pass [`bounds::ATTENDANCE_CELL`].
pub(super) fn added_cell_errors(
    stored: &[attendance::Model],
    added: &[AttendanceCell],
) -> Vec<UserError> {
    let mut errors = Vec::new();
    for (i, c) in added.iter().enumerate() {
        let before: i64 = stored
            .iter()
            .filter(|s| {
                (s.sex, s.age_band, s.disability, s.category)
                    == (c.sex, c.age_band, c.disability, c.category)
            })
            .map(|s| i64::from(s.count))
            .sum();
        let index = i.to_string();
        if let Some(mut e) = bounds::ATTENDANCE_CELL.check(
            before + i64::from(c.count),
            &["input", "cells", &index, "count"],
        ) {
            e.message = format!("{before} stored + {} added: {}", c.count, e.message);
            errors.push(e);
        }
    }
    errors
}

pub(super) fn capacity_error(
    capacity: Option<i32>,
    total: i64,
    path: &[&str],
) -> Option<UserError> {
    let cap = capacity?;
    (total > i64::from(cap)).then(|| {
        UserError::new(
            path,
            UserErrorCode::CapacityExceeded,
            format!("{total} participants exceed the event's capacity of {cap}"),
        )
    })
}

/// Participants in a grid (negative counts are reported, not summed).
pub(super) fn total(cells: &[AttendanceCell]) -> i64 {
    cells
        .iter()
        .map(|c| i64::from(std::cmp::Ord::max(c.count, 0)))
        .sum()
}

/// The refusal to change the attendance of a cancelled event.
pub(super) fn cancelled(event: &event::Model, field: &[&str]) -> Option<UserError> {
    (event.status == EventStatus::Cancelled).then(|| {
        UserError::new(
            field,
            UserErrorCode::InvalidTransition,
            "the event was cancelled",
        )
    })
}

/// The audit row of a replaced grid.
pub(super) async fn audit_grid<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    event_id: i32,
    old: &[attendance::Model],
    new: &[AttendanceCell],
) -> Result<(), DbErr> {
    audit(
        db,
        actor,
        "attendance.record",
        "event",
        Some(event_id),
        snapshot(&old),
        snapshot(&new),
    )
    .await
}

/// Replaces an event's grid in the caller's transaction; returns the old cells.
///
/// A cell that was there before keeps its record key: a reader watching the
/// event across edits sees each cell rounded by the same draw, never a fresh
/// one to average (`disclosure::keys`).
pub(super) async fn replace_grid<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    cells: &[AttendanceCell],
) -> Result<Vec<attendance::Model>, DbErr> {
    let old = cells_of(db, event_id).await?;
    attendance::Entity::delete_many()
        .filter(attendance::Column::EventId.eq(event_id))
        .exec(db)
        .await?;
    let keys: HashMap<CellKey, i64> = old
        .iter()
        .map(|m| ((m.sex, m.age_band, m.disability, m.category), m.cell_key))
        .collect();
    insert_cells(db, event_id, cells, &keys).await?;
    Ok(old)
}

/// Inserts cells; a cell listed in `keys` gets that record key, any other a
/// random one from the database.
pub(super) async fn insert_cells<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
    cells: &[AttendanceCell],
    keys: &HashMap<CellKey, i64>,
) -> Result<(), DbErr> {
    if cells.is_empty() {
        return Ok(());
    }
    // Two batches: a batch's rows must set the same columns.
    let key_of = |c: &AttendanceCell| keys.get(&(c.sex, c.age_band, c.disability, c.category));
    let (kept, new): (Vec<&AttendanceCell>, Vec<&AttendanceCell>) =
        cells.iter().partition(|c| key_of(c).is_some());
    for batch in [kept, new] {
        if batch.is_empty() {
            continue;
        }
        let rows = batch.iter().map(|c| attendance::ActiveModel {
            id: NotSet,
            event_id: Set(event_id),
            sex: Set(c.sex),
            age_band: Set(c.age_band),
            disability: Set(c.disability),
            category: Set(c.category),
            count: Set(c.count),
            cell_key: key_of(c).map_or(NotSet, |k| Set(*k)),
            ..Default::default()
        });
        attendance::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

pub(super) async fn cells_of<C: ConnectionTrait>(
    db: &C,
    event_id: i32,
) -> Result<Vec<attendance::Model>, DbErr> {
    attendance::Entity::find()
        .filter(attendance::Column::EventId.eq(event_id))
        .all(db)
        .await
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
    errors.extend(undeclared_cells(db, project.id, cells, "cells").await?);
    errors.extend(capacity_error(before.capacity, total(cells), &["cells"]));
    errors.extend(cancelled(&before, &["eventId"]));
    check(errors)?;
    ensure_unlocked(db, project.id, before.start_date, &["eventId"]).await?;
    let old = replace_grid(db, before.id, cells).await?;
    summary::refresh(db, &actor.thresholds, Scope::Events(&[before.id])).await?;
    let change = event::ActiveModel {
        version: Set(before.version + 1),
        ..Default::default()
    };
    bump_event(db, before.id, before.version, change)
        .await?
        .ok_or_else(|| conflict(&["version"], "event"))?;
    audit_grid(db, actor, before.id, &old, cells).await?;
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
    errors.extend(undeclared_cells(db, project.id, cells, "cells").await?);
    errors.extend(cancelled(&before, &["eventId"]));
    check(errors)?;
    ensure_unlocked(db, project.id, before.start_date, &["eventId"]).await?;
    let stored = cells_of(db, before.id).await?;
    check(added_cell_errors(&stored, cells))?;
    let existing: i64 = stored.iter().map(|c| i64::from(c.count)).sum();
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
    summary::refresh(db, &actor.thresholds, Scope::Events(&[before.id])).await?;
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
