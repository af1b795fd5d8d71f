//! `centre_milestones`: A milestone a centre reached (rooms allocated, equipped, staffed, operational).

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "centre_milestones")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub centre_id: i32,
    pub status: CentreStatus,
    pub reached_on: Option<Date>,
    pub note_az: Option<String>,
    pub note_en: Option<String>,
    pub source_document_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
