//! `users`: A person who logs in: admin, manager, donor or viewer.

use crate::codes::*;
use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: UserRole,
    pub organisation_id: Option<i32>,
    pub is_active: bool,
    pub created_at: DateTimeUtc,
    pub version: i32,
    /// Written into every access token; bumped by a password change,
    /// deactivation or role change, which makes older tokens invalid.
    pub token_version: i32,
    /// `az` or `en`: the language of the mail the person gets.
    #[sea_orm(column_type = "String(StringLen::N(40))")]
    pub language: String,
    /// A mail per event, a weekly digest, or none.
    pub mail_notifications: MailNotifications,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
