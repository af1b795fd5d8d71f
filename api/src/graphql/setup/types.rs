//! Output types of programme set-up: citations with their quoted passage,
//! indicator targets, area boundaries and a boundary upload's report.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder};

use crate::graphql::prelude::*;
use crate::services::setup::places::FeatureReport;

/// A record's citation of a source: the passage that states the fact,
/// shown beside the figure.
#[derive(Clone)]
pub struct Citation(pub citation::Model);

/// A record's citation of a source, with the passage that states the fact.
#[Object]
impl Citation {
    /// The quoted passage, verbatim from the source.
    async fn passage(&self) -> &str {
        &self.0.passage
    }
    /// Language of the passage.
    async fn lang(&self) -> &str {
        &self.0.lang
    }
    /// The source document.
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Option<SourceDocument>> {
        Ok(opt(ctx, Some(SourceById(self.0.source_document_id)))
            .await?
            .map(SourceDocument))
    }
}

/// Citations of one record: `(entity type code, id)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CitationsOf(pub &'static str, pub i32);

impl Loader<CitationsOf> for Loaders {
    type Value = Vec<citation::Model>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[CitationsOf],
    ) -> Result<HashMap<CitationsOf, Self::Value>, AppError> {
        let mut cond = Condition::any();
        for k in keys {
            cond = cond.add(
                Condition::all()
                    .add(citation::Column::EntityType.eq(k.0))
                    .add(citation::Column::EntityId.eq(k.1)),
            );
        }
        let rows = citation::Entity::find()
            .filter(cond)
            .order_by_asc(citation::Column::Id)
            .all(&self.db)
            .await?;
        let mut out: HashMap<CitationsOf, Self::Value> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for row in rows {
            if let Some(key) = keys
                .iter()
                .find(|k| k.0 == row.entity_type && k.1 == row.entity_id)
            {
                out.entry(key.clone()).or_default().push(row);
            }
        }
        Ok(out)
    }
}

/// The citations of a record (visible whenever the record is).
pub async fn citations_of(
    ctx: &Context<'_>,
    kind: &'static str,
    id: i32,
) -> ApiResult<Vec<Citation>> {
    Ok(many(ctx, CitationsOf(kind, id))
        .await?
        .into_iter()
        .map(Citation)
        .collect())
}

/// Targets of one indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TargetsOf(pub i32);

impl Loader<TargetsOf> for Loaders {
    type Value = Vec<indicator_target::Model>;
    type Error = AppError;

    async fn load(&self, keys: &[TargetsOf]) -> Result<HashMap<TargetsOf, Self::Value>, AppError> {
        let rows = indicator_target::Entity::find()
            .filter(indicator_target::Column::IndicatorId.is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(indicator_target::Column::PeriodStart)
            .order_by_asc(indicator_target::Column::Dimension)
            .order_by_asc(indicator_target::Column::DimensionValue)
            .all(&self.db)
            .await?;
        let mut out: HashMap<TargetsOf, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(TargetsOf(row.indicator_id))
                .or_default()
                .push(row);
        }
        Ok(out)
    }
}

/// An indicator's target for one period, whole or for one value of a breakdown.
#[derive(SimpleObject, Clone)]
pub struct IndicatorTarget {
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Breakdown dimension (`sex`, `age_band`, `disability`, `category`); null for the whole.
    pub dimension: Option<String>,
    /// The dimension's value code; null for the whole.
    pub dimension_value: Option<String>,
    /// The target.
    pub value: i64,
}

impl From<indicator_target::Model> for IndicatorTarget {
    fn from(t: indicator_target::Model) -> Self {
        let none_if_empty = |s: String| (!s.is_empty()).then_some(s);
        Self {
            period_start: t.period_start,
            period_end: t.period_end,
            dimension: none_if_empty(t.dimension),
            dimension_value: none_if_empty(t.dimension_value),
            value: t.value,
        }
    }
}

/// The targets of an indicator.
pub async fn targets_of(ctx: &Context<'_>, id: i32) -> ApiResult<Vec<IndicatorTarget>> {
    Ok(many(ctx, TargetsOf(id))
        .await?
        .into_iter()
        .map(IndicatorTarget::from)
        .collect())
}

/// An area's uploaded boundary.
#[derive(SimpleObject, Clone)]
pub struct AreaBoundary {
    /// The area.
    pub area_id: ID,
    /// Its boundary: a GeoJSON Polygon or MultiPolygon geometry object.
    pub geometry: Json,
}

/// What a boundary upload did with one feature of the file.
#[derive(SimpleObject, Clone)]
pub struct BoundaryFeatureReport {
    /// Position of the feature in the file (0-based).
    pub index: i32,
    /// The code or name the feature carries.
    pub label: String,
    /// The area it matched, if one.
    pub area_id: Option<ID>,
    /// Why it was not stored (null when it was, or would be on a dry run).
    pub problem: Option<String>,
}

impl From<FeatureReport> for BoundaryFeatureReport {
    fn from(r: FeatureReport) -> Self {
        Self {
            index: i32::try_from(r.index).unwrap_or(i32::MAX),
            label: r.label,
            area_id: r.area_id.map(|id| encode(NodeType::Area, id)),
            problem: r.problem,
        }
    }
}
