//! `source_documents`: A published text that figures cite.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "source_documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub title_az: String,
    pub title_en: String,
    pub publisher: Option<String>,
    pub published_on: Option<Date>,
    pub language: String,
    pub reference: Option<String>,
    pub url: Option<String>,
    /// Row version for compare-and-set edits.
    pub version: i32,
    /// The source's text, when it is kept.
    #[sea_orm(column_type = "Text", nullable)]
    pub body: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
