//! The demo dataset as a dump of every table, committed as a snapshot (one
//! per engine): the "before" of issue 20's change that loads the demo
//! through the set-up services instead of writing rows. Whatever path loads
//! it, the same rows must come out; a changed snapshot shows exactly which
//! rows and columns a new path writes differently.
//!
//! Normalised: rows sorted, columns that legitimately differ from one load
//! to the next left out (times of writing: every `*_at` column, and the
//! audit/feed tables' own times), record keys made under a fixed secret.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DatabaseBackend, FromQueryResult, JsonValue, Statement};
use serde_json::Value;
use tests::{Engine, TestApp, engine_tests};

/// Every table of the database but the migration bookkeeping, by name.
async fn tables(db: &impl ConnectionTrait) -> Vec<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Sqlite => {
            "SELECT name AS name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        _ => {
            "SELECT table_name AS name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
    };
    JsonValue::find_by_statement(Statement::from_string(backend, sql))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row["name"].as_str().unwrap().to_string())
        .filter(|name| name != "seaql_migrations")
        .collect()
}

/// Rows of every table, each row's columns by name, rows sorted.
async fn dump(db: &impl ConnectionTrait) -> BTreeMap<String, Vec<BTreeMap<String, Value>>> {
    let backend = db.get_database_backend();
    let mut out = BTreeMap::new();
    for table in tables(db).await {
        let rows = JsonValue::find_by_statement(Statement::from_string(
            backend,
            format!("SELECT * FROM \"{table}\""),
        ))
        .all(db)
        .await
        .unwrap_or_else(|e| panic!("read {table}: {e}"));
        let mut rows: Vec<BTreeMap<String, Value>> = rows
            .into_iter()
            .map(|row| {
                row.as_object()
                    .unwrap()
                    .iter()
                    .filter(|(column, _)| !column.ends_with("_at"))
                    // The rollup's ids follow the order a GROUP BY gives
                    // its rows, which the engine chooses: derived data,
                    // compared by content.
                    .filter(|(column, _)| table != "attendance_rollup" || *column != "id")
                    .map(|(column, value)| (column.clone(), value.clone()))
                    .collect()
            })
            .collect();
        rows.sort_by_key(|row| serde_json::to_string(row).unwrap());
        out.insert(table, rows);
    }
    out
}

async fn the_demo_dataset_loads_the_same_rows_as_its_committed_dump(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let db = &app.db.conn;
    api::seed::seed_demo_with_keys(
        db,
        api::disclosure::keys::RecordKeys::with_secret("seed-dump-snapshot"),
        &|_, _, _| {},
    )
    .await
    .unwrap();
    let dump = dump(db).await;
    assert!(dump.len() >= 37, "{} tables", dump.len());
    assert!(dump["projects"].len() >= 5);
    // Each engine types its values its own way (SQLite's booleans are
    // integers, its dates text): one snapshot per engine.
    let name = match engine {
        Engine::Sqlite => "demo_dump_sqlite",
        Engine::Postgres => "demo_dump_postgres",
    };
    insta::assert_json_snapshot!(name, dump);
}

engine_tests!(the_demo_dataset_loads_the_same_rows_as_its_committed_dump);
