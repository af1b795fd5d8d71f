//! Setting up reporting obligations and validation rules, and reviewers'
//! comments on figures. Each runs through [`mutate`] (idempotency key, one
//! transaction with its audit row, typed `userErrors`).

use serde::Serialize;

use super::types::{BreakdownDimension, CompareOp, ReportingObligation, ValidationRule};
use crate::graphql::accounts::types::Report;
use crate::graphql::mutation::errors::{Ids, arg_id};
use crate::graphql::mutation::{db, mutate, payload, written};
use crate::graphql::prelude::*;
use crate::rules::Check;
use crate::services::quality::{self, ObligationFields, RuleFields};
use crate::services::{UserError, UserErrorCode};

payload!(/// Result of a reporting obligation mutation.
ReportingObligationPayload, obligation: ReportingObligation,
|ctx, outcome| match written(&outcome) {
    Some(id) => reporting_obligation::Entity::find_by_id(id)
        .filter(scope(ctx).viewer.owned_by_visible_project(reporting_obligation::Column::ProjectId))
        .one(db(ctx))
        .await?
        .map(ReportingObligation),
    None => None,
});
payload!(/// Result of a validation rule mutation.
ValidationRulePayload, rule: ValidationRule,
|ctx, outcome| match written(&outcome) {
    Some(id) => validation_rule::Entity::find_by_id(id)
        .filter(scope(ctx).viewer.owned_by_visible_project(validation_rule::Column::ProjectId))
        .one(db(ctx))
        .await?
        .map(ValidationRule),
    None => None,
});
payload!(/// Result of commenting on a figure: the report.
FigureCommentPayload, report: Report,
|ctx, outcome| match written(&outcome) {
    Some(id) => report::Entity::find_by_id(id)
        .filter(scope(ctx).viewer.owned_by_visible_project(report::Column::ProjectId))
        .one(db(ctx))
        .await?
        .map(Report),
    None => None,
});

/// A reporting obligation's set-up.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct ReportingObligationInput {
    /// The project as a whole, or centres.
    pub unit_kind: ObligationUnit,
    /// One centre (with unitKind CENTRE); leave out for every live centre.
    pub centre_id: Option<ID>,
    /// Which figures are owed.
    pub figures: ObligationFigures,
    /// How often.
    pub frequency: ReportingFrequency,
    /// Days after a period's last day by which its report is due (0–366).
    pub due_days: i32,
    /// The first period owed is the one containing this day.
    pub starts_on: NaiveDate,
    /// No period after the one containing this day is owed.
    pub ends_on: Option<NaiveDate>,
}

impl ReportingObligationInput {
    fn decode(&self) -> Result<ObligationFields, Vec<UserError>> {
        let mut ids = Ids::default();
        let centre_id = ids.opt(
            NodeType::Centre,
            self.centre_id.as_ref(),
            &["input", "centreId"],
        );
        ids.finish(ObligationFields {
            unit_kind: self.unit_kind,
            centre_id,
            figures: self.figures,
            frequency: self.frequency,
            due_days: self.due_days,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
        })
    }
}

/// A validation rule's set-up: `kind` says which of the parameters it reads.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct ValidationRuleInput {
    /// The indicator the rule is for (its figure is then `VALUE`); leave out for service counts.
    pub indicator_id: Option<ID>,
    /// ERROR blocks an entry; WARNING asks the manager to confirm with a reason.
    pub severity: RuleSeverity,
    /// What the rule checks.
    pub kind: RuleKind,
    /// RANGE, MEDIAN_MULTIPLE, REQUIRED_BREAKDOWN: the figure checked, e.g. `RECEIVED_PERSONS`.
    pub figure: Option<String>,
    /// RANGE: smallest allowed value.
    pub min: Option<i64>,
    /// RANGE: largest allowed value.
    pub max: Option<i64>,
    /// COMPARE: the figure on the left, e.g. `SERVED_PERSONS`.
    pub left: Option<String>,
    /// COMPARE: how the two compare.
    pub op: Option<CompareOp>,
    /// COMPARE: the figure on the right, e.g. `RECEIVED_PERSONS`.
    pub right: Option<String>,
    /// MEDIAN_MULTIPLE: N in "at most N times the median" (above 0, at most 1,000).
    pub factor: Option<f64>,
    /// MEDIAN_MULTIPLE: past periods the median is taken over (default 6, at most 24).
    pub periods: Option<i32>,
    /// MEDIAN_MULTIPLE: fewer known past periods than this and the rule is skipped (default 3).
    pub min_periods: Option<i32>,
    /// REQUIRED_BREAKDOWN: the dimension the figure must be broken down by.
    pub dimension: Option<BreakdownDimension>,
    /// Message in Azerbaijani (one of the two may follow later).
    #[graphql(default)]
    pub message_az: String,
    /// Message in English.
    #[graphql(default)]
    pub message_en: String,
}

impl ValidationRuleInput {
    fn decode(&self) -> Result<RuleFields, Vec<UserError>> {
        let mut errors = Vec::new();
        let mut need = |name: &'static str, present: bool| {
            if !present {
                errors.push(UserError::new(
                    &["input", name],
                    UserErrorCode::Required,
                    format!("a {:?} rule needs `{name}`", self.kind).to_uppercase(),
                ));
            }
        };
        let count = |v: Option<i32>, default: usize| {
            v.map(|n| usize::try_from(n).unwrap_or(0))
                .unwrap_or(default)
        };
        let check = match self.kind {
            RuleKind::Range => {
                need("figure", self.figure.is_some());
                Check::Range {
                    figure: self.figure.clone().unwrap_or_default(),
                    min: self.min,
                    max: self.max,
                }
            }
            RuleKind::Compare => {
                need("left", self.left.is_some());
                need("op", self.op.is_some());
                need("right", self.right.is_some());
                Check::Compare {
                    left: self.left.clone().unwrap_or_default(),
                    op: self.op.map(Into::into).unwrap_or(crate::rules::Op::Le),
                    right: self.right.clone().unwrap_or_default(),
                }
            }
            RuleKind::MedianMultiple => {
                need("figure", self.figure.is_some());
                need("factor", self.factor.is_some());
                Check::MedianMultiple {
                    figure: self.figure.clone().unwrap_or_default(),
                    factor: self.factor.unwrap_or(1.0),
                    periods: count(self.periods, 6),
                    min_periods: count(self.min_periods, 3),
                }
            }
            RuleKind::RequiredBreakdown => {
                need("figure", self.figure.is_some());
                need("dimension", self.dimension.is_some());
                Check::RequiredBreakdown {
                    figure: self.figure.clone().unwrap_or_default(),
                    dimension: self
                        .dimension
                        .map(Into::into)
                        .unwrap_or(crate::rules::Dimension::Sex),
                }
            }
        };
        let mut ids = Ids::default();
        let indicator_id = ids.opt(
            NodeType::Indicator,
            self.indicator_id.as_ref(),
            &["input", "indicatorId"],
        );
        let fields = ids.finish(RuleFields {
            indicator_id,
            severity: self.severity,
            check,
            message_az: self.message_az.clone(),
            message_en: self.message_en.clone(),
        });
        match fields {
            Ok(f) if errors.is_empty() => Ok(f),
            Ok(_) => Err(errors),
            Err(mut more) => {
                more.extend(errors);
                Err(more)
            }
        }
    }
}

/// Reporting obligations, validation rules and reviewers' comments.
#[derive(Default)]
pub struct QualityMutation;

#[Object]
impl QualityMutation {
    /// Declares which unit of a project owes which figures, how often and
    /// when (administrators, and managers of the project).
    async fn create_reporting_obligation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The project that owes the reports.")] project_id: ID,
        #[graphql(desc = "The obligation's set-up.")] input: ReportingObligationInput,
    ) -> ApiResult<ReportingObligationPayload> {
        let request = serde_json::json!({ "projectId": project_id, "input": input });
        mutate(
            ctx,
            "createReportingObligation",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::Project, &project_id, "projectId")?,
                    input.decode()?,
                ))
            },
            async |txn, actor, (project, input)| {
                quality::create_obligation(txn, actor, project, &input).await
            },
        )
        .await
    }

    /// Changes an obligation. CONFLICT when `version` is stale.
    async fn update_reporting_obligation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The obligation.")] id: ID,
        #[graphql(desc = "The obligation's `version` the change is based on.")] version: i32,
        #[graphql(desc = "The obligation's new set-up.")] input: ReportingObligationInput,
    ) -> ApiResult<ReportingObligationPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "updateReportingObligation",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::ReportingObligation, &id, "id")?,
                    input.decode()?,
                ))
            },
            async |txn, actor, (id, input)| {
                quality::update_obligation(txn, actor, id, version, &input).await
            },
        )
        .await
    }

    /// Archives an obligation (owed no more), or restores it.
    async fn archive_reporting_obligation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The obligation.")] id: ID,
        #[graphql(desc = "The obligation's `version` the change is based on.")] version: i32,
        #[graphql(desc = "True to restore an archived obligation.")] restore: Option<bool>,
    ) -> ApiResult<ReportingObligationPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "restore": restore });
        mutate(
            ctx,
            "archiveReportingObligation",
            &idempotency_key,
            &request,
            || arg_id(NodeType::ReportingObligation, &id, "id"),
            async |txn, actor, id| {
                quality::archive_obligation(txn, actor, id, version, restore.unwrap_or(false)).await
            },
        )
        .await
    }

    /// Declares a validation rule of a project (administrators, and managers of the project).
    async fn create_validation_rule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The project whose entries the rule checks.")] project_id: ID,
        #[graphql(desc = "The rule's set-up.")] input: ValidationRuleInput,
    ) -> ApiResult<ValidationRulePayload> {
        let request = serde_json::json!({ "projectId": project_id, "input": input });
        mutate(
            ctx,
            "createValidationRule",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::Project, &project_id, "projectId")?,
                    input.decode()?,
                ))
            },
            async |txn, actor, (project, input)| {
                quality::create_rule(txn, actor, project, &input).await
            },
        )
        .await
    }

    /// Changes a rule. CONFLICT when `version` is stale.
    async fn update_validation_rule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The rule.")] id: ID,
        #[graphql(desc = "The rule's `version` the change is based on.")] version: i32,
        #[graphql(desc = "The rule's new set-up.")] input: ValidationRuleInput,
    ) -> ApiResult<ValidationRulePayload> {
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "updateValidationRule",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::ValidationRule, &id, "id")?,
                    input.decode()?,
                ))
            },
            async |txn, actor, (id, input)| {
                quality::update_rule(txn, actor, id, version, &input).await
            },
        )
        .await
    }

    /// Archives a rule (it checks nothing more), or restores it.
    async fn archive_validation_rule(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The rule.")] id: ID,
        #[graphql(desc = "The rule's `version` the change is based on.")] version: i32,
        #[graphql(desc = "True to restore an archived rule.")] restore: Option<bool>,
    ) -> ApiResult<ValidationRulePayload> {
        let request = serde_json::json!({ "id": id, "version": version, "restore": restore });
        mutate(
            ctx,
            "archiveValidationRule",
            &idempotency_key,
            &request,
            || arg_id(NodeType::ValidationRule, &id, "id"),
            async |txn, actor, id| {
                quality::archive_rule(txn, actor, id, version, restore.unwrap_or(false)).await
            },
        )
        .await
    }

    /// A reviewer's (administrator's) comment on one figure of a report.
    async fn comment_on_figure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The report.")] report_id: ID,
        #[graphql(
            desc = "The figure, as the review screen names it (e.g. `RECEIVED_PERSONS`, or a rule or outlier's key)."
        )]
        figure: String,
        #[graphql(desc = "The comment (at most 2,000 characters).")] body: String,
    ) -> ApiResult<FigureCommentPayload> {
        let request = serde_json::json!({ "reportId": report_id, "figure": figure, "body": body });
        mutate(
            ctx,
            "commentOnFigure",
            &idempotency_key,
            &request,
            || arg_id(NodeType::Report, &report_id, "reportId"),
            async |txn, actor, id| quality::comment_figure(txn, actor, id, &figure, &body).await,
        )
        .await
    }
}
