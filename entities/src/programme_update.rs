//! `programme_updates`: a dated update a manager posts to a programme (a
//! short text in az and en, one of which may follow later), with its
//! photos and documents in `programme_update_files`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "programme_updates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    /// The day the update speaks of.
    pub posted_on: Date,
    /// The text in Azerbaijani ("" until written).
    #[sea_orm(column_type = "Text")]
    pub text_az: String,
    /// The text in English ("" until written).
    #[sea_orm(column_type = "Text")]
    pub text_en: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the record was archived (hidden from public surfaces, kept for the audit trail).
    pub archived_at: Option<DateTimeUtc>,
    /// Row version for compare-and-set edits.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
