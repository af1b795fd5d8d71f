//! Set-up reads: the preview of a derivation rule while an indicator is
//! authored, and the uploaded area boundaries the site draws.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};

use super::types::AreaBoundary;
use crate::graphql::mutation::db;
use crate::graphql::prelude::*;
use crate::graphql::stats::names::access;
use crate::stats::progress;

/// Set-up reads.
#[derive(Default)]
pub struct SetupQuery;

#[Object]
impl SetupQuery {
    /// The figure an indicator derived by `rule` would show now, read as the
    /// caller may read it (a manager authoring a derived indicator sees its
    /// current value before saving). Null when the project is not visible;
    /// an unknown rule is a BAD_USER_INPUT error.
    async fn indicator_rule_preview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project whose recorded facts the rule reads.")] project_id: ID,
        #[graphql(
            desc = "The rule, e.g. `attendance.training`, `services.received`, `works.completed`."
        )]
        rule: String,
        #[graphql(
            desc = "The unit counted (for `services.<stage>` rules: which service counts; default PERSONS)."
        )]
        unit: Option<CountUnit>,
        #[graphql(desc = "How periods combine (default SUM).")] aggregation: Option<Aggregation>,
    ) -> ApiResult<Option<IndicatorProgress>> {
        let project_id = decode_as(NodeType::Project, &project_id)?;
        let rule = rule.trim().to_string();
        if !progress::known_rule(&rule) {
            return Err(AppError::bad_input(format!(
                "{rule:?} is not a derivation rule"
            )));
        }
        let Some(project) = project::Entity::find_by_id(project_id)
            .filter(scope(ctx).viewer.project_scope())
            .one(db(ctx))
            .await?
        else {
            return Ok(None);
        };
        let template = indicator::Model {
            id: 0,
            project_id,
            code: "preview".into(),
            title_az: String::new(),
            title_en: String::new(),
            unit: unit.unwrap_or(CountUnit::Persons),
            counting_rule: CountingRule::Total,
            aggregation: aggregation.unwrap_or(Aggregation::Sum),
            baseline: None,
            baseline_date: None,
            target: None,
            target_date: None,
            sensitivity: project.sensitivity,
            derived_from: Some(rule),
            source_document_id: None,
            version: 0,
            illustrative: false,
            archived_at: None,
        };
        let access = access(ctx).await?;
        Ok(
            progress::preview(db(ctx), &access, scope(ctx).thresholds, template)
                .await?
                .map(IndicatorProgress),
        )
    }

    /// Uploaded boundaries of the areas of one level, for drawing a
    /// choropleth. Bounded: one per area of the level.
    async fn area_boundaries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The level, e.g. DISTRICT.")] kind: AreaKind,
    ) -> ApiResult<Vec<AreaBoundary>> {
        let ids = area::Entity::find()
            .select_only()
            .column(area::Column::Id)
            .filter(area::Column::Kind.eq(kind))
            .into_query();
        let rows = area_boundary::Entity::find()
            .filter(area_boundary::Column::AreaId.in_subquery(ids))
            .order_by_asc(area_boundary::Column::AreaId)
            .all(db(ctx))
            .await?;
        Ok(rows
            .into_iter()
            .map(|b| AreaBoundary {
                area_id: encode(NodeType::Area, b.area_id),
                geometry: serde_json::from_str(&b.geometry).unwrap_or(Json::Null),
            })
            .collect())
    }
}
