//! Connections nested under a parent row (`Project.events`, `Area.centres`, …),
//! paged with the same cursors as the root connections and loaded for many
//! parents at once.
//!
//! A nested relation can grow without bound (a programme's events), so it is
//! a connection, not a list. The parents of one request that ask for the same
//! page (the same `first`, `after` and order) share one statement: a window
//! function numbers each parent's rows in the connection's order and the
//! statement keeps the first `first + 1` of each, so the statements of a
//! request still grow with its depth, not with its rows. `totalCount` is one
//! grouped `COUNT` for all the parents, run only when it is asked for.

use std::collections::HashMap;
use std::hash::Hash;
use std::marker::PhantomData;

use async_graphql::dataloader::Loader;
use sea_orm::sea_query::{Alias, Asterisk, Expr, ExprTrait, OverStatement, Query, WindowStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, Order, QueryFilter, QuerySelect,
    QueryTrait, Select,
};

use entities::*;

use super::lang::Lang;
use super::loaders::Loaders;
use super::pagination::{
    Direction, MAX_PAGE, Page, PageInfo, SortKey, beyond, decode_cursor, encode_cursor,
};
use crate::access::Viewer;
use crate::error::{ApiResult, AppError};

/// Page size of a nested connection asked for without `first`.
pub const DEFAULT_NESTED_PAGE: u64 = super::pagination::DEFAULT_PAGE;

/// One relation from a parent row to the rows of a nested connection.
pub trait Relation: Send + Sync + 'static {
    /// The rows' table.
    type Entity: EntityTrait<Model = Self::Model>;
    /// A row.
    type Model: FromQueryResult + Send + Sync + Clone + 'static;
    /// The fields a client may order the connection by (`()` when it has a
    /// fixed order).
    type Field: Copy + Eq + Hash + Send + Sync + std::fmt::Debug + 'static;

    /// The rows of these parents the viewer may see, and the expression that
    /// names a row's parent in that query.
    fn rows(viewer: &Viewer, parents: Vec<i32>) -> (Select<Self::Entity>, Expr);
    /// The connection's sort keys for an order asked for (then `id`).
    fn keys(order: &[(Self::Field, Direction)], lang: Lang) -> Vec<SortKey<Self::Model>>;
    /// The rows' id column.
    fn id_col() -> <Self::Entity as EntityTrait>::Column;
    /// A row's id.
    fn id_of(row: &Self::Model) -> i32;
}

/// The page a nested connection field asks for: the part of its loader key
/// that parents share when they ask the same.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NestedArgs<F> {
    /// Sort order asked for, in priority order.
    pub order: Vec<(F, Direction)>,
    /// The request's language (text sort keys depend on it).
    pub lang: Lang,
    /// Rows per parent.
    pub first: u64,
    /// Cursor to start after.
    pub after: Option<String>,
}

impl<F> NestedArgs<F> {
    /// Checks `first` (0 to [`MAX_PAGE`], [`DEFAULT_NESTED_PAGE`] when not given).
    pub fn new(
        order: Vec<(F, Direction)>,
        lang: Lang,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Self> {
        let first = match first {
            None => DEFAULT_NESTED_PAGE,
            Some(n) if (0..=MAX_PAGE as i64).contains(&i64::from(n)) => n as u64,
            Some(n) => {
                return Err(AppError::bad_input(format!(
                    "page size must be between 0 and {MAX_PAGE}, got {n}"
                )));
            }
        };
        Ok(Self {
            order,
            lang,
            first,
            after,
        })
    }
}

/// Loader key: one parent's page of relation `R`.
pub struct NestedPage<R: Relation> {
    /// The parent row's id.
    pub parent: i32,
    /// The page asked for.
    pub args: NestedArgs<R::Field>,
    relation: PhantomData<fn() -> R>,
}

impl<R: Relation> NestedPage<R> {
    /// The page `args` of `parent`'s rows.
    pub fn new(parent: i32, args: NestedArgs<R::Field>) -> Self {
        Self {
            parent,
            args,
            relation: PhantomData,
        }
    }
}

impl<R: Relation> Clone for NestedPage<R> {
    fn clone(&self) -> Self {
        Self::new(self.parent, self.args.clone())
    }
}
impl<R: Relation> PartialEq for NestedPage<R> {
    fn eq(&self, other: &Self) -> bool {
        self.parent == other.parent && self.args == other.args
    }
}
impl<R: Relation> Eq for NestedPage<R> {}
impl<R: Relation> Hash for NestedPage<R> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parent.hash(state);
        self.args.hash(state);
    }
}

/// Loader key: how many rows of relation `R` one parent has (for `totalCount`).
pub struct NestedCount<R: Relation>(pub i32, PhantomData<fn() -> R>);

impl<R: Relation> NestedCount<R> {
    /// The count of `parent`'s rows.
    pub fn new(parent: i32) -> Self {
        Self(parent, PhantomData)
    }
}
impl<R: Relation> Clone for NestedCount<R> {
    fn clone(&self) -> Self {
        Self::new(self.0)
    }
}
impl<R: Relation> PartialEq for NestedCount<R> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl<R: Relation> Eq for NestedCount<R> {}
impl<R: Relation> Hash for NestedCount<R> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

const PARENT: &str = "nested_parent";
const RANK: &str = "nested_rank";

fn distinct(mut ids: Vec<i32>) -> Vec<i32> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// One page of each parent's rows, in one statement.
async fn pages<R: Relation>(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    parents: Vec<i32>,
    args: &NestedArgs<R::Field>,
) -> ApiResult<HashMap<i32, Page<R::Model>>> {
    let keys = R::keys(&args.order, args.lang);
    let after = match &args.after {
        Some(raw) => Some(decode_cursor(&keys, raw)?),
        None => None,
    };
    let mut out: HashMap<i32, Page<R::Model>> = HashMap::new();
    if args.first > 0 {
        let (mut select, parent) = R::rows(viewer, parents);
        if let Some((values, id)) = &after {
            select = select.filter(beyond(&keys, R::id_col(), values, *id, true));
        }
        let mut window = WindowStatement::new();
        window.add_partition_by(parent.clone());
        for key in &keys {
            let order = if key.direction == Direction::Asc {
                Order::Asc
            } else {
                Order::Desc
            };
            window.order_by_expr(key.expr.clone(), order);
        }
        window.order_by_expr(R::id_col().into_expr(), Order::Asc);
        let mut inner = select.into_query();
        inner.expr_as(parent, Alias::new(PARENT)).expr_window_as(
            Expr::cust("ROW_NUMBER()"),
            window,
            Alias::new(RANK),
        );
        let outer = Query::select()
            .column(Asterisk)
            .from_subquery(inner, Alias::new("nested"))
            .and_where(Expr::col(Alias::new(RANK)).lte(args.first as i64 + 1))
            .order_by(Alias::new(PARENT), Order::Asc)
            .order_by(Alias::new(RANK), Order::Asc)
            .to_owned();
        let statement = db.get_database_backend().build(&outer);
        for row in db.query_all_raw(statement).await? {
            let parent: i32 = row.try_get("", PARENT)?;
            let model = R::Model::from_query_result(&row, "")?;
            let cursor = encode_cursor(&keys, &model, R::id_of(&model));
            out.entry(parent)
                .or_insert_with(|| Page {
                    edges: Vec::new(),
                    page_info: PageInfo::default(),
                    total_count: 0,
                })
                .edges
                .push((cursor, model));
        }
    }
    for page in out.values_mut() {
        let more = page.edges.len() as u64 > args.first;
        page.edges.truncate(args.first as usize);
        page.page_info = PageInfo {
            has_next_page: more,
            has_previous_page: args.after.is_some(),
            start_cursor: page.edges.first().map(|e| e.0.clone()),
            end_cursor: page.edges.last().map(|e| e.0.clone()),
        };
    }
    Ok(out)
}

impl<R: Relation> Loader<NestedPage<R>> for Loaders {
    type Value = Page<R::Model>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[NestedPage<R>],
    ) -> Result<HashMap<NestedPage<R>, Self::Value>, AppError> {
        // Parents asking the same page share one statement.
        let mut groups: HashMap<&NestedArgs<R::Field>, Vec<i32>> = HashMap::new();
        for key in keys {
            groups.entry(&key.args).or_default().push(key.parent);
        }
        let mut out = HashMap::new();
        for (args, parents) in groups {
            let mut found =
                pages::<R>(&self.db, &self.viewer, distinct(parents.clone()), args).await?;
            for parent in parents {
                let page = found.remove(&parent).unwrap_or_else(|| Page {
                    edges: Vec::new(),
                    page_info: PageInfo {
                        has_previous_page: args.after.is_some(),
                        ..PageInfo::default()
                    },
                    total_count: 0,
                });
                out.insert(NestedPage::new(parent, args.clone()), page);
            }
        }
        Ok(out)
    }
}

impl<R: Relation> Loader<NestedCount<R>> for Loaders {
    type Value = i64;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[NestedCount<R>],
    ) -> Result<HashMap<NestedCount<R>, Self::Value>, AppError> {
        let parents = distinct(keys.iter().map(|k| k.0).collect());
        let (select, parent) = R::rows(&self.viewer, parents);
        let counts: Vec<(i32, i64)> = select
            .select_only()
            .expr_as(parent.clone(), PARENT)
            .expr_as(
                sea_orm::sea_query::Func::count(R::id_col().into_expr()),
                "n",
            )
            .group_by(parent)
            .into_tuple()
            .all(&self.db)
            .await?;
        let counts: HashMap<i32, i64> = counts.into_iter().collect();
        Ok(keys
            .iter()
            .map(|k| (k.clone(), counts.get(&k.0).copied().unwrap_or(0)))
            .collect())
    }
}

// ------------------------------------------------------------- relations

/// A nested relation over a column of the row's own table.
macro_rules! direct {
    ($(#[$doc:meta])* $name:ident => $module:ident . $parent:ident, field $field:ty, keys $keys:expr, scope $scope:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl Relation for $name {
            type Entity = $module::Entity;
            type Model = $module::Model;
            type Field = $field;

            fn rows(viewer: &Viewer, parents: Vec<i32>) -> (Select<Self::Entity>, Expr) {
                let scope: fn(&Viewer) -> sea_orm::Condition = $scope;
                (
                    $module::Entity::find()
                        .filter($module::Column::$parent.is_in(parents))
                        .filter(scope(viewer)),
                    Expr::col(($module::Entity, $module::Column::$parent)),
                )
            }
            fn keys(order: &[(Self::Field, Direction)], lang: Lang) -> Vec<SortKey<Self::Model>> {
                let keys: fn(&[(Self::Field, Direction)], Lang) -> Vec<SortKey<Self::Model>> = $keys;
                keys(order, lang)
            }
            fn id_col() -> $module::Column {
                $module::Column::Id
            }
            fn id_of(row: &Self::Model) -> i32 {
                row.id
            }
        }
    };
}

use super::centres::CentreOrderField;
use super::events::EventOrderField;
use super::pagination::OrderBy;
use super::projects::ProjectOrderField;
use super::works::WorkOrderField;

fn order_by<F: async_graphql::InputType + Copy>(order: &[(F, Direction)]) -> Vec<OrderBy<F>> {
    order
        .iter()
        .map(|(field, direction)| OrderBy {
            field: *field,
            direction: *direction,
        })
        .collect()
}

direct!(/// A project's events.
    ProjectEvents => event.ProjectId, field EventOrderField,
    keys |o, l| super::events::event_keys(&order_by(o), l),
    scope |v| sea_orm::Condition::all().add(v.owned_by_visible_project(event::Column::ProjectId)));
direct!(/// The events held at a centre.
    CentreEvents => event.CentreId, field EventOrderField,
    keys |o, l| super::events::event_keys(&order_by(o), l),
    scope |v| sea_orm::Condition::all().add(v.owned_by_visible_project(event::Column::ProjectId)));
direct!(/// A project's centres (archived ones for those who edit the project).
    ProjectCentres => centre.ProjectId, field CentreOrderField,
    keys |o, l| super::centres::centre_keys(&order_by(o), l),
    scope |v| v.owned_and_live(centre::Column::ProjectId, centre::Column::ArchivedAt));
direct!(/// The centres located in an area (sensitive locations only for those who may see them).
AreaCentres => centre.AreaId, field CentreOrderField,
keys |o, l| super::centres::centre_keys(&order_by(o), l),
scope |v| {
    let live = v.owned_and_live(centre::Column::ProjectId, centre::Column::ArchivedAt);
    if v.sees_sensitive_locations() {
        live
    } else {
        live.add(centre::Column::SensitiveLocation.eq(false))
    }
});
direct!(/// A project's infrastructure works.
    ProjectWorks => infrastructure_work.ProjectId, field WorkOrderField,
    keys |o, l| super::works::work_keys(&order_by(o), l),
    scope |v| v.owned_and_live(infrastructure_work::Column::ProjectId, infrastructure_work::Column::ArchivedAt));
direct!(/// A project's dated updates, newest first (archived ones for administrators only).
    ProjectUpdates => programme_update.ProjectId, field (),
    keys |_, _| vec![
        SortKey {
            name: "posted",
            expr: Expr::col((programme_update::Entity, programme_update::Column::PostedOn)),
            kind: super::pagination::KeyKind::Date,
            direction: Direction::Desc,
            read: |m: &programme_update::Model| super::pagination::date_json(Some(m.posted_on)),
        },
        SortKey {
            name: "newest",
            expr: Expr::col((programme_update::Entity, programme_update::Column::Id)),
            kind: super::pagination::KeyKind::Int,
            direction: Direction::Desc,
            read: |m: &programme_update::Model| m.id.into(),
        },
    ],
    scope |v| v.owned_and_live(programme_update::Column::ProjectId, programme_update::Column::ArchivedAt));

/// The projects that work in an area (visible projects only), through the
/// `project_areas` link.
pub struct AreaProjects;

impl Relation for AreaProjects {
    type Entity = project::Entity;
    type Model = project::Model;
    type Field = ProjectOrderField;

    fn rows(viewer: &Viewer, parents: Vec<i32>) -> (Select<Self::Entity>, Expr) {
        let mut select = project::Entity::find();
        sea_orm::QueryTrait::query(&mut select).inner_join(
            project_area::Entity,
            Expr::col((project_area::Entity, project_area::Column::ProjectId))
                .equals((project::Entity, project::Column::Id)),
        );
        (
            select
                .filter(project_area::Column::AreaId.is_in(parents))
                .filter(viewer.project_scope()),
            Expr::col((project_area::Entity, project_area::Column::AreaId)),
        )
    }
    fn keys(order: &[(Self::Field, Direction)], lang: Lang) -> Vec<SortKey<Self::Model>> {
        super::projects::project_keys(&order_by(order), lang)
    }
    fn id_col() -> project::Column {
        project::Column::Id
    }
    fn id_of(row: &Self::Model) -> i32 {
        row.id
    }
}

/// Resolves a nested connection field: `parent`'s page of relation `R`,
/// each row wrapped as its GraphQL node, with `totalCount` when asked for.
pub(crate) async fn connection<R, T, C>(
    ctx: &async_graphql::Context<'_>,
    parent: i32,
    order: Vec<(R::Field, Direction)>,
    first: Option<i32>,
    after: Option<String>,
    wrap: impl Fn(R::Model) -> T,
) -> ApiResult<C>
where
    R: Relation,
    C: From<Page<T>>,
{
    use super::common::{one, request_lang, wants_total};
    let args = NestedArgs::new(order, request_lang(ctx), first, after)?;
    let has_previous_page = args.after.is_some();
    let page = one(ctx, NestedPage::<R>::new(parent, args))
        .await?
        .unwrap_or_else(|| Page {
            edges: Vec::new(),
            page_info: PageInfo {
                has_previous_page,
                ..PageInfo::default()
            },
            total_count: 0,
        });
    let total_count = if wants_total(ctx) {
        one(ctx, NestedCount::<R>::new(parent)).await?.unwrap_or(0)
    } else {
        0
    };
    Ok(Page {
        edges: page
            .edges
            .into_iter()
            .map(|(cursor, row)| (cursor, wrap(row)))
            .collect(),
        page_info: page.page_info,
        total_count,
    }
    .into())
}

/// An order asked for as (field, direction) pairs.
pub(crate) fn pairs<F: async_graphql::InputType + Copy>(
    order: Option<Vec<OrderBy<F>>>,
) -> Vec<(F, Direction)> {
    order
        .unwrap_or_default()
        .into_iter()
        .map(|o| (o.field, o.direction))
        .collect()
}
