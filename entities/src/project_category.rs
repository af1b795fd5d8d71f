//! `project_categories`: a beneficiary category a project declares it serves.
//! Its events' attendance and its service counts may record only these (the
//! protection of small counts relies on it: a project cannot file people of
//! a class it does not serve beside another organisation's).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::codes::BeneficiaryCategory;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "project_categories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category: BeneficiaryCategory,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
