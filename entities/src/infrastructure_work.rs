//! `infrastructure_works`: An infrastructure work: irrigation line, road, water supply, building.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "infrastructure_works")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub kind: WorkKind,
    pub title_az: String,
    pub title_en: String,
    pub area_id: Option<i32>,
    pub quantity: Option<f64>,
    pub unit: Option<String>,
    pub status: WorkStatus,
    pub progress_percent: Option<i32>,
    pub completed_on: Option<Date>,
    pub budget_amount: Option<i64>,
    pub budget_currency: Option<String>,
    pub beneficiaries: Option<i32>,
    pub source_document_id: Option<i32>,
    pub search_key: String,
    pub version: i32,
    /// When the record was archived (hidden from public surfaces, kept for the audit trail).
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
