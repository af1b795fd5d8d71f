//! `indicators`: A measured result of a project, with baseline and target.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "indicators")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub code: String,
    pub title_az: String,
    pub title_en: String,
    pub unit: CountUnit,
    pub counting_rule: CountingRule,
    pub aggregation: Aggregation,
    pub baseline: Option<i64>,
    pub baseline_date: Option<Date>,
    pub target: Option<i64>,
    pub target_date: Option<Date>,
    pub sensitivity: Sensitivity,
    pub derived_from: Option<String>,
    pub source_document_id: Option<i32>,
    pub version: i32,
    /// True when the baseline or target is illustrative (not stated by the sources).
    pub illustrative: bool,
    /// When the record was archived (hidden from public surfaces, kept for the audit trail).
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
