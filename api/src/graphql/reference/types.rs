//! Output types of this domain.

use crate::graphql::prelude::*;

// ---------------------------------------------------------- reference data

/// A UN agency, Red Crescent body, ministry, fund, NGO or donor.
#[derive(Clone)]
pub struct Organisation(pub organisation::Model);

/// Fields an organisation list can be sorted on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Bounded: one per programme the organisation takes part in; page the programmes with `projects(filter: { organisation: … })`.
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
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Bounded: the settlements of one district or the districts of the country (reference data, a few hundred at most).
    async fn children(&self, ctx: &Context<'_>) -> ApiResult<Vec<Area>> {
        Ok(many(ctx, AreaChildren(self.0.id))
            .await?
            .into_iter()
            .map(Area)
            .collect())
    }
    /// Projects that work in this area, a page at a time (visible projects only).
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Sort order: fields in priority order, each ascending or descending; ties are broken by id, so pages never overlap."
        )]
        order_by: Option<Vec<OrderBy<ProjectOrderField>>>,
        #[graphql(
            desc = "Page size from the start (or after `after`): 0 to 100, 20 when not given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the row to start after: `pageInfo.endCursor` or an edge's `cursor` from an earlier page."
        )]
        after: Option<String>,
    ) -> ApiResult<ProjectConnection> {
        crate::graphql::nested::connection::<crate::graphql::nested::AreaProjects, _, _>(
            ctx,
            self.0.id,
            crate::graphql::nested::pairs(order_by),
            first,
            after,
            Project,
        )
        .await
    }
    /// Centres located in this area, a page at a time (sensitive locations are not listed to
    /// public readers).
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
        crate::graphql::nested::connection::<crate::graphql::nested::AreaCentres, _, _>(
            ctx,
            self.0.id,
            crate::graphql::nested::pairs(order_by),
            first,
            after,
            Centre,
        )
        .await
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
