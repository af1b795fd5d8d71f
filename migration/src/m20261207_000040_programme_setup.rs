//! Programme set-up in the API (issue 20):
//! - `archived_at` on projects, centres, indicators, infrastructure works
//!   and teams: a record created by mistake is archived (gone from public
//!   surfaces, kept for the audit trail) rather than deleted;
//! - `version` on plans, goals and source documents (compare-and-set edits),
//!   `source_documents.body`: the text of a source, when it is kept;
//! - `indicator_targets`: targets per period, whole (`dimension` = '') or
//!   broken down (e.g. `sex` / `female`);
//! - `citations`: a record cites a source with the passage that states it;
//! - `area_boundaries`: an uploaded boundary (GeoJSON geometry) per area.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IndicatorTargets {
    Table,
    Id,
    IndicatorId,
    PeriodStart,
    PeriodEnd,
    Dimension,
    DimensionValue,
    Value,
}

#[derive(DeriveIden)]
enum Citations {
    Table,
    Id,
    SourceDocumentId,
    EntityType,
    EntityId,
    Passage,
    Lang,
}

#[derive(DeriveIden)]
enum AreaBoundaries {
    Table,
    AreaId,
    Geometry,
    UploadedAt,
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum SourceDocuments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Areas {
    Table,
    Id,
}

const ARCHIVABLE: [&str; 5] = [
    "projects",
    "centres",
    "indicators",
    "infrastructure_works",
    "teams",
];

// `&SchemaManager<'_>` would be early-bound through async_trait (see the first migration).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ARCHIVABLE {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(timestamp_with_time_zone_null(Alias::new("archived_at")))
                        .to_owned(),
                )
                .await?;
        }
        for table in ["plans", "goals", "source_documents"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(integer(Alias::new("version")).default(1))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(SourceDocuments::Table)
                    .add_column(text_null(Alias::new("body")))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IndicatorTargets::Table)
                    .col(pk_auto(IndicatorTargets::Id))
                    .col(integer(IndicatorTargets::IndicatorId))
                    .col(date(IndicatorTargets::PeriodStart))
                    .col(date(IndicatorTargets::PeriodEnd))
                    .col(string(IndicatorTargets::Dimension).default(""))
                    .col(string(IndicatorTargets::DimensionValue).default(""))
                    .col(big_integer(IndicatorTargets::Value))
                    .foreign_key(
                        ForeignKey::create()
                            .from(IndicatorTargets::Table, IndicatorTargets::IndicatorId)
                            .to(Indicators::Table, Indicators::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_indicator_targets_cell")
                    .table(IndicatorTargets::Table)
                    .col(IndicatorTargets::IndicatorId)
                    .col(IndicatorTargets::PeriodStart)
                    .col(IndicatorTargets::PeriodEnd)
                    .col(IndicatorTargets::Dimension)
                    .col(IndicatorTargets::DimensionValue)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Citations::Table)
                    .col(pk_auto(Citations::Id))
                    .col(integer(Citations::SourceDocumentId))
                    .col(string(Citations::EntityType))
                    .col(integer(Citations::EntityId))
                    .col(text(Citations::Passage))
                    .col(string(Citations::Lang))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Citations::Table, Citations::SourceDocumentId)
                            .to(SourceDocuments::Table, SourceDocuments::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_citations_entity")
                    .table(Citations::Table)
                    .col(Citations::EntityType)
                    .col(Citations::EntityId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AreaBoundaries::Table)
                    .col(integer(AreaBoundaries::AreaId).primary_key())
                    .col(text(AreaBoundaries::Geometry))
                    .col(timestamp_with_time_zone(AreaBoundaries::UploadedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AreaBoundaries::Table, AreaBoundaries::AreaId)
                            .to(Areas::Table, Areas::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in [
            AreaBoundaries::Table.to_string(),
            Citations::Table.to_string(),
            IndicatorTargets::Table.to_string(),
        ] {
            db.execute_unprepared(&format!("DROP TABLE {table}"))
                .await?;
        }
        db.execute_unprepared("ALTER TABLE source_documents DROP COLUMN body")
            .await?;
        for table in ["plans", "goals", "source_documents"] {
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN version"))
                .await?;
        }
        for table in ARCHIVABLE {
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN archived_at"))
                .await?;
        }
        Ok(())
    }
}
