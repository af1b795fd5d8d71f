//! Loading the demo dataset twice changes nothing; loading it over a partly
//! damaged copy restores only what is missing.

use entities::*;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use tests::{Engine, TestApp, engine_tests};

/// Row counts of the tables the demo dataset fills.
async fn counts(db: &DatabaseConnection) -> Vec<(&'static str, u64)> {
    vec![
        (
            "source_documents",
            source_document::Entity::find().count(db).await.unwrap(),
        ),
        ("areas", area::Entity::find().count(db).await.unwrap()),
        (
            "organisations",
            organisation::Entity::find().count(db).await.unwrap(),
        ),
        ("projects", project::Entity::find().count(db).await.unwrap()),
        (
            "project_participants",
            project_participant::Entity::find().count(db).await.unwrap(),
        ),
        (
            "project_areas",
            project_area::Entity::find().count(db).await.unwrap(),
        ),
        ("plans", plan::Entity::find().count(db).await.unwrap()),
        ("goals", goal::Entity::find().count(db).await.unwrap()),
        ("centres", centre::Entity::find().count(db).await.unwrap()),
        (
            "centre_areas_served",
            centre_area_served::Entity::find().count(db).await.unwrap(),
        ),
        ("teams", team::Entity::find().count(db).await.unwrap()),
        (
            "team_roles",
            team_role::Entity::find().count(db).await.unwrap(),
        ),
        ("events", event::Entity::find().count(db).await.unwrap()),
        (
            "attendance",
            attendance::Entity::find().count(db).await.unwrap(),
        ),
        (
            "infrastructure_works",
            infrastructure_work::Entity::find().count(db).await.unwrap(),
        ),
        (
            "work_status_changes",
            work_status_change::Entity::find().count(db).await.unwrap(),
        ),
        (
            "service_counts",
            service_count::Entity::find().count(db).await.unwrap(),
        ),
        (
            "indicators",
            indicator::Entity::find().count(db).await.unwrap(),
        ),
        (
            "indicator_values",
            indicator_value::Entity::find().count(db).await.unwrap(),
        ),
    ]
}

async fn seeding_the_demo_dataset_twice_inserts_nothing_the_second_time(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let db = &app.db.conn;
    let empty = counts(db).await;
    assert!(empty.iter().all(|(_, n)| *n == 0), "{empty:?}");

    let steps = std::sync::Mutex::new(Vec::new());
    let first = api::seed::seed_demo(db, &|step, of, name| {
        steps.lock().unwrap().push((step, of, name.to_string()));
    })
    .await
    .expect("first seed");
    assert!(first.inserted > 100, "{first:?}");
    let steps = steps.into_inner().unwrap();
    assert!(!steps.is_empty(), "the seed reports progress");
    assert!(steps.iter().all(|(step, of, _)| step <= of));
    let after_first = counts(db).await;
    assert!(
        after_first.iter().all(|(_, n)| *n > 0),
        "every table got rows: {after_first:?}"
    );

    for run in 2..=3 {
        let again = api::seed::seed_demo(db, &|_, _, _| {})
            .await
            .expect("seed again");
        assert_eq!(again.inserted, 0, "run {run} inserted rows: {again:?}");
        assert!(again.existing > 0);
        assert_eq!(
            counts(db).await,
            after_first,
            "run {run} changed the counts"
        );
    }
    assert!(api::seed::demo_is_loaded(db).await.unwrap());
    let data = app
        .data(
            "{ projects { totalCount } areas { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(data["projects"]["totalCount"], 5);
    assert_eq!(data["areas"]["totalCount"], 12);
}

async fn seeding_again_restores_only_what_is_missing(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let db = &app.db.conn;
    let complete = counts(db).await;
    let removed = team_role::Entity::delete_many()
        .filter(team_role::Column::RoleEn.eq("Lawyer"))
        .exec(db)
        .await
        .unwrap();
    assert_eq!(removed.rows_affected, 1);
    let report = api::seed::seed_demo(db, &|_, _, _| {}).await.unwrap();
    assert_eq!(report.inserted, 1, "{report:?}");
    assert_eq!(counts(db).await, complete);
}

engine_tests!(
    seeding_the_demo_dataset_twice_inserts_nothing_the_second_time,
    seeding_again_restores_only_what_is_missing,
);
