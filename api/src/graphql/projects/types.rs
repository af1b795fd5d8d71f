//! Output types of a project and what hangs off it directly.

use crate::graphql::prelude::*;

// ---------------------------------------------------------------- projects

/// A programme or project whose progress is tracked.
#[derive(Clone)]
pub struct Project(pub project::Model);

/// Fields a project list can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    pub async fn id(&self) -> ID {
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
    /// Title in Azerbaijani as stored (empty while not filled); for editing.
    async fn title_az(&self) -> &str {
        &self.0.title_az
    }
    /// Title in English as stored (empty while not filled); for editing.
    async fn title_en(&self) -> &str {
        &self.0.title_en
    }
    /// Whether the project is shown on public surfaces.
    async fn is_public(&self) -> bool {
        self.0.is_public
    }
    /// Manager accounts assigned to the project (administrators only; empty for everyone else).
    /// Bounded: the accounts assigned to manage the programme.
    async fn managers(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::accounts::types::User>> {
        if !scope(ctx).viewer.is_admin() {
            return Ok(Vec::new());
        }
        let assigned = Query::select()
            .column(user_project_scope::Column::UserId)
            .from(user_project_scope::Entity)
            .and_where(user_project_scope::Column::ProjectId.eq(self.0.id))
            .to_owned();
        Ok(user::Entity::find()
            .filter(user::Column::Id.in_subquery(assigned))
            .order_by_asc(user::Column::Email)
            .all(ctx.data_unchecked::<DatabaseConnection>())
            .await?
            .into_iter()
            .map(crate::graphql::accounts::types::User)
            .collect())
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
        crate::graphql::setup::citations_of(ctx, "project", self.0.id).await
    }
    /// Summary in the language asked for.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Option<String> {
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
    /// Bounded: the organisations taking part in the programme (set up by hand).
    async fn participants(&self, ctx: &Context<'_>) -> ApiResult<Vec<Participation>> {
        Ok(many(ctx, ParticipantsByProject(self.0.id))
            .await?
            .into_iter()
            .map(Participation)
            .collect())
    }
    /// Beneficiary categories the project declares it serves: its events'
    /// attendance and its service counts may record only these.
    async fn beneficiary_categories(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<BeneficiaryCategory>> {
        Ok(many(ctx, CategoriesByProject(self.0.id)).await?)
    }
    /// Areas the project works in.
    /// Bounded: the districts and settlements the programme works in (set up by hand).
    async fn areas(&self, ctx: &Context<'_>) -> ApiResult<Vec<Area>> {
        Ok(many(ctx, AreasOfProject(self.0.id))
            .await?
            .into_iter()
            .map(Area)
            .collect())
    }
    /// Centres the project runs or supports, a page at a time (archived ones only for those who edit the project).
    async fn centres(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Sort order: fields in priority order, each ascending or descending; ties are broken by id, so pages never overlap."
        )]
        order_by: Option<Vec<OrderBy<CentreOrderField>>>,
        #[graphql(
            desc = "Page size from the start (or after `after`): 0 to 100, 20 when not given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the row to start after: `pageInfo.endCursor` or an edge's `cursor` from an earlier page."
        )]
        after: Option<String>,
    ) -> ApiResult<CentreConnection> {
        crate::graphql::nested::connection::<crate::graphql::nested::ProjectCentres, _, _>(
            ctx,
            self.0.id,
            crate::graphql::nested::pairs(order_by),
            first,
            after,
            Centre,
        )
        .await
    }
    /// Trainings, courses, meetings and other events of the project, a page at a time.
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Sort order: fields in priority order, each ascending or descending; ties are broken by id, so pages never overlap."
        )]
        order_by: Option<Vec<OrderBy<EventOrderField>>>,
        #[graphql(
            desc = "Page size from the start (or after `after`): 0 to 100, 20 when not given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the row to start after: `pageInfo.endCursor` or an edge's `cursor` from an earlier page."
        )]
        after: Option<String>,
    ) -> ApiResult<EventConnection> {
        crate::graphql::nested::connection::<crate::graphql::nested::ProjectEvents, _, _>(
            ctx,
            self.0.id,
            crate::graphql::nested::pairs(order_by),
            first,
            after,
            Event,
        )
        .await
    }
    /// Infrastructure works of the project, a page at a time.
    async fn infrastructure_works(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Sort order: fields in priority order, each ascending or descending; ties are broken by id, so pages never overlap."
        )]
        order_by: Option<Vec<OrderBy<WorkOrderField>>>,
        #[graphql(
            desc = "Page size from the start (or after `after`): 0 to 100, 20 when not given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the row to start after: `pageInfo.endCursor` or an edge's `cursor` from an earlier page."
        )]
        after: Option<String>,
    ) -> ApiResult<InfrastructureWorkConnection> {
        crate::graphql::nested::connection::<crate::graphql::nested::ProjectWorks, _, _>(
            ctx,
            self.0.id,
            crate::graphql::nested::pairs(order_by),
            first,
            after,
            InfrastructureWork,
        )
        .await
    }
    /// Indicators with baselines and targets.
    /// Bounded: the programme's indicators (set up by hand).
    async fn indicators(&self, ctx: &Context<'_>) -> ApiResult<Vec<Indicator>> {
        Ok(many(ctx, IndicatorsByProject(self.0.id))
            .await?
            .into_iter()
            .map(Indicator)
            .collect())
    }
    /// Mobile teams and volunteer teams.
    /// Bounded: the programme's teams (set up by hand).
    async fn teams(&self, ctx: &Context<'_>) -> ApiResult<Vec<Team>> {
        Ok(many(ctx, TeamsByProject(self.0.id))
            .await?
            .into_iter()
            .map(Team)
            .collect())
    }
    /// Dated updates from the field, newest first, a page at a time (archived ones for administrators only).
    async fn updates(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page size from the start (or after `after`): 0 to 100, 20 when not given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the row to start after: `pageInfo.endCursor` or an edge's `cursor` from an earlier page."
        )]
        after: Option<String>,
    ) -> ApiResult<crate::graphql::pagination::ProgrammeUpdateConnection> {
        crate::graphql::nested::connection::<crate::graphql::nested::ProjectUpdates, _, _>(
            ctx,
            self.0.id,
            Vec::new(),
            first,
            after,
            crate::graphql::updates::ProgrammeUpdate,
        )
        .await
    }
    /// What the project's managers wrote about each reporting period, oldest period first.
    /// Bounded: one per reporting period of the programme (at most 12 a year).
    async fn narratives(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::updates::PeriodNarrative>> {
        Ok(many(ctx, NarrativesByProject(self.0.id))
            .await?
            .into_iter()
            .map(crate::graphql::updates::PeriodNarrative)
            .collect())
    }
    /// Budget and, where reported, spending per period, oldest period first.
    /// Bounded: one per reporting period of the programme (at most 12 a year).
    async fn finances(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::updates::PeriodFinance>> {
        Ok(many(ctx, FinancesByProject(self.0.id))
            .await?
            .into_iter()
            .map(crate::graphql::updates::PeriodFinance)
            .collect())
    }
    /// Plans (and goals of them) the project serves.
    /// Bounded: the plans the programme serves (set up by hand).
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
    /// Bounded by the programme's own reporting: one row per reported period and breakdown cell (monthly counts by three support types, two channels and three stages add 216 a year). Not paged because the protection of small counts decides over all of them at once; `serviceStats` groups and filters them.
    async fn service_counts(&self, ctx: &Context<'_>) -> ApiResult<Vec<ServiceCount>> {
        // Published through the same suppression as `serviceStats` (one decision
        // for every grouping of the data); the cells of an illustrative
        // breakdown are shown as the reported figure they add up to.
        let rows = many(ctx, ServiceCountsByProject(self.0.id)).await?;
        Ok(
            crate::graphql::stats::published_service_counts(ctx, self.0.id, rows)
                .await?
                .into_iter()
                .map(|(row, figure)| ServiceCount { row, figure })
                .collect(),
        )
    }
    /// Which units owe which periodic reports, and when (archived ones only
    /// for those who edit the project).
    /// Bounded: the programme's obligations (set up by hand).
    async fn reporting_obligations(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::quality::ReportingObligation>> {
        crate::graphql::quality::obligations_of(ctx, self.0.id).await
    }
    /// Completeness and timeliness of the periodic reports per period, kind
    /// of figures and district: how many of the reports owed arrived, and how
    /// many by their due day. Periods that have not started are left out.
    /// Bounded: periods of at most 60 months (the range is capped), per kind of figures and district.
    async fn reporting_completeness(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "First day of the range (default: the first day of the month eleven months before `to`)."
        )]
        from: Option<NaiveDate>,
        #[graphql(desc = "Last day of the range (default: today). At most 60 months from `from`.")]
        to: Option<NaiveDate>,
    ) -> ApiResult<Vec<crate::graphql::quality::PeriodCompleteness>> {
        crate::graphql::quality::completeness_of(ctx, self.0.id, from, to).await
    }
    /// The project's validation rules (only for those who edit the project;
    /// empty for anyone else). The browser evaluates them offline.
    /// Bounded: the programme's rules (set up by hand).
    async fn validation_rules(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::quality::ValidationRule>> {
        crate::graphql::quality::rules_of(ctx, self.0.id).await
    }
    /// Rules the project's entries broke, as stored with each entry (only for
    /// those who edit the project).
    /// Bounded: the results of at most 60 months (the range is capped).
    async fn rule_results(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First day of the range (default: eleven months before `to`).")]
        from: Option<NaiveDate>,
        #[graphql(desc = "Last day of the range (default: today).")] to: Option<NaiveDate>,
    ) -> ApiResult<Vec<crate::graphql::quality::RuleResult>> {
        let (from, to) = crate::graphql::quality::range(from, to)?;
        crate::graphql::quality::rule_results_of(ctx, self.0.id, from, to).await
    }
    /// Figures that stand out from their unit's own history (modified
    /// z-score above 3.5; only for those who edit the project, never public).
    /// Bounded: the figures of at most 60 months (the range is capped).
    async fn outliers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "First day of the range (default: eleven months before `to`).")]
        from: Option<NaiveDate>,
        #[graphql(desc = "Last day of the range (default: today).")] to: Option<NaiveDate>,
        #[graphql(desc = "Language of centre names: AZ or EN.")] lang: Option<Lang>,
    ) -> ApiResult<Vec<crate::graphql::quality::Outlier>> {
        let (from, to) = crate::graphql::quality::range(from, to)?;
        crate::graphql::quality::outliers_of(ctx, self.0.id, from, to, lang).await
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
    async fn note(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Option<String> {
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
    pub async fn id(&self) -> ID {
        encode(NodeType::Plan, self.0.id)
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
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// Organisation that owns the plan; null for national plans.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        Ok(opt(ctx, self.0.organisation_id.map(OrganisationById))
            .await?
            .map(Organisation))
    }
    /// Goals, by number.
    /// Bounded: the goals of one plan (set up by hand).
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
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Option<String> {
        opt_text(ctx, lang, &self.0.title_az, &self.0.title_en)
    }
    /// What the goal covers, where the source says.
    async fn description(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Option<String> {
        opt_text(ctx, lang, &self.0.description_az, &self.0.description_en)
    }
}
