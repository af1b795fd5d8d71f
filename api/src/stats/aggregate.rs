//! Participants (attendance) and service counts grouped by any dimensions.
//!
//! Each published row comes from one SQL `GROUP BY` of the dimensions asked,
//! which also computes what publication needs: the part of the count the
//! viewer does not know, the classes of the people counted and the sum of
//! the rows' record keys ([`crate::disclosure`]). So protection costs nothing
//! beyond the grouping, reads the same for the same rows on every surface (a
//! statistics row, an event's total, a CSV cell, a derived indicator), and an
//! anonymous reader's query is as fast as an admin's.
//!
//! Units are never added together: service statistics are always grouped by
//! unit (persons and appeals are separate rows and separate totals).

use std::collections::BTreeMap;

use sea_orm::ConnectionTrait;

use entities::codes::{CountUnit, Sensitivity};
use entities::{attendance, service_count};

use super::{Access, Dimension};
use crate::disclosure::{Figure, Parts, Row, Thresholds};
use crate::error::AppError;

pub use super::aggregate_sql::Kind;
use super::aggregate_sql::*;
pub use crate::disclosure::{OFFICIAL_CATEGORIES, row_class};

/// What a request reads once and shares between fields.
#[derive(Default)]
pub struct Cache {
    /// The caller's access, read once per request.
    pub access: tokio::sync::OnceCell<Access>,
}

/// A statistics question.
#[derive(Debug, Clone)]
pub struct StatsQuery {
    /// What is counted.
    pub kind: Kind,
    /// Dimensions to group by (services are always split by unit as well).
    pub group_by: Vec<Dimension>,
    /// Dimension filters: only cells with these values (`None`: unknown).
    pub select: Vec<(Dimension, Option<String>)>,
    /// Only facts in this area or any area inside it.
    pub area: Option<i32>,
}

/// One published row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsRow {
    /// The values of the grouped dimensions, in the order asked.
    pub keys: Vec<(Dimension, Option<String>)>,
    /// Unit counted.
    pub unit: CountUnit,
    /// The published value.
    pub figure: Figure,
    /// True when the row depends on an illustrative breakdown.
    pub illustrative: bool,
}

/// The total over all rows of one unit, as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsTotal {
    /// Unit counted.
    pub unit: CountUnit,
    /// The published total (withheld when it would reveal a withheld row).
    pub figure: Figure,
    /// True when the total depends on an illustrative breakdown.
    pub illustrative: bool,
}

/// The answer to a [`StatsQuery`].
#[derive(Debug, Clone)]
pub struct StatsTable {
    /// Rows in key order.
    pub rows: Vec<StatsRow>,
    /// One total per unit.
    pub totals: Vec<StatsTotal>,
    /// True when small-cell suppression applied (the reader does not see raw figures).
    pub suppression_applied: bool,
}

fn unit_of(kind: Kind, key: Option<&Option<String>>) -> CountUnit {
    match kind {
        Kind::Participants => CountUnit::Persons,
        Kind::Services => key
            .and_then(|k| k.as_deref())
            .and_then(CountUnit::from_code)
            .unwrap_or(CountUnit::Persons),
    }
}

/// Answers a statistics question for a reader with `access`.
pub async fn aggregate(
    db: &impl ConnectionTrait,
    access: &Access,
    query: &StatsQuery,
) -> Result<StatsTable, AppError> {
    aggregate_with(db, access, query, true).await
}

/// [`aggregate`] without the totals (one statement less), for a caller
/// that reads the totals of the same selection elsewhere.
pub async fn aggregate_rows(
    db: &impl ConnectionTrait,
    access: &Access,
    query: &StatsQuery,
) -> Result<StatsTable, AppError> {
    aggregate_with(db, access, query, false).await
}

async fn aggregate_with(
    db: &impl ConnectionTrait,
    access: &Access,
    query: &StatsQuery,
    with_totals: bool,
) -> Result<StatsTable, AppError> {
    let kind = query.kind;
    for d in query
        .group_by
        .iter()
        .chain(query.select.iter().map(|(d, _)| d))
    {
        if !kind.supports(*d) {
            return Err(AppError::bad_input(format!(
                "{} does not apply to {}",
                d.name(),
                match kind {
                    Kind::Participants => "participant statistics",
                    Kind::Services => "service statistics",
                }
            )));
        }
    }
    let mut group_by: Vec<Dimension> = Vec::new();
    for d in &query.group_by {
        if !group_by.contains(d) {
            group_by.push(*d);
        }
    }
    // Persons and appeals are never added together.
    let mut by = group_by.clone();
    if kind == Kind::Services && !by.contains(&Dimension::Unit) {
        by.push(Dimension::Unit);
    }
    let select = &query.select;
    let unit_at = by.iter().position(|d| *d == Dimension::Unit);
    let touches_breakdown = by
        .iter()
        .chain(select.iter().map(|(d, _)| d))
        .any(|d| d.is_breakdown());

    let rows = grouped_query(db, kind, access, &by, select, query.area).await?;
    let mut out_rows: Vec<StatsRow> = rows
        .iter()
        .map(|r| StatsRow {
            keys: group_by
                .iter()
                .map(|d| {
                    let i = by.iter().position(|b| b == d).expect("grouped");
                    (*d, r.keys[i].clone())
                })
                .collect(),
            unit: unit_of(kind, unit_at.map(|i| &r.keys[i])),
            figure: r.parts.publish(),
            illustrative: r.illustrative && touches_breakdown,
        })
        .collect();
    out_rows.sort_by(|a, b| (&a.keys, a.unit.code()).cmp(&(&b.keys, b.unit.code())));

    // Totals per unit: the aggregate of the selection, published by the same rule.
    let total_dims: &[Dimension] = match kind {
        Kind::Participants => &[],
        Kind::Services => &[Dimension::Unit],
    };
    let mut totals: Vec<StatsTotal> = Vec::new();
    if with_totals && !rows.is_empty() {
        // Grouped by no more than the totals are, the rows are the totals.
        // Otherwise the groups partition the same rows, and a published
        // figure depends only on the rows behind it (`Parts::merge`), so the
        // totals are the groups summed per unit, unless the groups count an
        // illustrative breakdown's cells one by one where the totals count
        // the report (services grouped by a breakdown).
        let same_rows = kind == Kind::Participants || !by.iter().any(|d| d.is_breakdown());
        let total_rows = if by.iter().all(|d| total_dims.contains(d)) {
            rows
        } else if same_rows {
            regroup(&rows, |k| vec![unit_at.and_then(|i| k[i].clone())])
        } else {
            grouped_query(db, kind, access, total_dims, select, query.area).await?
        };
        for r in total_rows {
            totals.push(StatsTotal {
                unit: unit_of(kind, r.keys.first()),
                figure: r.parts.publish(),
                illustrative: touches_breakdown && r.illustrative,
            });
        }
        totals.sort_by_key(|t| t.unit.code());
    }
    Ok(StatsTable {
        rows: out_rows,
        totals,
        suppression_applied: !access.all_raw(access.visible.iter().copied()),
    })
}

/// The rows of one report: an illustrative breakdown's cells share it.
type ReportKey = (
    i32,
    Option<i32>,
    Option<chrono::NaiveDate>,
    Option<chrono::NaiveDate>,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    &'static str,
    Option<&'static str>,
);

fn report_key(m: &service_count::Model) -> Option<ReportKey> {
    m.illustrative.then(|| {
        (
            m.project_id,
            m.centre_id,
            m.period_start,
            m.period_end,
            m.support_type.map(|s| s.code()),
            m.channel.map(|c| c.code()),
            m.stage.code(),
            m.unit.code(),
            m.category.map(|c| c.code()),
        )
    })
}

/// A project's service counts as reported, with their published figures:
/// the cells of an illustrative breakdown are shown as the one reported
/// figure they add up to (the breakdown itself is in the statistics).
pub fn reported_service_counts(
    access: &Access,
    thresholds: Thresholds,
    project_id: i32,
    project_sensitive: bool,
    rows: Vec<service_count::Model>,
) -> Vec<(service_count::Model, Figure)> {
    if rows.is_empty() || !access.visible.contains(&project_id) {
        return Vec::new();
    }
    let raw = access.raw.contains(&project_id);
    let mut reports: BTreeMap<ReportKey, Vec<service_count::Model>> = BTreeMap::new();
    let mut groups = Vec::new();
    for m in rows {
        match report_key(&m) {
            Some(k) => reports.entry(k).or_default().push(m),
            None => groups.push(vec![m]),
        }
    }
    groups.extend(reports.into_values());
    let mut published: Vec<(service_count::Model, Figure)> = groups
        .into_iter()
        .filter_map(|mut models| {
            models.sort_by_key(|m| m.id);
            let first = models.first()?.clone();
            // A report is one figure as reported: a row of its own, or the
            // sum of its illustrative cells.
            let value: i64 = models.iter().fold(0i64, |a, m| a.saturating_add(m.value));
            let class = models
                .iter()
                .map(|m| row_class(m.category, Some(m.sensitivity), project_sensitive))
                .max()
                .unwrap_or(Sensitivity::Ordinary);
            let reported = first.source_document_id.is_some();
            // The report is known or not as a whole (a figure as reported);
            // unknown, it reads as its cells' rounded values summed, which
            // is what the statistics publish for the same rows.
            let known = Row::is_known(value, class, raw, reported, &thresholds);
            let figure = Parts::of(models.iter().map(|m| Row {
                known,
                ..Row::new(m.value, m.cell_key, class, raw, false, &thresholds)
            }))
            .publish();
            let model = if models.len() == 1 && !first.illustrative {
                first
            } else {
                service_count::Model {
                    sex: None,
                    age_band: None,
                    disability: None,
                    value,
                    illustrative: false,
                    ..first
                }
            };
            Some((model, figure))
        })
        .collect();
    published.sort_by_key(|(m, _)| m.id);
    published
}

/// An event's attendance cells (in the order given) and total, as published:
/// each cell and the total by the same rule as every statistics row, so the
/// total reads the same as `participantStats` grouped by event.
pub fn published_attendance(
    access: &Access,
    thresholds: Thresholds,
    project_id: i32,
    project_sensitive: bool,
    as_reported: bool,
    cells: &[attendance::Model],
) -> (Vec<Figure>, Figure) {
    let raw = access.raw.contains(&project_id);
    let rows: Vec<Row> = cells
        .iter()
        .map(|c| {
            let value = i64::from(c.count);
            let class = row_class(Some(c.category), None, project_sensitive);
            let reported = as_reported && !c.illustrative;
            Row::new(value, c.cell_key, class, raw, reported, &thresholds)
        })
        .collect();
    let figures = rows.iter().map(|r| Parts::of([*r]).publish()).collect();
    (figures, Parts::of(rows).publish())
}
