//! Backups restore to the same figures: `api backup` (SQLite, online, while
//! the server runs) and `pg_dump` + `pg_restore` (PostgreSQL, as the README's
//! "Backups" says), each restored into a fresh database that a new server
//! then reads.

use std::process::Command;

use tests::{Engine, TestApp, TestDatabase, engine_tests, tool_or_skip};

use crate::support::api_command;

/// What a reader sees: the aggregates and lists the site and dashboards read.
const FIGURES: &[&str] = &[
    "/export/projects.csv",
    "/export/centres.csv",
    "/export/events.csv",
    "/export/participant-stats.csv?groupBy=PROJECT,SEX",
    "/export/service-stats.csv?groupBy=PROJECT,SUPPORT_TYPE",
    "/export/work-stats.csv?groupBy=STATUS",
];

async fn figures(app: &TestApp) -> Vec<String> {
    let mut out = Vec::new();
    for path in FIGURES {
        let resp = app.get(path).await;
        assert_eq!(resp.status(), 200, "{path}");
        let body = resp.text().await.unwrap();
        out.push(body);
    }
    out
}

async fn a_backup_restored_into_a_fresh_database_reads_the_same_figures(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let before = figures(&app).await;
    assert!(
        before[3].lines().count() > 2,
        "the demo has participant figures"
    );
    let url = app.database_url().expect("a test database").to_string();
    let dir = tempfile::tempdir().unwrap();
    match engine {
        Engine::Sqlite => {
            let copy = dir.path().join("backups/hub-copy.db");
            // Online: the server above keeps its connections open throughout.
            let out = api_command()
                .args(["backup", copy.to_str().unwrap()])
                .env("DATABASE_URL", &url)
                .output()
                .expect("run api backup");
            assert!(
                out.status.success(),
                "api backup failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(String::from_utf8_lossy(&out.stdout).contains("backed up"));
            // A second backup to the same file is refused: nothing is overwritten.
            let again = api_command()
                .args(["backup", copy.to_str().unwrap()])
                .env("DATABASE_URL", &url)
                .output()
                .unwrap();
            assert!(
                !again.status.success(),
                "an existing file is never overwritten"
            );
            let restored =
                TestApp::serve_url(Engine::Sqlite, &format!("sqlite://{}", copy.display())).await;
            assert_eq!(figures(&restored).await, before);
        }
        Engine::Postgres => {
            if !tool_or_skip(
                "pg_dump",
                &["--version"],
                "apt-get install postgresql-client",
            ) || !tool_or_skip(
                "pg_restore",
                &["--version"],
                "apt-get install postgresql-client",
            ) {
                return;
            }
            let dump = dir.path().join("hub.dump");
            let status = Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(&dump)
                .arg(&url)
                .status()
                .expect("run pg_dump");
            assert!(status.success(), "pg_dump failed");
            let fresh = TestDatabase::create(Engine::Postgres)
                .await
                .expect("PostgreSQL is there: the seeded server runs on it");
            let status = Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname"])
                .arg(&fresh.url)
                .arg(&dump)
                .status()
                .expect("run pg_restore");
            assert!(status.success(), "pg_restore failed");
            let restored = TestApp::serve_url(Engine::Postgres, &fresh.url).await;
            assert_eq!(figures(&restored).await, before);
            drop(restored);
            drop(fresh);
        }
    }
}

engine_tests!(a_backup_restored_into_a_fresh_database_reads_the_same_figures);

#[test]
fn api_backup_refuses_a_database_that_does_not_exist() {
    let dir = tempfile::tempdir().unwrap();
    let out = api_command()
        .args(["backup", dir.path().join("copy.db").to_str().unwrap()])
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("missing.db").display()),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        !dir.path().join("missing.db").exists(),
        "no database was made"
    );
    assert!(!dir.path().join("copy.db").exists());
}
