//! `reports`: A project's report for a period: draft, submitted, returned, approved.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub period_start: Date,
    pub period_end: Date,
    pub status: ReportStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub comment: Option<String>,
    pub submitted_by: Option<i32>,
    pub submitted_at: Option<DateTimeUtc>,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
