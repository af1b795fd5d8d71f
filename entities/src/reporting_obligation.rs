//! `reporting_obligations`: which unit of a project owes which figures, how
//! often, and how many days after the period they are due.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "reporting_obligations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub unit_kind: ObligationUnit,
    /// The centre that reports; `None` with `unit_kind = centre` means every
    /// live centre of the project.
    pub centre_id: Option<i32>,
    pub figures: ObligationFigures,
    pub frequency: ReportingFrequency,
    /// Days after the period's last day by which the report is due.
    pub due_days: i32,
    /// First period owed is the one containing this date.
    pub starts_on: Date,
    /// No period starting after this date is owed.
    pub ends_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub version: i32,
    pub archived_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
