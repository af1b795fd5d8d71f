//! Filters, sort keys and root list fields of this domain.

use crate::graphql::prelude::*;

/// Filter over organisations.
#[derive(InputObject, Debug, Clone, Default)]
pub struct OrganisationFilter {
    /// Only these organisations.
    pub ids: Option<Vec<ID>>,
    /// Text search over names and acronyms, with or without Azerbaijani letters.
    pub search: Option<String>,
    /// Any of these kinds.
    pub kind: Option<Vec<OrganisationKind>>,
    /// Organisations taking part in this project.
    pub project: Option<ID>,
    /// Organisations having this role in some project (in `project`, if given).
    pub role: Option<ParticipantRole>,
    /// All of these filters must hold.
    pub and: Option<Vec<OrganisationFilter>>,
    /// At least one of these filters must hold.
    pub or: Option<Vec<OrganisationFilter>>,
}

impl OrganisationFilter {
    fn condition(&self, viewer_projects: &Condition) -> ApiResult<Condition> {
        use organisation::Column as C;
        let mut cond = Condition::all();
        if let Some(ids) = &self.ids {
            cond = cond.add(C::Id.is_in(decode_ids(NodeType::Organisation, ids)?));
        }
        if let Some(s) = search_condition(C::SearchKey, &self.search) {
            cond = cond.add(s);
        }
        if let Some(kind) = &self.kind {
            cond = cond.add(C::Kind.is_in(kind.iter().copied()));
        }
        if self.project.is_some() || self.role.is_some() {
            let visible = Query::select()
                .column(project::Column::Id)
                .from(project::Entity)
                .cond_where(viewer_projects.clone())
                .to_owned();
            let mut q = Query::select();
            q.column(project_participant::Column::OrganisationId)
                .from(project_participant::Entity)
                .and_where(project_participant::Column::ProjectId.in_subquery(visible));
            if let Some(p) = &self.project {
                q.and_where(
                    project_participant::Column::ProjectId.eq(decode_as(NodeType::Project, p)?),
                );
            }
            if let Some(role) = self.role {
                q.and_where(project_participant::Column::Role.eq(role));
            }
            cond = cond.add(C::Id.in_subquery(q.to_owned()));
        }
        with_nested(cond, &self.and, &self.or, |f| f.condition(viewer_projects))
    }
}

/// Filter over areas.
#[derive(InputObject, Debug, Clone, Default)]
pub struct AreaFilter {
    /// Only these areas.
    pub ids: Option<Vec<ID>>,
    /// Text search over names, with or without Azerbaijani letters ("Tartar" finds "Tərtər").
    pub search: Option<String>,
    /// Any of these kinds.
    pub kind: Option<Vec<AreaKind>>,
    /// ISO 3166-2 code, exact (e.g. `AZ-FUZ`).
    pub code: Option<String>,
    /// Areas directly inside this one.
    pub parent: Option<ID>,
    /// This area and every area inside it, at any depth.
    pub within: Option<ID>,
    /// All of these filters must hold.
    pub and: Option<Vec<AreaFilter>>,
    /// At least one of these filters must hold.
    pub or: Option<Vec<AreaFilter>>,
}

impl AreaFilter {
    fn condition(&self) -> ApiResult<Condition> {
        use area::Column as C;
        let mut cond = Condition::all();
        if let Some(ids) = &self.ids {
            cond = cond.add(C::Id.is_in(decode_ids(NodeType::Area, ids)?));
        }
        if let Some(s) = search_condition(C::SearchKey, &self.search) {
            cond = cond.add(s);
        }
        if let Some(kind) = &self.kind {
            cond = cond.add(C::Kind.is_in(kind.iter().copied()));
        }
        if let Some(code) = &self.code {
            cond = cond.add(C::Code.eq(code.trim().to_ascii_uppercase()));
        }
        if let Some(parent) = &self.parent {
            cond = cond.add(C::ParentId.eq(decode_as(NodeType::Area, parent)?));
        }
        if let Some(within) = &self.within {
            cond = cond.add(places::in_area_tree(
                r#""areas"."id""#,
                "SELECT id FROM area_tree",
                decode_as(NodeType::Area, within)?,
            ));
        }
        with_nested(cond, &self.and, &self.or, |f| f.condition())
    }
}

pub(crate) fn organisation_keys(
    order: &[OrderBy<OrganisationOrderField>],
    lang: Lang,
) -> Vec<SortKey<organisation::Model>> {
    use organisation::Column as C;
    order
        .iter()
        .map(|o| match (o.field, lang) {
            (OrganisationOrderField::Name, Lang::Az) => text_key(
                "name_az",
                C::NameAz,
                o.direction,
                |m: &organisation::Model| m.name_az.clone().into(),
            ),
            (OrganisationOrderField::Name, Lang::En) => text_key(
                "name_en",
                C::NameEn,
                o.direction,
                |m: &organisation::Model| m.name_en.clone().into(),
            ),
            (OrganisationOrderField::Kind, _) => {
                text_key("kind", C::Kind, o.direction, |m: &organisation::Model| {
                    m.kind.code().into()
                })
            }
        })
        .collect()
}

pub(crate) fn area_keys(
    order: &[OrderBy<AreaOrderField>],
    lang: Lang,
) -> Vec<SortKey<area::Model>> {
    use area::Column as C;
    order
        .iter()
        .map(|o| match (o.field, lang) {
            (AreaOrderField::Name, Lang::Az) => {
                text_key("name_az", C::NameAz, o.direction, |m: &area::Model| {
                    m.name_az.clone().into()
                })
            }
            (AreaOrderField::Name, Lang::En) => {
                text_key("name_en", C::NameEn, o.direction, |m: &area::Model| {
                    m.name_en.clone().into()
                })
            }
            (AreaOrderField::Kind, _) => {
                text_key("kind", C::Kind, o.direction, |m: &area::Model| {
                    m.kind.code().into()
                })
            }
            (AreaOrderField::Code, _) => SortKey {
                name: "code",
                expr: coalesce_text(C::Code),
                kind: KeyKind::Text,
                direction: o.direction,
                read: |m: &area::Model| m.code.clone().unwrap_or_default().into(),
            },
        })
        .collect()
}

/// Root fields of this domain.
#[derive(Default)]
pub struct ReferenceQuery;

#[Object]
impl ReferenceQuery {
    /// Organisations (reference data, public).
    #[allow(clippy::too_many_arguments)]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the rows that match every condition given (see the filter type); none: every row the caller may see."
        )]
        filter: Option<OrganisationFilter>,
        #[graphql(
            desc = "Sort order: fields in priority order, each ascending or descending; ties are broken by id, so pages never overlap."
        )]
        order_by: Option<Vec<OrderBy<OrganisationOrderField>>>,
        #[graphql(
            desc = "Page size from the start (or after `after`): 0 to 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the row to start after: `pageInfo.endCursor` or an edge's `cursor` from an earlier page."
        )]
        after: Option<String>,
        #[graphql(desc = "Page size from the end (or before `before`): 0 to 100.")] last: Option<
            i32,
        >,
        #[graphql(
            desc = "Cursor of the row to end before: `pageInfo.startCursor` or an edge's `cursor` from an earlier page."
        )]
        before: Option<String>,
    ) -> ApiResult<OrganisationConnection> {
        let viewer = &scope(ctx).viewer;
        let base = organisation::Entity::find().filter(
            filter
                .unwrap_or_default()
                .condition(&viewer.project_scope())?,
        );
        let keys = organisation_keys(&order_by.unwrap_or_default(), request_lang(ctx));
        paginate(
            db(ctx),
            base,
            keys,
            organisation::Column::Id,
            |m| m.id,
            page(first, after, last, before),
            wants_total(ctx),
            Organisation,
        )
        .await
        .map(Into::into)
    }

    /// Areas: the country, its districts, cities, settlements and villages (public).
    #[allow(clippy::too_many_arguments)]
    async fn areas(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the rows that match every condition given (see the filter type); none: every row the caller may see."
        )]
        filter: Option<AreaFilter>,
        #[graphql(
            desc = "Sort order: fields in priority order, each ascending or descending; ties are broken by id, so pages never overlap."
        )]
        order_by: Option<Vec<OrderBy<AreaOrderField>>>,
        #[graphql(
            desc = "Page size from the start (or after `after`): 0 to 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Cursor of the row to start after: `pageInfo.endCursor` or an edge's `cursor` from an earlier page."
        )]
        after: Option<String>,
        #[graphql(desc = "Page size from the end (or before `before`): 0 to 100.")] last: Option<
            i32,
        >,
        #[graphql(
            desc = "Cursor of the row to end before: `pageInfo.startCursor` or an edge's `cursor` from an earlier page."
        )]
        before: Option<String>,
    ) -> ApiResult<AreaConnection> {
        let base = area::Entity::find().filter(filter.unwrap_or_default().condition()?);
        let keys = area_keys(&order_by.unwrap_or_default(), request_lang(ctx));
        paginate(
            db(ctx),
            base,
            keys,
            area::Column::Id,
            |m| m.id,
            page(first, after, last, before),
            wants_total(ctx),
            Area,
        )
        .await
        .map(Into::into)
    }

    /// Any object by its global ID; null when there is none the caller may see.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's global ID, as its `id` field gives it.")] id: ID,
    ) -> ApiResult<Option<Node>> {
        let (kind, raw) = decode(&id)?;
        load_node(ctx, kind, raw).await
    }

    /// Objects by global ID, in the order asked, at most 100 (the IDs of a
    /// page); each is null when there is none the caller may see, exactly
    /// as `node` answers it. The IDs are loaded together, in batches.
    /// Bounded: one per id asked for (at most 100).
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Global IDs of the objects, as their `id` fields give them: at most 100; a malformed one fails the field with BAD_USER_INPUT."
        )]
        ids: Vec<ID>,
    ) -> ApiResult<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(AppError::BadInput(format!(
                "nodes takes at most {MAX_NODES} IDs, not {}",
                ids.len()
            )));
        }
        let decoded = ids
            .iter()
            .map(|id| decode(id))
            .collect::<Result<Vec<_>, _>>()?;
        futures_util::future::join_all(
            decoded
                .into_iter()
                .map(|(kind, raw)| load_node(ctx, kind, raw)),
        )
        .await
        .into_iter()
        .collect()
    }

    /// The published texts the data cites.
    /// Bounded: the source texts the deployment cites (set up by hand).
    async fn source_documents(&self, ctx: &Context<'_>) -> ApiResult<Vec<SourceDocument>> {
        use sea_orm::QueryOrder;
        Ok(source_document::Entity::find()
            .order_by_asc(source_document::Column::Id)
            .all(db(ctx))
            .await?
            .into_iter()
            .map(SourceDocument)
            .collect())
    }
}

/// Most IDs one `nodes` field takes (a page of objects).
const MAX_NODES: usize = crate::graphql::pagination::MAX_PAGE as usize;
