//! Output types of this domain.

use crate::graphql::prelude::*;

// -------------------------------------------------------------------- works

/// An infrastructure work: irrigation line, road, water supply, building.
#[derive(Clone)]
pub struct InfrastructureWork(pub infrastructure_work::Model);

/// Fields a list of works can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// When the record was archived (administrators only see archived records); null while live.
    async fn archived_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.archived_at
    }
    /// Title in Azerbaijani as stored (empty while not filled); for editing.
    async fn title_az(&self) -> &str {
        &self.0.title_az
    }
    /// Title in English as stored (empty while not filled); for editing.
    async fn title_en(&self) -> &str {
        &self.0.title_en
    }
    /// Sources cited for this record, each with the passage that states its fact.
    /// Bounded: the passages quoted for this record (set up by hand).
    async fn citations(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::setup::Citation>> {
        crate::graphql::setup::citations_of(ctx, "work", self.0.id).await
    }
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(NodeType::InfrastructureWork, self.0.id)
    }
    /// Kind of work.
    async fn kind(&self) -> WorkKind {
        self.0.kind
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
    /// Bounded: one per status a work passes through.
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
