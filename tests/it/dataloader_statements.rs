//! The number of SQL statements a request runs is bounded by its depth, not
//! by the rows it returns: relations resolve through per-request DataLoaders.

use serde_json::{Value, json};
use tests::fixtures;
use tests::{Engine, TestApp, engine_tests, nodes};

/// Every relation level the brief names: projects → centres → events →
/// attendance, projects → participants → organisation, projects → areas →
/// parent, projects → infrastructureWorks → area (and projects → events →
/// attendance, whose suppression reads each event's project).
const NESTED: &str = "{ projects(first: 100) { totalCount edges { node {
    slug
    centres { name events { title attendance { total { value suppressed } cells { sex count suppressed } } } }
    events { title attendance { total { value suppressed } } }
    participants { role organisation { name acronym } }
    areas { name parent { name } }
    infrastructureWorks { title area { name } }
} } } }";

/// The relation paths of [`NESTED`], one query each.
const PATHS: [&str; 5] = [
    "{ projects(first: 100) { edges { node { slug centres { name events { title attendance { total { value } } } } } } } }",
    "{ projects(first: 100) { edges { node { slug events { title attendance { total { value } } } } } } }",
    "{ projects(first: 100) { edges { node { slug participants { role organisation { name } } } } } }",
    "{ projects(first: 100) { edges { node { slug areas { name parent { name } } } } } }",
    "{ projects(first: 100) { edges { node { slug infrastructureWorks { title area { name } } } } } }",
];

/// Runs a query and returns (statements it ran, its data).
async fn measure_query(app: &TestApp, query: &str) -> (u64, Value) {
    let before = app.statements();
    let data = app.data(query, json!({})).await;
    let after = app.statements();
    (after - before, data)
}

/// Rows reached at each level of the nested query.
fn shape(data: &Value) -> [usize; 6] {
    let projects = nodes(&data["projects"]);
    let count = |f: &dyn Fn(&Value) -> usize| projects.iter().map(f).sum::<usize>();
    let len = |v: &Value| v.as_array().map_or(0, Vec::len);
    [
        projects.len(),
        count(&|p| len(&p["centres"])),
        count(&|p| {
            p["centres"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| len(&c["events"]))
                .sum()
        }),
        count(&|p| len(&p["participants"])),
        count(&|p| len(&p["areas"])),
        count(&|p| len(&p["infrastructureWorks"])),
    ]
}

async fn id_of(app: &TestApp, query: &str, pointer: &str) -> i32 {
    fixtures::raw_id(&app.id_at(query, pointer).await)
}

/// Ids the growth needs: (UNDP project, UNDP organisation, Füzuli, a village).
async fn demo_ids(app: &TestApp) -> (i32, i32, i32, i32) {
    (
        id_of(
            app,
            "{ project(slug: \"undp-early-recovery-fuzuli-agjabadi-tartar\") { id } }",
            "/project/id",
        )
        .await,
        id_of(
            app,
            "{ organisations(filter: { search: \"UNDP\" }) { edges { node { id } } } }",
            "/organisations/edges/0/node/id",
        )
        .await,
        id_of(
            app,
            "{ areas(filter: { code: \"AZ-FUZ\" }) { edges { node { id } } } }",
            "/areas/edges/0/node/id",
        )
        .await,
        id_of(
            app,
            "{ areas(filter: { search: \"Qazaxlilar\" }) { edges { node { id } } } }",
            "/areas/edges/0/node/id",
        )
        .await,
    )
}

/// Puts an event with attendance at a centre of the UNDP project, so that
/// every level of the nested query has rows before the growth.
async fn reach_every_level(app: &TestApp) {
    let (undp_project, _, fuzuli, _) = demo_ids(app).await;
    let db = &app.db.conn;
    let centre = fixtures::centre(db, undp_project, "Baseline centre", Some(fuzuli)).await;
    let event = fixtures::event(db, undp_project, Some(centre), "Baseline training").await;
    fixtures::attendance(db, event, entities::codes::Sex::Female, 12).await;
}

/// Adds `extra` public projects, each with a participant, an area, a work,
/// and a centre holding an event with attendance.
async fn grow(app: &TestApp, extra: i32) {
    let (_, undp, fuzuli, village) = demo_ids(app).await;
    let db = &app.db.conn;
    for i in 0..extra {
        let p = fixtures::project(
            db,
            &format!("load-test-{i:02}"),
            &format!("Load test project {i:02}"),
            true,
        )
        .await;
        fixtures::participant(db, p, undp, entities::codes::ParticipantRole::Funding).await;
        fixtures::project_area(db, p, fuzuli).await;
        fixtures::work(db, p, &format!("Load test road {i:02}"), village).await;
        let c = fixtures::centre(db, p, &format!("Load test centre {i:02}"), Some(fuzuli)).await;
        let e = fixtures::event(db, p, Some(c), &format!("Load test training {i:02}")).await;
        fixtures::attendance(db, e, entities::codes::Sex::Male, 20 + i).await;
        fixtures::attendance(db, e, entities::codes::Sex::Female, 3).await;
    }
}

async fn each_relation_path_runs_the_same_statements_for_5_and_30_projects(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    reach_every_level(&app).await;
    let mut small = Vec::new();
    for q in PATHS {
        let (n, data) = measure_query(&app, q).await;
        assert_eq!(nodes(&data["projects"]).len(), 5);
        // The root SELECT and one or two reads per level.
        assert!(n <= 6, "{n} statements for {q}: N+1?");
        small.push(n);
    }
    grow(&app, 25).await;
    for (q, before) in PATHS.iter().zip(&small) {
        for _ in 0..3 {
            let (n, data) = measure_query(&app, q).await;
            assert_eq!(nodes(&data["projects"]).len(), 30);
            assert_eq!(
                n, *before,
                "{q}: {before} statements for 5 projects, {n} for 30"
            );
        }
    }
}

async fn nested_query_statement_count_does_not_grow_with_rows(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    reach_every_level(&app).await;
    // Loaders of the same key type reached by two paths may or may not share
    // a batch: take the most statements of a few runs as the bound.
    let mut small = 0;
    let mut small_shape = [0; 6];
    for _ in 0..3 {
        let (n, data) = measure_query(&app, NESTED).await;
        small = small.max(n);
        small_shape = shape(&data);
    }
    assert!(
        small_shape.iter().all(|n| *n > 0),
        "every level has rows: {small_shape:?}"
    );
    assert!(small <= 20, "{small} statements for one nested query: N+1?");

    grow(&app, 30).await;
    for _ in 0..3 {
        let (large, data) = measure_query(&app, NESTED).await;
        let large_shape = shape(&data);
        let grown: Vec<usize> = small_shape.iter().map(|n| n + 30).collect();
        assert_eq!(large_shape.to_vec(), grown, "every level gained 30 rows");
        // Bounded by the query's depth, not its rows: N+1 would add 30
        // statements per relation here (180 or more). Batches are gathered
        // by a short delay, so on a loaded machine a relation may take two
        // batches; hence "at most twice", not equality with the small run.
        assert!(
            large <= 2 * small,
            "statements grew with the rows: {small} for {small_shape:?}, {large} for {large_shape:?}"
        );
    }
}

async fn total_count_costs_one_count_and_only_when_asked_for(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let (n, _) = measure_query(&app, "{ projects(first: 100) { edges { node { slug } } } }").await;
    assert_eq!(n, 1, "one SELECT without totalCount");
    let (n, _) = measure_query(&app, "{ projects(first: 1) { totalCount } }").await;
    assert_eq!(n, 2, "a COUNT and the SELECT");
}

engine_tests!(
    each_relation_path_runs_the_same_statements_for_5_and_30_projects,
    total_count_costs_one_count_and_only_when_asked_for,
);

engine_tests!(nested_query_statement_count_does_not_grow_with_rows,);
