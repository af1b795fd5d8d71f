//! `work_status_history`: A dated status change of an infrastructure work.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "work_status_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub work_id: i32,
    pub status: WorkStatus,
    pub changed_on: Option<Date>,
    pub progress_percent: Option<i32>,
    pub note_az: Option<String>,
    pub note_en: Option<String>,
    pub source_document_id: Option<i32>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
