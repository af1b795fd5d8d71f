//! `citations`: a record (a project, indicator, indicator value, centre,
//! work…) cites a source document with the passage that states the fact.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "citations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub source_document_id: i32,
    /// What cites: `project`, `indicator`, `indicator_value`, `centre`, `work`.
    pub entity_type: String,
    pub entity_id: i32,
    /// The quoted passage, verbatim from the source.
    #[sea_orm(column_type = "Text")]
    pub passage: String,
    /// Language of the passage (`az`, `en`, or the source's own).
    pub lang: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
