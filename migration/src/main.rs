//! `migration` command line: `up`, `down`, `status`, `fresh`, `refresh`, `reset`.
//! The database comes from `DATABASE_URL` (or `-u`).

use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli(migration::Migrator).await;
}
