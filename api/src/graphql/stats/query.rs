//! The statistics root fields.

use crate::graphql::prelude::*;
use crate::stats::aggregate::Kind;
use crate::stats::facilities::{Facility, FacilityQuery};
use crate::stats::progress;

/// Statistics: aggregates grouped by any dimensions, counts of centres and
/// works, indicator progress and project overviews.
#[derive(Default)]
pub struct StatsQuery;

/// Statistics: aggregates grouped by any dimensions, counts of centres and
/// works, indicator progress and project overviews.
#[Object]
impl StatsQuery {
    /// Participants of events (attendance), summed in SQL and grouped by any of
    /// `PROJECT, ORGANISATION, CENTRE, DISTRICT, EVENT, EVENT_KIND, SEX, AGE_BAND,
    /// DISABILITY, CATEGORY, MONTH, QUARTER, YEAR`. Small cells are suppressed
    /// consistently across every grouping of the same data.
    async fn participant_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the rows that match every condition given (see the filter type); none: every row the caller may see."
        )]
        filter: Option<StatsFilter>,
        #[graphql(
            desc = "Dimensions to group the figures by, in order (each at most once); none gives one total row."
        )]
        group_by: Option<Vec<StatsDimension>>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> ApiResult<StatsTable> {
        stats_table(ctx, Kind::Participants, filter, group_by, lang).await
    }

    /// Service counts (people or appeals), summed in SQL and grouped by any of
    /// `PROJECT, ORGANISATION, CENTRE, DISTRICT, SEX, AGE_BAND, DISABILITY, CATEGORY,
    /// MONTH, QUARTER, YEAR, SUPPORT_TYPE, CHANNEL, STAGE, UNIT`; always split by
    /// unit. With no `groupBy` it gives the totals.
    async fn service_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the rows that match every condition given (see the filter type); none: every row the caller may see."
        )]
        filter: Option<StatsFilter>,
        #[graphql(
            desc = "Dimensions to group the figures by, in order (each at most once); none gives one total row."
        )]
        group_by: Option<Vec<StatsDimension>>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> ApiResult<StatsTable> {
        stats_table(ctx, Kind::Services, filter, group_by, lang).await
    }

    /// Centres counted by status, kind, project or district.
    /// Bounded: one row per value of the grouping asked for (kinds, statuses, districts).
    async fn centre_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the rows that match every condition given (see the filter type); none: every row the caller may see."
        )]
        filter: Option<CentreStatsFilter>,
        #[graphql(
            desc = "Dimensions to group the figures by, in order (each at most once); none gives one total row."
        )]
        group_by: Option<Vec<FacilityDimension>>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> ApiResult<Vec<FacilityCount>> {
        let f = filter.unwrap_or_default();
        let query = facility_query(
            group_by,
            &f.project,
            &f.area,
            f.kind,
            f.status,
            CentreKind::code,
            CentreStatus::code,
        )?;
        facility_counts(ctx, Facility::Centres, query, lang).await
    }

    /// Infrastructure works counted by status, kind, project or district.
    /// Bounded: one row per value of the grouping asked for (kinds, statuses, districts).
    async fn work_stats(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the rows that match every condition given (see the filter type); none: every row the caller may see."
        )]
        filter: Option<WorkStatsFilter>,
        #[graphql(
            desc = "Dimensions to group the figures by, in order (each at most once); none gives one total row."
        )]
        group_by: Option<Vec<FacilityDimension>>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> ApiResult<Vec<FacilityCount>> {
        let f = filter.unwrap_or_default();
        let query = facility_query(
            group_by,
            &f.project,
            &f.area,
            f.kind,
            f.status,
            WorkKind::code,
            WorkStatus::code,
        )?;
        facility_counts(ctx, Facility::Works, query, lang).await
    }

    /// Progress of one indicator; null when there is none the caller may see.
    async fn indicator_progress(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's global ID, as its `id` field gives it.")] id: ID,
    ) -> ApiResult<Option<IndicatorProgress>> {
        let id = decode_as(NodeType::Indicator, &id)?;
        let Some(ind) = indicator::Entity::find_by_id(id).one(db(ctx)).await? else {
            return Ok(None);
        };
        let access = access(ctx).await?;
        let all = progress::project_progress(
            db(ctx),
            &access,
            scope(ctx).thresholds,
            ind.project_id,
            detail_asked(&ctx.look_ahead()),
        )
        .await?;
        Ok(all
            .into_iter()
            .find(|p| p.indicator.id == id)
            .map(IndicatorProgress))
    }

    /// A project's overview in one query: planned against done (indicators with
    /// targets and actuals), by when (dates, as-of), where (areas), with sources.
    async fn project_overview(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme's slug, as in its page's URL.")] slug: String,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> ApiResult<Option<ProjectOverview>> {
        overview_of(ctx, &slug, lang).await
    }

    /// The overviews of several projects (at most 100 slugs), in the order
    /// asked; slugs of projects the caller cannot see are left out. Priced
    /// per slug, like as many `projectOverview` fields.
    /// Bounded: one per slug asked for (at most 100).
    async fn project_overviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Slugs of the programmes, as in their pages' URLs (at most 100); unknown or hidden ones are left out."
        )]
        slugs: Vec<String>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> ApiResult<Vec<ProjectOverview>> {
        if slugs.len() > MAX_OVERVIEWS {
            return Err(AppError::BadInput(format!(
                "projectOverviews takes at most {MAX_OVERVIEWS} slugs, not {}",
                slugs.len()
            )));
        }
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(slugs.len());
        for slug in slugs {
            if !seen.insert(slug.trim().to_string()) {
                continue;
            }
            if let Some(o) = overview_of(ctx, &slug, lang).await? {
                out.push(o);
            }
        }
        Ok(out)
    }
}

/// Most slugs one `projectOverviews` field takes (a page of projects).
const MAX_OVERVIEWS: usize = crate::graphql::pagination::MAX_PAGE as usize;

/// The overview of the project `slug` as the caller may see it.
async fn overview_of(
    ctx: &Context<'_>,
    slug: &str,
    lang: Option<Lang>,
) -> ApiResult<Option<ProjectOverview>> {
    let viewer = &scope(ctx).viewer;
    let Some(project) = project::Entity::find()
        .filter(viewer.project_scope())
        .filter(project::Column::Slug.eq(slug.trim()))
        .one(db(ctx))
        .await?
    else {
        return Ok(None);
    };
    let detail = detail_asked(&ctx.look_ahead().field("indicators"));
    Ok(Some(ProjectOverview::new(project, lang, detail)))
}

/// The facility question of `centreStats` and `workStats`: one body for both,
/// with the kind and status code lists of each.
fn facility_query<K: Copy, S: Copy>(
    group_by: Option<Vec<FacilityDimension>>,
    project: &Option<ID>,
    area: &Option<ID>,
    kinds: Option<Vec<K>>,
    statuses: Option<Vec<S>>,
    kind_code: fn(K) -> &'static str,
    status_code: fn(S) -> &'static str,
) -> ApiResult<FacilityQuery> {
    Ok(FacilityQuery {
        group_by: group_by
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        project: opt_id(NodeType::Project, project)?,
        area: opt_id(NodeType::Area, area)?,
        kinds: kinds
            .unwrap_or_default()
            .into_iter()
            .map(|k| kind_code(k).to_string())
            .collect(),
        statuses: statuses
            .unwrap_or_default()
            .into_iter()
            .map(|s| status_code(s).to_string())
            .collect(),
        // Decided by the viewer in `facility_counts`.
        hide_sensitive_locations: true,
    })
}

/// The detail the selection under `indicator` (an `IndicatorProgress`) asks
/// for: the breakdown by sex only when a period's disaggregations are read.
fn detail_asked(indicator: &async_graphql::Lookahead<'_>) -> progress::Detail {
    match indicator.field("periods").field("disaggregations").exists() {
        true => progress::Detail::BySex,
        false => progress::Detail::Periods,
    }
}
