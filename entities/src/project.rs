//! `projects`: A programme or project whose progress is tracked.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub iati_identifier: Option<String>,
    pub title_az: String,
    pub title_en: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary_az: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub summary_en: Option<String>,
    pub status: ProjectStatus,
    pub planned_start: Option<Date>,
    pub planned_end: Option<Date>,
    pub actual_start: Option<Date>,
    pub actual_end: Option<Date>,
    pub budget_amount: Option<i64>,
    pub budget_currency: Option<String>,
    pub sensitivity: Sensitivity,
    pub is_public: bool,
    pub parent_id: Option<i32>,
    pub source_document_id: Option<i32>,
    pub search_key: String,
    pub version: i32,
    /// When the record was archived (hidden from public surfaces, kept for the audit trail).
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
