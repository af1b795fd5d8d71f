//! GraphQL output types. Each wraps a table model and decides what is
//! public; relations resolve through the request's DataLoaders.

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::NaiveDate;

use entities::codes::*;
use entities::*;

use super::access::Viewer;
use super::ids::{NodeType, encode};
use super::lang::{Lang, resolve};
use super::loaders::*;
use crate::disclosure::{Figure, Thresholds, protect_single, protect_table};
use crate::error::{ApiResult, AppError};

/// What a request carries besides its loaders: the caller and the suppression thresholds.
#[derive(Debug, Clone)]
pub struct RequestScope {
    /// The caller.
    pub viewer: Viewer,
    /// Small-cell thresholds.
    pub thresholds: Thresholds,
    /// The request's `x-request-id`, for audit rows.
    pub request_id: Option<String>,
}

pub(crate) fn scope<'a>(ctx: &'a Context<'_>) -> &'a RequestScope {
    ctx.data_unchecked::<RequestScope>()
}

async fn one<K>(ctx: &Context<'_>, key: K) -> ApiResult<Option<<Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = AppError>,
{
    ctx.data_unchecked::<DataLoader<Loaders>>()
        .load_one(key)
        .await
}

async fn opt<K>(
    ctx: &Context<'_>,
    key: Option<K>,
) -> ApiResult<Option<<Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = AppError>,
{
    match key {
        Some(k) => one(ctx, k).await,
        None => Ok(None),
    }
}

async fn many<K, M>(ctx: &Context<'_>, key: K) -> ApiResult<Vec<M>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    M: Send + Sync + Clone + 'static,
    Loaders: Loader<K, Value = Vec<M>, Error = AppError>,
{
    Ok(one(ctx, key).await?.unwrap_or_default())
}

fn text(ctx: &Context<'_>, lang: Option<Lang>, az: &str, en: &str) -> String {
    resolve(ctx, lang).pick(az, en).to_string()
}

fn opt_text(
    ctx: &Context<'_>,
    lang: Option<Lang>,
    az: &Option<String>,
    en: &Option<String>,
) -> Option<String> {
    resolve(ctx, lang).pick(az, en).clone()
}

/// A published count: the value, or null with `suppressed: true` when it is
/// too small to publish without risking identifying someone.
#[derive(SimpleObject, Debug, Clone, Copy)]
pub struct Count {
    /// The count; null when suppressed.
    pub value: Option<i64>,
    /// True when the count was withheld by small-cell suppression.
    pub suppressed: bool,
}

impl From<Figure> for Count {
    fn from(f: Figure) -> Self {
        Self {
            value: f.value,
            suppressed: f.suppressed,
        }
    }
}

/// A sum of money.
#[derive(SimpleObject, Debug, Clone)]
pub struct Money {
    /// Amount in whole currency units.
    pub amount: i64,
    /// ISO 4217 currency code.
    pub currency: Option<String>,
}

fn money(amount: Option<i64>, currency: &Option<String>) -> Option<Money> {
    amount.map(|amount| Money {
        amount,
        currency: currency.clone(),
    })
}

/// Every object reachable by `node(id:)`.
#[derive(async_graphql::Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
pub enum Node {
    /// A project.
    Project(Project),
    /// A centre.
    Centre(Centre),
    /// An event.
    Event(Event),
    /// An infrastructure work.
    InfrastructureWork(InfrastructureWork),
    /// An organisation.
    Organisation(Organisation),
    /// An area.
    Area(Area),
    /// A source document.
    SourceDocument(SourceDocument),
    /// An indicator.
    Indicator(Indicator),
    /// A team.
    Team(Team),
    /// A plan.
    Plan(Plan),
}

/// Loads any node by its global ID, within the caller's scope.
pub async fn load_node(ctx: &Context<'_>, kind: NodeType, id: i32) -> ApiResult<Option<Node>> {
    Ok(match kind {
        NodeType::Project => one(ctx, ProjectById(id))
            .await?
            .map(|m| Node::Project(Project(m))),
        NodeType::Centre => one(ctx, CentreById(id))
            .await?
            .map(|m| Node::Centre(Centre(m))),
        NodeType::Event => one(ctx, EventById(id))
            .await?
            .map(|m| Node::Event(Event(m))),
        NodeType::InfrastructureWork => one(ctx, WorkById(id))
            .await?
            .map(|m| Node::InfrastructureWork(InfrastructureWork(m))),
        NodeType::Organisation => one(ctx, OrganisationById(id))
            .await?
            .map(|m| Node::Organisation(Organisation(m))),
        NodeType::Area => one(ctx, AreaById(id)).await?.map(|m| Node::Area(Area(m))),
        NodeType::SourceDocument => one(ctx, SourceById(id))
            .await?
            .map(|m| Node::SourceDocument(SourceDocument(m))),
        NodeType::Indicator => one(ctx, IndicatorById(id))
            .await?
            .map(|m| Node::Indicator(Indicator(m))),
        NodeType::Team => one(ctx, TeamById(id)).await?.map(|m| Node::Team(Team(m))),
        NodeType::Plan => one(ctx, PlanById(id)).await?.map(|m| Node::Plan(Plan(m))),
        // Reports, users and API keys are reached through `reports`, `me` and admin fields.
        NodeType::Report | NodeType::User | NodeType::ApiKey => None,
    })
}

// ---------------------------------------------------------------- projects

/// A programme or project whose progress is tracked.
#[derive(Clone)]
pub struct Project(pub project::Model);

/// Fields a project list can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectOrderField {
    /// Title in the request's language.
    Title,
    /// Start date (actual, else planned; unknown dates first).
    StartDate,
    /// Status code.
    Status,
    /// URL slug.
    Slug,
}

/// A programme or project whose progress is tracked.
#[Object]
impl Project {
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::Project, self.0.id)
    }
    /// Stable URL slug, e.g. `undp-early-recovery-fuzuli-agjabadi-tartar`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }
    /// IATI activity identifier, where one is published.
    async fn iati_identifier(&self) -> Option<&str> {
        self.0.iati_identifier.as_deref()
    }
    /// Title in the language asked for.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
        text(ctx, lang, &self.0.title_az, &self.0.title_en)
    }
    /// Summary in the language asked for.
    async fn summary(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.summary_az, &self.0.summary_en)
    }
    /// Status (IATI activity status).
    async fn status(&self) -> ProjectStatus {
        self.0.status
    }
    /// Planned start date; null when not published.
    async fn planned_start(&self) -> Option<NaiveDate> {
        self.0.planned_start
    }
    /// Planned end date; null when not published.
    async fn planned_end(&self) -> Option<NaiveDate> {
        self.0.planned_end
    }
    /// Actual start date; null when not published.
    async fn actual_start(&self) -> Option<NaiveDate> {
        self.0.actual_start
    }
    /// Actual end date; null when not published.
    async fn actual_end(&self) -> Option<NaiveDate> {
        self.0.actual_end
    }
    /// Budget; null when not published.
    async fn budget(&self) -> Option<Money> {
        money(self.0.budget_amount, &self.0.budget_currency)
    }
    /// Sensitivity class of the people the project serves (sets the suppression threshold).
    async fn sensitivity(&self) -> Sensitivity {
        self.0.sensitivity
    }
    /// Parent project, if this is a component of a larger one.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        Ok(opt(ctx, self.0.parent_id.map(ProjectById))
            .await?
            .map(Project))
    }
    /// The text the project's description comes from.
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Option<SourceDocument>> {
        Ok(opt(ctx, self.0.source_document_id.map(SourceById))
            .await?
            .map(SourceDocument))
    }
    /// Organisations taking part, with their roles.
    async fn participants(&self, ctx: &Context<'_>) -> ApiResult<Vec<Participation>> {
        Ok(many(ctx, ParticipantsByProject(self.0.id))
            .await?
            .into_iter()
            .map(Participation)
            .collect())
    }
    /// Areas the project works in.
    async fn areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<Area>> {
        Ok(many(ctx, AreasOfProject(self.0.id))
            .await?
            .into_iter()
            .map(Area)
            .collect())
    }
    /// Centres the project runs or supports.
    async fn centres(&self, ctx: &Context<'_>) -> ApiResult<Vec<Centre>> {
        Ok(many(ctx, CentresByProject(self.0.id))
            .await?
            .into_iter()
            .map(Centre)
            .collect())
    }
    /// Trainings, courses, meetings and other events.
    async fn events(&self, ctx: &Context<'_>) -> ApiResult<Vec<Event>> {
        Ok(many(ctx, EventsByProject(self.0.id))
            .await?
            .into_iter()
            .map(Event)
            .collect())
    }
    /// Infrastructure works.
    async fn infrastructure_works(&self, ctx: &Context<'_>) -> ApiResult<Vec<InfrastructureWork>> {
        Ok(many(ctx, WorksByProject(self.0.id))
            .await?
            .into_iter()
            .map(InfrastructureWork)
            .collect())
    }
    /// Indicators with baselines and targets.
    async fn indicators(&self, ctx: &Context<'_>) -> ApiResult<Vec<Indicator>> {
        Ok(many(ctx, IndicatorsByProject(self.0.id))
            .await?
            .into_iter()
            .map(Indicator)
            .collect())
    }
    /// Mobile teams and volunteer teams.
    async fn teams(&self, ctx: &Context<'_>) -> ApiResult<Vec<Team>> {
        Ok(many(ctx, TeamsByProject(self.0.id))
            .await?
            .into_iter()
            .map(Team)
            .collect())
    }
    /// Plans (and goals of them) the project serves.
    async fn plans(&self, ctx: &Context<'_>) -> ApiResult<Vec<PlanLink>> {
        Ok(many(ctx, PlanLinksByProject(self.0.id))
            .await?
            .into_iter()
            .map(PlanLink)
            .collect())
    }
    /// Counts of people or appeals served, as reported and published (small counts
    /// suppressed; an illustrative breakdown appears as the figure it adds up to —
    /// see `serviceStats` for breakdowns).
    async fn service_counts(&self, ctx: &Context<'_>) -> ApiResult<Vec<ServiceCount>> {
        // Published through the same suppression as `serviceStats` (one decision
        // for every grouping of the data); the cells of an illustrative
        // breakdown are shown as the reported figure they add up to.
        let rows = many(ctx, ServiceCountsByProject(self.0.id)).await?;
        Ok(super::stats::published_service_counts(ctx, self.0.id, rows)
            .await?
            .into_iter()
            .map(|(row, figure)| ServiceCount { row, figure })
            .collect())
    }
}

/// An organisation's role in a project.
#[derive(Clone)]
pub struct Participation(pub project_participant::Model);

/// An organisation's role in a project.
#[Object]
impl Participation {
    /// The organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Organisation> {
        one(ctx, OrganisationById(self.0.organisation_id))
            .await?
            .map(Organisation)
            .ok_or_else(|| AppError::NotFound("organisation".into()))
    }
    /// The project (null when the caller may not see it).
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        Ok(one(ctx, ProjectById(self.0.project_id)).await?.map(Project))
    }
    /// Role (IATI organisation role, or partner).
    async fn role(&self) -> ParticipantRole {
        self.0.role
    }
    /// What the organisation does in the project.
    async fn note(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.note_az, &self.0.note_en)
    }
}

/// A plan, or one goal of it, that a project serves.
#[derive(Clone)]
pub struct PlanLink(pub project_plan_link::Model);

/// A plan, or one goal of it, that a project serves.
#[Object]
impl PlanLink {
    /// The plan.
    async fn plan(&self, ctx: &Context<'_>) -> ApiResult<Option<Plan>> {
        Ok(one(ctx, PlanById(self.0.plan_id)).await?.map(Plan))
    }
    /// The goal, when the project serves a particular one.
    async fn goal(&self, ctx: &Context<'_>) -> ApiResult<Option<Goal>> {
        Ok(opt(ctx, self.0.goal_id.map(GoalById)).await?.map(Goal))
    }
}

/// A strategy or action plan with numbered goals.
#[derive(Clone)]
pub struct Plan(pub plan::Model);

/// A strategy or action plan with numbered goals.
#[Object]
impl Plan {
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::Plan, self.0.id)
    }
    /// Title in the language asked for.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
        text(ctx, lang, &self.0.title_az, &self.0.title_en)
    }
    /// First year covered.
    async fn start_year(&self) -> Option<i32> {
        self.0.start_year
    }
    /// Last year covered.
    async fn end_year(&self) -> Option<i32> {
        self.0.end_year
    }
    /// Number of goals, where the source gives it.
    async fn goal_count(&self) -> Option<i32> {
        self.0.goal_count
    }
    /// Organisation that owns the plan; null for national plans.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        Ok(opt(ctx, self.0.organisation_id.map(OrganisationById))
            .await?
            .map(Organisation))
    }
    /// Goals, by number.
    async fn goals(&self, ctx: &Context<'_>) -> ApiResult<Vec<Goal>> {
        Ok(many(ctx, GoalsByPlan(self.0.id))
            .await?
            .into_iter()
            .map(Goal)
            .collect())
    }
    /// The text that describes the plan.
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Option<SourceDocument>> {
        Ok(opt(ctx, self.0.source_document_id.map(SourceById))
            .await?
            .map(SourceDocument))
    }
}

/// A numbered goal of a plan.
#[derive(Clone)]
pub struct Goal(pub goal::Model);

/// A numbered goal of a plan.
#[Object]
impl Goal {
    /// Number within the plan.
    async fn number(&self) -> i32 {
        self.0.number
    }
    /// Title; null where the source does not give it.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.title_az, &self.0.title_en)
    }
    /// What the goal covers, where the source says.
    async fn description(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.description_az, &self.0.description_en)
    }
}

/// A measured result of a project.
#[derive(Clone)]
pub struct Indicator(pub indicator::Model);

/// A measured result of a project.
#[Object]
impl Indicator {
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::Indicator, self.0.id)
    }
    /// Short code, unique within the project.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// Title in the language asked for.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
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
    async fn values(&self, ctx: &Context<'_>) -> ApiResult<Vec<IndicatorValue>> {
        let rows = many(ctx, ValuesByIndicator(self.0.id)).await?;
        let scope = scope(ctx);
        let raw = scope.viewer.sees_raw_figures(self.0.project_id);
        let threshold = scope.thresholds.of(self.0.sensitivity);
        Ok(protect_breakdown(rows, threshold, raw)
            .into_iter()
            .map(|(row, figure)| IndicatorValue {
                row,
                figure: figure.into(),
            })
            .collect())
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

/// Suppresses indicator values: within each period, a dimension's values are
/// the cells and the value without dimension is their total.
fn protect_breakdown(
    rows: Vec<indicator_value::Model>,
    threshold: i64,
    raw: bool,
) -> Vec<(indicator_value::Model, Figure)> {
    use std::collections::BTreeMap;
    type Period = (Option<NaiveDate>, Option<NaiveDate>);
    let mut figures: Vec<Option<Figure>> = vec![None; rows.len()];
    let mut totals: BTreeMap<Period, usize> = BTreeMap::new();
    let mut groups: BTreeMap<(Period, String), Vec<usize>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let period = (row.period_start, row.period_end);
        match &row.dimension {
            None => {
                totals.insert(period, i);
            }
            Some(dim) => groups.entry((period, dim.clone())).or_default().push(i),
        }
    }
    for ((period, _), members) in &groups {
        let cells: Vec<i64> = members.iter().map(|&i| rows[i].value).collect();
        let total_index = totals.get(period).copied();
        let total = total_index
            .map(|t| rows[t].value)
            .unwrap_or_else(|| cells.iter().sum());
        let (published, total_figure) = protect_table(&cells, total, threshold, raw);
        for (&i, fig) in members.iter().zip(published) {
            figures[i] = Some(fig);
        }
        if let Some(t) = total_index
            && total_figure.suppressed
        {
            figures[t] = Some(Figure::withheld());
        }
    }
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let figure = figures[i].unwrap_or_else(|| protect_single(row.value, threshold, raw));
            (row, figure)
        })
        .collect()
}

/// An indicator's value for a period, whole or for one disaggregation.
#[derive(Clone)]
pub struct IndicatorValue {
    row: indicator_value::Model,
    figure: Count,
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
    row: service_count::Model,
    figure: Figure,
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
    async fn period_label(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
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

// ----------------------------------------------------------------- centres

/// A service point: resource centre, coordination centre, shelter, hotline, branch.
#[derive(Clone)]
pub struct Centre(pub centre::Model);

/// Fields a centre list can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CentreOrderField {
    /// Name in the request's language.
    Name,
    /// Kind code.
    Kind,
    /// Status code (unknown first).
    Status,
    /// Opening date (unknown first).
    OpenedOn,
}

impl Centre {
    /// Location details are withheld for sensitive-location centres (shelters) from public readers.
    fn location_hidden(&self, ctx: &Context<'_>) -> bool {
        self.0.sensitive_location && !scope(ctx).viewer.sees_sensitive_locations()
    }
}

/// A service point: resource centre, coordination centre, shelter, hotline, branch.
#[Object]
impl Centre {
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::Centre, self.0.id)
    }
    /// Kind of centre.
    async fn kind(&self) -> CentreKind {
        self.0.kind
    }
    /// Name in the language asked for.
    async fn name(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
        text(ctx, lang, &self.0.name_az, &self.0.name_en)
    }
    /// Latest milestone status; null when the source does not say.
    async fn status(&self) -> Option<CentreStatus> {
        self.0.status
    }
    /// Date it opened, where known.
    async fn opened_on(&self) -> Option<NaiveDate> {
        self.0.opened_on
    }
    /// True for centres whose location is never published (e.g. shelters).
    async fn sensitive_location(&self) -> bool {
        self.0.sensitive_location
    }
    /// Building that hosts the centre (withheld for sensitive locations).
    async fn host_building(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        if self.location_hidden(ctx) {
            return None;
        }
        opt_text(
            ctx,
            lang,
            &self.0.host_building_az,
            &self.0.host_building_en,
        )
    }
    /// Number of rooms allocated (withheld for sensitive locations).
    async fn rooms(&self, ctx: &Context<'_>) -> Option<i32> {
        if self.location_hidden(ctx) {
            None
        } else {
            self.0.rooms
        }
    }
    /// Equipment provided.
    async fn equipment(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.equipment_az, &self.0.equipment_en)
    }
    /// Notes from the source (services offered, phase).
    async fn note(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.note_az, &self.0.note_en)
    }
    /// Area the centre is in. For sensitive locations public readers get no
    /// area finer than a district or city.
    async fn area(&self, ctx: &Context<'_>) -> ApiResult<Option<Area>> {
        let area = opt(ctx, self.0.area_id.map(AreaById)).await?;
        let coarse = |a: &area::Model| !matches!(a.kind, AreaKind::Village | AreaKind::Settlement);
        Ok(area
            .filter(|a| !self.location_hidden(ctx) || coarse(a))
            .map(Area))
    }
    /// Areas it serves beyond its own.
    async fn areas_served(&self, ctx: &Context<'_>) -> ApiResult<Vec<Area>> {
        Ok(many(ctx, AreasServedByCentre(self.0.id))
            .await?
            .into_iter()
            .map(Area)
            .collect())
    }
    /// Organisation operating the centre.
    async fn operator(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        Ok(
            opt(ctx, self.0.operator_organisation_id.map(OrganisationById))
                .await?
                .map(Organisation),
        )
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        Ok(one(ctx, ProjectById(self.0.project_id)).await?.map(Project))
    }
    /// Events held at the centre.
    async fn events(&self, ctx: &Context<'_>) -> ApiResult<Vec<Event>> {
        Ok(many(ctx, EventsByCentre(self.0.id))
            .await?
            .into_iter()
            .map(Event)
            .collect())
    }
    /// Milestones reached (rooms allocated, equipped, staffed, operational).
    async fn milestones(&self, ctx: &Context<'_>) -> ApiResult<Vec<CentreMilestone>> {
        Ok(many(ctx, MilestonesByCentre(self.0.id))
            .await?
            .into_iter()
            .map(CentreMilestone)
            .collect())
    }
    /// The text the centre is described in.
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Option<SourceDocument>> {
        Ok(opt(ctx, self.0.source_document_id.map(SourceById))
            .await?
            .map(SourceDocument))
    }
}

/// A milestone a centre reached.
#[derive(Clone)]
pub struct CentreMilestone(pub centre_milestone::Model);

/// A milestone a centre reached.
#[Object]
impl CentreMilestone {
    /// The status reached.
    async fn status(&self) -> CentreStatus {
        self.0.status
    }
    /// When; null when the source gives no date.
    async fn reached_on(&self) -> Option<NaiveDate> {
        self.0.reached_on
    }
    /// Note.
    async fn note(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.note_az, &self.0.note_en)
    }
}

/// A mobile team or mobile volunteer team.
#[derive(Clone)]
pub struct Team(pub team::Model);

/// A mobile team or mobile volunteer team.
#[Object]
impl Team {
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::Team, self.0.id)
    }
    /// Kind of team.
    async fn kind(&self) -> TeamKind {
        self.0.kind
    }
    /// Name in the language asked for.
    async fn name(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
        text(ctx, lang, &self.0.name_az, &self.0.name_en)
    }
    /// Planned, active or closed.
    async fn status(&self) -> TeamStatus {
        self.0.status
    }
    /// What the team does.
    async fn functions(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.functions_az, &self.0.functions_en)
    }
    /// Roles in the team and, where known, how many hold each.
    async fn roles(&self, ctx: &Context<'_>) -> ApiResult<Vec<TeamRole>> {
        Ok(many(ctx, RolesByTeam(self.0.id))
            .await?
            .into_iter()
            .map(TeamRole)
            .collect())
    }
    /// Organisation the team belongs to.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        Ok(opt(ctx, self.0.organisation_id.map(OrganisationById))
            .await?
            .map(Organisation))
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        Ok(one(ctx, ProjectById(self.0.project_id)).await?.map(Project))
    }
}

/// A role in a team.
#[derive(Clone)]
pub struct TeamRole(pub team_role::Model);

/// A role in a team.
#[Object]
impl TeamRole {
    /// Role name in the language asked for.
    async fn role(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
        text(ctx, lang, &self.0.role_az, &self.0.role_en)
    }
    /// How many hold it; null when the source does not say.
    async fn count(&self) -> Option<i32> {
        self.0.count
    }
}

// ------------------------------------------------------------------ events

/// A training, course, seminar, community meeting or awareness event.
#[derive(Clone)]
pub struct Event(pub event::Model);

/// Fields an event list can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOrderField {
    /// Start date (unknown first).
    StartDate,
    /// Title in the request's language.
    Title,
    /// Kind code.
    Kind,
}

/// A training, course, seminar, community meeting or awareness event.
#[Object]
impl Event {
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::Event, self.0.id)
    }
    /// Kind of event.
    async fn kind(&self) -> EventKind {
        self.0.kind
    }
    /// Title in the language asked for.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
        text(ctx, lang, &self.0.title_az, &self.0.title_en)
    }
    /// Topics covered.
    async fn topics(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.topics_az, &self.0.topics_en)
    }
    /// First day; null when the source gives no date.
    async fn start_date(&self) -> Option<NaiveDate> {
        self.0.start_date
    }
    /// Last day; null when the source gives no date.
    async fn end_date(&self) -> Option<NaiveDate> {
        self.0.end_date
    }
    /// Who it was for.
    async fn audience(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.audience_az, &self.0.audience_en)
    }
    /// Most participants allowed per session (e.g. 10 for the 2021 community meetings).
    async fn capacity(&self) -> Option<i32> {
        self.0.capacity
    }
    /// Planned, held or cancelled.
    async fn status(&self) -> EventStatus {
        self.0.status
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        Ok(one(ctx, ProjectById(self.0.project_id)).await?.map(Project))
    }
    /// Centre it was held at, if one.
    async fn centre(&self, ctx: &Context<'_>) -> ApiResult<Option<Centre>> {
        Ok(opt(ctx, self.0.centre_id.map(CentreById))
            .await?
            .map(Centre))
    }
    /// Areas it took place in.
    async fn areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<Area>> {
        Ok(many(ctx, AreasOfEvent(self.0.id))
            .await?
            .into_iter()
            .map(Area)
            .collect())
    }
    /// Attendance as published: cells by sex × age band × disability × category
    /// and their total. Null when no attendance was recorded.
    async fn attendance(&self, ctx: &Context<'_>) -> ApiResult<Option<Attendance>> {
        let rows = many(ctx, AttendanceByEvent(self.0.id)).await?;
        if rows.is_empty() {
            return Ok(None);
        }
        // Published through the same suppression as `participantStats`, so no
        // cell can be recovered by comparing the two.
        let (cells, total) =
            super::stats::published_attendance(ctx, self.0.project_id, &rows).await?;
        Ok(Some(Attendance {
            cells: rows
                .into_iter()
                .zip(cells)
                .map(|(r, f)| AttendanceCell {
                    sex: r.sex,
                    age_band: r.age_band,
                    disability: r.disability,
                    category: r.category,
                    count: f.value,
                    suppressed: f.suppressed,
                })
                .collect(),
            total: total.into(),
        }))
    }
    /// The text the event is reported in.
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Option<SourceDocument>> {
        Ok(opt(ctx, self.0.source_document_id.map(SourceById))
            .await?
            .map(SourceDocument))
    }
}

/// An event's attendance, as published.
#[derive(SimpleObject, Clone)]
pub struct Attendance {
    /// Counts per cell of sex × age band × disability × category.
    pub cells: Vec<AttendanceCell>,
    /// Sum of the cells.
    pub total: Count,
}

/// Participants in one cell of sex × age band × disability × category.
#[derive(SimpleObject, Clone)]
pub struct AttendanceCell {
    /// Sex (UNKNOWN when not recorded).
    pub sex: Sex,
    /// Age band (UNKNOWN when not recorded).
    pub age_band: AgeBand,
    /// Disability status (UNKNOWN when not recorded).
    pub disability: Disability,
    /// Beneficiary category (UNKNOWN when not recorded).
    pub category: BeneficiaryCategory,
    /// Participants; null when suppressed.
    pub count: Option<i64>,
    /// True when the count was withheld by small-cell suppression.
    pub suppressed: bool,
}

// -------------------------------------------------------------------- works

/// An infrastructure work: irrigation line, road, water supply, building.
#[derive(Clone)]
pub struct InfrastructureWork(pub infrastructure_work::Model);

/// Fields a list of works can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkOrderField {
    /// Title in the request's language.
    Title,
    /// Status code.
    Status,
    /// Kind code.
    Kind,
}

/// An infrastructure work: irrigation line, road, water supply, building.
#[Object]
impl InfrastructureWork {
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::InfrastructureWork, self.0.id)
    }
    /// Kind of work.
    async fn kind(&self) -> WorkKind {
        self.0.kind
    }
    /// Title in the language asked for.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
        text(ctx, lang, &self.0.title_az, &self.0.title_en)
    }
    /// Quantity (e.g. length), where known.
    async fn quantity(&self) -> Option<f64> {
        self.0.quantity
    }
    /// Unit of the quantity (e.g. `km`).
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }
    /// Current status.
    async fn status(&self) -> WorkStatus {
        self.0.status
    }
    /// Physical progress in percent.
    async fn progress_percent(&self) -> Option<i32> {
        self.0.progress_percent
    }
    /// Completion date, where known.
    async fn completed_on(&self) -> Option<NaiveDate> {
        self.0.completed_on
    }
    /// Budget, where published.
    async fn budget(&self) -> Option<Money> {
        money(self.0.budget_amount, &self.0.budget_currency)
    }
    /// People expected to benefit, where published.
    async fn beneficiaries(&self) -> Option<i32> {
        self.0.beneficiaries
    }
    /// Area of the work.
    async fn area(&self, ctx: &Context<'_>) -> ApiResult<Option<Area>> {
        Ok(opt(ctx, self.0.area_id.map(AreaById)).await?.map(Area))
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        Ok(one(ctx, ProjectById(self.0.project_id)).await?.map(Project))
    }
    /// Dated status changes, oldest first.
    async fn status_history(&self, ctx: &Context<'_>) -> ApiResult<Vec<WorkStatusChange>> {
        Ok(many(ctx, StatusHistoryByWork(self.0.id))
            .await?
            .into_iter()
            .map(WorkStatusChange)
            .collect())
    }
    /// The text the work is reported in.
    async fn source(&self, ctx: &Context<'_>) -> ApiResult<Option<SourceDocument>> {
        Ok(opt(ctx, self.0.source_document_id.map(SourceById))
            .await?
            .map(SourceDocument))
    }
}

/// A dated status change of an infrastructure work.
#[derive(Clone)]
pub struct WorkStatusChange(pub work_status_change::Model);

/// A dated status change of an infrastructure work.
#[Object]
impl WorkStatusChange {
    /// New status.
    async fn status(&self) -> WorkStatus {
        self.0.status
    }
    /// Date of the change; null when the source gives none.
    async fn changed_on(&self) -> Option<NaiveDate> {
        self.0.changed_on
    }
    /// Progress in percent at that point.
    async fn progress_percent(&self) -> Option<i32> {
        self.0.progress_percent
    }
    /// Note.
    async fn note(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.note_az, &self.0.note_en)
    }
}

// ---------------------------------------------------------- reference data

/// A UN agency, Red Crescent body, ministry, fund, NGO or donor.
#[derive(Clone)]
pub struct Organisation(pub organisation::Model);

/// Fields an organisation list can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationOrderField {
    /// Name in the request's language.
    Name,
    /// Kind code.
    Kind,
}

/// A UN agency, Red Crescent body, ministry, fund, NGO or donor.
#[Object]
impl Organisation {
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::Organisation, self.0.id)
    }
    /// Name in the language asked for.
    async fn name(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
        text(ctx, lang, &self.0.name_az, &self.0.name_en)
    }
    /// Acronym in the language asked for (e.g. BMTİP / UNDP).
    async fn acronym(&self, ctx: &Context<'_>, lang: Option<Lang>) -> Option<String> {
        opt_text(ctx, lang, &self.0.acronym_az, &self.0.acronym_en)
    }
    /// Kind of organisation.
    async fn kind(&self) -> OrganisationKind {
        self.0.kind
    }
    /// IATI organisation identifier, where one exists (e.g. `XM-DAC-41114`).
    async fn iati_ref(&self) -> Option<&str> {
        self.0.iati_ref.as_deref()
    }
    /// Parent organisation.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        Ok(opt(ctx, self.0.parent_id.map(OrganisationById))
            .await?
            .map(Organisation))
    }
    /// Projects it takes part in, with its role.
    async fn participations(&self, ctx: &Context<'_>) -> ApiResult<Vec<Participation>> {
        Ok(many(ctx, ParticipationsByOrganisation(self.0.id))
            .await?
            .into_iter()
            .map(Participation)
            .collect())
    }
}

/// A country, district, city, settlement or village.
#[derive(Clone)]
pub struct Area(pub area::Model);

/// Fields an area list can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaOrderField {
    /// Name in the request's language.
    Name,
    /// Kind code.
    Kind,
    /// ISO 3166-2 code (areas without one first).
    Code,
}

/// A country, district, city, settlement or village.
#[Object]
impl Area {
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::Area, self.0.id)
    }
    /// ISO 3166-2 code, where one exists (e.g. `AZ-FUZ`).
    async fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }
    /// Level of the area.
    async fn kind(&self) -> AreaKind {
        self.0.kind
    }
    /// Name in the language asked for.
    async fn name(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
        text(ctx, lang, &self.0.name_az, &self.0.name_en)
    }
    /// Latitude of the centroid (WGS 84), where known.
    async fn lat(&self) -> Option<f64> {
        self.0.lat
    }
    /// Longitude of the centroid (WGS 84), where known.
    async fn lon(&self) -> Option<f64> {
        self.0.lon
    }
    /// The area this one lies in.
    async fn parent(&self, ctx: &Context<'_>) -> ApiResult<Option<Area>> {
        Ok(opt(ctx, self.0.parent_id.map(AreaById)).await?.map(Area))
    }
    /// Areas directly inside this one.
    async fn children(&self, ctx: &Context<'_>) -> ApiResult<Vec<Area>> {
        Ok(many(ctx, AreaChildren(self.0.id))
            .await?
            .into_iter()
            .map(Area)
            .collect())
    }
    /// Projects that work in this area.
    async fn projects(&self, ctx: &Context<'_>) -> ApiResult<Vec<Project>> {
        Ok(many(ctx, ProjectsOfArea(self.0.id))
            .await?
            .into_iter()
            .map(Project)
            .collect())
    }
    /// Centres located in this area (sensitive locations are not listed to public readers).
    async fn centres(&self, ctx: &Context<'_>) -> ApiResult<Vec<Centre>> {
        let show_hidden = scope(ctx).viewer.sees_sensitive_locations();
        Ok(many(ctx, CentresInArea(self.0.id))
            .await?
            .into_iter()
            .filter(|c| show_hidden || !c.sensitive_location)
            .map(Centre)
            .collect())
    }
}

/// A published text that figures cite.
#[derive(Clone)]
pub struct SourceDocument(pub source_document::Model);

/// A published text that figures cite.
#[Object]
impl SourceDocument {
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::SourceDocument, self.0.id)
    }
    /// Title in the language asked for.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Lang>) -> String {
        text(ctx, lang, &self.0.title_az, &self.0.title_en)
    }
    /// Publisher (news outlet), where known.
    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }
    /// Publication date, where known.
    async fn published_on(&self) -> Option<NaiveDate> {
        self.0.published_on
    }
    /// Language of the text (ISO 639-1).
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// Where the text is kept (file in the seed collection, or a URL).
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref().or(self.0.url.as_deref())
    }
}
