//! Reads for logged-in users: who am I, reports; for admins the users, API
//! keys and the audit trail.
//! The reads themselves are in `services::accounts`; this decodes arguments
//! and wraps rows.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use entities::codes::{ReportStatus, UserRole};

use super::types::{ApiKey, AuditEntry, Report, User};
use crate::error::ApiResult;
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::mutation::db;
use crate::graphql::prelude::scope;
use crate::services::accounts::{self, AuditFilter, ReportFilter, UserFilter};

/// Reads for logged-in users: who am I, reports; users, API keys and the audit trail (admins).
#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The logged-in user; null for anonymous callers and API keys.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        Ok(accounts::me(db(ctx), &scope(ctx).viewer).await?.map(User))
    }

    /// Period reports of the projects the caller may see, newest period first.
    /// Bounded: one per programme and reporting period the caller may see (a programme files at most 12 a year); narrow with `projectId` and `status`.
    async fn reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only the reports of this project (global ID).")] project_id: Option<ID>,
        #[graphql(desc = "Only reports in this workflow state.")] status: Option<Vec<ReportStatus>>,
    ) -> ApiResult<Vec<Report>> {
        let viewer = &scope(ctx).viewer;
        if viewer.user().is_none() {
            // Nothing to list, whatever was asked: answer before judging the arguments.
            return Ok(Vec::new());
        }
        let filter = ReportFilter {
            project_id: project_id
                .map(|p| decode_as(NodeType::Project, &p))
                .transpose()?,
            status,
        };
        let rows = accounts::reports(db(ctx), viewer, filter).await?;
        Ok(rows.into_iter().map(Report).collect())
    }

    /// User accounts, by email (admins only). `search` matches words of the
    /// email or display name (case- and accent-insensitive).
    /// Bounded: the accounts of one deployment (administrators only).
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only users whose e-mail or name contains this text.")] search: Option<
            String,
        >,
        #[graphql(desc = "Only users with this role.")] role: Option<Vec<UserRole>>,
        #[graphql(desc = "Only active (true) or deactivated (false) users.")] active: Option<bool>,
    ) -> ApiResult<Vec<User>> {
        let filter = UserFilter {
            search,
            roles: role,
            active,
        };
        let rows = accounts::users(db(ctx), &scope(ctx).viewer, filter).await?;
        Ok(rows.into_iter().map(User).collect())
    }

    /// API keys, newest first (admins only); revoked keys only with `includeRevoked`.
    /// Bounded: the keys an administrator issued (revoked ones only when asked for).
    async fn api_keys(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Also list revoked keys (default false).")] include_revoked: Option<bool>,
    ) -> ApiResult<Vec<ApiKey>> {
        let revoked = include_revoked.unwrap_or(false);
        let rows = accounts::api_keys(db(ctx), &scope(ctx).viewer, revoked).await?;
        Ok(rows.into_iter().map(ApiKey).collect())
    }

    /// The audit trail, newest first (admins only). Page with `before`
    /// (a `sequence` number); filter by the changed object, the user who
    /// made the change (`actorId`), the `action`, and the time (`from`
    /// inclusive, `to` exclusive).
    #[allow(clippy::too_many_arguments)]
    /// Bounded: at most `first` entries (1 to 100); page with `before`.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only entries about this kind of object (e.g. `event`, `project`, `user`)."
        )]
        entity_type: Option<String>,
        #[graphql(desc = "Only entries about the object with this database id.")] entity_id: Option<
            String,
        >,
        #[graphql(desc = "Only entries made by this user (global ID).")] actor_id: Option<ID>,
        #[graphql(desc = "Only entries of this action (e.g. `event.create`).")] action: Option<
            String,
        >,
        #[graphql(desc = "Only entries made at or after this time.")] from: Option<DateTime<Utc>>,
        #[graphql(desc = "Only entries made before this time.")] to: Option<DateTime<Utc>>,
        #[graphql(
            desc = "Only entries older than this one: the `sequence` of the last entry of the previous page."
        )]
        before: Option<i64>,
        #[graphql(
            default = 50,
            desc = "How many entries, newest first: at most 100, default 50."
        )]
        first: u64,
    ) -> ApiResult<Vec<AuditEntry>> {
        let filter = AuditFilter {
            entity_type,
            entity_id,
            actor_id: actor_id
                .map(|a| decode_as(NodeType::User, &a))
                .transpose()?,
            action,
            from,
            to,
            before,
            first,
        };
        let rows = accounts::audit_log(db(ctx), &scope(ctx).viewer, filter).await?;
        Ok(rows.into_iter().map(AuditEntry).collect())
    }
}
