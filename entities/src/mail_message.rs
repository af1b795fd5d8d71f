//! `mail_messages`: the mail outbox. One row per event and recipient,
//! written in the change's transaction; subject and body are rendered once
//! in the recipient's language and sent byte for byte on every attempt,
//! with the same `Message-ID`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The `Message-ID` header (without angle brackets): stable across retries.
    #[sea_orm(unique, column_type = "String(StringLen::N(200))")]
    pub message_id: String,
    /// One row per event and recipient (`report.submit:<audit id>:<user>`, …).
    #[sea_orm(unique, column_type = "String(StringLen::N(200))")]
    pub dedupe_key: String,
    pub user_id: i32,
    #[sea_orm(column_type = "String(StringLen::N(320))")]
    pub recipient: String,
    /// `az` or `en`.
    #[sea_orm(column_type = "String(StringLen::N(40))")]
    pub language: String,
    /// `report_submitted`, `report_returned`, `report_approved`,
    /// `report_overdue` or `digest`.
    #[sea_orm(column_type = "String(StringLen::N(40))")]
    pub kind: String,
    pub project_id: Option<i32>,
    pub report_id: Option<i32>,
    #[sea_orm(column_type = "String(StringLen::N(300))")]
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// `pending`, `held` (for the weekly digest), `digested`, `sent`,
    /// `failed` or `skipped` (no SMTP server configured).
    #[sea_orm(column_type = "String(StringLen::N(40))")]
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A worker holds the message until then (a process that dies mid-send lets go).
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
