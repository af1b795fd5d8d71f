//! The change feed and signed webhooks (issue 24).
//!
//! - `changes`: one row per audited write, inserted in the write's own
//!   transaction (`api::services::audit`). `position` is NULL until the one
//!   sequencer (`api::changes::sequence`) numbers committed rows in the order
//!   it sees them: ids come from a sequence and can commit out of order on
//!   PostgreSQL, so a cursor over ids could skip a row committed late with a
//!   lower id; a cursor over positions cannot.
//! - `webhook_subscriptions`: an endpoint per API key with its signing secret,
//!   the event kinds and projects it wants, and whether it is enabled.
//! - `webhook_deliveries`: the outbox, one row per subscription and change,
//!   written in the change's transaction, with the body stored once (a retry
//!   sends the same bytes), its state, attempt count, next attempt and lease.
//! - `webhook_attempts`: the delivery log (status code or error per attempt).

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Changes {
    Table,
    Id,
    Position,
    AuditId,
    Kind,
    EntityType,
    EntityId,
    ProjectId,
    Audience,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookSubscriptions {
    Table,
    Id,
    ApiKeyId,
    Url,
    Secret,
    EventKinds,
    ProjectIds,
    Enabled,
    DisabledReason,
    DisabledAt,
    CreatedBy,
    CreatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookDeliveries {
    Table,
    Id,
    MessageId,
    SubscriptionId,
    ChangeId,
    EventType,
    Body,
    State,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastStatusCode,
    LastError,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WebhookAttempts {
    Table,
    Id,
    DeliveryId,
    AttemptedAt,
    StatusCode,
    Error,
    DurationMs,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApiKeys {
    Table,
}

// `&SchemaManager<'_>` would be early-bound through async_trait (see the first migration).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Changes::Table)
                    .col(big_pk_auto(Changes::Id))
                    .col(big_integer_null(Changes::Position).unique_key())
                    .col(big_integer(Changes::AuditId))
                    .col(string_len(Changes::Kind, 100))
                    .col(string_len(Changes::EntityType, 60))
                    .col(integer_null(Changes::EntityId))
                    .col(integer_null(Changes::ProjectId))
                    .col(string_len(Changes::Audience, 16))
                    .col(timestamp_with_time_zone(Changes::CreatedAt))
                    .take(),
            )
            .await?;
        // The sequencer's work list: rows not numbered yet (partial index, both engines).
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX ix_changes_unsequenced ON changes (id) WHERE position IS NULL",
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookSubscriptions::Table)
                    .col(pk_auto(WebhookSubscriptions::Id))
                    .col(integer(WebhookSubscriptions::ApiKeyId))
                    .col(string_len(WebhookSubscriptions::Url, 2048))
                    .col(string_len(WebhookSubscriptions::Secret, 100))
                    .col(json(WebhookSubscriptions::EventKinds))
                    .col(json(WebhookSubscriptions::ProjectIds))
                    .col(boolean(WebhookSubscriptions::Enabled))
                    .col(string_null(WebhookSubscriptions::DisabledReason))
                    .col(timestamp_with_time_zone_null(
                        WebhookSubscriptions::DisabledAt,
                    ))
                    .col(integer_null(WebhookSubscriptions::CreatedBy))
                    .col(timestamp_with_time_zone(WebhookSubscriptions::CreatedAt))
                    .col(integer(WebhookSubscriptions::Version).default(1))
                    .foreign_key(&mut fk(
                        WebhookSubscriptions::Table,
                        WebhookSubscriptions::ApiKeyId,
                        ApiKeys::Table,
                        ForeignKeyAction::NoAction,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(big_pk_auto(WebhookDeliveries::Id))
                    .col(string_len(WebhookDeliveries::MessageId, 64).unique_key())
                    .col(integer(WebhookDeliveries::SubscriptionId))
                    .col(big_integer(WebhookDeliveries::ChangeId))
                    .col(string_len(WebhookDeliveries::EventType, 100))
                    .col(text(WebhookDeliveries::Body))
                    .col(string_len(WebhookDeliveries::State, 16))
                    .col(integer(WebhookDeliveries::Attempts).default(0))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::LeaseUntil))
                    .col(integer_null(WebhookDeliveries::LastStatusCode))
                    .col(string_null(WebhookDeliveries::LastError))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .col(timestamp_with_time_zone_null(
                        WebhookDeliveries::DeliveredAt,
                    ))
                    .foreign_key(&mut fk(
                        WebhookDeliveries::Table,
                        WebhookDeliveries::SubscriptionId,
                        WebhookSubscriptions::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                WebhookDeliveries::Table,
                &[WebhookDeliveries::State, WebhookDeliveries::NextAttemptAt],
            ))
            .await?;
        manager
            .create_index(index(
                WebhookDeliveries::Table,
                &[WebhookDeliveries::SubscriptionId, WebhookDeliveries::Id],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempts::Table)
                    .col(big_pk_auto(WebhookAttempts::Id))
                    .col(big_integer(WebhookAttempts::DeliveryId))
                    .col(timestamp_with_time_zone(WebhookAttempts::AttemptedAt))
                    .col(integer_null(WebhookAttempts::StatusCode))
                    .col(string_null(WebhookAttempts::Error))
                    .col(integer(WebhookAttempts::DurationMs))
                    .foreign_key(&mut fk(
                        WebhookAttempts::Table,
                        WebhookAttempts::DeliveryId,
                        WebhookDeliveries::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                WebhookAttempts::Table,
                &[WebhookAttempts::DeliveryId],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "webhook_attempts",
            "webhook_deliveries",
            "webhook_subscriptions",
            "changes",
        ] {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP TABLE {table}"))
                .await?;
        }
        Ok(())
    }
}
