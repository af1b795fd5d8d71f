//! Progress-figure mutations: infrastructure work status, centre milestones
//! and service counts for a period.

use async_graphql::{Context, ID, InputObject, Object};
use chrono::NaiveDate;
use serde::Serialize;

use entities::codes::*;
use entities::{centre, infrastructure_work, project};

use super::errors::Ids;
use super::{load_visible, mutate, payload};
use crate::error::ApiResult;
use crate::graphql::ids::NodeType;
use crate::graphql::prelude::{Centre, InfrastructureWork, Project};
use crate::services::UserError;
use crate::services::figures::{
    self, CentreMilestone, ServiceCountCell, ServiceCounts, WorkStatusChange,
};

/// A new status (and progress) of an infrastructure work.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct WorkStatusInput {
    /// The work.
    pub id: ID,
    /// The `version` the change is based on.
    pub version: i32,
    /// New status.
    pub status: WorkStatus,
    /// Physical progress, 0–100 (COMPLETED and HANDED_OVER imply 100).
    pub progress_percent: Option<i32>,
    /// Date of the change (default today).
    pub changed_on: Option<NaiveDate>,
    /// Note in Azerbaijani.
    pub note_az: Option<String>,
    /// Note in English.
    pub note_en: Option<String>,
}

impl WorkStatusInput {
    /// The service input, with its ID decoded.
    pub fn decode(&self) -> Result<WorkStatusChange, Vec<UserError>> {
        let mut ids = Ids::default();
        let id = ids.one(NodeType::InfrastructureWork, &self.id, &["input", "id"]);
        ids.finish(WorkStatusChange {
            id,
            version: self.version,
            status: self.status,
            progress_percent: self.progress_percent,
            changed_on: self.changed_on,
            note_az: self.note_az.clone(),
            note_en: self.note_en.clone(),
        })
    }
}

/// A milestone a centre reached.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct CentreMilestoneInput {
    /// The centre.
    pub id: ID,
    /// The `version` the change is based on.
    pub version: i32,
    /// Milestone reached; becomes the centre's status.
    pub status: CentreStatus,
    /// When (default today).
    pub reached_on: Option<NaiveDate>,
    /// Note in Azerbaijani.
    pub note_az: Option<String>,
    /// Note in English.
    pub note_en: Option<String>,
}

impl CentreMilestoneInput {
    /// The service input, with its ID decoded.
    pub fn decode(&self) -> Result<CentreMilestone, Vec<UserError>> {
        let mut ids = Ids::default();
        let id = ids.one(NodeType::Centre, &self.id, &["input", "id"]);
        ids.finish(CentreMilestone {
            id,
            version: self.version,
            status: self.status,
            reached_on: self.reached_on,
            note_az: self.note_az.clone(),
            note_en: self.note_en.clone(),
        })
    }
}

/// One service count cell for a period.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct ServiceCountCellInput {
    /// Type of support (omit for all types).
    pub support_type: Option<SupportType>,
    /// Channel (omit for all channels).
    pub channel: Option<Channel>,
    /// Stage.
    pub stage: ServiceStage,
    /// Unit: PERSONS or APPEALS.
    pub unit: CountUnit,
    /// Sex (omit when not broken down).
    pub sex: Option<Sex>,
    /// Age band (omit when not broken down).
    pub age_band: Option<AgeBand>,
    /// Disability (omit when not broken down).
    pub disability: Option<Disability>,
    /// Category (omit when not broken down).
    pub category: Option<BeneficiaryCategory>,
    /// The count, 0 to 10,000,000; more is refused with VALUE_OUT_OF_RANGE.
    pub value: i64,
    /// The `version` of the stored cell this replaces; omit for a new cell.
    pub version: Option<i32>,
}

/// Service counts of a project (and centre) for one period.
#[derive(InputObject, Debug, Clone, Serialize)]
pub struct ServiceCountsInput {
    /// The project.
    pub project_id: ID,
    /// The centre, if the counts are for one.
    pub centre_id: Option<ID>,
    /// First day of the period.
    pub period_start: NaiveDate,
    /// Last day of the period.
    pub period_end: NaiveDate,
    /// Sensitivity of the people counted (default: the project's).
    pub sensitivity: Option<Sensitivity>,
    /// The cells.
    pub counts: Vec<ServiceCountCellInput>,
    /// Why figures that break a WARNING rule of the project are right (at
    /// most 2,000 characters): without it such an entry is refused with
    /// WARNING_NOT_CONFIRMED; stored with the entry's rule results for reviewers.
    pub confirm_reason: Option<String>,
}

impl ServiceCountsInput {
    /// The service input, with its IDs decoded.
    pub fn decode(&self) -> Result<ServiceCounts, Vec<UserError>> {
        let mut ids = Ids::default();
        let project_id = ids.one(NodeType::Project, &self.project_id, &["input", "projectId"]);
        let centre_id = ids.opt(
            NodeType::Centre,
            self.centre_id.as_ref(),
            &["input", "centreId"],
        );
        let counts = self
            .counts
            .iter()
            .map(|c| ServiceCountCell {
                support_type: c.support_type,
                channel: c.channel,
                stage: c.stage,
                unit: c.unit,
                sex: c.sex,
                age_band: c.age_band,
                disability: c.disability,
                category: c.category,
                value: c.value,
                version: c.version,
            })
            .collect();
        ids.finish(ServiceCounts {
            project_id,
            centre_id,
            period_start: self.period_start,
            period_end: self.period_end,
            sensitivity: self.sensitivity,
            counts,
            confirm_reason: self.confirm_reason.clone(),
        })
    }
}

payload!(/// Result of an infrastructure-work mutation.
    InfrastructureWorkPayload, infrastructure_work: InfrastructureWork,
    |ctx, outcome| load_visible::<infrastructure_work::Entity, _>(
        ctx, &outcome, infrastructure_work::Column::ProjectId, InfrastructureWork,
    ).await?);
payload!(/// Result of a centre mutation.
    CentrePayload, centre: Centre,
    |ctx, outcome| load_visible::<centre::Entity, _>(ctx, &outcome, centre::Column::ProjectId, Centre).await?);
payload!(/// Result of a service-counts mutation: the project they belong to.
    ServiceCountsPayload, project: Project,
    |ctx, outcome| load_visible::<project::Entity, _>(ctx, &outcome, project::Column::Id, Project).await?);

/// Writes to progress figures: works, centres and service counts.
#[derive(Default)]
pub struct FigureMutation;

#[Object]
impl FigureMutation {
    /// Records an infrastructure work's status and progress, with a dated history entry.
    async fn update_work_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: WorkStatusInput,
    ) -> ApiResult<InfrastructureWorkPayload> {
        mutate(
            ctx,
            "updateWorkStatus",
            &idempotency_key,
            &input,
            || input.decode(),
            async |txn, actor, input| figures::update_work_status(txn, actor, &input).await,
        )
        .await
    }

    /// Records a milestone a centre reached (rooms allocated, equipped, staffed, operational, closed).
    async fn record_centre_milestone(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: CentreMilestoneInput,
    ) -> ApiResult<CentrePayload> {
        mutate(
            ctx,
            "recordCentreMilestone",
            &idempotency_key,
            &input,
            || input.decode(),
            async |txn, actor, input| figures::record_centre_milestone(txn, actor, &input).await,
        )
        .await
    }

    /// Writes service counts for a period (new cells, or replacements with their current `version`).
    async fn set_service_counts(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key the client makes for this one intended change (e.g. a UUID): repeating the call with the same key and input returns the first outcome and changes nothing again; the same key with other input is refused."
        )]
        idempotency_key: String,
        #[graphql(desc = "What to write; each field is described on the input type.")]
        input: ServiceCountsInput,
    ) -> ApiResult<ServiceCountsPayload> {
        mutate(
            ctx,
            "setServiceCounts",
            &idempotency_key,
            &input,
            || input.decode(),
            async |txn, actor, input| figures::set_service_counts(txn, actor, &input).await,
        )
        .await
    }
}
