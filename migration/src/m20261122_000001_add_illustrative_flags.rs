//! Marks figures that are illustrative rather than reported.
//!
//! The seed texts give totals without breakdowns (e.g. 130 trafficking victims,
//! 23 trainees). Breakdowns added to exercise disaggregation and small-cell
//! suppression are flagged `illustrative`, so no reader mistakes them for
//! reported figures. `indicators.illustrative` marks a baseline or target that
//! the sources do not state.
//!
//! Adds `illustrative BOOLEAN NOT NULL DEFAULT FALSE` to `service_counts`,
//! `attendance`, `indicator_values` and `indicators`, one statement per column
//! (SQLite alters one column at a time).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCounts {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Attendance {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum IndicatorValues {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Indicators {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Flag {
    Illustrative,
}

fn tables() -> [DynIden; 4] {
    [
        ServiceCounts::Table.into_iden(),
        Attendance::Table.into_iden(),
        IndicatorValues::Table.into_iden(),
        Indicators::Table.into_iden(),
    ]
}

// `&SchemaManager<'_>` would be early-bound through async_trait (see the first migration).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(boolean(Flag::Illustrative).default(false))
                        .take(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column(Flag::Illustrative)
                        .take(),
                )
                .await?;
        }
        Ok(())
    }
}
