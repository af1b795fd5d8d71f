//! Indicators: create, edit and archive; targets per period (whole or
//! broken down); entered values per period with their breakdown.
//!
//! An indicator is either derived by a rule from the facts the project
//! records (`stats::progress`'s table: `attendance.training`,
//! `services.received`, `centres.operational`, `works.completed`…) or
//! entered. Entered values are published through the same protection as
//! every other figure (`disclosure::reported`, at read time): an
//! indicator's sensitivity can never be set below its project's, so a
//! manager cannot publish the people of a sensitive programme as public
//! counts by declaring the indicator public.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, Set,
};
use serde::Serialize;

use entities::codes::{
    AgeBand, Aggregation, BeneficiaryCategory, CountUnit, CountingRule, Disability, Sensitivity,
    Sex,
};
use entities::{indicator, indicator_target, indicator_value, project, source_document};

use super::super::bounds::INDICATOR_VALUE;
use super::super::*;
use super::{
    TEXT_MAX, TITLE_MAX, archive_problem, bilingual, check_count, check_date, check_order,
    optional_text,
};

/// An indicator's fields.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorFields {
    /// Short code, unique within the project (e.g. `1.2`, `trained-women`).
    pub code: String,
    /// Title in Azerbaijani.
    pub title_az: String,
    /// Title in English.
    pub title_en: String,
    /// What is counted.
    pub unit: CountUnit,
    /// Unique people or total contacts.
    pub counting_rule: CountingRule,
    /// How periods combine.
    pub aggregation: Aggregation,
    /// Baseline value.
    pub baseline: Option<i64>,
    /// Date of the baseline.
    pub baseline_date: Option<NaiveDate>,
    /// Overall target.
    pub target: Option<i64>,
    /// Date the overall target is due.
    pub target_date: Option<NaiveDate>,
    /// Sensitivity of the people counted (never below the project's).
    pub sensitivity: Option<Sensitivity>,
    /// Derivation rule, for a derived indicator.
    pub derived_from: Option<String>,
    /// Source document of the indicator's definition.
    pub source_document_id: Option<i32>,
    /// Its figures illustrate what a programme would report rather than
    /// report it (the demo's made-up breakdowns); set when created.
    pub illustrative: bool,
}

/// One target: a period's value, whole or for one value of a breakdown.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Breakdown (`sex`, `age_band`, `disability`, `category`), or `None` for the whole.
    pub dimension: Option<String>,
    /// The breakdown's value code (e.g. `female`).
    pub dimension_value: Option<String>,
    /// The target.
    pub value: i64,
}

/// One entered value of a breakdown.
#[derive(Debug, Clone, Serialize)]
pub struct BreakdownValue {
    /// Dimension: `sex`, `age_band`, `disability` or `category`.
    pub dimension: String,
    /// The dimension's value code.
    pub dimension_value: String,
    /// The value.
    pub value: i64,
}

/// A period's entered values.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodValues {
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Date the value is current as of (default: the period's end).
    pub as_of: Option<NaiveDate>,
    /// The whole value, if known.
    pub value: Option<i64>,
    /// The breakdown.
    pub breakdown: Vec<BreakdownValue>,
    /// Note in Azerbaijani.
    pub note_az: Option<String>,
    /// Note in English.
    pub note_en: Option<String>,
    /// Source document the value comes from.
    pub source_document_id: Option<i32>,
    /// Why values that break a WARNING rule of the indicator are right.
    pub confirm_reason: Option<String>,
}

/// The dimensions a breakdown may use, and whether `value` is one of its codes.
pub fn valid_breakdown(dimension: &str, value: &str) -> Option<bool> {
    Some(match dimension {
        "sex" => Sex::from_code(value).is_some(),
        "age_band" => AgeBand::from_code(value).is_some(),
        "disability" => Disability::from_code(value).is_some(),
        "category" => BeneficiaryCategory::from_code(value).is_some(),
        _ => return None,
    })
}

fn breakdown_problem(dimension: &str, value: &str) -> Option<&'static str> {
    match valid_breakdown(dimension, value) {
        None => Some("break down by sex, age_band, disability or category"),
        Some(false) => Some("not a value of this dimension (use its code, e.g. female, 18_24)"),
        Some(true) => None,
    }
}

fn rank(s: Sensitivity) -> u8 {
    match s {
        Sensitivity::Public => 0,
        Sensitivity::Ordinary => 1,
        Sensitivity::Sensitive => 2,
    }
}

async fn validate<C: ConnectionTrait>(
    db: &C,
    project: &project::Model,
    input: &IndicatorFields,
    self_id: Option<i32>,
    errors: &mut Vec<UserError>,
) -> Result<(String, String, Sensitivity), DbErr> {
    let code = input.code.trim();
    if code.is_empty()
        || code.len() > 40
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        errors.push(UserError::new(
            &["input", "code"],
            UserErrorCode::Invalid,
            "use 1 to 40 letters, digits, '.', '-' or '_' (e.g. 1.2)",
        ));
    } else {
        let mut q = indicator::Entity::find()
            .filter(indicator::Column::ProjectId.eq(project.id))
            .filter(indicator::Column::Code.eq(code));
        if let Some(id) = self_id {
            q = q.filter(indicator::Column::Id.ne(id));
        }
        if q.count(db).await? > 0 {
            errors.push(UserError::new(
                &["input", "code"],
                UserErrorCode::AlreadyExists,
                "the project has another indicator with this code",
            ));
        }
    }
    let (title_az, title_en) = bilingual(
        &input.title_az,
        &input.title_en,
        &["input", "titleAz"],
        &["input", "titleEn"],
        TITLE_MAX,
        errors,
    );
    check_count(
        input.baseline,
        INDICATOR_VALUE,
        &["input", "baseline"],
        errors,
    );
    check_count(input.target, INDICATOR_VALUE, &["input", "target"], errors);
    check_date(input.baseline_date, &["input", "baselineDate"], errors);
    check_date(input.target_date, &["input", "targetDate"], errors);
    check_order(
        input.baseline_date,
        input.target_date,
        &["input", "targetDate"],
        errors,
    );
    if let Some(rule) = &input.derived_from
        && !crate::stats::progress::known_rule(rule.trim())
    {
        errors.push(UserError::new(
            &["input", "derivedFrom"],
            UserErrorCode::Invalid,
            "choose a rule: attendance.all, attendance.<event kind>, services.<stage>, works.completed, centres.operational, teams.active or events.held",
        ));
    }
    let sensitivity = input.sensitivity.unwrap_or(project.sensitivity);
    if rank(sensitivity) < rank(project.sensitivity) && counts_people(input.unit) {
        errors.push(UserError::new(
            &["input", "sensitivity"],
            UserErrorCode::CategoryNotDeclared,
            format!(
                "the project's people are {}: an indicator that counts them cannot be less sensitive",
                project.sensitivity.code()
            ),
        ));
    }
    if let Some(source) = input.source_document_id
        && source_document::Entity::find_by_id(source)
            .one(db)
            .await?
            .is_none()
    {
        errors.push(UserError::new(
            &["input", "sourceDocumentId"],
            UserErrorCode::NotFound,
            "no such source document",
        ));
    }
    Ok((title_az, title_en, sensitivity))
}

/// True for units that count people (whose small values are protected).
fn counts_people(unit: CountUnit) -> bool {
    matches!(unit, CountUnit::Persons | CountUnit::Appeals)
}

/// Creates an indicator in a project the caller edits.
pub async fn create_indicator<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
    input: &IndicatorFields,
) -> ServiceResult<Outcome> {
    let project = editable_project(db, &actor.viewer, project_id, &["input", "projectId"]).await?;
    let mut errors = Vec::new();
    let (title_az, title_en, sensitivity) =
        validate(db, &project, input, None, &mut errors).await?;
    check(errors)?;
    let created = indicator::ActiveModel {
        id: NotSet,
        project_id: Set(project.id),
        code: Set(input.code.trim().to_string()),
        title_az: Set(title_az),
        title_en: Set(title_en),
        unit: Set(input.unit),
        counting_rule: Set(input.counting_rule),
        aggregation: Set(input.aggregation),
        baseline: Set(input.baseline),
        baseline_date: Set(input.baseline_date),
        target: Set(input.target),
        target_date: Set(input.target_date),
        sensitivity: Set(sensitivity),
        derived_from: Set(input.derived_from.as_ref().map(|r| r.trim().to_string())),
        source_document_id: Set(input.source_document_id),
        version: Set(1),
        illustrative: Set(input.illustrative),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    audit(
        db,
        actor,
        "indicator.create",
        "indicator",
        Some(created.id),
        None,
        snapshot(&created),
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

/// An indicator of a project the caller edits, with its project.
pub async fn editable_indicator<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    field: &[&str],
) -> ServiceResult<(indicator::Model, project::Model)> {
    let Some(ind) = indicator::Entity::find_by_id(id).one(db).await? else {
        return Err(UserError::new(field, UserErrorCode::NotFound, "no such indicator").into());
    };
    let project = editable_project(db, &actor.viewer, ind.project_id, field).await?;
    Ok((ind, project))
}

/// Changes an indicator; CONFLICT on a stale `version`.
pub async fn update_indicator<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &IndicatorFields,
) -> ServiceResult<Outcome> {
    let (before, project) = editable_indicator(db, actor, id, &["id"]).await?;
    let mut errors = Vec::new();
    let (title_az, title_en, sensitivity) =
        validate(db, &project, input, Some(id), &mut errors).await?;
    if input.derived_from.is_some()
        && indicator_value::Entity::find()
            .filter(indicator_value::Column::IndicatorId.eq(id))
            .count(db)
            .await?
            > 0
    {
        errors.push(UserError::new(
            &["input", "derivedFrom"],
            UserErrorCode::InUse,
            "the indicator has entered values: an indicator is either entered or derived",
        ));
    }
    check(errors)?;
    if before.version != version {
        return Err(conflict(&["version"], "indicator"));
    }
    if !compare_and_set::<indicator::Entity, _>(
        db,
        indicator::ActiveModel {
            code: Set(input.code.trim().to_string()),
            title_az: Set(title_az),
            title_en: Set(title_en),
            unit: Set(input.unit),
            counting_rule: Set(input.counting_rule),
            aggregation: Set(input.aggregation),
            baseline: Set(input.baseline),
            baseline_date: Set(input.baseline_date),
            target: Set(input.target),
            target_date: Set(input.target_date),
            sensitivity: Set(sensitivity),
            derived_from: Set(input.derived_from.as_ref().map(|r| r.trim().to_string())),
            source_document_id: Set(input.source_document_id),
            version: Set(version + 1),
            ..Default::default()
        },
        (indicator::Column::Id, id),
        (indicator::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "indicator"));
    }
    let after = indicator::Entity::find_by_id(id).one(db).await?;
    audit(
        db,
        actor,
        "indicator.update",
        "indicator",
        Some(id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Archives (or restores) an indicator: it leaves the project's progress
/// and every public surface, and stays for the audit trail.
pub async fn archive_indicator<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    restore: bool,
) -> ServiceResult<Outcome> {
    let (before, _) = editable_indicator(db, actor, id, &["id"]).await?;
    if before.version != version {
        return Err(conflict(&["version"], "indicator"));
    }
    if let Some(e) = archive_problem(before.archived_at.is_some(), restore, "indicator") {
        return Err(e);
    }
    if !compare_and_set::<indicator::Entity, _>(
        db,
        indicator::ActiveModel {
            archived_at: Set((!restore).then(chrono::Utc::now)),
            version: Set(version + 1),
            ..Default::default()
        },
        (indicator::Column::Id, id),
        (indicator::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "indicator"));
    }
    let after = indicator::Entity::find_by_id(id).one(db).await?;
    let action = if restore {
        "indicator.restore"
    } else {
        "indicator.archive"
    };
    audit(
        db,
        actor,
        action,
        "indicator",
        Some(id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Replaces an indicator's targets per period. CONFLICT on a stale
/// `version` (the indicator's: targets are part of it).
pub async fn set_indicator_targets<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    targets: &[Target],
) -> ServiceResult<Outcome> {
    let (before, _) = editable_indicator(db, actor, id, &["id"]).await?;
    let mut errors = Vec::new();
    if targets.len() > 2_000 {
        errors.push(UserError::new(
            &["targets"],
            UserErrorCode::Invalid,
            "at most 2,000 targets",
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, t) in targets.iter().enumerate() {
        let index = i.to_string();
        check_date(
            Some(t.period_start),
            &["targets", &index, "periodStart"],
            &mut errors,
        );
        check_date(
            Some(t.period_end),
            &["targets", &index, "periodEnd"],
            &mut errors,
        );
        check_order(
            Some(t.period_start),
            Some(t.period_end),
            &["targets", &index, "periodEnd"],
            &mut errors,
        );
        check_count(
            Some(t.value),
            INDICATOR_VALUE,
            &["targets", &index, "value"],
            &mut errors,
        );
        let dim = t
            .dimension
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string();
        let val = t
            .dimension_value
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_string();
        if dim.is_empty() != val.is_empty() {
            errors.push(UserError::new(
                &["targets", &index, "dimensionValue"],
                UserErrorCode::Required,
                "give both the dimension and its value, or neither",
            ));
        } else if !dim.is_empty()
            && let Some(problem) = breakdown_problem(&dim, &val)
        {
            errors.push(UserError::new(
                &["targets", &index, "dimensionValue"],
                UserErrorCode::Invalid,
                problem,
            ));
        }
        if !seen.insert((t.period_start, t.period_end, dim, val)) {
            errors.push(UserError::new(
                &["targets", &index, "periodStart"],
                UserErrorCode::DuplicateCell,
                "this period and breakdown already has a target in the list",
            ));
        }
    }
    check(errors)?;
    if before.version != version {
        return Err(conflict(&["version"], "indicator"));
    }
    let before_targets = indicator_target::Entity::find()
        .filter(indicator_target::Column::IndicatorId.eq(id))
        .all(db)
        .await?;
    if !compare_and_set::<indicator::Entity, _>(
        db,
        indicator::ActiveModel {
            version: Set(version + 1),
            ..Default::default()
        },
        (indicator::Column::Id, id),
        (indicator::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "indicator"));
    }
    indicator_target::Entity::delete_many()
        .filter(indicator_target::Column::IndicatorId.eq(id))
        .exec(db)
        .await?;
    for t in targets {
        indicator_target::ActiveModel {
            id: NotSet,
            indicator_id: Set(id),
            period_start: Set(t.period_start),
            period_end: Set(t.period_end),
            dimension: Set(t
                .dimension
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_string()),
            dimension_value: Set(t
                .dimension_value
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_string()),
            value: Set(t.value),
        }
        .insert(db)
        .await?;
    }
    let after_targets = indicator_target::Entity::find()
        .filter(indicator_target::Column::IndicatorId.eq(id))
        .all(db)
        .await?;
    audit(
        db,
        actor,
        "indicator.targets",
        "indicator",
        Some(id),
        snapshot(&before_targets),
        snapshot(&after_targets),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Records an entered indicator's values for one period: the whole value
/// and its breakdown replace what the period held. Refused in an approved
/// period (PERIOD_LOCKED), outside the project's dates, for a derived
/// indicator, when a dimension's parts add up to more than the whole, and
/// when the values break one of the indicator's validation rules (an ERROR;
/// a WARNING needs `confirm_reason`, kept with the result for reviewers).
pub async fn record_indicator_values<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    input: &PeriodValues,
) -> ServiceResult<Outcome> {
    let (ind, project) = editable_indicator(db, actor, id, &["indicatorId"]).await?;
    let mut errors = Vec::new();
    if ind.archived_at.is_some() {
        errors.push(UserError::new(
            &["indicatorId"],
            UserErrorCode::InvalidTransition,
            "the indicator is archived",
        ));
    }
    if ind.derived_from.is_some() {
        errors.push(UserError::new(
            &["indicatorId"],
            UserErrorCode::Invalid,
            "this indicator is derived by its rule from the recorded facts: record the events or counts instead",
        ));
    }
    check_date(
        Some(input.period_start),
        &["input", "periodStart"],
        &mut errors,
    );
    check_date(Some(input.period_end), &["input", "periodEnd"], &mut errors);
    check_date(input.as_of, &["input", "asOf"], &mut errors);
    check_order(
        Some(input.period_start),
        Some(input.period_end),
        &["input", "periodEnd"],
        &mut errors,
    );
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
    check_count(
        input.value,
        INDICATOR_VALUE,
        &["input", "value"],
        &mut errors,
    );
    if input.value.is_none() && input.breakdown.is_empty() {
        errors.push(UserError::new(
            &["input", "value"],
            UserErrorCode::Required,
            "give the value or its breakdown",
        ));
    }
    if input.breakdown.len() > 200 {
        errors.push(UserError::new(
            &["input", "breakdown"],
            UserErrorCode::Invalid,
            "at most 200 breakdown values",
        ));
    }
    let note_az = optional_text(
        input.note_az.as_deref(),
        &["input", "noteAz"],
        TEXT_MAX,
        &mut errors,
    );
    let note_en = optional_text(
        input.note_en.as_deref(),
        &["input", "noteEn"],
        TEXT_MAX,
        &mut errors,
    );
    // Read once for the whole breakdown (up to 200 values).
    let declared = declared_categories(db, project.id).await?;
    let mut sums: BTreeMap<&str, i64> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for (i, b) in input.breakdown.iter().enumerate() {
        let index = i.to_string();
        check_count(
            Some(b.value),
            INDICATOR_VALUE,
            &["input", "breakdown", &index, "value"],
            &mut errors,
        );
        if let Some(problem) = breakdown_problem(&b.dimension, &b.dimension_value) {
            errors.push(UserError::new(
                &["input", "breakdown", &index, "dimensionValue"],
                UserErrorCode::Invalid,
                problem,
            ));
        }
        if !seen.insert((b.dimension.as_str(), b.dimension_value.as_str())) {
            errors.push(UserError::new(
                &["input", "breakdown", &index, "dimensionValue"],
                UserErrorCode::DuplicateCell,
                "this value appears twice",
            ));
        }
        *sums.entry(b.dimension.as_str()).or_default() += b.value.max(0);
        if b.dimension == "category"
            && let Some(category) = BeneficiaryCategory::from_code(&b.dimension_value)
            && !declared.contains(&category)
        {
            errors.push(undeclared_category(
                category,
                &["input", "breakdown", &index, "dimensionValue"],
            ));
        }
    }
    if let Some(whole) = input.value {
        for (dim, sum) in &sums {
            if *sum > whole && ind.counting_rule == CountingRule::Unique {
                errors.push(UserError::new(
                    &["input", "breakdown"],
                    UserErrorCode::Invalid,
                    format!(
                        "the {dim} breakdown adds up to {sum}, more than the whole value {whole}"
                    ),
                ));
            }
        }
    }
    if let Some(source) = input.source_document_id
        && source_document::Entity::find_by_id(source)
            .one(db)
            .await?
            .is_none()
    {
        errors.push(UserError::new(
            &["input", "sourceDocumentId"],
            UserErrorCode::NotFound,
            "no such source document",
        ));
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
    let period = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.eq(id))
        .filter(indicator_value::Column::PeriodStart.eq(input.period_start))
        .filter(indicator_value::Column::PeriodEnd.eq(input.period_end));
    let before = period.clone().all(db).await?;
    indicator_value::Entity::delete_many()
        .filter(indicator_value::Column::IndicatorId.eq(id))
        .filter(indicator_value::Column::PeriodStart.eq(input.period_start))
        .filter(indicator_value::Column::PeriodEnd.eq(input.period_end))
        .exec(db)
        .await?;
    let as_of = input.as_of.or(Some(input.period_end));
    let rows = input
        .value
        .map(|v| (None, None, v))
        .into_iter()
        .chain(input.breakdown.iter().map(|b| {
            (
                Some(b.dimension.clone()),
                Some(b.dimension_value.clone()),
                b.value,
            )
        }));
    for (dimension, dimension_value, value) in rows {
        indicator_value::ActiveModel {
            id: NotSet,
            indicator_id: Set(id),
            period_start: Set(Some(input.period_start)),
            period_end: Set(Some(input.period_end)),
            dimension: Set(dimension),
            dimension_value: Set(dimension_value),
            value: Set(value),
            as_of: Set(as_of),
            note_az: Set(note_az.clone()),
            note_en: Set(note_en.clone()),
            source_document_id: Set(input.source_document_id),
            version: Set(1),
            illustrative: Set(false),
        }
        .insert(db)
        .await?;
    }
    let after = period.all(db).await?;
    // The indicator's rules, on the values as now stored (an ERROR refuses).
    crate::services::quality::receive_indicator_values(
        db,
        actor,
        project.id,
        id,
        (input.period_start, input.period_end),
        input.confirm_reason.as_deref(),
    )
    .await?;
    // The project's indicator values for the period arrived (completeness).
    crate::services::quality::record_receipt(
        db,
        &crate::services::quality::EntryRef {
            project_id: project.id,
            centre_id: None,
            figures: entities::codes::ObligationFigures::IndicatorValues,
            period_start: input.period_start,
            period_end: input.period_end,
        },
    )
    .await?;
    audit(
        db,
        actor,
        "indicator.values",
        "indicator",
        Some(id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}
