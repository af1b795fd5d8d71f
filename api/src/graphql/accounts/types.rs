//! Output types of the accounts domain: users, API keys, period reports and
//! audit entries.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, NaiveDate, Utc};

use entities::codes::{ReportStatus, UserRole};
use entities::{api_key, audit_entry, report, user};

use super::loaders::{ProjectsOfUser, UserById, load};
use crate::error::ApiResult;
use crate::graphql::ids::{NodeType, encode};
use crate::graphql::loaders::{OrganisationById, ProjectById};
use crate::graphql::prelude::{Lang, Organisation, Project};

/// A user account.
#[derive(Clone)]
pub struct User(pub user::Model);

/// A user account.
#[Object]
impl User {
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::User, self.0.id)
    }
    /// Email (log-in name).
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// Name shown in the audit trail.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }
    /// Role.
    async fn role(&self) -> UserRole {
        self.0.role
    }
    /// False when deactivated.
    async fn active(&self) -> bool {
        self.0.is_active
    }
    /// Organisation.
    async fn organisation(&self, ctx: &Context<'_>) -> ApiResult<Option<Organisation>> {
        Ok(match self.0.organisation_id {
            Some(id) => load(ctx, OrganisationById(id)).await?.map(Organisation),
            None => None,
        })
    }
    /// Projects a manager may edit.
    /// Bounded: the programmes one account manages (assigned by an administrator).
    async fn projects(&self, ctx: &Context<'_>) -> ApiResult<Vec<Project>> {
        let projects = load(ctx, ProjectsOfUser(self.0.id)).await?;
        Ok(projects
            .unwrap_or_default()
            .into_iter()
            .map(Project)
            .collect())
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The language of the mail the user gets.
    async fn language(&self) -> Lang {
        if self.0.language == "az" {
            Lang::Az
        } else {
            Lang::En
        }
    }
    /// Which report mail the user gets: each event, a weekly digest, or none.
    async fn mail_notifications(&self) -> entities::codes::MailNotifications {
        self.0.mail_notifications
    }
}

/// A read-only API key (its secret is never shown again).
#[derive(Clone)]
pub struct ApiKey(pub api_key::Model);

/// A read-only API key (its secret is never shown again).
#[Object]
impl ApiKey {
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::ApiKey, self.0.id)
    }
    /// Who the key is for.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// Public prefix, to recognise the key (`phk_<prefix>_…`).
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }
    /// Rate tier.
    async fn rate_tier(&self) -> &str {
        &self.0.rate_tier
    }
    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was last used (to the minute).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }
    /// When it was revoked; null while active.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// A project's report for a period.
#[derive(Clone)]
pub struct Report(pub report::Model);

/// A project's report for a period.
#[Object]
impl Report {
    /// Opaque global ID.
    async fn id(&self) -> ID {
        encode(NodeType::Report, self.0.id)
    }
    /// First day of the period.
    async fn period_start(&self) -> NaiveDate {
        self.0.period_start
    }
    /// Last day of the period.
    async fn period_end(&self) -> NaiveDate {
        self.0.period_end
    }
    /// Workflow state.
    async fn status(&self) -> ReportStatus {
        self.0.status
    }
    /// The admin's comment when returned or reopened.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }
    /// When it was last submitted.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.0.submitted_at
    }
    /// When an admin last decided on it.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> ApiResult<Option<Project>> {
        // The shared loader applies the caller's project scope.
        Ok(load(ctx, ProjectById(self.0.project_id))
            .await?
            .map(Project))
    }
    /// Completeness and timeliness of the period's reports (per kind of figures and district).
    /// Bounded: the periods one report covers, per kind of figures and district.
    async fn coverage(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::quality::PeriodCompleteness>> {
        crate::graphql::quality::completeness_of(
            ctx,
            self.0.project_id,
            Some(self.0.period_start),
            Some(self.0.period_end),
        )
        .await
    }
    /// Rules the period's entries broke, with the managers' reasons (for
    /// those who edit or review the project).
    /// Bounded: the rules one report's entries broke.
    async fn rule_results(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::quality::RuleResult>> {
        crate::graphql::quality::rule_results_of(
            ctx,
            self.0.project_id,
            self.0.period_start,
            self.0.period_end,
        )
        .await
    }
    /// The period's figures that stand out from their unit's own history
    /// (for those who edit or review the project; never public).
    /// Bounded: the figures of one report's periods.
    async fn outliers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Language of centre names: AZ or EN.")] lang: Option<Lang>,
    ) -> ApiResult<Vec<crate::graphql::quality::Outlier>> {
        crate::graphql::quality::outliers_of(
            ctx,
            self.0.project_id,
            self.0.period_start,
            self.0.period_end,
            lang,
        )
        .await
    }
    /// Reviewers' comments on the report's figures.
    /// Bounded: the reviewers' comments on one report.
    async fn figure_comments(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<crate::graphql::quality::FigureComment>> {
        crate::graphql::quality::comments_of(ctx, &self.0).await
    }
}

/// One change in the audit trail.
#[derive(Clone)]
pub struct AuditEntry(pub audit_entry::Model);

/// One change in the audit trail.
#[Object]
impl AuditEntry {
    /// Sequence number (newest highest).
    async fn sequence(&self) -> i64 {
        self.0.id
    }
    /// What was done, e.g. `event.create`, `attendance.add`, `report.approve`.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// Kind of object changed.
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }
    /// Id of the object changed.
    async fn entity_id(&self) -> Option<&str> {
        self.0.entity_id.as_deref()
    }
    /// The user who made the change.
    async fn actor(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        Ok(match self.0.actor_user_id {
            Some(id) => load(ctx, UserById(id)).await?.map(User),
            None => None,
        })
    }
    /// The object before the change (JSON).
    async fn before(&self) -> Option<async_graphql::Json<serde_json::Value>> {
        self.0.before.clone().map(async_graphql::Json)
    }
    /// The object after the change (JSON).
    async fn after(&self) -> Option<async_graphql::Json<serde_json::Value>> {
        self.0.after.clone().map(async_graphql::Json)
    }
    /// Request id (`x-request-id`) of the change, to match server logs.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }
    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
