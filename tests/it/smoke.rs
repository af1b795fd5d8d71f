//! The server starts on each engine, serves the demo data and its own pages.

use serde_json::json;
use tests::{Engine, TestApp, engine_tests};

async fn the_demo_projects_are_listed(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let data = app
        .data(
            "{ projects(first: 10) { totalCount edges { node { slug title(lang: AZ) } } } }",
            json!({}),
        )
        .await;
    assert_eq!(data["projects"]["totalCount"], 5);
    let slugs: Vec<&str> = data["projects"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["slug"].as_str().unwrap())
        .collect();
    assert!(
        slugs.contains(&"undp-early-recovery-fuzuli-agjabadi-tartar"),
        "{slugs:?}"
    );
    let health: serde_json::Value = app
        .client
        .get(format!("{}/health", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(
        health["database"],
        if engine == Engine::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
}

engine_tests!(the_demo_projects_are_listed);
