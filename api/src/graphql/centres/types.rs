//! Output types of this domain.

use crate::graphql::prelude::*;

// ----------------------------------------------------------------- centres

/// A service point: resource centre, coordination centre, shelter, hotline, branch.
#[derive(Clone)]
pub struct Centre(pub centre::Model);

/// Fields a centre list can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
        self.0.sensitive_location && scope(ctx).viewer.hides_sensitive_locations()
    }
}

/// A service point: resource centre, coordination centre, shelter, hotline, branch.
#[Object]
impl Centre {
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the record was archived (administrators only see archived records); null while live.
    async fn archived_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.archived_at
    }
    /// Name in Azerbaijani as stored (empty while not filled); for editing.
    async fn name_az(&self) -> &str {
        &self.0.name_az
    }
    /// Name in English as stored (empty while not filled); for editing.
    async fn name_en(&self) -> &str {
        &self.0.name_en
    }
    /// Host building in Azerbaijani as stored; for editing (withheld like `hostBuilding`).
    async fn host_building_az(&self, ctx: &Context<'_>) -> Option<&str> {
        (!self.location_hidden(ctx))
            .then_some(self.0.host_building_az.as_deref())
            .flatten()
    }
    /// Host building in English as stored; for editing (withheld like `hostBuilding`).
    async fn host_building_en(&self, ctx: &Context<'_>) -> Option<&str> {
        (!self.location_hidden(ctx))
            .then_some(self.0.host_building_en.as_deref())
            .flatten()
    }
    /// Note in Azerbaijani as stored; for editing.
    async fn note_az(&self) -> Option<&str> {
        self.0.note_az.as_deref()
    }
    /// Note in English as stored; for editing.
    async fn note_en(&self) -> Option<&str> {
        self.0.note_en.as_deref()
    }
    /// Sources cited for this record, each with the passage that states its fact.
    /// Bounded: the passages quoted for this record (set up by hand).
    async fn citations(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::setup::Citation>> {
        crate::graphql::setup::citations_of(ctx, "centre", self.0.id).await
    }
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(NodeType::Centre, self.0.id)
    }
    /// Kind of centre.
    async fn kind(&self) -> CentreKind {
        self.0.kind
    }
    /// Name in the language asked for.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> String {
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
    async fn host_building(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Option<String> {
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
    async fn equipment(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Option<String> {
        opt_text(ctx, lang, &self.0.equipment_az, &self.0.equipment_en)
    }
    /// Notes from the source (services offered, phase).
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
    /// Bounded: the few areas one centre serves.
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
    /// Events held at the centre, a page at a time.
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
        crate::graphql::nested::connection::<crate::graphql::nested::CentreEvents, _, _>(
            ctx,
            self.0.id,
            crate::graphql::nested::pairs(order_by),
            first,
            after,
            Event,
        )
        .await
    }
    /// Milestones reached (rooms allocated, equipped, staffed, operational).
    /// Bounded: one per milestone a centre reaches (rooms allocated, equipped, staffed, operational).
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

/// A mobile team or mobile volunteer team.
#[derive(Clone)]
pub struct Team(pub team::Model);

/// A mobile team or mobile volunteer team.
#[Object]
impl Team {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        encode(NodeType::Team, self.0.id)
    }
    /// Kind of team.
    async fn kind(&self) -> TeamKind {
        self.0.kind
    }
    /// Name in the language asked for.
    async fn name(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> String {
        text(ctx, lang, &self.0.name_az, &self.0.name_en)
    }
    /// Planned, active or closed.
    async fn status(&self) -> TeamStatus {
        self.0.status
    }
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// When the team was archived (administrators only see archived teams); null while live.
    async fn archived_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.archived_at
    }
    /// What the team does.
    async fn functions(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Option<String> {
        opt_text(ctx, lang, &self.0.functions_az, &self.0.functions_en)
    }
    /// Roles in the team and, where known, how many hold each.
    /// Bounded: one per role of the team.
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
    async fn role(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> String {
        text(ctx, lang, &self.0.role_az, &self.0.role_en)
    }
    /// How many hold it; null when the source does not say.
    async fn count(&self) -> Option<i32> {
        self.0.count
    }
}
