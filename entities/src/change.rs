//! `changes`: the change feed. One row per audited write, in its transaction;
//! `position` is given by the one sequencer once the row is committed, and the
//! feed's cursors run over it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Commit-ordered position (NULL until sequenced).
    pub position: Option<i64>,
    /// The audit row written with it (the data version after the change).
    pub audit_id: i64,
    /// What happened, e.g. `attendance.record`.
    #[sea_orm(column_type = "String(StringLen::N(100))")]
    pub kind: String,
    /// The kind of object, e.g. `event`.
    #[sea_orm(column_type = "String(StringLen::N(60))")]
    pub entity_type: String,
    /// Its database id.
    pub entity_id: Option<i32>,
    /// The project it belongs to, when it belongs to one.
    pub project_id: Option<i32>,
    /// Who may read it: `project` (the project's readers), `public` (everyone), `admin`.
    #[sea_orm(column_type = "String(StringLen::N(16))")]
    pub audience: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
