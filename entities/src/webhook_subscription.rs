//! `webhook_subscriptions`: an endpoint of an API key's client that receives
//! signed events (Standard Webhooks), with its secret, kinds and projects.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The API key whose viewer class the payloads are written for.
    pub api_key_id: i32,
    #[sea_orm(column_type = "String(StringLen::N(2048))")]
    pub url: String,
    /// `whsec_<base64>`; shown once when created.
    #[sea_orm(column_type = "String(StringLen::N(100))")]
    pub secret: String,
    /// Event kinds wanted (JSON array of strings; empty: all).
    pub event_kinds: Json,
    /// Project ids wanted (JSON array; empty: every project the key may read).
    pub project_ids: Json,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<DateTimeUtc>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
