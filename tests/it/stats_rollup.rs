//! The attendance rollup (`api::stats::rollup`, issue 19): participants
//! grouped by cell dimensions read it instead of every cell, so for every
//! viewer and every grouping it must publish exactly what the cells do, and
//! it must equal a fresh computation after every kind of write, including
//! writes that move an event to another month, cancel it or change its
//! programme's sensitivity.

use api::disclosure::Thresholds;
use api::seed::{SyntheticOptions, seed_synthetic};
use api::stats::aggregate::{Kind, StatsQuery, StatsTable, aggregate};
use api::stats::{Access, Dimension, rollup, summary};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};
use tests::accounts::{TEST_JWT_SECRET, UNDP, as_user, create_user, login, project_id};
use tests::{Engine, TestApp, engine_tests};

const EVENT_DIMS: [Dimension; 7] = [
    Dimension::Project,
    Dimension::Organisation,
    Dimension::District,
    Dimension::EventKind,
    Dimension::Month,
    Dimension::Quarter,
    Dimension::Year,
];
const CELL_DIMS: [Dimension; 4] = [
    Dimension::Sex,
    Dimension::AgeBand,
    Dimension::Disability,
    Dimension::Category,
];

/// Groupings of one to three dimensions with at least one cell dimension
/// (the questions the rollup answers).
fn groupings() -> Vec<Vec<Dimension>> {
    let mut out = Vec::new();
    for c in CELL_DIMS {
        out.push(vec![c]);
        for e in EVENT_DIMS {
            out.push(vec![e, c]);
        }
        for c2 in CELL_DIMS.iter().filter(|d| **d > c) {
            out.push(vec![c, *c2]);
            out.push(vec![Dimension::Project, Dimension::Year, c]);
            out.push(vec![Dimension::District, Dimension::Month, *c2]);
        }
    }
    out.push(vec![
        Dimension::Sex,
        Dimension::AgeBand,
        Dimension::Category,
    ]);
    out.push(vec![Dimension::Project, Dimension::Year, Dimension::Sex]);
    out
}

fn cells_only(access: &Access) -> Access {
    Access {
        cells_only: true,
        ..access.clone()
    }
}

async fn compare(db: &DatabaseConnection, who: &str, access: &Access, query: &StatsQuery) {
    let fast: StatsTable = aggregate(db, access, query).await.expect("rollup path");
    let slow: StatsTable = aggregate(db, &cells_only(access), query)
        .await
        .expect("cell path");
    assert_eq!(
        fast.rows, slow.rows,
        "{who}: rows of {:?} / {:?}",
        query.group_by, query.select
    );
    assert_eq!(
        fast.totals, slow.totals,
        "{who}: totals of {:?} / {:?}",
        query.group_by, query.select
    );
}

/// The viewers: anonymous, an admin (everything raw), a manager of two
/// programmes (those raw, the rest rounded).
async fn viewers(db: &DatabaseConnection) -> Vec<(&'static str, Access)> {
    use entities::project;
    let anonymous = Access::public(db).await.expect("public access");
    let admin = Access::load(db, sea_orm::Condition::all(), |_| true)
        .await
        .expect("admin access");
    let mut own: Vec<i32> = admin.visible.clone();
    own.sort_unstable();
    own.truncate(2);
    let manager = Access::load(
        db,
        sea_orm::Condition::any()
            .add(project::Column::IsPublic.eq(true))
            .add(project::Column::Id.is_in(own.clone())),
        |p| own.contains(&p),
    )
    .await
    .expect("manager access");
    vec![
        ("anonymous", anonymous),
        ("admin", admin),
        ("manager", manager),
    ]
}

async fn every_grouping_agrees(db: &DatabaseConnection) -> usize {
    let mut compared = 0;
    for (who, access) in viewers(db).await {
        for by in groupings() {
            let query = StatsQuery {
                kind: Kind::Participants,
                group_by: by.clone(),
                select: Vec::new(),
                area: None,
            };
            compare(db, who, &access, &query).await;
            compared += 1;
        }
        // Filtered: one sex, one year, one district, one programme.
        let table = aggregate(
            db,
            &access,
            &StatsQuery {
                kind: Kind::Participants,
                group_by: vec![Dimension::Project, Dimension::District, Dimension::Year],
                select: Vec::new(),
                area: None,
            },
        )
        .await
        .unwrap();
        for row in table.rows.iter().take(6) {
            for (d, v) in &row.keys {
                let query = StatsQuery {
                    kind: Kind::Participants,
                    group_by: vec![Dimension::AgeBand, Dimension::Category],
                    select: vec![(*d, v.clone()), (Dimension::Sex, Some("female".into()))],
                    area: None,
                };
                compare(db, who, &access, &query).await;
                compared += 1;
            }
        }
    }
    compared
}

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("query")
        .expect("a row");
    row.try_get_by_index::<i64>(0)
        .or_else(|_| row.try_get_by_index::<i32>(0).map(i64::from))
        .expect("an integer")
}

async fn current(db: &DatabaseConnection, after: &str) {
    assert_eq!(
        rollup::mismatches(db).await.expect("compare rollup"),
        0,
        "rollup rows differing from a fresh computation {after}"
    );
    assert_eq!(
        summary::verify(db, &Thresholds::default())
            .await
            .expect("verify"),
        Vec::<i64>::new(),
        "summaries {after}"
    );
}

/// On a synthetic load (sensitive and non-public programmes, a quarter of
/// the cells small): every grouping of one to three dimensions with a cell
/// dimension, for anonymous, admin and manager, publishes the same rows and
/// totals from the rollup as from the cells.
async fn the_rollup_publishes_what_the_cells_do(engine: Engine) {
    let Some(app) = TestApp::spawn_with(engine, |c| c.jwt_secret = TEST_JWT_SECRET.into()).await
    else {
        return;
    };
    let db = &app.db.conn;
    seed_synthetic(
        db,
        SyntheticOptions {
            scale: 0.004,
            seed: 19,
        },
        &|_, _, _| {},
    )
    .await
    .expect("synthetic load");
    current(db, "after the load").await;
    assert!(scalar(db, "SELECT COUNT(*) FROM attendance_rollup").await > 0);
    // Fewer rows than cells: the point of it.
    assert!(
        scalar(db, "SELECT COUNT(*) FROM attendance_rollup").await
            < scalar(db, "SELECT COUNT(*) FROM attendance").await
    );
    let compared = every_grouping_agrees(db).await;
    assert!(compared > 100, "{compared} questions compared");
}

async fn mutation(app: &TestApp, token: &str, doc: &str, vars: Value, field: &str) -> Value {
    let resp = as_user(app, token, doc, vars).await;
    let payload = &resp["data"][field];
    assert_eq!(payload["userErrors"], json!([]), "{field}: {resp}");
    payload.clone()
}

/// The demo data through the API: after creating, editing (moving to
/// another month and district), adding to, cancelling events, moving a
/// centre and changing a programme's sensitivity, the rollup equals a fresh
/// computation and every grouping still agrees with the cells.
async fn the_rollup_follows_every_kind_of_write(engine: Engine) {
    let Some(app) = TestApp::spawn_seeded(engine).await else {
        return;
    };
    let db = &app.db.conn;
    current(db, "after the demo seed").await;
    create_user(&app, "admin@rollup.test", "admin", None, &[]).await;
    let admin = login(&app, "admin@rollup.test").await;
    let pid = project_id(&app, Some(&admin), UNDP).await;
    let project = as_user(
        &app,
        &admin,
        "{ areas(first: 3, filter: { kind: DISTRICT }) { edges { node { id } } } }",
        json!({}),
    )
    .await;
    let districts: Vec<Value> = project["data"]["areas"]["edges"]
        .as_array()
        .expect("districts")
        .iter()
        .map(|e| e["node"]["id"].clone())
        .collect();
    assert!(districts.len() >= 2, "{project}");
    let cells = json!([
        { "sex": "FEMALE", "ageBand": "AGE_18_TO_24", "disability": "WITHOUT_DISABILITY", "category": "GENERAL", "count": 3 },
        { "sex": "MALE", "ageBand": "AGE_25_TO_59", "disability": "WITH_DISABILITY", "category": "GENERAL", "count": 12 }
    ]);
    let may_before = scalar(
        db,
        "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM attendance_rollup WHERE month = '2021-05'",
    )
    .await;
    let created = mutation(
        &app,
        &admin,
        "mutation($p: ID!, $a: [ID!], $c: [AttendanceCellInput!]) { createEvent(idempotencyKey: \"rollup-1\", input: {
            projectId: $p, kind: TRAINING, titleAz: \"Təlim\", titleEn: \"Training\", startDate: \"2021-03-10\",
            endDate: \"2021-03-10\", areaIds: $a, attendance: $c }) { event { id version } userErrors { field code message } } }",
        json!({ "p": pid, "a": [districts[0]], "c": cells }),
        "createEvent",
    )
    .await;
    current(db, "after createEvent").await;
    let id = created["event"]["id"].clone();
    let version = created["event"]["version"].clone();
    let updated = mutation(
        &app,
        &admin,
        "mutation($id: ID!, $v: Int!) { updateEvent(idempotencyKey: \"rollup-2\", input: {
            id: $id, version: $v, startDate: \"2021-05-02\", endDate: \"2021-05-02\" })
            { event { version } userErrors { field code message } } }",
        json!({ "id": id, "v": version }),
        "updateEvent",
    )
    .await;
    current(db, "after moving the event to another month").await;
    let may = "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM attendance_rollup WHERE month = '2021-05'";
    let may_with = scalar(db, may).await;
    let version = updated["event"]["version"].clone();
    mutation(
        &app,
        &admin,
        "mutation($id: ID!, $v: Int!) { cancelEvent(idempotencyKey: \"rollup-3\", id: $id, version: $v)
            { userErrors { field code message } } }",
        json!({ "id": id, "v": version }),
        "cancelEvent",
    )
    .await;
    assert_eq!(may_with, may_before + 15, "the moved event counts in May");
    current(db, "after cancelling it").await;
    // Its cells are gone from the rollup (a fresh computation skips
    // cancelled events, and the stored rows equal it).
    assert_eq!(
        scalar(
            db,
            "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM attendance_rollup WHERE month = '2021-05'"
        )
        .await,
        may_before
    );
    every_grouping_agrees(db).await;

    // A programme made sensitive: its cells take the sensitive threshold.
    let before = scalar(
        db,
        "SELECT CAST(COALESCE(SUM(slack), 0) AS BIGINT) FROM attendance_rollup",
    )
    .await;
    db.execute_unprepared("UPDATE projects SET sensitivity = 'sensitive' WHERE slug = 'undp-early-recovery-fuzuli-agjabadi-tartar'")
        .await
        .unwrap();
    summary::sync(db, &Thresholds::default()).await.unwrap();
    current(db, "after a programme became sensitive (repaired at start)").await;
    assert_ne!(
        before,
        scalar(
            db,
            "SELECT CAST(COALESCE(SUM(slack), 0) AS BIGINT) FROM attendance_rollup"
        )
        .await
    );
    every_grouping_agrees(db).await;

    // An emptied rollup (a database from an older version) is rebuilt at start.
    db.execute_unprepared("DELETE FROM attendance_rollup")
        .await
        .unwrap();
    summary::sync(db, &Thresholds::default()).await.unwrap();
    current(db, "after the start-up repair of an empty rollup").await;
}

engine_tests!(
    the_rollup_publishes_what_the_cells_do,
    the_rollup_follows_every_kind_of_write,
);
