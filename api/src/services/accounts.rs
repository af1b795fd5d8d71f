//! Account reads: the log-in lookup, users and API keys (admins), period
//! reports and the audit trail. Each takes the caller's [`Viewer`] where visibility depends on it,
//! so a resolver cannot forget the check.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use entities::codes::{ReportStatus, UserRole};
use entities::{api_key, audit_entry, organisation, report, user};

use crate::access::Viewer;
use crate::auth::password;
use crate::error::{ApiResult, AppError};

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
    /// Only changes made by this user.
    pub actor_id: Option<i32>,
    /// Only this action, e.g. `event.create`.
    pub action: Option<String>,
    /// Only changes at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Only changes before this time.
    pub to: Option<DateTime<Utc>>,
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
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to < from
    {
        return Err(AppError::bad_input("`to` is before `from`"));
    }
    let mut q = audit_entry::Entity::find();
    if let Some(t) = filter.entity_type {
        q = q.filter(audit_entry::Column::EntityType.eq(t));
    }
    if let Some(id) = filter.entity_id {
        q = q.filter(audit_entry::Column::EntityId.eq(id));
    }
    if let Some(actor) = filter.actor_id {
        q = q.filter(audit_entry::Column::ActorUserId.eq(actor));
    }
    if let Some(action) = filter.action {
        q = q.filter(audit_entry::Column::Action.eq(action));
    }
    if let Some(from) = filter.from {
        q = q.filter(audit_entry::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(audit_entry::Column::CreatedAt.lt(to));
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

fn require_admin(viewer: &Viewer, what: &str) -> ApiResult<()> {
    if viewer.is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "only an admin can list {what}"
        )))
    }
}

/// Which user accounts to list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Words that must all appear in the email or display name (case- and
    /// accent-insensitive, as the other searches).
    pub search: Option<String>,
    /// Only these roles.
    pub roles: Option<Vec<UserRole>>,
    /// Only active (true) or deactivated (false) accounts.
    pub active: Option<bool>,
}

/// User accounts, by email (admins only).
pub async fn users<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    filter: UserFilter,
) -> ApiResult<Vec<user::Model>> {
    require_admin(viewer, "users")?;
    let mut q = user::Entity::find();
    if let Some(roles) = filter.roles {
        q = q.filter(user::Column::Role.is_in(roles));
    }
    if let Some(active) = filter.active {
        q = q.filter(user::Column::IsActive.eq(active));
    }
    let rows = q.order_by_asc(user::Column::Email).all(db).await?;
    // Accounts are staff, a few hundred at most, and have no stored search
    // key: fold them in Rust as the stored keys are folded (SQLite's LOWER
    // knows ASCII only), and the query letter for letter, as other searches.
    let words: Vec<String> = filter
        .search
        .as_deref()
        .map(crate::search::fold)
        .unwrap_or_default()
        .split_whitespace()
        .map(String::from)
        .collect();
    Ok(rows
        .into_iter()
        .filter(|u| {
            let key = crate::search::search_key([u.email.as_str(), u.display_name.as_str()]);
            words.iter().all(|w| key.contains(w.as_str()))
        })
        .collect())
}

/// API keys, newest first (admins only); revoked ones only when asked for.
pub async fn api_keys<C: ConnectionTrait>(
    db: &C,
    viewer: &Viewer,
    include_revoked: bool,
) -> ApiResult<Vec<api_key::Model>> {
    require_admin(viewer, "API keys")?;
    let mut q = api_key::Entity::find();
    if !include_revoked {
        q = q.filter(api_key::Column::RevokedAt.is_null());
    }
    Ok(q.order_by_desc(api_key::Column::CreatedAt)
        .order_by_desc(api_key::Column::Id)
        .all(db)
        .await?)
}
