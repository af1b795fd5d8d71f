//! Per-request DataLoader keys of the accounts domain, implemented on the
//! request's `Loaders`: a user by id (audit actors) and the projects in a
//! user's scope. (A user's organisation and a report's project use the
//! shared `OrganisationById` and `ProjectById`.) A batch of keys is one
//! statement (two for the scope, through its link table).

use std::collections::HashMap;

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use entities::{project, user, user_project_scope};

use crate::error::{ApiResult, AppError};
use crate::graphql::loaders::Loaders;

/// A user by id. Not project-scoped: users are shown to admins and to
/// themselves only, and the resolvers that reach them decide that.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserById(pub i32);

/// The projects a user (a manager) may edit, by user id, ordered by id. Not
/// filtered by the caller's project scope: the list belongs to the account,
/// which only admins and its owner see (the owner also at log-in, as an
/// anonymous caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProjectsOfUser(pub i32);

fn ids<K: Copy>(keys: &[K], get: impl Fn(K) -> i32) -> Vec<i32> {
    let mut out: Vec<i32> = keys.iter().map(|k| get(*k)).collect();
    out.sort_unstable();
    out.dedup();
    out
}

impl Loader<UserById> for Loaders {
    type Value = user::Model;
    type Error = AppError;

    async fn load(&self, keys: &[UserById]) -> Result<HashMap<UserById, user::Model>, AppError> {
        let rows = user::Entity::find()
            .filter(user::Column::Id.is_in(ids(keys, |k| k.0)))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|m| (UserById(m.id), m)).collect())
    }
}

impl Loader<ProjectsOfUser> for Loaders {
    type Value = Vec<project::Model>;
    type Error = AppError;

    async fn load(
        &self,
        keys: &[ProjectsOfUser],
    ) -> Result<HashMap<ProjectsOfUser, Vec<project::Model>>, AppError> {
        let links: Vec<(i32, i32)> = user_project_scope::Entity::find()
            .select_only()
            .column(user_project_scope::Column::UserId)
            .column(user_project_scope::Column::ProjectId)
            .filter(user_project_scope::Column::UserId.is_in(ids(keys, |k| k.0)))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut out: HashMap<ProjectsOfUser, Vec<project::Model>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        if links.is_empty() {
            return Ok(out);
        }
        let projects: HashMap<i32, project::Model> = project::Entity::find()
            .filter(project::Column::Id.is_in(ids(&links, |(_, p)| p)))
            .order_by_asc(project::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        for (user_id, project_id) in links {
            if let Some(p) = projects.get(&project_id) {
                out.entry(ProjectsOfUser(user_id))
                    .or_default()
                    .push(p.clone());
            }
        }
        for list in out.values_mut() {
            list.sort_by_key(|p| p.id);
        }
        Ok(out)
    }
}

/// Loads one key through the request's loaders.
pub(crate) async fn load<K>(
    ctx: &Context<'_>,
    key: K,
) -> ApiResult<Option<<Loaders as Loader<K>>::Value>>
where
    K: Send + Sync + std::hash::Hash + Eq + Clone + 'static,
    Loaders: Loader<K, Error = AppError>,
{
    ctx.data_unchecked::<DataLoader<Loaders>>()
        .load_one(key)
        .await
}
