//! `period_narratives`: what a programme's manager writes about one
//! reporting period, in az and en (one may follow later), shown in the
//! donor report beside that period's figures.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "period_narratives")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub period_start: Date,
    pub period_end: Date,
    #[sea_orm(column_type = "Text")]
    pub text_az: String,
    #[sea_orm(column_type = "Text")]
    pub text_en: String,
    pub updated_by: Option<i32>,
    pub updated_at: DateTimeUtc,
    /// Row version for compare-and-set edits.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
