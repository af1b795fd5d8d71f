//! Filters, sort keys and root list fields of this domain.

use crate::graphql::prelude::*;

/// Filter over infrastructure works.
#[derive(InputObject, Debug, Clone, Default)]
pub struct InfrastructureWorkFilter {
    /// Only these works.
    pub ids: Option<Vec<ID>>,
    /// Text search over titles, with or without Azerbaijani letters.
    pub search: Option<String>,
    /// Works of this project.
    pub project: Option<ID>,
    /// Works of projects this organisation takes part in.
    pub organisation: Option<ID>,
    /// With `organisation`: only projects where it has this role.
    pub role: Option<ParticipantRole>,
    /// Any of these kinds.
    pub kind: Option<Vec<WorkKind>>,
    /// Any of these statuses.
    pub status: Option<Vec<WorkStatus>>,
    /// Works in this area or any area inside it.
    pub area: Option<ID>,
    /// All of these filters must hold.
    pub and: Option<Vec<InfrastructureWorkFilter>>,
    /// At least one of these filters must hold.
    pub or: Option<Vec<InfrastructureWorkFilter>>,
}

impl InfrastructureWorkFilter {
    fn condition(&self) -> ApiResult<Condition> {
        use infrastructure_work::Column as C;
        let mut cond = Condition::all();
        if let Some(ids) = &self.ids {
            cond = cond.add(C::Id.is_in(decode_ids(NodeType::InfrastructureWork, ids)?));
        }
        if let Some(s) = search_condition(C::SearchKey, &self.search) {
            cond = cond.add(s);
        }
        if let Some(p) = &self.project {
            cond = cond.add(C::ProjectId.eq(decode_as(NodeType::Project, p)?));
        }
        if let Some(org) = &self.organisation {
            let org = decode_as(NodeType::Organisation, org)?;
            cond = cond.add(C::ProjectId.in_subquery(projects_of_organisation(org, self.role)));
        }
        if let Some(kind) = &self.kind {
            cond = cond.add(C::Kind.is_in(kind.iter().copied()));
        }
        if let Some(status) = &self.status {
            cond = cond.add(C::Status.is_in(status.iter().copied()));
        }
        if let Some(area) = &self.area {
            cond = cond.add(places::in_area_tree(
                r#""infrastructure_works"."area_id""#,
                places::works_in_area_tree(),
                decode_as(NodeType::Area, area)?,
            ));
        }
        with_nested(cond, &self.and, &self.or, |f| f.condition())
    }
}

pub(crate) fn work_keys(
    order: &[OrderBy<WorkOrderField>],
    lang: Lang,
) -> Vec<SortKey<infrastructure_work::Model>> {
    use infrastructure_work::Column as C;
    order
        .iter()
        .map(|o| match (o.field, lang) {
            (WorkOrderField::Title, Lang::Az) => text_key(
                "title_az",
                C::TitleAz,
                o.direction,
                |m: &infrastructure_work::Model| m.title_az.clone().into(),
            ),
            (WorkOrderField::Title, Lang::En) => text_key(
                "title_en",
                C::TitleEn,
                o.direction,
                |m: &infrastructure_work::Model| m.title_en.clone().into(),
            ),
            (WorkOrderField::Kind, _) => text_key(
                "kind",
                C::Kind,
                o.direction,
                |m: &infrastructure_work::Model| m.kind.code().into(),
            ),
            (WorkOrderField::Status, _) => text_key(
                "status",
                C::Status,
                o.direction,
                |m: &infrastructure_work::Model| m.status.code().into(),
            ),
        })
        .collect()
}

/// Root fields of this domain.
#[derive(Default)]
pub struct WorkQuery;

#[Object]
impl WorkQuery {
    /// Infrastructure works visible to the caller.
    #[allow(clippy::too_many_arguments)]
    async fn infrastructure_works(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the rows that match every condition given (see the filter type); none: every row the caller may see."
        )]
        filter: Option<InfrastructureWorkFilter>,
        #[graphql(
            desc = "Sort order: fields in priority order, each ascending or descending; ties are broken by id, so pages never overlap."
        )]
        order_by: Option<Vec<OrderBy<WorkOrderField>>>,
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
    ) -> ApiResult<InfrastructureWorkConnection> {
        let viewer = &scope(ctx).viewer;
        let base = infrastructure_work::Entity::find()
            .filter(viewer.owned_and_live(
                infrastructure_work::Column::ProjectId,
                infrastructure_work::Column::ArchivedAt,
            ))
            .filter(filter.unwrap_or_default().condition()?);
        let keys = work_keys(&order_by.unwrap_or_default(), request_lang(ctx));
        paginate(
            db(ctx),
            base,
            keys,
            infrastructure_work::Column::Id,
            |m| m.id,
            page(first, after, last, before),
            wants_total(ctx),
            InfrastructureWork,
        )
        .await
        .map(Into::into)
    }
}
