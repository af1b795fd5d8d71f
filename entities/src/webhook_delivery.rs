//! `webhook_deliveries`: the outbox. One message per subscription and change,
//! written in the change's transaction; the body is stored once and sent
//! byte for byte on every attempt.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The `webhook-id` header: stable across retries and replays.
    #[sea_orm(unique, column_type = "String(StringLen::N(64))")]
    pub message_id: String,
    pub subscription_id: i32,
    pub change_id: i64,
    #[sea_orm(column_type = "String(StringLen::N(100))")]
    pub event_type: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// `pending`, `delivered` or `failed`.
    #[sea_orm(column_type = "String(StringLen::N(16))")]
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A worker holds the message until then (a replica that dies mid-send lets go).
    pub lease_until: Option<DateTimeUtc>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
