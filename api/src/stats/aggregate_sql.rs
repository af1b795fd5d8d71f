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

/// Where a grouped query reads its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// The fact rows themselves (attendance cells joined to their events,
    /// or service counts).
    Cells,
    /// Attendance cells with each event's month, quarter and year read from
    /// its stored summary (`ed`).
    CellsWithPeriods,
    /// The per-event summaries (`ed`): event-level dimensions only.
    Summaries,
    /// The attendance rollup (`ed`, [`super::rollup`]): no centre, event or
    /// area tree.
    Rollup,
}

/// The dimensions the attendance rollup holds (or derives from its
/// programme): a participants question over these only, without an area,
/// reads it.
pub(crate) fn in_rollup(d: Dimension) -> bool {
    !matches!(
        d,
        Dimension::Centre
            | Dimension::Event
            | Dimension::SupportType
            | Dimension::Channel
            | Dimension::Stage
    )
}

/// [`expr`], with an event's month, quarter and year read from its stored
/// summary (`ed`) when the source has it, and every dimension read from the
/// rollup's own columns when it is the source: the same values, without a
/// date expression per row.
fn dim_sql(kind: Kind, d: Dimension, backend: DatabaseBackend, source: Source) -> DimSql {
    let stored = |column: &str| DimSql {
        select: column.to_string(),
        group: Some(column.to_string()),
        id: None,
    };
    if kind == Kind::Participants && source == Source::Rollup {
        return match d {
            Dimension::Project => DimSql {
                select: text_of("ed.project_id"),
                group: Some("ed.project_id".into()),
                id: Some("ed.project_id"),
            },
            Dimension::District => DimSql {
                select: text_of("ed.district_id"),
                group: Some("ed.district_id".into()),
                id: Some("ed.district_id"),
            },
            Dimension::Month => stored("ed.month"),
            Dimension::Quarter => stored("ed.quarter"),
            Dimension::Year => stored("ed.year"),
            Dimension::EventKind => stored("ed.kind"),
            Dimension::Sex => stored("ed.sex"),
            Dimension::AgeBand => stored("ed.age_band"),
            Dimension::Disability => stored("ed.disability"),
            Dimension::Category => stored("ed.category"),
            _ => expr(kind, d, backend),
        };
    }
    let column = match d {
        Dimension::Month => "ed.month",
        Dimension::Quarter => "ed.quarter",
        Dimension::Year => "ed.year",
        _ => return expr(kind, d, backend),
    };
    if kind == Kind::Participants && source != Source::Cells {
        stored(column)
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
        self.sql_from(kind, Source::Cells)
    }

    fn sql_from(self, kind: Kind, source: Source) -> String {
        if source == Source::Rollup {
            // The rollup holds the district; a programme's organisations
            // join on its project.
            return if self.organisation {
                " LEFT JOIN project_org po ON po.project_id = ed.project_id".to_string()
            } else {
                String::new()
            };
        }
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
    raw_sql_on(dsql::project_column(facts(kind)), access)
}

/// [`raw_sql`] over a given programme column (the rollup's `ed.project_id`).
fn raw_sql_on(project: &str, access: &Access) -> String {
    if access.all_raw(access.visible.iter().copied()) {
        "1 = 1".to_string()
    } else {
        dsql::raw_clause_on(project, access.raw.iter().copied())
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
    let asked = || dims.iter().chain(select.iter().map(|(d, _)| d));
    if access.cells_only {
        // The reference path: every cell (the tests compare the others with it).
    } else if kind == Kind::Participants && !asked().any(cell_level) {
        let q = per_event_query(backend, access, dims, select, area);
        return read_rows(db, q, dims.len()).await;
    } else if kind == Kind::Participants && area.is_none() && asked().all(|d| in_rollup(*d)) {
        let q = rollup_query(backend, access, dims, select);
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
    let source = if periods {
        Source::CellsWithPeriods
    } else {
        Source::Cells
    };
    let exprs = select_dims(&mut q, kind, dims, area, source);
    let whole_reports = !dims
        .iter()
        .chain(select.iter().map(|(d, _)| d))
        .any(|d| d.is_breakdown());
    q.push(&measures(kind, access, whole_reports));
    let mut joins = Joins::of(dims, select);
    joins.district |= periods;
    from_where(kind, &mut q, access, area, joins);
    filter_and_group(&mut q, kind, select, &exprs, source);
    read_rows(db, q, dims.len()).await
}

/// Participants grouped or filtered by cell dimensions (sex, age band,
/// disability, category) with programme, district, period and event kind
/// only: read from the attendance rollup ([`super::rollup`]), which sums
/// the cells of counted events per those dimensions with the measures
/// publication needs; the viewer's raw projects are applied per row (one
/// programme each). Publishes the same figures as the cell-level query.
fn rollup_query(
    backend: DatabaseBackend,
    access: &Access,
    dims: &[Dimension],
    select: &[(Dimension, Option<String>)],
) -> Sql {
    let kind = Kind::Participants;
    let mut q = Sql::new(backend);
    let exprs = select_dims(&mut q, kind, dims, None, Source::Rollup);
    q.push(&dsql::summary_measures(&raw_sql_on(
        "ed.project_id",
        access,
    )));
    q.push(" FROM attendance_rollup ed");
    q.push(&Joins::of(dims, select).sql_from(kind, Source::Rollup));
    q.push(" WHERE ed.cells > 0 AND ");
    q.in_ids("ed.project_id", &access.visible);
    filter_and_group(&mut q, kind, select, &exprs, Source::Rollup);
    q
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
    let exprs = select_dims(&mut q, kind, dims, area, Source::Summaries);
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
    filter_and_group(&mut q, kind, select, &exprs, Source::Summaries);
    q
}

/// `WITH … SELECT dims, ` of a grouped query; the dimensions' SQL as the
/// source holds them.
fn select_dims(
    q: &mut Sql,
    kind: Kind,
    dims: &[Dimension],
    area: Option<i32>,
    source: Source,
) -> Vec<DimSql> {
    q.push(&sql::prelude(area));
    q.push(" SELECT ");
    let exprs: Vec<DimSql> = dims
        .iter()
        .map(|d| dim_sql(kind, *d, q.backend(), source))
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
    source: Source,
) {
    for (d, value) in select {
        let e = dim_sql(kind, *d, q.backend(), source);
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
