//! Helpers behind the `api user` and `api api-key` commands: they run the
//! same services as the admin mutations, in a write transaction, with the
//! command line as the (audited) actor.

use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

use entities::codes::UserRole;
use entities::{organisation, project};

use crate::access::Viewer;
use crate::services::admin::{self, NewApiKey, NewUser};
use crate::services::{Actor, ServiceError, ServiceResult};

fn cli_actor() -> Actor {
    Actor {
        viewer: Viewer::Anonymous,
        request_id: Some("cli".into()),
        thresholds: Default::default(),
    }
}

/// Finds an organisation by numeric id, English name or acronym.
pub async fn organisation_id(db: &DatabaseConnection, needle: &str) -> anyhow::Result<i32> {
    let mut cond = Condition::any()
        .add(organisation::Column::NameEn.eq(needle))
        .add(organisation::Column::AcronymEn.eq(needle))
        .add(organisation::Column::AcronymAz.eq(needle));
    if let Ok(id) = needle.parse::<i32>() {
        cond = cond.add(organisation::Column::Id.eq(id));
    }
    let found = organisation::Entity::find().filter(cond).all(db).await?;
    match found.as_slice() {
        [one] => Ok(one.id),
        [] => anyhow::bail!("no organisation matches {needle:?}"),
        _ => anyhow::bail!("{needle:?} matches several organisations; use the numeric id"),
    }
}

/// Finds a project by slug.
pub async fn project_id(db: &DatabaseConnection, slug: &str) -> anyhow::Result<i32> {
    project::Entity::find()
        .filter(project::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(|p| p.id)
        .ok_or_else(|| anyhow::anyhow!("no project with slug {slug:?}"))
}

async fn in_transaction<F>(
    db: &DatabaseConnection,
    work: F,
) -> anyhow::Result<crate::services::Outcome>
where
    F: AsyncFnOnce(&sea_orm::DatabaseTransaction) -> ServiceResult<crate::services::Outcome>,
{
    let txn = crate::db::begin_write(db).await?;
    match work(&txn).await {
        Ok(outcome) => {
            txn.commit().await?;
            Ok(outcome)
        }
        Err(ServiceError::User(errors)) => {
            txn.rollback().await?;
            let text: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field.join("."), e.message))
                .collect();
            anyhow::bail!("{}", text.join("; "))
        }
        Err(ServiceError::Db(e)) => {
            txn.rollback().await?;
            Err(e.into())
        }
    }
}

/// Creates a user (no admin needed: this is how the first admin is made).
pub async fn create_user(
    db: &DatabaseConnection,
    email: String,
    display_name: String,
    password: String,
    role: UserRole,
    organisation_id: Option<i32>,
    project_ids: Vec<i32>,
) -> anyhow::Result<i32> {
    let input = NewUser {
        email,
        display_name,
        password,
        role,
        organisation_id,
        project_ids,
    };
    let actor = cli_actor();
    let outcome = in_transaction(db, async |txn| {
        admin::create_user(txn, &actor, &input, true).await
    })
    .await?;
    outcome
        .id
        .ok_or_else(|| anyhow::anyhow!("no user was created"))
}

/// Creates an API key and returns its plaintext (shown once).
pub async fn create_api_key(
    db: &DatabaseConnection,
    name: String,
    organisation_id: Option<i32>,
    rate_tier: String,
) -> anyhow::Result<String> {
    let input = NewApiKey {
        name,
        organisation_id,
        rate_tier: Some(rate_tier),
    };
    let actor = cli_actor();
    let outcome = in_transaction(db, async |txn| {
        admin::create_api_key(txn, &actor, &input, true).await
    })
    .await?;
    outcome
        .secret
        .ok_or_else(|| anyhow::anyhow!("no key was created"))
}
