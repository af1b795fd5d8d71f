//! Participants (attendance) and service counts grouped by any dimensions.
//!
//! The figures a reader gets come from a SQL `GROUP BY` of the dimensions
//! asked. For readers who do not see raw figures, the suppression decision
//! comes from the *cube* of the same data: every visible row's dimension
//! values (attendance: one cell per event × sex × age band × disability ×
//! category; service counts: one per recorded count), protected once for
//! every possible grouping by [`Protected`]. Filters on a dimension (project,
//! year, sex, …) select cells of that same cube, so filtering by a project and
//! grouping by project publish the same, consistently suppressed figures. The
//! `area` filter restricts the rows and is protected as a cube of its own.
//!
//! Units are never added together: service statistics are always grouped by
//! unit (persons and appeals are separate rows and separate totals).

use std::collections::HashMap;
use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseBackend};

use entities::codes::{CountUnit, Sensitivity};
use entities::{attendance, service_count};

use super::sql::{self, Sql, int_at, text_at, text_of};
use super::{Access, Dimension};
use crate::disclosure::lattice::{CubeCell, DEFAULT_BUDGET, Mode, Protected};
use crate::disclosure::{Figure, Thresholds};
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

/// A column of a cube: a public dimension or an internal one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Dim(Dimension),
    /// One service count row.
    Row,
    /// The figure as reported: an illustrative breakdown's cells share one.
    Report,
}

fn columns(kind: Kind) -> Vec<Col> {
    use Dimension::*;
    let dims: &[Dimension] = match kind {
        // Finest first: the event determines the event-level dimensions, so
        // the lattice enumeration prunes them under it.
        Kind::Participants => &[
            Event,
            Sex,
            AgeBand,
            Disability,
            Category,
            Project,
            Organisation,
            Centre,
            District,
            EventKind,
            Month,
            Quarter,
            Year,
            Unit,
        ],
        Kind::Services => &[
            Unit,
            Sex,
            AgeBand,
            Disability,
            Category,
            Project,
            Organisation,
            Centre,
            District,
            SupportType,
            Channel,
            Stage,
            Month,
            Quarter,
            Year,
        ],
    };
    let mut cols: Vec<Col> = Vec::new();
    if kind == Kind::Services {
        cols.push(Col::Row);
        cols.push(Col::Report);
    }
    cols.extend(dims.iter().map(|d| Col::Dim(*d)));
    cols
}

/// SQL of a column; `None` for a constant (not grouped by).
fn expr(kind: Kind, col: Col, backend: DatabaseBackend) -> (String, bool) {
    use Dimension::*;
    let period = |part: fn(DatabaseBackend, &str) -> String| match kind {
        Kind::Participants => sql::period_part(
            backend,
            part,
            "e.start_date",
            "COALESCE(e.end_date, e.start_date)",
        ),
        Kind::Services => sql::period_part(backend, part, "sc.period_start", "sc.period_end"),
    };
    let constant = |text: &str| (text.to_string(), true);
    let grouped = |text: String| (text, false);
    match (kind, col) {
        (_, Col::Dim(Month)) => grouped(period(sql::month)),
        (_, Col::Dim(Quarter)) => grouped(period(sql::quarter)),
        (_, Col::Dim(Year)) => grouped(period(sql::year)),
        (_, Col::Dim(Organisation)) => grouped(text_of("po.organisation_id")),
        (Kind::Participants, Col::Dim(d)) => match d {
            Event => grouped(text_of("e.id")),
            Project => grouped(text_of("e.project_id")),
            Centre => grouped(text_of("e.centre_id")),
            District => grouped(text_of("ed.district_id")),
            EventKind => grouped("e.kind".into()),
            Sex => grouped("at.sex".into()),
            AgeBand => grouped("at.age_band".into()),
            Disability => grouped("at.disability".into()),
            Category => grouped("at.category".into()),
            Unit => constant("'persons'"),
            _ => constant("NULL"),
        },
        (Kind::Services, Col::Dim(d)) => match d {
            Project => grouped(text_of("sc.project_id")),
            Centre => grouped(text_of("sc.centre_id")),
            District => grouped(text_of("cd.district_id")),
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
        (Kind::Services, Col::Row) => grouped(text_of("sc.id")),
        (Kind::Services, Col::Report) => grouped(
            "(CASE WHEN sc.illustrative THEN 'g' || CAST(sc.project_id AS TEXT) \
             || '|' || COALESCE(CAST(sc.centre_id AS TEXT), '') \
             || '|' || COALESCE(CAST(sc.period_start AS TEXT), '') \
             || '|' || COALESCE(CAST(sc.period_end AS TEXT), '') \
             || '|' || COALESCE(sc.support_type, '') || '|' || COALESCE(sc.channel, '') \
             || '|' || sc.stage || '|' || sc.unit || '|' || COALESCE(sc.category, '') \
             ELSE 'r' || CAST(sc.id AS TEXT) END)"
                .into(),
        ),
        (Kind::Participants, _) => constant("NULL"),
    }
}

/// `FROM … WHERE` over the visible rows (and the area, if given).
fn from_where(kind: Kind, q: &mut Sql, access: &Access, area: Option<i32>) {
    match kind {
        Kind::Participants => {
            q.push(
                " FROM attendance at JOIN events e ON e.id = at.event_id \
                 JOIN projects p ON p.id = e.project_id \
                 LEFT JOIN event_district ed ON ed.event_id = e.id \
                 LEFT JOIN project_org po ON po.project_id = e.project_id \
                 WHERE e.status <> 'cancelled' AND ",
            );
            q.in_ids("e.project_id", &access.visible);
            if area.is_some() {
                // Statistics place events the same way for every viewer, so a
                // published figure reads the same whoever asks.
                q.push(" AND e.id IN (")
                    .push(&places::events_in_area_tree(true))
                    .push(")");
            }
        }
        Kind::Services => {
            q.push(
                " FROM service_counts sc JOIN projects p ON p.id = sc.project_id \
                 LEFT JOIN centres c ON c.id = sc.centre_id \
                 LEFT JOIN area_district cd ON cd.area_id = c.area_id \
                 LEFT JOIN project_org po ON po.project_id = sc.project_id WHERE ",
            );
            q.in_ids("sc.project_id", &access.visible);
            if area.is_some() {
                q.push(" AND ")
                    .push(&places::centre_location_visible("c", true))
                    .push(" AND c.area_id IN (SELECT id FROM area_tree)");
            }
        }
    }
}

fn prelude(kind: Kind, q: &mut Sql, area: Option<i32>) {
    q.push(&sql::prelude(area));
    if kind == Kind::Participants {
        q.push(sql::EVENT_DISTRICT_CTE);
    }
}

fn measures(kind: Kind) -> &'static str {
    match kind {
        Kind::Participants => {
            "CAST(SUM(at.count) AS BIGINT), \
             MAX(CASE WHEN p.sensitivity = 'sensitive' THEN 1 ELSE 0 END), \
             MAX(CASE WHEN at.illustrative THEN 1 ELSE 0 END), COUNT(*)"
        }
        Kind::Services => {
            "CAST(SUM(sc.value) AS BIGINT), \
             MAX(CASE WHEN sc.sensitivity = 'sensitive' OR p.sensitivity = 'sensitive' THEN 1 ELSE 0 END), \
             MAX(CASE WHEN sc.illustrative THEN 1 ELSE 0 END), COUNT(*)"
        }
    }
}

/// One grouped row read from SQL.
struct SqlRow {
    keys: Vec<Option<String>>,
    value: i64,
    sensitive: bool,
    illustrative: bool,
}

/// `SELECT cols, measures … GROUP BY cols` with the selection applied.
async fn grouped_query(
    db: &impl ConnectionTrait,
    kind: Kind,
    access: &Access,
    cols: &[Col],
    select: &[(Col, Option<String>)],
    area: Option<i32>,
) -> Result<Vec<SqlRow>, AppError> {
    let backend = db.get_database_backend();
    let mut q = Sql::new(backend);
    prelude(kind, &mut q, area);
    q.push(" SELECT ");
    let exprs: Vec<(String, bool)> = cols.iter().map(|c| expr(kind, *c, backend)).collect();
    for (e, _) in &exprs {
        q.push(e).push(", ");
    }
    q.push(measures(kind));
    from_where(kind, &mut q, access, area);
    for (col, value) in select {
        let (e, _) = expr(kind, *col, backend);
        q.push(" AND ");
        q.eq_opt(&e, value);
    }
    let grouped: Vec<&str> = exprs
        .iter()
        .filter(|(_, constant)| !constant)
        .map(|(e, _)| e.as_str())
        .collect();
    if !grouped.is_empty() {
        q.push(" GROUP BY ").push(&grouped.join(", "));
    }
    let n = cols.len();
    let mut out = Vec::new();
    for row in q.all(db).await? {
        if int_at(&row, n + 3)? == 0 {
            continue; // an aggregate over no rows
        }
        out.push(SqlRow {
            keys: (0..n).map(|i| text_at(&row, i)).collect::<Result<_, _>>()?,
            value: int_at(&row, n)?,
            sensitive: int_at(&row, n + 1)? != 0,
            illustrative: int_at(&row, n + 2)? != 0,
        });
    }
    Ok(out)
}

/// The protected cube of one kind of facts, for one reader.
pub struct Cube {
    cols: Vec<Col>,
    protected: Protected,
}

impl Cube {
    fn index(&self, col: Col) -> usize {
        self.cols
            .iter()
            .position(|c| *c == col)
            .expect("every column is in the cube")
    }

    /// How the cube was protected.
    pub fn mode(&self) -> Mode {
        self.protected.mode()
    }
}

async fn build_cube(
    db: &impl ConnectionTrait,
    kind: Kind,
    access: &Access,
    thresholds: Thresholds,
    area: Option<i32>,
) -> Result<Cube, AppError> {
    let cols = columns(kind);
    let rows = grouped_query(db, kind, access, &cols, &[], area).await?;
    let cells: Vec<CubeCell> = rows
        .into_iter()
        .map(|r| CubeCell {
            keys: r.keys,
            value: r.value,
            threshold: thresholds.of(if r.sensitive {
                Sensitivity::Sensitive
            } else {
                Sensitivity::Ordinary
            }),
        })
        .collect();
    let mandatory: Vec<usize> = match kind {
        Kind::Participants => Vec::new(),
        Kind::Services => vec![
            cols.iter()
                .position(|c| *c == Col::Dim(Dimension::Unit))
                .expect("unit column"),
        ],
    };
    // Figures as reported (an event's cells and total; a reported service
    // count) are withheld as complements only when no aggregate will do.
    let at = |c: Col| cols.iter().position(|x| *x == c).expect("column");
    let keep: Vec<Vec<usize>> = match kind {
        Kind::Participants => vec![
            vec![at(Col::Dim(Dimension::Event))],
            [
                Dimension::Event,
                Dimension::Sex,
                Dimension::AgeBand,
                Dimension::Disability,
                Dimension::Category,
            ]
            .iter()
            .map(|d| at(Col::Dim(*d)))
            .collect(),
        ],
        Kind::Services => vec![vec![at(Col::Report)]],
    };
    let protected = Protected::new(cells, cols.len(), &mandatory, &keep, false, DEFAULT_BUDGET);
    Ok(Cube { cols, protected })
}

/// A cube is computed per kind of facts and area restriction.
type CubeKey = (Kind, Option<i32>);

/// Published figures by group keys.
type Published = HashMap<Vec<Option<String>>, Figure>;

/// Cubes computed during one request (a request reads the same cube for many
/// fields: every event's attendance, every project's service counts).
#[derive(Default)]
pub struct Cache {
    cubes: tokio::sync::Mutex<HashMap<CubeKey, Arc<Cube>>>,
    /// The caller's access, read once per request.
    pub access: tokio::sync::OnceCell<Access>,
}

async fn cube(
    db: &impl ConnectionTrait,
    kind: Kind,
    access: &Access,
    thresholds: Thresholds,
    area: Option<i32>,
    cache: Option<&Cache>,
) -> Result<Arc<Cube>, AppError> {
    let Some(cache) = cache else {
        return Ok(Arc::new(
            build_cube(db, kind, access, thresholds, area).await?,
        ));
    };
    let mut map = cache.cubes.lock().await;
    if let Some(c) = map.get(&(kind, area)) {
        return Ok(c.clone());
    }
    let c = Arc::new(build_cube(db, kind, access, thresholds, area).await?);
    map.insert((kind, area), c.clone());
    Ok(c)
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
    thresholds: Thresholds,
    query: &StatsQuery,
    cache: Option<&Cache>,
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
    let by_cols: Vec<Col> = by.iter().map(|d| Col::Dim(*d)).collect();
    let select: Vec<(Col, Option<String>)> = query
        .select
        .iter()
        .map(|(d, v)| (Col::Dim(*d), v.clone()))
        .collect();
    let unit_at = by.iter().position(|d| *d == Dimension::Unit);
    let touches_breakdown = by
        .iter()
        .chain(query.select.iter().map(|(d, _)| d))
        .any(|d| d.is_breakdown());

    let rows = grouped_query(db, kind, access, &by_cols, &select, query.area).await?;

    let selected_projects: Vec<i32> = query
        .select
        .iter()
        .filter(|(d, _)| *d == Dimension::Project)
        .filter_map(|(_, v)| v.as_deref().and_then(|v| v.parse().ok()))
        .collect();
    let raw = if selected_projects.is_empty() {
        access.all_raw(access.visible.iter().copied())
    } else {
        access.all_raw(selected_projects)
    };

    let published: Option<(Published, Arc<Cube>)> = if raw {
        None
    } else {
        let cube = cube(db, kind, access, thresholds, query.area, cache).await?;
        let by_idx: Vec<usize> = by_cols.iter().map(|c| cube.index(*c)).collect();
        let sel_idx: Vec<(usize, Option<String>)> = select
            .iter()
            .map(|(c, v)| (cube.index(*c), v.clone()))
            .collect();
        let map = cube
            .protected
            .group(&by_idx, &sel_idx)
            .into_iter()
            .map(|g| {
                debug_assert!(g.figure.value.is_none_or(|v| v == g.raw));
                (g.keys, g.figure)
            })
            .collect();
        Some((map, cube))
    };

    let mut out_rows: Vec<StatsRow> = rows
        .iter()
        .map(|r| {
            let figure = match &published {
                None => Figure::shown(r.value),
                Some((map, _)) => map.get(&r.keys).copied().unwrap_or(Figure::withheld()),
            };
            StatsRow {
                keys: group_by
                    .iter()
                    .map(|d| {
                        let i = by.iter().position(|b| b == d).expect("grouped");
                        (*d, r.keys[i].clone())
                    })
                    .collect(),
                unit: unit_of(kind, unit_at.map(|i| &r.keys[i])),
                figure,
                illustrative: r.illustrative && touches_breakdown,
            }
        })
        .collect();
    out_rows.sort_by(|a, b| (&a.keys, a.unit.code()).cmp(&(&b.keys, b.unit.code())));

    // Totals per unit: the aggregate of the selection, from the same lattice.
    let mut totals: Vec<StatsTotal> = Vec::new();
    let mut units: Vec<CountUnit> = out_rows.iter().map(|r| r.unit).collect();
    units.sort_by_key(|u| u.code());
    units.dedup();
    for unit in units {
        let members: Vec<&SqlRow> = rows
            .iter()
            .filter(|r| unit_of(kind, unit_at.map(|i| &r.keys[i])) == unit)
            .collect();
        let raw_total: i64 = members.iter().map(|r| r.value).sum();
        let figure = match &published {
            None => Figure::shown(raw_total),
            Some((_, cube)) => {
                let mut by_idx = Vec::new();
                let mut sel_idx: Vec<(usize, Option<String>)> = select
                    .iter()
                    .map(|(c, v)| (cube.index(*c), v.clone()))
                    .collect();
                if kind == Kind::Services {
                    by_idx.push(cube.index(Col::Dim(Dimension::Unit)));
                    sel_idx.push((
                        cube.index(Col::Dim(Dimension::Unit)),
                        Some(unit.code().to_string()),
                    ));
                }
                cube.protected
                    .group(&by_idx, &sel_idx)
                    .into_iter()
                    .next()
                    .map(|g| g.figure)
                    .unwrap_or(Figure::withheld())
            }
        };
        totals.push(StatsTotal {
            unit,
            figure,
            illustrative: touches_breakdown && members.iter().any(|r| r.illustrative),
        });
    }
    Ok(StatsTable {
        rows: out_rows,
        totals,
        suppression_applied: !raw,
    })
}

/// A project's service counts as reported, with their published figures:
/// the cells of an illustrative breakdown are shown as the one reported
/// figure they add up to (the breakdown itself is in the statistics).
pub async fn reported_service_counts(
    db: &impl ConnectionTrait,
    access: &Access,
    thresholds: Thresholds,
    project_id: i32,
    rows: Vec<service_count::Model>,
    cache: Option<&Cache>,
) -> Result<Vec<(service_count::Model, Figure)>, AppError> {
    let rows: HashMap<i32, service_count::Model> = rows.into_iter().map(|m| (m.id, m)).collect();
    if rows.is_empty() || !access.visible.contains(&project_id) {
        return Ok(Vec::new());
    }
    let raw = access.raw.contains(&project_id);
    let cube = cube(db, Kind::Services, access, thresholds, None, cache).await?;
    let report = cube.index(Col::Report);
    let row_col = cube.index(Col::Row);
    let project = cube.index(Col::Dim(Dimension::Project));
    let mut out = Vec::new();
    for g in cube
        .protected
        .group(&[report], &[(project, Some(project_id.to_string()))])
    {
        let mut models: Vec<&service_count::Model> = g
            .members
            .iter()
            .filter_map(|&m| cube.protected.cells()[m as usize].keys[row_col].as_deref())
            .filter_map(|id| id.parse::<i32>().ok())
            .filter_map(|id| rows.get(&id))
            .collect();
        models.sort_by_key(|m| m.id);
        let Some(first) = models.first() else {
            continue;
        };
        let figure = if raw { Figure::shown(g.raw) } else { g.figure };
        let model = if models.len() == 1 && !first.illustrative {
            (*first).clone()
        } else {
            service_count::Model {
                sex: None,
                age_band: None,
                disability: None,
                value: g.raw,
                illustrative: false,
                ..(*first).clone()
            }
        };
        out.push((model, figure));
    }
    out.sort_by_key(|(m, _)| m.id);
    Ok(out)
}

/// An event's attendance cells (in the order given) and total, as published.
pub async fn published_attendance(
    db: &impl ConnectionTrait,
    access: &Access,
    thresholds: Thresholds,
    project_id: i32,
    cells: &[attendance::Model],
    cache: Option<&Cache>,
) -> Result<(Vec<Figure>, Figure), AppError> {
    let total: i64 = cells.iter().map(|c| i64::from(c.count)).sum();
    if access.raw.contains(&project_id) {
        return Ok((
            cells
                .iter()
                .map(|c| Figure::shown(i64::from(c.count)))
                .collect(),
            Figure::shown(total),
        ));
    }
    let Some(event_id) = cells.first().map(|c| c.event_id) else {
        return Ok((Vec::new(), Figure::shown(0)));
    };
    let cube = cube(db, Kind::Participants, access, thresholds, None, cache).await?;
    let at = |d: Dimension| cube.index(Col::Dim(d));
    let event = (at(Dimension::Event), Some(event_id.to_string()));
    let by = [
        at(Dimension::Sex),
        at(Dimension::AgeBand),
        at(Dimension::Disability),
        at(Dimension::Category),
    ];
    let published: HashMap<Vec<Option<String>>, Figure> = cube
        .protected
        .group(&by, std::slice::from_ref(&event))
        .into_iter()
        .map(|g| (g.keys, g.figure))
        .collect();
    let figures = cells
        .iter()
        .map(|c| {
            let keys = vec![
                Some(c.sex.code().to_string()),
                Some(c.age_band.code().to_string()),
                Some(c.disability.code().to_string()),
                Some(c.category.code().to_string()),
            ];
            published.get(&keys).copied().unwrap_or(Figure::withheld())
        })
        .collect();
    let total_figure = cube
        .protected
        .group(&[], &[event])
        .into_iter()
        .next()
        .map(|g| g.figure)
        .unwrap_or(Figure::withheld());
    Ok((figures, total_figure))
}
