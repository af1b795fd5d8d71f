//! Reference and geography: `areas`, `organisations`, `source_documents`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::common::{code, create_table_with_indexes, drop_tables, fk, index, unique, version_col};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Areas {
    Table,
    Id,
    Code,
    Kind,
    NameAz,
    NameEn,
    ParentId,
    Lat,
    Lon,
    SearchKey,
}

#[derive(DeriveIden, Clone, Copy)]
enum Organisations {
    Table,
    Id,
    AcronymAz,
    AcronymEn,
    NameAz,
    NameEn,
    Kind,
    IatiRef,
    ParentId,
    SearchKey,
    Version,
}

#[derive(DeriveIden, Clone, Copy)]
enum SourceDocuments {
    Table,
    Id,
    TitleAz,
    TitleEn,
    Publisher,
    PublishedOn,
    Language,
    Reference,
    Url,
}

// `&SchemaManager<'_>` would be early-bound through async_trait and no longer
// match the trait, so the hidden lifetime stays as the trait declares it.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::NoAction;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(Areas::Table)
                .col(pk_auto(Areas::Id))
                .col(string_null(Areas::Code))
                .col(code(Areas::Kind))
                .col(string(Areas::NameAz))
                .col(string(Areas::NameEn))
                .col(integer_null(Areas::ParentId))
                .col(double_null(Areas::Lat))
                .col(double_null(Areas::Lon))
                .col(string(Areas::SearchKey))
                .foreign_key(&mut fk(
                    Areas::Table,
                    Areas::ParentId,
                    Areas::Table,
                    NoAction,
                ))
                .take(),
            vec![
                unique(Areas::Table, &[Areas::Code]),
                index(Areas::Table, &[Areas::ParentId]),
                index(Areas::Table, &[Areas::SearchKey]),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(Organisations::Table)
                .col(pk_auto(Organisations::Id))
                .col(string_null(Organisations::AcronymAz))
                .col(string_null(Organisations::AcronymEn))
                .col(string(Organisations::NameAz))
                .col(string(Organisations::NameEn))
                .col(code(Organisations::Kind))
                .col(string_null(Organisations::IatiRef))
                .col(integer_null(Organisations::ParentId))
                .col(string(Organisations::SearchKey))
                .col(version_col("organisations", Organisations::Version))
                .foreign_key(&mut fk(
                    Organisations::Table,
                    Organisations::ParentId,
                    Organisations::Table,
                    NoAction,
                ))
                .take(),
            vec![
                index(Organisations::Table, &[Organisations::ParentId]),
                index(Organisations::Table, &[Organisations::SearchKey]),
            ],
        )
        .await?;

        create_table_with_indexes(
            manager,
            Table::create()
                .table(SourceDocuments::Table)
                .col(pk_auto(SourceDocuments::Id))
                .col(string(SourceDocuments::TitleAz))
                .col(string(SourceDocuments::TitleEn))
                .col(string_null(SourceDocuments::Publisher))
                .col(date_null(SourceDocuments::PublishedOn))
                .col(string(SourceDocuments::Language))
                .col(string_null(SourceDocuments::Reference))
                .col(string_null(SourceDocuments::Url))
                .take(),
            vec![],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                SourceDocuments::Table.into_iden(),
                Organisations::Table.into_iden(),
                Areas::Table.into_iden(),
            ],
        )
        .await
    }
}
