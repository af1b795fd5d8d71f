//! Mutations, one object per domain merged into [`MutationRoot`]. Each takes
//! an idempotency key and runs through [`mutate`]: decode the input's global
//! IDs, run the service in one write transaction with its audit row (see
//! `services::run_idempotent`), load the changed object as the caller may see
//! it, and answer a payload with typed `userErrors`; bad input writes nothing.

pub mod errors;
pub mod events;
pub mod figures;
pub mod reports;

use std::future::Future;

use async_graphql::{Context, MergedObject};
use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Serialize;

use crate::error::ApiResult;
use crate::graphql::prelude::scope;
use crate::services::{self, Actor, Outcome, ServiceResult, run_idempotent};

/// The write API: log in, and change data. Every change takes an
/// idempotency key, writes its audit row, and returns typed `userErrors`.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    super::accounts::mutation::AccountMutation,
    events::EventMutation,
    figures::FigureMutation,
    reports::ReportMutation,
    super::setup::mutation::SetupMutation,
    super::changes::WebhookMutation,
    super::quality::QualityMutation,
    super::updates::UpdateMutation,
    super::updates::FinanceMutation,
);

/// The request's database connection.
pub(crate) fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

fn actor(ctx: &Context<'_>) -> Actor {
    let s = scope(ctx);
    Actor {
        viewer: s.viewer.clone(),
        request_id: s.request_id.clone(),
        thresholds: s.thresholds,
    }
}

/// A mutation's payload, built from the outcome of its write.
pub trait Payload: Sized {
    /// Loads the changed object (when there are no user errors) and wraps it.
    fn load(ctx: &Context<'_>, outcome: Outcome) -> impl Future<Output = ApiResult<Self>> + Send;
}

/// The one shape of every idempotent mutation: `decode` the input's IDs
/// (after the log-in and key checks, so an anonymous caller hears
/// UNAUTHENTICATED first), run `work` through [`run_idempotent`] with
/// `request` as the hashed body, and build the payload `P`.
pub(crate) async fn mutate<R, S, P>(
    ctx: &Context<'_>,
    operation: &str,
    key: &str,
    request: &R,
    decode: impl FnOnce() -> Result<S, Vec<services::UserError>>,
    work: impl AsyncFnOnce(&DatabaseTransaction, &Actor, S) -> ServiceResult<Outcome>,
) -> ApiResult<P>
where
    R: Serialize,
    P: Payload,
{
    let actor = actor(ctx);
    let outcome = run_idempotent(db(ctx), &actor, operation, key, request, async |txn| {
        let input = decode()?;
        work(txn, &actor, input).await
    })
    .await?;
    P::load(ctx, outcome).await
}

/// The id written, when the write succeeded.
pub(crate) fn written(outcome: &Outcome) -> Option<i32> {
    outcome.id.filter(|_| outcome.errors.is_empty())
}

/// Loads the written row of a project-owned table if the caller may see it.
pub(crate) async fn load_visible<E, T>(
    ctx: &Context<'_>,
    outcome: &Outcome,
    project_col: E::Column,
    wrap: fn(E::Model) -> T,
) -> ApiResult<Option<T>>
where
    E: EntityTrait,
    E::Column: ColumnTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    let Some(id) = written(outcome) else {
        return Ok(None);
    };
    let viewer = &scope(ctx).viewer;
    Ok(E::find_by_id(id)
        .filter(viewer.owned_by_visible_project(project_col))
        .one(db(ctx))
        .await?
        .map(wrap))
}

/// Declares a payload type (the object if the mutation succeeded, user
/// errors, whether it was a replay) and how it loads its object.
macro_rules! payload {
    ($(#[$doc:meta])* $name:ident, $field:ident : $ty:ty, |$ctx:ident, $outcome:ident| $load:expr) => {
        $(#[$doc])*
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            /// The object, after the change (null when there are user errors).
            pub $field: Option<$ty>,
            /// Problems with the input; when not empty, nothing was written.
            pub user_errors: Vec<$crate::graphql::mutation::errors::UserError>,
            /// True when this answers a retried request from its stored outcome.
            pub replayed: bool,
        }

        impl $crate::graphql::mutation::Payload for $name {
            async fn load(
                $ctx: &async_graphql::Context<'_>,
                $outcome: $crate::services::Outcome,
            ) -> $crate::error::ApiResult<Self> {
                let $field = $load;
                Ok(Self {
                    $field,
                    user_errors: $crate::graphql::mutation::errors::user_errors($outcome.errors),
                    replayed: $outcome.replayed,
                })
            }
        }
    };
}
pub(crate) use payload;
