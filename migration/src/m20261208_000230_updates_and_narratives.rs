//! Dated updates from the field and period narratives (issue 23).
//!
//! - `programme_updates`: a short dated text a manager posts to a programme,
//!   in az and en (one may follow later: stored as an empty text);
//! - `programme_update_files`: its photos (resized and re-encoded, so no
//!   EXIF or GPS survives) and documents, as bytes in the database: both
//!   engines, read replicas and `api backup` carry them without a shared
//!   file system;
//! - `period_narratives`: what the manager writes about a reporting period,
//!   shown in the donor report; one per project and period;
//! - `period_finances`: a period's budget and, where reported, spending, in
//!   one currency; one per project and period.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{
    create_table_with_indexes, drop_tables, fk, index, non_negative, unique, version_col,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ProgrammeUpdates {
    Table,
    Id,
    ProjectId,
    PostedOn,
    TextAz,
    TextEn,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    ArchivedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum ProgrammeUpdateFiles {
    Table,
    Id,
    UpdateId,
    Position,
    Kind,
    MediaType,
    FileName,
    Width,
    Height,
    ByteSize,
    Sha256,
    Content,
}

#[derive(DeriveIden, Clone, Copy)]
enum PeriodNarratives {
    Table,
    Id,
    ProjectId,
    PeriodStart,
    PeriodEnd,
    TextAz,
    TextEn,
    UpdatedBy,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum PeriodFinances {
    Table,
    Id,
    ProjectId,
    PeriodStart,
    PeriodEnd,
    BudgetAmount,
    SpentAmount,
    Currency,
    UpdatedBy,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum Projects {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
}

// `&SchemaManager<'_>` would be early-bound through async_trait (see the first migration).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_table_with_indexes(
            manager,
            Table::create()
                .table(ProgrammeUpdates::Table)
                .col(pk_auto(ProgrammeUpdates::Id))
                .col(integer(ProgrammeUpdates::ProjectId))
                .col(date(ProgrammeUpdates::PostedOn))
                .col(text(ProgrammeUpdates::TextAz))
                .col(text(ProgrammeUpdates::TextEn))
                .col(integer_null(ProgrammeUpdates::CreatedBy))
                .col(timestamp_with_time_zone(ProgrammeUpdates::CreatedAt))
                .col(timestamp_with_time_zone(ProgrammeUpdates::UpdatedAt))
                .col(timestamp_with_time_zone_null(ProgrammeUpdates::ArchivedAt))
                .col(version_col("programme_updates", ProgrammeUpdates::Version))
                .foreign_key(&mut fk(
                    ProgrammeUpdates::Table,
                    ProgrammeUpdates::ProjectId,
                    Projects::Table,
                    ForeignKeyAction::NoAction,
                ))
                .foreign_key(&mut fk(
                    ProgrammeUpdates::Table,
                    ProgrammeUpdates::CreatedBy,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .take(),
            vec![index(
                ProgrammeUpdates::Table,
                &[ProgrammeUpdates::ProjectId, ProgrammeUpdates::PostedOn],
            )],
        )
        .await?;
        create_table_with_indexes(
            manager,
            Table::create()
                .table(ProgrammeUpdateFiles::Table)
                .col(pk_auto(ProgrammeUpdateFiles::Id))
                .col(integer(ProgrammeUpdateFiles::UpdateId))
                .col(integer(ProgrammeUpdateFiles::Position))
                .col(string(ProgrammeUpdateFiles::Kind))
                .col(string(ProgrammeUpdateFiles::MediaType))
                .col(string(ProgrammeUpdateFiles::FileName))
                .col(integer_null(ProgrammeUpdateFiles::Width))
                .col(integer_null(ProgrammeUpdateFiles::Height))
                .col(non_negative(
                    integer(ProgrammeUpdateFiles::ByteSize),
                    "programme_update_files",
                    ProgrammeUpdateFiles::ByteSize,
                ))
                .col(string(ProgrammeUpdateFiles::Sha256))
                .col(blob(ProgrammeUpdateFiles::Content))
                .foreign_key(&mut fk(
                    ProgrammeUpdateFiles::Table,
                    ProgrammeUpdateFiles::UpdateId,
                    ProgrammeUpdates::Table,
                    ForeignKeyAction::Cascade,
                ))
                .take(),
            vec![index(
                ProgrammeUpdateFiles::Table,
                &[
                    ProgrammeUpdateFiles::UpdateId,
                    ProgrammeUpdateFiles::Position,
                ],
            )],
        )
        .await?;
        create_table_with_indexes(
            manager,
            Table::create()
                .table(PeriodNarratives::Table)
                .col(pk_auto(PeriodNarratives::Id))
                .col(integer(PeriodNarratives::ProjectId))
                .col(date(PeriodNarratives::PeriodStart))
                .col(date(PeriodNarratives::PeriodEnd))
                .col(text(PeriodNarratives::TextAz))
                .col(text(PeriodNarratives::TextEn))
                .col(integer_null(PeriodNarratives::UpdatedBy))
                .col(timestamp_with_time_zone(PeriodNarratives::UpdatedAt))
                .col(version_col("period_narratives", PeriodNarratives::Version))
                .foreign_key(&mut fk(
                    PeriodNarratives::Table,
                    PeriodNarratives::ProjectId,
                    Projects::Table,
                    ForeignKeyAction::NoAction,
                ))
                .foreign_key(&mut fk(
                    PeriodNarratives::Table,
                    PeriodNarratives::UpdatedBy,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .take(),
            vec![unique(
                PeriodNarratives::Table,
                &[
                    PeriodNarratives::ProjectId,
                    PeriodNarratives::PeriodStart,
                    PeriodNarratives::PeriodEnd,
                ],
            )],
        )
        .await?;
        create_table_with_indexes(
            manager,
            Table::create()
                .table(PeriodFinances::Table)
                .col(pk_auto(PeriodFinances::Id))
                .col(integer(PeriodFinances::ProjectId))
                .col(date(PeriodFinances::PeriodStart))
                .col(date(PeriodFinances::PeriodEnd))
                .col(non_negative(
                    big_integer_null(PeriodFinances::BudgetAmount),
                    "period_finances",
                    PeriodFinances::BudgetAmount,
                ))
                .col(non_negative(
                    big_integer_null(PeriodFinances::SpentAmount),
                    "period_finances",
                    PeriodFinances::SpentAmount,
                ))
                .col(string(PeriodFinances::Currency))
                .col(integer_null(PeriodFinances::UpdatedBy))
                .col(timestamp_with_time_zone(PeriodFinances::UpdatedAt))
                .col(version_col("period_finances", PeriodFinances::Version))
                .foreign_key(&mut fk(
                    PeriodFinances::Table,
                    PeriodFinances::ProjectId,
                    Projects::Table,
                    ForeignKeyAction::NoAction,
                ))
                .foreign_key(&mut fk(
                    PeriodFinances::Table,
                    PeriodFinances::UpdatedBy,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .take(),
            vec![unique(
                PeriodFinances::Table,
                &[
                    PeriodFinances::ProjectId,
                    PeriodFinances::PeriodStart,
                    PeriodFinances::PeriodEnd,
                ],
            )],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                PeriodFinances::Table.into_iden(),
                PeriodNarratives::Table.into_iden(),
                ProgrammeUpdateFiles::Table.into_iden(),
                ProgrammeUpdates::Table.into_iden(),
            ],
        )
        .await
    }
}
