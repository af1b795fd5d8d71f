//! `centre_areas_served`: An area a centre serves beyond its own.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "centre_areas_served")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub centre_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub area_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
