//! `report_receipts`: a unit's figures for a period arrived (first and last
//! write), the facts completeness and timeliness are computed from.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "report_receipts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    /// The centre's id, or 0 for the project as a whole.
    pub unit_key: i32,
    pub figures: ObligationFigures,
    pub period_start: Date,
    pub period_end: Date,
    pub first_received_at: DateTimeUtc,
    pub last_received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
