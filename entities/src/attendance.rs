//! `attendance`: Participants of an event in one cell of sex × age band × disability × category.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "attendance")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub sex: Sex,
    pub age_band: AgeBand,
    pub disability: Disability,
    pub category: BeneficiaryCategory,
    pub count: i32,
    /// True when the figure is illustrative (a breakdown the sources do not give).
    pub illustrative: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
