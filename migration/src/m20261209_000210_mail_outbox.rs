//! E-mail notifications (issue 22).
//!
//! - `users.language` (`az` or `en`): the language of the mail a person gets.
//! - `users.mail_notifications` (`each`, `weekly` or `off`): a mail per
//!   event, one weekly digest, or none.
//! - `mail_messages`: the mail outbox. One row per event and recipient,
//!   written in the transaction of the change (a report submitted, returned
//!   or approved) or by the worker's overdue check; `dedupe_key` is unique,
//!   so the same event never makes two rows for one person, and
//!   `message_id` is the stable `Message-ID` header, so a resend after a
//!   crash mid-send is recognisable. Rows of people on the weekly digest
//!   wait as `held` until the digest takes them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{code, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Language,
    MailNotifications,
}

#[derive(DeriveIden, Clone, Copy)]
enum MailMessages {
    Table,
    Id,
    MessageId,
    DedupeKey,
    UserId,
    Recipient,
    Language,
    Kind,
    ProjectId,
    ReportId,
    Subject,
    Body,
    State,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    CreatedAt,
    SentAt,
}

// `&SchemaManager<'_>` would be early-bound through async_trait (see the first migration).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(code(Users::Language).default("en"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(code(Users::MailNotifications).default("each"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailMessages::Table)
                    .col(big_pk_auto(MailMessages::Id))
                    .col(string_len(MailMessages::MessageId, 200).unique_key())
                    .col(string_len(MailMessages::DedupeKey, 200).unique_key())
                    .col(integer(MailMessages::UserId))
                    .col(string_len(MailMessages::Recipient, 320))
                    .col(code(MailMessages::Language))
                    .col(code(MailMessages::Kind))
                    .col(integer_null(MailMessages::ProjectId))
                    .col(integer_null(MailMessages::ReportId))
                    .col(string_len(MailMessages::Subject, 300))
                    .col(text(MailMessages::Body))
                    .col(code(MailMessages::State))
                    .col(integer(MailMessages::Attempts).default(0))
                    .col(timestamp_with_time_zone(MailMessages::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(MailMessages::LeaseUntil))
                    .col(string_null(MailMessages::LastError))
                    .col(timestamp_with_time_zone(MailMessages::CreatedAt))
                    .col(timestamp_with_time_zone_null(MailMessages::SentAt))
                    .foreign_key(&mut fk(
                        MailMessages::Table,
                        MailMessages::UserId,
                        Alias::new("users"),
                        ForeignKeyAction::Cascade,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(index(
                MailMessages::Table,
                &[MailMessages::State, MailMessages::NextAttemptAt],
            ))
            .await?;
        manager
            .create_index(index(
                MailMessages::Table,
                &[MailMessages::UserId, MailMessages::State],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE mail_messages")
            .await?;
        for col in [Users::MailNotifications, Users::Language] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
