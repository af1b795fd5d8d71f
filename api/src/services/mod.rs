//! Write services. Each runs inside one write transaction opened by
//! [`run_idempotent`], which also claims the idempotency key, stores the
//! outcome with the write, and so makes retries and concurrent duplicates
//! count once. Every write records its audit row in the same transaction.
//!
//! Services know nothing of GraphQL: they take plain inputs (ids as integers,
//! the domain enums of `entities::codes`) and answer domain errors
//! ([`UserError`] with a [`UserErrorCode`]); the GraphQL layer decodes global
//! IDs before calling them and maps their errors to its own objects.

pub mod accounts;
pub mod admin;
pub mod attendance;
pub mod bounds;
pub mod changes;
pub mod events;
pub mod figures;
pub mod import;
pub mod mail;
pub mod quality;
pub mod reports;
pub mod setup;
pub mod updates;
pub mod webhooks;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait, NotSet, QueryFilter, Set, SqlErr,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use entities::codes::ReportStatus;
use entities::{audit_entry, idempotency_key, project, report};

use crate::access::Viewer;

/// Machine-readable reason of a user error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UserErrorCode {
    /// A value is malformed or out of range.
    Invalid,
    /// A required value is missing or empty.
    Required,
    /// The object does not exist or is not visible to the caller.
    NotFound,
    /// The caller may not do this.
    Forbidden,
    /// The object changed since the caller read it (stale `version`).
    Conflict,
    /// Attendance would exceed the event's capacity.
    CapacityExceeded,
    /// A count is negative.
    NegativeCount,
    /// A date lies outside the project's dates.
    OutOfProjectRange,
    /// The same attendance or count cell appears twice.
    DuplicateCell,
    /// The period has an approved report; an admin must reopen it first.
    PeriodLocked,
    /// The idempotency key was used before with a different request.
    IdempotencyKeyReused,
    /// Wrong email or password.
    InvalidCredentials,
    /// Too many attempts; wait a minute.
    TooManyAttempts,
    /// The password does not meet the policy.
    WeakPassword,
    /// Another user has this email.
    EmailTaken,
    /// The workflow does not allow this step from the current state.
    InvalidTransition,
    /// The caller must log in.
    Unauthenticated,
    /// The project does not declare this beneficiary category, or records
    /// its people as less sensitive than the project is.
    CategoryNotDeclared,
    /// A count is above its documented upper bound (see `services::bounds`).
    ValueOutOfRange,
    /// Another record already has this unique value (a project's slug, an indicator's code, an area's name under its parent).
    AlreadyExists,
    /// The value is still used by stored records (a category the project's records count, a record others refer to).
    InUse,
    /// The entry breaks a validation rule of importance ERROR (the rule's message says which).
    RuleBroken,
    /// The entry breaks a validation rule of importance WARNING: send it again with a `confirmReason`.
    WarningNotConfirmed,
}

/// A problem with the input: nothing was written. Stored with the
/// idempotency key (serde), so its shape is part of the stored outcomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserError {
    /// Path to the input field at fault, e.g. `["input", "attendance", "2", "count"]`.
    pub field: Vec<String>,
    /// Machine-readable reason.
    pub code: UserErrorCode,
    /// Human-readable explanation.
    pub message: String,
}

impl UserError {
    /// Builds a user error for a field path.
    pub fn new(field: &[&str], code: UserErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: field.iter().map(|s| s.to_string()).collect(),
            code,
            message: message.into(),
        }
    }
}

/// Why a service did not complete.
#[derive(Debug)]
pub enum ServiceError {
    /// Bad input or a refused operation: nothing was written.
    User(Vec<UserError>),
    /// A database fault.
    Db(DbErr),
}

impl From<DbErr> for ServiceError {
    fn from(e: DbErr) -> Self {
        Self::Db(e)
    }
}

impl From<Vec<UserError>> for ServiceError {
    fn from(errors: Vec<UserError>) -> Self {
        Self::User(errors)
    }
}

impl From<UserError> for ServiceError {
    fn from(e: UserError) -> Self {
        Self::User(vec![e])
    }
}

/// Result of a service.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// Fails with the collected errors, if there are any.
pub fn check(errors: Vec<UserError>) -> ServiceResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ServiceError::User(errors))
    }
}

/// What a mutation did: stored with its idempotency key and replayed on retry.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Outcome {
    /// Id of the object created or changed.
    pub id: Option<i32>,
    /// Problems with the input (nothing was written when there are any).
    pub errors: Vec<UserError>,
    /// Extra data the payload shows once (e.g. a new API key).
    pub secret: Option<String>,
    /// A report the payload shows and a retry replays (e.g. what a boundary
    /// upload matched).
    #[serde(default)]
    pub detail: Option<serde_json::Value>,
    /// True when this is a stored outcome replayed for a retried request.
    #[serde(skip)]
    pub replayed: bool,
}

impl Outcome {
    /// The outcome of a successful write.
    pub fn changed(id: i32) -> Self {
        Self {
            id: Some(id),
            ..Self::default()
        }
    }
}

/// Who performs a write, for audit rows.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The caller.
    pub viewer: Viewer,
    /// Request id from `x-request-id`.
    pub request_id: Option<String>,
    /// The small-cell thresholds in force: the per-event summaries a write
    /// refreshes are computed with them ([`crate::stats::summary`]).
    pub thresholds: crate::disclosure::Thresholds,
}

/// The user id of [`Actor::seed`]'s context: no `users` row has it (ids
/// start at 1), so its writes name no user.
pub const SEED_USER_ID: i32 = 0;

impl Actor {
    /// True for [`Actor::seed`].
    pub fn is_seed(&self) -> bool {
        self.viewer.user().is_some_and(|u| u.id == SEED_USER_ID)
    }

    /// The user id, if a user acts ([`Actor::seed`] is none).
    pub fn user_id(&self) -> Option<i32> {
        self.viewer
            .user()
            .map(|u| u.id)
            .filter(|&id| id != SEED_USER_ID)
    }

    /// The demo seeder: an administrator in what it may do, so the demo
    /// dataset goes through the same set-up services as a person at /manage.
    /// Its writes are audited once, as the whole load (`seed.demo`, written
    /// by `seed::seed_demo` with the number of rows), not per record: see
    /// [`audit_in_project`]. Never built from a request: only
    /// `seed::seed_demo` makes one.
    pub fn seed(dataset: &str) -> Self {
        Self {
            viewer: Viewer::User(std::sync::Arc::new(crate::access::UserContext {
                id: SEED_USER_ID,
                email: format!("seed:{dataset}"),
                role: entities::codes::UserRole::Admin,
                organisation_id: None,
                projects: Vec::new(),
            })),
            request_id: Some(format!("seed:{dataset}")),
            thresholds: crate::disclosure::Thresholds::default(),
        }
    }
}

fn request_hash<I: Serialize>(operation: &str, input: &I) -> String {
    let body = serde_json::to_string(input).unwrap_or_default();
    let digest = Sha256::digest(format!("{operation}\n{body}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

/// Runs a write with an idempotency key, in one write transaction:
///
/// 1. claim `(actor, key)` by inserting it (a concurrent duplicate waits on
///    the unique index, then finds the committed claim);
/// 2. run `work`;
/// 3. store the outcome on the claim and commit write, audit and claim together.
///
/// A retry with the same key and body gets the stored outcome; with another
/// body it gets `IDEMPOTENCY_KEY_REUSED`. When `work` reports user errors
/// nothing is written and the key stays free for a corrected request.
pub async fn run_idempotent<I, F>(
    db: &DatabaseConnection,
    actor: &Actor,
    operation: &str,
    key: &str,
    input: &I,
    work: F,
) -> Result<Outcome, DbErr>
where
    I: Serialize,
    F: AsyncFnOnce(&DatabaseTransaction) -> ServiceResult<Outcome>,
{
    let Some(actor_key) = actor.viewer.actor_key() else {
        return Ok(Outcome {
            errors: vec![UserError::new(
                &[],
                UserErrorCode::Unauthenticated,
                "log in to change data",
            )],
            ..Outcome::default()
        });
    };
    let key = key.trim();
    if key.is_empty() || key.len() > 200 {
        return Ok(Outcome {
            errors: vec![UserError::new(
                &["idempotencyKey"],
                UserErrorCode::Invalid,
                "give an idempotency key of 1 to 200 characters",
            )],
            ..Outcome::default()
        });
    }
    let hash = request_hash(operation, input);
    let txn = crate::db::begin_write(db).await?;
    let claim = idempotency_key::ActiveModel {
        id: NotSet,
        actor: Set(actor_key.clone()),
        key: Set(key.to_string()),
        request_hash: Set(hash.clone()),
        response: Set(None),
        created_at: Set(Utc::now()),
        completed_at: Set(None),
    };
    let claim_id = match idempotency_key::Entity::insert(claim).exec(&txn).await {
        Ok(res) => res.last_insert_id,
        Err(err) if is_unique_violation(&err) => {
            txn.rollback().await?;
            return replay(db, &actor_key, key, &hash).await;
        }
        Err(err) => return Err(err),
    };
    match work(&txn).await {
        Ok(outcome) => {
            let stored =
                serde_json::to_value(&outcome).map_err(|e| DbErr::Custom(e.to_string()))?;
            idempotency_key::ActiveModel {
                id: Set(claim_id),
                response: Set(Some(stored)),
                completed_at: Set(Some(Utc::now())),
                ..Default::default()
            }
            .update(&txn)
            .await?;
            txn.commit().await?;
            Ok(outcome)
        }
        Err(ServiceError::User(errors)) => {
            txn.rollback().await?;
            Ok(Outcome {
                errors,
                ..Outcome::default()
            })
        }
        Err(ServiceError::Db(err)) => {
            txn.rollback().await?;
            Err(err)
        }
    }
}

async fn replay(
    db: &DatabaseConnection,
    actor: &str,
    key: &str,
    hash: &str,
) -> Result<Outcome, DbErr> {
    let row = idempotency_key::Entity::find()
        .filter(idempotency_key::Column::Actor.eq(actor))
        .filter(idempotency_key::Column::Key.eq(key))
        .one(db)
        .await?;
    let Some(row) = row else {
        return Err(DbErr::Custom(
            "idempotency claim vanished after a unique violation".into(),
        ));
    };
    if row.request_hash != hash {
        return Ok(Outcome {
            errors: vec![UserError::new(
                &["idempotencyKey"],
                UserErrorCode::IdempotencyKeyReused,
                "this idempotency key was used for a different request; use a new key for a new request",
            )],
            ..Outcome::default()
        });
    }
    let mut outcome: Outcome = row
        .response
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .unwrap_or_default();
    outcome.replayed = true;
    // The secret of a created API key is shown once only.
    outcome.secret = None;
    Ok(outcome)
}

/// Writes an audit row in the caller's transaction, and with it the change
/// feed's row and the webhook messages of the change
/// ([`changes::record`]): every audited write reaches the feed exactly once,
/// committed or rolled back with the write. The project is looked up from
/// the entity ([`changes::project_of`]); use [`audit_in_project`] when the
/// caller knows it.
pub async fn audit<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action: &str,
    entity_type: &str,
    entity_id: Option<i32>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), DbErr> {
    audit_in_project(
        db,
        actor,
        action,
        (entity_type, entity_id),
        None,
        before,
        after,
    )
    .await
}

/// [`audit`] with the project the changed object belongs to, when the
/// caller knows it (`None`: looked up).
///
/// The demo seeder's writes ([`Actor::seed`]) get no row of their own: the
/// load is one event of the deployment, recorded once as `seed.demo` with
/// what it wrote, and its records are the dataset's files, not anyone's
/// edits. A row per record would put ~100 entries nobody made at the head
/// of the audit trail and of the change feed (whose readers would replay
/// the demo as if it were news) and would make every fresh database's
/// trail differ from the next by its times alone.
pub async fn audit_in_project<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action: &str,
    (entity_type, entity_id): (&str, Option<i32>),
    project_id: Option<i32>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), DbErr> {
    if actor.is_seed() {
        return Ok(());
    }
    let entry = audit_entry::ActiveModel {
        id: NotSet,
        actor_user_id: Set(actor.user_id()),
        actor_api_key_id: Set(match actor.viewer {
            Viewer::ApiKey { id, .. } => Some(id),
            _ => None,
        }),
        action: Set(action.to_string()),
        entity_type: Set(entity_type.to_string()),
        entity_id: Set(entity_id.map(|i| i.to_string())),
        before: Set(before),
        after: Set(after),
        request_id: Set(actor.request_id.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    changes::record(db, &entry, project_id).await?;
    Ok(())
}

/// JSON of a model for audit rows.
pub fn snapshot<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// Loads a project the caller may edit, or the user error to return.
pub async fn editable_project<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    project_id: i32,
    field: &[&str],
) -> ServiceResult<project::Model> {
    let found = project::Entity::find_by_id(project_id)
        .filter(viewer.project_scope())
        .one(db)
        .await?;
    let Some(project) = found else {
        return Err(UserError::new(field, UserErrorCode::NotFound, "no such project").into());
    };
    if !viewer.can_edit_project(project.id) {
        return Err(UserError::new(
            field,
            UserErrorCode::Forbidden,
            "you may not change this project's data",
        )
        .into());
    }
    Ok(project)
}

/// Refuses dates inside an approved report period of the project.
pub async fn ensure_unlocked<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
    date: Option<NaiveDate>,
    field: &[&str],
) -> ServiceResult<()> {
    let Some(date) = date else { return Ok(()) };
    let locked = report::Entity::find()
        .filter(report::Column::ProjectId.eq(project_id))
        .filter(report::Column::Status.eq(ReportStatus::Approved))
        .filter(report::Column::PeriodStart.lte(date))
        .filter(report::Column::PeriodEnd.gte(date))
        .one(db)
        .await?;
    match locked {
        Some(r) => Err(UserError::new(
            field,
            UserErrorCode::PeriodLocked,
            format!(
                "{date} is in the approved report {} – {}; an admin must reopen it first",
                r.period_start, r.period_end
            ),
        )
        .into()),
        None => Ok(()),
    }
}

/// Refuses dates outside the project's own dates (actual, else planned).
pub fn within_project(
    project: &project::Model,
    date: Option<NaiveDate>,
    field: &[&str],
) -> Option<UserError> {
    let date = date?;
    let start = project.actual_start.or(project.planned_start);
    let end = project.actual_end.or(project.planned_end);
    let before = start.is_some_and(|s| date < s);
    let after = end.is_some_and(|e| date > e);
    (before || after).then(|| {
        UserError::new(
            field,
            UserErrorCode::OutOfProjectRange,
            format!(
                "{date} is outside the project's dates ({} – {})",
                start
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "open".into()),
                end.map(|d| d.to_string()).unwrap_or_else(|| "open".into())
            ),
        )
    })
}

/// Applies `change` to the row whose `id` column equals `id` only while its
/// `version` column still equals `version` (compare-and-set). Returns false
/// when the row changed meanwhile (or is gone): nothing was written.
pub async fn compare_and_set<E, C>(
    db: &C,
    change: E::ActiveModel,
    id: (E::Column, i32),
    version: (E::Column, i32),
) -> Result<bool, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    let result = E::update_many()
        .set(change)
        .filter(id.0.eq(id.1))
        .filter(version.0.eq(version.1))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// The user error for a stale `version`.
pub fn conflict(field: &[&str], what: &str) -> ServiceError {
    UserError::new(
        field,
        UserErrorCode::Conflict,
        format!("the {what} changed since you read it; reload and apply your change again"),
    )
    .into()
}

/// The beneficiary categories a project declares it serves
/// (`project_categories`): its attendance and service counts may record
/// only these.
pub async fn declared_categories<C: ConnectionTrait>(
    db: &C,
    project_id: i32,
) -> Result<std::collections::HashSet<entities::codes::BeneficiaryCategory>, DbErr> {
    use entities::project_category;
    Ok(project_category::Entity::find()
        .filter(project_category::Column::ProjectId.eq(project_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.category)
        .collect())
}

/// The refusal of a category the project does not declare, at `field`.
pub(crate) fn undeclared_category(
    category: entities::codes::BeneficiaryCategory,
    field: &[&str],
) -> UserError {
    UserError::new(
        field,
        UserErrorCode::CategoryNotDeclared,
        format!(
            "this project does not declare the beneficiary category {}",
            category.code()
        ),
    )
}
