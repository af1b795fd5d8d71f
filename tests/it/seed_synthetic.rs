//! `api seed synthetic`: the sizes asked for, the share of small cells, the
//! non-public and sensitive projects, writes that still work after a load
//! with explicit ids, and the refusal to touch a database holding other data.

use api::seed::synthetic::Sizes;
use api::seed::{SyntheticOptions, seed_synthetic};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;
use tests::accounts::{TEST_JWT_SECRET, as_user, create_user, login};
use tests::{Engine, TestApp, engine_tests};

const SCALE: f64 = 0.004;

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("a row");
    row.try_get_by_index::<i64>(0).expect("an integer")
}

async fn a_synthetic_load_has_the_sizes_and_shapes_asked_for(engine: Engine) {
    let Some(app) = TestApp::spawn_with(engine, |c| c.jwt_secret = TEST_JWT_SECRET.into()).await
    else {
        return;
    };
    let db = &app.db.conn;
    let options = SyntheticOptions {
        scale: SCALE,
        seed: 5,
    };
    let calls = std::sync::atomic::AtomicU64::new(0);
    let report = seed_synthetic(db, options, &|_, done, total| {
        assert!(done <= total, "{done} of {total}");
        calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    })
    .await
    .expect("synthetic load");
    assert!(report.loaded_reference);
    assert!(calls.into_inner() > 10, "progress is reported");

    let sizes = Sizes::at(SCALE);
    let count = |t: &str| format!("SELECT COUNT(*) FROM {t}");
    assert_eq!(scalar(db, &count("projects")).await, sizes.projects as i64);
    assert_eq!(scalar(db, &count("centres")).await, sizes.centres as i64);
    assert_eq!(scalar(db, &count("events")).await, sizes.events as i64);
    assert_eq!(
        scalar(db, &count("attendance")).await,
        sizes.attendance as i64
    );
    assert_eq!(
        scalar(db, &count("service_counts")).await,
        sizes.service_counts as i64
    );
    let written: u64 = report.tables.iter().map(|(_, n)| n).sum();
    assert_eq!(written, report.rows);

    // About a quarter of the cells are small; nothing is illustrative.
    let small = scalar(db, "SELECT COUNT(*) FROM attendance WHERE count < 5").await;
    let share = small as f64 / sizes.attendance as f64;
    assert!(
        (0.2..0.31).contains(&share),
        "share of cells below 5: {share}"
    );
    assert_eq!(
        scalar(db, "SELECT COUNT(*) FROM attendance WHERE illustrative").await,
        0
    );
    assert!(
        scalar(
            db,
            "SELECT COUNT(*) FROM projects WHERE sensitivity = 'sensitive'"
        )
        .await
            >= 1
    );
    let hidden = scalar(db, "SELECT COUNT(*) FROM projects WHERE NOT is_public").await;
    assert!(hidden >= 1);

    // Anonymous readers see the public projects only.
    let data = app
        .data("{ projects(first: 100) { totalCount } }", json!({}))
        .await;
    assert_eq!(
        data["projects"]["totalCount"],
        json!(sizes.projects as i64 - hidden)
    );

    // Ids were written explicitly: a new event through the API still gets a fresh id.
    create_user(&app, "admin@synthetic.test", "admin", None, &[]).await;
    let token = login(&app, "admin@synthetic.test").await;
    let project = as_user(
        &app,
        &token,
        "{ project(slug: \"synthetic-001\") { id startDate: plannedStart } }",
        json!({}),
    )
    .await;
    let project = &project["data"]["project"];
    let resp = as_user(
        &app,
        &token,
        "mutation($p: ID!, $d: NaiveDate) { createEvent(idempotencyKey: \"synthetic-after-load\", input: {
            projectId: $p, kind: TRAINING, titleAz: \"Yeni\", titleEn: \"New\", startDate: $d, endDate: $d,
            attendance: [{ sex: FEMALE, ageBand: AGE_25_TO_59, disability: WITHOUT_DISABILITY, category: GENERAL, count: 3 }]
        }) { event { id } userErrors { code message } } }",
        json!({ "p": project["id"], "d": project["startDate"] }),
    )
    .await;
    assert!(resp.get("errors").is_none(), "{resp:#}");
    assert_eq!(
        resp["data"]["createEvent"]["userErrors"],
        json!([]),
        "{resp:#}"
    );
    assert_eq!(scalar(db, &count("events")).await, sizes.events as i64 + 1);
}

async fn a_second_synthetic_load_is_refused_and_changes_nothing(engine: Engine) {
    let Some(app) = TestApp::spawn(engine).await else {
        return;
    };
    let db = &app.db.conn;
    let options = SyntheticOptions {
        scale: 0.001,
        seed: 1,
    };
    seed_synthetic(db, options, &|_, _, _| {})
        .await
        .expect("first load");
    let events = scalar(db, "SELECT COUNT(*) FROM events").await;
    let err = seed_synthetic(db, options, &|_, _, _| {})
        .await
        .expect_err("a second load is refused");
    assert!(err.to_string().contains("refusing"), "{err}");
    assert_eq!(scalar(db, "SELECT COUNT(*) FROM events").await, events);
}

async fn a_synthetic_load_refuses_a_database_with_the_demo_data(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let db = &app.db.conn;
    let projects = scalar(db, "SELECT COUNT(*) FROM projects").await;
    let err = seed_synthetic(db, SyntheticOptions::default(), &|_, _, _| {})
        .await
        .expect_err("refused");
    assert!(err.to_string().contains("refusing"), "{err}");
    assert_eq!(scalar(db, "SELECT COUNT(*) FROM projects").await, projects);
}

engine_tests!(
    a_synthetic_load_has_the_sizes_and_shapes_asked_for,
    a_second_synthetic_load_is_refused_and_changes_nothing,
    a_synthetic_load_refuses_a_database_with_the_demo_data,
);
