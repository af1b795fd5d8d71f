//! `plans`: A strategy or action plan (e.g. a Strategic Development Plan) with goals.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: Option<i32>,
    pub title_az: String,
    pub title_en: String,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
    pub goal_count: Option<i32>,
    pub source_document_id: Option<i32>,
    /// Row version for compare-and-set edits.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
