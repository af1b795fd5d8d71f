//! Project filters, sort keys and the `projects` / `project` root fields.

use crate::graphql::prelude::*;

/// Filter over projects. All given criteria must hold; `and`/`or` combine nested filters.
#[derive(InputObject, Debug, Clone, Default)]
pub struct ProjectFilter {
    /// Only these projects.
    pub ids: Option<Vec<ID>>,
    /// Text search over titles and slug, with or without Azerbaijani letters ("Fuzuli" finds "Füzuli").
    pub search: Option<String>,
    /// Any of these statuses.
    pub status: Option<Vec<ProjectStatus>>,
    /// Sensitivity class.
    pub sensitivity: Option<Sensitivity>,
    /// Projects this organisation takes part in.
    pub organisation: Option<ID>,
    /// With `organisation`: only in this role; alone: projects having any participant in this role.
    pub role: Option<ParticipantRole>,
    /// Projects working in this area or any area inside it.
    pub area: Option<ID>,
    /// Projects whose dates (actual, else planned) overlap this range.
    pub dates: Option<DateRange>,
    /// All of these filters must hold.
    pub and: Option<Vec<ProjectFilter>>,
    /// At least one of these filters must hold.
    pub or: Option<Vec<ProjectFilter>>,
}

impl ProjectFilter {
    /// The filter as SQL; `hide_sensitive` from the viewer (see `access`).
    pub(crate) fn condition(&self, hide_sensitive: bool) -> ApiResult<Condition> {
        use project::Column as C;
        let mut cond = Condition::all();
        if let Some(ids) = &self.ids {
            cond = cond.add(C::Id.is_in(decode_ids(NodeType::Project, ids)?));
        }
        if let Some(s) = search_condition(C::SearchKey, &self.search) {
            cond = cond.add(s);
        }
        if let Some(status) = &self.status {
            cond = cond.add(C::Status.is_in(status.iter().copied()));
        }
        if let Some(sensitivity) = self.sensitivity {
            cond = cond.add(C::Sensitivity.eq(sensitivity));
        }
        match (&self.organisation, self.role) {
            (Some(org), role) => {
                let org = decode_as(NodeType::Organisation, org)?;
                cond = cond.add(C::Id.in_subquery(projects_of_organisation(org, role)));
            }
            (None, Some(role)) => {
                let q = Query::select()
                    .column(project_participant::Column::ProjectId)
                    .from(project_participant::Entity)
                    .and_where(project_participant::Column::Role.eq(role))
                    .to_owned();
                cond = cond.add(C::Id.in_subquery(q));
            }
            (None, None) => {}
        }
        if let Some(area) = &self.area {
            cond = cond.add(places::in_area_tree(
                r#""projects"."id""#,
                &places::projects_in_area_tree(hide_sensitive),
                decode_as(NodeType::Area, area)?,
            ));
        }
        if let Some(range) = &self.dates {
            let start: SimpleExpr = sea_orm::sea_query::Func::coalesce([
                Expr::col(C::ActualStart),
                Expr::col(C::PlannedStart),
            ])
            .into();
            let end: SimpleExpr = sea_orm::sea_query::Func::coalesce([
                Expr::col(C::ActualEnd),
                Expr::col(C::PlannedEnd),
            ])
            .into();
            cond = cond.add(range.overlaps(start, end));
        }
        with_nested(cond, &self.and, &self.or, |f| f.condition(hide_sensitive))
    }
}

pub(crate) fn project_keys(
    order: &[OrderBy<ProjectOrderField>],
    lang: Lang,
) -> Vec<SortKey<project::Model>> {
    use project::Column as C;
    order
        .iter()
        .map(|o| match (o.field, lang) {
            (ProjectOrderField::Title, Lang::Az) => {
                text_key("title_az", C::TitleAz, o.direction, |m: &project::Model| {
                    m.title_az.clone().into()
                })
            }
            (ProjectOrderField::Title, Lang::En) => {
                text_key("title_en", C::TitleEn, o.direction, |m: &project::Model| {
                    m.title_en.clone().into()
                })
            }
            (ProjectOrderField::Slug, _) => {
                text_key("slug", C::Slug, o.direction, |m: &project::Model| {
                    m.slug.clone().into()
                })
            }
            (ProjectOrderField::Status, _) => {
                text_key("status", C::Status, o.direction, |m: &project::Model| {
                    m.status.code().into()
                })
            }
            (ProjectOrderField::StartDate, _) => SortKey {
                name: "start",
                expr: sea_orm::sea_query::Func::coalesce([
                    Expr::col(C::ActualStart),
                    Expr::col(C::PlannedStart),
                    Expr::val(crate::graphql::pagination::date_floor()),
                ])
                .into(),
                kind: KeyKind::Date,
                direction: o.direction,
                read: |m: &project::Model| date_json(m.actual_start.or(m.planned_start)),
            },
        })
        .collect()
}

/// Root fields over projects.
#[derive(Default)]
pub struct ProjectQuery;

#[Object]
impl ProjectQuery {
    /// Projects visible to the caller. At most 100 per page; `first`/`after`
    /// pages forward, `last`/`before` backward.
    #[allow(clippy::too_many_arguments)]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the rows that match every condition given (see the filter type); none: every row the caller may see."
        )]
        filter: Option<ProjectFilter>,
        #[graphql(
            desc = "Sort order: fields in priority order, each ascending or descending; ties are broken by id, so pages never overlap."
        )]
        order_by: Option<Vec<OrderBy<ProjectOrderField>>>,
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
    ) -> ApiResult<ProjectConnection> {
        let viewer = &scope(ctx).viewer;
        let base = project::Entity::find()
            .filter(viewer.project_scope())
            .filter(
                filter
                    .unwrap_or_default()
                    .condition(viewer.hides_sensitive_locations())?,
            );
        let keys = project_keys(&order_by.unwrap_or_default(), request_lang(ctx));
        paginate(
            db(ctx),
            base,
            keys,
            project::Column::Id,
            |m| m.id,
            page(first, after, last, before),
            wants_total(ctx),
            Project,
        )
        .await
        .map(Into::into)
    }

    /// A project by its slug; null when there is none the caller may see.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The programme's slug, as in its page's URL.")] slug: String,
    ) -> ApiResult<Option<Project>> {
        let viewer = &scope(ctx).viewer;
        Ok(project::Entity::find()
            .filter(viewer.project_scope())
            .filter(project::Column::Slug.eq(slug.trim()))
            .one(db(ctx))
            .await?
            .map(Project))
    }
}
