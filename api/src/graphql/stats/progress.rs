//! Indicator progress and the one-query project overview.

use crate::graphql::prelude::*;
use crate::stats::Dimension;
use crate::stats::aggregate::{self, Kind, StatsQuery as Question};
use crate::stats::facilities::{Facility, FacilityDimension as FacilityDim, FacilityQuery};
use crate::stats::progress::{Detail, Method, Progress};

/// An indicator's progress: baseline, target and actual, per period and in all.
#[derive(Clone)]
pub struct IndicatorProgress(pub Progress);

/// An indicator's progress: baseline, target and actual, per period and in all.
#[Object]
impl IndicatorProgress {
    /// The indicator.
    async fn indicator(&self) -> Indicator {
        Indicator(self.0.indicator.clone())
    }
    /// Short code of the indicator.
    async fn code(&self) -> &str {
        &self.0.indicator.code
    }
    /// Title in the language asked for.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> String {
        let i = &self.0.indicator;
        resolve(ctx, lang).pick(&i.title_az, &i.title_en).clone()
    }
    /// Unit counted.
    async fn unit(&self) -> CountUnit {
        self.0.indicator.unit
    }
    /// How periods combine: `SUM`, or `LATEST` for cumulative figures.
    async fn aggregation(&self) -> Aggregation {
        self.0.indicator.aggregation
    }
    /// Entered, or derived from facts.
    async fn method(&self) -> ProgressMethod {
        match self.0.method {
            Method::Entered => ProgressMethod::Entered,
            Method::Derived => ProgressMethod::Derived,
        }
    }
    /// The derivation rule, for derived indicators (e.g. `works.completed`).
    async fn rule(&self) -> Option<&str> {
        self.0.indicator.derived_from.as_deref()
    }
    /// Baseline value, where known.
    async fn baseline(&self) -> Option<i64> {
        self.0.indicator.baseline
    }
    /// Target value, where known.
    async fn target(&self) -> Option<i64> {
        self.0.indicator.target
    }
    /// Date the target should be reached by, where known.
    async fn target_date(&self) -> Option<NaiveDate> {
        self.0.indicator.target_date
    }
    /// True when the baseline or target is illustrative (not stated by the sources).
    async fn target_illustrative(&self) -> bool {
        self.0.indicator.illustrative
    }
    /// The actual over all periods by the aggregation rule; null value when nothing is recorded or suppressed.
    async fn actual(&self) -> Count {
        match self.0.actual {
            Some(f) => f.into(),
            None => Count {
                value: None,
                suppressed: false,
                disclosure: Disclosure::none(),
            },
        }
    }
    /// Actual as a percentage of the target (one decimal); null when either is unknown or suppressed.
    async fn percent_of_target(&self) -> Option<f64> {
        self.0.percent_of_target
    }
    /// Date the actual is current as of, where known.
    async fn as_of(&self) -> Option<NaiveDate> {
        self.0.as_of
    }
    /// True when the actual depends on illustrative values.
    async fn illustrative(&self) -> bool {
        self.0.illustrative
    }
    /// Values per period, oldest first (periods of unknown date first).
    /// Bounded: one per reporting period of the indicator (at most 12 a year).
    async fn periods(&self) -> Vec<IndicatorPeriod> {
        self.0
            .periods
            .iter()
            .map(|p| IndicatorPeriod {
                period_start: p.start,
                period_end: p.end,
                value: p.figure.into(),
                as_of: p.as_of,
                illustrative: p.illustrative,
                disaggregations: p
                    .disaggregations
                    .iter()
                    .map(|d| IndicatorDisaggregation {
                        dimension: d.dimension.clone(),
                        value: d.value.clone(),
                        count: d.figure.into(),
                        illustrative: d.illustrative,
                    })
                    .collect(),
            })
            .collect()
    }
    /// The source documents behind the indicator and its figures.
    /// Bounded: the source texts this indicator's figures cite.
    async fn sources(&self, ctx: &Context<'_>) -> ApiResult<Vec<SourceDocument>> {
        sources(ctx, &self.0.source_ids).await
    }
}

/// A project at a glance: what was planned, what is done, by when and where.
///
/// Each part is read when it is asked for (a donor card that shows only
/// indicators runs no facility or area statement); the indicators' progress,
/// which three fields share, once.
pub struct ProjectOverview {
    pub(crate) project: project::Model,
    pub(crate) lang: Option<Lang>,
    /// What the selection reads of each indicator.
    pub(crate) detail: Detail,
    pub(crate) progress: tokio::sync::OnceCell<Vec<Progress>>,
}

impl ProjectOverview {
    /// The overview of `project`, facility labels in `lang`.
    pub(crate) fn new(project: project::Model, lang: Option<Lang>, detail: Detail) -> Self {
        Self {
            project,
            lang,
            detail,
            progress: tokio::sync::OnceCell::new(),
        }
    }

    async fn progress(&self, ctx: &Context<'_>) -> ApiResult<&[Progress]> {
        let progress = self
            .progress
            .get_or_try_init(|| async {
                let access = access(ctx).await?;
                let thresholds = scope(ctx).thresholds;
                crate::stats::progress::project_progress(
                    db(ctx),
                    &access,
                    thresholds,
                    self.project.id,
                    self.detail,
                )
                .await
            })
            .await?;
        Ok(progress)
    }

    async fn by_status(&self, ctx: &Context<'_>, what: Facility) -> ApiResult<Vec<FacilityCount>> {
        let query = FacilityQuery {
            group_by: vec![FacilityDim::Status],
            project: Some(self.project.id),
            ..Default::default()
        };
        facility_counts(ctx, what, query, self.lang).await
    }

    /// Bounded: one per unit counted.
    async fn totals(&self, ctx: &Context<'_>, kind: Kind) -> ApiResult<Vec<StatsTotal>> {
        let question = Question {
            kind,
            group_by: Vec::new(),
            select: vec![(Dimension::Project, Some(self.project.id.to_string()))],
            area: None,
        };
        let access = access(ctx).await?;
        let table = aggregate::aggregate(db(ctx), &access, &question).await?;
        Ok(table.totals.iter().map(total_of).collect())
    }
}

/// A project at a glance: what was planned, what is done, by when and where.
#[Object]
impl ProjectOverview {
    /// The project (title, status, dates, budget, participants…).
    async fn project(&self) -> Project {
        Project(self.project.clone())
    }
    /// Status (IATI activity status).
    async fn status(&self) -> ProjectStatus {
        self.project.status
    }
    /// Planned start; null when not published.
    async fn planned_start(&self) -> Option<NaiveDate> {
        self.project.planned_start
    }
    /// Planned end ("by when"); null when not published.
    async fn planned_end(&self) -> Option<NaiveDate> {
        self.project.planned_end
    }
    /// Actual start; null when not published.
    async fn actual_start(&self) -> Option<NaiveDate> {
        self.project.actual_start
    }
    /// Actual end; null when not published.
    async fn actual_end(&self) -> Option<NaiveDate> {
        self.project.actual_end
    }
    /// Planned against done: every indicator with its target and actual.
    /// Bounded: the programme's indicators (set up by hand).
    async fn indicators(&self, ctx: &Context<'_>) -> ApiResult<Vec<IndicatorProgress>> {
        Ok(self
            .progress(ctx)
            .await?
            .iter()
            .cloned()
            .map(IndicatorProgress)
            .collect())
    }
    /// Centres by status.
    /// Bounded: one per centre status.
    async fn centres_by_status(&self, ctx: &Context<'_>) -> ApiResult<Vec<FacilityCount>> {
        self.by_status(ctx, Facility::Centres).await
    }
    /// Infrastructure works by status.
    /// Bounded: one per work status.
    async fn works_by_status(&self, ctx: &Context<'_>) -> ApiResult<Vec<FacilityCount>> {
        self.by_status(ctx, Facility::Works).await
    }
    /// Participants of the project's events, in all (as published).
    /// Bounded: one per unit counted.
    async fn participants(&self, ctx: &Context<'_>) -> ApiResult<Vec<StatsTotal>> {
        self.totals(ctx, Kind::Participants).await
    }
    /// People or appeals served, per unit (as published).
    /// Bounded: one per unit counted.
    async fn services(&self, ctx: &Context<'_>) -> ApiResult<Vec<StatsTotal>> {
        self.totals(ctx, Kind::Services).await
    }
    /// Where: the areas the project works in, and those of its (public) centres and works.
    /// Bounded: the areas the programme works in.
    async fn areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<Area>> {
        let hide = scope(ctx).viewer.hides_sensitive_locations();
        let areas = area::Entity::find()
            .filter(places::areas_of_project(self.project.id, hide))
            .order_by_asc(area::Column::Id)
            .all(db(ctx))
            .await?;
        Ok(areas.into_iter().map(Area).collect())
    }
    /// The latest as-of date of the figures shown, where known.
    async fn as_of(&self, ctx: &Context<'_>) -> ApiResult<Option<NaiveDate>> {
        Ok(self
            .progress(ctx)
            .await?
            .iter()
            .filter_map(|p| p.as_of)
            .max())
    }
    /// Every source document behind the project and its figures.
    /// Bounded: the source texts the programme's figures cite.
    async fn sources(&self, ctx: &Context<'_>) -> ApiResult<Vec<SourceDocument>> {
        let mut ids: BTreeSet<i32> = self.project.source_document_id.into_iter().collect();
        for p in self.progress(ctx).await? {
            ids.extend(p.source_ids.iter().copied());
        }
        sources(ctx, &ids.into_iter().collect::<Vec<_>>()).await
    }
}
