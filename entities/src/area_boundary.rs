//! `area_boundaries`: an uploaded boundary of an area (a GeoJSON geometry,
//! validated on upload), drawn by the site as a choropleth.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "area_boundaries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub area_id: i32,
    /// The GeoJSON geometry (Polygon or MultiPolygon), as stored text.
    #[sea_orm(column_type = "Text")]
    pub geometry: String,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
