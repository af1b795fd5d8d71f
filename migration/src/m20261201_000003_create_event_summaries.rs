//! `event_summaries`: one row per event with what the statistics of
//! participants read when they group by event-level dimensions only (project,
//! district, month, organisation…), so such a query reads one row per event
//! instead of every attendance cell (issue 12: 1,000,000 cells → 50,000 rows),
//! and the district of each event, stored instead of being derived from the
//! area tree on every request.
//!
//! The API keeps the rows current in the transaction of every write that can
//! change them (`api::stats::summary`), and checks them at start. Columns:
//! - `district_id`: the event's centre's district, else the one district all
//!   its areas lie in (NULL when several or none);
//! - `month`, `quarter`, `year`: `YYYY-MM`, `YYYY-Qn`, `YYYY` of the event
//!   when it lies within one (NULL when it spans several or has no date), so
//!   grouping by them reads stored keys with planner statistics instead of a
//!   date expression per row;
//! - `total`: participants; `unknown`: the part a viewer without raw access
//!   does not know (the disclosure rule, computed with `threshold`, the
//!   small-cell threshold of the event's class when the row was written);
//! - `class_rank`, `unknown_class_rank`: highest class (0 public, 1 ordinary,
//!   2 sensitive) of a cell counting anyone, of all cells and of the unknown
//!   ones (-1: none);
//! - `key_sum`: sum of the cells' secret keys (never sent to a client);
//! - `illustrative`: whether any cell is an illustrative breakdown;
//! - `cells`: number of attendance cells.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

// `&SchemaManager<'_>` would be early-bound through async_trait (see the first migration).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let big = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "BIGINT",
            _ => "INTEGER",
        };
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE TABLE event_summaries (\
               event_id INTEGER NOT NULL PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE, \
               district_id INTEGER NULL REFERENCES areas (id), \
               month VARCHAR NULL, \
               quarter VARCHAR NULL, \
               year VARCHAR NULL, \
               total {big} NOT NULL, \
               unknown {big} NOT NULL, \
               class_rank INTEGER NOT NULL, \
               unknown_class_rank INTEGER NOT NULL, \
               key_sum {big} NOT NULL, \
               illustrative BOOLEAN NOT NULL, \
               cells INTEGER NOT NULL, \
               threshold INTEGER NOT NULL)"
        ))
        .await?;
        db.execute_unprepared(
            "CREATE INDEX ix_event_summaries_district ON event_summaries (district_id)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE event_summaries")
            .await?;
        Ok(())
    }
}
