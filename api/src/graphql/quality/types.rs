//! Output types of reporting quality, and the reads behind the quality
//! fields of `Project` and `Report`.

use std::collections::BTreeMap;

use async_graphql::Json as GqlJson;
use chrono::{DateTime, Utc};

use crate::graphql::prelude::*;
use crate::queries::completeness::{self, PeriodTally, Tally, UnitPeriod};
use crate::rules::outliers;
use crate::services::quality as svc;

/// Where one unit's report for one period stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(remote = "crate::queries::completeness::UnitState")]
pub enum ReportState {
    /// Arrived by the due day.
    OnTime,
    /// Arrived after the due day.
    Late,
    /// Not arrived, and the due day has passed.
    Overdue,
    /// Not arrived yet; the due day is today or later.
    Due,
}

/// How two figures compare in a rule.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[graphql(remote = "crate::rules::Op")]
pub enum CompareOp {
    /// Less than.
    Lt,
    /// Less than or equal.
    Le,
    /// Equal.
    Eq,
    /// Greater than or equal.
    Ge,
    /// Greater than.
    Gt,
}

/// A personal dimension a rule may require a figure to be broken down by.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[graphql(remote = "crate::rules::Dimension")]
pub enum BreakdownDimension {
    /// Sex.
    Sex,
    /// Age band.
    AgeBand,
    /// Disability.
    Disability,
    /// Beneficiary category.
    Category,
}

/// Which unit of a project owes which figures, and when.
#[derive(Clone)]
pub struct ReportingObligation(pub reporting_obligation::Model);

/// Which unit of a project owes which figures, and when.
#[Object]
impl ReportingObligation {
    /// Opaque ID.
    async fn id(&self) -> ID {
        encode(NodeType::ReportingObligation, self.0.id)
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The project as a whole, or centres.
    async fn unit_kind(&self) -> ObligationUnit {
        self.0.unit_kind
    }
    /// The one centre that reports; null with unitKind CENTRE means every live centre.
    async fn centre(&self, ctx: &Context<'_>) -> ApiResult<Option<Centre>> {
        Ok(opt(ctx, self.0.centre_id.map(CentreById))
            .await?
            .map(Centre))
    }
    /// Which figures are owed.
    async fn figures(&self) -> ObligationFigures {
        self.0.figures
    }
    /// How often.
    async fn frequency(&self) -> ReportingFrequency {
        self.0.frequency
    }
    /// Days after a period's last day by which its report is due.
    async fn due_days(&self) -> i32 {
        self.0.due_days
    }
    /// The first period owed is the one containing this day.
    async fn starts_on(&self) -> NaiveDate {
        self.0.starts_on
    }
    /// No period after the one containing this day is owed.
    async fn ends_on(&self) -> Option<NaiveDate> {
        self.0.ends_on
    }
    /// True when archived (owed no more).
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
}

/// A validation rule: one definition the browser (offline) and the server evaluate alike.
#[derive(Clone)]
pub struct ValidationRule(pub validation_rule::Model);

/// A validation rule: one definition the browser (offline) and the server evaluate alike.
#[Object]
impl ValidationRule {
    /// Opaque ID.
    async fn id(&self) -> ID {
        encode(NodeType::ValidationRule, self.0.id)
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// What the rule checks.
    async fn kind(&self) -> RuleKind {
        self.0.kind
    }
    /// ERROR blocks an entry; WARNING asks the manager for a reason.
    async fn severity(&self) -> RuleSeverity {
        self.0.severity
    }
    /// The definition as both evaluators read it (JSON: `kind` and its
    /// parameters; see `web/src/lib/rules/evaluate.ts`).
    async fn definition(&self) -> GqlJson<Json> {
        GqlJson(self.0.definition.clone())
    }
    /// The indicator the rule is declared for (null: the project's service counts).
    async fn indicator(&self, ctx: &Context<'_>) -> ApiResult<Option<Indicator>> {
        Ok(opt(ctx, self.0.indicator_id.map(IndicatorById))
            .await?
            .map(Indicator))
    }
    /// The message shown when the rule is broken, in the language asked for.
    async fn message(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> String {
        text(ctx, lang, &self.0.message_az, &self.0.message_en)
    }
    /// The message in Azerbaijani.
    async fn message_az(&self) -> &str {
        &self.0.message_az
    }
    /// The message in English.
    async fn message_en(&self) -> &str {
        &self.0.message_en
    }
    /// True when archived (checks nothing).
    async fn archived(&self) -> bool {
        self.0.archived_at.is_some()
    }
}

/// Counts of reports owed, arrived, on time and overdue.
#[derive(SimpleObject, Clone)]
pub struct CompletenessCounts {
    /// Reports owed.
    pub expected: i32,
    /// Reports arrived ("12 of 14 reported").
    pub received: i32,
    /// Reports arrived by their due day ("10 on time").
    pub on_time: i32,
    /// Reports not arrived after their due day.
    pub overdue: i32,
}

impl From<&Tally> for CompletenessCounts {
    fn from(t: &Tally) -> Self {
        Self {
            expected: t.expected,
            received: t.received,
            on_time: t.on_time,
            overdue: t.overdue,
        }
    }
}

/// Completeness of one district's reports for a period.
#[derive(Clone)]
pub struct DistrictCompleteness {
    area_id: Option<i32>,
    counts: Tally,
}

/// Completeness of one district's reports for a period.
#[Object]
impl DistrictCompleteness {
    /// The district or city (null: the project as a whole, a unit with no
    /// known place, or a unit whose location is not published).
    async fn area(&self, ctx: &Context<'_>) -> ApiResult<Option<Area>> {
        Ok(opt(ctx, self.area_id.map(AreaById)).await?.map(Area))
    }
    /// The counts.
    async fn counts(&self) -> CompletenessCounts {
        (&self.counts).into()
    }
}

/// Completeness and timeliness of one period's reports of one kind of figures.
#[derive(Clone)]
pub struct PeriodCompleteness(pub PeriodTally);

/// Completeness and timeliness of one period's reports of one kind of figures.
#[Object]
impl PeriodCompleteness {
    /// Which figures.
    async fn figures(&self) -> ObligationFigures {
        self.0.figures
    }
    /// First day of the period.
    async fn period_start(&self) -> NaiveDate {
        self.0.period_start
    }
    /// Last day of the period.
    async fn period_end(&self) -> NaiveDate {
        self.0.period_end
    }
    /// All units together.
    async fn counts(&self) -> CompletenessCounts {
        (&self.0.total).into()
    }
    /// Per district or city.
    /// Bounded: one per district of the programme.
    async fn districts(&self) -> Vec<DistrictCompleteness> {
        self.0
            .districts
            .iter()
            .map(|(area_id, counts)| DistrictCompleteness {
                area_id: *area_id,
                counts: counts.clone(),
            })
            .collect()
    }
}

/// One unit's report for one period that has not arrived.
#[derive(Clone)]
pub struct DueReport(pub UnitPeriod);

/// One unit's report for one period that has not arrived.
#[Object]
impl DueReport {
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        Ok(one(ctx, ProjectById(self.0.project_id)).await?.map(Project))
    }
    /// The centre that owes it (null: the project as a whole).
    async fn centre(&self, ctx: &Context<'_>) -> ApiResult<Option<Centre>> {
        Ok(opt(ctx, self.0.centre_id.map(CentreById))
            .await?
            .map(Centre))
    }
    /// Which figures.
    async fn figures(&self) -> ObligationFigures {
        self.0.figures
    }
    /// First day of the period.
    async fn period_start(&self) -> NaiveDate {
        self.0.period_start
    }
    /// Last day of the period.
    async fn period_end(&self) -> NaiveDate {
        self.0.period_end
    }
    /// The day it is due.
    async fn due_on(&self) -> NaiveDate {
        self.0.due_on
    }
    /// DUE or OVERDUE.
    async fn state(&self) -> ReportState {
        self.0.state.into()
    }
}

/// A rule an entry broke, as stored with the entry.
#[derive(Clone)]
pub struct RuleResult(pub rule_result::Model);

/// A rule an entry broke, as stored with the entry.
#[Object]
impl RuleResult {
    /// The rule.
    async fn rule(&self, ctx: &Context<'_>) -> ApiResult<Option<ValidationRule>> {
        let db = ctx.data_unchecked::<DatabaseConnection>();
        Ok(validation_rule::Entity::find_by_id(self.0.rule_id)
            .one(db)
            .await?
            .map(ValidationRule))
    }
    /// ERROR or WARNING (as the rule was when the entry was written).
    async fn severity(&self) -> RuleSeverity {
        self.0.severity
    }
    /// The centre of the entry (null: the project as a whole).
    async fn centre(&self, ctx: &Context<'_>) -> ApiResult<Option<Centre>> {
        let id = (self.0.unit_key != 0).then_some(self.0.unit_key);
        Ok(opt(ctx, id.map(CentreById)).await?.map(Centre))
    }
    /// First day of the entry's period.
    async fn period_start(&self) -> NaiveDate {
        self.0.period_start
    }
    /// Last day of the entry's period.
    async fn period_end(&self) -> NaiveDate {
        self.0.period_end
    }
    /// The values the rule compared (JSON: `value`, `left`, `right`, `median`, `limit`).
    async fn values(&self) -> GqlJson<Json> {
        GqlJson(self.0.detail.clone())
    }
    /// The manager's reason for keeping the figures (a confirmed warning).
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    /// When the entry was checked.
    async fn evaluated_at(&self) -> DateTime<Utc> {
        self.0.evaluated_at
    }
}

/// A figure that stands out from its unit's own history (modified z-score
/// above 3.5). Shown to the people who edit or review the project; never public.
#[derive(SimpleObject, Clone)]
pub struct Outlier {
    /// The centre (null: the project as a whole).
    pub centre_id: Option<ID>,
    /// The centre's name in the language asked for, when it has one.
    pub centre_name: Option<String>,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// The figure, e.g. `RECEIVED_PERSONS`.
    pub figure: String,
    /// Its value.
    pub value: i64,
    /// The median of the unit's past values.
    pub median: f64,
    /// The modified z-score (±1e9 when every past value was the same).
    pub score: f64,
    /// How many past periods the score is based on.
    pub history: i32,
}

/// A reviewer's comment on one figure of a report.
#[derive(Clone)]
pub struct FigureComment(pub figure_comment::Model);

/// A reviewer's comment on one figure of a report.
#[Object]
impl FigureComment {
    /// The figure, as the review screen names it.
    async fn figure(&self) -> &str {
        &self.0.figure
    }
    /// The comment.
    async fn body(&self) -> &str {
        &self.0.body
    }
    /// Who wrote it.
    async fn author(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Option<crate::graphql::accounts::types::User>> {
        use crate::graphql::accounts::loaders::{UserById, load};
        Ok(match self.0.author_id {
            Some(id) => load(ctx, UserById(id))
                .await?
                .map(crate::graphql::accounts::types::User),
            None => None,
        })
    }
    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// Whether the caller edits (or reviews) the project.
pub(crate) fn edits(ctx: &Context<'_>, project_id: i32) -> bool {
    scope(ctx).viewer.can_edit_project(project_id)
}

/// A project's obligations (archived ones only for those who edit it).
pub(crate) async fn obligations_of(
    ctx: &Context<'_>,
    project_id: i32,
) -> ApiResult<Vec<ReportingObligation>> {
    let mut q = reporting_obligation::Entity::find()
        .filter(reporting_obligation::Column::ProjectId.eq(project_id));
    if !edits(ctx, project_id) {
        q = q.filter(reporting_obligation::Column::ArchivedAt.is_null());
    }
    Ok(q.order_by_asc(reporting_obligation::Column::Id)
        .all(db(ctx))
        .await?
        .into_iter()
        .map(ReportingObligation)
        .collect())
}

/// A project's validation rules, for those who edit it (empty for anyone else).
pub(crate) async fn rules_of(ctx: &Context<'_>, project_id: i32) -> ApiResult<Vec<ValidationRule>> {
    if !edits(ctx, project_id) {
        return Ok(Vec::new());
    }
    Ok(validation_rule::Entity::find()
        .filter(validation_rule::Column::ProjectId.eq(project_id))
        .order_by_asc(validation_rule::Column::Id)
        .all(db(ctx))
        .await?
        .into_iter()
        .map(ValidationRule)
        .collect())
}

/// A project's completeness per period over `[from, to]`.
pub(crate) async fn completeness_of(
    ctx: &Context<'_>,
    project_id: i32,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<Vec<PeriodCompleteness>> {
    let (from, to) = super::range(from, to)?;
    let today = Utc::now().date_naive();
    let units = completeness::unit_periods(db(ctx), &[project_id], from, to, today).await?;
    let hide = !scope(ctx).viewer.sees_raw_figures(project_id);
    Ok(completeness::tally(&units, hide)
        .into_iter()
        .map(PeriodCompleteness)
        .collect())
}

/// The rules a project's entries broke in periods overlapping `[from, to]`
/// (for those who edit it; empty for anyone else).
pub(crate) async fn rule_results_of(
    ctx: &Context<'_>,
    project_id: i32,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<Vec<RuleResult>> {
    if !edits(ctx, project_id) {
        return Ok(Vec::new());
    }
    use rule_result::Column as X;
    Ok(rule_result::Entity::find()
        .filter(X::ProjectId.eq(project_id))
        .filter(X::PeriodStart.lte(to))
        .filter(X::PeriodEnd.gte(from))
        .order_by_asc(X::PeriodStart)
        .order_by_asc(X::UnitKey)
        .order_by_asc(X::Id)
        .all(db(ctx))
        .await?
        .into_iter()
        .map(RuleResult)
        .collect())
}

/// Figures of entries with a period inside `[from, to]` that stand out from
/// their unit's own history (for those who edit the project; empty for
/// anyone else, so never on a public page).
pub(crate) async fn outliers_of(
    ctx: &Context<'_>,
    project_id: i32,
    from: NaiveDate,
    to: NaiveDate,
    lang: Option<Lang>,
) -> ApiResult<Vec<Outlier>> {
    if !edits(ctx, project_id) {
        return Ok(Vec::new());
    }
    use service_count::Column as Col;
    let rows = service_count::Entity::find()
        .filter(Col::ProjectId.eq(project_id))
        .filter(Col::PeriodStart.gte(from))
        .filter(Col::PeriodEnd.lte(to))
        .all(db(ctx))
        .await?;
    let mut entries: BTreeMap<(Option<i32>, NaiveDate, NaiveDate), Vec<crate::rules::Cell>> =
        BTreeMap::new();
    for r in &rows {
        let (Some(s), Some(e)) = (r.period_start, r.period_end) else {
            continue;
        };
        entries
            .entry((r.centre_id, s, e))
            .or_default()
            .push(svc::rule_cell(r));
    }
    let mut out = Vec::new();
    for ((centre_id, start, end), cells) in entries {
        let history = svc::service_history(db(ctx), project_id, centre_id, start).await?;
        let centre_name = match centre_id {
            Some(id) => one(ctx, CentreById(id))
                .await?
                .map(|c| text(ctx, lang, &c.name_az, &c.name_en)),
            None => None,
        };
        for (figure, value) in crate::rules::figures_of(&cells).figures {
            let past = history.get(&figure).map(Vec::as_slice).unwrap_or(&[]);
            let Some(score) = outliers::modified_z(past, value) else {
                continue;
            };
            if !outliers::flagged(score) {
                continue;
            }
            let h: Vec<f64> = past.iter().map(|v| *v as f64).collect();
            out.push(Outlier {
                centre_id: centre_id.map(|id| encode(NodeType::Centre, id)),
                centre_name: centre_name.clone(),
                period_start: start,
                period_end: end,
                figure,
                value,
                median: crate::rules::median(&h).unwrap_or(0.0),
                score: score.clamp(-1e9, 1e9),
                history: past.len() as i32,
            });
        }
    }
    Ok(out)
}

/// A report's comments on its figures (for those who edit or review the project).
pub(crate) async fn comments_of(
    ctx: &Context<'_>,
    report: &report::Model,
) -> ApiResult<Vec<FigureComment>> {
    if !edits(ctx, report.project_id) {
        return Ok(Vec::new());
    }
    Ok(figure_comment::Entity::find()
        .filter(figure_comment::Column::ReportId.eq(report.id))
        .order_by_asc(figure_comment::Column::Id)
        .all(db(ctx))
        .await?
        .into_iter()
        .map(FigureComment)
        .collect())
}
