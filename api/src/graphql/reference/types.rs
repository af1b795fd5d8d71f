//! Output types of this domain.

use crate::graphql::prelude::*;

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
    pub async fn id(&self) -> ID {
        encode(NodeType::Organisation, self.0.id)
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
    /// Acronym in the language asked for (e.g. BMTİP / UNDP).
    async fn acronym(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Language of names and titles: AZ or EN. Without it, the request's Accept-Language, else English."
        )]
        lang: Option<Lang>,
    ) -> Option<String> {
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
    /// Projects it takes part in, with its role. Not paged; page through many
    /// with `projects(filter: { organisation: … })`.
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
    pub async fn id(&self) -> ID {
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
    /// Projects that work in this area. Not paged; page through many with
    /// `projects(filter: { area: … })`.
    async fn projects(&self, ctx: &Context<'_>) -> ApiResult<Vec<Project>> {
        Ok(many(ctx, ProjectsOfArea(self.0.id))
            .await?
            .into_iter()
            .map(Project)
            .collect())
    }
    /// Centres located in this area (sensitive locations are not listed to
    /// public readers). Not paged; page with `centres(filter: { area: … })`.
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
    pub async fn id(&self) -> ID {
        encode(NodeType::SourceDocument, self.0.id)
    }
    /// Title in Azerbaijani as stored (empty while not filled); for editing.
    async fn title_az(&self) -> &str {
        &self.0.title_az
    }
    /// Title in English as stored (empty while not filled); for editing.
    async fn title_en(&self) -> &str {
        &self.0.title_en
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
    /// Link to the published text, where known.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// The text itself, when it is kept (cited passages occur in it).
    async fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }
    /// Version for optimistic concurrency: send it back with a change; a stale one gets CONFLICT.
    async fn version(&self) -> i32 {
        self.0.version
    }
}
