//! `period_finances`: a programme's money for one period, as its manager
//! enters it in set-up: the budget of the period and, where reported, what
//! was spent, in one currency. Shown beside progress on the programme page
//! and in the donor report.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "period_finances")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub period_start: Date,
    pub period_end: Date,
    /// Budget of the period, in whole currency units.
    pub budget_amount: Option<i64>,
    /// Spent in the period, in whole currency units (null: not reported).
    pub spent_amount: Option<i64>,
    /// ISO 4217 code.
    pub currency: String,
    pub updated_by: Option<i32>,
    pub updated_at: DateTimeUtc,
    /// Row version for compare-and-set edits.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
