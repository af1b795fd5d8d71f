//! Governance: `users`, `user_project_scopes`, `api_keys`, `audit_log`,
//! `idempotency_keys`, `reports`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{code, create_table_with_indexes, drop_tables, fk, index, unique, version_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Tables of earlier migrations that these refer to.
#[derive(DeriveIden, Clone, Copy)]
enum Organisations {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Projects {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    PasswordHash,
    Role,
    OrganisationId,
    IsActive,
    CreatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum UserProjectScopes {
    Table,
    UserId,
    ProjectId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ApiKeys {
    Table,
    Id,
    Name,
    Prefix,
    KeyHash,
    OrganisationId,
    RateTier,
    CreatedBy,
    CreatedAt,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Id,
    ActorUserId,
    ActorApiKeyId,
    Action,
    EntityType,
    EntityId,
    Before,
    After,
    RequestId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum IdempotencyKeys {
    Table,
    Id,
    Actor,
    Key,
    RequestHash,
    Response,
    CreatedAt,
    CompletedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Reports {
    Table,
    Id,
    ProjectId,
    PeriodStart,
    PeriodEnd,
    Status,
    Comment,
    SubmittedBy,
    SubmittedAt,
    DecidedBy,
    DecidedAt,
    CreatedAt,
    Version,
}

// `&SchemaManager<'_>` would be early-bound through async_trait and no longer
// match the trait, so the hidden lifetime stays as the trait declares it.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, NoAction};

        create_table_with_indexes(
            manager,
            Table::create()
                .table(Users::Table)
                .col(pk_auto(Users::Id))
                .col(string(Users::Email))
                .col(string(Users::DisplayName))
                .col(string(Users::PasswordHash))
                .col(code(Users::Role))
                .col(integer_null(Users::OrganisationId))
                .col(boolean(Users::IsActive).default(true))
                .col(timestamp_with_time_zone(Users::CreatedAt))
                .col(version_col("users", Users::Version))
                .foreign_key(&mut fk(
                    Users::Table,
                    Users::OrganisationId,
                    Organisations::Table,
                    NoAction,
                ))
                .take(),
            vec![
                unique(Users::Table, &[Users::Email]),
                index(Users::Table, &[Users::OrganisationId]),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(UserProjectScopes::Table)
                .col(integer(UserProjectScopes::UserId))
                .col(integer(UserProjectScopes::ProjectId))
                .primary_key(
                    Index::create()
                        .col(UserProjectScopes::UserId)
                        .col(UserProjectScopes::ProjectId),
                )
                .foreign_key(&mut fk(
                    UserProjectScopes::Table,
                    UserProjectScopes::UserId,
                    Users::Table,
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    UserProjectScopes::Table,
                    UserProjectScopes::ProjectId,
                    Projects::Table,
                    Cascade,
                ))
                .take(),
            vec![index(
                UserProjectScopes::Table,
                &[UserProjectScopes::ProjectId],
            )],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(ApiKeys::Table)
                .col(pk_auto(ApiKeys::Id))
                .col(string(ApiKeys::Name))
                .col(string(ApiKeys::Prefix))
                .col(string(ApiKeys::KeyHash))
                .col(integer_null(ApiKeys::OrganisationId))
                .col(string(ApiKeys::RateTier))
                .col(integer_null(ApiKeys::CreatedBy))
                .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                .foreign_key(&mut fk(
                    ApiKeys::Table,
                    ApiKeys::OrganisationId,
                    Organisations::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    ApiKeys::Table,
                    ApiKeys::CreatedBy,
                    Users::Table,
                    NoAction,
                ))
                .take(),
            vec![
                unique(ApiKeys::Table, &[ApiKeys::Prefix]),
                index(ApiKeys::Table, &[ApiKeys::OrganisationId]),
            ],
        )
        .await?;

        // Users are deactivated and API keys revoked rather than deleted, so the
        // references refuse deletes and the audit trail is never rewritten.
        create_table_with_indexes(
            manager,
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(integer_null(AuditLog::ActorUserId))
                .col(integer_null(AuditLog::ActorApiKeyId))
                .col(string(AuditLog::Action))
                .col(string(AuditLog::EntityType))
                .col(string_null(AuditLog::EntityId))
                .col(json_null(AuditLog::Before))
                .col(json_null(AuditLog::After))
                .col(string_null(AuditLog::RequestId))
                .col(timestamp_with_time_zone(AuditLog::CreatedAt))
                .foreign_key(&mut fk(
                    AuditLog::Table,
                    AuditLog::ActorUserId,
                    Users::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    AuditLog::Table,
                    AuditLog::ActorApiKeyId,
                    ApiKeys::Table,
                    NoAction,
                ))
                .take(),
            vec![
                index(AuditLog::Table, &[AuditLog::EntityType, AuditLog::EntityId]),
                index(AuditLog::Table, &[AuditLog::ActorUserId]),
                index(AuditLog::Table, &[AuditLog::ActorApiKeyId]),
                index(AuditLog::Table, &[AuditLog::CreatedAt]),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(IdempotencyKeys::Table)
                .col(big_pk_auto(IdempotencyKeys::Id))
                .col(string(IdempotencyKeys::Actor))
                .col(string(IdempotencyKeys::Key))
                .col(string(IdempotencyKeys::RequestHash))
                .col(json_null(IdempotencyKeys::Response))
                .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(IdempotencyKeys::CompletedAt))
                .take(),
            vec![
                unique(
                    IdempotencyKeys::Table,
                    &[IdempotencyKeys::Actor, IdempotencyKeys::Key],
                ),
                // For expiring old keys.
                index(IdempotencyKeys::Table, &[IdempotencyKeys::CreatedAt]),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(Reports::Table)
                .col(pk_auto(Reports::Id))
                .col(integer(Reports::ProjectId))
                .col(date(Reports::PeriodStart))
                .col(date(Reports::PeriodEnd))
                .col(code(Reports::Status))
                .col(text_null(Reports::Comment))
                .col(integer_null(Reports::SubmittedBy))
                .col(timestamp_with_time_zone_null(Reports::SubmittedAt))
                .col(integer_null(Reports::DecidedBy))
                .col(timestamp_with_time_zone_null(Reports::DecidedAt))
                .col(timestamp_with_time_zone(Reports::CreatedAt))
                .col(version_col("reports", Reports::Version))
                .foreign_key(&mut fk(
                    Reports::Table,
                    Reports::ProjectId,
                    Projects::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    Reports::Table,
                    Reports::SubmittedBy,
                    Users::Table,
                    NoAction,
                ))
                .foreign_key(&mut fk(
                    Reports::Table,
                    Reports::DecidedBy,
                    Users::Table,
                    NoAction,
                ))
                .take(),
            vec![index(Reports::Table, &[Reports::ProjectId])],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                Reports::Table.into_iden(),
                IdempotencyKeys::Table.into_iden(),
                AuditLog::Table.into_iden(),
                ApiKeys::Table.into_iden(),
                UserProjectScopes::Table.into_iden(),
                Users::Table.into_iden(),
            ],
        )
        .await
    }
}
