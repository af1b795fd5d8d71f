//! `rule_results`: a rule an entry broke when it was last written, with the
//! values it saw and the manager's reason for a confirmed warning.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "rule_results")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    /// The centre's id, or 0 for the project as a whole.
    pub unit_key: i32,
    pub figures: ObligationFigures,
    pub period_start: Date,
    pub period_end: Date,
    pub rule_id: i32,
    pub severity: RuleSeverity,
    /// The figures the rule compared (JSON object).
    pub detail: Json,
    pub reason: Option<String>,
    pub evaluated_at: DateTimeUtc,
    pub evaluated_by: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
