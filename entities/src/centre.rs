//! `centres`: A service point: resource centre, coordination centre, shelter, hotline, branch.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "centres")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub operator_organisation_id: Option<i32>,
    pub kind: CentreKind,
    pub name_az: String,
    pub name_en: String,
    pub area_id: Option<i32>,
    pub host_building_az: Option<String>,
    pub host_building_en: Option<String>,
    pub rooms: Option<i32>,
    pub status: Option<CentreStatus>,
    pub opened_on: Option<Date>,
    pub sensitive_location: bool,
    pub equipment_az: Option<String>,
    pub equipment_en: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note_az: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note_en: Option<String>,
    pub source_document_id: Option<i32>,
    pub search_key: String,
    pub version: i32,
    /// When the record was archived (hidden from public surfaces, kept for the audit trail).
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
