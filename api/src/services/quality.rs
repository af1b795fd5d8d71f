//! Knowing what is missing and what looks wrong (issue 22): reporting
//! obligations, the receipts completeness is computed from, validation rules
//! checked on every write of an entry, and reviewers' comments on figures.
//!
//! The write services call [`receive_service_counts`] inside their own
//! transaction, so an entry that arrives through any path (the API, the
//! offline outbox, a spreadsheet import through the same services) is
//! checked against the project's rules and counted as received, or refused,
//! together with the figures themselves.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder,
    Set,
};

use entities::codes::{ObligationFigures, ObligationUnit, ReportingFrequency, RuleSeverity};
use entities::{
    centre, figure_comment, indicator, indicator_value, report, report_receipt,
    reporting_obligation, rule_result, service_count, validation_rule,
};

use super::setup::{archive_problem, check_date, check_order};
use super::*;
use crate::rules::{self, Cell, Check, Status};

/// Longest due delay, in days.
pub const DUE_DAYS_MAX: i32 = 366;
/// Longest rule message, confirmation reason or figure comment, in characters.
pub const NOTE_MAX: usize = 2_000;

/// A reporting obligation's set-up.
#[derive(Debug, Clone, Serialize)]
pub struct ObligationFields {
    /// The project as a whole, or centres.
    pub unit_kind: ObligationUnit,
    /// One centre (`unit_kind` CENTRE); `None` for every live centre.
    pub centre_id: Option<i32>,
    /// Which figures are owed.
    pub figures: ObligationFigures,
    /// How often.
    pub frequency: ReportingFrequency,
    /// Days after the period's last day the report is due.
    pub due_days: i32,
    /// First period owed: the one containing this date.
    pub starts_on: NaiveDate,
    /// Last period owed: the one containing this date.
    pub ends_on: Option<NaiveDate>,
}

async fn check_obligation<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
    input: &ObligationFields,
) -> ServiceResult<()> {
    let mut errors = Vec::new();
    if !(0..=DUE_DAYS_MAX).contains(&input.due_days) {
        errors.push(UserError::new(
            &["input", "dueDays"],
            UserErrorCode::ValueOutOfRange,
            format!("a report is due 0 to {DUE_DAYS_MAX} days after its period"),
        ));
    }
    check_date(Some(input.starts_on), &["input", "startsOn"], &mut errors);
    check_date(input.ends_on, &["input", "endsOn"], &mut errors);
    check_order(
        Some(input.starts_on),
        input.ends_on,
        &["input", "endsOn"],
        &mut errors,
    );
    match (input.unit_kind, input.centre_id) {
        (ObligationUnit::Project, Some(_)) => errors.push(UserError::new(
            &["input", "centreId"],
            UserErrorCode::Invalid,
            "an obligation of the project as a whole names no centre",
        )),
        (ObligationUnit::Centre, Some(id)) => {
            let found = centre::Entity::find_by_id(id)
                .filter(centre::Column::ProjectId.eq(project_id))
                .one(db)
                .await?;
            if found.is_none() {
                errors.push(UserError::new(
                    &["input", "centreId"],
                    UserErrorCode::NotFound,
                    "no such centre in this project",
                ));
            }
        }
        _ => {}
    }
    if input.figures == ObligationFigures::IndicatorValues
        && input.unit_kind != ObligationUnit::Project
    {
        errors.push(UserError::new(
            &["input", "unitKind"],
            UserErrorCode::Invalid,
            "indicator values are reported by the project as a whole",
        ));
    }
    check(errors)
}

/// Declares a reporting obligation of a project the caller edits.
pub async fn create_obligation<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
    input: &ObligationFields,
) -> ServiceResult<Outcome> {
    let project = editable_project(db, &actor.viewer, project_id, &["projectId"]).await?;
    check_obligation(db, project.id, input).await?;
    let created = reporting_obligation::ActiveModel {
        id: NotSet,
        project_id: Set(project.id),
        unit_kind: Set(input.unit_kind),
        centre_id: Set(input.centre_id),
        figures: Set(input.figures),
        frequency: Set(input.frequency),
        due_days: Set(input.due_days),
        starts_on: Set(input.starts_on),
        ends_on: Set(input.ends_on),
        created_at: Set(Utc::now()),
        version: Set(1),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    audit_in_project(
        db,
        actor,
        "obligation.create",
        ("reporting_obligation", Some(created.id)),
        Some(project.id),
        None,
        snapshot(&created),
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

async fn owned_obligation<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
) -> ServiceResult<reporting_obligation::Model> {
    let Some(before) = reporting_obligation::Entity::find_by_id(id).one(db).await? else {
        return Err(UserError::new(&["id"], UserErrorCode::NotFound, "no such obligation").into());
    };
    editable_project(db, &actor.viewer, before.project_id, &["id"]).await?;
    if before.version != version {
        return Err(conflict(&["version"], "obligation"));
    }
    Ok(before)
}

/// Changes an obligation; CONFLICT on a stale `version`.
pub async fn update_obligation<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &ObligationFields,
) -> ServiceResult<Outcome> {
    let before = owned_obligation(db, actor, id, version).await?;
    check_obligation(db, before.project_id, input).await?;
    if !compare_and_set::<reporting_obligation::Entity, _>(
        db,
        reporting_obligation::ActiveModel {
            unit_kind: Set(input.unit_kind),
            centre_id: Set(input.centre_id),
            figures: Set(input.figures),
            frequency: Set(input.frequency),
            due_days: Set(input.due_days),
            starts_on: Set(input.starts_on),
            ends_on: Set(input.ends_on),
            version: Set(version + 1),
            ..Default::default()
        },
        (reporting_obligation::Column::Id, id),
        (reporting_obligation::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "obligation"));
    }
    let after = reporting_obligation::Entity::find_by_id(id).one(db).await?;
    audit_in_project(
        db,
        actor,
        "obligation.update",
        ("reporting_obligation", Some(id)),
        Some(before.project_id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Archives (or restores) an obligation: an archived one is owed no more.
pub async fn archive_obligation<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    restore: bool,
) -> ServiceResult<Outcome> {
    use reporting_obligation::Column as C;
    super::setup::places::archive_owned(
        db,
        actor,
        (id, version, restore),
        super::setup::places::Archivable::<reporting_obligation::Entity> {
            what: "obligation",
            action: "obligation",
            entity_type: "reporting_obligation",
            columns: (C::Id, C::Version, C::ArchivedAt),
            state: |o| (o.project_id, o.version, o.archived_at.is_some()),
        },
    )
    .await
}

/// A validation rule's set-up.
#[derive(Debug, Clone, Serialize)]
pub struct RuleFields {
    /// The indicator the rule is declared for (its figure is `VALUE`), or
    /// `None` for the project's service counts.
    pub indicator_id: Option<i32>,
    /// ERROR blocks an entry; WARNING asks for a reason.
    pub severity: RuleSeverity,
    /// What the rule checks.
    pub check: Check,
    /// Message in Azerbaijani.
    pub message_az: String,
    /// Message in English.
    pub message_en: String,
}

async fn check_rule<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
    input: &RuleFields,
) -> ServiceResult<(String, String)> {
    let mut errors = Vec::new();
    for (field, message) in input.check.problems() {
        errors.push(UserError::new(
            &["input", "definition", field],
            UserErrorCode::Invalid,
            message,
        ));
    }
    let (az, en) = super::setup::bilingual(
        &input.message_az,
        &input.message_en,
        &["input", "messageAz"],
        &["input", "messageEn"],
        NOTE_MAX,
        &mut errors,
    );
    if let Some(id) = input.indicator_id {
        let found = indicator::Entity::find_by_id(id)
            .filter(indicator::Column::ProjectId.eq(project_id))
            .one(db)
            .await?;
        if found.is_none() {
            errors.push(UserError::new(
                &["input", "indicatorId"],
                UserErrorCode::NotFound,
                "no such indicator in this project",
            ));
        }
    }
    check(errors)?;
    Ok((az, en))
}

fn kind_of(check: &Check) -> entities::codes::RuleKind {
    use entities::codes::RuleKind;
    match check {
        Check::Range { .. } => RuleKind::Range,
        Check::Compare { .. } => RuleKind::Compare,
        Check::MedianMultiple { .. } => RuleKind::MedianMultiple,
        Check::RequiredBreakdown { .. } => RuleKind::RequiredBreakdown,
    }
}

fn definition_json(check: &Check) -> Result<serde_json::Value, DbErr> {
    serde_json::to_value(check).map_err(|e| DbErr::Custom(e.to_string()))
}

/// Declares a validation rule of a project the caller edits.
pub async fn create_rule<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
    input: &RuleFields,
) -> ServiceResult<Outcome> {
    let project = editable_project(db, &actor.viewer, project_id, &["projectId"]).await?;
    let (az, en) = check_rule(db, project.id, input).await?;
    let created = validation_rule::ActiveModel {
        id: NotSet,
        project_id: Set(project.id),
        indicator_id: Set(input.indicator_id),
        kind: Set(kind_of(&input.check)),
        severity: Set(input.severity),
        definition: Set(definition_json(&input.check)?),
        message_az: Set(az),
        message_en: Set(en),
        created_at: Set(Utc::now()),
        version: Set(1),
        archived_at: Set(None),
    }
    .insert(db)
    .await?;
    audit_in_project(
        db,
        actor,
        "rule.create",
        ("validation_rule", Some(created.id)),
        Some(project.id),
        None,
        snapshot(&created),
    )
    .await?;
    Ok(Outcome::changed(created.id))
}

async fn owned_rule<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
) -> ServiceResult<validation_rule::Model> {
    let Some(before) = validation_rule::Entity::find_by_id(id).one(db).await? else {
        return Err(UserError::new(&["id"], UserErrorCode::NotFound, "no such rule").into());
    };
    editable_project(db, &actor.viewer, before.project_id, &["id"]).await?;
    if before.version != version {
        return Err(conflict(&["version"], "rule"));
    }
    Ok(before)
}

/// Changes a rule; CONFLICT on a stale `version`.
pub async fn update_rule<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    input: &RuleFields,
) -> ServiceResult<Outcome> {
    let before = owned_rule(db, actor, id, version).await?;
    let (az, en) = check_rule(db, before.project_id, input).await?;
    if !compare_and_set::<validation_rule::Entity, _>(
        db,
        validation_rule::ActiveModel {
            indicator_id: Set(input.indicator_id),
            kind: Set(kind_of(&input.check)),
            severity: Set(input.severity),
            definition: Set(definition_json(&input.check)?),
            message_az: Set(az),
            message_en: Set(en),
            version: Set(version + 1),
            ..Default::default()
        },
        (validation_rule::Column::Id, id),
        (validation_rule::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "rule"));
    }
    let after = validation_rule::Entity::find_by_id(id).one(db).await?;
    audit_in_project(
        db,
        actor,
        "rule.update",
        ("validation_rule", Some(id)),
        Some(before.project_id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// Archives (or restores) a rule: an archived rule checks nothing.
pub async fn archive_rule<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i32,
    version: i32,
    restore: bool,
) -> ServiceResult<Outcome> {
    let before = owned_rule(db, actor, id, version).await?;
    if let Some(e) = archive_problem(before.archived_at.is_some(), restore, "rule") {
        return Err(e);
    }
    if !compare_and_set::<validation_rule::Entity, _>(
        db,
        validation_rule::ActiveModel {
            archived_at: Set((!restore).then(Utc::now)),
            version: Set(version + 1),
            ..Default::default()
        },
        (validation_rule::Column::Id, id),
        (validation_rule::Column::Version, version),
    )
    .await?
    {
        return Err(conflict(&["version"], "rule"));
    }
    let after = validation_rule::Entity::find_by_id(id).one(db).await?;
    audit_in_project(
        db,
        actor,
        if restore {
            "rule.restore"
        } else {
            "rule.archive"
        },
        ("validation_rule", Some(id)),
        Some(before.project_id),
        snapshot(&before),
        snapshot(&after),
    )
    .await?;
    Ok(Outcome::changed(id))
}

/// One unit's entry for one period: what is received, checked and reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRef {
    /// The project.
    pub project_id: i32,
    /// The centre, or `None` for the project as a whole.
    pub centre_id: Option<i32>,
    /// Which figures.
    pub figures: ObligationFigures,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
}

impl EntryRef {
    /// The unit as stored in receipts and results: the centre's id, or 0.
    pub fn unit_key(&self) -> i32 {
        self.centre_id.unwrap_or(0)
    }
}

/// Notes that a unit's figures for a period arrived (first and last time).
pub async fn record_receipt<C: ConnectionTrait>(db: &C, entry: &EntryRef) -> Result<(), DbErr> {
    use report_receipt::Column as R;
    let now = Utc::now();
    let found = report_receipt::Entity::find()
        .filter(R::ProjectId.eq(entry.project_id))
        .filter(R::UnitKey.eq(entry.unit_key()))
        .filter(R::Figures.eq(entry.figures))
        .filter(R::PeriodStart.eq(entry.period_start))
        .filter(R::PeriodEnd.eq(entry.period_end))
        .one(db)
        .await?;
    match found {
        Some(row) => {
            report_receipt::ActiveModel {
                id: Set(row.id),
                last_received_at: Set(now),
                ..Default::default()
            }
            .update(db)
            .await?;
        }
        None => {
            report_receipt::ActiveModel {
                id: NotSet,
                project_id: Set(entry.project_id),
                unit_key: Set(entry.unit_key()),
                figures: Set(entry.figures),
                period_start: Set(entry.period_start),
                period_end: Set(entry.period_end),
                first_received_at: Set(now),
                last_received_at: Set(now),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// A stored service count as the rules see it.
pub fn rule_cell(c: &service_count::Model) -> Cell {
    let up = |s: &str| s.to_ascii_uppercase();
    Cell {
        stage: up(c.stage.code()),
        unit: up(c.unit.code()),
        sex: c.sex.map(|v| up(v.code())),
        age_band: c.age_band.map(|v| up(v.code())),
        disability: c.disability.map(|v| up(v.code())),
        category: c.category.map(|v| up(v.code())),
        value: c.value,
    }
}

/// How far back a unit's history is read (periods before the entry's).
pub const HISTORY_YEARS: u32 = 3;

/// A unit's figures per past period before `before` (oldest first), read
/// from its stored service counts: the history median rules and outlier
/// scores look at.
pub async fn service_history<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
    centre_id: Option<i32>,
    before: NaiveDate,
) -> Result<BTreeMap<String, Vec<i64>>, DbErr> {
    use service_count::Column as Col;
    let from = before
        .checked_sub_months(Months::new(12 * HISTORY_YEARS))
        .unwrap_or(before);
    let rows = service_count::Entity::find()
        .filter(Col::ProjectId.eq(project_id))
        .filter(crate::db::filter::eq_opt(Col::CentreId, centre_id))
        .filter(Col::PeriodStart.lt(before))
        .filter(Col::PeriodStart.gte(from))
        .order_by_asc(Col::PeriodStart)
        .all(db)
        .await?;
    let mut by_period: BTreeMap<(Option<NaiveDate>, Option<NaiveDate>), Vec<Cell>> =
        BTreeMap::new();
    for r in &rows {
        by_period
            .entry((r.period_start, r.period_end))
            .or_default()
            .push(rule_cell(r));
    }
    let mut out: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for cells in by_period.values() {
        for (name, v) in rules::figures_of(cells).figures {
            out.entry(name).or_default().push(v);
        }
    }
    Ok(out)
}

/// The stored cells of an entry.
pub async fn entry_cells<C: ConnectionTrait>(
    db: &C,
    entry: &EntryRef,
) -> Result<Vec<service_count::Model>, DbErr> {
    use service_count::Column as Col;
    service_count::Entity::find()
        .filter(Col::ProjectId.eq(entry.project_id))
        .filter(crate::db::filter::eq_opt(Col::CentreId, entry.centre_id))
        .filter(Col::PeriodStart.eq(entry.period_start))
        .filter(Col::PeriodEnd.eq(entry.period_end))
        .all(db)
        .await
}

/// The live rules of a project that check its service counts.
pub async fn service_rules<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
) -> Result<Vec<(validation_rule::Model, Check)>, DbErr> {
    live_rules(
        db,
        sea_orm::Condition::all()
            .add(validation_rule::Column::ProjectId.eq(project_id))
            .add(validation_rule::Column::IndicatorId.is_null()),
    )
    .await
}

/// The live (not archived) rules that meet `which`, with their definitions.
async fn live_rules<C: ConnectionTrait>(
    db: &C,
    which: sea_orm::Condition,
) -> Result<Vec<(validation_rule::Model, Check)>, DbErr> {
    let rows = validation_rule::Entity::find()
        .filter(which)
        .filter(validation_rule::Column::ArchivedAt.is_null())
        .order_by_asc(validation_rule::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let check = serde_json::from_value::<Check>(r.definition.clone()).ok()?;
            Some((r, check))
        })
        .collect())
}

/// After a write of an entry's service counts, in the write's transaction:
/// evaluates the project's rules on the entry as now stored (an ERROR
/// refuses the write, a WARNING without `confirm_reason` too), replaces the
/// entry's stored rule results, and records the receipt.
pub async fn receive_service_counts<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    entry: &EntryRef,
    confirm_reason: Option<&str>,
) -> ServiceResult<()> {
    let reason = confirm_reason_text(confirm_reason)?;
    let found = service_rules(db, entry.project_id).await?;
    let mut broken = Vec::new();
    if !found.is_empty() {
        let cells: Vec<Cell> = entry_cells(db, entry)
            .await?
            .iter()
            .map(rule_cell)
            .collect();
        let mut input = rules::figures_of(&cells);
        input.history =
            service_history(db, entry.project_id, entry.centre_id, entry.period_start).await?;
        broken = failing(&found, &input);
    }
    refuse_broken(&broken, reason.as_deref(), &["input", "counts"])?;
    use rule_result::Column as X;
    rule_result::Entity::delete_many()
        .filter(X::ProjectId.eq(entry.project_id))
        .filter(X::UnitKey.eq(entry.unit_key()))
        .filter(X::Figures.eq(entry.figures))
        .filter(X::PeriodStart.eq(entry.period_start))
        .filter(X::PeriodEnd.eq(entry.period_end))
        .exec(db)
        .await?;
    store_results(db, actor, entry, broken, reason).await?;
    record_receipt(db, entry).await?;
    Ok(())
}

/// A manager's reason for keeping figures that break a WARNING rule, checked.
fn confirm_reason_text(confirm_reason: Option<&str>) -> ServiceResult<Option<String>> {
    let mut errors = Vec::new();
    let reason = super::setup::optional_text(
        confirm_reason,
        &["input", "confirmReason"],
        NOTE_MAX,
        &mut errors,
    );
    check(errors)?;
    Ok(reason)
}

type Broken<'a> = Vec<(&'a validation_rule::Model, rules::Verdict)>;

/// The rules an entry breaks, with their verdicts.
fn failing<'a>(found: &'a [(validation_rule::Model, Check)], input: &rules::Entry) -> Broken<'a> {
    found
        .iter()
        .filter_map(|(rule, check)| {
            let verdict = rules::evaluate(check, input);
            (verdict.status == Status::Fail).then_some((rule, verdict))
        })
        .collect()
}

/// Refuses an entry that breaks an ERROR rule (RULE_BROKEN on `field`), or a
/// WARNING rule without a reason (WARNING_NOT_CONFIRMED).
fn refuse_broken(broken: &Broken<'_>, reason: Option<&str>, field: &[&str]) -> ServiceResult<()> {
    let mut errors = Vec::new();
    for (rule, _) in broken {
        let id = rule.id.to_string();
        match rule.severity {
            RuleSeverity::Error => errors.push(UserError::new(
                field,
                UserErrorCode::RuleBroken,
                format!("rule {id}: {}", rule.message_en),
            )),
            RuleSeverity::Warning if reason.is_none() => errors.push(UserError::new(
                &["input", "confirmReason"],
                UserErrorCode::WarningNotConfirmed,
                format!(
                    "rule {id}: {} (confirm with a reason to keep the figure)",
                    rule.message_en
                ),
            )),
            RuleSeverity::Warning => {}
        }
    }
    check(errors)
}

/// Stores the broken rules of an entry with the values they compared and
/// the manager's reason (the caller removed the entry's earlier results).
async fn store_results<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    entry: &EntryRef,
    broken: Broken<'_>,
    reason: Option<String>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    for (rule, verdict) in broken {
        rule_result::ActiveModel {
            id: NotSet,
            project_id: Set(entry.project_id),
            unit_key: Set(entry.unit_key()),
            figures: Set(entry.figures),
            period_start: Set(entry.period_start),
            period_end: Set(entry.period_end),
            rule_id: Set(rule.id),
            severity: Set(rule.severity),
            detail: Set(
                serde_json::to_value(&verdict.values).map_err(|e| DbErr::Custom(e.to_string()))?
            ),
            reason: Set(reason.clone()),
            evaluated_at: Set(now),
            evaluated_by: Set(actor.user_id()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The figure an indicator's rules read: its value for the period.
pub const INDICATOR_FIGURE: &str = "VALUE";

/// The rules declared for one indicator (their figure is [`INDICATOR_FIGURE`]).
pub async fn indicator_rules<C: ConnectionTrait>(
    db: &C,
    indicator_id: i32,
) -> Result<Vec<(validation_rule::Model, Check)>, DbErr> {
    live_rules(
        db,
        sea_orm::Condition::all().add(validation_rule::Column::IndicatorId.eq(indicator_id)),
    )
    .await
}

/// An indicator's entry as the rules see it: `VALUE` is the whole value (or,
/// with only a breakdown, the largest sum of one dimension's parts), broken
/// down by the dimensions its parts use; its history is the whole value of
/// each earlier period (up to [`HISTORY_YEARS`]), oldest first.
pub async fn indicator_entry<C: ConnectionTrait>(
    db: &C,
    indicator_id: i32,
    period_start: NaiveDate,
    period_end: NaiveDate,
) -> Result<rules::Entry, DbErr> {
    use indicator_value::Column as V;
    let from = period_start
        .checked_sub_months(Months::new(12 * HISTORY_YEARS))
        .unwrap_or(period_start);
    let rows = indicator_value::Entity::find()
        .filter(V::IndicatorId.eq(indicator_id))
        .filter(V::PeriodStart.gte(from))
        .filter(V::PeriodStart.lte(period_start))
        .order_by_asc(V::PeriodStart)
        .all(db)
        .await?;
    let mut entry = rules::Entry::default();
    let mut sums: BTreeMap<String, i64> = BTreeMap::new();
    let mut whole = None;
    let mut dims = std::collections::BTreeSet::new();
    let mut history = Vec::new();
    for r in &rows {
        let this = r.period_start == Some(period_start) && r.period_end == Some(period_end);
        match (&r.dimension, this) {
            (None, true) => whole = Some(r.value),
            (None, false) if r.period_start < Some(period_start) => history.push(r.value),
            (Some(d), true) => {
                *sums.entry(d.clone()).or_default() += r.value;
                let dim = match d.as_str() {
                    "sex" => Some(rules::Dimension::Sex),
                    "age_band" => Some(rules::Dimension::AgeBand),
                    "disability" => Some(rules::Dimension::Disability),
                    "category" => Some(rules::Dimension::Category),
                    _ => None,
                };
                dims.extend(dim);
            }
            _ => {}
        }
    }
    if let Some(v) = whole.or_else(|| sums.values().copied().max()) {
        entry.figures.insert(INDICATOR_FIGURE.into(), v);
        entry.breakdowns.insert(INDICATOR_FIGURE.into(), dims);
    }
    entry.history.insert(INDICATOR_FIGURE.into(), history);
    Ok(entry)
}

/// After a write of an indicator's values for a period, in the write's
/// transaction: evaluates the indicator's rules on the values as now stored
/// (an ERROR refuses the write, a WARNING without `confirm_reason` too) and
/// replaces the period's stored results of those rules.
pub async fn receive_indicator_values<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    project_id: i32,
    indicator_id: i32,
    (period_start, period_end): (NaiveDate, NaiveDate),
    confirm_reason: Option<&str>,
) -> ServiceResult<()> {
    let reason = confirm_reason_text(confirm_reason)?;
    let found = indicator_rules(db, indicator_id).await?;
    if found.is_empty() {
        return Ok(());
    }
    let input = indicator_entry(db, indicator_id, period_start, period_end).await?;
    let broken = failing(&found, &input);
    refuse_broken(&broken, reason.as_deref(), &["input", "value"])?;
    let entry = EntryRef {
        project_id,
        centre_id: None,
        figures: ObligationFigures::IndicatorValues,
        period_start,
        period_end,
    };
    use rule_result::Column as X;
    rule_result::Entity::delete_many()
        .filter(X::ProjectId.eq(project_id))
        .filter(X::RuleId.is_in(found.iter().map(|(r, _)| r.id)))
        .filter(X::PeriodStart.eq(period_start))
        .filter(X::PeriodEnd.eq(period_end))
        .exec(db)
        .await?;
    store_results(db, actor, &entry, broken, reason).await?;
    Ok(())
}

/// A reviewer's comment on one figure of a submitted report (administrators).
pub async fn comment_figure<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    report_id: i32,
    figure: &str,
    body: &str,
) -> ServiceResult<Outcome> {
    if !actor.viewer.is_admin() {
        return Err(UserError::new(
            &[],
            UserErrorCode::Forbidden,
            "only a reviewer (an admin) comments on a report's figures",
        )
        .into());
    }
    let Some(report) = report::Entity::find_by_id(report_id).one(db).await? else {
        return Err(
            UserError::new(&["reportId"], UserErrorCode::NotFound, "no such report").into(),
        );
    };
    let mut errors = Vec::new();
    let figure = figure.trim();
    if figure.is_empty() || figure.chars().count() > 200 {
        errors.push(UserError::new(
            &["figure"],
            UserErrorCode::Invalid,
            "name the figure (1 to 200 characters)",
        ));
    }
    let body = super::setup::optional_text(Some(body), &["body"], NOTE_MAX, &mut errors);
    if body.is_none() {
        errors.push(UserError::new(
            &["body"],
            UserErrorCode::Required,
            "write the comment",
        ));
    }
    check(errors)?;
    let created = figure_comment::ActiveModel {
        id: NotSet,
        report_id: Set(report.id),
        figure: Set(figure.to_string()),
        body: Set(body.unwrap_or_default()),
        author_id: Set(actor.user_id()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    audit_in_project(
        db,
        actor,
        "report.comment",
        ("report", Some(report.id)),
        Some(report.project_id),
        None,
        snapshot(&created),
    )
    .await?;
    Ok(Outcome::changed(report.id))
}
