//! Reads for logged-in users: who am I, reports, and the audit trail (admins).
//! The reads themselves are in `services::accounts`; this decodes arguments
//! and wraps rows.

use async_graphql::{Context, ID, Object};

use entities::codes::ReportStatus;

use super::types::{AuditEntry, Report, User};
use crate::error::ApiResult;
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::mutation::db;
use crate::graphql::types::scope;
use crate::services::accounts::{self, AuditFilter, ReportFilter};

/// Reads for logged-in users: who am I, reports, and the audit trail (admins).
#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The logged-in user; null for anonymous callers and API keys.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        Ok(accounts::me(db(ctx), &scope(ctx).viewer).await?.map(User))
    }

    /// Period reports of the projects the caller may see, newest period first.
    async fn reports(
        &self,
        ctx: &Context<'_>,
        project_id: Option<ID>,
        status: Option<Vec<ReportStatus>>,
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

    /// The audit trail, newest first (admins only). Page with `before`
    /// (a `sequence` number); filter by the changed object.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        entity_type: Option<String>,
        entity_id: Option<String>,
        before: Option<i64>,
        #[graphql(default = 50)] first: u64,
    ) -> ApiResult<Vec<AuditEntry>> {
        let filter = AuditFilter {
            entity_type,
            entity_id,
            before,
            first,
        };
        let rows = accounts::audit_log(db(ctx), &scope(ctx).viewer, filter).await?;
        Ok(rows.into_iter().map(AuditEntry).collect())
    }
}
