//! Per-request DataLoaders. One `Loaders` value is created for each request
//! (never shared between users) and holds the caller's `Viewer`, so every
//! batched read applies the same visibility scope as the root queries.
//!
//! Each key type names one relation; a batch of keys is one SQL statement
//! (two for relations through a link table), so the statements of a request
//! grow with its depth, not with the rows it returns.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use entities::*;

use crate::access::Viewer;
use crate::error::AppError;

/// The loaders of one request.
pub struct Loaders {
    /// Database connection.
    pub db: DatabaseConnection,
    /// The caller.
    pub viewer: Viewer,
}

/// Visible rows of a table that belongs to a project.
fn owned(viewer: &Viewer, project_col: impl ColumnTrait) -> Condition {
    Condition::all().add(viewer.owned_by_visible_project(project_col))
}

/// Rows of reference tables (areas, organisations, sources, plans): public.
fn public(_viewer: &Viewer) -> Condition {
    Condition::all()
}

fn ids<K: Copy>(keys: &[K], get: impl Fn(K) -> i32) -> Vec<i32> {
    let mut out: Vec<i32> = keys.iter().map(|k| get(*k)).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Defines a key type loading one row by primary key, within a scope.
macro_rules! by_id {
    ($(#[$doc:meta])* $key:ident => $module:ident, $scope:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for Loaders {
            type Value = $module::Model;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, AppError> {
                let scope: fn(&Viewer) -> Condition = $scope;
                let rows = $module::Entity::find()
                    .filter($module::Column::Id.is_in(ids(keys, |k| k.0)))
                    .filter(scope(&self.viewer))
                    .all(&self.db)
                    .await?;
                Ok(rows.into_iter().map(|m| ($key(m.id), m)).collect())
            }
        }
    };
}

/// Defines a key type loading all rows whose foreign key equals the key.
macro_rules! many_by {
    ($(#[$doc:meta])* $key:ident => $module:ident . $fk:ident ($col:ident), $scope:expr, order $order:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for Loaders {
            type Value = Vec<$module::Model>;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, AppError> {
                let scope: fn(&Viewer) -> Condition = $scope;
                let rows = $module::Entity::find()
                    .filter($module::Column::$col.is_in(ids(keys, |k| k.0)))
                    .filter(scope(&self.viewer))
                    .order_by_asc($module::Column::$order)
                    .order_by_asc($module::Column::Id)
                    .all(&self.db)
                    .await?;
                let mut out: HashMap<$key, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
                for row in rows {
                    if let Some(fk) = Option::<i32>::from(row.$fk) {
                        out.entry($key(fk)).or_default().push(row);
                    }
                }
                Ok(out)
            }
        }
    };
}

/// Defines a key type loading rows of `$target` linked to the key through a link table.
macro_rules! linked {
    ($(#[$doc:meta])* $key:ident => $link:ident ($from:ident -> $to:ident) => $target:ident, $scope:expr, order $order:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub i32);

        impl Loader<$key> for Loaders {
            type Value = Vec<$target::Model>;
            type Error = AppError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, AppError> {
                use sea_orm::QuerySelect;
                let scope: fn(&Viewer) -> Condition = $scope;
                let links: Vec<(i32, i32)> = $link::Entity::find()
                    .select_only()
                    .column($link::Column::$from)
                    .column($link::Column::$to)
                    .filter($link::Column::$from.is_in(ids(keys, |k| k.0)))
                    .into_tuple()
                    .all(&self.db)
                    .await?;
                let target_ids: Vec<i32> = ids(&links, |(_, to)| to);
                let rows: HashMap<i32, $target::Model> = if target_ids.is_empty() {
                    HashMap::new()
                } else {
                    $target::Entity::find()
                        .filter($target::Column::Id.is_in(target_ids))
                        .filter(scope(&self.viewer))
                        .all(&self.db)
                        .await?
                        .into_iter()
                        .map(|m| (m.id, m))
                        .collect()
                };
                let mut out: HashMap<$key, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
                for (from, to) in links {
                    if let Some(row) = rows.get(&to) {
                        out.entry($key(from)).or_default().push(row.clone());
                    }
                }
                for list in out.values_mut() {
                    list.sort_by(|a, b| a.$order.partial_cmp(&b.$order).unwrap_or(std::cmp::Ordering::Equal));
                }
                Ok(out)
            }
        }
    };
}

by_id!(/// A project by id (visible projects only).
    ProjectById => project, |v| v.project_scope());
by_id!(/// An area by id.
    AreaById => area, public);
by_id!(/// An organisation by id.
    OrganisationById => organisation, public);
by_id!(/// A source document by id.
    SourceById => source_document, public);
by_id!(/// A centre by id.
    CentreById => centre, |v| v.owned_and_live(centre::Column::ProjectId, centre::Column::ArchivedAt));
by_id!(/// An event by id.
    EventById => event, |v| owned(v, event::Column::ProjectId));
by_id!(/// An infrastructure work by id.
    WorkById => infrastructure_work, |v| v.owned_and_live(infrastructure_work::Column::ProjectId, infrastructure_work::Column::ArchivedAt));
by_id!(/// An indicator by id.
    IndicatorById => indicator, |v| v.owned_and_live(indicator::Column::ProjectId, indicator::Column::ArchivedAt));
by_id!(/// A team by id.
    TeamById => team, |v| v.owned_and_live(team::Column::ProjectId, team::Column::ArchivedAt));
by_id!(/// A plan by id.
    PlanById => plan, public);
by_id!(/// A goal by id.
    GoalById => goal, public);

/// The beneficiary categories a project declares it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CategoriesByProject(pub i32);

impl Loader<CategoriesByProject> for Loaders {
    type Value = Vec<codes::BeneficiaryCategory>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[CategoriesByProject],
    ) -> Result<HashMap<CategoriesByProject, Self::Value>, AppError> {
        let rows = project_category::Entity::find()
            .filter(project_category::Column::ProjectId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(project_category::Column::Category)
            .all(&self.db)
            .await?;
        let mut out: HashMap<CategoriesByProject, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for row in rows {
            out.entry(CategoriesByProject(row.project_id))
                .or_default()
                .push(row.category);
        }
        Ok(out)
    }
}

many_by!(/// Participants (organisation roles) of a project.
    ParticipantsByProject => project_participant.project_id(ProjectId), public, order Id);
many_by!(/// Projects an organisation takes part in (visible projects only).
    ParticipationsByOrganisation => project_participant.organisation_id(OrganisationId),
    |v| owned(v, project_participant::Column::ProjectId), order Id);
many_by!(/// Indicators of a project.
    IndicatorsByProject => indicator.project_id(ProjectId), |v| v.owned_and_live(indicator::Column::ProjectId, indicator::Column::ArchivedAt), order Code);
many_by!(/// Teams of a project.
    TeamsByProject => team.project_id(ProjectId), |v| v.owned_and_live(team::Column::ProjectId, team::Column::ArchivedAt), order Id);
many_by!(/// Plans and goals a project serves.
    PlanLinksByProject => project_plan_link.project_id(ProjectId), public, order Id);
many_by!(/// Service counts of a project.
    ServiceCountsByProject => service_count.project_id(ProjectId), |v| owned(v, service_count::Column::ProjectId), order Id);
many_by!(/// Milestones of a centre.
    MilestonesByCentre => centre_milestone.centre_id(CentreId), public, order Id);
many_by!(/// Attendance cells of an event.
    AttendanceByEvent => attendance.event_id(EventId), public, order Id);
many_by!(/// Status history of a work.
    StatusHistoryByWork => work_status_change.work_id(WorkId), public, order Id);
many_by!(/// Child areas.
    AreaChildren => area.parent_id(ParentId), public, order NameEn);
many_by!(/// Values of an indicator.
    ValuesByIndicator => indicator_value.indicator_id(IndicatorId), public, order Id);
many_by!(/// Roles of a team.
    RolesByTeam => team_role.team_id(TeamId), public, order Id);
many_by!(/// Goals of a plan.
    GoalsByPlan => goal.plan_id(PlanId), public, order Number);

linked!(/// Areas a project works in.
    AreasOfProject => project_area(ProjectId -> AreaId) => area, public, order name_en);
linked!(/// Areas a centre serves beyond its own.
    AreasServedByCentre => centre_area_served(CentreId -> AreaId) => area, public, order name_en);
linked!(/// Areas an event took place in.
    AreasOfEvent => event_area(EventId -> AreaId) => area, public, order name_en);

many_by!(/// Period narratives of a project.
    NarrativesByProject => period_narrative.project_id(ProjectId), |v| owned(v, period_narrative::Column::ProjectId), order PeriodStart);

/// What a stored file of an update is, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMeta {
    /// Its id.
    pub id: i32,
    /// The update.
    pub update_id: i32,
    /// `photo` or `document`.
    pub kind: String,
    /// Its media type.
    pub media_type: String,
    /// Its safe file name.
    pub file_name: String,
    /// Pixel width of a photo.
    pub width: Option<i32>,
    /// Pixel height of a photo.
    pub height: Option<i32>,
    /// Stored size in bytes.
    pub byte_size: i32,
}

/// Files of an update, in their order (the update was loaded within scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FilesByUpdate(pub i32);

impl Loader<FilesByUpdate> for Loaders {
    type Value = Vec<FileMeta>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[FilesByUpdate],
    ) -> Result<HashMap<FilesByUpdate, Self::Value>, AppError> {
        use programme_update_file::Column as C;
        use sea_orm::QuerySelect;
        type Row = (
            i32,
            i32,
            String,
            String,
            String,
            Option<i32>,
            Option<i32>,
            i32,
        );
        let rows: Vec<Row> = programme_update_file::Entity::find()
            .select_only()
            .columns([
                C::Id,
                C::UpdateId,
                C::Kind,
                C::MediaType,
                C::FileName,
                C::Width,
                C::Height,
                C::ByteSize,
            ])
            .filter(C::UpdateId.is_in(ids(keys, |k| k.0)))
            .order_by_asc(C::UpdateId)
            .order_by_asc(C::Position)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut out: HashMap<FilesByUpdate, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for (id, update_id, kind, media_type, file_name, width, height, byte_size) in rows {
            out.entry(FilesByUpdate(update_id))
                .or_default()
                .push(FileMeta {
                    id,
                    update_id,
                    kind,
                    media_type,
                    file_name,
                    width,
                    height,
                    byte_size,
                });
        }
        Ok(out)
    }
}

many_by!(/// Budget and spending per period of a project.
    FinancesByProject => period_finance.project_id(ProjectId), |v| owned(v, period_finance::Column::ProjectId), order PeriodStart);
