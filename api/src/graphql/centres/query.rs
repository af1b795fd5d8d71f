//! Filters, sort keys and root list fields of this domain.

use crate::graphql::prelude::*;

/// Filter over centres.
#[derive(InputObject, Debug, Clone, Default)]
pub struct CentreFilter {
    /// Only these centres.
    pub ids: Option<Vec<ID>>,
    /// Text search over names, with or without Azerbaijani letters.
    pub search: Option<String>,
    /// Centres of this project.
    pub project: Option<ID>,
    /// Centres of projects this organisation takes part in (in `role`, if given), or that it operates.
    pub organisation: Option<ID>,
    /// With `organisation`: the organisation's role in the centre's project.
    pub role: Option<ParticipantRole>,
    /// Any of these kinds.
    pub kind: Option<Vec<CentreKind>>,
    /// Any of these statuses.
    pub status: Option<Vec<CentreStatus>>,
    /// Centres in, or serving, this area or any area inside it.
    pub area: Option<ID>,
    /// All of these filters must hold.
    pub and: Option<Vec<CentreFilter>>,
    /// At least one of these filters must hold.
    pub or: Option<Vec<CentreFilter>>,
}

impl CentreFilter {
    fn condition(&self, hide_sensitive: bool) -> ApiResult<Condition> {
        use centre::Column as C;
        let mut cond = Condition::all();
        if let Some(ids) = &self.ids {
            cond = cond.add(C::Id.is_in(decode_ids(NodeType::Centre, ids)?));
        }
        if let Some(s) = search_condition(C::SearchKey, &self.search) {
            cond = cond.add(s);
        }
        if let Some(p) = &self.project {
            cond = cond.add(C::ProjectId.eq(decode_as(NodeType::Project, p)?));
        }
        if let Some(org) = &self.organisation {
            let org = decode_as(NodeType::Organisation, org)?;
            let in_projects = C::ProjectId.in_subquery(projects_of_organisation(org, self.role));
            cond = cond.add(if self.role.is_some() {
                Condition::all().add(in_projects)
            } else {
                Condition::any()
                    .add(in_projects)
                    .add(C::OperatorOrganisationId.eq(org))
            });
        }
        if let Some(kind) = &self.kind {
            cond = cond.add(C::Kind.is_in(kind.iter().copied()));
        }
        if let Some(status) = &self.status {
            cond = cond.add(C::Status.is_in(status.iter().copied()));
        }
        if let Some(area) = &self.area {
            cond = cond.add(places::in_area_tree(
                r#""centres"."id""#,
                places::centres_in_area_tree(),
                decode_as(NodeType::Area, area)?,
            ));
            if hide_sensitive {
                // Filtering by place must not reveal where a shelter is.
                cond = cond.add(C::SensitiveLocation.eq(false));
            }
        }
        with_nested(cond, &self.and, &self.or, |f| f.condition(hide_sensitive))
    }
}

pub(crate) fn centre_keys(
    order: &[OrderBy<CentreOrderField>],
    lang: Lang,
) -> Vec<SortKey<centre::Model>> {
    use centre::Column as C;
    order
        .iter()
        .map(|o| match (o.field, lang) {
            (CentreOrderField::Name, Lang::Az) => {
                text_key("name_az", C::NameAz, o.direction, |m: &centre::Model| {
                    m.name_az.clone().into()
                })
            }
            (CentreOrderField::Name, Lang::En) => {
                text_key("name_en", C::NameEn, o.direction, |m: &centre::Model| {
                    m.name_en.clone().into()
                })
            }
            (CentreOrderField::Kind, _) => {
                text_key("kind", C::Kind, o.direction, |m: &centre::Model| {
                    m.kind.code().into()
                })
            }
            (CentreOrderField::Status, _) => SortKey {
                name: "status",
                expr: coalesce_text(C::Status),
                kind: KeyKind::Text,
                direction: o.direction,
                read: |m: &centre::Model| m.status.map(|s| s.code()).unwrap_or_default().into(),
            },
            (CentreOrderField::OpenedOn, _) => SortKey {
                name: "opened",
                expr: coalesce_date(C::OpenedOn),
                kind: KeyKind::Date,
                direction: o.direction,
                read: |m: &centre::Model| date_json(m.opened_on),
            },
        })
        .collect()
}

/// Root fields of this domain.
#[derive(Default)]
pub struct CentreQuery;

#[Object]
impl CentreQuery {
    /// Centres visible to the caller.
    #[allow(clippy::too_many_arguments)]
    async fn centres(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the rows that match every condition given (see the filter type); none: every row the caller may see."
        )]
        filter: Option<CentreFilter>,
        #[graphql(
            desc = "Sort order: fields in priority order, each ascending or descending; ties are broken by id, so pages never overlap."
        )]
        order_by: Option<Vec<OrderBy<CentreOrderField>>>,
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
    ) -> ApiResult<CentreConnection> {
        let viewer = &scope(ctx).viewer;
        let hide_sensitive = viewer.hides_sensitive_locations();
        let base = centre::Entity::find()
            .filter(viewer.owned_and_live(centre::Column::ProjectId, centre::Column::ArchivedAt))
            .filter(filter.unwrap_or_default().condition(hide_sensitive)?);
        let keys = centre_keys(&order_by.unwrap_or_default(), request_lang(ctx));
        paginate(
            db(ctx),
            base,
            keys,
            centre::Column::Id,
            |m| m.id,
            page(first, after, last, before),
            wants_total(ctx),
            Centre,
        )
        .await
        .map(Into::into)
    }
}
