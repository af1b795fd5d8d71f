//! Gives every attendance cell and service count a secret record key.
//!
//! Statistics derived from entered data are protected by the cell key method
//! (see the API's `disclosure` module): the noise added to a published
//! aggregate is a function of the sum of its rows' keys, so the same set of
//! rows always reads the same, on every surface, while nobody who does not
//! hold the keys can tell the noise. The keys are never sent to a client.
//!
//! `cell_key BIGINT NOT NULL` (SQLite: INTEGER, 64-bit) in 1..2^31-1, drawn at random for every row:
//! PostgreSQL by a volatile column default (evaluated per row, existing rows
//! included); SQLite cannot add a column with a non-constant default, so the
//! column defaults to 0, existing rows are filled, and a trigger draws the
//! key of each new row inserted without one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["attendance", "service_counts"];

// `&SchemaManager<'_>` would be early-bound through async_trait (see the first migration).
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            match manager.get_database_backend() {
                DatabaseBackend::Postgres => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE {table} ADD COLUMN cell_key BIGINT NOT NULL \
                         DEFAULT (1 + floor(random() * 2147483646))::bigint"
                    ))
                    .await?;
                }
                _ => {
                    db.execute_unprepared(&format!(
                        "ALTER TABLE {table} ADD COLUMN cell_key INTEGER NOT NULL DEFAULT 0"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "UPDATE {table} SET cell_key = 1 + abs(random() % 2147483646)"
                    ))
                    .await?;
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_cell_key AFTER INSERT ON {table} \
                         FOR EACH ROW WHEN NEW.cell_key = 0 BEGIN \
                         UPDATE {table} SET cell_key = 1 + abs(random() % 2147483646) \
                         WHERE id = NEW.id; END"
                    ))
                    .await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in TABLES {
            if manager.get_database_backend() == DatabaseBackend::Sqlite {
                db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS {table}_cell_key"))
                    .await?;
            }
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP COLUMN cell_key"))
                .await?;
        }
        Ok(())
    }
}
