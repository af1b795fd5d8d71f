//! Hard deletion of a record created by mistake (a project, centre,
//! indicator, infrastructure work, source document, organisation or area),
//! allowed only while nothing refers to it. Archiving is the way out for a
//! record with a history; deletion is for the typo nobody used yet.
//!
//! What "refers to" means is read from the database's own foreign keys at
//! the time of the request (`referrers`), so a table added later blocks a
//! deletion without anyone remembering to list it here. A few tables hold
//! parts of the record itself rather than references to it (a project's
//! organisations, areas, categories and plan links; a centre's areas served;
//! an indicator's targets; a work's status history; the record's own
//! citations): they go with it. The audit trail and the change feed keep
//! their rows (they name the record by id, without a foreign key).
//!
//! Who may delete: administrators, everything; a manager, the centres,
//! indicators and works of their own projects (what they may create and
//! archive there). Projects, organisations, sources and areas are shared or
//! an administrator's to create, so only an administrator deletes them.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, JsonValue, QueryFilter,
    Statement, Value,
};
use serde::Serialize;

use entities::{
    area, centre, indicator, infrastructure_work, organisation, project, source_document,
};

use super::super::*;
use super::require_admin;

/// What kind of record is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Deletable {
    /// A project.
    Project,
    /// A centre.
    Centre,
    /// An indicator.
    Indicator,
    /// An infrastructure work.
    Work,
    /// A source document.
    Source,
    /// An organisation.
    Organisation,
    /// An area.
    Area,
}

impl Deletable {
    /// The record's table.
    pub fn table(self) -> &'static str {
        match self {
            Deletable::Project => "projects",
            Deletable::Centre => "centres",
            Deletable::Indicator => "indicators",
            Deletable::Work => "infrastructure_works",
            Deletable::Source => "source_documents",
            Deletable::Organisation => "organisations",
            Deletable::Area => "areas",
        }
    }

    /// The entity name of audit rows and the change feed.
    pub fn entity_type(self) -> &'static str {
        match self {
            Deletable::Project => "project",
            Deletable::Centre => "centre",
            Deletable::Indicator => "indicator",
            Deletable::Work => "infrastructure_work",
            Deletable::Source => "source_document",
            Deletable::Organisation => "organisation",
            Deletable::Area => "area",
        }
    }

    /// `citations.entity_type` of the record's own citations, if it may have any.
    fn cited_as(self) -> Option<&'static str> {
        match self {
            Deletable::Project => Some("project"),
            Deletable::Centre => Some("centre"),
            Deletable::Indicator => Some("indicator"),
            Deletable::Work => Some("work"),
            _ => None,
        }
    }

    /// Tables whose rows are parts of the record, deleted with it, by the
    /// column that names the record.
    fn parts(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Deletable::Project => &[
                ("project_participants", "project_id"),
                ("project_areas", "project_id"),
                ("project_categories", "project_id"),
                ("project_plan_links", "project_id"),
            ],
            Deletable::Centre => &[("centre_areas_served", "centre_id")],
            Deletable::Indicator => &[("indicator_targets", "indicator_id")],
            Deletable::Work => &[("work_status_changes", "work_id")],
            _ => &[],
        }
    }
}

/// A table and column that refer to the record, with how many rows do.
#[derive(Debug, Clone, Serialize)]
pub struct Referrer {
    /// The referring table.
    pub table: String,
    /// Its column that holds the record's id.
    pub column: String,
    /// Rows that refer to the record.
    pub rows: i64,
}

/// Every (table, column) whose foreign key points at `table`, from the
/// engine's catalogue.
async fn foreign_keys_to<C: ConnectionTrait>(
    db: &C,
    table: &str,
) -> Result<Vec<(String, String)>, DbErr> {
    let backend = db.get_database_backend();
    let stmt = match backend {
        DbBackend::Sqlite => Statement::from_sql_and_values(
            backend,
            "SELECT m.name AS tbl, p.\"from\" AS col FROM sqlite_master m \
             JOIN pragma_foreign_key_list(m.name) p \
             WHERE m.type = 'table' AND p.\"table\" = ? ORDER BY 1, 2",
            [Value::from(table)],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "SELECT cl.relname::text AS tbl, att.attname::text AS col FROM pg_constraint c \
             JOIN pg_class cl ON cl.oid = c.conrelid \
             JOIN pg_class ref ON ref.oid = c.confrelid \
             JOIN pg_namespace ns ON ns.oid = ref.relnamespace \
             JOIN pg_attribute att ON att.attrelid = c.conrelid AND att.attnum = ANY(c.conkey) \
             WHERE c.contype = 'f' AND ref.relname = $1 AND ns.nspname = current_schema() \
             ORDER BY 1, 2",
            [Value::from(table)],
        ),
    };
    // Read by position: SQLite gives the pragma's columns no declared type.
    let mut out = Vec::new();
    for row in db.query_all_raw(stmt).await? {
        out.push((
            row.try_get_by_index::<String>(0)?,
            row.try_get_by_index::<String>(1)?,
        ));
    }
    Ok(out)
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The rows that refer to the record, but for its own parts (and, for a
/// record a project owns, a self-reference like a project's children is a
/// reference like any other).
pub async fn referrers<C: ConnectionTrait>(
    db: &C,
    kind: Deletable,
    id: i32,
) -> Result<Vec<Referrer>, DbErr> {
    let backend = db.get_database_backend();
    let mut out = Vec::new();
    for (table, column) in foreign_keys_to(db, kind.table()).await? {
        if kind
            .parts()
            .iter()
            .any(|(t, c)| *t == table && *c == column)
        {
            continue;
        }
        let rows = match db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                match backend {
                    DbBackend::Sqlite => format!(
                        "SELECT COUNT(*) AS n FROM {} WHERE {} = ?",
                        quoted(&table),
                        quoted(&column)
                    ),
                    _ => format!(
                        "SELECT COUNT(*)::bigint AS n FROM {} WHERE {} = $1",
                        quoted(&table),
                        quoted(&column)
                    ),
                },
                [Value::from(id)],
            ))
            .await?
        {
            Some(row) => row.try_get_by_index::<i64>(0)?,
            None => 0,
        };
        if rows > 0 {
            out.push(Referrer {
                table,
                column,
                rows,
            });
        }
    }
    Ok(out)
}

/// The record as it stands (for the audit row), its version if it has one,
/// and the project it belongs to.
async fn load<C: ConnectionTrait>(
    db: &C,
    kind: Deletable,
    id: i32,
) -> Result<Option<(serde_json::Value, Option<i32>, Option<i32>)>, DbErr> {
    fn row<T: Serialize>(
        m: &T,
        version: Option<i32>,
        project: Option<i32>,
    ) -> (serde_json::Value, Option<i32>, Option<i32>) {
        (
            serde_json::to_value(m).unwrap_or_default(),
            version,
            project,
        )
    }
    Ok(match kind {
        Deletable::Project => project::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| row(&m, Some(m.version), Some(m.id))),
        Deletable::Centre => centre::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| row(&m, Some(m.version), Some(m.project_id))),
        Deletable::Indicator => indicator::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| row(&m, Some(m.version), Some(m.project_id))),
        Deletable::Work => infrastructure_work::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| row(&m, Some(m.version), Some(m.project_id))),
        Deletable::Source => source_document::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| row(&m, Some(m.version), None)),
        Deletable::Organisation => organisation::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| row(&m, Some(m.version), None)),
        Deletable::Area => area::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| row(&m, None, None)),
    })
}

/// Deletes a record nothing refers to. `version` is the caller's copy
/// (`CONFLICT` when stale; areas carry none). Refused with `IN_USE` on `id`,
/// naming the referring tables and their row counts, when anything refers
/// to it; `NOT_FOUND` when it is gone or out of the caller's sight;
/// `FORBIDDEN` outside the caller's rights (see the module doc).
pub async fn delete_record<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    kind: Deletable,
    id: i32,
    version: Option<i32>,
) -> ServiceResult<Outcome> {
    let manager_may = matches!(
        kind,
        Deletable::Centre | Deletable::Indicator | Deletable::Work
    );
    if !manager_may {
        require_admin(actor)?;
    }
    let not_found = || -> ServiceError {
        UserError::new(&["id"], UserErrorCode::NotFound, "no such record").into()
    };
    let Some((before, stored_version, project_id)) = load(db, kind, id).await? else {
        return Err(not_found());
    };
    if let Some(project_id) = project_id
        && !actor.viewer.is_admin()
    {
        // A manager deletes only in their own projects (FORBIDDEN on a
        // project they see but do not edit, NOT_FOUND on one they do not see).
        editable_project(db, &actor.viewer, project_id, &["id"]).await?;
    }
    if let (Some(stored), Some(given)) = (stored_version, version)
        && stored != given
    {
        return Err(UserError::new(
            &["version"],
            UserErrorCode::Conflict,
            format!("the record changed since you loaded it (version {stored}): reload it"),
        )
        .into());
    }
    if stored_version.is_some() && version.is_none() {
        return Err(UserError::new(
            &["version"],
            UserErrorCode::Required,
            "give the record's current version",
        )
        .into());
    }
    let referrers = referrers(db, kind, id).await?;
    if !referrers.is_empty() {
        let named: Vec<String> = referrers
            .iter()
            .map(|r| {
                format!(
                    "{} ({} row{})",
                    r.table,
                    r.rows,
                    if r.rows == 1 { "" } else { "s" }
                )
            })
            .collect();
        return Err(UserError::new(
            &["id"],
            UserErrorCode::InUse,
            format!(
                "other records refer to it: {}; archive it instead, or remove those first",
                named.join(", ")
            ),
        )
        .into());
    }
    let backend = db.get_database_backend();
    let param = |sql: String| match backend {
        DbBackend::Sqlite => sql,
        _ => sql.replace('?', "$1"),
    };
    let mut parts = serde_json::Map::new();
    for (table, column) in kind.parts() {
        let rows = JsonValue::find_by_statement(Statement::from_sql_and_values(
            backend,
            param(format!(
                "SELECT * FROM {} WHERE {} = ?",
                quoted(table),
                quoted(column)
            )),
            [Value::from(id)],
        ))
        .all(db)
        .await?;
        if !rows.is_empty() {
            parts.insert((*table).to_string(), serde_json::Value::Array(rows));
        }
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            param(format!(
                "DELETE FROM {} WHERE {} = ?",
                quoted(table),
                quoted(column)
            )),
            [Value::from(id)],
        ))
        .await?;
    }
    if let Some(cited_as) = kind.cited_as() {
        let citations = entities::citation::Entity::find()
            .filter(entities::citation::Column::EntityType.eq(cited_as))
            .filter(entities::citation::Column::EntityId.eq(id))
            .all(db)
            .await?;
        if !citations.is_empty() {
            parts.insert(
                "citations".into(),
                serde_json::to_value(&citations).unwrap_or_default(),
            );
            entities::citation::Entity::delete_many()
                .filter(entities::citation::Column::EntityType.eq(cited_as))
                .filter(entities::citation::Column::EntityId.eq(id))
                .exec(db)
                .await?;
        }
    }
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        param(format!("DELETE FROM {} WHERE id = ?", quoted(kind.table()))),
        [Value::from(id)],
    ))
    .await?;
    audit_in_project(
        db,
        actor,
        &format!("{}.delete", kind.entity_type()),
        (kind.entity_type(), Some(id)),
        project_id,
        Some(serde_json::json!({ "record": before, "parts": parts })),
        None,
    )
    .await?;
    Ok(Outcome {
        detail: Some(serde_json::json!({ "kind": kind.entity_type() })),
        ..Outcome::changed(id)
    })
}
