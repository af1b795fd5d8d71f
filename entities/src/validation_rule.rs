//! `validation_rules`: a check declared for a project (or one of its
//! indicators), with its importance and its message in both languages. The
//! parameters (`definition`, JSON) are what the browser and the server both
//! evaluate (`api::rules`, `web/src/lib/rules`).

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "validation_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub indicator_id: Option<i32>,
    pub kind: RuleKind,
    pub severity: RuleSeverity,
    pub definition: Json,
    pub message_az: String,
    pub message_en: String,
    pub created_at: DateTimeUtc,
    pub version: i32,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
