//! Root query fields: the connections over every list, `project(slug:)`,
//! `node(id:)`. Filters become SQL conditions; nothing is filtered in memory.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::Value as Json;

use entities::codes::*;
use entities::*;

use super::ids::{NodeType, decode, decode_as};
use super::lang::{Lang, RequestLang};
use super::pagination::{
    AreaConnection, CentreConnection, Direction, EventConnection, InfrastructureWorkConnection,
    KeyKind, OrderBy, OrganisationConnection, PageArgs, ProjectConnection, SortKey, coalesce_date,
    coalesce_text, date_json, paginate,
};
use super::types::*;
use crate::error::ApiResult;
use crate::search::like_pattern;

/// A date range; either end may be open. An object matches when its own
/// dates overlap the range.
#[derive(InputObject, Debug, Clone, Default)]
pub struct DateRange {
    /// First day (inclusive).
    pub from: Option<NaiveDate>,
    /// Last day (inclusive).
    pub to: Option<NaiveDate>,
}

impl DateRange {
    /// Overlap of `[start, coalesce(end, start)]` with the range. Objects
    /// without any date never match a date filter.
    fn overlaps(&self, start: SimpleExpr, end: SimpleExpr) -> Condition {
        let mut cond = Condition::all().add(start.clone().is_not_null());
        if let Some(to) = self.to {
            cond = cond.add(start.clone().lte(to));
        }
        if let Some(from) = self.from {
            cond = cond.add(sea_orm::sea_query::Func::coalesce([end, start]).gte(from));
        }
        cond
    }
}

/// Recursive CTE naming an area and every area below it `area_tree`.
///
/// The area id is written into the SQL as a number: it is an `i32` decoded
/// from a global ID, so nothing a client types reaches the text, and a bound
/// `?` inside custom SQL is not rewritten to `$1` for PostgreSQL.
fn area_tree(area_id: i32) -> String {
    format!(
        "WITH RECURSIVE area_tree(id) AS (SELECT id FROM areas WHERE id = {area_id} \
         UNION ALL SELECT a.id FROM areas a JOIN area_tree t ON a.parent_id = t.id)"
    )
}

/// `target IN (<area tree> select)`: `select` may use `(SELECT id FROM area_tree)`.
fn in_area_tree(target: &str, select: &str, area_id: i32) -> SimpleExpr {
    Expr::cust(format!("{target} IN ({} {select})", area_tree(area_id)))
}

/// The text-search condition: `None` without a search; a search with nothing
/// searchable in it (only punctuation or wildcards) matches no row.
fn search_condition(col: impl ColumnTrait, query: &Option<String>) -> Option<SimpleExpr> {
    let query = query.as_deref()?;
    Some(match like_pattern(query) {
        Some(pattern) => col.like(pattern),
        None => Expr::cust("1 = 0"),
    })
}

fn decode_ids(kind: NodeType, ids: &[ID]) -> ApiResult<Vec<i32>> {
    ids.iter().map(|id| decode_as(kind, id)).collect()
}

/// Projects an organisation takes part in, optionally in one role.
fn projects_of_organisation(
    org: i32,
    role: Option<ParticipantRole>,
) -> sea_orm::sea_query::SelectStatement {
    let mut q = Query::select();
    q.column(project_participant::Column::ProjectId)
        .from(project_participant::Entity)
        .and_where(project_participant::Column::OrganisationId.eq(org));
    if let Some(role) = role {
        q.and_where(project_participant::Column::Role.eq(role));
    }
    q.to_owned()
}

fn boxed_any(parts: Vec<Condition>) -> Condition {
    parts.into_iter().fold(Condition::any(), Condition::add)
}

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
    fn condition(&self) -> ApiResult<Condition> {
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
            // Where the project works, or where its centres (not sensitive
            // locations), works and events are.
            cond = cond.add(in_area_tree(
                r#""projects"."id""#,
                "SELECT project_id FROM project_areas WHERE area_id IN (SELECT id FROM area_tree) \
                 UNION SELECT project_id FROM centres WHERE NOT sensitive_location AND area_id IN (SELECT id FROM area_tree) \
                 UNION SELECT project_id FROM infrastructure_works WHERE area_id IN (SELECT id FROM area_tree) \
                 UNION SELECT e.project_id FROM events e JOIN event_areas ea ON ea.event_id = e.id \
                 WHERE ea.area_id IN (SELECT id FROM area_tree)",
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
        if let Some(and) = &self.and {
            for f in and {
                cond = cond.add(f.condition()?);
            }
        }
        if let Some(or) = &self.or {
            cond = cond.add(boxed_any(
                or.iter().map(Self::condition).collect::<ApiResult<_>>()?,
            ));
        }
        Ok(cond)
    }
}

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
            cond = cond.add(in_area_tree(
                r#""centres"."id""#,
                "SELECT id FROM centres WHERE area_id IN (SELECT id FROM area_tree) \
                 UNION SELECT centre_id FROM centre_areas_served WHERE area_id IN (SELECT id FROM area_tree)",
                decode_as(NodeType::Area, area)?,
            ));
            if hide_sensitive {
                // Filtering by place must not reveal where a shelter is.
                cond = cond.add(C::SensitiveLocation.eq(false));
            }
        }
        if let Some(and) = &self.and {
            for f in and {
                cond = cond.add(f.condition(hide_sensitive)?);
            }
        }
        if let Some(or) = &self.or {
            cond = cond.add(boxed_any(
                or.iter()
                    .map(|f| f.condition(hide_sensitive))
                    .collect::<ApiResult<_>>()?,
            ));
        }
        Ok(cond)
    }
}

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
    fn condition(&self) -> ApiResult<Condition> {
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
            cond = cond.add(in_area_tree(
                r#""events"."id""#,
                "SELECT event_id FROM event_areas WHERE area_id IN (SELECT id FROM area_tree) \
                 UNION SELECT e.id FROM events e JOIN centres c ON c.id = e.centre_id \
                 WHERE NOT c.sensitive_location AND c.area_id IN (SELECT id FROM area_tree)",
                decode_as(NodeType::Area, area)?,
            ));
        }
        if let Some(range) = &self.dates {
            cond = cond.add(range.overlaps(Expr::col(C::StartDate), Expr::col(C::EndDate)));
        }
        if let Some(and) = &self.and {
            for f in and {
                cond = cond.add(f.condition()?);
            }
        }
        if let Some(or) = &self.or {
            cond = cond.add(boxed_any(
                or.iter().map(Self::condition).collect::<ApiResult<_>>()?,
            ));
        }
        Ok(cond)
    }
}

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
            cond = cond.add(in_area_tree(
                r#""infrastructure_works"."area_id""#,
                "SELECT id FROM area_tree",
                decode_as(NodeType::Area, area)?,
            ));
        }
        if let Some(and) = &self.and {
            for f in and {
                cond = cond.add(f.condition()?);
            }
        }
        if let Some(or) = &self.or {
            cond = cond.add(boxed_any(
                or.iter().map(Self::condition).collect::<ApiResult<_>>()?,
            ));
        }
        Ok(cond)
    }
}

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
        if let Some(and) = &self.and {
            for f in and {
                cond = cond.add(f.condition(viewer_projects)?);
            }
        }
        if let Some(or) = &self.or {
            cond = cond.add(boxed_any(
                or.iter()
                    .map(|f| f.condition(viewer_projects))
                    .collect::<ApiResult<_>>()?,
            ));
        }
        Ok(cond)
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
            cond = cond.add(in_area_tree(
                r#""areas"."id""#,
                "SELECT id FROM area_tree",
                decode_as(NodeType::Area, within)?,
            ));
        }
        if let Some(and) = &self.and {
            for f in and {
                cond = cond.add(f.condition()?);
            }
        }
        if let Some(or) = &self.or {
            cond = cond.add(boxed_any(
                or.iter().map(Self::condition).collect::<ApiResult<_>>()?,
            ));
        }
        Ok(cond)
    }
}

// -------------------------------------------------------------- sort keys

fn text_key<M>(
    name: &'static str,
    col: impl ColumnTrait,
    direction: Direction,
    read: fn(&M) -> Json,
) -> SortKey<M> {
    SortKey {
        name,
        expr: Expr::col(col),
        kind: KeyKind::Text,
        direction,
        read,
    }
}

fn project_keys(order: &[OrderBy<ProjectOrderField>], lang: Lang) -> Vec<SortKey<project::Model>> {
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
                    Expr::val(super::pagination::date_floor()),
                ])
                .into(),
                kind: KeyKind::Date,
                direction: o.direction,
                read: |m: &project::Model| date_json(m.actual_start.or(m.planned_start)),
            },
        })
        .collect()
}

fn centre_keys(order: &[OrderBy<CentreOrderField>], lang: Lang) -> Vec<SortKey<centre::Model>> {
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

fn event_keys(order: &[OrderBy<EventOrderField>], lang: Lang) -> Vec<SortKey<event::Model>> {
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

fn work_keys(
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

fn organisation_keys(
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

fn area_keys(order: &[OrderBy<AreaOrderField>], lang: Lang) -> Vec<SortKey<area::Model>> {
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

// ------------------------------------------------------------------- root

fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

fn request_lang(ctx: &Context<'_>) -> Lang {
    ctx.data_opt::<RequestLang>()
        .map(|l| l.0)
        .unwrap_or_default()
}

fn wants_total(ctx: &Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

fn page(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> PageArgs {
    PageArgs {
        after,
        before,
        first,
        last,
    }
}

/// The read API: lists as Relay connections, single objects by slug or global ID.
#[derive(Default)]
pub struct ReadQuery;

#[Object]
impl ReadQuery {
    /// Projects visible to the caller. At most 100 per page; `first`/`after`
    /// pages forward, `last`/`before` backward.
    #[allow(clippy::too_many_arguments)]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProjectFilter>,
        order_by: Option<Vec<OrderBy<ProjectOrderField>>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<ProjectConnection> {
        let viewer = &scope(ctx).viewer;
        let base = project::Entity::find()
            .filter(viewer.project_scope())
            .filter(filter.unwrap_or_default().condition()?);
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

    /// Centres visible to the caller.
    #[allow(clippy::too_many_arguments)]
    async fn centres(
        &self,
        ctx: &Context<'_>,
        filter: Option<CentreFilter>,
        order_by: Option<Vec<OrderBy<CentreOrderField>>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<CentreConnection> {
        let viewer = &scope(ctx).viewer;
        let hide_sensitive = !viewer.sees_sensitive_locations();
        let base = centre::Entity::find()
            .filter(viewer.owned_by_visible_project(centre::Column::ProjectId))
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

    /// Events visible to the caller.
    #[allow(clippy::too_many_arguments)]
    async fn events(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventFilter>,
        order_by: Option<Vec<OrderBy<EventOrderField>>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<EventConnection> {
        let viewer = &scope(ctx).viewer;
        let base = event::Entity::find()
            .filter(viewer.owned_by_visible_project(event::Column::ProjectId))
            .filter(filter.unwrap_or_default().condition()?);
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

    /// Infrastructure works visible to the caller.
    #[allow(clippy::too_many_arguments)]
    async fn infrastructure_works(
        &self,
        ctx: &Context<'_>,
        filter: Option<InfrastructureWorkFilter>,
        order_by: Option<Vec<OrderBy<WorkOrderField>>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> ApiResult<InfrastructureWorkConnection> {
        let viewer = &scope(ctx).viewer;
        let base = infrastructure_work::Entity::find()
            .filter(viewer.owned_by_visible_project(infrastructure_work::Column::ProjectId))
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

    /// Organisations (reference data, public).
    #[allow(clippy::too_many_arguments)]
    async fn organisations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganisationFilter>,
        order_by: Option<Vec<OrderBy<OrganisationOrderField>>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
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
        filter: Option<AreaFilter>,
        order_by: Option<Vec<OrderBy<AreaOrderField>>>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
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

    /// A project by its slug; null when there is none the caller may see.
    async fn project(&self, ctx: &Context<'_>, slug: String) -> ApiResult<Option<Project>> {
        let viewer = &scope(ctx).viewer;
        Ok(project::Entity::find()
            .filter(viewer.project_scope())
            .filter(project::Column::Slug.eq(slug.trim()))
            .one(db(ctx))
            .await?
            .map(Project))
    }

    /// Any object by its global ID; null when there is none the caller may see.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
        let (kind, raw) = decode(&id)?;
        load_node(ctx, kind, raw).await
    }

    /// The published texts the data cites.
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
