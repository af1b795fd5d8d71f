//! Relay connections with keyset pagination in SQL, both directions.
//!
//! Rows are ordered by the requested sort keys and then by `id`; a cursor
//! holds the sort-key values and id of its row, so the next page is "rows
//! after this tuple" in SQL, stable under inserts and never an OFFSET scan.

use async_graphql::{InputObject, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Value,
};
use serde_json::Value as Json;

use crate::error::{ApiResult, AppError};

/// Largest page a client may ask for.
pub const MAX_PAGE: u64 = 100;
/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: u64 = 20;

/// Sort direction.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    /// Ascending.
    #[default]
    Asc,
    /// Descending.
    Desc,
}

/// How a sort key's values are typed in a cursor.
#[derive(Debug, Clone, Copy)]
pub enum KeyKind {
    /// Text (names, codes).
    Text,
    /// Integer.
    Int,
    /// Calendar date.
    Date,
}

/// One sort key: an SQL expression, how to read its value from a row, its direction.
pub struct SortKey<M> {
    /// Short name, part of the cursor's ordering signature.
    pub name: &'static str,
    /// The expression ordered on (nullable columns are wrapped in COALESCE).
    pub expr: SimpleExpr,
    /// Type of the value.
    pub kind: KeyKind,
    /// Direction.
    pub direction: Direction,
    /// Reads the (coalesced) value from a row.
    pub read: fn(&M) -> Json,
}

/// Sentinel ordering a missing date before every real one.
pub fn date_floor() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).expect("valid date")
}

/// `COALESCE(col, '0001-01-01')`, so rows without a date sort first and compare.
pub fn coalesce_date<C: ColumnTrait>(col: C) -> SimpleExpr {
    Func::coalesce([Expr::col(col), Expr::val(date_floor())]).into()
}

/// `COALESCE(col, '')` for nullable text.
pub fn coalesce_text<C: ColumnTrait>(col: C) -> SimpleExpr {
    Func::coalesce([Expr::col(col), Expr::val("")]).into()
}

/// Reads an optional date as the cursor stores it.
pub fn date_json(value: Option<NaiveDate>) -> Json {
    Json::String(
        value
            .unwrap_or_else(date_floor)
            .format("%Y-%m-%d")
            .to_string(),
    )
}

/// Page arguments of a connection field.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    /// Rows after the cursor.
    pub after: Option<String>,
    /// Rows before the cursor.
    pub before: Option<String>,
    /// The first n rows (forward).
    pub first: Option<i32>,
    /// The last n rows (backward).
    pub last: Option<i32>,
}

/// Information about the page, as Relay defines it.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct PageInfo {
    /// True when more rows follow this page.
    pub has_next_page: bool,
    /// True when rows precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first row of the page.
    pub start_cursor: Option<String>,
    /// Cursor of the last row of the page.
    pub end_cursor: Option<String>,
}

/// A page as [`paginate`] returns it, before it takes its GraphQL shape.
#[derive(Clone)]
pub struct Page<T> {
    /// Rows with their cursors.
    pub edges: Vec<(String, T)>,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// Rows matching the filter over all pages (0 unless asked for).
    pub total_count: i64,
}

/// Declares the Relay connection and edge types of one node type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $name:literal) => {
        #[doc = concat!("An edge of a `", stringify!($connection), "`: a row and its cursor.")]
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Opaque cursor of this row, for `after`/`before`.
            pub cursor: String,
            /// The row.
            pub node: $node,
        }

        #[doc = concat!("A page of `", $name, "` rows with the total that matches the filter.")]
        #[derive(SimpleObject)]
        #[graphql(complex)]
        pub struct $connection {
            /// The rows of this page with their cursors.
            pub edges: Vec<$edge>,
            /// Where this page sits.
            pub page_info: PageInfo,
            /// Number of rows matching the filter, over all pages.
            pub total_count: i64,
        }

        #[async_graphql::ComplexObject]
        impl $connection {
            /// The rows of this page without their cursors: the same rows as `edges`, in the same order.
            async fn nodes(&self) -> Vec<$node> {
                self.edges.iter().map(|e| e.node.clone()).collect()
            }
        }

        impl From<Page<$node>> for $connection {
            fn from(page: Page<$node>) -> Self {
                Self {
                    edges: page
                        .edges
                        .into_iter()
                        .map(|(cursor, node)| $edge { cursor, node })
                        .collect(),
                    page_info: page.page_info,
                    total_count: page.total_count,
                }
            }
        }
    };
}

connection!(
    ProjectConnection,
    ProjectEdge,
    super::projects::Project,
    "Project"
);
connection!(
    CentreConnection,
    CentreEdge,
    super::centres::Centre,
    "Centre"
);
connection!(EventConnection, EventEdge, super::events::Event, "Event");
connection!(
    InfrastructureWorkConnection,
    InfrastructureWorkEdge,
    super::works::InfrastructureWork,
    "InfrastructureWork"
);
connection!(
    OrganisationConnection,
    OrganisationEdge,
    super::reference::Organisation,
    "Organisation"
);
connection!(AreaConnection, AreaEdge, super::reference::Area, "Area");
connection!(
    ProgrammeUpdateConnection,
    ProgrammeUpdateEdge,
    super::updates::ProgrammeUpdate,
    "ProgrammeUpdate"
);

/// A sort key requested by a client: field and direction.
#[derive(InputObject, Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[graphql(concrete(name = "ProjectOrder", params(super::projects::ProjectOrderField)))]
#[graphql(concrete(name = "CentreOrder", params(super::centres::CentreOrderField)))]
#[graphql(concrete(name = "EventOrder", params(super::events::EventOrderField)))]
#[graphql(concrete(name = "InfrastructureWorkOrder", params(super::works::WorkOrderField)))]
#[graphql(concrete(
    name = "OrganisationOrder",
    params(super::reference::OrganisationOrderField)
))]
#[graphql(concrete(name = "AreaOrder", params(super::reference::AreaOrderField)))]
pub struct OrderBy<F: async_graphql::InputType> {
    /// Field to sort on.
    pub field: F,
    /// Direction (default ascending).
    #[graphql(default)]
    pub direction: Direction,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CursorData {
    /// Ordering signature: a cursor only fits the ordering it came from.
    o: String,
    /// Sort-key values, then the id.
    k: Vec<Json>,
}

fn signature<M>(keys: &[SortKey<M>]) -> String {
    keys.iter()
        .map(|k| {
            format!(
                "{}:{}",
                k.name,
                if k.direction == Direction::Asc {
                    "a"
                } else {
                    "d"
                }
            )
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub(crate) fn encode_cursor<M>(keys: &[SortKey<M>], row: &M, id: i32) -> String {
    let mut values: Vec<Json> = keys.iter().map(|k| (k.read)(row)).collect();
    values.push(Json::from(id));
    let data = CursorData {
        o: signature(keys),
        k: values,
    };
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&data).expect("cursor serialises"))
}

pub(crate) fn decode_cursor<M>(keys: &[SortKey<M>], raw: &str) -> ApiResult<(Vec<Value>, i32)> {
    let invalid = || AppError::bad_input(format!("cursor {raw:?} is not valid for this ordering"));
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).map_err(|_| invalid())?;
    let data: CursorData = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if data.o != signature(keys) || data.k.len() != keys.len() + 1 {
        return Err(invalid());
    }
    let mut values = Vec::with_capacity(keys.len());
    for (key, raw_value) in keys.iter().zip(&data.k) {
        let value: Value = match (key.kind, raw_value) {
            // Checked like any other text argument: a NUL (or another
            // control character) would reach PostgreSQL, which refuses it
            // as a fault of ours (INTERNAL) rather than the caller's.
            (KeyKind::Text, Json::String(s)) if !s.chars().any(char::is_control) => {
                s.clone().into()
            }
            (KeyKind::Int, Json::Number(n)) => n.as_i64().ok_or_else(invalid)?.into(),
            (KeyKind::Date, Json::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| invalid())?
                .into(),
            _ => return Err(invalid()),
        };
        values.push(value);
    }
    let id = data
        .k
        .last()
        .and_then(Json::as_i64)
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(invalid)?;
    Ok((values, id))
}

/// Condition "row is strictly after (or before) the cursor tuple" in the
/// canonical order (sort keys, then id ascending).
pub(crate) fn beyond<M, C: ColumnTrait>(
    keys: &[SortKey<M>],
    id_col: C,
    values: &[Value],
    id: i32,
    after: bool,
) -> Condition {
    let cmp = |expr: SimpleExpr, value: Value, ascending: bool| -> SimpleExpr {
        if ascending == after {
            expr.gt(value)
        } else {
            expr.lt(value)
        }
    };
    let mut any = Condition::any();
    for i in 0..=keys.len() {
        let mut branch = Condition::all();
        for j in 0..i {
            branch = branch.add(keys[j].expr.clone().eq(values[j].clone()));
        }
        branch = if i < keys.len() {
            branch.add(cmp(
                keys[i].expr.clone(),
                values[i].clone(),
                keys[i].direction == Direction::Asc,
            ))
        } else {
            branch.add(cmp(Expr::col(id_col), id.into(), true))
        };
        any = any.add(branch);
    }
    any
}

/// Runs a keyset-paginated query and shapes the connection.
///
/// `base` carries the filters; `want_total` runs the `COUNT(*)` only when the
/// client asked for `totalCount`.
#[allow(clippy::too_many_arguments)]
pub async fn paginate<E, C, T, D>(
    db: &D,
    base: Select<E>,
    keys: Vec<SortKey<E::Model>>,
    id_col: C,
    id_of: fn(&E::Model) -> i32,
    args: PageArgs,
    want_total: bool,
    wrap: impl Fn(E::Model) -> T,
) -> ApiResult<Page<T>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    C: ColumnTrait,
    D: ConnectionTrait,
{
    let backward = args.last.is_some();
    if args.first.is_some() && backward {
        return Err(AppError::bad_input(
            "give either `first` or `last`, not both",
        ));
    }
    let requested = args
        .first
        .or(args.last)
        .map(i64::from)
        .unwrap_or(DEFAULT_PAGE as i64);
    if !(0..=MAX_PAGE as i64).contains(&requested) {
        return Err(AppError::bad_input(format!(
            "page size must be between 0 and {MAX_PAGE}, got {requested}"
        )));
    }
    let limit = requested as u64;

    let total_count = if want_total {
        base.clone().count(db).await? as i64
    } else {
        0
    };

    let mut query = base;
    if let Some(after) = &args.after {
        let (values, id) = decode_cursor(&keys, after)?;
        query = query.filter(beyond(&keys, id_col, &values, id, true));
    }
    if let Some(before) = &args.before {
        let (values, id) = decode_cursor(&keys, before)?;
        query = query.filter(beyond(&keys, id_col, &values, id, false));
    }
    let flip = |d: Direction| -> Order {
        match (d, backward) {
            (Direction::Asc, false) | (Direction::Desc, true) => Order::Asc,
            _ => Order::Desc,
        }
    };
    for key in &keys {
        query = query.order_by(key.expr.clone(), flip(key.direction));
    }
    query = query
        .order_by(id_col, flip(Direction::Asc))
        .limit(limit + 1);

    let mut rows = if limit == 0 {
        Vec::new()
    } else {
        query.all(db).await?
    };
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    if backward {
        rows.reverse();
    }
    let edges: Vec<(String, T)> = rows
        .into_iter()
        .map(|row| (encode_cursor(&keys, &row, id_of(&row)), wrap(row)))
        .collect();
    let page_info = PageInfo {
        has_next_page: if backward {
            args.before.is_some()
        } else {
            more
        },
        has_previous_page: if backward { more } else { args.after.is_some() },
        start_cursor: edges.first().map(|e| e.0.clone()),
        end_cursor: edges.last().map(|e| e.0.clone()),
    };
    Ok(Page {
        edges,
        page_info,
        total_count,
    })
}
