//! `attendance_rollup` (issue 19): the attendance cells of counted events
//! summed per programme, district, period, event kind and cell (sex × age
//! band × disability × category), with what publication needs of them (the
//! same measures as `event_summaries`, computed by the one disclosure rule
//! from each cell's stored inputs). Statistics that group or filter by those
//! dimensions only read this table (tens of thousands of rows) instead of
//! every attendance cell joined to its event (1,000,000 at scale 1.0); the
//! figures are the same because every measure is a sum or a maximum.
//!
//! The API rewrites the rows of a programme's district and period in the
//! transaction of every write that changes one of its events or cells
//! (`api::stats::summary`), and rebuilds the table at start when it differs
//! from the per-event summaries. Never sent to a client.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

// `&SchemaManager<'_>` would be early-bound through async_trait (see the first migration).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let (id, big) = match manager.get_database_backend() {
            DatabaseBackend::Postgres => ("SERIAL PRIMARY KEY", "BIGINT"),
            _ => ("INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT", "INTEGER"),
        };
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE TABLE attendance_rollup (\
               id {id}, \
               project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE, \
               district_id INTEGER NULL REFERENCES areas (id), \
               month VARCHAR NULL, \
               quarter VARCHAR NULL, \
               year VARCHAR NULL, \
               kind VARCHAR(40) NOT NULL, \
               sex VARCHAR(40) NOT NULL, \
               age_band VARCHAR(40) NOT NULL, \
               disability VARCHAR(40) NOT NULL, \
               category VARCHAR(40) NOT NULL, \
               total {big} NOT NULL, \
               unknown {big} NOT NULL, \
               rounded {big} NOT NULL, \
               slack {big} NOT NULL, \
               class_rank INTEGER NOT NULL, \
               unknown_class_rank INTEGER NOT NULL, \
               illustrative BOOLEAN NOT NULL, \
               cells {big} NOT NULL)"
        ))
        .await?;
        db.execute_unprepared(
            "CREATE INDEX ix_attendance_rollup_bucket ON attendance_rollup (project_id, district_id, month)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP TABLE attendance_rollup")
            .await?;
        Ok(())
    }
}
