//! The SQL of the aggregates: the columns of each kind, their expressions
//! per engine, the visible rows and the grouped query itself.

use super::sql::{self, Sql, int_at, text_at, text_of};
use super::{Access, Dimension};
use crate::error::AppError;
use crate::queries::places;
use sea_orm::{ConnectionTrait, DatabaseBackend};

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
pub(crate) enum Col {
    Dim(Dimension),
    /// One service count row.
    Row,
    /// The figure as reported: an illustrative breakdown's cells share one.
    Report,
}

pub(crate) fn columns(kind: Kind) -> Vec<Col> {
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
pub(crate) fn expr(kind: Kind, col: Col, backend: DatabaseBackend) -> (String, bool) {
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
pub(crate) fn from_where(kind: Kind, q: &mut Sql, access: &Access, area: Option<i32>) {
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

pub(crate) fn prelude(kind: Kind, q: &mut Sql, area: Option<i32>) {
    q.push(&sql::prelude(area));
    if kind == Kind::Participants {
        q.push(sql::EVENT_DISTRICT_CTE);
    }
}

pub(crate) fn measures(kind: Kind) -> &'static str {
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
pub(crate) struct SqlRow {
    pub(crate) keys: Vec<Option<String>>,
    pub(crate) value: i64,
    pub(crate) sensitive: bool,
    pub(crate) illustrative: bool,
}

/// `SELECT cols, measures … GROUP BY cols` with the selection applied.
pub(crate) async fn grouped_query(
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
