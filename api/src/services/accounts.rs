//! Account reads: the log-in lookup, users, period reports and the audit
//! trail. Each takes the caller's [`Viewer`] where visibility depends on it,
//! so a resolver cannot forget the check.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use entities::codes::ReportStatus;
use entities::{api_key, audit_entry, organisation, report, user};

use crate::auth::password;
use crate::error::{ApiResult, AppError};
use crate::graphql::access::Viewer;

/// The active user with this email and password, or `None` for a wrong
/// password or an unknown email: both take the same time (the password is
/// verified against a dummy hash when there is no such user).
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    email: &str,
    password: String,
) -> Result<Option<user::Model>, DbErr> {
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(super::admin::normalise_email(email)))
        .filter(user::Column::IsActive.eq(true))
        .one(db)
        .await?;
    let ok = password::verify(found.as_ref().map(|u| u.password_hash.clone()), password).await;
    Ok(found.filter(|_| ok))
}

/// A user by id (accounts are not project-scoped; callers decide who may ask).
pub async fn user<C: ConnectionTrait>(db: &C, id: i32) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

/// The logged-in user's own account; `None` for anonymous callers and API keys.
pub async fn me<C: ConnectionTrait>(db: &C, viewer: &Viewer) -> Result<Option<user::Model>, DbErr> {
    match viewer.user() {
        Some(u) => user(db, u.id).await,
        None => Ok(None),
    }
}

/// Which reports to list.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// Only this project's.
    pub project_id: Option<i32>,
    /// Only these states.
    pub status: Option<Vec<ReportStatus>>,
}

/// Period reports of the projects the caller may see, newest period first;
/// none for callers who are not logged in.
pub async fn reports<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    filter: ReportFilter,
) -> Result<Vec<report::Model>, DbErr> {
    if viewer.user().is_none() {
        return Ok(Vec::new());
    }
    let mut q =
        report::Entity::find().filter(viewer.owned_by_visible_project(report::Column::ProjectId));
    if let Some(p) = filter.project_id {
        q = q.filter(report::Column::ProjectId.eq(p));
    }
    if let Some(s) = filter.status {
        q = q.filter(report::Column::Status.is_in(s));
    }
    q.order_by_desc(report::Column::PeriodStart)
        .order_by_desc(report::Column::Id)
        .all(db)
        .await
}

/// Which audit rows to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Kind of object changed.
    pub entity_type: Option<String>,
    /// Id of the object changed.
    pub entity_id: Option<String>,
    /// Only rows with a lower sequence number (paging).
    pub before: Option<i64>,
    /// At most this many rows (1 to 100).
    pub first: u64,
}

/// Most rows one audit-log page returns.
pub const AUDIT_PAGE_MAX: u64 = 100;

/// The audit trail, newest first (admins only).
pub async fn audit_log<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    filter: AuditFilter,
) -> ApiResult<Vec<audit_entry::Model>> {
    if !viewer.is_admin() {
        return Err(AppError::Forbidden(
            "only an admin can read the audit log".into(),
        ));
    }
    if filter.first > AUDIT_PAGE_MAX {
        return Err(AppError::bad_input("`first` is at most 100"));
    }
    let mut q = audit_entry::Entity::find();
    if let Some(t) = filter.entity_type {
        q = q.filter(audit_entry::Column::EntityType.eq(t));
    }
    if let Some(id) = filter.entity_id {
        q = q.filter(audit_entry::Column::EntityId.eq(id));
    }
    if let Some(b) = filter.before {
        q = q.filter(audit_entry::Column::Id.lt(b));
    }
    Ok(q.order_by_desc(audit_entry::Column::Id)
        .limit(filter.first)
        .all(db)
        .await?)
}

/// An organisation by id (organisations are public reference data).
pub async fn organisation<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> Result<Option<organisation::Model>, DbErr> {
    organisation::Entity::find_by_id(id).one(db).await
}

/// An API key's record by id (callers decide who may ask).
pub async fn api_key<C: ConnectionTrait>(db: &C, id: i32) -> Result<Option<api_key::Model>, DbErr> {
    api_key::Entity::find_by_id(id).one(db).await
}
