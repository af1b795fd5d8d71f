//! `service_counts`: People or appeals for a period, by support type, channel, stage and cell.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "service_counts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub centre_id: Option<i32>,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub period_label_az: Option<String>,
    pub period_label_en: Option<String>,
    pub support_type: Option<SupportType>,
    pub channel: Option<Channel>,
    pub stage: ServiceStage,
    pub unit: CountUnit,
    pub sex: Option<Sex>,
    pub age_band: Option<AgeBand>,
    pub disability: Option<Disability>,
    pub category: Option<BeneficiaryCategory>,
    pub value: i64,
    pub sensitivity: Sensitivity,
    pub source_document_id: Option<i32>,
    pub version: i32,
    /// True when the figure is illustrative (a breakdown the sources do not give).
    pub illustrative: bool,
    /// Secret record key (random, 1..2^31-1): the draw that rounds the row
    /// (`api::disclosure`). Never sent to a client, never written to the
    /// audit log.
    #[serde(skip)]
    pub cell_key: i64,
    /// The rule's inputs, decided once per row when it is written
    /// (`api::disclosure::sql::refresh_rows`): class rank (0 public,
    /// 1 ordinary, 2 sensitive).
    #[serde(skip)]
    pub class_rank: i32,
    /// The threshold of its class, which is its rounding base.
    #[serde(skip)]
    pub base: i32,
    /// Known to every viewer: public class, or a figure as reported that is
    /// not small.
    #[serde(skip)]
    pub known_to_all: bool,
    /// Known to every viewer when a query counts its report whole (the
    /// cells of an illustrative breakdown of a reported figure that is not
    /// small), or known to all.
    #[serde(skip)]
    pub whole_known: bool,
    /// Its count rounded to a multiple of `base` by its key.
    #[serde(skip)]
    pub rounded: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
