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
    centres(first: 5) { nodes { name events(first: 5) { nodes { title attendance { total { value suppressed } cells { sex count suppressed } } } } } }
    events(first: 5) { nodes { title attendance { total { value suppressed } } } }
    participants { role organisation { name acronym } }
    areas { name parent { name } }
    infrastructureWorks(first: 5) { nodes { title area { name } } }
} } } }";

/// The relation paths of [`NESTED`], one query each.
const PATHS: [&str; 5] = [
    "{ projects(first: 100) { edges { node { slug centres(first: 5) { nodes { name events(first: 5) { nodes { title attendance { total { value } } } } } } } } } }",
    "{ projects(first: 100) { edges { node { slug events(first: 5) { nodes { title attendance { total { value } } } } } } } }",
    "{ projects(first: 100) { edges { node { slug participants { role organisation { name } } } } } }",
    "{ projects(first: 100) { edges { node { slug areas { name parent { name } } } } } }",
    "{ projects(first: 100) { edges { node { slug infrastructureWorks(first: 5) { nodes { title area { name } } } } } } }",
];

/// Runs a query and returns (statements it ran, its data).
/// Batches gathered over 20 ms: these tests count statements, not time, and
/// run on a machine loaded by the rest of the suite (a sibling list's keys
/// may reach the loader over several polls).
fn batched(config: &mut api::Config) {
    config.dataloader_delay_ms = 20;
}

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
        count(&|p| len(&p["centres"]["nodes"])),
        count(&|p| {
            p["centres"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| len(&c["events"]["nodes"]))
                .sum()
        }),
        count(&|p| len(&p["participants"])),
        count(&|p| len(&p["areas"])),
        count(&|p| len(&p["infrastructureWorks"]["nodes"])),
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
    let Some(app) = TestApp::spawn_seeded_with(engine, batched).await else {
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
    let Some(app) = TestApp::spawn_seeded_with(engine, batched).await else {
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
    let Some(app) = TestApp::spawn_seeded_with(engine, batched).await else {
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

// ------------------------------------------------------------------------
// Accounts: audit actors (with their organisation and projects) and the
// projects of reports resolve through the loaders too.

const ACCOUNT_PATHS: [&str; 2] = [
    "{ auditLog(first: 100) { sequence actor { email organisation { name } projects { slug } } } }",
    "{ reports { periodStart project { slug } } }",
];

/// Adds `n` managers of the UNDP project straight into the database, each
/// with an audit row of their own and a report of the project for a month.
async fn grow_accounts(app: &TestApp, from: i32, n: i32) {
    use entities::codes::{ReportStatus, UserRole};
    use entities::{audit_entry, report, user, user_project_scope};
    use sea_orm::{ActiveModelTrait, NotSet, Set};
    let db = &app.db.conn;
    let undp = api::cli::organisation_id(db, "UNDP").await.unwrap();
    let project = api::cli::project_id(db, tests::accounts::UNDP)
        .await
        .unwrap();
    let now = chrono::Utc::now();
    for i in from..from + n {
        let u = user::ActiveModel {
            id: NotSet,
            email: Set(format!("load-{i:03}@undp.example")),
            display_name: Set(format!("Load {i:03}")),
            // Never logged in with: the rows only need to exist.
            password_hash: Set("x".into()),
            role: Set(UserRole::Manager),
            organisation_id: Set(Some(undp)),
            is_active: Set(true),
            created_at: Set(now),
            version: Set(1),
            token_version: Set(0),
            language: Set("en".into()),
            mail_notifications: Set(entities::codes::MailNotifications::Each),
        }
        .insert(db)
        .await
        .unwrap();
        user_project_scope::ActiveModel {
            user_id: Set(u.id),
            project_id: Set(project),
        }
        .insert(db)
        .await
        .unwrap();
        audit_entry::ActiveModel {
            id: NotSet,
            actor_user_id: Set(Some(u.id)),
            actor_api_key_id: Set(None),
            action: Set("event.create".into()),
            entity_type: Set("event".into()),
            entity_id: Set(Some(i.to_string())),
            before: Set(None),
            after: Set(None),
            request_id: Set(None),
            created_at: Set(now),
        }
        .insert(db)
        .await
        .unwrap();
        let start = chrono::NaiveDate::from_ymd_opt(2000 + i / 12, 1 + (i % 12) as u32, 1).unwrap();
        report::ActiveModel {
            id: NotSet,
            project_id: Set(project),
            period_start: Set(start),
            period_end: Set(start + chrono::Days::new(27)),
            status: Set(ReportStatus::Submitted),
            comment: Set(None),
            submitted_by: Set(Some(u.id)),
            submitted_at: Set(Some(now)),
            decided_by: Set(None),
            decided_at: Set(None),
            created_at: Set(now),
            version: Set(1),
        }
        .insert(db)
        .await
        .unwrap();
    }
}

/// Runs an admin's query and returns (statements it ran, its data).
async fn measure_as(app: &TestApp, token: &str, query: &str) -> (u64, Value) {
    let before = app.statements();
    let resp = tests::accounts::as_user(app, token, query, json!({})).await;
    let after = app.statements();
    assert!(resp.get("errors").is_none(), "{resp:#}");
    (after - before, resp["data"].clone())
}

/// Rows at each level: (rows, rows with an actor or project, projects of actors).
fn account_shape(data: &Value) -> (usize, usize, usize) {
    let rows = data["auditLog"]
        .as_array()
        .or_else(|| data["reports"].as_array())
        .unwrap_or_else(|| panic!("no rows: {data:#}"));
    let linked = rows
        .iter()
        .filter(|r| {
            r["actor"]["organisation"]["name"].is_string() || r["project"]["slug"].is_string()
        })
        .count();
    let projects = rows
        .iter()
        .map(|r| r["actor"]["projects"].as_array().map_or(0, Vec::len))
        .sum();
    (rows.len(), linked, projects)
}

async fn audit_actors_and_report_projects_cost_statements_by_depth_not_rows(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded_with(engine, |c| {
        batched(c);
        c.jwt_secret = tests::accounts::TEST_JWT_SECRET.into();
    })
    .await
    else {
        return;
    };
    tests::accounts::create_user(&app, "admin@hub.example", "admin", None, &[]).await;
    let admin = tests::accounts::login(&app, "admin@hub.example").await;
    grow_accounts(&app, 0, 3).await;
    let mut small = Vec::new();
    for q in ACCOUNT_PATHS {
        let (n, data) = measure_as(&app, &admin, q).await;
        let (rows, linked, _) = account_shape(&data);
        assert!(
            rows >= 3 && linked >= 3,
            "{q}: every level has rows: {data:#}"
        );
        // Authentication, the root SELECT and one or two reads per level.
        assert!(n <= 10, "{n} statements for {q}: N+1?");
        small.push((n, account_shape(&data)));
    }
    grow_accounts(&app, 3, 40).await;
    for (q, (before, shape)) in ACCOUNT_PATHS.iter().zip(&small) {
        let (n, data) = measure_as(&app, &admin, q).await;
        let grown = account_shape(&data);
        eprintln!("{q}: {before} statements for {shape:?}, {n} for {grown:?}");
        assert_eq!(grown.0, shape.0 + 40, "{q}: 40 more rows");
        assert_eq!(
            grown.1,
            shape.1 + 40,
            "{q}: each new row reaches its relations"
        );
        // N+1 would add 40 statements per relation here; batches gathered
        // by a short delay may split in two on a loaded machine.
        assert!(
            n <= 2 * before,
            "{q}: statements grew with the rows: {before} for {shape:?}, {n} for {grown:?}"
        );
    }
}

engine_tests!(audit_actors_and_report_projects_cost_statements_by_depth_not_rows,);
