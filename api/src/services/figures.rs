//! Progress figures: infrastructure work status (with dated history), centre
//! milestones, and service counts for a period.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, Set,
};

use entities::codes::*;
use entities::{centre, centre_milestone, infrastructure_work, service_count, work_status_change};

use super::*;
use crate::db::filter::eq_opt;

/// A new status (and progress) of an infrastructure work.
#[derive(Debug, Clone)]
pub struct WorkStatusChange {
    /// The work.
    pub id: i32,
    /// The `version` the change is based on.
    pub version: i32,
    /// New status.
    pub status: WorkStatus,
    /// Physical progress, 0–100 (COMPLETED and HANDED_OVER imply 100).
    pub progress_percent: Option<i32>,
    /// Date of the change (default today).
    pub changed_on: Option<NaiveDate>,
    /// Note in Azerbaijani.
    pub note_az: Option<String>,
    /// Note in English.
    pub note_en: Option<String>,
}

/// Records a work's new status and appends it to the dated history.
pub async fn update_work_status<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &WorkStatusChange,
) -> ServiceResult<Outcome> {
    let id = input.id;
    let Some(before) = infrastructure_work::Entity::find_by_id(id)
        .filter(
            actor
                .viewer
                .owned_by_visible_project(infrastructure_work::Column::ProjectId),
        )
        .one(db)
        .await?
    else {
        return Err(UserError::new(
            &["input", "id"],
            UserErrorCode::NotFound,
            "no such infrastructure work",
        )
        .into());
    };
    let project = editable_project(db, &actor.viewer, before.project_id, &["input", "id"]).await?;
    if before.version != input.version {
        return Err(conflict(&["input", "version"], "infrastructure work"));
    }
    let done = matches!(input.status, WorkStatus::Completed | WorkStatus::HandedOver);
    let progress = input.progress_percent.or(if done {
        Some(100)
    } else {
        before.progress_percent
    });
    let mut errors = Vec::new();
    if progress.is_some_and(|p| !(0..=100).contains(&p)) {
        errors.push(UserError::new(
            &["input", "progressPercent"],
            UserErrorCode::Invalid,
            "progress is a percentage from 0 to 100",
        ));
    }
    if done && progress.is_some_and(|p| p != 100) {
        errors.push(UserError::new(
            &["input", "progressPercent"],
            UserErrorCode::Invalid,
            "a completed work is 100% done",
        ));
    }
    let changed_on = input.changed_on.unwrap_or_else(|| Utc::now().date_naive());
    errors.extend(within_project(
        &project,
        Some(changed_on),
        &["input", "changedOn"],
    ));
    check(errors)?;
    ensure_unlocked(db, project.id, Some(changed_on), &["input", "changedOn"]).await?;
    let change = infrastructure_work::ActiveModel {
        status: Set(input.status),
        progress_percent: Set(progress),
        completed_on: Set(if done {
            before.completed_on.or(Some(changed_on))
        } else {
            before.completed_on
        }),
        version: Set(before.version + 1),
        ..Default::default()
    };
    if !compare_and_set::<infrastructure_work::Entity, _>(
        db,
        change,
        (infrastructure_work::Column::Id, id),
        (infrastructure_work::Column::Version, input.version),
    )
    .await?
    {
        return Err(conflict(&["input", "version"], "infrastructure work"));
    }
    work_status_change::ActiveModel {
        id: NotSet,
        work_id: Set(id),
        status: Set(input.status),
        changed_on: Set(Some(changed_on)),
        progress_percent: Set(progress),
        note_az: Set(input.note_az.clone()),
        note_en: Set(input.note_en.clone()),
        source_document_id: Set(None),
        recorded_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    let after = infrastructure_work::Entity::find_by_id(id).one(db).await?;
    audit(
        db,
        actor,
        "work.status",
        "infrastructure_work",
        Some(id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// A milestone a centre reached.
#[derive(Debug, Clone)]
pub struct CentreMilestone {
    /// The centre.
    pub id: i32,
    /// The `version` the change is based on.
    pub version: i32,
    /// Milestone reached; becomes the centre's status.
    pub status: CentreStatus,
    /// When (default today).
    pub reached_on: Option<NaiveDate>,
    /// Note in Azerbaijani.
    pub note_az: Option<String>,
    /// Note in English.
    pub note_en: Option<String>,
}

/// Records a centre milestone and moves the centre to that status.
pub async fn record_centre_milestone<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &CentreMilestone,
) -> ServiceResult<Outcome> {
    let id = input.id;
    let Some(before) = centre::Entity::find_by_id(id)
        .filter(
            actor
                .viewer
                .owned_by_visible_project(centre::Column::ProjectId),
        )
        .one(db)
        .await?
    else {
        return Err(
            UserError::new(&["input", "id"], UserErrorCode::NotFound, "no such centre").into(),
        );
    };
    let project = editable_project(db, &actor.viewer, before.project_id, &["input", "id"]).await?;
    if before.version != input.version {
        return Err(conflict(&["input", "version"], "centre"));
    }
    let reached_on = input.reached_on.unwrap_or_else(|| Utc::now().date_naive());
    check(
        within_project(&project, Some(reached_on), &["input", "reachedOn"])
            .into_iter()
            .collect(),
    )?;
    ensure_unlocked(db, project.id, Some(reached_on), &["input", "reachedOn"]).await?;
    let opened = if input.status == CentreStatus::Operational {
        before.opened_on.or(Some(reached_on))
    } else {
        before.opened_on
    };
    if !compare_and_set::<centre::Entity, _>(
        db,
        centre::ActiveModel {
            status: Set(Some(input.status)),
            opened_on: Set(opened),
            version: Set(before.version + 1),
            ..Default::default()
        },
        (centre::Column::Id, id),
        (centre::Column::Version, input.version),
    )
    .await?
    {
        return Err(conflict(&["input", "version"], "centre"));
    }
    centre_milestone::ActiveModel {
        id: NotSet,
        centre_id: Set(id),
        status: Set(input.status),
        reached_on: Set(Some(reached_on)),
        note_az: Set(input.note_az.clone()),
        note_en: Set(input.note_en.clone()),
        source_document_id: Set(None),
    }
    .insert(db)
    .await?;
    let after = centre::Entity::find_by_id(id).one(db).await?;
    audit(
        db,
        actor,
        "centre.milestone",
        "centre",
        Some(id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Rows per multi-row statement of a service-count write (about 20
/// parameters a row: well under SQLite's and PostgreSQL's limits).
const WRITE_CHUNK: usize = 500;

/// SQL over `sc` for the cells of one project, centre and period: a row's
/// rule inputs depend on the row and its project only, so refreshing the
/// written period is enough. Dates and ids are ours, written as literals
/// that read the same on both engines.
fn period_filter(
    project_id: i32,
    centre_id: Option<i32>,
    start: NaiveDate,
    end: NaiveDate,
) -> String {
    let centre = centre_id.map_or_else(
        || "sc.centre_id IS NULL".to_string(),
        |id| format!("sc.centre_id = {id}"),
    );
    format!(
        "sc.project_id = {project_id} AND {centre} AND sc.period_start = '{}' AND sc.period_end = '{}'",
        start.format("%Y-%m-%d"),
        end.format("%Y-%m-%d")
    )
}

/// One service count cell for a period.
#[derive(Debug, Clone)]
pub struct ServiceCountCell {
    /// Type of support (omit for all types).
    pub support_type: Option<SupportType>,
    /// Channel (omit for all channels).
    pub channel: Option<Channel>,
    /// Stage.
    pub stage: ServiceStage,
    /// Unit: PERSONS or APPEALS.
    pub unit: CountUnit,
    /// Sex (omit when not broken down).
    pub sex: Option<Sex>,
    /// Age band (omit when not broken down).
    pub age_band: Option<AgeBand>,
    /// Disability (omit when not broken down).
    pub disability: Option<Disability>,
    /// Category (omit when not broken down).
    pub category: Option<BeneficiaryCategory>,
    /// The count (0 or more).
    pub value: i64,
    /// The `version` of the stored cell this replaces; omit for a new cell.
    pub version: Option<i32>,
}

/// What tells one service-count cell of a period from another: its support
/// type, channel, stage, unit and breakdown.
type CellKey = (
    Option<SupportType>,
    Option<Channel>,
    ServiceStage,
    CountUnit,
    Option<Sex>,
    Option<AgeBand>,
    Option<Disability>,
    Option<BeneficiaryCategory>,
);

impl ServiceCountCell {
    fn key(&self) -> CellKey {
        (
            self.support_type,
            self.channel,
            self.stage,
            self.unit,
            self.sex,
            self.age_band,
            self.disability,
            self.category,
        )
    }
}

/// A stored row's [`CellKey`].
fn stored_key(r: &service_count::Model) -> CellKey {
    (
        r.support_type,
        r.channel,
        r.stage,
        r.unit,
        r.sex,
        r.age_band,
        r.disability,
        r.category,
    )
}

/// Service counts of a project (and centre) for one period.
#[derive(Debug, Clone)]
pub struct ServiceCounts {
    /// The project.
    pub project_id: i32,
    /// The centre, if the counts are for one.
    pub centre_id: Option<i32>,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Sensitivity of the people counted (default: the project's).
    pub sensitivity: Option<Sensitivity>,
    /// The cells.
    pub counts: Vec<ServiceCountCell>,
    /// The manager's reason for keeping figures that break a WARNING rule.
    pub confirm_reason: Option<String>,
}

/// Writes a period's service counts: new cells are inserted, existing ones
/// replaced when their `version` is current. All or nothing.
pub async fn set_service_counts<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    input: &ServiceCounts,
) -> ServiceResult<Outcome> {
    use service_count::Column as Col;
    let project =
        editable_project(db, &actor.viewer, input.project_id, &["input", "projectId"]).await?;
    let mut errors = Vec::new();
    let centre_id = input.centre_id;
    if let Some(id) = centre_id
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
    if input.period_end < input.period_start {
        errors.push(UserError::new(
            &["input", "periodEnd"],
            UserErrorCode::Invalid,
            "the period ends before it starts",
        ));
    }
    errors.extend(within_project(
        &project,
        Some(input.period_start),
        &["input", "periodStart"],
    ));
    errors.extend(within_project(
        &project,
        Some(input.period_end),
        &["input", "periodEnd"],
    ));
    if input.counts.is_empty() {
        errors.push(UserError::new(
            &["input", "counts"],
            UserErrorCode::Required,
            "give at least one count",
        ));
    }
    if let Some(s) = input.sensitivity
        && s < project.sensitivity
    {
        errors.push(UserError::new(
            &["input", "sensitivity"],
            UserErrorCode::CategoryNotDeclared,
            format!(
                "this project's people are {}: its counts cannot be recorded as {}",
                project.sensitivity.code(),
                s.code()
            ),
        ));
    }
    let declared = declared_categories(db, project.id).await?;
    let mut seen = std::collections::HashSet::new();
    for (i, c) in input.counts.iter().enumerate() {
        let index = i.to_string();
        if let Some(category) = c.category
            && !declared.contains(&category)
        {
            errors.push(undeclared_category(
                category,
                &["input", "counts", &index, "category"],
            ));
        }
        if c.value < 0 {
            errors.push(UserError::new(
                &["input", "counts", &index, "value"],
                UserErrorCode::NegativeCount,
                "a count cannot be negative",
            ));
        }
        errors.extend(bounds::SERVICE_COUNT.check(c.value, &["input", "counts", &index, "value"]));
        if !matches!(c.unit, CountUnit::Persons | CountUnit::Appeals) {
            errors.push(UserError::new(
                &["input", "counts", &index, "unit"],
                UserErrorCode::Invalid,
                "service counts are in PERSONS or APPEALS",
            ));
        }
        let key = c.key();
        if !seen.insert(key) {
            errors.push(UserError::new(
                &["input", "counts", &index],
                UserErrorCode::DuplicateCell,
                "this cell appears twice",
            ));
        }
    }
    check(errors)?;
    ensure_unlocked(
        db,
        project.id,
        Some(input.period_start),
        &["input", "periodStart"],
    )
    .await?;
    ensure_unlocked(
        db,
        project.id,
        Some(input.period_end),
        &["input", "periodEnd"],
    )
    .await?;

    let sensitivity = input.sensitivity.unwrap_or(project.sensitivity);
    // The period's stored cells in one query (not one per cell), by key.
    let period_rows = || {
        service_count::Entity::find()
            .filter(Col::ProjectId.eq(project.id))
            .filter(eq_opt(Col::CentreId, centre_id))
            .filter(Col::PeriodStart.eq(input.period_start))
            .filter(Col::PeriodEnd.eq(input.period_end))
    };
    let stored: std::collections::HashMap<CellKey, service_count::Model> = period_rows()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (stored_key(&r), r))
        .collect();
    // Every version is checked before anything is written (the first stale
    // cell, in input order, is the one named).
    let mut updates: Vec<(usize, &service_count::Model, i64)> = Vec::new();
    let mut inserts: Vec<&ServiceCountCell> = Vec::new();
    for (i, c) in input.counts.iter().enumerate() {
        let key = c.key();
        match stored.get(&key) {
            Some(row) if c.version == Some(row.version) => updates.push((i, row, c.value)),
            None if c.version.is_none() => inserts.push(c),
            _ => {
                return Err(conflict(
                    &["input", "counts", &i.to_string(), "version"],
                    "count",
                ));
            }
        }
    }
    let mut before_rows = Vec::with_capacity(updates.len());
    let mut after_rows = Vec::with_capacity(input.counts.len());
    // Updates in chunks: one statement sets each cell's value where its
    // version is still the one read; fewer rows changed means a concurrent
    // writer got there first.
    for chunk in updates.chunks(WRITE_CHUNK) {
        let ids: Vec<String> = chunk.iter().map(|(_, r, _)| r.id.to_string()).collect();
        let values: String = chunk
            .iter()
            .map(|(_, r, v)| format!(" WHEN {} THEN {v}", r.id))
            .collect();
        let versions: String = chunk
            .iter()
            .map(|(_, r, _)| format!(" WHEN {} THEN {}", r.id, r.version))
            .collect();
        let sql = format!(
            "UPDATE service_counts SET value = CASE id{values} END, version = version + 1 \
             WHERE id IN ({}) AND version = CASE id{versions} END",
            ids.join(", ")
        );
        let done = db.execute_unprepared(&sql).await?.rows_affected();
        if done != chunk.len() as u64 {
            return Err(conflict(
                &["input", "counts", &chunk[0].0.to_string(), "version"],
                "count",
            ));
        }
        for (_, row, value) in chunk {
            after_rows.push(serde_json::json!({ "id": row.id, "value": value }));
            before_rows.push(serde_json::json!({ "id": row.id, "value": row.value }));
        }
    }
    // New cells in multi-row inserts; their ids are read back once.
    for chunk in inserts.chunks(WRITE_CHUNK) {
        service_count::Entity::insert_many(chunk.iter().map(|c| service_count::ActiveModel {
            id: NotSet,
            project_id: Set(project.id),
            centre_id: Set(centre_id),
            period_start: Set(Some(input.period_start)),
            period_end: Set(Some(input.period_end)),
            period_label_az: Set(None),
            period_label_en: Set(None),
            support_type: Set(c.support_type),
            channel: Set(c.channel),
            stage: Set(c.stage),
            unit: Set(c.unit),
            sex: Set(c.sex),
            age_band: Set(c.age_band),
            disability: Set(c.disability),
            category: Set(c.category),
            value: Set(c.value),
            sensitivity: Set(sensitivity),
            source_document_id: Set(None),
            version: Set(1),
            ..Default::default()
        }))
        .exec(db)
        .await?;
    }
    if !inserts.is_empty() {
        let ids: std::collections::HashMap<CellKey, i32> = period_rows()
            .all(db)
            .await?
            .iter()
            .map(|r| (stored_key(r), r.id))
            .collect();
        for c in &inserts {
            after_rows.push(serde_json::json!({ "id": ids.get(&c.key()), "value": c.value }));
        }
    }
    // The project's validation rules on the entry as now stored, its rule
    // results and its receipt, in the same transaction (a broken ERROR rule
    // or an unconfirmed WARNING undoes the whole write).
    super::quality::receive_service_counts(
        db,
        actor,
        &super::quality::EntryRef {
            project_id: project.id,
            centre_id,
            figures: ObligationFigures::ServiceCounts,
            period_start: input.period_start,
            period_end: input.period_end,
        },
        input.confirm_reason.as_deref(),
    )
    .await?;
    // The rule's inputs of the written rows, in the same transaction.
    db.execute_unprepared(&crate::disclosure::sql::refresh_rows(
        crate::disclosure::sql::Facts::ServiceCounts,
        &actor.thresholds,
        &period_filter(project.id, centre_id, input.period_start, input.period_end),
        false,
        db.get_database_backend(),
    ))
    .await?;
    audit(
        db,
        actor,
        "service_counts.set",
        "project",
        Some(project.id),
        Some(serde_json::Value::Array(before_rows)),
        Some(serde_json::Value::Array(after_rows)),
    )
    .await?;
    Ok(Outcome::changed(project.id))
}
