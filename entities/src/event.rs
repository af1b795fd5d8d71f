//! `events`: A training, course, seminar, community meeting or awareness event.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub centre_id: Option<i32>,
    pub kind: EventKind,
    pub title_az: String,
    pub title_en: String,
    pub topics_az: Option<String>,
    pub topics_en: Option<String>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    pub audience_az: Option<String>,
    pub audience_en: Option<String>,
    pub capacity: Option<i32>,
    pub status: EventStatus,
    pub source_document_id: Option<i32>,
    pub search_key: String,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
