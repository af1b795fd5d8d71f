//! The protection of small counts by rounding each unknown row once (issue
//! 25; `docs/disclosure.md`):
//! - `event_summaries.rounded` replaces `key_sum`: the sum of the event's
//!   unknown cells' rounded values for a viewer without raw access; `slack`:
//!   how far those cells may lie from them (threshold - 1 each). The rows
//!   are emptied: the API rewrites every summary at start (`summary::sync`).
//! - every stored record key is drawn again at random: keys written by older
//!   seeders were derived from public strings (and, for service counts, from
//!   the value), so they could be recomputed by a reader.
//! - `attendance` and `service_counts` get the rule's inputs per row,
//!   decided when the row is written: `class_rank`, `base` (its class's
//!   threshold), `known_to_all`, `whole_known` (known when its report is
//!   counted whole), `rounded`; statistics sum them instead of
//!   evaluating the rule per row per request.
//! - `project_categories`: the beneficiary categories a project declares it
//!   serves; its events and service counts may record only those. Filled
//!   from what each project already records, plus `unknown`.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

// `&SchemaManager<'_>` would be early-bound through async_trait (see the first migration).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        let (big, random_key) = match backend {
            DatabaseBackend::Postgres => ("BIGINT", "(1 + floor(random() * 2147483646))::bigint"),
            _ => ("INTEGER", "1 + abs(random() % 2147483646)"),
        };
        db.execute_unprepared("DELETE FROM event_summaries").await?;
        db.execute_unprepared("ALTER TABLE event_summaries DROP COLUMN key_sum")
            .await?;
        for column in ["rounded", "slack"] {
            db.execute_unprepared(&format!(
                "ALTER TABLE event_summaries ADD COLUMN {column} {big} NOT NULL DEFAULT 0"
            ))
            .await?;
        }
        for table in ["attendance", "service_counts"] {
            db.execute_unprepared(&format!("UPDATE {table} SET cell_key = {random_key}"))
                .await?;
            // The rule's inputs per row: the API fills them at start and on
            // every write (`disclosure::sql::refresh_rows`); base 0 marks a
            // row not decided yet.
            for column in [
                "class_rank INTEGER NOT NULL DEFAULT 1",
                "base INTEGER NOT NULL DEFAULT 0",
                "known_to_all BOOLEAN NOT NULL DEFAULT FALSE",
                "whole_known BOOLEAN NOT NULL DEFAULT FALSE",
                &format!("rounded {big} NOT NULL DEFAULT 0"),
            ] {
                db.execute_unprepared(&format!("ALTER TABLE {table} ADD COLUMN {column}"))
                    .await?;
            }
        }
        db.execute_unprepared(
            "CREATE TABLE project_categories (\
               project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE, \
               category VARCHAR(40) NOT NULL, \
               PRIMARY KEY (project_id, category))",
        )
        .await?;
        db.execute_unprepared(
            "INSERT INTO project_categories (project_id, category) \
             SELECT id, 'unknown' FROM projects \
             UNION SELECT e.project_id, at.category FROM attendance at JOIN events e ON e.id = at.event_id \
             UNION SELECT project_id, category FROM service_counts WHERE category IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let big = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "BIGINT",
            _ => "INTEGER",
        };
        let db = manager.get_connection();
        db.execute_unprepared("DROP TABLE project_categories")
            .await?;
        for table in ["attendance", "service_counts"] {
            for column in [
                "class_rank",
                "base",
                "known_to_all",
                "whole_known",
                "rounded",
            ] {
                db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN {column}"))
                    .await?;
            }
        }
        db.execute_unprepared("DELETE FROM event_summaries").await?;
        for column in ["rounded", "slack"] {
            db.execute_unprepared(&format!("ALTER TABLE event_summaries DROP COLUMN {column}"))
                .await?;
        }
        db.execute_unprepared(&format!(
            "ALTER TABLE event_summaries ADD COLUMN key_sum {big} NOT NULL DEFAULT 0"
        ))
        .await?;
        Ok(())
    }
}
