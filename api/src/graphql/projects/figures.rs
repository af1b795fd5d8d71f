//! A project's figures: indicators with their values, and service counts,
//! each published through small-cell suppression.

use crate::graphql::prelude::*;

/// A measured result of a project.
#[derive(Clone)]
pub struct Indicator(pub indicator::Model);

/// A measured result of a project.
#[Object]
impl Indicator {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(NodeType::Indicator, self.0.id)
    }
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Title in Azerbaijani as stored (empty while not filled); for editing.
    async fn title_az(&self) -> &str {
        &self.0.title_az
    }
    /// Title in English as stored (empty while not filled); for editing.
    async fn title_en(&self) -> &str {
        &self.0.title_en
    }
    /// The language `title` answers in: the one asked for, or the other while
    /// the asked one is not filled yet (the site marks such a title).
    async fn title_language(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Lang {
        text_lang(ctx, lang, &self.0.title_az, &self.0.title_en)
    }
    /// Targets per period, whole and broken down, oldest first.
    /// Bounded: one per target period and breakdown set up for the indicator.
    async fn targets(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::setup::IndicatorTarget>> {
        crate::graphql::setup::targets_of(ctx, self.0.id).await
    }
    /// When the record was archived (administrators only see archived records); null while live.
    async fn archived_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.archived_at
    }
    /// Sources cited for this record, each with the passage that states its fact.
    /// Bounded: the passages quoted for this record (set up by hand).
    async fn citations(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::setup::Citation>> {
        crate::graphql::setup::citations_of(ctx, "indicator", self.0.id).await
    }
    /// Short code, unique within the project.
    async fn code(&self) -> &str {
        &self.0.code
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
        text(ctx, lang, &self.0.title_az, &self.0.title_en)
    }
    /// Unit counted.
    async fn unit(&self) -> CountUnit {
        self.0.unit
    }
    /// Whether people are counted once or every occurrence counts.
    async fn counting_rule(&self) -> CountingRule {
        self.0.counting_rule
    }
    /// How period values combine: summed, or the latest (cumulative) value.
    async fn aggregation(&self) -> Aggregation {
        self.0.aggregation
    }
    /// Baseline value.
    async fn baseline(&self) -> Option<i64> {
        self.0.baseline
    }
    /// Target value.
    async fn target(&self) -> Option<i64> {
        self.0.target
    }
    /// Date the target should be reached by.
    async fn target_date(&self) -> Option<NaiveDate> {
        self.0.target_date
    }
    /// Rule that derives the actual value from recorded facts, if any (e.g. `works.completed`).
    async fn derived_from(&self) -> Option<&str> {
        self.0.derived_from.as_deref()
    }
    /// Sensitivity class of the values.
    async fn sensitivity(&self) -> Sensitivity {
        self.0.sensitivity
    }
    /// Entered values, whole and disaggregated, as published (small values suppressed).
    /// Bounded by the indicator's own reporting: one row per period and breakdown value entered (a monthly indicator by sex adds 36 a year). Not paged because the protection of small counts decides over all of them at once.
    async fn values(&self, ctx: &Context<'_>) -> ApiResult<Vec<IndicatorValue>> {
        let rows = many(ctx, ValuesByIndicator(self.0.id)).await?;
        let scope = scope(ctx);
        let raw = scope.viewer.sees_raw_figures(self.0.project_id);
        Ok(
            protect_breakdown(rows, self.0.sensitivity, &scope.thresholds, raw)
                .into_iter()
                .map(|(row, figure)| IndicatorValue {
                    row,
                    figure: figure.into(),
                })
                .collect(),
        )
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        Ok(one(ctx, ProjectById(self.0.project_id)).await?.map(Project))
    }
    /// The text the indicator comes from.
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Option<SourceDocument>> {
        Ok(opt(ctx, self.0.source_document_id.map(SourceById))
            .await?
            .map(SourceDocument))
    }
}

/// Protects indicator values: within each period, a dimension's values are
/// the cells and the value without dimension is their total
/// ([`reported::protect_period`], the rule `indicatorProgress` applies too).
pub(crate) fn protect_breakdown(
    rows: Vec<indicator_value::Model>,
    class: Sensitivity,
    thresholds: &Thresholds,
    raw: bool,
) -> Vec<(indicator_value::Model, Figure)> {
    use std::collections::BTreeMap;
    type Period = (Option<NaiveDate>, Option<NaiveDate>);
    /// A period's whole value and its disaggregations' rows, by dimension.
    type Rows<'a> = (Option<usize>, BTreeMap<&'a str, Vec<usize>>);
    let mut figures: Vec<Option<Figure>> = vec![None; rows.len()];
    let mut periods: BTreeMap<Period, Rows<'_>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let slot = periods
            .entry((row.period_start, row.period_end))
            .or_default();
        match &row.dimension {
            None => slot.0 = Some(i),
            Some(dim) => slot.1.entry(dim.as_str()).or_default().push(i),
        }
    }
    for (whole, dims) in periods.values() {
        let members: Vec<&Vec<usize>> = dims.values().collect();
        let counts: Vec<Vec<i64>> = members
            .iter()
            .map(|m| m.iter().map(|&i| rows[i].value).collect())
            .collect();
        let (_, whole_figure, published) = reported::protect_period(
            whole.map(|w| rows[w].value),
            &counts,
            class,
            thresholds,
            raw,
        );
        if let Some(w) = whole {
            figures[*w] = Some(whole_figure);
        }
        for (m, figs) in members.iter().zip(published) {
            for (&i, f) in m.iter().zip(figs) {
                figures[i] = Some(f);
            }
        }
    }
    rows.into_iter()
        .zip(figures)
        .filter_map(|(row, figure)| figure.map(|f| (row, f)))
        .collect()
}

/// An indicator's value for a period, whole or for one disaggregation.
#[derive(Clone)]
pub struct IndicatorValue {
    pub(crate) row: indicator_value::Model,
    pub(crate) figure: Count,
}

/// An indicator's value for a period, whole or for one disaggregation.
#[Object]
impl IndicatorValue {
    /// First day of the period; null when the source gives none.
    async fn period_start(&self) -> Option<NaiveDate> {
        self.row.period_start
    }
    /// Last day of the period; null when open or not given.
    async fn period_end(&self) -> Option<NaiveDate> {
        self.row.period_end
    }
    /// Disaggregation dimension (e.g. `level`), null for the whole.
    async fn dimension(&self) -> Option<&str> {
        self.row.dimension.as_deref()
    }
    /// Value of the dimension (e.g. `central`), null for the whole.
    async fn dimension_value(&self) -> Option<&str> {
        self.row.dimension_value.as_deref()
    }
    /// The value, as published.
    async fn value(&self) -> Count {
        self.figure
    }
    /// Date the value is current as of.
    async fn as_of(&self) -> Option<NaiveDate> {
        self.row.as_of
    }
    /// The text the value comes from.
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Option<SourceDocument>> {
        Ok(opt(ctx, self.row.source_document_id.map(SourceById))
            .await?
            .map(SourceDocument))
    }
}

/// A count of people or appeals for a period, as published.
#[derive(Clone)]
pub struct ServiceCount {
    pub(crate) row: service_count::Model,
    pub(crate) figure: Figure,
}

/// A count of people or appeals for a period, as published.
#[Object]
impl ServiceCount {
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.row.version
    }
    /// First day of the period; null when the source gives no date.
    async fn period_start(&self) -> Option<NaiveDate> {
        self.row.period_start
    }
    /// Last day of the period; null when open or not given.
    async fn period_end(&self) -> Option<NaiveDate> {
        self.row.period_end
    }
    /// The period as the source words it.
    async fn period_label(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Option<String> {
        opt_text(
            ctx,
            lang,
            &self.row.period_label_az,
            &self.row.period_label_en,
        )
    }
    /// Type of support; null when the count covers all types.
    async fn support_type(&self) -> Option<SupportType> {
        self.row.support_type
    }
    /// Channel; null when the count covers all channels.
    async fn channel(&self) -> Option<Channel> {
        self.row.channel
    }
    /// Stage: received, served or referred.
    async fn stage(&self) -> ServiceStage {
        self.row.stage
    }
    /// Unit: persons or appeals (never added together).
    async fn unit(&self) -> CountUnit {
        self.row.unit
    }
    /// Beneficiary category; null when not broken down.
    async fn category(&self) -> Option<BeneficiaryCategory> {
        self.row.category
    }
    /// Sex; null when not broken down.
    async fn sex(&self) -> Option<Sex> {
        self.row.sex
    }
    /// Age band; null when not broken down.
    async fn age_band(&self) -> Option<AgeBand> {
        self.row.age_band
    }
    /// Sensitivity class of the people counted.
    async fn sensitivity(&self) -> Sensitivity {
        self.row.sensitivity
    }
    /// The count; null when suppressed.
    async fn value(&self) -> Option<i64> {
        self.figure.value
    }
    /// True when the count was withheld by small-cell suppression.
    async fn suppressed(&self) -> bool {
        self.figure.suppressed
    }
    /// How the count was protected.
    async fn protection(&self) -> Protection {
        self.figure.protection.into()
    }
    /// The class the count was protected as (PUBLIC counts protect no one).
    async fn class(&self) -> Sensitivity {
        self.figure.class
    }
    /// For a withheld count: it hides fewer than this many people (each
    /// record it counts is below its threshold); null when published.
    async fn withheld_below(&self) -> Option<i64> {
        self.figure.below
    }
    /// Centre the count belongs to; null when it covers several.
    async fn centre(&self, ctx: &Context<'_>) -> ApiResult<Option<Centre>> {
        Ok(opt(ctx, self.row.centre_id.map(CentreById))
            .await?
            .map(Centre))
    }
    /// The text the count comes from.
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Option<SourceDocument>> {
        Ok(opt(ctx, self.row.source_document_id.map(SourceById))
            .await?
            .map(SourceDocument))
    }
}
