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
    /// Secret record key of the cell key method (random, 1..2^31-1): the
    /// noise of a published aggregate derives from its rows' keys. Never
    /// sent to a client, never written to the audit log.
    #[serde(skip)]
    pub cell_key: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
