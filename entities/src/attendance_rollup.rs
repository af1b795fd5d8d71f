//! `attendance_rollup`: the attendance cells of counted (not cancelled)
//! events summed per programme, district, period, event kind and cell, with
//! what publication needs of them: the same measures as `event_summaries`,
//! so statistics over cell dimensions read tens of thousands of rows instead
//! of every cell (written by the API in the transaction of every write that
//! changes them; see `api::stats::summary`). Never sent to a client:
//! `unknown` and `rounded` are what protection hides.

use crate::codes::*;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "attendance_rollup")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The programme.
    pub project_id: i32,
    /// The events' stored district (`event_summaries.district_id`).
    pub district_id: Option<i32>,
    /// `YYYY-MM` of the events when each lies within one month.
    pub month: Option<String>,
    /// `YYYY-Qn` likewise.
    pub quarter: Option<String>,
    /// `YYYY` likewise.
    pub year: Option<String>,
    /// Kind of the events.
    pub kind: EventKind,
    /// The cell: sex.
    pub sex: Sex,
    /// The cell: age band.
    pub age_band: AgeBand,
    /// The cell: disability status.
    pub disability: Disability,
    /// The cell: beneficiary category.
    pub category: BeneficiaryCategory,
    /// Participants.
    pub total: i64,
    /// The part a viewer without raw access does not know.
    pub unknown: i64,
    /// The rounded values of the unknown cells, summed.
    pub rounded: i64,
    /// Threshold - 1 per unknown cell counting anyone, summed.
    pub slack: i64,
    /// Highest class of a cell counting anyone (-1 none, 0 public, 1 ordinary, 2 sensitive).
    pub class_rank: i32,
    /// Highest class of an unknown cell counting anyone.
    pub unknown_class_rank: i32,
    /// Whether any cell is an illustrative breakdown.
    pub illustrative: bool,
    /// Attendance cells summed here.
    pub cells: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
