//! Mutations. Each takes an idempotency key, runs in one write transaction
//! with its audit row (see `services::run_idempotent`), and returns a payload
//! with the object and typed `userErrors`; bad input writes nothing.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use entities::codes::{ReportStatus, UserRole};
use entities::{
    api_key, audit_entry, centre, event, infrastructure_work, organisation, project, report, user,
};

use super::accounts::inputs::{
    CreateApiKeyInput, CreateUserInput, OrganisationInput, UpdateUserInput,
};
use super::ids::{NodeType, decode_as, encode};
use super::types::{Centre, Event, InfrastructureWork, Organisation, Project, scope};
use crate::auth::{jwt::JwtKeys, password};
use crate::error::{ApiResult, AppError};
use crate::services::reports::{self, Decision};
use crate::services::{self, Actor, Outcome, admin, events, figures, run_idempotent};
use errors::{UserError, arg_id, user_errors};
use events_input::{AttendanceCellInput, CreateEventInput, UpdateEventInput};
use figures_input::{CentreMilestoneInput, ServiceCountsInput, WorkStatusInput};
use reports_input::SubmitReportInput;

pub mod errors;
#[path = "mutation/events.rs"]
pub mod events_input;
#[path = "mutation/figures.rs"]
pub mod figures_input;
#[path = "mutation/reports.rs"]
pub mod reports_input;

fn db<'a>(ctx: &'a Context<'_>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

fn actor(ctx: &Context<'_>) -> Actor {
    let s = scope(ctx);
    Actor {
        viewer: s.viewer.clone(),
        request_id: s.request_id.clone(),
    }
}

/// Declares a payload type: the object (if the mutation succeeded), user errors, and whether it was a replay.
macro_rules! payload {
    ($(#[$doc:meta])* $name:ident, $field:ident : $ty:ty) => {
        $(#[$doc])*
        #[derive(SimpleObject)]
        pub struct $name {
            /// The object, after the change (null when there are user errors).
            pub $field: Option<$ty>,
            /// Problems with the input; when not empty, nothing was written.
            pub user_errors: Vec<UserError>,
            /// True when this answers a retried request from its stored outcome.
            pub replayed: bool,
        }
    };
}

payload!(/// Result of an event mutation.
    EventPayload, event: Event);
payload!(/// Result of an infrastructure-work mutation.
    InfrastructureWorkPayload, infrastructure_work: InfrastructureWork);
payload!(/// Result of a centre mutation.
    CentrePayload, centre: Centre);
payload!(/// Result of a service-counts mutation: the project they belong to.
    ServiceCountsPayload, project: Project);
payload!(/// Result of a report mutation.
    ReportPayload, report: Report);
payload!(/// Result of a user mutation.
    UserPayload, user: User);
payload!(/// Result of an organisation mutation.
    OrganisationPayload, organisation: Organisation);

/// Result of creating or revoking an API key.
#[derive(SimpleObject)]
pub struct ApiKeyPayload {
    /// The key's record.
    pub api_key: Option<ApiKey>,
    /// The full key, shown only in the response that created it. Store it now.
    pub secret: Option<String>,
    /// Problems with the input; when not empty, nothing was written.
    pub user_errors: Vec<UserError>,
    /// True when this answers a retried request from its stored outcome (the secret is not repeated).
    pub replayed: bool,
}

/// Result of `login`.
#[derive(SimpleObject)]
pub struct LoginPayload {
    /// Access token for `Authorization: Bearer <token>`; log in again when it expires.
    pub token: Option<String>,
    /// When the token expires.
    pub expires_at: Option<DateTime<Utc>>,
    /// The user.
    pub user: Option<User>,
    /// INVALID_CREDENTIALS for a wrong email or password (the same answer for both).
    pub user_errors: Vec<UserError>,
}

async fn load_visible<E, T>(
    ctx: &Context<'_>,
    outcome: &Outcome,
    project_col: E::Column,
    wrap: fn(E::Model) -> T,
) -> ApiResult<Option<T>>
where
    E: EntityTrait,
    E::Column: ColumnTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i32>,
{
    let Some(id) = outcome.id.filter(|_| outcome.errors.is_empty()) else {
        return Ok(None);
    };
    let viewer = &scope(ctx).viewer;
    Ok(E::find_by_id(id)
        .filter(viewer.owned_by_visible_project(project_col))
        .one(db(ctx))
        .await?
        .map(wrap))
}

fn event_payload(outcome: Outcome, event: Option<Event>) -> EventPayload {
    EventPayload {
        event,
        replayed: outcome.replayed,
        user_errors: user_errors(outcome.errors),
    }
}

/// The write API.
#[derive(Default)]
pub struct MutationRoot;

/// The write API: log in, and change data. Every change takes an
/// idempotency key, writes its audit row, and returns typed `userErrors`.
#[Object]
impl MutationRoot {
    /// Logs in with email and password; returns a short-lived access token.
    /// A wrong password and an unknown email get the same answer in the same time.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> ApiResult<LoginPayload> {
        let email = admin::normalise_email(&email);
        if !ctx
            .data_unchecked::<crate::auth::LoginThrottle>()
            .allow(&email)
        {
            return Ok(LoginPayload {
                token: None,
                expires_at: None,
                user: None,
                user_errors: user_errors(vec![services::UserError::new(
                    &[],
                    services::UserErrorCode::TooManyAttempts,
                    "too many log-in attempts for this email; wait a minute",
                )]),
            });
        }
        let found = user::Entity::find()
            .filter(user::Column::Email.eq(&email))
            .filter(user::Column::IsActive.eq(true))
            .one(db(ctx))
            .await?;
        let ok = password::verify(found.as_ref().map(|u| u.password_hash.clone()), password).await;
        let Some(found) = found.filter(|_| ok) else {
            return Ok(LoginPayload {
                token: None,
                expires_at: None,
                user: None,
                user_errors: user_errors(vec![services::UserError::new(
                    &[],
                    services::UserErrorCode::InvalidCredentials,
                    "wrong email or password",
                )]),
            });
        };
        let keys = ctx.data_unchecked::<JwtKeys>();
        let (token, exp) = keys.issue(found.id, found.role.code()).map_err(|e| {
            AppError::Database(std::sync::Arc::new(sea_orm::DbErr::Custom(e.to_string())))
        })?;
        Ok(LoginPayload {
            token: Some(token),
            expires_at: DateTime::from_timestamp(exp, 0),
            user: Some(User(found)),
            user_errors: Vec::new(),
        })
    }

    /// Creates an event, with its attendance grid in the same transaction.
    async fn create_event(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        input: CreateEventInput,
    ) -> ApiResult<EventPayload> {
        let actor = actor(ctx);
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "createEvent",
            &idempotency_key,
            &input,
            async |txn| events::create(txn, &actor, &input.decode()?).await,
        )
        .await?;
        let found =
            load_visible::<event::Entity, _>(ctx, &outcome, event::Column::ProjectId, Event)
                .await?;
        Ok(event_payload(outcome, found))
    }

    /// Changes an event; fails with CONFLICT when `version` is stale.
    async fn update_event(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        input: UpdateEventInput,
    ) -> ApiResult<EventPayload> {
        let actor = actor(ctx);
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "updateEvent",
            &idempotency_key,
            &input,
            async |txn| events::update(txn, &actor, &input.decode()?).await,
        )
        .await?;
        let found =
            load_visible::<event::Entity, _>(ctx, &outcome, event::Column::ProjectId, Event)
                .await?;
        Ok(event_payload(outcome, found))
    }

    /// Cancels an event; fails with CONFLICT when `version` is stale.
    async fn cancel_event(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        id: ID,
        version: i32,
    ) -> ApiResult<EventPayload> {
        let actor = actor(ctx);
        let args = serde_json::json!({ "id": id, "version": version });
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "cancelEvent",
            &idempotency_key,
            &args,
            async |txn| {
                events::cancel(txn, &actor, arg_id(NodeType::Event, &id, "id")?, version).await
            },
        )
        .await?;
        let found =
            load_visible::<event::Entity, _>(ctx, &outcome, event::Column::ProjectId, Event)
                .await?;
        Ok(event_payload(outcome, found))
    }

    /// Replaces an event's attendance grid; fails with CONFLICT when `version` is stale.
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        event_id: ID,
        version: i32,
        cells: Vec<AttendanceCellInput>,
    ) -> ApiResult<EventPayload> {
        let actor = actor(ctx);
        let args = serde_json::json!({ "eventId": event_id, "version": version, "cells": cells });
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "recordAttendance",
            &idempotency_key,
            &args,
            async |txn| {
                events::record_attendance(
                    txn,
                    &actor,
                    arg_id(NodeType::Event, &event_id, "eventId")?,
                    version,
                    &events_input::cells(&cells),
                )
                .await
            },
        )
        .await?;
        let found =
            load_visible::<event::Entity, _>(ctx, &outcome, event::Column::ProjectId, Event)
                .await?;
        Ok(event_payload(outcome, found))
    }

    /// Adds counts to an event's attendance. Safe for several people entering
    /// the same event at once: each addition counts exactly once.
    async fn add_attendance(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        event_id: ID,
        cells: Vec<AttendanceCellInput>,
    ) -> ApiResult<EventPayload> {
        let actor = actor(ctx);
        let args = serde_json::json!({ "eventId": event_id, "cells": cells });
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "addAttendance",
            &idempotency_key,
            &args,
            async |txn| {
                events::add_attendance(
                    txn,
                    &actor,
                    arg_id(NodeType::Event, &event_id, "eventId")?,
                    &events_input::cells(&cells),
                )
                .await
            },
        )
        .await?;
        let found =
            load_visible::<event::Entity, _>(ctx, &outcome, event::Column::ProjectId, Event)
                .await?;
        Ok(event_payload(outcome, found))
    }

    /// Records an infrastructure work's status and progress, with a dated history entry.
    async fn update_work_status(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        input: WorkStatusInput,
    ) -> ApiResult<InfrastructureWorkPayload> {
        let actor = actor(ctx);
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "updateWorkStatus",
            &idempotency_key,
            &input,
            async |txn| figures::update_work_status(txn, &actor, &input.decode()?).await,
        )
        .await?;
        let found = load_visible::<infrastructure_work::Entity, _>(
            ctx,
            &outcome,
            infrastructure_work::Column::ProjectId,
            InfrastructureWork,
        )
        .await?;
        Ok(InfrastructureWorkPayload {
            infrastructure_work: found,
            replayed: outcome.replayed,
            user_errors: user_errors(outcome.errors),
        })
    }

    /// Records a milestone a centre reached (rooms allocated, equipped, staffed, operational, closed).
    async fn record_centre_milestone(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        input: CentreMilestoneInput,
    ) -> ApiResult<CentrePayload> {
        let actor = actor(ctx);
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "recordCentreMilestone",
            &idempotency_key,
            &input,
            async |txn| figures::record_centre_milestone(txn, &actor, &input.decode()?).await,
        )
        .await?;
        let found =
            load_visible::<centre::Entity, _>(ctx, &outcome, centre::Column::ProjectId, Centre)
                .await?;
        Ok(CentrePayload {
            centre: found,
            replayed: outcome.replayed,
            user_errors: user_errors(outcome.errors),
        })
    }

    /// Writes service counts for a period (new cells, or replacements with their current `version`).
    async fn set_service_counts(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        input: ServiceCountsInput,
    ) -> ApiResult<ServiceCountsPayload> {
        let actor = actor(ctx);
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "setServiceCounts",
            &idempotency_key,
            &input,
            async |txn| figures::set_service_counts(txn, &actor, &input.decode()?).await,
        )
        .await?;
        let found =
            load_visible::<project::Entity, _>(ctx, &outcome, project::Column::Id, Project).await?;
        Ok(ServiceCountsPayload {
            project: found,
            replayed: outcome.replayed,
            user_errors: user_errors(outcome.errors),
        })
    }

    /// Submits a project's report for a period (managers of the project, admins).
    async fn submit_report(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        input: SubmitReportInput,
    ) -> ApiResult<ReportPayload> {
        let actor = actor(ctx);
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "submitReport",
            &idempotency_key,
            &input,
            async |txn| reports::submit(txn, &actor, &input.decode()?).await,
        )
        .await?;
        report_payload(ctx, outcome).await
    }

    /// Returns a submitted report to its manager with a comment (admins).
    async fn return_report(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        id: ID,
        version: i32,
        comment: String,
    ) -> ApiResult<ReportPayload> {
        decide(
            ctx,
            "returnReport",
            idempotency_key,
            id,
            version,
            Decision::Return,
            Some(comment),
        )
        .await
    }

    /// Approves a submitted report; its period is then locked against edits (admins).
    async fn approve_report(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        id: ID,
        version: i32,
        comment: Option<String>,
    ) -> ApiResult<ReportPayload> {
        decide(
            ctx,
            "approveReport",
            idempotency_key,
            id,
            version,
            Decision::Approve,
            comment,
        )
        .await
    }

    /// Reopens an approved report so its period can be edited again (admins; a comment says why).
    async fn reopen_report(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        id: ID,
        version: i32,
        comment: String,
    ) -> ApiResult<ReportPayload> {
        decide(
            ctx,
            "reopenReport",
            idempotency_key,
            id,
            version,
            Decision::Reopen,
            Some(comment),
        )
        .await
    }

    /// Creates a user account (admins).
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        input: CreateUserInput,
    ) -> ApiResult<UserPayload> {
        let actor = actor(ctx);
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "createUser",
            &idempotency_key,
            &input,
            async |txn| admin::create_user(txn, &actor, &input.decode()?, false).await,
        )
        .await?;
        user_payload(ctx, outcome).await
    }

    /// Changes a user's role, scope, name, password or active flag (admins).
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        input: UpdateUserInput,
    ) -> ApiResult<UserPayload> {
        let actor = actor(ctx);
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "updateUser",
            &idempotency_key,
            &input,
            async |txn| admin::update_user(txn, &actor, &input.decode()?).await,
        )
        .await?;
        user_payload(ctx, outcome).await
    }

    /// Creates an organisation (admins).
    async fn create_organisation(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        input: OrganisationInput,
    ) -> ApiResult<OrganisationPayload> {
        let actor = actor(ctx);
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "createOrganisation",
            &idempotency_key,
            &input,
            async |txn| admin::create_organisation(txn, &actor, &input.decode(true)?).await,
        )
        .await?;
        organisation_payload(ctx, outcome).await
    }

    /// Changes an organisation (admins); fails with CONFLICT when `version` is stale.
    async fn update_organisation(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        id: ID,
        version: i32,
        input: OrganisationInput,
    ) -> ApiResult<OrganisationPayload> {
        let actor = actor(ctx);
        let args = serde_json::json!({ "id": id, "version": version, "input": input });
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "updateOrganisation",
            &idempotency_key,
            &args,
            async |txn| {
                admin::update_organisation(
                    txn,
                    &actor,
                    arg_id(NodeType::Organisation, &id, "id")?,
                    version,
                    &input.decode(false)?,
                )
                .await
            },
        )
        .await?;
        organisation_payload(ctx, outcome).await
    }

    /// Creates a read-only API key for a dashboard (admins). The key is shown once.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        input: CreateApiKeyInput,
    ) -> ApiResult<ApiKeyPayload> {
        let actor = actor(ctx);
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "createApiKey",
            &idempotency_key,
            &input,
            async |txn| admin::create_api_key(txn, &actor, &input.decode()?, false).await,
        )
        .await?;
        api_key_payload(ctx, outcome).await
    }

    /// Revokes an API key (admins); it stops working at once.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        idempotency_key: String,
        id: ID,
    ) -> ApiResult<ApiKeyPayload> {
        let actor = actor(ctx);
        let args = serde_json::json!({ "id": id });
        let outcome = run_idempotent(
            db(ctx),
            &actor,
            "revokeApiKey",
            &idempotency_key,
            &args,
            async |txn| {
                admin::revoke_api_key(txn, &actor, arg_id(NodeType::ApiKey, &id, "id")?).await
            },
        )
        .await?;
        api_key_payload(ctx, outcome).await
    }
}

async fn decide(
    ctx: &Context<'_>,
    operation: &str,
    idempotency_key: String,
    id: ID,
    version: i32,
    decision: Decision,
    comment: Option<String>,
) -> ApiResult<ReportPayload> {
    let actor = actor(ctx);
    let args = serde_json::json!({ "id": id, "version": version, "comment": comment });
    let outcome = run_idempotent(
        db(ctx),
        &actor,
        operation,
        &idempotency_key,
        &args,
        async |txn| {
            reports::decide(
                txn,
                &actor,
                arg_id(NodeType::Report, &id, "id")?,
                version,
                decision,
                comment.clone(),
            )
            .await
        },
    )
    .await?;
    report_payload(ctx, outcome).await
}

async fn report_payload(ctx: &Context<'_>, outcome: Outcome) -> ApiResult<ReportPayload> {
    let found =
        load_visible::<report::Entity, _>(ctx, &outcome, report::Column::ProjectId, Report).await?;
    Ok(ReportPayload {
        report: found,
        replayed: outcome.replayed,
        user_errors: user_errors(outcome.errors),
    })
}

async fn user_payload(ctx: &Context<'_>, outcome: Outcome) -> ApiResult<UserPayload> {
    let found = match outcome.id.filter(|_| outcome.errors.is_empty()) {
        Some(id) => user::Entity::find_by_id(id).one(db(ctx)).await?.map(User),
        None => None,
    };
    Ok(UserPayload {
        user: found,
        replayed: outcome.replayed,
        user_errors: user_errors(outcome.errors),
    })
}

async fn organisation_payload(
    ctx: &Context<'_>,
    outcome: Outcome,
) -> ApiResult<OrganisationPayload> {
    let found = match outcome.id.filter(|_| outcome.errors.is_empty()) {
        Some(id) => organisation::Entity::find_by_id(id)
            .one(db(ctx))
            .await?
            .map(Organisation),
        None => None,
    };
    Ok(OrganisationPayload {
        organisation: found,
        replayed: outcome.replayed,
        user_errors: user_errors(outcome.errors),
    })
}

async fn api_key_payload(ctx: &Context<'_>, outcome: Outcome) -> ApiResult<ApiKeyPayload> {
    let found = match outcome.id.filter(|_| outcome.errors.is_empty()) {
        Some(id) => api_key::Entity::find_by_id(id)
            .one(db(ctx))
            .await?
            .map(ApiKey),
        None => None,
    };
    Ok(ApiKeyPayload {
        api_key: found,
        secret: outcome.secret,
        replayed: outcome.replayed,
        user_errors: user_errors(outcome.errors),
    })
}

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
            Some(id) => organisation::Entity::find_by_id(id)
                .one(db(ctx))
                .await?
                .map(Organisation),
            None => None,
        })
    }
    /// Projects a manager may edit.
    async fn projects(&self, ctx: &Context<'_>) -> ApiResult<Vec<Project>> {
        let ids: Vec<i32> = entities::user_project_scope::Entity::find()
            .select_only()
            .column(entities::user_project_scope::Column::ProjectId)
            .filter(entities::user_project_scope::Column::UserId.eq(self.0.id))
            .into_tuple()
            .all(db(ctx))
            .await?;
        Ok(project::Entity::find()
            .filter(project::Column::Id.is_in(ids))
            .all(db(ctx))
            .await?
            .into_iter()
            .map(Project)
            .collect())
    }
    /// Version for optimistic concurrency.
    async fn version(&self) -> i32 {
        self.0.version
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
        let viewer = &scope(ctx).viewer;
        Ok(project::Entity::find_by_id(self.0.project_id)
            .filter(viewer.project_scope())
            .one(db(ctx))
            .await?
            .map(Project))
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
            Some(id) => user::Entity::find_by_id(id).one(db(ctx)).await?.map(User),
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

/// Reads for logged-in users: who am I, reports, and the audit trail (admins).
#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The logged-in user; null for anonymous callers and API keys.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let Some(u) = scope(ctx).viewer.user() else {
            return Ok(None);
        };
        Ok(user::Entity::find_by_id(u.id).one(db(ctx)).await?.map(User))
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
            return Ok(Vec::new());
        }
        let mut q = report::Entity::find()
            .filter(viewer.owned_by_visible_project(report::Column::ProjectId));
        if let Some(p) = project_id {
            q = q.filter(report::Column::ProjectId.eq(decode_as(NodeType::Project, &p)?));
        }
        if let Some(s) = status {
            q = q.filter(report::Column::Status.is_in(s));
        }
        Ok(q.order_by_desc(report::Column::PeriodStart)
            .order_by_desc(report::Column::Id)
            .all(db(ctx))
            .await?
            .into_iter()
            .map(Report)
            .collect())
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
        if !scope(ctx).viewer.is_admin() {
            return Err(AppError::Forbidden(
                "only an admin can read the audit log".into(),
            ));
        }
        if first > 100 {
            return Err(AppError::bad_input("`first` is at most 100"));
        }
        let mut q = audit_entry::Entity::find();
        if let Some(t) = entity_type {
            q = q.filter(audit_entry::Column::EntityType.eq(t));
        }
        if let Some(id) = entity_id {
            q = q.filter(audit_entry::Column::EntityId.eq(id));
        }
        if let Some(b) = before {
            q = q.filter(audit_entry::Column::Id.lt(b));
        }
        Ok(q.order_by_desc(audit_entry::Column::Id)
            .limit(first)
            .all(db(ctx))
            .await?
            .into_iter()
            .map(AuditEntry)
            .collect())
    }
}
