//! Schema migrations of the progress hub, for SQLite and PostgreSQL.
//!
//! The tables are written out column by column (never derived from the
//! entities), so an applied migration keeps meaning the same SQL when the
//! entities change later: schema changes go into new migrations.

pub use sea_orm_migration::prelude::*;

mod common;
mod m20261121_000001_create_reference_tables;
mod m20261121_000002_create_programme_tables;
mod m20261121_000003_create_delivery_tables;
mod m20261121_000004_create_governance_tables;
mod m20261122_000001_add_illustrative_flags;
mod m20261201_000001_add_cell_keys;
mod m20261201_000002_add_read_path_indexes;
mod m20261201_000003_create_event_summaries;
mod m20261207_000001_rounded_protection;
mod m20261207_000010_add_token_version;
mod m20261207_000011_audit_visibility_changes;
mod m20261207_000040_programme_setup;
mod m20261207_000201_change_feed_and_webhooks;
mod m20261208_000190_attendance_rollup;
mod m20261208_000220_reporting_quality;
mod m20261208_000230_updates_and_narratives;
mod m20261209_000210_mail_outbox;

/// Runs the migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_reference_tables::Migration),
            Box::new(m20261121_000002_create_programme_tables::Migration),
            Box::new(m20261121_000003_create_delivery_tables::Migration),
            Box::new(m20261121_000004_create_governance_tables::Migration),
            Box::new(m20261122_000001_add_illustrative_flags::Migration),
            Box::new(m20261201_000001_add_cell_keys::Migration),
            Box::new(m20261201_000002_add_read_path_indexes::Migration),
            Box::new(m20261201_000003_create_event_summaries::Migration),
            Box::new(m20261207_000001_rounded_protection::Migration),
            Box::new(m20261207_000010_add_token_version::Migration),
            Box::new(m20261207_000011_audit_visibility_changes::Migration),
            Box::new(m20261207_000040_programme_setup::Migration),
            Box::new(m20261207_000201_change_feed_and_webhooks::Migration),
            Box::new(m20261208_000190_attendance_rollup::Migration),
            Box::new(m20261208_000220_reporting_quality::Migration),
            Box::new(m20261208_000230_updates_and_narratives::Migration),
            Box::new(m20261209_000210_mail_outbox::Migration),
        ]
    }
}
