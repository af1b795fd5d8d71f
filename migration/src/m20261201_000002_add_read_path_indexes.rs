//! Indexes the benchmarks (issue 12) showed missing on the read and entry paths:
//! - `events (COALESCE(start_date, '0001-01-01') DESC, id)`: the expression
//!   the event list orders and pages by (`graphql/pagination.rs`
//!   `coalesce_date`, ties by id ascending), so the dashboard's newest-first
//!   page reads its 50 rows from the index instead of sorting every visible
//!   event on each request (PostgreSQL at 50,000 events: 42 ms → 0.3 ms;
//!   PostgreSQL matches it because the bound sentinel becomes a constant in
//!   its custom plans; SQLite matches index expressions only against
//!   literals, so there it serves lookups by date at most);
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
        // sea-query writes no expression indexes: plain SQL, the same on both engines.
        let date = match manager.get_database_backend() {
            sea_orm_migration::sea_orm::DatabaseBackend::Postgres => "'0001-01-01'::date",
            _ => "'0001-01-01'",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE INDEX {EVENTS_BY_DATE} ON events ((COALESCE(start_date, {date})) DESC, id)"
            ))
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
