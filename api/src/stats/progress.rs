//! Indicators against their targets.
//!
//! An indicator's actual value is either *entered* (`indicator_values`, whole
//! and disaggregated, per period) or *derived* from the recorded facts by its
//! rule (`indicators.derived_from`):
//!
//! | rule | actual |
//! | --- | --- |
//! | `works.completed` | infrastructure works completed or handed over |
//! | `centres.operational` | centres whose status is operational |
//! | `teams.active` | teams formed and working |
//! | `events.held` | events held |
//! | `attendance.all`, `attendance.<event kind>` | participants (e.g. `attendance.training`: people trained), per year |
//! | `services.<stage>` | service counts of the indicator's unit at that stage (e.g. `services.received`), per year |
//!
//! Period values combine by the indicator's aggregation: `SUM` adds the
//! periods, `LATEST` takes the most recent (cumulative figures). Counts of
//! people go through the same suppression as the statistics: derived ones
//! read the statistics lattice, entered ones are protected per period as the
//! read API does.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use entities::codes::{Aggregation, EventKind, ServiceStage};
use entities::{indicator, indicator_value};

use super::aggregate::Kind;
use super::aggregate_sql::{SqlRow, grouped_query, regroup, roll_up};
use super::sql::{Sql, int_at, text_at};
use super::{Access, Dimension};
use crate::disclosure::{Figure, Parts, Thresholds, reported};
use crate::error::AppError;
use entities::codes::Sensitivity;

/// Where an actual value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Entered as indicator values.
    Entered,
    /// Derived from the recorded facts by the indicator's rule.
    Derived,
}

/// One disaggregated value of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct Disaggregation {
    /// Dimension (e.g. `sex`, `level`).
    pub dimension: String,
    /// Its value (e.g. `female`, `central`).
    pub value: String,
    /// The published figure.
    pub figure: Figure,
    /// True when the value is illustrative.
    pub illustrative: bool,
}

/// The actual value for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodValue {
    /// First day; `None` when the source gives none.
    pub start: Option<NaiveDate>,
    /// Last day; `None` when open or not given.
    pub end: Option<NaiveDate>,
    /// The published value.
    pub figure: Figure,
    /// Date the value is current as of, where known.
    pub as_of: Option<NaiveDate>,
    /// True when the value is illustrative.
    pub illustrative: bool,
    /// Disaggregated values, published ones and withheld ones alike.
    pub disaggregations: Vec<Disaggregation>,
}

/// An indicator's progress.
#[derive(Debug, Clone)]
pub struct Progress {
    /// The indicator.
    pub indicator: indicator::Model,
    /// Entered or derived.
    pub method: Method,
    /// The actual value over all periods by the aggregation rule; `None` when nothing is recorded.
    pub actual: Option<Figure>,
    /// Actual as a percentage of the target, when both are known and published.
    pub percent_of_target: Option<f64>,
    /// Date the actual is current as of, where known.
    pub as_of: Option<NaiveDate>,
    /// Values per period, oldest first.
    pub periods: Vec<PeriodValue>,
    /// Source documents behind the indicator and its values.
    pub source_ids: Vec<i32>,
    /// True when the actual depends on illustrative values.
    pub illustrative: bool,
}

/// How much of each derived indicator to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Actuals and periods, each period with its breakdown by sex.
    BySex,
    /// Actuals and periods only: the breakdown is left empty and its
    /// grouping over every attendance cell is not run (a donor card that
    /// shows actuals against targets reads the per-event summaries only).
    Periods,
}

/// Progress of every indicator of a project, in code order.
///
/// The statements do not depend on the number of indicators: derived
/// indicators read their figures from one grouping per kind of fact (see
/// [`Facts`]), so a programme with forty indicators costs what one with four does.
pub async fn project_progress(
    db: &impl ConnectionTrait,
    access: &Access,
    thresholds: Thresholds,
    project_id: i32,
    detail: Detail,
) -> Result<Vec<Progress>, AppError> {
    if !access.visible.contains(&project_id) {
        return Ok(Vec::new());
    }
    let indicators = indicator::Entity::find()
        .filter(indicator::Column::ProjectId.eq(project_id))
        .filter(indicator::Column::ArchivedAt.is_null())
        .order_by_asc(indicator::Column::Code)
        .all(db)
        .await?;
    progress_of(db, access, thresholds, project_id, indicators, detail).await
}

/// The figure an indicator would show now with a derivation rule that is
/// not stored yet (`template.derived_from`), read as `access` may read it:
/// the preview a manager sees while authoring a derived indicator. `None`
/// when the project is not visible.
pub async fn preview(
    db: &impl ConnectionTrait,
    access: &Access,
    thresholds: Thresholds,
    template: indicator::Model,
) -> Result<Option<Progress>, AppError> {
    let project_id = template.project_id;
    if !access.visible.contains(&project_id) {
        return Ok(None);
    }
    Ok(progress_of(
        db,
        access,
        thresholds,
        project_id,
        vec![template],
        Detail::BySex,
    )
    .await?
    .pop())
}

/// True when `rule` is a derivation rule this module knows (see the table above).
pub fn known_rule(rule: &str) -> bool {
    let probe = indicator::Model {
        id: 0,
        project_id: 0,
        code: String::new(),
        title_az: String::new(),
        title_en: String::new(),
        unit: entities::codes::CountUnit::Persons,
        counting_rule: entities::codes::CountingRule::Unique,
        aggregation: Aggregation::Sum,
        baseline: None,
        baseline_date: None,
        target: None,
        target_date: None,
        sensitivity: Sensitivity::Ordinary,
        derived_from: None,
        source_document_id: None,
        version: 0,
        illustrative: false,
        archived_at: None,
    };
    Rule::parse(&probe, rule).is_ok()
}

async fn progress_of(
    db: &impl ConnectionTrait,
    access: &Access,
    thresholds: Thresholds,
    project_id: i32,
    indicators: Vec<indicator::Model>,
    detail: Detail,
) -> Result<Vec<Progress>, AppError> {
    let ids: Vec<i32> = indicators
        .iter()
        .map(|i| i.id)
        .filter(|id| *id > 0)
        .collect();
    let values = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.is_in(ids))
        .order_by_asc(indicator_value::Column::Id)
        .all(db)
        .await?;
    let raw = access.raw.contains(&project_id);
    // Derived indicators are those with a rule and no entered value.
    let mut plan = Vec::with_capacity(indicators.len());
    for ind in indicators {
        let mine: Vec<&indicator_value::Model> =
            values.iter().filter(|v| v.indicator_id == ind.id).collect();
        let rule = match &ind.derived_from {
            Some(rule) if mine.is_empty() => Some(Rule::parse(&ind, rule)?),
            _ => None,
        };
        plan.push((ind, mine, rule));
    }
    let rules: Vec<&Rule> = plan.iter().filter_map(|(_, _, r)| r.as_ref()).collect();
    let facts = Facts::read(db, access, project_id, &rules, detail).await?;
    Ok(plan
        .into_iter()
        .map(|(ind, mine, rule)| match rule {
            Some(rule) => facts.progress(ind, &rule),
            None => entered(ind, &mine, thresholds, raw),
        })
        .collect())
}

/// The actual over all periods. For `SUM` the periods are cells of a table
/// whose total is published ([`reported::protect_periods`]).
fn combine(
    aggregation: Aggregation,
    periods: &mut [PeriodValue],
    raw_values: &[i64],
    class: Sensitivity,
    thresholds: &Thresholds,
    raw: bool,
) -> Option<Figure> {
    if periods.is_empty() {
        return None;
    }
    match aggregation {
        Aggregation::Latest => periods.last().map(|p| p.figure),
        Aggregation::Sum => {
            let own: Vec<Figure> = periods.iter().map(|p| p.figure).collect();
            let (figures, total) =
                reported::protect_periods(raw_values, &own, class, thresholds, raw);
            for (p, f) in periods.iter_mut().zip(figures) {
                p.figure = f;
            }
            Some(total)
        }
    }
}

fn percent(ind: &indicator::Model, actual: Option<Figure>) -> Option<f64> {
    let target = ind.target.filter(|t| *t > 0)?;
    let value = actual?.value?;
    Some((value as f64 * 1000.0 / target as f64).round() / 10.0)
}

fn period_key(v: &indicator_value::Model) -> (Option<NaiveDate>, Option<NaiveDate>) {
    (v.period_start, v.period_end)
}

/// Entered values: per period, the whole value and its disaggregations,
/// protected as the read API protects `Indicator.values`.
fn entered(
    ind: indicator::Model,
    values: &[&indicator_value::Model],
    thresholds: Thresholds,
    raw: bool,
) -> Progress {
    let class = ind.sensitivity;
    type Period = (Option<NaiveDate>, Option<NaiveDate>);
    type Values<'a> = (
        Option<&'a indicator_value::Model>,
        Vec<&'a indicator_value::Model>,
    );
    let mut by_period: BTreeMap<Period, Values<'_>> = BTreeMap::new();
    for v in values {
        let slot = by_period.entry(period_key(v)).or_default();
        if v.dimension.is_none() {
            slot.0 = Some(v);
        } else {
            slot.1.push(v);
        }
    }
    let mut periods = Vec::new();
    let mut raw_values = Vec::new();
    let mut sources: BTreeSet<i32> = ind.source_document_id.into_iter().collect();
    let mut illustrative = false;
    for ((start, end), (whole, parts)) in by_period {
        let mut by_dim: BTreeMap<&str, Vec<&indicator_value::Model>> = BTreeMap::new();
        for p in &parts {
            by_dim
                .entry(p.dimension.as_deref().unwrap_or_default())
                .or_default()
                .push(p);
        }
        let dims: Vec<(&str, Vec<&indicator_value::Model>)> = by_dim.into_iter().collect();
        let counts: Vec<Vec<i64>> = dims
            .iter()
            .map(|(_, cells)| cells.iter().map(|c| c.value).collect())
            .collect();
        let (whole_value, whole_figure, figures) =
            reported::protect_period(whole.map(|w| w.value), &counts, class, &thresholds, raw);
        let mut disaggregations = Vec::new();
        for ((dim, cells), figures) in dims.iter().zip(figures) {
            for (c, f) in cells.iter().zip(figures) {
                disaggregations.push(Disaggregation {
                    dimension: dim.to_string(),
                    value: c.dimension_value.clone().unwrap_or_default(),
                    figure: f,
                    illustrative: c.illustrative,
                });
            }
        }
        let rows = whole.into_iter().chain(parts.iter().copied());
        let mut as_of = None;
        let mut period_illustrative = whole.is_some_and(|w| w.illustrative);
        for r in rows {
            sources.extend(r.source_document_id);
            as_of = as_of.max(r.as_of);
            if whole.is_none() {
                period_illustrative |= r.illustrative;
            }
        }
        illustrative |= period_illustrative;
        raw_values.push(whole_value);
        periods.push(PeriodValue {
            start,
            end,
            figure: whole_figure,
            as_of,
            illustrative: period_illustrative,
            disaggregations,
        });
    }
    let actual = combine(
        ind.aggregation,
        &mut periods,
        &raw_values,
        class,
        &thresholds,
        raw,
    );
    let as_of = periods.iter().filter_map(|p| p.as_of.or(p.end)).max();
    Progress {
        percent_of_target: percent(&ind, actual),
        method: Method::Entered,
        actual,
        as_of,
        periods,
        source_ids: sources.into_iter().collect(),
        illustrative,
        indicator: ind,
    }
}

fn year_period(year: Option<&str>) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let y = year.and_then(|y| y.parse::<i32>().ok());
    (
        y.and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)),
        y.and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31)),
    )
}

/// Facilities a derivation rule counts (not people: never suppressed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Facility {
    WorksCompleted,
    CentresOperational,
    TeamsActive,
    EventsHeld,
}

impl Facility {
    /// `SELECT '', source, count, latest date … GROUP BY source` for one
    /// project: the count, its as-of date and its sources in one statement.
    fn sql(self) -> &'static str {
        match self {
            Facility::WorksCompleted => {
                "SELECT '', source_document_id, COUNT(*), MAX(completed_on) FROM infrastructure_works \
                 WHERE status IN ('completed', 'handed_over') AND archived_at IS NULL AND project_id = "
            }
            Facility::CentresOperational => {
                "SELECT '', source_document_id, COUNT(*), MAX(opened_on) FROM centres \
                 WHERE status = 'operational' AND archived_at IS NULL AND project_id = "
            }
            // Every team's source, active or not, is behind the count.
            Facility::TeamsActive => {
                "SELECT '', source_document_id, SUM(CASE WHEN status = 'active' THEN 1 ELSE 0 END), \
                 NULL FROM teams WHERE archived_at IS NULL AND project_id = "
            }
            Facility::EventsHeld => {
                "SELECT '', source_document_id, COUNT(*), MAX(COALESCE(end_date, start_date)) \
                 FROM events WHERE status = 'held' AND project_id = "
            }
        }
    }
}

/// A derivation rule (`indicators.derived_from`), checked against the code lists.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Rule {
    /// A count of facilities.
    Facility(Facility),
    /// Participants of events of one kind (code), or of all kinds.
    Participants(Option<String>),
    /// Service counts at a stage (code), in the indicator's unit (code).
    Services { stage: String, unit: String },
}

impl Rule {
    fn parse(ind: &indicator::Model, rule: &str) -> Result<Self, AppError> {
        let (kind, arg) = rule.split_once('.').unwrap_or((rule, ""));
        Ok(match (kind, arg) {
            ("works", "completed") => Rule::Facility(Facility::WorksCompleted),
            ("centres", "operational") => Rule::Facility(Facility::CentresOperational),
            ("teams", "active") => Rule::Facility(Facility::TeamsActive),
            ("events", "held") => Rule::Facility(Facility::EventsHeld),
            ("attendance", "all") => Rule::Participants(None),
            ("attendance", k) if EventKind::from_code(k).is_some() => {
                Rule::Participants(Some(k.to_string()))
            }
            ("services", s) if ServiceStage::from_code(s).is_some() => Rule::Services {
                stage: s.to_string(),
                unit: ind.unit.code().to_string(),
            },
            _ => {
                return Err(AppError::bad_input(format!(
                    "indicator {} has an unknown derivation rule {rule:?}",
                    ind.code
                )));
            }
        })
    }
}

/// A group of facts with its sources and latest date: `(key, source,
/// count, latest)`, the key being an event kind or empty.
type Dated = (Option<String>, Option<i32>, i64, Option<NaiveDate>);

async fn dated(db: &impl ConnectionTrait, sql: &str, project: i32) -> Result<Vec<Dated>, AppError> {
    let mut q = Sql::new(db.get_database_backend());
    q.push(sql).param(project).push(" GROUP BY 1, 2");
    let mut out = Vec::new();
    for r in q.all(db).await? {
        out.push((
            text_at(&r, 0)?,
            r.try_get_by_index::<Option<i32>>(1).ok().flatten(),
            int_at(&r, 2)?,
            r.try_get_by_index::<Option<NaiveDate>>(3).ok().flatten(),
        ));
    }
    Ok(out)
}

/// Count, latest date and sources of the dated groups `keep` selects.
fn dated_sum(
    groups: &[Dated],
    keep: impl Fn(Option<&str>) -> bool,
) -> (i64, Option<NaiveDate>, Vec<i32>) {
    let mut count = 0;
    let mut latest = None;
    let mut sources = BTreeSet::new();
    for (_, source, n, date) in groups.iter().filter(|g| keep(g.0.as_deref())) {
        count += n;
        latest = latest.max(*date);
        sources.extend(*source);
    }
    (count, latest, sources.into_iter().collect())
}

/// Participants or services grouped once for all the indicators derived
/// from them: by `(key…, year)` over whole reports and by `(key…, year,
/// sex)` over the cells, where the keys are the event kind, or the stage and
/// unit. Each indicator's periods, breakdown and total are sums of these
/// groups, and since a published figure depends only on the rows behind it
/// ([`Parts::merge`]), they read exactly as a grouping of their own would.
struct Grid {
    by_year: Vec<SqlRow>,
    by_sex: Vec<SqlRow>,
    dates: Vec<Dated>,
}

impl Grid {
    async fn read(
        db: &impl ConnectionTrait,
        access: &Access,
        kind: Kind,
        project: i32,
        detail: Detail,
    ) -> Result<Self, AppError> {
        let (keys, dates_sql): (&[Dimension], &str) = match kind {
            Kind::Participants => (
                &[Dimension::EventKind],
                // Cancelled events with attendance date the figures too, as before.
                // EXISTS, not `IN (SELECT event_id FROM attendance)`: SQLite
                // built that list of every cell first (15 ms at 200,000 cells).
                "SELECT e.kind, e.source_document_id, COUNT(*), MAX(COALESCE(e.end_date, e.start_date)) \
                 FROM events e WHERE EXISTS (SELECT 1 FROM attendance a WHERE a.event_id = e.id) \
                 AND e.project_id = ",
            ),
            Kind::Services => (
                &[Dimension::Stage, Dimension::Unit],
                "SELECT '', source_document_id, COUNT(*), MAX(period_end) FROM service_counts \
                 WHERE project_id = ",
            ),
        };
        let select = [(Dimension::Project, Some(project.to_string()))];
        let mut by_year = keys.to_vec();
        by_year.push(Dimension::Year);
        let mut by_sex = by_year.clone();
        by_sex.push(Dimension::Sex);
        // Participants by year are the sexes summed when those are read (a
        // participant is known or not whatever the grouping), else read from
        // the per-event summaries. Services by year are a grouping of their
        // own: without a breakdown, an illustrative breakdown's cells count as
        // the one report they add up to.
        let years_of_sexes = kind == Kind::Participants && detail == Detail::BySex;
        let years = async {
            match years_of_sexes {
                true => Ok(Vec::new()),
                false => grouped_query(db, kind, access, &by_year, &select, None).await,
            }
        };
        let sexes = async {
            match detail {
                Detail::BySex => grouped_query(db, kind, access, &by_sex, &select, None).await,
                Detail::Periods => Ok(Vec::new()),
            }
        };
        let (mut years, sexes, dates) =
            tokio::try_join!(years, sexes, dated(db, dates_sql, project))?;
        if years_of_sexes {
            let n = by_year.len();
            years = regroup(&sexes, |k| k[..n].to_vec());
        }
        Ok(Self {
            by_year: years,
            by_sex: sexes,
            dates,
        })
    }
}

/// What a project's derived indicators read, each kind of fact once.
struct Facts {
    participants: Option<Grid>,
    services: Option<Grid>,
    facilities: BTreeMap<Facility, Vec<Dated>>,
}

impl Facts {
    async fn read(
        db: &impl ConnectionTrait,
        access: &Access,
        project: i32,
        rules: &[&Rule],
        detail: Detail,
    ) -> Result<Self, AppError> {
        let needs = |kind| {
            rules.iter().any(|r| {
                matches!(
                    (kind, r),
                    (Kind::Participants, Rule::Participants(_))
                        | (Kind::Services, Rule::Services { .. })
                )
            })
        };
        let grid = |kind| async move {
            match needs(kind) {
                true => Grid::read(db, access, kind, project, detail)
                    .await
                    .map(Some),
                false => Ok(None),
            }
        };
        let mut wanted: Vec<Facility> = rules
            .iter()
            .filter_map(|r| match r {
                Rule::Facility(f) => Some(*f),
                _ => None,
            })
            .collect();
        wanted.sort();
        wanted.dedup();
        let facilities = async {
            let mut out = BTreeMap::new();
            for f in wanted {
                out.insert(f, dated(db, f.sql(), project).await?);
            }
            Ok::<_, AppError>(out)
        };
        // Independent statements, on as many pooled connections.
        let (participants, services, facilities) =
            tokio::try_join!(grid(Kind::Participants), grid(Kind::Services), facilities)?;
        Ok(Self {
            participants,
            services,
            facilities,
        })
    }

    fn progress(&self, ind: indicator::Model, rule: &Rule) -> Progress {
        let mut sources: BTreeSet<i32> = ind.source_document_id.into_iter().collect();
        let (periods, actual, as_of) = match rule {
            Rule::Facility(f) => {
                let (count, as_of, ids) = dated_sum(
                    self.facilities.get(f).map_or(&[][..], Vec::as_slice),
                    |_| true,
                );
                sources.extend(ids);
                let figure = Figure::exact(count, Sensitivity::Public);
                let period = PeriodValue {
                    start: None,
                    end: None,
                    figure,
                    as_of,
                    illustrative: false,
                    disaggregations: Vec::new(),
                };
                (vec![period], Some(figure), as_of)
            }
            Rule::Participants(kind) => {
                let keep = |keys: &[Option<String>]| {
                    kind.is_none() || keys[0].as_deref() == kind.as_deref()
                };
                let dates = |key: Option<&str>| kind.is_none() || key == kind.as_deref();
                self.people(
                    &ind,
                    self.participants.as_ref(),
                    1,
                    &keep,
                    &dates,
                    &mut sources,
                )
            }
            Rule::Services { stage, unit } => {
                let keep = |keys: &[Option<String>]| {
                    keys[0].as_deref() == Some(stage) && keys[1].as_deref() == Some(unit)
                };
                self.people(
                    &ind,
                    self.services.as_ref(),
                    2,
                    &keep,
                    &|_| true,
                    &mut sources,
                )
            }
        };
        Progress {
            percent_of_target: percent(&ind, actual),
            method: Method::Derived,
            actual,
            as_of,
            periods,
            source_ids: sources.into_iter().collect(),
            // Neither the periods nor the total touch a breakdown.
            illustrative: false,
            indicator: ind,
        }
    }

    /// An indicator counting people: periods by year (unknown dates first),
    /// each with its breakdown by sex; the total by the aggregation rule.
    /// `at` is the position of the year among the grid's keys.
    fn people(
        &self,
        ind: &indicator::Model,
        grid: Option<&Grid>,
        at: usize,
        keep: &dyn Fn(&[Option<String>]) -> bool,
        dates: &dyn Fn(Option<&str>) -> bool,
        sources: &mut BTreeSet<i32>,
    ) -> (Vec<PeriodValue>, Option<Figure>, Option<NaiveDate>) {
        let Some(grid) = grid else {
            return (Vec::new(), None, None);
        };
        let years = roll_up(&grid.by_year, keep, |k| k[at].clone());
        let sexes = roll_up(&grid.by_sex, keep, |k| (k[at].clone(), k[at + 1].clone()));
        let mut periods: Vec<PeriodValue> = years
            .iter()
            .map(|(year, (parts, _))| {
                let (start, end) = year_period(year.as_deref());
                let disaggregations = sexes
                    .iter()
                    .filter(|((y, sex), _)| {
                        y == year && sex.as_deref().is_some_and(|s| s != "unknown")
                    })
                    .map(|((_, sex), (parts, illustrative))| Disaggregation {
                        dimension: "sex".into(),
                        value: sex.clone().unwrap_or_default(),
                        figure: parts.publish(),
                        illustrative: *illustrative,
                    })
                    .collect();
                PeriodValue {
                    start,
                    end,
                    figure: parts.publish(),
                    as_of: None,
                    // Whole reports: no breakdown behind the period's figure.
                    illustrative: false,
                    disaggregations,
                }
            })
            .collect();
        // Periods of unknown date first, then by year.
        periods.sort_by_key(|p| p.start);
        let total = (!years.is_empty()).then(|| {
            let mut all = Parts::default();
            years.values().for_each(|(p, _)| all.merge(p));
            all.publish()
        });
        let actual = match ind.aggregation {
            Aggregation::Sum => total.or(Some(Figure::exact(0, Sensitivity::Public))),
            Aggregation::Latest => periods.last().map(|p| p.figure),
        };
        let (_, as_of, ids) = dated_sum(&grid.dates, dates);
        sources.extend(ids);
        (periods, actual, as_of)
    }
}
