//! The SQL of the aggregates: the dimensions of each kind, their expressions
//! per engine, the visible rows, the measures that publication needs (the
//! viewer's unknown part, the classes, the cell key) and the grouped query.

use sea_orm::{ConnectionTrait, DatabaseBackend};

use super::sql::{self, Sql, text_at, text_of};
use super::{Access, Dimension};
use crate::disclosure::Parts;
use crate::disclosure::sql::{self as dsql, Facts};
use crate::error::AppError;
use crate::queries::places;

/// Which facts are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Participants of events (attendance), in persons.
    Participants,
    /// Service counts: persons or appeals by support type, channel, stage…
    Services,
}

impl Kind {
    /// True when `d` applies to this kind.
    pub fn supports(self, d: Dimension) -> bool {
        match self {
            Kind::Participants => !matches!(
                d,
                Dimension::SupportType | Dimension::Channel | Dimension::Stage
            ),
            Kind::Services => !matches!(d, Dimension::Event | Dimension::EventKind),
        }
    }
}

/// SQL of a dimension: what is selected (text on both engines), what is
/// grouped by (`None`: a constant), and for ids the integer column itself,
/// which groups and filters by its index rather than by a text expression
/// whose number of distinct values the planner cannot estimate.
pub(crate) struct DimSql {
    pub(crate) select: String,
    pub(crate) group: Option<String>,
    pub(crate) id: Option<&'static str>,
}

pub(crate) fn expr(kind: Kind, d: Dimension, backend: DatabaseBackend) -> DimSql {
    use Dimension::*;
    let period = |part: fn(DatabaseBackend, &str) -> String| match kind {
        Kind::Participants => super::summary::event_period(backend, part),
        Kind::Services => sql::period_part(backend, part, "sc.period_start", "sc.period_end"),
    };
    let constant = |text: &str| DimSql {
        select: text.to_string(),
        group: None,
        id: None,
    };
    let grouped = |text: String| DimSql {
        select: text.clone(),
        group: Some(text),
        id: None,
    };
    let id = |column: &'static str| DimSql {
        select: text_of(column),
        group: Some(column.to_string()),
        id: Some(column),
    };
    match (kind, d) {
        (_, Month) => grouped(period(sql::month)),
        (_, Quarter) => grouped(period(sql::quarter)),
        (_, Year) => grouped(period(sql::year)),
        (_, Organisation) => id("po.organisation_id"),
        (Kind::Participants, d) => match d {
            Event => id("e.id"),
            Project => id("e.project_id"),
            Centre => id("e.centre_id"),
            District => id("ed.district_id"),
            EventKind => grouped("e.kind".into()),
            Sex => grouped("at.sex".into()),
            AgeBand => grouped("at.age_band".into()),
            Disability => grouped("at.disability".into()),
            Category => grouped("at.category".into()),
            Unit => constant("'persons'"),
            _ => constant("NULL"),
        },
        (Kind::Services, d) => match d {
            Project => id("sc.project_id"),
            Centre => id("sc.centre_id"),
            District => id("cd.district_id"),
            SupportType => grouped("sc.support_type".into()),
            Channel => grouped("sc.channel".into()),
            Stage => grouped("sc.stage".into()),
            Unit => grouped("sc.unit".into()),
            Sex => grouped("sc.sex".into()),
            AgeBand => grouped("sc.age_band".into()),
            Disability => grouped("sc.disability".into()),
            Category => grouped("sc.category".into()),
            _ => constant("NULL"),
        },
    }
}

/// [`expr`], with an event's month, quarter and year read from its stored
/// summary (`ed`) when `summaries`: the same values, without a date
/// expression per row.
fn dim_sql(kind: Kind, d: Dimension, backend: DatabaseBackend, summaries: bool) -> DimSql {
    let stored = match d {
        Dimension::Month => "ed.month",
        Dimension::Quarter => "ed.quarter",
        Dimension::Year => "ed.year",
        _ => return expr(kind, d, backend),
    };
    if summaries && kind == Kind::Participants {
        DimSql {
            select: stored.to_string(),
            group: Some(stored.to_string()),
            id: None,
        }
    } else {
        expr(kind, d, backend)
    }
}

/// `FROM … WHERE` over the visible rows (and the area, if given).
/// The joins a query needs beyond the facts themselves: placing events and
/// centres in districts and projects under organisations costs a pass over
/// every event or area, so it is joined only when a dimension reads it.
#[derive(Clone, Copy)]
pub(crate) struct Joins {
    /// Participants: the events' summaries (`ed`: district and periods);
    /// services: the centres' districts.
    district: bool,
    organisation: bool,
}

impl Joins {
    pub(crate) fn of(dims: &[Dimension], select: &[(Dimension, Option<String>)]) -> Self {
        let uses = |x: Dimension| dims.contains(&x) || select.iter().any(|(d, _)| *d == x);
        Self {
            district: uses(Dimension::District),
            organisation: uses(Dimension::Organisation),
        }
    }

    fn sql(self, kind: Kind) -> String {
        let (district, org) = match kind {
            Kind::Participants => (
                " LEFT JOIN event_summaries ed ON ed.event_id = e.id",
                " LEFT JOIN project_org po ON po.project_id = e.project_id",
            ),
            Kind::Services => (
                " LEFT JOIN area_district cd ON cd.area_id = c.area_id",
                " LEFT JOIN project_org po ON po.project_id = sc.project_id",
            ),
        };
        let mut out = String::new();
        if self.district {
            out.push_str(district);
        }
        if self.organisation {
            out.push_str(org);
        }
        out
    }
}

pub(crate) fn from_where(
    kind: Kind,
    q: &mut Sql,
    access: &Access,
    area: Option<i32>,
    joins: Joins,
) {
    match kind {
        Kind::Participants => {
            q.push(
                " FROM attendance at JOIN events e ON e.id = at.event_id \
                 JOIN projects p ON p.id = e.project_id",
            );
            q.push(&joins.sql(kind));
            q.push(" WHERE ");
            counted_events(q, access, area);
        }
        Kind::Services => {
            q.push(
                " FROM service_counts sc JOIN projects p ON p.id = sc.project_id \
                 LEFT JOIN centres c ON c.id = sc.centre_id",
            );
            q.push(&joins.sql(kind));
            q.push(" WHERE ");
            q.in_ids("sc.project_id", &access.visible);
            if area.is_some() {
                q.push(" AND ")
                    .push(&places::centre_location_visible("c", true))
                    .push(" AND c.area_id IN (SELECT id FROM area_tree)");
            }
        }
    }
}

/// The events whose participants are counted: not cancelled, of a visible
/// project, in the area tree if one is given (`events e`).
fn counted_events(q: &mut Sql, access: &Access, area: Option<i32>) {
    q.push("e.status <> 'cancelled' AND ");
    q.in_ids("e.project_id", &access.visible);
    if area.is_some() {
        // Statistics place events the same way for every viewer, so a
        // published figure reads the same whoever asks.
        q.push(" AND e.id IN (")
            .push(&places::events_in_area_tree(true))
            .push(")");
    }
}

/// The rule's table for a kind of fact.
pub(crate) fn facts(kind: Kind) -> Facts {
    match kind {
        Kind::Participants => Facts::Attendance,
        Kind::Services => Facts::ServiceCounts,
    }
}

/// The rows the viewer sees raw, as SQL: a constant when they see every
/// visible project raw (an admin), so the planner folds the rule away,
/// else `project IN (…)`. Queries only ever read visible projects' rows.
fn raw_sql(kind: Kind, access: &Access) -> String {
    if access.all_raw(access.visible.iter().copied()) {
        "1 = 1".to_string()
    } else {
        dsql::raw_clause(facts(kind), access.raw.iter().copied())
    }
}

/// The measures of a group (`disclosure::sql::measures`) for the viewer.
pub(crate) fn measures(kind: Kind, access: &Access, whole_reports: bool) -> String {
    dsql::measures(facts(kind), &raw_sql(kind, access), whole_reports)
}

/// One grouped row read from SQL.
pub(crate) struct SqlRow {
    pub(crate) keys: Vec<Option<String>>,
    pub(crate) parts: Parts,
    pub(crate) illustrative: bool,
}

/// Sums of the rows `keep` selects, by the key `by` gives each. The groups of
/// one query are disjoint and a published figure depends only on the rows
/// behind it ([`Parts::merge`]), so a sum publishes as its own grouping would.
pub(crate) fn roll_up<K: Ord>(
    rows: &[SqlRow],
    keep: &dyn Fn(&[Option<String>]) -> bool,
    by: impl Fn(&[Option<String>]) -> K,
) -> std::collections::BTreeMap<K, (Parts, bool)> {
    let mut out: std::collections::BTreeMap<K, (Parts, bool)> = Default::default();
    for r in rows.iter().filter(|r| keep(&r.keys)) {
        let slot = out.entry(by(&r.keys)).or_default();
        slot.0.merge(&r.parts);
        slot.1 |= r.illustrative;
    }
    out
}

/// All `rows` summed into coarser rows keyed by `by` ([`roll_up`]).
pub(crate) fn regroup(
    rows: &[SqlRow],
    by: impl Fn(&[Option<String>]) -> Vec<Option<String>>,
) -> Vec<SqlRow> {
    roll_up(rows, &|_| true, by)
        .into_iter()
        .map(|(keys, (parts, illustrative))| SqlRow {
            keys,
            parts,
            illustrative,
        })
        .collect()
}

/// `SELECT dims, measures … GROUP BY dims` with the selection applied.
pub(crate) async fn grouped_query(
    db: &impl ConnectionTrait,
    kind: Kind,
    access: &Access,
    dims: &[Dimension],
    select: &[(Dimension, Option<String>)],
    area: Option<i32>,
) -> Result<Vec<SqlRow>, AppError> {
    let backend = db.get_database_backend();
    let cell_level = |d: &Dimension| {
        matches!(
            d,
            Dimension::Sex | Dimension::AgeBand | Dimension::Disability | Dimension::Category
        )
    };
    if kind == Kind::Participants
        && !dims
            .iter()
            .chain(select.iter().map(|(d, _)| d))
            .any(cell_level)
    {
        let q = per_event_query(backend, access, dims, select, area);
        return read_rows(db, q, dims.len()).await;
    }
    // An event's month, quarter and year are read from its summary, joined
    // for its district already: no date expression per cell.
    let periods = kind == Kind::Participants
        && dims
            .iter()
            .chain(select.iter().map(|(d, _)| d))
            .any(|d| matches!(d, Dimension::Month | Dimension::Quarter | Dimension::Year));
    let mut q = Sql::new(backend);
    let exprs = select_dims(&mut q, kind, dims, area, periods);
    let whole_reports = !dims
        .iter()
        .chain(select.iter().map(|(d, _)| d))
        .any(|d| d.is_breakdown());
    q.push(&measures(kind, access, whole_reports));
    let mut joins = Joins::of(dims, select);
    joins.district |= periods;
    from_where(kind, &mut q, access, area, joins);
    filter_and_group(&mut q, kind, select, &exprs, periods);
    read_rows(db, q, dims.len()).await
}

/// Participants grouped by event-level dimensions only (project, district,
/// month…): read from the per-event summaries ([`super::summary`]), one row
/// per event instead of every attendance cell, with the unknown part,
/// classes and key sums that publication needs; the viewer's raw projects
/// are applied per event. Publishes the same figures as the cell-level
/// query, faster.
fn per_event_query(
    backend: DatabaseBackend,
    access: &Access,
    dims: &[Dimension],
    select: &[(Dimension, Option<String>)],
    area: Option<i32>,
) -> Sql {
    let kind = Kind::Participants;
    let raw = raw_sql(kind, access);
    let mut q = Sql::new(backend);
    let exprs = select_dims(&mut q, kind, dims, area, true);
    q.push(&format!(
        "{} \
         FROM event_summaries ed JOIN events e ON e.id = ed.event_id \
         JOIN projects p ON p.id = e.project_id",
        dsql::summary_measures(&raw)
    ));
    // The summary is the district join already.
    let joins = Joins {
        district: false,
        ..Joins::of(dims, select)
    };
    q.push(&joins.sql(kind));
    q.push(" WHERE ed.cells > 0 AND ");
    counted_events(&mut q, access, area);
    filter_and_group(&mut q, kind, select, &exprs, true);
    q
}

/// `WITH … SELECT dims, ` of a grouped query; the dimensions' SQL.
/// With `summaries`, the periods of events are the stored ones (`ed`).
fn select_dims(
    q: &mut Sql,
    kind: Kind,
    dims: &[Dimension],
    area: Option<i32>,
    summaries: bool,
) -> Vec<DimSql> {
    q.push(&sql::prelude(area));
    q.push(" SELECT ");
    let exprs: Vec<DimSql> = dims
        .iter()
        .map(|d| dim_sql(kind, *d, q.backend(), summaries))
        .collect();
    for e in &exprs {
        q.push(&e.select).push(", ");
    }
    exprs
}

/// ` AND dimension = value …` for the selection (ids compared as integers:
/// a value that is no id selects nothing), then `GROUP BY` the dimensions
/// that are not constants.
fn filter_and_group(
    q: &mut Sql,
    kind: Kind,
    select: &[(Dimension, Option<String>)],
    exprs: &[DimSql],
    summaries: bool,
) {
    for (d, value) in select {
        let e = dim_sql(kind, *d, q.backend(), summaries);
        q.push(" AND ");
        match (e.id, value) {
            (Some(column), Some(v)) => match v.parse::<i32>() {
                Ok(id) => {
                    q.push(column).push(" = ").param(id);
                }
                Err(_) => {
                    q.push("1 = 0");
                }
            },
            (Some(column), None) => {
                q.push(column).push(" IS NULL");
            }
            (None, _) => {
                q.eq_opt(&e.select, value);
            }
        }
    }
    let grouped: Vec<&str> = exprs.iter().filter_map(|e| e.group.as_deref()).collect();
    if !grouped.is_empty() {
        q.push(" GROUP BY ").push(&grouped.join(", "));
    }
}

/// Reads the rows of a grouped query: `n` key columns, then the measures
/// (read by name).
async fn read_rows(db: &impl ConnectionTrait, q: Sql, n: usize) -> Result<Vec<SqlRow>, AppError> {
    let mut out = Vec::new();
    for row in q.all(db).await? {
        let (parts, illustrative, cells) = dsql::read_parts(&row)?;
        if cells == 0 {
            continue; // an aggregate over no rows
        }
        out.push(SqlRow {
            keys: (0..n).map(|i| text_at(&row, i)).collect::<Result<_, _>>()?,
            parts,
            illustrative,
        });
    }
    Ok(out)
}
