//! Indexes the benchmarks (issue 12) showed missing on the read and entry paths:
//! - `events (start_date, id)`: the dashboard's newest-first event page (and
//!   its keyset cursor) reads the first 50 by an index instead of sorting
//!   every visible event on each request;
//! - `service_counts (project_id, centre_id, period_start, period_end, stage)`:
//!   `setServiceCounts` finds each existing cell by its twelve key columns;
//!   with only `project_id` indexed that scanned the project's counts once per
//!   cell. The leading five columns narrow it to a centre's period.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Events {
    Table,
    Id,
    StartDate,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceCounts {
    Table,
    ProjectId,
    CentreId,
    PeriodStart,
    PeriodEnd,
    Stage,
}

const EVENTS_BY_DATE: &str = "ix_events_start_date_id";
const SERVICE_COUNT_LOOKUP: &str = "ix_service_counts_lookup";

#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(EVENTS_BY_DATE)
                    .table(Events::Table)
                    .col(Events::StartDate)
                    .col(Events::Id)
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(SERVICE_COUNT_LOOKUP)
                    .table(ServiceCounts::Table)
                    .col(ServiceCounts::ProjectId)
                    .col(ServiceCounts::CentreId)
                    .col(ServiceCounts::PeriodStart)
                    .col(ServiceCounts::PeriodEnd)
                    .col(ServiceCounts::Stage)
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(SERVICE_COUNT_LOOKUP)
                    .table(ServiceCounts::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(EVENTS_BY_DATE)
                    .table(Events::Table)
                    .to_owned(),
            )
            .await
    }
}
