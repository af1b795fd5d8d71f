//! Programme set-up mutations: projects and their managers, indicators with
//! targets and entered values, centres, works, teams, areas and their
//! boundaries, sources and citations. Each runs through [`mutate`]
//! (idempotency key, one transaction with its audit row, typed `userErrors`).

use async_graphql::{Context, ID, Object};
use sea_orm::{EntityTrait, QueryFilter};

use entities::codes::AreaKind;
use entities::{area, project, source_document};

use super::inputs::*;
use super::types::{BoundaryFeatureReport, Citation, citations_of};
use crate::error::ApiResult;
use crate::graphql::ids::{NodeType, decode};
use crate::graphql::mutation::errors::{Ids, arg_id};
use crate::graphql::mutation::figures::{CentrePayload, InfrastructureWorkPayload};
use crate::graphql::mutation::{db, load_visible, mutate, payload, written};
use crate::graphql::prelude::{Area, Indicator, Plan, Project, SourceDocument, Team, scope};
use crate::services::setup::{delete, indicators, places, projects, sources};
use crate::services::{Outcome, UserError, UserErrorCode};

payload!(/// Result of a project set-up mutation.
ProjectPayload, project: Project,
|ctx, outcome| match written(&outcome) {
    Some(id) => project::Entity::find_by_id(id)
        .filter(scope(ctx).viewer.project_scope())
        .one(db(ctx))
        .await?
        .map(Project),
    None => None,
});
payload!(/// Result of an indicator mutation.
IndicatorPayload, indicator: Indicator,
|ctx, outcome| load_visible::<entities::indicator::Entity, _>(ctx, &outcome, entities::indicator::Column::ProjectId, Indicator).await?);
payload!(/// Result of a team mutation.
TeamPayload, team: Team,
|ctx, outcome| load_visible::<entities::team::Entity, _>(ctx, &outcome, entities::team::Column::ProjectId, Team).await?);
payload!(/// Result of a plan mutation.
PlanPayload, plan: Plan,
|ctx, outcome| match written(&outcome) {
    Some(id) => entities::plan::Entity::find_by_id(id).one(db(ctx)).await?.map(Plan),
    None => None,
});
payload!(/// Result of adding an area.
AreaPayload, area: Area,
|ctx, outcome| match written(&outcome) {
    Some(id) => area::Entity::find_by_id(id).one(db(ctx)).await?.map(Area),
    None => None,
});
payload!(/// Result of a source document mutation.
SourceDocumentPayload, source_document: SourceDocument,
|ctx, outcome| match written(&outcome) {
    Some(id) => source_document::Entity::find_by_id(id).one(db(ctx)).await?.map(SourceDocument),
    None => None,
});
payload!(/// Result of citing a source or removing a citation: the record's citations after the change.
CitationsPayload, citations: Vec<Citation>,
|ctx, outcome| match (written(&outcome), cited_kind(&outcome)) {
    (Some(id), Some(kind)) => Some(citations_of(ctx, kind, id).await?),
    _ => None,
});
payload!(/// Result of a boundary upload: one report per feature of the file (also on a dry run).
BoundaryUploadPayload, features: Vec<BoundaryFeatureReport>,
|_ctx, outcome| outcome
    .detail
    .clone()
    .and_then(|d| serde_json::from_value::<Vec<places::FeatureReport>>(d).ok())
    .map(|reports| reports.into_iter().map(BoundaryFeatureReport::from).collect()));

payload!(/// Result of deleting a record: the ID it had (null when refused).
DeleteRecordPayload, deleted_id: ID,
|_ctx, outcome| match (written(&outcome), outcome.detail.as_ref().and_then(|d| d.get("kind")).and_then(|k| k.as_str())) {
    (Some(id), Some(kind)) => DELETABLE
        .iter()
        .find(|(_, d)| d.entity_type() == kind)
        .map(|(node, _)| crate::graphql::ids::encode(*node, id)),
    _ => None,
});

/// The node types a record may be deleted by, and what each is.
const DELETABLE: [(NodeType, delete::Deletable); 7] = [
    (NodeType::Project, delete::Deletable::Project),
    (NodeType::Centre, delete::Deletable::Centre),
    (NodeType::Indicator, delete::Deletable::Indicator),
    (NodeType::InfrastructureWork, delete::Deletable::Work),
    (NodeType::SourceDocument, delete::Deletable::Source),
    (NodeType::Organisation, delete::Deletable::Organisation),
    (NodeType::Area, delete::Deletable::Area),
];

/// What a `deleteRecord` ID names.
fn deletable(raw: &ID) -> Result<(delete::Deletable, i32), Vec<UserError>> {
    match decode(raw) {
        Ok((node, id)) => DELETABLE
            .iter()
            .find(|(n, _)| *n == node)
            .map(|(_, kind)| (*kind, id))
            .ok_or(()),
        Err(_) => Err(()),
    }
    .map_err(|()| {
        vec![UserError::new(
            &["id"],
            UserErrorCode::Invalid,
            "give the ID of a project, centre, indicator, infrastructure work, source document, organisation or area",
        )]
    })
}

fn cited_kind(outcome: &Outcome) -> Option<&'static str> {
    let kind = outcome.detail.as_ref()?.get("kind")?.as_str()?;
    [
        sources::Cited::Project,
        sources::Cited::Indicator,
        sources::Cited::Centre,
        sources::Cited::Work,
    ]
    .into_iter()
    .map(sources::Cited::code)
    .find(|c| *c == kind)
}

/// What a citation's `entityId` names.
fn cited(raw: &ID, field: &str) -> Result<(sources::Cited, i32), Vec<UserError>> {
    let refused = || {
        vec![UserError::new(
            &["input", field],
            UserErrorCode::Invalid,
            "give the ID of a project, indicator, centre or infrastructure work",
        )]
    };
    match decode(raw) {
        Ok((NodeType::Project, id)) => Ok((sources::Cited::Project, id)),
        Ok((NodeType::Indicator, id)) => Ok((sources::Cited::Indicator, id)),
        Ok((NodeType::Centre, id)) => Ok((sources::Cited::Centre, id)),
        Ok((NodeType::InfrastructureWork, id)) => Ok((sources::Cited::Work, id)),
        _ => Err(refused()),
    }
}

/// Programme set-up: create and edit what a programme is made of.
#[derive(Default)]
pub struct SetupMutation;

#[Object]
impl SetupMutation {
    /// Creates a project (administrators). It starts private unless `isPublic` is true.
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A key unique to this request: a retry with the same key and input is answered from the first attempt, never written twice."
        )]
        idempotency_key: String,
        #[graphql(desc = "The project's set-up.")] input: ProjectInput,
    ) -> ApiResult<ProjectPayload> {
        mutate(
            ctx,
            "createProject",
            &idempotency_key,
            &input,
            || input.decode(),
            async |txn, actor, input| projects::create_project(txn, actor, &input).await,
        )
        .await
    }

    /// Changes a project's set-up (administrators; managers of the project,
    /// except its sensitivity and public flag). CONFLICT when `version` is stale.
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The project.")] id: ID,
        #[graphql(desc = "The project's `version` the change is based on.")] version: i32,
        #[graphql(desc = "The project's new set-up; lists left null keep their stored values.")]
        input: ProjectInput,
    ) -> ApiResult<ProjectPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "updateProject",
            &idempotency_key,
            &request,
            || Ok((arg_id(NodeType::Project, &id, "id")?, input.decode()?)),
            async |txn, actor, (id, input)| {
                projects::update_project(txn, actor, id, version, &input).await
            },
        )
        .await
    }

    /// Archives a project, or restores it with `restore: true` (administrators):
    /// an archived project leaves every public surface and stays for the audit trail.
    async fn archive_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The project.")] id: ID,
        #[graphql(desc = "The project's current `version`.")] version: i32,
        #[graphql(desc = "True to bring an archived project back (default false).")]
        restore: Option<bool>,
    ) -> ApiResult<ProjectPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "restore": restore });
        mutate(
            ctx,
            "archiveProject",
            &idempotency_key,
            &request,
            || arg_id(NodeType::Project, &id, "id"),
            async |txn, actor, id| {
                projects::archive_project(txn, actor, id, version, restore.unwrap_or(false)).await
            },
        )
        .await
    }

    /// Deletes a record created by mistake (a project, centre, indicator,
    /// infrastructure work, source document, organisation or area) while
    /// nothing refers to it; otherwise `IN_USE` on `id` names the tables
    /// whose rows refer to it (archive it instead). Administrators delete
    /// any of them; a manager, the centres, indicators and works of their
    /// own projects. The record's own parts (a project's organisations,
    /// areas, categories and plan links; a centre's areas served; an
    /// indicator's targets; a work's status history; its citations) go with
    /// it; the audit row keeps all of it.
    async fn delete_record(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The record.")] id: ID,
        #[graphql(
            desc = "The record's current `version` (areas have none: leave it out for them)."
        )]
        version: Option<i32>,
    ) -> ApiResult<DeleteRecordPayload> {
        let request = serde_json::json!({ "id": id, "version": version });
        mutate(
            ctx,
            "deleteRecord",
            &idempotency_key,
            &request,
            || deletable(&id),
            async |txn, actor, (kind, id)| {
                delete::delete_record(txn, actor, kind, id, version).await
            },
        )
        .await
    }

    /// Sets the managers of a project (administrators): each must be a
    /// manager account; managers left out lose the project.
    async fn set_project_managers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The project.")] project_id: ID,
        #[graphql(desc = "The manager accounts to assign (replaces the stored list).")]
        user_ids: Vec<ID>,
    ) -> ApiResult<ProjectPayload> {
        let request = serde_json::json!({ "projectId": project_id, "userIds": user_ids });
        mutate(
            ctx,
            "setProjectManagers",
            &idempotency_key,
            &request,
            || {
                let mut ids = Ids::default();
                let project = ids.one(NodeType::Project, &project_id, &["projectId"]);
                let users = ids.list(NodeType::User, &user_ids, &["userIds"]);
                ids.finish((project, users))
            },
            async |txn, actor, (project, users)| {
                projects::set_project_managers(txn, actor, project, &users).await
            },
        )
        .await
    }

    /// Creates a plan with its goals (administrators); projects link to it with `planLinks`.
    async fn create_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The plan and its goals.")] input: PlanInput,
    ) -> ApiResult<PlanPayload> {
        mutate(
            ctx,
            "createPlan",
            &idempotency_key,
            &input,
            || input.decode(),
            async |txn, actor, input| projects::create_plan(txn, actor, &input).await,
        )
        .await
    }

    /// Changes a plan and its goals (administrators). CONFLICT when `version` is stale.
    async fn update_plan(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The plan.")] id: ID,
        #[graphql(desc = "The plan's `version` the change is based on.")] version: i32,
        #[graphql(desc = "The plan's new fields and goals.")] input: PlanInput,
    ) -> ApiResult<PlanPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "updatePlan",
            &idempotency_key,
            &request,
            || Ok((arg_id(NodeType::Plan, &id, "id")?, input.decode()?)),
            async |txn, actor, (id, input)| {
                projects::update_plan(txn, actor, id, version, &input).await
            },
        )
        .await
    }

    /// Creates an indicator in a project the caller edits.
    async fn create_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The project the indicator measures.")] project_id: ID,
        #[graphql(desc = "The indicator's set-up.")] input: IndicatorInput,
    ) -> ApiResult<IndicatorPayload> {
        let request = serde_json::json!({ "projectId": project_id, "input": input });
        mutate(
            ctx,
            "createIndicator",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::Project, &project_id, "projectId")?,
                    input.decode()?,
                ))
            },
            async |txn, actor, (project, input)| {
                indicators::create_indicator(txn, actor, project, &input).await
            },
        )
        .await
    }

    /// Changes an indicator. CONFLICT when `version` is stale.
    async fn update_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The indicator.")] id: ID,
        #[graphql(desc = "The indicator's `version` the change is based on.")] version: i32,
        #[graphql(desc = "The indicator's new set-up.")] input: IndicatorInput,
    ) -> ApiResult<IndicatorPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "updateIndicator",
            &idempotency_key,
            &request,
            || Ok((arg_id(NodeType::Indicator, &id, "id")?, input.decode()?)),
            async |txn, actor, (id, input)| {
                indicators::update_indicator(txn, actor, id, version, &input).await
            },
        )
        .await
    }

    /// Archives an indicator, or restores it with `restore: true`.
    async fn archive_indicator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The indicator.")] id: ID,
        #[graphql(desc = "The indicator's current `version`.")] version: i32,
        #[graphql(desc = "True to bring an archived indicator back (default false).")]
        restore: Option<bool>,
    ) -> ApiResult<IndicatorPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "restore": restore });
        mutate(
            ctx,
            "archiveIndicator",
            &idempotency_key,
            &request,
            || arg_id(NodeType::Indicator, &id, "id"),
            async |txn, actor, id| {
                indicators::archive_indicator(txn, actor, id, version, restore.unwrap_or(false))
                    .await
            },
        )
        .await
    }

    /// Replaces an indicator's targets per period (whole or broken down).
    /// CONFLICT when `version` is stale.
    async fn set_indicator_targets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The indicator.")] id: ID,
        #[graphql(desc = "The indicator's `version` the change is based on.")] version: i32,
        #[graphql(desc = "Every target (replaces the stored ones), at most 2,000.")] targets: Vec<
            IndicatorTargetInput,
        >,
    ) -> ApiResult<IndicatorPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "targets": targets });
        mutate(
            ctx,
            "setIndicatorTargets",
            &idempotency_key,
            &request,
            || arg_id(NodeType::Indicator, &id, "id"),
            async |txn, actor, id| {
                let targets: Vec<indicators::Target> = targets.iter().map(Into::into).collect();
                indicators::set_indicator_targets(txn, actor, id, version, &targets).await
            },
        )
        .await
    }

    /// Records an entered indicator's values for one period (the whole and
    /// its breakdown replace what the period held). Published through the
    /// same protection as every figure; PERIOD_LOCKED in an approved period.
    /// The indicator's validation rules are checked on the values as stored:
    /// a broken ERROR rule refuses them (RULE_BROKEN), a broken WARNING rule
    /// needs `confirmReason` (WARNING_NOT_CONFIRMED); broken rules are kept
    /// with the period for reviewers (`Report.ruleResults`).
    async fn record_indicator_values(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The indicator (an entered one, not derived).")] indicator_id: ID,
        #[graphql(desc = "The period and its values.")] input: IndicatorValuesInput,
    ) -> ApiResult<IndicatorPayload> {
        let request = serde_json::json!({ "indicatorId": indicator_id, "input": input });
        mutate(
            ctx,
            "recordIndicatorValues",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::Indicator, &indicator_id, "indicatorId")?,
                    input.decode()?,
                ))
            },
            async |txn, actor, (id, input)| {
                indicators::record_indicator_values(txn, actor, id, &input).await
            },
        )
        .await
    }

    /// Creates a centre in a project the caller edits.
    async fn create_centre(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The project that runs or supports the centre.")] project_id: ID,
        #[graphql(desc = "The centre's set-up.")] input: CentreInput,
    ) -> ApiResult<CentrePayload> {
        let request = serde_json::json!({ "projectId": project_id, "input": input });
        mutate(
            ctx,
            "createCentre",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::Project, &project_id, "projectId")?,
                    input.decode()?,
                ))
            },
            async |txn, actor, (project, input)| {
                places::create_centre(txn, actor, project, &input).await
            },
        )
        .await
    }

    /// Changes a centre. CONFLICT when `version` is stale.
    async fn update_centre(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The centre.")] id: ID,
        #[graphql(desc = "The centre's `version` the change is based on.")] version: i32,
        #[graphql(desc = "The centre's new set-up.")] input: CentreInput,
    ) -> ApiResult<CentrePayload> {
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "updateCentre",
            &idempotency_key,
            &request,
            || Ok((arg_id(NodeType::Centre, &id, "id")?, input.decode()?)),
            async |txn, actor, (id, input)| {
                places::update_centre(txn, actor, id, version, &input).await
            },
        )
        .await
    }

    /// Archives a centre, or restores it with `restore: true`.
    async fn archive_centre(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The centre.")] id: ID,
        #[graphql(desc = "The centre's current `version`.")] version: i32,
        #[graphql(desc = "True to bring an archived centre back (default false).")] restore: Option<
            bool,
        >,
    ) -> ApiResult<CentrePayload> {
        let request = serde_json::json!({ "id": id, "version": version, "restore": restore });
        mutate(
            ctx,
            "archiveCentre",
            &idempotency_key,
            &request,
            || arg_id(NodeType::Centre, &id, "id"),
            async |txn, actor, id| {
                places::archive_centre(txn, actor, id, version, restore.unwrap_or(false)).await
            },
        )
        .await
    }

    /// Creates an infrastructure work in a project the caller edits.
    async fn create_infrastructure_work(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The project the work belongs to.")] project_id: ID,
        #[graphql(desc = "The work's set-up.")] input: InfrastructureWorkInput,
    ) -> ApiResult<InfrastructureWorkPayload> {
        let request = serde_json::json!({ "projectId": project_id, "input": input });
        mutate(
            ctx,
            "createInfrastructureWork",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::Project, &project_id, "projectId")?,
                    input.decode()?,
                ))
            },
            async |txn, actor, (project, input)| {
                places::create_work(txn, actor, project, &input).await
            },
        )
        .await
    }

    /// Changes an infrastructure work (a status change is kept in its history).
    /// CONFLICT when `version` is stale.
    async fn update_infrastructure_work(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The work.")] id: ID,
        #[graphql(desc = "The work's `version` the change is based on.")] version: i32,
        #[graphql(desc = "The work's new set-up.")] input: InfrastructureWorkInput,
    ) -> ApiResult<InfrastructureWorkPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "updateInfrastructureWork",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::InfrastructureWork, &id, "id")?,
                    input.decode()?,
                ))
            },
            async |txn, actor, (id, input)| {
                places::update_work(txn, actor, id, version, &input).await
            },
        )
        .await
    }

    /// Archives an infrastructure work, or restores it with `restore: true`.
    async fn archive_infrastructure_work(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The work.")] id: ID,
        #[graphql(desc = "The work's current `version`.")] version: i32,
        #[graphql(desc = "True to bring an archived work back (default false).")] restore: Option<
            bool,
        >,
    ) -> ApiResult<InfrastructureWorkPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "restore": restore });
        mutate(
            ctx,
            "archiveInfrastructureWork",
            &idempotency_key,
            &request,
            || arg_id(NodeType::InfrastructureWork, &id, "id"),
            async |txn, actor, id| {
                places::archive_work(txn, actor, id, version, restore.unwrap_or(false)).await
            },
        )
        .await
    }

    /// Creates a team (e.g. a mobile team with its role counts) in a project the caller edits.
    async fn create_team(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The project the team works for.")] project_id: ID,
        #[graphql(desc = "The team's set-up.")] input: TeamInput,
    ) -> ApiResult<TeamPayload> {
        let request = serde_json::json!({ "projectId": project_id, "input": input });
        mutate(
            ctx,
            "createTeam",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::Project, &project_id, "projectId")?,
                    input.decode()?,
                ))
            },
            async |txn, actor, (project, input)| {
                places::create_team(txn, actor, project, &input).await
            },
        )
        .await
    }

    /// Changes a team and its roles. CONFLICT when `version` is stale.
    async fn update_team(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The team.")] id: ID,
        #[graphql(desc = "The team's `version` the change is based on.")] version: i32,
        #[graphql(desc = "The team's new set-up.")] input: TeamInput,
    ) -> ApiResult<TeamPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "updateTeam",
            &idempotency_key,
            &request,
            || Ok((arg_id(NodeType::Team, &id, "id")?, input.decode()?)),
            async |txn, actor, (id, input)| {
                places::update_team(txn, actor, id, version, &input).await
            },
        )
        .await
    }

    /// Archives a team, or restores it with `restore: true`: an archived
    /// team leaves public surfaces and the `teams.active` count, and stays
    /// for the audit trail.
    async fn archive_team(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The team.")] id: ID,
        #[graphql(desc = "The team's current `version`.")] version: i32,
        #[graphql(desc = "True to bring an archived team back (default false).")] restore: Option<
            bool,
        >,
    ) -> ApiResult<TeamPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "restore": restore });
        mutate(
            ctx,
            "archiveTeam",
            &idempotency_key,
            &request,
            || arg_id(NodeType::Team, &id, "id"),
            async |txn, actor, id| {
                places::archive_team(txn, actor, id, version, restore.unwrap_or(false)).await
            },
        )
        .await
    }

    /// Adds a settlement or village under a district or city (administrators
    /// and managers). Names are unique under their parent, compared as search
    /// compares them (ALREADY_EXISTS).
    async fn create_area(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The place to add.")] input: AreaInput,
    ) -> ApiResult<AreaPayload> {
        mutate(
            ctx,
            "createArea",
            &idempotency_key,
            &input,
            || input.decode(),
            async |txn, actor, input| places::create_area(txn, actor, &input).await,
        )
        .await
    }

    /// Uploads boundaries for the areas of one level (administrators): a
    /// GeoJSON FeatureCollection of Polygons or MultiPolygons, at most 8 MB
    /// and 5,000 features; each feature is matched to an area by its `code`
    /// property, else its name. Answers a report per feature; with `dryRun`
    /// nothing is stored. Through GraphQL the file is bounded by the request
    /// body limit (`API_MAX_BODY_BYTES`, 256 KiB by default); send larger
    /// files (up to 8 MB) as the body of `POST /boundaries/{kind}`, which
    /// runs the same upload under the same idempotency key.
    async fn upload_area_boundaries(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The level the features are areas of (e.g. DISTRICT).")] kind: AreaKind,
        #[graphql(desc = "The GeoJSON text.")] geojson: String,
        #[graphql(desc = "True to check and match without storing (default false).")]
        dry_run: Option<bool>,
    ) -> ApiResult<BoundaryUploadPayload> {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(geojson.as_bytes());
        let hash: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        let request =
            serde_json::json!({ "kind": kind, "sha256": hash, "dryRun": dry_run.unwrap_or(false) });
        mutate(
            ctx,
            "uploadAreaBoundaries",
            &idempotency_key,
            &request,
            || Ok(()),
            async |txn, actor, ()| {
                places::upload_boundaries(txn, actor, kind, &geojson, dry_run.unwrap_or(false))
                    .await
            },
        )
        .await
    }

    /// Adds a source document (administrators and managers).
    async fn create_source_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The source.")] input: SourceDocumentInput,
    ) -> ApiResult<SourceDocumentPayload> {
        mutate(
            ctx,
            "createSourceDocument",
            &idempotency_key,
            &input,
            || Ok(sources::SourceFields::from(&input)),
            async |txn, actor, input| sources::create_source(txn, actor, &input).await,
        )
        .await
    }

    /// Changes a source document (administrators and managers); its kept
    /// text may not drop a passage a citation quotes (IN_USE). CONFLICT when `version` is stale.
    async fn update_source_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The source document.")] id: ID,
        #[graphql(desc = "The source's `version` the change is based on.")] version: i32,
        #[graphql(desc = "The source's new fields.")] input: SourceDocumentInput,
    ) -> ApiResult<SourceDocumentPayload> {
        let request = serde_json::json!({ "id": id, "version": version, "input": input });
        mutate(
            ctx,
            "updateSourceDocument",
            &idempotency_key,
            &request,
            || {
                Ok((
                    arg_id(NodeType::SourceDocument, &id, "id")?,
                    sources::SourceFields::from(&input),
                ))
            },
            async |txn, actor, (id, input)| {
                sources::update_source(txn, actor, id, version, &input).await
            },
        )
        .await
    }

    /// Cites a source for a project, indicator, centre or work, with the
    /// passage that states the fact (by whoever may edit the record). Citing
    /// the same source again replaces the passage.
    async fn cite_source(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The citation.")] input: CitationInput,
    ) -> ApiResult<CitationsPayload> {
        mutate(
            ctx,
            "citeSource",
            &idempotency_key,
            &input,
            || {
                let (kind, entity) = cited(&input.entity_id, "entityId")?;
                let source = arg_id(
                    NodeType::SourceDocument,
                    &input.source_document_id,
                    "sourceDocumentId",
                )?;
                Ok((kind, entity, source))
            },
            async |txn, actor, (kind, entity, source)| {
                sources::cite(
                    txn,
                    actor,
                    kind,
                    entity,
                    source,
                    &input.passage,
                    input.lang.as_deref(),
                )
                .await
            },
        )
        .await
    }

    /// Removes a record's citation of a source (by whoever may edit the record).
    async fn remove_citation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A key unique to this request (retries answer from the first attempt).")]
        idempotency_key: String,
        #[graphql(desc = "The citing project, indicator, centre or infrastructure work.")]
        entity_id: ID,
        #[graphql(desc = "The cited source document.")] source_document_id: ID,
    ) -> ApiResult<CitationsPayload> {
        let request =
            serde_json::json!({ "entityId": entity_id, "sourceDocumentId": source_document_id });
        mutate(
            ctx,
            "removeCitation",
            &idempotency_key,
            &request,
            || {
                let (kind, entity) = cited(&entity_id, "entityId")?;
                let source = arg_id(
                    NodeType::SourceDocument,
                    &source_document_id,
                    "sourceDocumentId",
                )?;
                Ok((kind, entity, source))
            },
            async |txn, actor, (kind, entity, source)| {
                sources::remove_citation(txn, actor, kind, entity, source).await
            },
        )
        .await
    }
}
