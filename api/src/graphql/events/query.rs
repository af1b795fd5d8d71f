//! Filters, sort keys and root list fields of this domain.

use crate::graphql::prelude::*;

/// Filter over events.
#[derive(InputObject, Debug, Clone, Default)]
pub struct EventFilter {
    /// Only these events.
    pub ids: Option<Vec<ID>>,
    /// Text search over titles, with or without Azerbaijani letters.
    pub search: Option<String>,
    /// Events of this project.
    pub project: Option<ID>,
    /// Events of projects this organisation takes part in.
    pub organisation: Option<ID>,
    /// With `organisation`: only projects where it has this role.
    pub role: Option<ParticipantRole>,
    /// Events held at this centre.
    pub centre: Option<ID>,
    /// Any of these kinds.
    pub kind: Option<Vec<EventKind>>,
    /// Any of these statuses.
    pub status: Option<Vec<EventStatus>>,
    /// Events in this area or any area inside it.
    pub area: Option<ID>,
    /// Events whose dates overlap this range.
    pub dates: Option<DateRange>,
    /// All of these filters must hold.
    pub and: Option<Vec<EventFilter>>,
    /// At least one of these filters must hold.
    pub or: Option<Vec<EventFilter>>,
}

impl EventFilter {
    /// The filter as SQL; `hide_sensitive` from the viewer (see `access`).
    pub(crate) fn condition(&self, hide_sensitive: bool) -> ApiResult<Condition> {
        use event::Column as C;
        let mut cond = Condition::all();
        if let Some(ids) = &self.ids {
            cond = cond.add(C::Id.is_in(decode_ids(NodeType::Event, ids)?));
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
        if let Some(c) = &self.centre {
            cond = cond.add(C::CentreId.eq(decode_as(NodeType::Centre, c)?));
        }
        if let Some(kind) = &self.kind {
            cond = cond.add(C::Kind.is_in(kind.iter().copied()));
        }
        if let Some(status) = &self.status {
            cond = cond.add(C::Status.is_in(status.iter().copied()));
        }
        if let Some(area) = &self.area {
            cond = cond.add(places::in_area_tree(
                r#""events"."id""#,
                &places::events_in_area_tree(hide_sensitive),
                decode_as(NodeType::Area, area)?,
            ));
        }
        if let Some(range) = &self.dates {
            cond = cond.add(range.overlaps(Expr::col(C::StartDate), Expr::col(C::EndDate)));
        }
        with_nested(cond, &self.and, &self.or, |f| f.condition(hide_sensitive))
    }
}

pub(crate) fn event_keys(
    order: &[OrderBy<EventOrderField>],
    lang: Lang,
) -> Vec<SortKey<event::Model>> {
    use event::Column as C;
    order
        .iter()
        .map(|o| match (o.field, lang) {
            (EventOrderField::Title, Lang::Az) => {
                text_key("title_az", C::TitleAz, o.direction, |m: &event::Model| {
                    m.title_az.clone().into()
                })
            }
            (EventOrderField::Title, Lang::En) => {
                text_key("title_en", C::TitleEn, o.direction, |m: &event::Model| {
                    m.title_en.clone().into()
                })
            }
            (EventOrderField::Kind, _) => {
                text_key("kind", C::Kind, o.direction, |m: &event::Model| {
                    m.kind.code().into()
                })
            }
            (EventOrderField::StartDate, _) => SortKey {
                name: "start",
                expr: coalesce_date(C::StartDate),
                kind: KeyKind::Date,
                direction: o.direction,
                read: |m: &event::Model| date_json(m.start_date),
            },
        })
        .collect()
}

/// Root fields of this domain.
#[derive(Default)]
pub struct EventQuery;

#[Object]
impl EventQuery {
    /// Events visible to the caller.
    #[allow(clippy::too_many_arguments)]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only the rows that match every condition given (see the filter type); none: every row the caller may see."
        )]
        filter: Option<EventFilter>,
        #[graphql(
            desc = "Sort order: fields in priority order, each ascending or descending; ties are broken by id, so pages never overlap."
        )]
        order_by: Option<Vec<OrderBy<EventOrderField>>>,
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
    ) -> ApiResult<EventConnection> {
        let viewer = &scope(ctx).viewer;
        let base = event::Entity::find()
            .filter(viewer.owned_by_visible_project(event::Column::ProjectId))
            .filter(
                filter
                    .unwrap_or_default()
                    .condition(viewer.hides_sensitive_locations())?,
            );
        let keys = event_keys(&order_by.unwrap_or_default(), request_lang(ctx));
        paginate(
            db(ctx),
            base,
            keys,
            event::Column::Id,
            |m| m.id,
            page(first, after, last, before),
            wants_total(ctx),
            Event,
        )
        .await
        .map(Into::into)
    }
}
