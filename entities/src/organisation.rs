//! `organisations`: A UN agency, Red Crescent body, ministry, fund, NGO or donor.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub acronym_az: Option<String>,
    pub acronym_en: Option<String>,
    pub name_az: String,
    pub name_en: String,
    pub kind: OrganisationKind,
    pub iati_ref: Option<String>,
    pub parent_id: Option<i32>,
    pub search_key: String,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
