//! `teams`: A mobile team or mobile volunteer team.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "teams")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub organisation_id: Option<i32>,
    pub kind: TeamKind,
    pub name_az: String,
    pub name_en: String,
    pub area_id: Option<i32>,
    pub status: TeamStatus,
    pub functions_az: Option<String>,
    pub functions_en: Option<String>,
    pub source_document_id: Option<i32>,
    pub version: i32,
    /// When the record was archived (hidden from public surfaces, kept for the audit trail).
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
