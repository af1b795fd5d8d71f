//! `indicator_targets`: an indicator's target for one period, whole
//! (`dimension` empty) or for one value of a breakdown (e.g. `sex` = `female`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "indicator_targets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator_id: i32,
    pub period_start: Date,
    pub period_end: Date,
    /// Breakdown dimension (`sex`, `age_band`, `disability`, `category`), or '' for the whole.
    pub dimension: String,
    /// The dimension's value code, or '' for the whole.
    pub dimension_value: String,
    pub value: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
