//! The change feed's producer: every audited write records one `changes` row
//! in its own transaction (called from [`super::audit`], so a new write
//! service gets it by auditing, as it must), and the webhook outbox rows of
//! the subscriptions that want it ([`super::webhooks::enqueue`]). A change
//! names what changed (kind, entity, project) and never carries figures:
//! readers fetch those through GraphQL with their own access, so a feed or a
//! payload can never show a count its reader would not read there.
//!
//! Ordering: `changes.id` comes from a sequence, and on PostgreSQL two
//! transactions can commit in the other order than they took their ids, so a
//! cursor over ids could skip a row that commits late with a lower id. The
//! feed's cursors run over `position` instead, given by [`sequence`], one
//! sequencer at a time (an advisory lock on PostgreSQL, the one writer on
//! SQLite), to committed rows only, after every position already given.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    NotSet, Set, Statement,
};

use entities::{audit_entry, centre, change, event, indicator, infrastructure_work, report, team};

/// Who may read a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Everyone (reference data: areas, organisations, sources, plans).
    Public,
    /// Whoever may read its project.
    Project,
    /// Whoever sees the project's raw figures (its managers, admins).
    ProjectRaw,
    /// Administrators (accounts, keys, webhooks).
    Admin,
}

impl Audience {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Project => "project",
            Audience::ProjectRaw => "project_raw",
            Audience::Admin => "admin",
        }
    }
}

/// The GraphQL type of an audited entity type, when it is a node.
pub fn node_type_name(entity_type: &str) -> Option<&'static str> {
    Some(match entity_type {
        "project" => "Project",
        "centre" => "Centre",
        "event" => "Event",
        "infrastructure_work" => "InfrastructureWork",
        "organisation" => "Organisation",
        "area" => "Area",
        "source_document" => "SourceDocument",
        "indicator" => "Indicator",
        "team" => "Team",
        "plan" => "Plan",
        "report" => "Report",
        "programme_update" => "ProgrammeUpdate",
        "period_narrative" => "PeriodNarrative",
        "period_finance" => "PeriodFinance",
        _ => return None,
    })
}

/// A global ID (`node(id:)`): base64url of `Type:number`. The one encoding;
/// `graphql::ids::encode` calls it.
pub fn global_id(type_name: &str, id: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

/// Who may read a change of this entity type in this project. Unknown types
/// without a project are for administrators only: a new kind of object is
/// not published by accident.
pub fn audience(entity_type: &str, project_id: Option<i32>) -> Audience {
    match (entity_type, project_id) {
        ("user" | "api_key" | "webhook_subscription" | "webhook_delivery", _) => Audience::Admin,
        ("report", Some(_)) => Audience::ProjectRaw,
        (_, Some(_)) => Audience::Project,
        ("organisation" | "area" | "source_document" | "plan" | "goal", None) => Audience::Public,
        _ => Audience::Admin,
    }
}

/// The project a changed object belongs to: the object itself for a
/// project, else its row's `project_id`, else (a deleted row) the
/// `project_id`/`projectId` of the audit row's before or after snapshot.
pub async fn project_of<C: ConnectionTrait>(
    db: &C,
    entry: &audit_entry::Model,
) -> Result<Option<i32>, DbErr> {
    let id = entry
        .entity_id
        .as_deref()
        .and_then(|s| s.parse::<i32>().ok());
    let found = match (entry.entity_type.as_str(), id) {
        ("project", Some(id)) => Some(id),
        ("event", Some(id)) => event::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| m.project_id),
        ("centre", Some(id)) => centre::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| m.project_id),
        ("infrastructure_work", Some(id)) => infrastructure_work::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| m.project_id),
        ("indicator", Some(id)) => indicator::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| m.project_id),
        ("report", Some(id)) => report::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| m.project_id),
        ("team", Some(id)) => team::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| m.project_id),
        _ => None,
    };
    Ok(found.or_else(|| {
        [&entry.after, &entry.before]
            .into_iter()
            .flatten()
            .find_map(|v| {
                v.get("project_id")
                    .or_else(|| v.get("projectId"))
                    .and_then(|p| p.as_i64())
                    .and_then(|p| i32::try_from(p).ok())
            })
    }))
}

/// Records the change of an audit row, in the caller's transaction, and the
/// webhook messages of the subscriptions that want it. `project_id` is the
/// caller's when it knows it, else looked up ([`project_of`]).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    entry: &audit_entry::Model,
    project_id: Option<i32>,
) -> Result<change::Model, DbErr> {
    let project_id = match project_id {
        Some(p) => Some(p),
        None => project_of(db, entry).await?,
    };
    let audience = audience(&entry.entity_type, project_id);
    let row = change::ActiveModel {
        id: NotSet,
        position: Set(None),
        audit_id: Set(entry.id),
        kind: Set(entry.action.clone()),
        entity_type: Set(entry.entity_type.clone()),
        entity_id: Set(entry.entity_id.as_deref().and_then(|s| s.parse().ok())),
        project_id: Set(project_id),
        audience: Set(audience.code().to_string()),
        created_at: Set(entry.created_at),
    }
    .insert(db)
    .await?;
    super::webhooks::enqueue(db, &row, audience).await?;
    Ok(row)
}

/// Numbers committed changes that have no position yet, after every
/// position already given, in id order; returns how many it numbered. One
/// sequencer at a time: a transaction-level advisory lock on PostgreSQL,
/// the IMMEDIATE write transaction on SQLite. Each statement of the
/// transaction sees only committed rows, so a row still in flight is left
/// for the next run and gets a later position: a reader holding a cursor
/// never misses it.
pub async fn sequence(db: &DatabaseConnection) -> Result<u64, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    // A read first: an idle process takes no write lock (SQLite has one).
    let waiting = change::Entity::find()
        .filter(change::Column::Position.is_null())
        .one(db)
        .await?;
    if waiting.is_none() {
        return Ok(0);
    }
    let backend = db.get_database_backend();
    let txn = crate::db::begin_write(db).await?;
    if backend == DatabaseBackend::Postgres {
        txn.execute_raw(Statement::from_string(
            backend,
            format!("SELECT pg_advisory_xact_lock({SEQUENCER_LOCK})"),
        ))
        .await?;
    }
    let done = txn
        .execute_raw(Statement::from_string(
            backend,
            "UPDATE changes SET position = m.base + s.rn \
             FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM \
                     (SELECT id FROM changes WHERE position IS NULL ORDER BY id LIMIT 5000) AS u) AS s, \
                  (SELECT COALESCE(MAX(position), 0) AS base FROM changes) AS m \
             WHERE changes.id = s.id",
        ))
        .await?
        .rows_affected();
    txn.commit().await?;
    Ok(done)
}

/// The advisory lock key of the sequencer (PostgreSQL).
const SEQUENCER_LOCK: i64 = 2_412_070_024;
