//! `indicator_values`: An indicator's actual value for a period, whole or for one disaggregation.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "indicator_values")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator_id: i32,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub dimension: Option<String>,
    pub dimension_value: Option<String>,
    pub value: i64,
    pub as_of: Option<Date>,
    pub note_az: Option<String>,
    pub note_en: Option<String>,
    pub source_document_id: Option<i32>,
    pub version: i32,
    /// True when the figure is illustrative (a breakdown the sources do not give).
    pub illustrative: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
