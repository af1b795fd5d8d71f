//! Report mutations: submit a period report; return, approve or reopen it (admins).

use async_graphql::{Context, ID, InputObject, Object};
use chrono::NaiveDate;
use serde::Serialize;

use entities::report;

use super::errors::{Ids, arg_id};
use super::{load_visible, mutate, payload};
use crate::error::ApiResult;
use crate::graphql::accounts::types::Report;
use crate::graphql::ids::NodeType;
use crate::services::UserError;
use crate::services::reports::{self, Decision, ReportPeriod};

/// A project's report for a period, to submit for approval.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct SubmitReportInput {
    /// The project.
    pub project_id: ID,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
}

impl SubmitReportInput {
    /// The service input, with its ID decoded.
    pub fn decode(&self) -> Result<ReportPeriod, Vec<UserError>> {
        let mut ids = Ids::default();
        let project_id = ids.one(NodeType::Project, &self.project_id, &["input", "projectId"]);
        ids.finish(ReportPeriod {
            project_id,
            period_start: self.period_start,
            period_end: self.period_end,
        })
    }
}

payload!(/// Result of a report mutation.
    ReportPayload, report: Report,
    |ctx, outcome| load_visible::<report::Entity, _>(ctx, &outcome, report::Column::ProjectId, Report).await?);

/// Writes to period reports: submit, and the admins' decisions.
#[derive(Default)]
pub struct ReportMutation;

#[Object]
impl ReportMutation {
    /// Submits a project's report for a period (managers of the project, admins).
    async fn submit_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: SubmitReportInput,
    ) -> ApiResult<ReportPayload> {
        mutate(
            ctx,
            "submitReport",
            &idempotency_key,
            &input,
            || input.decode(),
            async |txn, actor, input| reports::submit(txn, actor, &input).await,
        )
        .await
    }

    /// Returns a submitted report to its manager with a comment (admins).
    async fn return_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "The object's global ID, as its `id` field gives it.")] id: ID,
        #[graphql(
            desc = "The `version` the change is based on, as last read: a different current version is refused with CONFLICT and nothing is written (optimistic concurrency)."
        )]
        version: i32,
        #[graphql(
            desc = "A note on the decision, kept in the report's history and the audit trail."
        )]
        comment: String,
    ) -> ApiResult<ReportPayload> {
        let decision = (Decision::Return, Some(comment));
        decide(ctx, "returnReport", idempotency_key, id, version, decision).await
    }

    /// Approves a submitted report; its period is then locked against edits (admins).
    async fn approve_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "The object's global ID, as its `id` field gives it.")] id: ID,
        #[graphql(
            desc = "The `version` the change is based on, as last read: a different current version is refused with CONFLICT and nothing is written (optimistic concurrency)."
        )]
        version: i32,
        #[graphql(
            desc = "A note on the decision, kept in the report's history and the audit trail."
        )]
        comment: Option<String>,
    ) -> ApiResult<ReportPayload> {
        let decision = (Decision::Approve, comment);
        decide(ctx, "approveReport", idempotency_key, id, version, decision).await
    }

    /// Reopens an approved report so its period can be edited again (admins; a comment says why).
    async fn reopen_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "The object's global ID, as its `id` field gives it.")] id: ID,
        #[graphql(
            desc = "The `version` the change is based on, as last read: a different current version is refused with CONFLICT and nothing is written (optimistic concurrency)."
        )]
        version: i32,
        #[graphql(
            desc = "A note on the decision, kept in the report's history and the audit trail."
        )]
        comment: String,
    ) -> ApiResult<ReportPayload> {
        let decision = (Decision::Reopen, Some(comment));
        decide(ctx, "reopenReport", idempotency_key, id, version, decision).await
    }
}

async fn decide(
    ctx: &Context<'_>,
    operation: &str,
    idempotency_key: String,
    id: ID,
    version: i32,
    (decision, comment): (Decision, Option<String>),
) -> ApiResult<ReportPayload> {
    let request = serde_json::json!({ "id": id, "version": version, "comment": comment });
    mutate(
        ctx,
        operation,
        &idempotency_key,
        &request,
        || arg_id(NodeType::Report, &id, "id"),
        async |txn, actor, id| reports::decide(txn, actor, id, version, decision, comment).await,
    )
    .await
}
