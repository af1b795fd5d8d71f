//! `event_summaries`: one row per event with its stored district and periods
//! and what publication needs of its attendance (written by the API in the
//! transaction of every write that changes them; see `api::stats::summary`).
//! Never sent to a client: `unknown` and `rounded` are what protection
//! hides.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "event_summaries")]
pub struct Model {
    /// The event.
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: i32,
    /// Its district (its centre's, else the one all its areas lie in).
    pub district_id: Option<i32>,
    /// `YYYY-MM` when the event lies within one month.
    pub month: Option<String>,
    /// `YYYY-Qn` when it lies within one quarter.
    pub quarter: Option<String>,
    /// `YYYY` when it lies within one year.
    pub year: Option<String>,
    /// Participants.
    pub total: i64,
    /// The part a viewer without raw access does not know.
    pub unknown: i64,
    /// The rounded values of the unknown cells, summed.
    pub rounded: i64,
    /// How far the unknown cells may lie from them: threshold - 1 each, summed.
    pub slack: i64,
    /// Highest class of a cell counting anyone (-1 none, 0 public, 1 ordinary, 2 sensitive).
    pub class_rank: i32,
    /// Highest class of an unknown cell counting anyone.
    pub unknown_class_rank: i32,
    /// Whether any cell is an illustrative breakdown.
    pub illustrative: bool,
    /// Attendance cells.
    pub cells: i32,
    /// The small-cell threshold the unknown part was computed with.
    pub threshold: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
