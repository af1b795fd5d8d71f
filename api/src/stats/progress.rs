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

use super::aggregate::{Kind, StatsQuery, aggregate, aggregate_rows};
use super::sql::{Sql, int_at};
use super::{Access, Dimension};
use crate::disclosure::{Figure, Thresholds, protect_single, protect_table};
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

/// Progress of every indicator of a project, in code order.
pub async fn project_progress(
    db: &impl ConnectionTrait,
    access: &Access,
    thresholds: Thresholds,
    project_id: i32,
) -> Result<Vec<Progress>, AppError> {
    if !access.visible.contains(&project_id) {
        return Ok(Vec::new());
    }
    let indicators = indicator::Entity::find()
        .filter(indicator::Column::ProjectId.eq(project_id))
        .order_by_asc(indicator::Column::Code)
        .all(db)
        .await?;
    let ids: Vec<i32> = indicators.iter().map(|i| i.id).collect();
    let values = indicator_value::Entity::find()
        .filter(indicator_value::Column::IndicatorId.is_in(ids))
        .order_by_asc(indicator_value::Column::Id)
        .all(db)
        .await?;
    let raw = access.raw.contains(&project_id);
    let mut out = Vec::new();
    for ind in indicators {
        let mine: Vec<&indicator_value::Model> =
            values.iter().filter(|v| v.indicator_id == ind.id).collect();
        let progress = match ind.derived_from.clone() {
            Some(rule) if mine.is_empty() => derived(db, access, thresholds, ind, &rule).await?,
            _ => entered(ind, &mine, thresholds, raw),
        };
        out.push(progress);
    }
    Ok(out)
}

/// The actual over all periods. For `SUM` the periods are cells of a table
/// whose total is published, so a single withheld period gets a complement
/// (the smallest other period, else the total), as `protect_table` does.
fn combine(
    aggregation: Aggregation,
    periods: &mut [PeriodValue],
    raw_values: &[i64],
    class: Sensitivity,
    thresholds: &Thresholds,
    raw: bool,
) -> Option<Figure> {
    let threshold = thresholds.of(class);
    if periods.is_empty() {
        return None;
    }
    match aggregation {
        Aggregation::Latest => periods.last().map(|p| p.figure),
        Aggregation::Sum => {
            let total: i64 = raw_values.iter().sum();
            if raw {
                return Some(Figure::exact(total, class));
            }
            if crate::disclosure::is_small(total, threshold) {
                periods
                    .iter_mut()
                    .for_each(|p| p.figure = Figure::withheld(class));
                return Some(Figure::withheld(class));
            }
            let (cells, _) = protect_table(raw_values, total, class, thresholds, false);
            for (p, c) in periods.iter_mut().zip(&cells) {
                if c.suppressed {
                    p.figure = Figure::withheld(class);
                }
            }
            let hidden = periods.iter().filter(|p| p.figure.suppressed).count();
            if hidden == 1 {
                let other = periods
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| !p.figure.suppressed)
                    .min_by_key(|(i, _)| (raw_values[*i], *i))
                    .map(|(i, _)| i);
                match other {
                    Some(i) => periods[i].figure = Figure::withheld(class),
                    None => return Some(Figure::withheld(class)),
                }
            }
            Some(Figure::exact(total, class))
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
        let whole_value = whole.map(|w| w.value).unwrap_or_else(|| {
            by_dim
                .values()
                .next()
                .map_or(0, |v| v.iter().map(|p| p.value).sum())
        });
        let mut whole_figure = protect_single(whole_value, class, &thresholds, raw);
        let mut disaggregations = Vec::new();
        for (dim, cells) in by_dim {
            let counts: Vec<i64> = cells.iter().map(|c| c.value).collect();
            let (figures, total) = protect_table(&counts, whole_value, class, &thresholds, raw);
            if total.suppressed {
                whole_figure = Figure::withheld(class);
            }
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

/// A count of facilities (`SELECT COUNT(*), MAX(date)` and the sources).
async fn facility_count(
    db: &impl ConnectionTrait,
    sql: &str,
    sources_sql: &str,
    project_id: i32,
) -> Result<(i64, Option<NaiveDate>, Vec<i32>), AppError> {
    let backend = db.get_database_backend();
    let mut q = Sql::new(backend);
    q.push(sql).param(project_id);
    let row = q.all(db).await?.into_iter().next();
    let count = match &row {
        Some(r) => int_at(r, 0)?,
        None => 0,
    };
    let as_of = row
        .as_ref()
        .and_then(|r| r.try_get_by_index::<Option<NaiveDate>>(1).ok().flatten());
    let mut q = Sql::new(backend);
    q.push(sources_sql).param(project_id);
    let mut sources = Vec::new();
    for r in q.all(db).await? {
        if let Ok(Some(id)) = r.try_get_by_index::<Option<i32>>(0) {
            sources.push(id);
        }
    }
    Ok((count, as_of, sources))
}

async fn derived(
    db: &impl ConnectionTrait,
    access: &Access,
    thresholds: Thresholds,
    ind: indicator::Model,
    rule: &str,
) -> Result<Progress, AppError> {
    let project = ind.project_id;
    let mut sources: BTreeSet<i32> = ind.source_document_id.into_iter().collect();
    let (kind_of_rule, arg) = rule.split_once('.').unwrap_or((rule, ""));
    let facility = match (kind_of_rule, arg) {
        ("works", "completed") => Some((
            "SELECT COUNT(*), MAX(completed_on) FROM infrastructure_works \
             WHERE status IN ('completed', 'handed_over') AND project_id = ",
            "SELECT DISTINCT source_document_id FROM infrastructure_works \
             WHERE status IN ('completed', 'handed_over') AND project_id = ",
        )),
        ("centres", "operational") => Some((
            "SELECT COUNT(*), MAX(opened_on) FROM centres WHERE status = 'operational' AND project_id = ",
            "SELECT DISTINCT source_document_id FROM centres WHERE status = 'operational' AND project_id = ",
        )),
        ("teams", "active") => Some((
            "SELECT COUNT(*), NULL FROM teams WHERE status = 'active' AND project_id = ",
            "SELECT DISTINCT source_document_id FROM teams WHERE project_id = ",
        )),
        ("events", "held") => Some((
            "SELECT COUNT(*), MAX(COALESCE(end_date, start_date)) FROM events \
             WHERE status = 'held' AND project_id = ",
            "SELECT DISTINCT source_document_id FROM events WHERE status = 'held' AND project_id = ",
        )),
        _ => None,
    };
    let (periods, actual, as_of, illustrative) = if let Some((count_sql, sources_sql)) = facility {
        // Facilities are not people: no suppression.
        let (count, as_of, ids) = facility_count(db, count_sql, sources_sql, project).await?;
        sources.extend(ids);
        let period = PeriodValue {
            start: None,
            end: None,
            figure: Figure::exact(count, Sensitivity::Public),
            as_of,
            illustrative: false,
            disaggregations: Vec::new(),
        };
        (
            vec![period],
            Some(Figure::exact(count, Sensitivity::Public)),
            as_of,
            false,
        )
    } else {
        let mut select = vec![(Dimension::Project, Some(project.to_string()))];
        let kind = match (kind_of_rule, arg) {
            ("attendance", "all") => Kind::Participants,
            ("attendance", k) if EventKind::from_code(k).is_some() => {
                select.push((Dimension::EventKind, Some(k.to_string())));
                Kind::Participants
            }
            ("services", s) if ServiceStage::from_code(s).is_some() => {
                select.push((Dimension::Stage, Some(s.to_string())));
                select.push((Dimension::Unit, Some(ind.unit.code().to_string())));
                Kind::Services
            }
            _ => {
                return Err(AppError::bad_input(format!(
                    "indicator {} has an unknown derivation rule {rule:?}",
                    ind.code
                )));
            }
        };
        let by_year = StatsQuery {
            kind,
            group_by: vec![Dimension::Year],
            select: select.clone(),
            area: None,
        };
        let table = aggregate(db, access, thresholds, &by_year).await?;
        let mut periods: Vec<PeriodValue> = table
            .rows
            .iter()
            .map(|r| {
                let (start, end) = year_period(r.keys[0].1.as_deref());
                PeriodValue {
                    start,
                    end,
                    figure: r.figure,
                    as_of: None,
                    illustrative: r.illustrative,
                    disaggregations: Vec::new(),
                }
            })
            .collect();
        // Periods of unknown date first, then by year.
        periods.sort_by_key(|p| p.start);
        // With a breakdown by sex, where allowed.
        let by_sex = StatsQuery {
            kind,
            group_by: vec![Dimension::Year, Dimension::Sex],
            select,
            area: None,
        };
        // Its totals are those of `by_year`.
        let sexes = aggregate_rows(db, access, thresholds, &by_sex).await?;
        for p in &mut periods {
            for r in &sexes.rows {
                if year_period(r.keys[0].1.as_deref()) == (p.start, p.end)
                    && let Some(sex) = r.keys[1].1.clone()
                    && sex != "unknown"
                {
                    p.disaggregations.push(Disaggregation {
                        dimension: "sex".into(),
                        value: sex,
                        figure: r.figure,
                        illustrative: r.illustrative,
                    });
                }
            }
        }
        let total = table.totals.first().map(|t| t.figure);
        let actual = match ind.aggregation {
            Aggregation::Sum => total.or(Some(Figure::exact(0, Sensitivity::Public))),
            Aggregation::Latest => periods.last().map(|p| p.figure),
        };
        // The event kind was checked against the code list above.
        let kind_clause = match (kind_of_rule, arg) {
            ("attendance", k) if k != "all" => format!("e.kind = '{k}' AND "),
            _ => String::new(),
        };
        let participants_dates = format!(
            "SELECT 0, MAX(COALESCE(e.end_date, e.start_date)) FROM events e \
             WHERE {kind_clause}e.id IN (SELECT event_id FROM attendance) AND e.project_id = "
        );
        let participants_sources = format!(
            "SELECT DISTINCT e.source_document_id FROM events e \
             WHERE {kind_clause}e.id IN (SELECT event_id FROM attendance) AND e.project_id = "
        );
        let (dates_sql, sources_sql) = match kind {
            Kind::Participants => (participants_dates.as_str(), participants_sources.as_str()),
            Kind::Services => (
                "SELECT 0, MAX(period_end) FROM service_counts WHERE project_id = ",
                "SELECT DISTINCT source_document_id FROM service_counts WHERE project_id = ",
            ),
        };
        let (_, as_of, ids) = facility_count(db, dates_sql, sources_sql, project).await?;
        sources.extend(ids);
        let illustrative = table.totals.first().is_some_and(|t| t.illustrative);
        (periods, actual, as_of, illustrative)
    };
    Ok(Progress {
        percent_of_target: percent(&ind, actual),
        method: Method::Derived,
        actual,
        as_of,
        periods,
        source_ids: sources.into_iter().collect(),
        illustrative,
        indicator: ind,
    })
}
