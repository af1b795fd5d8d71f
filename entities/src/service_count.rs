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
    /// Secret record key of the cell key method (random, 1..2^31-1): the
    /// noise of a published aggregate derives from its rows' keys. Never
    /// sent to a client, never written to the audit log.
    #[serde(skip)]
    pub cell_key: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
