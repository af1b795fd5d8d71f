//! `areas`: A place: country, district, city, settlement or village (ISO 3166-2 code where one exists).

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "areas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: Option<String>,
    pub kind: AreaKind,
    pub name_az: String,
    pub name_en: String,
    pub parent_id: Option<i32>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub search_key: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
