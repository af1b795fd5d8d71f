//! The names every domain module of the GraphQL layer uses, imported with
//! one glob (`use crate::graphql::prelude::*`), so that a type can move
//! between domain folders without touching its users.

pub(crate) use std::collections::{BTreeSet, HashMap};

pub(crate) use async_graphql::dataloader::{DataLoader, Loader};
pub(crate) use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
pub(crate) use chrono::NaiveDate;
pub(crate) use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
pub(crate) use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
pub(crate) use serde_json::Value as Json;

pub(crate) use entities::codes::*;
pub(crate) use entities::*;

pub(crate) use super::centres::*;
pub(crate) use super::common::*;
pub(crate) use super::events::*;
pub(crate) use super::ids::{NodeType, decode, decode_as, encode};
pub(crate) use super::lang::{Lang, RequestLang, resolve};
pub(crate) use super::loaders::*;
pub(crate) use super::pagination::{
    AreaConnection, CentreConnection, Direction, EventConnection, InfrastructureWorkConnection,
    KeyKind, OrderBy, OrganisationConnection, PageArgs, ProjectConnection, SortKey, coalesce_date,
    coalesce_text, date_json, paginate,
};
pub(crate) use super::projects::*;
pub(crate) use super::reference::*;
pub(crate) use super::stats::*;
pub(crate) use super::works::*;
pub(crate) use crate::access::Viewer;
pub(crate) use crate::disclosure::{Figure, Thresholds, reported};
pub(crate) use crate::error::{ApiResult, AppError};
pub(crate) use crate::queries::places;
pub(crate) use crate::search::like_pattern;
